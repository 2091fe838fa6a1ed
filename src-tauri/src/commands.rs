//! The command layer without Tauri: each operation the window offers, as an async
//! method of [`AppCore`] that calls the library crates and maps their results into
//! [`crate::views`] and their errors into [`UiError`]. `lib.rs` exposes these as Tauri
//! commands; the tests call them directly against the demo gateway.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex as StdMutex;
use std::time::{Duration, Instant as StdInstant};

use chrono::{DateTime, Utc};
use durchblick_core::connect::{self, ConnectError, Connected, Target};
use durchblick_core::demo::{DemoClock, DemoError};
use gateway::{CancelFlag, Gateway};
use han_client::{Auth, Fingerprint};
use serde::{Deserialize, Serialize};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};
use zeroize::Zeroizing;

mod archive;
mod files;
mod overview;
mod periods;
mod picked;
mod screens;
pub use archive::*;
pub use files::*;
pub use overview::*;
pub use periods::*;
pub use picked::*;
pub use screens::*;

use crate::error::{ErrorKind, Refusal, UiError};
use crate::pins;
use crate::views::CertView;
use durchblick_core::{Problem, Vendor};

/// How long the gateway refuses a new self-test after one started.
pub const SELF_TEST_LOCK: Duration = Duration::from_secs(600);

/// A password from the window: wiped from memory when dropped (`zeroize`), never
/// printed by `Debug`. Its text is handed on by moving it into `han_client::Auth`,
/// which wipes it in turn, so no copy is left behind.
#[derive(Clone, Default)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Moves the text out (into a holder that wipes it), leaving this one empty.
    fn take(&mut self) -> String {
        std::mem::take(&mut *self.0)
    }
}

impl std::ops::Deref for Secret {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(Zeroizing::new(s.to_owned()))
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(Zeroizing::new(s))
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::from)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// The content of a file the user picked, e.g. a PKCS#12 file (it holds the private
/// key): wiped when dropped, only its length shown by `Debug`.
#[derive(Clone, Default)]
pub struct KeyFile(Zeroizing<Vec<u8>>);

impl KeyFile {
    /// Moves the bytes out (into a holder that wipes them), leaving this one empty.
    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut *self.0)
    }
}

impl std::ops::Deref for KeyFile {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

impl From<Vec<u8>> for KeyFile {
    fn from(bytes: Vec<u8>) -> Self {
        KeyFile(Zeroizing::new(bytes))
    }
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} bytes", self.0.len())
    }
}

/// How the user logs in. `Debug` hides the password and the key file; both are wiped
/// from memory when dropped.
#[derive(Clone, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Login {
    /// User name and password (HTTP Digest).
    Password {
        /// User name.
        user: String,
        /// Password.
        password: Secret,
    },
    /// A PKCS#12 file and its password (mutual TLS). The file was read by Rust when the
    /// user picked it ([`AppCore::hold_file`]); the window passes only its token.
    Pkcs12 {
        /// The picked file's token.
        file: u64,
        /// Its password.
        password: Secret,
    },
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Login::Password { user, .. } => {
                write!(f, "Password {{ user: {user:?}, password: <hidden> }}")
            }
            Login::Pkcs12 { file, .. } => {
                write!(f, "Pkcs12 {{ file {file}, password: <hidden> }}")
            }
        }
    }
}

/// What the connect screen sends.
#[derive(Debug, Clone, Deserialize)]
pub struct ConnectRequest {
    /// Host name or IP address.
    pub host: String,
    /// Port (443 normally).
    pub port: u16,
    /// The login.
    pub login: Login,
    /// A fingerprint the user has just confirmed (first contact or replaced gateway).
    #[serde(default)]
    pub confirm_fingerprint: Option<String>,
    /// Whose interface the gateway speaks (found out when not chosen).
    #[serde(default)]
    pub vendor: VendorChoice,
    /// The user accepted that a self-test reboots the gateway (PPC).
    #[serde(default)]
    pub allow_self_test_reboot: bool,
}

/// The maker chosen in the connect screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorChoice {
    /// Find out on connect.
    #[default]
    Auto,
    /// Theben CONEXA.
    Conexa,
    /// PPC.
    Ppc,
    /// EMH CASA.
    Emh,
}

impl From<VendorChoice> for Vendor {
    fn from(v: VendorChoice) -> Vendor {
        match v {
            VendorChoice::Auto => Vendor::Auto,
            VendorChoice::Conexa => Vendor::Conexa,
            VendorChoice::Ppc => Vendor::Ppc,
            VendorChoice::Emh => Vendor::Emh,
        }
    }
}

