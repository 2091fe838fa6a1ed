//! The EMH wire format without IO: tolerant readers of every answer, the paths to ask,
//! months of a period. Pure functions; every edge case is a unit test.
//!
//! Tolerant: keys match in any case and with `-` or `_`; numbers may come as strings;
//! lists may come bare or inside an object. Essential fields (ids, times, values) must be
//! readable; everything else that cannot be read becomes a [`FieldWarning`] (the tolerant
//! reader's channel: CLI stderr, `--json` `warnings[]`, the window).

pub(crate) use smgw_model::warning::{left_out, notice};

/// Up to 200 characters of an answer, for a warning about it.
pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(200).collect()
}

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::{Map, Value};
use smgw_model::records::{
    BillingPeriod, Channel, ChannelReadings, FirmwareInfo, LogEntry, LogLevel, Reading, Taf,
    TafState,
};
use smgw_model::time::{berlin_date, berlin_day_bounds, parse_datetime, NaiveAs};
use smgw_model::{
    CombinedStatus, FieldWarning, GatewayStatus, Obis, ScaledValue, Unit, WarningKind,
};

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// Which field, e.g. `values[3].value`.
    pub what: String,
    /// What was wrong.
    pub reason: String,
}

fn err(what: impl Into<String>, reason: impl Into<String>) -> WireError {
    WireError {
        what: what.into(),
        reason: reason.into(),
    }
}

/// The body as JSON.
pub fn json(body: &[u8]) -> Result<Value, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(err("body", "empty answer"));
    }
    serde_json::from_slice(body).map_err(|e| err("body", format!("not JSON ({e})")))
}

/// A key in normal form: lower case, `-` as `_`.
fn norm_key(k: &str) -> String {
    k.trim().to_ascii_lowercase().replace('-', "_")
}

/// The first of `names` present in `obj` (any case, `-` or `_`).
fn field<'a>(obj: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|n| {
        obj.iter()
            .find(|(k, v)| norm_key(k) == *n && !v.is_null())
            .map(|(_, v)| v)
    })
}

/// Text of a string or number.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text_field(obj: &Map<String, Value>, names: &[&str]) -> Option<String> {
    field(obj, names)
        .and_then(text)
        .filter(|s| !s.trim().is_empty())
}

/// An integer from a number or a numeric string.
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A list: the value itself, or the first list inside an object under one of `names` (then
/// any list at all).
fn list<'a>(v: &'a Value, names: &[&str]) -> Option<&'a Vec<Value>> {
    match v {
        Value::Array(a) => Some(a),
        Value::Object(o) => field(o, names)
            .and_then(Value::as_array)
            .or_else(|| o.values().find_map(Value::as_array)),
        _ => None,
    }
}

/// An id from a string or from an object's `id`-like field.
fn id_of(v: &Value, names: &[&str]) -> Option<String> {
    match v {
        Value::Object(o) => text_field(o, names),
        v => text(v),
    }
    .map(|s| s.trim().to_owned())
    .filter(|s| !s.is_empty())
}

/// Parses a time as EMH sends it (with offset; a time without zone is German local time).
pub fn time(s: &str) -> Option<DateTime<Utc>> {
    parse_datetime(s, NaiveAs::Berlin).ok()
}

fn time_field(obj: &Map<String, Value>, names: &[&str]) -> Option<DateTime<Utc>> {
    text_field(obj, names).and_then(|s| time(&s))
}

/// The meter ids of `GET /json/metering/origin/`, as sent (`1emh…` or `1EMH….sm`).
pub fn meter_ids(body: &[u8]) -> Result<Vec<String>, WireError> {
    let v = json(body)?;
    let items = list(&v, &["meters", "sensors", "origin", "sensor_domains"])
        .ok_or_else(|| err("meters", "no list of meters"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, m)| {
            id_of(m, &["id", "meter_id", "sensor_id", "sensor_domain", "name"])
                .ok_or_else(|| err(format!("meters[{i}]"), "no meter id"))
        })
        .collect()
}

/// The contract ids of `GET /json/metering/derived` (strings or objects with `id`).
pub fn contract_ids(body: &[u8]) -> Result<Vec<String>, WireError> {
    let v = json(body)?;
    let items = list(&v, &["contracts", "derived", "tafs", "ids"])
        .ok_or_else(|| err("contracts", "no list of contracts"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            id_of(c, &["id", "contract_id", "taf_id", "name"])
                .ok_or_else(|| err(format!("contracts[{i}]"), "no contract id"))
        })
        .collect()
}

/// A contract as `GET /json/metering/derived/{id}` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractWire {
    /// The TAF.
    pub taf: Taf,
    /// The meters (`sensor_domains`), as sent.
    pub meters: Vec<String>,
    /// A name, if sent.
    pub name: Option<String>,
    /// The state, if sent.
    pub state: Option<TafState>,
    /// Start, if sent.
    pub start: Option<DateTime<Utc>>,
    /// End, if sent.
    pub end: Option<DateTime<Utc>>,
    /// Metering point id, if sent.
    pub metering_point_id: Option<String>,
}

/// `TAF-1`, `TAF1`, `taf_7`, `7` → the TAF.
pub fn taf(s: &str) -> Option<Taf> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok().map(Taf::from_number)
}

