//! `durchblick sync` and `durchblick archive status`: the real binary against a mock
//! gateway started in the test, with real archive files; killed with SIGKILL mid-sync and
//! interrupted with SIGINT.

#[path = "../../sync/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use archive::Archive;
use mock_smgw::{Faults, RunningMock};
use serde_json::Value;
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");
const USER: &str = "01005e318011.consumer1.sm";

fn command(mock: &RunningMock, config: &Path, archive: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["--lang", "en"]).args(args);
    cmd.args([
        "--host",
        "127.0.0.1",
        "--port",
        &mock.addr().port().to_string(),
    ]);
    cmd.args(["--user", "demo", "--trust-on-first-use", "--archive"]);
    cmd.arg(archive);
    cmd.env("DURCHBLICK_CONFIG_DIR", config);
    cmd.env("DURCHBLICK_PASSWORD", "demo");
    cmd.stdin(Stdio::null());
    cmd
}

fn spawn_sync(mock: &RunningMock, config: &Path, archive: &Path) -> Child {
    command(mock, config, archive, &["sync"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts")
}

fn run_sync(mock: &RunningMock, config: &Path, archive: &Path, json: bool) -> Output {
    let args: &[&str] = if json { &["--json", "sync"] } else { &["sync"] };
    command(mock, config, archive, args)
        .output()
        .expect("binary runs")
}

fn status(archive: &Path, json: bool) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(["--lang", "en", "archive", "status", "--archive"])
        .arg(archive);
    if json {
        cmd.arg("--json");
    }
    cmd.output().expect("binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn file_size(path: &Path) -> u64 {
    let wal = path.with_extension("sqlite-wal");
    [path, wal.as_path()]
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum()
}

/// Values and logbook entries in the archive (0 if it does not exist yet).
async fn stored(path: &Path) -> u64 {
    let Ok(db) = Archive::open_existing(path).await else {
        return 0;
    };
    let values: u64 = db
        .status(archive::Scope::All)
        .await
        .unwrap()
        .iter()
        .map(|s| s.count)
        .sum();
    let mut log = 0;
    for c in db.consumers(None).await.unwrap() {
        log += db.log_status(c.id).await.unwrap().count;
    }
    db.close().await;
    values + log
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_fills_the_archive_and_status_describes_it() {
    let mock = start_builtin("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");

    let empty = status(&path, false);
    assert_ne!(
        empty.status.code(),
        Some(0),
        "no archive yet: {}",
        text(&empty)
    );

    let out = run_sync(&mock, dir.path(), &path, true);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["sync"]["smgw_id"], "ETHE0310486901");
    assert_eq!(v["sync"]["log"]["new"], 3000);
    // Field failure 29: the household's meter has import but no export channel.
    assert_eq!(v["hints"][0]["key"], "no-export-channel", "{v}");
    assert_eq!(
        v["hints"][0]["meters"],
        serde_json::json!(["1ELS0012345678"])
    );
    // stderr is not a terminal here: occasional progress lines, not carriage returns.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.lines().any(|l| l.starts_with("Sync: ")), "{err}");
    assert!(!err.contains('\r'));

    let db = Archive::open_existing(&path).await.unwrap();
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    let total: u64 = db
        .status(archive::Scope::All)
        .await
        .unwrap()
        .iter()
        .map(|s| s.count)
        .sum();
    db.close().await;

    let out = status(&path, true);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let gw = &v["gateways"][0];
    assert_eq!(gw["smgw_id"], "ETHE0310486901");
    let consumer = &gw["consumers"][0];
    assert_eq!(consumer["user_id"], USER);
    assert_eq!(consumer["logbook"]["count"], 3000);
    assert_eq!(consumer["logbook"]["last_index"], 3000);
    let channels: Vec<&Value> = consumer["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["channels"].as_array().unwrap())
        .collect();
    let counted: u64 = channels.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, total);
    // The demo's TAF-7 origin list has gaps by design; they are reported.
    assert!(channels.iter().any(|c| c["gaps"].as_u64().unwrap() > 0));
    assert!(channels.iter().all(|c| c["conflicts"] == 0));
    // Local time with the offset.
    let last = channels[0]["last"].as_str().unwrap();
    assert!(
        last.ends_with("+01:00") || last.ends_with("+02:00"),
        "{last}"
    );

    let out = status(&path, false);
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("Gateway ETHE0310486901"), "{t}");
    assert!(t.contains("Logbook: 3000 entries, last index 3000"), "{t}");
    assert!(t.contains("gaps"), "{t}");

    // A second sync: nothing new.
    let out = run_sync(&mock, dir.path(), &path, false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("Values: 0 new"), "{t}");
    assert!(
        t.contains("second login") && t.contains("1ELS0012345678"),
        "{t}"
    );
    assert!(t.contains("Logbook: 0 new"), "{t}");
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_several_points_resumes_to_exactly_the_full_data_set() {
    let mock = start_builtin("demo").await;
    // Slow enough that every kill lands mid-sync.
    mock.set_faults(Faults {
        latency_ms: 25,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.sqlite");

    let mut sizes = Vec::new();
    // By time, and by archive growth.
    for after_ms in [300u64, 1500, 3000] {
        let mut child = spawn_sync(&mock, dir.path(), &path);
        std::thread::sleep(Duration::from_millis(after_ms));
        assert!(
            child.try_wait().unwrap().is_none(),
            "still running after {after_ms} ms"
        );
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        sizes.push(stored(&path).await);
    }
    for grow_by in [200_000u64, 600_000] {
        let start = file_size(&path);
        let mut child = spawn_sync(&mock, dir.path(), &path);
        let t0 = Instant::now();
        while file_size(&path) < start + grow_by && t0.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(child.try_wait().unwrap().is_none(), "still running");
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        sizes.push(stored(&path).await);
    }
    // Values and log entries stored after each kill: never fewer, and more in the end.
    assert!(sizes.windows(2).all(|w| w[1] >= w[0]), "{sizes:?}");
    assert!(sizes.last().copied().unwrap_or(0) > sizes[0], "{sizes:?}");

    // Partial state is consistent before the final run.
    let db = Archive::open_existing(&path).await.unwrap();
    assert!(db.check_integrity().await.unwrap().is_empty());
    db.close().await;

    mock.set_faults(Faults::default());
    let out = run_sync(&mock, dir.path(), &path, false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let db = Archive::open_existing(&path).await.unwrap();
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    db.close().await;
    mock.shutdown().await;
}

// Unix only: it sends SIGINT with `kill`. On Windows Ctrl-C reaches a console process
// through the console, which a test cannot press for a child (docs/platforms.md).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_cleanly_with_exit_code_130_and_the_next_sync_completes() {
    let mock = start_builtin("demo").await;
    mock.set_faults(Faults {
        latency_ms: 25,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("int.sqlite");
    let child = spawn_sync(&mock, dir.path(), &path);
    let t0 = Instant::now();
    while file_size(&path) < 500_000 && t0.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Cancelled."), "{err}");
    assert!(err.contains("next sync continues"), "{err}");

    let db = Archive::open_existing(&path).await.unwrap();
    assert!(db.check_integrity().await.unwrap().is_empty());
    db.close().await;
    mock.set_faults(Faults::default());
    let out = run_sync(&mock, dir.path(), &path, false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let db = Archive::open_existing(&path).await.unwrap();
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    db.close().await;
    mock.shutdown().await;
}

/// A question to the gateway (no archive), like `command` otherwise.
fn ask(mock: &RunningMock, config: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(["--lang", "en"]).args(args);
    cmd.args([
        "--host",
        "127.0.0.1",
        "--port",
        &mock.addr().port().to_string(),
    ]);
    cmd.args(["--user", "demo", "--trust-on-first-use"]);
    cmd.env("DURCHBLICK_CONFIG_DIR", config);
    cmd.env("DURCHBLICK_PASSWORD", "demo");
    cmd.stdin(Stdio::null());
    cmd.output().expect("binary runs")
}

fn warning_paths(doc: &Value) -> Vec<String> {
    doc["warnings"]
        .as_array()
        .map(|ws| {
            ws.iter()
                .map(|w| w["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Issue #12: auxiliary fields the client cannot decode (certificates as PEM text, elided
/// or one digit short, the tariff profile as PEM, a billing period without a readable
/// start, names and the processing time as objects) cost a warning, never the call:
/// `info`, `channels`, `readings` and `sync` exit 0 with every value, the warnings on
/// stderr and in `--json` `warnings[]`, and the broken answers archived unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_auxiliary_fields_cost_a_warning_not_the_values() {
    let mock = start_builtin("demo").await;
    mock.set_faults(Faults {
        broken_auxiliary: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aux.sqlite");
    let run = |args: &[&str]| {
        if args.contains(&"sync") {
            command(&mock, dir.path(), &path, args).output().unwrap()
        } else {
            ask(&mock, dir.path(), args)
        }
    };

    let out = run(&["--json", "info"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["gateway"]["id"], "ETHE0310486901");
    let paths = warning_paths(&doc);
    for p in [
        "elapsed-time",
        "smgw-info.certificates.han.tls",
        "smgw-info.certificates.wan[0].sig",
        "smgw-info.certificates.wan[0].sub-ca",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} not in {paths:?}");
    }
    assert!(doc["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("left out"));
    // Without --json: the record on stdout, the warnings on stderr.
    let out = run(&["info"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Warning: The field smgw-info.certificates.han.tls"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ETHE0310486901"));

    let out = run(&["--json", "channels", "--contract", "01005e318022.taf2-1.sm"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(!doc["databases"][0]["channels"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(doc["taf_profile"].is_null());
    let paths = warning_paths(&doc);
    for p in [
        "usage-point-info.taf-profile",
        "usage-point-info.emts",
        "usage-point-info.transparency-bit",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} not in {paths:?}");
    }

    let taf7 = "01005e318023.taf7-1.sm";
    let (from, to) = ("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z");
    let out = run(&[
        "--json",
        "readings",
        "--contract",
        taf7,
        "--from",
        from,
        "--to",
        to,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        doc["channels"][0]["readings"].as_array().unwrap().len(),
        192
    );
    assert!(warning_paths(&doc).iter().any(|p| p == "elapsed-time"));

    let out = run(&["--json", "sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let paths = warning_paths(&doc);
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("user-info.usage-points[0].billing-Periods[")),
        "{paths:?}"
    );
    assert!(paths.iter().any(|p| p == "smgw-info.certificates.han.tls"));
    // The same broken envelope field of every answer is reported once.
    assert_eq!(paths.iter().filter(|p| *p == "elapsed-time").count(), 1);

    // Every value archived, and the broken answers kept byte for byte.
    let db = Archive::open_existing(&path).await.unwrap();
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    let gateway = db.gateways().await.unwrap()[0].id;
    let (_, snapshot) = db.gateway_snapshots(gateway).await.unwrap().remove(0);
    let raw = db
        .raw_response(snapshot.raw_response.expect("raw answer kept"))
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&raw.body);
    assert!(body.contains("-----BEGIN CERTIFICATE-----"), "{body}");
    db.close().await;
    mock.shutdown().await;
}

/// A value whose status word does not read is refused alone, with a warning; a signature
/// that is no hex is left off its value. The rest of each window is archived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_status_word_refuses_its_value_alone() {
    let mock = start_builtin("demo").await;
    mock.set_faults(Faults {
        broken_values: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("values.sqlite");
    let taf7 = "01005e318023.taf7-1.sm";
    let out = ask(
        &mock,
        dir.path(),
        &[
            "--json",
            "readings",
            "--contract",
            taf7,
            "--from",
            "2026-03-28T00:00:00Z",
            "--to",
            "2026-03-30T00:00:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let readings = doc["channels"][0]["readings"].as_array().unwrap();
    assert_eq!(readings.len(), 191, "one value refused");
    let ws = doc["warnings"].as_array().unwrap();
    let refused: Vec<_> = ws.iter().filter(|w| w["kind"] == "value_refused").collect();
    assert!(!refused.is_empty(), "{ws:?}");
    assert_eq!(refused[0]["raw"], "a000zz00");
    assert!(refused[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("smgw-status"));
    assert!(ws.iter().any(|w| w["kind"] == "signature_not_hex"));

    let out = command(&mock, dir.path(), &path, &["sync"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("A meter value was not taken over"), "{err}");
    assert!(stored(&path).await > 0);
    mock.shutdown().await;
}
