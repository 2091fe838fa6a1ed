//! Several processes creating or opening the same archive file at the same moment: none
//! fails, the file is created once and stays sound. (A real schema upgrade by several
//! processes at once is tested in `open.rs`'s unit tests, which can add a migration.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

#[path = "fixtures/summary.rs"]
mod summary;

use std::path::Path;
use std::process::{Command, Stdio};

use archive::{Archive, SCHEMA_VERSION};

const ENV: &str = "ARCHIVE_CONCURRENT_TEST_PATH";
const ENV_ID: &str = "ARCHIVE_CONCURRENT_TEST_GATEWAY";
const PROCESSES: usize = 6;
const ROUNDS: usize = 15;

/// The child: opens (creating if needed) the archive, writes (or touches) a gateway row,
/// and exits.
#[tokio::test]
#[ignore = "run by the tests below as a child process"]
async fn child_open() {
    let Ok(path) = std::env::var(ENV) else {
        return;
    };
    let db = Archive::open(&path).await.expect("open");
    let id = std::env::var(ENV_ID).expect("gateway id");
    db.gateway(&id, chrono::Utc::now()).await.expect("write");
    db.close().await;
}

/// Starts `PROCESSES` children on `path` at once and waits for all; returns the failures.
fn open_at_once(path: &Path, gateway: &str) -> Vec<String> {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args(["child_open", "--exact", "--ignored", "--nocapture"])
                .env(ENV, path)
                .env(ENV_ID, gateway)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .filter(|o| !o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_creating_one_archive_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..ROUNDS {
        let path = dir.path().join(format!("new-{round}.sqlite"));
        let failures = open_at_once(&path, "ethe0300004261");
        assert!(failures.is_empty(), "round {round}: {failures:#?}");
        let db = Archive::open_existing(&path).await.unwrap();
        assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);
        assert!(db.check_integrity().await.unwrap().is_empty());
        // Created once: one gateway row for six writers of the same id.
        assert_eq!(db.gateways().await.unwrap().len(), 1, "round {round}");
        db.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_opening_an_older_archive_at_once_all_succeed() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/archive-v1.sqlite");
    let dir = tempfile::tempdir().unwrap();
    for round in 0..ROUNDS / 3 {
        let path = dir.path().join(format!("old-{round}.sqlite"));
        std::fs::copy(&fixture, &path).unwrap();
        let before = {
            let db = Archive::open_existing(&path).await.unwrap();
            let s = summary::summary(&db).await;
            db.close().await;
            s
        };
        // The fixture's own gateway: touched (last seen), nothing added.
        let failures = open_at_once(&path, "EPPC0210486901");
        assert!(failures.is_empty(), "round {round}: {failures:#?}");
        let db = Archive::open_existing(&path).await.unwrap();
        assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);
        assert!(db.check_integrity().await.unwrap().is_empty());
        assert_eq!(summary::summary(&db).await, before);
        db.close().await;
    }
}
