//! The mock's flagged values reach the client as the PTB status the gateway meant: the mock
//! writes status words and smgw-model decodes them, two independent implementations of the
//! FNN layout that must agree.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use chrono::{DateTime, Utc};
use gateway::{Gateway, Period};
use han_client::{Auth, ConexaGateway, ConnectOptions, Connection, PinPolicy};
use smgw_model::records::Database;
use smgw_model::PtbStatus;

const TAF7: &str = "01005e318023.taf7-1.sm";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("literal time")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn warning_temporary_critical_and_fatal_values_decode_to_their_ptb_status() {
    let scenario = mock_smgw::Scenario::builtin("demo").expect("demo");
    let mock = mock_smgw::start(
        scenario,
        "127.0.0.1:0".parse().expect("address"),
        mock_smgw::Options::default(),
    )
    .await
    .expect("mock");
    let mut opts = ConnectOptions::new(
        "127.0.0.1",
        Auth::Digest {
            user: "demo".into(),
            password: "demo".into(),
        },
        PinPolicy::Pinned(mock.fingerprint_sha256().parse().expect("fingerprint")),
    );
    opts.port = mock.addr().port();
    let mut session = ConexaGateway::new(Connection::connect(opts).await.expect("connect"));
    let detail = session
        .contract_detail(TAF7)
        .await
        .and_then(|f| f.into_value())
        .expect("detail");

    // The demo scenario's hard cases (scenario.toml): a warning hour, a critical value, a
    // fatal value, and six hours without valid time.
    let cases = [
        ("2025-02-14T12:15:00Z", PtbStatus::Warning),
        ("2025-07-01T08:15:00Z", PtbStatus::CriticalTemporary),
        ("2025-12-24T18:00:00Z", PtbStatus::Fatal),
        ("2025-09-10T03:00:00Z", PtbStatus::Temporary),
        ("2025-09-11T03:00:00Z", PtbStatus::NoError),
    ];
    for (at, want) in cases {
        let t = utc(at);
        let period = Period {
            from: t - chrono::Duration::minutes(15),
            to: t,
        };
        let channels = session
            .values(&detail, &Database::Origin, period)
            .await
            .and_then(|f| f.into_value())
            .expect("readings");
        let reading = &channels[0].readings[0];
        assert_eq!(reading.target_time, t);
        assert_eq!(reading.ptb(), Some(want), "{at}: {reading:?}");
        assert_eq!(
            reading.cosem_status.map(|c| c.ptb()),
            Some(want),
            "{at}: cosem-status agrees with smgw-status"
        );
    }
}
