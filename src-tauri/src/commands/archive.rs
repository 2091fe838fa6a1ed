//! The archive screen's commands: which archive file, what it holds, and the sync of the
//! open session into it. `durchblick-sync` does the work; this only picks the file,
//! forwards progress and cancellation, and turns the results into views.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use archive::{Archive, ArchiveError, ChannelStatus, LogStatus, Scope};
use chrono::{DateTime, Utc};
use durchblick_sync::{SyncError, SyncOptions, SyncPhase, SyncProgress, SyncReport};
use han_client::CancelFlag;
use serde::Serialize;
use smgw_model::{Database, Lang};

use super::{lock_poisoned, AppCore};
use crate::error::{ErrorKind, Refusal, UiError};
use crate::views::{Instant, Text};
use durchblick_core::Problem;

/// Which archive files a window uses.
#[derive(Debug, Clone, Default)]
pub struct ArchivePaths {
    /// The user's archive (default: the OS data dir, see [`archive::default_path`]).
    pub user: Option<PathBuf>,
    /// Where the demo gateway's data goes, always: a demo never mixes invented values
    /// into the user's archive.
    pub demo: Option<PathBuf>,
    /// A file the user picked; replaces `user` (never `demo`).
    pub chosen: Option<PathBuf>,
    /// Where the pick is remembered for the next start (`None`: not remembered).
    pub remember_in: Option<PathBuf>,
}

/// What `window.json` in the config directory remembers.
#[derive(Debug, Default, serde::Deserialize, Serialize)]
struct Remembered {
    archive: Option<PathBuf>,
}

impl ArchivePaths {
    /// The OS defaults: the user's archive in the data dir, the demo archive in the
    /// user's cache dir (per user, and a cache: it can be thrown away), and the file
    /// picked last time, remembered in `window.json` beside the pins.
    pub fn os_defaults() -> ArchivePaths {
        ArchivePaths {
            user: archive::default_path(),
            demo: dirs::cache_dir().map(|d| d.join("durchblick").join("demo-archive.sqlite")),
            chosen: None,
            remember_in: crate::pins::default_path().map(|p| p.with_file_name("window.json")),
        }
        .with_remembered()
    }

    /// Takes the remembered pick, if that file still exists: an archive on a removed
    /// USB stick must not make the next sync start a new archive elsewhere.
    pub fn with_remembered(mut self) -> ArchivePaths {
        let remembered = self
            .remember_in
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice::<Remembered>(&bytes).ok())
            .and_then(|r| r.archive)
            .filter(|p| p.is_file());
        if remembered.is_some() {
            self.chosen = remembered;
        }
        self
    }

    /// Remembers `chosen` for the next start. Best effort: not remembering a pick costs
    /// the user one click next time, so a failure here does not fail the choice.
    fn remember(&self) {
        let Some(file) = &self.remember_in else {
            return;
        };
        let remembered = Remembered {
            archive: self
                .chosen
                .clone()
                .filter(|c| Some(c) != self.user.as_ref()),
        };
        if let Ok(text) = serde_json::to_vec_pretty(&remembered) {
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = std::fs::write(file, text);
        }
    }

    /// The archive of a demo or a real session (or of no session).
    fn effective(&self, demo: bool) -> Option<PathBuf> {
        if demo {
            self.demo.clone()
        } else {
            self.chosen.clone().or_else(|| self.user.clone())
        }
    }
}

/// What an archive holds, per gateway, consumer and contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveView {
    /// The file.
    pub path: String,
    /// Whether the file exists yet (the first sync creates it).
    pub exists: bool,
    /// Whether this is the demo gateway's archive.
    pub demo: bool,
    /// The user's default archive, when another file was chosen (to switch back).
    pub default_path: Option<String>,
    /// Gateways in the archive.
    pub gateways: Vec<ArchivedGateway>,
}

/// A gateway in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedGateway {
    /// Its `smgw-id`.
    pub smgw_id: String,
    /// First sync that saw it.
    pub first_seen: Instant,
    /// Last sync that saw it.
    pub last_seen: Instant,
    /// Its consumers in the archive.
    pub consumers: Vec<ArchivedConsumer>,
}