impl From<Vendor> for VendorChoice {
    fn from(v: Vendor) -> VendorChoice {
        match v {
            Vendor::Auto => VendorChoice::Auto,
            Vendor::Conexa => VendorChoice::Conexa,
            Vendor::Ppc => VendorChoice::Ppc,
            Vendor::Emh => VendorChoice::Emh,
        }
    }
}

/// The result of a connection attempt that did not fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ConnectOutcome {
    /// Connected.
    Connected(SessionView),
    /// First contact: the user must compare and confirm this fingerprint.
    ConfirmCertificate {
        /// SHA-256 of the gateway certificate.
        fingerprint: String,
        /// Its subject.
        subject: String,
    },
}

/// The open session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionView {
    /// Host as given.
    pub host: String,
    /// The consumer's user id on the gateway.
    pub userid: String,
    /// The pinned certificate fingerprint.
    pub fingerprint: String,
    /// Whether this is the bundled demo gateway.
    pub demo: bool,
    /// Whose interface the gateway speaks.
    pub vendor: VendorChoice,
}

/// Progress of a long call, as sent to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProgressView {
    /// Requests completed.
    pub step: u32,
    /// Requests planned, when known.
    pub steps: Option<u32>,
    /// Values or entries received so far.
    pub items: u64,
}

impl From<gateway::Progress> for ProgressView {
    fn from(p: gateway::Progress) -> Self {
        ProgressView {
            step: p.step,
            steps: p.steps,
            items: p.items,
        }
    }
}

/// Which screens have their library in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Features {
    /// Sync into the local archive.
    pub sync: bool,
    /// Export (XML, CSV, JSON, charts, bundle).
    pub export: bool,
    /// Charts drawn by the library.
    pub charts: bool,
}

/// This build's features: everything.
pub const FEATURES: Features = Features {
    sync: true,
    export: true,
    charts: true,
};

/// The open session: the gateway and what the window shows of it.
struct Session {
    gateway: Box<dyn Gateway>,
    view: SessionView,
}

/// The state behind every command: at most one session, the demo gateway if started,
/// the pin file, the cancel flag of the running long call.
pub struct AppCore {
    session: Mutex<Option<Session>>,
    demo: Mutex<Option<mock_smgw::RunningMock>>,
    pin_path: Option<PathBuf>,
    cancel: StdMutex<CancelFlag>,
    /// The sync has its own flag: cancelling a values call must not stop it.
    sync_cancel: StdMutex<CancelFlag>,
    /// Whether a sync holds the session (gateway calls are refused meanwhile).
    syncing: AtomicBool,
    /// Whether the session is the demo gateway's; kept outside the session lock so that
    /// the archive screen can answer while a sync holds it.
    demo_session: AtomicBool,
    self_test_started: StdMutex<Option<StdInstant>>,
    archives: StdMutex<ArchivePaths>,
    /// The table of the last values answer, paged by `value_rows`.
    shown_values: StdMutex<Option<screens::ShownValues>>,
    /// Files and places the user picked in a native dialog, by token.
    picked: StdMutex<picked::Picked>,
    /// The demo gateway's clock: this computer's, or the scenario's fixed day in tests.
    demo_clock: DemoClock,
}

fn parse_fingerprint(text: &str) -> Result<Fingerprint, UiError> {
    text.parse::<Fingerprint>().map_err(|_| {
        UiError::problem(&Problem::BadFingerprint {
            text: text.to_owned(),
        })
    })
}

/// What in a password being typed looks like a copying mistake (field failure 17), in
/// the CLI's words. Only said: the password is sent as typed.
pub fn password_hints(password: &str) -> crate::views::PasswordHintsView {
    crate::views::PasswordHintsView::of(password)
}

/// A time from the window: RFC 3339 with zone, or local (Europe/Berlin) date/time.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, UiError> {
    durchblick_core::problem::user_time(text).map_err(|p| UiError::problem(&p))
}

fn lock_poisoned() -> UiError {
    Refusal::Internal {
        reason: "poisoned lock".to_owned(),
    }
    .into()
}

impl AppCore {
    /// A core that keeps pins in `pin_path` (`None`: remember nothing) and has no
    /// archive until one is chosen or set with [`AppCore::with_archives`].
    pub fn new(pin_path: Option<PathBuf>) -> Self {
        AppCore {
            session: Mutex::new(None),
            demo: Mutex::new(None),
            pin_path,
            cancel: StdMutex::new(CancelFlag::new()),
            sync_cancel: StdMutex::new(CancelFlag::new()),
            syncing: AtomicBool::new(false),
            demo_session: AtomicBool::new(false),
            self_test_started: StdMutex::new(None),
            archives: StdMutex::new(ArchivePaths::default()),
            shown_values: StdMutex::new(None),
            picked: StdMutex::new(picked::Picked::default()),
            demo_clock: DemoClock::default(),
        }
    }

