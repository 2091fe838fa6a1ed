//! Checks and helpers shared by TAF-1 and TAF-2.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::error::TariffError;
use crate::input::{MeterSeries, Reading, TariffProfile, TariffStage};
use crate::obis::Obis;
use crate::result::{Section, Total};

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
            start: profile.billing_start,
            end: profile.billing_end,
        });
    }
    Ok(())
}

/// The stages that book the quantity of a value list.
pub(crate) fn stages_for(
    profile: &TariffProfile,
    list: Obis,
) -> impl Iterator<Item = &TariffStage> {
    profile
        .stages
        .iter()
        .filter(move |s| s.obis.same_quantity(list))
}

/// Valid readings inside `[from, to]`, sorted by time, one per time (the first valid one
/// listed wins), as (time, value).
pub(crate) fn valid_readings(
    series: &MeterSeries,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, i64)> {
    let mut v: Vec<(DateTime<Utc>, i64)> = series
        .readings
        .iter()
        .filter(|r| Reading::is_valid(r) && r.time >= from && r.time <= to)
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
