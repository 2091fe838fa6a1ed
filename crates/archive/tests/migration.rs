//! Archives written by earlier versions open, upgrade and keep every value.
//!
//! `fixtures/archive-vN.sqlite` is a real sync written by the version that introduced
//! schema N (made by `crates/sync/tests/fixture.rs`), `archive-vN.txt` what that version
//! read from it. Every later version must keep this test passing unchanged; a new schema
//! version adds its own fixture (see SCHEMA.md). The fixtures are copied first: the test
//! never modifies tracked files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

#[path = "fixtures/summary.rs"]
mod summary;

use std::path::{Path, PathBuf};

use archive::{Archive, ChannelWindow, Reading, Scope, SCHEMA_VERSION};
use chrono::Duration;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn there_is_a_fixture_for_every_schema_version() {
    for v in 1..=SCHEMA_VERSION {
        for ext in ["sqlite", "txt"] {
            let f = fixtures().join(format!("archive-v{v}.{ext}"));
            assert!(f.is_file(), "missing {} (see SCHEMA.md)", f.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_opens_upgrades_and_keeps_its_content() {
    for v in 1..=SCHEMA_VERSION {
        let name = format!("archive-v{v}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.sqlite");
        std::fs::copy(fixtures().join(format!("{name}.sqlite")), &path).unwrap();
        let expected = std::fs::read_to_string(fixtures().join(format!("{name}.txt"))).unwrap();

        let db = Archive::open_existing(&path).await.unwrap();
        assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION, "{name}");
        assert!(db.check_integrity().await.unwrap().is_empty(), "{name}");
        assert_eq!(summary::summary(&db).await, expected, "{name}");

        // The upgraded file takes new values: one more slot after the newest of a
        // channel, and a re-read of the newest one changes nothing.
        let status = db.status(Scope::All).await.unwrap();
        let s = status
            .iter()
            .find(|s| s.count > 100 && s.synced_until.is_some())
            .expect("a synced quarter-hour channel");
        let newest = db
            .readings(
                s.channel.id,
                s.last.map(|l| l - Duration::seconds(1)),
                None,
                1,
            )
            .await
            .unwrap();
        let old: Reading = newest[0].reading.clone();
        let mut next = old.clone();
        next.target_time = old.target_time + Duration::minutes(15);
        next.capture_time = Some(next.target_time);
        let until = next.target_time;
        let (outcome, _) = db
            .store_window(
                &[ChannelWindow {
                    channel: s.channel.id,
                    readings: &[old, next],
                    synced_until: Some(until),
                }],
                None,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        assert_eq!((outcome.inserted, outcome.unchanged), (1, 1), "{name}");
        db.close().await;

        // And opens again as the current version.
        let db = Archive::open_existing(&path).await.unwrap();
        assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);
        assert_eq!(db.resume_point(s.channel.id).await.unwrap(), Some(until));
        db.close().await;
    }
}
