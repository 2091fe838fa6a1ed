//! The PPC adapter against mock-smgw's PPC web application over real TLS on 127.0.0.1.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use chrono::{DateTime, Utc};
use gateway::{CancelFlag, ClockOrigin, Gateway, GatewayError, Period};
use han_client::{ClientError, PinPolicy, Timeouts};
use mock_smgw::{PpcFaults, RunningMock, Scenario};
use ppc_client::{HistorySource, PpcError, PpcGateway, PpcOptions};
use smgw_model::records::{ChannelReadings, ContractDetail, Database};
use smgw_model::time::{parse_datetime, NaiveAs};

const METER_PV: &str = "01005e318002.1lgz0072999211.sm";
const METER_HP: &str = "01005e318003.1emh0013572468.sm";
const UP_PV: &str = "01005e318002.taf7-1.sm";

async fn mock() -> RunningMock {
    let s = Scenario::builtin("ppc-demo").expect("scenario");
    mock_smgw::start(s, "127.0.0.1:0".parse().expect("addr"), Default::default())
        .await
        .expect("mock")
}

fn opts(m: &RunningMock, password: &str) -> PpcOptions {
    let mut o = PpcOptions::new(
        "127.0.0.1",
        "demo",
        password,
        PinPolicy::Pinned(m.fingerprint_sha256().parse().expect("fingerprint")),
    );
    o.port = m.addr().port();
    o.pause = Duration::ZERO;
    o.timeouts = Timeouts {
        response: Duration::from_secs(10),
        login: Duration::from_secs(5),
        ..Timeouts::default()
    };
    o
}

async fn connect(m: &RunningMock) -> PpcGateway {
    PpcGateway::connect(opts(m, "demo")).await.expect("connect")
}

fn t(s: &str) -> DateTime<Utc> {
    parse_datetime(s, NaiveAs::Utc).expect("time")
}

fn ppc_err(e: &GatewayError) -> &PpcError {
    e.maker_error::<PpcError>().expect("a PPC error")
}

/// Compares what the client read with the scenario's generator, value by value.
fn assert_equals_generator(m: &RunningMock, got: &[ChannelReadings], obis: &str, period: Period) {
    let expected = m
        .scenario()
        .expected_readings_between(
            "demo",
            UP_PV,
            "origin",
            obis,
            period.from.timestamp(),
            period.to.timestamp(),
        )
        .expect("expected");
    let name = format!("{obis}.1lgz0072999211.sm");
    let ch = got.iter().find(|c| c.channel == name).unwrap_or_else(|| {
        panic!(
            "channel {name} missing in {:?}",
            got.iter().map(|c| &c.channel).collect::<Vec<_>>()
        )
    });
    assert_eq!(ch.readings.len(), expected.len(), "{name}");
    assert!(!expected.is_empty());
    for (r, e) in ch.readings.iter().zip(&expected) {
        assert_eq!(r.target_time.timestamp(), e.target_time, "{name}");
        let want = smgw_model::ScaledValue::new(i128::from(e.value), -1);
        assert_eq!(
            r.value.cmp_value(want),
            std::cmp::Ordering::Equal,
            "{name} at {}: {} vs {}",
            r.target_time,
            r.value,
            want
        );
        let valid = u32::from_str_radix(&e.smgw_status, 16).expect("hex") & 0x0086_0000 == 0;
        assert_eq!(
            r.ptb().expect("status").is_valid(),
            valid,
            "{name} at {}",
            r.target_time
        );
    }
}

async fn detail(gw: &mut PpcGateway, name: &str) -> ContractDetail {
    gw.contract_detail(name)
        .await
        .expect("detail")
        .into_value()
        .expect("decoded")
}

async fn read_facts(gw: &mut PpcGateway) -> gateway::GatewayFacts {
    gw.gateway_info()
        .await
        .expect("info")
        .into_value()
        .expect("ok")
}

