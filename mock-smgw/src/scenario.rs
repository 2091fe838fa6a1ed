//! Scenarios: loading, resolving and the data other crates compare against.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Datelike;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use sha2::{Digest, Sha256};

use crate::config::{
    AuthConf, ChannelConf, ConsumerConf, EmtConf, Faults, FirmwareConf, Level, LimitsConf,
    MakerConf, ScenarioFile, UsagePointConf,
};
use crate::data::{
    self, ChannelReq, HardCases, LogEntry, MeterSeries, Quantity, Reading, Step, TariffSeries,
};
use crate::time;

/// Errors while loading or querying a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is invalid.
    #[error("invalid scenario file: {0}")]
    Toml(#[from] toml::de::Error),
    /// A value in the scenario is invalid.
    #[error("invalid scenario: {0}")]
    Invalid(String),
    /// No builtin scenario of that name.
    #[error("no builtin scenario named {0:?} (have: demo, prosumer, multi-consumer, quirky-firmware, huge, ppc-demo, emh-demo)")]
    UnknownBuiltin(String),
    /// A query named something the scenario does not have.
    #[error("not in the scenario: {0}")]
    NotFound(String),
    /// The AR 2418-6 file could not be used.
    #[error("AR 2418-6 file: {0}")]
    Ar2418(String),
}

fn invalid(msg: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid(msg.into())
}

/// A loaded scenario: everything the mock gateway serves. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub(crate) m: Arc<Model>,
}

#[derive(Debug)]
pub(crate) struct Model {
    pub name: String,
    pub seed: u64,
    pub now: i64,
    pub maker: MakerConf,
    pub version: String,
    pub smgw_id: String,
    pub smgw_state: String,
    pub clock_offset: i64,
    pub firmware: FirmwareConf,
    pub han_cert_pem: String,
    pub han_key_pem: String,
    pub han_cert_der: Vec<u8>,
    pub wan: Vec<(u32, Vec<u8>, Vec<u8>)>,
    /// PKCS#8 PEM key of the seal certificate (`cert-index` 0), read from the file next to
    /// it named `<sig>-key.pem`; signs the tariff profiles. `None`: unsigned stand-in.
    pub seal_key_pem: Option<String>,
    pub auth: AuthConf,
    pub limits: LimitsConf,
    pub faults: Faults,
    pub consumers: Vec<Consumer>,
}

#[derive(Debug)]
pub(crate) struct Consumer {
    pub name: String,
    pub userid: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub fingerprints: Vec<[u8; 32]>,
    pub log: Vec<LogEntry>,
    pub usage_points: Vec<UsagePoint>,
}

#[derive(Debug)]
pub(crate) struct UsagePoint {
    pub id: String,
    pub name: String,
    pub taf: u8,
    pub state: String,
    pub start: i64,
    pub end: Option<i64>,
    pub capture_time: String,
    pub delivery_id: String,
    pub metering_point_id: String,
    pub meter_ids: Vec<String>,
    pub on_demand_profile: bool,
    pub billing: Vec<(String, String)>,
    pub emts: Vec<EmtConf>,
    pub transparency_bit: bool,
    pub databases: Vec<Database>,
    pub source: Source,
}

#[derive(Debug)]
pub(crate) struct Database {
    pub name: String,
    pub step: Step,
    pub channels: Vec<Channel>,
}

#[derive(Debug, Clone)]
pub(crate) struct Channel {
    pub obis: String,
    pub unit: i32,
    pub scaler: i32,
    pub quantity: Option<Quantity>,
}

#[derive(Debug)]
pub(crate) enum Source {
    Generated {
        meter: Arc<MeterSeries>,
        tariff: Option<Arc<TariffSeries>>,
    },
    /// Fixed value lists keyed by (database, obis), ascending by target time.
    Explicit(HashMap<(String, String), Vec<Reading>>),
}

/// Where the files a scenario refers to come from.
enum Files<'a> {
    Dir(&'a Path),
    Builtin(&'static [(&'static str, &'static str)]),
}

impl Files<'_> {
    fn read(&self, name: &str) -> Result<String, ScenarioError> {
        match self {
            Files::Dir(d) => {
                let path = d.join(name);
                std::fs::read_to_string(&path).map_err(|source| ScenarioError::Io { path, source })
            }
            Files::Builtin(list) => list
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, c)| (*c).to_owned())
                .ok_or_else(|| invalid(format!("builtin scenario lacks file {name}"))),
        }
    }
}

