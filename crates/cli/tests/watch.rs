//! `durchblick watch --once`: the real binary against the mock gateway and a real
//! mosquitto; the retained states must equal what the mock serves.

#[path = "../../sync/tests/support/mod.rs"]
mod support;
#[path = "../../watch/tests/support_mqtt.rs"]
mod support_mqtt;

use std::process::Command;

use serde_json::Value;
use support_mqtt::*;

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_once_publishes_discovery_and_states() {
    let broker = Broker::start(free_port());
    let mock = support::start_builtin("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let port = mock.addr().port().to_string();
    let mqtt = format!("mqtt://127.0.0.1:{}", broker.port);
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args([
                "--lang",
                "en",
                "watch",
                "--once",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
            ])
            .args([
                "--user",
                "demo",
                "--trust-on-first-use",
                "--vendor",
                "conexa",
            ])
            .args(["--mqtt", &mqtt])
            .env("DURCHBLICK_CONFIG_DIR", dir.path())
            .env("DURCHBLICK_PASSWORD", "demo")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("current values read and published"), "{err}");

    let got = collect(broker.port, std::time::Duration::from_secs(1)).await;
    let r = mock
        .scenario()
        .expected_readings("demo", "01005e318024.taf10-1.sm", "origin", "0100010700ff")
        .unwrap();
    let newest = r.iter().max_by_key(|r| r.target_time).unwrap();
    let meter = newest.channel.split('.').nth(1).unwrap().to_lowercase();
    let state: Value = serde_json::from_str(
        &got[&format!("durchblick/ethe0310486901/{meter}_0100010700ff/state")],
    )
    .unwrap();
    assert_eq!(
        state["value"],
        smgw_model::ScaledValue::new(i128::from(newest.value), -1).to_decimal_string()
    );
    assert_eq!(state["unit"], "W");
    let config: Value = serde_json::from_str(
        &got[&format!("homeassistant/sensor/ethe0310486901/{meter}_0100010800ff/config")],
    )
    .unwrap();
    assert_eq!(config["device_class"], "energy");
    assert_eq!(config["state_class"], "total_increasing");
    assert_eq!(got["durchblick/ethe0310486901/availability"], "online");
    mock.shutdown().await;
}

#[test]
fn watch_refuses_a_bad_broker_url() {
    let out = Command::new(BIN)
        .args([
            "--lang",
            "en",
            "watch",
            "--host",
            "127.0.0.1",
            "--user",
            "x",
        ])
        .args(["--mqtt", "http://broker"])
        .env("DURCHBLICK_PASSWORD", "x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no broker address"));
}
