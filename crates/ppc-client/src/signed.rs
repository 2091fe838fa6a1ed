//! The PPC's signed export files, sans IO: CMS SignedData (RFC 5652) unwrapped with the
//! RustCrypto `cms` types, and the DKE XML inside (`profile_generic` for values and the
//! logbook, `kaf_lmn_container` for a meter's profile) read with quick-xml.
//!
//! Essential fields (names, values, scalers, units, times, status, record numbers) must
//! parse or the entry is reported; everything auxiliary that cannot be read becomes a
//! warning and the rest goes on.

use smgw_model::{FieldWarning, WarningKind};

pub(crate) use smgw_model::warning::{left_out, notice};

use chrono::{DateTime, Timelike, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{ObjectIdentifier, OctetString};
use der::Decode;
use quick_xml::events::Event;
use quick_xml::Reader;
use smgw_model::records::{ChannelReadings, LogEntry, LogLevel, Reading};
use smgw_model::status::GatewayStatus;
use smgw_model::time::{parse_datetime, NaiveAs};
use smgw_model::ScaledValue;

mod verify;

pub use verify::SignatureCheck;

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// Whether a body looks like a DER CMS file (a SEQUENCE) rather than an HTML page.
pub fn looks_like_cms(body: &[u8]) -> bool {
    body.first() == Some(&0x30)
}

/// What a signed file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFile {
    /// The signed content (the XML).
    pub content: Vec<u8>,
    /// Number of signers.
    pub signers: usize,
    /// Certificates carried in the file (DER).
    pub certificates: usize,
    /// The signature check of the first signer against the certificate carried in the
    /// file: integrity only, not who issued the certificate.
    pub signature: SignatureCheck,
}

/// Unwraps a CMS `ContentInfo` holding `SignedData` and returns its content with the result
/// of the signature check. A signature that does not verify is not an error: the content is
/// returned all the same (the caller warns and keeps the file as evidence).
pub fn unwrap(der_bytes: &[u8]) -> Result<SignedFile, String> {
    let info = ContentInfo::from_der(der_bytes).map_err(|e| format!("not a CMS file: {e}"))?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(format!(
            "CMS content type {} instead of SignedData",
            info.content_type
        ));
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("SignedData unreadable: {e}"))?;
    let Some(econtent) = signed.encap_content_info.econtent.as_ref() else {
        return Err("SignedData without content (detached signature)".to_owned());
    };
    let content = match econtent.decode_as::<OctetString>() {
        Ok(o) => o.as_bytes().to_vec(),
        Err(_) => econtent.value().to_vec(),
    };
    let signature = verify::check(der_bytes, &signed, &content);
    Ok(SignedFile {
        content,
        signers: signed.signer_infos.0.len(),
        certificates: signed.certificates.as_ref().map_or(0, |c| c.0.len()),
        signature,
    })
}

/// One entry of a values column, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct RawEntry {
    value: Option<String>,
    scaler: Option<String>,
    unit: Option<String>,
    status: Option<String>,
    capture_time: Option<String>,
    signature: Option<String>,
    logical_name: Option<String>,
}

/// The values of a `profile_generic` file, one entry per channel, with warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Channels named as in `capture_objects` (`<obis hex>.<meter>.sm`).
    pub channels: Vec<ChannelReadings>,
    /// What could not be read (auxiliary fields, unreadable entries).
    pub warnings: Vec<FieldWarning>,
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    s.rsplit(':').next().unwrap_or_default().to_owned()
}

/// The gateway word equivalent to the PPC's status number: 0 valid; 4 invalid; 3 not
/// present (both invalid: PTB critical temporary error).
pub fn status_word(status: u8) -> GatewayStatus {
    const IDENT: u32 = 0b0101;
    match status {
        0 => GatewayStatus::from_logical(IDENT),
        _ => GatewayStatus::from_logical(IDENT | 1 << 14),
    }
}

/// The end of the measuring period a capture time belongs to: quarter hours are captured
/// a second (up to a minute) after the boundary.
pub fn target_of(capture: DateTime<Utc>) -> DateTime<Utc> {
    let past = i64::from(capture.minute() % 15) * 60 + i64::from(capture.second());
    if capture.minute().is_multiple_of(15) && past < 60 {
        let t = capture - chrono::Duration::seconds(past);
        t.with_nanosecond(0).unwrap_or(t)
    } else {
        capture
    }
}

