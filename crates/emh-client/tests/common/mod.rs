//! Starting the EMH mock and connecting to it over real TLS on loopback.
#![allow(dead_code)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use emh_client::{EmhGateway, EmhOptions};
use han_client::{Fingerprint, PinPolicy};
use mock_smgw::{EmhFaults, Faults, Options, RunningMock, Scenario};

pub const TAF7: &str = "taf7-1emh0012345678";
pub const TAF1: &str = "taf1-1emh0087654321";
pub const OBIS: &str = "0100010800ff";

/// The emh-demo scenario's minimum pause between requests.
pub const MOCK_PAUSE_MS: u64 = 50;
/// The client's pause in tests: just above the mock's.
pub const PAUSE: Duration = Duration::from_millis(60);

pub async fn start() -> RunningMock {
    start_with(None).await
}

/// The EMH quirks of emh-demo plus `emh`; `latency_ms` slows every answer down.
pub fn faults(emh: EmhFaults, latency_ms: u64) -> Faults {
    Faults {
        latency_ms,
        emh: EmhFaults {
            min_pause_ms: MOCK_PAUSE_MS,
            ..emh
        },
        ..Faults::default()
    }
}

pub async fn start_with(faults: Option<Faults>) -> RunningMock {
    let scenario = Scenario::builtin("emh-demo").expect("builtin emh-demo");
    mock_smgw::start(
        scenario,
        "127.0.0.1:0".parse().expect("addr"),
        Options {
            faults,
            ..Options::default()
        },
    )
    .await
    .expect("mock starts")
}

pub fn pin(mock: &RunningMock) -> Fingerprint {
    mock.fingerprint_sha256().parse().expect("fingerprint")
}

pub fn options(mock: &RunningMock) -> EmhOptions {
    let mut o = EmhOptions::new("127.0.0.1", "demo", "demo", PinPolicy::Pinned(pin(mock)));
    o.port = mock.addr().port();
    o.pause = PAUSE;
    o
}

pub async fn connect(mock: &RunningMock) -> EmhGateway {
    EmhGateway::connect(options(mock)).await.expect("connects")
}

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("time")
        .with_timezone(&Utc)
}

pub fn unix(t: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(t, 0).single().expect("time")
}
