//! The `showMeterValues` table as readings, sans IO: local time stamps without offset
//! (the repeated autumn hour twice, newest first, so the second pass comes first), values
//! stamped a second after the quarter hour, import/export pairs whose export row has no
//! time stamp, scaled text with a unit, `istvalide` 1/0 or 1/2/3.

use smgw_model::{FieldWarning, WarningKind};

use crate::signed::left_out;
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use smgw_model::records::{ChannelReadings, Reading};
use smgw_model::{Obis, ScaledValue};

use crate::html::ValueRow;
use crate::signed::{status_word, target_of};

/// A local time stamp as the table writes it.
pub fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%d.%m.%Y %H:%M:%S"))
        .ok()
}

/// The instant of a local stamp in a newest-first list: in the repeated autumn hour the
/// later instant while it is still older than the previous (newer) row, else the earlier.
pub fn resolve(naive: NaiveDateTime, newer: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match Berlin.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(early, late) => {
            let (early, late) = (early.with_timezone(&Utc), late.with_timezone(&Utc));
            match newer {
                Some(n) if late >= n => Some(early),
                _ => Some(late),
            }
        }
        LocalResult::None => None,
    }
}

/// The channel name for a row: `<obis hex>.<meter>.sm` from the OBIS text and the meter's
/// name (`<prefix>.<meter>.sm`).
fn channel_name(obis: &str, meter_name: &str) -> Option<String> {
    let obis: Obis = obis.parse().ok()?;
    let meter = meter_name
        .split('.')
        .nth(1)
        .filter(|m| !m.is_empty())
        .unwrap_or(meter_name);
    Some(format!(
        "{}.{}.sm",
        obis.to_hex(),
        meter.to_ascii_lowercase()
    ))
}

/// A scaled text value with its unit, as Wh or W (kilo- units move the scaler).
pub fn value_of(text: &str, unit: &str) -> Result<ScaledValue, String> {
    let v = ScaledValue::from_decimal_str(text.trim().replace(',', ".").as_str())
        .map_err(|e| e.to_string())?;
    let shift: i8 = match unit.trim() {
        "kWh" | "kW" | "kvarh" | "kvar" => 3,
        "MWh" | "MW" => 6,
        _ => 0,
    };
    Ok(ScaledValue::new(
        v.raw,
        v.scaler.checked_add(shift).ok_or("scaler out of range")?,
    ))
}

