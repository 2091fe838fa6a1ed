//! Local time (Europe/Berlin) and the tariff ranges a day profile produces.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use smgw_model::time::{berlin_date, berlin_day_bounds, local_to_utc, to_berlin, NaiveAs};
use smgw_model::Obis;

use crate::common::same_quantity;
use crate::error::TariffError;
use crate::input::{DayProfile, SwitchPoint, TariffProfile};

/// A UTC instant as a local (Berlin) time with its offset, for display and JSON.
pub(crate) fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    to_berlin(t).fixed_offset()
}

/// The instant of a switching time "hh:mm" (`minutes` after midnight) on `date`.
///
/// A time in the spring gap (02:00–02:59 on the last Sunday of March) does not exist; it
/// maps to the end of the gap, the moment the clock jumps to 03:00. A time that occurs
/// twice in autumn maps to its first occurrence (summer time). The model crate's
/// `berlin_to_utc_lenient` reads a gap time with the old offset instead (02:30 → 03:30),
/// which would move a tariff switch half an hour past the jump; hence this function.
pub(crate) fn local_instant(date: NaiveDate, minutes: u32) -> DateTime<Utc> {
    let base = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
    // The gap is one hour long, so a few dozen steps always reach a valid time; the
    // bound keeps the loop finite whatever the time zone data says.
    for step in 0..=180 {
        if let Ok(t) = local_to_utc(base + Duration::minutes(step), NaiveAs::Berlin) {
            return t;
        }
    }
    // Unreachable with real tz data; treat the wall-clock time as UTC+1 (CET).
    Utc.from_utc_datetime(&(base - Duration::hours(1)))
}

/// A stretch of constant tariff within one local day, half-open `[start, end)` in Unix
/// seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TariffRange {
    pub start: i64,
    pub end: i64,
    /// `None`: no day profile of the calendar applies to this day; not billed.
    pub tariff: Option<u16>,
    pub day: NaiveDate,
}

/// Looks up day profiles and calendar entries, and builds the ranges for one value list.
pub(crate) struct Calendar<'a> {
    profile: &'a TariffProfile,
    day_profiles: HashMap<&'a str, &'a DayProfile>,
    by_date: HashMap<NaiveDate, Vec<&'a str>>,
}

/// The last quarter hour of a day, in minutes (23:45).
const LAST_QUARTER: u32 = 23 * 60 + 45;

impl<'a> Calendar<'a> {
    /// Indexes the profile and checks that every calendar entry names a known day profile
    /// and every day profile is usable.
    pub(crate) fn new(profile: &'a TariffProfile) -> Result<Calendar<'a>, TariffError> {
        let mut day_profiles = HashMap::new();
        for p in &profile.day_profiles {
            let bad_time = p.switches.iter().any(|s| s.hour > 23 || s.minute > 59);
            if p.switches.is_empty() || bad_time {
                return Err(TariffError::InvalidDayProfile(p.day_id.clone()));
            }
            day_profiles.entry(p.day_id.as_str()).or_insert(p);
        }
        let mut by_date: HashMap<NaiveDate, Vec<&str>> = HashMap::new();
        for sd in &profile.special_days {
            if !day_profiles.contains_key(sd.day_id.as_str()) {
                return Err(TariffError::UnknownDayProfile {
                    date: sd.date,
                    day_id: sd.day_id.clone(),
                });
            }
            by_date.entry(sd.date).or_default().push(sd.day_id.as_str());
        }
        Ok(Calendar {
            profile,
            day_profiles,
            by_date,
        })
    }

    /// Whether a tariff number belongs to a stage that books the quantity of `list`.
    fn fits(&self, tariff: u16, list: Obis) -> bool {
        self.profile
            .stages
            .iter()
            .any(|s| s.tariff == tariff && same_quantity(s.obis, list))
    }

    /// The switching points that apply to `list` on `date`: those of the first calendar
    /// entry whose tariffs all belong to the list's quantity.
    ///
    /// A date without such an entry is not billed at all. TRuDI's reference result for
    /// `supplierXmlJan-Sep2017` (calendar up to 31 August, billing period up to 1 September
    /// 01:00 because the duration ignores the DST hour) leaves the hour of 1 September out
    /// of every register, the error register included.
    fn switches_for(&self, date: NaiveDate, list: Obis) -> Option<&'a [SwitchPoint]> {
        self.by_date.get(&date)?.iter().find_map(|id| {
            let p = self.day_profiles.get(id)?;
            p.switches
                .iter()
                .all(|s| self.fits(s.tariff, list))
                .then_some(p.switches.as_slice())
        })
    }

