//! The signature check of the PPC's signed export files against mock-smgw over real TLS:
//! intact files verify; a changed byte (content or signature) fails, but no value is lost.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use chrono::{DateTime, Utc};
use gateway::{Gateway, Period};
use han_client::{PinPolicy, Timeouts};
use mock_smgw::{PpcFaults, RunningMock, Scenario, SignedFileFault};
use ppc_client::{PpcGateway, PpcOptions, SignatureCheck};
use smgw_model::records::{ChannelReadings, Database};
use smgw_model::time::{parse_datetime, NaiveAs};
use smgw_model::ScaledValue;

const METER_PV: &str = "01005e318002.1lgz0072999211.sm";
const UP_PV: &str = "01005e318002.taf7-1.sm";

async fn mock(fault: SignedFileFault) -> RunningMock {
    let s = Scenario::builtin("ppc-demo").expect("scenario");
    let m = mock_smgw::start(s, "127.0.0.1:0".parse().expect("addr"), Default::default())
        .await
        .expect("mock");
    m.set_ppc_faults(PpcFaults {
        signed_file: fault,
        ..PpcFaults::default()
    });
    m
}

async fn connect(m: &RunningMock) -> PpcGateway {
    let mut o = PpcOptions::new(
        "127.0.0.1",
        "demo",
        "demo",
        PinPolicy::Pinned(m.fingerprint_sha256().parse().expect("fingerprint")),
    );
    o.port = m.addr().port();
    o.pause = Duration::ZERO;
    o.timeouts = Timeouts {
        response: Duration::from_secs(10),
        login: Duration::from_secs(5),
        ..Timeouts::default()
    };
    PpcGateway::connect(o).await.expect("connect")
}

fn t(s: &str) -> DateTime<Utc> {
    parse_datetime(s, NaiveAs::Utc).expect("time")
}

const DAY: (&str, &str) = ("2026-05-09T22:00:00Z", "2026-05-10T22:00:00Z");

/// One day of the PV meter's values, the raw file, and the checks recorded.
async fn read_day(m: &RunningMock) -> (Vec<ChannelReadings>, Vec<u8>, PpcGateway) {
    let (got, raw, gw, _) = read_day_warned(m).await;
    (got, raw, gw)
}

/// The day's values with the warnings that came with them.
async fn read_day_warned(
    m: &RunningMock,
) -> (
    Vec<ChannelReadings>,
    Vec<u8>,
    PpcGateway,
    Vec<smgw_model::FieldWarning>,
) {
    let mut gw = connect(m).await;
    let d = gw
        .contract_detail(METER_PV)
        .await
        .expect("detail")
        .into_value()
        .expect("decoded");
    let period = Period {
        from: t(DAY.0),
        to: t(DAY.1),
    };
    let (raw, got) = gw
        .values(&d, &Database::Origin, period)
        .await
        .expect("values")
        .decode_warned();
    let (got, warnings) = got.expect("values are never lost");
    (got, raw.body, gw, warnings)
}

fn assert_values_equal_generator(m: &RunningMock, got: &[ChannelReadings]) {
    for obis in ["0100010800ff", "0100020800ff"] {
        let want = m
            .scenario()
            .expected_readings_between(
                "demo",
                UP_PV,
                "origin",
                obis,
                t(DAY.0).timestamp(),
                t(DAY.1).timestamp(),
            )
            .expect("expected");
        let name = format!("{obis}.1lgz0072999211.sm");
        let ch = got.iter().find(|c| c.channel == name).expect("channel");
        assert_eq!(ch.readings.len(), want.len(), "{name}");
        assert_eq!(want.len(), 96);
        for (r, e) in ch.readings.iter().zip(&want) {
            assert_eq!(r.target_time.timestamp(), e.target_time);
            assert_eq!(
                r.value.cmp_value(ScaledValue::new(i128::from(e.value), -1)),
                std::cmp::Ordering::Equal
            );
        }
    }
}

