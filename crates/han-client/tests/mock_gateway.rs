//! Integration tests against the mock gateway over real TLS on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use gateway::{Gateway, GatewayError, Period};
use han_client::han_protocol::{LogCount, LogQuery};
use han_client::{
    Auth, CancelFlag, ClientError, ClientIdentity, ConexaGateway, ConnectOptions, Connection,
    ErrorCategory, Fingerprint, Lang, PinPolicy, Progress,
};
use mock_smgw::{Faults, Options, RunningMock, Scenario};
use smgw_model::records::{ChannelReadings, Database};
use smgw_model::WarningKind;

const USERID: &str = "01005e318011.consumer1.sm";
const TAF7: &str = "01005e318023.taf7-1.sm";

async fn mock(name: &str, opts: Options) -> RunningMock {
    let scenario = Scenario::builtin(name).expect("builtin scenario");
    mock_smgw::start(
        scenario,
        "127.0.0.1:0".parse().expect("literal address"),
        opts,
    )
    .await
    .expect("mock starts")
}

fn fingerprint(m: &RunningMock) -> Fingerprint {
    m.fingerprint_sha256()
        .parse()
        .expect("mock fingerprint is hex")
}

fn options(m: &RunningMock, auth: Auth) -> ConnectOptions {
    let mut o = ConnectOptions::new("127.0.0.1", auth, PinPolicy::Pinned(fingerprint(m)));
    o.port = m.addr().port();
    o
}

fn digest(user: &str, password: &str) -> Auth {
    Auth::Digest {
        user: user.into(),
        password: password.into(),
    }
}

