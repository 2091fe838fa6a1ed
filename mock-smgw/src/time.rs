//! Time stamps as the gateway writes and reads them.
//!
//! Internally every instant is a Unix time in seconds (UTC): the data generator works on
//! 15-minute slots and integer arithmetic keeps it fast and exactly reproducible.

use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;

/// Formats a Unix time as `YYYY-MM-DDThh:mm:ssZ`, the form the mock sends.
pub fn format(t: i64) -> String {
    match DateTime::<Utc>::from_timestamp(t, 0) {
        Some(d) => d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        // Only reachable for times hundreds of millennia away; keep the output parseable.
        None => "1970-01-01T00:00:00Z".to_owned(),
    }
}

/// Converts a Unix time into a chrono UTC date-time (falls back to the epoch when out of range).
pub fn to_utc(t: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default()
}

/// Parses the date/time forms of the contract: `YYYY-MM-DD`, `hh:mm:ss`,
/// `YYYY-MM-DDThh:mm:ss` (also with a space or fractional seconds), each optionally followed
/// by `Z` or an offset `±hh:mm` / `±h:mm` / `±hhmm`. Without a zone the time is UTC; a bare
/// time of day refers to the date of `today` (the gateway's current time).
pub fn parse(s: &str, today: i64) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (body, offset) = split_zone(s)?;
    let naive = if let Ok(d) = NaiveDate::parse_from_str(body, "%Y-%m-%d") {
        d.and_time(NaiveTime::MIN)
    } else if let Some(dt) = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(body, f).ok())
    {
        dt
    } else {
        let time = NaiveTime::parse_from_str(body, "%H:%M:%S%.f").ok()?;
        to_utc(today).date_naive().and_time(time)
    };
    Some(Utc.from_utc_datetime(&naive).timestamp() - i64::from(offset))
}

/// Splits a trailing `Z` or numeric offset off; returns the rest and the offset in seconds.
fn split_zone(s: &str) -> Option<(&str, i32)> {
    if let Some(rest) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        return Some((rest, 0));
    }
    // An offset sign can only follow the time part, i.e. after a 'T' or space or a time-only value.
    let time_start = s.find(['T', ' ']).map(|i| i + 1).unwrap_or(0);
    let tail = &s[time_start..];
    let Some(pos) = tail.rfind(['+', '-']) else {
        return Some((s, 0));
    };
    if time_start == 0 && s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
        // A plain date: the dashes belong to the date.
        return Some((s, 0));
    }
    let sign = if tail.as_bytes()[pos] == b'-' { -1 } else { 1 };
    let off = &tail[pos + 1..];
    let (h, m) = if let Some((h, m)) = off.split_once(':') {
        (h, m)
    } else if off.len() == 4 {
        off.split_at(2)
    } else {
        (off, "0")
    };
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    Some((&s[..time_start + pos], sign * (h * 3600 + m * 60)))
}

/// Unix time of the local (Europe/Berlin) midnight that starts the day containing `t`.
pub fn local_midnight(t: i64) -> i64 {
    let local = to_utc(t).with_timezone(&Berlin);
    let date = local.date_naive();
    local_start_of(date).unwrap_or(t - t.rem_euclid(86_400))
}

/// `t` moved by `months` whole months in German local time: the same day of the month
/// (the last one where the month is shorter) and the same wall-clock time, so that local
/// midnights and month starts stay midnights and month starts. A wall-clock time the
/// spring change skips moves on by an hour. `None` only far outside chrono's range.
pub fn add_local_months(t: i64, months: i32) -> Option<i64> {
    let local = to_utc(t).with_timezone(&Berlin).naive_local();
    let moved = if months >= 0 {
        local.checked_add_months(Months::new(months.unsigned_abs()))?
    } else {
        local.checked_sub_months(Months::new(months.unsigned_abs()))?
    };
    Berlin
        .from_local_datetime(&moved)
        .earliest()
        .or_else(|| {
            Berlin
                .from_local_datetime(&(moved + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|d| d.timestamp())
}

/// Unix time of local midnight at the start of `date` (midnight always exists in Berlin).
pub fn local_start_of(date: NaiveDate) -> Option<i64> {
    Berlin
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map(|d| d.timestamp())
}

/// Local midnight of the day after the one containing `t`.
pub fn next_local_midnight(t: i64) -> i64 {
    let local = to_utc(t).with_timezone(&Berlin);
    match local.date_naive().succ_opt().and_then(local_start_of) {
        Some(n) => n,
        None => t + 86_400,
    }
}

/// Local midnight starting the month after the one containing `t`.
pub fn next_local_month(t: i64) -> i64 {
    use chrono::Datelike;
    let d = to_utc(t).with_timezone(&Berlin).date_naive();
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(local_start_of)
        .unwrap_or(t + 31 * 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_contract_forms() {
        let base = parse("2025-03-30T01:00:00Z", 0);
        assert_eq!(base, Some(1_743_296_400));
        assert_eq!(parse("2025-03-30T02:00:00+01:00", 0), base);
        assert_eq!(parse("2025-03-30T02:00:00+1:00", 0), base);
        assert_eq!(parse("2025-03-30T00:00:00-01:00", 0), base);
        assert_eq!(parse("2025-03-30T01:00:00", 0), base);
        assert_eq!(parse("2025-03-30", 0), Some(1_743_292_800));
        assert_eq!(parse("01:00:00Z", 1_743_300_000), base);
        assert_eq!(parse("nonsense", 0), None);
        assert_eq!(format(1_743_296_400), "2025-03-30T01:00:00Z");
    }

    #[test]
    fn local_days_have_dst_lengths() {
        let spring = parse("2025-03-30T00:00:00+01:00", 0).unwrap_or_default();
        assert_eq!(next_local_midnight(spring) - spring, 23 * 3600);
        let autumn = parse("2025-10-26T00:00:00+02:00", 0).unwrap_or_default();
        assert_eq!(next_local_midnight(autumn) - autumn, 25 * 3600);
        assert_eq!(local_midnight(autumn + 7200), autumn);
    }

    #[test]
    fn months_move_in_local_time() {
        let at = |s: &str| parse(s, 0).unwrap_or_default();
        // A month start stays a local month start across the clock change.
        assert_eq!(
            add_local_months(at("2024-11-01T00:00:00+01:00"), 7),
            Some(at("2025-06-01T00:00:00+02:00"))
        );
        assert_eq!(
            add_local_months(at("2025-06-01T00:00:00+02:00"), -7),
            Some(at("2024-11-01T00:00:00+01:00"))
        );
        // The 31st becomes the last day of a shorter month.
        assert_eq!(
            add_local_months(at("2025-01-31T12:00:00+01:00"), 1),
            Some(at("2025-02-28T12:00:00+01:00"))
        );
        // 02:30 does not exist on the spring day: an hour later.
        assert_eq!(
            add_local_months(at("2025-01-30T02:30:00+01:00"), 2),
            Some(at("2025-03-30T03:30:00+02:00"))
        );
    }
}
