//! The archive on real SQLite files in temporary directories.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use archive::{
    Archive, ArchiveError, BillingPeriod, CertKind, CertificateData, ChannelSpec, ChannelWindow,
    ContractDetail, ContractInfo, DetailChannel, Firmware, GatewaySnapshot, LogEntry, LogFilter,
    RawResponse, Scope, WriteOutcome, APPLICATION_ID, SCHEMA_VERSION,
};
use chrono::Duration;
use common::*;
use smgw_model::{ScaledValue, Unit};

fn window(ch: archive::ChannelId, rs: &[archive::Reading], until: i64) -> ChannelWindow<'_> {
    ChannelWindow {
        channel: ch,
        readings: rs,
        synced_until: Some(t(until)),
    }
}

#[tokio::test]
async fn creates_schema_marks_the_file_and_reopens_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/archive.sqlite");
    let db = Archive::open(&path).await.unwrap();
    assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);
    let f = fixture(&db, "ethe0300004261", "01005e318011.consumer1.sm").await;
    let rs = readings(0..10);
    db.store_window(&[window(f.channel, &rs, T0 + 9000)], None, now())
        .await
        .unwrap();
    db.close().await;

    let header = std::fs::read(&path).unwrap();
    assert_eq!(&header[..16], b"SQLite format 3\0");
    assert_eq!(
        u32::from_be_bytes([header[68], header[69], header[70], header[71]]),
        APPLICATION_ID
    );
    // WAL mode is recorded in the header (read and write version 2), and 16 KiB pages.
    assert_eq!((header[18], header[19]), (2, 2));
    assert_eq!(u16::from_be_bytes([header[16], header[17]]), 16384);

    let db = Archive::open_existing(&path).await.unwrap();
    assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);
    let back = db.readings(f.channel, None, None, 100).await.unwrap();
    assert_eq!(
        back.iter().map(|s| s.reading.clone()).collect::<Vec<_>>(),
        rs
    );
    assert_eq!(back[0].stored_at, now());
    assert_eq!(
        db.resume_point(f.channel).await.unwrap(),
        Some(t(T0 + 9000))
    );
    assert!(db.check_integrity().await.unwrap().is_empty());
    db.close().await;
}

#[tokio::test]
async fn open_existing_refuses_a_missing_file_and_open_accepts_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.sqlite");
    assert!(matches!(
        Archive::open_existing(&missing).await,
        Err(ArchiveError::Missing(_))
    ));
    assert!(!missing.exists());
    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    let db = Archive::open(&empty).await.unwrap();
    assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);
    db.close().await;
}

#[tokio::test]
async fn re_inserting_the_same_window_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let rs = readings(0..1200);
    let (first, _) = db
        .store_window(&[window(f.channel, &rs, T0 + 1200 * 900)], None, now())
        .await
        .unwrap();
    assert_eq!(
        first,
        WriteOutcome {
            inserted: 1200,
            ..Default::default()
        }
    );
    // Overlapping re-read: 600 old, 300 new.
    let again = readings(600..1500);
    let (second, _) = db
        .store_window(&[window(f.channel, &again, T0 + 1500 * 900)], None, now())
        .await
        .unwrap();
    assert_eq!(
        second,
        WriteOutcome {
            inserted: 300,
            unchanged: 600,
            ..Default::default()
        }
    );
    assert_eq!(count(&db, f.channel).await, 1500);
    assert!(db.reading_conflicts(Scope::All).await.unwrap().is_empty());
    db.close().await;
}

