//! Incremental sync: everything a Smart Meter Gateway holds about the logged-in consumer,
//! into the local [`archive`], resuming where the previous run stopped.
//!
//! One run ([`sync`]) reads, in this order:
//! 1. `smgw-info` (stored as a snapshot with certificates and firmware),
//! 2. `user-info` (the contracts) and `usage-point-info` of every contract (channels with
//!    unit and scaler, the TAF profile),
//! 3. for every contract that stores values (all but TAF 9, 10 and 14) and each of its value
//!    lists: `readings` in windows of at most 31 days from the resume point up to the
//!    gateway's own clock (`smgw-time`), one call per window for all channels of the list,
//! 4. the logbook from the entry after the last stored one, in pages of 1500,
//! 5. the current values (`last-reading`) of TAF 9/10/14 contracts.
//!
//! Every response is stored raw next to what was parsed from it, and every window (its
//! values, its raw response and the new resume point) or logbook page is one transaction.
//!
//! # What "synced until" means
//!
//! A value list is *synced until* `T` when every value with a target time `<= T` that
//! the gateway will ever report has been stored. After a window `(from, to]` is stored,
//! every channel of the list (also the ones that delivered nothing, e.g. a dead meter) is
//! marked synced until `min(to, gateway now − settle)` ([`SyncOptions::settle`], two days by
//! default). So:
//! - windows that lie more than `settle` in the past are never read again: a second sync
//!   right after the first reads only the newest window of each list, and a meter that
//!   stopped delivering does not make later syncs re-read months of empty windows;
//! - the last `settle` before the gateway's clock is read again by the next sync, which
//!   picks up values the gateway stores late (daily and monthly values, a meter that
//!   delivers after a outage) and records any value that changed since as a conflict;
//! - a run that stops for any reason (a dropped connection, a 500, a killed process,
//!   cancellation) leaves whole windows or nothing; the next run starts at the smallest
//!   resume point of the list, so there are no holes, and re-read values are no-ops in the
//!   archive, so there are no duplicates.
//!
//! The first sync of a list starts one second before the contract's start (the `readings`
//! range excludes its start) or, for contracts without a start, [`SyncOptions::history`]
//! before the gateway's clock; it ends at the contract's end if that lies before the clock.

mod convert;
mod error;
mod pipeline;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use archive::{
    Archive, ChannelId, ChannelKey, ChannelSpec, ChannelWindow, ConsumerId, ContractId,
    ContractInfo, GatewayId, GatewaySnapshot, RawResponse, Reading, Scope, WriteOutcome,
};
use chrono::{DateTime, Duration, Utc};
use han_client::{CancelFlag, ClientError, Session};
use han_protocol::plan::{self, LogPager, Window};
use han_protocol::response::{self, UsagePointInfo};
use han_protocol::{Limits, ProtocolError, ReadingsQuery, ReadingsRange, Request};
use tokio::task::JoinHandle;

pub use error::SyncError;
use pipeline::{List, ListState, Pipeline};

/// TAF numbers whose contracts have no stored values, only current ones.
pub const CURRENT_VALUE_TAFS: [u32; 3] = [9, 10, 14];

/// How a sync run behaves. `Default` is what the front ends use.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// How far back from the gateway's clock the resume point stays, so the next sync
    /// reads that span again (see the crate docs). Default: 2 days.
    pub settle: Duration,
    /// How far back the first sync of a contract without a start time reaches. Default:
    /// 3 years.
    pub history: Duration,
    /// The longest `readings` window. Default: 31 days, the contract's limit.
    pub window: Duration,
    /// Size limits for parsing responses.
    pub limits: Limits,
    /// Also read the logbook. Default: true.
    pub logbook: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            settle: Duration::days(2),
            history: Duration::days(3 * 365),
            window: plan::max_readings_window(),
            limits: Limits::default(),
            logbook: true,
        }
    }
}

