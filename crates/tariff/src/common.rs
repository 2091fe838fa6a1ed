//! Checks and helpers shared by TAF-1 and TAF-2.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use smgw_model::Obis;

use crate::calendar::local;
use crate::error::TariffError;
use crate::input::{MeterSeries, Reading, TariffProfile, TariffStage};
use crate::raster::is_raster_point;
use crate::result::{Range, Register, Section, Total};

/// The original value lists among `series`; an error if there is none.
pub(crate) fn original_lists(series: &[MeterSeries]) -> Result<Vec<&MeterSeries>, TariffError> {
    let lists: Vec<&MeterSeries> = series.iter().filter(|s| s.is_original).collect();
    if lists.is_empty() {
        return Err(TariffError::NoOriginalValueList);
    }
    Ok(lists)
}

/// Rejects profiles whose stages reuse a tariff number or whose period is empty.
pub(crate) fn check_profile(profile: &TariffProfile) -> Result<(), TariffError> {
    let mut seen = HashSet::new();
    for s in &profile.stages {
        if !seen.insert(s.tariff) {
            return Err(TariffError::DuplicateTariff(s.tariff));
        }
    }
    if profile.billing_end <= profile.billing_start {
        return Err(TariffError::EmptyBillingPeriod {
            start: local(profile.billing_start),
            end: local(profile.billing_end),
        });
    }
    Ok(())
}

/// Whether both ids count the same physical quantity: medium (A), quantity (C) and
/// processing (D) agree. Channel (B), tariff (E) and F may differ, because a tariff
/// register `1-0:1.8.1` books energy measured by the list `1-0:1.8.0`, and import
/// (C = 1) and export (C = 2) must stay apart.
pub fn same_quantity(a: Obis, b: Obis) -> bool {
    (a.a, a.c, a.d) == (b.a, b.c, b.d)
}

/// The stages that book the quantity of a value list.
pub(crate) fn stages_for(
    profile: &TariffProfile,
    list: Obis,
) -> impl Iterator<Item = &TariffStage> {
    profile
        .stages
        .iter()
        .filter(move |s| same_quantity(s.obis, list))
}

/// One empty register per tariff stage, in the supplier's order.
pub(crate) fn stage_registers(profile: &TariffProfile) -> Vec<Register> {
    profile
        .stages
        .iter()
        .map(|s| Register {
            obis: s.obis,
            tariff: Some(s.tariff),
            amount: 0,
        })
        .collect()
}

/// The section of `list` billed from value `v0` at `t0` to value `v1` at `t1`.
pub(crate) fn section(
    list: &MeterSeries,
    (t0, v0): (DateTime<Utc>, i64),
    (t1, v1): (DateTime<Utc>, i64),
) -> Section {
    Section {
        obis: list.obis,
        meter_id: list.meter_id.clone(),
        start: local(t0),
        end: local(t1),
        start_value: v0,
        end_value: v1,
        amount: v1.saturating_sub(v0),
        scaler: list.scaler,
        unit: list.unit.clone(),
    }
}

/// Valid readings at raster points of the list's period inside `[from, to]`, sorted by
/// time, one per time (the first valid one listed wins), as (time, value). A value off the
/// raster counts as missing ([`crate::raster`]).
pub(crate) fn valid_readings(
    series: &MeterSeries,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, i64)> {
    let mut v: Vec<(DateTime<Utc>, i64)> = series
        .readings
        .iter()
        .filter(|r| {
            Reading::is_valid(r)
                && r.time >= from
                && r.time <= to
                && is_raster_point(r.time, series.period)
        })
        .map(|r| (r.time, r.value))
        .collect();
    // Stable sort keeps document order among equal times, so dedup keeps the first.
    v.sort_by_key(|&(t, _)| t);
    v.dedup_by_key(|&mut (t, _)| t);
    v
}

/// Sums section amounts per quantity (E set to 0), in order of first appearance.
pub(crate) fn totals(sections: &[Section]) -> Vec<Total> {
    let mut out: Vec<Total> = Vec::new();
    for s in sections {
        let obis = s.obis.with_tariff(0);
        match out.iter_mut().find(|t| t.obis == obis) {
            Some(t) => t.amount = t.amount.saturating_add(s.amount),
            None => out.push(Total {
                obis,
                amount: s.amount,
            }),
        }
    }
    out
}

/// Fails if no list has a stage of its quantity: then nothing at all can be billed.
pub(crate) fn check_some_list_booked(
    profile: &TariffProfile,
    lists: &[&MeterSeries],
) -> Result<(), TariffError> {
    match lists
        .iter()
        .find(|l| stages_for(profile, l.obis).next().is_none())
    {
        Some(l)
            if lists
                .iter()
                .all(|l| stages_for(profile, l.obis).next().is_none()) =>
        {
            Err(TariffError::NoStageForList(l.obis))
        }
        _ => Ok(()),
    }
}

/// A list that no tariff stage books (e.g. export under an import-only tariff): its
/// measured energy between the first and last valid value in `[from, to]`, as a section
/// and an unbilled range, so the result still accounts for it. `None` with fewer than two
/// valid values.
pub(crate) fn unbooked(
    list: &MeterSeries,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<(Section, Range)> {
    let values = valid_readings(list, from, to);
    let (&(t0, v0), &(t1, v1)) = (values.first()?, values.last()?);
    if values.len() < 2 {
        return None;
    }
    let section = section(list, (t0, v0), (t1, v1));
    let range = Range {
        start: section.start,
        end: section.end,
        obis: list.obis,
        tariff: None,
        amount: section.amount,
        is_error: false,
    };
    Some((section, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_matching_ignores_tariff_and_channel() {
        let ovl = Obis::new(1, 0, 1, 8, 0, 255);
        assert!(same_quantity(ovl, Obis::new(1, 0, 1, 8, 2, 255)));
        assert!(same_quantity(ovl, Obis::new(1, 1, 1, 8, 1, 255)));
        assert!(same_quantity(ovl, Obis::new(1, 0, 1, 8, 63, 7)));
        assert!(!same_quantity(ovl, Obis::new(1, 0, 2, 8, 1, 255)));
        assert!(!same_quantity(ovl, Obis::new(7, 0, 1, 8, 1, 255)));
        assert!(!same_quantity(ovl, Obis::new(1, 0, 1, 9, 0, 255)));
    }
}