#[tokio::test]
async fn differing_re_reads_are_kept_as_conflicts_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let rs = readings(0..20);
    db.store_window(&[window(f.channel, &rs, T0 + 20 * 900)], None, now())
        .await
        .unwrap();

    let mut changed = rs.clone();
    changed[3].value = ScaledValue::new(42, -1);
    changed[7].smgw_status = Some("a0000001".into());
    // A text that goes missing, one that appears, and a changed capture time also count.
    changed[9].signature = None;
    changed[11].meter_status = Some("00000000".into());
    changed[13].capture_time = None;
    let (out, _) = db
        .store_window(
            &[window(f.channel, &changed, T0 + 20 * 900)],
            None,
            t(1_800_000_000),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        WriteOutcome {
            inserted: 0,
            unchanged: 15,
            new_conflicts: 5,
            known_conflicts: 0
        }
    );
    // The archived readings are the first ones received.
    let back: Vec<_> = db
        .readings(f.channel, None, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.reading)
        .collect();
    assert_eq!(back, rs);

    let conflicts = db
        .reading_conflicts(Scope::Channel(f.channel))
        .await
        .unwrap();
    assert_eq!(conflicts.len(), 5);
    for (c, i) in conflicts.iter().zip([3, 7, 9, 11, 13]) {
        assert_eq!(c.stored, rs[i]);
        assert_eq!(c.other, changed[i]);
    }
    assert_eq!(conflicts[0].times_seen, 1);
    assert_eq!(conflicts[0].first_seen, t(1_800_000_000));

    // The same differing version again: counted, not duplicated.
    let (out, _) = db
        .store_window(
            &[window(f.channel, &changed[3..4], T0)],
            None,
            t(1_800_000_100),
        )
        .await
        .unwrap();
    assert_eq!(out.known_conflicts, 1);
    let conflicts = db.reading_conflicts(Scope::All).await.unwrap();
    assert_eq!(conflicts.len(), 5);
    assert_eq!(conflicts[0].times_seen, 2);
    assert_eq!(conflicts[0].last_seen, t(1_800_000_100));
    // A third version of the same slot is a second conflict.
    let mut third = rs[3].clone();
    third.value = ScaledValue::new(43, -1);
    let (out, _) = db
        .store_window(&[window(f.channel, &[third], T0)], None, now())
        .await
        .unwrap();
    assert_eq!(out.new_conflicts, 1);
    assert_eq!(db.reading_conflicts(Scope::All).await.unwrap().len(), 6);
    // Duplicate keys inside one batch follow the same rule.
    let dup = vec![reading(100, 5), reading(100, 5), reading(100, 6)];
    let (out, _) = db
        .store_window(&[window(f.channel, &dup, T0)], None, now())
        .await
        .unwrap();
    assert_eq!(
        out,
        WriteOutcome {
            inserted: 1,
            unchanged: 1,
            new_conflicts: 1,
            known_conflicts: 0
        }
    );
    // The resume point never moves backwards.
    assert_eq!(
        db.resume_point(f.channel).await.unwrap(),
        Some(t(T0 + 20 * 900))
    );
    db.close().await;
}

#[tokio::test]
async fn consumers_and_gateways_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    // Same usage point id and channel name everywhere.
    let a1 = fixture(&db, "ethe0300004261", "01005e318011.consumer1.sm").await;
    let a2 = fixture(&db, "ethe0300004261", "01005e318011.consumer2.sm").await;
    let b1 = fixture(&db, "eemh0000000001", "01005e318011.consumer1.sm").await;
    assert_ne!(a1.channel, a2.channel);
    assert_ne!(a1.channel, b1.channel);
    for (k, f) in [&a1, &a2, &b1].into_iter().enumerate() {
        let rs: Vec<_> = (0..50)
            .map(|i| reading(i, 1000 * k as i128 + i as i128))
            .collect();
        let (out, _) = db
            .store_window(&[window(f.channel, &rs, T0 + 50 * 900)], None, now())
            .await
            .unwrap();
        assert_eq!(out.inserted, 50, "fixture {k}");
    }
    assert!(db.reading_conflicts(Scope::All).await.unwrap().is_empty());
    for (k, f) in [&a1, &a2, &b1].into_iter().enumerate() {
        let back = db.readings(f.channel, None, None, 100).await.unwrap();
        assert_eq!(back.len(), 50);
        assert_eq!(back[5].reading.value.raw, 1000 * k as i128 + 5);
    }
    let gws = db.gateways().await.unwrap();
    assert_eq!(gws.len(), 2);
    let gw_a = gws.iter().find(|g| g.smgw_id == "ethe0300004261").unwrap();
    assert_eq!(db.consumers(Some(gw_a.id)).await.unwrap().len(), 2);
    assert_eq!(db.consumers(None).await.unwrap().len(), 3);
    assert_eq!(db.status(Scope::Gateway(gw_a.id)).await.unwrap().len(), 2);
    assert_eq!(
        db.status(Scope::Consumer(a2.consumer)).await.unwrap().len(),
        1
    );
    assert_eq!(
        db.status(Scope::Consumer(a2.consumer)).await.unwrap()[0]
            .channel
            .id,
        a2.channel
    );

    // Logbooks too: the same index on two consumers is two entries.
    for f in [&a1, &a2] {
        let (out, _) = db
            .store_log_page(f.consumer, &[log(1, "x")], None, now())
            .await
            .unwrap();
        assert_eq!(out.inserted, 1);
    }
    db.close().await;
}

