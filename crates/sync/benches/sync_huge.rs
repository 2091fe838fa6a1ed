//! Full sync of the `huge` scenario (2 years × 4 channels of 15-minute values, 10,000
//! logbook entries) from mock-smgw over real TLS on 127.0.0.1 into a fresh archive file,
//! against the time the mock needs to serve the same requests.
//!
//! `cargo bench -p durchblick-sync --bench sync_huge`
//!
//! "Serving" is measured as a raw pull: the same request sequence the sync sends
//! (`smgw-info`, `user-info`, `usage-point-info`, one `readings` call per 31-day window,
//! the logbook pages), with the bodies received and dropped, nothing parsed but the log
//! pages (needed for paging). Target: the sync takes at most 1.2 × that time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use durchblick_sync::{sync, SyncOptions};
use han_client::{Auth, CancelFlag, ConnectOptions, Connection, Fingerprint, PinPolicy, Session};
use han_protocol::plan::{self, LogPager};
use han_protocol::response;
use han_protocol::{Limits, ReadingsQuery, ReadingsRange, Request};

/// User + system CPU seconds of the calling thread (Linux), else `None`.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

async fn login(addr: SocketAddr, fp: Fingerprint) -> Session {
    let mut opts = ConnectOptions::new(
        addr.ip().to_string(),
        Auth::Digest {
            user: "demo".into(),
            password: "demo".into(),
        },
        PinPolicy::Pinned(fp),
    );
    opts.port = addr.port();
    Connection::connect(opts).await.expect("login")
}

/// The raw pull; returns (calls, bytes, the `readings` bodies).
async fn raw_pull(session: &mut Session, now: DateTime<Utc>) -> (u32, u64, Vec<Vec<u8>>) {
    let limits = Limits::default();
    let mut calls = 0u32;
    let mut bytes = 0u64;
    let mut bodies = Vec::new();
    let mut get = async |s: &mut Session, r: &Request| {
        let body = s.call_raw(r).await.expect("call");
        calls += 1;
        bytes += body.len() as u64;
        body
    };
    get(session, &Request::SmgwInfo).await;
    let users = get(session, &Request::UserInfo).await;
    let users = response::parse_user_info(&users, &limits).expect("user-info");
    for up in &users.usage_points {
        let detail = get(
            session,
            &Request::UsagePointInfo {
                usage_point_id: up.usage_point_id.clone(),
                database: None,
            },
        )
        .await;
        let detail = response::parse_usage_point_info(&detail, &limits).expect("detail");
        let start = up.start_time.expect("start") - chrono::Duration::seconds(1);
        for db in &detail.databases {
            let channels: Vec<String> = db.channels.iter().map(|c| c.obis.clone()).collect();
            for w in plan::split_range(start, now, plan::max_readings_window()).expect("plan") {
                let q = ReadingsQuery {
                    usage_point_id: up.usage_point_id.clone(),
                    database: db.database.clone(),
                    channels: channels.clone(),
                    range: ReadingsRange::Between {
                        from: Some(w.from),
                        to: Some(w.to),
                    },
                };
                bodies.push(get(session, &Request::Readings(q)).await);
            }
        }
    }
    let mut pager = LogPager::new();
    while let Some(q) = pager.next_query() {
        let body = get(session, &Request::Log(q)).await;
        pager.accept(response::parse_log(&body, &limits).expect("log").entries);
    }
    (calls, bytes, bodies)
}

