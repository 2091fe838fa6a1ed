//! The loop: connect, read current values and publish them, sync the archive, wait;
//! after any failure disconnect, wait with back-off and connect again.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use archive::Archive;
use async_trait::async_trait;
use gateway::{CancelFlag, ErrorCategory, Gateway, Maker};
use smgw_model::records::{ContractDetail, Database};
use smgw_model::{ChannelName, FieldWarning, Lang};

use crate::error::WatchError;
use crate::ha::{self, Device, Sensor, State, Topics};
use crate::mqtt::Publisher;
use crate::schedule::{Backoff, Schedule, Task};

/// How the front door connects (credentials, pin): called for the first session and
/// after every failure.
#[async_trait]
pub trait Connector: Send {
    /// A logged-in session, or why not ([`WatchError::Connect`]).
    async fn connect(&mut self) -> Result<Box<dyn Gateway>, WatchError>;
}

/// How the loop behaves. The front door enforces the floors; tests use short intervals.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Between two reads of current values.
    pub read_every: Duration,
    /// Between two syncs of the archive (`None`: no sync).
    pub sync_every: Option<Duration>,
    /// First and longest wait after a failure.
    pub backoff: (Duration, Duration),
    /// Read, publish, wait for the broker's acknowledgement and return.
    pub once: bool,
    /// How long `once` waits for the broker.
    pub flush_timeout: Duration,
    /// Topics.
    pub topics: Topics,
    /// Language of names and messages.
    pub lang: Lang,
}

impl WatchOptions {
    /// 15-minute reads, a daily sync, back-off from 10 s to 30 min.
    pub fn new(lang: Lang) -> WatchOptions {
        WatchOptions {
            read_every: crate::schedule::MIN_READ_INTERVAL,
            sync_every: Some(crate::schedule::SYNC_INTERVAL),
            backoff: (Duration::from_secs(10), Duration::from_secs(30 * 60)),
            once: false,
            flush_timeout: Duration::from_secs(15),
            topics: Topics::default(),
            lang,
        }
    }
}

/// What happened, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    /// A session with the gateway.
    Connected {
        /// The gateway's id.
        gateway_id: String,
        /// Value lists whose current values are read.
        lists: usize,
    },
    /// Current values read and handed to the broker connection.
    Published {
        /// Sensors published.
        sensors: usize,
        /// Whether the broker is connected now (if not, they go out on reconnect).
        broker_connected: bool,
    },
    /// A value list could not be read; the others were.
    ListSkipped {
        /// The contract.
        contract: String,
        /// Why (in the user's language).
        message: String,
    },
    /// The archive was synced.
    Synced {
        /// New values.
        values: u64,
        /// New logbook entries.
        log: u64,
    },
    /// A gateway's answer held something that could not be decoded and was left out, or
    /// the adapter assumed something (the tolerant reader's warnings, issue #12); each is
    /// logged once per run.
    Warning {
        /// What and what to do (in the user's language).
        message: String,
    },
    /// A step failed; the next attempt follows after `retry_in`.
    Failed {
        /// Why (in the user's language).
        message: String,
        /// The back-off.
        retry_in: Duration,
    },
}

impl WatchEvent {
    /// A log line.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (WatchEvent::Connected { gateway_id, lists }, Lang::De) => {
                format!("Verbunden mit Gateway {gateway_id}; {lists} Werteliste(n) werden gelesen.")
            }
            (WatchEvent::Connected { gateway_id, lists }, Lang::En) => {
                format!("Connected to gateway {gateway_id}; reading {lists} value list(s).")
            }
            (
                WatchEvent::Published {
                    sensors,
                    broker_connected,
                },
                Lang::De,
            ) => format!(
                "{sensors} aktuelle Werte gelesen{}.",
                if *broker_connected {
                    " und veröffentlicht"
                } else {
                    "; der Broker ist nicht erreichbar, sie werden nach der Wiederverbindung veröffentlicht"
                }
            ),
            (
                WatchEvent::Published {
                    sensors,
                    broker_connected,
                },
                Lang::En,
            ) => format!(
                "{sensors} current values read{}.",
                if *broker_connected {
                    " and published"
                } else {
                    "; the broker is unreachable, they are published after reconnecting"
                }
            ),
            (WatchEvent::ListSkipped { contract, message }, Lang::De) => {
                format!("Vertrag {contract} übersprungen: {message}")
            }
            (WatchEvent::ListSkipped { contract, message }, Lang::En) => {
                format!("Contract {contract} skipped: {message}")
            }
            (WatchEvent::Synced { values, log }, Lang::De) => {
                format!("Archiv abgeglichen: {values} neue Werte, {log} neue Logbucheinträge.")
            }
            (WatchEvent::Synced { values, log }, Lang::En) => {
                format!("Archive synced: {values} new values, {log} new logbook entries.")
            }
            (WatchEvent::Warning { message }, Lang::De) => format!("Warnung: {message}"),
            (WatchEvent::Warning { message }, Lang::En) => format!("Warning: {message}"),
            (WatchEvent::Failed { message, retry_in }, Lang::De) => format!(
                "{message}\nNeuer Versuch in {} s.",
                retry_in.as_secs_f64().ceil()
            ),
            (WatchEvent::Failed { message, retry_in }, Lang::En) => format!(
                "{message}\nTrying again in {} s.",
                retry_in.as_secs_f64().ceil()
            ),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchReport {
    /// Successful reads.
    pub reads: u32,
    /// Sensors in the last read.
    pub sensors: usize,
    /// Successful syncs.
    pub syncs: u32,
    /// Failures waited out.
    pub failures: u32,
}

