//! Responses parsed into wire structs.
//!
//! The structs mirror the JSON closely (one field per documented key, times as UTC,
//! hex decoded where it is binary); keys the contract does not name land in `extra`
//! so nothing the gateway said is lost. Conversion into domain records is done by the
//! callers (`smgw-model` types), not here.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use smgw_model::FieldWarning;

use crate::json::{left_out, Obj};
use crate::ProtocolError;

/// Upper bounds on what a response may contain, so a broken or hostile peer cannot make
/// the client allocate without end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted response body in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted number of entries in any one list.
    pub max_items: usize,
    /// Largest number of values or log entries one call of a paging operation (readings over
    /// many windows, the whole logbook) collects in memory. Far above `max_items`: ten years
    /// of 15-minute values on a dozen channels are about 4 million.
    pub max_total_items: usize,
    /// Longest accepted text value in bytes (hex certificates and the TAF profile are the
    /// largest legitimate ones).
    pub max_string_bytes: usize,
}

impl Default for Limits {
    /// 31 days of 15-minute values are 2976 per channel and a log page holds 1500
    /// entries; these limits leave ample room above that.
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024 * 1024,
            max_items: 200_000,
            max_total_items: 10_000_000,
            max_string_bytes: 4 * 1024 * 1024,
        }
    }
}

/// The fields every response carries besides its payload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    /// The `method` the response answers, if the gateway named it.
    pub method: Option<String>,
    /// Interface version, e.g. `1.2.0`.
    pub version: Option<String>,
    /// Gateway's processing time as text, e.g. `52 miliseconds` (sic).
    pub elapsed_time: Option<String>,
    /// Unknown top-level keys.
    pub extra: Map<String, Value>,
}

/// Payload of `smgw-info`.
#[derive(Debug, Clone, PartialEq)]
pub struct SmgwInfo {
    /// Envelope fields.
    pub header: Header,
    /// Auxiliary fields that could not be decoded and were left out (their text is
    /// kept here and in the raw answer).
    pub warnings: Vec<FieldWarning>,
    /// Cross-vendor gateway id, e.g. `ethe0300004261`.
    pub smgw_id: String,
    /// Status word as hex text, e.g. `a0000000`.
    pub smgw_state: Option<String>,
    /// The gateway's clock.
    pub smgw_time: Option<DateTime<Utc>>,
    /// Firmware components (the contract shows one object; a list is accepted too).
    pub firmware: Vec<FirmwareInfo>,
    /// The certificates the gateway reports.
    pub certificates: Certificates,
    /// Unknown payload keys.
    pub extra: Map<String, Value>,
}

/// One firmware component.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FirmwareInfo {
    /// Component name.
    pub component: Option<String>,
    /// Version text.
    pub version: Option<String>,
    /// SHA-256 over all packages, hex.
    pub hash: Option<String>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// `certificates` of `smgw-info`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Certificates {
    /// The HAN TLS certificate, decoded from hex (usually PEM text).
    pub han_tls: Option<Vec<u8>>,
    /// The WAN signing certificates.
    pub wan: Vec<WanCertificate>,
    /// Unknown keys of `certificates` and of `certificates.han`.
    pub extra: Map<String, Value>,
}

/// One entry of `certificates.wan`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WanCertificate {
    /// Index; 0 is the seal certificate.
    pub cert_index: u32,
    /// DER of the certificate that signs meter values.
    pub sig: Option<Vec<u8>>,
    /// DER of its issuing sub-CA.
    pub sub_ca: Option<Vec<u8>>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// Payload of `user-info`.
#[derive(Debug, Clone, PartialEq)]
pub struct UserInfo {
    /// Envelope fields.
    pub header: Header,
    /// Auxiliary fields that could not be decoded and were left out (their text is
    /// kept here and in the raw answer).
    pub warnings: Vec<FieldWarning>,
    /// One entry per tariff use case contract.
    pub usage_points: Vec<UsagePoint>,
    /// Unknown payload keys.
    pub extra: Map<String, Value>,
}

/// One contract in `user-info`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UsagePoint {
    /// Full logical name, e.g. `01005e318021.taf1-1.sm`.
    pub usage_point_id: String,
    /// Display name.
    pub usage_point_name: Option<String>,
    /// TAF number (1, 2, 6, 7, 9, 10, 14, ...).
    pub taf_number: Option<u32>,
    /// `ready`, `running` or `archive` (kept as sent).
    pub taf_state: Option<String>,
    /// Contract start.
    pub start_time: Option<DateTime<Utc>>,
    /// Contract end; absent or empty while running.
    pub end_time: Option<DateTime<Utc>>,
    /// Capture time or period as sent (its format is not fixed by the contract).
    pub capture_time: Option<String>,
    /// Delivery id.
    pub delivery_id: Option<String>,
    /// 33-character metering point id.
    pub metering_point_id: Option<String>,
    /// Meters of this contract.
    pub meters: Vec<Meter>,
    /// Whether an on-demand profile is configured.
    pub on_demand_profile_configured: Option<bool>,
    /// Billing periods (`billing-Periods` in the published example).
    pub billing_periods: Vec<BillingPeriod>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// One meter reference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meter {
    /// Meter id.
    pub meter_id: String,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// One billing period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BillingPeriod {
    /// Start of the period.
    pub start_time: Option<DateTime<Utc>>,
    /// End of the period; absent while open.
    pub end_time: Option<DateTime<Utc>>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// Payload of `usage-point-info`.
#[derive(Debug, Clone, PartialEq)]
pub struct UsagePointInfo {
    /// Envelope fields.
    pub header: Header,
    /// Auxiliary fields that could not be decoded and were left out (their text is
    /// kept here and in the raw answer).
    pub warnings: Vec<FieldWarning>,
    /// The contract's id.
    pub usage_point_id: String,
    /// Display name.
    pub usage_point_name: Option<String>,
    /// Market participants receiving the data, kept as sent.
    pub emts: Vec<Value>,
    /// Transparency bit.
    pub transparency_bit: Option<bool>,
    /// The signed tariff profile (CMS container), decoded from hex.
    pub taf_profile: Option<Vec<u8>>,
    /// Value lists and their channels.
    pub databases: Vec<DatabaseInfo>,
    /// Unknown payload keys.
    pub extra: Map<String, Value>,
}

