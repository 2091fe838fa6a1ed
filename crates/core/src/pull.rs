//! Everything a gateway holds for the consumer in a period, read live into memory: the
//! input of an export made while the gateway is connected. (The archive's pull, which
//! keeps the raw answers and resumes, is `durchblick-sync`.)

use chrono::{DateTime, Utc};
use export::{ContractExport, ExportSet, ValueList};
use gateway::{CancelFlag, Gateway, GatewayError, Period, Progress};

/// Values after `from` up to `to` of every value list of every contract that keeps values,
/// and the logbook entries from `from` to before `to` (entries without a time cannot be
/// placed and are always kept, as in an export from the archive). Raw answers are not kept
/// (the archive keeps them). `progress` counts calls and items over the whole pull.
pub async fn live(
    gateway: &mut (dyn Gateway + '_),
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    progress: &mut (dyn FnMut(Progress) + Send),
    cancel: &CancelFlag,
) -> Result<ExportSet, GatewayError> {
    let facts = gateway.gateway_info().await?.into_value()?;
    let contracts = gateway.contracts().await?.into_value()?;
    let mut out = Vec::with_capacity(contracts.len());
    let mut items = 0u64;
    let mut step = 0u32;
    for contract in contracts {
        let detail = gateway
            .contract_detail(&contract.usage_point_id)
            .await?
            .into_value()?;
        let mut value_lists = Vec::new();
        if contract.taf.stores_values() && gateway.capabilities().history {
            for db in &detail.databases {
                let mut forward = |p: Progress| {
                    progress(Progress {
                        step: step + p.step,
                        steps: None,
                        items: items + p.items,
                    })
                };
                let got = gateway::read_values(
                    gateway,
                    &detail,
                    &db.database,
                    Period { from, to },
                    &mut forward,
                    cancel,
                )
                .await?;
                for ch in got {
                    // Every channel read has a description: its values were scaled by it.
                    let Some(channel) = gateway::channel_of(&detail, &db.database, &ch.channel)
                    else {
                        continue;
                    };
                    items += ch.readings.len() as u64;
                    value_lists.push(ValueList {
                        database: db.database.clone(),
                        channel_name: ch.channel,
                        channel,
                        readings: ch.readings,
                    });
                }
                step += 1;
            }
        }
        out.push(ContractExport {
            contract,
            detail: Some(detail),
            value_lists,
        });
    }
    let mut log = Vec::new();
    if gateway.capabilities().logbook {
        let mut read = 0u64;
        let entries = gateway::read_logbook(gateway, 0, cancel, |page| {
            step += 1;
            read += page.len() as u64;
            progress(Progress {
                step,
                steps: None,
                items: items + read,
            });
        })
        .await?;
        log.extend(
            entries
                .into_iter()
                .filter(|e| e.time.is_none_or(|t| from <= t && t < to)),
        );
    }
    Ok(ExportSet {
        gateway: facts.info,
        customer_id: Some(gateway.user_id().customer_id().to_owned()),
        contracts: out,
        log,
        raw_responses: Vec::new(),
        created: Utc::now(),
    })
}