/// The rows of one or more pages as readings per channel, ascending, each once.
pub fn readings(
    rows: &[ValueRow],
    meter_name: &str,
    warnings: &mut Vec<FieldWarning>,
) -> Vec<ChannelReadings> {
    let mut out: Vec<ChannelReadings> = Vec::new();
    let mut newer: Option<DateTime<Utc>> = None;
    let mut current: Option<DateTime<Utc>> = None;
    for (n, row) in rows.iter().enumerate() {
        if !row.timestamp.trim().is_empty() {
            current = match parse_local(&row.timestamp) {
                Some(naive) => resolve(naive, newer),
                None => None,
            };
            match current {
                Some(t) => newer = Some(t),
                None => {
                    warnings.push(left_out(
                        format!("row[{n}].timestamp"),
                        &row.timestamp,
                        "not a time; the row is skipped",
                    ));
                    continue;
                }
            }
        }
        let Some(at) = current else {
            warnings.push(left_out(
                format!("row[{n}].timestamp"),
                "",
                "empty and no row with a time above it; the row is skipped",
            ));
            continue;
        };
        let name = if row.name.trim().is_empty() {
            meter_name
        } else {
            row.name.trim()
        };
        let Some(channel) = channel_name(&row.obis, name) else {
            warnings.push(left_out(
                format!("row[{n}].obis"),
                &row.obis,
                "not an OBIS id; the row is skipped",
            ));
            continue;
        };
        let status = match row.valid.trim() {
            "1" => 0,
            "0" | "2" => 4,
            "3" => 3,
            other => {
                warnings.push(left_out(
                    format!("row[{n}].istvalide"),
                    other,
                    "unknown validity; the value is taken as invalid",
                ));
                4
            }
        };
        if status == 3 && row.value.trim().is_empty() {
            continue;
        }
        let value = match value_of(&row.value, &row.unit) {
            Ok(v) => v,
            Err(e) => {
                warnings.push(left_out(
                    format!("row[{n}].wert"),
                    &row.value,
                    format!("{e}; the row is skipped"),
                ));
                continue;
            }
        };
        let signature = match row.sign.trim() {
            "" => None,
            s => match hex::decode(s) {
                Ok(b) => Some(b),
                Err(e) => {
                    warnings.push(FieldWarning::new(
                        WarningKind::SignatureNotHex,
                        format!("row[{n}].sign"),
                        s,
                        format!("not hex ({e}); kept in the raw page"),
                    ));
                    None
                }
            },
        };
        let reading = Reading {
            capture_time: Some(at),
            target_time: target_of(at),
            value,
            cosem_status: None,
            smgw_status: Some(status_word(status)),
            meter_status: None,
            owner: None,
            signature,
        };
        match out.iter_mut().find(|c| c.channel == channel) {
            Some(c) => c.readings.push(reading),
            None => out.push(ChannelReadings {
                channel,
                readings: vec![reading],
            }),
        }
    }
    for c in &mut out {
        // Stable: of rows with one time, the one higher on the page comes first.
        c.readings.sort_by_key(|r| r.target_time);
        let channel = &c.channel;
        // `dedup_by` hands the later row as `later`, the kept one as `kept`.
        c.readings.dedup_by(|later, kept| {
            if later.target_time != kept.target_time {
                return false;
            }
            if later.value != kept.value {
                // The page contradicts itself (found by fuzzing: one time, two values).
                // The first stays; the page, with both, is the archived raw answer.
                warnings.push(left_out(
                    format!("showMeterValues {channel}"),
                    &format!("{} / {}", kept.value, later.value),
                    format!(
                        "two values for {}; the first row's is kept",
                        kept.target_time.to_rfc3339()
                    ),
                ));
            }
            true
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use smgw_model::time::{parse_datetime, NaiveAs};

    fn row(ts: &str, obis: &str, v: &str, valid: &str) -> ValueRow {
        ValueRow {
            timestamp: ts.into(),
            obis: obis.into(),
            value: v.into(),
            unit: "kWh".into(),
            valid: valid.into(),
            name: "01005e318002.1lgz0072999211.sm".into(),
            sign: String::new(),
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        parse_datetime(s, NaiveAs::Utc).unwrap()
    }

    #[test]
    fn one_time_twice_keeps_one_value_and_warns_when_they_differ() {
        // A page holding a row twice (fuzzing found it): one value per time, always
        // ascending; a contradiction is reported, a plain repeat is not.
        let rows = vec![
            row("2026-11-20 10:00:01", "1-0:1.8.0", "26128.3574", "1"),
            row("2026-11-20 10:00:01", "1-0:1.8.0", "26128.3574", "1"),
            row("2026-11-20 10:00:01", "1-0:1.8.0", "26128.4000", "1"),
        ];
        let mut warnings = Vec::new();
        let channels = readings(&rows, "1LGZ0072999211", &mut warnings);
        assert_eq!(channels.len(), 1);
        assert_eq!(channels[0].readings.len(), 1);
        assert_eq!(
            channels[0].readings[0].value.to_string(),
            "26128357.4",
            "in Wh"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].raw.contains("26128400"), "{:?}", warnings[0]);
    }

    #[test]
    fn autumn_day_second_pass_first_pairs_and_next_day_value() {
        // Newest first: 03:00:01 CET, the repeated hour's second pass (CET), then its first
        // pass (CEST), each with an export row without time stamp.
        let mut rows = vec![row("2025-10-26 03:00:01", "1-0:1.8.0", "10.0005", "1")];
        rows.push(row("", "1-0:2.8.0", "1.0000", "1"));
        for pass in 0..2 {
            for m in [45, 30, 15, 0] {
                rows.push(row(
                    &format!("2025-10-26 02:{m:02}:01"),
                    "1-0:1.8.0",
                    &format!("10.000{}", pass),
                    if m == 15 { "0" } else { "1" },
                ));
                rows.push(row("", "1-0:2.8.0", "1.0000", "1"));
            }
        }
        let mut w = Vec::new();
        let ch = readings(&rows, "x", &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0].channel, "0100010800ff.1lgz0072999211.sm");
        assert_eq!(ch[1].channel, "0100020800ff.1lgz0072999211.sm");
        let t: Vec<_> = ch[0].readings.iter().map(|r| r.target_time).collect();
        assert_eq!(t.len(), 9);
        assert_eq!(t[0], utc("2025-10-26T00:00:00Z"));
        assert_eq!(t[4], utc("2025-10-26T01:00:00Z"));
        assert_eq!(t[8], utc("2025-10-26T02:00:00Z"));
        // The first pass (CEST, older) carries 10.0001 as written last.
        assert_eq!(ch[0].readings[0].value, ScaledValue::new(100_001, -1));
        assert_eq!(ch[0].readings[4].value, ScaledValue::new(100_000, -1));
        assert!(!ch[0].readings[1].ptb().unwrap().is_valid());
        assert_eq!(ch[1].readings.len(), 9);
        assert_eq!(ch[1].readings[8].value, ScaledValue::new(10_000, -1));
    }

    #[test]
    fn midnight_stamp_belongs_to_the_day_before_and_123_validity() {
        let rows = vec![
            row("2026-01-02 00:00:01", "1-0:1.8.0", "1.5", "3"),
            row("2026-01-01 23:45:01", "1-0:1.8.0", "", "3"),
            row("2026-01-01 23:30:01", "1-0:1.8.0", "1.25", "2"),
            row("kaputt", "1-0:1.8.0", "1", "1"),
            row("", "1-0:2.8.0", "1", "1"),
        ];
        let mut w = Vec::new();
        let ch = readings(&rows, "x", &mut w);
        assert_eq!(w.len(), 2, "{w:?}");
        let r = &ch[0].readings;
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].target_time, utc("2026-01-01T23:00:00Z"));
        assert_eq!(r[1].capture_time, Some(utc("2026-01-01T23:00:01Z")));
        assert_eq!(r[1].value, ScaledValue::new(15, 2));
        assert!(!r[0].ptb().unwrap().is_valid());
    }
}