fn demo_file(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../mock-smgw/scenarios/demo/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A session through the `Gateway` interface.
async fn gateway(m: &RunningMock) -> ConexaGateway {
    ConexaGateway::new(
        Connection::connect(options(m, digest("demo", "demo")))
            .await
            .expect("connect"),
    )
}

/// The original value list of `contract` from `from` to `to` (Unix seconds), read in the
/// windows the gateway accepts.
async fn origin_values(
    g: &mut ConexaGateway,
    contract: &str,
    (from, to): (i64, i64),
    progress: &mut (dyn FnMut(Progress) + Send),
    cancel: &CancelFlag,
) -> Result<Vec<ChannelReadings>, GatewayError> {
    let detail = g.contract_detail(contract).await?.into_value()?;
    let period = Period {
        from: ts(from),
        to: ts(to),
    };
    gateway::read_values(g, &detail, &Database::Origin, period, progress, cancel).await
}

/// (target time, raw value) of a channel's readings, for comparing with the scenario.
fn rows(ch: &ChannelReadings) -> Vec<(i64, i128)> {
    ch.readings
        .iter()
        .map(|r| (r.target_time.timestamp(), r.value.raw))
        .collect()
}

fn ts(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().expect("valid time")
}

#[tokio::test]
async fn first_contact_asks_then_pinned_digest_session_reads_everything() {
    let m = mock("demo", Options::default()).await;
    let mut o = options(&m, digest("demo", "demo"));
    o.pin = PinPolicy::TrustOnFirstUse;
    let err = Connection::connect(o.clone()).await.unwrap_err();
    let ClientError::UnknownCertificate {
        fingerprint: fp,
        subject,
    } = &err
    else {
        panic!("expected UnknownCertificate, got {err:?}");
    };
    assert_eq!(fp.to_hex(), m.fingerprint_sha256());
    assert!(!subject.is_empty());
    assert_eq!(err.category(), ErrorCategory::Connection);
    assert!(err.message(Lang::De).contains(&fp.to_string()));
    // Nothing was sent before the user confirmed.
    assert_eq!(m.stats().http_requests, 0);

    o.pin = PinPolicy::Pinned(*fp);
    let mut s = Connection::connect(o).await.expect("pinned connect");
    assert_eq!(s.userid(), USERID);
    assert_eq!(s.peer_fingerprint(), *fp);

    let info = s.gateway_info().await.expect("smgw-info");
    assert_eq!(info.smgw_id, "ETHE0310486901");
    let han = info
        .certificates
        .han_tls
        .clone()
        .expect("han cert reported");
    assert!(String::from_utf8_lossy(&han).contains("BEGIN CERTIFICATE"));
    assert_eq!(s.han_certificate_matches(&info), Some(true));
    let mut forged = info.clone();
    forged.certificates.han_tls = None;
    assert_eq!(s.han_certificate_matches(&forged), None);

    let contracts = s.contracts().await.expect("user-info");
    let ids: Vec<&str> = contracts
        .usage_points
        .iter()
        .map(|u| u.usage_point_id.as_str())
        .collect();
    assert!(ids.contains(&TAF7), "{ids:?}");
    let detail = s
        .contract_detail(TAF7, None)
        .await
        .expect("usage-point-info");
    assert!(detail.databases.iter().any(|d| d.database == "origin"));

    // 1 handshake, and the Digest nonce is reused: exactly one 401 for the whole session.
    assert_eq!(s.stats().handshakes, 1);
    assert_eq!(s.stats().unauthorized, 1);
    assert_eq!(m.stats().status_401, 1);
    assert_eq!(
        m.stats().tls_handshakes,
        1,
        "the refused first contact does not complete"
    );
}

#[tokio::test]
async fn readings_over_70_days_come_in_windows_without_loss_or_doubling() {
    let m = mock("demo", Options::default()).await;
    let mut s = gateway(&m).await;
    let now = m.scenario().now();
    let (from, to) = (now - 70 * 86_400, now);
    let mut steps = Vec::new();
    let mut progress = |p: Progress| steps.push(p);
    let got = origin_values(&mut s, TAF7, (from, to), &mut progress, &CancelFlag::new())
        .await
        .expect("readings");
    let expected = m
        .scenario()
        .expected_readings_between("demo", TAF7, "origin", "0100010800ff", from, to)
        .expect("expected values");
    assert_eq!(got.len(), 1);
    let values = rows(&got[0]);
    let want: Vec<(i64, i128)> = expected
        .iter()
        .map(|r| (r.target_time, i128::from(r.value)))
        .collect();
    assert_eq!(values.len(), want.len());
    assert_eq!(values, want);
    assert_eq!(steps.len(), 3, "70 days = 3 windows");
    assert_eq!(steps.last().map(|p| (p.step, p.steps)), Some((3, Some(3))));
    assert_eq!(m.stats().requests.get("readings"), Some(&3));
}

#[tokio::test]
async fn cancellation_stops_before_the_next_window() {
    let m = mock("demo", Options::default()).await;
    let mut s = gateway(&m).await;
    let now = m.scenario().now();
    let cancel = CancelFlag::new();
    let c2 = cancel.clone();
    let mut progress = move |_: Progress| c2.cancel();
    let err = origin_values(
        &mut s,
        TAF7,
        (now - 100 * 86_400, now),
        &mut progress,
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, GatewayError::Cancelled));
    assert_eq!(m.stats().requests.get("readings"), Some(&1));
}

#[tokio::test]
async fn logbook_is_paged_completely() {
    let m = mock("demo", Options::default()).await;
    let mut s = gateway(&m).await;
    let mut pages = 0;
    let log = gateway::read_logbook(&mut s, 0, &CancelFlag::new(), |_| pages += 1)
        .await
        .expect("log");
    let expected = m.scenario().expected_log("demo").expect("log");
    assert_eq!(log.len(), expected.len());
    let got: Vec<u64> = log.iter().map(|e| e.index).collect();
    let want: Vec<u64> = expected.iter().map(|e| e.index).collect();
    assert_eq!(got, want);
    assert!(
        pages >= 3,
        "3000 entries need at least 2 full pages and an end check: {pages}"
    );
    // A single page with explicit parameters.
    let page = s
        .session_mut()
        .log(LogQuery::FromIndexCount(
            1,
            LogCount::new(10).expect("valid"),
        ))
        .await
        .expect("page");
    assert_eq!(page.entries.len(), 10);
}

#[tokio::test]
async fn last_reading_and_self_test_lock() {
    let m = mock("demo", Options::default()).await;
    let mut s = gateway(&m).await;
    let detail = s
        .contract_detail("01005e318024.taf10-1.sm")
        .await
        .and_then(|f| f.into_value())
        .expect("detail");
    let last = s
        .current_values(&detail, &Database::Origin)
        .await
        .and_then(|f| f.into_value())
        .expect("last reading");
    assert!(
        !last.is_empty() && last.iter().all(|c| c.readings.len() == 1),
        "{last:?}"
    );
    let s = s.session_mut();
    s.self_test().await.expect("first self-test starts");
    let err = s.self_test().await.unwrap_err();
    assert!(matches!(err, ClientError::SelfTestLocked), "{err:?}");
    assert_eq!(err.category(), ErrorCategory::GatewayRefused);
    assert!(err.message(Lang::De).starts_with("Selbsttest gesperrt"));
}

