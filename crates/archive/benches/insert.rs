//! Inserts 1,000,000 readings into a fresh archive file and prints wall time, rows/s and
//! peak memory (VmHWM). Not a timed test: run it with
//! `cargo bench -p archive --bench insert` (add `-- --signed` for readings that carry a
//! 64-byte signature each, `-- --rows N` for another count).
//!
//! The readings come as a sync would store them: 31-day windows of quarter hours, one
//! transaction per window, generated window by window so the benchmark's own data does not
//! dominate the memory figure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::time::Instant;

use archive::{Archive, ChannelKey, ChannelSpec, ChannelWindow, ContractInfo, Reading, Scope};
use chrono::{DateTime, Duration, Utc};
use smgw_model::{ScaledValue, Unit};

const WINDOW: usize = 2976; // 31 days × 96 quarter hours
const T0: i64 = 1_577_833_200; // 2019-12-31 23:00 UTC

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) of the whole process so far, in seconds: on a loaded machine
/// it tells what the wall time would be without competition.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn reading(i: usize, signed: bool) -> Reading {
    let t = T0 + 900 * i as i64;
    Reading {
        target_time: DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default(),
        capture_time: DateTime::<Utc>::from_timestamp(t + 2, 0),
        value: ScaledValue::new(171_165_808 + 25 * i as i128, -1),
        unit: Unit::WattHour,
        cosem_status: Some("0000000000000000".to_owned()),
        smgw_status: Some("a0000000".to_owned()),
        meter_status: None,
        owner: Some("0551010038180402".to_owned()),
        signature: signed.then(|| format!("{:0128x}", i as u128 * 0x9E37_79B9_7F4A_7C15)),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let signed = args.iter().any(|a| a == "--signed");
    let rows: usize = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(run(rows, signed));
}

async fn run(rows: usize, signed: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    let db = Archive::open(&path).await.expect("open");
    let now = Utc::now();
    let gw = db.gateway("ethe0300004261", now).await.expect("gateway");
    let consumer = db
        .consumer(gw, "01005e318011.consumer1.sm", now)
        .await
        .expect("consumer");
    let contract = db
        .contract(
            consumer,
            &ContractInfo {
                usage_point_id: "01005e318021.taf7-1.sm".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .expect("contract");
    let key = ChannelKey {
        database: "origin".into(),
        name: "0100010800ff.0551010038180402.sm".parse().expect("name"),
    };
    let spec = ChannelSpec {
        scaler: Some(-1),
        unit: Some(Unit::WattHour),
        period: Some(Duration::minutes(15)),
    };
    let channel = db.channel(contract, &key, spec).await.expect("channel");
    let rss_before = peak_rss_kib();

    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let mut in_store = std::time::Duration::ZERO;
    let mut inserted = 0u64;
    let mut next = 0usize;
    while next < rows {
        let end = (next + WINDOW).min(rows);
        let batch: Vec<Reading> = (next..end).map(|i| reading(i, signed)).collect();
        let until = batch.last().map(|r| r.target_time);
        let store_start = Instant::now();
        let (out, _) = db
            .store_window(
                &[ChannelWindow {
                    channel,
                    readings: &batch,
                    synced_until: until,
                }],
                None,
                now,
            )
            .await
            .expect("store window");
        in_store += store_start.elapsed();
        inserted += out.inserted;
        next = end;
    }
    let elapsed = start.elapsed();
    let cpu = cpu_seconds().zip(cpu_before).map(|(a, b)| a - b);

    // The same data again: the no-op path (all rows exist and compare equal).
    let again = Instant::now();
    let sample: Vec<Reading> = (0..WINDOW * 10).map(|i| reading(i, signed)).collect();
    for chunk in sample.chunks(WINDOW) {
        db.store_window(
            &[ChannelWindow {
                channel,
                readings: chunk,
                synced_until: None,
            }],
            None,
            now,
        )
        .await
        .expect("re-store");
    }
    let again = again.elapsed();
    let status_start = Instant::now();
    let status = db.status(Scope::Channel(channel)).await.expect("status");
    let status_time = status_start.elapsed();
    db.close().await;
    let file_size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    assert_eq!(inserted, rows as u64, "every reading must be new");
    let secs = elapsed.as_secs_f64();
    println!(
        "archive insert benchmark ({})",
        if signed {
            "with 64-byte signatures"
        } else {
            "unsigned readings"
        }
    );
    println!("  rows inserted:     {inserted}");
    println!(
        "  windows:           {} of up to {WINDOW} rows, one transaction each",
        rows.div_ceil(WINDOW)
    );
    println!("  wall time:         {secs:.3} s (incl. making the readings)");
    println!(
        "  in store_window:   {:.3} s, {:.0} rows/s",
        in_store.as_secs_f64(),
        inserted as f64 / in_store.as_secs_f64()
    );
    println!("  rate (wall):       {:.0} rows/s", inserted as f64 / secs);
    println!(
        "  CPU time:          {} s (all threads, incl. making the readings)",
        cpu.map_or("?".into(), |c| format!("{c:.2}"))
    );
    println!(
        "  re-store (no-op):  {} rows in {:.3} s",
        sample.len(),
        again.as_secs_f64()
    );
    println!(
        "  status query:      {:.3} s (count {}, gaps {})",
        status_time.as_secs_f64(),
        status.first().map_or(0, |s| s.count),
        status.first().map_or(0, |s| s.gaps)
    );
    println!("  file size:         {:.1} MB", file_size as f64 / 1e6);
    println!(
        "  peak RSS (VmHWM):  {} MB (before inserting: {} MB)",
        peak_rss_kib().map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
        rss_before.map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
    );
}
