//! Loading AR 2418-6 device files (TRuDI exports, or our own) into the archive.
//!
//! The file is read, validated and converted completely before the first write, so a file
//! with errors or with something the archive cannot hold changes nothing. Writes then go
//! through the archive's own rules: a reading or logbook entry already archived is a
//! no-op if identical and a recorded conflict if different.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ar2418::{MeterReading, UsagePoint, UsagePoints};
use archive::{
    Archive, CertKind, CertificateData, ChannelKey, ChannelSpec, ChannelWindow, ConsumerId,
    ContractDetail, ContractId, ContractInfo, DetailChannel, Firmware, GatewayId, GatewaySnapshot,
    LogEntry, Reading, WriteOutcome,
};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use smgw_model::status::{gateway_bits, GATEWAY_IDENTIFICATION};
use smgw_model::{
    CertificateKind, ChannelName, CombinedStatus, GatewayStatus, Obis, PtbStatus, ScaledValue, Unit,
};

use crate::error::ImportError;
use crate::xml::database_of;

/// Readings per archive transaction: large enough to be fast, small enough that one
/// transaction stays a few megabytes.
const READINGS_PER_WRITE: usize = 20_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The gateways (`smgwId`) of the file.
    pub gateways: Vec<String>,
    /// The consumers (`customerId`) of the file.
    pub customers: Vec<String>,
    /// Number of `UsagePoint`s in the file.
    pub usage_points: usize,
    /// Contracts the import added (the others were already archived).
    pub contracts_added: usize,
    /// Value lists (channels) in the file.
    pub channels: usize,
    /// What happened to the readings.
    pub readings: WriteOutcome,
    /// What happened to the logbook entries.
    pub log: WriteOutcome,
    /// Logbook entries without `recordNumber`, which the archive cannot key and skipped.
    pub log_without_number: usize,
    /// Gateway snapshots (certificates, firmware) the import added.
    pub snapshots_added: usize,
    /// Contract details (invoicing party, channel list) the import added.
    pub details_added: usize,
    /// Warnings of the validator (the file was imported anyway).
    pub warnings: Vec<ar2418::Finding>,
}

/// Reads and validates a file: the part of an import that touches no archive. Fails on
/// malformed XML, a DOCTYPE, validator errors and supplier tariff files.
pub fn read_for_import(path: impl AsRef<Path>) -> Result<UsagePoints, ImportError> {
    let doc = ar2418::read_file(path)?;
    check(&doc)?;
    Ok(doc)
}

fn check(doc: &UsagePoints) -> Result<Vec<ar2418::Finding>, ImportError> {
    if doc.is_supplier_file() {
        return Err(ImportError::SupplierFile);
    }
    let findings = ar2418::validate(doc);
    if ar2418::has_errors(&findings) {
        return Err(ImportError::Invalid {
            errors: findings
                .into_iter()
                .filter(|f| f.severity == ar2418::Severity::Error)
                .collect(),
        });
    }
    Ok(findings
        .into_iter()
        .filter(|f| f.severity == ar2418::Severity::Warning)
        .collect())
}

/// Reads, validates and imports a file (see [`import_ar2418`]).
pub async fn import_file(
    db: &Archive,
    path: impl AsRef<Path>,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let doc = ar2418::read_file(path)?;
    import_ar2418(db, &doc, now).await
}

/// The part of an import before the first write: check, the file's time, every usage
/// point converted.
fn plan_all(doc: &UsagePoints, now: DateTime<Utc>) -> Result<Plan, ImportError> {
    let warnings = check(doc)?;
    let file_time = file_time(doc).unwrap_or(now);
    let plans = doc
        .usage_points
        .iter()
        .enumerate()
        .map(|(i, up)| plan(i, up, file_time))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Plan {
        warnings,
        file_time,
        plans,
    })
}

/// What [`plan_all`] found: the validator's warnings, the file's time, the usage points.
struct Plan {
    warnings: Vec<ar2418::Finding>,
    file_time: DateTime<Utc>,
    plans: Vec<PlannedUsagePoint>,
}

/// The import's planning without an archive, for the fuzz targets (`crates/fuzz-targets`):
/// the number of readings it would write. Not part of the API.
#[doc(hidden)]
pub fn plan_import(doc: &UsagePoints, now: DateTime<Utc>) -> Result<usize, ImportError> {
    Ok(plan_all(doc, now)?
        .plans
        .iter()
        .flat_map(|p| &p.channels)
        .map(|c| c.readings.len())
        .sum())
}