struct Session {
    gateway: Box<dyn Gateway>,
    device: Device,
    lists: Vec<ContractDetail>,
}

fn maker_name(maker: &Maker) -> String {
    match maker {
        Maker::Conexa => "CONEXA".into(),
        Maker::Ppc => "PPC".into(),
        Maker::Emh => "EMH".into(),
        Maker::Other(name) => name.clone(),
    }
}

/// Warnings not logged before in this run, as events.
struct Warnings<'a> {
    seen: HashSet<FieldWarning>,
    lang: Lang,
    on_event: &'a mut (dyn FnMut(WatchEvent) + Send),
}

impl Warnings<'_> {
    fn log(&mut self, warnings: impl IntoIterator<Item = FieldWarning>) {
        for w in warnings {
            if self.seen.len() < 10_000 && self.seen.insert(w.clone()) {
                (self.on_event)(WatchEvent::Warning {
                    message: w.message(self.lang),
                });
            }
        }
    }

    fn event(&mut self, e: WatchEvent) {
        (self.on_event)(e);
    }
}

async fn describe(
    gateway: &mut dyn Gateway,
    warnings: &mut Vec<FieldWarning>,
) -> Result<(Device, Vec<ContractDetail>), WatchError> {
    let (facts, warned) = gateway.gateway_info().await?.into_warned()?;
    warnings.extend(warned);
    let firmware: Vec<String> = facts
        .info
        .firmware
        .iter()
        .map(|f| format!("{} {}", f.component, f.version).trim().to_owned())
        .collect();
    let device = Device {
        gateway_id: facts.info.id.clone(),
        maker: maker_name(&gateway.capabilities().maker),
        firmware: (!firmware.is_empty()).then(|| firmware.join(", ")),
    };
    let (contracts, warned) = gateway.contracts().await?.into_warned()?;
    warnings.extend(warned);
    let mut lists = Vec::new();
    for c in contracts {
        let (detail, warned) = gateway
            .contract_detail(&c.usage_point_id)
            .await?
            .into_warned()?;
        warnings.extend(warned);
        if detail
            .databases
            .iter()
            .any(|d| d.database == Database::Origin && !d.channels.is_empty())
        {
            lists.push(detail);
        }
    }
    Ok((device, lists))
}

async fn open(
    connector: &mut dyn Connector,
    log: &mut Warnings<'_>,
) -> Result<Session, WatchError> {
    let mut gateway = connector.connect().await?;
    let mut warnings = Vec::new();
    let described = describe(gateway.as_mut(), &mut warnings).await;
    log.log(warnings);
    match described {
        Ok((device, lists)) => Ok(Session {
            gateway,
            device,
            lists,
        }),
        Err(e) => {
            gateway.disconnect().await;
            Err(e)
        }
    }
}

