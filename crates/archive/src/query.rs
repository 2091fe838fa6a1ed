//! Reads: listings, value pages, logbook, conflicts and status numbers.

use chrono::{DateTime, Duration, Utc};
use smgw_model::{ChannelName, Obis, ScaledValue, Unit};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use crate::error::{ArchiveError, Result};
use crate::open::{col, Archive};
use crate::time::{from_secs, opt_from_secs, opt_secs, opt_u32, secs, to_i8, to_u64, to_u8};
use crate::types::{
    BillingPeriod, CertKind, CertificateData, ChannelId, ChannelKey, ChannelRow, ChannelSpec,
    ChannelStatus, ConsumerId, ConsumerRow, ContractDetail, ContractId, ContractInfo, ContractRow,
    DetailChannel, DetailId, Firmware, GatewayId, GatewayRow, GatewaySnapshot, LogConflict,
    LogEntry, LogFilter, LogStatus, RawResponseId, Reading, ReadingConflict, Scope, SnapshotId,
    StoredLogEntry, StoredReading,
};

/// A certificate in the archive, kept once per distinct content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    /// The certificate.
    pub cert: CertificateData,
    /// SHA-256 of the bytes, lower-case hex (the fingerprint for DER certificates).
    pub sha256: String,
    /// First `smgw-info` that reported it.
    pub first_seen: DateTime<Utc>,
    /// Last `smgw-info` that reported it.
    pub last_seen: DateTime<Utc>,
}

/// Most missing slots counted per hole on rasters that need stepping (a cap that only a
/// nonsensical period could reach).
const MAX_STEPS_PER_HOLE: u64 = 1_000_000;

fn scope_params(scope: Scope) -> (i64, i64) {
    match scope {
        Scope::All => (0, 0),
        Scope::Gateway(g) => (1, g.0),
        Scope::Consumer(c) => (2, c.0),
        Scope::Contract(c) => (3, c.0),
        Scope::Channel(c) => (4, c.0),
    }
}

/// Selects the channels of a scope; `?1` is the scope kind, `?2` the id.
const SCOPED_CHANNELS: &str = "SELECT ch.id, ch.contract_id, ch.database, ch.obis, \
     ch.meter_id, ch.scaler, ch.unit, ch.period_s, co.consumer_id, cu.gateway_id, \
     s.synced_until, s.last_sync_at \
     FROM channel ch JOIN contract co ON co.id = ch.contract_id \
     JOIN consumer cu ON cu.id = co.consumer_id \
     LEFT JOIN channel_sync s ON s.channel_id = ch.id \
     WHERE CASE ?1 WHEN 0 THEN 1 WHEN 1 THEN cu.gateway_id = ?2 \
     WHEN 2 THEN co.consumer_id = ?2 WHEN 3 THEN ch.contract_id = ?2 ELSE ch.id = ?2 END \
     ORDER BY cu.gateway_id, co.consumer_id, ch.contract_id, ch.database, ch.obis, ch.meter_id";

fn channel_row(row: &SqliteRow) -> Result<ChannelRow> {
    let obis_hex: String = col(row, "obis")?;
    let obis: Obis = obis_hex.parse().map_err(|_| ArchiveError::BadColumn {
        column: "channel.obis",
        value: 0,
    })?;
    Ok(ChannelRow {
        id: ChannelId(col(row, "id")?),
        contract: ContractId(col(row, "contract_id")?),
        key: ChannelKey {
            database: col(row, "database")?,
            name: ChannelName::new(obis, col::<String>(row, "meter_id")?),
        },
        spec: ChannelSpec {
            scaler: col::<Option<i64>>(row, "scaler")?
                .map(|v| to_i8(v, "channel.scaler"))
                .transpose()?,
            unit: col::<Option<i64>>(row, "unit")?
                .map(|v| to_u8(v, "channel.unit").map(Unit::from_code))
                .transpose()?,
            period: col::<Option<i64>>(row, "period_s")?.map(Duration::seconds),
        },
    })
}