/// One value list, converted.
struct PlannedChannel {
    key: ChannelKey,
    spec: ChannelSpec,
    readings: Vec<Reading>,
}

/// One usage point, converted.
struct PlannedUsagePoint {
    smgw_id: String,
    customer_id: String,
    contract: ContractInfo,
    invoicing_party: Option<String>,
    channels: Vec<PlannedChannel>,
    log: Vec<LogEntry>,
    snapshot: GatewaySnapshot,
}

/// Loads a validated AR 2418-6 device file into the archive: the gateway from
/// `SMGW/smgwId`, the consumer from `Customer/customerId`, a contract per `UsagePoint`
/// (found by usage point or metering point id, else added with the tariff name), a channel
/// per `MeterReading` with its readings, status words and signatures, the logbook and the
/// certificates. Gateway and consumer join existing ones with the same id (`smgwId`
/// case-insensitively, `customerId` with or without `.sm`).
///
/// The file is validated first; with errors nothing is written. `now` is the time stored
/// as the import time of readings and logbook entries.
pub async fn import_ar2418(
    db: &Archive,
    doc: &UsagePoints,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let Plan {
        warnings,
        file_time,
        plans,
    } = plan_all(doc, now)?;

    let mut report = ImportReport {
        usage_points: plans.len(),
        warnings,
        log_without_number: doc
            .usage_points
            .iter()
            .flat_map(|u| &u.log_entries)
            .filter(|e| e.record_number.is_none())
            .count(),
        ..ImportReport::default()
    };
    // Each usage point of a TRuDI file carries the whole logbook; collect it once per
    // consumer so that the copies are not stored as repeated writes.
    let mut logs: BTreeMap<ConsumerId, Vec<LogEntry>> = BTreeMap::new();
    let mut snapshot_done: BTreeSet<GatewayId> = BTreeSet::new();
    let mut channels: BTreeMap<archive::ChannelId, Vec<Reading>> = BTreeMap::new();
    for p in &plans {
        let gw = find_or_add_gateway(db, &p.smgw_id, file_time).await?;
        let consumer = find_or_add_consumer(db, gw, &p.customer_id, file_time).await?;
        if !report.gateways.contains(&p.smgw_id) {
            report.gateways.push(p.smgw_id.clone());
        }
        if !report.customers.contains(&p.customer_id) {
            report.customers.push(p.customer_id.clone());
        }
        let (contract, added) = find_or_add_contract(db, consumer, &p.contract, file_time).await?;
        if added {
            report.contracts_added += 1;
        }
        if db.latest_contract_detail(contract).await?.is_none() {
            db.store_contract_detail(contract, &contract_detail(p, file_time))
                .await?;
            report.details_added += 1;
        }
        for ch in &p.channels {
            let id = db.channel(contract, &ch.key, ch.spec).await?;
            report.channels += 1;
            channels
                .entry(id)
                .or_default()
                .extend(ch.readings.iter().cloned());
        }
        logs.entry(consumer)
            .or_default()
            .extend(p.log.iter().cloned());
        if snapshot_done.insert(gw) && snapshot_is_new(db, gw, &p.snapshot).await? {
            db.store_gateway_snapshot(gw, &p.snapshot).await?;
            report.snapshots_added += 1;
        }
    }

    for (channel, readings) in channels {
        let (min, max) = match (
            readings.iter().map(|r| r.target_time).min(),
            readings.iter().map(|r| r.target_time).max(),
        ) {
            (Some(a), Some(b)) => (a, b),
            _ => continue,
        };
        let archived: BTreeMap<DateTime<Utc>, Reading> = db
            .readings(
                channel,
                Some(min - Duration::seconds(1)),
                Some(max),
                u32::MAX,
            )
            .await?
            .into_iter()
            .map(|r| (r.reading.target_time, r.reading))
            .collect();
        for batch in unique_batches(readings, |r| r.target_time.timestamp()) {
            let (known, batch): (Vec<Reading>, Vec<Reading>) = batch.into_iter().partition(|r| {
                archived
                    .get(&r.target_time)
                    .is_some_and(|a| a != r && same_reading_as_far_as_carried(a, r))
            });
            report.readings.unchanged += known.len() as u64;
            for chunk in batch.chunks(READINGS_PER_WRITE) {
                let (outcome, _) = db
                    .store_window(
                        &[ChannelWindow {
                            channel,
                            readings: chunk,
                            synced_until: None,
                        }],
                        None,
                        now,
                    )
                    .await?;
                add(&mut report.readings, outcome);
            }
        }
    }
    for (consumer, entries) in logs {
        let Some(min) = entries.iter().map(|e| e.index).min() else {
            continue;
        };
        let archived: BTreeMap<u64, LogEntry> = db
            .log_entries(
                consumer,
                &archive::LogFilter {
                    after_index: min.checked_sub(1),
                    ..archive::LogFilter::default()
                },
            )
            .await?
            .into_iter()
            .map(|e| (e.entry.index, e.entry))
            .collect();
        for batch in unique_batches(entries, |e| e.index as i64) {
            let (known, batch): (Vec<LogEntry>, Vec<LogEntry>) = batch.into_iter().partition(|e| {
                archived
                    .get(&e.index)
                    .is_some_and(|a| a != e && same_log_as_far_as_carried(a, e))
            });
            report.log.unchanged += known.len() as u64;
            if batch.is_empty() {
                continue;
            }
            let (outcome, _) = db.store_log_page(consumer, &batch, None, now).await?;
            add(&mut report.log, outcome);
        }
    }
    Ok(report)
}

