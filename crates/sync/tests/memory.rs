//! The sync against the in-memory gateway: the `Gateway` interface is the only thing the
//! sync needs, and it asks only what a gateway's capabilities offer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use archive::{Archive, Scope};
use chrono::{DateTime, Duration, TimeZone, Utc};
use durchblick_sync::{sync, SyncOptions};
use gateway::{CancelFlag, MemoryGateway};
use smgw_model::{Lang, WarningKind};

const DAYS: i64 = 70;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).single().unwrap()
}

fn now() -> DateTime<Utc> {
    start() + Duration::days(DAYS)
}

fn gateway() -> MemoryGateway {
    MemoryGateway::example(start(), DAYS)
}

async fn run(g: &mut MemoryGateway, db: &Archive) -> durchblick_sync::SyncReport {
    sync(g, db, &SyncOptions::default(), |_| {}, &CancelFlag::new())
        .await
        .expect("sync")
}

fn count(calls: &[String], method: &str) -> usize {
    calls.iter().filter(|c| *c == method).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_gateway_is_archived_completely_and_a_second_sync_reads_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let mut g = gateway();

    let first = run(&mut g, &db).await;
    // 70 days in windows of 31: three values calls for the TAF-7 list, one current-value
    // call for TAF 10, logbook pages of 100 (3 pages).
    assert_eq!(first.readings_calls, 3);
    assert_eq!(first.current_calls, 1);
    assert_eq!(count(&g.calls, "log"), 3);
    // Every quarter hour from the start on (the first window begins a second before the
    // contract's start), and the current value.
    assert_eq!(first.values.inserted, u64::try_from(DAYS * 96 + 1).unwrap());
    assert_eq!(first.current.inserted, 1);
    assert_eq!(first.log.inserted, 250);
    let status = db.status(Scope::All).await.unwrap();
    let taf7 = status
        .iter()
        .find(|s| s.count > 1)
        .expect("the TAF-7 series");
    assert_eq!(taf7.first, Some(start()));
    assert_eq!(taf7.last, Some(now()));
    assert_eq!(taf7.gaps, 0);
    // Unknown logbook keys are kept.
    let consumer = db.consumers(None).await.unwrap()[0].id;
    let kept = db
        .log_entries(consumer, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.entry.index == 7)
        .expect("entry 7");
    assert_eq!(kept.entry.extra.as_deref(), Some(r#"{"x-vendor":"abc"}"#));

    g.calls.clear();
    let second = run(&mut g, &db).await;
    // Only the settle span (2 days) is read again, in one window; the logbook from the
    // entry after the last stored one.
    assert_eq!(second.readings_calls, 1);
    assert_eq!(second.values.inserted, 0);
    assert_eq!(second.log.inserted, 0);
    assert_eq!(count(&g.calls, "log"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_without_history_or_logbook_is_asked_only_for_current_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let mut g = gateway();
    g.capabilities.history = false;
    g.capabilities.logbook = false;

    let report = run(&mut g, &db).await;
    assert_eq!(report.readings_calls, 0);
    assert_eq!(report.log_calls, 0);
    assert_eq!(count(&g.calls, "log"), 0);
    // Both contracts' current values, each kept.
    assert_eq!(report.current_calls, 2);
    assert_eq!(report.current.inserted, 2);
    let status = db.status(Scope::All).await.unwrap();
    assert_eq!(status.len(), 2);
    assert!(status.iter().all(|s| s.count == 1 && s.last == Some(now())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_the_gateway_finds_too_long_are_halved() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let mut g = gateway();
    // The gateway says it takes 31 days but refuses more than 20.
    g.refuses_longer_than = Some(Duration::days(20));
    let report = run(&mut g, &db).await;
    assert_eq!(
        report.values.inserted,
        u64::try_from(DAYS * 96 + 1).unwrap()
    );
    // 31 days refused, then 15.5-day windows: 70 days in 5 of them.
    assert_eq!(count(&g.calls, "readings (refused)"), 1);
    assert_eq!(report.readings_calls, 5, "{:?}", g.calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_the_gateway_deleted_between_two_syncs_are_reported_missing() {
    // Field failure 35: a gateway keeps only so many logbook entries; a consumer who syncs
    // rarely loses the ones deleted in between. Every entry sent is kept, the hole named.
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let mut g = gateway();
    let first = run(&mut g, &db).await;
    assert!(
        first
            .warnings
            .iter()
            .all(|w| w.kind != WarningKind::LogRecordsMissing),
        "a first sync may start at any record number: {:?}",
        first.warnings
    );
    let last = g.log.last().cloned().expect("the example has a logbook");
    // 300 new entries, of which the gateway kept only the newest 150.
    for n in 1..=300u64 {
        let mut e = last.clone();
        e.index = last.index + n;
        e.time = last
            .time
            .map(|t| t + Duration::minutes(i64::try_from(n).unwrap()));
        g.log.push(e);
    }
    g.log.retain(|e| e.index > last.index + 150);
    let second = run(&mut g, &db).await;
    assert_eq!(second.log.inserted, 150);
    let missing: Vec<_> = second
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::LogRecordsMissing)
        .collect();
    assert_eq!(missing.len(), 1, "{:?}", second.warnings);
    let expected = format!("{}–{}", last.index + 1, last.index + 150);
    assert_eq!(missing[0].raw, expected);
    assert!(missing[0]
        .message(Lang::De)
        .contains("öfter synchronisieren"));
    // A third sync finds nothing new and no hole.
    let third = run(&mut g, &db).await;
    assert_eq!(third.log.inserted, 0);
    assert!(third.warnings.is_empty(), "{:?}", third.warnings);
}