    /// The same core with the demo gateway on `clock` (tests pin the scenario's day).
    pub fn with_demo_clock(mut self, clock: DemoClock) -> Self {
        self.demo_clock = clock;
        self
    }

    /// The same core with these archive files.
    pub fn with_archives(self, archives: ArchivePaths) -> Self {
        AppCore {
            archives: StdMutex::new(archives),
            ..self
        }
    }

    fn fresh_cancel(&self) -> Result<CancelFlag, UiError> {
        let flag = CancelFlag::new();
        *self.cancel.lock().map_err(|_| lock_poisoned())? = flag.clone();
        Ok(flag)
    }

    /// Cancels the running long call (readings, logbook); it stops before its next request.
    pub fn cancel(&self) -> Result<(), UiError> {
        self.cancel.lock().map_err(|_| lock_poisoned())?.cancel();
        Ok(())
    }

    /// Subject, issuer and validity of a held PKCS#12 file's certificate, before
    /// connecting.
    pub fn inspect_pkcs12(&self, file: u64, password: &str) -> Result<CertView, UiError> {
        let data = self.held_file(file)?;
        let id = han_client::ClientIdentity::from_pkcs12(&data, password)?;
        Ok(CertView::from_info(id.info(), None, Utc::now()))
    }

    /// Connects to a gateway with the remembered pin, or the one the user just
    /// confirmed. On first contact returns [`ConnectOutcome::ConfirmCertificate`]; a
    /// changed certificate is an error of kind `certificate_changed`.
    pub async fn connect(&self, req: ConnectRequest) -> Result<ConnectOutcome, UiError> {
        self.cancel_all();
        let host = req.host.trim().to_owned();
        if host.is_empty() {
            return Err(Refusal::NoAddress.into());
        }
        let confirmed = req
            .confirm_fingerprint
            .as_deref()
            .map(parse_fingerprint)
            .transpose()?;
        // Moved, not copied, into `Auth`, which wipes them when the session ends.
        let auth = match req.login {
            Login::Password { user, mut password } => Auth::Digest {
                user,
                password: password.take(),
            },
            Login::Pkcs12 { file, mut password } => Auth::Pkcs12 {
                data: self.held_file(file)?.take(),
                password: password.take(),
            },
        };
        let target = Target {
            host: host.clone(),
            port: req.port,
            vendor: req.vendor.into(),
            allow_self_test_reboot: req.allow_self_test_reboot,
        };
        let connected = connect::connect(&target, auth, self.pin_path.as_deref(), confirmed)
            .await
            .map_err(|e| match e {
                ConnectError::Client(e) => UiError::from_client(&e),
                ConnectError::Pins(e) => pins::ui_error(&e),
                ConnectError::Gateway(e) => UiError::from_gateway(&e),
                e @ ConnectError::PasswordOnly(_) => {
                    UiError::in_both(ErrorKind::Authentication, |lang| e.message(lang))
                }
            })?;
        let (gateway, fingerprint, vendor) = match connected {
            Connected::NeedsConfirmation {
                fingerprint,
                subject,
            } => {
                return Ok(ConnectOutcome::ConfirmCertificate {
                    fingerprint: fingerprint.to_hex(),
                    subject,
                })
            }
            Connected::Session {
                gateway,
                vendor,
                fingerprint,
                remembered,
            } => {
                remembered.map_err(|e| pins::ui_error(&e))?;
                (gateway, fingerprint.to_hex(), vendor)
            }
        };
        let view = SessionView {
            host,
            userid: gateway.user_id().to_string(),
            fingerprint,
            demo: false,
            vendor: vendor.into(),
        };
        // The old session (and the demo gateway behind it) ends only after its running
        // calls, cancelled above, have finished their current request.
        let mut guard = self.session.lock().await;
        if let Some(mut old) = guard.take() {
            old.gateway.disconnect().await;
        }
        self.stop_demo().await;
        self.demo_session.store(false, Ordering::SeqCst);
        *guard = Some(Session {
            gateway,
            view: view.clone(),
        });
        Ok(ConnectOutcome::Connected(view))
    }