/// A consumer of a gateway in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedConsumer {
    /// The user id on the gateway.
    pub user_id: String,
    /// Last sync that saw it.
    pub last_seen: Instant,
    /// Contracts with their value series.
    pub contracts: Vec<ArchivedContract>,
    /// The logbook.
    pub log: ArchivedLog,
    /// The export period of whole German local days that holds every stored value
    /// (`None` without values), in the export request's form.
    pub whole_range: Option<super::ProposedPeriod>,
}

/// A contract in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedContract {
    /// Usage point id.
    pub usage_point_id: String,
    /// Its name, if the gateway gave one.
    pub name: Option<String>,
    /// TAF number.
    pub taf: Option<u32>,
    /// State as last reported.
    pub state: Option<String>,
    /// One entry per value list and channel.
    pub series: Vec<ArchivedSeries>,
}

/// One channel of one value list in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedSeries {
    /// Value list (`origin`, `daily`, …).
    pub database: String,
    /// What that list is.
    pub database_name: Text,
    /// OBIS id, `1-0:1.8.0*255`.
    pub obis: String,
    /// Its meaning.
    pub name: Text,
    /// Meter id.
    pub meter_id: String,
    /// Values stored.
    pub count: u64,
    /// Oldest value's target time.
    pub first: Option<Instant>,
    /// Newest value's target time.
    pub last: Option<Instant>,
    /// Gaps in the series (runs of missing values).
    pub gaps: u64,
    /// Missing values in those gaps.
    pub missing: u64,
    /// Values the gateway later reported differently (both versions kept).
    pub conflicts: u64,
    /// Everything up to here is stored (see `durchblick-sync`).
    pub synced_until: Option<Instant>,
    /// When it was last synced.
    pub last_sync: Option<Instant>,
}

/// The logbook of a consumer in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedLog {
    /// Entries stored.
    pub count: u64,
    /// Highest index stored.
    pub last_index: Option<u64>,
    /// Entries the gateway later reported differently.
    pub conflicts: u64,
    /// When it was last synced.
    pub last_sync: Option<Instant>,
}

/// Progress of a sync, sent as `sync_progress` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncProgressView {
    /// Calls to the gateway completed.
    pub calls_done: u32,
    /// Calls planned so far (grows while the logbook is read).
    pub calls_planned: u32,
    /// Values received and stored.
    pub values: u64,
    /// Logbook entries received and stored.
    pub log_entries: u64,
    /// Estimated seconds left.
    pub seconds_left: Option<u64>,
    /// What the sync is doing.
    pub phase: Text,
}

impl From<&SyncProgress> for SyncProgressView {
    fn from(p: &SyncProgress) -> Self {
        SyncProgressView {
            calls_done: p.calls_done,
            calls_planned: p.calls_planned,
            values: p.values,
            log_entries: p.log_entries,
            seconds_left: p.eta.map(|d| d.as_secs()),
            phase: Text::of(|lang| phase_text(&p.phase, lang)),
        }
    }
}

fn phase_text(phase: &SyncPhase, lang: Lang) -> String {
    match phase {
        SyncPhase::Gateway => lang.pick("Gateway-Daten", "Gateway facts").to_owned(),
        SyncPhase::Contracts => lang.pick("Verträge", "Contracts").to_owned(),
        SyncPhase::Readings { contract, database } => format!(
            "{} {contract}, {}",
            lang.pick("Werte", "Values"),
            Database::from_wire(database).text(lang)
        ),
        SyncPhase::Logbook => lang.pick("Logbuch", "Logbook").to_owned(),
        SyncPhase::CurrentValues => lang.pick("Aktuelle Werte", "Current values").to_owned(),
        SyncPhase::Done => lang.pick("Fertig", "Done").to_owned(),
    }
}

/// A finished sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncDone {
    /// The archive written.
    pub path: String,
    /// Gateway.
    pub smgw_id: String,
    /// Consumer.
    pub userid: String,
    /// The gateway's clock at the start.
    pub gateway_time: Instant,
    /// Calls made.
    pub calls: u32,
    /// Of those, `readings` calls.
    pub readings_calls: u32,
    /// Values stored for the first time.
    pub values_new: u64,
    /// Values that were already archived.
    pub values_unchanged: u64,
    /// Values or entries that came back different from the archived ones.
    pub conflicts_new: u64,
    /// Logbook entries stored for the first time.
    pub log_new: u64,
    /// Current values stored for the first time.
    pub current_new: u64,
    /// Duration in milliseconds.
    pub millis: u64,
    /// One sentence for the user.
    pub summary: Text,
    /// What the answers held that could not be decoded; each answer is archived unchanged.
    // Absent when empty: the UI's recorded answers (ui/tests/fixtures) stay as they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::views::WarningView>,
}

