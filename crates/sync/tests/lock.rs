//! One sync at a time per archive: a run waits a bounded time for the archive's sync lock
//! and otherwise gives up having changed nothing. The lock is held here in-process, as a
//! second program would hold it (the CLI's `archive_robust` test uses two processes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod support;

use std::time::{Duration, Instant};

use archive::{Archive, ArchiveError};
use durchblick_sync::{sync, SyncError, SyncOptions};
use gateway::CancelFlag;
use smgw_model::Lang;
use support::*;

fn opts(lock_wait: Duration) -> SyncOptions {
    SyncOptions {
        lock_wait,
        ..SyncOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lock_refuses_the_sync_before_anything_is_asked_or_written() {
    let mock = start_builtin("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let other = db.try_lock_sync().unwrap().expect("the lock is free");
    // A second holder is refused, also through another handle of the same file.
    let again = Archive::open_existing(db.path()).await.unwrap();
    assert!(again.try_lock_sync().unwrap().is_none());

    let mut gw = login(&mock, "demo", "demo").await;
    let t0 = Instant::now();
    let err = sync(
        &mut gw,
        &again,
        &opts(Duration::from_millis(400)),
        |_| {},
        &CancelFlag::new(),
    )
    .await
    .unwrap_err();
    assert!(t0.elapsed() >= Duration::from_millis(400));
    assert!(
        matches!(&err, SyncError::Archive(ArchiveError::SyncBusy(p)) if p == db.path()),
        "{err:?}"
    );
    assert!(err.message(Lang::En).contains("This sync changed nothing"));
    assert!(err.message(Lang::De).contains("hat nichts verändert"));
    // Nothing written, and the gateway was not asked.
    assert!(again.gateways().await.unwrap().is_empty());
    assert!(again.all_raw_response_ids().await.unwrap().is_empty());

    // Once the other run ends, a sync goes through.
    drop(other);
    let report = sync(
        &mut gw,
        &again,
        &opts(Duration::from_millis(400)),
        |_| {},
        &CancelFlag::new(),
    )
    .await
    .unwrap();
    assert!(report.values.inserted > 0);
    again.close().await;
    db.close().await;
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_waits_for_a_run_that_is_just_finishing() {
    let mock = start_builtin("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let other = db.try_lock_sync().unwrap().expect("the lock is free");
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        drop(other);
    });
    let mut gw = login(&mock, "demo", "demo").await;
    let t0 = Instant::now();
    let report = sync(
        &mut gw,
        &db,
        &SyncOptions::default(),
        |_| {},
        &CancelFlag::new(),
    )
    .await
    .unwrap();
    assert!(t0.elapsed() >= Duration::from_millis(1500));
    release.await.unwrap();
    let consumer = consumer_id(&db, "ETHE0310486901", "01005e318011.consumer1.sm").await;
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    assert_eq!(report.userid, "01005e318011.consumer1.sm");
    // The lock is released with the run.
    assert!(db.try_lock_sync().unwrap().is_some());
    db.close().await;
    mock.shutdown().await;
}
