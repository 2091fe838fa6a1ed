//! Domain records: what the gateway reports about itself, the consumer's contracts,
//! readings and log entries.
//!
//! Records keep identifiers as the gateway sent them (`String`), with accessors that parse
//! them into typed forms: a real gateway may send ids that do not follow the paper, and a
//! record must still be stored and shown. Serde field names are snake_case.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::{DeviceId, IdError};
use crate::lang::Lang;
use crate::obis::{ChannelName, Obis, ObisError};
use crate::status::{
    CombinedStatus, GatewayStatus, MeterStatus, NotIdentified, PtbStatus, SmgwState, StatusWords,
};
use crate::unit::Unit;
use crate::value::{Quantity, ScaledValue};

/// Serde helpers for byte strings written as hex text (certificates, signatures, hashes).
pub mod serde_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes bytes as lower-case hex.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    /// Reads hex text (any case).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(deserializer)?;
        hex::decode(s.trim()).map_err(serde::de::Error::custom)
    }

    /// The same for `Option<Vec<u8>>` (`null` = `None`).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `Some` as hex, `None` as null.
        pub fn serialize<S: Serializer>(
            bytes: &Option<Vec<u8>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match bytes {
                Some(b) => serializer.serialize_str(&hex::encode(b)),
                None => serializer.serialize_none(),
            }
        }

        /// Reads hex text or null.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Vec<u8>>, D::Error> {
            match Option::<String>::deserialize(deserializer)? {
                Some(s) => hex::decode(s.trim())
                    .map(Some)
                    .map_err(serde::de::Error::custom),
                None => Ok(None),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Gateway

/// Kind of a certificate, with the `certType` codes of AR 2418-6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// 1: the gateway's TLS certificate (HAN).
    Tls,
    /// 2: the issuing sub-CA of a signature certificate.
    SubCa,
    /// 3: a certificate used to sign meter values (the seal certificate has index 0).
    Signature,
}

impl CertificateKind {
    /// The AR 2418-6 `certType` code.
    pub fn code(self) -> u8 {
        match self {
            CertificateKind::Tls => 1,
            CertificateKind::SubCa => 2,
            CertificateKind::Signature => 3,
        }
    }

    /// The kind for an AR 2418-6 `certType` code.
    pub fn from_code(code: u8) -> Option<CertificateKind> {
        Some(match code {
            1 => CertificateKind::Tls,
            2 => CertificateKind::SubCa,
            3 => CertificateKind::Signature,
            _ => return None,
        })
    }

    /// Name for people.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            CertificateKind::Tls => lang.pick("TLS-Zertifikat", "TLS certificate"),
            CertificateKind::SubCa => lang.pick("Sub-CA-Zertifikat", "sub-CA certificate"),
            CertificateKind::Signature => lang.pick("Signaturzertifikat", "signature certificate"),
        }
    }
}

/// Why certificate text could not be turned into DER.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// No `-----BEGIN …-----` / `-----END …-----` block.
    #[error("no PEM block found")]
    NoPemBlock,
    /// The base64 body is invalid.
    #[error("invalid base64 in PEM block")]
    Base64,
}

/// A certificate as the gateway reports it. No X.509 parsing happens here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Certificate {
    /// What it is used for.
    pub kind: CertificateKind,
    /// `cert-index` of WAN certificates (0 = seal certificate); `None` for the HAN TLS one.
    pub index: Option<u32>,
    /// DER bytes.
    #[serde(with = "serde_hex")]
    pub der: Vec<u8>,
}

impl Certificate {
    /// Builds a certificate from PEM text (the HAN certificate comes as hex of PEM text).
    /// Only the first PEM block is used.
    pub fn from_pem(
        kind: CertificateKind,
        index: Option<u32>,
        pem: &str,
    ) -> Result<Certificate, CertError> {
        Ok(Certificate {
            kind,
            index,
            der: pem_to_der(pem)?,
        })
    }
}

