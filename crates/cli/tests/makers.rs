//! Every maker through the real binary: `durchblick sync` (maker found out on connect),
//! `export bundle` and `verify` against the PPC and EMH mock gateways over real TLS on
//! 127.0.0.1, with real archive files. The PPC sync keeps the device's pause of 1 s between
//! requests, so it takes about a minute and a half.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");

async fn mock(scenario: &str) -> mock_smgw::RunningMock {
    let scenario = mock_smgw::Scenario::builtin(scenario).expect("scenario");
    let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    mock_smgw::start(scenario, listen, mock_smgw::Options::default())
        .await
        .expect("mock")
}

fn run(config: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN)
        .args(["--lang", "en", "--json"])
        .args(args)
        .env("DURCHBLICK_CONFIG_DIR", config)
        .env("DURCHBLICK_PASSWORD", "demo")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Syncs the mock of `scenario` into a fresh archive, exports the bundle and verifies it;
/// returns the sync report.
async fn sync_bundle_verify(mock: &mock_smgw::RunningMock) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, archive, bundle) = (
        dir.path().join("config"),
        dir.path().join("archive.sqlite"),
        dir.path().join("bundle"),
    );
    let port = mock.addr().port().to_string();
    let sync = json_of(&run(
        &config,
        &[
            "sync".as_ref(),
            "--host".as_ref(),
            "127.0.0.1".as_ref(),
            "--port".as_ref(),
            port.as_ref(),
            "--user".as_ref(),
            "demo".as_ref(),
            "--trust-on-first-use".as_ref(),
            "--archive".as_ref(),
            archive.as_os_str(),
        ],
    ));
    let report = sync["sync"].clone();
    assert_eq!(report["smgw_id"], mock.scenario().smgw_id());
    let exported = json_of(&run(
        &config,
        &[
            "export".as_ref(),
            "bundle".as_ref(),
            "--archive".as_ref(),
            archive.as_os_str(),
            "--out".as_ref(),
            bundle.as_os_str(),
        ],
    ));
    assert!(bundle.join("manifest.json").exists(), "{exported}");
    let verified = json_of(&run(&config, &["verify".as_ref(), bundle.as_os_str()]));
    assert_eq!(verified["ok"], true, "{verified}");
    assert!(verified["checked"].as_u64().unwrap_or(0) >= 4, "{verified}");
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ppc_gateway_is_synced_bundled_and_logged_out() {
    let m = mock("ppc-demo").await;
    let report = sync_bundle_verify(&m).await;
    // Two meters with 15-minute values since 2025-10-01 and 2500 logbook entries (more
    // than one export may hold), plus the entry of this login.
    let values = report["values"]["new"].as_u64().expect("values");
    assert!(values > 100_000, "{report}");
    assert!(
        report["log"]["new"].as_u64().expect("log") > 2500,
        "{report}"
    );
    let stats = m.ppc_stats();
    assert_eq!(
        stats.logins, stats.logouts,
        "every session ended: {stats:?}"
    );
    assert_eq!(stats.failed_logins, 0);
    assert!(
        !stats.crashed,
        "the pause between requests kept the CGI alive"
    );
    m.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emh_gateway_is_synced_and_bundled() {
    let m = mock("emh-demo").await;
    let report = sync_bundle_verify(&m).await;
    assert!(
        report["values"]["new"].as_u64().expect("values") > 10_000,
        "{report}"
    );
    assert_eq!(report["log"]["new"].as_u64(), Some(400), "{report}");
    m.shutdown().await;
}
