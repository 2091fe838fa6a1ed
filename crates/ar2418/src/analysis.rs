//! Value-list analysis: measuring period, raster, gaps and per-day status counts.
//!
//! Rules (from TRuDI's expectations in the reference data):
//! * the time of a reading is its `targetTime` if present, else `timePeriod/start`;
//! * the measuring period is `measurementPeriod` if the file declares one, else the most
//!   frequent spacing between consecutive readings. Spacings of two minutes and more are
//!   compared rounded to whole minutes so that a few seconds of jitter do not split the
//!   vote; a tie between spacings that are not multiples of the smallest leaves the period
//!   undetermined;
//! * a reading within 1 % of the period of a raster point counts as on that point (±9 s
//!   for 15 minutes); the raster is smgw-model's (German wall clock, daily values at local
//!   midnight);
//! * gaps and missing raster points come from `smgw_model::find_gaps`: a gap is a step
//!   between consecutive readings longer than period + 1 %. Without a determinable period
//!   every step counts as a gap (and no slots can be listed).
//!
//! The period vote is this crate's own rather than `smgw_model::detect_period`, which
//! rounds every step to whole minutes: daily readings that drift by a few minutes
//! (`taf7_oml_1day_values_1.xml`) then vote for 86280 s instead of one day.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::Serialize;
use smgw_model::time::{is_on_raster, nearest_raster_point};
use smgw_model::{find_gaps, PtbStatus};

use crate::model::MeterReading;

/// Result of [`analyze`] for one value list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueListAnalysis {
    /// Whether the list is an original value list (`<OBIS>.<meterId>.sm`).
    pub original_value_list: bool,
    /// Number of readings.
    pub value_count: usize,
    /// Earliest reading time.
    pub first: Option<DateTime<FixedOffset>>,
    /// Latest reading time.
    pub last: Option<DateTime<FixedOffset>>,
    /// `measurementPeriod` as declared in the file.
    pub declared_period: Option<u32>,
    /// Most frequent spacing in seconds (see the module rules), independent of the declared one.
    pub detected_period: Option<u32>,
    /// The period used for the raster: the declared one if present and non-zero, else the
    /// detected one.
    pub period: Option<u32>,
    /// Number of gaps (steps longer than period + 1 %), equal to `gaps.len()`.
    pub gap_count: usize,
    /// The gaps in time order.
    pub gaps: Vec<Gap>,
    /// The missing raster points, in German legal time if the data uses German offsets,
    /// else in the offset of the reading before them.
    pub missing_slots: Vec<DateTime<FixedOffset>>,
    /// Readings more than 1 % of the period away from every raster point.
    pub off_raster_count: usize,
    /// Readings whose time equals that of an earlier reading.
    pub duplicate_count: usize,
    /// Whether reading times are not ascending in document order.
    pub unordered: bool,
}

/// A gap: a step between two consecutive readings longer than the period + 1 %.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// The last reading before the gap.
    pub after: DateTime<FixedOffset>,
    /// The first reading after the gap.
    pub before: DateTime<FixedOffset>,
    /// Number of raster points missing inside (0 without a period).
    pub missing: usize,
}

/// Status and gap counts of one local calendar day of a value list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayStatus {
    /// Local date (in each reading's own offset).
    pub date: NaiveDate,
    /// Readings with PTB status 0.
    pub ok: usize,
    /// PTB status 1.
    pub warning: usize,
    /// PTB status 2.
    pub temporary: usize,
    /// PTB status 3.
    pub critical: usize,
    /// PTB status 4.
    pub fatal: usize,
    /// Readings without a (known) PTB status.
    pub unknown: usize,
    /// Gaps starting on this day.
    pub gaps: usize,
    /// Missing raster points on this day.
    pub missing: usize,
}

/// Reading times of a value list in document order (readings without a time are left out).
pub fn reading_times(mr: &MeterReading) -> Vec<DateTime<FixedOffset>> {
    mr.readings().filter_map(|r| r.effective_time()).collect()
}

/// Measuring periods gateways use (seconds). A spacing within 1 % of one of them votes for
/// it; any other spacing votes for itself rounded to whole minutes.
const STANDARD_PERIODS: &[i64] = &[60, 300, 600, 900, 1800, 3600, 86_400];

fn round_spacing(s: i64) -> i64 {
    for p in STANDARD_PERIODS {
        if (s - p).abs() * 100 <= *p {
            return *p;
        }
    }
    if s >= 120 {
        ((s + 30) / 60) * 60
    } else {
        s
    }
}

/// Most frequent spacing in seconds between consecutive distinct times (sorted first).
pub fn detect_period(times: &[DateTime<FixedOffset>]) -> Option<u32> {
    let mut sorted: Vec<i64> = times.iter().map(|t| t.timestamp()).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut votes: BTreeMap<i64, usize> = BTreeMap::new();
    for (a, b) in sorted.iter().zip(sorted.iter().skip(1)) {
        *votes.entry(round_spacing(b - a)).or_default() += 1;
    }
    let best = *votes.values().max()?;
    let tied: Vec<i64> = votes
        .iter()
        .filter(|(_, c)| **c == best)
        .map(|(s, _)| *s)
        .collect();
    let smallest = *tied.first()?;
    if smallest <= 0 {
        return None;
    }
    let all_multiples = tied.iter().all(|s| {
        let k = (*s as f64 / smallest as f64).round();
        ((*s as f64) - k * smallest as f64).abs() <= smallest as f64 * 0.01
    });
    if all_multiples {
        u32::try_from(smallest).ok()
    } else {
        None
    }
}