/// Decodes the first PEM block (`-----BEGIN X-----` … `-----END X-----`) to its bytes.
pub fn pem_to_der(pem: &str) -> Result<Vec<u8>, CertError> {
    let begin = pem.find("-----BEGIN").ok_or(CertError::NoPemBlock)?;
    let after_begin = &pem[begin + 10..];
    let header_end = after_begin.find("-----").ok_or(CertError::NoPemBlock)?;
    let body_and_rest = &after_begin[header_end + 5..];
    let end = body_and_rest
        .find("-----END")
        .ok_or(CertError::NoPemBlock)?;
    base64_decode(&body_and_rest[..end])
}

fn base64_decode(text: &str) -> Result<Vec<u8>, CertError> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padding = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            c if c.is_ascii_whitespace() => continue,
            _ => return Err(CertError::Base64),
        };
        if padding > 0 {
            return Err(CertError::Base64);
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if padding > 2 || bits >= 6 {
        return Err(CertError::Base64);
    }
    Ok(out)
}

/// One firmware component of the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FirmwareInfo {
    /// Component name.
    pub component: String,
    /// Version text.
    pub version: String,
    /// SHA-256 over all packages, as sent (hex).
    pub hash: String,
}

/// What `smgw-info` says about the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayInfo {
    /// The gateway id as sent (e.g. `ethe0300004261`); see [`GatewayInfo::device_id`].
    pub id: String,
    /// The operating state word, if sent and readable.
    pub state: Option<SmgwState>,
    /// The gateway's clock at the time of the call.
    pub time: Option<DateTime<Utc>>,
    /// Firmware components.
    pub firmware: Vec<FirmwareInfo>,
    /// HAN TLS, signature and sub-CA certificates.
    pub certificates: Vec<Certificate>,
}

impl GatewayInfo {
    /// The id parsed as a DIN 43863-5 device id.
    pub fn device_id(&self) -> Result<DeviceId, IdError> {
        self.id.parse()
    }

    /// The HAN TLS certificate, if reported.
    pub fn tls_certificate(&self) -> Option<&Certificate> {
        self.certificates
            .iter()
            .find(|c| c.kind == CertificateKind::Tls)
    }
}

// ---------------------------------------------------------------------------------------
// Contracts

/// Tariff use case (TAF, "Tarifanwendungsfall", BSI TR-03109-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Taf {
    /// TAF 1: data-saving tariff.
    Taf1,
    /// TAF 2: time-variable tariff.
    Taf2,
    /// TAF 6: meter readings on demand.
    Taf6,
    /// TAF 7: load profile of meter readings (15-minute values).
    Taf7,
    /// TAF 9: current feed-in of a generating plant.
    Taf9,
    /// TAF 10: grid state data.
    Taf10,
    /// TAF 14: high-frequency values for value-added services.
    Taf14,
    /// Any other number.
    Other(u16),
}

impl Taf {
    /// The TAF for a number.
    pub fn from_number(n: u16) -> Taf {
        match n {
            1 => Taf::Taf1,
            2 => Taf::Taf2,
            6 => Taf::Taf6,
            7 => Taf::Taf7,
            9 => Taf::Taf9,
            10 => Taf::Taf10,
            14 => Taf::Taf14,
            n => Taf::Other(n),
        }
    }

    /// The TAF number.
    pub fn number(self) -> u16 {
        match self {
            Taf::Taf1 => 1,
            Taf::Taf2 => 2,
            Taf::Taf6 => 6,
            Taf::Taf7 => 7,
            Taf::Taf9 => 9,
            Taf::Taf10 => 10,
            Taf::Taf14 => 14,
            Taf::Other(n) => n,
        }
    }

    /// False for TAF 9, 10 and 14: the gateway keeps no value list, only the current value
    /// (`last-reading`) can be read.
    pub fn stores_values(self) -> bool {
        !matches!(self, Taf::Taf9 | Taf::Taf10 | Taf::Taf14)
    }

