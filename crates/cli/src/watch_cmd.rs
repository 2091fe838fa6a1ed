//! `durchblick watch`: wiring only. Credentials (environment, systemd credentials or a
//! prompt, never arguments), the pin, the 15-minute floor, Ctrl-C/SIGTERM → cancel; the
//! loop itself is `durchblick_watch::run`.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use durchblick_core::connect::{connect, Connected, Target};
use durchblick_watch::ha::{Device, Topics};
use durchblick_watch::mqtt::{BrokerLogin, BrokerUrl, Publisher};
use durchblick_watch::{schedule, Connector, WatchError, WatchEvent, WatchOptions};
use gateway::{CancelFlag, Gateway};
use han_client::{Auth, Fingerprint};
use smgw_model::Lang;

use crate::args::ConnectArgs;
use crate::failure::{code, CliProblem, Failure};

/// The options of `watch` besides the connection.
pub struct WatchArgs {
    pub mqtt: String,
    pub mqtt_ca: Option<PathBuf>,
    pub interval: u64,
    pub archive: Option<PathBuf>,
    pub no_archive: bool,
    pub once: bool,
}

/// A secret from `var`, else from the systemd credential `name` (`LoadCredential=`). The
/// file's text is wiped once the secret is cut from it; the secret itself moves into the
/// login, which wipes it when dropped.
fn credential(var: &str, name: &str) -> Option<String> {
    std::env::var(var).ok().or_else(|| {
        let dir = std::env::var_os("CREDENTIALS_DIRECTORY")?;
        let text =
            zeroize::Zeroizing::new(std::fs::read_to_string(PathBuf::from(dir).join(name)).ok()?);
        Some(text.trim_end_matches(['\n', '\r']).to_owned())
    })
}

fn auth(args: &ConnectArgs, lang: Lang) -> Result<Auth, Failure> {
    if let (Some(user), Some(password)) = (
        &args.user,
        credential("DURCHBLICK_PASSWORD", "durchblick-password"),
    ) {
        return Ok(Auth::Digest {
            user: user.clone(),
            password,
        });
    }
    if let (Some(path), Some(password)) = (
        &args.p12,
        credential("DURCHBLICK_P12_PASSWORD", "durchblick-p12-password"),
    ) {
        let data = std::fs::read(path).map_err(|e| {
            Failure::problem(
                &durchblick_core::Problem::KeyFileUnreadable {
                    path: path.clone(),
                    reason: e.to_string(),
                },
                lang,
            )
        })?;
        return Ok(Auth::Pkcs12 { data, password });
    }
    // PEM files, or a prompt on a terminal.
    crate::connect::auth(args, lang)
}

struct CliConnector {
    target: Target,
    auth: Auth,
    pins: Option<PathBuf>,
    given: Option<Fingerprint>,
    trust_on_first_use: bool,
    lang: Lang,
}

#[async_trait]
impl Connector for CliConnector {
    async fn connect(&mut self) -> Result<Box<dyn Gateway>, WatchError> {
        let lang = self.lang;
        let attempt = |confirmed: Option<Fingerprint>| {
            connect(
                &self.target,
                self.auth.clone(),
                self.pins.as_deref(),
                confirmed,
            )
        };
        let failed = |e: durchblick_core::connect::ConnectError| WatchError::Connect {
            fatal: matches!(e, durchblick_core::connect::ConnectError::Pins(_)),
            message: e.message(lang),
        };
        let mut connected = attempt(self.given).await.map_err(failed)?;
        if let Connected::NeedsConfirmation { fingerprint, .. } = connected {
            if !self.trust_on_first_use {
                // Unattended: nobody to ask.
                return Err(WatchError::Connect {
                    message: CliProblem::NotConfirmed {
                        fingerprint: fingerprint.to_string(),
                    }
                    .message(lang),
                    fatal: true,
                });
            }
            connected = attempt(Some(fingerprint)).await.map_err(failed)?;
        }
        match connected {
            Connected::Session {
                gateway,
                remembered,
                ..
            } => {
                if let Err(e) = remembered {
                    eprintln!("{}", e.message(lang));
                }
                Ok(gateway)
            }
            Connected::NeedsConfirmation { fingerprint, .. } => Err(WatchError::Connect {
                message: durchblick_core::Problem::CertificateChangedMeanwhile {
                    fingerprint: fingerprint.to_string(),
                }
                .message(lang),
                fatal: true,
            }),
        }
    }
}

