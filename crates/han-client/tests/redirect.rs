//! A gateway whose 307 points anywhere but its own scheme, host and port is refused:
//! the client never follows it and never sends credentials there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use han_client::{Auth, ClientError, ConnectOptions, Connection, ErrorCategory, PinPolicy};
use mock_smgw::{Faults, Options};

async fn connect_with_location(location: &str) -> Result<(), ClientError> {
    let mock = mock_smgw::start(
        mock_smgw::Scenario::builtin("demo").expect("demo"),
        "127.0.0.1:0".parse().expect("address"),
        Options {
            faults: Some(Faults {
                redirect_location: Some(location.to_owned()),
                ..Faults::default()
            }),
            ..Options::default()
        },
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
    let result = Connection::connect(opts).await.map(drop);
    // Whatever the Location said, only this one gateway was ever contacted.
    assert_eq!(mock.stats().connections, 1);
    result
}

#[tokio::test]
async fn a_redirect_to_another_host_port_scheme_or_path_is_refused() {
    let port_elsewhere = "https://127.0.0.1:1/smgw/m2m/01005e318011.consumer1.sm/json";
    for location in [
        "https://evil.example/smgw/m2m/01005e318011.consumer1.sm/json",
        port_elsewhere,
        "http://127.0.0.1/smgw/m2m/01005e318011.consumer1.sm/json",
        "//evil.example/smgw/m2m/01005e318011.consumer1.sm/json",
        "/somewhere/else",
    ] {
        let err = connect_with_location(location).await.expect_err(location);
        assert_eq!(
            err.category(),
            ErrorCategory::GatewayRefused,
            "{location}: {err}"
        );
        assert!(
            matches!(
                err,
                ClientError::Protocol(han_client::han_protocol::ProtocolError::Redirect(_))
            ),
            "{location}: {err:?}"
        );
    }
}

#[tokio::test]
async fn the_same_injected_location_pointing_home_is_followed() {
    // The fault mechanism itself does not break a correct redirect.
    let result = connect_with_location("/smgw/m2m/01005e318011.consumer1.sm/json").await;
    assert!(result.is_ok(), "{result:?}");
}