/// The reading columns, in the order `reading_from` expects them, with a prefix.
fn reading_from(row: &SqliteRow, prefix: &str) -> Result<Reading> {
    let c = |name: &str| format!("{prefix}{name}");
    let value: i64 = row.try_get(c("value").as_str())?;
    let scaler: i64 = row.try_get(c("scaler").as_str())?;
    let unit: i64 = row.try_get(c("unit").as_str())?;
    Ok(Reading {
        target_time: from_secs(row.try_get(c("target_time").as_str())?, "target_time")?,
        capture_time: opt_from_secs(row.try_get(c("capture_time").as_str())?, "capture_time")?,
        value: ScaledValue::new(i128::from(value), to_i8(scaler, "scaler")?),
        unit: Unit::from_code(to_u8(unit, "unit")?),
        cosem_status: row.try_get(c("cosem_status").as_str())?,
        smgw_status: row.try_get(c("smgw_status").as_str())?,
        meter_status: row.try_get(c("meter_status").as_str())?,
        owner: row.try_get(c("owner").as_str())?,
        signature: row.try_get(c("signature").as_str())?,
    })
}

fn log_from(row: &SqliteRow, prefix: &str) -> Result<LogEntry> {
    let c = |name: &str| format!("{prefix}{name}");
    let idx: i64 = row.try_get(c("idx").as_str())?;
    Ok(LogEntry {
        index: to_u64(idx, "idx")?,
        time: opt_from_secs(row.try_get(c("time").as_str())?, "time")?,
        level: opt_u32(row.try_get(c("level").as_str())?, "level")?,
        event_id: row.try_get(c("event_id").as_str())?,
        event_sub_id: row.try_get(c("event_sub_id").as_str())?,
        outcome: row.try_get(c("outcome").as_str())?,
        vendor_id: row.try_get(c("vendor_id").as_str())?,
        subject_identity: row.try_get(c("subject_identity").as_str())?,
        user_identity: row.try_get(c("user_identity").as_str())?,
        message: row.try_get(c("message").as_str())?,
        version: row.try_get(c("version").as_str())?,
        extra: row.try_get(c("extra").as_str())?,
    })
}

const READING_COLS: &str = "target_time, capture_time, value, scaler, unit, cosem_status, \
     smgw_status, meter_status, owner, signature";

