//! Gaps in value lists: used by the AR 2418-6 validation and by the archive.
//!
//! A gap is a step between two consecutive (distinct) target times that is longer than
//! the period plus its 1 % tolerance. The missing slots are the raster points
//! ([`crate::time::next_raster_point`]) strictly inside such a step that no reading covers
//! within the tolerance. Duplicate timestamps are not gaps. With a zero period (irregular
//! lists such as some gas readings) every step between distinct times counts as a gap and
//! no slots are listed, which is how TRuDI counts such lists.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::time::{next_raster_point, raster_tolerance};

/// At most this many missing slots are listed (a 1-second period over a year would
/// otherwise allocate millions); [`GapReport::missing_truncated`] tells when it happened.
pub const MAX_LISTED_MISSING: usize = 100_000;

/// Result of [`find_gaps`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GapReport {
    /// Number of steps longer than period + tolerance.
    pub gaps: usize,
    /// Raster slots inside those steps that have no reading, ascending.
    pub missing: Vec<DateTime<Utc>>,
    /// True if more than [`MAX_LISTED_MISSING`] slots were missing and the list was cut.
    pub missing_truncated: bool,
}

/// Counts gaps and lists missing raster slots in a list of target times.
///
/// The times need not be sorted or unique; they are sorted and de-duplicated first.
pub fn find_gaps(times: &[DateTime<Utc>], period: Duration) -> GapReport {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.dedup();
    let period = period.max(Duration::zero());
    let tol = raster_tolerance(period);
    let mut report = GapReport::default();
    for (&a, &b) in sorted.iter().zip(sorted.iter().skip(1)) {
        if b - a <= period + tol {
            continue;
        }
        report.gaps += 1;
        let mut next = next_raster_point(a, period);
        while let Some(p) = next {
            if p >= b - tol {
                break;
            }
            if p > a + tol {
                if report.missing.len() == MAX_LISTED_MISSING {
                    report.missing_truncated = true;
                    break;
                }
                report.missing.push(p);
            }
            next = next_raster_point(p, period);
        }
    }
    report
}

/// The most frequent step between consecutive distinct times, or `None` if there is no
/// clear winner.
///
/// Steps of two minutes and more are rounded to whole minutes before counting, so that a
/// few seconds of jitter (`oml_error_dup_timestamps.xml`: 14:56, 15:04 …) do not split the
/// vote; shorter steps count in whole seconds. If several steps share the highest count,
/// the shortest wins when all the others are multiples of it (a list with some missing
/// slots); otherwise the list is irregular (gas readings at random times) and the result is
/// `None`. Also `None` with fewer than two distinct times.
pub fn detect_period(times: &[DateTime<Utc>]) -> Option<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut steps: Vec<i64> = sorted
        .iter()
        .zip(sorted.iter().skip(1))
        .map(|(a, b)| (*b - *a).num_seconds())
        .filter(|s| *s > 0)
        .map(|s| if s >= 120 { (s + 30) / 60 * 60 } else { s })
        .collect();
    steps.sort_unstable();
    let runs: Vec<(usize, i64)> = steps
        .chunk_by(|x, y| x == y)
        .filter_map(|run| Some((run.len(), *run.first()?)))
        .collect();
    let max = runs.iter().map(|(count, _)| *count).max()?;
    let mut winners = runs
        .iter()
        .filter(|(count, _)| *count == max)
        .map(|(_, step)| *step);
    let shortest = winners.next()?;
    if winners.all(|w| w % shortest == 0) {
        Some(Duration::seconds(shortest))
    } else {
        None
    }
}

/// Holes in a logbook's record numbers (field failure 35): entries the gateway did not
/// send between ones it did, e.g. deleted from its ring buffer between two syncs, or
/// skipped by firmware. Fed the record numbers in the order they arrive (ascending, as
/// every maker's pager delivers them); a number at or below one already seen is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordNumberHoles {
    next: Option<u64>,
    holes: Vec<std::ops::RangeInclusive<u64>>,
}