    /// Name for people.
    pub fn name(self, lang: Lang) -> String {
        let what = match self {
            Taf::Taf1 => lang.pick("datensparsamer Tarif", "data-saving tariff"),
            Taf::Taf2 => lang.pick("zeitvariabler Tarif", "time-of-use tariff"),
            Taf::Taf6 => lang.pick(
                "Abruf von Messwerten im Bedarfsfall",
                "meter reading on demand",
            ),
            Taf::Taf7 => lang.pick("Zählerstandsgangmessung", "load profile of meter readings"),
            Taf::Taf9 => lang.pick("Abruf der Ist-Einspeisung", "current feed-in"),
            Taf::Taf10 => lang.pick("Abruf von Netzzustandsdaten", "grid state data"),
            Taf::Taf14 => lang.pick(
                "hochfrequente Messwerte für Mehrwertdienste",
                "high-frequency values for value-added services",
            ),
            Taf::Other(_) => return format!("TAF {}", self.number()),
        };
        format!("TAF {}: {what}", self.number())
    }
}

impl fmt::Display for Taf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TAF{}", self.number())
    }
}

impl Serialize for Taf {
    /// Serialized as the number.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.number())
    }
}

impl<'de> Deserialize<'de> for Taf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Taf, D::Error> {
        u16::deserialize(deserializer).map(Taf::from_number)
    }
}

/// State of a TAF contract (`taf-state`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TafState {
    /// `ready`: configured, not yet running.
    Ready,
    /// `running`: active.
    Running,
    /// `archive`: ended, data kept.
    Archive,
    /// Anything else, as sent.
    Other(String),
}

impl TafState {
    /// Maps the wire text (case-insensitive).
    pub fn from_wire(s: &str) -> TafState {
        match s.trim().to_ascii_lowercase().as_str() {
            "ready" => TafState::Ready,
            "running" => TafState::Running,
            "archive" => TafState::Archive,
            _ => TafState::Other(s.to_string()),
        }
    }

    /// The wire text.
    pub fn wire_name(&self) -> &str {
        match self {
            TafState::Ready => "ready",
            TafState::Running => "running",
            TafState::Archive => "archive",
            TafState::Other(s) => s,
        }
    }

    /// Text for people.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            TafState::Ready => lang.pick("bereit", "ready").into(),
            TafState::Running => lang.pick("aktiv", "running").into(),
            TafState::Archive => lang.pick("archiviert", "archived").into(),
            TafState::Other(s) => format!("{} ({s})", lang.pick("unbekannt", "unknown")),
        }
    }
}

impl Serialize for TafState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.wire_name())
    }
}

impl<'de> Deserialize<'de> for TafState {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TafState, D::Error> {
        String::deserialize(deserializer).map(|s| TafState::from_wire(&s))
    }
}

/// Why a metering point id was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a metering point id (expected 33 characters: 2 letters, then letters and digits, like DE0001234567890000000000000000001)")]
pub struct MeteringPointIdError(pub String);

/// The German 33-character metering point id ("Zählpunktbezeichnung").
///
/// Validated leniently: after removing spaces, 33 characters, two letters (country)
/// followed by letters and digits. Stored in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeteringPointId(String);

impl MeteringPointId {
    /// Parses and normalises (spaces removed, upper case).
    pub fn parse(s: &str) -> Result<MeteringPointId, MeteringPointIdError> {
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let b = compact.as_bytes();
        let ok = b.len() == 33
            && b.iter().take(2).all(u8::is_ascii_alphabetic)
            && b.iter().all(u8::is_ascii_alphanumeric);
        if ok {
            Ok(MeteringPointId(compact))
        } else {
            Err(MeteringPointIdError(s.to_string()))
        }
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The country code (`DE`).
    pub fn country(&self) -> &str {
        // parse() guarantees 33 ASCII characters.
        &self.0[..2]
    }
}

impl fmt::Display for MeteringPointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for MeteringPointId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MeteringPointId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<MeteringPointId, D::Error> {
        let s = String::deserialize(deserializer)?;
        MeteringPointId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A billing period of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BillingPeriod {
    /// Start.
    pub start: DateTime<Utc>,
    /// End; `None` while the period is open.
    pub end: Option<DateTime<Utc>>,
}

/// One TAF contract of the consumer (`user-info.usage-points[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// Full logical name, e.g. `01005e318021.taf1-1.sm`.
    pub usage_point_id: String,
    /// Name of the usage point.
    pub name: String,
    /// The tariff use case.
    pub taf: Taf,
    /// Contract state.
    pub state: TafState,
    /// Start of the contract.
    pub start: Option<DateTime<Utc>>,
    /// End of the contract (empty on the wire while open).
    pub end: Option<DateTime<Utc>>,
    /// `capture-time` as sent.
    pub capture_time: Option<DateTime<Utc>>,
    /// Billing periods.
    pub billing_periods: Vec<BillingPeriod>,
    /// Meter ids as sent; see [`Contract::meter_ids`].
    pub meters: Vec<String>,
    /// The 33-character metering point id as sent; see [`Contract::metering_point`].
    pub metering_point_id: Option<String>,
    /// `delivery-id`.
    pub delivery_id: Option<String>,
    /// `on-demand-profile-configured`.
    pub on_demand: bool,
}

impl Contract {
    /// The usage point id parsed as `<hex>.<name>.sm`.
    pub fn usage_point(&self) -> Result<ChannelName, ObisError> {
        self.usage_point_id.parse()
    }