#[tokio::test]
async fn an_empty_filtered_last_reading_is_asked_again_without_the_filter() {
    // Field failure 34: the newest values come only without a channel filter.
    let m = mock("demo", Options::default()).await;
    let mut s = gateway(&m).await;
    let detail = s
        .contract_detail("01005e318024.taf10-1.sm")
        .await
        .and_then(|f| f.into_value())
        .expect("detail");
    let (expected, none) = s
        .current_values(&detail, &Database::Origin)
        .await
        .and_then(|f| f.into_warned())
        .expect("last reading");
    assert!(none.is_empty(), "{none:?}");
    m.set_faults(Faults {
        empty_filtered_last_reading: true,
        ..Faults::default()
    });
    let readings = |m: &RunningMock| m.stats().requests.get("readings").copied().unwrap_or(0);
    let before = readings(&m);
    let (last, warnings) = s
        .current_values(&detail, &Database::Origin)
        .await
        .and_then(|f| f.into_warned())
        .expect("last reading without the filter");
    assert_eq!(readings(&m) - before, 2, "one retry, no more");
    assert_eq!(
        last, expected,
        "the same channels and values as with a working filter"
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, WarningKind::AskedAgainUnfiltered);
    assert!(warnings[0].message(Lang::En).contains("firmware"));
}

#[tokio::test]
async fn client_certificates_modern_legacy_and_pem_log_in_without_digest() {
    let m = mock("demo", Options::default()).await;
    for (what, auth) in [
        (
            "modern",
            Auth::Pkcs12 {
                data: demo_file("client-modern.p12"),
                password: "demo".into(),
            },
        ),
        (
            "legacy",
            Auth::Pkcs12 {
                data: demo_file("client-legacy.p12"),
                password: "demo".into(),
            },
        ),
        (
            "pem",
            Auth::Pem {
                cert: demo_file("client.pem"),
                key: demo_file("client-key.pem"),
            },
        ),
    ] {
        let mut s = Connection::connect(options(&m, auth))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(s.userid(), USERID, "{what}");
        s.contracts()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(s.stats().unauthorized, 0, "{what}");
    }
    assert_eq!(m.stats().status_401, 0);
}

#[test]
fn key_files_wrong_password_and_wrong_type_are_told_apart() {
    for file in ["client-modern.p12", "client-legacy.p12"] {
        let data = demo_file(file);
        let id = ClientIdentity::from_pkcs12(&data, "demo").expect(file);
        let info = id.info();
        assert!(!info.subject.is_empty() && !info.issuer.is_empty());
        assert!(info.not_before < info.not_after);
        assert!(!format!("{id:?}").contains("PRIVATE"));
        let err = ClientIdentity::from_pkcs12(&data, "wrong").unwrap_err();
        assert!(
            matches!(err, ClientError::WrongKeyPassword),
            "{file}: {err:?}"
        );
    }
    let err = ClientIdentity::from_pkcs12(&demo_file("client.pem"), "demo").unwrap_err();
    assert!(matches!(err, ClientError::BadKeyFile(_)), "{err:?}");
    let err = ClientIdentity::from_pkcs12(&demo_file("han-cert.pem")[..0], "demo").unwrap_err();
    assert!(matches!(err, ClientError::BadKeyFile(_)), "{err:?}");
    let err = ClientIdentity::from_pem(&demo_file("client.pem"), b"not a key").unwrap_err();
    assert!(matches!(err, ClientError::BadKeyFile(_)), "{err:?}");
    let modern = ClientIdentity::from_pkcs12(&demo_file("client-modern.p12"), "demo").expect("p12");
    let pem = ClientIdentity::from_pem(&demo_file("client.pem"), &demo_file("client-key.pem"))
        .expect("pem");
    assert_eq!(modern.info().fingerprint, pem.info().fingerprint);
}

