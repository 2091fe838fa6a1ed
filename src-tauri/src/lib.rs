//! The Durchblick desktop window: Tauri commands over the library crates.
//!
//! The only crate that knows Tauri. Every command is a thin wrapper over an
//! [`commands::AppCore`] method or a free function in [`commands`], which hold no
//! protocol, archive or export logic of their own: they call `han-client`,
//! `han-protocol`, `smgw-model`, `tariff` and `mock-smgw` and turn the results into
//! [`views`] with German and English words.
//!
//! Long calls are async (the window never freezes) and report progress as `progress`
//! events (`sync_progress` for the sync); `cancel` stops them before their next request.

pub mod about;
pub mod commands;
pub mod error;
pub mod network;
pub mod pins;
pub mod views;

use serde::Serialize;
use tauri::{Emitter, State};

use commands::{
    AppCore, ArchivePaths, ArchiveView, ConnectOutcome, ConnectRequest, ExportDone, ExportRequest,
    Features, GatewayScreen, ProgressView, SelfTestView, SessionView, SyncDone, ValuesRequest,
};
use error::{Refusal, UiError};
use views::{BillView, CertView, ContractView, LogbookView, ValuesView};

/// What the window asks once at start.
#[derive(Debug, Clone, Serialize)]
pub struct Startup {
    /// Connect to the demo gateway right away (`--demo` or `DURCHBLICK_DEMO=1`).
    pub demo: bool,
    /// Which screens have their library in this build.
    pub features: Features,
    /// The program version.
    pub version: &'static str,
}

/// Whether the process was asked to start in demo mode.
pub fn demo_requested() -> bool {
    std::env::args().any(|a| a == "--demo")
        || std::env::var("DURCHBLICK_DEMO").is_ok_and(|v| v == "1")
}

#[derive(Clone, Serialize)]
struct ProgressEvent {
    op: &'static str,
    #[serde(flatten)]
    progress: ProgressView,
}

fn emitter(app: tauri::AppHandle, op: &'static str) -> impl FnMut(ProgressView) + Send {
    move |progress| {
        // A window that closed meanwhile cannot show progress; nothing else to do.
        let _ = app.emit("progress", ProgressEvent { op, progress });
    }
}

#[tauri::command]
fn startup() -> Startup {
    Startup {
        demo: demo_requested(),
        features: commands::FEATURES,
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// Version, build commit and SHA-256 of the running program (the About box). Async: it
/// reads the whole executable, which must not block the window.
#[tauri::command(async)]
fn about() -> about::AboutView {
    about::about()
}

#[tauri::command]
fn network_help(host: String) -> network::NetworkHelp {
    network::network_help(&host)
}

#[tauri::command]
fn inspect_pkcs12(
    core: State<'_, AppCore>,
    file: u64,
    password: commands::Secret,
) -> Result<CertView, UiError> {
    core.inspect_pkcs12(file, &password)
}

/// Which file the user is asked for: it decides the dialog's filter.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FileKind {
    /// A PKCS#12 key file.
    Pkcs12,
    /// An XML file (the bill check's supplier and device files).
    Xml,
}

/// Shows a native file dialog (`show` opens it with the callback it is given) and waits
/// for the user's choice without blocking the window. `None` when the user cancelled.
async fn dialog_choice(
    show: impl FnOnce(Box<dyn FnOnce(Option<tauri_plugin_dialog::FilePath>) + Send>),
) -> Result<Option<std::path::PathBuf>, UiError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    show(Box::new(move |path| {
        // The receiver waits below; if it is gone there is nobody to tell.
        let _ = tx.send(path);
    }));
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    path.into_path().map(Some).map_err(|e| {
        UiError::from(Refusal::FileUnreadable {
            reason: e.to_string(),
        })
    })
}

/// Opens the native file dialog, reads the chosen file in Rust and holds its bytes: the
/// window gets a token, name and size, never the content (a key file stays out of the
/// web view). `None` when the user cancelled.
#[tauri::command]
async fn pick_file(
    app: tauri::AppHandle,
    core: State<'_, AppCore>,
    kind: FileKind,
) -> Result<Option<commands::PickedFile>, UiError> {
    use tauri_plugin_dialog::DialogExt;
    let (filter, extensions): (&str, &[&str]) = match kind {
        FileKind::Pkcs12 => ("PKCS#12", &["p12", "pfx"]),
        FileKind::Xml => ("XML", &["xml"]),
    };
    let dialog = app.dialog().file().add_filter(filter, extensions);
    let Some(path) = dialog_choice(|answer| dialog.pick_file(answer)).await? else {
        return Ok(None);
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        UiError::from(Refusal::FileUnreadable {
            reason: e.to_string(),
        })
    })?;
    core.hold_file(&name, bytes).map(Some)
}

