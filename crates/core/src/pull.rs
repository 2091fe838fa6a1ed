//! Everything a gateway holds for the consumer in a period, read live into memory: the
//! input of an export made while the gateway is connected. (The archive's pull, which
//! keeps the raw answers and resumes, is `durchblick-sync`.)

use chrono::{DateTime, Utc};
use export::{ContractExport, ExportSet, ValueList};
use gateway::{CancelFlag, Gateway, GatewayError, Period, Progress};
use smgw_model::FieldWarning;

/// What a live pull read, with the warnings of the tolerant reader.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// The export set.
    pub set: ExportSet,
    /// What the gateway's answers held that could not be decoded and was left out, or
    /// what the adapter assumed (e.g. PPC's clock from the Date header, cached current
    /// values, a file whose signature does not check): each once, in order. Front doors
    /// show them like those of every other read (CLI stderr and `--json` `warnings[]`,
    /// the window's `WarningView`s).
    pub warnings: Vec<FieldWarning>,
}

/// Values after `from` up to `to` of every value list of every contract that keeps values,
/// and the logbook entries from `from` to before `to` (entries without a time cannot be
/// placed and are always kept, as in an export from the archive), with the warnings of
/// every answer read. Raw answers are not kept (the archive keeps them). `progress` counts
/// calls and items over the whole pull.
pub async fn live(
    gateway: &mut (dyn Gateway + '_),
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    progress: &mut (dyn FnMut(Progress) + Send),
    cancel: &CancelFlag,
) -> Result<Pulled, GatewayError> {
    let mut warnings = Vec::new();
    let (facts, warned) = gateway.gateway_info().await?.into_warned()?;
    warnings.extend(warned);
    let (contracts, warned) = gateway.contracts().await?.into_warned()?;
    warnings.extend(warned);
    let mut out = Vec::with_capacity(contracts.len());
    let mut items = 0u64;
    let mut step = 0u32;
    for contract in contracts {
        let (detail, warned) = gateway
            .contract_detail(&contract.usage_point_id)
            .await?
            .into_warned()?;
        warnings.extend(warned);
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
                let (got, warned) = gateway::read_values_warned(
                    gateway,
                    &detail,
                    &db.database,
                    Period { from, to },
                    &mut forward,
                    cancel,
                )
                .await?;
                warnings.extend(warned);
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
        let (entries, warned) = gateway::read_logbook_warned(gateway, 0, cancel, |page| {
            step += 1;
            read += page.len() as u64;
            progress(Progress {
                step,
                steps: None,
                items: items + read,
            });
        })
        .await?;
        warnings.extend(warned);
        log.extend(
            entries
                .into_iter()
                .filter(|e| e.time.is_none_or(|t| from <= t && t < to)),
        );
    }
    smgw_model::warning::dedup(&mut warnings);
    Ok(Pulled {
        set: ExportSet {
            gateway: facts.info,
            customer_id: Some(gateway.user_id().customer_id().to_owned()),
            contracts: out,
            log,
            raw_responses: Vec::new(),
            created: Utc::now(),
        },
        warnings,
    })
}