/// Reads `GET /json/metering/derived/{id}`.
pub fn contract(body: &[u8], warnings: &mut Vec<FieldWarning>) -> Result<ContractWire, WireError> {
    let v = json(body)?;
    let o = v
        .as_object()
        .ok_or_else(|| err("contract", "not an object"))?;
    let taf_text = text_field(o, &["taf_type", "taf", "taf_number", "type"])
        .ok_or_else(|| err("taf_type", "missing"))?;
    let taf =
        taf(&taf_text).ok_or_else(|| err("taf_type", format!("{taf_text:?} names no TAF")))?;
    let meters = match field(o, &["sensor_domains", "sensor_domain", "meters", "sensors"]) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|m| id_of(m, &["id", "meter_id", "sensor_id", "name"]))
            .collect(),
        Some(v) => text(v).into_iter().collect(),
        None => Vec::new(),
    };
    let mut when = |names: &[&str]| {
        let raw = text_field(o, names)?;
        let t = time(&raw);
        if t.is_none() {
            let at = names.first().copied().unwrap_or("time");
            warnings.push(left_out(
                format!("contract.{at}"),
                &raw,
                "not a time; the contract is kept without it",
            ));
        }
        t
    };
    let start = when(&["start", "valid_from", "begin", "start_time", "from"]);
    let end = when(&["end", "valid_to", "valid_until", "end_time", "to"]);
    Ok(ContractWire {
        taf,
        meters,
        name: text_field(o, &["name", "description", "label"]),
        state: text_field(o, &["state", "status", "taf_state"]).map(|s| TafState::from_wire(&s)),
        start,
        end,
        metering_point_id: text_field(o, &["metering_point", "metering_point_id", "zpb", "melo"]),
    })
}

/// Reads `GET /json/metering/derived/{id}/billingperiods`: a list (bare or inside an
/// object) of periods, each an object with a start and an optional end (empty or missing:
/// still open), or a `[start, end]` pair. Periods that cannot be read become warnings; the
/// answer itself stays the evidence. Never fails on an auxiliary shape.
pub fn billing_periods(body: &[u8], warnings: &mut Vec<FieldWarning>) -> Vec<BillingPeriod> {
    billing_period_list(body, warnings)
        .into_iter()
        .map(|p| p.period)
        .collect()
}

/// A billing period with the number its values are asked by
/// (`billingperiods/{n}/extended`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingPeriodRef {
    /// The period's `index` (also `id`, `number`, `n`) as sent, else its place in the list
    /// counted from 0 (how the mock counts; the reference program's numbering is unknown).
    pub n: String,
    /// The period.
    pub period: BillingPeriod,
}

/// Reads `GET /json/metering/derived/{id}/billingperiods` like [`billing_periods`],
/// keeping each period's number.
pub fn billing_period_list(body: &[u8], warnings: &mut Vec<FieldWarning>) -> Vec<BillingPeriodRef> {
    let v = match json(body) {
        Ok(v) => v,
        Err(e) => {
            warnings.push(left_out(
                "billingperiods",
                &excerpt(body),
                format!("{}; kept only in the raw answer", e.reason),
            ));
            return Vec::new();
        }
    };
    let Some(items) = list(
        &v,
        &["billing_periods", "billingperiods", "periods", "items"],
    ) else {
        warnings.push(left_out(
            "billingperiods",
            &excerpt(body),
            "no list of periods; kept only in the raw answer",
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = match item {
            Value::Object(o) => text_field(o, &["index", "id", "number", "n", "period"]),
            _ => None,
        }
        .map(|n| n.trim().to_owned())
        .unwrap_or_else(|| i.to_string());
        let (start, end) = match item {
            Value::Object(o) => (
                text_field(
                    o,
                    &[
                        "start",
                        "begin",
                        "from",
                        "start_time",
                        "valid_from",
                        "timestamp_start",
                    ],
                ),
                text_field(
                    o,
                    &[
                        "end",
                        "to",
                        "end_time",
                        "valid_to",
                        "valid_until",
                        "timestamp_end",
                    ],
                ),
            ),
            Value::Array(a) => (a.first().and_then(text), a.get(1).and_then(text)),
            _ => (None, None),
        };
        let Some(start) = start.as_deref().and_then(time) else {
            warnings.push(left_out(
                format!("billingperiods[{i}].start"),
                start.as_deref().unwrap_or(""),
                "no readable start; the period is skipped",
            ));
            continue;
        };
        let end = match end.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => match time(e) {
                Some(t) => Some(t),
                None => {
                    warnings.push(left_out(
                        format!("billingperiods[{i}].end"),
                        e,
                        "not a time; the period is taken as open",
                    ));
                    None
                }
            },
        };
        out.push(BillingPeriodRef {
            n,
            period: BillingPeriod { start, end },
        });
    }
    out.sort_by_key(|p| p.period.start);
    out
}

/// Decodes the signed tariff profile (`GET /json/metering/derived/{id}/signedprofile`)
/// into the DER of its CMS container, as the CONEXA `taf-profile` gives it. The shape is
/// not public, so every plausible one is accepted: raw DER; its hex or base64 (standard
/// or URL-safe, padded or not, in PEM armour or not); a JSON string of one of these; or a
/// JSON object holding one (`signed_profile`, `profile`, `cms`, … or else its only text
/// field). Whether the CMS opens and its signature holds is decided downstream
/// (`smgw_model::read_taf_profile`); here only a DER SEQUENCE is required, so that text
/// such as "no profile" is never taken for one.
pub fn signed_profile(body: &[u8]) -> Result<Vec<u8>, WireError> {
    if is_der_sequence(body) {
        return Ok(body.to_vec());
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| err("signedprofile", "neither DER nor text"))?
        .trim();
    let inner = match serde_json::from_str::<Value>(text) {
        Ok(Value::String(s)) => s,
        Ok(Value::Object(o)) => field(
            &o,
            &[
                "signed_profile",
                "signedprofile",
                "profile",
                "taf_profile",
                "tariff_profile",
                "cms",
                "signed_data",
                "data",
                "content",
                "value",
            ],
        )
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let texts: Vec<&str> = o.values().filter_map(Value::as_str).collect();
            // Without a known key, the longest text is the profile (the others are ids).
            texts.into_iter().max_by_key(|t| t.len()).map(str::to_owned)
        })
        .ok_or_else(|| err("signedprofile", "no profile in the object"))?,
        // Anything else is taken as text: hex digits alone also read as a JSON number.
        _ => text.to_owned(),
    };
    let compact: String = inner
        .lines()
        .filter(|l| !l.trim_start().starts_with("-----"))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let der = if compact.len().is_multiple_of(2) && compact.chars().all(|c| c.is_ascii_hexdigit()) {
        hex::decode(&compact).map_err(|e| err("signedprofile", e.to_string()))?
    } else {
        base64_any(&compact).ok_or_else(|| err("signedprofile", "neither hex nor base64"))?
    };
    if !is_der_sequence(&der) {
        return Err(err("signedprofile", "decodes to no DER SEQUENCE (no CMS)"));
    }
    Ok(der)
}