fn log(index: u64, msg: &str) -> LogEntry {
    LogEntry {
        index,
        time: Some(t(T0 + index as i64 * 60)),
        level: Some((index % 4) as u32 + 1),
        event_id: Some("0x0001".into()),
        event_sub_id: Some("0x0002".into()),
        outcome: Some("success".into()),
        vendor_id: Some("BSI".into()),
        subject_identity: Some("smgw".into()),
        user_identity: None,
        message: Some(msg.into()),
        version: Some("1".into()),
        extra: None,
    }
}

#[tokio::test]
async fn log_entries_without_a_time_pass_every_time_range() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let timeless = LogEntry {
        time: None,
        ..log(2, "ohne Zeit")
    };
    db.store_log_page(f.consumer, &[log(1, "mit Zeit"), timeless], None, now())
        .await
        .unwrap();
    let later = db
        .log_entries(
            f.consumer,
            &LogFilter {
                from: Some(t(T0 + 3600)),
                to: Some(t(T0 + 7200)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        later.iter().map(|e| e.entry.index).collect::<Vec<_>>(),
        vec![2]
    );
}

#[tokio::test]
async fn log_entries_are_unique_per_index_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    assert_eq!(db.log_resume_index(f.consumer).await.unwrap(), None);
    let page1: Vec<_> = (1..=300)
        .map(|i| log(i, "Selbsttest erfolgreich"))
        .collect();
    let (out, _) = db
        .store_log_page(f.consumer, &page1, None, now())
        .await
        .unwrap();
    assert_eq!(out.inserted, 300);
    assert_eq!(db.log_resume_index(f.consumer).await.unwrap(), Some(300));

    // Overlapping page with one entry changed.
    let mut page2: Vec<_> = (250..=400)
        .map(|i| log(i, "Selbsttest erfolgreich"))
        .collect();
    page2[10].message = Some("anders".into());
    let (out, _) = db
        .store_log_page(f.consumer, &page2, None, now())
        .await
        .unwrap();
    assert_eq!(
        out,
        WriteOutcome {
            inserted: 100,
            unchanged: 50,
            new_conflicts: 1,
            known_conflicts: 0
        }
    );
    assert_eq!(db.log_resume_index(f.consumer).await.unwrap(), Some(400));
    let conflicts = db.log_conflicts(f.consumer).await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].stored, log(260, "Selbsttest erfolgreich"));
    assert_eq!(conflicts[0].other.message.as_deref(), Some("anders"));

    let all = db
        .log_entries(f.consumer, &LogFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 400);
    assert!(all.windows(2).all(|w| w[0].entry.index < w[1].entry.index));
    assert_eq!(all[259].entry, log(260, "Selbsttest erfolgreich"));

    // Time range [from, to), level filter, paging.
    let ranged = db
        .log_entries(
            f.consumer,
            &LogFilter {
                from: Some(t(T0 + 10 * 60)),
                to: Some(t(T0 + 20 * 60)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        ranged.iter().map(|e| e.entry.index).collect::<Vec<_>>(),
        (10..20).collect::<Vec<_>>()
    );
    let alerts = db
        .log_entries(
            f.consumer,
            &LogFilter {
                min_level: Some(4),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(alerts.len(), 100);
    assert!(alerts.iter().all(|e| e.entry.level == Some(4)));
    let page = db
        .log_entries(
            f.consumer,
            &LogFilter {
                after_index: Some(395),
                limit: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|e| e.entry.index).collect::<Vec<_>>(),
        vec![396, 397, 398]
    );
    let st = db.log_status(f.consumer).await.unwrap();
    assert_eq!(
        (st.count, st.first_index, st.last_index, st.conflicts),
        (400, Some(1), Some(400), 1)
    );
    assert_eq!(st.synced_index, Some(400));
    assert_eq!(st.last_sync_at, Some(now()));
    // An empty page (nothing new on the gateway) records the check, not a new index.
    db.store_log_page(f.consumer, &[], None, t(1_800_000_000))
        .await
        .unwrap();
    let st = db.log_status(f.consumer).await.unwrap();
    assert_eq!(
        (st.synced_index, st.last_sync_at),
        (Some(400), Some(t(1_800_000_000)))
    );
    db.close().await;
}

#[tokio::test]
async fn an_error_mid_batch_leaves_nothing_of_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let before = readings(0..10);
    db.store_window(&[window(f.channel, &before, T0 + 10 * 900)], None, now())
        .await
        .unwrap();

    // Channel one is written first, then channel two fails on a foreign key.
    let rs = readings(10..2000);
    let body = br#"{"method":"readings"}"#;
    let raw = RawResponse {
        gateway: None,
        consumer: Some(f.consumer),
        method: "readings",
        request: None,
        http_status: Some(200),
        received_at: now(),
        body,
    };
    let err = db
        .store_window(
            &[
                window(f.channel, &rs, T0 + 2000 * 900),
                window(archive::ChannelId(9999), &rs, T0 + 2000 * 900),
            ],
            Some(&raw),
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ArchiveError::Sql(_)), "{err}");
    assert_eq!(count(&db, f.channel).await, 10);
    assert_eq!(
        db.resume_point(f.channel).await.unwrap(),
        Some(t(T0 + 10 * 900))
    );
    assert!(db.raw_response_ids(f.consumer).await.unwrap().is_empty());

    // A value that does not fit 64 bits, in the second statement of a window (the first
    // statement of 1000 rows has already been executed when it is met).
    let mut rs = readings(10..2000);
    rs[1500].value = ScaledValue::new(i128::MAX, 0);
    let err = db
        .store_window(&[window(f.channel, &rs, T0 + 2000 * 900)], None, now())
        .await
        .unwrap_err();
    assert!(matches!(err, ArchiveError::ValueOutOfRange(_)), "{err}");
    assert_eq!(count(&db, f.channel).await, 10);
    assert_eq!(
        db.resume_point(f.channel).await.unwrap(),
        Some(t(T0 + 10 * 900))
    );

    // Same for a log page whose last entry has an index beyond SQLite's integers.
    let mut page: Vec<_> = (1..=500).map(|i| log(i, "m")).collect();
    page[499].index = u64::MAX;
    assert!(db
        .store_log_page(f.consumer, &page, None, now())
        .await
        .is_err());
    assert_eq!(db.log_status(f.consumer).await.unwrap().count, 0);
    assert_eq!(db.log_resume_index(f.consumer).await.unwrap(), None);
    db.close().await;
}

#[tokio::test]
async fn a_dropped_write_future_leaves_the_archive_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let db = Archive::open(&path).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let rs = readings(0..200_000);
    let mut outcomes = Vec::new();
    // Drop the write after ever longer delays: some attempts are cut in the middle.
    for micros in [0u64, 500, 2_000, 10_000, 40_000] {
        let ws = [window(f.channel, &rs, T0 + 200_000 * 900)];
        let fut = db.store_window(&ws, None, now());
        let res = tokio::time::timeout(std::time::Duration::from_micros(micros), fut).await;
        outcomes.push(res.is_ok());
        let n = count(&db, f.channel).await;
        let resume = db.resume_point(f.channel).await.unwrap();
        match n {
            0 => assert_eq!(resume, None),
            200_000 => assert_eq!(resume, Some(t(T0 + 200_000 * 900))),
            other => panic!("partial window in the archive: {other} readings"),
        }
        if n == 200_000 {
            break;
        }
    }
    db.close().await;
    let db = Archive::open_existing(&path).await.unwrap();
    let n = count(&db, f.channel).await;
    assert!(n == 0 || n == 200_000, "{n} readings after reopen");
    assert!(db.check_integrity().await.unwrap().is_empty());
    // Whatever happened, finishing the sync now works and stores everything once.
    db.store_window(&[window(f.channel, &rs, T0 + 200_000 * 900)], None, now())
        .await
        .unwrap();
    assert_eq!(count(&db, f.channel).await, 200_000);
    assert!(db.reading_conflicts(Scope::All).await.unwrap().is_empty());
    db.close().await;
    assert!(
        outcomes.contains(&false),
        "no attempt was cut; the test did not exercise interruption"
    );
}