#[tokio::test]
async fn the_clock_is_the_date_header_else_an_estimate_from_the_last_synchronisation() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    let facts = read_facts(&mut gw).await;
    assert_eq!(facts.clock, ClockOrigin::Reported);
    let gateway_clock = facts.info.time.expect("time");

    m.set_ppc_faults(PpcFaults {
        no_date_header: true,
        ..PpcFaults::default()
    });
    let facts = read_facts(&mut gw).await;
    // The welcome page's last synchronisation, ten minutes before the clock: a lower
    // bound that places a sync, not a reading to judge the gateway's clock by.
    assert_eq!(facts.clock, ClockOrigin::Estimated);
    assert_eq!(
        facts.info.time,
        Some(gateway_clock - chrono::Duration::minutes(10))
    );
    gw.disconnect().await;
}

#[tokio::test]
async fn login_meters_firmware_rotating_token_and_logout() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    assert_eq!(gw.welcome().firmware.as_deref(), Some("00861-34788"));
    let contracts = gw
        .contracts()
        .await
        .expect("contracts")
        .into_value()
        .expect("ok");
    let names: Vec<_> = contracts
        .iter()
        .map(|c| c.usage_point_id.as_str())
        .collect();
    assert_eq!(names, [METER_PV, METER_HP]);
    let (first, _) = gw.meters().await.expect("meters");
    let facts = read_facts(&mut gw).await;
    assert_eq!(facts.info.id, "EPPC0210486901");
    assert!(facts
        .info
        .firmware
        .iter()
        .any(|f| f.component == "smgw-services" && f.version == "00861-34788"));
    let d = detail(&mut gw, METER_PV).await;
    assert_eq!(d.databases[0].channels.len(), 2);
    let d = detail(&mut gw, METER_HP).await;
    assert_eq!(d.databases[0].channels.len(), 1);
    gw.disconnect().await;
    let s = m.ppc_stats();
    assert_eq!((s.logins, s.logouts), (1, 1));
    // Seven pages, each with a new token (in changing quotes), all accepted.
    assert_eq!(s.broken_session_pages, 0);
    assert!(s.actions.values().sum::<u64>() >= 6, "{s:?}");

    // Next session: same stable names, new per-session ids.
    let mut gw = connect(&m).await;
    let (second, _) = gw.meters().await.expect("meters");
    assert_eq!(
        first.iter().map(|x| &x.name).collect::<Vec<_>>(),
        second.iter().map(|x| &x.name).collect::<Vec<_>>()
    );
    assert_ne!(first[0].mid, second[0].mid);
    gw.disconnect().await;
    assert_eq!(m.ppc_stats().logouts, 2);
}

#[tokio::test]
async fn history_from_the_signed_export_equals_the_generator_including_dst_day() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    let d = detail(&mut gw, METER_PV).await;
    // The autumn DST day 2025-10-26 (25 hours) in local time.
    let day = Period {
        from: t("2025-10-25T22:00:00Z"),
        to: t("2025-10-26T23:00:00Z"),
    };
    let f = gw.values(&d, &Database::Origin, day).await.expect("values");
    let (raw, got) = f.decode();
    let got = got.expect("decoded");
    assert_eq!(
        raw.body.first(),
        Some(&0x30),
        "the raw answer is the signed file"
    );
    assert_eq!(
        got.iter().map(|c| c.readings.len()).collect::<Vec<_>>(),
        [100, 100]
    );
    assert!(got[0].readings.iter().all(|r| r.signature.is_some()));
    assert_equals_generator(&m, &got, "0100010800ff", day);
    assert_equals_generator(&m, &got, "0100020800ff", day);
    // 40 days through the interface's windows, including the status flags of May 10th.
    let long = Period {
        from: t("2026-04-20T22:00:00Z"),
        to: t("2026-05-30T22:00:00Z"),
    };
    let got = gateway::read_values(
        &mut gw,
        &d,
        &Database::Origin,
        long,
        &mut |_| {},
        &CancelFlag::new(),
    )
    .await
    .expect("read");
    assert_equals_generator(&m, &got, "0100010800ff", long);
    assert!(!gw.uses_table());
    // No data in range (before the meter started): an HTTP error means "nothing".
    let before = Period {
        from: t("2024-01-01T00:00:00Z"),
        to: t("2024-01-02T00:00:00Z"),
    };
    let none = gw
        .values(&d, &Database::Origin, before)
        .await
        .expect("values")
        .into_value()
        .expect("ok");
    assert!(none.iter().all(|c| c.readings.is_empty()));
    gw.disconnect().await;
}