/// Whether `b` is one DER SEQUENCE whose length field spans exactly the bytes (so that
/// text that happens to begin with `0`, byte 0x30, is not taken for DER).
fn is_der_sequence(b: &[u8]) -> bool {
    let (Some(0x30), Some(&first)) = (b.first(), b.get(1)) else {
        return false;
    };
    let (header, len) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return false;
        }
        let Some(bytes) = b.get(2..2 + n) else {
            return false;
        };
        (
            2 + n,
            bytes
                .iter()
                .fold(0usize, |acc, x| (acc << 8) | usize::from(*x)),
        )
    };
    header.checked_add(len) == Some(b.len())
}

/// Base64 in the standard or the URL-safe alphabet, padded or not.
fn base64_any(s: &str) -> Option<Vec<u8>> {
    use base64::alphabet;
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::Engine;
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    [alphabet::STANDARD, alphabet::URL_SAFE]
        .iter()
        .find_map(|a| GeneralPurpose::new(a, config).decode(s).ok())
}

/// One value as read, with its channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueWire {
    /// The logical name as sent, e.g. `0100010800ff.1emh0012345678.sm`.
    pub logical_name: String,
    /// The OBIS id.
    pub obis: Obis,
    /// The unit (DLMS code), if sent.
    pub unit: Option<Unit>,
    /// The reading, scaler applied.
    pub reading: Reading,
}

/// Reads the status word: 16 hex digits (gateway + meter word) or 8 (gateway word).
/// `false`: it does not read, and the value must be refused (without it nobody can tell
/// whether the value is valid; issue #12).
fn status(s: &str, reading: &mut Reading) -> bool {
    let t = s.trim();
    if let Ok(c) = CombinedStatus::from_hex(t) {
        reading.cosem_status = Some(c);
        reading.smgw_status = Some(c.gateway);
        reading.meter_status = Some(c.meter);
    } else if let Ok(g) = GatewayStatus::from_hex(t) {
        reading.smgw_status = Some(g);
    } else {
        return false;
    }
    true
}

/// Reads one entry `{capture_time|timestamp_act, timestamp|timestamp_nom, status, values}`:
/// current values and each entry of a stored list. `default_scaler` gives a channel's scaler
/// when a value comes without one.
pub fn entry(
    v: &Value,
    at: &str,
    default_scaler: &dyn Fn(&Obis) -> Option<i8>,
    warnings: &mut Vec<FieldWarning>,
) -> Result<Vec<ValueWire>, WireError> {
    let o = v.as_object().ok_or_else(|| err(at, "not an object"))?;
    let target = time_field(
        o,
        &[
            "timestamp_nom",
            "timestamp",
            "target_time",
            "capture_time",
            "timestamp_act",
        ],
    )
    .ok_or_else(|| err(format!("{at}.timestamp"), "missing or unreadable"))?;
    let capture = time_field(o, &["timestamp_act", "capture_time", "timestamp"]);
    let head_status = text_field(o, &["status", "status_word", "state"]);
    let values = field(o, &["values", "value_list", "registers"])
        .and_then(Value::as_array)
        .ok_or_else(|| err(format!("{at}.values"), "missing"))?;
    let mut out = Vec::with_capacity(values.len());
    for (i, val) in values.iter().enumerate() {
        let path = format!("{at}.values[{i}]");
        let vo = val.as_object().ok_or_else(|| err(&path, "not an object"))?;
        let name = text_field(vo, &["logical_name", "obis", "name", "channel"])
            .ok_or_else(|| err(format!("{path}.logical_name"), "missing"))?;
        let obis_part = name.split('.').next().unwrap_or(&name);
        let obis: Obis = obis_part
            .parse()
            .map_err(|e| err(format!("{path}.logical_name"), format!("{name:?}: {e}")))?;
        let scaler = match field(vo, &["scaler"]).map(|s| int(s).and_then(|n| i8::try_from(n).ok()))
        {
            Some(Some(s)) => s,
            Some(None) => return Err(err(format!("{path}.scaler"), "not a small integer")),
            None => default_scaler(&obis).ok_or_else(|| {
                err(
                    format!("{path}.scaler"),
                    "missing, and the channel is unknown",
                )
            })?,
        };
        let raw = field(vo, &["value", "raw", "raw_value"])
            .and_then(text)
            .ok_or_else(|| err(format!("{path}.value"), "missing"))?;
        let value = ScaledValue::parse_raw(&raw, scaler)
            .map_err(|e| err(format!("{path}.value"), e.to_string()))?;
        let unit = match field(vo, &["unit"]) {
            None => None,
            Some(u) => match int(u).and_then(|n| u8::try_from(n).ok()) {
                Some(code) => Some(Unit::from_code(code)),
                None => {
                    warnings.push(left_out(
                        format!("{path}.unit"),
                        &u.to_string(),
                        "not a DLMS unit code; the channel's unit stays unknown",
                    ));
                    None
                }
            },
        };
        let signature = match text_field(vo, &["signature", "sig"]) {
            None => None,
            Some(s) => match hex::decode(s.trim()) {
                Ok(b) => Some(b),
                Err(e) => {
                    warnings.push(FieldWarning::new(
                        WarningKind::SignatureNotHex,
                        format!("{path}.signature"),
                        &s,
                        e.to_string(),
                    ));
                    None
                }
            },
        };
        let owner = name.split('.').nth(1).map(str::to_owned);
        let mut reading = Reading {
            capture_time: capture,
            target_time: target,
            value,
            cosem_status: None,
            smgw_status: None,
            meter_status: None,
            owner,
            signature,
        };
        let status_field = match text_field(vo, &["status"]) {
            Some(s) => Some((format!("{path}.status"), s)),
            None => head_status.clone().map(|s| (format!("{at}.status"), s)),
        };
        if let Some((status_path, s)) = status_field {
            if !status(&s, &mut reading) {
                warnings.push(FieldWarning::new(
                    WarningKind::ValueRefused,
                    status_path,
                    &s,
                    "not a status word (16 or 8 hex digits)",
                ));
                continue;
            }
        }
        out.push(ValueWire {
            logical_name: name,
            obis,
            unit,
            reading,
        });
    }
    Ok(out)
}

