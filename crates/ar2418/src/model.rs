//! Document types of an AR 2418-6 file (`UsagePoints`), shared by device and supplier files.
//!
//! Elements the XSD marks as required inside their (present) parent are plain fields: a file
//! lacking them is rejected by the reader. Elements the XSD leaves optional are `Option`s or
//! `Vec`s, even where TRuDI needs them; the validator reports those as findings, so a caller
//! sees every problem of a file at once instead of the first one.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use smgw_model::Obis;

/// Root element `UsagePoints` of a device file (IF_Adapter_TRuDI) or supplier file
/// (IF_Lieferant_TRuDI).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct UsagePoints {
    /// `GeneratorVersion`: the program that wrote the file.
    pub generator_version: Option<String>,
    /// One or more `UsagePoint` elements.
    pub usage_points: Vec<UsagePoint>,
}

impl UsagePoints {
    /// Whether this looks like a supplier file (IF_Lieferant_TRuDI): an `AnalysisProfile`
    /// and no value lists. Device files (IF_Adapter_TRuDI) carry `MeterReading`s.
    pub fn is_supplier_file(&self) -> bool {
        self.usage_points
            .iter()
            .any(|u| u.analysis_profile.is_some())
            && self
                .usage_points
                .iter()
                .all(|u| u.meter_readings.is_empty())
    }
}

/// One `UsagePoint`: a metering point with its gateway, certificates, tariff profile, log
/// and value lists.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct UsagePoint {
    /// `espi:ServiceCategory/espi:kind` (0 electricity, 1 gas, … 9), if present.
    pub service_category_kind: Option<u16>,
    /// `usagePointId` (Zählpunktbezeichnung / Messlokation).
    pub usage_point_id: Option<String>,
    /// `Customer/customerId` (the consumer's id in the gateway).
    pub customer_id: Option<String>,
    /// `InvoicingParty/invoicingPartyId` (the supplier).
    pub invoicing_party_id: Option<String>,
    /// `SMGW`: the gateway.
    pub smgw: Option<Smgw>,
    /// `Certificate` elements.
    pub certificates: Vec<Certificate>,
    /// `tariffName`.
    pub tariff_name: Option<String>,
    /// `AnalysisProfile` (present in supplier files, sometimes in device files).
    pub analysis_profile: Option<AnalysisProfile>,
    /// `LogEntry` elements (the consumer's logbook).
    pub log_entries: Vec<LogEntry>,
    /// `MeterReading` elements (value lists).
    pub meter_readings: Vec<MeterReading>,
}

/// `SMGW`: the Smart Meter Gateway that produced the data.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Smgw {
    /// `certId` references to `Certificate` elements of the same usage point.
    pub cert_ids: Vec<u8>,
    /// `smgwId` (e.g. `EPPC0210486901`).
    pub smgw_id: String,
    /// `Manufacturer`.
    pub manufacturer: Option<String>,
    /// `FirmwareVersion`.
    pub firmware_version: Option<String>,
    /// `FirmwareComponent` elements.
    pub firmware_components: Vec<FirmwareComponent>,
    /// `SystemTime`: the gateway's clock when the file was produced.
    pub system_time: Option<DateTime<FixedOffset>>,
}

/// `FirmwareComponent` of the gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct FirmwareComponent {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: Option<String>,
    /// `checksum`.
    pub checksum: Option<String>,
}

/// `Certificate`: an X.509 certificate of the gateway or its sub-CA.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Certificate {
    /// `certId`, referenced by `SMGW/certId` and `parentCertId`.
    pub cert_id: u8,
    /// `certType`: 1 signature (TLS) certificate, 2 sub-CA, 3 HAN/content signature certificate.
    /// Kept as the raw number so that out-of-range values survive for the validator.
    pub cert_type: u8,
    /// `parentCertId`: the issuing certificate's `certId`.
    pub parent_cert_id: Option<u8>,
    /// `certContent`, hex-decoded (DER, or in some TRuDI exports PEM text).
    #[serde(serialize_with = "crate::model::ser_hex")]
    pub content: Vec<u8>,
}