impl SyncDone {
    fn new(r: &SyncReport, path: &Path) -> SyncDone {
        let conflicts_new = r.values.new_conflicts + r.log.new_conflicts + r.current.new_conflicts;
        let seconds = r.elapsed.as_secs_f64();
        SyncDone {
            path: path.display().to_string(),
            smgw_id: r.smgw_id.clone(),
            userid: r.userid.clone(),
            gateway_time: r.gateway_time.into(),
            calls: r.calls,
            readings_calls: r.readings_calls,
            values_new: r.values.inserted,
            values_unchanged: r.values.unchanged,
            conflicts_new,
            log_new: r.log.inserted,
            current_new: r.current.inserted,
            millis: u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
            warnings: crate::views::warning_views(&r.warnings),
            summary: Text::of(|lang| {
                let conflicts = match (conflicts_new, lang) {
                    (0, _) => String::new(),
                    (n, Lang::De) => format!(" Achtung: {} Werte oder Logbucheinträge kamen anders zurück als archiviert; beide Fassungen sind gespeichert.", grouped(n, lang)),
                    (n, Lang::En) => format!(" Note: {} values or logbook entries came back different from the archived ones; both versions are kept.", grouped(n, lang)),
                };
                let n = |v: u64| grouped(v, lang);
                match lang {
                    Lang::De => format!(
                        "Abgleich abgeschlossen: {} Abrufe in {} s; {} Werte neu, {} bereits archiviert; {} Logbucheinträge neu.{conflicts}",
                        r.calls,
                        format!("{seconds:.1}").replace('.', ","),
                        n(r.values.inserted),
                        n(r.values.unchanged),
                        n(r.log.inserted)
                    ),
                    Lang::En => format!(
                        "Sync complete: {} calls in {seconds:.1} s; {} values new, {} already archived; {} logbook entries new.{conflicts}",
                        r.calls,
                        n(r.values.inserted),
                        n(r.values.unchanged),
                        n(r.log.inserted)
                    ),
                }
            }),
        }
    }
}

