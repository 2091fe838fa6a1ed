//! Firmware that announces SHA-256, checks only MD5, and answers a response it cannot check
//! with an empty 200 (instead of silence or 401): the client retries once with MD5 and
//! keeps using it; wrong credentials end in a clear login error. Once logged in, an empty
//! 200 is taken for an expired nonce once (a field report), then for the answer itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::path::Path;

use han_client::{Auth, ClientError, ConnectOptions, Connection, ErrorCategory, PinPolicy};
use mock_smgw::{Options, Scenario};

/// The quirky-firmware scenario with `wrong-credentials = "empty-200"`.
fn empty_200_firmware() -> Scenario {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../mock-smgw/scenarios/quirky-firmware");
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(&src).expect("scenario dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    let toml = std::fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    assert!(toml.contains(r#"wrong-credentials = "silent-timeout""#));
    let patched = toml.replace(
        r#"wrong-credentials = "silent-timeout""#,
        r#"wrong-credentials = "empty-200""#,
    );
    std::fs::write(dir.path().join("scenario.toml"), patched).expect("write");
    Scenario::load(dir.path().join("scenario.toml")).expect("patched scenario")
}

async fn connect(
    password: &str,
) -> (
    mock_smgw::RunningMock,
    Result<han_client::Session, ClientError>,
) {
    let mock = mock_smgw::start(
        empty_200_firmware(),
        "127.0.0.1:0".parse().expect("address"),
        Options::default(),
    )
    .await
    .expect("mock");
    let mut opts = ConnectOptions::new(
        "127.0.0.1",
        Auth::Digest {
            user: "demo".into(),
            password: password.into(),
        },
        PinPolicy::Pinned(mock.fingerprint_sha256().parse().expect("fingerprint")),
    );
    opts.port = mock.addr().port();
    let result = Connection::connect(opts).await;
    (mock, result)
}

#[tokio::test]
async fn an_empty_200_to_a_sha256_response_falls_back_to_md5() {
    let (_mock, session) = connect("demo").await;
    let mut session = session.expect("login via MD5");
    assert!(session.uses_md5_fallback());
    session.contracts().await.expect("calls work with MD5");

    let (_other, refused) = connect("falsch").await;
    let Err(err) = refused else {
        panic!("a wrong password must not log in");
    };
    assert!(matches!(err, ClientError::LoginRefused), "{err:?}");
    assert_eq!(err.category(), ErrorCategory::Authentication);
}

#[tokio::test]
async fn an_empty_200_mid_session_fetches_a_fresh_challenge_once() {
    let mock = mock_smgw::start(
        Scenario::builtin("demo").expect("demo"),
        "127.0.0.1:0".parse().expect("address"),
        Options::default(),
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
    let mut session = Connection::connect(opts).await.expect("login");
    let before = session.stats();
    mock.set_faults(mock_smgw::Faults {
        empty_body: true,
        ..mock_smgw::Faults::default()
    });
    // Empty, then without credentials (401), then with the fresh nonce: empty again, which
    // is the answer, and an empty body is no user-info.
    let err = session
        .contracts()
        .await
        .expect_err("an empty body is no answer");
    assert_eq!(err.category(), ErrorCategory::Data, "{err:?}");
    let after = session.stats();
    assert_eq!(after.requests - before.requests, 3);
    assert_eq!(after.unauthorized - before.unauthorized, 1);

    mock.set_faults(mock_smgw::Faults::default());
    session.contracts().await.expect("the fresh nonce works");
}
