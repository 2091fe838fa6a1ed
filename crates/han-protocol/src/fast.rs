//! A fast path for the largest response, `readings`: serde straight into structs, without
//! building a `serde_json::Value` tree and its per-field lookups.
//!
//! It accepts only the plain, well-formed shape (canonical key spellings, no unknown keys,
//! texts as strings, every limit kept). Anything else returns `None` and the caller parses
//! with the lenient path, which produces exactly the same result or the precise error, so
//! behaviour does not depend on which path ran (a test compares both).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use smgw_model as model;

use crate::response::{ChannelReadings, Header, Limits, Reading, Readings};
use crate::time::parse_wire_time;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    method: Option<String>,
    version: Option<String>,
    #[serde(rename = "elapsed-time")]
    elapsed_time: Option<String>,
    #[serde(borrow)]
    readings: Payload<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload<'a> {
    records: Option<Value>,
    #[serde(default, borrow)]
    channels: Vec<Channel<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Channel<'a> {
    obis: String,
    #[serde(default, borrow)]
    readings: Vec<Raw<'a>>,
}

/// One value as sent. The times are only parsed, so they are borrowed from the body
/// (no allocation for each of some hundred thousand values).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw<'a> {
    #[serde(rename = "capture-time", borrow)]
    capture_time: Cow<'a, str>,
    #[serde(rename = "target-time", borrow)]
    target_time: Option<Cow<'a, str>>,
    value: WireNumber,
    #[serde(rename = "cosem-status", borrow)]
    cosem_status: Option<Cow<'a, str>>,
    #[serde(rename = "smgw-status", borrow)]
    smgw_status: Option<Cow<'a, str>>,
    #[serde(rename = "meter-status", borrow)]
    meter_status: Option<Cow<'a, str>>,
    #[serde(rename = "owner-number", borrow)]
    owner_number: Option<Cow<'a, str>>,
    #[serde(borrow)]
    signature: Option<Cow<'a, str>>,
}

impl Raw<'_> {
    /// Every text within the limits.
    fn fits(&self, limits: &Limits) -> bool {
        let max = limits.max_string_bytes;
        self.capture_time.len() <= max
            && [
                &self.target_time,
                &self.cosem_status,
                &self.smgw_status,
                &self.meter_status,
                &self.owner_number,
                &self.signature,
            ]
            .iter()
            .all(|t| t.as_ref().is_none_or(|t| t.len() <= max))
    }

    /// Capture and target time (`None` target: not sent or empty); `None` when a time
    /// does not read.
    fn times(
        &self,
    ) -> Option<(
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
    )> {
        let target_time = match self.target_time.as_deref() {
            None => None,
            Some(s) => time(s)?,
        };
        Some((time(&self.capture_time)??, target_time))
    }
}

/// The same leniency as the slow path for numbers: native integers, integral floats, or
/// decimal text with an optional `+`.
fn number(v: &Value) -> Option<i64> {
    crate::json::as_i64(v, &String::new).ok()
}

/// A `value` read as [`number`] reads it, without building a `Value` (a decimal text
/// would be allocated). `None`: not a number `number` accepts (the lenient path decides).
struct WireNumber(Option<i64>);