#[tokio::test]
async fn wrong_digest_password_is_refused() {
    let m = mock("demo", Options::default()).await;
    let err = Connection::connect(options(&m, digest("demo", "falsch")))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::LoginRefused), "{err:?}");
    assert_eq!(err.category(), ErrorCategory::Authentication);
}

#[tokio::test]
async fn a_changed_certificate_is_refused_naming_both_fingerprints() {
    let m = mock("demo", Options::default()).await;
    let mut o = options(&m, digest("demo", "demo"));
    let old = Fingerprint::of(b"the certificate the user confirmed last year");
    o.pin = PinPolicy::Pinned(old);
    let err = Connection::connect(o).await.unwrap_err();
    let ClientError::CertificateChanged {
        pinned, presented, ..
    } = &err
    else {
        panic!("expected CertificateChanged, got {err:?}");
    };
    assert_eq!(*pinned, old);
    assert_eq!(*presented, fingerprint(&m));
    let text = err.message(Lang::En);
    assert!(text.contains(&old.to_string()) && text.contains(&presented.to_string()));
    assert_eq!(m.stats().http_requests, 0);
}

#[tokio::test]
async fn quirky_firmware_md5_fallback_and_silent_wrong_password() {
    let m = mock("quirky-firmware", Options::default()).await;
    let mut o = options(&m, digest("demo", "demo"));
    o.timeouts.login = Duration::from_millis(700);
    let mut s = Connection::connect(o).await.expect("connect");
    assert!(s.uses_md5_fallback());
    s.gateway_info()
        .await
        .expect("smgw-info with MD5 and X-Content-Length");
    let before = s.stats().unauthorized;
    s.contracts().await.expect("user-info");
    assert_eq!(s.stats().unauthorized, before, "MD5 choice is remembered");

    let mut o = options(&m, digest("demo", "falsch"));
    o.timeouts.login = Duration::from_millis(700);
    let err = Connection::connect(o).await.unwrap_err();
    assert!(
        matches!(err, ClientError::SilentAfterCredentials { .. }),
        "{err:?}"
    );
    assert!(err
        .message(Lang::En)
        .contains("probably wrong password or HAN not enabled"));
}

#[tokio::test]
async fn stale_nonce_and_idle_close_are_handled_transparently() {
    let m = mock("demo", Options::default()).await;
    let mut s = Connection::connect(options(&m, digest("demo", "demo")))
        .await
        .expect("connect");
    m.set_faults(Faults {
        stale_nonce_next: true,
        ..Faults::default()
    });
    s.gateway_info().await.expect("stale nonce retried");
    assert_eq!(s.stats().unauthorized, 2);

    m.set_faults(Faults {
        idle_close_seconds: Some(1),
        ..Faults::default()
    });
    s.contracts().await.expect("before idle close");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    s.contracts().await.expect("after idle close");
    assert_eq!(s.stats().handshakes, 2);
}

#[tokio::test]
async fn faults_give_clear_errors_and_the_session_survives() {
    let m = mock("demo", Options::default()).await;
    let mut s = Connection::connect(options(&m, digest("demo", "demo")))
        .await
        .expect("connect");

    m.set_faults(Faults {
        error_500_on_call: Some(1),
        ..Faults::default()
    });
    let err = s.gateway_info().await.unwrap_err();
    assert!(err.message(Lang::De).contains("500"), "{err:?}");
    assert_eq!(err.category(), ErrorCategory::GatewayRefused);
    s.gateway_info().await.expect("next call works");

    m.set_faults(Faults {
        malformed_json: true,
        ..Faults::default()
    });
    let err = s.contracts().await.unwrap_err();
    assert_eq!(err.category(), ErrorCategory::Data, "{err:?}");

    m.set_faults(Faults {
        truncated_json: true,
        ..Faults::default()
    });
    assert_eq!(
        s.contracts().await.unwrap_err().category(),
        ErrorCategory::Data
    );

    m.set_faults(Faults {
        drop_after_bytes: Some(50),
        ..Faults::default()
    });
    let err = s.contracts().await.unwrap_err();
    assert_eq!(err.category(), ErrorCategory::Connection, "{err:?}");

    m.set_faults(Faults::default());
    s.contracts().await.expect("recovered after faults");
}

