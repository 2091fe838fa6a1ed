//! Parsing and storing `readings` windows while the next window is fetched.
//!
//! Parsing a window's JSON costs about as much as the gateway needs to serve it, so doing
//! it in line would double a long sync. Each received window becomes a job: it parses on a
//! blocking thread (in parallel with the next request), then waits for the previous job to
//! finish and stores its window in one transaction. Jobs therefore commit strictly in
//! order: whatever stops a run leaves a prefix of the windows stored, and a failed job makes
//! every later job fail with the same error before storing anything.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use archive::{
    Archive, ChannelId, ChannelKey, ChannelSpec, ChannelWindow, ContractId, Reading, WriteOutcome,
};
use chrono::{DateTime, Utc};
use gateway::Fetched;
use smgw_model::records::{ChannelReadings, ContractDetail, Database};
use smgw_model::{ChannelName, FieldWarning, Unit};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;

use crate::{convert, Origin, SyncError};

/// Windows parsed or stored at the same time, at most (bounds memory to a few bodies).
pub(crate) const DEPTH: usize = 3;

/// What all jobs of one value list share: its channels in the archive.
#[derive(Default)]
pub(crate) struct ListState {
    /// Every channel of the list, archived earlier or seen in this run. All advance with
    /// every window, also when they deliver nothing (a replaced or dead meter).
    pub known: Vec<ChannelId>,
    pub ids: HashMap<String, ChannelId>,
}

/// One value list being synced.
pub(crate) struct List {
    pub contract: ContractId,
    pub usage_point_id: String,
    pub database: Database,
    pub detail: Arc<ContractDetail>,
    pub state: Mutex<ListState>,
}

/// The chain of jobs of a run.
pub(crate) struct Pipeline {
    archive: Archive,
    origin: Origin,
    slots: Arc<Semaphore>,
    last: Option<JoinHandle<Result<WriteOutcome, SyncError>>>,
    /// Values stored so far, for progress reports.
    pub stored: Arc<AtomicU64>,
    /// Warnings of the windows decoded so far.
    warnings: Arc<std::sync::Mutex<Vec<FieldWarning>>>,
}

/// A window's channels as the archive takes them: name as sent, scaler, unit, values.
pub(crate) type Parsed = Vec<(String, i8, Unit, Vec<Reading>)>;

/// Decodes a values answer and turns it into archive records, finding each channel's
/// unit and scaler in the contract's description.
pub(crate) fn parse(
    decoded: Result<(Vec<ChannelReadings>, Vec<FieldWarning>), gateway::GatewayError>,
    list: &List,
    warnings: &mut Vec<FieldWarning>,
) -> Result<Parsed, SyncError> {
    let (channels, warned) = decoded?;
    warnings.extend(warned);
    let mut out = Vec::with_capacity(channels.len());
    for ch in channels {
        let desc = gateway::channel_of(&list.detail, &list.database, &ch.channel)
            .ok_or_else(|| unknown(list, &ch.channel))?;
        let rs = ch
            .readings
            .into_iter()
            .map(|r| Reading::from_model_owned(r, desc.unit))
            .collect();
        out.push((ch.channel, desc.scaler, desc.unit, rs));
    }
    Ok(out)
}

pub(crate) fn unknown(list: &List, channel: &str) -> SyncError {
    SyncError::UnknownChannel {
        contract: list.usage_point_id.clone(),
        database: list.database.wire_name().to_owned(),
        channel: channel.to_owned(),
    }
}

/// The archive's name of a response channel: `<obis>.<meter>.sm` as sent; a bare OBIS id
/// (gateways that omit the suffix) is filed under the usage point's own id part.
pub(crate) fn channel_name(obis: &str, usage_point_id: &str) -> Option<ChannelName> {
    if let Ok(name) = obis.parse::<ChannelName>() {
        return Some(name);
    }
    let obis = convert::obis_of(obis).ok()?;
    let owner = usage_point_id.split('.').nth(1).unwrap_or("unknown");
    Some(ChannelName::new(obis, owner))
}

/// Finds or creates the archive channel of a response channel.
pub(crate) async fn channel_id(
    archive: &Archive,
    list: &List,
    state: &mut ListState,
    obis: &str,
    scaler: i8,
    unit: Unit,
) -> Result<ChannelId, SyncError> {
    if let Some(id) = state.ids.get(obis) {
        return Ok(*id);
    }
    let name = channel_name(obis, &list.usage_point_id).ok_or_else(|| unknown(list, obis))?;
    let key = ChannelKey {
        database: list.database.wire_name().to_owned(),
        name,
    };
    let spec = ChannelSpec {
        scaler: Some(scaler),
        unit: Some(unit),
        period: None,
    };
    let id = archive.channel(list.contract, &key, spec).await?;
    state.ids.insert(obis.to_owned(), id);
    if !state.known.contains(&id) {
        state.known.push(id);
    }
    Ok(id)
}

