//! The bundled demo gateways: the mock gateway's `demo` scenario (CONEXA), `ppc-demo` or
//! `emh-demo` on a free loopback port in this process, read over real TLS like a real
//! gateway, through the same adapters.

use std::net::{Ipv4Addr, SocketAddr};

use gateway::{Gateway, GatewayError};
use han_client::{Auth, ClientError, Fingerprint, PinPolicy};
use mock_smgw::RunningMock;
use smgw_model::Lang;

use crate::connect::Target;
use crate::makers::{self, OpenError, Pace, Vendor};

/// A running demo gateway and a session with it.
pub struct Demo {
    /// The gateway; stop it with [`RunningMock::shutdown`] when done.
    pub mock: RunningMock,
    /// Logged in as `demo`/`demo`.
    pub gateway: Box<dyn Gateway>,
    /// Its certificate, pinned without asking: this program created it.
    pub fingerprint: Fingerprint,
}

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The mock gateway did not start.
    #[error("the demo gateway did not start: {0}")]
    Mock(String),
    /// The session with it failed.
    #[error("{0}")]
    Client(#[from] ClientError),
    /// The maker's adapter refused.
    #[error("{0}")]
    Gateway(#[from] GatewayError),
}

impl DemoError {
    /// What happened, in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            DemoError::Mock(e) => match lang {
                Lang::De => format!("Das Demo-Gateway ließ sich nicht starten: {e}"),
                Lang::En => format!("Could not start the demo gateway: {e}"),
            },
            DemoError::Client(e) => e.message(lang),
            DemoError::Gateway(e) => e.message(lang),
        }
    }
}

/// Which clock the demo gateway keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DemoClock {
    /// This computer's, as a real gateway's: the demo's history moves by whole months so
    /// that it ends now, and its clock does not differ from this computer's. Nothing looks
    /// wrong that is not (the program's demo).
    #[default]
    Following,
    /// The scenario's own fixed day, so that tests and recorded answers stay the same.
    Scenario,
}

/// Starts the demo gateway of `vendor` (CONEXA for [`Vendor::Auto`]) on `clock` and logs in.
pub async fn start(vendor: Vendor, clock: DemoClock) -> Result<Demo, DemoError> {
    let failed = |e: &dyn std::fmt::Display| DemoError::Mock(e.to_string());
    let (vendor, name) = match vendor {
        Vendor::Conexa | Vendor::Auto => (Vendor::Conexa, "demo"),
        Vendor::Ppc => (Vendor::Ppc, "ppc-demo"),
        Vendor::Emh => (Vendor::Emh, "emh-demo"),
    };
    let scenario = match clock {
        DemoClock::Following => {
            mock_smgw::Scenario::builtin_following(name, chrono::Utc::now().timestamp())
        }
        DemoClock::Scenario => mock_smgw::Scenario::builtin(name),
    }
    .map_err(|e| failed(&e))?;
    let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mock = mock_smgw::start(scenario, listen, mock_smgw::Options::default())
        .await
        .map_err(|e| failed(&e))?;
    let fingerprint: Fingerprint = match mock.fingerprint_sha256().parse() {
        Ok(fp) => fp,
        Err(e) => {
            mock.shutdown().await;
            return Err(failed(&e));
        }
    };
    let auth = Auth::Digest {
        user: "demo".into(),
        password: "demo".into(),
    };
    let target = Target {
        vendor,
        ..Target::new(mock.addr().ip().to_string(), mock.addr().port())
    };
    let opened = makers::open(
        vendor,
        &target,
        auth,
        PinPolicy::Pinned(fingerprint),
        Pace::Demo,
    )
    .await;
    match opened {
        Ok(opened) => Ok(Demo {
            mock,
            gateway: opened.gateway,
            fingerprint,
        }),
        Err(e) => {
            mock.shutdown().await;
            Err(match e {
                OpenError::Client(e) => e.into(),
                OpenError::Gateway(e) => e.into(),
                // The demo logs in with a password.
                OpenError::PasswordOnly(_) => failed(&"password login refused"),
            })
        }
    }
}