impl<'de> Deserialize<'de> for WireNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WireNumber, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = WireNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a decimal text")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<WireNumber, E> {
                Ok(WireNumber(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<WireNumber, E> {
                Ok(WireNumber(i64::try_from(v).ok()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<WireNumber, E> {
                // Integral floats such as 12.0, as the slow path accepts them.
                Ok(WireNumber(
                    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64),
                ))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<WireNumber, E> {
                let t = s.trim();
                Ok(WireNumber(t.strip_prefix('+').unwrap_or(t).parse().ok()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<WireNumber, E> {
                Ok(WireNumber(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<WireNumber, E> {
                Ok(WireNumber(None))
            }
        }
        d.deserialize_any(NumberVisitor)
    }
}

fn text_ok(s: &Option<String>, limits: &Limits) -> bool {
    s.as_ref()
        .is_none_or(|s| s.len() <= limits.max_string_bytes)
}

fn time(s: &str) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
    if s.trim().is_empty() {
        return Some(None);
    }
    parse_wire_time(s).map(Some)
}

/// The envelope of a plain `readings` response with every limit kept, or `None` when the
/// body needs the lenient path.
fn envelope<'a>(body: &'a [u8], limits: &Limits) -> Option<(Envelope<'a>, Option<u64>)> {
    if body.len() > limits.max_body_bytes {
        return None;
    }
    let env: Envelope = serde_json::from_slice(body).ok()?;
    if env
        .method
        .as_deref()
        .is_some_and(|m| !m.trim().eq_ignore_ascii_case("readings"))
    {
        return None;
    }
    if ![&env.method, &env.version, &env.elapsed_time]
        .iter()
        .all(|s| text_ok(s, limits))
    {
        return None;
    }
    let records = match &env.readings.records {
        None | Some(Value::Null) => None,
        Some(v) => Some(u64::try_from(number(v)?).ok()?),
    };
    if env.readings.channels.len() > limits.max_items {
        return None;
    }
    let mut total = 0usize;
    for ch in &env.readings.channels {
        total += ch.readings.len();
        if ch.readings.len() > limits.max_items
            || total > limits.max_items
            || ch.obis.len() > limits.max_string_bytes
            || !ch.readings.iter().all(|r| r.fits(limits))
        {
            return None;
        }
    }
    Some((env, records))
}

/// The `readings` response, or `None` when the body needs the lenient path.
pub(crate) fn readings(body: &[u8], limits: &Limits) -> Option<Readings> {
    let (env, records) = envelope(body, limits)?;
    let mut channels = Vec::with_capacity(env.readings.channels.len());
    for ch in env.readings.channels {
        let mut readings = Vec::with_capacity(ch.readings.len());
        for r in ch.readings {
            let (capture_time, target_time) = r.times()?;
            readings.push(Reading {
                capture_time,
                target_time,
                value: r.value.0?,
                cosem_status: r.cosem_status.map(Cow::into_owned),
                smgw_status: r.smgw_status.map(Cow::into_owned),
                meter_status: r.meter_status.map(Cow::into_owned),
                owner_number: r.owner_number.map(Cow::into_owned),
                signature: r.signature.filter(|s| !s.is_empty()).map(Cow::into_owned),
                extra: Map::new(),
            });
        }
        channels.push(ChannelReadings {
            obis: ch.obis,
            readings,
            extra: Map::new(),
        });
    }
    Some(Readings {
        warnings: Vec::new(),
        header: Header {
            method: env.method,
            version: env.version,
            elapsed_time: env.elapsed_time,
            extra: Map::new(),
        },
        records,
        channels,
        extra: Map::new(),
    })
}

/// A status word as [`Readings::to_model`] reads it; `None` when it does not read (the
/// lenient path then names the field).
fn status<T>(
    text: &Option<Cow<'_, str>>,
    parse: impl Fn(&str) -> Result<T, model::StatusError>,
) -> Option<Option<T>> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(t) => parse(t).ok().map(Some),
    }
}

/// The `readings` response straight as records, as [`Readings::to_model`] gives them from
/// [`readings`], without the wire structs between (the texts of each value are only
/// read, not copied). `None` when the body or a value needs the lenient path.
pub(crate) fn readings_model(
    body: &[u8],
    limits: &Limits,
    scaler_of: &dyn Fn(&str) -> Option<i8>,
) -> Option<Vec<model::ChannelReadings>> {
    let (env, _) = envelope(body, limits)?;
    let mut out = Vec::with_capacity(env.readings.channels.len());
    for ch in env.readings.channels {
        let scaler = scaler_of(&ch.obis)?;
        let mut readings = Vec::with_capacity(ch.readings.len());
        for r in &ch.readings {
            let (capture_time, target_time) = r.times()?;
            let signature = match r.signature.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(h) => Some(hex::decode(h).ok()?),
            };
            readings.push(model::Reading {
                capture_time: Some(capture_time),
                target_time: target_time.unwrap_or(capture_time),
                value: model::ScaledValue::new(i128::from(r.value.0?), scaler),
                cosem_status: status(&r.cosem_status, model::CombinedStatus::from_hex)?,
                smgw_status: status(&r.smgw_status, model::GatewayStatus::from_hex)?,
                meter_status: status(&r.meter_status, model::MeterStatus::from_hex)?,
                owner: r.owner_number.as_deref().map(str::to_owned),
                signature,
            });
        }
        out.push(model::ChannelReadings {
            channel: ch.obis,
            readings,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lenient(body: &str) -> Result<Readings, crate::ProtocolError> {
        crate::response::parse_readings_lenient(body.as_bytes(), &Limits::default())
    }

    const PLAIN: &str = r#"{"method":"readings","version":"1.2.0","elapsed-time":"5 miliseconds",
      "readings":{"records":"2","channels":[{"obis":"0100010800ff.1ELS0012345678.sm","readings":[
        {"capture-time":"2025-01-01T00:14:59Z","target-time":"2025-01-01T00:15:00Z","value":"171165808",
         "cosem-status":"a0000000208c3800","smgw-status":"a0000000","meter-status":"208c3800",
         "owner-number":"1ELS0012345678","signature":""},
        {"capture-time":"2025-01-01T01:29:59+01:00","target-time":"","value":171165900,
         "cosem-status":null,"signature":"ab12"}]}]}}"#;

    #[test]
    fn the_fast_path_gives_exactly_what_the_lenient_path_gives() {
        let fast = readings(PLAIN.as_bytes(), &Limits::default()).expect("plain shape");
        assert_eq!(fast, lenient(PLAIN).expect("lenient"));
        assert_eq!(fast.channels[0].readings.len(), 2);
        assert_eq!(fast.channels[0].readings[0].signature, None);
        assert_eq!(fast.channels[0].readings[1].target_time, None);
        assert_eq!(fast.records, Some(2));
        // Every form of a number both paths accept, read the same way by both.
        for value in [
            "171165900.0",
            r#"" +42 ""#,
            "-7",
            r#""-7""#,
            "9007199254740993",
        ] {
            let body = PLAIN.replace("171165900", value);
            let fast = readings(body.as_bytes(), &Limits::default()).expect("plain shape");
            assert_eq!(fast, lenient(&body).expect("lenient"), "{value}");
        }
        // And forms neither reads as a number leave it to the lenient path.
        for value in ["1.5", "true", "null", r#""12x""#, "99999999999999999999"] {
            let body = PLAIN.replace("171165900", value);
            assert!(
                readings(body.as_bytes(), &Limits::default()).is_none(),
                "{value}"
            );
        }
    }

    #[test]
    fn records_straight_from_the_body_equal_the_wire_structs_converted() {
        let scaler = |name: &str| name.starts_with("0100010800ff").then_some(-1i8);
        for body in [
            PLAIN.to_owned(),
            PLAIN.replace("a0000000208c3800", "A0000000208C3800"),
            PLAIN.replace(r#""owner-number":"1ELS0012345678","#, ""),
            PLAIN.replace("171165900", r#"" +42 ""#),
        ] {
            let direct =
                readings_model(body.as_bytes(), &Limits::default(), &scaler).expect("plain shape");
            let converted = lenient(&body)
                .expect("lenient")
                .to_model(scaler)
                .expect("model");
            assert_eq!(direct, converted, "{body}");
            assert_eq!(
                crate::response::parse_readings_model(body.as_bytes(), &Limits::default(), scaler)
                    .expect("model"),
                converted
            );
        }
        let direct = readings_model(PLAIN.as_bytes(), &Limits::default(), &scaler).unwrap();
        assert_eq!(direct[0].readings[1].signature, Some(vec![0xab, 0x12]));
        assert_eq!(
            direct[0].readings[0].owner.as_deref(),
            Some("1ELS0012345678")
        );
        // An unreadable status word refuses its value alone, a signature that is not hex
        // is left off its value: the fast path declines both, the lenient path warns with
        // the field's path and keeps the rest.
        for (body, path, kind, kept) in [
            (
                PLAIN.replace("a0000000208c3800", "zz"),
                "readings.channels[0].readings[0].cosem-status",
                smgw_model::WarningKind::ValueRefused,
                1,
            ),
            (
                PLAIN.replace(r#""signature":"ab12""#, r#""signature":"xyz""#),
                "readings.channels[0].readings[1].signature",
                smgw_model::WarningKind::SignatureNotHex,
                2,
            ),
        ] {
            assert!(readings_model(body.as_bytes(), &Limits::default(), &scaler).is_none());
            let (records, warnings) = crate::response::parse_readings_model_warned(
                body.as_bytes(),
                &Limits::default(),
                scaler,
            )
            .expect("the other values stay");
            assert_eq!(records[0].readings.len(), kept, "{body}");
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert_eq!((warnings[0].path.as_str(), warnings[0].kind), (path, kind));
            assert!(records[0]
                .readings
                .iter()
                .all(|r| r.signature.is_none() || r.signature == Some(vec![0xab, 0x12])));
        }
        // A channel without a known scaler, too.
        let none = |_: &str| None;
        assert!(readings_model(PLAIN.as_bytes(), &Limits::default(), &none).is_none());
        assert!(
            crate::response::parse_readings_model(PLAIN.as_bytes(), &Limits::default(), none)
                .is_err()
        );
    }

    #[test]
    fn anything_unusual_takes_the_lenient_path() {
        for body in [
            // Unknown key (kept in `extra` by the lenient path).
            PLAIN.replace(r#""signature":"ab12""#, r#""signature":"ab12","x":"1""#),
            // Odd spelling of a key.
            PLAIN.replace("capture-time", "Capture-Time"),
            // A status word as a number.
            PLAIN.replace(r#""smgw-status":"a0000000""#, r#""smgw-status":5"#),
            // Another method.
            PLAIN.replace(r#""method":"readings""#, r#""method":"log""#),
            // Broken time and value.
            PLAIN.replace("2025-01-01T00:14:59Z", "yesterday"),
            PLAIN.replace(r#""value":"171165808""#, r#""value":"12x""#),
        ] {
            assert!(
                readings(body.as_bytes(), &Limits::default()).is_none(),
                "{body}"
            );
            // And the lenient path still decides (a value or a precise error).
            let _ = lenient(&body);
        }
        let tight = Limits {
            max_items: 1,
            ..Limits::default()
        };
        assert!(readings(PLAIN.as_bytes(), &tight).is_none());
        assert!(crate::response::parse_readings(PLAIN.as_bytes(), &tight).is_err());
    }
}