#[tokio::test]
async fn raw_responses_round_trip_through_compression() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let db = Archive::open(&path).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/docs/han-protocol.md"
    ))
    .unwrap_or_else(|_| br#"{"method":"log","log":{"records":"0"}}"#.repeat(50));
    let raw = RawResponse {
        gateway: None,
        consumer: Some(f.consumer),
        method: "log",
        request: Some(r#"{"method":"log","count":"1500"}"#),
        http_status: Some(200),
        received_at: now(),
        body: &body,
    };
    let id = db.store_raw_response(&raw).await.unwrap();
    let back = db.raw_response(id).await.unwrap();
    assert_eq!(back.body, body);
    assert_eq!(back.method, "log");
    assert_eq!(back.request.as_deref(), raw.request);
    assert_eq!(back.http_status, Some(200));
    assert_eq!(back.consumer, Some(f.consumer));
    assert_eq!(back.received_at, now());
    assert_eq!(back.sha256.len(), 64);
    // Empty and binary bodies too.
    for b in [&b""[..], &[0u8, 255, 1, 254][..]] {
        let id = db
            .store_raw_response(&RawResponse { body: b, ..raw })
            .await
            .unwrap();
        assert_eq!(db.raw_response(id).await.unwrap().body, b);
    }
    // Stored with a window in the same transaction.
    let (_, rid) = db
        .store_window(&[window(f.channel, &readings(0..3), T0)], Some(&raw), now())
        .await
        .unwrap();
    assert_eq!(db.raw_response(rid.unwrap()).await.unwrap().body, body);
    assert_eq!(db.raw_response_ids(f.consumer).await.unwrap().len(), 4);
    // One stored before any consumer was known shows up in the full list only.
    let early = db
        .store_raw_response(&RawResponse {
            consumer: None,
            method: "smgw-info",
            ..raw
        })
        .await
        .unwrap();
    let all = db.all_raw_response_ids().await.unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.contains(&early));
    assert_eq!(db.raw_response_ids(f.consumer).await.unwrap().len(), 4);
    assert!(matches!(
        db.raw_response(archive::RawResponseId(12345)).await,
        Err(ArchiveError::NotFound { .. })
    ));
    db.close().await;

    // Damage noticed: a body that no longer matches its SHA-256 is an error, not data.
    {
        use sqlx::{Connection, Executor};
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
        let mut conn = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
        conn.execute(sqlx::AssertSqlSafe(format!(
            "UPDATE raw_response SET sha256 = '{}' WHERE id = {}",
            "0".repeat(64),
            id.0
        )))
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let db = Archive::open_existing(&path).await.unwrap();
    assert!(matches!(
        db.raw_response(id).await,
        Err(ArchiveError::RawDamaged { .. })
    ));
    assert_eq!(db.raw_response(early).await.unwrap().body, body);
    db.close().await;
}

#[tokio::test]
async fn status_counts_first_last_gaps_conflicts_and_sync() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    // One day of quarter hours (96 slots) with slots 10–12 and 50 missing.
    let rs: Vec<_> = readings(0..96)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !matches!(i, 10..=12 | 50))
        .map(|(_, r)| r)
        .collect();
    assert_eq!(rs.len(), 92);
    db.store_window(
        &[window(f.channel, &rs, T0 + 96 * 900)],
        None,
        t(1_750_000_000),
    )
    .await
    .unwrap();
    let mut other = rs[0].clone();
    other.value = ScaledValue::new(-1, -1);
    db.store_window(&[window(f.channel, &[other], T0)], None, t(1_750_000_500))
        .await
        .unwrap();

    let st = db.status(Scope::Channel(f.channel)).await.unwrap();
    assert_eq!(st.len(), 1);
    let s = &st[0];
    assert_eq!(s.count, 92);
    assert_eq!(s.first, Some(t(T0)));
    assert_eq!(s.last, Some(t(T0 + 95 * 900)));
    assert_eq!(s.period, Some(Duration::minutes(15)));
    assert!(!s.period_detected);
    assert_eq!((s.gaps, s.missing_slots), (2, 4));
    assert_eq!(s.conflicts, 1);
    assert_eq!(s.synced_until, Some(t(T0 + 96 * 900)));
    assert_eq!(s.last_sync_at, Some(t(1_750_000_500)));
    assert_eq!(s.channel.spec.unit, Some(Unit::WattHour));
    assert_eq!(s.consumer, f.consumer);

    // Without a known period the most frequent step is used: same numbers.
    let ch2 = db
        .channel(
            f.contract,
            &key("0100020800ff.0551010038180402.sm"),
            ChannelSpec::default(),
        )
        .await
        .unwrap();
    db.store_window(&[window(ch2, &rs, T0 + 96 * 900)], None, now())
        .await
        .unwrap();
    let s2 = &db.status(Scope::Channel(ch2)).await.unwrap()[0];
    assert_eq!(s2.period, Some(Duration::minutes(15)));
    assert!(s2.period_detected);
    assert_eq!((s2.gaps, s2.missing_slots, s2.count), (2, 4, 92));
    // The contract scope lists both channels; an empty channel has no numbers.
    let ch3 = db
        .channel(
            f.contract,
            &key("0100010800ff.1ESY1160449476.sm"),
            ChannelSpec::default(),
        )
        .await
        .unwrap();
    let all = db.status(Scope::Contract(f.contract)).await.unwrap();
    assert_eq!(all.len(), 3);
    let totals = archive::StatusTotals::of(&all);
    assert_eq!(
        (
            totals.channels,
            totals.count,
            totals.gaps,
            totals.missing_slots,
            totals.conflicts
        ),
        (3, 184, 4, 8, 1)
    );
    assert_eq!(
        (totals.first, totals.last),
        (Some(t(T0)), Some(t(T0 + 95 * 900)))
    );
    let s3 = all.iter().find(|s| s.channel.id == ch3).unwrap();
    assert_eq!((s3.count, s3.first, s3.period, s3.gaps), (0, None, None, 0));
    assert_eq!(db.resume_point(ch3).await.unwrap(), None);
    // Paged reading of a time range: after < t <= until.
    let page = db
        .readings(f.channel, Some(t(T0 + 5 * 900)), Some(t(T0 + 15 * 900)), 4)
        .await
        .unwrap();
    let got: Vec<_> = page.iter().map(|r| r.reading.target_time).collect();
    assert_eq!(
        got,
        vec![
            t(T0 + 6 * 900),
            t(T0 + 7 * 900),
            t(T0 + 8 * 900),
            t(T0 + 9 * 900)
        ]
    );
    let next = db
        .readings(f.channel, Some(got[3]), Some(t(T0 + 15 * 900)), 4)
        .await
        .unwrap();
    let got: Vec<_> = next.iter().map(|r| r.reading.target_time).collect();
    assert_eq!(
        got,
        vec![t(T0 + 13 * 900), t(T0 + 14 * 900), t(T0 + 15 * 900)]
    );
    db.close().await;
}

