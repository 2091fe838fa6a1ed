//! The scenario file format (TOML). See README.md for a commented example.
//!
//! These types mirror the file one to one; [`crate::Scenario`] resolves them (reads the
//! certificate files, generates the data) into the model the server answers from.

use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ScenarioFile {
    /// Scenario name, reported by the binary and `RunningMock::scenario_name`.
    pub name: String,
    /// Free text for humans.
    #[serde(default)]
    pub description: String,
    /// Seed of every pseudo-random choice (load noise, cloudiness, log texts, nonces).
    #[serde(default)]
    pub seed: u64,
    /// The gateway's "now" (the data ends here; no wall clock enters the data).
    pub now: String,
    /// Whose HAN interface the mock speaks (CONEXA unless said otherwise).
    #[serde(default)]
    pub maker: MakerConf,
    /// Interface version reported in every response.
    #[serde(default = "default_version")]
    pub version: String,
    /// The gateway itself.
    pub gateway: GatewayConf,
    /// HAN TLS key material (file names relative to the scenario file).
    pub tls: TlsConf,
    /// WAN signature certificates reported in `smgw-info`.
    #[serde(default)]
    pub wan: Vec<WanConf>,
    /// Authentication behaviour.
    #[serde(default)]
    pub auth: AuthConf,
    /// Limits and timings.
    #[serde(default)]
    pub limits: LimitsConf,
    /// Faults active from the start (they can be changed at run time).
    #[serde(default)]
    pub faults: Faults,
    /// The consumers configured on the gateway.
    pub consumers: Vec<ConsumerConf>,
}

/// The maker whose HAN interface a scenario serves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MakerConf {
    /// Theben CONEXA: the six JSON methods below `/smgw/m2m` (han-protocol.md).
    #[default]
    Conexa,
    /// PPC: the web application at `/cgi-bin/hanservice.cgi` (vendors.md).
    Ppc,
    /// EMH CASA 1.1: JSON below `/json/` (vendors.md).
    Emh,
}

fn default_version() -> String {
    "1.2.0".to_owned()
}

/// Gateway identity and state.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GatewayConf {
    /// Cross-vendor id, e.g. `ethe0300004261` or `EPPC0210486901`.
    pub smgw_id: String,
    /// Hex status word, e.g. `a0000000`.
    #[serde(default = "default_state")]
    pub state: String,
    /// The gateway clock's offset against the scenario's "now", seconds.
    #[serde(default)]
    pub clock_offset_seconds: i64,
    /// Firmware identification.
    pub firmware: FirmwareConf,
}

fn default_state() -> String {
    "a0000000".to_owned()
}

/// Firmware identification reported in `smgw-info`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FirmwareConf {
    /// Component name.
    pub component: String,
    /// Version string.
    pub version: String,
    /// SHA-256 over all packages, hex.
    pub hash: String,
}

/// HAN TLS key material.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TlsConf {
    /// PEM certificate file (P-384, self-signed).
    pub cert: String,
    /// PEM PKCS#8 private key file.
    pub key: String,
}

/// One WAN signature certificate with its issuing CA.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WanConf {
    /// 0 = seal certificate.
    pub cert_index: u32,
    /// PEM file of the signature certificate (served as hex DER).
    pub sig: String,
    /// PEM file of the issuing sub-CA (served as hex DER).
    pub sub_ca: String,
}

/// Digest algorithm behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
pub enum DigestAlgorithm {
    /// Announce and verify MD5.
    #[default]
    #[serde(rename = "MD5")]
    Md5,
    /// Announce and verify SHA-256.
    #[serde(rename = "SHA-256")]
    Sha256,
    /// The field-reported firmware quirk: announce SHA-256, verify only MD5 responses.
    #[serde(rename = "sha256-announced-md5-checked")]
    Sha256AnnouncedMd5Checked,
}

