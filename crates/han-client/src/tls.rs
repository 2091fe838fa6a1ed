//! The rustls configuration for the HAN: TLS 1.2 only, ECDHE-ECDSA with AES-GCM,
//! secp384r1 first, pinning verifier, optional client certificate.

use std::sync::Arc;

use rustls::crypto::{ring, CryptoProvider};
use rustls::ClientConfig;

use crate::identity::{ClientIdentity, KeyCurve};
use crate::pin::PinningVerifier;
use crate::ClientError;

/// The ring provider narrowed to what the gateway speaks. With a client certificate only
/// the key's own curve is offered, because the CONEXA HAN accepts nothing but
/// secp384r1 and expects the key exchange to match the certificate.
pub(crate) fn provider(client_curve: Option<KeyCurve>) -> CryptoProvider {
    let base = ring::default_provider();
    let kx_groups = match client_curve {
        Some(KeyCurve::P384) => vec![ring::kx_group::SECP384R1],
        Some(KeyCurve::P256) => vec![ring::kx_group::SECP256R1],
        // A brainpool key is refused before any handshake (`ClientIdentity`).
        Some(KeyCurve::Brainpool(_)) | None => vec![
            ring::kx_group::SECP384R1,
            ring::kx_group::SECP256R1,
            ring::kx_group::X25519,
        ],
    };
    CryptoProvider {
        cipher_suites: vec![
            ring::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            ring::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ],
        kx_groups,
        ..base
    }
}

/// Builds the client configuration around a pinning verifier.
pub(crate) fn client_config(
    provider: Arc<CryptoProvider>,
    verifier: Arc<PinningVerifier>,
    identity: Option<&ClientIdentity>,
) -> Result<ClientConfig, ClientError> {
    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12])
        .map_err(|e| ClientError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(id.chain(), id.key())
            .map_err(|e| ClientError::UnsupportedKey(e.to_string()))?,
        None => builder.with_no_client_auth(),
    };
    // The gateway has a single certificate; sending a name only risks alert 112
    // (unrecognized name) when the user typed `smgw.local` or similar.
    config.enable_sni = false;
    Ok(config)
}