/// Reads current values (`…/extended`): one entry.
pub fn current(
    body: &[u8],
    default_scaler: &dyn Fn(&Obis) -> Option<i8>,
    warnings: &mut Vec<FieldWarning>,
) -> Result<Vec<ValueWire>, WireError> {
    let v = json(body)?;
    // Some firmware wraps the entry in a list.
    let one = match &v {
        Value::Array(a) => a.last().ok_or_else(|| err("values", "empty list"))?,
        v => v,
    };
    entry(one, "current", default_scaler, warnings)
}

/// Reads a stored list (`…/{period}/extended`): a list of entries (or an object holding it).
pub fn stored(
    body: &[u8],
    default_scaler: &dyn Fn(&Obis) -> Option<i8>,
    warnings: &mut Vec<FieldWarning>,
) -> Result<Vec<ValueWire>, WireError> {
    let v = json(body)?;
    let items = list(&v, &["readings", "entries", "values", "data", "list"])
        .ok_or_else(|| err("readings", "no list of entries"))?;
    let mut out = Vec::new();
    for (i, e) in items.iter().enumerate() {
        out.extend(entry(
            e,
            &format!("readings[{i}]"),
            default_scaler,
            warnings,
        )?);
    }
    Ok(out)
}

/// How many entries a stored list (`…/{period}/extended`) holds, without reading them;
/// `None` when it is no such list.
pub fn entries_in(body: &[u8]) -> Option<usize> {
    let v = json(body).ok()?;
    list(&v, &["readings", "entries", "values", "data", "list"]).map(Vec::len)
}

/// Groups values by channel name, keeping their order.
pub fn by_channel(values: Vec<ValueWire>) -> Vec<ChannelReadings> {
    let mut out: Vec<ChannelReadings> = Vec::new();
    for v in values {
        match out.iter_mut().find(|c| c.channel == v.logical_name) {
            Some(c) => c.readings.push(v.reading),
            None => out.push(ChannelReadings {
                channel: v.logical_name,
                readings: vec![v.reading],
            }),
        }
    }
    out
}

/// The channels of a list of values (first unit and scaler seen per OBIS id).
pub fn channels(values: &[ValueWire]) -> Vec<Channel> {
    let mut out: Vec<Channel> = Vec::new();
    for v in values {
        if !out.iter().any(|c| c.obis == v.obis) {
            out.push(Channel {
                obis: v.obis,
                unit: v.unit.unwrap_or(Unit::from_code(255)),
                scaler: v.reading.value.scaler,
            });
        }
    }
    out
}

const LOG_KEYS: [&str; 11] = [
    "index",
    "timestamp",
    "event_id",
    "event_sub_id",
    "level",
    "outcome",
    "vendor_id",
    "subject_identity",
    "user_identity",
    "message",
    "version",
];

fn level(v: &Value) -> Option<LogLevel> {
    if let Some(n) = int(v).and_then(|n| u8::try_from(n).ok()) {
        return Some(LogLevel::from_code(n));
    }
    let t = text(v)?.to_ascii_lowercase();
    Some(match t.as_str() {
        "info" | "information" | "informational" => LogLevel::Info,
        "warning" | "warn" => LogLevel::Warning,
        "error" => LogLevel::Error,
        "alert" | "critical" => LogLevel::Alert,
        _ => return None,
    })
}

