//! A full `durchblick_sync` run on the PPC adapter against `ppc-demo` into a real SQLite
//! archive file: every generated value archived exactly, the logbook once, a cheap second
//! run, and the gateway's one session logged out at the end.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::time::Duration;

use archive::{Archive, LogFilter, Scope};
use durchblick_sync::{sync, SyncOptions, SyncReport};
use gateway::{CancelFlag, Gateway};
use han_client::{PinPolicy, Timeouts};
use mock_smgw::{RunningMock, Scenario};
use ppc_client::{PpcGateway, PpcOptions};
use smgw_model::status::GatewayStatus;
use smgw_model::ScaledValue;

/// (usage point in the scenario, meter as the PPC names it, channels).
const LISTS: [(&str, &str, &[&str]); 2] = [
    (
        "01005e318002.taf7-1.sm",
        "1lgz0072999211",
        &["0100010800ff", "0100020800ff"],
    ),
    (
        "01005e318003.taf7-2.sm",
        "1emh0013572468",
        &["0100010800ff"],
    ),
];

/// ppc-demo's "now".
const NOW: &str = "2026-11-20T09:00:00Z";

async fn mock() -> RunningMock {
    let s = Scenario::builtin("ppc-demo").expect("scenario");
    mock_smgw::start(s, "127.0.0.1:0".parse().expect("addr"), Default::default())
        .await
        .expect("mock")
}

async fn connect(m: &RunningMock) -> PpcGateway {
    let mut o = PpcOptions::new(
        "127.0.0.1",
        "demo",
        "demo",
        PinPolicy::Pinned(m.fingerprint_sha256().parse().expect("fingerprint")),
    );
    o.port = m.addr().port();
    o.pause = Duration::ZERO;
    o.timeouts = Timeouts {
        response: Duration::from_secs(20),
        login: Duration::from_secs(5),
        ..Timeouts::default()
    };
    PpcGateway::connect(o).await.expect("connect")
}

async fn run(g: &mut PpcGateway, db: &Archive) -> SyncReport {
    sync(g, db, &SyncOptions::default(), |_| {}, &CancelFlag::new())
        .await
        .expect("sync")
}