/// The newest value of every channel (meter and OBIS) in the session's origin lists;
/// a channel in several contracts counts once, with its newest value.
async fn read(
    session: &mut Session,
    lang: Lang,
    log: &mut Warnings<'_>,
) -> Result<Vec<(Sensor, State)>, WatchError> {
    let mut newest: BTreeMap<(String, String), (Sensor, State)> = BTreeMap::new();
    for detail in &session.lists {
        let database = Database::Origin;
        let channels = match session
            .gateway
            .current_values(detail, &database)
            .await
            .and_then(|f| f.into_warned())
        {
            Ok((c, warned)) => {
                log.log(warned);
                c
            }
            Err(e) if e.category() == ErrorCategory::GatewayRefused => {
                log.event(WatchEvent::ListSkipped {
                    contract: detail.usage_point_id.clone(),
                    message: e.message(lang),
                });
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        for ch in channels {
            let Some(spec) = gateway::channel_of(detail, &database, &ch.channel) else {
                continue;
            };
            let meter = ch
                .channel
                .parse::<ChannelName>()
                .map(|n| n.meter_id)
                .unwrap_or_default();
            let Some(r) = ch.readings.iter().max_by_key(|r| r.target_time) else {
                continue;
            };
            let key = (meter.clone(), spec.obis.to_hex());
            let newer = newest
                .get(&key)
                .is_none_or(|(_, old)| r.target_time > old.time);
            if newer {
                newest.insert(
                    key,
                    (
                        Sensor {
                            meter,
                            obis: spec.obis,
                            unit: spec.unit,
                        },
                        State {
                            value: r.value,
                            time: r.target_time,
                            ptb: r.ptb(),
                        },
                    ),
                );
            }
        }
    }
    Ok(newest.into_values().collect())
}

fn publish(
    publisher: &Publisher,
    opts: &WatchOptions,
    device: &Device,
    values: &[(Sensor, State)],
) {
    for (sensor, state) in values {
        let config = ha::discovery_payload(&opts.topics, device, sensor, opts.lang);
        publisher.retain(
            &opts.topics.discovery(device, sensor),
            config.to_string().into_bytes(),
        );
        publisher.retain_always(
            &opts.topics.state(device, sensor),
            ha::state_payload(sensor, state).to_string().into_bytes(),
        );
    }
}

/// Waits until `until` or cancellation.
async fn pause(until: Instant, cancel: &CancelFlag) {
    loop {
        let now = Instant::now();
        if cancel.is_cancelled() || now >= until {
            return;
        }
        tokio::time::sleep((until - now).min(Duration::from_millis(100))).await;
    }
}

/// Watches until `cancel` is set (or, with [`WatchOptions::once`], after one read).
/// Failures are waited out with back-off, except a fatal connect error and, with `once`,
/// any error. The publisher is the caller's to close.
pub async fn run(
    connector: &mut dyn Connector,
    archive: Option<&Archive>,
    publisher: &Publisher,
    opts: &WatchOptions,
    cancel: &CancelFlag,
    on_event: &mut (dyn FnMut(WatchEvent) + Send),
) -> Result<WatchReport, WatchError> {
    let sync_every = opts.sync_every.filter(|_| archive.is_some() && !opts.once);
    let mut schedule = Schedule::new(Instant::now(), opts.read_every, sync_every);
    let mut backoff = Backoff::new(opts.backoff.0, opts.backoff.1);
    let mut report = WatchReport::default();
    let mut session: Option<Session> = None;
    let mut log = Warnings {
        seen: HashSet::new(),
        lang: opts.lang,
        on_event,
    };
    let result = loop {
        if cancel.is_cancelled() {
            break Ok(());
        }
        let Some(s) = session.as_mut() else {
            match open(connector, &mut log).await {
                Ok(s) => {
                    backoff.succeeded();
                    // The maker's pause is read again on every (re)connect.
                    schedule.set_pause(opts.read_every, s.gateway.capabilities().pause);
                    log.event(WatchEvent::Connected {
                        gateway_id: s.device.gateway_id.clone(),
                        lists: s.lists.len(),
                    });
                    session = Some(s);
                }
                Err(e) if opts.once || matches!(e, WatchError::Connect { fatal: true, .. }) => {
                    break Err(e)
                }
                Err(e) => {
                    report.failures += 1;
                    let retry_in = backoff.failed();
                    log.event(WatchEvent::Failed {
                        message: e.message(opts.lang),
                        retry_in,
                    });
                    pause(Instant::now() + retry_in, cancel).await;
                }
            }
            continue;
        };
        let now = Instant::now();
        let Some(task) = schedule.due(now) else {
            pause(schedule.next_due(), cancel).await;
            continue;
        };
        let outcome = match task {
            Task::Read => match read(s, opts.lang, &mut log).await {
                Ok(values) => {
                    publish(publisher, opts, &s.device, &values);
                    report.reads += 1;
                    report.sensors = values.len();
                    log.event(WatchEvent::Published {
                        sensors: values.len(),
                        broker_connected: publisher.is_connected(),
                    });
                    Ok(())
                }
                Err(e) => Err(e),
            },
            Task::Sync => {
                let Some(db) = archive else {
                    // Not scheduled without an archive.
                    continue;
                };
                let synced = durchblick_sync::sync(
                    s.gateway.as_mut(),
                    db,
                    &durchblick_sync::SyncOptions::default(),
                    |_| {},
                    cancel,
                )
                .await;
                match synced {
                    Ok(r) => {
                        report.syncs += 1;
                        log.log(r.warnings);
                        log.event(WatchEvent::Synced {
                            values: r.values.inserted + r.current.inserted,
                            log: r.log.inserted,
                        });
                        Ok(())
                    }
                    Err(e) if e.is_cancelled() => break Ok(()),
                    Err(e) => Err(WatchError::from(e)),
                }
            }
        };
        schedule.attempted(task, now, outcome.is_ok());
        match outcome {
            Ok(()) if opts.once => {
                if !publisher.flush(opts.flush_timeout).await {
                    break Err(WatchError::BrokerTimeout(
                        publisher
                            .last_error()
                            .unwrap_or_else(|| "no acknowledgement".into()),
                    ));
                }
                break Ok(());
            }
            Ok(()) => {}
            Err(e) if opts.once => break Err(e),
            Err(e) => {
                report.failures += 1;
                if let Some(mut old) = session.take() {
                    old.gateway.disconnect().await;
                }
                let retry_in = backoff.failed();
                log.event(WatchEvent::Failed {
                    message: e.message(opts.lang),
                    retry_in,
                });
                pause(Instant::now() + retry_in, cancel).await;
            }
        }
    };
    if let Some(mut s) = session.take() {
        s.gateway.disconnect().await;
    }
    result.map(|()| report)
}
