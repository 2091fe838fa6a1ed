//! TAF-2: time-of-use tariff. Every day of the billing period is walked in local time
//! through the day profile the calendar selects; consumption between two valid values is
//! booked to the tariff in force, or to the error register where the values do not
//! delimit a single tariff.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use smgw_model::obis::ERROR_REGISTER_TARIFF;
use smgw_model::time::berlin_date;

use crate::calendar::{local, Calendar, TariffRange};
use crate::common::{
    check_profile, check_some_list_booked, original_lists, section, stage_registers, stages_for,
    totals, unbooked, valid_readings,
};
use crate::error::TariffError;
use crate::input::{MeterSeries, TariffProfile, UseCase};
use crate::result::{Day, Evaluation, Range, Register};

/// Recomputes a TAF-2 bill. Value lists that are not original value lists (derived
/// registers the gateway computed itself) are ignored: they are what is being checked.
pub fn evaluate(
    profile: &TariffProfile,
    series: &[MeterSeries],
) -> Result<Evaluation, TariffError> {
    let lists = original_lists(series)?;
    check_profile(profile)?;
    let calendar = Calendar::new(profile)?;
    for p in &profile.day_profiles {
        for s in &p.switches {
            if !profile.stages.iter().any(|st| st.tariff == s.tariff) {
                return Err(TariffError::UnknownTariff {
                    day_id: p.day_id.clone(),
                    tariff: s.tariff,
                });
            }
        }
    }

    let mut registers = stage_registers(profile);
    for list in lists
        .iter()
        .filter(|l| stages_for(profile, l.obis).next().is_some())
    {
        let err = list.obis.with_tariff(ERROR_REGISTER_TARIFF);
        if !registers.iter().any(|r| r.obis == err) {
            registers.push(Register {
                obis: err,
                tariff: None,
                amount: 0,
            });
        }
    }

    check_some_list_booked(profile, &lists)?;
    let mut ranges_by_day: BTreeMap<NaiveDate, Vec<Range>> = BTreeMap::new();
    let mut sections = Vec::with_capacity(lists.len());
    let mut unbilled = Vec::new();
    for list in &lists {
        if stages_for(profile, list.obis).next().is_none() {
            if let Some((section, range)) =
                unbooked(list, profile.billing_start, profile.billing_end)
            {
                sections.push(section);
                unbilled.push(range);
            }
            continue;
        }
        let values = valid_readings(list, profile.billing_start, profile.billing_end);
        let (Some(&(first_t, first_v)), Some(&(last_t, last_v))) = (values.first(), values.last())
        else {
            return Err(no_values(list));
        };
        if values.len() < 2 {
            return Err(no_values(list));
        }
        // The last value only closes the interval before it, so its own day is not needed
        // when it falls on midnight.
        let last_day = berlin_date(last_t - chrono::Duration::seconds(1));
        let first_day = berlin_date(first_t);
        let tariff_ranges = calendar.ranges(list.obis, first_day, last_day);
        if tariff_ranges.iter().all(|r| r.tariff.is_none()) {
            return Err(TariffError::NoDayProfile {
                date: first_day,
                obis: list.obis,
            });
        }
        let error_obis = list.obis.with_tariff(ERROR_REGISTER_TARIFF);
        for p in book(&values, &tariff_ranges) {
            let (obis, tariff) = match p.target {
                Target::Tariff(t) => (
                    profile
                        .stages
                        .iter()
                        .find(|s| s.tariff == t)
                        .map_or(error_obis, |s| s.obis),
                    Some(t),
                ),
                Target::Error => (error_obis, None),
                Target::Unbilled => {
                    unbilled.push(Range {
                        start: local(p.start),
                        end: local(p.end),
                        obis: list.obis,
                        tariff: None,
                        amount: p.amount,
                        is_error: false,
                    });
                    continue;
                }
            };
            if let Some(r) = registers.iter_mut().find(|r| r.obis == obis) {
                r.amount = r.amount.saturating_add(p.amount);
            }
            ranges_by_day.entry(p.day).or_default().push(Range {
                start: local(p.start),
                end: local(p.end),
                obis,
                tariff,
                amount: p.amount,
                is_error: p.target == Target::Error,
            });
        }
        sections.push(section(list, (first_t, first_v), (last_t, last_v)));
    }

    let days = ranges_by_day
        .into_iter()
        .map(|(date, ranges)| {
            let totals = registers
                .iter()
                .filter_map(|reg| {
                    let mine: Vec<i64> = ranges
                        .iter()
                        .filter(|r| r.obis == reg.obis)
                        .map(|r| r.amount)
                        .collect();
                    (!mine.is_empty()).then(|| Register {
                        obis: reg.obis,
                        tariff: reg.tariff,
                        amount: mine.iter().fold(0i64, |acc, a| acc.saturating_add(*a)),
                    })
                })
                .collect();
            Day {
                date,
                ranges,
                totals,
            }
        })
        .collect();

    let begin = sections.iter().map(|s| s.start).min();
    let end = sections.iter().map(|s| s.end).max();
    let (Some(begin), Some(end)) = (begin, end) else {
        // `lists` is non-empty and every list yields a section or an error above.
        return Err(TariffError::NoOriginalValueList);
    };
    Ok(Evaluation {
        use_case: UseCase::Taf2,
        tariff_id: profile.tariff_id.clone(),
        begin,
        end,
        registers,
        days,
        totals: totals(&sections),
        sections,
        unbilled,
        checksums: profile.checksums.clone(),
    })
}

