//! The periods the screens propose: the last day, week, month or year of values, and
//! the export's default days. Worked out here in German local time so that the window
//! only shows and passes them on (a date computed in the web view is the UTC date, a day
//! off between midnight and 1 or 2 o'clock).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use smgw_model::time::RangeEdge;

use super::parse_time;
use crate::error::UiError;
use crate::views::Instant;

/// Which period a screen asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// The last 24 hours of values.
    Day,
    /// The last 7 days.
    Week,
    /// The last 31 days.
    Month,
    /// The last 365 days.
    Year,
    /// The export's default: the last 31 German local days, as dates.
    Export,
}

/// A period as the values and export requests take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProposedPeriod {
    /// Start: an RFC 3339 instant, or a German local date (`YYYY-MM-DD`) for the export.
    pub from: String,
    /// End, in the same form.
    pub to: String,
}

/// The period of `kind` that ends at `anchor` (the gateway's clock as the window last
/// heard it, in any form [`parse_time`] reads), else at `now`.
pub fn period(
    kind: PeriodKind,
    anchor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ProposedPeriod, UiError> {
    let end = anchor.map(parse_time).transpose()?.unwrap_or(now);
    let days = match kind {
        PeriodKind::Day => 1,
        PeriodKind::Week => 7,
        PeriodKind::Month | PeriodKind::Export => 31,
        PeriodKind::Year => 365,
    };
    let start = end - Duration::days(days);
    Ok(match kind {
        PeriodKind::Export => ProposedPeriod {
            from: german_day(start),
            to: german_day(end),
        },
        _ => ProposedPeriod {
            from: Instant::from(start).utc,
            to: Instant::from(end).utc,
        },
    })
}

/// The whole German local days that hold every value from `first` to `last`, as the
/// export request takes them. The start is exclusive, so a first value at local
/// midnight needs the day before; the end is inclusive, so a last value at midnight
/// ends there.
pub fn whole_days(first: DateTime<Utc>, last: DateTime<Utc>) -> ProposedPeriod {
    let second = Duration::seconds(1);
    let last_day = smgw_model::time::berlin_date(last - second) + chrono::Days::new(1);
    ProposedPeriod {
        from: german_day(first - second),
        to: last_day.format(DAY).to_string(),
    }
}

/// A range of instants a filter compares times with; an open end is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InstantRange {
    /// Inclusive start.
    pub from: Option<Instant>,
    /// Exclusive end.
    pub to: Option<Instant>,
}

/// The instants of a filter's "from" and "to", typed as German wall-clock times in the
/// form of a `datetime-local` field (`2026-10-25T02:30`, seconds optional; empty: open).
/// The range holds every instant whose German time is in it, also in the repeated and
/// the skipped hour ([`smgw_model::time::berlin_range_edge`]); the web view would read
/// the fields in the computer's zone, and pick one of the two 02:30 in October.
pub fn wall_clock_range(from: &str, to: &str) -> Result<InstantRange, UiError> {
    let edge = |text: &str, edge| -> Result<Option<Instant>, UiError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
            .iter()
            .find_map(|form| chrono::NaiveDateTime::parse_from_str(text, form).ok())
            .ok_or_else(|| {
                UiError::problem(&durchblick_core::problem::Problem::BadTime {
                    text: text.to_owned(),
                    reason: "YYYY-MM-DDTHH:MM".to_owned(),
                })
            })?;
        Ok(Some(Instant::from(smgw_model::time::berlin_range_edge(
            naive, edge,
        ))))
    };
    Ok(InstantRange {
        from: edge(from, RangeEdge::Start)?,
        to: edge(to, RangeEdge::End)?,
    })
}

/// How the export request writes a day.
const DAY: &str = "%Y-%m-%d";

/// The German local date of `t` as `YYYY-MM-DD`.
fn german_day(t: DateTime<Utc>) -> String {
    smgw_model::time::berlin_date(t).format(DAY).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_end_at_the_gateways_clock_and_export_days_are_german_days() {
        let now = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let year = period(PeriodKind::Year, Some("2026-11-20T09:00:00Z"), now).expect("year");
        assert_eq!(
            (year.from.as_str(), year.to.as_str()),
            ("2025-11-20T09:00:00Z", "2026-11-20T09:00:00Z")
        );
        let day = period(PeriodKind::Day, None, now).expect("day");
        assert_eq!(
            (day.from.as_str(), day.to.as_str()),
            ("2029-12-31T00:00:00Z", "2030-01-01T00:00:00Z")
        );
        // 23:30 UTC on 20 November is 00:30 on the 21st in Germany: the export ends on
        // the German day (the UTC date would say the 20th).
        let export = period(PeriodKind::Export, Some("2026-11-20T23:30:00Z"), now).expect("export");
        assert_eq!(
            (export.from.as_str(), export.to.as_str()),
            ("2026-10-21", "2026-11-21")
        );
        assert!(period(PeriodKind::Week, Some("gestern"), now).is_err());
    }

    #[test]
    fn a_filters_wall_clock_range_is_german_time_and_holds_both_repeated_hours() {
        let range = wall_clock_range("2026-10-25T02:30", " 2026-10-25T02:50:30 ").expect("range");
        let utc = |i: Option<Instant>| i.map(|i| i.utc);
        assert_eq!(utc(range.from).as_deref(), Some("2026-10-25T00:30:00Z"));
        assert_eq!(utc(range.to).as_deref(), Some("2026-10-25T01:50:30Z"));
        let open = wall_clock_range("", "2026-11-20T10:00").expect("open start");
        assert_eq!(open.from, None);
        assert_eq!(utc(open.to).as_deref(), Some("2026-11-20T09:00:00Z"));
        for bad in ["gestern", "2026-13-01T00:00", "2026-10-25"] {
            let e = wall_clock_range(bad, "").expect_err(bad);
            assert!(e.de.contains(bad) && e.en.contains(bad), "{e:?}");
        }
    }

    #[test]
    fn the_whole_range_is_whole_berlin_days_around_the_values() {
        let utc = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .expect("time")
                .with_timezone(&chrono::Utc)
        };
        // The first value at local midnight (23:00 UTC in winter): the exclusive start
        // is the day before; the last at 00:30 local on 1 July (22:30 UTC on 30 June):
        // the inclusive end is the next midnight, 2 July; the UTC date would say
        // 30 June and lose the value.
        let range = whole_days(utc("2024-10-31T23:00:00Z"), utc("2025-06-30T22:30:00Z"));
        assert_eq!(
            (range.from.as_str(), range.to.as_str()),
            ("2024-10-31", "2025-07-02")
        );
        // A last value at local midnight ends there.
        let range = whole_days(utc("2025-01-01T12:00:00Z"), utc("2025-01-04T23:00:00Z"));
        assert_eq!(
            (range.from.as_str(), range.to.as_str()),
            ("2025-01-01", "2025-01-05")
        );
        // Each end parses back to the midnights that hold the values.
        let from = parse_time(&range.from).expect("from");
        let to = parse_time(&range.to).expect("to");
        assert!(from < utc("2025-01-01T12:00:00Z") && to >= utc("2025-01-04T23:00:00Z"));
    }
}