    /// The meter ids parsed as DIN 43863-5 ids (one result per meter).
    pub fn meter_ids(&self) -> Vec<Result<DeviceId, IdError>> {
        self.meters.iter().map(|m| m.parse()).collect()
    }

    /// The metering point id, validated; `None` if not sent.
    pub fn metering_point(&self) -> Option<Result<MeteringPointId, MeteringPointIdError>> {
        self.metering_point_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(MeteringPointId::parse)
    }
}

// ---------------------------------------------------------------------------------------
// Contract details and readings

/// A value list of the gateway (`database`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Database {
    /// `origin`: original value list.
    Origin,
    /// `derived`: derived value list.
    Derived,
    /// `calculated`: tariff-switch value list (TAF 2).
    Calculated,
    /// `daily`: daily values.
    Daily,
    /// Any other name, as sent.
    Other(String),
}

impl Database {
    /// Maps the wire name (case-insensitive).
    pub fn from_wire(s: &str) -> Database {
        match s.trim().to_ascii_lowercase().as_str() {
            "origin" => Database::Origin,
            "derived" => Database::Derived,
            "calculated" => Database::Calculated,
            "daily" => Database::Daily,
            _ => Database::Other(s.to_string()),
        }
    }

    /// The wire name.
    pub fn wire_name(&self) -> &str {
        match self {
            Database::Origin => "origin",
            Database::Derived => "derived",
            Database::Calculated => "calculated",
            Database::Daily => "daily",
            Database::Other(s) => s,
        }
    }

    /// Name for people.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Database::Origin => lang
                .pick("originäre Messwertliste", "original value list")
                .into(),
            Database::Derived => lang
                .pick("abgeleitete Messwertliste", "derived value list")
                .into(),
            Database::Calculated => lang
                .pick("Tarifschaltliste", "tariff-switch value list")
                .into(),
            Database::Daily => lang.pick("Tageswerte", "daily values").into(),
            Database::Other(s) => format!("{} {s}", lang.pick("Werteliste", "value list")),
        }
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

impl Serialize for Database {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.wire_name())
    }
}

impl<'de> Deserialize<'de> for Database {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Database, D::Error> {
        String::deserialize(deserializer).map(|s| Database::from_wire(&s))
    }
}

/// A channel of a value list: what is measured and how raw values scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Channel {
    /// The OBIS id.
    pub obis: Obis,
    /// The unit.
    pub unit: Unit,
    /// Power of ten of the raw values.
    pub scaler: i8,
}

impl Channel {
    /// A raw value of this channel as a quantity.
    pub fn quantity(&self, raw: i128) -> Quantity {
        Quantity::new(ScaledValue::new(raw, self.scaler), self.unit)
    }
}

/// The channels of one value list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseChannels {
    /// The value list.
    pub database: Database,
    /// Its channels.
    pub channels: Vec<Channel>,
}

/// One contract in detail (`usage-point-info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDetail {
    /// Full logical name.
    pub usage_point_id: String,
    /// Name of the usage point.
    pub name: String,
    /// Market participants receiving the data (EMT ids as sent).
    pub emts: Vec<String>,
    /// The transparency bit.
    pub transparency_bit: bool,
    /// The tariff profile: DKE XML inside a CMS container, signed with the seal certificate.
    #[serde(with = "serde_hex::option")]
    pub taf_profile: Option<Vec<u8>>,
    /// Value lists and their channels.
    pub databases: Vec<DatabaseChannels>,
}