/// What the run is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncPhase {
    /// Reading gateway information.
    Gateway,
    /// Reading the contracts and their descriptions.
    Contracts,
    /// Reading stored values of a contract's value list.
    Readings {
        /// The usage point id.
        contract: String,
        /// The value list.
        database: String,
    },
    /// Reading the logbook.
    Logbook,
    /// Reading current values (TAF 9/10/14).
    CurrentValues,
    /// Finished.
    Done,
}

/// Progress of a run, reported after every call to the gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncProgress {
    /// What the run is doing.
    pub phase: SyncPhase,
    /// Calls to the gateway completed.
    pub calls_done: u32,
    /// Calls planned so far (grows while the logbook is paged, whose length is unknown).
    pub calls_planned: u32,
    /// Values received and stored so far (new, unchanged and conflicting).
    pub values: u64,
    /// Logbook entries received and stored so far.
    pub log_entries: u64,
    /// Estimated time left, from the average duration of the calls so far.
    pub eta: Option<std::time::Duration>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncReport {
    /// The gateway in the archive.
    pub gateway: GatewayId,
    /// The consumer in the archive.
    pub consumer: ConsumerId,
    /// The gateway's `smgw-id`.
    pub smgw_id: String,
    /// The consumer's user id.
    pub userid: String,
    /// The gateway's clock at the start of the run: values were read up to this time.
    pub gateway_time: DateTime<Utc>,
    /// Contracts seen.
    pub contracts: usize,
    /// Calls to the gateway.
    pub calls: u32,
    /// `readings` calls for stored values.
    pub readings_calls: u32,
    /// `log` calls.
    pub log_calls: u32,
    /// `readings` calls for current values.
    pub current_calls: u32,
    /// What happened to the stored values received.
    pub values: WriteOutcome,
    /// What happened to the logbook entries received.
    pub log: WriteOutcome,
    /// What happened to the current values received.
    pub current: WriteOutcome,
    /// Wall time of the run.
    pub elapsed: std::time::Duration,
}

/// A contract with its description, as read in this run.
struct Described {
    contract: ContractId,
    usage_point_id: String,
    taf: u32,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    detail: UsagePointInfo,
}

/// One value list of a contract that stores values, with its planned windows.
struct ListPlan {
    contract: ContractId,
    usage_point_id: String,
    database: String,
    channels: Vec<String>,
    windows: Vec<Window>,
    /// Values with a target time after this are read again next time.
    settle_point: DateTime<Utc>,
}

/// Counting and reporting calls.
struct Tracker<P: FnMut(SyncProgress)> {
    progress: P,
    started: Instant,
    calls_done: u32,
    calls_planned: u32,
    values: u64,
    log_entries: u64,
    phase: SyncPhase,
}

impl<P: FnMut(SyncProgress)> Tracker<P> {
    fn call_done(&mut self) {
        self.calls_done = self.calls_done.saturating_add(1);
        self.calls_planned = self.calls_planned.max(self.calls_done);
        self.report();
    }

    fn report(&mut self) {
        let eta = (self.calls_done > 0).then(|| {
            let per_call = self.started.elapsed() / self.calls_done;
            per_call * self.calls_planned.saturating_sub(self.calls_done)
        });
        (self.progress)(SyncProgress {
            phase: self.phase.clone(),
            calls_done: self.calls_done,
            calls_planned: self.calls_planned,
            values: self.values,
            log_entries: self.log_entries,
            eta,
        });
    }
}

/// A window's values, owned so that storing can run while the next window is fetched.
struct PendingWindow {
    channels: Vec<(ChannelId, Vec<Reading>)>,
    synced_until: Option<DateTime<Utc>>,
    raw: OwnedRaw,
}

struct OwnedRaw {
    gateway: GatewayId,
    consumer: ConsumerId,
    method: &'static str,
    request: String,
    received_at: DateTime<Utc>,
    body: Vec<u8>,
}

