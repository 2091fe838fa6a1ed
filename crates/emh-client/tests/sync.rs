//! A full `durchblick_sync` run on the EMH adapter into a real SQLite archive file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use archive::{Archive, Scope};
use common::*;
use durchblick_sync::{sync, SyncOptions, SyncReport};
use emh_client::EmhGateway;
use gateway::CancelFlag;
use mock_smgw::EmhFaults;

async fn run(g: &mut EmhGateway, db: &Archive) -> SyncReport {
    sync(g, db, &SyncOptions::default(), |_| {}, &CancelFlag::new())
        .await
        .expect("sync")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_archives_every_value_and_the_logbook_and_resumes() {
    let mock = start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emh.sqlite");
    let db = Archive::open(&path).await.unwrap();
    let mut g = connect(&mock).await;
    let scenario = mock.scenario().clone();
    let want7 = scenario
        .expected_readings("demo", TAF7, "origin", OBIS)
        .unwrap();
    let want1 = scenario
        .expected_readings("demo", TAF1, "origin", OBIS)
        .unwrap();

    let first = run(&mut g, &db).await;
    assert_eq!(first.smgw_id, "EEMH0012345678");
    assert_eq!(first.userid, "demo");
    assert_eq!(first.gateway_time, t("2026-11-20T09:00:00Z"));
    assert_eq!(first.contracts, 2);
    assert_eq!(
        first.values.inserted,
        u64::try_from(want7.len() + want1.len()).unwrap()
    );
    assert_eq!(first.values.new_conflicts, 0);
    assert_eq!(first.log.inserted, 400);
    assert_eq!(first.current_calls, 0, "TAF 7 and 1 keep stored values");

    let status = db.status(Scope::All).await.unwrap();
    assert_eq!(status.len(), 2);
    let mut counts: Vec<u64> = status.iter().map(|s| s.count).collect();
    counts.sort_unstable();
    let mut expected = vec![want7.len() as u64, want1.len() as u64];
    expected.sort_unstable();
    assert_eq!(counts, expected);
    let taf7 = status
        .iter()
        .find(|s| s.count == want7.len() as u64)
        .unwrap();
    assert_eq!(taf7.last, Some(unix(want7.last().unwrap().target_time)));
    assert_eq!(taf7.first, Some(unix(want7[0].target_time)));
    // The two hours missing on 3 September: one hole of 8 quarter hours.
    assert_eq!(taf7.gaps, 1);
    assert_eq!(taf7.missing_slots, 8);

    // Again: nothing new, no conflicts; only the settle span and the newest month read.
    let second = run(&mut g, &db).await;
    assert_eq!(second.values.inserted, 0);
    assert_eq!(second.values.new_conflicts, 0);
    assert_eq!(second.log.inserted, 0);
    assert!(second.readings_calls <= 2, "{second:?}");
    g.disconnect_and_check(&mock);
    drop(db);
    assert!(path.exists());
}

trait Check {
    fn disconnect_and_check(&self, mock: &mock_smgw::RunningMock);
}

impl Check for EmhGateway {
    fn disconnect_and_check(&self, mock: &mock_smgw::RunningMock) {
        let s = mock.emh_stats();
        assert_eq!(s.reused_nonce + s.too_fast + s.overlapping, 0, "{s:?}");
        assert!(self.warnings().is_empty(), "{:?}", self.warnings());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_history_a_sync_keeps_each_current_value() {
    let emh = EmhFaults {
        no_history: true,
        no_logbook: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("emh.sqlite")).await.unwrap();
    let mut g = connect(&mock).await;
    let report = run(&mut g, &db).await;
    assert_eq!(report.readings_calls, 0);
    assert_eq!(report.log_calls, 0);
    assert_eq!(report.current_calls, 2);
    assert_eq!(report.current.inserted, 2);
    let status = db.status(Scope::All).await.unwrap();
    assert_eq!(status.len(), 2);
    assert!(status
        .iter()
        .all(|s| s.count == 1 && s.last == Some(t("2026-11-20T09:00:00Z"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_contracts_each_meter_gets_a_synthetic_contract_and_its_values_are_archived() {
    let emh = EmhFaults {
        no_contracts: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("emh.sqlite")).await.unwrap();
    let mut g = connect(&mock).await;

    // The interface: one TAF 7-like contract per meter, channels from its current values.
    use gateway::Gateway;
    let contracts = g.contracts().await.unwrap().into_value().unwrap();
    let ids: Vec<_> = contracts
        .iter()
        .map(|c| c.usage_point_id.as_str())
        .collect();
    assert_eq!(ids, ["meter-1emh0012345678", "meter-1EMH0087654321.sm"]);
    assert!(contracts
        .iter()
        .all(|c| c.taf == smgw_model::records::Taf::Taf7 && c.meters.len() == 1));
    let d = g
        .contract_detail(ids[1])
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(d.databases.len(), 1);
    assert_eq!(
        d.databases[0].database,
        smgw_model::records::Database::Origin
    );
    let ch = &d.databases[0].channels;
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].obis.to_hex(), OBIS);
    assert_eq!(ch[0].scaler, 0, "the meter's own scaler");
    assert!(g.warnings().iter().any(|w| w.contains("no contracts")));

    // A sync archives every value of both meters (the contracts have no start: the sync
    // reaches back `history`; the values begin in August and September).
    let opts = SyncOptions {
        history: chrono::Duration::days(130),
        ..SyncOptions::default()
    };
    let report = sync(&mut g, &db, &opts, |_| {}, &CancelFlag::new())
        .await
        .expect("sync");
    let want7 = mock
        .scenario()
        .expected_readings("demo", TAF7, "origin", OBIS)
        .unwrap();
    let want1 = mock
        .scenario()
        .expected_readings("demo", TAF1, "origin", OBIS)
        .unwrap();
    assert_eq!(report.contracts, 2);
    assert_eq!(
        report.values.inserted,
        u64::try_from(want7.len() + want1.len()).unwrap(),
        "{report:?}"
    );
    assert_eq!(report.current_calls, 0);
    let status = db.status(Scope::All).await.unwrap();
    assert_eq!(status.len(), 2);
    for s in &status {
        let want = if s
            .channel
            .key
            .name
            .meter_id
            .eq_ignore_ascii_case("1emh0012345678")
        {
            &want7
        } else {
            &want1
        };
        assert_eq!(s.count, want.len() as u64);
        let stored = db
            .readings(s.channel.id, None, None, u32::MAX)
            .await
            .unwrap();
        for (got, e) in stored.iter().zip(want.iter()) {
            assert_eq!(got.reading.target_time, unix(e.target_time));
            assert_eq!(got.reading.value.raw, i128::from(e.value));
        }
    }
    let s = mock.emh_stats();
    assert_eq!(s.reused_nonce + s.too_fast + s.overlapping, 0, "{s:?}");
}
