//! Incremental sync: everything a Smart Meter Gateway holds about the logged-in consumer,
//! into the local [`archive`], resuming where the previous run stopped. It speaks only the
//! maker-neutral [`gateway::Gateway`] interface and asks only what the gateway's
//! [`Capabilities`](gateway::Capabilities) offer.
//!
//! One run ([`sync`]) reads, in this order:
//! 1. the gateway's facts (stored as a snapshot with certificates and firmware),
//! 2. the contracts and each contract's description (channels with unit and scaler, the
//!    TAF profile),
//! 3. for every contract that stores values (all but TAF 9, 10 and 14) and each of its value
//!    lists: values in windows of at most [`Capabilities::max_window`](gateway::Capabilities)
//!    from the resume point up to the gateway's own clock, one call per window for all
//!    channels of the list (skipped for gateways without stored value lists),
//! 4. the logbook from the entry after the last stored one, page by page (if offered),
//! 5. the current values of TAF 9/10/14 contracts, and of every contract of a gateway
//!    without stored value lists (each read is kept, so the archive grows with every sync).
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

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use archive::{
    Archive, ChannelId, ChannelWindow, ConsumerId, ContractId, ContractInfo, GatewayId,
    GatewaySnapshot, RawResponse, Scope, WriteOutcome,
};
use chrono::{DateTime, Duration, Utc};
use gateway::{CancelFlag, Capabilities, Gateway, GatewayError, Period, RawAnswer, WindowPlan};
use smgw_model::records::{ContractDetail, Database, GatewayInfo};
use smgw_model::{FieldWarning, WarningKind};
use tokio::task::JoinHandle;

pub use error::SyncError;
use pipeline::{List, ListState, Pipeline};

/// TAF numbers whose contracts have no stored values, only current ones.
pub const CURRENT_VALUE_TAFS: [u32; 3] = [9, 10, 14];

/// Default of [`SyncOptions::lock_wait`].
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How often a waiting run tries the sync lock again.
const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// How a sync run behaves. `Default` is what the front ends use.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// How far back from the gateway's clock the resume point stays, so the next sync
    /// reads that span again (see the crate docs). Default: 2 days.
    pub settle: Duration,
    /// How far back the first sync of a contract without a start time reaches. Default:
    /// 3 years.
    pub history: Duration,
    /// The longest values window; the gateway's own limit applies too. Default: 31 days.
    pub window: Duration,
    /// Also read the logbook. Default: true.
    pub logbook: bool,
    /// How long a run waits for another sync of the same archive (another process: the
    /// CLI, `durchblick watch`, the window) to finish before it gives up with
    /// [`ArchiveError::SyncBusy`](archive::ArchiveError::SyncBusy), having changed
    /// nothing. Default: 5 seconds: enough for a run that is just finishing, short enough
    /// that nobody stares at a silent window while a first sync of years runs elsewhere.
    pub lock_wait: std::time::Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            settle: Duration::days(2),
            history: Duration::days(3 * 365),
            window: Duration::days(31),
            logbook: true,
            lock_wait: LOCK_WAIT,
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
    /// The gateway's id.
    pub smgw_id: String,
    /// The consumer's user id.
    pub userid: String,
    /// The gateway's clock at the start of the run: values were read up to this time.
    pub gateway_time: DateTime<Utc>,
    /// Contracts seen.
    pub contracts: usize,
    /// Calls to the gateway.
    pub calls: u32,
    /// Values calls for stored values.
    pub readings_calls: u32,
    /// Logbook calls.
    pub log_calls: u32,
    /// Calls for current values.
    pub current_calls: u32,
    /// What happened to the stored values received.
    pub values: WriteOutcome,
    /// What happened to the logbook entries received.
    pub log: WriteOutcome,
    /// What happened to the current values received.
    pub current: WriteOutcome,
    /// Wall time of the run.
    pub elapsed: std::time::Duration,
    /// Auxiliary fields of the answers that could not be decoded and were left out, and
    /// values refused for an unreadable status word; each answer is archived unchanged.
    pub warnings: Vec<FieldWarning>,
}

/// A contract with its description, as read in this run.
struct Described {
    contract: ContractId,
    taf: u32,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    detail: Arc<ContractDetail>,
}

/// One value list of a contract that stores values, with its planned windows.
struct ListPlan {
    list: Arc<List>,
    windows: WindowPlan,
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

