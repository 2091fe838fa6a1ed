//! The watch loop against the mock gateway (real TLS on 127.0.0.1) and a real mosquitto:
//! discovery and states as the mock serves them, broker down and back, gateway down and
//! back, and the daily sync losing nothing.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../../sync/tests/support/mod.rs"]
mod support;
mod support_mqtt;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use archive::Archive;
use async_trait::async_trait;
use durchblick_core::connect::{connect, Connected, Target};
use durchblick_watch::mqtt::{BrokerLogin, BrokerUrl, Publisher};
use durchblick_watch::{Connector, WatchError, WatchEvent, WatchOptions};
use gateway::{CancelFlag, Gateway};
use han_client::{Auth, Fingerprint};
use serde_json::Value;
use smgw_model::Lang;
use support_mqtt::*;

struct MockConnector {
    addr: SocketAddr,
    fingerprint: Fingerprint,
}

#[async_trait]
impl Connector for MockConnector {
    async fn connect(&mut self) -> Result<Box<dyn Gateway>, WatchError> {
        let target = Target {
            vendor: durchblick_core::Vendor::Conexa,
            ..Target::new("127.0.0.1", self.addr.port())
        };
        let auth = Auth::Digest {
            user: "demo".into(),
            password: "demo".into(),
        };
        match connect(&target, auth, None, Some(self.fingerprint)).await {
            Ok(Connected::Session { gateway, .. }) => Ok(gateway),
            Ok(Connected::NeedsConfirmation { .. }) => Err(WatchError::Connect {
                message: "unconfirmed".into(),
                fatal: true,
            }),
            Err(e) => Err(WatchError::Connect {
                message: e.message(Lang::En),
                fatal: false,
            }),
        }
    }
}

/// What the mock serves as the newest value per (meter, OBIS) of the origin lists: the
/// state payload value in kWh (the demo's channels are Wh with scaler −1).
fn expected_states(scenario: &mock_smgw::Scenario) -> BTreeMap<String, (String, i64)> {
    let mut want: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for (up, obis) in [
        ("01005e318021.taf1-1.sm", "0100010800ff"),
        ("01005e318022.taf2-1.sm", "0100010800ff"),
        ("01005e318023.taf7-1.sm", "0100010800ff"),
        ("01005e318024.taf10-1.sm", "0100010800ff"),
        ("01005e318024.taf10-1.sm", "0100010700ff"),
    ] {
        let readings = scenario
            .expected_readings("demo", up, "origin", obis)
            .expect("expected readings");
        let Some(r) = readings.iter().max_by_key(|r| r.target_time) else {
            continue;
        };
        let meter = r.channel.split('.').nth(1).unwrap().to_lowercase();
        let topic = format!("durchblick/ethe0310486901/{meter}_{obis}/state");
        // raw × 10⁻¹ Wh = raw × 10⁻⁴ kWh; raw × 10⁻¹ W stays W.
        let scaler = if obis == "0100010700ff" { -1 } else { -4 };
        let value = smgw_model::ScaledValue::new(i128::from(r.value), scaler).to_decimal_string();
        if want.get(&topic).is_none_or(|(_, t)| r.target_time > *t) {
            want.insert(topic, (value, r.target_time));
        }
    }
    want
}