#[tokio::test]
async fn history_from_the_table_when_the_export_fails_dst_day_pages_and_123() {
    let m = mock().await;
    m.set_ppc_faults(PpcFaults {
        export_broken: true,
        page_rows: 60,
        ..PpcFaults::default()
    });
    let mut gw = connect(&m).await;
    let d = detail(&mut gw, METER_PV).await;
    let day = Period {
        from: t("2025-10-25T22:00:00Z"),
        to: t("2025-10-26T23:00:00Z"),
    };
    let got = gw
        .values(&d, &Database::Origin, day)
        .await
        .expect("values")
        .into_value()
        .expect("ok");
    assert!(gw.uses_table());
    assert_equals_generator(&m, &got, "0100010800ff", day);
    assert_equals_generator(&m, &got, "0100020800ff", day);
    assert!(gw
        .take_warnings()
        .iter()
        .any(|w| w.reason.contains("table")));
    // A day with invalid values (time invalid 2026-05-10 00:00–02:00 UTC), istvalide 1/2/3.
    m.set_ppc_faults(PpcFaults {
        export_broken: true,
        istvalide_123: true,
        ..PpcFaults::default()
    });
    let day = Period {
        from: t("2026-05-09T22:00:00Z"),
        to: t("2026-05-10T22:00:00Z"),
    };
    let got = gw
        .values(&d, &Database::Origin, day)
        .await
        .expect("values")
        .into_value()
        .expect("ok");
    assert_equals_generator(&m, &got, "0100010800ff", day);
    assert!(got[0]
        .readings
        .iter()
        .any(|r| !r.ptb().expect("ptb").is_valid()));
    gw.disconnect().await;
}

#[tokio::test]
async fn logbook_split_at_the_1000_refusal_and_merged_each_entry_once() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    let all = gateway::read_logbook(&mut gw, 1, &CancelFlag::new(), |_| {})
        .await
        .expect("logbook");
    let expected = m.scenario().expected_log("demo").expect("log");
    assert_eq!(expected.len(), 2500);
    // The generated entries once each, then this session's login.
    assert_eq!(all.len(), expected.len() + 1);
    for (got, want) in all.iter().zip(&expected) {
        assert_eq!(got.index, want.index);
        assert_eq!(got.time.map(|t| t.timestamp()), Some(want.time));
        // The template's `[User]` is filled from the message extension.
        let message = if want.user_identity.is_empty() || !want.message.contains("Letztverbraucher")
        {
            want.message.clone()
        } else {
            want.message.replacen(
                "Letztverbraucher",
                &format!("Letztverbraucher {}", want.user_identity),
                1,
            )
        };
        assert_eq!(got.message, message);
        assert_eq!(got.event_id, want.event_id.to_string());
    }
    let login = all.last().expect("login entry");
    assert_eq!(login.index, 2501);
    assert_eq!(login.message, "Letztverbraucher demo hat sich angemeldet");
    let requests = m
        .ppc_stats()
        .actions
        .get("exportLogData")
        .copied()
        .unwrap_or(0);
    assert!(requests >= 5, "the range was split: {requests} requests");
    gw.disconnect().await;
}

#[tokio::test]
async fn a_second_login_breaks_the_first_session() {
    let m = mock().await;
    let mut first = connect(&m).await;
    first.contracts().await.expect("contracts");
    let mut second = connect(&m).await;
    let e = first.contracts().await.expect_err("broken");
    assert!(
        matches!(ppc_err(&e), PpcError::SessionBroken { said } if said == "Invalide Session"),
        "{e}"
    );
    assert!(e.message(smgw_model::Lang::De).contains("nur eine Sitzung"));
    second.contracts().await.expect("the second session works");
    second.disconnect().await;
}

#[tokio::test]
async fn stale_nonce_empty_200_gets_a_new_digest_state_and_one_retry() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    m.set_ppc_faults(PpcFaults {
        stale_nonce_next: true,
        ..PpcFaults::default()
    });
    let c = gw
        .contracts()
        .await
        .expect("contracts after retry")
        .into_value()
        .expect("ok");
    assert_eq!(c.len(), 2);
    assert_eq!(m.ppc_stats().stale_nonce_answers, 1);
    gw.disconnect().await;
}