/// Which place to write to the user is asked for: it decides the dialog.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PlaceKind {
    /// A file to save, with a suggested name and its extension (the dialog's filter).
    File {
        suggested: String,
        extension: String,
    },
    /// A folder to write into.
    Folder,
    /// The archive file (SQLite) to use from now on.
    Archive,
}

/// Opens the native save, folder or file dialog and keeps the user's choice in Rust: the
/// window gets a token for `export`, `save_chart` or `choose_archive` and the path to show.
/// So the window writes nowhere the user did not choose. `None` when the user cancelled.
#[tauri::command]
async fn choose_place(
    app: tauri::AppHandle,
    core: State<'_, AppCore>,
    kind: PlaceKind,
    title: Option<String>,
) -> Result<Option<commands::ChosenPlace>, UiError> {
    use tauri_plugin_dialog::DialogExt;
    let mut dialog = app.dialog().file();
    if let Some(title) = title {
        dialog = dialog.set_title(title);
    }
    let path = match kind {
        PlaceKind::File {
            suggested,
            extension,
        } => {
            let (name, extension) = commands::suggested_file_name(&suggested, &extension);
            let dialog = dialog
                .set_file_name(name)
                .add_filter(extension.to_uppercase(), &[extension.as_str()]);
            dialog_choice(|answer| dialog.save_file(answer)).await?
        }
        PlaceKind::Folder => dialog_choice(|answer| dialog.pick_folder(answer)).await?,
        PlaceKind::Archive => {
            let dialog = dialog.add_filter("SQLite", &["sqlite", "db"]);
            dialog_choice(|answer| dialog.pick_file(answer)).await?
        }
    };
    path.map(|path| core.hold_place(&path)).transpose()
}

/// What in the password being typed looks like a copying mistake; asked as the user
/// types, the password itself is sent as typed.
#[tauri::command]
fn password_hints(password: commands::Secret) -> views::PasswordHintsView {
    commands::password_hints(&password)
}

#[tauri::command]
async fn connect(
    core: State<'_, AppCore>,
    request: ConnectRequest,
) -> Result<ConnectOutcome, UiError> {
    core.connect(request).await
}

#[tauri::command]
async fn start_demo(
    core: State<'_, AppCore>,
    vendor: Option<commands::VendorChoice>,
) -> Result<SessionView, UiError> {
    core.start_demo(vendor.unwrap_or_default()).await
}

#[tauri::command]
async fn disconnect(core: State<'_, AppCore>) -> Result<(), UiError> {
    core.disconnect().await;
    Ok(())
}

#[tauri::command]
async fn gateway(core: State<'_, AppCore>) -> Result<GatewayScreen, UiError> {
    core.gateway().await
}

#[tauri::command]
async fn contracts(core: State<'_, AppCore>) -> Result<Vec<ContractView>, UiError> {
    core.contracts().await
}

#[tauri::command]
async fn values(
    app: tauri::AppHandle,
    core: State<'_, AppCore>,
    request: ValuesRequest,
) -> Result<ValuesView, UiError> {
    core.values(request, &mut emitter(app, "values")).await
}

/// A page of the values table (the answer carries only its first rows).
#[tauri::command]
fn value_rows(
    core: State<'_, AppCore>,
    answer: u32,
    channel: usize,
    from: usize,
    count: usize,
) -> Result<Vec<views::ValueRow>, UiError> {
    core.value_rows(answer, channel, from, count)
}

/// The period a screen proposes (values: the last day, week, month or year; export: its
/// default days), ending at the gateway's clock the window passes, else now.
#[tauri::command]
fn period(
    kind: commands::PeriodKind,
    anchor: Option<String>,
) -> Result<commands::ProposedPeriod, UiError> {
    commands::period(kind, anchor.as_deref(), chrono::Utc::now())
}