fn no_values(list: &MeterSeries) -> TariffError {
    TariffError::NoValuesInPeriod {
        obis: list.obis,
        meter_id: list.meter_id.clone(),
    }
}

/// Where the consumption of a piece goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The stage of this tariff number.
    Tariff(u16),
    /// The error register (E = 63).
    Error,
    /// Nowhere: no day profile covers the time.
    Unbilled,
}

/// Consumption between two or more consecutive valid values, booked as one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub target: Target,
    pub amount: i64,
    /// Local day of the tariff range the piece starts in.
    pub day: NaiveDate,
}

/// Books the intervals between consecutive valid values (sorted, distinct times) to the
/// tariff ranges (sorted, contiguous, covering all values).
///
/// An interval `[a, b]` belongs to the range `X` that contains `a`. If `b` does not pass
/// the end of `X`, the interval is that range's tariff — this includes an interval that
/// ends exactly at a switch, and a gap inside one tariff. Otherwise it crosses into later
/// ranges: every range that contains a time in `(a, b]` counts (a range that starts
/// exactly at `b` included); if all share `X`'s tariff the interval is that tariff,
/// otherwise the error register. So a coarse list whose values straddle a switch, and a
/// gap that spans one, go to the error register.
pub(crate) fn book(values: &[(DateTime<Utc>, i64)], ranges: &[TariffRange]) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    // Index of the range the last piece started in, to merge contiguous intervals of one
    // range into one piece.
    let mut last_range: Option<usize> = None;
    let mut i = 0usize;
    for (&(ta, va), &(tb, vb)) in values.iter().zip(values.iter().skip(1)) {
        let (a, b) = (ta.timestamp(), tb.timestamp());
        while i + 1 < ranges.len() && ranges.get(i).is_some_and(|r| r.end <= a) {
            i += 1;
        }
        let Some(x) = ranges.get(i) else {
            break;
        };
        let single = b <= x.end
            || ranges
                .iter()
                .skip(i + 1)
                .take_while(|r| r.start <= b)
                .all(|r| r.tariff == x.tariff);
        let target = match (single, x.tariff) {
            (false, _) => Target::Error,
            (true, Some(t)) => Target::Tariff(t),
            (true, None) => Target::Unbilled,
        };
        let amount = vb.saturating_sub(va);
        let merge = match pieces.last() {
            Some(p) if p.end == ta && p.target == target => match target {
                Target::Tariff(_) => last_range == Some(i),
                // Error and unbilled pieces merge within one day.
                Target::Error | Target::Unbilled => p.day == x.day,
            },
            _ => false,
        };
        match pieces.last_mut() {
            Some(p) if merge => {
                p.end = tb;
                p.amount = p.amount.saturating_add(amount);
            }
            _ => {
                pieces.push(Piece {
                    start: ta,
                    end: tb,
                    target,
                    amount,
                    day: x.day,
                });
                last_range = Some(i);
            }
        }
    }
    pieces
}
