//! Pulls the whole `huge` scenario (2 years × 4 channels of 15-minute values, 10,000
//! logbook entries) from mock-smgw over real TLS on 127.0.0.1 and prints what it cost.
//!
//! `cargo bench -p han-client --bench pull_huge`
//!
//! The mock runs on its own runtime threads; the client runs on this thread alone, so the
//! thread's CPU time (from /proc/thread-self/stat, Linux) is the client's cost.
//! Targets (issue 4): 1 TLS handshake per session; 1 HTTP request per logical call after
//! the first; readings calls = the 31-day window count of the history.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use chrono::{DateTime, Utc};
use gateway::{Gateway, Period};
use han_client::{
    Auth, CancelFlag, ConexaGateway, ConnectOptions, Connection, Fingerprint, PinPolicy,
};
use smgw_model::records::Database;

/// User + system CPU seconds of the calling thread, if the platform tells.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0) // USER_HZ is 100 on Linux.
}

fn main() {
    let mock_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("mock runtime");
    let scenario = mock_smgw::Scenario::builtin("huge").expect("huge scenario");
    let start_of_history = DateTime::parse_from_rfc3339("2024-11-20T00:00:00+01:00")
        .expect("time")
        .with_timezone(&Utc);
    let now = DateTime::from_timestamp(scenario.now(), 0).expect("scenario now");
    let mock = mock_rt
        .block_on(mock_smgw::start(
            scenario,
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            mock_smgw::Options::default(),
        ))
        .expect("mock starts");
    let fingerprint: Fingerprint = mock.fingerprint_sha256().parse().expect("fingerprint");
    let addr = mock.addr();

    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let cpu_before = thread_cpu_seconds();
    let started = Instant::now();
    let (values, entries, session_stats) = client_rt.block_on(async {
        let mut opts = ConnectOptions::new(
            addr.ip().to_string(),
            Auth::Digest {
                user: "demo".into(),
                password: "demo".into(),
            },
            PinPolicy::Pinned(fingerprint),
        );
        opts.port = addr.port();
        let mut session = ConexaGateway::new(Connection::connect(opts).await.expect("connect"));
        let cancel = CancelFlag::new();
        let detail = session
            .contract_detail("01005e318021.taf7-1.sm")
            .await
            .and_then(|f| f.into_value())
            .expect("detail");
        let period = Period {
            from: start_of_history - chrono::Duration::minutes(15),
            to: now,
        };
        let readings = gateway::read_values(
            &mut session,
            &detail,
            &Database::Origin,
            period,
            &mut |_| {},
            &cancel,
        )
        .await
        .expect("readings");
        let values: usize = readings.iter().map(|c| c.readings.len()).sum();
        let log = gateway::read_logbook(&mut session, 0, &cancel, |_| {})
            .await
            .expect("logbook");
        (values, log.len(), session.session().stats())
    });
    let wall = started.elapsed();
    let cpu = match (cpu_before, thread_cpu_seconds()) {
        (Some(a), Some(b)) => format!("{:.2} s", b - a),
        _ => "n/a (no /proc/thread-self)".to_owned(),
    };
    let stats = mock.stats();
    let readings_calls = stats.requests.get("readings").copied().unwrap_or(0);
    let log_calls = stats.requests.get("log").copied().unwrap_or(0);
    let logical_calls: u64 = stats.requests.values().sum();
    let days = (now - start_of_history).num_days() as f64;
    let windows_expected = (days / 31.0).ceil() as u64;
    println!("pull_huge: {values} values, {entries} log entries");
    println!("  wall time              {:.2} s", wall.as_secs_f64());
    println!("  client CPU             {cpu}");
    println!(
        "  TLS handshakes         {} (target 1)",
        stats.tls_handshakes
    );
    println!(
        "  HTTP requests          {} for {logical_calls} logical calls + 1 discovery ({} × 401, {} × 307)",
        stats.http_requests, stats.status_401, stats.status_307
    );
    println!(
        "  requests per call      {:.3} (target 1 after the first)",
        (stats.http_requests as f64 - 1.0) / logical_calls as f64
    );
    println!(
        "  readings calls         {readings_calls} for {days:.0} days = {:.1} per year (31-day windows: {windows_expected})",
        readings_calls as f64 * 365.0 / days
    );
    println!("  log calls              {log_calls}");
    println!("  bytes sent by gateway  {}", stats.bytes_sent);
    println!(
        "  client counted         {} handshakes, {} requests, {} × 401",
        session_stats.handshakes, session_stats.requests, session_stats.unauthorized
    );
    mock_rt.block_on(mock.shutdown());
}
