//! Times on the wire.
//!
//! Requests carry `YYYY-MM-DDThh:mm:ssZ`. Responses are read leniently: date and time
//! with `T` or a space, optional fractional seconds, optional `Z` or offset (`+01:00`,
//! `+0100`, even `+1:00` as in the published paper), or a bare date; times without an
//! offset are UTC because the gateway stores UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Formats a time the way requests carry it: `YYYY-MM-DDThh:mm:ssZ` (seconds truncated).
pub fn format_wire_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses a timestamp from a response; `None` if it is not a date or date-time.
pub fn parse_wire_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 40 {
        return None;
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)));
    }
    let (body, offset) = split_offset(s)?;
    let body = body.replacen(' ', "T", 1);
    let naive = NaiveDateTime::parse_from_str(&body, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(&body, "%Y-%m-%dT%H:%M"))
        .ok()?;
    let local = offset.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc))
}

/// Splits a trailing `Z` or `±h[h][:mm]` offset off a date-time string.
fn split_offset(s: &str) -> Option<(&str, FixedOffset)> {
    if let Some(body) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        return Some((body, FixedOffset::east_opt(0)?));
    }
    // An offset sign can only follow the time part, i.e. come after the 'T' or space.
    let time_start = s.find(['T', 't', ' ']).map(|i| i + 1).unwrap_or(s.len());
    let Some(rel) = s[time_start..].rfind(['+', '-']) else {
        return Some((s, FixedOffset::east_opt(0)?));
    };
    let at = time_start + rel;
    let (body, off) = s.split_at(at);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let digits = &off[1..];
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 {
        return None;
    }
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    Some((body, FixedOffset::east_opt(sign * (h * 3600 + m * 60))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().unwrap()
    }

    #[test]
    fn formats_with_z_and_whole_seconds() {
        let t = utc(2019, 4, 18, 14, 25, 39) + chrono::Duration::milliseconds(750);
        assert_eq!(format_wire_time(t), "2019-04-18T14:25:39Z");
    }

    #[test]
    fn parses_the_documented_forms() {
        let want = utc(2019, 4, 18, 14, 25, 39);
        for s in [
            "2019-04-18T14:25:39Z",
            "2019-04-18T14:25:39",
            "2019-04-18 14:25:39",
            "2019-04-18T16:25:39+02:00",
            "2019-04-18T15:25:39+1:00",
            "2019-04-18T15:25:39+0100",
            "2019-04-18T12:25:39-02:00",
            "2019-04-18T14:25:39.000Z",
        ] {
            assert_eq!(parse_wire_time(s), Some(want), "{s}");
        }
        assert_eq!(
            parse_wire_time("2019-04-18"),
            Some(utc(2019, 4, 18, 0, 0, 0))
        );
    }

    #[test]
    fn refuses_garbage() {
        for s in [
            "",
            "abc",
            "2019-13-01T00:00:00Z",
            "2019-04-18T25:00:00",
            "14:25:39",
            "2019-04-18T14:25:39+25:00",
        ] {
            assert_eq!(parse_wire_time(s), None, "{s}");
        }
    }

    #[test]
    fn round_trips() {
        let t = utc(2026, 3, 29, 1, 0, 0);
        assert_eq!(parse_wire_time(&format_wire_time(t)), Some(t));
    }
}