/// One value list of a contract.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DatabaseInfo {
    /// `origin`, `derived`, `calculated`, `daily` (kept as sent).
    pub database: String,
    /// Channels of the list.
    pub channels: Vec<ChannelInfo>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// One channel description.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChannelInfo {
    /// OBIS id as sent (12 hex digits, possibly with suffix).
    pub obis: String,
    /// Power of ten applied to values.
    pub scaler: i8,
    /// DLMS unit code (30 = Wh, 27 = W, ...).
    pub unit: u16,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// Payload of `readings`.
#[derive(Debug, Clone, PartialEq)]
pub struct Readings {
    /// Envelope fields.
    pub header: Header,
    /// Auxiliary fields that could not be decoded and were left out (their text is
    /// kept here and in the raw answer).
    pub warnings: Vec<FieldWarning>,
    /// The `records` count the gateway reports.
    pub records: Option<u64>,
    /// Values per channel.
    pub channels: Vec<ChannelReadings>,
    /// Unknown payload keys.
    pub extra: Map<String, Value>,
}

/// The values of one channel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChannelReadings {
    /// Qualified name as sent: `<obis hex>.<meter id>.sm`.
    pub obis: String,
    /// The values, in the order sent.
    pub readings: Vec<Reading>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

impl ChannelReadings {
    /// The 12-hex-digit OBIS part of the qualified name.
    pub fn obis_hex(&self) -> &str {
        self.obis.split('.').next().unwrap_or(&self.obis)
    }

    /// The meter id between the OBIS part and `.sm`, if present.
    pub fn meter_id(&self) -> Option<&str> {
        let mut parts = self.obis.splitn(2, '.');
        parts.next();
        let rest = parts.next()?;
        Some(rest.strip_suffix(".sm").unwrap_or(rest)).filter(|s| !s.is_empty())
    }
}

/// One meter value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reading {
    /// When the gateway took the value.
    pub capture_time: DateTime<Utc>,
    /// End of the measuring period it belongs to.
    pub target_time: Option<DateTime<Utc>>,
    /// Register value (times 10^scaler in the channel's unit).
    pub value: i64,
    /// 8-byte COSEM status, hex.
    pub cosem_status: Option<String>,
    /// 4-byte gateway status, hex.
    pub smgw_status: Option<String>,
    /// Meter status as sent.
    pub meter_status: Option<String>,
    /// Meter id or the TAF that computed the value.
    pub owner_number: Option<String>,
    /// Signature, hex, if any.
    pub signature: Option<String>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// Payload of `log`.
#[derive(Debug, Clone, PartialEq)]
pub struct Log {
    /// Envelope fields.
    pub header: Header,
    /// Auxiliary fields that could not be decoded and were left out (their text is
    /// kept here and in the raw answer).
    pub warnings: Vec<FieldWarning>,
    /// The `records` count the gateway reports.
    pub records: Option<u64>,
    /// The entries, in the order sent.
    pub entries: Vec<LogEntry>,
    /// Unknown payload keys.
    pub extra: Map<String, Value>,
}

/// One logbook entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogEntry {
    /// Record number.
    pub index: u64,
    /// Event id as sent.
    pub event_id: Option<String>,
    /// Event sub id as sent.
    pub event_sub_id: Option<String>,
    /// Level: 4 alert, 3 error, 2 warning, 1 informational; other numbers are kept.
    pub level: Option<u32>,
    /// Outcome as sent.
    pub outcome: Option<String>,
    /// Vendor id, e.g. `BSI`.
    pub vendor_id: Option<String>,
    /// Subject identity.
    pub subject_identity: Option<String>,
    /// User identity.
    pub user_identity: Option<String>,
    /// When it happened.
    pub time: DateTime<Utc>,
    /// German message text.
    pub message: Option<String>,
    /// Entry format version.
    pub version: Option<String>,
    /// Unknown keys.
    pub extra: Map<String, Value>,
}

/// Answer to `self-test` (the result itself appears later in the logbook).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SelfTest {
    /// Envelope fields (empty when the gateway sent an empty body).
    pub header: Header,
    /// Payload keys, if the gateway sent any.
    pub extra: Map<String, Value>,
}

/// Checks the size, parses JSON, checks `method` and returns the header and the payload.
fn envelope<'a>(
    root: &'a Value,
    method: &str,
    limits: &'a Limits,
    warnings: &mut Vec<FieldWarning>,
) -> Result<(Header, Obj<'a>), ProtocolError> {
    let mut top = Obj::new(root, "", limits)?;
    let got = top.opt_str("method")?;
    if let Some(got) = &got {
        if !got.trim().eq_ignore_ascii_case(method) {
            return Err(ProtocolError::MethodMismatch {
                expected: method.to_owned(),
                got: got.clone(),
            });
        }
    }
    let version = top.aux_str("version", warnings)?;
    let elapsed_time = top.aux_str("elapsed-time", warnings)?;
    let (payload, path) = top.require(method)?;
    let payload = Obj::new(payload, &path, limits)?;
    let header = Header {
        method: got,
        version,
        elapsed_time,
        extra: top.extra(),
    };
    Ok((header, payload))
}

fn parse_json(body: &[u8], limits: &Limits) -> Result<Value, ProtocolError> {
    if body.len() > limits.max_body_bytes {
        return Err(ProtocolError::TooLarge {
            what: "response body in bytes".to_owned(),
            limit: limits.max_body_bytes as u64,
            actual: body.len() as u64,
        });
    }
    // serde_json's own recursion limit (128) bounds nesting depth.
    serde_json::from_slice(body).map_err(|e| ProtocolError::Json(e.to_string()))
}

