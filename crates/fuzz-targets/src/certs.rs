//! Certificates and keys: the WAN chain check (`smgw-model::pki`), the client identity
//! (PEM, PKCS#12) and certificate summaries (`han-client`), PEM certificates from a gateway.

use chrono::{TimeZone, Utc};
use smgw_model::pki::{check_wan_chain, ChainVerdict};
use smgw_model::{Certificate, CertificateKind, Lang};

/// A signature certificate (first part) with its sub-CA (second part) and a signature
/// certificate without one (third part; parts as in `split_len`): checks and texts, never
/// a panic, and a chain
/// without its sub-CA is never "ok".
pub fn wan_chain(data: &[u8]) {
    let parts = crate::split_len(data, 3);
    let cert = |kind, index, der: &[u8]| Certificate {
        kind,
        index: Some(index),
        der: der.to_vec(),
    };
    let certificates = [
        cert(CertificateKind::Signature, 0, parts[0]),
        cert(CertificateKind::SubCa, 0, parts[1]),
        cert(CertificateKind::Signature, 1, parts[2]),
    ];
    let Some(now) = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).single() else {
        return;
    };
    let checks = check_wan_chain(&certificates, now);
    assert_eq!(checks.len(), 2);
    for c in &checks {
        let _ = (c.issuer_text(Lang::De), c.issuer_text(Lang::En));
        let _ = (c.signature.text(Lang::De), c.validity.text(Lang::En));
    }
    let orphan = checks.iter().find(|c| c.index == Some(1));
    assert!(
        orphan.is_some_and(|c| c.verdict() != ChainVerdict::Ok),
        "a signature certificate without sub-CA checked out"
    );
    let _ = smgw_model::pki::seal_certificate(&certificates);
}

/// A client certificate and key as PEM (first and second part), the whole input as
/// PKCS#12 and as a DER certificate, the first part as a gateway's PEM certificate.
pub fn der_pem(data: &[u8]) {
    let parts = crate::split(data, 2);
    let _ = han_client::ClientIdentity::from_pem(parts[0], parts[1]);
    let _ = han_client::ClientIdentity::from_pkcs12(data, "geheim");
    let _ = han_client::cert_info(data);
    let _ = han_client::cert_info(parts[0]);
    if let Ok(pem) = std::str::from_utf8(parts[0]) {
        if let Ok(c) = Certificate::from_pem(CertificateKind::Tls, None, pem) {
            let _ = han_client::cert_info(&c.der);
        }
    }
}
