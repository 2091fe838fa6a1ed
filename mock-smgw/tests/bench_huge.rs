//! Throughput figures for the `huge` scenario. Ignored by default (it is a measurement, not a
//! check of behaviour beyond completeness); run with
//! `cargo test -p mock-smgw --release --test bench_huge -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn pull_everything_from_huge() {
    let t0 = Instant::now();
    let sc = Scenario::builtin("huge").expect("huge");
    let load = t0.elapsed();
    let mock = mock_smgw::start(
        sc.clone(),
        "127.0.0.1:0".parse().expect("addr"),
        Options::default(),
    )
    .await
    .expect("start");
    let mut s = Session::digest(&mock, "demo", "demo").await;
    let up = "01005e318021.taf7-1.sm";
    let t1 = Instant::now();
    let (mut t, end) = (
        mock_smgw::time::parse("2024-11-19T00:00:00Z", 0).expect("t"),
        sc.now(),
    );
    let mut values = 0usize;
    let mut calls = 0;
    while t < end {
        let to = (t + 31 * 86_400).min(end);
        let v = s
            .ok(
                json!({"method": "readings", "usage-point-id": up, "database": "origin",
                "fromtime": mock_smgw::time::format(t), "totime": mock_smgw::time::format(to)}),
            )
            .await;
        values += v["readings"]["records"]
            .as_str()
            .and_then(|r| r.parse::<usize>().ok())
            .expect("records");
        calls += 1;
        t = to;
    }
    let readings = t1.elapsed();
    let t2 = Instant::now();
    let mut entries = 0usize;
    let mut from = 1u64;
    loop {
        let v = s
            .ok(json!({"method": "log", "fromindex": from.to_string()}))
            .await;
        let n: usize = v["log"]["records"]
            .as_str()
            .and_then(|r| r.parse().ok())
            .expect("records");
        entries += n;
        if n < 1500 {
            break;
        }
        from += 1500;
    }
    let log = t2.elapsed();
    let expected: usize = [
        "0100010800ff",
        "0100020800ff",
        "0100010700ff",
        "0100100700ff",
    ]
    .iter()
    .map(|c| {
        sc.expected_readings("demo", up, "origin", c)
            .expect("expected")
            .len()
    })
    .sum();
    assert_eq!(values, expected);
    assert_eq!(entries, 10_000);
    let bytes = mock.stats().bytes_sent;
    println!(
        "huge: scenario load {load:?}; {values} values in {calls} calls in {readings:?} ({:.0} values/s); \
         {entries} log entries in {log:?}; {:.1} MB sent",
        values as f64 / readings.as_secs_f64(),
        bytes as f64 / 1e6
    );
    mock.shutdown().await;
}
