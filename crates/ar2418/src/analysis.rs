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
//!   for 15 minutes). Raster points are aligned to local midnight;
//! * a gap is a run of consecutive raster points without a reading, between the first and
//!   the last reading. Without a determinable period every interval between two readings
//!   counts as a gap (and no slots can be listed).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use serde::Serialize;

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
    /// Number of gaps (runs of missing raster points).
    pub gap_count: usize,
    /// The missing raster points, in the offset of the reading before them.
    pub missing_slots: Vec<DateTime<FixedOffset>>,
    /// Readings more than 1 % of the period away from every raster point.
    pub off_raster_count: usize,
    /// Readings whose time equals that of an earlier reading.
    pub duplicate_count: usize,
    /// Whether reading times are not ascending in document order.
    pub unordered: bool,
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

/// The raster point a time belongs to: the nearest multiple of `period` (aligned to local
/// midnight in the time's own offset) if the time is within 1 % of the period of it.
/// TRuDI uses this as the target time of readings that carry no `targetTime`.
pub fn raster_time(t: &DateTime<FixedOffset>, period: u32) -> Option<DateTime<FixedOffset>> {
    if period == 0 {
        return None;
    }
    let p = i64::from(period);
    let r = local_secs(t).rem_euclid(p);
    let shift = if r <= p - r { -r } else { p - r };
    if shift.abs() > tolerance(period) {
        return None;
    }
    Some(*t + Duration::seconds(shift))
}

/// Most frequent spacing in seconds between consecutive distinct times (sorted first).
pub fn detect_period(times: &[DateTime<FixedOffset>]) -> Option<u32> {
    let mut sorted: Vec<i64> = times.iter().map(|t| t.timestamp()).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut votes: BTreeMap<i64, usize> = BTreeMap::new();
    for w in sorted.windows(2) {
        *votes.entry(round_spacing(w[1] - w[0])).or_default() += 1;
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

/// Seconds since the local epoch, i.e. UTC seconds shifted by the reading's own offset.
fn local_secs(t: &DateTime<FixedOffset>) -> i64 {
    t.timestamp() + i64::from(t.offset().local_minus_utc())
}

fn on_raster(t: &DateTime<FixedOffset>, period: u32) -> bool {
    let p = i64::from(period);
    let r = local_secs(t).rem_euclid(p);
    r.min(p - r) <= tolerance(period)
}

/// Raster points from the first to the last time (inclusive, with tolerance), or `None` if
/// the period does not fit a day-aligned raster.
fn raster(
    first: DateTime<FixedOffset>,
    last: DateTime<FixedOffset>,
    period: u32,
) -> Option<Vec<DateTime<FixedOffset>>> {
    let p = i64::from(period);
    let tol = tolerance(period);
    // A limit on the slot count keeps a hostile period/span pair from exhausting memory;
    // three years of minute values are about 1.6 million points.
    const MAX_SLOTS: i64 = 4_000_000;
    if period == 0 {
        return None;
    }
    if 86_400 % p == 0 {
        // Sub-daily raster: step in absolute time, which is what a gateway does over DST.
        let start_local = local_secs(&(first - Duration::seconds(tol)));
        let offset = i64::from(first.offset().local_minus_utc());
        let first_slot_local = (start_local + p - 1).div_euclid(p) * p;
        let mut t = DateTime::from_timestamp(first_slot_local - offset, 0)?.fixed_offset();
        let end = last + Duration::seconds(tol);
        if (end - t).num_seconds() / p > MAX_SLOTS {
            return None;
        }
        let mut out = Vec::new();
        let mut current_offset = *first.offset();
        while t <= end {
            out.push(t.with_timezone(&current_offset));
            t += Duration::seconds(p);
            // Keep printing slots in the offset of the data around them.
            if let Some(o) = offset_at(&t, &first, &last) {
                current_offset = o;
            }
        }
        Some(out)
    } else if p % 86_400 == 0 {
        // Whole days: local midnights in German legal time (days of 23 or 25 hours).
        let days = p / 86_400;
        let tz = chrono_tz::Europe::Berlin;
        let mut date = (first - Duration::seconds(tol))
            .with_timezone(&tz)
            .date_naive();
        if (last - first).num_days() / days > MAX_SLOTS {
            return None;
        }
        let mut out = Vec::new();
        loop {
            let midnight = tz
                .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                .earliest()?
                .fixed_offset();
            if midnight > last + Duration::seconds(tol) {
                break;
            }
            if midnight >= first - Duration::seconds(tol) {
                out.push(midnight);
            }
            date = date.checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))?;
        }
        Some(out)
    } else {
        None
    }
}