fn tolerance(period: u32) -> i64 {
    i64::from(period) / 100
}

/// The raster point a time belongs to: the nearest raster point of `period` (see
/// `smgw_model::time::nearest_raster_point`) if the time is within 1 % of the period of
/// it, in the time's own offset. TRuDI uses this as the target time of readings that carry
/// no `targetTime`.
pub fn raster_time(t: &DateTime<FixedOffset>, period: u32) -> Option<DateTime<FixedOffset>> {
    if period == 0 {
        return None;
    }
    let p = Duration::seconds(i64::from(period));
    let utc = t.with_timezone(&Utc);
    let point = nearest_raster_point(utc, p)?;
    if (point - utc).num_seconds().abs() > tolerance(period) {
        return None;
    }
    Some(point.with_timezone(t.offset()))
}

/// Shows a computed UTC instant in the offset of the data: German legal time if the data
/// uses German offsets, else the offset of the reading before it.
fn in_data_offset(t: DateTime<Utc>, before: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let german = matches!(before.offset().local_minus_utc(), 3600 | 7200);
    if german {
        t.with_timezone(&chrono_tz::Europe::Berlin).fixed_offset()
    } else {
        t.with_timezone(before.offset())
    }
}

/// Analyses one value list.
pub fn analyze(mr: &MeterReading) -> ValueListAnalysis {
    let times = reading_times(mr);
    let declared = mr.reading_type.as_ref().and_then(|r| r.measurement_period);
    let detected = detect_period(&times);
    let period = declared.filter(|p| *p > 0).or(detected);
    let unordered = times.iter().zip(times.iter().skip(1)).any(|(a, b)| b < a);
    let mut sorted = times.clone();
    sorted.sort();
    let duplicate_count = sorted
        .iter()
        .zip(sorted.iter().skip(1))
        .filter(|(a, b)| a == b)
        .count();
    let first = sorted.first().copied();
    let last = sorted.last().copied();
    let utc: Vec<DateTime<Utc>> = sorted.iter().map(|t| t.with_timezone(&Utc)).collect();
    let step = Duration::seconds(i64::from(period.unwrap_or(0)));
    let report = find_gaps(&utc, step);
    let off_raster_count = match period {
        Some(p) if p > 0 => utc
            .iter()
            .filter(|t| !is_on_raster(**t, Duration::seconds(i64::from(p))))
            .count(),
        _ => 0,
    };
    let missing_slots: Vec<DateTime<FixedOffset>> = report
        .missing
        .iter()
        .filter_map(|m| {
            // Missing points lie strictly between two readings, so one precedes each.
            let before = sorted.partition_point(|t| t.with_timezone(&Utc) < *m);
            let prev = sorted.get(before.checked_sub(1)?)?;
            Some(in_data_offset(*m, prev))
        })
        .collect();
    // The same steps find_gaps counts, kept with their bounds.
    let limit = step + Duration::seconds(tolerance(period.unwrap_or(0)));
    let mut distinct = sorted.clone();
    distinct.dedup();
    let gaps: Vec<Gap> = distinct
        .iter()
        .zip(distinct.iter().skip(1))
        .filter(|(after, before)| **before - **after > limit)
        .map(|(after, before)| {
            let (a, b) = (after.with_timezone(&Utc), before.with_timezone(&Utc));
            Gap {
                after: *after,
                before: *before,
                missing: report.missing.iter().filter(|m| **m > a && **m < b).count(),
            }
        })
        .collect();
    ValueListAnalysis {
        original_value_list: mr.is_original_value_list(),
        value_count: times.len(),
        first,
        last,
        declared_period: declared,
        detected_period: detected,
        period,
        gap_count: report.gaps,
        gaps,
        missing_slots,
        off_raster_count,
        duplicate_count,
        unordered,
    }
}

/// Per local day: PTB status counts and gaps of a value list, in date order.
pub fn daily_status(mr: &MeterReading) -> Vec<DayStatus> {
    let mut days: BTreeMap<NaiveDate, DayStatus> = BTreeMap::new();
    for r in mr.readings() {
        let Some(t) = r.effective_time() else {
            continue;
        };
        let d = days
            .entry(t.date_naive())
            .or_insert_with(|| empty_day(t.date_naive()));
        match r.ptb_status() {
            Some(PtbStatus::NoError) => d.ok += 1,
            Some(PtbStatus::Warning) => d.warning += 1,
            Some(PtbStatus::Temporary) => d.temporary += 1,
            Some(PtbStatus::CriticalTemporary) => d.critical += 1,
            Some(PtbStatus::Fatal) => d.fatal += 1,
            None => d.unknown += 1,
        }
    }
    let a = analyze(mr);
    for slot in &a.missing_slots {
        let d = days
            .entry(slot.date_naive())
            .or_insert_with(|| empty_day(slot.date_naive()));
        d.missing += 1;
    }
    // A gap belongs to the day of its first missing raster point (or, without one, the
    // day of the reading before it).
    for g in &a.gaps {
        let first_missing = a
            .missing_slots
            .iter()
            .find(|m| **m > g.after && **m < g.before);
        let date = first_missing.unwrap_or(&g.after).date_naive();
        days.entry(date).or_insert_with(|| empty_day(date)).gaps += 1;
    }
    days.into_values().collect()
}

fn empty_day(date: NaiveDate) -> DayStatus {
    DayStatus {
        date,
        ok: 0,
        warning: 0,
        temporary: 0,
        critical: 0,
        fatal: 0,
        unknown: 0,
        gaps: 0,
        missing: 0,
    }
}
