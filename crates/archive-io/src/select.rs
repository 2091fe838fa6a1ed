//! Gathering an [`ExportSet`] from the archive.

use std::collections::BTreeMap;

use archive::{
    Archive, ChannelRow, ConsumerRow, ContractRow, GatewayRow, LogFilter, Scope, StoredCertificate,
};
use chrono::{DateTime, Utc};
use export::{ContractExport, ExportSet, RawResponse, ValueList};
use smgw_model::ids::customer_id;
use smgw_model::{
    Certificate, Channel, Contract, ContractDetail, Database, DatabaseChannels, FirmwareInfo,
    GatewayInfo, SmgwState, Taf, TafState, Unit,
};

use crate::error::ExportError;

/// Readings fetched per archive query; bounds memory per page, not per export.
const PAGE: u32 = 10_000;

/// What to export. Every field is optional; `Selection::default()` exports everything of
/// the only consumer in the archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The gateway's `smgw-id` (case-insensitive); needed if the archive holds several.
    pub gateway: Option<String>,
    /// The consumer: its user id, with or without the `.sm` suffix; needed if the gateway
    /// has several.
    pub consumer: Option<String>,
    /// Only this contract: its usage point id or metering point id.
    pub contract: Option<String>,
    /// Only readings with a target time after this (exclusive, the gateway's `fromtime`
    /// convention) and logbook entries at or after it (entries without a time are always
    /// exported).
    pub from: Option<DateTime<Utc>>,
    /// Only readings with a target time up to this (inclusive) and logbook entries before it.
    pub to: Option<DateTime<Utc>>,
}

fn pick_gateway(gateways: Vec<GatewayRow>, want: Option<&str>) -> Result<GatewayRow, ExportError> {
    let names = || {
        gateways
            .iter()
            .map(|g| g.smgw_id.clone())
            .collect::<Vec<_>>()
    };
    match want {
        Some(w) => {
            let available = names();
            gateways
                .into_iter()
                .find(|g| g.smgw_id.eq_ignore_ascii_case(w.trim()))
                .ok_or(ExportError::NotFound {
                    what: "gateway",
                    name: w.to_string(),
                    available,
                })
        }
        None if gateways.len() > 1 => Err(ExportError::Ambiguous {
            what: "gateway",
            choices: names(),
        }),
        None => gateways.into_iter().next().ok_or(ExportError::NotFound {
            what: "gateway",
            name: String::new(),
            available: Vec::new(),
        }),
    }
}

fn pick_consumer(
    consumers: Vec<ConsumerRow>,
    want: Option<&str>,
) -> Result<ConsumerRow, ExportError> {
    let names = || {
        consumers
            .iter()
            .map(|c| c.user_id.clone())
            .collect::<Vec<_>>()
    };
    match want {
        Some(w) => {
            let w = w.trim();
            let available = names();
            consumers
                .into_iter()
                .find(|c| c.user_id == w || customer_id(&c.user_id) == customer_id(w))
                .ok_or(ExportError::NotFound {
                    what: "consumer",
                    name: w.to_string(),
                    available,
                })
        }
        None if consumers.len() > 1 => Err(ExportError::Ambiguous {
            what: "consumer",
            choices: names(),
        }),
        None => consumers.into_iter().next().ok_or(ExportError::NotFound {
            what: "consumer",
            name: String::new(),
            available: Vec::new(),
        }),
    }
}