/// The offset German legal time has at `t`, if the data itself uses German offsets.
fn offset_at(
    t: &DateTime<FixedOffset>,
    first: &DateTime<FixedOffset>,
    last: &DateTime<FixedOffset>,
) -> Option<FixedOffset> {
    let german = |o: i32| o == 3600 || o == 7200;
    if german(first.offset().local_minus_utc()) && german(last.offset().local_minus_utc()) {
        Some(
            t.with_timezone(&chrono_tz::Europe::Berlin)
                .fixed_offset()
                .offset()
                .to_owned(),
        )
    } else {
        None
    }
}

/// Analyses one value list.
pub fn analyze(mr: &MeterReading) -> ValueListAnalysis {
    let times = reading_times(mr);
    let declared = mr.reading_type.as_ref().and_then(|r| r.measurement_period);
    let detected = detect_period(&times);
    let period = declared.filter(|p| *p > 0).or(detected);
    let unordered = times.windows(2).any(|w| w[1] < w[0]);
    let mut sorted = times.clone();
    sorted.sort();
    let duplicate_count = sorted.windows(2).filter(|w| w[0] == w[1]).count();
    let first = sorted.first().copied();
    let last = sorted.last().copied();
    let mut a = ValueListAnalysis {
        original_value_list: mr.is_original_value_list(),
        value_count: times.len(),
        first,
        last,
        declared_period: declared,
        detected_period: detected,
        period,
        gap_count: 0,
        missing_slots: Vec::new(),
        off_raster_count: 0,
        duplicate_count,
        unordered,
    };
    let (Some(first), Some(last)) = (first, last) else {
        return a;
    };
    let Some(p) = period else {
        a.gap_count = sorted.len().saturating_sub(1 + duplicate_count);
        return a;
    };
    let slots = match raster(first, last, p) {
        Some(s) => s,
        None => {
            // No day-aligned raster: count spacings longer than the period as gaps.
            let limit = i64::from(p) + tolerance(p);
            a.gap_count = sorted
                .windows(2)
                .filter(|w| (w[1] - w[0]).num_seconds() > limit)
                .count();
            return a;
        }
    };
    a.off_raster_count = sorted.iter().filter(|t| !on_raster(t, p)).count();
    let tol = tolerance(p);
    let mut i = 0;
    let mut in_gap = false;
    for slot in slots {
        while i < sorted.len() && (sorted[i] - slot).num_seconds() < -tol {
            i += 1;
        }
        let covered = i < sorted.len() && (sorted[i] - slot).num_seconds().abs() <= tol;
        if covered {
            in_gap = false;
        } else {
            if !in_gap {
                a.gap_count += 1;
            }
            in_gap = true;
            a.missing_slots.push(slot);
        }
    }
    a
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
            Some(0) => d.ok += 1,
            Some(1) => d.warning += 1,
            Some(2) => d.temporary += 1,
            Some(3) => d.critical += 1,
            Some(4) => d.fatal += 1,
            _ => d.unknown += 1,
        }
    }
    let a = analyze(mr);
    let mut prev: Option<DateTime<FixedOffset>> = None;
    let step = a.period.map(i64::from).unwrap_or(0);
    for slot in &a.missing_slots {
        let d = days
            .entry(slot.date_naive())
            .or_insert_with(|| empty_day(slot.date_naive()));
        d.missing += 1;
        // Consecutive missing points are one period apart (a DST day 23 or 25 hours); the
        // next run starts at least two periods later.
        let continues = prev.is_some_and(|p| (*slot - p).num_seconds() * 2 < step * 3);
        if !continues {
            d.gaps += 1;
        }
        prev = Some(*slot);
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