#[tokio::test]
async fn snapshots_certificates_contracts_and_details_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let gw = db.gateway("ethe0300004261", now()).await.unwrap();
    let han = CertificateData {
        kind: CertKind::HanTls,
        index: None,
        data: vec![0x30, 0x82, 1, 2, 3],
    };
    let seal = CertificateData {
        kind: CertKind::WanSig,
        index: Some(0),
        data: vec![0x30, 0x82, 9, 9],
    };
    let snap = GatewaySnapshot {
        read_at: t(1_750_000_000),
        smgw_state: Some("a0000000".into()),
        smgw_time: Some(t(1_750_000_002)),
        firmware: vec![Firmware {
            component: Some("SMGW".into()),
            version: Some("3.0.1".into()),
            hash: Some("ab".repeat(32)),
        }],
        certificates: vec![han.clone(), seal.clone()],
        raw_response: None,
    };
    db.store_gateway_snapshot(gw, &snap).await.unwrap();
    let later = GatewaySnapshot {
        read_at: t(1_760_000_000),
        ..snap.clone()
    };
    db.store_gateway_snapshot(gw, &later).await.unwrap();
    let snaps = db.gateway_snapshots(gw).await.unwrap();
    assert_eq!(snaps.len(), 2);
    assert_eq!(snaps[0].1.firmware, snap.firmware);
    assert_eq!(snaps[1].1.read_at, t(1_760_000_000));
    let certs = db.certificates(gw).await.unwrap();
    assert_eq!(certs.len(), 2, "the same certificate twice is kept once");
    let h = certs
        .iter()
        .find(|c| c.cert.kind == CertKind::HanTls)
        .unwrap();
    assert_eq!(h.cert, han);
    assert_eq!(
        (h.first_seen, h.last_seen),
        (t(1_750_000_000), t(1_760_000_000))
    );

    let consumer = db.consumer(gw, "c1", now()).await.unwrap();
    let mut info = ContractInfo {
        usage_point_id: "01005e318021.taf1-1.sm".into(),
        name: Some("Haushalt".into()),
        taf_number: Some(1),
        taf_state: Some("running".into()),
        start: Some(t(1_700_000_000)),
        meters: vec!["0551010038180402".into(), "1ESY1160449476".into()],
        on_demand_profile: Some(true),
        billing_periods: vec![BillingPeriod {
            start: t(1_700_000_000),
            end: None,
        }],
        ..Default::default()
    };
    let c = db.contract(consumer, &info, now()).await.unwrap();
    info.taf_state = Some("archive".into());
    info.billing_periods = vec![BillingPeriod {
        start: t(1_710_000_000),
        end: Some(t(1_720_000_000)),
    }];
    assert_eq!(db.contract(consumer, &info, now()).await.unwrap(), c);
    let rows = db.contracts(consumer).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].info.taf_state.as_deref(), Some("archive"));
    assert_eq!(rows[0].info.meters, info.meters);
    assert_eq!(
        rows[0].info.billing_periods.len(),
        2,
        "billing periods are only added"
    );

    let detail = ContractDetail {
        read_at: now(),
        name: Some("Haushalt".into()),
        transparency_bit: Some(false),
        emts: vec!["{\"id\":\"9900000000001\"}".into()],
        taf_profile: Some(vec![0x30, 0x80, 0, 0]),
        channels: vec![DetailChannel {
            database: "origin".into(),
            obis: "0100010800ff".parse().unwrap(),
            scaler: -1,
            unit: Unit::WattHour,
        }],
        raw_response: None,
    };
    db.store_contract_detail(c, &detail).await.unwrap();
    let (_, back) = db.latest_contract_detail(c).await.unwrap().unwrap();
    assert_eq!(back, detail);
    db.close().await;
}

