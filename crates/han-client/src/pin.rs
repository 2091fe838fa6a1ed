//! Certificate pinning: the gateway's certificate is self-signed, so instead of a CA
//! check its SHA-256 fingerprint is compared with the one the user confirmed.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// SHA-256 of a certificate's DER encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Fingerprint of a DER certificate.
    pub fn of(der: &[u8]) -> Self {
        Fingerprint(Sha256::digest(der).into())
    }

    /// Lower-case hex without separators.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for Fingerprint {
    /// Upper-case hex pairs separated by colons, as certificate viewers show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_hex())
    }
}

/// Error for text that is not a SHA-256 fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 fingerprint (64 hex digits, colons or spaces allowed): {0:?}")]
pub struct BadFingerprint(pub String);

impl FromStr for Fingerprint {
    type Err = BadFingerprint;

    /// Accepts 64 hex digits in any case, with or without `:`/space separators and an
    /// optional `sha256:` prefix.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t
            .strip_prefix("sha256:")
            .or_else(|| t.strip_prefix("SHA256:"))
            .unwrap_or(t);
        let digits: String = t
            .chars()
            .filter(|c| *c != ':' && !c.is_whitespace())
            .collect();
        let mut out = [0u8; 32];
        match hex::decode_to_slice(&digits, &mut out) {
            Ok(()) => Ok(Fingerprint(out)),
            Err(_) => Err(BadFingerprint(s.to_owned())),
        }
    }
}

/// How to treat the gateway's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinPolicy {
    /// Accept only this fingerprint; any other is [`crate::ClientError::CertificateChanged`].
    Pinned(Fingerprint),
    /// First contact: do not send anything, report the certificate as
    /// [`crate::ClientError::UnknownCertificate`] so the user can confirm it; then connect
    /// again with [`PinPolicy::Pinned`].
    TrustOnFirstUse,
}

/// What the verifier saw of the server's certificate.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) fingerprint: Fingerprint,
    pub(crate) der: Vec<u8>,
}

/// The `ServerCertVerifier` that pins instead of validating a chain.
///
/// No chain or validity check on purpose: the certificate is self-signed (and may carry
/// encodings a strict validator rejects, such as explicit NULL algorithm parameters).
/// The handshake signature is still verified with the certificate's key, so a peer
/// that merely replays the certificate cannot pass.
#[derive(Debug)]
pub(crate) struct PinningVerifier {
    pin: Option<Fingerprint>,
    provider: Arc<CryptoProvider>,
    pub(crate) seen: Mutex<Option<Seen>>,
}

impl PinningVerifier {
    pub(crate) fn new(policy: PinPolicy, provider: Arc<CryptoProvider>) -> Self {
        PinningVerifier {
            pin: match policy {
                PinPolicy::Pinned(f) => Some(f),
                PinPolicy::TrustOnFirstUse => None,
            },
            provider,
            seen: Mutex::new(None),
        }
    }

    pub(crate) fn pin(&self) -> Option<Fingerprint> {
        self.pin
    }

    pub(crate) fn last_seen(&self) -> Option<Seen> {
        self.seen.lock().map(|g| g.clone()).unwrap_or(None)
    }

