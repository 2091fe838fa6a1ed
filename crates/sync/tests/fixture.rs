//! Makes the archive fixture of the current schema version that the archive's migration
//! test (`crates/archive/tests/migration.rs`) opens and upgrades in every later version.
//!
//! Not part of a normal test run (it would modify tracked files). Run it once per new
//! schema version, with the version in the file name:
//!
//! ```sh
//! DURCHBLICK_WRITE_FIXTURE=crates/archive/tests/fixtures/archive-v1 \
//!   cargo test -p durchblick-sync --test fixture -- --ignored
//! ```
//!
//! It writes `<name>.sqlite` (a real sync of the demo scenario, shortened to three days
//! and 40 logbook entries so that the file stays small) and `<name>.txt`, what that
//! version reads from it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod support;

#[path = "../../archive/tests/fixtures/summary.rs"]
mod summary;

use std::path::PathBuf;

use archive::Archive;
use durchblick_sync::{sync, SyncOptions};
use gateway::CancelFlag;
use mock_smgw::Scenario;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes a fixture into the source tree; run by hand per schema version"]
async fn write_archive_fixture() {
    let Ok(target) = std::env::var("DURCHBLICK_WRITE_FIXTURE") else {
        panic!("set DURCHBLICK_WRITE_FIXTURE to the fixture's path without extension");
    };
    // The demo scenario, three days after its contracts start.
    let dir = tempfile::tempdir().unwrap();
    let src = scenario_dir("demo");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let toml = std::fs::read_to_string(src.join("scenario.toml")).unwrap();
    let short = toml
        .replace(
            "now = \"2026-11-20T09:00:00Z\"",
            "now = \"2024-11-04T09:00:00Z\"",
        )
        .replace("entries = 3000", "entries = 40")
        .replace(
            "start = \"2025-06-01T00:00:00+02:00\"",
            "start = \"2024-11-01T00:00:00+01:00\"",
        );
    assert_ne!(short, toml, "the demo scenario changed; adapt the edits");
    std::fs::write(dir.path().join("scenario.toml"), short).unwrap();
    let mock = start(Scenario::load(dir.path()).unwrap()).await;

    let out = dir.path().join("fixture.sqlite");
    let db = Archive::open(&out).await.unwrap();
    let mut gw = login(&mock, "demo", "demo").await;
    let report = sync(
        &mut gw,
        &db,
        &SyncOptions::default(),
        |_| {},
        &CancelFlag::new(),
    )
    .await
    .unwrap();
    assert!(
        report.values.inserted > 0 && report.log.inserted == 40,
        "{report:?}"
    );
    let text = summary::summary(&db).await;
    db.close().await;
    mock.shutdown().await;

    let target = PathBuf::from(target);
    let sqlite = target.with_extension("sqlite");
    // VACUUM-free copy of a closed (checkpointed) file: exactly what this version wrote.
    std::fs::copy(&out, &sqlite).unwrap();
    std::fs::write(target.with_extension("txt"), text).unwrap();
    println!(
        "wrote {} ({} bytes)",
        sqlite.display(),
        std::fs::metadata(&sqlite).unwrap().len()
    );
}
