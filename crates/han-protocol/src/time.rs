//! Times on the wire.
//!
//! Requests carry `YYYY-MM-DDThh:mm:ssZ`. Responses are read leniently: date and time
//! with `T` or a space, optional fractional seconds, optional `Z` or offset (`+01:00`,
//! `+0100`, even `+1:00` as in the published paper), or a bare date; times without an
//! offset are UTC because the gateway stores UTC.

use chrono::{DateTime, Utc};
use smgw_model::time::{format_wire, parse_datetime};
use smgw_model::NaiveAs;

/// Formats a time the way requests carry it: `YYYY-MM-DDThh:mm:ssZ` (seconds truncated).
pub fn format_wire_time(t: DateTime<Utc>) -> String {
    format_wire(t)
}

/// Parses a timestamp from a response; `None` if it is not a date or date-time. The
/// forms are smgw-model's; a time without offset is UTC, as the gateway keeps UTC.
pub fn parse_wire_time(s: &str) -> Option<DateTime<Utc>> {
    parse_datetime(s, NaiveAs::Utc).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
