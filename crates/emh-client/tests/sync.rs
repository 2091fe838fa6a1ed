//! A full `durchblick_sync` run on the EMH adapter into a real SQLite archive file.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

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

    // The daily list: the registers at local midnight; the billing-period values (TAF 1
    // only has periods): the registers at the periods' boundaries.
    let at_midnight = |want: &[mock_smgw::Reading]| -> Vec<mock_smgw::Reading> {
        want.iter()
            .filter(|r| mock_smgw::time::local_midnight(r.target_time) == r.target_time)
            .cloned()
            .collect()
    };
    let (daily7, daily1) = (at_midnight(&want7), at_midnight(&want1));
    let bounds = [
        t("2026-09-01T00:00:00+02:00").timestamp(),
        t("2026-10-01T00:00:00+02:00").timestamp(),
    ];
    let derived1: Vec<_> = want1
        .iter()
        .filter(|r| bounds.contains(&r.target_time))
        .cloned()
        .collect();
    assert!(!daily7.is_empty() && !daily1.is_empty() && !derived1.is_empty());

    let first = run(&mut g, &db).await;
    assert_eq!(first.smgw_id, "EEMH0012345678");
    assert_eq!(first.userid, "demo");
    assert_eq!(first.gateway_time, t("2026-11-20T09:00:00Z"));
    assert_eq!(first.contracts, 2);
    assert_eq!(
        first.values.inserted,
        u64::try_from(want7.len() + want1.len() + daily7.len() + daily1.len() + derived1.len())
            .unwrap()
    );
    assert_eq!(first.values.new_conflicts, 0);
    assert_eq!(first.log.inserted, 400);
    assert_eq!(first.current_calls, 0, "TAF 7 and 1 keep stored values");

    let status = db.status(Scope::All).await.unwrap();
    let mut lists: Vec<(String, String, u64)> = status
        .iter()
        .map(|s| {
            (
                s.channel.key.database.clone(),
                s.channel.key.name.meter_id.to_ascii_lowercase(),
                s.count,
            )
        })
        .collect();
    lists.sort();
    let (m7, m1) = ("1emh0012345678".to_owned(), "1emh0087654321".to_owned());
    let n = |v: &[mock_smgw::Reading]| v.len() as u64;
    assert_eq!(
        lists,
        [
            ("daily".to_owned(), m7.clone(), n(&daily7)),
            ("daily".to_owned(), m1.clone(), n(&daily1)),
            ("derived".to_owned(), m1.clone(), n(&derived1)),
            ("origin".to_owned(), m7.clone(), n(&want7)),
            ("origin".to_owned(), m1.clone(), n(&want1)),
        ]
    );
    // The daily values as archived are the gateway's, value for value.
    for s in status.iter().filter(|s| s.channel.key.database == "daily") {
        let (want, scaler) = if s.channel.key.name.meter_id.eq_ignore_ascii_case(&m7) {
            (&daily7, -1)
        } else {
            (&daily1, 0)
        };
        let stored = db
            .readings(s.channel.id, None, None, u32::MAX)
            .await
            .unwrap();
        assert_eq!(stored.len(), want.len());
        for (got, e) in stored.iter().zip(want.iter()) {
            assert_eq!(got.reading.target_time, unix(e.target_time));
            assert_eq!(got.reading.value.raw, i128::from(e.value));
            assert_eq!(got.reading.value.scaler, scaler);
        }
    }
    let taf7 = status
        .iter()
        .find(|s| s.channel.key.database == "origin" && s.count == want7.len() as u64)
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
    // One window per value list: origin and daily of both contracts, derived of TAF 1.
    assert!(second.readings_calls <= 5, "{second:?}");
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
async fn without_system_information_the_archive_keeps_no_gateway_clock() {
    let mock = start_with(Some(faults(
        EmhFaults {
            no_systeminformations: true,
            ..EmhFaults::default()
        },
        0,
    )))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("emh.sqlite")).await.unwrap();
    let mut g = connect(&mock).await;
    // The estimate (the newest value's capture time) still places the sync …
    let report = run(&mut g, &db).await;
    assert_eq!(report.gateway_time, t("2026-11-20T09:00:00Z"));
    assert!(report.values.inserted > 0, "{report:?}");
    // … but is not stored as the gateway's clock, so nothing judges it as one.
    let gateway = db.gateways().await.unwrap()[0].id;
    let snapshots = db.gateway_snapshots(gateway).await.unwrap();
    assert_eq!(snapshots.len(), 1);
    assert_eq!(snapshots[0].1.smgw_time, None);
    assert_eq!(db.newest_gateway_clock(gateway).await.unwrap(), None);

    // With system information the clock is the gateway's own and kept.
    let mock = start().await;
    let mut g = connect(&mock).await;
    let report = run(&mut g, &db).await;
    let (_, smgw_time) = db
        .newest_gateway_clock(gateway)
        .await
        .unwrap()
        .expect("clock");
    assert_eq!(smgw_time.timestamp(), report.gateway_time.timestamp());
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
    let (contracts, warned) = g.contracts().await.unwrap().into_warned().unwrap();
    // The stand-in is said in the tolerant reader's channel, with the answer.
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0].path, "/json/metering/derived");
    assert_eq!(warned[0].raw, "[]");
    assert!(warned[0].reason.contains("no contracts"));
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
    assert!(g
        .warnings()
        .iter()
        .any(|w| w.reason.contains("no contracts")));

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contract_without_start_begins_with_its_meters_first_month_not_three_years_back() {
    let emh = EmhFaults {
        no_contracts: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("emh.sqlite")).await.unwrap();
    let mut g = connect(&mock).await;
    let at_connect = mock.emh_stats().stored_periods;

    // The stand-in contracts start with the first local month holding values.
    use gateway::Gateway;
    let contracts = g.contracts().await.unwrap().into_value().unwrap();
    let searched = mock.emh_stats().stored_periods - at_connect;
    let scenario = mock.scenario().clone();
    let want7 = scenario
        .expected_readings("demo", TAF7, "origin", OBIS)
        .unwrap();
    let want1 = scenario
        .expected_readings("demo", TAF1, "origin", OBIS)
        .unwrap();
    for (contract, want) in contracts.iter().zip([&want7, &want1]) {
        let first = unix(want[0].target_time);
        let start = contract.start.expect("a start");
        assert!(start < first, "{start} before the first value {first}");
        assert!(
            first - start <= chrono::Duration::days(31),
            "{start} {first}"
        );
        let month = emh_client::wire::month_of(start);
        assert_eq!(
            emh_client::wire::month_start(month),
            Some(start),
            "a local month's start"
        );
    }
    // The search: each month with values and the run of empty months before them.
    // A month's list holds the values of (start, end]: one at midnight of the 1st is the
    // previous month's.
    let months_with_values = |times: Vec<i64>| {
        let mut m: Vec<_> = times
            .into_iter()
            .map(|t| emh_client::wire::month_of(unix(t - 1)))
            .collect();
        m.dedup();
        m.len() as u64
    };
    let times =
        |want: &[mock_smgw::Reading]| want.iter().map(|r| r.target_time).collect::<Vec<i64>>();
    let with_values = months_with_values(times(&want7)) + months_with_values(times(&want1));
    assert_eq!(
        searched,
        with_values + 2 * u64::from(emh_client::EMPTY_MONTHS_END_HISTORY),
        "one request per month with values plus the empty run, per meter"
    );

    // A sync with the default reach (3 years) asks only from there on.
    let before = mock.emh_stats().stored_periods;
    let report = sync(
        &mut g,
        &db,
        &SyncOptions::default(),
        |_| {},
        &CancelFlag::new(),
    )
    .await
    .expect("sync");
    let asked = mock.emh_stats().stored_periods - before;
    assert_eq!(
        report.values.inserted,
        u64::try_from(want7.len() + want1.len()).unwrap()
    );
    println!(
        "contract without start: {searched} requests to find the first months, \
         {asked} month requests in the sync ({with_values} months hold values; \
         3 years back would be at least 72)"
    );
    assert!(
        asked <= 2 * with_values,
        "{asked} month requests for {with_values} months with values"
    );
    // Again in the same session: the search is not repeated.
    let before = mock.emh_stats().stored_periods;
    g.contracts().await.unwrap().into_value().unwrap();
    assert_eq!(mock.emh_stats().stored_periods, before);
}
