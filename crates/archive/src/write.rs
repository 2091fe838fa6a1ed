//! Writes. Every public method here is one transaction: it is applied completely or not
//! at all, also when the future is dropped or the process dies half-way.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqliteConnection};

use crate::error::{ArchiveError, Result};
use crate::open::{col, Archive};
use crate::raw::{insert_raw, sha256_hex};
use crate::time::{index_to_i64, opt_secs, secs};
use crate::types::{
    ChannelId, ChannelKey, ChannelSpec, ChannelWindow, ConsumerId, ContractDetail, ContractId,
    ContractInfo, DetailId, GatewayId, GatewaySnapshot, LogEntry, RawResponse, RawResponseId,
    Reading, SnapshotId, WriteOutcome,
};

/// Rows per multi-row INSERT. 12 parameters per reading row keep a statement far below
/// SQLite's limit of 32766 bound parameters, while amortising the per-statement cost.
const READINGS_PER_STATEMENT: usize = 1000;
/// Rows per multi-row INSERT of log entries (14 parameters each).
const LOG_ENTRIES_PER_STATEMENT: usize = 200;

/// A reading prepared for binding: checked and converted once.
struct ReadingRow<'a> {
    target: i64,
    capture: Option<i64>,
    value: i64,
    scaler: i64,
    unit: i64,
    cosem: Option<&'a str>,
    smgw: Option<&'a str>,
    meter: Option<&'a str>,
    owner: Option<&'a str>,
    signature: Option<&'a str>,
}