/// Known values of `Certificate/certType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CertType {
    /// 1: the gateway's certificate from the SM-PKI (TLS / signature).
    Tls,
    /// 2: the sub-CA certificate that issued it.
    SubCa,
    /// 3: the gateway's HAN certificate used to sign content.
    Signature,
}

impl Certificate {
    /// The certificate type, or `None` for a number outside 1–3.
    pub fn kind(&self) -> Option<CertType> {
        match self.cert_type {
            1 => Some(CertType::Tls),
            2 => Some(CertType::SubCa),
            3 => Some(CertType::Signature),
            _ => None,
        }
    }
}

/// `AnalysisProfile`: the supplier's tariff definition (IF_Lieferant_TRuDI).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisProfile {
    /// `tariffUseCase`: the TAF number (1 TAF-1, 2 TAF-2, …).
    pub tariff_use_case: u16,
    /// `tariffId`.
    pub tariff_id: String,
    /// `description`.
    pub description: Option<String>,
    /// `billingPeriod` (start and duration in seconds).
    pub billing_period: TimeInterval,
    /// `TariffStage` elements.
    pub tariff_stages: Vec<TariffStage>,
    /// `defaultTariffNumber`.
    pub default_tariff_number: u16,
    /// `DayProfile` elements of all `TariffChangeTrigger/TimeTrigger`s, in document order.
    pub day_profiles: Vec<DayProfile>,
    /// `SpecialDayProfile` elements of all time triggers, in document order.
    pub special_day_profiles: Vec<SpecialDayProfile>,
}

/// `TariffStage`: one tariff register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TariffStage {
    /// `tariffNumber`.
    pub tariff_number: u16,
    /// `description` (e.g. `HT`).
    pub description: Option<String>,
    /// `obisCode` as written in the file (usually 12 hex digits).
    pub obis: String,
}

/// `DayProfile`: the tariff switching points of one day type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayProfile {
    /// `dayId`. The XSD allows several; TRuDI's files carry exactly one.
    pub day_ids: Vec<String>,
    /// `DayTimeProfile` elements: from `hour:minute` on, `tariff_number` applies.
    pub entries: Vec<DayTimeProfile>,
}

impl DayProfile {
    /// The (first) `dayId`.
    pub fn day_id(&self) -> &str {
        self.day_ids.first().map(String::as_str).unwrap_or("")
    }
}

/// `DayTimeProfile`: a switching point within a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayTimeProfile {
    /// `startTime/hour` (0 if absent).
    pub hour: u8,
    /// `startTime/minute` (0 if absent).
    pub minute: u8,
    /// `startTime/second` (0 if absent).
    pub second: u8,
    /// `tariffNumber` that applies from this time on.
    pub tariff_number: u16,
}

impl DayTimeProfile {
    /// Seconds since local midnight.
    pub fn seconds_of_day(&self) -> u32 {
        u32::from(self.hour) * 3600 + u32::from(self.minute) * 60 + u32::from(self.second)
    }
}

/// `SpecialDayProfile`: assigns a day profile to one calendar date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecialDayProfile {
    /// `specialDayDate`.
    pub date: DayVar,
    /// `dayId` of the `DayProfile` that applies.
    pub day_id: String,
}

/// `DayVarType`: a date whose parts are all optional in the XSD.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct DayVar {
    /// `year`.
    pub year: Option<u16>,
    /// `month`.
    pub month: Option<u8>,
    /// `day_of_week`.
    pub day_of_week: Option<u8>,
    /// `day_of_month`.
    pub day_of_month: Option<u8>,
}

impl DayVar {
    /// The calendar date, if year, month and day are present and form a real date.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            i32::from(self.year?),
            u32::from(self.month?),
            u32::from(self.day_of_month?),
        )
    }
}

/// `LogEntry`: one record of the consumer's logbook.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LogEntry {
    /// `parentRecordNumber`.
    pub parent_record_number: Option<u32>,
    /// `recordNumber`.
    pub record_number: Option<u32>,
    /// `repetitionCounter`.
    pub repetition_counter: Option<u32>,
    /// `LogEvent` elements; the XSD allows any number, gateways write one.
    pub events: Vec<LogEvent>,
}