/// Whether an imported reading says the same as the archived one as far as AR 2418-6 can
/// say it. A file carries no separate gateway and meter words and no owner number, and a
/// capture time only if the archive had one (else the target time), so an export of
/// synced values read back must not count as a different version.
fn same_reading_as_far_as_carried(archived: &Reading, imported: &Reading) -> bool {
    let text_eq = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        (None, None) => true,
        _ => false,
    };
    let capture_ok = imported.capture_time == archived.capture_time
        || (archived.capture_time.is_none() && imported.capture_time == Some(archived.target_time));
    let fnn_ok = match &imported.cosem_status {
        None => true,
        Some(f) => {
            let split = match (&archived.smgw_status, &archived.meter_status) {
                (Some(g), Some(m)) => Some(format!("{}{}", g.trim(), m.trim())),
                _ => None,
            };
            let fnn = Some(f.clone());
            text_eq(&archived.cosem_status, &fnn)
                || (archived.cosem_status.is_none() && text_eq(&split, &fnn))
        }
    };
    let ptb = |r: &Reading| r.to_model().ok().map(|m| m.ptb());
    archived.value.cmp_value(imported.value).is_eq()
        && archived.unit == imported.unit
        && capture_ok
        && text_eq(&archived.signature, &imported.signature)
        && fnn_ok
        && ptb(archived) == ptb(imported)
}

/// The same for logbook entries: a file carries no event ids, version or unknown keys, and
/// an outcome only as a number.
fn same_log_as_far_as_carried(archived: &LogEntry, imported: &LogEntry) -> bool {
    let outcome = archived
        .outcome
        .as_deref()
        .and_then(|o| o.trim().parse::<u8>().ok())
        .map(|o| o.to_string());
    archived.time == imported.time
        && archived.level == imported.level
        && outcome == imported.outcome
        && archived.vendor_id == imported.vendor_id
        && archived.subject_identity == imported.subject_identity
        && archived.user_identity == imported.user_identity
        && archived.message.as_deref().unwrap_or("") == imported.message.as_deref().unwrap_or("")
}

fn add(total: &mut WriteOutcome, o: WriteOutcome) {
    total.inserted += o.inserted;
    total.unchanged += o.unchanged;
    total.new_conflicts += o.new_conflicts;
    total.known_conflicts += o.known_conflicts;
}

/// Splits rows into batches with at most one row per key: identical copies are dropped,
/// differing rows with the same key go into later batches (the archive records them as
/// conflicts of the first). Each batch is sorted by key.
fn unique_batches<T: PartialEq>(rows: Vec<T>, key: impl Fn(&T) -> i64) -> Vec<Vec<T>> {
    let mut by_key: BTreeMap<i64, Vec<T>> = BTreeMap::new();
    for r in rows {
        let same = by_key.entry(key(&r)).or_default();
        if !same.contains(&r) {
            same.push(r);
        }
    }
    let mut batches: Vec<Vec<T>> = Vec::new();
    for versions in by_key.into_values() {
        for (i, r) in versions.into_iter().enumerate() {
            match batches.get_mut(i) {
                Some(batch) => batch.push(r),
                // Version i of a key comes after versions 0..i, so batch i is the next one.
                None => batches.push(vec![r]),
            }
        }
    }
    batches
}

