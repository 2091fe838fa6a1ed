//! IPv6 literals as gateway addresses, against mock-smgw listening on the IPv6 loopback
//! `[::1]` (real TLS): the socket address, the TLS server name and the `Host` header the
//! EMH interface checks. Link-local addresses with a zone id (`fe80::1%eth0`) cannot be
//! tested on loopback; their splitting is unit-tested in `link.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::time::Duration;

use han_client::{
    Auth, ConnectOptions, Connection, HttpRequest, Link, LinkOptions, Outcome, PinPolicy, Timeouts,
};
use mock_smgw::{Options, RunningMock, Scenario};

/// The mock on `[::1]`, or `None` (with the reason printed) where the system has no IPv6
/// loopback.
async fn mock_on_v6(scenario: &str) -> Option<RunningMock> {
    let s = Scenario::builtin(scenario).expect("scenario");
    match mock_smgw::start(s, "[::1]:0".parse().expect("addr"), Options::default()).await {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("skipped: this system cannot listen on the IPv6 loopback [::1]: {e}");
            None
        }
    }
}

#[tokio::test]
async fn a_link_to_the_ipv6_loopback_sends_a_host_header_the_gateway_accepts() {
    let Some(m) = mock_on_v6("emh-demo").await else {
        return;
    };
    assert!(m.addr().is_ipv6());
    for host in ["::1", "[::1]"] {
        // emh-demo refuses requests closer than 50 ms after the previous answer.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut link = Link::new(LinkOptions {
            host: host.to_owned(),
            port: m.addr().port(),
            pin: PinPolicy::Pinned(m.fingerprint_sha256().parse().expect("fingerprint")),
            identity: None,
            timeouts: Timeouts::default(),
            max_body_bytes: 1 << 20,
        })
        .expect("link");
        let request = HttpRequest {
            method: "GET",
            uri: "/json/metering/origin/",
            headers: vec![("accept", "application/json".to_owned())],
            body: b"",
        };
        let outcome = link
            .send(&request, Duration::from_secs(10))
            .await
            .expect("send");
        match outcome {
            // The EMH answers a request without credentials with its Digest challenge; a
            // wrong `Host` would be a 400.
            Outcome::Answer { status, .. } => assert_eq!(status, 401, "{host}"),
            other => panic!("{host}: {other:?}"),
        }
        assert_eq!(link.peer_fingerprint().to_hex(), m.fingerprint_sha256());
        assert_eq!(link.stats().handshakes, 1);
    }
    assert_eq!(m.emh_stats().host_rejected, 0);
}

#[tokio::test]
async fn a_conexa_session_over_the_ipv6_loopback_logs_in_and_follows_its_redirect() {
    let Some(m) = mock_on_v6("demo").await else {
        return;
    };
    let mut opts = ConnectOptions::new(
        "::1",
        Auth::Digest {
            user: "demo".into(),
            password: "demo".into(),
        },
        PinPolicy::Pinned(m.fingerprint_sha256().parse().expect("fingerprint")),
    );
    opts.port = m.addr().port();
    let conn = Connection::connect(opts)
        .await
        .expect("connects over [::1]");
    assert!(!conn.userid().is_empty());
}