impl RecordNumberHoles {
    /// Expecting `next` as the first record number (the one after the last archived), or
    /// anything when nothing is archived yet: a gateway's oldest entry may have any number.
    pub fn expecting(next: Option<u64>) -> RecordNumberHoles {
        RecordNumberHoles {
            next,
            holes: Vec::new(),
        }
    }

    /// Notes the record number of the next entry received.
    pub fn observe(&mut self, number: u64) {
        match self.next {
            Some(next) if number < next => return,
            Some(next) if number > next => self.holes.push(next..=number - 1),
            _ => {}
        }
        self.next = Some(number.saturating_add(1));
    }

    /// The missing record numbers, as ascending ranges.
    pub fn holes(&self) -> &[std::ops::RangeInclusive<u64>] {
        &self.holes
    }

    /// How many record numbers are missing.
    pub fn missing(&self) -> u64 {
        self.holes
            .iter()
            .map(|r| r.end().saturating_sub(*r.start()).saturating_add(1))
            .sum()
    }

    /// The holes as text, e.g. `1200–1204, 1300`.
    pub fn describe(&self) -> String {
        self.holes
            .iter()
            .map(|r| {
                if r.start() == r.end() {
                    r.start().to_string()
                } else {
                    format!("{}–{}", r.start(), r.end())
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(times: &[&str]) -> Vec<DateTime<Utc>> {
        times
            .iter()
            .map(|s| t(&format!("2017-06-26T{s}:00+02:00")))
            .collect()
    }

    #[test]
    fn taf7_with_gaps_reference() {
        // The 9 target times of IF_Adapter_TRuDI_DatenTAF7_With_Gaps.xml.
        let times = local(&[
            "11:30", "11:45", "12:00", "12:30", "12:45", "13:00", "13:45", "15:00", "15:15",
        ]);
        let q = Duration::minutes(15);
        assert_eq!(detect_period(&times), Some(q));
        let r = find_gaps(&times, q);
        assert_eq!(r.gaps, 3);
        assert_eq!(
            r.missing,
            local(&["12:15", "13:15", "13:30", "14:00", "14:15", "14:30", "14:45"])
        );
        assert!(!r.missing_truncated);
        // 16 raster slots in total from 11:30 to 15:15.
        assert_eq!(times.len() + r.missing.len(), 16);
    }

    #[test]
    fn no_gaps_and_duplicates() {
        let q = Duration::minutes(15);
        let times = local(&["11:30", "11:45", "12:00"]);
        assert_eq!(find_gaps(&times, q), GapReport::default());
        let dups = local(&[
            "00:00", "00:15", "00:15", "00:30", "00:45", "00:45", "01:00", "01:15", "01:30",
            "01:45", "02:00",
        ]);
        assert_eq!(find_gaps(&dups, q).gaps, 0);
        assert_eq!(detect_period(&dups), Some(q));
        // Unsorted input is fine.
        let mut shuffled = local(&["12:00", "11:30", "12:30"]);
        shuffled.swap(0, 2);
        assert_eq!(find_gaps(&shuffled, q).missing, local(&["11:45", "12:15"]));
    }

    #[test]
    fn spring_change_has_no_gap_in_utc() {
        // result_oml_winter_to_summer_time.xml: 01:45+01:00 is followed by 03:00+02:00.
        let times = vec![
            t("2017-03-26T01:30:00+01:00"),
            t("2017-03-26T01:45:00+01:00"),
            t("2017-03-26T03:00:00+02:00"),
        ];
        assert_eq!(find_gaps(&times, Duration::minutes(15)).gaps, 0);
    }

    #[test]
    fn off_raster_and_tolerance() {
        let q = Duration::minutes(15);
        // Starts off the raster (result_oml_start_not_aligned.xml starts at 14:24:39).
        let times = vec![
            t("2017-06-26T14:24:39+02:00"),
            t("2017-06-26T14:30:00+02:00"),
            t("2017-06-26T14:45:09+02:00"),
            t("2017-06-26T15:00:00+02:00"),
        ];
        assert_eq!(find_gaps(&times, q), GapReport::default());
        let late = vec![
            t("2017-06-26T14:30:00+02:00"),
            t("2017-06-26T15:00:08+02:00"),
        ];
        let r = find_gaps(&late, q);
        assert_eq!(
            (r.gaps, r.missing),
            (1, vec![t("2017-06-26T14:45:00+02:00")])
        );
    }

    #[test]
    fn irregular_gas_readings() {
        // result_oml_gas_0_period.xml: 4 irregular readings give 3 gaps.
        let times = vec![
            t("2017-11-29T17:09:00+01:00"),
            t("2017-11-30T00:04:46+01:00"),
            t("2017-11-30T05:20:22+01:00"),
            t("2017-11-30T06:05:44+01:00"),
        ];
        let r = find_gaps(&times, Duration::zero());
        assert_eq!(r.gaps, 3);
        assert!(r.missing.is_empty());
    }

    #[test]
    fn daily_values_across_dst() {
        let day = Duration::days(1);
        let times = vec![
            t("2017-10-28T00:00:00+02:00"),
            t("2017-10-29T00:00:00+02:00"),
            t("2017-10-31T00:00:00+01:00"),
        ];
        let r = find_gaps(&times, day);
        assert_eq!(
            (r.gaps, r.missing),
            (1, vec![t("2017-10-30T00:00:00+01:00")])
        );
    }

    #[test]
    fn truncates_huge_lists() {
        let times = vec![t("2017-01-01T00:00:00Z"), t("2017-03-01T00:00:00Z")];
        let r = find_gaps(&times, Duration::seconds(1));
        assert!(r.missing_truncated);
        assert_eq!(r.missing.len(), MAX_LISTED_MISSING);
    }

    #[test]
    fn detect_period_edge_cases() {
        assert_eq!(detect_period(&[]), None);
        assert_eq!(detect_period(&[t("2017-01-01T00:00:00Z")]), None);
        // Tie between 15 and 30 minutes: the shorter wins.
        let times = local(&["10:00", "10:15", "10:45"]);
        assert_eq!(detect_period(&times), Some(Duration::minutes(15)));
        // Jitter of a few seconds does not split the vote.
        let jitter = vec![
            t("2018-03-12T00:00:00Z"),
            t("2018-03-12T00:15:00Z"),
            t("2018-03-12T00:30:04Z"),
            t("2018-03-12T00:45:00Z"),
            t("2018-03-12T01:00:04Z"),
            t("2018-03-12T01:14:57Z"),
        ];
        assert_eq!(detect_period(&jitter), Some(Duration::minutes(15)));
        // Irregular readings with no common step have no period.
        let gas = vec![
            t("2017-11-29T17:09:00+01:00"),
            t("2017-11-30T00:04:46+01:00"),
            t("2017-11-30T05:20:22+01:00"),
            t("2017-11-30T06:05:44+01:00"),
        ];
        assert_eq!(detect_period(&gas), None);
        // Short steps count in seconds.
        let secs = vec![
            t("2018-03-12T00:00:00Z"),
            t("2018-03-12T00:00:10Z"),
            t("2018-03-12T00:00:20Z"),
            t("2018-03-12T00:00:31Z"),
        ];
        assert_eq!(detect_period(&secs), Some(Duration::seconds(10)));
    }

    #[test]
    fn record_number_holes_from_the_resume_point_on() {
        let mut h = RecordNumberHoles::expecting(Some(100));
        for n in [100, 101, 105, 106, 106, 103, 108] {
            h.observe(n);
        }
        assert_eq!(h.holes(), &[102..=104, 107..=107]);
        assert_eq!(h.missing(), 4);
        assert_eq!(h.describe(), "102–104, 107");

        // A first read may start anywhere; the resume point itself missing is a hole.
        let mut first = RecordNumberHoles::expecting(None);
        first.observe(5000);
        first.observe(5001);
        assert!(first.holes().is_empty());
        let mut resumed = RecordNumberHoles::expecting(Some(10));
        resumed.observe(12);
        assert_eq!(resumed.describe(), "10–11");
        resumed.observe(u64::MAX);
        assert_eq!(resumed.holes().len(), 2);
    }
}