/// One meter value (`readings.channels[].readings[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// When the gateway took the value.
    pub capture_time: Option<DateTime<Utc>>,
    /// End of the measuring period the value belongs to.
    pub target_time: DateTime<Utc>,
    /// The value, with the channel's scaler.
    pub value: ScaledValue,
    /// 8-byte combined status.
    pub cosem_status: Option<CombinedStatus>,
    /// 4-byte gateway status.
    pub smgw_status: Option<GatewayStatus>,
    /// 4-byte meter status.
    pub meter_status: Option<MeterStatus>,
    /// `owner-number`: meter id or the TAF that computed the value.
    pub owner: Option<String>,
    /// Signature bytes, if the value is signed.
    #[serde(with = "serde_hex::option")]
    pub signature: Option<Vec<u8>>,
}

impl Reading {
    /// The status words the value came with: the gateway word (`smgw-status`, else the
    /// first half of `cosem-status`) and the meter word (`meter-status`, else the second
    /// half of `cosem-status`); `None` without a gateway word.
    pub fn status_words(&self) -> Option<StatusWords> {
        let gateway = self.smgw_status.or(self.cosem_status.map(|c| c.gateway))?;
        Some(StatusWords {
            gateway,
            meter: self.meter_status.or(self.cosem_status.map(|c| c.meter)),
        })
    }

    /// The PTB status by the table (`smgw_model::status`), from both words; `None` if no
    /// gateway word was sent, `Some(Err(_))` if a word lacks its identification bits.
    pub fn ptb_checked(&self) -> Option<Result<PtbStatus, NotIdentified>> {
        self.status_words().map(StatusWords::ptb)
    }

    /// The PTB status, `None` if no gateway word was sent or a word lacks its
    /// identification bits (then no status is guessed; see [`Reading::ptb_checked`]).
    pub fn ptb(&self) -> Option<PtbStatus> {
        self.ptb_checked().and_then(Result::ok)
    }

    /// The set bits of the status words in words (see [`StatusWords::texts`]), joined
    /// with `"; "`; empty without status words or when no bit but the identification is
    /// set.
    pub fn status_text(&self, lang: Lang) -> String {
        self.status_words()
            .map(|w| w.text(lang))
            .unwrap_or_default()
    }
}

/// The readings of one channel (`readings.channels[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelReadings {
    /// The channel name as sent, e.g. `0100010800ff.0551010038180402.sm`.
    pub channel: String,
    /// Its readings.
    pub readings: Vec<Reading>,
}

impl ChannelReadings {
    /// The channel name parsed into OBIS id and meter id.
    pub fn channel_name(&self) -> Result<ChannelName, ObisError> {
        self.channel.parse()
    }
}

// ---------------------------------------------------------------------------------------
// Log

/// Level of a log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogLevel {
    /// 1: informational.
    Info,
    /// 2: warning.
    Warning,
    /// 3: error.
    Error,
    /// 4: alert.
    Alert,
    /// Anything else (the published example shows 6).
    Other(u8),
}

impl LogLevel {
    /// The level for a code.
    pub fn from_code(code: u8) -> LogLevel {
        match code {
            1 => LogLevel::Info,
            2 => LogLevel::Warning,
            3 => LogLevel::Error,
            4 => LogLevel::Alert,
            c => LogLevel::Other(c),
        }
    }

    /// The code.
    pub fn code(self) -> u8 {
        match self {
            LogLevel::Info => 1,
            LogLevel::Warning => 2,
            LogLevel::Error => 3,
            LogLevel::Alert => 4,
            LogLevel::Other(c) => c,
        }
    }

    /// Text for people.
    pub fn text(self, lang: Lang) -> String {
        match self {
            LogLevel::Info => lang.pick("Information", "information").into(),
            LogLevel::Warning => lang.pick("Warnung", "warning").into(),
            LogLevel::Error => lang.pick("Fehler", "error").into(),
            LogLevel::Alert => lang.pick("Alarm", "alert").into(),
            LogLevel::Other(c) => format!("{} {c}", lang.pick("Stufe", "level")),
        }
    }
}