/// What the gateway does with wrong credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum WrongCredentials {
    /// Answer 401 with a fresh challenge.
    #[default]
    #[serde(rename = "401")]
    Reject,
    /// Never answer; hold the connection open.
    SilentTimeout,
    /// Answer `200` with an empty body (another field-reported firmware reaction to a
    /// Digest response it cannot check).
    #[serde(rename = "empty-200")]
    Empty200,
}

/// Authentication settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct AuthConf {
    /// Digest algorithm mode.
    pub algorithm: DigestAlgorithm,
    /// Digest realm.
    pub realm: String,
    /// Lifetime of a nonce; afterwards the gateway answers 401 with `stale=true`.
    pub nonce_lifetime_seconds: u64,
    /// Wrong credentials: `"401"` or `"silent-timeout"`.
    pub wrong_credentials: WrongCredentials,
}

impl Default for AuthConf {
    fn default() -> Self {
        Self {
            algorithm: DigestAlgorithm::Md5,
            realm: "SMGW".to_owned(),
            nonce_lifetime_seconds: 300,
            wrong_credentials: WrongCredentials::Reject,
        }
    }
}

/// Limits and timings of the gateway.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct LimitsConf {
    /// Idle connections are closed after this many seconds (CONEXA: 10 minutes).
    pub idle_timeout_seconds: u64,
    /// A TLS session lasts at most this long (CONEXA: 48 h).
    pub session_max_seconds: u64,
    /// After a self-test, further self-tests get 403 for this long.
    pub self_test_lock_seconds: u64,
    /// The self-test result shows up in the logbook after this long.
    pub self_test_duration_seconds: u64,
    /// Longest `readings` range in days.
    pub max_reading_days: i64,
    /// Most log entries per call.
    pub max_log_entries: usize,
    /// Demand `X-Content-Length` equal to the body length on POSTs (a firmware quirk).
    pub require_x_content_length: bool,
    /// Let the gateway clock run (now + time since start) instead of freezing it at "now".
    /// A frozen clock keeps responses byte-identical across runs.
    pub running_clock: bool,
}

impl Default for LimitsConf {
    fn default() -> Self {
        Self {
            idle_timeout_seconds: 600,
            session_max_seconds: 48 * 3600,
            self_test_lock_seconds: 600,
            self_test_duration_seconds: 2,
            max_reading_days: 31,
            max_log_entries: 1500,
            require_x_content_length: false,
            running_clock: false,
        }
    }
}

/// Faults the mock can inject. All default to off. Settable in the scenario (`[faults]`) and
/// at run time with `POST /__mock/faults` (the posted object replaces the current set and
/// restarts the call counter).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct Faults {
    /// Extra latency per JSON call, milliseconds.
    pub latency_ms: u64,
    /// Extra seeded pseudo-random latency of 0..=N milliseconds per call.
    pub latency_jitter_ms: u64,
    /// Cut the connection after this many bytes of a JSON response body.
    pub drop_after_bytes: Option<u64>,
    /// Answer 500 on the Nth JSON call (1-based, counted since the faults were set).
    pub error_500_on_call: Option<u64>,
    /// Answer 500 with this seeded probability (0.0..=1.0) on every JSON call.
    pub error_500_rate: f64,
    /// Answer 200 with an empty body.
    pub empty_body: bool,
    /// Answer 200 with a body that is not JSON.
    pub malformed_json: bool,
    /// Answer 200 with the JSON cut in half.
    pub truncated_json: bool,
    /// Pad the response with this many bytes of extra (valid JSON) payload.
    pub huge_body_bytes: Option<u64>,
    /// Close idle connections after this many seconds (sooner than the announced 10 min).
    pub idle_close_seconds: Option<u64>,
    /// Treat the nonce of the next Digest-authenticated call as expired (`stale=true`).
    pub stale_nonce_next: bool,
    /// Switch the HAN off (close the listener and all connections) after N JSON calls.
    pub han_off_after_calls: Option<u64>,
    /// Answer the discovery (`/smgw/m2m`) with this `Location` instead of the consumer's
    /// own address, e.g. another host, to test that clients refuse to follow it.
    pub redirect_location: Option<String>,
    /// Send auxiliary fields the client cannot decode (certificates as PEM text, elided
    /// or one digit short; the tariff profile as PEM; a billing period without a readable
    /// start; names and the processing time as objects): values are unaffected.
    pub broken_auxiliary: bool,
    /// In every `readings` answer, the first value of each channel with a gateway status
    /// word that is no hex, the second with a signature that is no hex.
    pub broken_values: bool,
    /// Answer a `last-reading` request that names channels with every channel's readings
    /// empty (field failure 34: firmware whose channel filter finds nothing for the
    /// newest value); without the filter the values come.
    pub empty_filtered_last_reading: bool,
    /// Seed of the probabilistic faults.
    pub seed: u64,
    /// EMH CASA switches (scenarios with `maker = "emh"`).
    pub emh: crate::emh::EmhFaults,
}