impl OwnedRaw {
    /// The answer `body` to `req`, received at `at`.
    fn new(
        gateway: GatewayId,
        consumer: ConsumerId,
        req: &Request,
        received_at: DateTime<Utc>,
        body: Vec<u8>,
    ) -> OwnedRaw {
        OwnedRaw {
            gateway,
            consumer,
            method: req.method(),
            request: request_text(req),
            received_at,
            body,
        }
    }

    fn as_raw(&self) -> RawResponse<'_> {
        RawResponse {
            gateway: Some(self.gateway),
            consumer: Some(self.consumer),
            method: self.method,
            request: Some(&self.request),
            http_status: Some(200),
            received_at: self.received_at,
            body: &self.body,
        }
    }
}

async fn store_pending(archive: Archive, w: PendingWindow) -> Result<WriteOutcome, SyncError> {
    let windows: Vec<ChannelWindow<'_>> = w
        .channels
        .iter()
        .map(|(id, rs)| ChannelWindow {
            channel: *id,
            readings: rs,
            synced_until: w.synced_until,
        })
        .collect();
    let (outcome, _) = archive
        .store_window(&windows, Some(&w.raw.as_raw()), Utc::now())
        .await?;
    Ok(outcome)
}

async fn join(
    task: JoinHandle<Result<WriteOutcome, SyncError>>,
) -> Result<WriteOutcome, SyncError> {
    task.await.map_err(|e| SyncError::Task(e.to_string()))?
}

pub(crate) fn add(total: &mut WriteOutcome, o: WriteOutcome) {
    total.inserted += o.inserted;
    total.unchanged += o.unchanged;
    total.new_conflicts += o.new_conflicts;
    total.known_conflicts += o.known_conflicts;
}

fn check(cancel: &CancelFlag) -> Result<(), SyncError> {
    if cancel.is_cancelled() {
        Err(SyncError::Cancelled)
    } else {
        Ok(())
    }
}

/// Sends one request and returns the body with the time it arrived.
async fn call(
    session: &mut Session,
    request: &Request,
) -> Result<(Vec<u8>, DateTime<Utc>), ClientError> {
    let body = session.call_raw(request).await?;
    Ok((body, Utc::now()))
}

fn request_text(request: &Request) -> String {
    String::from_utf8_lossy(&request.body()).into_owned()
}

