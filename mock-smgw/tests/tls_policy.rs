//! The HAN TLS policy, checked with a rustls client and with `openssl s_client`.

mod common;

use common::*;
use rustls::crypto::ring;
use std::process::{Command, Stdio};

#[tokio::test]
async fn tls12_with_p384_is_accepted_and_fingerprint_matches_cert() {
    let mock = start("demo").await;
    let conn = connect(&mock).await;
    let (_, c) = conn.stream.get_ref();
    assert_eq!(c.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
    let suite = c.negotiated_cipher_suite().expect("suite").suite();
    assert!(
        matches!(
            suite,
            rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
                | rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        ),
        "{suite:?}"
    );
    let cert = c.peer_certificates().expect("server cert")[0].clone();
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(cert.as_ref())),
        mock.fingerprint_sha256()
    );
    assert_eq!(
        mock.fingerprint_sha256(),
        Scenario::builtin("demo")
            .expect("demo")
            .fingerprint_sha256()
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn tls13_only_client_is_refused() {
    let mock = start("demo").await;
    let t = Tls {
        versions: vec![&rustls::version::TLS13],
        ..Tls::default()
    };
    assert!(connect_with(&mock, t).await.is_err());
    // The server counts the failure right after sending its alert; give it a moment.
    for _ in 0..50 {
        if mock.stats().tls_handshake_failures == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(mock.stats().tls_handshakes, 0);
    assert_eq!(mock.stats().tls_handshake_failures, 1);
    mock.shutdown().await;
}

#[tokio::test]
async fn p256_only_client_is_refused() {
    let mock = start("demo").await;
    for kx in [ring::kx_group::SECP256R1, ring::kx_group::X25519] {
        let t = Tls {
            kx: vec![kx],
            ..Tls::default()
        };
        assert!(
            connect_with(&mock, t).await.is_err(),
            "{kx:?} must be refused"
        );
    }
    // Offering P-384 among others works: the server picks it.
    let t = Tls {
        kx: vec![
            ring::kx_group::X25519,
            ring::kx_group::SECP256R1,
            ring::kx_group::SECP384R1,
        ],
        ..Tls::default()
    };
    let c = connect_with(&mock, t).await.expect("P-384 among others");
    assert_eq!(
        c.stream
            .get_ref()
            .1
            .negotiated_key_exchange_group()
            .map(|g| g.name()),
        Some(rustls::NamedGroup::secp384r1)
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn unknown_client_certificate_is_refused_known_one_accepted() {
    let mock = start("demo").await;
    // alice's certificate belongs to another scenario.
    let t = Tls {
        client_cert: Some(pem_identity("multi-consumer", "alice")),
        ..Tls::default()
    };
    let refused = match connect_with(&mock, t).await {
        Err(_) => true,
        Ok(mut c) => c.send("GET", "/smgw/m2m", &[JSON], b"").await.is_err(),
    };
    assert!(refused, "a foreign client certificate must not get through");
    let mut s = Session::cert(&mock, "demo", "client").await;
    assert_eq!(s.userid, "01005e318011.consumer1.sm");
    let _ = s.ok(serde_json::json!({"method": "smgw-info"})).await;
    mock.shutdown().await;
}

/// Runs `openssl s_client` with extra arguments; true if the handshake completed.
fn s_client(addr: &str, args: &[&str]) -> bool {
    let out = Command::new("openssl")
        .args(["s_client", "-connect", addr, "-servername", "localhost"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("openssl runs");
    let text = String::from_utf8_lossy(&out.stdout);
    out.status.success() && text.contains("Cipher is ECDHE-ECDSA-AES")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_sees_the_policy() {
    if !have("openssl") {
        return;
    }
    let mock = start("demo").await;
    let addr = mock.addr().to_string();
    let a = addr.clone();
    let results = tokio::task::spawn_blocking(move || {
        [
            s_client(&a, &["-tls1_2", "-groups", "P-384"]),
            s_client(&a, &["-tls1_2", "-groups", "P-256"]),
            s_client(&a, &["-tls1_3"]),
            s_client(&a, &["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]),
            s_client(
                &a,
                &[
                    "-tls1_2",
                    "-groups",
                    "P-384",
                    "-cipher",
                    "ECDHE-ECDSA-AES256-SHA384",
                ],
            ),
            s_client(
                &a,
                &[
                    "-tls1_2",
                    "-groups",
                    "P-384",
                    "-cipher",
                    "ECDHE-ECDSA-CHACHA20-POLY1305",
                ],
            ),
        ]
    })
    .await
    .expect("join");
    assert_eq!(
        results,
        [true, false, false, false, false, false],
        "P-384/TLS1.2/GCM ok; P-256, TLS 1.3, TLS 1.1, CBC and ChaCha refused"
    );
    mock.shutdown().await;
}
