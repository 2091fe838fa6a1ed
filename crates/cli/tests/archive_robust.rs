//! Two programs on one archive, and a full disk: the real `durchblick` binary against a
//! mock gateway started in the test, with real archive files.
//!
//! "CLI and window" is modelled by two `durchblick sync` processes: the window syncs
//! through the same `durchblick_sync::sync`, which takes the archive's sync lock
//! (durchblick-sync's own tests hold the lock in-process against a running sync).

#[path = "../../sync/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use archive::Archive;
use mock_smgw::{Faults, RunningMock};
use serde_json::Value;
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");
const USER: &str = "01005e318011.consumer1.sm";
const SMGW: &str = "ETHE0310486901";

fn sync_command(mock: &RunningMock, config: &Path, archive: &Path, lang: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["--lang", lang, "--json", "sync"]);
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
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stored_bytes(path: &Path) -> u64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_path_buf(), PathBuf::from(wal)]
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum()
}

/// Raw responses in the archive: one per call to the gateway of every sync that wrote.
async fn raw_count(path: &Path) -> usize {
    let db = Archive::open_existing(path).await.unwrap();
    let n = db.all_raw_response_ids().await.unwrap().len();
    db.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_of_the_same_archive_waits_then_is_refused_and_changes_nothing() {
    let mock = start_builtin("demo").await;
    // Slow enough that the first sync runs far longer than the second one waits (5 s).
    mock.set_faults(Faults {
        latency_ms: 60,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sqlite");

    let first = sync_command(&mock, dir.path(), &path, "en")
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while stored_bytes(&path) < 200_000 && t0.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // From here on each call of the first sync takes a second, so that it outlasts both
    // refused syncs' waits (5 s each) however fast or loaded the machine is; at 60 ms it
    // sometimes ended first.
    mock.set_faults(Faults {
        latency_ms: 1_000,
        ..Default::default()
    });
    let started = Instant::now();
    let second = sync_command(&mock, dir.path(), &path, "en")
        .output()
        .unwrap();
    let waited = started.elapsed();
    let mut first = first;
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first sync ended before the second gave up; make the mock slower"
    );
    assert_eq!(second.status.code(), Some(6), "{}", text(&second));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("Another program is syncing into the archive")
            && err.contains("shared.sqlite")
            && err.contains("This sync changed nothing"),
        "{err}"
    );
    assert!(second.stdout.is_empty(), "{}", text(&second));
    assert!(waited >= Duration::from_secs(5), "gave up after {waited:?}");
    assert!(waited < Duration::from_secs(30), "waited {waited:?}");

    // The same in German.
    let german = sync_command(&mock, dir.path(), &path, "de")
        .output()
        .unwrap();
    assert!(
        first.try_wait().unwrap().is_none(),
        "first sync ended early"
    );
    assert_eq!(german.status.code(), Some(6), "{}", text(&german));
    let err = String::from_utf8_lossy(&german.stderr);
    assert!(
        err.contains("Ein anderes Programm gleicht gerade in das Archiv"),
        "{err}"
    );
    mock.set_faults(Faults::default());

    // The first sync completes undisturbed: exactly the scenario's data, and exactly one
    // raw response per call it made, so the refused ones wrote nothing.
    let out = first.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let calls = report["sync"]["calls"].as_u64().unwrap() as usize;
    assert_eq!(raw_count(&path).await, calls);
    let db = Archive::open_existing(&path).await.unwrap();
    let consumer = consumer_id(&db, SMGW, USER).await;
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    db.close().await;

    // Afterwards the lock is free again: the next sync runs and finds nothing new.
    mock.set_faults(Faults::default());
    let out = sync_command(&mock, dir.path(), &path, "en")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["sync"]["values"]["new"], 0);
    assert_eq!(report["sync"]["log"]["new"], 0);
    mock.shutdown().await;
}

/// A size-limited tmpfs mounted for the test; unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` (with the reason printed) where this machine cannot mount (not root).
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(SmallDisk { dir }),
            Ok(o) => {
                eprintln!(
                    "SKIPPED: cannot mount a small tmpfs here ({}); run as root to test a full disk",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount ({e}); run as root to test a full disk");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn grow(&self, size: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount with more space");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_the_sync_clearly_and_the_next_sync_completes_it() {
    let Some(disk) = SmallDisk::mount("3m") else {
        return;
    };
    let mock = start_builtin("demo").await;
    let config = tempfile::tempdir().unwrap();
    let path = disk.path().join("archive.sqlite");

    let out = sync_command(&mock, config.path(), &path, "en")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "The disk holding the archive {} is full",
            path.display()
        )) && err.contains(&format!(
            "free space on the disk holding {}",
            disk.path().display()
        )),
        "{err}"
    );
    assert!(err.contains("a sync continues where it stopped"), "{err}");

    // Still full: the archive opens, is sound, and holds what was stored before.
    let db = Archive::open_existing(&path).await.unwrap();
    assert!(db.check_integrity().await.unwrap().is_empty());
    let before: u64 = db
        .status(archive::Scope::All)
        .await
        .unwrap()
        .iter()
        .map(|s| s.count)
        .sum();
    assert!(before > 0, "nothing was stored before the disk ran full");
    db.close().await;

    // The same message in German.
    let out = sync_command(&mock, config.path(), &path, "de")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Der Datenträger mit dem Archiv") && err.contains("ist voll"),
        "{err}"
    );

    // With space the next sync completes it: exactly the scenario's data.
    disk.grow("512m");
    let out = sync_command(&mock, config.path(), &path, "en")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let db = Archive::open_existing(&path).await.unwrap();
    let consumer = consumer_id(&db, SMGW, USER).await;
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    db.close().await;
    mock.shutdown().await;
}