fn watch_failure(e: &WatchError, lang: Lang) -> Failure {
    let code = match e {
        WatchError::BrokerUrl { .. } => code::USAGE,
        WatchError::Gateway(g) => code::of_category(g.category()),
        WatchError::Connect { .. } | WatchError::BrokerTimeout(_) => code::CONNECTION,
        _ => code::DATA,
    };
    Failure {
        code,
        message: e.message(lang),
    }
}

/// Sets `cancel` on SIGINT or SIGTERM (Ctrl-C / Ctrl-Break on Windows).
fn on_signals(cancel: CancelFlag) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut int), Ok(mut term)) = (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) else {
                return;
            };
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        cancel.cancel();
    })
}

/// `durchblick watch`.
pub async fn run(connect_args: &ConnectArgs, args: &WatchArgs, lang: Lang) -> Result<(), Failure> {
    let cancel = CancelFlag::new();
    let signals = on_signals(cancel.clone());
    let url: BrokerUrl = args.mqtt.parse().map_err(|e| watch_failure(&e, lang))?;
    let ca_pem = match &args.mqtt_ca {
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            Failure::problem(
                &durchblick_core::Problem::KeyFileUnreadable {
                    path: path.clone(),
                    reason: e.to_string(),
                },
                lang,
            )
        })?),
        None => None,
    };
    let login = BrokerLogin {
        user: std::env::var("DURCHBLICK_MQTT_USER").ok(),
        password: credential("DURCHBLICK_MQTT_PASSWORD", "durchblick-mqtt-password"),
        ca_pem,
    };
    let given = match &connect_args.pin {
        Some(text) => Some(
            text.parse::<Fingerprint>()
                .map_err(|_| CliProblem::BadPin { text: text.clone() }.failure(lang))?,
        ),
        None => None,
    };
    let mut connector = CliConnector {
        target: Target {
            host: connect_args.host.clone(),
            port: connect_args.port,
            vendor: connect_args.vendor.into(),
            allow_self_test_reboot: false,
        },
        auth: auth(connect_args, lang)?,
        pins: han_client::default_pin_path(),
        given,
        trust_on_first_use: connect_args.trust_on_first_use,
        lang,
    };
    // The first session names the gateway (the topics and the last will need its id) and
    // the maker's pause; watch itself opens its own sessions.
    let mut first = connector
        .connect()
        .await
        .map_err(|e| watch_failure(&e, lang))?;
    let pause = first.capabilities().pause;
    let facts = first
        .gateway_info()
        .await
        .and_then(|f| f.into_value())
        .map_err(|e| Failure::gateway(&e, lang));
    first.disconnect().await;
    let facts = facts?;
    let topics = Topics::default();
    let device = Device {
        gateway_id: facts.info.id.clone(),
        maker: String::new(),
        firmware: None,
    };
    let db = if args.no_archive || args.once {
        None
    } else {
        let path = crate::archive_path(args.archive.as_deref(), lang)?;
        Some(
            archive::Archive::open(&path)
                .await
                .map_err(|e| Failure::archive(&e, lang))?,
        )
    };
    let client_id = format!(
        "durchblick-{}-{}",
        durchblick_watch::ha::slug(&device.gateway_id),
        std::process::id()
    );
    let publisher = Publisher::start(
        &url,
        &login,
        &client_id,
        &topics.availability(&device),
        (Duration::from_secs(1), Duration::from_secs(60)),
    )
    .map_err(|e| watch_failure(&e, lang))?;
    let opts = WatchOptions {
        read_every: schedule::safe_read_interval(
            Some(Duration::from_secs(args.interval.saturating_mul(60))),
            pause,
        ),
        once: args.once,
        topics,
        ..WatchOptions::new(lang)
    };
    let mut on_event = |e: WatchEvent| eprintln!("{}", e.message(lang));
    let result = durchblick_watch::run(
        &mut connector,
        db.as_ref(),
        &publisher,
        &opts,
        &cancel,
        &mut on_event,
    )
    .await;
    // --once leaves the states available; a stopped watch says it is offline.
    publisher.close(!args.once).await;
    if let Some(db) = db {
        db.close().await;
    }
    signals.abort();
    result.map(drop).map_err(|e| watch_failure(&e, lang))
}
