//! Shared helpers: the demo gateway on loopback and login requests.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use durchblick_app::commands::{AppCore, ArchivePaths, ConnectRequest, Login};
pub use durchblick_core::demo::DemoClock;

/// The TAF-7 contract of the demo scenario (15-minute values over two years).
pub const TAF7: &str = "01005e318023.taf7-1.sm";
/// The TAF-2 contract (two tariff stages, HT from 06:00 to 22:00, NT else).
pub const TAF2: &str = "01005e318022.taf2-1.sm";
/// The TAF-10 contract (current values only).
pub const TAF10: &str = "01005e318024.taf10-1.sm";
/// 1-0:1.8.0*255 in hex.
pub const IMPORT: &str = "0100010800ff";

pub fn demo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../mock-smgw/scenarios/demo")
        .join(name)
}

pub fn reference(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/reference/trudi-data")
        .join(rel)
}

pub async fn mock() -> mock_smgw::RunningMock {
    let scenario = mock_smgw::Scenario::builtin("demo").expect("builtin demo scenario");
    mock_smgw::start(
        scenario,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        mock_smgw::Options::default(),
    )
    .await
    .expect("mock starts on loopback")
}

pub fn password(
    mock: &mock_smgw::RunningMock,
    user: &str,
    pass: &str,
    confirm: Option<&str>,
) -> ConnectRequest {
    ConnectRequest {
        host: "127.0.0.1".into(),
        port: mock.addr().port(),
        login: Login::Password {
            user: user.into(),
            password: pass.into(),
        },
        confirm_fingerprint: confirm.map(str::to_owned),
        vendor: Default::default(),
        allow_self_test_reboot: false,
    }
}

/// The demo's key file `file` as the user picks it (held by `core`) and a login with it.
pub fn pkcs12(
    core: &AppCore,
    mock: &mock_smgw::RunningMock,
    file: &str,
    pass: &str,
) -> ConnectRequest {
    let bytes = std::fs::read(demo_file(file)).expect("demo p12 file");
    let picked = core.hold_file(file, bytes).expect("held");
    ConnectRequest {
        host: "127.0.0.1".into(),
        port: mock.addr().port(),
        login: Login::Pkcs12 {
            file: picked.token,
            password: pass.into(),
        },
        confirm_fingerprint: None,
        vendor: Default::default(),
        allow_self_test_reboot: false,
    }
}

/// A core whose pin file lives in `dir`.
pub fn core_in(dir: &Path) -> AppCore {
    AppCore::new(Some(dir.join("pins.json"))).with_demo_clock(DemoClock::Scenario)
}

/// The token of `path` as if the user had chosen it in the save or folder dialog.
pub fn place(core: &AppCore, path: impl AsRef<Path>) -> u64 {
    core.hold_place(path.as_ref()).expect("place kept").token
}

/// Writes a pin file that pins the mock's address to `fingerprint`.
pub fn pin(dir: &Path, mock: &mock_smgw::RunningMock, fingerprint: &str) {
    let json = serde_json::json!({
        "pins": { format!("127.0.0.1:{}", mock.addr().port()): fingerprint }
    });
    std::fs::write(dir.join("pins.json"), json.to_string()).expect("write pins");
}

/// A core without pins whose demo keeps the scenario's fixed day, with the user's and
/// the demo's archive files in `dir`.
pub fn core(dir: &Path) -> AppCore {
    AppCore::new(None)
        .with_demo_clock(DemoClock::Scenario)
        .with_archives(ArchivePaths {
            user: Some(dir.join("user.sqlite")),
            demo: Some(dir.join("demo.sqlite")),
            chosen: None,
            remember_in: None,
        })
}