    fn plan(&mut self, calls: usize) {
        self.calls_planned = self
            .calls_planned
            .saturating_add(u32::try_from(calls).unwrap_or(u32::MAX));
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

/// Whose answers these are: the archive ids every raw answer is filed under.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    gateway: GatewayId,
    consumer: ConsumerId,
}

impl Origin {
    /// A raw answer as the archive keeps it.
    pub(crate) fn raw<'a>(&self, raw: &'a RawAnswer) -> RawResponse<'a> {
        RawResponse {
            gateway: Some(self.gateway),
            consumer: Some(self.consumer),
            method: &raw.method,
            request: Some(&raw.request),
            http_status: Some(200),
            received_at: raw.received_at,
            body: &raw.body,
        }
    }
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

/// Runs one sync of the gateway's consumer into `archive`. See the crate docs for what is
/// read and what "synced until" means.
///
/// Only one run at a time writes into an archive file, across processes: a run first
/// takes the archive's sync lock, waiting up to [`SyncOptions::lock_wait`] for another
/// run to finish, and otherwise returns [`ArchiveError::SyncBusy`](archive::ArchiveError)
/// before asking the gateway anything or writing anything.
///
/// `progress` is called after every call to the gateway. `cancel` is checked before every
/// call; a cancelled run returns [`SyncError::Cancelled`] with everything completed so far
/// stored. A full disk ends the run with [`ArchiveError::DiskFull`](archive::ArchiveError)
/// naming the archive; the window being written is lost as a whole and read again by the
/// next run.
pub async fn sync(
    gateway: &mut (dyn Gateway + '_),
    archive: &Archive,
    opts: &SyncOptions,
    progress: impl FnMut(SyncProgress),
    cancel: &CancelFlag,
) -> Result<SyncReport, SyncError> {
    let _lock = lock(archive, opts.lock_wait, cancel).await?;
    run(gateway, archive, opts, progress, cancel)
        .await
        .map_err(|e| match e {
            SyncError::Archive(a) => SyncError::Archive(a.at(archive.path())),
            other => other,
        })
}

/// Takes the archive's sync lock, trying again until `wait` has passed.
async fn lock(
    archive: &Archive,
    wait: std::time::Duration,
    cancel: &CancelFlag,
) -> Result<archive::SyncLock, SyncError> {
    let deadline = Instant::now() + wait;
    loop {
        if let Some(lock) = archive.try_lock_sync()? {
            return Ok(lock);
        }
        check(cancel)?;
        if Instant::now() >= deadline {
            return Err(SyncError::Archive(archive::ArchiveError::SyncBusy(
                archive.path().to_path_buf(),
            )));
        }
        tokio::time::sleep(LOCK_POLL).await;
    }
}

async fn run(
    gateway: &mut (dyn Gateway + '_),
    archive: &Archive,
    opts: &SyncOptions,
    progress: impl FnMut(SyncProgress),
    cancel: &CancelFlag,
) -> Result<SyncReport, SyncError> {
    let mut run = Run {
        gateway,
        archive,
        cancel,
        t: Tracker {
            progress,
            started: Instant::now(),
            calls_done: 0,
            calls_planned: 2,
            values: 0,
            log_entries: 0,
            phase: SyncPhase::Gateway,
        },
        warnings: Vec::new(),
    };
    let (origin, info) = run.gateway_facts().await?;
    let gateway_time = info.time.ok_or(SyncError::NoGatewayTime)?;
    let described = run.contracts(origin).await?;
    let capabilities = run.gateway.capabilities().clone();
    let (mut lists, current) =
        plan_lists(archive, &described, opts, &capabilities, gateway_time).await?;
    run.t
        .plan(lists.iter().map(|l| l.windows.planned()).sum::<usize>() + current.len());
    let logbook = opts.logbook && capabilities.logbook;
    if logbook {
        // At least one page and the end-of-logbook confirmation.
        run.t.plan(2);
    }
    run.t.report();

    let mut report = SyncReport {
        gateway: origin.gateway,
        consumer: origin.consumer,
        smgw_id: info.id,
        userid: run.gateway.user_id().to_string(),
        gateway_time,
        contracts: described.len(),
        calls: 0,
        readings_calls: 0,
        log_calls: 0,
        current_calls: 0,
        values: WriteOutcome::default(),
        log: WriteOutcome::default(),
        current: WriteOutcome::default(),
        elapsed: std::time::Duration::ZERO,
        warnings: std::mem::take(&mut run.warnings),
    };
    let settle_point = gateway_time - opts.settle;
    run.stored_values(origin, &mut lists, settle_point, &mut report)
        .await?;
    if logbook {
        run.logbook(origin, &mut report).await?;
    }
    run.current_values(origin, &current, &mut report).await?;

    let t = &mut run.t;
    t.phase = SyncPhase::Done;
    t.calls_planned = t.calls_done;
    t.report();
    report.calls = t.calls_done;
    report.elapsed = t.started.elapsed();
    smgw_model::warning::dedup(&mut report.warnings);
    Ok(report)
}

/// One run: what every phase needs.
struct Run<'a, 'g, P: FnMut(SyncProgress)> {
    gateway: &'a mut (dyn Gateway + 'g),
    archive: &'a Archive,
    cancel: &'a CancelFlag,
    t: Tracker<P>,
    /// Warnings of the phases before the report exists.
    warnings: Vec<FieldWarning>,
}

impl<P: FnMut(SyncProgress)> Run<'_, '_, P> {
    /// Phase 1, the gateway: its facts as a snapshot, and the archive's ids of gateway and
    /// consumer.
    async fn gateway_facts(&mut self) -> Result<(Origin, GatewayInfo), SyncError> {
        check(self.cancel)?;
        let (raw, facts) = self.gateway.gateway_info().await?.decode_warned();
        let (facts, warnings) = facts?;
        self.warnings.extend(warnings);
        self.t.call_done();
        let at = raw.received_at;
        let gateway = self.archive.gateway(&facts.info.id, at).await?;
        let user_id = self.gateway.user_id().to_string();
        let consumer = self.archive.consumer(gateway, &user_id, at).await?;
        let origin = Origin { gateway, consumer };
        let raw_id = self.archive.store_raw_response(&origin.raw(&raw)).await?;
        // The archive keeps what the gateway said: an estimate of its clock places this
        // sync, but stored as the gateway's clock it would later be judged as one (the
        // overview's clock warning) and exported as one.
        let reported_clock = facts.reported_clock();
        let mut snapshot =
            GatewaySnapshot::from_model(&facts.info, facts.state_as_sent, at, Some(raw_id));
        snapshot.smgw_time = reported_clock;
        self.archive
            .store_gateway_snapshot(gateway, &snapshot)
            .await?;
        Ok((origin, facts.info))
    }

    /// Phase 2: the contracts and each one's description.
    async fn contracts(&mut self, origin: Origin) -> Result<Vec<Described>, SyncError> {
        self.t.phase = SyncPhase::Contracts;
        check(self.cancel)?;
        let (raw, contracts) = self.gateway.contracts().await?.decode_warned();
        self.t.call_done();
        self.archive.store_raw_response(&origin.raw(&raw)).await?;
        let (contracts, warnings) = contracts?;
        self.warnings.extend(warnings);
        self.t.plan(contracts.len());
        let mut described = Vec::with_capacity(contracts.len());
        for c in &contracts {
            check(self.cancel)?;
            let contract = self
                .archive
                .contract(
                    origin.consumer,
                    &ContractInfo::from_model(c),
                    raw.received_at,
                )
                .await?;
            let (detail_raw, detail) = self
                .gateway
                .contract_detail(&c.usage_point_id)
                .await?
                .decode_warned();
            self.t.call_done();
            let raw_id = self
                .archive
                .store_raw_response(&origin.raw(&detail_raw))
                .await?;
            let (detail, warnings) = detail?;
            self.warnings.extend(warnings);
            self.archive
                .store_contract_detail(
                    contract,
                    &convert::contract_detail(&detail, detail_raw.received_at, Some(raw_id)),
                )
                .await?;
            described.push(Described {
                contract,
                taf: c.taf.number().into(),
                start: c.start,
                end: c.end,
                detail: Arc::new(detail),
            });
        }
        Ok(described)
    }

    /// Phase 4: stored values, window by window. Windows are decoded and stored in the
    /// background while the next one is fetched, and commit in order (see `pipeline`).
    async fn stored_values(
        &mut self,
        origin: Origin,
        lists: &mut [ListPlan],
        settle_point: DateTime<Utc>,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let mut pipeline = Pipeline::new(self.archive.clone(), origin);
        let result = self
            .fetch_windows(&mut pipeline, lists, settle_point, report)
            .await;
        // Whatever happened, the windows already received are stored before returning.
        let flushed = pipeline.finish().await;
        report.warnings.extend(pipeline.take_warnings());
        result?;
        report.values = flushed?;
        self.t.values = pipeline.stored.load(Ordering::Relaxed);
        Ok(())
    }

    async fn fetch_windows(
        &mut self,
        pipeline: &mut Pipeline,
        lists: &mut [ListPlan],
        settle_point: DateTime<Utc>,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        for plan in lists {
            let list = &plan.list;
            self.t.phase = SyncPhase::Readings {
                contract: list.usage_point_id.clone(),
                database: list.database.wire_name().to_owned(),
            };
            let windows = &mut plan.windows;
            loop {
                let planned = windows.planned();
                let Some(period) = windows.next_window() else {
                    break;
                };
                self.t.plan(windows.planned() - planned);
                check(self.cancel)?;
                let fetched = match self
                    .gateway
                    .values(&list.detail, &list.database, period)
                    .await
                {
                    // Asked again in halves (see `WindowPlan::refused`).
                    Err(GatewayError::WindowTooLong) if windows.refused(period) => continue,
                    other => other?,
                };
                report.readings_calls += 1;
                let synced_until = Some(period.to.min(settle_point).max(period.from));
                pipeline
                    .push(Arc::clone(list), fetched, synced_until)
                    .await?;
                self.t.values = pipeline.stored.load(Ordering::Relaxed);
                self.t.call_done();
            }
        }
        Ok(())
    }

    /// Phase 5: the logbook from the entry after the last stored one. A page is stored while the
    /// next one is fetched; at most one write is outstanding, so pages commit in order.
    async fn logbook(&mut self, origin: Origin, report: &mut SyncReport) -> Result<(), SyncError> {
        self.t.phase = SyncPhase::Logbook;
        let mut pending: Option<JoinHandle<Result<WriteOutcome, SyncError>>> = None;
        let result = self.fetch_log_pages(origin, &mut pending, report).await;
        // The page already received is stored before returning, also after an error.
        let flushed = match pending.take() {
            Some(p) => join(p).await.map(|o| add(&mut report.log, o)),
            None => Ok(()),
        };
        result?;
        flushed
    }

    async fn fetch_log_pages(
        &mut self,
        origin: Origin,
        pending: &mut Option<JoinHandle<Result<WriteOutcome, SyncError>>>,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let resume = self
            .archive
            .log_resume_index(origin.consumer)
            .await?
            .map(|i| i.saturating_add(1));
        let mut holes = smgw_model::RecordNumberHoles::expecting(resume);
        let mut next = Some(resume.unwrap_or(0));
        while let Some(index) = next {
            check(self.cancel)?;
            let (raw, page) = self.gateway.log_page(index).await?.decode_warned();
            let (page, warnings) = page?;
            report.warnings.extend(warnings);
            report.log_calls += 1;
            next = page.next;
            for entry in &page.entries {
                holes.observe(entry.index);
            }
            let entries: Vec<archive::LogEntry> = page
                .entries
                .iter()
                .map(archive::LogEntry::from_model)
                .collect();
            self.t.log_entries += entries.len() as u64;
            if let Some(p) = pending.take() {
                add(&mut report.log, join(p).await?);
            }
            let db = self.archive.clone();
            *pending = Some(tokio::spawn(async move {
                let (outcome, _) = db
                    .store_log_page(
                        origin.consumer,
                        &entries,
                        Some(&origin.raw(&raw)),
                        Utc::now(),
                    )
                    .await?;
                Ok(outcome)
            }));
            if next.is_some() {
                // One more page or the end-of-logbook confirmation follows.
                self.t.calls_planned = self.t.calls_planned.max(self.t.calls_done + 2);
            }
            self.t.call_done();
        }
        if !holes.holes().is_empty() {
            report.warnings.push(FieldWarning::new(
                WarningKind::LogRecordsMissing,
                "log.index",
                &holes.describe(),
                format!("{} record numbers", holes.missing()),
            ));
        }
        Ok(())
    }

    /// Phase 6: current values, each read kept (they prove nothing about history: no resume
    /// point).
    async fn current_values(
        &mut self,
        origin: Origin,
        lists: &[Arc<List>],
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        self.t.phase = SyncPhase::CurrentValues;
        for list in lists {
            check(self.cancel)?;
            let fetched = self
                .gateway
                .current_values(&list.detail, &list.database)
                .await?;
            report.current_calls += 1;
            let (raw, decoded) = fetched.decode_warned();
            let parsed = pipeline::parse(decoded, list, &mut report.warnings)?;
            let mut state = list.state.lock().await;
            let mut channels: Vec<(ChannelId, Vec<archive::Reading>)> = Vec::new();
            for (name, scaler, unit, readings) in parsed {
                let id = pipeline::channel_id(self.archive, list, &mut state, &name, scaler, unit)
                    .await?;
                channels.push((id, readings));
            }
            drop(state);
            let n: u64 = channels.iter().map(|(_, r)| r.len() as u64).sum();
            let windows: Vec<ChannelWindow<'_>> = channels
                .iter()
                .map(|(id, rs)| ChannelWindow {
                    channel: *id,
                    readings: rs,
                    synced_until: None,
                })
                .collect();
            let (outcome, _) = self
                .archive
                .store_window(&windows, Some(&origin.raw(&raw)), Utc::now())
                .await?;
            add(&mut report.current, outcome);
            self.t.values += n;
            self.t.call_done();
        }
        Ok(())
    }
}

/// Phase 3: plans the stored values: every list from its resume point up to the gateway's
/// clock. A gateway without stored value lists gives only current values, of every
/// contract. Returns the lists to read in windows and those to read current values of.
async fn plan_lists(
    archive: &Archive,
    described: &[Described],
    opts: &SyncOptions,
    capabilities: &Capabilities,
    gateway_time: DateTime<Utc>,
) -> Result<(Vec<ListPlan>, Vec<Arc<List>>), SyncError> {
    let window = opts.window.min(capabilities.max_window);
    let mut lists = Vec::new();
    let mut current = Vec::new();
    for d in described {
        for db in &d.detail.databases {
            let stores_values = capabilities.history && !CURRENT_VALUE_TAFS.contains(&d.taf);
            // The list's archived channels: all advance with every window (see `pipeline`).
            let known = if stores_values {
                known_channels(archive, d.contract, &db.database).await?
            } else {
                Vec::new()
            };
            let resume = list_resume_point(archive, &known).await?;
            let list = Arc::new(List {
                contract: d.contract,
                usage_point_id: d.detail.usage_point_id.clone(),
                database: db.database.clone(),
                detail: Arc::clone(&d.detail),
                state: tokio::sync::Mutex::new(ListState {
                    known,
                    ..Default::default()
                }),
            });
            if !stores_values {
                current.push(list);
                continue;
            }
            let from = match resume {
                Some(r) => r,
                None => match d.start {
                    Some(s) => s - Duration::seconds(1),
                    None => gateway_time - opts.history,
                },
            };
            let to = d.end.map_or(gateway_time, |e| e.min(gateway_time));
            lists.push(ListPlan {
                list,
                windows: WindowPlan::new(Period { from, to }, window),
            });
        }
    }
    Ok((lists, current))
}

/// The archived channels of a value list.
async fn known_channels(
    archive: &Archive,
    contract: ContractId,
    database: &Database,
) -> Result<Vec<ChannelId>, SyncError> {
    Ok(archive
        .channels(Scope::Contract(contract))
        .await?
        .into_iter()
        .filter(|c| c.key.database == database.wire_name())
        .map(|c| c.id)
        .collect())
}

/// Where the next sync of a value list starts: the smallest resume point of its channels
/// that have one. Channels without one were created by a write that never committed its
/// window (or by a current-value read) and hold nothing the others do not.
async fn list_resume_point(
    archive: &Archive,
    channels: &[ChannelId],
) -> Result<Option<DateTime<Utc>>, SyncError> {
    let mut min: Option<DateTime<Utc>> = None;
    for c in channels {
        if let Some(r) = archive.resume_point(*c).await? {
            min = Some(min.map_or(r, |m| m.min(r)));
        }
    }
    Ok(min)
}