    /// The tariff ranges of `list` for every local day from `first` to `last` inclusive.
    ///
    /// Ranges are cut at every tariff switch and at every local midnight, even where the
    /// tariff continues: TRuDI treats a gap that ends exactly on a switch after a midnight
    /// as spanning that switch, and the cut at midnight is what reproduces this.
    pub(crate) fn ranges(&self, list: Obis, first: NaiveDate, last: NaiveDate) -> Vec<TariffRange> {
        let mut out = Vec::new();
        let mut carry: Option<u16> = None;
        for date in first.iter_days().take_while(|d| *d <= last) {
            let (day_start, day_end) = berlin_day_bounds(date);
            let (day_start, day_end) = (day_start.timestamp(), day_end.timestamp());
            let Some(sw) = self.switches_for(date, list) else {
                out.push(TariffRange {
                    start: day_start,
                    end: day_end,
                    tariff: None,
                    day: date,
                });
                continue;
            };
            let mut sw = sw.to_vec();
            sw.sort_by_key(|s| (s.hour, s.minute));
            // (minute of day, tariff), later duplicates of a time dropped.
            let mut points: Vec<(u32, u16)> = Vec::with_capacity(sw.len() + 1);
            for s in &sw {
                let m = u32::from(s.hour) * 60 + u32::from(s.minute);
                if points.last().is_some_and(|&(pm, _)| pm == m) {
                    continue;
                }
                // README rule 5: a switch at 23:45 does not take effect
                // (supplier_single_day_maxTariffChange: TRuDI expects 470/490, a plain
                // switch would give 480/480), unless it is the day's only one.
                if m == LAST_QUARTER && !points.is_empty() {
                    continue;
                }
                points.push((m, s.tariff));
            }
            // Before the first switch of the day the previous day's tariff continues (a day
            // profile is a daily cycle: on the first day, its own last tariff). `points` is
            // never empty here (`new` rejects empty profiles and the first switch is always
            // kept), so the default tariff plays no part in TAF-2.
            let before = carry.or_else(|| points.last().map(|&(_, t)| t));
            if let (Some(before), Some(&(first, _))) = (before, points.first()) {
                if first != 0 {
                    points.insert(0, (0, before));
                }
            }
            let mut day_ranges: Vec<TariffRange> = Vec::with_capacity(points.len());
            for (idx, &(m, tariff)) in points.iter().enumerate() {
                let start = local_instant(date, m).timestamp();
                let end = points
                    .get(idx + 1)
                    .map_or(day_end, |&(nm, _)| local_instant(date, nm).timestamp());
                if end <= start {
                    continue;
                }
                match day_ranges.last_mut() {
                    Some(prev) if prev.tariff == Some(tariff) && prev.end == start => {
                        prev.end = end
                    }
                    _ => day_ranges.push(TariffRange {
                        start,
                        end,
                        tariff: Some(tariff),
                        day: date,
                    }),
                }
            }
            carry = day_ranges.last().and_then(|r| r.tariff).or(carry);
            out.extend(day_ranges);
        }
        out
    }
}

/// Whether a UTC instant is local midnight on the 1st of a month.
pub(crate) fn is_first_of_month_midnight(t: DateTime<Utc>) -> bool {
    let l = to_berlin(t);
    l.day() == 1 && l.time() == NaiveTime::MIN
}

/// Whole months from `start` to `end` if both are local midnights on the 1st.
pub(crate) fn whole_months(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<i32> {
    if !is_first_of_month_midnight(start) || !is_first_of_month_midnight(end) {
        return None;
    }
    let (s, e) = (berlin_date(start), berlin_date(end));
    let months = (e.year() - s.year()) * 12 + e.month() as i32 - s.month() as i32;
    Some(months)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dst_days_have_92_and_100_quarter_hours() {
        let spring = local_instant(d(2017, 3, 27), 0) - local_instant(d(2017, 3, 26), 0);
        let autumn = local_instant(d(2017, 10, 30), 0) - local_instant(d(2017, 10, 29), 0);
        assert_eq!(spring.num_minutes() / 15, 92);
        assert_eq!(autumn.num_minutes() / 15, 100);
        // Midnight never falls into a gap, so the day bounds the ranges use agree.
        for date in [d(2017, 3, 26), d(2017, 10, 29), d(2017, 11, 4)] {
            let bounds = (local_instant(date, 0), local_instant(date, 24 * 60));
            assert_eq!(berlin_day_bounds(date), bounds, "{date}");
        }
    }

    #[test]
    fn spring_gap_maps_to_end_of_gap_and_autumn_to_first_occurrence() {
        let gap = local_instant(d(2017, 3, 26), 2 * 60 + 30);
        assert_eq!(gap, local_instant(d(2017, 3, 26), 3 * 60));
        assert_eq!(gap.to_rfc3339(), "2017-03-26T01:00:00+00:00");
        let twice = local_instant(d(2017, 10, 29), 2 * 60 + 30);
        assert_eq!(twice.to_rfc3339(), "2017-10-29T00:30:00+00:00");
    }

    #[test]
    fn month_arithmetic_in_local_time() {
        let s = local_instant(d(2017, 10, 1), 0);
        let e = local_instant(d(2017, 11, 1), 0);
        assert_eq!(whole_months(s, e), Some(1));
        assert_eq!((e - s).num_seconds(), 2_682_000);
        let e12 = local_instant(d(2018, 10, 1), 0);
        assert_eq!(whole_months(s, e12), Some(12));
        assert_eq!(whole_months(local_instant(d(2017, 10, 2), 0), e), None);
        assert_eq!(whole_months(s, e - Duration::hours(1)), None);
    }
}
