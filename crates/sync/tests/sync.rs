//! Sync against the real mock gateway over TLS on 127.0.0.1 into real SQLite files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use archive::{Archive, Scope};
use durchblick_sync::{sync, SyncError, SyncOptions, SyncPhase, SyncProgress};
use gateway::{CancelFlag, Gateway, GatewayError};
use han_client::ClientError;
use han_protocol::ProtocolError;
use mock_smgw::{Faults, RunningMock, Scenario};
use smgw_model::Lang;
use support::*;

const USER: &str = "01005e318011.consumer1.sm";

async fn new_archive(dir: &tempfile::TempDir) -> Archive {
    Archive::open(dir.path().join("archive.sqlite"))
        .await
        .expect("archive")
}

async fn run(
    session: &mut dyn Gateway,
    db: &Archive,
) -> Result<durchblick_sync::SyncReport, SyncError> {
    sync(
        session,
        db,
        &SyncOptions::default(),
        |_| {},
        &CancelFlag::new(),
    )
    .await
}

fn requests(mock: &RunningMock) -> BTreeMap<String, u64> {
    mock.stats().requests
}

fn diff(after: &BTreeMap<String, u64>, before: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0)))
        .filter(|(_, v)| *v > 0)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_demo_equals_the_generated_data_and_a_second_sync_reads_only_the_newest_windows(
) {
    let mock = start_builtin("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let db = new_archive(&dir).await;
    let mut session = login(&mock, "demo", "demo").await;
    let mut seen: Vec<SyncProgress> = Vec::new();
    let report = sync(
        &mut session,
        &db,
        &SyncOptions::default(),
        |p| seen.push(p),
        &CancelFlag::new(),
    )
    .await
    .expect("sync");
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    assert_eq!(report.consumer, consumer);
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    assert_eq!(report.values.new_conflicts, 0);
    assert_eq!(report.log.inserted, 3000);
    assert!(report.readings_calls > 50, "{report:?}");

    // Progress: one report per call, calls counted up to the plan, which is met at the end.
    for pair in seen.windows(2) {
        assert!(pair[1].calls_done - pair[0].calls_done <= 1);
        assert!(pair[1].calls_planned >= pair[1].calls_done);
        assert!(pair[1].values >= pair[0].values);
    }
    let last = seen.last().unwrap();
    assert_eq!(last.phase, SyncPhase::Done);
    assert_eq!(
        (last.calls_done, last.calls_planned),
        (report.calls, report.calls)
    );
    assert!(seen
        .iter()
        .any(|p| matches!(p.phase, SyncPhase::Readings { .. }) && p.eta.is_some()));

    // The second sync: one `readings` call per value list of the stored-value contracts
    // (none ends before the gateway's clock in `demo`), the current values of TAF 10, and
    // the logbook's empty page plus its end confirmation.
    let (_, described) = archived(&db, consumer).await;
    let mut stored_lists: Vec<(String, String)> = described
        .iter()
        .filter(|(_, taf, _, _)| ![9, 10, 14].contains(taf))
        .map(|(up, _, d, _)| (up.clone(), d.clone()))
        .collect();
    stored_lists.dedup();
    let mut current_lists: Vec<(String, String)> = described
        .iter()
        .filter(|(_, taf, _, _)| [9, 10, 14].contains(taf))
        .map(|(up, _, d, _)| (up.clone(), d.clone()))
        .collect();
    current_lists.dedup();
    assert_eq!((stored_lists.len(), current_lists.len()), (8, 1));
    let contracts = db.contracts(consumer).await.unwrap().len() as u64;

    let before = requests(&mock);
    let mut session = login(&mock, "demo", "demo").await;
    let second = run(&mut session, &db).await.expect("second sync");
    let calls = diff(&requests(&mock), &before);
    let want: BTreeMap<String, u64> = [
        ("smgw-info".to_owned(), 1),
        ("user-info".to_owned(), 1),
        ("usage-point-info".to_owned(), contracts),
        (
            "readings".to_owned(),
            (stored_lists.len() + current_lists.len()) as u64,
        ),
        ("log".to_owned(), 2),
    ]
    .into();
    assert_eq!(calls, want);
    assert_eq!(second.readings_calls as usize, stored_lists.len());
    assert_eq!(second.values.inserted, 0, "{second:?}");
    assert!(
        second.values.unchanged > 0,
        "the newest window is read again"
    );
    assert_eq!(second.values.new_conflicts, 0);
    assert_eq!(second.log.inserted, 0);
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    mock.shutdown().await;
}

/// Runs a sync that is disturbed after `at` calls by `disturb`, expects it to fail, then
/// runs an undisturbed sync and expects the complete data set.
async fn disturbed_then_completed(
    disturb: impl Fn(&RunningMock, &CancelFlag) + Send,
    at: u32,
    check_error: impl Fn(&SyncError),
) {
    let mock = start_builtin("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let db = new_archive(&dir).await;
    let mut session = login(&mock, "demo", "demo").await;
    let cancel = CancelFlag::new();
    let calls_at_disturbance = Arc::new(Mutex::new(None));
    let err = sync(
        &mut session,
        &db,
        &SyncOptions::default(),
        |p| {
            if p.calls_done == at {
                disturb(&mock, &cancel);
                *calls_at_disturbance.lock().unwrap() = Some(mock.stats().requests);
            }
        },
        &cancel,
    )
    .await
    .expect_err("the disturbed sync fails");
    check_error(&err);
    let stopped_at = calls_at_disturbance
        .lock()
        .unwrap()
        .clone()
        .expect("disturbed");
    mock.set_faults(Faults::default());

    // What was stored is consistent: every list holds exactly the generated values up to
    // its resume point.
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    assert!(db.check_integrity().await.unwrap().is_empty());
    for st in db.status(Scope::Consumer(consumer)).await.unwrap() {
        let Some(until) = st.synced_until else {
            continue;
        };
        let contract = db
            .contracts(consumer)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id == st.channel.contract)
            .unwrap();
        let stored: Vec<Row> = db
            .readings(st.channel.id, None, Some(until), u32::MAX)
            .await
            .unwrap()
            .iter()
            .map(|r| archive_row(&r.reading))
            .collect();
        let name = format!(
            "{}.{}.sm",
            st.channel.key.name.obis.to_hex(),
            st.channel.key.name.meter_id
        );
        let want: Vec<Row> = mock
            .scenario()
            .expected_readings_between(
                "demo",
                &contract.info.usage_point_id,
                &st.channel.key.database,
                &st.channel.key.name.obis.to_hex(),
                i64::MIN / 4,
                until.timestamp(),
            )
            .unwrap()
            .iter()
            .filter(|r| r.channel == name)
            .map(mock_row)
            .collect();
        assert!(stored == want, "prefix of {name} up to {until}");
    }

    let before = requests(&mock);
    let mut session = login(&mock, "demo", "demo").await;
    run(&mut session, &db)
        .await
        .expect("the next sync completes");
    assert_complete(&db, consumer, mock.scenario(), "demo").await;
    // The resumed sync did not start over: both runs together read each window once,
    // except the newest window of lists finished before the disturbance (read again, as
    // every sync does) and the current values (read by both runs).
    let resumed = diff(&requests(&mock), &before)["readings"];
    let first = stopped_at.get("readings").copied().unwrap_or(0);
    let (_, described) = archived(&db, consumer).await;
    let mut lists: Vec<(String, u32, String)> = described
        .iter()
        .map(|(up, taf, d, _)| (up.clone(), *taf, d.clone()))
        .collect();
    lists.dedup();
    let now = chrono::DateTime::from_timestamp(mock.scenario().now(), 0).unwrap();
    let mut full = 0u64;
    let mut stored_lists = 0u64;
    for c in db.contracts(consumer).await.unwrap() {
        for (up, taf, _) in &lists {
            if *up != c.info.usage_point_id || [9, 10, 14].contains(taf) {
                continue;
            }
            let start = c.info.start.unwrap() - chrono::Duration::seconds(1);
            full += han_protocol::plan::split_range(
                start,
                now,
                han_protocol::plan::max_readings_window(),
            )
            .unwrap()
            .len() as u64;
            stored_lists += 1;
        }
    }
    assert!(first > 0 && resumed > 0);
    assert!(
        first + resumed <= full + stored_lists + 2,
        "{first} + {resumed} readings calls for {full} windows"
    );
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_500_ends_the_sync_with_a_clear_error_and_the_next_sync_completes_it() {
    disturbed_then_completed(
        |mock, _| {
            mock.set_faults(Faults {
                error_500_on_call: Some(1),
                ..Default::default()
            })
        },
        30,
        |e| {
            assert!(
                matches!(
                    e,
                    SyncError::Gateway(g) if matches!(
                        g.maker_error::<ClientError>(),
                        Some(ClientError::Protocol(ProtocolError::HttpStatus { status: 500, .. }))
                    )
                ),
                "{e:?}"
            );
            let de = e.message(Lang::De);
            assert!(de.contains("500"), "{de}");
            assert!(de.contains("nächste Abgleich"), "{de}");
            assert!(e.message(Lang::En).contains("next sync"));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_mid_response_ends_the_sync_and_the_next_sync_completes_it() {
    disturbed_then_completed(
        |mock, _| {
            mock.set_faults(Faults {
                drop_after_bytes: Some(2000),
                ..Default::default()
            })
        },
        45,
        |e| {
            assert!(
                matches!(e, SyncError::Gateway(GatewayError::Maker(_))),
                "{e:?}"
            );
            assert!(!e.is_cancelled());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_stops_between_calls_and_leaves_the_archive_consistent() {
    disturbed_then_completed(
        |_, cancel| cancel.cancel(),
        20,
        |e| {
            assert!(e.is_cancelled(), "{e:?}");
            assert!(e.message(Lang::En).starts_with("Cancelled."));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_makes_no_further_call() {
    let mock = start_builtin("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let db = new_archive(&dir).await;
    let mut session = login(&mock, "demo", "demo").await;
    let cancel = CancelFlag::new();
    let mut at_cancel = None;
    let err = sync(
        &mut session,
        &db,
        &SyncOptions::default(),
        |p| {
            if p.calls_done == 12 {
                cancel.cancel();
                at_cancel = Some(mock.stats().requests);
            }
        },
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SyncError::Cancelled));
    assert_eq!(Some(mock.stats().requests), at_cancel);
    mock.shutdown().await;
}

/// The demo scenario with another seed: the same gateway, consumer and contracts, but
/// different values (as if the gateway had re-computed them).
fn changed_demo(dir: &std::path::Path) -> Scenario {
    let src = scenario_dir("demo");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let toml_path = dir.join("scenario.toml");
    let text = std::fs::read_to_string(&toml_path).unwrap();
    let changed = text.replacen("seed = ", "seed = 7", 1);
    assert_ne!(changed, text);
    std::fs::write(&toml_path, changed).unwrap();
    Scenario::load(dir).expect("changed scenario")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_that_changes_between_syncs_gives_conflicts_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_archive(&dir).await;
    let first = start_builtin("demo").await;
    let original = first.scenario().clone();
    let mut session = login(&first, "demo", "demo").await;
    run(&mut session, &db).await.expect("first sync");
    first.shutdown().await;

    let sc_dir = tempfile::tempdir().unwrap();
    let changed = changed_demo(sc_dir.path());
    let second = start(changed.clone()).await;
    let mut session = login(&second, "demo", "demo").await;
    let report = run(&mut session, &db).await.expect("second sync");

    // Exactly the slots read again (the settle span, and the current values) whose
    // content differs between the two versions are conflicts; the first version stays.
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    let (stored, described) = archived(&db, consumer).await;
    let now = original.now();
    let settle = SyncOptions::default().settle.num_seconds();
    let mut want_conflicts = 0u64;
    for (up, taf, database, obis) in &described {
        let (a, b) = if [9, 10, 14].contains(taf) {
            (
                original
                    .expected_readings("demo", up, database, obis)
                    .unwrap(),
                changed
                    .expected_readings("demo", up, database, obis)
                    .unwrap(),
            )
        } else {
            (
                original
                    .expected_readings_between("demo", up, database, obis, now - settle, now)
                    .unwrap(),
                changed
                    .expected_readings_between("demo", up, database, obis, now - settle, now)
                    .unwrap(),
            )
        };
        for rb in &b {
            if let Some(ra) = a
                .iter()
                .find(|ra| ra.channel == rb.channel && ra.target_time == rb.target_time)
            {
                if mock_row(ra) != mock_row(rb) {
                    want_conflicts += 1;
                }
            }
        }
    }
    assert!(want_conflicts > 0, "the seed change must change values");
    let conflicts = db
        .reading_conflicts(Scope::Consumer(consumer))
        .await
        .unwrap();
    assert_eq!(conflicts.len() as u64, want_conflicts);
    assert_eq!(
        report.values.new_conflicts + report.current.new_conflicts,
        want_conflicts
    );
    for c in &conflicts {
        assert_eq!(c.stored.target_time, c.other.target_time);
        assert_ne!(archive_row(&c.stored), archive_row(&c.other));
    }
    // Nothing lost: the archive still holds exactly the first version.
    let want = expected(&original, "demo", &described);
    let mut stored = stored;
    stored.retain(|_, rows| !rows.is_empty());
    assert!(stored == want, "the archived values are the first version");
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumers_of_one_gateway_and_two_gateways_stay_apart_in_one_archive() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_archive(&dir).await;
    let multi = start_builtin("multi-consumer").await;
    let demo = start_builtin("demo").await;
    let multi_dir = scenario_dir("multi-consumer");

    let mut alice = login(&multi, "alice", "wunderland").await;
    run(&mut alice, &db).await.expect("alice");
    let mut bob = login_pem(&multi, &multi_dir, "bob").await;
    run(&mut bob, &db).await.expect("bob");
    let mut carol = login(&multi, "carol", "c4r0l!").await;
    run(&mut carol, &db).await.expect("carol");
    let mut demo_session = login(&demo, "demo", "demo").await;
    run(&mut demo_session, &db).await.expect("demo");

    assert_eq!(db.gateways().await.unwrap().len(), 2);
    let sc = multi.scenario();
    for name in ["alice", "bob", "carol"] {
        let id = consumer_id(&db, "EPPC0210486902", &sc.userid(name).unwrap()).await;
        assert_complete(&db, id, sc, name).await;
    }
    // demo and alice share a user id, on different gateways.
    let demo_id = consumer_id(&db, "ETHE0310486901", USER).await;
    assert_complete(&db, demo_id, demo.scenario(), "demo").await;
    assert_ne!(demo_id, consumer_id(&db, "EPPC0210486902", USER).await);

    // A second sync of alice: her TAF-1 contract ended in August, long before the
    // gateway's clock, so it is not read again; TAF 7 (15 min) and TAF 6 (monthly, started
    // in November) are read once each. Bob's old meter (exchanged) does not add calls.
    let before = requests(&multi);
    let mut alice = login(&multi, "alice", "wunderland").await;
    let r = run(&mut alice, &db).await.expect("alice again");
    assert_eq!(r.readings_calls, 2, "{r:?}");
    let mut bob = login_pem(&multi, &multi_dir, "bob").await;
    let r = run(&mut bob, &db).await.expect("bob again");
    // Bob: TAF 7 origin + daily; TAF 9 is a current value.
    assert_eq!((r.readings_calls, r.current_calls), (2, 1), "{r:?}");
    assert_eq!(diff(&requests(&multi), &before)["readings"], 5);
    multi.shutdown().await;
    demo.shutdown().await;
}

/// Field failure 40: the operator changed the consumer's password. The archive knows the
/// consumer by gateway and user id, never by credentials: the next sync with the new
/// password continues the same history (one consumer, nothing doubled, nothing missing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_continues_the_same_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_archive(&dir).await;
    let before = start_builtin("demo").await;
    let mut session = login(&before, "demo", "demo").await;
    run(&mut session, &db)
        .await
        .expect("sync with the old password");
    session.disconnect().await;
    let consumer = consumer_id(&db, "ETHE0310486901", USER).await;
    let values_before = values_stored(&db, consumer).await;
    before.shutdown().await;

    // The same gateway after the change: the demo scenario with another password.
    let changed = tempfile::tempdir().unwrap();
    let after = start(demo_with_password(changed.path(), "neu-2026")).await;
    let mut session = login(&after, "demo", "neu-2026").await;
    let report = run(&mut session, &db)
        .await
        .expect("sync with the new password");
    session.disconnect().await;

    let consumers = db.consumers(None).await.unwrap();
    assert_eq!(consumers.len(), 1, "still one consumer: {consumers:?}");
    assert_eq!(consumer_id(&db, "ETHE0310486901", USER).await, consumer);
    let values_after = values_stored(&db, consumer).await;
    assert!(values_after >= values_before, "nothing lost");
    assert!(
        report.values.inserted < values_before / 10,
        "only the newest windows were read again, not the history ({} new of {values_before})",
        report.values.inserted
    );
    assert_complete(&db, consumer, after.scenario(), "demo").await;
    after.shutdown().await;
}