#[tokio::test]
async fn oversized_responses_are_refused() {
    let m = mock("demo", Options::default()).await;
    let mut o = options(&m, digest("demo", "demo"));
    o.limits.max_body_bytes = 64 * 1024;
    let mut s = Connection::connect(o).await.expect("connect");
    m.set_faults(Faults {
        huge_body_bytes: Some(1024 * 1024),
        ..Faults::default()
    });
    let err = s.gateway_info().await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Protocol(han_client::han_protocol::ProtocolError::TooLarge { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn unreachable_port_is_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let mut o = ConnectOptions::new("127.0.0.1", digest("a", "b"), PinPolicy::TrustOnFirstUse);
    o.port = port;
    let err = Connection::connect(o).await.unwrap_err();
    assert!(matches!(err, ClientError::Connect { .. }), "{err:?}");
    assert!(err.message(Lang::De).contains("127.0.0.1"));
}

#[tokio::test]
async fn sha256_gateway_and_records_with_the_channel_scaler() {
    let m = mock("prosumer", Options::default()).await;
    let mut s = Connection::connect(options(&m, digest("sonne", "photovoltaik")))
        .await
        .expect("connect with SHA-256");
    assert!(!s.uses_md5_fallback());
    assert_eq!(s.userid(), "0a1b2c3d4e5f.consumer1.sm");
    let contracts = s
        .contracts()
        .await
        .expect("user-info")
        .to_model()
        .expect("records");
    let taf7 = contracts
        .iter()
        .find(|c| c.taf == smgw_model::Taf::Taf7)
        .expect("a TAF 7 contract");
    let now = m.scenario().now();
    let mut g = ConexaGateway::new(s);
    let records = origin_values(
        &mut g,
        &taf7.usage_point_id,
        (now - 86_400, now),
        &mut |_| {},
        &CancelFlag::new(),
    )
    .await
    .expect("readings");
    assert_eq!(records.len(), 2, "import and export channels");
    assert!(records
        .iter()
        .all(|c| c.readings.len() == 96 && c.readings[0].value.scaler == -4));
    assert_eq!(g.session().stats().unauthorized, 1);
}

#[tokio::test]
async fn each_consumer_sees_only_their_own_data() {
    let m = mock("multi-consumer", Options::default()).await;
    let bob = Auth::Pem {
        cert: std::fs::read(format!(
            "{}/../../mock-smgw/scenarios/multi-consumer/bob.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("bob.pem"),
        key: std::fs::read(format!(
            "{}/../../mock-smgw/scenarios/multi-consumer/bob-key.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("bob-key.pem"),
    };
    let s = Connection::connect(options(&m, bob))
        .await
        .expect("bob by certificate");
    assert_eq!(s.userid(), "01005e318012.consumer2.sm");

    let mut alice = Connection::connect(options(&m, digest("alice", "wunderland")))
        .await
        .expect("alice");
    assert_eq!(alice.userid(), USERID);
    let err = alice
        .contract_detail("01005e318031.taf7-1.sm", None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Protocol(han_client::han_protocol::ProtocolError::HttpStatus {
                status: 403,
                ..
            })
        ),
        "{err:?}"
    );
    assert_eq!(err.category(), ErrorCategory::GatewayRefused);
    assert!(err.message(Lang::De).contains("403"));

    // The demo consumer's certificate is unknown to this gateway: refused in the handshake.
    let stranger = Auth::Pkcs12 {
        data: demo_file("client-modern.p12"),
        password: "demo".into(),
    };
    let err = Connection::connect(options(&m, stranger))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::TlsAlert(_)), "{err:?}");
    assert_eq!(err.category(), ErrorCategory::Authentication, "{err:?}");
}

#[tokio::test]
async fn han_switched_off_gives_a_connection_error() {
    let m = mock("demo", Options::default()).await;
    let mut s = Connection::connect(options(&m, digest("demo", "demo")))
        .await
        .expect("connect");
    m.set_faults(Faults {
        han_off_after_calls: Some(1),
        ..Faults::default()
    });
    // Calls succeed until the mock's counter trips; it lets the last answer out before
    // it goes dark.
    for _ in 0..5 {
        s.gateway_info()
            .await
            .expect("calls before the HAN goes off");
        tokio::time::sleep(Duration::from_millis(300)).await;
        if m.han_is_off() {
            break;
        }
    }
    assert!(m.han_is_off());
    let err = s.contracts().await.unwrap_err();
    assert_eq!(err.category(), ErrorCategory::Connection, "{err:?}");
    assert!(
        err.message(Lang::De).contains("Keine Verbindung"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_and_the_next_call_reconnects() {
    let m = mock("demo", Options::default()).await;
    let mut o = options(&m, digest("demo", "demo"));
    o.timeouts.response = Duration::from_millis(400);
    let mut s = Connection::connect(o).await.expect("connect");
    m.set_faults(Faults {
        latency_ms: 1500,
        ..Faults::default()
    });
    let err = s.gateway_info().await.unwrap_err();
    // The session already authenticated, so this is a plain timeout, not a login problem.
    assert!(
        matches!(
            err,
            ClientError::Timeout {
                phase: han_client::Phase::Response,
                ..
            } | ClientError::SilentAfterCredentials { .. }
        ),
        "{err:?}"
    );
    m.set_faults(Faults::default());
    s.gateway_info().await.expect("works again");
    assert_eq!(
        s.stats().handshakes,
        2,
        "the timed-out connection is replaced"
    );
}

#[tokio::test]
async fn an_expired_nonce_is_renewed_without_bothering_the_user() {
    let m = mock(
        "demo",
        Options {
            nonce_lifetime: Some(Duration::from_millis(500)),
            ..Options::default()
        },
    )
    .await;
    let mut s = Connection::connect(options(&m, digest("demo", "demo")))
        .await
        .expect("connect");
    tokio::time::sleep(Duration::from_millis(800)).await;
    s.gateway_info().await.expect("renewed nonce");
    assert_eq!(s.stats().unauthorized, 2);
    assert_eq!(s.stats().handshakes, 1);
}

/// A copy of the demo scenario whose gateway refuses ranges over `days` days.
fn demo_with_max_days(days: u32) -> Scenario {
    let src = format!(
        "{}/../../mock-smgw/scenarios/demo",
        env!("CARGO_MANIFEST_DIR")
    );
    let dir = std::env::temp_dir().join(format!("han-client-demo-{days}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for entry in std::fs::read_dir(&src).expect("demo dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
    }
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).expect("scenario");
    let patched = toml.replacen(
        "[[consumers]]",
        &format!("[limits]\nmax-reading-days = {days}\n\n[[consumers]]"),
        1,
    );
    std::fs::write(dir.join("scenario.toml"), patched).expect("write");
    let scenario = Scenario::load(dir.join("scenario.toml")).expect("patched scenario");
    let _ = std::fs::remove_dir_all(&dir);
    scenario
}

#[tokio::test]
async fn a_gateway_with_a_shorter_range_limit_gets_smaller_windows() {
    let scenario = demo_with_max_days(10);
    let m = mock_smgw::start(
        scenario,
        "127.0.0.1:0".parse().expect("literal"),
        Options::default(),
    )
    .await
    .expect("mock");
    let mut s = gateway(&m).await;
    let now = m.scenario().now();
    let (from, to) = (now - 62 * 86_400, now);
    let mut last = None;
    let mut progress = |p: Progress| last = Some(p);
    let got = origin_values(&mut s, TAF7, (from, to), &mut progress, &CancelFlag::new())
        .await
        .expect("readings in smaller windows");
    let want = m
        .scenario()
        .expected_readings_between("demo", TAF7, "origin", "0100010800ff", from, to)
        .expect("expected");
    assert_eq!(got[0].readings.len(), want.len());
    // 62 days: one refused 31-day window, then windows of at most 7.75 days.
    let p = last.expect("progress reported");
    assert_eq!(p.step, p.steps.expect("known"));
    assert!(p.step >= 8, "{p:?}");
    let readings_calls = m.stats().requests.get("readings").copied().unwrap_or(0);
    assert!(
        readings_calls <= u64::from(p.step) + 2,
        "few refused calls: {readings_calls}"
    );
}

#[tokio::test]
async fn decommissioning_pull_of_the_whole_history() {
    let m = mock("demo", Options::default()).await;
    let mut s = gateway(&m).await;
    let started = std::time::Instant::now();
    let now = m.scenario().now();
    // The demo history starts on 2024-11-01; ask from well before to be sure.
    let from = Utc
        .with_ymd_and_hms(2024, 10, 1, 0, 0, 0)
        .single()
        .expect("date")
        .timestamp();
    let got = origin_values(&mut s, TAF7, (from, now), &mut |_| {}, &CancelFlag::new())
        .await
        .expect("full history");
    let want = m
        .scenario()
        .expected_readings("demo", TAF7, "origin", "0100010800ff")
        .expect("expected");
    let got_values = rows(&got[0]);
    let want_values: Vec<(i64, i128)> = want
        .iter()
        .map(|r| (r.target_time, i128::from(r.value)))
        .collect();
    assert_eq!(got_values.len(), want_values.len());
    assert_eq!(got_values, want_values);
    let log = gateway::read_logbook(&mut s, 0, &CancelFlag::new(), |_| {})
        .await
        .expect("logbook");
    assert_eq!(log.len(), 3000);
    assert_eq!(s.session().stats().handshakes, 1);
    eprintln!(
        "full pull: {} values in {} readings calls + {} log entries, {:?}",
        got_values.len(),
        m.stats().requests.get("readings").copied().unwrap_or(0),
        log.len(),
        started.elapsed()
    );
}

#[tokio::test]
async fn ipv6_loopback_works_when_available() {
    let scenario = Scenario::builtin("demo").expect("scenario");
    let Ok(m) = mock_smgw::start(
        scenario,
        "[::1]:0".parse().expect("literal"),
        Options::default(),
    )
    .await
    else {
        eprintln!("no IPv6 loopback here; skipped");
        return;
    };
    let mut o = options(&m, digest("demo", "demo"));
    o.host = "::1".into();
    let s = Connection::connect(o).await.expect("connect over ::1");
    assert_eq!(s.userid(), USERID);
}

/// Field failure 12: an idle connection is replaced before the gateway's 10-minute close
/// (here our limit is shortened to 0.3 s, the mock keeps its 10 minutes): a new handshake
/// before the request, not an error and a retry.
#[tokio::test]
async fn an_idle_connection_is_replaced_before_the_gateway_would_close_it() {
    let m = mock("demo", Options::default()).await;
    let mut o = options(&m, digest("demo", "demo"));
    o.timeouts.idle = Duration::from_millis(300);
    let mut s = Connection::connect(o).await.expect("connect");
    s.contracts().await.expect("first call");
    assert_eq!(s.stats().handshakes, 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    s.contracts().await.expect("after the idle limit");
    assert_eq!(
        s.stats().handshakes,
        2,
        "a fresh connection, made before the call"
    );
    assert_eq!(
        m.stats().tls_handshake_failures,
        0,
        "the mock saw two clean handshakes"
    );
}

/// Field failure 12: the gateway ends every TLS session after at most 48 hours (here the
/// mock's cap is 0.8 s); calls across the cap go on without an error.
#[tokio::test]
async fn calls_across_the_gateways_session_cap_go_on() {
    let m = mock(
        "demo",
        Options {
            session_max: Some(Duration::from_millis(800)),
            ..Options::default()
        },
    )
    .await;
    let mut s = Connection::connect(options(&m, digest("demo", "demo")))
        .await
        .expect("connect");
    let started = std::time::Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(2200) {
        s.contracts().await.expect("a call across the cap");
        calls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(calls >= 5, "{calls} calls");
    assert!(
        s.stats().handshakes >= 3,
        "the session was cut at least twice and reopened ({} handshakes)",
        s.stats().handshakes
    );
}

#[test]
fn a_brainpool_client_key_is_refused_with_the_password_login_as_way_out() {
    // Field failure 11: the smart-metering PKI's curves; ring cannot sign with them.
    let fixture = |name: &str| {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
        )
        .expect("fixture")
    };
    let err = ClientIdentity::from_pem(
        &fixture("brainpool-client.crt"),
        &fixture("brainpool-client.key"),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ClientError::BrainpoolKey(curve) if curve == "brainpoolP256r1"),
        "{err:?}"
    );
    assert_eq!(err.category(), ErrorCategory::Authentication);
    assert!(err.message(Lang::De).contains("Benutzername und Passwort"));
    assert!(err.message(Lang::En).contains("user name and password"));
}