/// The time the file describes: the gateway's `SystemTime`, else the newest reading or
/// logbook entry. Used as "seen" time of gateway and consumer and as the snapshot time, so
/// that importing the same file again finds everything as it was.
fn file_time(doc: &UsagePoints) -> Option<DateTime<Utc>> {
    let system = doc
        .usage_points
        .iter()
        .filter_map(|u| u.smgw.as_ref()?.system_time)
        .max();
    let newest_reading = doc
        .usage_points
        .iter()
        .flat_map(|u| &u.meter_readings)
        .flat_map(|m| m.readings())
        .filter_map(|r| r.effective_time())
        .max();
    let newest_log = doc
        .usage_points
        .iter()
        .flat_map(|u| &u.log_entries)
        .filter_map(|e| e.event()?.timestamp)
        .max();
    system
        .or(newest_reading.max(newest_log))
        .map(|t| t.with_timezone(&Utc))
}

fn utc(t: DateTime<FixedOffset>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

fn plan(
    i: usize,
    up: &UsagePoint,
    file_time: DateTime<Utc>,
) -> Result<PlannedUsagePoint, ImportError> {
    let unusable = |detail: String| ImportError::Unusable {
        usage_point: i,
        detail,
    };
    let smgw = up
        .smgw
        .as_ref()
        .ok_or_else(|| unusable("no SMGW element".into()))?;
    let smgw_id = smgw.smgw_id.trim().to_string();
    if smgw_id.is_empty() {
        return Err(unusable("SMGW/smgwId is empty".into()));
    }
    let customer_id = up
        .customer_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| unusable("no Customer/customerId".into()))?
        .to_string();
    let usage_point_id = up
        .usage_point_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| unusable("no usagePointId".into()))?
        .to_string();

    let mut channels = Vec::with_capacity(up.meter_readings.len());
    for (m, mr) in up.meter_readings.iter().enumerate() {
        channels
            .push(plan_channel(mr).map_err(|d| unusable(format!("MeterReading {}: {d}", m + 1)))?);
    }
    let mut meters: Vec<String> = Vec::new();
    for ch in &channels {
        if !meters.contains(&ch.key.name.meter_id) {
            meters.push(ch.key.name.meter_id.clone());
        }
    }
    let contract = ContractInfo {
        usage_point_id,
        name: up.tariff_name.clone(),
        taf_number: up
            .analysis_profile
            .as_ref()
            .map(|a| u32::from(a.tariff_use_case)),
        meters,
        ..ContractInfo::default()
    };
    let log = up.log_entries.iter().filter_map(log_entry).collect();
    let snapshot = GatewaySnapshot {
        read_at: file_time,
        smgw_state: None,
        smgw_time: smgw.system_time.map(utc),
        firmware: smgw
            .firmware_components
            .iter()
            .map(|f| Firmware {
                component: Some(f.name.clone()),
                version: f.version.clone(),
                hash: f.checksum.clone(),
            })
            .collect(),
        certificates: up
            .certificates
            .iter()
            .filter_map(|c| {
                // certType is validated (1–3) before planning; others cannot be keyed.
                let kind: CertKind = CertificateKind::from_code(c.cert_type)?.into();
                Some(CertificateData {
                    kind,
                    index: None,
                    data: c.content.clone(),
                })
            })
            .collect(),
        raw_response: None,
    };
    Ok(PlannedUsagePoint {
        smgw_id,
        customer_id,
        contract,
        invoicing_party: up.invoicing_party_id.clone(),
        channels,
        log,
        snapshot,
    })
}

/// The DLMS unit of an ESPI `uom` (the inverse of `export::ar::espi_uom`; 42 is m³).
fn unit_of(uom: u16) -> Option<Unit> {
    const UNITS: [Unit; 15] = [
        Unit::WattHour,
        Unit::Watt,
        Unit::VarHour,
        Unit::Var,
        Unit::VoltAmpereHour,
        Unit::VoltAmpere,
        Unit::CubicMetre,
        Unit::CubicMetrePerHour,
        Unit::Ampere,
        Unit::Volt,
        Unit::Hertz,
        Unit::Celsius,
        Unit::Joule,
        Unit::Second,
        Unit::Count,
    ];
    UNITS
        .into_iter()
        .find(|u| export::ar::espi_uom(*u) == Some(uom))
}

