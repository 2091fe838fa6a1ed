//! TAF-1: one tariff stage per quantity, billed as the meter reading at the end of the
//! period minus the reading at its start.

use chrono::{DateTime, Utc};
use smgw_model::time::berlin_date;

use crate::calendar::{is_first_of_month_midnight, local, whole_months};
use crate::common::{
    check_profile, check_some_list_booked, original_lists, section, stage_registers, stages_for,
    totals, unbooked,
};
use crate::error::TariffError;
use crate::input::{MeterSeries, TariffProfile, UseCase};
use crate::raster::is_raster_point;
use crate::result::Evaluation;

/// Billing period lengths TAF-1 allows, in months.
const ALLOWED_MONTHS: [i32; 5] = [1, 2, 3, 6, 12];
/// At most this many original value lists may be billed under TAF-1.
const MAX_LISTS: usize = 3;

/// Recomputes a TAF-1 bill. `series` are all value lists of the device file.
pub fn evaluate(
    profile: &TariffProfile,
    series: &[MeterSeries],
) -> Result<Evaluation, TariffError> {
    let lists = original_lists(series)?;
    if let Some(other) = series.iter().find(|s| !s.is_original) {
        return Err(TariffError::NotAnOriginalValueList {
            obis: other.obis,
            meter_id: other.meter_id.clone(),
        });
    }
    if lists.len() > MAX_LISTS {
        return Err(TariffError::TooManyOriginalValueLists(lists.len()));
    }
    if profile.stages.len() > lists.len() {
        return Err(TariffError::MoreStagesThanLists {
            stages: profile.stages.len(),
            lists: lists.len(),
        });
    }
    check_profile(profile)?;
    let (start, end) = (profile.billing_start, profile.billing_end);
    if !is_first_of_month_midnight(start) {
        return Err(TariffError::PeriodNotOnFirst(local(start)));
    }
    match whole_months(start, end) {
        Some(m) if ALLOWED_MONTHS.contains(&m) => {}
        _ => {
            return Err(TariffError::InvalidPeriodLength {
                start: local(start),
                end: local(end),
            })
        }
    }
    let days = (berlin_date(end) - berlin_date(start)).num_days();
    let count = profile.special_days.len();
    // `days` is at least 28 here, so the remainder is well defined.
    if days > 0 && count as i64 % days != 0 {
        return Err(TariffError::SpecialDayCount { count, days });
    }

    let mut registers = stage_registers(profile);
    check_some_list_booked(profile, &lists)?;
    let mut sections = Vec::with_capacity(lists.len());
    let mut unbilled = Vec::new();
    for list in lists {
        // With several stages of one quantity the default tariff's stage is the TAF-1
        // register; otherwise the only (first) matching stage.
        let Some(stage) = stages_for(profile, list.obis)
            .find(|s| s.tariff == profile.default_tariff)
            .or_else(|| stages_for(profile, list.obis).next())
        else {
            if let Some((section, range)) = unbooked(list, start, end) {
                sections.push(section);
                unbilled.push(range);
            }
            continue;
        };
        let start_value = value_at(list, start).ok_or_else(|| TariffError::MissingStartValue {
            obis: list.obis,
            meter_id: list.meter_id.clone(),
            at: local(start),
        })?;
        let end_value = value_at(list, end).ok_or_else(|| TariffError::MissingEndValue {
            obis: list.obis,
            meter_id: list.meter_id.clone(),
            at: local(end),
        })?;
        let section = section(list, (start, start_value), (end, end_value));
        if let Some(r) = registers.iter_mut().find(|r| r.obis == stage.obis) {
            r.amount = r.amount.saturating_add(section.amount);
        }
        sections.push(section);
    }
    Ok(Evaluation {
        use_case: UseCase::Taf1,
        tariff_id: profile.tariff_id.clone(),
        begin: local(start),
        end: local(end),
        registers,
        days: Vec::new(),
        totals: totals(&sections),
        sections,
        unbilled,
        checksums: profile.checksums.clone(),
    })
}

/// The first valid value whose time is exactly `at`, a raster point of the list's period
/// (a billing period off the raster finds no value).
fn value_at(list: &MeterSeries, at: DateTime<Utc>) -> Option<i64> {
    if !is_raster_point(at, list.period) {
        return None;
    }
    list.readings
        .iter()
        .find(|r| r.time == at && r.is_valid())
        .map(|r| r.value)
}