/// A consumer (Letztverbraucher) configured on the gateway.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConsumerConf {
    /// Short name used by tests (`expected_readings("demo", …)`).
    pub name: String,
    /// The userid in the consumer's URL, e.g. `01005e318011.consumer1.sm`.
    pub userid: String,
    /// Digest user name (absent: no password login).
    #[serde(default)]
    pub username: Option<String>,
    /// Digest password.
    #[serde(default)]
    pub password: Option<String>,
    /// PEM client certificate files whose fingerprints log this consumer in.
    #[serde(default)]
    pub client_certs: Vec<String>,
    /// The consumer logbook.
    #[serde(default)]
    pub log: LogConf,
    /// The meters behind this consumer's contracts (the data sources).
    #[serde(default)]
    pub meters: Vec<MeterConf>,
    /// Contracts (one per TAF).
    #[serde(default)]
    pub usage_points: Vec<UsagePointConf>,
}

/// Logbook generation.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct LogConf {
    /// Number of generated entries.
    pub entries: usize,
    /// Record number of the oldest entry.
    pub first_index: u64,
    /// Time of the oldest entry (default: 90 days before "now").
    pub start: Option<String>,
}

impl Default for LogConf {
    fn default() -> Self {
        Self {
            entries: 200,
            first_index: 1,
            start: None,
        }
    }
}

/// Load shape of a meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Household load (standard-load-profile-like daily and seasonal shape).
    #[default]
    Household,
    /// Household with a PV system: import on 1.8.0, feed-in on 2.8.0.
    Prosumer,
    /// Constant load (handy for arithmetic in tests).
    Flat,
}

/// Which readings carry a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureMode {
    /// No signatures (`null`).
    #[default]
    None,
    /// Values at local midnight are signed.
    Daily,
    /// Every value is signed.
    All,
}

/// A meter and its generated data.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MeterConf {
    /// Meter id, e.g. `1ELS0012345678`.
    pub id: String,
    /// Load shape.
    #[serde(default)]
    pub profile: Profile,
    /// Yearly consumption of the household, kWh.
    #[serde(default = "default_annual")]
    pub annual_kwh: f64,
    /// PV peak power, kWp (prosumer only).
    #[serde(default)]
    pub pv_kwp: f64,
    /// Start of the value history.
    pub start: String,
    /// Register value at `start`, Wh.
    #[serde(default)]
    pub start_register_wh: f64,
    /// Meter exchange: from `at` on, a new meter with its own register.
    #[serde(default)]
    pub exchange: Option<ExchangeConf>,
    /// Time ranges `[from, to)` without values.
    #[serde(default)]
    pub gaps: Vec<[String; 2]>,
    /// Time ranges `[from, to)` in which the gateway's system time was invalid.
    #[serde(default)]
    pub time_invalid: Vec<[String; 2]>,
    /// Explicitly flagged values.
    #[serde(default)]
    pub status_events: Vec<StatusEventConf>,
    /// Seeded share of values flagged with a warning (a tenth of them critical).
    #[serde(default)]
    pub status_rate: f64,
    /// Which values carry a signature.
    #[serde(default)]
    pub signatures: SignatureMode,
}