    fn verify_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
        tls13: bool,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = &self.provider.signature_verification_algorithms;
        let first = if tls13 {
            rustls::crypto::verify_tls13_signature(message, cert, dss, algs)
        } else {
            rustls::crypto::verify_tls12_signature(message, cert, dss, algs)
        };
        match first {
            Ok(v) => Ok(v),
            // webpki could not parse the certificate: verify with the raw public key taken
            // from our own lenient parse, so unusual but harmless encodings do not lock
            // the user out while the signature is still checked.
            Err(rustls::Error::InvalidCertificate(CertificateError::BadEncoding))
            | Err(rustls::Error::InvalidCertificate(CertificateError::Other(_))) => {
                let key = crate::identity::public_key_bits(cert.as_ref()).ok_or(
                    rustls::Error::InvalidCertificate(CertificateError::BadEncoding),
                )?;
                let candidates = algs
                    .mapping
                    .iter()
                    .find(|(scheme, _)| *scheme == dss.scheme)
                    .map(|(_, a)| *a)
                    .ok_or(rustls::Error::PeerMisbehaved(
                        rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
                    ))?;
                if candidates
                    .iter()
                    .any(|a| a.verify_signature(&key, message, dss.signature()).is_ok())
                {
                    Ok(HandshakeSignatureValid::assertion())
                } else {
                    Err(rustls::Error::InvalidCertificate(
                        CertificateError::BadSignature,
                    ))
                }
            }
            Err(e) => Err(e),
        }
    }
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let fingerprint = Fingerprint::of(end_entity.as_ref());
        if let Ok(mut g) = self.seen.lock() {
            *g = Some(Seen {
                fingerprint,
                der: end_entity.as_ref().to_vec(),
            });
        }
        match self.pin {
            Some(p) if p == fingerprint => Ok(ServerCertVerified::assertion()),
            _ => Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verify_signature(message, cert, dss, false)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verify_signature(message, cert, dss, true)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_text_forms_round_trip() {
        let f = Fingerprint::of(b"certificate");
        let shown = f.to_string();
        assert_eq!(shown.len(), 32 * 3 - 1);
        assert_eq!(shown.parse::<Fingerprint>(), Ok(f));
        assert_eq!(f.to_hex().parse::<Fingerprint>(), Ok(f));
        assert_eq!(
            format!("sha256:{}", f.to_hex().to_uppercase()).parse::<Fingerprint>(),
            Ok(f)
        );
        assert!("abcd".parse::<Fingerprint>().is_err());
        assert!(format!("{}00", f.to_hex()).parse::<Fingerprint>().is_err());
    }

    /// Splits DER content into its top-level (tag, content) elements.
    fn children(mut der: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut out = Vec::new();
        while !der.is_empty() {
            let tag = der[0];
            let (len, hdr) = match der[1] {
                l if l < 0x80 => (l as usize, 2),
                0x81 => (der[2] as usize, 3),
                0x82 => (((der[2] as usize) << 8) | der[3] as usize, 4),
                other => panic!("length form {other:#x} not expected in a test certificate"),
            };
            out.push((tag, der[hdr..hdr + len].to_vec()));
            der = &der[hdr + len..];
        }
        out
    }

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(content);
        out
    }

    /// Re-encodes a certificate as X.509 version 1 (no version field, no extensions),
    /// which webpki refuses to parse but old device certificates may be.
    fn as_version_1(der: &[u8]) -> Vec<u8> {
        let outer = children(der);
        let cert = children(&outer[0].1);
        let tbs_parts: Vec<(u8, Vec<u8>)> = children(&cert[0].1)
            .into_iter()
            .filter(|(t, _)| *t != 0xa0 && *t != 0xa3)
            .collect();
        let tbs_new: Vec<u8> = tbs_parts.iter().flat_map(|(t, c)| tlv(*t, c)).collect();
        let mut body = tlv(cert[0].0, &tbs_new);
        body.extend(tlv(cert[1].0, &cert[1].1));
        body.extend(tlv(cert[2].0, &cert[2].1));
        tlv(0x30, &body)
    }

    /// Re-encodes a certificate with explicit NULL parameters in both signature
    /// algorithm fields (as some gateway certificates carry them).
    fn with_null_params(der: &[u8]) -> Vec<u8> {
        let outer = children(der);
        let cert = children(&outer[0].1);
        let (tbs_tag, tbs) = &cert[0];
        let mut tbs_parts = children(tbs);
        let alg_at = tbs_parts
            .iter()
            .position(|(t, _)| *t == 0x30)
            .expect("algorithm");
        tbs_parts[alg_at].1.extend([0x05, 0x00]);
        let tbs_new: Vec<u8> = tbs_parts.iter().flat_map(|(t, c)| tlv(*t, c)).collect();
        let mut alg = cert[1].1.clone();
        alg.extend([0x05, 0x00]);
        let mut body = tlv(*tbs_tag, &tbs_new);
        body.extend(tlv(0x30, &alg));
        body.extend(tlv(cert[2].0, &cert[2].1));
        tlv(0x30, &body)
    }

    #[test]
    fn explicit_null_parameters_pass_and_the_handshake_signature_is_still_checked() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("key");
        let params = rcgen::CertificateParams::new(vec!["smgw".to_owned()]).expect("params");
        let cert = params.self_signed(&key).expect("cert");
        let odd = with_null_params(cert.der());
        assert_ne!(odd.as_slice(), cert.der().as_ref());
        assert!(
            crate::identity::cert_info(&odd).is_some(),
            "still readable for display"
        );
        let odd = CertificateDer::from(odd);

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let fp = Fingerprint::of(odd.as_ref());
        let v = PinningVerifier::new(PinPolicy::Pinned(fp), provider.clone());
        let name = ServerName::try_from("127.0.0.1").expect("ip");
        assert!(v
            .verify_server_cert(&odd, &[], &name, &[], UnixTime::now())
            .is_ok());

        let signing = provider
            .key_provider
            .load_private_key(rustls::pki_types::PrivateKeyDer::Pkcs8(
                key.serialize_der().into(),
            ))
            .expect("signing key");
        let scheme = SignatureScheme::ECDSA_NISTP384_SHA384;
        let signer = signing.choose_scheme(&[scheme]).expect("scheme");
        let message = b"client random, server random, server key exchange params";
        let dss = |sig: Vec<u8>| {
            use rustls::internal::msgs::codec::Codec;
            let mut enc = u16::from(scheme).to_be_bytes().to_vec();
            enc.extend((sig.len() as u16).to_be_bytes());
            enc.extend(sig);
            DigitallySignedStruct::read_bytes(&enc).expect("encoded signature")
        };
        let good = dss(signer.sign(message).expect("sign"));
        assert!(v.verify_tls12_signature(message, &odd, &good).is_ok());
        assert!(v
            .verify_tls12_signature(b"another message", &odd, &good)
            .is_err());

        // A certificate webpki will not parse is verified through our own key extraction.
        let v1 = CertificateDer::from(as_version_1(cert.der()));
        let algs = &provider.signature_verification_algorithms;
        assert!(rustls::crypto::verify_tls12_signature(message, &v1, &good, algs).is_err());
        assert!(v.verify_tls12_signature(message, &v1, &good).is_ok());
        assert!(v.verify_tls12_signature(b"tampered", &v1, &good).is_err());

        // A different pinned fingerprint refuses the certificate.
        let other = PinningVerifier::new(PinPolicy::Pinned(Fingerprint([7; 32])), provider);
        assert!(other
            .verify_server_cert(&odd, &[], &name, &[], UnixTime::now())
            .is_err());
        assert_eq!(other.last_seen().map(|s| s.fingerprint), Some(fp));
    }
}