/// Reads one month of the consumer logbook (`GET /json/conlogbook/{user}/{YYYY-MM}`).
/// Entries without a record number get one from their time (seconds since 1970 × 100 plus
/// their place in the second), so that they stay the same in every read.
pub fn logbook(body: &[u8], warnings: &mut Vec<FieldWarning>) -> Result<Vec<LogEntry>, WireError> {
    let v = json(body)?;
    let items = list(&v, &["entries", "logbook", "events", "log", "conlogbook"])
        .ok_or_else(|| err("logbook", "no list of entries"))?;
    let mut out = Vec::with_capacity(items.len());
    let mut same_second = (i64::MIN, 0u64);
    for (i, e) in items.iter().enumerate() {
        let at = format!("logbook[{i}]");
        let o = e.as_object().ok_or_else(|| err(&at, "not an object"))?;
        let time = time_field(o, &["timestamp", "time", "date", "timestamp_act"]);
        let index = match field(o, &["index", "id", "record_number", "number", "idx"]).and_then(int)
        {
            Some(n) => u64::try_from(n).map_err(|_| err(format!("{at}.index"), "negative"))?,
            None => {
                let t = time.ok_or_else(|| err(format!("{at}.index"), "neither index nor time"))?;
                let s = t.timestamp();
                same_second = if same_second.0 == s {
                    (s, same_second.1 + 1)
                } else {
                    (s, 0)
                };
                u64::try_from(s).unwrap_or(0) * 100 + same_second.1.min(99)
            }
        };
        let lvl = match field(o, &["level", "severity", "priority"]) {
            None => LogLevel::Info,
            Some(l) => level(l).unwrap_or_else(|| {
                warnings.push(left_out(
                    format!("{at}.level"),
                    &l.to_string(),
                    "unknown level; taken as information",
                ));
                LogLevel::Info
            }),
        };
        let known: Vec<&str> = LOG_KEYS
            .iter()
            .copied()
            .chain([
                "id",
                "time",
                "date",
                "event",
                "text",
                "description",
                "severity",
            ])
            .collect();
        let extra: Map<String, Value> = o
            .iter()
            .filter(|(k, _)| !known.contains(&norm_key(k).as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.push(LogEntry {
            index,
            event_id: text_field(o, &["event_id", "event", "eventid"]).unwrap_or_default(),
            event_sub_id: text_field(o, &["event_sub_id", "sub_id"]).unwrap_or_default(),
            level: lvl,
            outcome: text_field(o, &["outcome", "result"]),
            vendor_id: text_field(o, &["vendor_id", "vendor"]),
            subject_identity: text_field(o, &["subject_identity", "subject"]),
            user_identity: text_field(o, &["user_identity", "user"]),
            time,
            message: text_field(o, &["message", "text", "description"]).unwrap_or_default(),
            version: text_field(o, &["version"]),
            extra: (!extra.is_empty())
                .then(|| serde_json::to_string(&Value::Object(extra)).unwrap_or_default()),
        });
    }
    Ok(out)
}

/// What `GET /json/systeminformations` says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SystemWire {
    /// The gateway id.
    pub id: Option<String>,
    /// Its clock.
    pub time: Option<DateTime<Utc>>,
    /// The state word as sent.
    pub state: Option<String>,
    /// Firmware components.
    pub firmware: Vec<FirmwareInfo>,
}

fn firmware_item(v: &Value) -> Option<FirmwareInfo> {
    match v {
        Value::Object(o) => Some(FirmwareInfo {
            component: text_field(o, &["component", "name"]).unwrap_or_default(),
            version: text_field(o, &["version", "firmware_version"])?,
            hash: text_field(o, &["hash", "checksum"]).unwrap_or_default(),
        }),
        v => text(v).map(|version| FirmwareInfo {
            component: String::new(),
            version,
            hash: String::new(),
        }),
    }
}

/// Reads `GET /json/systeminformations`.
pub fn system(body: &[u8]) -> Result<SystemWire, WireError> {
    let v = json(body)?;
    let o = v
        .as_object()
        .ok_or_else(|| err("systeminformations", "not an object"))?;
    let firmware = match field(o, &["firmware", "firmware_version", "software", "version"]) {
        Some(Value::Array(a)) => a.iter().filter_map(firmware_item).collect(),
        Some(v) => firmware_item(v).into_iter().collect(),
        None => Vec::new(),
    };
    Ok(SystemWire {
        id: text_field(
            o,
            &["gateway_id", "smgw_id", "device_id", "id", "server_id"],
        ),
        time: time_field(
            o,
            &[
                "system_time",
                "smgw_time",
                "time",
                "timestamp",
                "timestamp_act",
                "date",
            ],
        ),
        state: text_field(o, &["operating_state", "smgw_state", "state", "status"]),
        firmware,
    })
}

/// The local (German) month `(year, month)` of an instant.
pub fn month_of(t: DateTime<Utc>) -> (i32, u32) {
    let d = berlin_date(t);
    (d.year(), d.month())
}

fn next_month((y, m): (i32, u32)) -> (i32, u32) {
    if m >= 12 {
        (y + 1, 1)
    } else {
        (y, m + 1)
    }
}

/// The month before.
pub fn previous_month((y, m): (i32, u32)) -> (i32, u32) {
    if m <= 1 {
        (y - 1, 12)
    } else {
        (y, m - 1)
    }
}

/// `YYYY-MM`, the path segment of a month.
pub fn month_segment((y, m): (i32, u32)) -> String {
    format!("{y:04}-{m:02}")
}

/// Start of a local month in UTC.
pub fn month_start((y, m): (i32, u32)) -> Option<DateTime<Utc>> {
    NaiveDate::from_ymd_opt(y, m, 1).map(|d| berlin_day_bounds(d).0)
}

/// The local months whose values `(start, end]` cover the period `(from, to]`.
pub fn months_covering(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(i32, u32)> {
    if to <= from {
        return Vec::new();
    }
    let first = month_of(from);
    let last = month_of(to - Duration::seconds(1));
    let mut out = vec![first];
    let mut m = first;
    while m < last && out.len() < 1200 {
        m = next_month(m);
        out.push(m);
    }
    out
}

/// Wraps several answers into one body kept as evidence: the answers verbatim as JSON
/// values (as a JSON string when one is not JSON), each with the path asked.
pub fn composite(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    if let [(_, body)] = parts {
        return body.clone();
    }
    let mut out = b"{\"emh-answers\":[".to_vec();
    for (i, (uri, body)) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"path\":");
        out.extend(serde_json::to_vec(uri).unwrap_or_default());
        out.extend_from_slice(b",\"body\":");
        if serde_json::from_slice::<Value>(body).is_ok() {
            out.extend_from_slice(body);
        } else {
            let s = String::from_utf8_lossy(body);
            out.extend(serde_json::to_vec(&s).unwrap_or_default());
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    out
}

/// The Digest realm of an EMH gateway is its id: `EEMH…` (E + maker code + digits).
pub fn realm_is_emh_id(realm: &str) -> bool {
    let r = realm.trim().to_ascii_uppercase();
    r.len() >= 8
        && r.get(1..4) == Some("EMH")
        && r.get(4..)
            .is_some_and(|d| d.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Whether a meter id is an EMH meter's (`1emh…`, `1EMH….sm`).
pub fn meter_is_emh(id: &str) -> bool {
    id.trim().to_ascii_uppercase().get(1..4) == Some("EMH")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_periods_in_any_shape_and_unreadable_ones_reported() {
        let t = |s: &str| time(s).unwrap();
        let mut w = Vec::new();
        let body = br#"{"billing_periods": [
            {"index": 1, "start": "2026-10-01T00:00:00+02:00", "end": ""},
            {"Begin": "2026-09-01T00:00:00+02:00", "End": "2026-10-01T00:00:00+02:00"},
            ["2026-08-01T00:00:00+02:00", "2026-09-01T00:00:00+02:00"],
            {"start": "gestern"},
            {"start": "2026-07-01T00:00:00+02:00", "end": "bald"},
            42
        ]}"#;
        let p = billing_periods(body, &mut w);
        assert_eq!(
            p,
            [
                BillingPeriod {
                    start: t("2026-07-01T00:00:00+02:00"),
                    end: None
                },
                BillingPeriod {
                    start: t("2026-08-01T00:00:00+02:00"),
                    end: Some(t("2026-09-01T00:00:00+02:00"))
                },
                BillingPeriod {
                    start: t("2026-09-01T00:00:00+02:00"),
                    end: Some(t("2026-10-01T00:00:00+02:00"))
                },
                BillingPeriod {
                    start: t("2026-10-01T00:00:00+02:00"),
                    end: None
                },
            ]
        );
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(
            w[0].path == "billingperiods[3].start"
                && w[1].raw == "bald"
                && w[2].path == "billingperiods[5].start"
        );
        let mut w = Vec::new();
        assert!(billing_periods(b"<html>", &mut w).is_empty());
        assert!(billing_periods(b"{\"x\": 1}", &mut w).is_empty());
        assert_eq!(w.len(), 2);
        assert!(billing_periods(b"[]", &mut w).is_empty());
        assert_eq!(w.len(), 2);
    }

    fn no_scaler(_: &Obis) -> Option<i8> {
        None
    }

    #[test]
    fn billing_periods_keep_their_numbers() {
        let mut w = Vec::new();
        let body = br#"[{"index": 4, "start": "2026-10-01T00:00:00+02:00"},
                        {"start": "2026-09-01T00:00:00+02:00", "end": "2026-10-01T00:00:00+02:00"},
                        {"id": "q3", "start": "2026-07-01T00:00:00+02:00"}]"#;
        let p = billing_period_list(body, &mut w);
        let n: Vec<&str> = p.iter().map(|p| p.n.as_str()).collect();
        // Sorted by start; a period without a number is its place in the list as sent.
        assert_eq!(n, ["q3", "1", "4"]);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn signed_profile_in_every_encoding() {
        use base64::Engine;
        let der = vec![0x30, 0x03, 0x02, 0x01, 0x05];
        let hex_text = hex::encode(&der);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let b64_url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0x30, 0x01, 0xff]);
        let pem = format!("-----BEGIN CMS-----\n{b64}\n-----END CMS-----\n");
        for body in [
            der.clone(),
            hex_text.clone().into_bytes(),
            hex_text.to_uppercase().into_bytes(),
            b64.clone().into_bytes(),
            pem.clone().into_bytes(),
            format!("\"{hex_text}\"").into_bytes(),
            format!(r#"{{"id": "taf1", "Signed-Profile": "{b64}"}}"#).into_bytes(),
            format!(r#"{{"id": "taf1", "blob": "{hex_text}"}}"#).into_bytes(),
            serde_json::to_vec(&serde_json::json!({ "cms": pem })).unwrap(),
        ] {
            assert_eq!(
                signed_profile(&body).as_ref(),
                Ok(&der),
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
        assert_eq!(
            signed_profile(b64_url.as_bytes()),
            Ok(vec![0x30, 0x01, 0xff])
        );
        for bad in [
            &b""[..],
            b"kein Profil hinterlegt",
            br#"{"signed_profile": "kein Profil"}"#,
            br#"{"signed_profile": 17}"#,
            b"[1, 2]",
            b"0102",
            b"0\x02\x01",
            b"\xff\xfe",
            b"abc",
        ] {
            let e = signed_profile(bad).unwrap_err();
            assert_eq!(e.what, "signedprofile", "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn daily_and_billing_values_read_like_the_month_history() {
        let b = br#"{"index": 0, "start": "2026-09-01T00:00:00+02:00", "readings": [
            {"timestamp_nom": "2026-09-01", "status": "a0000000208c3800",
             "values": [{"logical_name": "0100010800ff.1emh1.sm", "value": "120000", "unit": 30}]}]}"#;
        let mut w = Vec::new();
        let v = stored(b, &|_| Some(0), &mut w).unwrap();
        assert_eq!(v.len(), 1);
        // A date alone is local midnight.
        assert_eq!(
            v[0].reading.target_time,
            time("2026-08-31T22:00:00Z").unwrap()
        );
        assert_eq!(v[0].reading.value, ScaledValue::new(120_000, 0));
        assert!(w.is_empty());
    }

    #[test]
    fn meters_in_every_form() {
        let b = br#"["1emh0012345678", {"id": "1EMH0087654321.SM"}]"#;
        assert_eq!(
            meter_ids(b).unwrap(),
            vec!["1emh0012345678", "1EMH0087654321.SM"]
        );
        let b = br#"{"sensors": ["1emh1"]}"#;
        assert_eq!(meter_ids(b).unwrap(), vec!["1emh1"]);
        assert!(meter_ids(b"").is_err());
        assert!(meter_ids(b"{\"x\": 1}").is_err());
        assert!(meter_ids(b"[{}]").is_err());
        assert!(meter_is_emh("1EMH0087654321.SM") && !meter_is_emh("1ELS1"));
    }

    #[test]
    fn contracts_tolerant() {
        assert_eq!(
            contract_ids(br#"["a", {"id": 7}]"#).unwrap(),
            vec!["a".to_owned(), "7".to_owned()]
        );
        let mut w = Vec::new();
        let c = contract(
            br#"{"taf_type": "TAF-7", "sensor_domains": ["1emh1"], "start": "2026-08-01T00:00:00+02:00", "end": "soon", "Name": "x"}"#,
            &mut w,
        )
        .unwrap();
        assert_eq!(c.taf, Taf::Taf7);
        assert_eq!(c.meters, vec!["1emh1"]);
        assert_eq!(c.name.as_deref(), Some("x"));
        assert_eq!(c.start, time("2026-07-31T22:00:00Z"));
        assert_eq!(c.end, None);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(taf("taf_14"), Some(Taf::Taf14));
        assert!(contract(br#"{"sensor_domains": []}"#, &mut w).is_err());
        assert!(contract(br#"{"taf_type": "TAF"}"#, &mut w).is_err());
    }

    #[test]
    fn current_values_apply_scaler_and_keep_status() {
        let b = br#"{"capture_time": "2026-11-20T10:00:05+01:00", "timestamp": "2026-11-20T10:00:00+01:00",
            "status": "a0000000208c3800", "quality": "ok",
            "values": [{"logical_name": "0100010800ff.1emh0012345678.sm", "value": "45678901", "scaler": -1, "unit": 30, "signature": "dead"},
                       {"logical_name": "0100010700ff.1emh0012345678.sm", "value": 123, "scaler": "0", "unit": "27", "signature": "xyz"}]}"#;
        let mut w = Vec::new();
        let v = current(b, &no_scaler, &mut w).unwrap();
        assert_eq!(v.len(), 2);
        let r = &v[0].reading;
        assert_eq!(r.value, ScaledValue::new(45_678_901, -1));
        assert_eq!(r.target_time, time("2026-11-20T09:00:00Z").unwrap());
        assert_eq!(r.capture_time, time("2026-11-20T09:00:05Z"));
        assert_eq!(r.cosem_status.unwrap().to_hex(), "a0000000208c3800");
        assert_eq!(r.smgw_status.unwrap().to_hex(), "a0000000");
        assert_eq!(r.meter_status.unwrap().to_hex(), "208c3800");
        assert_eq!(r.signature.as_deref(), Some(&[0xde, 0xad][..]));
        assert_eq!(r.owner.as_deref(), Some("1emh0012345678"));
        assert_eq!(v[0].unit, Some(Unit::WattHour));
        assert_eq!(v[1].reading.value, ScaledValue::new(123, 0));
        assert_eq!(v[1].reading.signature, None);
        assert_eq!(w.len(), 1, "the bad signature is a warning: {w:?}");
        assert_eq!(w[0].kind, WarningKind::SignatureNotHex);
        assert_eq!(w[0].path, "current.values[1].signature");
        let ch = channels(&v);
        assert_eq!(ch[0].scaler, -1);
        assert_eq!(ch[1].unit, Unit::Watt);
    }

    #[test]
    fn essential_fields_must_be_readable() {
        let mut w = Vec::new();
        for bad in [
            r#"{"values": []}"#,
            r#"{"timestamp": "x", "values": []}"#,
            r#"{"timestamp": "2026-11-20T10:00:00+01:00"}"#,
            r#"{"timestamp": "2026-11-20T10:00:00+01:00", "values": [{"value": "1", "scaler": 0}]}"#,
            r#"{"timestamp": "2026-11-20T10:00:00+01:00", "values": [{"logical_name": "zz", "value": "1", "scaler": 0}]}"#,
            r#"{"timestamp": "2026-11-20T10:00:00+01:00", "values": [{"logical_name": "0100010800ff", "value": "1.5", "scaler": 0}]}"#,
            r#"{"timestamp": "2026-11-20T10:00:00+01:00", "values": [{"logical_name": "0100010800ff", "value": "1"}]}"#,
            r#"{"timestamp": "2026-11-20T10:00:00+01:00", "values": [{"logical_name": "0100010800ff", "value": "1", "scaler": 999}]}"#,
        ] {
            assert!(
                current(bad.as_bytes(), &no_scaler, &mut w).is_err(),
                "{bad}"
            );
        }
        // Without a scaler, the channel's scaler applies.
        let known = |_: &Obis| Some(-2i8);
        let b = br#"{"timestamp": "2026-11-20T10:00:00", "status": "nonsense", "values": [{"logical_name": "0100010800ff", "value": "+17"}, {"logical_name": "0100020800ff", "value": "4", "status": "a0000000"}]}"#;
        let v = current(b, &known, &mut w).unwrap();
        // The value whose status does not read is refused alone (issue #12); the one with
        // its own readable status stays.
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].obis.to_hex(), "0100020800ff");
        assert_eq!(v[0].reading.value, ScaledValue::new(4, -2));
        assert_eq!(
            v[0].reading.target_time,
            time("2026-11-20T09:00:00Z").unwrap()
        );
        let refused = w.iter().find(|x| x.raw == "nonsense").unwrap();
        assert_eq!(refused.kind, WarningKind::ValueRefused);
        assert_eq!(refused.path, "current.status");
    }

    #[test]
    fn stored_lists() {
        let b = br#"[{"timestamp_nom": "2026-10-01T00:15:00+02:00", "timestamp_act": "2026-10-01T00:14:59+02:00", "status": "a0000000208c3800",
                     "values": [{"logical_name": "0100010800ff.1emh1.sm", "value": "10", "scaler": -1, "unit": 30}]},
                    {"timestamp_nom": "2026-10-01T00:30:00+02:00", "status": "a0080000208c3800",
                     "values": [{"logical_name": "0100010800ff.1emh1.sm", "value": "12", "scaler": -1, "unit": 30}]}]"#;
        let mut w = Vec::new();
        let v = stored(b, &no_scaler, &mut w).unwrap();
        let ch = by_channel(v);
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].readings.len(), 2);
        assert_eq!(ch[0].readings[1].value, ScaledValue::new(12, -1));
        assert_eq!(ch[0].readings[1].capture_time, None);
        assert_eq!(ch[0].readings[1].smgw_status.unwrap().to_hex(), "a0080000");
        let wrapped = br#"{"readings": []}"#;
        assert!(stored(wrapped, &no_scaler, &mut w).unwrap().is_empty());
    }

    #[test]
    fn entries_are_counted_without_reading_them() {
        assert_eq!(entries_in(b"[]"), Some(0));
        assert_eq!(entries_in(br#"{"readings": [{}, {}]}"#), Some(2));
        assert_eq!(entries_in(b"<html>"), None);
        assert_eq!(entries_in(b"{}"), None);
    }

    #[test]
    fn logbook_entries() {
        let b = br#"[{"index": 17, "timestamp": "2026-10-01T10:00:00+02:00", "event_id": 2, "event_sub_id": 1, "level": 1,
                      "outcome": 0, "vendor_id": "BSI", "message": "Anmeldung", "version": "1", "category": "consumer"},
                     {"Time": "2026-10-01T10:00:00+02:00", "level": "WARNING", "text": "ohne Nummer"},
                     {"Time": "2026-10-01T10:00:00+02:00", "level": "loud", "text": "ohne Nummer 2"}]"#;
        let mut w = Vec::new();
        let l = logbook(b, &mut w).unwrap();
        assert_eq!(l[0].index, 17);
        assert_eq!(l[0].event_id, "2");
        assert_eq!(l[0].level, LogLevel::Info);
        assert_eq!(l[0].extra.as_deref(), Some(r#"{"category":"consumer"}"#));
        assert_eq!(l[1].level, LogLevel::Warning);
        assert_eq!(l[1].message, "ohne Nummer");
        assert_eq!(l[2].index, l[1].index + 1);
        assert_eq!(w.len(), 1);
        assert!(logbook(br#"[{"message": "no time, no index"}]"#, &mut w).is_err());
    }

    #[test]
    fn system_information() {
        let s = system(br#"{"gateway_id": "EEMH0012345678", "system_time": "2026-11-20T10:00:00+01:00", "operating_state": "a0000000", "firmware": [{"component": "HAN", "version": "1.1.4", "hash": "ab"}]}"#).unwrap();
        assert_eq!(s.id.as_deref(), Some("EEMH0012345678"));
        assert_eq!(s.time, time("2026-11-20T09:00:00Z"));
        assert_eq!(s.firmware[0].version, "1.1.4");
        let s = system(br#"{"firmware_version": "1.0"}"#).unwrap();
        assert_eq!(s.firmware[0].version, "1.0");
        assert!(s.id.is_none() && s.time.is_none());
    }

    #[test]
    fn months() {
        let t = |s: &str| time(s).unwrap();
        assert_eq!(month_of(t("2026-10-31T23:30:00Z")), (2026, 11));
        assert_eq!(
            months_covering(t("2026-09-30T22:00:00Z"), t("2026-10-31T23:00:00Z")),
            vec![(2026, 10)],
            "exactly October (local)"
        );
        assert_eq!(
            months_covering(t("2026-09-15T00:00:00Z"), t("2026-10-16T00:00:00Z")),
            vec![(2026, 9), (2026, 10)]
        );
        assert_eq!(
            months_covering(t("2026-12-15T00:00:00Z"), t("2027-01-16T00:00:00Z")),
            vec![(2026, 12), (2027, 1)]
        );
        assert!(months_covering(t("2026-12-15T00:00:00Z"), t("2026-12-15T00:00:00Z")).is_empty());
        assert_eq!(previous_month((2026, 1)), (2025, 12));
        assert_eq!(month_segment((2026, 3)), "2026-03");
        assert_eq!(month_start((2026, 10)), Some(t("2026-09-30T22:00:00Z")));
    }

    #[test]
    fn composite_keeps_answers_verbatim() {
        let one = composite(&[("/a".into(), b"[1]".to_vec())]);
        assert_eq!(one, b"[1]");
        let two = composite(&[
            ("/a".into(), b"[1, 2]".to_vec()),
            ("/b".into(), b"<html>".to_vec()),
        ]);
        assert_eq!(
            String::from_utf8(two).unwrap(),
            r#"{"emh-answers":[{"path":"/a","body":[1, 2]},{"path":"/b","body":"<html>"}]}"#
        );
    }

    #[test]
    fn realms() {
        assert!(realm_is_emh_id("EEMH0012345678"));
        assert!(realm_is_emh_id("eemh0012345678"));
        assert!(!realm_is_emh_id("SMGW"));
        assert!(!realm_is_emh_id("ETHE0300004261"));
    }
}