fn requests(m: &RunningMock) -> u64 {
    m.ppc_stats().actions.values().sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_archives_every_value_and_the_logbook_once_and_logs_out() {
    let m = mock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ppc.sqlite");
    let db = Archive::open(&path).await.expect("archive");
    let mut g = connect(&m).await;

    let first = run(&mut g, &db).await;
    assert_eq!(first.smgw_id, "EPPC0210486901");
    assert_eq!(first.userid, "demo");
    assert_eq!(first.contracts, 2);
    // The gateway's clock: the web server's `Date` header (the scenario's "now").
    let now = first.gateway_time.timestamp();
    let scenario_now = chrono::DateTime::parse_from_rfc3339(NOW).expect("now");
    assert_eq!(now, scenario_now.timestamp(), "{first:?}");

    // Every generated value up to the gateway's clock, exactly.
    let scenario = m.scenario().clone();
    let mut want: BTreeMap<String, Vec<mock_smgw::Reading>> = BTreeMap::new();
    for (up, meter, channels) in LISTS {
        for obis in channels {
            let e = scenario
                .expected_readings_between("demo", up, "origin", obis, 0, now)
                .expect("expected");
            assert!(e.len() > 30_000, "{up} {obis}: {}", e.len());
            want.insert(format!("{obis}.{meter}.sm"), e);
        }
    }
    let total: usize = want.values().map(Vec::len).sum();
    assert_eq!(first.values.inserted, total as u64, "{first:?}");
    assert_eq!(first.values.new_conflicts, 0);
    let status = db.status(Scope::All).await.expect("status");
    assert_eq!(status.len(), 3);
    for s in &status {
        let name = s.channel.key.name.to_string();
        let expected = want
            .get(&name)
            .unwrap_or_else(|| panic!("unexpected channel {name}"));
        assert_eq!(s.channel.key.database, "origin");
        assert_eq!(s.count, expected.len() as u64, "{name}");
        let stored = db
            .readings(s.channel.id, None, None, u32::MAX)
            .await
            .expect("readings");
        assert_eq!(stored.len(), expected.len(), "{name}");
        for (got, e) in stored.iter().zip(expected) {
            let r = &got.reading;
            assert_eq!(r.target_time.timestamp(), e.target_time, "{name}");
            assert_eq!(
                r.value.cmp_value(ScaledValue::new(i128::from(e.value), -1)),
                std::cmp::Ordering::Equal,
                "{name} at {}",
                r.target_time
            );
            let valid = u32::from_str_radix(&e.smgw_status, 16).expect("hex") & 0x0086_0000 == 0;
            let word = r.smgw_status.as_deref().expect("gateway status");
            let word = GatewayStatus::from_hex(word).expect("hex status");
            assert_eq!(word.ptb().is_valid(), valid, "{name} at {}", r.target_time);
            assert_eq!(
                r.signature.is_some(),
                !e.signature.as_deref().unwrap_or("").is_empty()
            );
        }
    }

    // The logbook: the 2500 generated entries and this session's login, each once.
    let expected_log = scenario.expected_log("demo").expect("log");
    assert_eq!(
        first.log.inserted,
        expected_log.len() as u64 + 1,
        "{first:?}"
    );
    let log = db
        .log_entries(first.consumer, &LogFilter::default())
        .await
        .expect("log");
    assert_eq!(log.len(), expected_log.len() + 1);
    for (got, want) in log.iter().zip(&expected_log) {
        assert_eq!(got.entry.index, want.index);
        assert_eq!(got.entry.time.map(|t| t.timestamp()), Some(want.time));
    }
    assert_eq!(
        log.last().and_then(|e| e.entry.message.as_deref()),
        Some("Letztverbraucher demo hat sich angemeldet")
    );

    // Again, in the same session: nothing new, no conflicts, few requests.
    let before = requests(&m);
    let second = run(&mut g, &db).await;
    let made = requests(&m) - before;
    assert_eq!(second.values.inserted, 0, "{second:?}");
    assert_eq!(second.values.new_conflicts, 0);
    assert_eq!(second.log.inserted, 0);
    assert_eq!(second.log.new_conflicts, 0);
    assert!(second.readings_calls <= 2, "{second:?}");
    assert!(
        made <= 8,
        "second sync made {made} requests: {:?}",
        m.ppc_stats()
    );

    // Logged out: the gateway's one session is free again.
    g.disconnect().await;
    let s = m.ppc_stats();
    assert_eq!((s.logins, s.logouts), (1, 1), "{s:?}");

    // A later sync through the same object logs in again and archives the two entries
    // written since (the logout and the new login), asking only for the recent range.
    let before = m
        .ppc_stats()
        .actions
        .get("exportLogData")
        .copied()
        .unwrap_or(0);
    let third = run(&mut g, &db).await;
    let log_requests = m
        .ppc_stats()
        .actions
        .get("exportLogData")
        .copied()
        .unwrap_or(0)
        - before;
    assert_eq!(third.log.inserted, 2, "{third:?}");
    assert_eq!(third.values.inserted, 0);
    assert_eq!(log_requests, 1);
    let log = db
        .log_entries(first.consumer, &LogFilter::default())
        .await
        .expect("log");
    assert_eq!(log.len(), expected_log.len() + 3);
    assert_eq!(
        log.iter()
            .rev()
            .take(2)
            .filter_map(|e| e.entry.message.as_deref())
            .collect::<Vec<_>>(),
        [
            "Letztverbraucher demo hat sich angemeldet",
            "Letztverbraucher demo hat sich abgemeldet"
        ]
    );
    g.disconnect().await;
    let s = m.ppc_stats();
    assert_eq!((s.logins, s.logouts), (2, 2), "{s:?}");
    assert!(!s.crashed);
    assert_eq!(s.broken_session_pages, 0);
    // Every signed file (values, logbook, meter profiles) verified against its certificate.
    let checks = g.signature_checks();
    assert!(checks.len() > 20, "{}", checks.len());
    assert!(checks.iter().all(|c| c.check.is_verified()), "{checks:?}");
    let warnings = g.take_warnings();
    assert!(
        warnings.iter().all(|w| !w.path.ends_with(": signature")),
        "{warnings:?}"
    );
    drop(db);
    assert!(path.exists());
}