impl Archive {
    /// All gateways, by `smgw-id`.
    pub async fn gateways(&self) -> Result<Vec<GatewayRow>> {
        let rows =
            sqlx::query("SELECT id, smgw_id, first_seen, last_seen FROM gateway ORDER BY smgw_id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(GatewayRow {
                    id: GatewayId(col(r, "id")?),
                    smgw_id: col(r, "smgw_id")?,
                    first_seen: from_secs(col(r, "first_seen")?, "first_seen")?,
                    last_seen: from_secs(col(r, "last_seen")?, "last_seen")?,
                })
            })
            .collect()
    }

    /// The consumers of one gateway, or of all gateways.
    pub async fn consumers(&self, gateway: Option<GatewayId>) -> Result<Vec<ConsumerRow>> {
        let rows = sqlx::query(
            "SELECT id, gateway_id, user_id, first_seen, last_seen FROM consumer \
             WHERE ?1 IS NULL OR gateway_id = ?1 ORDER BY gateway_id, user_id",
        )
        .bind(gateway.map(|g| g.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ConsumerRow {
                    id: ConsumerId(col(r, "id")?),
                    gateway: GatewayId(col(r, "gateway_id")?),
                    user_id: col(r, "user_id")?,
                    first_seen: from_secs(col(r, "first_seen")?, "first_seen")?,
                    last_seen: from_secs(col(r, "last_seen")?, "last_seen")?,
                })
            })
            .collect()
    }

    /// The contracts of a consumer, by usage point id.
    pub async fn contracts(&self, consumer: ConsumerId) -> Result<Vec<ContractRow>> {
        let rows = sqlx::query(
            "SELECT id, consumer_id, usage_point_id, name, taf_number, taf_state, start_time, \
             end_time, capture_time, delivery_id, metering_point_id, meters, on_demand_profile, \
             first_seen, last_seen FROM contract WHERE consumer_id = ? ORDER BY usage_point_id",
        )
        .bind(consumer.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = col(r, "id")?;
            let periods = sqlx::query(
                "SELECT start_time, end_time FROM billing_period WHERE contract_id = ? \
                 ORDER BY start_time, end_time",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|p| {
                Ok(BillingPeriod {
                    start: from_secs(col(p, "start_time")?, "start_time")?,
                    end: opt_from_secs(col(p, "end_time")?, "end_time")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
            let meters: Option<String> = col(r, "meters")?;
            out.push(ContractRow {
                id: ContractId(id),
                consumer: ConsumerId(col(r, "consumer_id")?),
                info: ContractInfo {
                    usage_point_id: col(r, "usage_point_id")?,
                    name: col(r, "name")?,
                    taf_number: opt_u32(col(r, "taf_number")?, "taf_number")?,
                    taf_state: col(r, "taf_state")?,
                    start: opt_from_secs(col(r, "start_time")?, "start_time")?,
                    end: opt_from_secs(col(r, "end_time")?, "end_time")?,
                    capture_time: opt_from_secs(col(r, "capture_time")?, "capture_time")?,
                    delivery_id: col(r, "delivery_id")?,
                    metering_point_id: col(r, "metering_point_id")?,
                    meters: meters
                        .filter(|m| !m.is_empty())
                        .map(|m| m.split('\n').map(str::to_owned).collect())
                        .unwrap_or_default(),
                    on_demand_profile: col(r, "on_demand_profile")?,
                    billing_periods: periods,
                },
                first_seen: from_secs(col(r, "first_seen")?, "first_seen")?,
                last_seen: from_secs(col(r, "last_seen")?, "last_seen")?,
            });
        }
        Ok(out)
    }

    /// The value series of a scope (e.g. `Scope::Contract(id)`).
    pub async fn channels(&self, scope: Scope) -> Result<Vec<ChannelRow>> {
        let (kind, id) = scope_params(scope);
        let rows = sqlx::query(SCOPED_CHANNELS)
            .bind(kind)
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(channel_row).collect()
    }

    /// The certificates a gateway ever reported.
    pub async fn certificates(&self, gateway: GatewayId) -> Result<Vec<StoredCertificate>> {
        let rows = sqlx::query(
            "SELECT kind, cert_index, data, sha256, first_seen, last_seen FROM certificate \
             WHERE gateway_id = ? ORDER BY kind, cert_index, first_seen",
        )
        .bind(gateway.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = col(r, "kind")?;
                Ok(StoredCertificate {
                    cert: CertificateData {
                        kind: CertKind::from_str_opt(&kind).ok_or(ArchiveError::BadColumn {
                            column: "certificate.kind",
                            value: 0,
                        })?,
                        index: opt_u32(col(r, "cert_index")?, "cert_index")?,
                        data: col(r, "data")?,
                    },
                    sha256: col(r, "sha256")?,
                    first_seen: from_secs(col(r, "first_seen")?, "first_seen")?,
                    last_seen: from_secs(col(r, "last_seen")?, "last_seen")?,
                })
            })
            .collect()
    }

    /// The gateway's clock at the newest read that reported one, and when that read was
    /// by this computer's clock: `(read_at, smgw_time)`.
    pub async fn newest_gateway_clock(
        &self,
        gateway: GatewayId,
    ) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
        let row = sqlx::query(
            "SELECT read_at, smgw_time FROM gateway_snapshot \
             WHERE gateway_id = ? AND smgw_time IS NOT NULL ORDER BY read_at DESC, id DESC LIMIT 1",
        )
        .bind(gateway.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                from_secs(col(&r, "read_at")?, "read_at")?,
                from_secs(col(&r, "smgw_time")?, "smgw_time")?,
            ))
        })
        .transpose()
    }

    /// The `smgw-info` snapshots of a gateway, oldest first, with firmware lists.
    /// (Certificates are listed by [`Archive::certificates`]; the field stays empty.)
    pub async fn gateway_snapshots(
        &self,
        gateway: GatewayId,
    ) -> Result<Vec<(SnapshotId, GatewaySnapshot)>> {
        let rows = sqlx::query(
            "SELECT id, read_at, smgw_state, smgw_time, raw_response_id FROM gateway_snapshot \
             WHERE gateway_id = ? ORDER BY read_at, id",
        )
        .bind(gateway.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = col(r, "id")?;
            let firmware = sqlx::query(
                "SELECT component, version, hash FROM firmware WHERE snapshot_id = ? \
                 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|f| {
                Ok(Firmware {
                    component: col(f, "component")?,
                    version: col(f, "version")?,
                    hash: col(f, "hash")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
            out.push((
                SnapshotId(id),
                GatewaySnapshot {
                    read_at: from_secs(col(r, "read_at")?, "read_at")?,
                    smgw_state: col(r, "smgw_state")?,
                    smgw_time: opt_from_secs(col(r, "smgw_time")?, "smgw_time")?,
                    firmware,
                    certificates: Vec::new(),
                    raw_response: col::<Option<i64>>(r, "raw_response_id")?.map(RawResponseId),
                },
            ));
        }
        Ok(out)
    }

    /// The newest `usage-point-info` snapshot of a contract, with its TAF profile bytes.
    pub async fn latest_contract_detail(
        &self,
        contract: ContractId,
    ) -> Result<Option<(DetailId, ContractDetail)>> {
        let Some(r) = sqlx::query(
            "SELECT d.id, d.read_at, d.name, d.transparency_bit, d.emts, d.raw_response_id, \
             p.data FROM contract_detail d LEFT JOIN taf_profile p \
             ON p.contract_id = d.contract_id AND p.sha256 = d.taf_profile_sha256 \
             WHERE d.contract_id = ? ORDER BY d.read_at DESC, d.id DESC LIMIT 1",
        )
        .bind(contract.0)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = col(&r, "id")?;
        let channels = sqlx::query(
            "SELECT database, obis, scaler, unit FROM detail_channel WHERE detail_id = ? \
             ORDER BY database, obis",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|c| {
            let obis: String = col(c, "obis")?;
            Ok(DetailChannel {
                database: col(c, "database")?,
                obis: obis.parse().map_err(|_| ArchiveError::BadColumn {
                    column: "detail_channel.obis",
                    value: 0,
                })?,
                scaler: to_i8(col(c, "scaler")?, "scaler")?,
                unit: Unit::from_code(to_u8(col(c, "unit")?, "unit")?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let emts: Option<String> = col(&r, "emts")?;
        Ok(Some((
            DetailId(id),
            ContractDetail {
                read_at: from_secs(col(&r, "read_at")?, "read_at")?,
                name: col(&r, "name")?,
                transparency_bit: col(&r, "transparency_bit")?,
                emts: emts
                    .filter(|e| !e.is_empty())
                    .map(|e| e.split('\n').map(str::to_owned).collect())
                    .unwrap_or_default(),
                taf_profile: col(&r, "data")?,
                channels,
                raw_response: col::<Option<i64>>(&r, "raw_response_id")?.map(RawResponseId),
            },
        )))
    }

    /// One page of a channel's readings with `after < target time <= until`, oldest first
    /// (the gateway's own range convention). For the next page pass the last target time
    /// as `after`.
    pub async fn readings(
        &self,
        channel: ChannelId,
        after: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<StoredReading>> {
        let rows = sqlx::query(
            "SELECT target_time, capture_time, value, scaler, unit, cosem_status, smgw_status, \
             meter_status, owner, signature, stored_at FROM reading \
             WHERE channel_id = ? AND target_time > ? AND target_time <= ? \
             ORDER BY target_time LIMIT ?",
        )
        .bind(channel.0)
        .bind(opt_secs(after).unwrap_or(i64::MIN))
        .bind(opt_secs(until).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredReading {
                    reading: reading_from(r, "")?,
                    stored_at: from_secs(col(r, "stored_at")?, "stored_at")?,
                })
            })
            .collect()
    }

    /// Logbook entries of a consumer matching `filter`, by index.
    pub async fn log_entries(
        &self,
        consumer: ConsumerId,
        filter: &LogFilter,
    ) -> Result<Vec<StoredLogEntry>> {
        let rows = sqlx::query(
            "SELECT idx, time, level, event_id, event_sub_id, outcome, vendor_id, \
             subject_identity, user_identity, message, version, extra, stored_at \
             FROM log_entry WHERE consumer_id = ?1 AND idx > ?2 \
             AND (time IS NULL OR ((?3 IS NULL OR time >= ?3) AND (?4 IS NULL OR time < ?4))) \
             AND (?5 IS NULL OR level >= ?5) ORDER BY idx LIMIT ?6",
        )
        .bind(consumer.0)
        .bind(match filter.after_index {
            Some(i) => crate::time::index_to_i64(i)?,
            None => -1,
        })
        .bind(opt_secs(filter.from))
        .bind(opt_secs(filter.to))
        .bind(filter.min_level.map(i64::from))
        .bind(filter.limit.map_or(-1, i64::from))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredLogEntry {
                    entry: log_from(r, "")?,
                    stored_at: from_secs(col(r, "stored_at")?, "stored_at")?,
                })
            })
            .collect()
    }

    /// Recorded reading conflicts in a scope, by channel and target time.
    pub async fn reading_conflicts(&self, scope: Scope) -> Result<Vec<ReadingConflict>> {
        let (kind, id) = scope_params(scope);
        let sql = format!(
            "WITH sc AS ({SCOPED_CHANNELS}) \
             SELECT c.channel_id, {theirs}, {ours}, c.first_seen, c.last_seen, c.times_seen \
             FROM reading_conflict c JOIN sc ON sc.id = c.channel_id \
             JOIN reading r ON r.channel_id = c.channel_id AND r.target_time = c.target_time \
             ORDER BY c.channel_id, c.target_time, c.id",
            theirs = prefixed("c", "c_", READING_COLS),
            ours = prefixed("r", "r_", READING_COLS),
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kind)
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ReadingConflict {
                    channel: ChannelId(col(r, "channel_id")?),
                    stored: reading_from(r, "r_")?,
                    other: reading_from(r, "c_")?,
                    first_seen: from_secs(col(r, "first_seen")?, "first_seen")?,
                    last_seen: from_secs(col(r, "last_seen")?, "last_seen")?,
                    times_seen: to_u64(col(r, "times_seen")?, "times_seen")?,
                })
            })
            .collect()
    }

    /// Recorded logbook conflicts of a consumer, by index.
    pub async fn log_conflicts(&self, consumer: ConsumerId) -> Result<Vec<LogConflict>> {
        const LOG_COLS: &str = "idx, time, level, event_id, event_sub_id, outcome, vendor_id, \
             subject_identity, user_identity, message, version, extra";
        let sql = format!(
            "SELECT {theirs}, {ours}, c.first_seen, c.last_seen, c.times_seen \
             FROM log_conflict c JOIN log_entry e \
             ON e.consumer_id = c.consumer_id AND e.idx = c.idx \
             WHERE c.consumer_id = ? ORDER BY c.idx, c.id",
            theirs = prefixed("c", "c_", LOG_COLS),
            ours = prefixed("e", "e_", LOG_COLS),
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(consumer.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(LogConflict {
                    consumer,
                    stored: log_from(r, "e_")?,
                    other: log_from(r, "c_")?,
                    first_seen: from_secs(col(r, "first_seen")?, "first_seen")?,
                    last_seen: from_secs(col(r, "last_seen")?, "last_seen")?,
                    times_seen: to_u64(col(r, "times_seen")?, "times_seen")?,
                })
            })
            .collect()
    }

    /// Numbers about a consumer's logbook.
    pub async fn log_status(&self, consumer: ConsumerId) -> Result<LogStatus> {
        let r = sqlx::query(
            "SELECT (SELECT count(*) FROM log_entry WHERE consumer_id = ?1) AS n, \
             (SELECT min(idx) FROM log_entry WHERE consumer_id = ?1) AS lo, \
             (SELECT max(idx) FROM log_entry WHERE consumer_id = ?1) AS hi, \
             (SELECT count(*) FROM log_conflict WHERE consumer_id = ?1) AS conflicts, \
             (SELECT last_index FROM log_sync WHERE consumer_id = ?1) AS synced, \
             (SELECT last_sync_at FROM log_sync WHERE consumer_id = ?1) AS at",
        )
        .bind(consumer.0)
        .fetch_one(&self.pool)
        .await?;
        let opt_u64 = |v: Option<i64>, c| v.map(|v| to_u64(v, c)).transpose();
        Ok(LogStatus {
            count: to_u64(col(&r, "n")?, "count")?,
            first_index: opt_u64(col(&r, "lo")?, "idx")?,
            last_index: opt_u64(col(&r, "hi")?, "idx")?,
            conflicts: to_u64(col(&r, "conflicts")?, "count")?,
            synced_index: opt_u64(col(&r, "synced")?, "last_index")?,
            last_sync_at: opt_from_secs(col(&r, "at")?, "last_sync_at")?,
        })
    }

    /// Status numbers of every channel in a scope: first/last target time, count, gaps for
    /// the channel's period, conflicts and sync progress. Sum them up for contract,
    /// consumer or gateway totals.
    pub async fn status(&self, scope: Scope) -> Result<Vec<ChannelStatus>> {
        let (kind, id) = scope_params(scope);
        let rows = sqlx::query(SCOPED_CHANNELS)
            .bind(kind)
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let channel = channel_row(r)?;
            out.push(self.channel_status(r, channel).await?);
        }
        Ok(out)
    }

    async fn channel_status(&self, r: &SqliteRow, channel: ChannelRow) -> Result<ChannelStatus> {
        let cid = channel.id.0;
        let agg = sqlx::query(
            "SELECT count(*) AS n, min(target_time) AS lo, max(target_time) AS hi, \
             (SELECT count(*) FROM reading_conflict WHERE channel_id = ?1) AS conflicts \
             FROM reading WHERE channel_id = ?1",
        )
        .bind(cid)
        .fetch_one(&self.pool)
        .await?;
        let (period, detected) = match channel.spec.period {
            Some(p) if p.num_seconds() > 0 => (Some(p.num_seconds()), false),
            _ => {
                let step: Option<i64> = sqlx::query_scalar(
                    "SELECT d FROM (SELECT target_time - LAG(target_time) \
                     OVER (ORDER BY target_time) AS d FROM reading WHERE channel_id = ?) \
                     WHERE d > 0 GROUP BY d ORDER BY count(*) DESC, d ASC LIMIT 1",
                )
                .bind(cid)
                .fetch_optional(&self.pool)
                .await?;
                (step, true)
            }
        };
        let (mut gaps, mut missing) = (0u64, 0u64);
        if let Some(p) = period {
            let tol = p / 100;
            // One index seek per reading for its successor: measured faster than LAG()
            // over the channel, which SQLite materialises first.
            let holes = sqlx::query(
                "SELECT prev, t FROM (SELECT a.target_time AS prev, (SELECT min(b.target_time) \
                 FROM reading b WHERE b.channel_id = ?1 AND b.target_time > a.target_time) AS t \
                 FROM reading a WHERE a.channel_id = ?1) WHERE t - prev > ?2",
            )
            .bind(cid)
            .bind(p + tol)
            .fetch_all(&self.pool)
            .await?;
            for h in &holes {
                let n = missing_slots(col(h, "prev")?, col(h, "t")?, p);
                if n > 0 {
                    gaps += 1;
                    missing += n;
                }
            }
        }
        // The newest run of equal values: everything after the last reading that differs
        // from the newest one (field failure 25, a register that stopped counting).
        let run: Option<(i64, i64)> = sqlx::query_as(
            "WITH newest AS (SELECT value, scaler FROM reading WHERE channel_id = ?1 \
             ORDER BY target_time DESC LIMIT 1), \
             changed AS (SELECT max(r.target_time) AS t FROM reading r, newest n \
             WHERE r.channel_id = ?1 AND (r.value != n.value OR r.scaler != n.scaler)) \
             SELECT min(target_time), count(*) FROM reading, changed \
             WHERE channel_id = ?1 AND (changed.t IS NULL OR target_time > changed.t) \
             HAVING count(*) > 1",
        )
        .bind(cid)
        .fetch_optional(&self.pool)
        .await?;
        Ok(ChannelStatus {
            unchanged_since: run.map(|(t, _)| from_secs(t, "target_time")).transpose()?,
            gateway: GatewayId(col(r, "gateway_id")?),
            consumer: ConsumerId(col(r, "consumer_id")?),
            count: to_u64(col(&agg, "n")?, "count")?,
            first: opt_from_secs(col(&agg, "lo")?, "target_time")?,
            last: opt_from_secs(col(&agg, "hi")?, "target_time")?,
            period: period.map(Duration::seconds),
            period_detected: detected && period.is_some(),
            gaps,
            missing_slots: missing,
            conflicts: to_u64(col(&agg, "conflicts")?, "count")?,
            synced_until: opt_from_secs(col(r, "synced_until")?, "synced_until")?,
            last_sync_at: opt_from_secs(col(r, "last_sync_at")?, "last_sync_at")?,
            channel,
        })
    }
}