#[tokio::test]
async fn wrong_password_is_not_retried_and_repeated_failures_lock_out() {
    let m = mock().await;
    let e = PpcGateway::connect(opts(&m, "wrong"))
        .await
        .expect_err("refused");
    assert!(matches!(e, PpcError::WrongPassword), "{e}");
    assert_eq!(m.ppc_stats().failed_logins, 1, "sent once, never retried");
    for _ in 0..2 {
        let _ = PpcGateway::connect(opts(&m, "wrong")).await;
    }
    let e = PpcGateway::connect(opts(&m, "demo"))
        .await
        .expect_err("locked");
    assert!(matches!(e, PpcError::LockedOut), "{e}");
    assert!(e.message(smgw_model::Lang::En).contains("15 minutes"));
    assert_eq!(m.ppc_stats().failed_logins, 3);
}

#[tokio::test]
async fn no_cookie_means_the_operator_must_reconfigure() {
    let m = mock().await;
    m.set_ppc_faults(PpcFaults {
        no_cookie: true,
        ..PpcFaults::default()
    });
    let e = PpcGateway::connect(opts(&m, "demo"))
        .await
        .expect_err("no cookie");
    assert!(matches!(e, PpcError::NoSessionCookie), "{e}");
    assert!(e
        .message(smgw_model::Lang::De)
        .contains("Messstellenbetreiber"));
}

#[tokio::test]
async fn polling_too_fast_crashes_the_gateway_a_pause_does_not() {
    let m = mock().await;
    m.set_ppc_faults(PpcFaults {
        crash_below_interval_ms: Some(150),
        ..PpcFaults::default()
    });
    let mut o = opts(&m, "demo");
    o.pause = Duration::from_millis(250);
    let mut gw = PpcGateway::connect(o).await.expect("paced login");
    gw.contracts().await.expect("paced request");
    gw.disconnect().await;
    assert!(!m.ppc_stats().crashed);

    let mut o = opts(&m, "demo");
    o.timeouts.login = Duration::from_secs(1);
    o.timeouts.response = Duration::from_secs(1);
    let e = PpcGateway::connect(o).await.expect_err("crashed");
    assert!(matches!(e, PpcError::NoAnswer { .. }), "{e}");
    assert!(m.ppc_stats().crashed);
}

#[tokio::test]
async fn current_values_at_most_every_15_minutes() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    let d = detail(&mut gw, METER_PV).await;
    let a = gw
        .current_values(&d, &Database::Origin)
        .await
        .expect("current")
        .into_value()
        .expect("ok");
    let (b, warned) = gw
        .current_values(&d, &Database::Origin)
        .await
        .expect("cached")
        .into_warned()
        .expect("ok");
    assert_eq!(a, b);
    // Said with the answer, in the tolerant reader's channel.
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].path.starts_with("showMeterProfile"), "{warned:?}");
    assert!(warned[0].reason.contains("15 minutes"), "{warned:?}");
    assert_eq!(m.ppc_stats().actions.get("showMeterProfile"), Some(&1));
    assert!(gw
        .take_warnings()
        .iter()
        .any(|w| w.reason.contains("15 minutes")));
    let last = m
        .scenario()
        .expected_readings("demo", UP_PV, "origin", "0100010800ff")
        .expect("expected");
    let last = last.last().expect("one");
    let r = &a[0].readings[0];
    assert_eq!(r.target_time.timestamp(), last.target_time);
    assert_eq!(
        r.value
            .cmp_value(smgw_model::ScaledValue::new(i128::from(last.value), -1)),
        std::cmp::Ordering::Equal
    );
    gw.disconnect().await;
}