impl LogEntry {
    /// The (first) event of the entry.
    pub fn event(&self) -> Option<&LogEvent> {
        self.events.first()
    }
}

/// `LogEvent`: what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LogEvent {
    /// `evidence` (hex-decoded).
    #[serde(serialize_with = "crate::model::ser_opt_hex")]
    pub evidence: Option<Vec<u8>>,
    /// `level`: 1 info, 2 warning, 3 error, 4 fatal, 5 extension.
    pub level: Option<u8>,
    /// `messageExtensions`.
    pub message_extensions: Option<String>,
    /// `text`: the message.
    pub text: Option<String>,
    /// `outcome`: 0 success, 1 failure, 2 extension.
    pub outcome: Option<u8>,
    /// `secondsIndex`.
    pub seconds_index: Option<u32>,
    /// `subjectIdentity`.
    pub subject_identity: Option<String>,
    /// `timestamp`.
    pub timestamp: Option<DateTime<FixedOffset>>,
    /// `destination`.
    pub destination: Option<String>,
    /// `userIdentity`.
    pub user_identity: Option<String>,
    /// `eventKindVendor`.
    pub event_kind_vendor: Option<String>,
}

/// `MeterReading`: one value list (an original value list or a derived register).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MeterReading {
    /// `Meter/meterId`.
    pub meter_id: Option<String>,
    /// `meterReadingId`.
    pub meter_reading_id: Option<String>,
    /// `ReadingType`.
    pub reading_type: Option<ReadingType>,
    /// `IntervalBlock` elements in document order.
    pub interval_blocks: Vec<IntervalBlock>,
}

/// `ReadingType`: unit, scaling and identity of the values.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ReadingType {
    /// `espi:powerOfTenMultiplier`.
    pub power_of_ten_multiplier: Option<i16>,
    /// `espi:uom` (ESPI UnitSymbolKind: 72 Wh, 38 W, 42 m³, …).
    pub uom: Option<u16>,
    /// `scaler`: value × 10^scaler (absent means 0).
    pub scaler: Option<i16>,
    /// `obisCode` as written in the file (usually 12 hex digits).
    pub obis: Option<String>,
    /// `qualifiedLogicalName` (`<OBIS hex>.<meterId>.sm` for an original value list).
    pub qualified_logical_name: Option<String>,
    /// `measurementPeriod` in seconds.
    pub measurement_period: Option<u32>,
}

/// `DateTimeInterval`: a start and a duration in seconds, both optional in the XSD.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct TimeInterval {
    /// `start`.
    pub start: Option<DateTime<FixedOffset>>,
    /// `duration` in seconds.
    pub duration: Option<u32>,
}

impl TimeInterval {
    /// `start + duration`, if both are present.
    pub fn end(&self) -> Option<DateTime<FixedOffset>> {
        Some(self.start? + chrono::Duration::seconds(i64::from(self.duration?)))
    }
}

/// `IntervalBlock`: a run of readings.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct IntervalBlock {
    /// `interval`: the period the block covers.
    pub interval: Option<TimeInterval>,
    /// `IntervalReading` elements in document order.
    pub readings: Vec<IntervalReading>,
}

/// `IntervalReading`: one value with its time and status.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct IntervalReading {
    /// `espi:value`, the exact register value (Int48) before scaling.
    pub value: Option<i64>,
    /// `timePeriod`: capture time (`start`) and duration.
    pub time_period: Option<TimeInterval>,
    /// `targetTime`: the raster time the value belongs to.
    pub target_time: Option<DateTime<FixedOffset>>,
    /// `measurementTimeMeter`.
    pub measurement_time_meter: Option<DateTime<FixedOffset>>,
    /// `certId` of the certificate that signed the value.
    pub cert_id: Option<u8>,
    /// `meterSig` (hex-decoded).
    #[serde(serialize_with = "crate::model::ser_opt_hex")]
    pub meter_signature: Option<Vec<u8>>,
    /// `signature` (hex-decoded): the gateway's signature.
    #[serde(serialize_with = "crate::model::ser_opt_hex")]
    pub signature: Option<Vec<u8>>,
    /// `statusFNN` as written (16 hex digits expected).
    pub status_fnn: Option<String>,
    /// `statusPTB` as written (0–4 expected).
    pub status_ptb: Option<u8>,
    /// `statusVendor`.
    pub status_vendor: Option<String>,
}