#[tokio::test]
async fn intact_files_verify_against_the_certificate_they_carry() {
    let m = mock(SignedFileFault::Intact).await;
    let (got, raw, mut gw) = read_day(&m).await;
    assert_values_equal_generator(&m, &got);
    assert_eq!(raw.first(), Some(&0x30));
    let checks = gw.signature_checks();
    // The meter profile (contract detail) and the values file.
    let actions: Vec<_> = checks.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(actions, ["exportMeterProfile", "exportMeterValues"]);
    for c in &checks {
        match &c.check {
            SignatureCheck::Verified {
                algorithm,
                signed_attributes,
                signer_certificate,
            } => {
                assert_eq!(algorithm, "ECDSA P-384 SHA-384");
                assert!(signed_attributes);
                assert!(!signer_certificate.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c.check.label(), "ok");
        // The mock signs with its HAN TLS certificate: the one pinned.
        assert!(c.signer_is_tls_certificate);
    }
    assert!(checks[1].request.contains("exportMeterValues"));
    // The logbook files too.
    gateway::read_logbook(&mut gw, 1, &gateway::CancelFlag::new(), |_| {})
        .await
        .expect("logbook");
    let checks = gw.signature_checks();
    let log: Vec<_> = checks
        .iter()
        .filter(|c| c.action == "exportLogData")
        .collect();
    assert!(log.len() >= 3, "{}", log.len());
    assert!(log.iter().all(|c| c.check.is_verified()));
    assert!(gw
        .take_warnings()
        .iter()
        .all(|w| !w.path.ends_with(": signature")));
    gw.disconnect().await;
}

#[tokio::test]
async fn a_changed_content_byte_fails_but_keeps_every_value_and_the_file() {
    let m = mock(SignedFileFault::TamperedContent).await;
    let (got, raw, mut gw, warned) = read_day_warned(&m).await;
    // Every value kept, exactly; the file kept as received.
    assert_values_equal_generator(&m, &got);
    assert_eq!(raw.first(), Some(&0x30));
    let checks = gw.signature_checks();
    assert_eq!(checks.len(), 2);
    for c in &checks {
        match &c.check {
            SignatureCheck::Failed { why } => assert!(why.contains("message digest"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.check.label(), "failed");
        assert!(!c.signer_is_tls_certificate);
    }
    // The failed check travels with the values, in the tolerant reader's channel.
    let w = warned
        .iter()
        .find(|w| w.path.starts_with("exportMeterValues") && w.path.ends_with(": signature"))
        .expect("a warning with the values");
    assert!(w.reason.contains("does not match its content"), "{w}");
    assert!(w.reason.contains("values were kept"), "{w}");
    assert!(w.raw.contains("message digest"), "{w}");
    assert!(w
        .message(smgw_model::Lang::De)
        .contains("exportMeterValues"));
    let warnings = gw.take_warnings();
    assert!(
        warnings.contains(w),
        "and among the session's: {warnings:?}"
    );
    gw.disconnect().await;
}

#[tokio::test]
async fn a_changed_signature_byte_fails_but_keeps_every_value() {
    let m = mock(SignedFileFault::TamperedSignature).await;
    let (got, _, mut gw) = read_day(&m).await;
    assert_values_equal_generator(&m, &got);
    let checks = gw.signature_checks();
    assert_eq!(checks.len(), 2);
    for c in &checks {
        match &c.check {
            SignatureCheck::Failed { why } => {
                assert!(
                    why.contains("ECDSA P-384 SHA-384 signature does not match"),
                    "{why}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(gw
        .take_warnings()
        .iter()
        .any(|w| w.to_string().contains("signature does not match")));
    gw.disconnect().await;
}

#[tokio::test]
async fn without_a_certificate_nothing_is_checked_and_values_are_kept() {
    let m = mock(SignedFileFault::NoCertificate).await;
    let (got, _, mut gw) = read_day(&m).await;
    assert_values_equal_generator(&m, &got);
    let checks = gw.signature_checks();
    assert_eq!(checks.len(), 2);
    assert!(checks
        .iter()
        .all(|c| c.check == SignatureCheck::NoCertificate && c.check.label() == "no certificate"));
    assert!(gw
        .take_warnings()
        .iter()
        .any(|w| w.reason.contains("no certificate of its signer")));
    gw.disconnect().await;
}

#[tokio::test]
async fn a_signature_over_the_content_itself_verifies_too() {
    let m = mock(SignedFileFault::NoSignedAttributes).await;
    let (got, _, mut gw) = read_day(&m).await;
    assert_values_equal_generator(&m, &got);
    let checks = gw.signature_checks();
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(|c| matches!(
        c.check,
        SignatureCheck::Verified {
            signed_attributes: false,
            ..
        }
    )));
    gw.disconnect().await;
}