#[tokio::test]
async fn unknown_certificate_is_a_question_not_a_connection() {
    let m = mock().await;
    let mut o = opts(&m, "demo");
    o.pin = PinPolicy::TrustOnFirstUse;
    let e = PpcGateway::connect(o).await.expect_err("question");
    match e.client_error() {
        Some(ClientError::UnknownCertificate { fingerprint, .. }) => {
            assert_eq!(fingerprint.to_hex(), m.fingerprint_sha256())
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.ppc_stats().logins, 0);
}

#[tokio::test]
async fn self_test_only_after_confirmation_because_it_reboots() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    assert!(!gw.capabilities().self_test);
    let e = gw.self_test().await.expect_err("not confirmed");
    assert!(matches!(ppc_err(&e), PpcError::SelfTestNotConfirmed));
    gw.disconnect().await;
    assert_eq!(m.ppc_stats().self_tests, 0);
    let mut o = opts(&m, "demo");
    o.allow_self_test_reboot = true;
    o.history = HistorySource::Export;
    let mut gw = PpcGateway::connect(o).await.expect("connect");
    assert!(gw.capabilities().self_test);
    gw.self_test().await.expect("self-test");
    assert_eq!(m.ppc_stats().self_tests, 1);
}

/// Field failure 36: a long period is asked in signed files of at most 31 days (one
/// `exportMeterValues` per window), and every value of it arrives exactly once.
#[tokio::test]
async fn a_long_history_period_is_split_into_files_of_at_most_31_days() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    let d = detail(&mut gw, METER_PV).await;
    assert_eq!(gw.capabilities().max_window, chrono::Duration::days(31));
    // 200 days, over both DST changes of the season.
    let long = Period {
        from: t("2025-10-14T22:00:00Z"),
        to: t("2026-05-02T22:00:00Z"),
    };
    let before = m.ppc_stats().export_ranges.len();
    let got = gateway::read_values(
        &mut gw,
        &d,
        &Database::Origin,
        long,
        &mut |_| {},
        &CancelFlag::new(),
    )
    .await
    .expect("read");
    assert_equals_generator(&m, &got, "0100010800ff", long);
    assert_equals_generator(&m, &got, "0100020800ff", long);
    let ranges: Vec<_> = m.ppc_stats().export_ranges[before..].to_vec();
    let days = (long.to - long.from).num_days();
    assert_eq!(
        ranges.len() as i64,
        (days + 30) / 31,
        "one file per 31 days: {ranges:?}"
    );
    let local = |s: &str| {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("local time")
    };
    for (from, to) in &ranges {
        let span = local(to) - local(from);
        // Local wall-clock span: 31 days, one hour more across the autumn change.
        assert!(
            span <= chrono::Duration::days(31) + chrono::Duration::hours(1),
            "{from} .. {to}"
        );
    }
    // Consecutive windows join without a gap.
    for pair in ranges.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "{ranges:?}");
    }
    gw.disconnect().await;
}

/// Field failure 36, the size the gateway can produce in one file: 85 days × 96 × 2
/// values, decoded (CMS, signature check, DKE XML). Prints size and time; asserts only
/// that every value is there.
#[tokio::test]
async fn bench_decoding_an_85_day_signed_file() {
    let m = mock().await;
    let mut gw = connect(&m).await;
    let d = detail(&mut gw, METER_PV).await;
    let period = Period {
        from: t("2026-01-31T23:00:00Z"),
        to: t("2026-04-26T22:00:00Z"),
    };
    // One `values` call asks for the whole span in one file (callers normally go through
    // `read_values`, which never asks for more than 31 days).
    let fetched = gw
        .values(&d, &Database::Origin, period)
        .await
        .expect("values");
    let bytes = fetched.raw.body.len();
    let started = std::time::Instant::now();
    let (got, warnings) = fetched.into_warned().expect("decoded");
    let took = started.elapsed();
    let values: usize = got.iter().map(|c| c.readings.len()).sum();
    println!(
        "bench: an 85-day signed file of {:.1} MB with {values} values decoded in {:.0} ms \
         ({:.0} values/s, unoptimised test build)",
        bytes as f64 / 1e6,
        took.as_secs_f64() * 1000.0,
        values as f64 / took.as_secs_f64().max(1e-9)
    );
    // The mock's files carry a field the client does not know (`meter_status`): said once.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].path.ends_with("meter_status"), "{warnings:?}");
    assert_equals_generator(&m, &got, "0100010800ff", period);
    assert_equals_generator(&m, &got, "0100020800ff", period);
    assert!(bytes > 1_000_000, "a multi-MB file: {bytes} bytes");
    gw.disconnect().await;
}
