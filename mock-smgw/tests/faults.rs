//! Faults (run time and scenario), idle/session limits and the test-only endpoints.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mock_smgw::Faults;
use serde_json::{json, Value};

async fn set(mock: &RunningMock, faults: Value) {
    let mut c = connect(mock).await;
    let r = c
        .send(
            "POST",
            "/__mock/faults",
            &[JSON],
            &serde_json::to_vec(&faults).expect("json"),
        )
        .await
        .expect("faults endpoint");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
}

const INFO: fn() -> Value = || json!({"method": "smgw-info"});

#[tokio::test]
async fn stats_endpoint_counts_without_auth() {
    let mock = start("demo").await;
    let mut s = Session::digest(&mock, "demo", "demo").await;
    let _ = s.ok(INFO()).await;
    let _ = s.ok(json!({"method": "user-info"})).await;
    let _ = s.ok(json!({"method": "user-info"})).await;
    let mut c = connect(&mock).await;
    let r = c
        .send("GET", "/__mock/stats", &[], b"")
        .await
        .expect("stats");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["requests"], json!({"smgw-info": 1, "user-info": 2}));
    assert_eq!(v["status-401"], 1);
    assert_eq!(v["status-307"], 1);
    assert_eq!(v["tls-handshakes"], 2);
    assert_eq!(v["connections"], 2);
    assert!(v["bytes-sent"].as_u64().is_some_and(|b| b > 1000));
    let r = c
        .send("POST", "/__mock/faults", &[JSON], b"{\"no-such-fault\": 1}")
        .await
        .expect("faults");
    assert_eq!(r.status, 400);
    mock.shutdown().await;
}

#[tokio::test]
async fn latency_and_nth_call_500() {
    let mock = start("demo").await;
    set(&mock, json!({"latency-ms": 300, "error-500-on-call": 2})).await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    let t = Instant::now();
    assert_eq!(s.call(INFO()).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(s.call(INFO()).await.status, 500);
    assert_eq!(s.call(INFO()).await.status, 200);
    mock.shutdown().await;
}

#[tokio::test]
async fn seeded_500_rate_is_deterministic() {
    async fn pattern() -> Vec<u16> {
        let opts = Options {
            faults: Some(Faults {
                error_500_rate: 0.5,
                seed: 42,
                ..Faults::default()
            }),
            ..Options::default()
        };
        let mock = start_with("demo", opts).await;
        let mut s = Session::cert(&mock, "demo", "client").await;
        let mut v = Vec::new();
        for _ in 0..16 {
            v.push(s.call(INFO()).await.status);
        }
        mock.shutdown().await;
        v
    }
    let a = pattern().await;
    assert!(a.contains(&500) && a.contains(&200), "{a:?}");
    assert_eq!(a, pattern().await);
}

#[tokio::test]
async fn body_faults() {
    let mock = start("demo").await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    let good = s.call(INFO()).await.body;

    set(&mock, json!({"empty-body": true})).await;
    let r = s.call(INFO()).await;
    assert_eq!((r.status, r.body.len()), (200, 0));

    set(&mock, json!({"malformed-json": true})).await;
    let r = s.call(INFO()).await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());

    set(&mock, json!({"truncated-json": true})).await;
    let r = s.call(INFO()).await;
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
    assert!(good.starts_with(&r.body) && r.body.len() == good.len() / 2);

    set(&mock, json!({"huge-body-bytes": 5_000_000})).await;
    let r = s.call(INFO()).await;
    assert!(r.body.len() > 5_000_000);
    assert_eq!(
        r.json()["smgw-info"]["smgw-id"],
        "ETHE0310486901",
        "still valid JSON"
    );

    set(&mock, json!({})).await;
    assert_eq!(s.call(INFO()).await.body, good, "faults off again");
    mock.shutdown().await;
}