/// Runs one sync of the session's consumer into `archive`. See the crate docs for what is
/// read and what "synced until" means.
///
/// `progress` is called after every call to the gateway. `cancel` is checked before every
/// call; a cancelled run returns [`SyncError::Cancelled`] with everything completed so far
/// stored.
pub async fn sync(
    session: &mut Session,
    archive: &Archive,
    opts: &SyncOptions,
    progress: impl FnMut(SyncProgress),
    cancel: &CancelFlag,
) -> Result<SyncReport, SyncError> {
    let mut t = Tracker {
        progress,
        started: Instant::now(),
        calls_done: 0,
        calls_planned: 2,
        values: 0,
        log_entries: 0,
        phase: SyncPhase::Gateway,
    };
    let limits = &opts.limits;

    // 1. The gateway.
    check(cancel)?;
    let req = Request::SmgwInfo;
    let (body, at) = call(session, &req).await?;
    t.call_done();
    let info = response::parse_smgw_info(&body, limits)?;
    let gateway_time = info.smgw_time.ok_or(SyncError::NoGatewayTime)?;
    let gateway = archive.gateway(&info.smgw_id, at).await?;
    let consumer = archive.consumer(gateway, session.userid(), at).await?;
    let raw = OwnedRaw::new(gateway, consumer, &req, at, body);
    let raw_id = archive.store_raw_response(&raw.as_raw()).await?;
    let snapshot =
        GatewaySnapshot::from_model(&info.to_model()?, info.smgw_state.clone(), at, Some(raw_id));
    archive.store_gateway_snapshot(gateway, &snapshot).await?;

    // 2. Contracts and their descriptions.
    t.phase = SyncPhase::Contracts;
    check(cancel)?;
    let req = Request::UserInfo;
    let (body, at) = call(session, &req).await?;
    t.call_done();
    let user_info = response::parse_user_info(&body, limits)?;
    archive
        .store_raw_response(&OwnedRaw::new(gateway, consumer, &req, at, body).as_raw())
        .await?;
    let contracts = user_info.to_model()?;
    t.calls_planned += u32::try_from(contracts.len()).unwrap_or(u32::MAX);

    let mut details: Vec<Described> = Vec::new();
    for c in &contracts {
        check(cancel)?;
        let contract = archive
            .contract(consumer, &ContractInfo::from_model(c), at)
            .await?;
        let req = Request::UsagePointInfo {
            usage_point_id: c.usage_point_id.clone(),
            database: None,
        };
        let (body, at) = call(session, &req).await?;
        t.call_done();
        let detail = response::parse_usage_point_info(&body, limits)?;
        let raw_id = archive
            .store_raw_response(&OwnedRaw::new(gateway, consumer, &req, at, body).as_raw())
            .await?;
        archive
            .store_contract_detail(
                contract,
                &convert::contract_detail(&detail, at, Some(raw_id))?,
            )
            .await?;
        details.push(Described {
            contract,
            usage_point_id: c.usage_point_id.clone(),
            taf: c.taf.number().into(),
            start: c.start,
            end: c.end,
            detail,
        });
    }

    // 3. Plan the stored values: every list from its resume point up to the gateway's clock.
    let settle_point = gateway_time - opts.settle;
    let mut lists: Vec<ListPlan> = Vec::new();
    let mut current: Vec<(ContractId, String, String, Vec<String>)> = Vec::new();
    for Described {
        contract,
        usage_point_id,
        taf,
        start,
        end,
        detail,
    } in &details
    {
        for db in &detail.databases {
            let channels: Vec<String> = db.channels.iter().map(|c| c.obis.clone()).collect();
            if CURRENT_VALUE_TAFS.contains(taf) {
                current.push((
                    *contract,
                    usage_point_id.clone(),
                    db.database.clone(),
                    channels,
                ));
                continue;
            }
            let resume = list_resume_point(archive, *contract, &db.database).await?;
            let from = match resume {
                Some(r) => r,
                None => match start {
                    Some(s) => *s - Duration::seconds(1),
                    None => gateway_time - opts.history,
                },
            };
            let to = end.map_or(gateway_time, |e| e.min(gateway_time));
            let windows = if from < to {
                plan::split_range(from, to, opts.window)?
            } else {
                Vec::new()
            };
            lists.push(ListPlan {
                contract: *contract,
                usage_point_id: usage_point_id.clone(),
                database: db.database.clone(),
                channels,
                windows,
                settle_point,
            });
        }
    }
    let window_calls: usize = lists.iter().map(|l| l.windows.len()).sum();
    t.calls_planned += u32::try_from(window_calls + current.len()).unwrap_or(u32::MAX);
    if opts.logbook {
        // At least one page and the end-of-logbook confirmation.
        t.calls_planned += 2;
    }
    t.report();

    let mut report = SyncReport {
        gateway,
        consumer,
        smgw_id: info.smgw_id.clone(),
        userid: session.userid().to_owned(),
        gateway_time,
        contracts: contracts.len(),
        calls: 0,
        readings_calls: 0,
        log_calls: 0,
        current_calls: 0,
        values: WriteOutcome::default(),
        log: WriteOutcome::default(),
        current: WriteOutcome::default(),
        elapsed: std::time::Duration::ZERO,
    };

    // 4. Stored values, window by window. Windows are parsed and stored in the background
    // while the next one is fetched, and commit in order (see `pipeline`).
    let details_by_contract: HashMap<ContractId, Arc<UsagePointInfo>> = details
        .into_iter()
        .map(|d| (d.contract, Arc::new(d.detail)))
        .collect();
    let mut pipeline = Pipeline::new(archive.clone(), limits.clone());
    let result: Result<(), SyncError> = async {
        for plan in &lists {
            t.phase = SyncPhase::Readings {
                contract: plan.usage_point_id.clone(),
                database: plan.database.clone(),
            };
            let Some(detail) = details_by_contract.get(&plan.contract) else {
                continue;
            };
            let known: Vec<ChannelId> = archive
                .channels(Scope::Contract(plan.contract))
                .await?
                .into_iter()
                .filter(|c| c.key.database == plan.database)
                .map(|c| c.id)
                .collect();
            let list = Arc::new(List {
                contract: plan.contract,
                usage_point_id: plan.usage_point_id.clone(),
                database: plan.database.clone(),
                detail: Arc::clone(detail),
                state: tokio::sync::Mutex::new(ListState {
                    known,
                    ..Default::default()
                }),
            });
            let mut queue: VecDeque<Window> = plan.windows.iter().copied().collect();
            let mut window_len = opts.window;
            while let Some(w) = queue.pop_front() {
                check(cancel)?;
                if w.to - w.from > window_len {
                    let parts = plan::split_range(w.from, w.to, window_len)?;
                    t.calls_planned += u32::try_from(parts.len().saturating_sub(1)).unwrap_or(0);
                    for p in parts.into_iter().rev() {
                        queue.push_front(p);
                    }
                    continue;
                }
                let req = Request::Readings(ReadingsQuery {
                    usage_point_id: plan.usage_point_id.clone(),
                    database: plan.database.clone(),
                    channels: plan.channels.clone(),
                    range: ReadingsRange::Between {
                        from: Some(w.from),
                        to: Some(w.to),
                    },
                });
                let (body, at) = match call(session, &req).await {
                    // The gateway may count the 31 days differently (e.g. in local days):
                    // halve the window and try again.
                    Err(ClientError::Protocol(ProtocolError::HttpStatus {
                        status: 400, ..
                    })) if w.to - w.from > Duration::days(1) => {
                        window_len = (w.to - w.from) / 2;
                        queue.push_front(w);
                        continue;
                    }
                    other => other?,
                };
                report.readings_calls += 1;
                let raw = OwnedRaw::new(gateway, consumer, &req, at, body);
                let synced_until = Some(w.to.min(plan.settle_point).max(w.from));
                pipeline.push(Arc::clone(&list), raw, synced_until).await?;
                t.values = pipeline.stored.load(Ordering::Relaxed);
                t.call_done();
            }
        }
        Ok(())
    }
    .await;
    // Whatever happened, the windows already received are stored before returning.
    let flushed = pipeline.finish().await;
    result?;
    report.values = flushed?;
    t.values = pipeline.stored.load(Ordering::Relaxed);

    // 5. The logbook. A page is stored while the next one is fetched; at most one write is
    // outstanding, so pages commit in order.
    if opts.logbook {
        t.phase = SyncPhase::Logbook;
        let start = archive
            .log_resume_index(consumer)
            .await?
            .map_or(0, |i| i.saturating_add(1));
        let mut pager = LogPager::starting_at(start);
        let mut pending: Option<JoinHandle<Result<WriteOutcome, SyncError>>> = None;
        let result: Result<(), SyncError> = async {
            while let Some(q) = pager.next_query() {
                check(cancel)?;
                let req = Request::Log(q);
                let (body, at) = call(session, &req).await?;
                report.log_calls += 1;
                let page = response::parse_log(&body, limits)?;
                let got = pager.accept(page.entries);
                let entries: Vec<archive::LogEntry> =
                    got.new_entries.iter().map(convert::log_entry).collect();
                t.log_entries += entries.len() as u64;
                let raw = OwnedRaw::new(gateway, consumer, &req, at, body);
                if let Some(p) = pending.take() {
                    add(&mut report.log, join(p).await?);
                }
                let db = archive.clone();
                pending = Some(tokio::spawn(async move {
                    let (outcome, _) = db
                        .store_log_page(consumer, &entries, Some(&raw.as_raw()), Utc::now())
                        .await?;
                    Ok(outcome)
                }));
                if !pager.is_done() {
                    // One more page or the end-of-logbook confirmation follows.
                    t.calls_planned = t.calls_planned.max(t.calls_done + 2);
                }
                t.call_done();
            }
            Ok(())
        }
        .await;
        // The page already received is stored before returning, also after an error.
        let flushed = match pending.take() {
            Some(p) => join(p).await.map(|o| add(&mut report.log, o)),
            None => Ok(()),
        };
        result?;
        flushed?;
    }

    // 6. Current values of TAF 9/10/14.
    t.phase = SyncPhase::CurrentValues;
    for (contract, usage_point_id, database, channel_names) in &current {
        check(cancel)?;
        let req = Request::Readings(ReadingsQuery {
            usage_point_id: usage_point_id.clone(),
            database: database.clone(),
            channels: channel_names.clone(),
            range: ReadingsRange::LastReading,
        });
        let (body, at) = call(session, &req).await?;
        report.current_calls += 1;
        let parsed = response::parse_readings(&body, limits)?;
        let Some(detail) = details_by_contract.get(contract) else {
            continue;
        };
        let mut channels: Vec<(ChannelId, Vec<Reading>)> = Vec::new();
        for ch in &parsed.channels {
            let unknown = || SyncError::UnknownChannel {
                contract: usage_point_id.clone(),
                database: database.clone(),
                channel: ch.obis.clone(),
            };
            let (scaler, unit) = detail.channel(database, &ch.obis).ok_or_else(unknown)?;
            let unit = convert::unit_of(unit);
            let name = pipeline::channel_name(&ch.obis, usage_point_id).ok_or_else(unknown)?;
            let key = ChannelKey {
                database: database.clone(),
                name,
            };
            let id = archive
                .channel(
                    *contract,
                    &key,
                    ChannelSpec {
                        scaler: Some(scaler),
                        unit: Some(unit),
                        period: None,
                    },
                )
                .await?;
            channels.push((
                id,
                ch.readings
                    .iter()
                    .map(|r| convert::reading(r, scaler, unit))
                    .collect(),
            ));
        }
        let pw = PendingWindow {
            channels,
            // Current values prove nothing about history: no resume point.
            synced_until: None,
            raw: OwnedRaw::new(gateway, consumer, &req, at, body),
        };
        let n: u64 = pw.channels.iter().map(|(_, r)| r.len() as u64).sum();
        let outcome = store_pending(archive.clone(), pw).await?;
        add(&mut report.current, outcome);
        t.values += n;
        t.call_done();
    }

    t.phase = SyncPhase::Done;
    t.calls_planned = t.calls_done;
    t.report();
    report.calls = t.calls_done;
    report.elapsed = t.started.elapsed();
    Ok(report)
}

/// Where the next sync of a value list starts: the smallest resume point of its channels
/// that have one. Channels without one were created by a write that never committed its
/// window (or by a current-value read) and hold nothing the others do not.
async fn list_resume_point(
    archive: &Archive,
    contract: ContractId,
    database: &str,
) -> Result<Option<DateTime<Utc>>, SyncError> {
    let mut min: Option<DateTime<Utc>> = None;
    for c in archive.channels(Scope::Contract(contract)).await? {
        if c.key.database != database {
            continue;
        }
        if let Some(r) = archive.resume_point(c.id).await? {
            min = Some(min.map_or(r, |m| m.min(r)));
        }
    }
    Ok(min)
}
