//! The certificate check both front doors share, against the mock gateway over real TLS
//! on 127.0.0.1 with a real pin file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::net::{Ipv4Addr, SocketAddr};

use durchblick_core::connect::{connect, ConnectError, Connected, Target};
use durchblick_core::Vendor;
use han_client::{Auth, ClientError, Fingerprint, PinFileError, PinStore};
use mock_smgw::RunningMock;

async fn mock(scenario: &str) -> RunningMock {
    let scenario = mock_smgw::Scenario::builtin(scenario).expect("scenario");
    let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    mock_smgw::start(scenario, listen, mock_smgw::Options::default())
        .await
        .expect("mock")
}

fn demo_login() -> Auth {
    Auth::Digest {
        user: "demo".into(),
        password: "demo".into(),
    }
}

fn fingerprint(m: &RunningMock) -> Fingerprint {
    m.fingerprint_sha256().parse().expect("fingerprint")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_contact_is_a_question_and_only_a_confirmed_pin_is_remembered() {
    let m = mock("demo").await;
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.json");
    let (host, port) = ("127.0.0.1", m.addr().port());

    let first = connect(&Target::new(host, port), demo_login(), Some(&pins), None)
        .await
        .expect("first contact");
    let Connected::NeedsConfirmation {
        fingerprint: shown, ..
    } = first
    else {
        panic!("first contact must ask");
    };
    assert_eq!(shown, fingerprint(&m));
    assert!(
        !pins.exists(),
        "nothing is remembered before the user confirmed"
    );

    let confirmed = connect(
        &Target::new(host, port),
        demo_login(),
        Some(&pins),
        Some(shown),
    )
    .await
    .expect("confirmed");
    let Connected::Session { remembered, .. } = confirmed else {
        panic!("a confirmed certificate connects");
    };
    remembered.expect("pin saved");
    let store = PinStore::load(&pins).unwrap();
    assert_eq!(store.get(host, port), Some(shown.to_hex().as_str()));

    // The next time the remembered pin is enough.
    let again = connect(&Target::new(host, port), demo_login(), Some(&pins), None)
        .await
        .expect("remembered");
    assert!(matches!(again, Connected::Session { .. }));
    m.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_certificate_and_an_unusable_pin_file_are_errors_never_a_first_contact() {
    let m = mock("demo").await;
    let other = mock("prosumer").await;
    assert_ne!(fingerprint(&m), fingerprint(&other));
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.json");
    let (host, port) = ("127.0.0.1", m.addr().port());

    // Remembered: another gateway's certificate for this address.
    let mut store = PinStore::default();
    store.set(host, port, &fingerprint(&other).to_hex());
    store.save(&pins).unwrap();
    let err = connect(&Target::new(host, port), demo_login(), Some(&pins), None)
        .await
        .err()
        .expect("changed certificate");
    assert!(
        matches!(
            err,
            ConnectError::Client(ClientError::CertificateChanged { .. })
        ),
        "{err:?}"
    );
    // The user compared the new fingerprint (a renewed certificate) and confirmed it: the
    // session opens and the pin file now holds the new one (field failure 9).
    let renewed = connect(
        &Target::new(host, port),
        demo_login(),
        Some(&pins),
        Some(fingerprint(&m)),
    )
    .await
    .expect("confirmed renewal connects");
    assert!(matches!(renewed, Connected::Session { .. }));
    if let Connected::Session { mut gateway, .. } = renewed {
        gateway.disconnect().await;
    }
    assert_eq!(
        PinStore::load(&pins).unwrap().get(host, port),
        Some(fingerprint(&m).to_hex().as_str()),
        "the confirmed certificate replaced the old pin"
    );

    // An entry that is no fingerprint.
    let mut store = PinStore::default();
    store.set(host, port, "not-a-fingerprint");
    store.save(&pins).unwrap();
    let err = connect(&Target::new(host, port), demo_login(), Some(&pins), None)
        .await
        .err()
        .expect("bad entry");
    assert!(
        matches!(err, ConnectError::Pins(PinFileError::BadEntry { .. })),
        "{err:?}"
    );
    assert!(err
        .message(smgw_model::Lang::De)
        .contains("keinen gültigen Fingerabdruck"));

    // A damaged file.
    std::fs::write(&pins, b"{not json").unwrap();
    let err = connect(&Target::new(host, port), demo_login(), Some(&pins), None)
        .await
        .err()
        .expect("damaged");
    assert!(
        matches!(err, ConnectError::Pins(PinFileError::Damaged { .. })),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read(&pins).unwrap(),
        b"{not json",
        "the file is left as it was"
    );
    m.shutdown().await;
    other.shutdown().await;
}

/// Connects to `m` with auto detection as a user does: first contact, confirm, session.
async fn confirmed_session(m: &RunningMock, pins: &std::path::Path, vendor: Vendor) -> Connected {
    let target = Target {
        vendor,
        ..Target::new("127.0.0.1", m.addr().port())
    };
    let Connected::NeedsConfirmation { fingerprint, .. } =
        connect(&target, demo_login(), Some(pins), None)
            .await
            .expect("first contact")
    else {
        panic!("first contact must ask, whatever the maker");
    };
    assert_eq!(fingerprint, self::fingerprint(m));
    connect(&target, demo_login(), Some(pins), Some(fingerprint))
        .await
        .expect("confirmed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_maker_is_found_out_before_logging_in() {
    for (scenario, maker, logged_in_as) in [
        ("demo", Vendor::Conexa, "01005e318011.consumer1.sm"),
        ("ppc-demo", Vendor::Ppc, "demo"),
        ("emh-demo", Vendor::Emh, "demo"),
    ] {
        let m = mock(scenario).await;
        let dir = tempfile::tempdir().unwrap();
        let pins = dir.path().join("pins.json");
        let Connected::Session {
            mut gateway,
            vendor,
            fingerprint,
            remembered,
        } = confirmed_session(&m, &pins, Vendor::Auto).await
        else {
            panic!("{scenario}: a confirmed certificate connects");
        };
        remembered.expect("pin saved");
        assert_eq!(vendor, maker, "{scenario}");
        assert_eq!(fingerprint, self::fingerprint(&m));
        assert_eq!(gateway.user_id().as_str(), logged_in_as, "{scenario}");
        let facts = gateway
            .gateway_info()
            .await
            .and_then(|f| f.into_value())
            .expect("facts");
        assert_eq!(
            facts.info.id.to_string(),
            m.scenario().smgw_id(),
            "{scenario}"
        );
        let contracts = gateway
            .contracts()
            .await
            .and_then(|f| f.into_value())
            .expect("contracts");
        assert!(!contracts.is_empty(), "{scenario}");
        gateway.disconnect().await;
        m.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chosen_maker_is_used_and_key_files_are_for_conexa_only() {
    let m = mock("ppc-demo").await;
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.json");
    let Connected::Session { vendor, .. } = confirmed_session(&m, &pins, Vendor::Ppc).await else {
        panic!("PPC chosen: a session");
    };
    assert_eq!(vendor, Vendor::Ppc);
    let target = Target {
        vendor: Vendor::Ppc,
        ..Target::new("127.0.0.1", m.addr().port())
    };
    let key_file = Auth::Pkcs12 {
        data: b"not read".to_vec(),
        password: "x".into(),
    };
    let err = connect(&target, key_file, Some(&pins), None)
        .await
        .err()
        .expect("PPC logs in with passwords");
    assert!(
        matches!(err, ConnectError::PasswordOnly(Vendor::Ppc)),
        "{err:?}"
    );
    assert!(err
        .message(smgw_model::Lang::En)
        .contains("user name and password"));
    m.shutdown().await;
}
