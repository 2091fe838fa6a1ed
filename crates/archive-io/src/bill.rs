//! The device side of a bill check from the archive: the original value list of the
//! contract a supplier's tariff file is for, as an AR 2418-6 document for the `tariff`
//! crate.

use chrono::{DateTime, Utc};
use smgw_model::Database;

use crate::{export_set, ExportError, Selection};
use archive::Archive;

/// The archived original value lists that a supplier file (`supplier`, an AR 2418-6
/// document with an `AnalysisProfile`) bills: the contract is found by the supplier's
/// `usagePointId` (the metering point id, or our usage point id) and, where several
/// contracts share the metering point, by `tariffName` = contract name; failing that, the
/// contract with the most original values (the finest list: TAF 2 or 7 rather than TAF 1).
/// Only original value lists are kept, as the transparency function demands. `gateway` and
/// `consumer` narrow the search as in [`Selection`].
pub async fn device_for_supplier(
    db: &Archive,
    supplier: &ar2418::UsagePoints,
    gateway: Option<String>,
    consumer: Option<String>,
    created: DateTime<Utc>,
) -> Result<ar2418::UsagePoints, ExportError> {
    let up = supplier
        .usage_points
        .iter()
        .find(|u| u.analysis_profile.is_some())
        .or_else(|| supplier.usage_points.first());
    let point = up
        .and_then(|u| u.usage_point_id.clone())
        .unwrap_or_default();
    let tariff_name = up.and_then(|u| u.tariff_name.clone());
    let sel = Selection {
        gateway,
        consumer,
        contract: Some(point),
        ..Selection::default()
    };
    let set = export_set(db, &sel, created).await?;
    let origin_values = |c: &export::ContractExport| -> usize {
        c.value_lists
            .iter()
            .filter(|v| v.database == Database::Origin)
            .map(|v| v.readings.len())
            .sum()
    };
    let by_name = tariff_name.as_deref().and_then(|name| {
        set.contracts
            .iter()
            .position(|c| c.contract.name.trim() == name.trim())
    });
    let chosen = by_name.or_else(|| {
        set.contracts
            .iter()
            .enumerate()
            .max_by_key(|&(i, c)| (origin_values(c), usize::MAX - i))
            .map(|(i, _)| i)
    });
    match chosen {
        Some(i) => only_origin(set, i),
        None => Err(ExportError::NotFound {
            what: "contract",
            name: sel.contract.unwrap_or_default(),
            available: Vec::new(),
        }),
    }
}

/// The archived original value lists of the contract `contract` (its usage point id, or
/// its metering point id where the gateway reports one), for gateways whose contracts
/// carry no metering point id (PPC: `01005e318002.1lgz0072999211.sm`) or when the
/// supplier file's metering point does not lead to the right contract. A contract that
/// is not archived is [`ExportError::NotFound`] with the archived contracts listed.
/// `gateway` and `consumer` narrow the search as in [`Selection`].
pub async fn device_for_contract(
    db: &Archive,
    contract: &str,
    gateway: Option<String>,
    consumer: Option<String>,
    created: DateTime<Utc>,
) -> Result<ar2418::UsagePoints, ExportError> {
    let sel = Selection {
        gateway,
        consumer,
        contract: Some(contract.trim().to_owned()),
        ..Selection::default()
    };
    let set = export_set(db, &sel, created).await?;
    if set.contracts.is_empty() {
        return Err(ExportError::NotFound {
            what: "contract",
            name: contract.to_owned(),
            available: Vec::new(),
        });
    }
    // An exact usage point id wins over a metering point id shared by several contracts.
    let i = set
        .contracts
        .iter()
        .position(|c| c.contract.usage_point_id == contract.trim())
        .unwrap_or(0);
    only_origin(set, i)
}

/// The set with only contract `i` and only its original value lists, as AR 2418-6.
fn only_origin(mut set: export::ExportSet, i: usize) -> Result<ar2418::UsagePoints, ExportError> {
    let mut contract = set.contracts.swap_remove(i);
    contract
        .value_lists
        .retain(|v| v.database == Database::Origin);
    set.contracts = vec![contract];
    Ok(export::to_usage_points(&set)?)
}