/// `308312` as `308.312` (German) or `308,312` (English).
fn grouped(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let separator = lang.pick(".", ",");
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

fn opt(t: Option<DateTime<Utc>>) -> Option<Instant> {
    t.map(Instant::from)
}

fn series(s: &ChannelStatus) -> ArchivedSeries {
    let key = &s.channel.key;
    ArchivedSeries {
        database: key.database.clone(),
        database_name: Text::of(|lang| key.database().text(lang)),
        obis: key.name.obis.to_string(),
        name: Text::of(|lang| key.name.obis.name(lang).unwrap_or_default()),
        meter_id: key.name.meter_id.clone(),
        count: s.count,
        first: opt(s.first),
        last: opt(s.last),
        gaps: s.gaps,
        missing: s.missing_slots,
        conflicts: s.conflicts,
        synced_until: opt(s.synced_until),
        last_sync: opt(s.last_sync_at),
    }
}

fn log(l: &LogStatus) -> ArchivedLog {
    ArchivedLog {
        count: l.count,
        last_index: l.last_index,
        conflicts: l.conflicts,
        last_sync: opt(l.last_sync_at),
    }
}

pub(super) fn archive_error(e: &ArchiveError) -> UiError {
    let kind = match e {
        ArchiveError::Io { .. } => ErrorKind::Local,
        _ => ErrorKind::Data,
    };
    UiError::in_both(kind, |lang| e.message(lang))
}

/// The sync's own messages (they add that nothing read so far is lost), with the kind
/// and fingerprints of a client error.
fn sync_error(e: &SyncError) -> UiError {
    let mut ui = match e {
        SyncError::Gateway(g) => UiError::from_gateway(g),
        _ if e.is_cancelled() => UiError::new(ErrorKind::Cancelled, "", ""),
        SyncError::Archive(_) => UiError::new(ErrorKind::Local, "", ""),
        _ => UiError::new(ErrorKind::Data, "", ""),
    };
    ui.de = e.message(Lang::De);
    ui.en = e.message(Lang::En);
    ui
}

/// Reads what the archive at `path` holds. A missing file is an empty view; the file is
/// not created by looking at it.
pub async fn archive_view(path: &Path, demo: bool) -> Result<ArchiveView, UiError> {
    let mut view = ArchiveView {
        path: path.display().to_string(),
        exists: path.exists(),
        demo,
        default_path: None,
        gateways: Vec::new(),
    };
    if !view.exists {
        return Ok(view);
    }
    let db = Archive::open_existing(path)
        .await
        .map_err(|e| archive_error(&e))?;
    let result = read_view(&db, &mut view).await;
    db.close().await;
    result.map_err(|e| archive_error(&e))?;
    Ok(view)
}

async fn read_view(db: &Archive, view: &mut ArchiveView) -> Result<(), ArchiveError> {
    for g in db.gateways().await? {
        let mut consumers = Vec::new();
        for c in db.consumers(Some(g.id)).await? {
            let mut contracts = Vec::new();
            let (mut first, mut last): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
                (None, None);
            for k in db.contracts(c.id).await? {
                let statuses = db.status(Scope::Contract(k.id)).await?;
                for s in &statuses {
                    // `None < Some` for Option: the earliest of those there.
                    first = match (first, s.first) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    last = last.max(s.last);
                }
                contracts.push(ArchivedContract {
                    usage_point_id: k.info.usage_point_id,
                    name: k.info.name,
                    taf: k.info.taf_number,
                    state: k.info.taf_state,
                    series: statuses.iter().map(series).collect(),
                });
            }
            consumers.push(ArchivedConsumer {
                user_id: c.user_id,
                last_seen: c.last_seen.into(),
                contracts,
                log: log(&db.log_status(c.id).await?),
                whole_range: first.zip(last).map(|(a, b)| super::whole_days(a, b)),
            });
        }
        view.gateways.push(ArchivedGateway {
            smgw_id: g.smgw_id,
            first_seen: g.first_seen.into(),
            last_seen: g.last_seen.into(),
            consumers,
        });
    }
    Ok(())
}

/// The refusal of gateway calls while a sync uses the connection.
pub(super) fn sync_running() -> UiError {
    Refusal::SyncRunning.into()
}

/// Marks a sync as running for as long as it lives.
struct SyncRunning<'a>(&'a AtomicBool);

impl Drop for SyncRunning<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl AppCore {
    /// The archive file of the session kind (demo or not), and whether it is the demo's.
    fn archive_for(&self, demo: bool) -> Result<(PathBuf, bool), UiError> {
        let path = self
            .archives
            .lock()
            .map_err(|_| lock_poisoned())?
            .effective(demo);
        path.map(|p| (p, demo))
            .ok_or_else(|| UiError::problem(&Problem::NoDataDirectory))
    }

    /// The archive file the archive screen shows now. Does not wait for the session, so
    /// it answers while a sync runs.
    pub(super) fn current_archive(&self) -> Result<(PathBuf, bool), UiError> {
        self.archive_for(self.demo_session.load(Ordering::SeqCst))
    }

    /// What the current archive holds.
    pub async fn archive_status(&self) -> Result<ArchiveView, UiError> {
        let (path, demo) = self.current_archive()?;
        let view = archive_view(&path, demo).await?;
        self.with_default(view)
    }

    /// Names the user's default archive in `view` when another file is in use.
    fn with_default(&self, mut view: ArchiveView) -> Result<ArchiveView, UiError> {
        let user = self
            .archives
            .lock()
            .map_err(|_| lock_poisoned())?
            .user
            .clone();
        if !view.demo {
            view.default_path = user
                .filter(|u| u.as_path() != Path::new(&view.path))
                .map(|u| u.display().to_string());
        }
        Ok(view)
    }

    /// Uses the file the user chose (token of [`AppCore::hold_place`]) as the archive from
    /// now on (a new file is created by the next sync); refuses a file that is not a
    /// Durchblick archive, leaving it unchanged. A demo session always keeps the demo
    /// archive.
    pub async fn choose_archive(&self, place: u64) -> Result<ArchiveView, UiError> {
        if self.demo_session.load(Ordering::SeqCst) {
            return Err(Refusal::DemoArchiveOnly.into());
        }
        let path = self.chosen_place(place)?;
        // Look before switching: a foreign or damaged file is refused here, not later.
        let view = archive_view(&path, false).await?;
        {
            let mut archives = self.archives.lock().map_err(|_| lock_poisoned())?;
            archives.chosen = Some(path);
            archives.remember();
        }
        self.with_default(view)
    }

