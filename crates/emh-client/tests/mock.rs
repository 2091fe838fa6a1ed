//! The adapter against the EMH mock over real TLS on 127.0.0.1: values compared with the
//! scenario's generator, every quirk and fault.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use common::*;
use emh_client::{looks_like_emh, EmhError, EmhGateway};
use gateway::{CancelFlag, ClockOrigin, ErrorCategory, Gateway, GatewayError, Maker, Period};
use han_client::digest::{self, DigestInput};
use han_client::{HttpRequest, Link, LinkOptions, Outcome, PinPolicy, Timeouts};
use mock_smgw::{EmhFaults, Faults};
use smgw_model::records::{ContractDetail, Database, Reading, Taf};
use smgw_model::{Lang, ScaledValue, Unit};

async fn detail(g: &mut EmhGateway, id: &str) -> ContractDetail {
    g.contract_detail(id)
        .await
        .expect("detail")
        .into_value()
        .expect("decoded")
}

fn emh_error(e: &GatewayError) -> &EmhError {
    e.maker_error::<EmhError>()
        .unwrap_or_else(|| panic!("not an EMH error: {e:?}"))
}

/// The client's reading equals the generator's, scaler and status word included.
fn assert_same(got: &Reading, want: &mock_smgw::Reading, scaler: i8) {
    assert_eq!(got.target_time, unix(want.target_time), "{want:?}");
    assert_eq!(
        got.value,
        ScaledValue::new(i128::from(want.value), scaler),
        "{want:?}"
    );
    assert_eq!(
        got.cosem_status.map(|s| s.to_hex()).as_deref(),
        Some(want.cosem_status.as_str())
    );
    assert_eq!(
        got.smgw_status.map(|s| s.to_hex()).as_deref(),
        Some(want.smgw_status.as_str())
    );
    assert_eq!(got.signature.as_ref().map(hex::encode), want.signature);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_facts_contracts_and_current_values() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    let caps = g.capabilities().clone();
    assert_eq!(caps.maker, Maker::Emh);
    assert!(caps.history && caps.logbook && !caps.self_test);
    assert_eq!(caps.pause, PAUSE);
    assert_eq!(g.realm(), Some("EEMH0012345678"));
    assert_eq!(g.meters(), ["1emh0012345678", "1EMH0087654321.sm"]);
    assert_eq!(g.user_id().as_str(), "demo");

    let facts = g.gateway_info().await.unwrap().into_value().unwrap();
    assert_eq!(facts.info.id, "EEMH0012345678");
    assert_eq!(facts.info.time, Some(t("2026-11-20T09:00:00Z")));
    assert_eq!(facts.info.firmware[0].version, "1.1.4");
    assert_eq!(facts.state_as_sent.as_deref(), Some("a0000000"));

    let (raw, contracts) = g.contracts().await.unwrap().decode();
    let contracts = contracts.unwrap();
    assert_eq!(contracts.len(), 2);
    assert!(String::from_utf8_lossy(&raw.body).contains("emh-answers"));
    assert_eq!(contracts[0].usage_point_id, TAF7);
    assert_eq!(contracts[0].taf, Taf::Taf7);
    assert_eq!(contracts[0].meters, ["1emh0012345678"]);
    assert_eq!(contracts[0].start, Some(t("2026-07-31T22:00:00Z")));
    assert_eq!(contracts[1].usage_point_id, TAF1);
    assert_eq!(contracts[1].taf, Taf::Taf1);
    assert_eq!(contracts[1].meters, ["1EMH0087654321.sm"]);

    // Scalers differ between installations: -1 on one meter, 0 on the other.
    // Beside `origin`: the daily values, and for the contract with billing periods their
    // values (`derived`; see `extras.rs` and `billing.rs`).
    for (id, scaler, lists) in [
        (TAF7, -1i8, &[Database::Origin, Database::Daily][..]),
        (
            TAF1,
            0,
            &[Database::Origin, Database::Daily, Database::Derived][..],
        ),
    ] {
        let d = detail(&mut g, id).await;
        let got: Vec<_> = d.databases.iter().map(|l| l.database.clone()).collect();
        assert_eq!(got, lists);
        let ch = d.databases[0].channels[0];
        assert_eq!(ch.obis.to_hex(), OBIS);
        assert_eq!(ch.unit, Unit::WattHour);
        assert_eq!(ch.scaler, scaler);

        let current = g
            .current_values(&d, &Database::Origin)
            .await
            .unwrap()
            .into_value()
            .unwrap();
        assert_eq!(current.len(), 1);
        let want = mock
            .scenario()
            .expected_readings("demo", id, "origin", OBIS)
            .unwrap();
        let want = want.last().unwrap();
        assert_eq!(current[0].readings.len(), 1);
        let got = &current[0].readings[0];
        assert_same(got, want, scaler);
        assert_eq!(got.meter_status.unwrap().to_hex(), "208c3800");
        assert_eq!(got.capture_time, Some(t("2026-11-20T09:00:00Z")));
        assert!(current[0].channel.starts_with("0100010800ff.1emh00"));
        // The value as people see it: raw times ten to the scaler.
        if scaler == -1 {
            assert!(got.value.to_decimal_string().contains('.'));
        }
    }
    // Every authenticated request answered a challenge of its own; no nonce reused.
    let s = mock.emh_stats();
    assert_eq!(s.reused_nonce, 0);
    assert_eq!(s.challenges, s.authenticated, "{s:?}");
    assert_eq!(s.too_fast + s.overlapping + s.host_rejected, 0, "{s:?}");
    assert!(g.warnings().is_empty(), "{:?}", g.warnings());
    g.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_values_equal_the_generator_across_months_gaps_and_statuses() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    let scenario = mock.scenario().clone();
    // Across the month boundary, with the gap on 3 September and a warning on 14 October
    // in the second window.
    for (id, scaler, from, to) in [
        (TAF7, -1i8, "2026-08-25T00:00:00Z", "2026-09-20T00:00:00Z"),
        (TAF7, -1, "2026-09-30T21:45:00Z", "2026-10-31T00:00:00Z"),
        (TAF1, 0, "2026-09-15T00:00:00Z", "2026-10-10T12:00:00Z"),
    ] {
        let d = detail(&mut g, id).await;
        let period = Period {
            from: t(from),
            to: t(to),
        };
        let got = g
            .values(&d, &Database::Origin, period)
            .await
            .unwrap()
            .into_value()
            .unwrap();
        let want = scenario
            .expected_readings_between(
                "demo",
                id,
                "origin",
                OBIS,
                period.from.timestamp(),
                period.to.timestamp(),
            )
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].readings.len(), want.len(), "{id} {from}");
        assert!(want.len() > 2000);
        for (r, w) in got[0].readings.iter().zip(&want) {
            assert_same(r, w, scaler);
        }
    }
    // The gap: 2 hours without values on 3 September.
    let d = detail(&mut g, TAF7).await;
    let day = g
        .values(
            &d,
            &Database::Origin,
            Period {
                from: t("2026-09-03T00:00:00Z"),
                to: t("2026-09-04T00:00:00Z"),
            },
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(day[0].readings.len(), 96 - 8);
    let warned = g
        .values(
            &d,
            &Database::Origin,
            Period {
                from: t("2026-10-14T11:00:00Z"),
                to: t("2026-10-14T14:00:00Z"),
            },
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    let ptb: Vec<u8> = warned[0]
        .readings
        .iter()
        .map(|r| r.ptb().unwrap().code())
        .collect();
    assert!(ptb.contains(&1) && ptb.contains(&0), "{ptb:?}");

    // The whole history through the interface's own window reader.
    let all = gateway::read_values(
        &mut g,
        &d,
        &Database::Origin,
        Period {
            from: t("2026-07-31T21:59:59Z"),
            to: t("2026-11-20T09:00:00Z"),
        },
        &mut |_| {},
        &CancelFlag::new(),
    )
    .await
    .unwrap();
    let want = scenario
        .expected_readings("demo", TAF7, "origin", OBIS)
        .unwrap();
    assert_eq!(all[0].readings.len(), want.len());
    assert_same(all[0].readings.last().unwrap(), want.last().unwrap(), -1);
    assert_same(&all[0].readings[0], &want[0], -1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_logbook_is_read_month_by_month() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    g.gateway_info().await.unwrap();
    let want = mock.scenario().expected_log("demo").unwrap();
    assert_eq!(want.len(), 400);
    let before = mock.emh_stats().authenticated;
    let page = g.log_page(0).await.unwrap().into_value().unwrap();
    let months = mock.emh_stats().authenticated - before;
    assert_eq!(page.next, None);
    assert_eq!(page.entries.len(), want.len());
    for (e, w) in page.entries.iter().zip(&want) {
        assert_eq!(e.index, w.index);
        assert_eq!(e.message, w.message);
        assert_eq!(e.time, Some(unix(w.time)));
        assert_eq!(e.level.code(), u8::try_from(w.level).unwrap());
        assert_eq!(e.event_id, w.event_id.to_string());
        assert_eq!(e.vendor_id.as_deref(), Some(w.vendor_id.as_str()));
        assert_eq!(e.extra.as_deref(), Some(r#"{"category":"consumer"}"#));
    }
    // August to November, then three empty months.
    assert_eq!(months, 7);

    // From a later entry on: only the months needed.
    let from = want[380].index;
    let before = mock.emh_stats().authenticated;
    let page = g.log_page(from).await.unwrap().into_value().unwrap();
    assert!(mock.emh_stats().authenticated - before <= 2);
    assert_eq!(page.entries.len(), 20);
    assert_eq!(page.entries[0].index, from);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_without_history_or_logbook_still_gives_current_values() {
    let emh = EmhFaults {
        no_history: true,
        no_logbook: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let mut g = connect(&mock).await;
    let caps = g.capabilities().clone();
    assert!(!caps.history && !caps.logbook);
    let d = detail(&mut g, TAF7).await;
    let current = g
        .current_values(&d, &Database::Origin)
        .await
        .unwrap()
        .into_value()
        .unwrap();
    let want = mock
        .scenario()
        .expected_readings("demo", TAF7, "origin", OBIS)
        .unwrap();
    assert_same(&current[0].readings[0], want.last().unwrap(), -1);
    let period = Period {
        from: t("2026-10-01T00:00:00Z"),
        to: t("2026-10-02T00:00:00Z"),
    };
    assert!(matches!(
        g.values(&d, &Database::Origin, period).await,
        Err(GatewayError::NotOffered(_))
    ));
    assert!(matches!(
        g.log_page(0).await,
        Err(GatewayError::NotOffered(_))
    ));
    assert!(matches!(
        g.self_test().await,
        Err(GatewayError::NotOffered(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_system_information_the_clock_comes_from_the_current_values() {
    let emh = EmhFaults {
        no_systeminformations: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let mut g = connect(&mock).await;
    let facts = g.gateway_info().await.unwrap().into_value().unwrap();
    assert_eq!(
        facts.info.id, "EEMH0012345678",
        "the realm names the gateway"
    );
    assert_eq!(facts.info.time, Some(t("2026-11-20T09:00:00Z")));
    assert_eq!(
        facts.clock,
        ClockOrigin::Estimated,
        "a value's capture time is not the gateway's clock"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_header_other_than_the_address_is_refused_with_advice() {
    let mock = start().await;
    let mut o = options(&mock);
    o.host = "localhost".into();
    let e = EmhGateway::connect(o).await.unwrap_err();
    assert!(
        matches!(&e, EmhError::HostRejected { host } if host == "localhost"),
        "{e:?}"
    );
    assert!(mock.emh_stats().host_rejected >= 1);
    let g = GatewayError::from(e);
    assert_eq!(g.category(), ErrorCategory::GatewayRefused);
    assert!(g.message(Lang::De).contains("smgw.local"));
    assert!(g.message(Lang::En).contains("192.168.33.2"));
}

/// One authenticated GET over a raw link; returns (status of first use, status of reuse).
async fn send_twice_with_one_nonce(mock: &mock_smgw::RunningMock) -> (u16, u16) {
    let mut link = Link::new(LinkOptions {
        host: "127.0.0.1".into(),
        port: mock.addr().port(),
        pin: PinPolicy::Pinned(pin(mock)),
        identity: None,
        timeouts: Timeouts::default(),
        max_body_bytes: 1 << 20,
    })
    .unwrap();
    let uri = "/json/metering/origin/";
    let get = |headers: Vec<(&'static str, String)>| HttpRequest {
        method: "GET",
        uri,
        headers,
        body: &[],
    };
    let status_of = |o: Outcome| match o {
        Outcome::Answer { status, .. } => status,
        other => panic!("{other:?}"),
    };
    let pause = Duration::from_millis(MOCK_PAUSE_MS + 20);
    let Outcome::Answer {
        status, headers, ..
    } = link
        .send(&get(vec![]), Duration::from_secs(5))
        .await
        .unwrap()
    else {
        panic!("no answer");
    };
    assert_eq!(status, 401);
    let values = headers
        .iter()
        .filter(|(n, _)| n == "www-authenticate")
        .map(|(_, v)| v.as_str());
    let challenges = digest::parse_challenges(values).unwrap();
    let ch = digest::best_challenge(&challenges).unwrap();
    let auth = |nc: u32| {
        ch.authorization(&DigestInput {
            username: "demo",
            password: "demo",
            method: "GET",
            uri,
            body: &[],
            nc,
            cnonce: "0a1b2c3d",
        })
        .unwrap()
    };
    tokio::time::sleep(pause).await;
    let first = status_of(
        link.send(
            &get(vec![("authorization", auth(1))]),
            Duration::from_secs(5),
        )
        .await
        .unwrap(),
    );
    tokio::time::sleep(pause).await;
    // The same nonce again, even with a higher count, as a client caching it would.
    let second = status_of(
        link.send(
            &get(vec![("authorization", auth(2))]),
            Duration::from_secs(5),
        )
        .await
        .unwrap(),
    );
    (first, second)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reused_nonce_gets_401_and_the_adapter_never_reuses_one() {
    let mock = start().await;
    assert_eq!(send_twice_with_one_nonce(&mock).await, (200, 401));
    assert_eq!(mock.emh_stats().reused_nonce, 1);

    // A stale nonce: the adapter answers the new challenge and goes on.
    let mut g = connect(&mock).await;
    mock.set_faults(Faults {
        stale_nonce_next: true,
        ..faults(EmhFaults::default(), 0)
    });
    let d = detail(&mut g, TAF1).await;
    assert_eq!(d.databases[0].channels[0].scaler, 0);
    assert_eq!(
        mock.emh_stats().reused_nonce,
        1,
        "the adapter reused no nonce"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_too_fast_are_refused_and_retried_with_back_off() {
    let mock = start().await;
    let mut o = options(&mock);
    o.pause = Duration::ZERO;
    let mut g = EmhGateway::connect(o.clone())
        .await
        .expect("back-off carries it");
    let refused = mock.emh_stats().too_fast;
    assert!(refused > 0, "without a pause the gateway refuses");
    let d = detail(&mut g, TAF7).await;
    assert_eq!(d.databases[0].channels[0].scaler, -1);

    // Without retries, the user hears that the gateway is busy.
    o.retries = 0;
    let e = EmhGateway::connect(o).await.unwrap_err();
    assert!(matches!(e, EmhError::Busy { attempts: 1 }), "{e:?}");
    let g = GatewayError::from(e);
    assert_eq!(g.category(), ErrorCategory::GatewayRefused);
    assert!(g.message(Lang::De).contains("beschäftigt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_requests_are_dropped_and_retried() {
    let mock = start_with(Some(faults(EmhFaults::default(), 150))).await;
    let mut a = connect(&mock).await;
    let mut b = connect(&mock).await;
    let da = detail(&mut a, TAF7).await;
    let db = detail(&mut b, TAF1).await;
    let overlapping = mock.emh_stats().overlapping;
    // Both programs past their pause: their next requests leave at the same moment.
    tokio::time::sleep(PAUSE * 2).await;
    let (ra, rb) = tokio::join!(
        a.current_values(&da, &Database::Origin),
        b.current_values(&db, &Database::Origin)
    );
    assert!(
        mock.emh_stats().overlapping > overlapping,
        "two programs at once"
    );
    assert_eq!(ra.unwrap().into_value().unwrap().len(), 1);
    assert_eq!(rb.unwrap().into_value().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exchanged_meter_is_a_clear_error_and_a_new_connection_sees_its_successor() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    let d = detail(&mut g, TAF7).await;
    mock.set_faults(faults(
        EmhFaults {
            meter_exchanged: true,
            ..EmhFaults::default()
        },
        0,
    ));
    let e = g.current_values(&d, &Database::Origin).await.unwrap_err();
    assert!(
        matches!(emh_error(&e), EmhError::MeterExchanged { meter } if meter == "1emh0012345678"),
        "{e:?}"
    );
    assert!(e.message(Lang::De).contains("getauscht"));
    assert!(e.message(Lang::En).contains("exchanged"));
    assert_eq!(e.category(), ErrorCategory::GatewayRefused);

    let mut g = connect(&mock).await;
    assert_eq!(g.meters()[0], "1emh0012345679");
    let d = detail(&mut g, TAF7).await;
    let current = g
        .current_values(&d, &Database::Origin)
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(current[0].channel, "0100010800ff.1emh0012345679.sm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_first_contact() {
    let mock = start().await;
    let mut o = options(&mock);
    o.password = zeroize::Zeroizing::new("demo.".to_owned());
    let e = EmhGateway::connect(o).await.unwrap_err();
    assert!(matches!(e, EmhError::LoginRefused), "{e:?}");
    assert!(
        format!("{e:?}").find("demo.").is_none(),
        "no password in errors"
    );
    assert_eq!(
        GatewayError::from(e).category(),
        ErrorCategory::Authentication
    );

    let mut o = options(&mock);
    o.pin = PinPolicy::TrustOnFirstUse;
    let e = EmhGateway::connect(o).await.unwrap_err();
    let (fingerprint, _) = e.unknown_certificate().expect("the certificate question");
    assert_eq!(fingerprint, pin(&mock));
    assert!(matches!(
        e.client_error(),
        Some(han_client::ClientError::UnknownCertificate { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detection_tells_emh_from_conexa() {
    async fn probe(mock: &mock_smgw::RunningMock) -> bool {
        let mut link = Link::new(LinkOptions {
            host: "127.0.0.1".into(),
            port: mock.addr().port(),
            pin: PinPolicy::Pinned(pin(mock)),
            identity: None,
            timeouts: Timeouts::default(),
            max_body_bytes: 1 << 20,
        })
        .unwrap();
        let request = HttpRequest {
            method: "GET",
            uri: emh_client::PROBE_PATH,
            headers: vec![],
            body: &[],
        };
        match link.send(&request, Duration::from_secs(5)).await.unwrap() {
            Outcome::Answer {
                status,
                headers,
                body,
            } => looks_like_emh(status, &headers, &body),
            other => panic!("{other:?}"),
        }
    }
    let emh = start().await;
    assert!(probe(&emh).await);
    let conexa = mock_smgw::start(
        mock_smgw::Scenario::builtin("demo").unwrap(),
        "127.0.0.1:0".parse().unwrap(),
        Default::default(),
    )
    .await
    .unwrap();
    assert!(!probe(&conexa).await);
}
