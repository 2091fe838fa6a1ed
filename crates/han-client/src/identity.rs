//! Client identities (PKCS#12 or PEM) and certificate details for display.
//!
//! Keys live in memory only and never appear in `Debug` output or logs.

use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::pin::Fingerprint;
use crate::ClientError;

/// The elliptic curve of a key, which decides the TLS groups offered with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCurve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1), the curve of the CONEXA HAN interface.
    P384,
    /// A brainpool curve (RFC 5639), by name (or "brainpool" for one the smart-metering
    /// PKI does not use). Read so that such a key is refused with its name: ring, rustls's
    /// provider, has no brainpool.
    Brainpool(&'static str),
}

/// What a user needs to see about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// Subject distinguished name, e.g. `CN=..., O=...`.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity.
    pub not_before: Option<DateTime<Utc>>,
    /// End of validity.
    pub not_after: Option<DateTime<Utc>>,
    /// SHA-256 of the DER encoding.
    pub fingerprint: Fingerprint,
    /// The key's curve, if it is an EC key on a known curve.
    pub curve: Option<KeyCurve>,
}

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
/// The brainpool curves (RFC 5639) are numbered below this arc; the names of the ones the
/// smart-metering PKI uses.
const OID_BRAINPOOL_ARC: &str = "1.3.36.3.3.2.8.1.1.";
const BRAINPOOL_NAMES: [(&str, &str); 3] = [
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"),
];

/// Reads subject, issuer, validity and key curve of a DER certificate.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let spki = cert.public_key();
    let curve = if spki.algorithm.algorithm.to_id_string() == OID_EC_PUBLIC_KEY {
        spki.algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .and_then(|oid| match oid.to_id_string().as_str() {
                OID_P256 => Some(KeyCurve::P256),
                OID_P384 => Some(KeyCurve::P384),
                brainpool if brainpool.starts_with(OID_BRAINPOOL_ARC) => Some(KeyCurve::Brainpool(
                    BRAINPOOL_NAMES
                        .iter()
                        .find(|(o, _)| *o == brainpool)
                        .map_or("brainpool", |(_, name)| *name),
                )),
                _ => None,
            })
    } else {
        None
    };
    let time = |t: &x509_parser::time::ASN1Time| DateTime::from_timestamp(t.timestamp(), 0);
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: time(&cert.validity().not_before),
        not_after: time(&cert.validity().not_after),
        fingerprint: Fingerprint::of(der),
        curve,
    })
}

/// The subject for display, or a placeholder when the certificate cannot be parsed.
pub(crate) fn subject_or_placeholder(der: &[u8]) -> String {
    cert_info(der).map_or_else(|| "(unreadable certificate)".to_owned(), |i| i.subject)
}

/// The raw subjectPublicKey bits of a certificate (for verifying a handshake signature
/// when webpki will not parse the certificate).
pub(crate) fn public_key_bits(der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.public_key().subject_public_key.data.to_vec())
}

/// A client certificate chain with its private key, for mutual TLS.
pub struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    info: CertInfo,
}

impl Clone for ClientIdentity {
    fn clone(&self) -> Self {
        ClientIdentity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
            info: self.info.clone(),
        }
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("subject", &self.info.subject)
            .field("fingerprint", &self.info.fingerprint)
            .field("key", &"<hidden>")
            .finish()
    }
}

impl ClientIdentity {
    /// Loads a PKCS#12 file's content (modern AES or legacy RC2/3DES encryption).
    ///
    /// A wrong password gives [`ClientError::WrongKeyPassword`]; a file that is not
    /// PKCS#12 gives [`ClientError::BadKeyFile`].
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Self, ClientError> {
        use p12_keystore::error::Error as E;
        if data.first() != Some(&0x30) {
            return Err(ClientError::BadKeyFile(
                "the file does not start like a PKCS#12 (DER) file".to_owned(),
            ));
        }
        let store = p12_keystore::KeyStore::from_pkcs12(
            data,
            password,
            p12_keystore::Pkcs12ImportPolicy::Strict,
        )
        .map_err(|e| match e {
            // The MAC is keyed by the password, so a mismatch means a wrong password
            // (or a corrupted file, which we cannot tell apart).
            E::MacError(_) => ClientError::WrongKeyPassword,
            // Without a MAC a wrong password shows as broken padding after decryption.
            E::UnpadError | E::Pkcs5Error(_) | E::InvalidPrivateKey => {
                ClientError::WrongKeyPassword
            }
            E::UnsupportedEncryptionScheme | E::UnsupportedMacAlgorithm => {
                ClientError::BadKeyFile(format!("unsupported PKCS#12 protection: {e}"))
            }
            other => ClientError::BadKeyFile(other.to_string()),
        })?;
        let (_, chain) = store.private_key_chain().ok_or(ClientError::NoKeyInFile)?;
        let certs: Vec<CertificateDer<'static>> = chain
            .certs()
            .iter()
            .map(|c| CertificateDer::from(c.as_der().to_vec()))
            .collect();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec()));
        Self::new(certs, key)
    }

    /// Reads and loads a PKCS#12 file.
    pub fn from_pkcs12_file(path: &Path, password: &str) -> Result<Self, ClientError> {
        let data = std::fs::read(path)
            .map_err(|e| ClientError::BadKeyFile(format!("{}: {e}", path.display())))?;
        Self::from_pkcs12(&data, password)
    }

    /// Loads a PEM certificate chain and a PEM private key (PKCS#8, SEC1 or PKCS#1 form).
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Self, ClientError> {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| ClientError::BadKeyFile(format!("certificate PEM: {e}")))?;
        if certs.is_empty() {
            return Err(ClientError::BadKeyFile(
                "no certificate in the PEM file".to_owned(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|e| ClientError::BadKeyFile(format!("key PEM: {e}")))?;
        Self::new(certs, key)
    }

    /// Reads and loads PEM certificate and key files.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, ClientError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| ClientError::BadKeyFile(format!("{}: {e}", p.display())))
        };
        Self::from_pem(&read(cert)?, &read(key)?)
    }

    fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<Self, ClientError> {
        let leaf = chain.first().ok_or(ClientError::NoKeyInFile)?;
        let info = cert_info(leaf.as_ref())
            .ok_or_else(|| ClientError::BadKeyFile("the certificate cannot be read".to_owned()))?;
        // Catch unusable keys now rather than in the middle of a handshake; a brainpool
        // key gets its own message (ring, rustls's provider, has no brainpool).
        if let Some(KeyCurve::Brainpool(curve)) = info.curve {
            return Err(ClientError::BrainpoolKey(curve.to_owned()));
        }
        rustls::crypto::ring::default_provider()
            .key_provider
            .load_private_key(key.clone_key())
            .map_err(|e| ClientError::UnsupportedKey(e.to_string()))?;
        Ok(ClientIdentity { chain, key, info })
    }

    /// Subject, issuer, validity and fingerprint of the client certificate.
    pub fn info(&self) -> &CertInfo {
        &self.info
    }

    pub(crate) fn chain(&self) -> Vec<CertificateDer<'static>> {
        self.chain.clone()
    }

    pub(crate) fn key(&self) -> PrivateKeyDer<'static> {
        self.key.clone_key()
    }
}