    /// Goes back to the user's default archive after another file was chosen (and
    /// remembers that for the next start). A demo session always keeps the demo archive.
    pub async fn use_default_archive(&self) -> Result<ArchiveView, UiError> {
        if self.demo_session.load(Ordering::SeqCst) {
            return Err(Refusal::DemoArchiveOnly.into());
        }
        {
            let mut archives = self.archives.lock().map_err(|_| lock_poisoned())?;
            archives.chosen = None;
            archives.remember();
        }
        self.archive_status().await
    }

    /// Everything the current archive holds for `selection`, as the export crate's input.
    pub(crate) async fn archived_set(
        &self,
        selection: &archive_io::Selection,
    ) -> Result<export::ExportSet, UiError> {
        let (path, _) = self.current_archive()?;
        durchblick_core::archived::export_set(&path, selection)
            .await
            .map_err(|e| {
                let kind = match &e {
                    archive_io::ExportError::Archive(ArchiveError::Io { .. }) => ErrorKind::Local,
                    _ => ErrorKind::Data,
                };
                UiError::in_both(kind, |lang| e.message(lang))
            })
    }

    /// Cancels a running sync; what it read so far stays stored.
    pub fn cancel_sync(&self) -> Result<(), UiError> {
        self.sync_cancel
            .lock()
            .map_err(|_| lock_poisoned())?
            .cancel();
        Ok(())
    }

    /// Syncs everything the open session's consumer has on the gateway into the archive
    /// (the demo's into the demo archive): progress after every call, cancellable with
    /// [`AppCore::cancel_sync`] (what was read before stays stored; the next sync
    /// continues there). Calls to the gateway are refused meanwhile.
    pub async fn sync(
        &self,
        progress: &mut (dyn FnMut(SyncProgressView) + Send),
    ) -> Result<SyncDone, UiError> {
        // Marked as running before anything else, so that a second sync (a double click)
        // cannot replace this one's cancel flag.
        if self.syncing.swap(true, Ordering::SeqCst) {
            return Err(sync_running());
        }
        let _running = SyncRunning(&self.syncing);
        let cancel = CancelFlag::new();
        *self.sync_cancel.lock().map_err(|_| lock_poisoned())? = cancel.clone();
        let mut guard = self.session.lock().await;
        // Checked before the archive is opened, so that no empty file is left behind.
        let c = guard.as_mut().ok_or_else(UiError::not_connected)?;
        // The archive follows the session held here, not a flag read before the lock.
        let (path, _) = self.archive_for(c.view.demo)?;
        let db = Archive::open(&path).await.map_err(|e| archive_error(&e))?;
        let result = durchblick_sync::sync(
            c.gateway.as_mut(),
            &db,
            &SyncOptions::default(),
            |p: SyncProgress| progress(SyncProgressView::from(&p)),
            &cancel,
        )
        .await;
        db.close().await;
        let report = result.map_err(|e| sync_error(&e))?;
        Ok(SyncDone::new(&report, &path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picked_archive_is_remembered_while_it_exists() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = |chosen: Option<PathBuf>| ArchivePaths {
            user: Some(dir.path().join("default.sqlite")),
            demo: None,
            chosen,
            remember_in: Some(dir.path().join("config").join("window.json")),
        };
        let stick = dir.path().join("stick.sqlite");
        std::fs::write(&stick, b"").expect("write");
        paths(Some(stick.clone())).remember();
        assert_eq!(paths(None).with_remembered().chosen, Some(stick.clone()));
        // Gone (the stick was removed): the default archive again, nothing created.
        std::fs::remove_file(&stick).expect("remove");
        assert_eq!(paths(None).with_remembered().chosen, None);
        // Back to the default: nothing is remembered.
        std::fs::write(&stick, b"").expect("write");
        paths(Some(dir.path().join("default.sqlite"))).remember();
        assert_eq!(paths(None).with_remembered().chosen, None);
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0, Lang::De), "0");
        assert_eq!(grouped(999, Lang::De), "999");
        assert_eq!(grouped(1000, Lang::De), "1.000");
        assert_eq!(grouped(308_312, Lang::En), "308,312");
        assert_eq!(grouped(1_234_567, Lang::De), "1.234.567");
    }
}
