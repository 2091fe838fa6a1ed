//! The certificate an EMH gateway offers for download (`download/certificate.pem`), an
//! optional capability, against the mock.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use gateway::Gateway;
use mock_smgw::EmhFaults;
use smgw_model::records::CertificateKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_downloaded_certificate_is_the_connections_and_a_gateway_without_it_is_fine() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    let (raw, facts) = g.gateway_info().await.unwrap().decode_warned();
    let (facts, warnings) = facts.unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(facts.info.certificates.len(), 1);
    let c = &facts.info.certificates[0];
    assert_eq!(c.kind, CertificateKind::Tls);
    assert_eq!(c.der, g.peer_certificate_der());
    assert_eq!(facts.han_certificate_matches, Some(true));
    // Both answers are the evidence.
    let body = String::from_utf8(raw.body).unwrap();
    assert!(body.contains("/json/download/certificate.pem"), "{body}");
    assert!(body.contains("/json/systeminformations"));

    // Older firmware: 404, no certificate, no warning, everything else as before.
    let emh = EmhFaults {
        no_certificate_download: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let mut g = connect(&mock).await;
    let (facts, warnings) = g.gateway_info().await.unwrap().into_warned().unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(facts.info.certificates.is_empty());
    assert_eq!(facts.han_certificate_matches, None);
    assert_eq!(facts.info.id, "EEMH0012345678");
}