/// The instants of a filter's from/to, typed as German wall-clock times.
#[tauri::command]
fn wall_clock_range(from: String, to: String) -> Result<commands::InstantRange, UiError> {
    commands::wall_clock_range(&from, &to)
}

/// The chart's points for a zoomed view (Unix seconds) of the last values answer.
#[tauri::command]
fn chart_points(
    core: State<'_, AppCore>,
    answer: u32,
    channel: usize,
    from: i64,
    to: i64,
) -> Result<views::ChartPoints, UiError> {
    core.chart_points(answer, channel, from, to)
}

#[tauri::command]
async fn current_values(
    core: State<'_, AppCore>,
    usage_point_id: String,
) -> Result<ValuesView, UiError> {
    core.current_values(&usage_point_id).await
}

#[tauri::command]
async fn logbook(app: tauri::AppHandle, core: State<'_, AppCore>) -> Result<LogbookView, UiError> {
    core.logbook(&mut emitter(app, "logbook")).await
}

#[tauri::command]
async fn self_test(core: State<'_, AppCore>) -> Result<SelfTestView, UiError> {
    core.self_test().await
}

#[tauri::command]
async fn export(
    app: tauri::AppHandle,
    core: State<'_, AppCore>,
    request: ExportRequest,
) -> Result<ExportDone, UiError> {
    core.export(request, &mut emitter(app, "export")).await
}

/// Writes the shown chart to the file chosen with [`choose_place`].
#[tauri::command]
fn save_chart(core: State<'_, AppCore>, place: u64, svg: String) -> Result<(), UiError> {
    core.save_chart(place, &svg)
}

#[tauri::command]
async fn archive_status(core: State<'_, AppCore>) -> Result<ArchiveView, UiError> {
    core.archive_status().await
}

#[tauri::command]
async fn overview(core: State<'_, AppCore>) -> Result<commands::OverviewView, UiError> {
    core.overview().await
}

#[tauri::command]
async fn choose_archive(core: State<'_, AppCore>, place: u64) -> Result<ArchiveView, UiError> {
    core.choose_archive(place).await
}

#[tauri::command]
async fn use_default_archive(core: State<'_, AppCore>) -> Result<ArchiveView, UiError> {
    core.use_default_archive().await
}

#[tauri::command]
async fn sync(app: tauri::AppHandle, core: State<'_, AppCore>) -> Result<SyncDone, UiError> {
    core.sync(&mut move |p| {
        // A window that closed meanwhile cannot show progress; nothing else to do.
        let _ = app.emit("sync_progress", p);
    })
    .await
}

#[tauri::command]
fn cancel_sync(core: State<'_, AppCore>) -> Result<(), UiError> {
    core.cancel_sync()
}

#[tauri::command]
fn cancel(core: State<'_, AppCore>) -> Result<(), UiError> {
    core.cancel()
}

/// The bill check of two picked files (tokens of [`pick_file`]).
#[tauri::command]
async fn check_bill(
    core: State<'_, AppCore>,
    supplier: u64,
    device: u64,
) -> Result<BillView, UiError> {
    let (supplier, device) = (core.held_file(supplier)?, core.held_file(device)?);
    // Reading a 4 MB file and recomputing a year takes a moment: keep it off the
    // thread that serves the window.
    tauri::async_runtime::spawn_blocking(move || commands::check_bill(&supplier, &device))
        .await
        .map_err(|e| {
            UiError::from(Refusal::Internal {
                reason: e.to_string(),
            })
        })?
}

/// Runs the window until it is closed.
pub fn run() -> Result<(), tauri::Error> {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppCore::new(pins::default_path()).with_archives(ArchivePaths::os_defaults()))
        .invoke_handler(tauri::generate_handler![
            startup,
            about,
            network_help,
            inspect_pkcs12,
            pick_file,
            choose_place,
            password_hints,
            connect,
            start_demo,
            disconnect,
            gateway,
            contracts,
            values,
            value_rows,
            chart_points,
            period,
            wall_clock_range,
            current_values,
            logbook,
            self_test,
            cancel,
            check_bill,
            export,
            save_chart,
            archive_status,
            choose_archive,
            use_default_archive,
            sync,
            cancel_sync,
            overview,
        ])
        .run(tauri::generate_context!())
}