/// Gathers everything the archive holds for the selected gateway and consumer: the gateway
/// (latest snapshot, every certificate ever reported), the contracts with their latest
/// details, every channel's readings exactly as stored, the logbook and the consumer's raw
/// responses. `created` becomes [`ExportSet::created`].
pub async fn export_set(
    db: &Archive,
    sel: &Selection,
    created: DateTime<Utc>,
) -> Result<ExportSet, ExportError> {
    let gw = pick_gateway(db.gateways().await?, sel.gateway.as_deref())?;
    let consumer = pick_consumer(db.consumers(Some(gw.id)).await?, sel.consumer.as_deref())?;

    let snapshots = db.gateway_snapshots(gw.id).await?;
    let latest = snapshots.last().map(|(_, s)| s);
    let certificates = db.certificates(gw.id).await?;
    let gateway = GatewayInfo {
        id: gw.smgw_id.clone(),
        state: latest
            .and_then(|s| s.smgw_state.as_deref())
            .and_then(|s| SmgwState::from_hex(s).ok()),
        time: latest.and_then(|s| s.smgw_time),
        firmware: latest
            .map(|s| {
                s.firmware
                    .iter()
                    .map(|f| FirmwareInfo {
                        component: f.component.clone().unwrap_or_default(),
                        version: f.version.clone().unwrap_or_default(),
                        hash: f.hash.clone().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        certificates: certificates.iter().map(certificate).collect(),
    };

    let mut contracts = Vec::new();
    let rows = db.contracts(consumer.id).await?;
    if let Some(want) = sel.contract.as_deref() {
        if !rows.iter().any(|r| contract_matches(r, want)) {
            return Err(ExportError::NotFound {
                what: "contract",
                name: want.to_string(),
                available: rows.iter().map(|r| r.info.usage_point_id.clone()).collect(),
            });
        }
    }
    for row in rows {
        if sel
            .contract
            .as_deref()
            .is_some_and(|w| !contract_matches(&row, w))
        {
            continue;
        }
        contracts.push(contract_export(db, &row, sel).await?);
    }

    let log = db
        .log_entries(
            consumer.id,
            &LogFilter {
                from: sel.from,
                to: sel.to,
                ..LogFilter::default()
            },
        )
        .await?
        .iter()
        .map(|e| e.entry.to_model())
        .collect::<Result<Vec<_>, _>>()?;

    let mut raw_responses = Vec::new();
    for id in db.raw_response_ids(consumer.id).await? {
        let raw = db.raw_response(id).await?;
        raw_responses.push(RawResponse {
            name: format!("{:06}-{}.json", id.0, raw.method),
            bytes: raw.body,
        });
    }

    Ok(ExportSet {
        gateway,
        customer_id: Some(customer_id(&consumer.user_id).to_owned()),
        contracts,
        log,
        raw_responses,
        created,
    })
}

fn contract_matches(row: &ContractRow, want: &str) -> bool {
    let want = want.trim();
    row.info.usage_point_id == want || row.info.metering_point_id.as_deref() == Some(want)
}

fn certificate(c: &StoredCertificate) -> Certificate {
    Certificate {
        kind: c.cert.kind.into(),
        index: c.cert.index,
        der: c.cert.data.clone(),
    }
}

async fn contract_export(
    db: &Archive,
    row: &ContractRow,
    sel: &Selection,
) -> Result<ContractExport, ExportError> {
    let info = &row.info;
    let contract = Contract {
        usage_point_id: info.usage_point_id.clone(),
        name: info.name.clone().unwrap_or_default(),
        taf: info
            .taf_number
            .and_then(|n| u16::try_from(n).ok())
            .map_or(Taf::Other(0), Taf::from_number),
        state: TafState::from_wire(info.taf_state.as_deref().unwrap_or("")),
        start: info.start,
        end: info.end,
        capture_time: info.capture_time,
        billing_periods: info
            .billing_periods
            .iter()
            .map(|p| smgw_model::records::BillingPeriod {
                start: p.start,
                end: p.end,
            })
            .collect(),
        meters: info.meters.clone(),
        metering_point_id: info.metering_point_id.clone(),
        delivery_id: info.delivery_id.clone(),
        on_demand: info.on_demand_profile.unwrap_or(false),
    };
    let detail = db
        .latest_contract_detail(row.id)
        .await?
        .map(|(_, d)| detail(info, &d));
    let mut value_lists = Vec::new();
    for ch in db.channels(Scope::Contract(row.id)).await? {
        value_lists.push(value_list(db, &ch, sel).await?);
    }
    Ok(ContractExport {
        contract,
        detail,
        value_lists,
    })
}

fn detail(info: &archive::ContractInfo, d: &archive::ContractDetail) -> ContractDetail {
    let mut databases: BTreeMap<String, Vec<Channel>> = BTreeMap::new();
    for ch in &d.channels {
        databases
            .entry(ch.database.clone())
            .or_default()
            .push(Channel {
                obis: ch.obis,
                unit: ch.unit,
                scaler: ch.scaler,
            });
    }
    ContractDetail {
        usage_point_id: info.usage_point_id.clone(),
        name: d
            .name
            .clone()
            .or_else(|| info.name.clone())
            .unwrap_or_default(),
        emts: d.emts.clone(),
        transparency_bit: d.transparency_bit.unwrap_or(false),
        taf_profile: d.taf_profile.clone(),
        databases: databases
            .into_iter()
            .map(|(db, channels)| DatabaseChannels {
                database: Database::from_wire(&db),
                channels,
            })
            .collect(),
    }
}

async fn value_list(
    db: &Archive,
    ch: &ChannelRow,
    sel: &Selection,
) -> Result<ValueList, ExportError> {
    let mut stored = Vec::new();
    let mut after = sel.from;
    loop {
        let page = db.readings(ch.id, after, sel.to, PAGE).await?;
        let full = page.len() == PAGE as usize;
        after = page.last().map(|r| r.reading.target_time).or(after);
        stored.extend(page.into_iter().map(|r| r.reading));
        if !full {
            break;
        }
    }
    let first = stored.first();
    let channel = Channel {
        obis: ch.key.name.obis,
        // A channel without announced unit/scaler takes them from its readings.
        unit: ch
            .spec
            .unit
            .or(first.map(|r| r.unit))
            .unwrap_or(Unit::Other(255)),
        scaler: ch
            .spec
            .scaler
            .or(first.map(|r| r.value.scaler))
            .unwrap_or(0),
    };
    let readings = stored
        .iter()
        .map(archive::Reading::to_model)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ValueList {
        database: ch.key.database(),
        channel_name: ch.key.name.to_string(),
        channel,
        readings,
    })
}