impl Serialize for LogLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for LogLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LogLevel, D::Error> {
        u8::deserialize(deserializer).map(LogLevel::from_code)
    }
}

/// One entry of the consumer logbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Record number.
    pub index: u64,
    /// `event-id` as sent.
    pub event_id: String,
    /// `event-sub-id` as sent.
    pub event_sub_id: String,
    /// Level.
    pub level: LogLevel,
    /// `outcome` as sent.
    pub outcome: Option<String>,
    /// `vendor-id` (e.g. `BSI`).
    pub vendor_id: Option<String>,
    /// `subject-identity`.
    pub subject_identity: Option<String>,
    /// `user-identity`.
    pub user_identity: Option<String>,
    /// When it happened.
    pub time: Option<DateTime<Utc>>,
    /// The message (German text from the gateway).
    pub message: String,
    /// `version`.
    pub version: Option<String>,
    /// Keys the gateway sent that this program does not know, as a JSON object text:
    /// kept, never dropped (tolerant reader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{parse_datetime, NaiveAs};

    fn t(s: &str) -> DateTime<Utc> {
        parse_datetime(s, NaiveAs::Utc).unwrap()
    }

    #[test]
    fn taf_numbers() {
        for n in [1u16, 2, 6, 7, 9, 10, 14, 3, 99] {
            assert_eq!(Taf::from_number(n).number(), n);
        }
        assert_eq!(Taf::from_number(7), Taf::Taf7);
        assert_eq!(Taf::from_number(3), Taf::Other(3));
        assert!(Taf::Taf7.stores_values());
        assert!(
            !Taf::Taf9.stores_values()
                && !Taf::Taf10.stores_values()
                && !Taf::Taf14.stores_values()
        );
        assert_eq!(Taf::Taf2.name(Lang::De), "TAF 2: zeitvariabler Tarif");
        assert_eq!(Taf::Other(3).name(Lang::En), "TAF 3");
        assert_eq!(serde_json::to_string(&Taf::Taf14).unwrap(), "14");
        assert_eq!(serde_json::from_str::<Taf>("12").unwrap(), Taf::Other(12));
    }

    #[test]
    fn wire_names() {
        for s in ["origin", "derived", "calculated", "daily"] {
            let d = Database::from_wire(s);
            assert!(!matches!(d, Database::Other(_)));
            assert_eq!(d.wire_name(), s);
        }
        assert_eq!(Database::from_wire("Origin"), Database::Origin);
        assert_eq!(
            Database::from_wire("weird"),
            Database::Other("weird".into())
        );
        assert_eq!(
            serde_json::to_string(&Database::Daily).unwrap(),
            "\"daily\""
        );
        assert_eq!(TafState::from_wire("RUNNING"), TafState::Running);
        assert_eq!(
            TafState::from_wire("paused"),
            TafState::Other("paused".into())
        );
        assert_eq!(
            TafState::from_wire("paused").text(Lang::En),
            "unknown (paused)"
        );
        assert_eq!(
            serde_json::from_str::<TafState>("\"archive\"").unwrap(),
            TafState::Archive
        );
    }

    #[test]
    fn log_levels() {
        for c in 0..=255u8 {
            assert_eq!(LogLevel::from_code(c).code(), c);
        }
        assert_eq!(LogLevel::from_code(6), LogLevel::Other(6));
        assert_eq!(LogLevel::from_code(6).text(Lang::De), "Stufe 6");
        assert!(LogLevel::Alert > LogLevel::Info);
        assert_eq!(
            serde_json::from_str::<LogLevel>("4").unwrap(),
            LogLevel::Alert
        );
    }

    #[test]
    fn metering_point_ids() {
        let id = MeteringPointId::parse("de 0001234567 8900000000 00000000001").unwrap();
        assert_eq!(id.as_str(), "DE0001234567890000000000000000001");
        assert_eq!(id.country(), "DE");
        for bad in [
            "",
            "DE000123456789000000000000000000",
            "DE00012345678900000000000000000011",
            "1E0001234567890000000000000000001",
            "DE000123456789000000000000000000-",
        ] {
            assert!(MeteringPointId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn contract_accessors() {
        let c = Contract {
            usage_point_id: "01005e318021.taf1-1.sm".into(),
            name: "Strom".into(),
            taf: Taf::Taf1,
            state: TafState::Running,
            start: Some(t("2017-10-01T00:00:00+02:00")),
            end: None,
            capture_time: None,
            billing_periods: vec![BillingPeriod {
                start: t("2017-10-01T00:00:00+02:00"),
                end: Some(t("2017-11-01T00:00:00+01:00")),
            }],
            meters: vec!["1ESY1160449476".into(), "bogus".into()],
            metering_point_id: Some("DE0001234567890000000000000000001".into()),
            delivery_id: None,
            on_demand: false,
        };
        assert_eq!(c.usage_point().unwrap().meter_id, "taf1-1");
        let meters = c.meter_ids();
        assert!(meters[0].is_ok() && meters[1].is_err());
        assert!(matches!(c.metering_point(), Some(Ok(_))));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Contract>(&json).unwrap(), c);
        let empty_mp = Contract {
            metering_point_id: Some("  ".into()),
            ..c
        };
        assert!(empty_mp.metering_point().is_none());
    }

    #[test]
    fn reading_ptb_and_serde() {
        let channel = Channel {
            obis: "0100010800ff".parse().unwrap(),
            unit: Unit::WattHour,
            scaler: -4,
        };
        assert_eq!(
            channel.quantity(171165808).format(Lang::En),
            "17116.5808 Wh"
        );
        let r = Reading {
            capture_time: Some(t("2017-10-29T00:45:03Z")),
            target_time: t("2017-10-29T00:45:00Z"),
            value: ScaledValue::new(741092, -1),
            cosem_status: Some(CombinedStatus::from_hex("a002000020000000").unwrap()),
            smgw_status: None,
            meter_status: None,
            owner: Some("1ESY1160449476".into()),
            signature: Some(vec![0xde, 0xad]),
        };
        assert_eq!(r.ptb(), Some(PtbStatus::CriticalTemporary));
        assert_eq!(
            r.status_text(Lang::De),
            "PTB: kritischer vorübergehender Fehler (Wert ungültig)"
        );
        // The meter word enters the PTB status: `meter-status` with magnetic influence.
        let magnetic = Reading {
            cosem_status: Some(CombinedStatus::from_hex("a000000020000000").unwrap()),
            meter_status: Some(MeterStatus::from_hex("20400000").unwrap()),
            ..r.clone()
        };
        assert_eq!(magnetic.ptb(), Some(PtbStatus::CriticalTemporary));
        assert_eq!(
            magnetic.status_text(Lang::En),
            "meter magnetically influenced"
        );
        // A word without identification: no status guessed, shown as such.
        let odd = Reading {
            cosem_status: Some(CombinedStatus::from_hex("0000010500100504").unwrap()),
            ..r.clone()
        };
        assert_eq!(odd.ptb(), None);
        assert!(matches!(odd.ptb_checked(), Some(Err(_))));
        assert!(odd
            .status_text(Lang::En)
            .starts_with("gateway status word without identification"));
        let with_word = Reading {
            smgw_status: Some(GatewayStatus::from_hex("a0080000").unwrap()),
            ..r.clone()
        };
        assert_eq!(
            with_word.ptb(),
            Some(PtbStatus::Warning),
            "smgw-status wins"
        );
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"signature\":\"dead\""), "{json}");
        assert!(
            json.contains("\"cosem_status\":\"a002000020000000\""),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Reading>(&json).unwrap(), r);
        let unsigned = Reading {
            signature: None,
            cosem_status: None,
            ..r
        };
        assert_eq!(unsigned.ptb(), None);
        assert_eq!(unsigned.ptb_checked(), None);
        assert_eq!(unsigned.status_text(Lang::En), "");
        let json = serde_json::to_string(&unsigned).unwrap();
        assert!(json.contains("\"signature\":null"));
        assert_eq!(serde_json::from_str::<Reading>(&json).unwrap(), unsigned);
        let cr = ChannelReadings {
            channel: "0100010800ff.0551010038180402.sm".into(),
            readings: vec![],
        };
        assert_eq!(cr.channel_name().unwrap().meter_id, "0551010038180402");
    }

    #[test]
    fn certificates_and_pem() {
        assert_eq!(CertificateKind::from_code(2), Some(CertificateKind::SubCa));
        assert_eq!(CertificateKind::from_code(0), None);
        for k in [
            CertificateKind::Tls,
            CertificateKind::SubCa,
            CertificateKind::Signature,
        ] {
            assert_eq!(CertificateKind::from_code(k.code()), Some(k));
        }
        // "Hello, DER!" in base64, wrapped like a certificate.
        let pem = "-----BEGIN CERTIFICATE-----\nSGVsbG8s\r\nIERFUiE=\n-----END CERTIFICATE-----\n";
        let c = Certificate::from_pem(CertificateKind::Tls, None, pem).unwrap();
        assert_eq!(c.der, b"Hello, DER!");
        assert_eq!(pem_to_der("no pem here"), Err(CertError::NoPemBlock));
        assert_eq!(
            pem_to_der("-----BEGIN X-----\nSGV*bG8=\n-----END X-----"),
            Err(CertError::Base64)
        );
        assert_eq!(
            pem_to_der("-----BEGIN X-----\nSGVs=bG8\n-----END X-----"),
            Err(CertError::Base64)
        );
        assert_eq!(
            pem_to_der("-----BEGIN X-----\nSGVsb\n-----END X-----"),
            Err(CertError::Base64)
        );

        let info = GatewayInfo {
            id: "ethe0300004261".into(),
            state: Some(SmgwState::from_hex("a0000000").unwrap()),
            time: Some(t("2019-04-18T14:25:39Z")),
            firmware: vec![FirmwareInfo {
                component: "main".into(),
                version: "1.2.3".into(),
                hash: "ab".into(),
            }],
            certificates: vec![
                Certificate {
                    kind: CertificateKind::Signature,
                    index: Some(0),
                    der: vec![1, 2],
                },
                c.clone(),
            ],
        };
        assert_eq!(info.device_id().unwrap().to_string(), "ETHE0300004261");
        assert_eq!(info.tls_certificate(), Some(&c));
        let json = serde_json::to_string(&info).unwrap();
        assert_eq!(serde_json::from_str::<GatewayInfo>(&json).unwrap(), info);
    }

    #[test]
    fn contract_detail_serde() {
        let d = ContractDetail {
            usage_point_id: "01005e318021.taf1-1.sm".into(),
            name: "TAF 1".into(),
            emts: vec!["emt.example".into()],
            transparency_bit: true,
            taf_profile: Some(vec![0x30, 0x82]),
            databases: vec![DatabaseChannels {
                database: Database::Origin,
                channels: vec![Channel {
                    obis: "1-0:1.8.0".parse().unwrap(),
                    unit: Unit::WattHour,
                    scaler: -1,
                }],
            }],
        };
        let json = serde_json::to_string(&d).unwrap();
        assert!(
            json.contains("\"obis\":\"0100010800ff\",\"unit\":30,\"scaler\":-1"),
            "{json}"
        );
        assert!(json.contains("\"taf_profile\":\"3082\""));
        assert_eq!(serde_json::from_str::<ContractDetail>(&json).unwrap(), d);
        let log = LogEntry {
            index: 7,
            event_id: "1".into(),
            event_sub_id: "0".into(),
            level: LogLevel::Other(6),
            outcome: Some("0".into()),
            vendor_id: Some("BSI".into()),
            subject_identity: None,
            user_identity: None,
            time: Some(t("2019-04-18T14:25:39Z")),
            message: "Selbsttest erfolgreich".into(),
            version: None,
            extra: None,
        };
        let json = serde_json::to_string(&log).unwrap();
        assert!(json.contains("\"level\":6"));
        assert_eq!(serde_json::from_str::<LogEntry>(&json).unwrap(), log);
    }
}