fn default_annual() -> f64 {
    3500.0
}

/// A meter exchange.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExchangeConf {
    /// Time of the exchange.
    pub at: String,
    /// Id of the new meter.
    pub new_id: String,
    /// Register value of the new meter at the exchange, Wh.
    #[serde(default)]
    pub new_start_wh: f64,
}

/// Status level of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// No problem.
    #[default]
    Normal,
    /// Warning (PTB status 1, value valid).
    Warning,
    /// Temporary error (PTB status 2: value invalid but usable as a substitute).
    Temporary,
    /// Critical temporary error (PTB status 3, value invalid).
    Critical,
    /// Fatal error.
    Fatal,
}

/// Values in `[at, until)` (or only the one at `at`) get a status level.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StatusEventConf {
    /// First affected target time.
    pub at: String,
    /// End of the affected range (exclusive); absent = just `at`.
    #[serde(default)]
    pub until: Option<String>,
    /// The level.
    pub level: Level,
}

/// A contract (usage point).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct UsagePointConf {
    /// Full logical name, e.g. `01005e318021.taf1-1.sm`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// TAF number.
    pub taf: u8,
    /// `ready`, `running` or `archive`.
    pub state: String,
    /// Contract start.
    pub start: String,
    /// Contract end (absent: open).
    #[serde(default)]
    pub end: Option<String>,
    /// Daily capture time, e.g. `00:00:00`.
    #[serde(default = "default_capture")]
    pub capture_time: String,
    /// Delivery id.
    #[serde(default)]
    pub delivery_id: String,
    /// 33-character metering point id (`DE…`).
    pub metering_point_id: String,
    /// Id of the meter in `meters` that feeds this contract.
    pub meter: String,
    /// `on-demand-profile-configured`.
    #[serde(default)]
    pub on_demand_profile: bool,
    /// Billing periods `[start, end]` (end may be empty).
    #[serde(default)]
    pub billing_periods: Vec<[String; 2]>,
    /// Market participants receiving the data.
    #[serde(default)]
    pub emts: Vec<EmtConf>,
    /// Transparency bit.
    #[serde(default)]
    pub transparency_bit: bool,
    /// Tariff program for the `calculated` database (TAF-2).
    #[serde(default)]
    pub tariff: Option<TariffConf>,
    /// Value lists.
    pub databases: Vec<DatabaseConf>,
}

fn default_capture() -> String {
    "00:00:00".to_owned()
}

/// A market participant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct EmtConf {
    /// Participant id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A two-rate tariff program: high tariff (register x.8.1) in `[ht-from-hour, ht-to-hour)`
/// local time, low tariff (x.8.2) otherwise.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TariffConf {
    /// First hour of the high tariff.
    pub ht_from_hour: u32,
    /// First hour after the high tariff.
    pub ht_to_hour: u32,
    /// High tariff only on Monday to Friday.
    #[serde(default)]
    pub weekdays_only: bool,
}

/// A value list of a contract.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DatabaseConf {
    /// `origin`, `derived`, `calculated` or `daily`.
    pub name: String,
    /// `15m`, `60m` (any `<n>m`), `daily`, `monthly`, or `current` (no stored values:
    /// only `last-reading`, as for TAF 9/10/14).
    pub step: String,
    /// Channels.
    pub channels: Vec<ChannelConf>,
}

/// A channel of a value list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ChannelConf {
    /// OBIS as 12 hex digits, e.g. `0100010800ff`. C=1/2 import/export, D=8 register,
    /// D=7 power (C=16: net power), E=1/2 tariff registers.
    pub obis: String,
    /// DLMS unit code (30 = Wh, 27 = W).
    pub unit: i32,
    /// Power of ten of the raw value.
    pub scaler: i32,
}