/// Parses a `smgw-info` response body.
pub fn parse_smgw_info(body: &[u8], limits: &Limits) -> Result<SmgwInfo, ProtocolError> {
    let root = parse_json(body, limits)?;
    let mut warnings = Vec::new();
    let w = &mut warnings;
    let (header, mut p) = envelope(&root, "smgw-info", limits, w)?;
    let smgw_id = p.str("smgw-id")?;
    // The state word is read in `to_model`; here it is kept as sent.
    let smgw_state = p.aux_str("smgw-state", w)?;
    let smgw_time = p.opt_time("smgw-time")?;
    // Firmware and certificates are auxiliary: a part in another shape is left out with
    // a warning, the rest of the answer stays.
    let firmware = match p.get("firmware-info") {
        None => Vec::new(),
        Some((v @ Value::Object(_), path)) => firmware(v, &path, limits, w)?.into_iter().collect(),
        Some((Value::Array(items), path)) => {
            check_count(items.len(), &path, limits)?;
            let mut all = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                all.extend(firmware(v, &format!("{path}[{i}]"), limits, w)?);
            }
            all
        }
        Some((other, path)) => {
            w.push(left_out(path, other, "expected an object".into()));
            Vec::new()
        }
    };
    let certificates = match p.get("certificates") {
        None => Certificates::default(),
        Some((v, path)) => certificates(v, &path, limits, w)?,
    };
    Ok(SmgwInfo {
        header,
        warnings,
        smgw_id,
        smgw_state,
        smgw_time,
        firmware,
        certificates,
        extra: p.extra(),
    })
}

fn check_count(n: usize, path: &str, limits: &Limits) -> Result<(), ProtocolError> {
    if n > limits.max_items {
        return Err(ProtocolError::TooLarge {
            what: format!("{path}: number of entries"),
            limit: limits.max_items as u64,
            actual: n as u64,
        });
    }
    Ok(())
}

/// One firmware component; `None` (with a warning) when it is no object.
fn firmware(
    v: &Value,
    path: &str,
    limits: &Limits,
    w: &mut Vec<FieldWarning>,
) -> Result<Option<FirmwareInfo>, ProtocolError> {
    if !v.is_object() {
        w.push(left_out(path.to_owned(), v, "expected an object".into()));
        return Ok(None);
    }
    let mut o = Obj::new(v, path, limits)?;
    Ok(Some(FirmwareInfo {
        component: o.aux_str("component", w)?,
        version: o.aux_str("version", w)?,
        hash: o.aux_str("hash", w)?,
        extra: o.extra(),
    }))
}