fn states_match(got: &BTreeMap<String, String>, want: &BTreeMap<String, (String, i64)>) -> bool {
    want.iter().all(|(topic, (value, _))| {
        got.get(topic)
            .and_then(|p| serde_json::from_str::<Value>(p).ok())
            .is_some_and(|v| v["value"] == value.as_str())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_publishes_discovery_and_states_and_survives_outages() {
    let broker = Broker::start(free_port());
    let port = broker.port;
    let mock = support::start_builtin("demo").await;
    let addr = mock.addr();
    let scenario = mock.scenario().clone();
    let fingerprint: Fingerprint = mock.fingerprint_sha256().parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.sqlite");
    let db = Archive::open(&path).await.unwrap();

    let url: BrokerUrl = format!("mqtt://127.0.0.1:{port}").parse().unwrap();
    let publisher = Publisher::start(
        &url,
        &BrokerLogin::default(),
        "durchblick-test",
        "durchblick/ethe0310486901/availability",
        (Duration::from_millis(100), Duration::from_millis(500)),
    )
    .unwrap();
    let opts = WatchOptions {
        read_every: Duration::from_millis(400),
        sync_every: Some(Duration::from_secs(2)),
        backoff: (Duration::from_millis(100), Duration::from_millis(800)),
        ..WatchOptions::new(Lang::En)
    };
    let cancel = CancelFlag::new();
    let events: Arc<Mutex<Vec<WatchEvent>>> = Arc::default();
    let task = {
        let (cancel, events) = (cancel.clone(), events.clone());
        tokio::spawn(async move {
            let mut connector = MockConnector { addr, fingerprint };
            let mut on_event = |e: WatchEvent| events.lock().unwrap().push(e);
            let report = durchblick_watch::run(
                &mut connector,
                Some(&db),
                &publisher,
                &opts,
                &cancel,
                &mut on_event,
            )
            .await;
            (report, db, publisher)
        })
    };

    // Discovery and states, compared with what the mock serves.
    let want = expected_states(&scenario);
    assert_eq!(
        want.len(),
        2,
        "the demo has one meter with 1.8.0 and 1.7.0: {want:?}"
    );
    let got = until(port, Duration::from_secs(30), |g| states_match(g, &want)).await;
    assert!(states_match(&got, &want), "states {got:#?}\nwant {want:#?}");
    assert_eq!(got["durchblick/ethe0310486901/availability"], "online");
    for (topic, (_, target)) in &want {
        let state: Value = serde_json::from_str(&got[topic]).unwrap();
        let time = chrono::DateTime::from_timestamp(*target, 0).unwrap();
        assert_eq!(
            state["time"],
            time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        assert!(state["ptb"].is_u64(), "{state}");
    }
    let configs: Vec<Value> = got
        .iter()
        .filter(|(t, _)| t.starts_with("homeassistant/sensor/ethe0310486901/"))
        .map(|(_, p)| serde_json::from_str(p).unwrap())
        .collect();
    assert_eq!(configs.len(), 2, "{got:#?}");
    let energy = configs
        .iter()
        .find(|c| c["unique_id"].as_str().unwrap().ends_with("_0100010800ff"))
        .expect("1.8.0 announced");
    assert_eq!(energy["device_class"], "energy");
    assert_eq!(energy["state_class"], "total_increasing");
    assert_eq!(energy["unit_of_measurement"], "kWh");
    assert_eq!(
        energy["availability_topic"],
        "durchblick/ethe0310486901/availability"
    );
    assert_eq!(
        energy["device"]["identifiers"][0],
        "durchblick_ethe0310486901"
    );
    assert_eq!(energy["device"]["manufacturer"], "CONEXA");
    let power = configs
        .iter()
        .find(|c| c["unique_id"].as_str().unwrap().ends_with("_0100010700ff"))
        .expect("1.7.0 announced");
    assert_eq!(power["device_class"], "power");
    assert_eq!(power["unit_of_measurement"], "W");

    // Broker down and back (no persistence: everything retained must be published again).
    broker.kill();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let broker = Broker::start(port);
    let got = until(port, Duration::from_secs(30), |g| {
        states_match(g, &want)
            && g.get("durchblick/ethe0310486901/availability")
                .map(String::as_str)
                == Some("online")
            && g.keys().filter(|t| t.starts_with("homeassistant/")).count() == 2
    })
    .await;
    assert!(
        states_match(&got, &want),
        "after the broker came back: {got:#?}"
    );

    // Gateway down and back on the same port.
    mock.shutdown().await;
    let failures_before = count(&events, |e| matches!(e, WatchEvent::Failed { .. }));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        count(&events, |e| matches!(e, WatchEvent::Failed { .. })) > failures_before,
        "the outage was noticed: {:?}",
        events.lock().unwrap()
    );
    let mock = mock_smgw::start(scenario.clone(), addr, mock_smgw::Options::default())
        .await
        .expect("mock starts again on the same port");
    let connected_before = count(&events, |e| matches!(e, WatchEvent::Connected { .. }));
    let synced_before = count(&events, |e| matches!(e, WatchEvent::Synced { .. }));
    let end = std::time::Instant::now() + Duration::from_secs(90);
    while count(&events, |e| matches!(e, WatchEvent::Synced { .. })) <= synced_before
        || count(&events, |e| matches!(e, WatchEvent::Connected { .. })) <= connected_before
    {
        assert!(
            std::time::Instant::now() < end,
            "no reconnect and sync: {:?}",
            events.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let got = collect(port, Duration::from_secs(1)).await;
    assert!(
        states_match(&got, &want),
        "after the gateway came back: {got:#?}"
    );

    // Stop cleanly: availability offline, the archive complete.
    cancel.cancel();
    let (report, db, publisher) = tokio::time::timeout(Duration::from_secs(60), task)
        .await
        .expect("stops after cancel")
        .unwrap();
    let report = report.expect("watch ends without error");
    assert!(
        report.reads >= 2 && report.syncs >= 2 && report.failures >= 1,
        "{report:?}"
    );
    publisher.close(true).await;
    let got = collect(port, Duration::from_secs(1)).await;
    assert_eq!(got["durchblick/ethe0310486901/availability"], "offline");

    let consumer = support::consumer_id(&db, "ETHE0310486901", "01005e318011.consumer1.sm").await;
    support::assert_complete(&db, consumer, &scenario, "demo").await;
    db.close().await;
    mock.shutdown().await;
    broker.kill();
}

fn count(events: &Arc<Mutex<Vec<WatchEvent>>>, f: impl Fn(&WatchEvent) -> bool) -> usize {
    events.lock().unwrap().iter().filter(|e| f(e)).count()
}

/// Issue #12: what the gateway's answers hold that cannot be decoded reaches the watch's
/// log as warnings (each once per run), and the values are published all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undecodable_auxiliary_fields_are_logged_once_as_warnings() {
    let broker = Broker::start(free_port());
    let port = broker.port;
    let mock = support::start_builtin("demo").await;
    mock.set_faults(mock_smgw::Faults {
        broken_auxiliary: true,
        ..Default::default()
    });
    let fingerprint: Fingerprint = mock.fingerprint_sha256().parse().unwrap();
    let url: BrokerUrl = format!("mqtt://127.0.0.1:{port}").parse().unwrap();
    let publisher = Publisher::start(
        &url,
        &BrokerLogin::default(),
        "durchblick-test-warnings",
        "durchblick/ethe0310486901/availability",
        (Duration::from_millis(100), Duration::from_millis(500)),
    )
    .unwrap();
    let opts = WatchOptions {
        once: true,
        sync_every: None,
        ..WatchOptions::new(Lang::En)
    };
    let mut events = Vec::new();
    let mut connector = MockConnector {
        addr: mock.addr(),
        fingerprint,
    };
    let report = durchblick_watch::run(
        &mut connector,
        None,
        &publisher,
        &opts,
        &CancelFlag::new(),
        &mut |e| events.push(e),
    )
    .await
    .expect("one read");
    assert_eq!(report.reads, 1);
    assert_eq!(report.sensors, 2, "every value published: {events:?}");
    let warnings: Vec<String> = events
        .iter()
        .filter(|e| matches!(e, WatchEvent::Warning { .. }))
        .map(|e| e.message(Lang::En))
        .collect();
    assert!(!warnings.is_empty(), "{events:?}");
    assert!(
        warnings.iter().all(|w| w.starts_with("Warning: ")),
        "{warnings:?}"
    );
    let mut unique = warnings.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), warnings.len(), "each once: {warnings:?}");
    publisher.close(true).await;
    mock.shutdown().await;
    broker.kill();
}