/// A gateway status word that says exactly `ptb`, for readings that carry only
/// `statusPTB`: the archive keeps status as words, and this is the word whose PTB status
/// is the one written in the file (identification bits and the one matching flag).
fn word_for_ptb(ptb: u8) -> Option<GatewayStatus> {
    let flag = match ptb {
        0 => 0,
        1 => 1 << gateway_bits::PTB_WARNING,
        2 => 1 << gateway_bits::PTB_TEMPORARY_ERROR,
        3 => 1 << gateway_bits::PTB_CRITICAL_TEMPORARY_ERROR,
        4 => 1 << gateway_bits::FATAL_ERROR,
        _ => return None,
    };
    Some(GatewayStatus::from_logical(
        u32::from(GATEWAY_IDENTIFICATION) | flag,
    ))
}

/// The archive keys a channel by the gateway's channel name, which AR 2418-6 carries as
/// `qualifiedLogicalName` (`<OBIS>.<meter or TAF id>.sm`); derived lists of one meter
/// differ only there. Files where it is missing or malformed fall back to `obisCode` and
/// `Meter/meterId`.
fn channel_name(mr: &MeterReading) -> Result<ChannelName, String> {
    let rt = mr.reading_type.as_ref().ok_or("no ReadingType")?;
    if let Some(name) = rt
        .qualified_logical_name
        .as_deref()
        .and_then(|q| q.parse::<ChannelName>().ok())
    {
        return Ok(name);
    }
    let obis: Obis = rt.obis_id().ok_or("no usable obisCode")?;
    let meter_id = mr
        .meter_id
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .ok_or("no meterId")?;
    Ok(ChannelName::new(obis, meter_id))
}

fn plan_channel(mr: &MeterReading) -> Result<PlannedChannel, String> {
    let rt = mr.reading_type.as_ref().ok_or("no ReadingType")?;
    let name = channel_name(mr)?;
    let scaler =
        i8::try_from(mr.scaler()).map_err(|_| format!("scaler {} out of range", mr.scaler()))?;
    let uom = rt.uom.ok_or("no uom")?;
    let unit = unit_of(uom).ok_or_else(|| format!("unit (uom {uom}) unknown to the archive"))?;
    let mut readings = Vec::with_capacity(mr.reading_count());
    for r in mr.readings() {
        let value = r.value.ok_or("reading without value")?;
        let target = r.effective_time().ok_or("reading without time")?;
        let cosem = r
            .status_fnn
            .as_deref()
            .map(CombinedStatus::from_hex)
            .transpose()
            .map_err(|e| format!("statusFNN: {e}"))?;
        // statusPTB is kept as a gateway word only where statusFNN does not already say it
        // (checked: a statusFNN without identification bits says no status).
        let smgw = match r.status_ptb {
            Some(p)
                if cosem
                    .and_then(|c| c.ptb_checked().ok())
                    .map(PtbStatus::code)
                    != Some(p) =>
            {
                Some(word_for_ptb(p).ok_or_else(|| format!("statusPTB {p} out of range"))?)
            }
            _ => None,
        };
        readings.push(Reading {
            target_time: utc(target),
            capture_time: r.capture_time().map(utc),
            value: ScaledValue::new(i128::from(value), scaler),
            unit,
            cosem_status: cosem.map(CombinedStatus::to_hex),
            smgw_status: smgw.map(GatewayStatus::to_hex),
            meter_status: None,
            owner: None,
            signature: r.signature.as_deref().map(hex::encode),
        });
    }
    Ok(PlannedChannel {
        key: ChannelKey {
            database: database_of(mr).wire_name().to_string(),
            name,
        },
        spec: ChannelSpec {
            scaler: Some(scaler),
            unit: Some(unit),
            period: rt
                .measurement_period
                .filter(|p| *p > 0)
                .map(|p| Duration::seconds(i64::from(p))),
        },
        readings,
    })
}

fn log_entry(e: &ar2418::LogEntry) -> Option<LogEntry> {
    let index = u64::from(e.record_number?);
    let ev = e.event();
    Some(LogEntry {
        index,
        time: ev.and_then(|v| v.timestamp).map(utc),
        level: ev.and_then(|v| v.level).map(u32::from),
        event_id: None,
        event_sub_id: None,
        outcome: ev.and_then(|v| v.outcome).map(|o| o.to_string()),
        vendor_id: ev.and_then(|v| v.event_kind_vendor.clone()),
        subject_identity: ev.and_then(|v| v.subject_identity.clone()),
        user_identity: ev.and_then(|v| v.user_identity.clone()),
        message: ev.and_then(|v| v.text.clone()),
        version: None,
        extra: None,
    })
}