    /// Starts the bundled demo gateway on a free loopback port and connects to it. Its
    /// certificate is pinned without asking: this program created it.
    pub async fn start_demo(&self, vendor: VendorChoice) -> Result<SessionView, UiError> {
        self.disconnect().await;
        let vendor = match Vendor::from(vendor) {
            Vendor::Auto => Vendor::Conexa,
            chosen => chosen,
        };
        let demo = durchblick_core::demo::start(vendor, self.demo_clock)
            .await
            .map_err(|e| match e {
                DemoError::Client(e) => UiError::from_client(&e),
                DemoError::Gateway(e) => UiError::from_gateway(&e),
                e => UiError::in_both(ErrorKind::Local, |lang| e.message(lang)),
            })?;
        let view = SessionView {
            host: demo.mock.addr().ip().to_string(),
            userid: demo.gateway.user_id().to_string(),
            fingerprint: demo.fingerprint.to_hex(),
            demo: true,
            vendor: vendor.into(),
        };
        *self.demo.lock().await = Some(demo.mock);
        *self.session.lock().await = Some(Session {
            gateway: demo.gateway,
            view: view.clone(),
        });
        self.demo_session.store(true, Ordering::SeqCst);
        Ok(view)
    }

    async fn stop_demo(&self) {
        if let Some(mock) = self.demo.lock().await.take() {
            mock.shutdown().await;
        }
    }

    /// Closes the session (and stops the demo gateway). Running calls and a running sync
    /// are cancelled first: they hold the session until their current request is done.
    pub async fn disconnect(&self) {
        self.cancel_all();
        if let Some(mut c) = self.session.lock().await.take() {
            c.gateway.disconnect().await;
        }
        self.demo_session.store(false, Ordering::SeqCst);
        self.stop_demo().await;
    }

    /// Cancels every running call and the sync; each stops before its next request.
    fn cancel_all(&self) {
        for flag in [&self.cancel, &self.sync_cancel] {
            if let Ok(flag) = flag.lock() {
                flag.cancel();
            }
        }
    }

    /// The session for a call to the gateway: refused at once while a sync uses the
    /// connection (instead of waiting minutes for it), an error when there is none.
    async fn gateway_session(&self) -> Result<MappedMutexGuard<'_, Session>, UiError> {
        if self.syncing.load(Ordering::SeqCst) {
            return Err(sync_running());
        }
        MutexGuard::try_map(self.session.lock().await, Option::as_mut)
            .map_err(|_| UiError::not_connected())
    }

    /// The open session, if any.
    pub async fn session(&self) -> Option<SessionView> {
        self.session.lock().await.as_ref().map(|c| c.view.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let req = ConnectRequest {
            host: "192.168.1.100".into(),
            port: 443,
            login: Login::Password {
                user: "anna".into(),
                password: "geheim-123".into(),
            },
            confirm_fingerprint: None,
            vendor: Default::default(),
            allow_self_test_reboot: false,
        };
        let text = format!("{req:?}");
        assert!(
            text.contains("anna") && !text.contains("geheim-123"),
            "{text}"
        );
        let p12 = Login::Pkcs12 {
            file: 3,
            password: "geheim-456".into(),
        };
        let text = format!("{p12:?}");
        assert!(
            text.contains("file 3") && !text.contains("geheim-456"),
            "{text}"
        );
    }

    #[test]
    fn secrets_come_from_the_window_json_and_move_out_whole() {
        let req: ConnectRequest = serde_json::from_str(
            r#"{"host":"h","port":443,"login":{"mode":"password","user":"anna","password":"geheim-789"}}"#,
        )
        .expect("the connect screen's JSON");
        let Login::Password { mut password, .. } = req.login else {
            panic!("password login");
        };
        assert_eq!(&*password, "geheim-789");
        assert_eq!(format!("{password:?}"), "<hidden>");
        // Handed on by moving: nothing of it stays behind in the window's holder.
        assert_eq!(password.take(), "geheim-789");
        assert_eq!(&*password, "");

        let req: ConnectRequest = serde_json::from_str(
            r#"{"host":"h","port":443,"login":{"mode":"pkcs12","file":7,"password":"p"}}"#,
        )
        .expect("the connect screen's JSON");
        assert!(matches!(req.login, Login::Pkcs12 { file: 7, .. }));
        let mut data = KeyFile::from(vec![48, 130, 1]);
        assert_eq!(format!("{data:?}"), "3 bytes");
        assert_eq!(data.take(), vec![48, 130, 1]);
        assert!(data.is_empty());
    }

    #[test]
    fn times_from_the_window() {
        let day = parse_time("2025-03-01").expect("local date");
        // Local midnight in winter is 23:00 UTC the day before.
        assert_eq!(day.to_rfc3339(), "2025-02-28T23:00:00+00:00");
        let utc = parse_time("2025-03-01T12:00:00Z").expect("RFC 3339");
        assert_eq!(utc.to_rfc3339(), "2025-03-01T12:00:00+00:00");
        let err = parse_time("gestern").expect_err("not a time");
        assert!(err.de.contains("Beispiel") && err.en.contains("Example"));
    }
}
