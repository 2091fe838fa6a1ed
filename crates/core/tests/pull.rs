//! The live pull over the Gateway interface: against the in-memory gateway, and against the
//! demo gateway over real TLS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use chrono::{DateTime, Duration, TimeZone, Utc};
use durchblick_core::Vendor;
use durchblick_core::{demo, pull};
use gateway::{CancelFlag, MemoryGateway};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).single().unwrap()
}

#[tokio::test]
async fn a_period_brings_its_values_and_its_logbook_entries_and_nothing_else() {
    let mut g = MemoryGateway::example(start(), 70);
    let from = start() + Duration::days(10);
    let to = start() + Duration::days(45);
    let mut steps = Vec::new();
    let pulled = pull::live(&mut g, from, to, &mut |p| steps.push(p), &CancelFlag::new())
        .await
        .expect("pull");
    assert!(pulled.warnings.is_empty(), "{:?}", pulled.warnings);
    let set = pulled.set;
    assert_eq!(set.gateway.id, "EDNT0012345678");
    assert_eq!(set.customer_id.as_deref(), Some("u1"));
    assert_eq!(set.contracts.len(), 2);
    // TAF 7 keeps values: every quarter hour after `from` up to `to`, read in two windows.
    let lists = &set.contracts[0].value_lists;
    assert_eq!(lists.len(), 1);
    let readings = &lists[0].readings;
    assert_eq!(readings.len(), 35 * 96);
    assert_eq!(
        readings.first().map(|r| r.target_time),
        Some(from + Duration::minutes(15))
    );
    assert_eq!(readings.last().map(|r| r.target_time), Some(to));
    assert_eq!(g.calls.iter().filter(|c| *c == "readings").count(), 2);
    // TAF 10 keeps none.
    assert!(set.contracts[1].value_lists.is_empty());
    // Log entries of hours 240..249 lie in [from, to).
    assert_eq!(set.log.len(), 10);
    assert!(set
        .log
        .iter()
        .all(|e| e.time.is_some_and(|t| from <= t && t < to)));
    assert!(steps.last().is_some_and(|p| p.items >= 35 * 96));
}

#[tokio::test]
async fn a_gateway_without_history_or_logbook_is_not_asked_for_them() {
    let mut g = MemoryGateway::example(start(), 70);
    g.capabilities.history = false;
    g.capabilities.logbook = false;
    let set = pull::live(
        &mut g,
        start(),
        start() + Duration::days(70),
        &mut |_| {},
        &CancelFlag::new(),
    )
    .await
    .expect("pull")
    .set;
    assert!(set.contracts.iter().all(|c| c.value_lists.is_empty()));
    assert!(set.log.is_empty());
    assert!(!g.calls.iter().any(|c| c == "readings" || c == "log"));
}

#[tokio::test]
async fn the_demo_gateway_answers_over_tls_and_a_cancelled_pull_stops() {
    // The program's demo: its clock follows this computer's.
    let mut d = demo::start(Vendor::Conexa, demo::DemoClock::Following)
        .await
        .expect("demo");
    let facts = d
        .gateway
        .gateway_info()
        .await
        .expect("info")
        .into_value()
        .expect("decoded");
    assert_eq!(facts.han_certificate_matches, Some(true));
    let now = facts.info.time.expect("gateway time");
    let drift = (now - Utc::now()).num_seconds().abs();
    assert!(
        drift < 60,
        "the demo's clock is {drift} s off this computer's"
    );
    let cancel = CancelFlag::new();
    cancel.cancel();
    let err = pull::live(
        d.gateway.as_mut(),
        now - Duration::days(40),
        now,
        &mut |_| {},
        &cancel,
    )
    .await
    .expect_err("cancelled");
    assert!(matches!(err, gateway::GatewayError::Cancelled), "{err:?}");
    d.mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_makers_demo_gateway_gives_a_live_export() {
    for vendor in [Vendor::Ppc, Vendor::Emh] {
        let mut d = demo::start(vendor, demo::DemoClock::Scenario)
            .await
            .expect("demo");
        let now = DateTime::from_timestamp(d.mock.scenario().now(), 0).expect("now");
        let mut steps = 0;
        let pull::Pulled { set, warnings } = pull::live(
            d.gateway.as_mut(),
            now - Duration::days(2),
            now,
            &mut |_| steps += 1,
            &CancelFlag::new(),
        )
        .await
        .expect("pull");
        d.gateway.disconnect().await;
        // The adapters' warnings come with the pull: PPC's pages show no clock, so its
        // time comes from the Date header, and that is said; the EMH demo says nothing.
        match vendor {
            Vendor::Ppc => assert!(
                warnings
                    .iter()
                    .any(|w| w.path == "Date" && w.reason.contains("Date header")),
                "{warnings:?}"
            ),
            _ => assert!(warnings.is_empty(), "{vendor:?}: {warnings:?}"),
        }
        assert_eq!(
            set.gateway.id.to_string(),
            d.mock.scenario().smgw_id(),
            "{vendor:?}"
        );
        let values: usize = set
            .contracts
            .iter()
            .flat_map(|c| &c.value_lists)
            .map(|v| v.readings.len())
            .sum();
        // Two days of quarter hours of at least one channel.
        assert!(values >= 2 * 96, "{vendor:?}: {values} values");
        assert!(!set.log.is_empty(), "{vendor:?}: the logbook of the period");
        assert!(steps > 0);
        d.mock.shutdown().await;
    }
}