#[tokio::test]
async fn drop_after_bytes_breaks_the_connection() {
    let mock = start("demo").await;
    set(&mock, json!({"drop-after-bytes": 50})).await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    let r = s.call(json!({"method": "user-info"})).await;
    assert!(!r.complete, "the body must be cut");
    assert_eq!(r.body.len(), 50);
    let r = s
        .post_raw(&s.path(), &[JSON], b"{\"method\":\"smgw-info\"}")
        .await;
    assert!(r.is_err(), "connection is gone");
    mock.shutdown().await;
}

#[tokio::test]
async fn stale_nonce_next_call() {
    let mock = start("demo").await;
    let mut s = Session::digest(&mock, "demo", "demo").await;
    let _ = s.ok(INFO()).await;
    set(&mock, json!({"stale-nonce-next": true})).await;
    let r = s.call(INFO()).await;
    assert_eq!(r.status, 401);
    assert!(r
        .header("WWW-Authenticate")
        .is_some_and(|w| w.contains("stale=true")));
    mock.shutdown().await;
}

#[tokio::test]
async fn han_off_after_n_calls_refuses_connections() {
    let mock = start("demo").await;
    set(&mock, json!({"han-off-after-calls": 2})).await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    assert_eq!(s.call(INFO()).await.status, 200);
    assert_eq!(s.call(INFO()).await.status, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(mock.han_is_off());
    assert!(s
        .post_raw(&s.path(), &[JSON], b"{\"method\":\"smgw-info\"}")
        .await
        .is_err());
    let err = tokio::net::TcpStream::connect(mock.addr())
        .await
        .expect_err("listener closed");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    mock.shutdown().await;
}

async fn closed_within(conn: &mut Conn, d: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut b = [0u8; 16];
    matches!(
        with_timeout(d, conn.stream.read(&mut b)).await,
        Some(Ok(0)) | Some(Err(_))
    )
}

#[tokio::test]
async fn idle_connections_are_closed() {
    let opts = Options {
        idle_timeout: Some(Duration::from_millis(700)),
        ..Options::default()
    };
    let mock = start_with("demo", opts).await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    let t = Instant::now();
    assert!(closed_within(&mut s.conn, Duration::from_secs(3)).await);
    assert!(
        t.elapsed() >= Duration::from_millis(600),
        "{:?}",
        t.elapsed()
    );
    // The fault closes sooner than announced.
    let mock2 = start("demo").await;
    set(&mock2, json!({"idle-close-seconds": 1})).await;
    let mut s = Session::cert(&mock2, "demo", "client").await;
    let t = Instant::now();
    assert!(closed_within(&mut s.conn, Duration::from_secs(3)).await);
    assert!(t.elapsed() < Duration::from_millis(2500));
    // Without faults a connection stays open for a while.
    set(&mock2, json!({})).await;
    let mut s = Session::cert(&mock2, "demo", "client").await;
    assert!(!closed_within(&mut s.conn, Duration::from_millis(1500)).await);
    mock.shutdown().await;
    mock2.shutdown().await;
}

#[tokio::test]
async fn session_cap_closes_busy_connections() {
    let opts = Options {
        session_max: Some(Duration::from_millis(800)),
        ..Options::default()
    };
    let mock = start_with("demo", opts).await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    let t = Instant::now();
    let mut ok = 0;
    while t.elapsed() < Duration::from_secs(3) {
        match s
            .post_raw(&s.path(), &[JSON], b"{\"method\":\"smgw-info\"}")
            .await
        {
            Ok(r) if r.status == 200 => ok += 1,
            _ => break,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok >= 3, "worked for a while ({ok})");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "closed by the session cap"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_the_listener() {
    let mock = start("demo").await;
    let addr = mock.addr();
    mock.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn start_refuses_non_loopback() {
    let sc = Scenario::builtin("demo").expect("demo");
    let r = mock_smgw::start(sc, "0.0.0.0:0".parse().expect("addr"), Options::default()).await;
    assert!(matches!(r, Err(mock_smgw::StartError::NotLoopback(_))));
}