macro_rules! builtin {
    ($dir:literal, [$($file:literal),* $(,)?]) => {
        ($dir, &[
            ("scenario.toml", include_str!(concat!("../scenarios/", $dir, "/scenario.toml"))),
            $(($file, include_str!(concat!("../scenarios/", $dir, "/", $file))),)*
        ])
    };
}

/// The scenarios compiled into the crate, so the CLI `demo` works from any directory.
const BUILTIN: &[(&str, &[(&str, &str)])] = &[
    builtin!(
        "demo",
        [
            "han-cert.pem",
            "han-key.pem",
            "wan-sig.pem",
            "wan-sig-key.pem",
            "wan-sub-ca.pem",
            "client.pem"
        ]
    ),
    builtin!(
        "prosumer",
        [
            "han-cert.pem",
            "han-key.pem",
            "wan-sig.pem",
            "wan-sig-key.pem",
            "wan-sub-ca.pem"
        ]
    ),
    builtin!(
        "multi-consumer",
        [
            "han-cert.pem",
            "han-key.pem",
            "wan-sig.pem",
            "wan-sig-key.pem",
            "wan-sub-ca.pem",
            "alice.pem",
            "bob.pem"
        ]
    ),
    builtin!(
        "quirky-firmware",
        [
            "han-cert.pem",
            "han-key.pem",
            "wan-sig.pem",
            "wan-sig-key.pem",
            "wan-sub-ca.pem"
        ]
    ),
    builtin!(
        "huge",
        [
            "han-cert.pem",
            "han-key.pem",
            "wan-sig.pem",
            "wan-sig-key.pem",
            "wan-sub-ca.pem"
        ]
    ),
    builtin!("emh-demo", ["han-cert.pem", "han-key.pem"]),
    builtin!("ppc-demo", ["han-cert.pem", "han-key.pem"]),
    builtin!(
        "ar2418",
        [
            "han-cert.pem",
            "han-key.pem",
            "wan-sig.pem",
            "wan-sig-key.pem",
            "wan-sub-ca.pem"
        ]
    ),
];

fn pem_to_der(pem: &str, what: &str) -> Result<Vec<u8>, ScenarioError> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map(|c| c.as_ref().to_vec())
        .map_err(|e| invalid(format!("{what}: no PEM certificate ({e})")))
}

fn t(s: &str, now: i64, what: &str) -> Result<i64, ScenarioError> {
    time::parse(s, now).ok_or_else(|| invalid(format!("{what}: cannot parse time {s:?}")))
}

/// The clock a scenario's times are read with: its "now", and by how many whole months
/// the dates written in the file move.
#[derive(Debug, Clone, Copy)]
struct Clock {
    now: i64,
    months: i32,
}

impl Clock {
    /// The file's own "now"; its dates as written.
    fn as_written(now: i64) -> Clock {
        Clock { now, months: 0 }
    }

    /// "now" at `real_now`, and the file's dates moved by the whole months (German local
    /// time) that bring the file's "now" closest to `real_now` without passing it. So the
    /// history keeps its length, its days and month starts, and its hard cases, and ends
    /// less than a month of newly generated values before `real_now`.
    fn following(file_now: i64, real_now: i64) -> Clock {
        let month = |t: i64| {
            let d = time::to_utc(t).with_timezone(&chrono_tz::Europe::Berlin);
            d.year() * 12 + d.month0() as i32
        };
        let months = month(real_now) - month(file_now);
        // Moving by `months` lands in the month of `real_now`, before or after it.
        for months in [months, months - 1] {
            if time::add_local_months(file_now, months).is_some_and(|t| t <= real_now) {
                return Clock {
                    now: real_now,
                    months,
                };
            }
        }
        // Only a clock outside chrono's range gets here.
        Clock::as_written(file_now)
    }