/// Where the client's time goes: parsing the `readings` bodies, storing their values
/// (without raw responses), storing the raw responses alone.
async fn breakdown(bodies: &[Vec<u8>], dir: &std::path::Path) {
    use archive::{ChannelKey, ChannelSpec, ChannelWindow, ContractInfo, RawResponse};
    let limits = Limits::default();
    let t = Instant::now();
    let parsed: Vec<response::Readings> = bodies
        .iter()
        .map(|b| response::parse_readings(b, &limits).expect("readings"))
        .collect();
    let parse = t.elapsed();
    let db = archive::Archive::open(dir.join("breakdown.sqlite"))
        .await
        .expect("archive");
    let now = Utc::now();
    let gw = db.gateway("bench", now).await.expect("gateway");
    let me = db.consumer(gw, "bench", now).await.expect("consumer");
    let contract = db
        .contract(
            me,
            &ContractInfo {
                usage_point_id: "bench".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .expect("contract");
    let mut ids = Vec::new();
    for ch in &parsed[0].channels {
        let key = ChannelKey {
            database: "origin".into(),
            name: ch.obis.parse().expect("name"),
        };
        ids.push(
            db.channel(contract, &key, ChannelSpec::default())
                .await
                .expect("channel"),
        );
    }
    let t = Instant::now();
    for p in &parsed {
        let rows: Vec<Vec<archive::Reading>> = p
            .channels
            .iter()
            .map(|c| {
                c.readings
                    .iter()
                    .map(|r| archive::Reading {
                        target_time: r.target_time.unwrap_or(r.capture_time),
                        capture_time: Some(r.capture_time),
                        value: smgw_model::ScaledValue::new(i128::from(r.value), -1),
                        unit: smgw_model::Unit::WattHour,
                        cosem_status: r.cosem_status.clone(),
                        smgw_status: r.smgw_status.clone(),
                        meter_status: r.meter_status.clone(),
                        owner: r.owner_number.clone(),
                        signature: r.signature.clone(),
                    })
                    .collect()
            })
            .collect();
        let windows: Vec<ChannelWindow<'_>> = ids
            .iter()
            .zip(&rows)
            .map(|(id, rs)| ChannelWindow {
                channel: *id,
                readings: rs,
                synced_until: None,
            })
            .collect();
        db.store_window(&windows, None, now).await.expect("store");
    }
    let store = t.elapsed();
    let t = Instant::now();
    for b in bodies {
        db.store_raw_response(&RawResponse {
            gateway: Some(gw),
            consumer: Some(me),
            method: "readings",
            request: None,
            http_status: Some(200),
            received_at: now,
            body: b,
        })
        .await
        .expect("raw");
    }
    let raw = t.elapsed();
    db.close().await;
    println!(
        "breakdown: parse readings {:.2} s, store values {:.2} s, store raw responses {:.2} s",
        parse.as_secs_f64(),
        store.as_secs_f64(),
        raw.as_secs_f64()
    );
}

fn main() {
    let mock_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("mock runtime");
    let scenario = mock_smgw::Scenario::builtin("huge").expect("huge scenario");
    let now = DateTime::from_timestamp(scenario.now(), 0).expect("scenario now");
    let mock = mock_rt
        .block_on(mock_smgw::start(
            scenario,
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            mock_smgw::Options::default(),
        ))
        .expect("mock starts");
    let fp: Fingerprint = mock.fingerprint_sha256().parse().expect("fingerprint");
    let addr = mock.addr();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");
    let dir = tempfile::tempdir().expect("temp dir");

    let mut best_raw = Duration::MAX;
    let mut best_sync = Duration::MAX;
    for round in 1..=2 {
        let (raw, calls, bytes) = client_rt.block_on(async {
            let mut s = login(addr, fp).await;
            let t = Instant::now();
            let (calls, bytes, bodies) = raw_pull(&mut s, now).await;
            let took = t.elapsed();
            if round == 1 {
                breakdown(&bodies, dir.path()).await;
            }
            (took, calls, bytes)
        });
        let path = dir.path().join(format!("huge-{round}.sqlite"));
        let (took, cpu, report) = client_rt.block_on(async {
            let db = archive::Archive::open(&path).await.expect("archive");
            let mut s = han_client::ConexaGateway::new(login(addr, fp).await);
            let cpu0 = thread_cpu_seconds();
            let t = Instant::now();
            let report = sync(
                &mut s,
                &db,
                &SyncOptions::default(),
                |_| {},
                &CancelFlag::new(),
            )
            .await
            .expect("sync");
            let took = t.elapsed();
            let cpu = cpu0.zip(thread_cpu_seconds()).map(|(a, b)| b - a);
            db.close().await;
            (took, cpu, report)
        });
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        println!(
            "round {round}: raw pull {:.2} s ({calls} calls, {:.1} MB); full sync {:.2} s \
             ({} calls, {} values, {} log entries, archive {:.1} MB, sync thread CPU {}); ratio {:.2}",
            raw.as_secs_f64(),
            bytes as f64 / 1e6,
            took.as_secs_f64(),
            report.calls,
            report.values.inserted,
            report.log.inserted,
            size as f64 / 1e6,
            cpu.map_or("n/a".to_owned(), |c| format!("{c:.2} s")),
            took.as_secs_f64() / raw.as_secs_f64()
        );
        best_raw = best_raw.min(raw);
        best_sync = best_sync.min(took);
    }
    println!(
        "best: mock serving (raw pull) {:.2} s, full sync {:.2} s, ratio {:.2} (target <= 1.20)",
        best_raw.as_secs_f64(),
        best_sync.as_secs_f64(),
        best_sync.as_secs_f64() / best_raw.as_secs_f64()
    );
    mock_rt.block_on(mock.shutdown());
}
