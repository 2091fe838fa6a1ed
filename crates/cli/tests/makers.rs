//! Every maker through the real binary: `durchblick sync` (maker found out on connect),
//! `export bundle`, `verify` and `bill --archive` (EMH by metering point, PPC by a named
//! contract) against the PPC and EMH mock gateways over real TLS on
//! 127.0.0.1, with real archive files. The PPC sync keeps the device's pause of 1 s between
//! requests, so it takes about a minute and a half.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

#[path = "common/tariff_file.rs"]
mod tariff_file;

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

/// Syncs the mock into a fresh archive in `dir` (`archive.sqlite`), exports the bundle and
/// verifies it; returns the sync report.
async fn sync_bundle_verify(mock: &mock_smgw::RunningMock, dir: &Path) -> Value {
    let (config, archive, bundle) = (
        dir.join("config"),
        dir.join("archive.sqlite"),
        dir.join("bundle"),
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
    let dir = tempfile::tempdir().expect("temp dir");
    let report = sync_bundle_verify(&m, dir.path()).await;
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
async fn an_emh_gateway_is_synced_bundled_and_its_bill_checked() {
    let m = mock("emh-demo").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let report = sync_bundle_verify(&m, dir.path()).await;
    let values = report["values"]["new"].as_u64().expect("values");
    assert!(values > 10_000, "{report}");
    assert_eq!(report["log"]["new"].as_u64(), Some(400), "{report}");

    // The bill check from the archive: a one-day TAF-2 tariff (low 22:00–06:00, high
    // 06:00–22:00) for the TAF-7 contract's metering point equals the register differences
    // the gateway's scenario holds for that day.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 6).expect("date");
    let expected =
        tariff_file::day_values(m.scenario(), "taf7-1emh0012345678", "0100010800ff", day);
    assert_eq!(expected.len(), 97, "a whole day of quarter hours");
    let (low, high) = tariff_file::low_high(&expected);
    let supplier = dir.path().join("supplier.xml");
    let file =
        tariff_file::one_day_taf2("DE0009876543210EM0000000000000001", "EEMH0012345678", day);
    std::fs::write(&supplier, file).expect("supplier file");
    let archive = dir.path().join("archive.sqlite");
    let bill = json_of(&run(
        &dir.path().join("config"),
        &[
            "bill".as_ref(),
            "--archive".as_ref(),
            archive.as_os_str(),
            "--supplier".as_ref(),
            supplier.as_os_str(),
        ],
    ));
    let amount = |obis: &str| tariff_file::amount(&bill, obis);
    assert_eq!(amount("1-0:1.8.1*255"), Some(low), "{bill}");
    assert_eq!(amount("1-0:1.8.2*255"), Some(high), "{bill}");
    assert_eq!(amount("1-0:1.8.63*255"), Some(0), "{bill}");
    m.shutdown().await;
}

/// Syncs the PPC demo gateway (`ppc-demo`, paced for loopback) into `archive` in-process
/// (through the binary the device's 1 s pause makes a full sync take minutes); returns its
/// mock, whose scenario holds the expected values.
async fn sync_ppc_demo(archive: &Path) -> mock_smgw::RunningMock {
    let mut demo = durchblick_core::demo::start(
        durchblick_core::Vendor::Ppc,
        durchblick_core::demo::DemoClock::Scenario,
    )
    .await
    .expect("the PPC demo gateway");
    let db = archive::Archive::open(archive).await.expect("archive");
    let report = durchblick_sync::sync(
        demo.gateway.as_mut(),
        &db,
        &durchblick_sync::SyncOptions::default(),
        |_| {},
        &gateway::CancelFlag::new(),
    )
    .await
    .expect("sync");
    assert_eq!(report.smgw_id, "EPPC0210486901");
    demo.gateway.disconnect().await;
    db.close().await;
    demo.mock
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ppc_bill_is_checked_from_the_archive_with_a_named_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, archive) = (dir.path().join("config"), dir.path().join("archive.sqlite"));
    let m = sync_ppc_demo(&archive).await;

    // A one-day TAF-2 tariff for the meter 1lgz0072999211's 1.8.0: the PPC reports no
    // metering point id, so the supplier's one cannot be matched.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 18).expect("date");
    let expected =
        tariff_file::day_values(m.scenario(), "01005e318002.taf7-1.sm", "0100010800ff", day);
    assert_eq!(expected.len(), 97, "a whole day of quarter hours");
    let (low, high) = tariff_file::low_high(&expected);
    assert!(low > 0 && high > 0, "{low} {high}");
    let point = "DE0001234567890000000000000000001";
    let supplier = dir.path().join("supplier.xml");
    std::fs::write(
        &supplier,
        tariff_file::one_day_taf2(point, "EPPC0210486901", day),
    )
    .expect("supplier file");
    let contract = "01005e318002.1lgz0072999211.sm";
    let bill_with = |contract: &str, json: bool| {
        let mut cmd = Command::new(BIN);
        cmd.args(["--lang", "en"]);
        if json {
            cmd.arg("--json");
        }
        cmd.args(["bill", "--archive"])
            .arg(&archive)
            .arg("--contract")
            .arg(contract)
            .arg("--supplier")
            .arg(&supplier)
            .env("DURCHBLICK_CONFIG_DIR", &config)
            .stdin(Stdio::null())
            .output()
            .expect("binary runs")
    };

    let bill = json_of(&bill_with(contract, true));
    let amount = |obis: &str| tariff_file::amount(&bill, obis);
    assert_eq!(amount("1-0:1.8.1*255"), Some(low), "{bill}");
    assert_eq!(amount("1-0:1.8.2*255"), Some(high), "{bill}");
    assert_eq!(amount("1-0:1.8.63*255"), Some(0), "{bill}");
    assert_eq!(bill["contract"]["usage_point_id"], contract, "{bill}");
    assert_eq!(bill["contract"]["supplier_metering_point"], point, "{bill}");
    assert_eq!(bill["contract"]["metering_point_matched"], false, "{bill}");

    // The text says which contract was used and that the metering point was not matched.
    let text = bill_with(contract, false);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!("Contract (archive): {contract}"))
            && text.contains(&format!("{point} (not matched")),
        "{text}"
    );

    // Without --contract the supplier's metering point finds nothing…
    let unmatched = run(
        &config,
        &[
            "bill".as_ref(),
            "--archive".as_ref(),
            archive.as_os_str(),
            "--supplier".as_ref(),
            supplier.as_os_str(),
        ],
    );
    assert!(!unmatched.status.success());
    // …and a contract that is not archived is refused, listing the archived ones.
    let wrong = bill_with("01005e318002.nosuchmeter.sm", false);
    assert_eq!(wrong.status.code(), Some(6), "exit code");
    let message = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        message.contains("01005e318002.nosuchmeter.sm")
            && message.contains(contract)
            && message.contains("01005e318003.1emh0013572468.sm"),
        "{message}"
    );
    m.shutdown().await;
}

#[test]
fn an_unreachable_gateway_gets_its_makers_connection_help() {
    // A port on loopback that nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
        .to_string();
    let config = tempfile::tempdir().expect("temp dir");
    for (vendor, hint) in [
        ("ppc", "do not answer ping"),
        ("emh", "smgw.local"),
        ("conexa", "meter operator's papers"),
    ] {
        let out = Command::new(BIN)
            .args([
                "--lang",
                "en",
                "info",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
            ])
            .args(["--vendor", vendor, "--user", "demo", "--trust-on-first-use"])
            .env("DURCHBLICK_CONFIG_DIR", config.path())
            .env("DURCHBLICK_PASSWORD", "demo")
            .stdin(Stdio::null())
            .output()
            .expect("binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{vendor}: {stderr}");
        assert!(stderr.contains(hint), "{vendor}: {stderr}");
    }
}