#[tokio::test]
async fn a_backup_is_a_complete_archive_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let rs = readings(0..3000);
    db.store_window(&[window(f.channel, &rs, T0 + 3000 * 900)], None, now())
        .await
        .unwrap();
    let copy = dir.path().join("copy.sqlite");
    db.backup_to(&copy).await.unwrap();
    // The original stays usable; the copy exists and refuses to be overwritten.
    db.store_log_page(f.consumer, &[log(1, "m")], None, now())
        .await
        .unwrap();
    assert!(db.backup_to(&copy).await.is_err());
    db.close().await;

    let back = Archive::open_existing(&copy).await.unwrap();
    assert_eq!(count(&back, f.channel).await, 3000);
    assert_eq!(
        back.resume_point(f.channel).await.unwrap(),
        Some(t(T0 + 3000 * 900))
    );
    assert_eq!(back.log_status(f.consumer).await.unwrap().count, 0);
    back.close().await;
}

/// Front ends (Tauri commands, spawned sync tasks) need `Send` futures.
#[test]
fn write_and_query_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
        let ws: [ChannelWindow<'_>; 0] = [];
        let f = db.store_window(&ws, None, now());
        send(&f);
        f.await.unwrap();
        let f = db.status(Scope::All);
        send(&f);
        assert!(f.await.unwrap().is_empty());
        let f = db.store_log_page(archive::ConsumerId(1), &[], None, now());
        send(&f);
        drop(f);
        db.close().await;
    });
}

#[test]
fn default_path_is_in_the_data_dir() {
    if let (Some(p), Some(data)) = (archive::default_path(), dirs::data_dir()) {
        assert!(p.starts_with(data));
        assert!(p.ends_with("durchblick/archive.sqlite"));
    }
}