/// Reads a DKE `profile_generic` values file.
pub fn parse_profile(xml: &[u8]) -> Result<Profile, String> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut columns: Vec<Vec<RawEntry>> = Vec::new();
    let mut entry: Option<RawEntry> = None;
    let mut unknown: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("XML unreadable at byte {}: {e}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                if name == "column" {
                    columns.push(Vec::new());
                }
                if name.starts_with("entry") && path.last().is_some_and(|p| p == "column") {
                    entry = Some(RawEntry::default());
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => {
                text.push_str(&String::from_utf8_lossy(t.as_ref()));
            }
            Event::GeneralRef(r) => {
                let n = String::from_utf8_lossy(r.as_ref()).into_owned();
                text.push_str(&crate::html::unescape(&format!("&{n};")));
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let parent = path.last().map(String::as_str).unwrap_or("");
                let value = text.trim().to_owned();
                if name == "logical_name" && parent == "capture_object" {
                    names.push(value.clone());
                } else if name.starts_with("entry") && parent == "column" {
                    if let (Some(e), Some(col)) = (entry.take(), columns.last_mut()) {
                        col.push(e);
                    }
                } else if let Some(e) = entry.as_mut() {
                    let in_value = path.iter().rev().take(2).any(|p| p == "value");
                    let in_status = path.iter().rev().take(2).any(|p| p == "status");
                    match name.as_str() {
                        _ if in_value && name != "value" => e.value = Some(value.clone()),
                        _ if in_status && name != "status" => e.status = Some(value.clone()),
                        "value" if e.value.is_none() && !value.is_empty() => {
                            e.value = Some(value.clone())
                        }
                        "status" if e.status.is_none() && !value.is_empty() => {
                            e.status = Some(value.clone())
                        }
                        "value" | "status" => {}
                        "scaler" => e.scaler = Some(value.clone()),
                        "unit" => e.unit = Some(value.clone()),
                        "capture_time" => e.capture_time = Some(value.clone()),
                        "smgw_signature" | "signature" => e.signature = Some(value.clone()),
                        "logical_name" => e.logical_name = Some(value.clone()),
                        other => {
                            if !unknown.iter().any(|u| u == other) {
                                unknown.push(other.to_owned());
                            }
                        }
                    }
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let mut profile = Profile::default();
    for u in unknown {
        profile.warnings.push(left_out(
            format!("entry_gateway_signed.{u}"),
            "",
            "unknown field; kept in the raw file",
        ));
    }
    for (i, col) in columns.into_iter().enumerate() {
        let column_name = names.get(i).cloned();
        let mut by_name: Vec<ChannelReadings> = Vec::new();
        for (n, e) in col.into_iter().enumerate() {
            let Some(name) = e.logical_name.clone().or_else(|| column_name.clone()) else {
                profile.warnings.push(left_out(
                    format!("column[{i}].logical_name"),
                    "",
                    "missing; the column's entries are skipped",
                ));
                break;
            };
            let at = format!("column[{i}].entry[{n}]");
            match reading(&e, &at, &mut profile.warnings) {
                Ok(r) => match by_name.iter_mut().find(|c| c.channel == name) {
                    Some(c) => c.readings.push(r),
                    None => by_name.push(ChannelReadings {
                        channel: name,
                        readings: vec![r],
                    }),
                },
                Err(why) => profile.warnings.push(left_out(
                    at,
                    e.value.as_deref().unwrap_or_default(),
                    format!("{why}; the entry is skipped"),
                )),
            }
        }
        for c in by_name {
            match profile.channels.iter_mut().find(|x| x.channel == c.channel) {
                Some(x) => x.readings.extend(c.readings),
                None => profile.channels.push(c),
            }
        }
    }
    for c in &mut profile.channels {
        c.readings.sort_by_key(|r| r.target_time);
    }
    Ok(profile)
}

fn reading(e: &RawEntry, at: &str, warnings: &mut Vec<FieldWarning>) -> Result<Reading, String> {
    let value = e.value.as_deref().ok_or("no value")?;
    let scaler: i8 = match e.scaler.as_deref() {
        Some(s) => s.trim().parse().map_err(|_| format!("scaler {s:?}"))?,
        None => 0,
    };
    let value = ScaledValue::parse_raw(value, scaler).map_err(|err| err.to_string())?;
    let capture = e.capture_time.as_deref().ok_or("no capture_time")?;
    let capture =
        parse_datetime(capture, NaiveAs::Utc).map_err(|err| format!("capture_time: {err}"))?;
    let status: u8 = match e.status.as_deref() {
        Some(s) => s.trim().parse().map_err(|_| format!("status {s:?}"))?,
        None => {
            warnings.push(left_out(
                format!("{at}.status"),
                "",
                "missing; the value is taken as valid",
            ));
            0
        }
    };
    if !matches!(status, 0 | 3 | 4) {
        warnings.push(left_out(
            format!("{at}.status"),
            &status.to_string(),
            "not known from PPC gateways (0, 3, 4); the value is taken as invalid",
        ));
    }
    let signature = match e.signature.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match hex::decode(s) {
            Ok(b) => Some(b),
            Err(err) => {
                warnings.push(FieldWarning::new(
                    WarningKind::SignatureNotHex,
                    format!("{at}.smgw_signature"),
                    s,
                    format!("not hex ({err}); kept in the raw file"),
                ));
                None
            }
        },
    };
    Ok(Reading {
        capture_time: Some(capture),
        target_time: target_of(capture),
        value,
        cosem_status: None,
        smgw_status: Some(status_word(status)),
        meter_status: None,
        owner: None,
        signature,
    })
}

/// The OBIS codes (hex) of a meter's `kaf_lmn_container` profile.
pub fn parse_meter_profile(xml: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("XML unreadable: {e}"))?
        {
            Event::Text(t) => {
                let s = String::from_utf8_lossy(t.as_ref())
                    .trim()
                    .to_ascii_lowercase();
                if s.len() == 12 && s.bytes().all(|b| b.is_ascii_hexdigit()) && !out.contains(&s) {
                    out.push(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// The entries of a logbook file, with warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Logbook {
    /// `0000636203ff.<gateway id>.sm`, if sent.
    pub logical_name: Option<String>,
    /// The entries as sent.
    pub entries: Vec<LogEntry>,
    /// What could not be read.
    pub warnings: Vec<FieldWarning>,
}

#[derive(Default)]
struct RawLog {
    record: Option<String>,
    template: Option<String>,
    timestamp: Option<String>,
    level: Option<String>,
    event_id: Option<String>,
    event_sub_id: Option<String>,
    outcome: Option<String>,
    extensions: Vec<(String, String)>,
    ext_id: Option<String>,
}

/// Reads a DKE logbook file (`buffer/logbook/entry`).
pub fn parse_logbook(xml: &[u8]) -> Result<Logbook, String> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut raw: Option<RawLog> = None;
    let mut book = Logbook::default();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("XML unreadable at byte {}: {e}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                if name == "entry" && path.last().is_some_and(|p| p == "logbook") {
                    raw = Some(RawLog::default());
                }
                if name == "message_extension" {
                    if let Some(r) = raw.as_mut() {
                        r.ext_id = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == b"id")
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    }
                }
                path.push(name);
                text.clear();
            }
            Event::Comment(c) => {
                if let Some(r) = raw.as_mut() {
                    r.template = Some(String::from_utf8_lossy(c.as_ref()).trim().to_owned());
                }
            }
            Event::Text(t) => text.push_str(&String::from_utf8_lossy(t.as_ref())),
            Event::GeneralRef(r) => {
                let n = String::from_utf8_lossy(r.as_ref()).into_owned();
                text.push_str(&crate::html::unescape(&format!("&{n};")));
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let value = text.trim().to_owned();
                let parent = path.last().map(String::as_str).unwrap_or("");
                if name == "logical_name" && parent == "capture_object" {
                    book.logical_name = Some(value.clone());
                } else if name == "entry" && parent == "logbook" {
                    if let Some(r) = raw.take() {
                        match log_entry(r) {
                            Ok(e) => book.entries.push(e),
                            Err(why) => book.warnings.push(left_out(
                                "logbook.entry",
                                "",
                                format!("{why}; the entry is skipped"),
                            )),
                        }
                    }
                } else if let Some(r) = raw.as_mut() {
                    match name.as_str() {
                        "record_number" => r.record = Some(value.clone()),
                        "timestamp" => r.timestamp = Some(value.clone()),
                        "level" => r.level = Some(value.clone()),
                        "event_id" => r.event_id = Some(value.clone()),
                        "event_sub_id" => r.event_sub_id = Some(value.clone()),
                        "outcome" => r.outcome = Some(value.clone()),
                        "message_extension" => {
                            let id = r.ext_id.take().unwrap_or_default();
                            r.extensions.push((id, value.clone()));
                        }
                        _ => {}
                    }
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(book)
}

fn log_entry(r: RawLog) -> Result<LogEntry, String> {
    let record = r.record.as_deref().ok_or("no record_number")?;
    let index: u64 = record
        .trim()
        .parse()
        .map_err(|_| format!("record_number {record:?}"))?;
    let time = match r.timestamp.as_deref() {
        Some(t) => Some(parse_datetime(t, NaiveAs::Utc).map_err(|e| format!("timestamp: {e}"))?),
        None => None,
    };
    let level = match r.level.as_deref().map(str::trim) {
        Some(l) if l.eq_ignore_ascii_case("INFO") => LogLevel::Info,
        Some(l) if l.eq_ignore_ascii_case("WARNING") => LogLevel::Warning,
        Some(l) if l.eq_ignore_ascii_case("ERROR") => LogLevel::Error,
        Some(l) if l.eq_ignore_ascii_case("FATAL") => LogLevel::Alert,
        Some(l) => l
            .parse()
            .map(LogLevel::from_code)
            .unwrap_or(LogLevel::Other(0)),
        None => LogLevel::Other(0),
    };
    let template = r.template.clone().unwrap_or_default();
    let mut message = template.clone();
    for (id, v) in &r.extensions {
        message = message.replace(&format!("[{id}]"), v);
    }
    let extra = (!r.extensions.is_empty()).then(|| {
        let ext: serde_json::Map<String, serde_json::Value> = r
            .extensions
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        serde_json::json!({ "message-template": template, "message-extensions": ext }).to_string()
    });
    let user = r
        .extensions
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("user"))
        .map(|(_, v)| v.clone());
    Ok(LogEntry {
        index,
        event_id: r.event_id.unwrap_or_default(),
        event_sub_id: r.event_sub_id.unwrap_or_default(),
        level,
        outcome: r.outcome,
        vendor_id: None,
        subject_identity: None,
        user_identity: user,
        time,
        message,
        version: None,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<profile_generic xmlns="urn:k461-dke-de:profile_generic-1" xmlns:ext="urn:k461-dke-de:extension-1">
<capture_objects>
<capture_object><logical_name>0100010800ff.1lgz0072999211.sm</logical_name></capture_object>
<capture_object><logical_name>0100020800ff.1lgz0072999211.sm</logical_name></capture_object>
</capture_objects>
<buffer><simple_data>
<column>
<entry_gateway_signed><value><long64>234567890</long64></value><scaler>-1</scaler><unit>30</unit><status><unsigned>0</unsigned></status><capture_time>2025-10-26T00:15:01Z</capture_time><smgw_signature>abcd</smgw_signature><ext:meter_status>208c3800</ext:meter_status></entry_gateway_signed>
<entry_gateway_signed><value><long64>234567999</long64></value><scaler>-1</scaler><unit>30</unit><status><unsigned>4</unsigned></status><capture_time>2025-10-26T00:30:01Z</capture_time><smgw_signature>zz</smgw_signature></entry_gateway_signed>
</column>
<column>
<entry_gateway_signed><value><long64>5</long64></value><scaler>-1</scaler><unit>30</unit><status><unsigned>3</unsigned></status><capture_time>2025-10-26T00:15:01Z</capture_time></entry_gateway_signed>
<entry_gateway_signed><value><long64>x</long64></value><scaler>-1</scaler><unit>30</unit><status><unsigned>0</unsigned></status><capture_time>2025-10-26T00:30:01Z</capture_time></entry_gateway_signed>
</column>
</simple_data></buffer></profile_generic>"#;

    #[test]
    fn profile_values_exact_with_status_and_warnings() {
        let p = parse_profile(PROFILE.as_bytes()).unwrap();
        assert_eq!(p.channels.len(), 2);
        let imp = &p.channels[0];
        assert_eq!(imp.channel, "0100010800ff.1lgz0072999211.sm");
        assert_eq!(imp.readings.len(), 2);
        let r = &imp.readings[0];
        assert_eq!(r.value, ScaledValue::new(234_567_890, -1));
        assert_eq!(
            r.target_time,
            parse_datetime("2025-10-26T00:15:00Z", NaiveAs::Utc).unwrap()
        );
        assert_eq!(
            r.capture_time,
            Some(parse_datetime("2025-10-26T00:15:01Z", NaiveAs::Utc).unwrap())
        );
        assert_eq!(r.signature, Some(vec![0xab, 0xcd]));
        assert!(r.ptb().unwrap().is_valid());
        assert!(!imp.readings[1].ptb().unwrap().is_valid());
        assert_eq!(imp.readings[1].signature, None);
        let exp = &p.channels[1];
        assert_eq!(exp.readings.len(), 1, "the unreadable value is reported");
        assert!(!exp.readings[0].ptb().unwrap().is_valid());
        let w = p
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(w.contains("meter_status"), "{w}");
        assert!(w.contains("not hex"), "{w}");
        assert!(w.contains("column[1].entry[1]"), "{w}");
        assert!(p
            .warnings
            .iter()
            .any(|x| x.kind == WarningKind::SignatureNotHex));
    }

    #[test]
    fn logbook_template_and_extensions() {
        let xml = r#"<profile_generic xmlns="urn:k461-dke-de:profile_generic-1"><capture_objects><capture_object><logical_name>0000636203ff.eppc0210486901.sm</logical_name></capture_object></capture_objects>
<buffer><logbook><entry><record_number>17</record_number><event><!-- Letztverbraucher [User] hat sich angemeldet --><timestamp>2026-11-20T09:00:00Z</timestamp><level>INFO</level><type><event_id>2</event_id></type><outcome>SUCCESS</outcome><message_extensions count="1"><message_extension id="User">demo</message_extension></message_extensions></event></entry>
<entry><record_number>18</record_number><event><!-- Zeitsynchronisation fehlgeschlagen --><timestamp>2026-11-20T09:01:00Z</timestamp><level>FATAL</level><type><event_id>1</event_id></type><outcome>FAILURE</outcome></event></entry>
<entry><record_number>x</record_number></entry></logbook></buffer></profile_generic>"#;
        let b = parse_logbook(xml.as_bytes()).unwrap();
        assert_eq!(
            b.logical_name.as_deref(),
            Some("0000636203ff.eppc0210486901.sm")
        );
        assert_eq!(b.entries.len(), 2);
        assert_eq!(b.entries[0].index, 17);
        assert_eq!(
            b.entries[0].message,
            "Letztverbraucher demo hat sich angemeldet"
        );
        assert_eq!(b.entries[0].user_identity.as_deref(), Some("demo"));
        assert!(b.entries[0].extra.as_deref().unwrap().contains("[User]"));
        assert_eq!(b.entries[1].level, LogLevel::Alert);
        assert_eq!(b.entries[1].outcome.as_deref(), Some("FAILURE"));
        assert_eq!(b.warnings.len(), 1);
    }

    #[test]
    fn not_cms_and_meter_profile() {
        assert!(unwrap(b"<html>Fehler</html>").is_err());
        assert!(unwrap(&[0x30, 0x03, 0x02, 0x01, 0x01]).is_err());
        assert!(!looks_like_cms(b"<html>"));
        let obis = parse_meter_profile(
            b"<kaf_lmn_container><samplerate>900</samplerate><obis_list><obis>0100010800FF</obis><obis>0100020800ff</obis></obis_list></kaf_lmn_container>",
        )
        .unwrap();
        assert_eq!(obis, ["0100010800ff", "0100020800ff"]);
    }
}
