//! A small reader for just the parts of an AR 2418-6 XML file the mock serves: the value
//! lists (`MeterReading`) and the logbook (`LogEntry`).

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::config::Level;
use crate::data::{self, LogEntry, Reading, Step};
use crate::scenario::{Channel, Database, ScenarioError, Source, UsagePoint};
use crate::time;

#[derive(Default)]
struct MeterReading {
    meter_id: String,
    obis: String,
    scaler: i32,
    uom: i32,
    period: i64,
    /// (value, capture, target, statusPTB)
    values: Vec<(i64, i64, i64, u32)>,
}

#[derive(Default)]
struct Interval {
    value: Option<i64>,
    start: Option<i64>,
    duration: i64,
    target: Option<i64>,
    status: u32,
}

#[derive(Default)]
struct Log {
    record: u64,
    level: u32,
    text: String,
    outcome: u32,
    time: i64,
}

/// What the reader extracted.
#[derive(Default)]
pub(crate) struct Parsed {
    usage_point_id: String,
    smgw_id: String,
    tariff_name: String,
    billing_start: Option<i64>,
    billing_duration: i64,
    readings: Vec<MeterReading>,
    log: Vec<Log>,
}

fn err(msg: impl Into<String>) -> ScenarioError {
    ScenarioError::Ar2418(msg.into())
}

/// Parses the file.
pub(crate) fn parse(xml: &str) -> Result<Parsed, ScenarioError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut p = Parsed::default();
    let mut mr: Option<MeterReading> = None;
    let mut iv: Option<Interval> = None;
    let mut log: Option<Log> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| err(format!("XML error at {}: {e}", reader.buffer_position())))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match name.as_str() {
                    "MeterReading" => mr = Some(MeterReading::default()),
                    "IntervalReading" => iv = Some(Interval::default()),
                    "LogEntry" => log = Some(Log::default()),
                    _ => {}
                }
                path.push(name);
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match name.as_str() {
                    "MeterReading" => {
                        if let Some(m) = mr.take() {
                            p.readings.push(m);
                        }
                    }
                    "IntervalReading" => {
                        if let (Some(i), Some(m)) = (iv.take(), mr.as_mut()) {
                            let (Some(value), Some(start)) = (i.value, i.start) else {
                                return Err(err("IntervalReading without value or start"));
                            };
                            let target = i.target.unwrap_or(start + i.duration);
                            m.values.push((value, start, target, i.status));
                        }
                    }
                    "LogEntry" => {
                        if let Some(l) = log.take() {
                            p.log.push(l);
                        }
                    }
                    _ => {}
                }
                path.pop();
            }
            Event::Text(e) => {
                let text = e.decode().map_err(|e| err(e.to_string()))?.into_owned();
                text_event(&path, &text, &mut p, mr.as_mut(), iv.as_mut(), log.as_mut())?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if p.readings.is_empty() && p.log.is_empty() {
        return Err(err("no MeterReading and no LogEntry found"));
    }
    Ok(p)
}

fn num<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, ScenarioError> {
    s.trim()
        .parse()
        .map_err(|_| err(format!("{what}: not a number: {s:?}")))
}

fn when(s: &str) -> Result<i64, ScenarioError> {
    time::parse(s, 0).ok_or_else(|| err(format!("bad time {s:?}")))
}

fn text_event(
    path: &[String],
    text: &str,
    p: &mut Parsed,
    mr: Option<&mut MeterReading>,
    iv: Option<&mut Interval>,
    log: Option<&mut Log>,
) -> Result<(), ScenarioError> {
    let last = path.last().map(String::as_str).unwrap_or("");
    let parent = path
        .len()
        .checked_sub(2)
        .and_then(|i| path.get(i))
        .map(String::as_str)
        .unwrap_or("");
    if let Some(l) = log {
        match last {
            "recordNumber" => l.record = num(text, "recordNumber")?,
            "level" => l.level = num(text, "level")?,
            "text" => l.text = text.to_owned(),
            "outcome" => l.outcome = num(text, "outcome")?,
            "timestamp" => l.time = when(text)?,
            _ => {}
        }
        return Ok(());
    }
    if let Some(i) = iv {
        match (parent, last) {
            (_, "value") => i.value = Some(num(text, "value")?),
            ("timePeriod", "start") => i.start = Some(when(text)?),
            ("timePeriod", "duration") => i.duration = num(text, "duration")?,
            (_, "targetTime") => i.target = Some(when(text)?),
            (_, "statusPTB") => i.status = num(text, "statusPTB")?,
            _ => {}
        }
        return Ok(());
    }
    if let Some(m) = mr {
        match (parent, last) {
            ("Meter", "meterId") => m.meter_id = text.to_owned(),
            ("ReadingType", "obisCode") => m.obis = text.to_ascii_lowercase(),
            ("ReadingType", "scaler") => m.scaler = num(text, "scaler")?,
            ("ReadingType", "uom") => m.uom = num(text, "uom")?,
            ("ReadingType", "measurementPeriod") => m.period = num(text, "measurementPeriod")?,
            _ => {}
        }
        return Ok(());
    }
    match (parent, last) {
        ("UsagePoint", "usagePointId") => p.usage_point_id = text.to_owned(),
        ("SMGW", "smgwId") => p.smgw_id = text.to_owned(),
        ("UsagePoint", "tariffName") => p.tariff_name = text.to_owned(),
        ("billingPeriod", "start") => p.billing_start = Some(when(text)?),
        ("billingPeriod", "duration") => p.billing_duration = num(text, "duration")?,
        _ => {}
    }
    Ok(())
}