fn certificates(
    v: &Value,
    path: &str,
    limits: &Limits,
    w: &mut Vec<FieldWarning>,
) -> Result<Certificates, ProtocolError> {
    if !v.is_object() {
        w.push(left_out(path.to_owned(), v, "expected an object".into()));
        return Ok(Certificates::default());
    }
    let mut o = Obj::new(v, path, limits)?;
    let mut extra = Map::new();
    let han_tls = match o.get("han") {
        None => None,
        Some((hv, hpath)) if !hv.is_object() => {
            w.push(left_out(hpath, hv, "expected an object".into()));
            None
        }
        Some((hv, hpath)) => {
            let mut han = Obj::new(hv, &hpath, limits)?;
            let tls = han.aux_hex("tls", w)?;
            let han_extra = han.extra();
            if !han_extra.is_empty() {
                extra.insert("han".to_owned(), Value::Object(han_extra));
            }
            tls
        }
    };
    let (items, wpath) = o.aux_list("wan", w)?;
    let mut wan = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let ipath = format!("{wpath}[{i}]");
        if !item.is_object() {
            w.push(left_out(ipath, item, "expected an object".into()));
            continue;
        }
        let mut c = Obj::new(item, &ipath, limits)?;
        // Without its index a certificate cannot be told apart from the seal
        // certificate (index 0): such an entry is left out, not guessed.
        let cert_index = match c.opt_num::<u32>("cert-index") {
            Ok(n) => n.unwrap_or(0),
            Err(ProtocolError::Field { path, message }) => {
                let raw = item
                    .as_object()
                    .and_then(|m| m.iter().find(|(k, _)| path.ends_with(k.as_str())))
                    .map(|(_, v)| crate::json::raw_text(v))
                    .unwrap_or_default();
                w.push(FieldWarning::new(
                    smgw_model::WarningKind::FieldLeftOut,
                    ipath,
                    &raw,
                    format!("cert-index: {message}"),
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        wan.push(WanCertificate {
            cert_index,
            sig: c.aux_hex("sig", w)?,
            sub_ca: c.aux_hex("sub-ca", w)?,
            extra: c.extra(),
        });
    }
    for (k, v) in o.extra() {
        extra.insert(k, v);
    }
    Ok(Certificates {
        han_tls,
        wan,
        extra,
    })
}

/// Parses a `user-info` response body.
pub fn parse_user_info(body: &[u8], limits: &Limits) -> Result<UserInfo, ProtocolError> {
    let root = parse_json(body, limits)?;
    let mut warnings = Vec::new();
    let w = &mut warnings;
    let (header, mut p) = envelope(&root, "user-info", limits, w)?;
    let (items, path) = p.list("usage-points")?;
    let mut usage_points = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let mut u = Obj::new(item, &format!("{path}[{i}]"), limits)?;
        let usage_point_id = u.str("usage-point-id")?;
        let usage_point_name = u.aux_str("usage-point-name", w)?;
        let taf_number = u.opt_num("taf-number")?;
        let taf_state = u.opt_str("taf-state")?;
        let start_time = u.opt_time("start-time")?;
        let end_time = u.opt_time("end-time")?;
        let capture_time = u.opt_str("capture-time")?;
        let delivery_id = u.opt_str("delivery-id")?;
        let metering_point_id = u.opt_str("metering-point-id")?;
        let (mitems, mpath) = u.list("meter")?;
        let mut meters = Vec::with_capacity(mitems.len());
        for (j, m) in mitems.into_iter().enumerate() {
            let mpath = format!("{mpath}[{j}]");
            // A bare string is accepted as the meter id itself.
            if let Value::String(s) = m {
                meters.push(Meter {
                    meter_id: s.clone(),
                    extra: Map::new(),
                });
                continue;
            }
            let mut mo = Obj::new(m, &mpath, limits)?;
            meters.push(Meter {
                meter_id: mo.str("meter-id")?,
                extra: mo.extra(),
            });
        }
        let on_demand_profile_configured = u.aux_bool("on-demand-profile-configured", w);
        // Billing periods are auxiliary: one that does not read is left out with a
        // warning (a period without its start is left out in `to_model`).
        let (bitems, bpath) = u.aux_list("billing-periods", w)?;
        let mut billing_periods = Vec::with_capacity(bitems.len());
        for (j, b) in bitems.into_iter().enumerate() {
            let jpath = format!("{bpath}[{j}]");
            if !b.is_object() {
                w.push(left_out(jpath, b, "expected an object".into()));
                continue;
            }
            let mut bo = Obj::new(b, &jpath, limits)?;
            let before = w.len();
            let start_time = bo.aux_time("start-time", w)?;
            let end_time = bo.aux_time("end-time", w)?;
            if w.len() > before {
                // Half a period would claim a different period: leave it all out.
                continue;
            }
            if start_time.is_none() {
                w.push(left_out(
                    jpath,
                    b,
                    "a billing period without start-time".into(),
                ));
                continue;
            }
            billing_periods.push(BillingPeriod {
                start_time,
                end_time,
                extra: bo.extra(),
            });
        }
        usage_points.push(UsagePoint {
            usage_point_id,
            usage_point_name,
            taf_number,
            taf_state,
            start_time,
            end_time,
            capture_time,
            delivery_id,
            metering_point_id,
            meters,
            on_demand_profile_configured,
            billing_periods,
            extra: u.extra(),
        });
    }
    Ok(UserInfo {
        header,
        warnings,
        usage_points,
        extra: p.extra(),
    })
}

/// Parses a `usage-point-info` response body.
pub fn parse_usage_point_info(
    body: &[u8],
    limits: &Limits,
) -> Result<UsagePointInfo, ProtocolError> {
    let root = parse_json(body, limits)?;
    let mut warnings = Vec::new();
    let w = &mut warnings;
    let (header, mut p) = envelope(&root, "usage-point-info", limits, w)?;
    let usage_point_id = p.str("usage-point-id")?;
    let usage_point_name = p.aux_str("usage-point-name", w)?;
    let (emts, _) = p.aux_list("emts", w)?;
    let emts = emts.into_iter().cloned().collect();
    let transparency_bit = p.aux_bool("transparency-bit", w);
    let taf_profile = p.aux_hex("taf-profile", w)?;
    let (ditems, dpath) = p.list("databases")?;
    let mut databases = Vec::with_capacity(ditems.len());
    for (i, d) in ditems.into_iter().enumerate() {
        let mut o = Obj::new(d, &format!("{dpath}[{i}]"), limits)?;
        let database = o.str("database")?;
        let (citems, cpath) = o.list("channels")?;
        let mut channels = Vec::with_capacity(citems.len());
        for (j, c) in citems.into_iter().enumerate() {
            let mut co = Obj::new(c, &format!("{cpath}[{j}]"), limits)?;
            channels.push(ChannelInfo {
                obis: co.str("obis")?,
                scaler: co.num("scaler")?,
                unit: co.num("unit")?,
                extra: co.extra(),
            });
        }
        databases.push(DatabaseInfo {
            database,
            channels,
            extra: o.extra(),
        });
    }
    Ok(UsagePointInfo {
        header,
        warnings,
        usage_point_id,
        usage_point_name,
        emts,
        transparency_bit,
        taf_profile,
        databases,
        extra: p.extra(),
    })
}

/// Parses a `readings` response body.
pub fn parse_readings(body: &[u8], limits: &Limits) -> Result<Readings, ProtocolError> {
    if let Some(fast) = crate::fast::readings(body, limits) {
        return Ok(fast);
    }
    parse_readings_lenient(body, limits)
}

/// The `readings` response as records (see [`Readings::to_model`] for `scaler_of`): the
/// fast path straight into records when the body is plain, else the lenient path and its
/// conversion, which give the same records or the precise error.
pub fn parse_readings_model(
    body: &[u8],
    limits: &Limits,
    scaler_of: impl Fn(&str) -> Option<i8>,
) -> Result<Vec<smgw_model::records::ChannelReadings>, ProtocolError> {
    parse_readings_model_warned(body, limits, scaler_of).map(|(r, _)| r)
}

/// [`parse_readings_model`] with the warnings about what could not be decoded (values
/// refused for an unreadable status word, signatures that are not hex, auxiliary fields
/// left out). The fast path only takes bodies without any such field, so it never has
/// warnings.
pub fn parse_readings_model_warned(
    body: &[u8],
    limits: &Limits,
    scaler_of: impl Fn(&str) -> Option<i8>,
) -> Result<(Vec<smgw_model::records::ChannelReadings>, Vec<FieldWarning>), ProtocolError> {
    if let Some(fast) = crate::fast::readings_model(body, limits, &scaler_of) {
        return Ok((fast, Vec::new()));
    }
    parse_readings_lenient(body, limits)?.to_model_warned(scaler_of)
}

/// The lenient path of [`parse_readings`]: every spelling and type the gateway may use,
/// and the precise error for what does not fit.
pub(crate) fn parse_readings_lenient(
    body: &[u8],
    limits: &Limits,
) -> Result<Readings, ProtocolError> {
    let root = parse_json(body, limits)?;
    let mut warnings = Vec::new();
    let (header, mut p) = envelope(&root, "readings", limits, &mut warnings)?;
    let records = p.opt_num("records")?;
    let (citems, cpath) = p.list("channels")?;
    let mut channels = Vec::with_capacity(citems.len());
    let mut total = 0usize;
    for (i, c) in citems.into_iter().enumerate() {
        let mut co = Obj::new(c, &format!("{cpath}[{i}]"), limits)?;
        let obis = co.str("obis")?;
        let (ritems, rpath) = co.list("readings")?;
        total += ritems.len();
        check_count(total, "readings: values over all channels", limits)?;
        let mut readings = Vec::with_capacity(ritems.len());
        for (j, r) in ritems.into_iter().enumerate() {
            let mut ro = Obj::new(r, &format!("{rpath}[{j}]"), limits)?;
            readings.push(Reading {
                capture_time: ro.time("capture-time")?,
                target_time: ro.opt_time("target-time")?,
                value: ro.num("value")?,
                cosem_status: ro.opt_str("cosem-status")?,
                smgw_status: ro.opt_str("smgw-status")?,
                meter_status: ro.opt_str("meter-status")?,
                owner_number: ro.opt_str("owner-number")?,
                signature: ro.opt_str("signature")?.filter(|s| !s.is_empty()),
                extra: ro.extra(),
            });
        }
        channels.push(ChannelReadings {
            obis,
            readings,
            extra: co.extra(),
        });
    }
    Ok(Readings {
        header,
        warnings,
        records,
        channels,
        extra: p.extra(),
    })
}

/// Parses a `log` response body.
pub fn parse_log(body: &[u8], limits: &Limits) -> Result<Log, ProtocolError> {
    let root = parse_json(body, limits)?;
    let mut warnings = Vec::new();
    let w = &mut warnings;
    let (header, mut p) = envelope(&root, "log", limits, w)?;
    let records = p.opt_num("records")?;
    let (items, path) = p.list("entries")?;
    let mut entries = Vec::with_capacity(items.len());
    for (i, e) in items.into_iter().enumerate() {
        let mut o = Obj::new(e, &format!("{path}[{i}]"), limits)?;
        entries.push(LogEntry {
            // Index, level and time are essential; the texts are auxiliary.
            index: o.num("index")?,
            event_id: o.aux_str("event-id", w)?,
            event_sub_id: o.aux_str("event-sub-id", w)?,
            level: o.opt_num("level")?,
            outcome: o.aux_str("outcome", w)?,
            vendor_id: o.aux_str("vendor-id", w)?,
            subject_identity: o.aux_str("subject-identity", w)?,
            user_identity: o.aux_str("user-identity", w)?,
            time: o.time("time")?,
            message: o.aux_str("message", w)?,
            version: o.aux_str("version", w)?,
            extra: o.extra(),
        });
    }
    Ok(Log {
        header,
        warnings,
        records,
        entries,
        extra: p.extra(),
    })
}

/// Parses the answer to `self-test`; an empty body is a valid answer.
pub fn parse_self_test(body: &[u8], limits: &Limits) -> Result<SelfTest, ProtocolError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(SelfTest::default());
    }
    let root = parse_json(body, limits)?;
    let mut top = Obj::new(&root, "", limits)?;
    let method = top.opt_str("method")?;
    if let Some(m) = &method {
        if !m.trim().eq_ignore_ascii_case("self-test") {
            return Err(ProtocolError::MethodMismatch {
                expected: "self-test".to_owned(),
                got: m.clone(),
            });
        }
    }
    // Nothing of the self-test's answer is used; its texts are kept when they read.
    let mut ignored = Vec::new();
    let version = top.aux_str("version", &mut ignored)?;
    let elapsed_time = top.aux_str("elapsed-time", &mut ignored)?;
    let extra = match top.get("self-test") {
        Some((Value::Object(m), _)) => m.clone(),
        _ => Map::new(),
    };
    Ok(SelfTest {
        header: Header {
            method,
            version,
            elapsed_time,
            extra: top.extra(),
        },
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn body(v: Value) -> Vec<u8> {
        v.to_string().into_bytes()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().unwrap()
    }

    fn err_text(r: Result<impl std::fmt::Debug, ProtocolError>) -> String {
        r.unwrap_err().to_string()
    }

    fn readings_with(values: Vec<Value>) -> Vec<u8> {
        let readings: Vec<Value> = values
            .into_iter()
            .enumerate()
            .map(
                |(i, v)| json!({"capture-time": format!("2019-04-18T14:{:02}:00Z", i), "value": v}),
            )
            .collect();
        body(json!({"method": "readings", "readings": {"records": "1",
            "channels": [{"obis": "0100010800ff.0551010038180402.sm", "readings": readings}]}}))
    }

    #[test]
    fn smgw_info_with_strings_hex_and_unknown_keys() {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let b = body(json!({
            "method": "smgw-info", "version": "1.2.0", "elapsed-time": "52 miliseconds",
            "vendor-note": "x",
            "smgw-info": {
                "smgw-id": "ethe0300004261", "smgw-state": "a0000000",
                "smgw-time": "2019-04-18T14:25:39Z",
                "firmware-info": {"component": "core", "version": "3.1", "hash": "ab12"},
                "certificates": {"han": {"tls": hex::encode(pem)},
                    "wan": [{"cert-index": "0", "sig": "3082", "sub-ca": "30820101"}]},
                "uptime": 17
            }
        }));
        let i = parse_smgw_info(&b, &Limits::default()).unwrap();
        assert_eq!(i.smgw_id, "ethe0300004261");
        assert_eq!(i.smgw_time, Some(utc(2019, 4, 18, 14, 25, 39)));
        assert_eq!(i.header.version.as_deref(), Some("1.2.0"));
        assert_eq!(i.header.elapsed_time.as_deref(), Some("52 miliseconds"));
        assert_eq!(i.header.extra["vendor-note"], "x");
        assert_eq!(i.firmware.len(), 1);
        assert_eq!(i.firmware[0].hash.as_deref(), Some("ab12"));
        assert_eq!(i.certificates.han_tls.as_deref(), Some(pem.as_bytes()));
        assert_eq!(
            i.certificates.wan[0].sub_ca,
            Some(vec![0x30, 0x82, 0x01, 0x01])
        );
        assert_eq!(i.extra["uptime"], 17);
        assert_eq!(i.extra.len(), 1);
    }

    /// Broken forms of a hex field seen or feared in the field: PEM text instead of hex
    /// of it, an elided value, an odd number of digits, no hex at all. (Empty counts as
    /// absent and is tested separately.)
    const BROKEN_HEX: [&str; 4] = [
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "308201...",
        "30820",
        "zz",
    ];

    fn info_with_certificates(certificates: Value) -> Vec<u8> {
        body(
            json!({"method": "smgw-info", "smgw-info": {"smgw-id": "EPPC0210486901",
            "smgw-state": "a0000000", "smgw-time": "2019-04-18T14:25:39Z",
            "certificates": certificates}}),
        )
    }

    #[test]
    fn smgw_info_leaves_out_broken_certificates_with_a_warning() {
        let pem = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
        let good_tls = hex::encode(pem);
        for broken in BROKEN_HEX {
            for (certs, path) in [
                (
                    json!({"han": {"tls": broken}, "wan": [{"cert-index": 0, "sig": "3000", "sub-ca": "3001"}]}),
                    "smgw-info.certificates.han.tls",
                ),
                (
                    json!({"han": {"tls": good_tls}, "wan": [{"cert-index": 0, "sig": broken, "sub-ca": "3001"}]}),
                    "smgw-info.certificates.wan[0].sig",
                ),
                (
                    json!({"han": {"tls": good_tls}, "wan": [{"cert-index": 0, "sig": "3000", "sub-ca": broken}]}),
                    "smgw-info.certificates.wan[0].sub-ca",
                ),
            ] {
                let wire = parse_smgw_info(&info_with_certificates(certs), &Limits::default())
                    .unwrap_or_else(|e| panic!("{broken:?} at {path}: {e}"));
                let (info, warnings) = wire.to_model_warned().expect("record");
                assert_eq!(info.id, "EPPC0210486901");
                assert!(info.state.is_some() && info.time.is_some());
                // The two intact certificates stay, the broken one is left out.
                assert_eq!(info.certificates.len(), 2, "{broken:?} at {path}");
                assert_eq!(warnings.len(), 1, "{warnings:?}");
                assert_eq!(warnings[0].path, path);
                assert_eq!(warnings[0].kind, smgw_model::WarningKind::FieldLeftOut);
                assert_eq!(
                    warnings[0].raw.replace("\\n", "\n"),
                    broken.trim(),
                    "{:?}",
                    warnings[0]
                );
            }
        }
        // Empty means "none": no certificate, no warning.
        let wire = parse_smgw_info(
            &info_with_certificates(
                json!({"han": {"tls": ""}, "wan": [{"cert-index": 0, "sig": " ", "sub-ca": ""}]}),
            ),
            &Limits::default(),
        )
        .unwrap();
        let (info, warnings) = wire.to_model_warned().unwrap();
        assert!(info.certificates.is_empty() && warnings.is_empty());
        // Clean hex that is neither DER nor PEM text is left out when converted.
        let wire = parse_smgw_info(
            &info_with_certificates(json!({"han": {"tls": hex::encode("not a certificate")}})),
            &Limits::default(),
        )
        .unwrap();
        let (info, warnings) = wire.to_model_warned().unwrap();
        assert!(info.certificates.is_empty());
        assert_eq!(warnings[0].path, "smgw-info.certificates.han.tls");
        // Other shapes: certificates as text, a WAN entry that is no object, an index
        // that is no number, and broken auxiliary texts and state word.
        let b = body(json!({"version": ["1"], "elapsed-time": {"ms": 5},
            "smgw-info": {"smgw-id": "ethe0300004261", "smgw-state": "kaputt", "firmware-info": "3.1",
            "certificates": {"wan": ["3082", {"cert-index": "x", "sig": "3000"}, {"cert-index": 1, "sig": "3000"}]}}}));
        let (info, warnings) = parse_smgw_info(&b, &Limits::default())
            .unwrap()
            .to_model_warned()
            .unwrap();
        let paths: Vec<_> = warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "version",
                "elapsed-time",
                "smgw-info.firmware-info",
                "smgw-info.certificates.wan[0]",
                "smgw-info.certificates.wan[1]",
                "smgw-info.smgw-state",
            ]
        );
        assert_eq!(info.certificates.len(), 1);
        assert_eq!(info.certificates[0].index, Some(1));
        assert_eq!(info.state, None);
        let b = body(json!({"smgw-info": {"smgw-id": "e", "certificates": "none"}}));
        let wire = parse_smgw_info(&b, &Limits::default()).unwrap();
        assert_eq!(wire.warnings[0].path, "smgw-info.certificates");
        // The essential id still must be there.
        let b = body(json!({"smgw-info": {"certificates": {}}}));
        assert_eq!(
            err_text(parse_smgw_info(&b, &Limits::default())),
            "smgw-info.smgw-id: missing"
        );
    }

    #[test]
    fn a_broken_tariff_profile_and_other_auxiliary_fields_leave_the_channels() {
        for broken in BROKEN_HEX {
            let b = body(json!({"usage-point-info": {"usage-point-id": "u",
                "usage-point-name": {"de": "Haushalt"}, "emts": "9900", "transparency-bit": "yes",
                "taf-profile": broken,
                "databases": [{"database": "origin", "channels": [{"obis": "0100010800ff", "scaler": "-1", "unit": "30"}]}]}}));
            let (d, warnings) = parse_usage_point_info(&b, &Limits::default())
                .unwrap()
                .to_model_warned()
                .unwrap();
            assert_eq!(d.taf_profile, None);
            assert_eq!(d.databases[0].channels.len(), 1);
            assert_eq!(d.databases[0].channels[0].scaler, -1);
            let paths: Vec<_> = warnings.iter().map(|w| w.path.as_str()).collect();
            assert_eq!(
                paths,
                [
                    "usage-point-info.usage-point-name",
                    "usage-point-info.emts",
                    "usage-point-info.transparency-bit",
                    "usage-point-info.taf-profile",
                ]
            );
        }
        let b = body(
            json!({"usage-point-info": {"usage-point-id": "u", "taf-profile": "",
            "databases": []}}),
        );
        let (d, warnings) = parse_usage_point_info(&b, &Limits::default())
            .unwrap()
            .to_model_warned()
            .unwrap();
        assert!(d.taf_profile.is_none() && warnings.is_empty());
    }

    #[test]
    fn broken_billing_periods_are_left_out_and_the_contract_stays() {
        let b = body(
            json!({"user-info": {"usage-points": [{"usage-point-id": "a.taf1-1.sm",
            "taf-number": 1, "usage-point-name": ["x"],
            "billing-periods": [
                {"start-time": "2019-01-01T00:00:00Z", "end-time": "bald"},
                {"end-time": "2019-02-01T00:00:00Z"},
                "2019",
                {"start-time": "2019-03-01T00:00:00Z"}]},
            {"usage-point-id": "b.taf7-1.sm", "taf-number": 7, "billing-periods": "none"}]}}),
        );
        let (contracts, warnings) = parse_user_info(&b, &Limits::default())
            .unwrap()
            .to_model_warned()
            .unwrap();
        assert_eq!(contracts.len(), 2);
        assert_eq!(contracts[0].billing_periods.len(), 1);
        assert_eq!(
            contracts[0].billing_periods[0].start,
            utc(2019, 3, 1, 0, 0, 0)
        );
        let paths: Vec<_> = warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "user-info.usage-points[0].usage-point-name",
                "user-info.usage-points[0].billing-periods[0].end-time",
                "user-info.usage-points[0].billing-periods[1]",
                "user-info.usage-points[0].billing-periods[2]",
                "user-info.usage-points[1].billing-periods",
            ]
        );
        assert_eq!(warnings[1].raw, "bald");
    }

    #[test]
    fn log_texts_are_auxiliary_index_and_time_are_not() {
        let b = body(json!({"log": {"entries": [
            {"index": 1, "time": "2019-04-18T14:25:39Z", "message": {"de": "x"}, "version": [2]},
            {"index": 2, "time": "2019-04-18T14:26:00Z", "message": "ok"}]}}));
        let (entries, warnings) = parse_log(&b, &Limits::default())
            .unwrap()
            .to_model_warned()
            .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].message, "");
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0].path, "log.entries[0].message");
        let b = body(json!({"log": {"entries": [{"index": 1, "time": "bald"}]}}));
        assert!(parse_log(&b, &Limits::default()).is_err());
    }

    #[test]
    fn user_info_tolerates_spellings_and_both_number_forms() {
        let b = body(
            json!({"method": "user-info", "user-info": {"usage-points": [
                {"usage-point-id": "01005e318021.taf1-1.sm", "taf-number": "1", "taf-state": "running",
                 "start-time": "2019-01-01T00:00:00+01:00", "end-time": "",
                 "metering-point-id": "DE0001234567890000000000000000001",
                 "meter": [{"meter-id": "1EMH0012345678"}], "on-demand-profile-configured": "true",
                 "billing-Periods": [{"start-time": "2019-01-01T00:00:00Z", "end-time": "2019-02-01T00:00:00Z"}],
                 "new-thing": [1, 2]},
                {"usage_point_id": "x.taf7-1.sm", "taf-number": 7, "on-demand-profile-configured": false,
                 "billing-periods": []}
            ]}}),
        );
        let u = parse_user_info(&b, &Limits::default()).unwrap();
        assert_eq!(u.usage_points.len(), 2);
        let a = &u.usage_points[0];
        assert_eq!(a.taf_number, Some(1));
        assert_eq!(a.start_time, Some(utc(2018, 12, 31, 23, 0, 0)));
        assert_eq!(a.end_time, None);
        assert_eq!(a.meters[0].meter_id, "1EMH0012345678");
        assert_eq!(a.on_demand_profile_configured, Some(true));
        assert_eq!(a.billing_periods.len(), 1);
        assert_eq!(
            a.billing_periods[0].end_time,
            Some(utc(2019, 2, 1, 0, 0, 0))
        );
        assert_eq!(a.extra.keys().collect::<Vec<_>>(), vec!["new-thing"]);
        let b2 = &u.usage_points[1];
        assert_eq!(
            (b2.usage_point_id.as_str(), b2.taf_number),
            ("x.taf7-1.sm", Some(7))
        );
        assert_eq!(b2.on_demand_profile_configured, Some(false));
    }

    #[test]
    fn user_info_warns_of_bad_booleans_and_names_missing_ids() {
        let b = body(
            json!({"user-info": {"usage-points": [{"usage-point-id": "a", "on-demand-profile-configured": "yes"}]}}),
        );
        let u = parse_user_info(&b, &Limits::default()).unwrap();
        assert_eq!(u.usage_points[0].on_demand_profile_configured, None);
        assert_eq!(
            u.warnings[0].to_string(),
            "user-info.usage-points[0].on-demand-profile-configured: expected true or false (sent: \"yes\")"
        );
        let b = body(json!({"user-info": {"usage-points": [{}, {}]}}));
        assert_eq!(
            err_text(parse_user_info(&b, &Limits::default())),
            "user-info.usage-points[0].usage-point-id: missing"
        );
    }

    #[test]
    fn usage_point_info_reads_channels_and_profile() {
        let b = body(json!({"method": "usage-point-info", "usage-point-info": {
            "usage-point-id": "u", "usage-point-name": "Haushalt", "emts": [{"emt-id": "9900"}],
            "transparency-bit": "1", "taf-profile": "3082",
            "databases": [{"database": "origin", "channels": [
                {"obis": "0100010800ff", "scaler": "-1", "unit": "30"},
                {"obis": "0100100700ff", "scaler": 0, "unit": 27}]}]}}));
        let p = parse_usage_point_info(&b, &Limits::default()).unwrap();
        assert_eq!(p.transparency_bit, Some(true));
        assert_eq!(p.taf_profile, Some(vec![0x30, 0x82]));
        assert_eq!(p.emts.len(), 1);
        let ch = &p.databases[0].channels;
        assert_eq!((ch[0].scaler, ch[0].unit), (-1, 30));
        assert_eq!((ch[1].scaler, ch[1].unit), (0, 27));
        let b = body(json!({"usage-point-info": {"usage-point-id": "u",
            "databases": [{"database": "origin", "channels": [{"obis": "x", "scaler": "300", "unit": "30"}]}]}}));
        assert_eq!(
            err_text(parse_usage_point_info(&b, &Limits::default())),
            "usage-point-info.databases[0].channels[0].scaler: number 300 is out of range"
        );
    }

    #[test]
    fn readings_parse_strings_and_native_numbers() {
        let r = parse_readings(
            &readings_with(vec![
                json!("1555597539"),
                json!(42),
                json!("-7"),
                json!(12.0),
            ]),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(r.records, Some(1));
        let ch = &r.channels[0];
        assert_eq!(ch.obis_hex(), "0100010800ff");
        assert_eq!(ch.meter_id(), Some("0551010038180402"));
        let vals: Vec<i64> = ch.readings.iter().map(|x| x.value).collect();
        assert_eq!(vals, vec![1555597539, 42, -7, 12]);
        assert_eq!(ch.readings[1].capture_time, utc(2019, 4, 18, 14, 1, 0));
    }

    #[test]
    fn readings_error_names_the_exact_path() {
        let b = readings_with(vec![json!("1"), json!("2"), json!("3"), json!("abc")]);
        assert_eq!(
            err_text(parse_readings(&b, &Limits::default())),
            "readings.channels[0].readings[3].value: expected a number, got \"abc\""
        );
        let b = readings_with(vec![json!(1.5)]);
        assert_eq!(
            err_text(parse_readings(&b, &Limits::default())),
            "readings.channels[0].readings[0].value: expected a number, got 1.5"
        );
        let b = body(
            json!({"readings": {"channels": [{"obis": "o", "readings": [{"capture-time": "gestern", "value": 1}]}]}}),
        );
        assert_eq!(
            err_text(parse_readings(&b, &Limits::default())),
            "readings.channels[0].readings[0].capture-time: expected a date and time, got \"gestern\""
        );
        let b = body(json!({"readings": {"channels": "none"}}));
        assert_eq!(
            err_text(parse_readings(&b, &Limits::default())),
            "readings.channels: expected a list, got \"none\""
        );
    }

    #[test]
    fn log_accepts_unknown_levels_and_string_indices() {
        let b = body(json!({"method": "log", "log": {"records": "2", "entries": [
            {"index": "1", "event-id": "100", "level": "6", "outcome": "success", "vendor-id": "BSI",
             "time": "2019-04-18T14:25:39Z", "message": "Selbsttest erfolgreich"},
            {"index": 2, "level": 4, "time": "2019-04-18T14:26:00Z"}]}}));
        let l = parse_log(&b, &Limits::default()).unwrap();
        assert_eq!(l.records, Some(2));
        assert_eq!(l.entries[0].level, Some(6));
        assert_eq!(l.entries[0].index, 1);
        assert_eq!(l.entries[1].level, Some(4));
        assert_eq!(
            l.entries[0].message.as_deref(),
            Some("Selbsttest erfolgreich")
        );
        let b =
            body(json!({"log": {"entries": [{"index": "-1", "time": "2019-04-18T14:25:39Z"}]}}));
        assert_eq!(
            err_text(parse_log(&b, &Limits::default())),
            "log.entries[0].index: number -1 is out of range"
        );
    }

    #[test]
    fn envelope_errors() {
        let l = Limits::default();
        assert!(matches!(
            parse_log(b"{not json", &l),
            Err(ProtocolError::Json(_))
        ));
        assert_eq!(
            err_text(parse_log(b"[]", &l)),
            ": expected an object, got []"
        );
        assert_eq!(
            err_text(parse_log(br#"{"method":"log"}"#, &l)),
            "log: missing"
        );
        assert!(matches!(
            parse_log(br#"{"method":"readings","log":{}}"#, &l),
            Err(ProtocolError::MethodMismatch { .. })
        ));
        assert!(parse_log(br#"{"method":"LOG","log":{}}"#, &l).is_ok());
    }

    #[test]
    fn limits_are_enforced() {
        let small = Limits {
            max_body_bytes: 200,
            max_items: 3,
            max_total_items: 3,
            max_string_bytes: 8,
        };
        let big = readings_with(vec![json!(1); 10]);
        assert!(matches!(
            parse_readings(&big, &small),
            Err(ProtocolError::TooLarge { .. })
        ));
        let items = Limits {
            max_body_bytes: 1 << 20,
            max_string_bytes: 1024,
            ..small.clone()
        };
        let e = parse_readings(&readings_with(vec![json!(1); 4]), &items).unwrap_err();
        assert!(
            matches!(
                &e,
                ProtocolError::TooLarge {
                    limit: 3,
                    actual: 4,
                    ..
                }
            ),
            "{e}"
        );
        let text = Limits {
            max_string_bytes: 8,
            ..Limits::default()
        };
        let b = body(
            json!({"log": {"entries": [{"index": 1, "time": "2019-04-18", "message": "123456789"}]}}),
        );
        assert!(matches!(
            parse_log(&b, &text),
            Err(ProtocolError::TooLarge { .. })
        ));
        // Nesting deeper than serde_json's recursion limit is refused, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            parse_log(deep.as_bytes(), &Limits::default()),
            Err(ProtocolError::Json(_))
        ));
    }

    #[test]
    fn self_test_accepts_empty_and_json_answers() {
        let l = Limits::default();
        assert_eq!(parse_self_test(b"", &l).unwrap(), SelfTest::default());
        let s = parse_self_test(
            br#"{"method":"self-test","version":"1.2.0","self-test":{"state":"started"}}"#,
            &l,
        )
        .unwrap();
        assert_eq!(s.header.version.as_deref(), Some("1.2.0"));
        assert_eq!(s.extra["state"], "started");
        assert!(parse_self_test(br#"{"method":"log"}"#, &l).is_err());
    }
}