impl<'a> ReadingRow<'a> {
    fn new(r: &'a Reading) -> Result<ReadingRow<'a>> {
        Ok(ReadingRow {
            target: secs(r.target_time),
            capture: opt_secs(r.capture_time),
            value: i64::try_from(r.value.raw)
                .map_err(|_| ArchiveError::ValueOutOfRange(r.value.raw))?,
            scaler: i64::from(r.value.scaler),
            unit: i64::from(r.unit.code()),
            cosem: r.cosem_status.as_deref(),
            smgw: r.smgw_status.as_deref(),
            meter: r.meter_status.as_deref(),
            owner: r.owner.as_deref(),
            signature: r.signature.as_deref(),
        })
    }
}

/// A log entry prepared for binding.
struct LogRow<'a> {
    index: i64,
    time: Option<i64>,
    level: Option<i64>,
    texts: [Option<&'a str>; 9],
}

const LOG_TEXT_COLUMNS: [&str; 9] = [
    "event_id",
    "event_sub_id",
    "outcome",
    "vendor_id",
    "subject_identity",
    "user_identity",
    "message",
    "version",
    "extra",
];

impl<'a> LogRow<'a> {
    fn new(e: &'a LogEntry) -> Result<LogRow<'a>> {
        Ok(LogRow {
            index: index_to_i64(e.index)?,
            time: opt_secs(e.time),
            level: e.level.map(i64::from),
            texts: [
                e.event_id.as_deref(),
                e.event_sub_id.as_deref(),
                e.outcome.as_deref(),
                e.vendor_id.as_deref(),
                e.subject_identity.as_deref(),
                e.user_identity.as_deref(),
                e.message.as_deref(),
                e.version.as_deref(),
                e.extra.as_deref(),
            ],
        })
    }

    fn same_as(&self, row: &SqliteRow) -> Result<bool> {
        if self.time != col::<Option<i64>>(row, "time")?
            || self.level != col::<Option<i64>>(row, "level")?
        {
            return Ok(false);
        }
        for (mine, name) in self.texts.iter().zip(LOG_TEXT_COLUMNS) {
            if *mine != col::<Option<&str>>(row, name)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl Archive {
    /// Finds or adds the gateway with this `smgw-id` and marks it as seen at `now`.
    pub async fn gateway(&self, smgw_id: &str, now: DateTime<Utc>) -> Result<GatewayId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO gateway (smgw_id, first_seen, last_seen) VALUES (?1, ?2, ?2) \
             ON CONFLICT (smgw_id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) \
             RETURNING id",
        )
        .bind(smgw_id)
        .bind(secs(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(GatewayId(id))
    }

    /// Finds or adds the consumer `user_id` of a gateway and marks it as seen at `now`.
    pub async fn consumer(
        &self,
        gateway: GatewayId,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<ConsumerId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO consumer (gateway_id, user_id, first_seen, last_seen) \
             VALUES (?1, ?2, ?3, ?3) ON CONFLICT (gateway_id, user_id) \
             DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id",
        )
        .bind(gateway.0)
        .bind(user_id)
        .bind(secs(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(ConsumerId(id))
    }

    /// Adds a contract or updates it to the latest `user-info` description; billing
    /// periods are only ever added. The previous descriptions remain in the raw responses.
    pub async fn contract(
        &self,
        consumer: ConsumerId,
        info: &ContractInfo,
        now: DateTime<Utc>,
    ) -> Result<ContractId> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contract (consumer_id, usage_point_id, name, taf_number, taf_state, \
             start_time, end_time, capture_time, delivery_id, metering_point_id, meters, \
             on_demand_profile, first_seen, last_seen) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13) \
             ON CONFLICT (consumer_id, usage_point_id) DO UPDATE SET \
             name = excluded.name, taf_number = excluded.taf_number, \
             taf_state = excluded.taf_state, start_time = excluded.start_time, \
             end_time = excluded.end_time, capture_time = excluded.capture_time, \
             delivery_id = excluded.delivery_id, metering_point_id = excluded.metering_point_id, \
             meters = excluded.meters, on_demand_profile = excluded.on_demand_profile, \
             last_seen = max(last_seen, excluded.last_seen) RETURNING id",
        )
        .bind(consumer.0)
        .bind(&info.usage_point_id)
        .bind(info.name.as_deref())
        .bind(info.taf_number.map(i64::from))
        .bind(info.taf_state.as_deref())
        .bind(opt_secs(info.start))
        .bind(opt_secs(info.end))
        .bind(opt_secs(info.capture_time))
        .bind(info.delivery_id.as_deref())
        .bind(info.metering_point_id.as_deref())
        .bind(info.meters.join("\n"))
        .bind(info.on_demand_profile)
        .bind(secs(now))
        .fetch_one(&mut *tx)
        .await?;
        for p in &info.billing_periods {
            sqlx::query(
                "INSERT INTO billing_period (contract_id, start_time, end_time, first_seen) \
                 VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(secs(p.start))
            .bind(opt_secs(p.end))
            .bind(secs(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(ContractId(id))
    }

    /// Finds or adds a value series. Known scaler, unit and period in `spec` update the
    /// channel; `None` fields leave what the archive knows.
    pub async fn channel(
        &self,
        contract: ContractId,
        key: &ChannelKey,
        spec: ChannelSpec,
    ) -> Result<ChannelId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO channel (contract_id, database, obis, meter_id, scaler, unit, period_s) \
             VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (contract_id, database, obis, meter_id) DO UPDATE SET \
             scaler = coalesce(excluded.scaler, scaler), unit = coalesce(excluded.unit, unit), \
             period_s = coalesce(excluded.period_s, period_s) RETURNING id",
        )
        .bind(contract.0)
        .bind(&key.database)
        .bind(key.name.obis.to_hex())
        .bind(&key.name.meter_id)
        .bind(spec.scaler.map(i64::from))
        .bind(spec.unit.map(|u| i64::from(u.code())))
        .bind(spec.period.map(|p| p.num_seconds()))
        .fetch_one(&self.pool)
        .await?;
        Ok(ChannelId(id))
    }

    /// Stores an `smgw-info` snapshot with its firmware list; certificates are kept once
    /// per distinct content, with the times they were first and last seen.
    pub async fn store_gateway_snapshot(
        &self,
        gateway: GatewayId,
        snap: &GatewaySnapshot,
    ) -> Result<SnapshotId> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let read_at = secs(snap.read_at);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO gateway_snapshot (gateway_id, read_at, smgw_state, smgw_time, \
             raw_response_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(gateway.0)
        .bind(read_at)
        .bind(snap.smgw_state.as_deref())
        .bind(opt_secs(snap.smgw_time))
        .bind(snap.raw_response.map(|r| r.0))
        .fetch_one(&mut *tx)
        .await?;
        for (pos, fw) in snap.firmware.iter().enumerate() {
            sqlx::query(
                "INSERT INTO firmware (snapshot_id, position, component, version, hash) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(pos as i64)
            .bind(fw.component.as_deref())
            .bind(fw.version.as_deref())
            .bind(fw.hash.as_deref())
            .execute(&mut *tx)
            .await?;
        }
        for cert in &snap.certificates {
            sqlx::query(
                "INSERT INTO certificate (gateway_id, kind, cert_index, data, sha256, first_seen, \
                 last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
                 ON CONFLICT (gateway_id, kind, IFNULL(cert_index, -1), sha256) DO UPDATE SET \
                 first_seen = min(first_seen, excluded.first_seen), \
                 last_seen = max(last_seen, excluded.last_seen)",
            )
            .bind(gateway.0)
            .bind(cert.kind.as_str())
            .bind(cert.index.map(i64::from))
            .bind(&cert.data)
            .bind(sha256_hex(&cert.data))
            .bind(read_at)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE gateway SET last_seen = max(last_seen, ?) WHERE id = ?")
            .bind(read_at)
            .bind(gateway.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(SnapshotId(id))
    }

    /// Stores a `usage-point-info` snapshot: its channel list and the TAF profile (kept
    /// once per distinct content).
    pub async fn store_contract_detail(
        &self,
        contract: ContractId,
        detail: &ContractDetail,
    ) -> Result<DetailId> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let read_at = secs(detail.read_at);
        let profile_sha = detail.taf_profile.as_deref().map(sha256_hex);
        if let (Some(data), Some(sha)) = (&detail.taf_profile, &profile_sha) {
            sqlx::query(
                "INSERT INTO taf_profile (contract_id, sha256, data, first_seen, last_seen) \
                 VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (contract_id, sha256) DO UPDATE SET \
                 first_seen = min(first_seen, excluded.first_seen), \
                 last_seen = max(last_seen, excluded.last_seen)",
            )
            .bind(contract.0)
            .bind(sha)
            .bind(data)
            .bind(read_at)
            .execute(&mut *tx)
            .await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contract_detail (contract_id, read_at, name, transparency_bit, emts, \
             taf_profile_sha256, raw_response_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(contract.0)
        .bind(read_at)
        .bind(detail.name.as_deref())
        .bind(detail.transparency_bit)
        .bind(detail.emts.join("\n"))
        .bind(profile_sha)
        .bind(detail.raw_response.map(|r| r.0))
        .fetch_one(&mut *tx)
        .await?;
        for ch in &detail.channels {
            sqlx::query(
                "INSERT INTO detail_channel (detail_id, database, obis, scaler, unit) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(&ch.database)
            .bind(ch.obis.to_hex())
            .bind(i64::from(ch.scaler))
            .bind(i64::from(ch.unit.code()))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(DetailId(id))
    }

    /// Stores one window of readings (one or more channels, e.g. one `readings` response)
    /// and, optionally, the raw response it came from, and advances each channel's resume
    /// point to its `synced_until`. All in one transaction.
    ///
    /// A reading whose (channel, target time) is already archived is compared with the
    /// archived one: identical is a no-op, different is recorded as a conflict; the
    /// archived reading is never changed.
    pub async fn store_window(
        &self,
        windows: &[ChannelWindow<'_>],
        raw: Option<&RawResponse<'_>>,
        now: DateTime<Utc>,
    ) -> Result<(WriteOutcome, Option<RawResponseId>)> {
        let now = secs(now);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let raw_id = match raw {
            Some(raw) => Some(insert_raw(&mut tx, raw).await?),
            None => None,
        };
        let mut outcome = WriteOutcome::default();
        for w in windows {
            for chunk in w.readings.chunks(READINGS_PER_STATEMENT) {
                outcome.add(insert_readings(&mut tx, w.channel, chunk, now).await?);
            }
            sqlx::query(
                "INSERT INTO channel_sync (channel_id, synced_until, last_sync_at) \
                 VALUES (?1, ?2, ?3) ON CONFLICT (channel_id) DO UPDATE SET \
                 synced_until = CASE WHEN excluded.synced_until IS NULL THEN synced_until \
                 WHEN synced_until IS NULL THEN excluded.synced_until \
                 ELSE max(synced_until, excluded.synced_until) END, \
                 last_sync_at = excluded.last_sync_at",
            )
            .bind(w.channel.0)
            .bind(opt_secs(w.synced_until))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((outcome, raw_id))
    }

    /// Where the next sync of a channel resumes: the end of the last fully stored window
    /// (`fromtime` of the next request is exclusive, so pass it on as is). `None` if the
    /// channel was never synced.
    pub async fn resume_point(&self, channel: ChannelId) -> Result<Option<DateTime<Utc>>> {
        let s: Option<Option<i64>> =
            sqlx::query_scalar("SELECT synced_until FROM channel_sync WHERE channel_id = ?")
                .bind(channel.0)
                .fetch_optional(&self.pool)
                .await?;
        crate::time::opt_from_secs(s.flatten(), "synced_until")
    }

    /// Stores one page of logbook entries (and optionally its raw response) and records
    /// the highest index as the consumer's log resume point, in one transaction. Entries
    /// whose index is already archived are compared: identical is a no-op, different is
    /// recorded as a conflict.
    pub async fn store_log_page(
        &self,
        consumer: ConsumerId,
        entries: &[LogEntry],
        raw: Option<&RawResponse<'_>>,
        now: DateTime<Utc>,
    ) -> Result<(WriteOutcome, Option<RawResponseId>)> {
        let now = secs(now);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let raw_id = match raw {
            Some(raw) => Some(insert_raw(&mut tx, raw).await?),
            None => None,
        };
        let mut outcome = WriteOutcome::default();
        for chunk in entries.chunks(LOG_ENTRIES_PER_STATEMENT) {
            outcome.add(insert_log(&mut tx, consumer, chunk, now).await?);
        }
        if let Some(max) = entries.iter().map(|e| e.index).max() {
            sqlx::query(
                "INSERT INTO log_sync (consumer_id, last_index, last_sync_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (consumer_id) DO UPDATE SET \
                 last_index = max(last_index, excluded.last_index), \
                 last_sync_at = excluded.last_sync_at",
            )
            .bind(consumer.0)
            .bind(index_to_i64(max)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        } else {
            // An empty page still proves the logbook was checked now.
            sqlx::query("UPDATE log_sync SET last_sync_at = ? WHERE consumer_id = ?")
                .bind(now)
                .bind(consumer.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok((outcome, raw_id))
    }

    /// The highest logbook index stored by a sync for this consumer (ask the gateway for
    /// `fromindex` = this + 1 next time). `None` if the logbook was never synced.
    pub async fn log_resume_index(&self, consumer: ConsumerId) -> Result<Option<u64>> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT last_index FROM log_sync WHERE consumer_id = ?")
                .bind(consumer.0)
                .fetch_optional(&self.pool)
                .await?;
        v.map(|v| crate::time::to_u64(v, "last_index")).transpose()
    }
}

/// The multi-row INSERT for `rows` readings, built once per size. Parameters are anonymous
/// on purpose: SQLite looks up `?NNN` names by a linear scan, which makes binding thousands
/// of numbered parameters quadratic (binding channel and write time once as `?1`/`?2` was
/// 40 times slower than binding them in every row).
fn reading_insert_sql(rows: usize) -> Arc<str> {
    const ROW: &str = "(?,?,?,?,?,?,?,?,?,?,?,?)";
    let mut s = String::with_capacity(250 + rows * (ROW.len() + 1));
    s.push_str(
        "INSERT INTO reading (channel_id, stored_at, target_time, capture_time, value, scaler, \
         unit, cosem_status, smgw_status, meter_status, owner, signature) VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            s.push(',');
        }
        s.push_str(ROW);
    }
    s.push_str(" ON CONFLICT DO NOTHING");
    Arc::from(s)
}

/// Shares one allocation among equal consecutive texts of a column (status words and owner
/// numbers repeat for thousands of rows), instead of one copy per bound value.
#[derive(Default)]
struct Interner {
    cosem: Option<Arc<str>>,
    smgw: Option<Arc<str>>,
    meter: Option<Arc<str>>,
    owner: Option<Arc<str>>,
}

/// `text` as a shared allocation: the one in `last` if it is equal, else a new one kept
/// in `last` for the next row.
fn share(last: &mut Option<Arc<str>>, text: Option<&str>) -> Option<Arc<str>> {
    let text = text?;
    match last {
        Some(prev) if &**prev == text => Some(prev.clone()),
        _ => {
            let new: Arc<str> = Arc::from(text);
            *last = Some(new.clone());
            Some(new)
        }
    }
}

/// Inserts up to one statement's worth of readings and classifies those that were there.
async fn insert_readings(
    conn: &mut SqliteConnection,
    channel: ChannelId,
    chunk: &[Reading],
    now: i64,
) -> Result<WriteOutcome> {
    let rows = chunk
        .iter()
        .map(ReadingRow::new)
        .collect::<Result<Vec<_>>>()?;
    let sql = if rows.len() == READINGS_PER_STATEMENT {
        static FULL: OnceLock<Arc<str>> = OnceLock::new();
        FULL.get_or_init(|| reading_insert_sql(READINGS_PER_STATEMENT))
            .clone()
    } else {
        reading_insert_sql(rows.len())
    };
    let mut texts = Interner::default();
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for r in &rows {
        q = q
            .bind(channel.0)
            .bind(now)
            .bind(r.target)
            .bind(r.capture)
            .bind(r.value)
            .bind(r.scaler)
            .bind(r.unit)
            .bind(share(&mut texts.cosem, r.cosem))
            .bind(share(&mut texts.smgw, r.smgw))
            .bind(share(&mut texts.meter, r.meter))
            .bind(share(&mut texts.owner, r.owner))
            .bind(r.signature);
    }
    let inserted = q.execute(&mut *conn).await?.rows_affected();
    let mut outcome = WriteOutcome {
        inserted,
        ..WriteOutcome::default()
    };
    if inserted == rows.len() as u64 {
        return Ok(outcome);
    }
    // Some keys existed (or repeat within the chunk): let SQLite compare the chunk with
    // what is stored now and name the rows that differ. Rows inserted just now compare
    // equal to themselves, hence the subtraction below.
    let sql = if rows.len() == READINGS_PER_STATEMENT {
        static FULL: OnceLock<Arc<str>> = OnceLock::new();
        FULL.get_or_init(|| reading_compare_sql(READINGS_PER_STATEMENT))
            .clone()
    } else {
        reading_compare_sql(rows.len())
    };
    let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
    for r in &rows {
        q = q
            .bind(r.target)
            .bind(r.capture)
            .bind(r.value)
            .bind(r.scaler)
            .bind(r.unit)
            .bind(share(&mut texts.cosem, r.cosem))
            .bind(share(&mut texts.smgw, r.smgw))
            .bind(share(&mut texts.meter, r.meter))
            .bind(share(&mut texts.owner, r.owner))
            .bind(r.signature);
    }
    let differing = q.bind(channel.0).fetch_all(&mut *conn).await?;
    for i in &differing {
        // The ordinals are the literals 0..rows of the statement.
        let Some(r) = usize::try_from(*i).ok().and_then(|i| rows.get(i)) else {
            continue;
        };
        if record_reading_conflict(conn, channel, r, now).await? {
            outcome.new_conflicts += 1;
        } else {
            outcome.known_conflicts += 1;
        }
    }
    let equal = (rows.len() as u64).saturating_sub(differing.len() as u64);
    outcome.unchanged = equal.saturating_sub(inserted);
    Ok(outcome)
}

/// Selects the ordinals of those of `rows` readings (bound like the INSERT minus channel
/// and write time, the channel bound last) that differ from the stored reading with the
/// same key, or have none. `IS NOT` treats two NULLs as equal.
fn reading_compare_sql(rows: usize) -> Arc<str> {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(600 + rows * 32);
    s.push_str(
        "WITH v(i, target_time, capture_time, value, scaler, unit, cosem_status, smgw_status, \
         meter_status, owner, signature) AS (VALUES ",
    );
    for i in 0..rows {
        // Writing to a String cannot fail.
        let _ = write!(
            s,
            "{}({i},?,?,?,?,?,?,?,?,?,?)",
            if i > 0 { "," } else { "" }
        );
    }
    s.push_str(
        ") SELECT v.i FROM v LEFT JOIN reading r \
         ON r.channel_id = ? AND r.target_time = v.target_time \
         WHERE r.target_time IS NULL OR r.capture_time IS NOT v.capture_time \
         OR r.value IS NOT v.value OR r.scaler IS NOT v.scaler OR r.unit IS NOT v.unit \
         OR r.cosem_status IS NOT v.cosem_status OR r.smgw_status IS NOT v.smgw_status \
         OR r.meter_status IS NOT v.meter_status OR r.owner IS NOT v.owner \
         OR r.signature IS NOT v.signature ORDER BY v.i",
    );
    Arc::from(s)
}

/// Records a differing reading; returns true if this version was not recorded before.
async fn record_reading_conflict(
    conn: &mut SqliteConnection,
    channel: ChannelId,
    r: &ReadingRow<'_>,
    now: i64,
) -> Result<bool> {
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM reading_conflict WHERE channel_id = ? AND target_time = ? \
         AND capture_time IS ? AND value = ? AND scaler = ? AND unit = ? \
         AND cosem_status IS ? AND smgw_status IS ? AND meter_status IS ? AND owner IS ? \
         AND signature IS ?",
    )
    .bind(channel.0)
    .bind(r.target)
    .bind(r.capture)
    .bind(r.value)
    .bind(r.scaler)
    .bind(r.unit)
    .bind(r.cosem)
    .bind(r.smgw)
    .bind(r.meter)
    .bind(r.owner)
    .bind(r.signature)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = known {
        sqlx::query(
            "UPDATE reading_conflict SET last_seen = max(last_seen, ?), \
             times_seen = times_seen + 1 WHERE id = ?",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO reading_conflict (channel_id, target_time, capture_time, value, scaler, \
         unit, cosem_status, smgw_status, meter_status, owner, signature, first_seen, \
         last_seen, times_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?12, ?12, 1)",
    )
    .bind(channel.0)
    .bind(r.target)
    .bind(r.capture)
    .bind(r.value)
    .bind(r.scaler)
    .bind(r.unit)
    .bind(r.cosem)
    .bind(r.smgw)
    .bind(r.meter)
    .bind(r.owner)
    .bind(r.signature)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

async fn insert_log(
    conn: &mut SqliteConnection,
    consumer: ConsumerId,
    chunk: &[LogEntry],
    now: i64,
) -> Result<WriteOutcome> {
    let rows = chunk.iter().map(LogRow::new).collect::<Result<Vec<_>>>()?;
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
        "INSERT INTO log_entry (consumer_id, idx, time, level, event_id, event_sub_id, outcome, \
         vendor_id, subject_identity, user_identity, message, version, extra, stored_at) ",
    );
    qb.push_values(&rows, |mut b, r| {
        b.push_bind(consumer.0)
            .push_bind(r.index)
            .push_bind(r.time)
            .push_bind(r.level);
        for t in r.texts {
            b.push_bind(t);
        }
        b.push_bind(now);
    });
    qb.push(" ON CONFLICT DO NOTHING");
    let inserted = qb.build().execute(&mut *conn).await?.rows_affected();
    let mut outcome = WriteOutcome {
        inserted,
        ..WriteOutcome::default()
    };
    if inserted == rows.len() as u64 {
        return Ok(outcome);
    }
    let mut equal = 0u64;
    for r in &rows {
        let stored = sqlx::query(
            "SELECT time, level, event_id, event_sub_id, outcome, vendor_id, subject_identity, \
             user_identity, message, version, extra FROM log_entry \
             WHERE consumer_id = ? AND idx = ?",
        )
        .bind(consumer.0)
        .bind(r.index)
        .fetch_optional(&mut *conn)
        .await?;
        let same = match &stored {
            Some(row) => r.same_as(row)?,
            None => false,
        };
        if same {
            equal += 1;
            continue;
        }
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM log_conflict WHERE consumer_id = ? AND idx = ? AND time IS ? \
             AND level IS ? AND event_id IS ? AND event_sub_id IS ? AND outcome IS ? \
             AND vendor_id IS ? AND subject_identity IS ? AND user_identity IS ? \
             AND message IS ? AND version IS ? AND extra IS ?",
        )
        .bind(consumer.0)
        .bind(r.index)
        .bind(r.time)
        .bind(r.level)
        .bind(r.texts[0])
        .bind(r.texts[1])
        .bind(r.texts[2])
        .bind(r.texts[3])
        .bind(r.texts[4])
        .bind(r.texts[5])
        .bind(r.texts[6])
        .bind(r.texts[7])
        .bind(r.texts[8])
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = known {
            sqlx::query(
                "UPDATE log_conflict SET last_seen = max(last_seen, ?), \
                 times_seen = times_seen + 1 WHERE id = ?",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            outcome.known_conflicts += 1;
            continue;
        }
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO log_conflict (consumer_id, idx, time, level, event_id, event_sub_id, \
             outcome, vendor_id, subject_identity, user_identity, message, version, extra, \
             first_seen, last_seen, times_seen) ",
        );
        qb.push_values(std::iter::once(r), |mut b, r| {
            b.push_bind(consumer.0)
                .push_bind(r.index)
                .push_bind(r.time)
                .push_bind(r.level);
            for t in r.texts {
                b.push_bind(t);
            }
            b.push_bind(now).push_bind(now).push_bind(1i64);
        });
        qb.build().execute(&mut *conn).await?;
        outcome.new_conflicts += 1;
    }
    outcome.unchanged = equal.saturating_sub(inserted);
    Ok(outcome)
}