fn contract_detail(p: &PlannedUsagePoint, read_at: DateTime<Utc>) -> ContractDetail {
    let mut channels: Vec<DetailChannel> = Vec::new();
    for ch in &p.channels {
        let d = DetailChannel {
            database: ch.key.database.clone(),
            obis: ch.key.name.obis,
            scaler: ch.spec.scaler.unwrap_or(0),
            // Planned channels always carry their unit.
            unit: ch.spec.unit.unwrap_or(Unit::Other(255)),
        };
        if !channels
            .iter()
            .any(|c| c.database == d.database && c.obis == d.obis)
        {
            channels.push(d);
        }
    }
    ContractDetail {
        read_at,
        name: p.contract.name.clone(),
        transparency_bit: None,
        emts: p.invoicing_party.iter().cloned().collect(),
        taf_profile: None,
        channels,
        raw_response: None,
    }
}

async fn find_or_add_gateway(
    db: &Archive,
    smgw_id: &str,
    seen: DateTime<Utc>,
) -> Result<GatewayId, ImportError> {
    let existing = db
        .gateways()
        .await?
        .into_iter()
        .find(|g| g.smgw_id.eq_ignore_ascii_case(smgw_id));
    let name = existing.map_or_else(|| smgw_id.to_string(), |g| g.smgw_id);
    Ok(db.gateway(&name, seen).await?)
}

async fn find_or_add_consumer(
    db: &Archive,
    gw: GatewayId,
    customer_id: &str,
    seen: DateTime<Utc>,
) -> Result<ConsumerId, ImportError> {
    let with_sm = format!("{customer_id}.sm");
    let existing = db
        .consumers(Some(gw))
        .await?
        .into_iter()
        .find(|c| c.user_id == customer_id || c.user_id == with_sm);
    let name = existing.map_or_else(|| customer_id.to_string(), |c| c.user_id);
    Ok(db.consumer(gw, &name, seen).await?)
}

/// An existing contract is never updated from a file: its description comes from the
/// gateway (`user-info`), which knows more than an AR 2418-6 file says.
///
/// A file names a contract by `usagePointId` — in TRuDI's files the 33-character metering
/// point id, which several contracts of one consumer share (TAF 1, 2 and 7 of one meter) —
/// and `tariffName`. So a contract is found by usage point id, or by metering point id,
/// and where names are known on both sides they must agree; a metering point id alone
/// picks a contract only if exactly one contract has it. A new contract whose
/// `usagePointId` is already taken by another contract of the consumer gets the key
/// `<usagePointId>#<tariffName>`, so contracts never merge.
async fn find_or_add_contract(
    db: &Archive,
    consumer: ConsumerId,
    info: &ContractInfo,
    seen: DateTime<Utc>,
) -> Result<(ContractId, bool), ImportError> {
    let id = info.usage_point_id.as_str();
    let name = info.name.as_deref().filter(|n| !n.trim().is_empty());
    let rows = db.contracts(consumer).await?;
    let names_agree = |r: &archive::ContractRow| match (name, r.info.name.as_deref()) {
        (Some(a), Some(b)) if !b.trim().is_empty() => a.trim() == b.trim(),
        _ => true,
    };
    let by_id = rows
        .iter()
        .find(|r| r.info.usage_point_id == id && names_agree(r));
    let on_point: Vec<&archive::ContractRow> = rows
        .iter()
        .filter(|r| r.info.metering_point_id.as_deref() == Some(id))
        .collect();
    let by_point = on_point
        .iter()
        .copied()
        .find(|r| name.is_some() && names_agree(r) && r.info.name.is_some())
        .or_else(|| match on_point.as_slice() {
            [only] if names_agree(only) => Some(*only),
            _ => None,
        });
    if let Some(row) = by_id.or(by_point) {
        return Ok((row.id, false));
    }
    let mut info = info.clone();
    if rows.iter().any(|r| r.info.usage_point_id == id) {
        info.usage_point_id = format!("{id}#{}", name.unwrap_or("?"));
    }
    if info.metering_point_id.is_none() && smgw_model::MeteringPointId::parse(id).is_ok() {
        info.metering_point_id = Some(id.to_string());
    }
    Ok((db.contract(consumer, &info, seen).await?, true))
}