impl Pipeline {
    pub(crate) fn new(archive: Archive, origin: Origin) -> Pipeline {
        Pipeline {
            archive,
            origin,
            slots: Arc::new(Semaphore::new(DEPTH)),
            last: None,
            stored: Arc::new(AtomicU64::new(0)),
            warnings: Arc::default(),
        }
    }

    /// The warnings of the windows decoded so far (call after [`Pipeline::finish`]).
    pub(crate) fn take_warnings(&self) -> Vec<FieldWarning> {
        // A poisoned lock only means a decoding thread panicked; its warnings are still
        // there.
        let mut w = self
            .warnings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *w)
    }

    /// Queues a received window. Waits while [`DEPTH`] windows are in flight.
    pub(crate) async fn push(
        &mut self,
        list: Arc<List>,
        fetched: Fetched<Vec<ChannelReadings>>,
        synced_until: Option<DateTime<Utc>>,
    ) -> Result<(), SyncError> {
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|e| SyncError::Task(e.to_string()))?;
        let previous = self.last.take();
        let job = Job {
            archive: self.archive.clone(),
            origin: self.origin,
            list,
            fetched,
            synced_until,
            previous,
            stored: Arc::clone(&self.stored),
            warnings: Arc::clone(&self.warnings),
            _permit: permit,
        };
        self.last = Some(tokio::spawn(job.run()));
        Ok(())
    }

    /// Waits for every queued window; returns what storing them did, or the first error.
    pub(crate) async fn finish(&mut self) -> Result<WriteOutcome, SyncError> {
        match self.last.take() {
            None => Ok(WriteOutcome::default()),
            Some(task) => match task.await {
                Ok(Ok(o)) => Ok(o),
                Ok(Err(e)) => Err(e),
                Err(e) => Err(SyncError::Task(e.to_string())),
            },
        }
    }
}

struct Job {
    archive: Archive,
    origin: Origin,
    list: Arc<List>,
    fetched: Fetched<Vec<ChannelReadings>>,
    synced_until: Option<DateTime<Utc>>,
    previous: Option<JoinHandle<Result<WriteOutcome, SyncError>>>,
    stored: Arc<AtomicU64>,
    warnings: Arc<std::sync::Mutex<Vec<FieldWarning>>>,
    _permit: OwnedSemaphorePermit,
}

impl Job {
    async fn run(self) -> Result<WriteOutcome, SyncError> {
        let Job {
            archive,
            origin,
            list,
            fetched,
            synced_until,
            previous,
            stored,
            warnings,
            _permit,
        } = self;
        let parse_list = Arc::clone(&list);
        let parsed = tokio::task::spawn_blocking(move || {
            let (raw, decoded) = fetched.decode_warned();
            let mut warned = Vec::new();
            let parsed = parse(decoded, &parse_list, &mut warned);
            (parsed, raw, warned)
        })
        .await;
        // The previous job first: a failure there stops this one before it stores.
        let mut total = match previous {
            None => WriteOutcome::default(),
            Some(p) => match p.await {
                Ok(r) => r?,
                Err(e) => return Err(SyncError::Task(e.to_string())),
            },
        };
        let (parsed, raw, warned) = parsed.map_err(|e| SyncError::Task(e.to_string()))?;
        warnings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(warned);
        let parsed = parsed?;
        let mut state = list.state.lock().await;
        let mut channels: Vec<(ChannelId, Vec<Reading>)> = Vec::with_capacity(parsed.len());
        let mut n = 0u64;
        for (obis, scaler, unit, rs) in parsed {
            let id = channel_id(&archive, &list, &mut state, &obis, scaler, unit).await?;
            n += rs.len() as u64;
            match channels.iter_mut().find(|(c, _)| *c == id) {
                Some((_, v)) => v.extend(rs),
                None => channels.push((id, rs)),
            }
        }
        for id in &state.known {
            if !channels.iter().any(|(c, _)| c == id) {
                channels.push((*id, Vec::new()));
            }
        }
        drop(state);
        let windows: Vec<ChannelWindow<'_>> = channels
            .iter()
            .map(|(id, rs)| ChannelWindow {
                channel: *id,
                readings: rs,
                synced_until,
            })
            .collect();
        let (outcome, _) = archive
            .store_window(&windows, Some(&origin.raw(&raw)), Utc::now())
            .await?;
        stored.fetch_add(n, Ordering::Relaxed);
        crate::add(&mut total, outcome);
        Ok(total)
    }
}