/// ESPI unit of measure → DLMS unit code.
fn dlms_unit(uom: i32) -> i32 {
    match uom {
        72 => 30, // Wh
        38 => 27, // W
        73 => 32, // varh
        63 => 29, // var
        other => other,
    }
}

fn level_of(status_ptb: u32) -> Level {
    match status_ptb {
        0 => Level::Normal,
        1 => Level::Warning,
        2 => Level::Temporary,
        3 => Level::Critical,
        _ => Level::Fatal,
    }
}

impl Parsed {
    /// Turns the file into a TAF-7 contract and a logbook for the consumer `userid`.
    pub(crate) fn into_usage_point(self, userid: &str, now: i64) -> (UsagePoint, Vec<LogEntry>) {
        let prefix = userid.split('.').next().unwrap_or(userid);
        let mut map: HashMap<(String, String), Vec<Reading>> = HashMap::new();
        let mut dbs: Vec<Database> = Vec::new();
        let mut meter_ids: Vec<String> = Vec::new();
        let mut first = i64::MAX;
        for m in &self.readings {
            let db_name = if m.period == 86_400 {
                "daily"
            } else {
                "origin"
            };
            let step = if m.period == 86_400 {
                Step::Daily
            } else {
                Step::Seconds(m.period.max(1))
            };
            if !meter_ids.contains(&m.meter_id) {
                meter_ids.push(m.meter_id.clone());
            }
            let db = match dbs.iter_mut().position(|d| d.name == db_name) {
                Some(i) => &mut dbs[i],
                None => {
                    dbs.push(Database {
                        name: db_name.to_owned(),
                        step,
                        channels: Vec::new(),
                    });
                    let last = dbs.len() - 1;
                    &mut dbs[last]
                }
            };
            if !db.channels.iter().any(|c| c.obis == m.obis) {
                db.channels.push(Channel {
                    obis: m.obis.clone(),
                    unit: dlms_unit(m.uom),
                    scaler: m.scaler,
                    quantity: None,
                });
            }
            let list = map.entry((db_name.to_owned(), m.obis.clone())).or_default();
            for &(value, capture, target, status) in &m.values {
                first = first.min(target);
                let (cosem, smgw, meter) = data::status_words(level_of(status), false);
                list.push(Reading {
                    channel: format!("{}.{}.sm", m.obis, m.meter_id),
                    capture_time: capture,
                    target_time: target,
                    value,
                    cosem_status: cosem,
                    smgw_status: smgw,
                    meter_status: meter,
                    owner_number: m.meter_id.clone(),
                    signature: None,
                });
            }
        }
        for v in map.values_mut() {
            v.sort_by_key(|r| r.target_time);
            v.dedup_by_key(|r| r.target_time);
        }
        let start = if first == i64::MAX { now } else { first };
        let billing = self
            .billing_start
            .map(|s| {
                let end = if self.billing_duration > 0 {
                    time::format(s + self.billing_duration)
                } else {
                    String::new()
                };
                vec![(time::format(s), end)]
            })
            .unwrap_or_default();
        let up = UsagePoint {
            id: format!("{prefix}.taf7-1.sm"),
            name: if self.tariff_name.is_empty() {
                "TAF-7 (AR 2418-6)".to_owned()
            } else {
                self.tariff_name.clone()
            },
            taf: 7,
            state: "running".to_owned(),
            start,
            end: None,
            capture_time: "00:00:00".to_owned(),
            delivery_id: String::new(),
            metering_point_id: self.usage_point_id.clone(),
            meter_ids,
            on_demand_profile: false,
            billing,
            emts: Vec::new(),
            transparency_bit: false,
            databases: dbs,
            source: Source::Explicit(map),
        };
        let smgw = self.smgw_id.clone();
        let mut entries = self.log;
        // Files list the logbook in any order; the gateway serves it by record number.
        entries.sort_by_key(|l| l.record);
        let log = entries
            .into_iter()
            .map(|l| LogEntry {
                index: l.record,
                event_id: 0,
                event_sub_id: 0,
                level: l.level,
                outcome: l.outcome,
                vendor_id: "BSI".to_owned(),
                subject_identity: smgw.clone(),
                user_identity: userid.to_owned(),
                time: l.time,
                message: l.text,
                version: "1".to_owned(),
            })
            .collect();
        (up, log)
    }
}