/// Whether the file says something about the gateway the archive does not hold yet: a
/// certificate not archived, or firmware and clock not recorded at this time.
async fn snapshot_is_new(
    db: &Archive,
    gw: GatewayId,
    snap: &GatewaySnapshot,
) -> Result<bool, ImportError> {
    let known = db.certificates(gw).await?;
    let unknown_cert = snap.certificates.iter().any(|c| {
        !known
            .iter()
            .any(|k| k.cert.kind == c.kind && k.cert.data == c.data)
    });
    if unknown_cert {
        return Ok(true);
    }
    if snap.firmware.is_empty() && snap.smgw_time.is_none() {
        return Ok(false);
    }
    let same = db.gateway_snapshots(gw).await?.into_iter().any(|(_, s)| {
        s.read_at == snap.read_at && s.smgw_time == snap.smgw_time && s.firmware == snap.firmware
    });
    Ok(!same)
}

#[cfg(test)]
mod tests {
    use super::*;
    use smgw_model::status::ptb_of_words;

    #[test]
    fn ptb_words_say_their_status() {
        for p in 0..=4u8 {
            let w = word_for_ptb(p).unwrap();
            assert_eq!(ptb_of_words(w, None).map(PtbStatus::code), Ok(p));
            assert_eq!(w.identification(), GATEWAY_IDENTIFICATION);
            assert_eq!(GatewayStatus::from_hex(&w.to_hex()).unwrap(), w);
        }
        assert_eq!(word_for_ptb(5), None);
    }

    fn planned(fnn: &str, ptb: Option<u8>) -> Reading {
        let mr = MeterReading {
            meter_id: Some("1ESY1160449476".into()),
            reading_type: Some(ar2418::ReadingType {
                uom: Some(72),
                scaler: Some(-1),
                qualified_logical_name: Some("0100010800ff.1ESY1160449476.sm".into()),
                ..Default::default()
            }),
            interval_blocks: vec![ar2418::IntervalBlock {
                interval: None,
                readings: vec![ar2418::IntervalReading {
                    value: Some(1234),
                    target_time: Some("2025-01-01T00:15:00+01:00".parse().unwrap()),
                    status_fnn: Some(fnn.into()),
                    status_ptb: ptb,
                    ..Default::default()
                }],
            }],
            ..Default::default()
        };
        plan_channel(&mr).unwrap().readings.remove(0)
    }

    #[test]
    fn status_ptb_is_kept_unless_an_identified_fnn_says_the_same() {
        // statusFNN says 3 (identified): statusPTB 3 adds nothing.
        let r = planned("A002000020000000", Some(3));
        assert_eq!(r.smgw_status, None);
        assert_eq!(
            r.to_model().unwrap().ptb(),
            Some(PtbStatus::CriticalTemporary)
        );
        // The same bits without the gateway word's identification say nothing: the table
        // would read 3 from them, but that is a guess, so statusPTB 3 is kept as a word.
        let r = planned("0002000020000000", Some(3));
        assert_eq!(r.cosem_status.as_deref(), Some("0002000020000000"));
        let word = GatewayStatus::from_hex(r.smgw_status.as_deref().unwrap()).unwrap();
        assert_eq!(ptb_of_words(word, None), Ok(PtbStatus::CriticalTemporary));
        // Without statusPTB the unidentified word is kept as sent, and gives no status.
        let r = planned("0002000020000000", None);
        assert_eq!(r.smgw_status, None);
        assert_eq!(r.to_model().unwrap().ptb(), None);
    }

    #[test]
    fn units_map_back_from_espi() {
        assert_eq!(unit_of(72), Some(Unit::WattHour));
        assert_eq!(unit_of(38), Some(Unit::Watt));
        assert_eq!(unit_of(42), Some(Unit::CubicMetre));
        assert_eq!(unit_of(9999), None);
    }

    #[test]
    fn batches_drop_copies_and_separate_versions() {
        let rows = vec![(1, 'a'), (2, 'b'), (1, 'a'), (1, 'x'), (3, 'c')];
        let b = unique_batches(rows, |r| r.0);
        assert_eq!(b, vec![vec![(1, 'a'), (2, 'b'), (3, 'c')], vec![(1, 'x')]]);
    }
}
