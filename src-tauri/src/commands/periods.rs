//! The periods the screens propose: the last day, week, month or year of values, and
//! the export's default days. Worked out here in German local time so that the window
//! only shows and passes them on (a date computed in the web view is the UTC date, a day
//! off between midnight and 1 or 2 o'clock).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::parse_time;
use crate::error::UiError;

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
        PeriodKind::Export => {
            let day = |t| {
                smgw_model::time::berlin_date(t)
                    .format("%Y-%m-%d")
                    .to_string()
            };
            ProposedPeriod {
                from: day(start),
                to: day(end),
            }
        }
        _ => {
            let instant = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            ProposedPeriod {
                from: instant(start),
                to: instant(end),
            }
        }
    })
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
}