fn prefixed(table: &str, alias: &str, cols: &str) -> String {
    cols.split(',')
        .map(str::trim)
        .map(|c| format!("{table}.{c} AS {alias}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Raster slots of period `p` strictly between two consecutive target times `a < b`
/// that no reading covers, using the raster and 1 % tolerance of
/// [`smgw_model::time::is_on_raster`]: multiples since the epoch for periods dividing an
/// hour, German wall-clock rasters otherwise.
pub(crate) fn missing_slots(a: i64, b: i64, p: i64) -> u64 {
    if p <= 0 || b <= a {
        return 0;
    }
    // Integer times make the floor of the tolerance exact: t > a + 0.6 ⇔ t > a.
    let tol = p / 100;
    let (lo, hi) = (a + tol, b - tol);
    if hi <= lo {
        return 0;
    }
    if 3600 % p == 0 {
        let n = (hi - 1).div_euclid(p) - lo.div_euclid(p);
        return u64::try_from(n).unwrap_or(0);
    }
    let (Some(start), Some(end)) = (
        DateTime::from_timestamp(a, 0),
        DateTime::from_timestamp(hi, 0),
    ) else {
        return 0;
    };
    let period = Duration::seconds(p);
    let mut n = 0u64;
    let mut next = smgw_model::time::next_raster_point(start, period);
    let mut steps = 0u64;
    while let Some(t) = next {
        if t >= end || steps >= MAX_STEPS_PER_HOLE {
            break;
        }
        if secs(t) > lo {
            n += 1;
        }
        steps += 1;
        next = smgw_model::time::next_raster_point(t, period);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_slots_on_a_quarter_hour_raster() {
        let t0 = 1_700_000_100; // a multiple of 900 (1 700 000 100 = 1 888 889 × 900)
        assert_eq!(t0 % 900, 0);
        assert_eq!(missing_slots(t0, t0 + 900, 900), 0);
        assert_eq!(missing_slots(t0, t0 + 2 * 900, 900), 1);
        assert_eq!(missing_slots(t0, t0 + 5 * 900, 900), 4);
        // Readings a few seconds off the raster still cover their slot.
        assert_eq!(missing_slots(t0 + 5, t0 + 2 * 900 - 5, 900), 1);
    }

    #[test]
    fn daily_values_across_a_dst_change_are_not_a_gap() {
        // 2024-10-27 00:00 Berlin (CEST) = 2024-10-26 22:00 UTC; next local midnight is
        // 25 hours later.
        let a = 1_729_980_000;
        assert_eq!(missing_slots(a, a + 25 * 3600, 86_400), 0);
        assert_eq!(missing_slots(a, a + 49 * 3600, 86_400), 1);
    }
}