    /// A time from the file, moved; a bare time of day refers to "now" and stays.
    fn t(&self, s: &str, what: &str) -> Result<i64, ScenarioError> {
        let at = t(s, self.now, what)?;
        let has_date = s.trim().as_bytes().get(4) == Some(&b'-');
        if self.months == 0 || !has_date {
            return Ok(at);
        }
        time::add_local_months(at, self.months)
            .ok_or_else(|| invalid(format!("{what}: {s:?} cannot move {} months", self.months)))
    }

    fn ranges(&self, v: &[[String; 2]], what: &str) -> Result<Vec<(i64, i64)>, ScenarioError> {
        v.iter()
            .map(|[a, b]| Ok((self.t(a, what)?, self.t(b, what)?)))
            .collect()
    }
}

impl Scenario {
    /// Loads a scenario from a TOML file (or a directory holding `scenario.toml`). File names
    /// inside are relative to the file's directory.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        Self::load_at(path.as_ref(), None)
    }

    fn load_at(path: &Path, real_now: Option<i64>) -> Result<Scenario, ScenarioError> {
        let mut path = path.to_path_buf();
        if path.is_dir() {
            path = path.join("scenario.toml");
        }
        let text = std::fs::read_to_string(&path).map_err(|source| ScenarioError::Io {
            path: path.clone(),
            source,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Self::from_toml(&text, &Files::Dir(dir), real_now)
    }

    /// A scenario compiled into the crate: `demo`, `prosumer`, `multi-consumer`,
    /// `quirky-firmware`, `huge`, `ppc-demo` (a PPC gateway), `emh-demo` (an EMH CASA 1.1
    /// gateway) or `ar2418` (the base for `--from-ar2418`).
    pub fn builtin(name: &str) -> Result<Scenario, ScenarioError> {
        Self::builtin_at(name, None)
    }

    /// The builtin scenario `name` on a clock that follows `real_now` (Unix seconds, UTC),
    /// as a real gateway's does: "now" is `real_now`, and every date of the scenario moves
    /// by whole months (German local time) so that its history ends just before it. The
    /// demo uses this; tests use [`Scenario::builtin`], whose dates are fixed.
    pub fn builtin_following(name: &str, real_now: i64) -> Result<Scenario, ScenarioError> {
        Self::builtin_at(name, Some(real_now))
    }

    fn builtin_at(name: &str, real_now: Option<i64>) -> Result<Scenario, ScenarioError> {
        let (_, files) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| ScenarioError::UnknownBuiltin(name.to_owned()))?;
        let files = Files::Builtin(files);
        Self::from_toml(&files.read("scenario.toml")?, &files, real_now)
    }

    /// Names of the builtin scenarios.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// Loads `arg` as a builtin name if there is one, else as a path.
    /// With `real_now`, on a clock that follows it (see [`Scenario::builtin_following`]).
    pub fn load_or_builtin(arg: &str, real_now: Option<i64>) -> Result<Scenario, ScenarioError> {
        if BUILTIN.iter().any(|(n, _)| *n == arg) {
            Self::builtin_at(arg, real_now)
        } else {
            Self::load_at(Path::new(arg), real_now)
        }
    }

    fn from_toml(
        text: &str,
        files: &Files<'_>,
        real_now: Option<i64>,
    ) -> Result<Scenario, ScenarioError> {
        let f: ScenarioFile = toml::from_str(text)?;
        let file_now = t(&f.now, 0, "now")?;
        let clock = real_now.map_or(Clock::as_written(file_now), |real| {
            Clock::following(file_now, real)
        });
        let now = clock.now;
        let han_cert_pem = files.read(&f.tls.cert)?;
        let han_key_pem = files.read(&f.tls.key)?;
        let han_cert_der = pem_to_der(&han_cert_pem, "tls.cert")?;
        let wan = f
            .wan
            .iter()
            .map(|w| {
                Ok((
                    w.cert_index,
                    pem_to_der(&files.read(&w.sig)?, "wan.sig")?,
                    pem_to_der(&files.read(&w.sub_ca)?, "wan.sub-ca")?,
                ))
            })
            .collect::<Result<Vec<_>, ScenarioError>>()?;
        let seal_key_pem = f
            .wan
            .iter()
            .find(|w| w.cert_index == 0)
            .and_then(|w| w.sig.strip_suffix(".pem"))
            .and_then(|stem| files.read(&format!("{stem}-key.pem")).ok());
        let mut consumers = Vec::new();
        for c in &f.consumers {
            consumers.push(resolve_consumer(c, &f, clock, files)?);
        }
        let mut userids: Vec<&str> = consumers.iter().map(|c| c.userid.as_str()).collect();
        userids.sort_unstable();
        userids.dedup();
        if userids.len() != consumers.len() {
            return Err(invalid("two consumers share a userid"));
        }
        Ok(Scenario {
            m: Arc::new(Model {
                name: f.name,
                seed: f.seed,
                now,
                maker: f.maker,
                version: f.version,
                smgw_id: f.gateway.smgw_id,
                smgw_state: f.gateway.state,
                clock_offset: f.gateway.clock_offset_seconds,
                firmware: f.gateway.firmware,
                han_cert_pem,
                han_key_pem,
                han_cert_der,
                wan,
                seal_key_pem,
                auth: f.auth,
                limits: f.limits,
                faults: f.faults,
                consumers,
            }),
        })
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.m.name
    }

    /// The gateway's id (`smgw-id`, e.g. `EPPC0210486901`).
    pub fn smgw_id(&self) -> &str {
        &self.m.smgw_id
    }

    /// Whose HAN interface the mock speaks for this scenario.
    pub fn maker(&self) -> MakerConf {
        self.m.maker
    }

    /// The scenario's fixed "now" (Unix seconds, UTC).
    pub fn now(&self) -> i64 {
        self.m.now
    }

    /// SHA-256 fingerprint of the HAN certificate (lower-case hex of the DER).
    pub fn fingerprint_sha256(&self) -> String {
        hex::encode(Sha256::digest(&self.m.han_cert_der))
    }

    /// The HAN certificate as PEM text.
    pub fn han_cert_pem(&self) -> &str {
        &self.m.han_cert_pem
    }

    /// Short names of the consumers.
    pub fn consumer_names(&self) -> Vec<String> {
        self.m.consumers.iter().map(|c| c.name.clone()).collect()
    }

    /// The userid of a consumer (by name or userid).
    pub fn userid(&self, consumer: &str) -> Result<String, ScenarioError> {
        Ok(self.consumer(consumer)?.userid.clone())
    }

    /// Usage point ids of a consumer.
    pub fn usage_point_ids(&self, consumer: &str) -> Result<Vec<String>, ScenarioError> {
        Ok(self
            .consumer(consumer)?
            .usage_points
            .iter()
            .map(|u| u.id.clone())
            .collect())
    }

    /// The gateway's interface settings (auth, limits), e.g. to read the nonce lifetime.
    pub fn limits(&self) -> &LimitsConf {
        &self.m.limits
    }

    /// Authentication settings.
    pub fn auth(&self) -> &AuthConf {
        &self.m.auth
    }

    pub(crate) fn consumer(&self, key: &str) -> Result<&Consumer, ScenarioError> {
        self.m
            .consumers
            .iter()
            .find(|c| c.name == key || c.userid == key)
            .ok_or_else(|| ScenarioError::NotFound(format!("consumer {key}")))
    }

    fn lookup(
        &self,
        consumer: &str,
        usage_point: &str,
        database: &str,
        channel: &str,
    ) -> Result<(&UsagePoint, &Database, &Channel), ScenarioError> {
        let c = self.consumer(consumer)?;
        let up = c
            .usage_points
            .iter()
            .find(|u| u.id == usage_point)
            .ok_or_else(|| ScenarioError::NotFound(format!("usage point {usage_point}")))?;
        let db = up
            .databases
            .iter()
            .find(|d| d.name == database)
            .ok_or_else(|| ScenarioError::NotFound(format!("database {database}")))?;
        let ch = db
            .channels
            .iter()
            .find(|ch| channel_matches(&ch.obis, channel))
            .ok_or_else(|| ScenarioError::NotFound(format!("channel {channel}")))?;
        Ok((up, db, ch))
    }

    /// Every value the gateway holds for one channel (history start to "now"), ascending by
    /// target time; `channel` is the 12-hex OBIS code (a suffixed name also works).
    /// For `current` lists (TAF 9/10/14) this is the single current value.
    pub fn expected_readings(
        &self,
        consumer: &str,
        usage_point: &str,
        database: &str,
        channel: &str,
    ) -> Result<Vec<Reading>, ScenarioError> {
        let (up, db, ch) = self.lookup(consumer, usage_point, database, channel)?;
        if db.step == Step::Current {
            return Ok(up.last(db, ch, self.m.now).into_iter().collect());
        }
        Ok(up.readings(db, ch, i64::MIN / 4, self.m.now, self.m.now))
    }

    /// Values of one channel with target time in `(from, to]` (Unix seconds), as one
    /// `readings` call would return them (but without the 31-day limit).
    pub fn expected_readings_between(
        &self,
        consumer: &str,
        usage_point: &str,
        database: &str,
        channel: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Reading>, ScenarioError> {
        let (up, db, ch) = self.lookup(consumer, usage_point, database, channel)?;
        Ok(up.readings(db, ch, from, to, self.m.now))
    }

    /// The consumer's logbook as generated (without self-test results added at run time).
    pub fn expected_log(&self, consumer: &str) -> Result<Vec<LogEntry>, ScenarioError> {
        Ok(self.consumer(consumer)?.log.clone())
    }

    /// Replaces (or adds) the TAF-7 contract of the first consumer with the value lists and
    /// logbook of an AR 2418-6 XML file.
    pub fn with_ar2418(self, path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let xml = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let parsed = crate::ar2418::parse(&xml)?;
        let mut m = Arc::try_unwrap(self.m).unwrap_or_else(|arc| Model::clone_shallow(&arc));
        let Some(c) = m.consumers.first_mut() else {
            return Err(invalid("scenario has no consumer"));
        };
        let up = parsed.into_usage_point(&c.userid, m.now);
        c.log = up.1;
        c.usage_points.retain(|u| u.taf != 7);
        c.usage_points.push(up.0);
        Ok(Scenario { m: Arc::new(m) })
    }
}

impl Model {
    /// A copy for when the scenario is shared (e.g. a running mock holds it) while
    /// `with_ar2418` modifies it; the generated series are shared through their Arcs.
    fn clone_shallow(m: &Model) -> Model {
        Model {
            name: m.name.clone(),
            seed: m.seed,
            now: m.now,
            maker: m.maker,
            version: m.version.clone(),
            smgw_id: m.smgw_id.clone(),
            smgw_state: m.smgw_state.clone(),
            clock_offset: m.clock_offset,
            firmware: m.firmware.clone(),
            han_cert_pem: m.han_cert_pem.clone(),
            han_key_pem: m.han_key_pem.clone(),
            han_cert_der: m.han_cert_der.clone(),
            wan: m.wan.clone(),
            seal_key_pem: m.seal_key_pem.clone(),
            auth: m.auth.clone(),
            limits: m.limits.clone(),
            faults: m.faults.clone(),
            consumers: m.consumers.iter().map(Consumer::clone_shallow).collect(),
        }
    }
}

impl Consumer {
    fn clone_shallow(c: &Consumer) -> Consumer {
        Consumer {
            name: c.name.clone(),
            userid: c.userid.clone(),
            username: c.username.clone(),
            password: c.password.clone(),
            fingerprints: c.fingerprints.clone(),
            log: c.log.clone(),
            usage_points: c
                .usage_points
                .iter()
                .map(UsagePoint::clone_shallow)
                .collect(),
        }
    }
}

/// Does a channel filter entry (`0100010800ff` or `0100010800ff.<meter>.sm`) name `obis`?
pub(crate) fn channel_matches(obis: &str, filter: &str) -> bool {
    let head = filter.split('.').next().unwrap_or(filter);
    head.eq_ignore_ascii_case(obis)
}

impl UsagePoint {
    fn clone_shallow(u: &UsagePoint) -> UsagePoint {
        UsagePoint {
            id: u.id.clone(),
            name: u.name.clone(),
            taf: u.taf,
            state: u.state.clone(),
            start: u.start,
            end: u.end,
            capture_time: u.capture_time.clone(),
            delivery_id: u.delivery_id.clone(),
            metering_point_id: u.metering_point_id.clone(),
            meter_ids: u.meter_ids.clone(),
            on_demand_profile: u.on_demand_profile,
            billing: u.billing.clone(),
            emts: u.emts.clone(),
            transparency_bit: u.transparency_bit,
            databases: u
                .databases
                .iter()
                .map(|d| Database {
                    name: d.name.clone(),
                    step: d.step,
                    channels: d.channels.clone(),
                })
                .collect(),
            source: match &u.source {
                Source::Generated { meter, tariff } => Source::Generated {
                    meter: Arc::clone(meter),
                    tariff: tariff.clone(),
                },
                Source::Explicit(map) => Source::Explicit(map.clone()),
            },
        }
    }

    /// End of the contract's data: its end time or "now".
    fn data_end(&self, now: i64) -> i64 {
        self.end.map_or(now, |e| e.min(now))
    }

    /// Readings in `(from, to]` clipped to the contract's lifetime `[start, end]`.
    pub(crate) fn readings(
        &self,
        db: &Database,
        ch: &Channel,
        from: i64,
        to: i64,
        now: i64,
    ) -> Vec<Reading> {
        if db.step == Step::Current {
            return Vec::new();
        }
        let lo = from.max(self.start - 1);
        let hi = to.min(self.data_end(now));
        if hi <= lo {
            return Vec::new();
        }
        match &self.source {
            Source::Generated { meter, tariff } => {
                let Some(quantity) = ch.quantity else {
                    return Vec::new();
                };
                let req = self.req(db, ch, quantity);
                data::readings(meter, tariff.as_deref(), &req, db.step, lo, hi)
            }
            Source::Explicit(map) => map
                .get(&(db.name.clone(), ch.obis.clone()))
                .map(|v| {
                    v.iter()
                        .filter(|r| r.target_time > lo && r.target_time <= hi)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The newest reading of a channel.
    pub(crate) fn last(&self, db: &Database, ch: &Channel, now: i64) -> Option<Reading> {
        let end = self.data_end(now);
        match &self.source {
            Source::Generated { meter, tariff } => {
                let req = self.req(db, ch, ch.quantity?);
                data::last_reading(meter, tariff.as_deref(), &req, db.step, end)
                    .filter(|r| r.target_time >= self.start)
            }
            Source::Explicit(map) => map
                .get(&(db.name.clone(), ch.obis.clone()))
                .and_then(|v| v.iter().rev().find(|r| r.target_time <= end).cloned()),
        }
    }

    fn req<'a>(&'a self, db: &Database, ch: &'a Channel, quantity: Quantity) -> ChannelReq<'a> {
        let computed = db.name == "calculated";
        ChannelReq {
            obis: &ch.obis,
            quantity,
            scaler: ch.scaler,
            computed_by: computed.then_some(TAF_NAMES[usize::from(self.taf.min(19))]),
        }
    }
}

const TAF_NAMES: [&str; 20] = [
    "TAF0", "TAF1", "TAF2", "TAF3", "TAF4", "TAF5", "TAF6", "TAF7", "TAF8", "TAF9", "TAF10",
    "TAF11", "TAF12", "TAF13", "TAF14", "TAF15", "TAF16", "TAF17", "TAF18", "TAF19",
];

fn resolve_consumer(
    c: &ConsumerConf,
    f: &ScenarioFile,
    clock: Clock,
    files: &Files<'_>,
) -> Result<Consumer, ScenarioError> {
    let now = clock.now;
    let seed = f.seed ^ data::str_hash(&c.userid);
    let mut meters: HashMap<String, Arc<MeterSeries>> = HashMap::new();
    for m in &c.meters {
        let start = clock.t(&m.start, "meter start")?;
        let hard = HardCases {
            gaps: clock.ranges(&m.gaps, "gaps")?,
            time_invalid: clock.ranges(&m.time_invalid, "time-invalid")?,
            events: m
                .status_events
                .iter()
                .map(|e| {
                    let a = clock.t(&e.at, "status event")?;
                    let b = match &e.until {
                        Some(u) => clock.t(u, "status event")?,
                        None => a + 1,
                    };
                    Ok::<(i64, i64, Level), ScenarioError>((a, b, e.level))
                })
                .collect::<Result<_, _>>()?,
            status_rate: m.status_rate,
            signatures: m.signatures,
        };
        if start > now {
            return Err(invalid(format!("meter {} starts after now", m.id)));
        }
        let exchange_at = match &m.exchange {
            Some(x) => Some(clock.t(&x.at, "meter exchange")?),
            None => None,
        };
        meters.insert(
            m.id.clone(),
            Arc::new(MeterSeries::generate(
                m,
                start,
                now,
                f.seed,
                hard,
                exchange_at,
            )),
        );
    }
    let mut ups = Vec::new();
    for u in &c.usage_points {
        ups.push(resolve_usage_point(u, &meters, clock)?);
    }
    let mut fingerprints = Vec::new();
    for file in &c.client_certs {
        let der = pem_to_der(&files.read(file)?, "client certificate")?;
        fingerprints.push(Sha256::digest(&der).into());
    }
    let log_start = match &c.log.start {
        Some(s) => clock.t(s, "log start")?,
        None => now - 90 * 86_400,
    };
    let log = data::generate_log(
        c.log.entries,
        c.log.first_index,
        log_start,
        now,
        seed,
        &f.gateway.smgw_id,
        &c.userid,
    );
    Ok(Consumer {
        name: c.name.clone(),
        userid: c.userid.clone(),
        username: c.username.clone(),
        password: c.password.clone(),
        fingerprints,
        log,
        usage_points: ups,
    })
}

fn resolve_usage_point(
    u: &UsagePointConf,
    meters: &HashMap<String, Arc<MeterSeries>>,
    clock: Clock,
) -> Result<UsagePoint, ScenarioError> {
    let meter = meters
        .get(&u.meter)
        .ok_or_else(|| invalid(format!("usage point {}: unknown meter {}", u.id, u.meter)))?;
    if u.metering_point_id.len() != 33 || !u.metering_point_id.starts_with("DE") {
        return Err(invalid(format!(
            "usage point {}: metering point id must be 33 characters starting with DE",
            u.id
        )));
    }
    if !["ready", "running", "archive"].contains(&u.state.as_str()) {
        return Err(invalid(format!("usage point {}: state {}", u.id, u.state)));
    }
    let tariff = u
        .tariff
        .as_ref()
        .map(|tc| Arc::new(TariffSeries::split(meter, tc)));
    let databases = u
        .databases
        .iter()
        .map(|d| {
            let step = Step::parse(&d.step)
                .ok_or_else(|| invalid(format!("database {}: step {}", d.name, d.step)))?;
            if d.name == "calculated" && tariff.is_none() {
                return Err(invalid(format!(
                    "usage point {}: calculated needs a tariff",
                    u.id
                )));
            }
            let channels = d.channels.iter().map(channel).collect::<Result<_, _>>()?;
            Ok(Database {
                name: d.name.clone(),
                step,
                channels,
            })
        })
        .collect::<Result<Vec<_>, ScenarioError>>()?;
    Ok(UsagePoint {
        id: u.id.clone(),
        name: u.name.clone(),
        taf: u.taf,
        state: u.state.clone(),
        start: clock.t(&u.start, "usage point start")?,
        end: u
            .end
            .as_deref()
            .map(|e| clock.t(e, "usage point end"))
            .transpose()?,
        capture_time: u.capture_time.clone(),
        delivery_id: u.delivery_id.clone(),
        metering_point_id: u.metering_point_id.clone(),
        meter_ids: meter.meter_ids(),
        on_demand_profile: u.on_demand_profile,
        billing: u
            .billing_periods
            .iter()
            .map(|[a, b]| Ok((norm_time(a, clock)?, norm_time(b, clock)?)))
            .collect::<Result<_, ScenarioError>>()?,
        emts: u.emts.clone(),
        transparency_bit: u.transparency_bit,
        databases,
        source: Source::Generated {
            meter: Arc::clone(meter),
            tariff,
        },
    })
}

/// Rewrites a scenario time into the form the gateway sends (empty stays empty).
fn norm_time(s: &str, clock: Clock) -> Result<String, ScenarioError> {
    if s.is_empty() {
        Ok(String::new())
    } else {
        clock.t(s, "billing period").map(time::format)
    }
}

fn channel(c: &ChannelConf) -> Result<Channel, ScenarioError> {
    let obis = c.obis.to_ascii_lowercase();
    let quantity = Quantity::from_obis(&obis).ok_or_else(|| {
        invalid(format!(
            "channel {}: OBIS not supported by the generator",
            c.obis
        ))
    })?;
    Ok(Channel {
        obis,
        unit: c.unit,
        scaler: c.scaler,
        quantity: Some(quantity),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        time::parse(s, 0).unwrap_or_default()
    }

    const TAF7: &str = "01005e318023.taf7-1.sm";

    #[test]
    fn a_following_clock_moves_the_history_by_whole_months() -> Result<(), ScenarioError> {
        let fixed = Scenario::builtin("demo")?;
        let real = at("2027-03-03T10:07:00Z");
        let live = Scenario::builtin_following("demo", real)?;
        assert_eq!(fixed.now(), at("2026-11-20T09:00:00Z"));
        assert_eq!(live.now(), real);

        // The file's "now" (20 Nov 2026) moves by 3 months, to 20 Feb 2027: the last
        // whole month before the real clock. Month starts stay German month starts.
        let billing = |s: &Scenario| -> Vec<(String, String)> {
            let up = s.m.consumers[0].usage_points.iter().find(|u| u.id == TAF7);
            up.map(|u| u.billing.clone()).unwrap_or_default()
        };
        assert_eq!(
            billing(&fixed)[1],
            ("2025-10-31T23:00:00Z".to_owned(), String::new())
        );
        assert_eq!(
            billing(&live)[1],
            ("2026-01-31T23:00:00Z".to_owned(), String::new())
        );

        let values = |s: &Scenario| s.expected_readings("demo", TAF7, "origin", "0100010800ff");
        let (old, new) = (values(&fixed)?, values(&live)?);
        let first = |r: &[Reading]| r.first().map(|r| r.target_time);
        let newest = |r: &[Reading]| r.last().map(|r| r.target_time);
        // 1 Nov 2024 → 1 Feb 2025, both local midnights.
        assert_eq!(first(&old), Some(at("2024-11-01T00:00:00+01:00")));
        assert_eq!(first(&new), Some(at("2025-02-01T00:00:00+01:00")));
        // The history reaches the real clock: the newest quarter hour before it.
        assert_eq!(newest(&new), Some(at("2027-03-03T10:00:00Z")));
        // The whole-day gap of 12 Feb 2026 (local) is now on 12 May 2026 (local).
        let day = |s: &Scenario, from: &str, to: &str| {
            s.expected_readings_between("demo", TAF7, "origin", "0100010800ff", at(from), at(to))
        };
        assert!(day(
            &fixed,
            "2026-02-12T00:00:00+01:00",
            "2026-02-12T23:45:00+01:00"
        )?
        .is_empty());
        assert!(day(
            &live,
            "2026-05-12T00:00:00+02:00",
            "2026-05-12T23:45:00+02:00"
        )?
        .is_empty());
        assert_eq!(
            day(
                &live,
                "2026-02-12T00:00:00+01:00",
                "2026-02-12T23:45:00+01:00"
            )?
            .len(),
            95
        );

        // The logbook ends before the real clock, as many entries as written.
        let log = live.expected_log("demo")?;
        assert_eq!(log.len(), fixed.expected_log("demo")?.len());
        assert!(log.iter().all(|e| e.time <= real));
        assert!(log.iter().any(|e| e.time > fixed.now()));
        Ok(())
    }

    #[test]
    fn a_clock_before_the_file_moves_it_back() -> Result<(), ScenarioError> {
        let real = at("2026-08-05T12:00:00Z");
        let live = Scenario::builtin_following("demo", real)?;
        assert_eq!(live.now(), real);
        let values = live.expected_readings("demo", TAF7, "origin", "0100010800ff")?;
        // Moved back 4 months (20 Nov → 20 Jul): the history starts on 1 Jul 2024.
        assert_eq!(
            values.first().map(|r| r.target_time),
            Some(at("2024-07-01T00:00:00+02:00"))
        );
        assert_eq!(
            values.last().map(|r| r.target_time),
            Some(at("2026-08-05T12:00:00Z"))
        );
        Ok(())
    }
}