impl IntervalReading {
    /// The capture time `timePeriod/start`.
    pub fn capture_time(&self) -> Option<DateTime<FixedOffset>> {
        self.time_period.and_then(|p| p.start)
    }

    /// The time the value stands for: `targetTime` if present, else the capture time.
    pub fn effective_time(&self) -> Option<DateTime<FixedOffset>> {
        self.target_time.or_else(|| self.capture_time())
    }
}

impl MeterReading {
    /// Whether this is an original value list: `qualifiedLogicalName` is
    /// `<OBIS hex>.<meterId>.sm`, with 12 hex digits in front and this list's `meterId` in
    /// the middle (compared case-insensitively, as gateways differ in case). The OBIS part
    /// need not equal `obisCode` (TRuDI's `result_1_month_2_ovl` relies on that).
    pub fn is_original_value_list(&self) -> bool {
        let (Some(rt), Some(meter)) = (&self.reading_type, &self.meter_id) else {
            return false;
        };
        let Some(qln) = &rt.qualified_logical_name else {
            return false;
        };
        let mut parts = qln.trim().splitn(2, '.');
        let (Some(obis), Some(rest)) = (parts.next(), parts.next()) else {
            return false;
        };
        let Some(middle) = rest
            .strip_suffix(".sm")
            .or_else(|| rest.strip_suffix(".SM"))
        else {
            return false;
        };
        obis.len() == 12
            && obis.bytes().all(|b| b.is_ascii_hexdigit())
            && middle.eq_ignore_ascii_case(meter.trim())
    }

    /// All interval readings of all blocks, in document order.
    pub fn readings(&self) -> impl Iterator<Item = &IntervalReading> + '_ {
        self.interval_blocks.iter().flat_map(|b| b.readings.iter())
    }

    /// Number of interval readings over all blocks.
    pub fn reading_count(&self) -> usize {
        self.interval_blocks.iter().map(|b| b.readings.len()).sum()
    }

    /// The OBIS code of the list, as written in the file.
    pub fn obis(&self) -> Option<&str> {
        self.reading_type.as_ref()?.obis.as_deref()
    }

    /// The OBIS code of the list, parsed (if it is 12 hex digits).
    pub fn obis_id(&self) -> Option<Obis> {
        self.reading_type.as_ref()?.obis_id()
    }

    /// The `scaler` (0 if absent, as the XSD specifies).
    pub fn scaler(&self) -> i16 {
        self.reading_type
            .as_ref()
            .and_then(|r| r.scaler)
            .unwrap_or(0)
    }
}

pub(crate) fn ser_hex<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode_upper(v))
}

pub(crate) fn ser_opt_hex<S: serde::Serializer>(
    v: &Option<Vec<u8>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(b) => s.serialize_some(&hex::encode_upper(b)),
        None => s.serialize_none(),
    }
}

/// Parses an OBIS code given as 12 hex digits (the form AR 2418-6 files use, any case).
pub fn parse_obis_hex(s: &str) -> Option<Obis> {
    let s = s.trim();
    if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes = hex::decode(s).ok()?;
    let arr: [u8; 6] = bytes.try_into().ok()?;
    Some(Obis::from_bytes(arr))
}

impl ReadingType {
    /// `obisCode` parsed, if it is 12 hex digits.
    pub fn obis_id(&self) -> Option<Obis> {
        parse_obis_hex(self.obis.as_deref()?)
    }
}

impl TariffStage {
    /// `obisCode` parsed, if it is 12 hex digits.
    pub fn obis_id(&self) -> Option<Obis> {
        parse_obis_hex(&self.obis)
    }
}
