//! Checks of the gateway's WAN certificates (smart-metering PKI) and ECDSA signatures.
//!
//! Pure functions: the caller passes the certificates and "now"; nothing here does IO.
//! The smart-metering PKI uses brainpool curves (brainpoolP256r1, brainpoolP384r1); NIST
//! P-256 and P-384 also occur. Anything else is reported as "not checkable", never as ok.

use chrono::{DateTime, TimeZone, Utc};
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use ecdsa::signature::hazmat::PrehashVerifier;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::lang::Lang;
use crate::records::{Certificate, CertificateKind};

const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_BP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.7");
const OID_BP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.11");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// An elliptic curve this program can verify ECDSA signatures on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// brainpoolP256r1 (RFC 5639).
    BrainpoolP256r1,
    /// brainpoolP384r1 (RFC 5639).
    BrainpoolP384r1,
}

impl Curve {
    /// The curve of a named-curve OID.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        Some(match *oid {
            OID_P256 => Curve::P256,
            OID_P384 => Curve::P384,
            OID_BP256R1 => Curve::BrainpoolP256r1,
            OID_BP384R1 => Curve::BrainpoolP384r1,
            _ => return None,
        })
    }

    /// The usual name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::BrainpoolP256r1 => "brainpoolP256r1",
            Curve::BrainpoolP384r1 => "brainpoolP384r1",
        }
    }
}

/// A hash function of an ECDSA signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// The hash of an `ecdsa-with-SHA*` signature algorithm OID.
    pub fn from_ecdsa_oid(oid: &ObjectIdentifier) -> Option<HashAlg> {
        Some(match *oid {
            OID_ECDSA_SHA256 => HashAlg::Sha256,
            OID_ECDSA_SHA384 => HashAlg::Sha384,
            OID_ECDSA_SHA512 => HashAlg::Sha512,
            _ => return None,
        })
    }

    /// The hash of a digest algorithm OID (`id-sha256` …), as used in CMS.
    pub fn from_digest_oid(oid: &ObjectIdentifier) -> Option<HashAlg> {
        Some(match *oid {
            OID_SHA256 => HashAlg::Sha256,
            OID_SHA384 => HashAlg::Sha384,
            OID_SHA512 => HashAlg::Sha512,
            _ => return None,
        })
    }

    /// The usual name.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => sha2::Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// Why a signature could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum NotCheckable {
    /// The key is not an elliptic-curve key (e.g. RSA); the OID is given.
    KeyAlgorithm(String),
    /// An elliptic curve this program does not know; the OID is given.
    UnknownCurve(String),
    /// A signature algorithm this program does not know; the OID is given.
    SignatureAlgorithm(String),
    /// The certificate or key could not be read.
    Unreadable(String),
    /// The issuing certificate is missing.
    IssuerMissing,
}

impl NotCheckable {
    /// Plain-language text.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            NotCheckable::KeyAlgorithm(oid) => match lang {
                Lang::De => format!("Schlüsselverfahren {oid} wird nicht unterstützt"),
                Lang::En => format!("key algorithm {oid} is not supported"),
            },
            NotCheckable::UnknownCurve(oid) => match lang {
                Lang::De => format!("elliptische Kurve {oid} wird nicht unterstützt"),
                Lang::En => format!("elliptic curve {oid} is not supported"),
            },
            NotCheckable::SignatureAlgorithm(oid) => match lang {
                Lang::De => format!("Signaturverfahren {oid} wird nicht unterstützt"),
                Lang::En => format!("signature algorithm {oid} is not supported"),
            },
            NotCheckable::Unreadable(e) => match lang {
                Lang::De => format!("nicht lesbar: {e}"),
                Lang::En => format!("unreadable: {e}"),
            },
            NotCheckable::IssuerMissing => lang
                .pick(
                    "das ausstellende Sub-CA-Zertifikat fehlt",
                    "the issuing sub-CA certificate is missing",
                )
                .to_string(),
        }
    }
}

/// Result of an ECDSA signature check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum SignatureCheck {
    /// The signature matches.
    Valid {
        /// Curve of the key.
        curve: Curve,
        /// Hash function.
        hash: HashAlg,
    },
    /// The signature does not match (or is malformed).
    Invalid {
        /// Curve of the key.
        curve: Curve,
        /// Hash function.
        hash: HashAlg,
    },
    /// Could not be checked; never to be read as ok.
    NotCheckable(NotCheckable),
}

impl SignatureCheck {
    /// True only for a verified signature.
    pub fn is_valid(&self) -> bool {
        matches!(self, SignatureCheck::Valid { .. })
    }

    /// Plain-language text.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            SignatureCheck::Valid { curve, hash } => match lang {
                Lang::De => format!("Signatur gültig ({}, {})", curve.name(), hash.name()),
                Lang::En => format!("signature valid ({}, {})", curve.name(), hash.name()),
            },
            SignatureCheck::Invalid { curve, hash } => match lang {
                Lang::De => format!("Signatur UNGÜLTIG ({}, {})", curve.name(), hash.name()),
                Lang::En => format!("signature INVALID ({}, {})", curve.name(), hash.name()),
            },
            SignatureCheck::NotCheckable(why) => match lang {
                Lang::De => format!("Signatur nicht prüfbar: {}", why.text(lang)),
                Lang::En => format!("signature not checkable: {}", why.text(lang)),
            },
        }
    }
}

macro_rules! verify_on {
    ($curve:ty, $point:expr, $prehash:expr, $sig:expr) => {{
        match ecdsa::VerifyingKey::<$curve>::from_sec1_bytes($point) {
            Err(_) => None,
            Ok(key) => match ecdsa::Signature::<$curve>::from_der($sig) {
                Err(_) => Some(false),
                Ok(sig) => Some(key.verify_prehash($prehash, &sig).is_ok()),
            },
        }
    }};
}

/// Verifies an ECDSA signature (DER `Ecdsa-Sig-Value`) over `message` with the public key
/// of `spki` (DER SubjectPublicKeyInfo) and hash `hash`.
pub fn verify_ecdsa(
    spki_der: &[u8],
    hash: HashAlg,
    message: &[u8],
    sig_der: &[u8],
) -> SignatureCheck {
    match SubjectPublicKeyInfoOwned::from_der(spki_der) {
        Ok(spki) => verify_with_spki(&spki, hash, message, sig_der),
        Err(e) => SignatureCheck::NotCheckable(NotCheckable::Unreadable(e.to_string())),
    }
}

fn verify_with_spki(
    spki: &SubjectPublicKeyInfoOwned,
    hash: HashAlg,
    message: &[u8],
    sig_der: &[u8],
) -> SignatureCheck {
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
        return SignatureCheck::NotCheckable(NotCheckable::KeyAlgorithm(
            spki.algorithm.oid.to_string(),
        ));
    }
    let curve_oid = match spki
        .algorithm
        .parameters
        .as_ref()
        .map(|p| p.decode_as::<ObjectIdentifier>())
    {
        Some(Ok(oid)) => oid,
        _ => {
            return SignatureCheck::NotCheckable(NotCheckable::UnknownCurve(
                "(explicit parameters)".to_string(),
            ))
        }
    };
    let Some(curve) = Curve::from_oid(&curve_oid) else {
        return SignatureCheck::NotCheckable(NotCheckable::UnknownCurve(curve_oid.to_string()));
    };
    let Some(point) = spki.subject_public_key.as_bytes() else {
        return SignatureCheck::NotCheckable(NotCheckable::Unreadable(
            "public key bit string".to_string(),
        ));
    };
    let prehash = hash.digest(message);
    let ok = match curve {
        Curve::P256 => verify_on!(p256::NistP256, point, &prehash, sig_der),
        Curve::P384 => verify_on!(p384::NistP384, point, &prehash, sig_der),
        Curve::BrainpoolP256r1 => verify_on!(bp256::BrainpoolP256r1, point, &prehash, sig_der),
        Curve::BrainpoolP384r1 => verify_on!(bp384::BrainpoolP384r1, point, &prehash, sig_der),
    };
    match ok {
        None => SignatureCheck::NotCheckable(NotCheckable::Unreadable(format!(
            "{} public key",
            curve.name()
        ))),
        Some(true) => SignatureCheck::Valid { curve, hash },
        Some(false) => SignatureCheck::Invalid { curve, hash },
    }
}

/// Validity period of a certificate at a given time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ValidityCheck {
    /// `not_before <= now <= not_after`.
    Valid {
        /// Start of validity.
        not_before: DateTime<Utc>,
        /// End of validity.
        not_after: DateTime<Utc>,
    },
    /// Not valid yet.
    NotYetValid {
        /// Start of validity.
        not_before: DateTime<Utc>,
        /// End of validity.
        not_after: DateTime<Utc>,
    },
    /// Expired.
    Expired {
        /// Start of validity.
        not_before: DateTime<Utc>,
        /// End of validity.
        not_after: DateTime<Utc>,
    },
    /// The certificate could not be read.
    NotCheckable(NotCheckable),
}

impl ValidityCheck {
    /// True only when valid at the time asked.
    pub fn is_valid(&self) -> bool {
        matches!(self, ValidityCheck::Valid { .. })
    }

    /// Plain-language text.
    pub fn text(&self, lang: Lang) -> String {
        let d = |t: &DateTime<Utc>| t.format("%Y-%m-%d").to_string();
        match self {
            ValidityCheck::Valid {
                not_before,
                not_after,
            } => match lang {
                Lang::De => format!("gültig ({} bis {})", d(not_before), d(not_after)),
                Lang::En => format!("valid ({} to {})", d(not_before), d(not_after)),
            },
            ValidityCheck::NotYetValid { not_before, .. } => match lang {
                Lang::De => format!("noch nicht gültig (ab {})", d(not_before)),
                Lang::En => format!("not yet valid (from {})", d(not_before)),
            },
            ValidityCheck::Expired { not_after, .. } => match lang {
                Lang::De => format!("abgelaufen (seit {})", d(not_after)),
                Lang::En => format!("expired (since {})", d(not_after)),
            },
            ValidityCheck::NotCheckable(why) => match lang {
                Lang::De => format!("Gültigkeit nicht prüfbar: {}", why.text(lang)),
                Lang::En => format!("validity not checkable: {}", why.text(lang)),
            },
        }
    }
}

/// Overall verdict of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainVerdict {
    /// Names match, signature verified, both certificates valid now.
    Ok,
    /// At least one check failed.
    Failed,
    /// Nothing failed, but something could not be checked.
    NotCheckable,
}

impl ChainVerdict {
    /// Plain-language text.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            ChainVerdict::Ok => lang.pick("Kette in Ordnung", "chain ok"),
            ChainVerdict::Failed => lang.pick("Kette FEHLERHAFT", "chain FAILED"),
            ChainVerdict::NotCheckable => lang.pick(
                "Kette nicht vollständig prüfbar",
                "chain not fully checkable",
            ),
        }
    }
}

/// The chain check of one WAN entry (`cert-index`): signature certificate and its sub-CA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainCheck {
    /// Overall verdict (computed from the checks below; unknown never counts as ok).
    pub verdict: ChainVerdict,
    /// `cert-index` (0 = seal certificate).
    pub index: Option<u32>,
    /// Subject of the signature certificate (RFC 4514), if readable.
    pub subject: Option<String>,
    /// Issuer named in the signature certificate, if readable.
    pub issuer: Option<String>,
    /// Subject of the sub-CA certificate, if present and readable.
    pub sub_ca_subject: Option<String>,
    /// Issuer of the signature certificate equals the subject of the sub-CA; `None` when
    /// not comparable (a certificate missing or unreadable).
    pub issuer_matches: Option<bool>,
    /// The signature certificate's signature checked with the sub-CA's key.
    pub signature: SignatureCheck,
    /// Validity of the signature certificate at the time asked.
    pub validity: ValidityCheck,
    /// Validity of the sub-CA certificate at the time asked.
    pub sub_ca_validity: ValidityCheck,
}

impl ChainCheck {
    /// Overall verdict: unknown never counts as ok.
    pub fn verdict(&self) -> ChainVerdict {
        self.verdict
    }

    fn compute_verdict(&self) -> ChainVerdict {
        let failed = self.issuer_matches == Some(false)
            || matches!(self.signature, SignatureCheck::Invalid { .. })
            || matches!(
                self.validity,
                ValidityCheck::Expired { .. } | ValidityCheck::NotYetValid { .. }
            )
            || matches!(
                self.sub_ca_validity,
                ValidityCheck::Expired { .. } | ValidityCheck::NotYetValid { .. }
            );
        if failed {
            ChainVerdict::Failed
        } else if self.issuer_matches == Some(true)
            && self.signature.is_valid()
            && self.validity.is_valid()
            && self.sub_ca_validity.is_valid()
        {
            ChainVerdict::Ok
        } else {
            ChainVerdict::NotCheckable
        }
    }

    /// Text of the name comparison.
    pub fn issuer_text(&self, lang: Lang) -> String {
        match self.issuer_matches {
            Some(true) => lang
                .pick(
                    "Aussteller = Sub-CA des Eintrags",
                    "issuer = sub-CA of the entry",
                )
                .to_string(),
            Some(false) => match lang {
                Lang::De => format!(
                    "Aussteller „{}“ ≠ Sub-CA „{}“",
                    self.issuer.as_deref().unwrap_or("?"),
                    self.sub_ca_subject.as_deref().unwrap_or("?")
                ),
                Lang::En => format!(
                    "issuer \"{}\" ≠ sub-CA \"{}\"",
                    self.issuer.as_deref().unwrap_or("?"),
                    self.sub_ca_subject.as_deref().unwrap_or("?")
                ),
            },
            None => lang
                .pick("Aussteller nicht vergleichbar", "issuer not comparable")
                .to_string(),
        }
    }
}

fn to_utc(t: &x509_cert::time::Time) -> Option<DateTime<Utc>> {
    let d = t.to_unix_duration();
    let secs = i64::try_from(d.as_secs()).ok()?;
    Utc.timestamp_opt(secs, 0).single()
}

fn validity_of(cert: &x509_cert::Certificate, now: DateTime<Utc>) -> ValidityCheck {
    let v = cert.tbs_certificate().validity();
    match (to_utc(&v.not_before), to_utc(&v.not_after)) {
        (Some(not_before), Some(not_after)) => {
            if now < not_before {
                ValidityCheck::NotYetValid {
                    not_before,
                    not_after,
                }
            } else if now > not_after {
                ValidityCheck::Expired {
                    not_before,
                    not_after,
                }
            } else {
                ValidityCheck::Valid {
                    not_before,
                    not_after,
                }
            }
        }
        _ => ValidityCheck::NotCheckable(NotCheckable::Unreadable("validity".to_string())),
    }
}

/// Checks the signature of `cert` with the key of `issuer`.
pub fn verify_certificate_signature(
    cert: &x509_cert::Certificate,
    issuer: &x509_cert::Certificate,
) -> SignatureCheck {
    let alg = cert.signature_algorithm();
    let Some(hash) = HashAlg::from_ecdsa_oid(&alg.oid) else {
        return SignatureCheck::NotCheckable(NotCheckable::SignatureAlgorithm(alg.oid.to_string()));
    };
    let tbs = match cert.tbs_certificate().to_der() {
        Ok(t) => t,
        Err(e) => return SignatureCheck::NotCheckable(NotCheckable::Unreadable(e.to_string())),
    };
    let Some(sig) = cert.signature().as_bytes() else {
        return SignatureCheck::NotCheckable(NotCheckable::Unreadable(
            "signature bit string".to_string(),
        ));
    };
    verify_with_spki(
        issuer.tbs_certificate().subject_public_key_info(),
        hash,
        &tbs,
        sig,
    )
}

/// Checks one pair: signature certificate `sig` (DER) issued by `sub_ca` (DER).
pub fn check_pair(
    index: Option<u32>,
    sig: &[u8],
    sub_ca: Option<&[u8]>,
    now: DateTime<Utc>,
) -> ChainCheck {
    let unreadable = |e: der::Error| NotCheckable::Unreadable(e.to_string());
    let cert = x509_cert::Certificate::from_der(sig).map_err(unreadable);
    let ca = sub_ca.map(|d| x509_cert::Certificate::from_der(d).map_err(unreadable));
    let subject = cert
        .as_ref()
        .ok()
        .map(|c| c.tbs_certificate().subject().to_string());
    let issuer = cert
        .as_ref()
        .ok()
        .map(|c| c.tbs_certificate().issuer().to_string());
    let sub_ca_subject = match &ca {
        Some(Ok(c)) => Some(c.tbs_certificate().subject().to_string()),
        _ => None,
    };
    let issuer_matches = match (&cert, &ca) {
        (Ok(c), Some(Ok(a))) => Some(c.tbs_certificate().issuer() == a.tbs_certificate().subject()),
        _ => None,
    };
    let signature = match (&cert, &ca) {
        (Err(e), _) => SignatureCheck::NotCheckable(e.clone()),
        (Ok(_), None) => SignatureCheck::NotCheckable(NotCheckable::IssuerMissing),
        (Ok(_), Some(Err(e))) => SignatureCheck::NotCheckable(e.clone()),
        (Ok(c), Some(Ok(a))) => verify_certificate_signature(c, a),
    };
    let validity = match &cert {
        Ok(c) => validity_of(c, now),
        Err(e) => ValidityCheck::NotCheckable(e.clone()),
    };
    let sub_ca_validity = match &ca {
        Some(Ok(a)) => validity_of(a, now),
        Some(Err(e)) => ValidityCheck::NotCheckable(e.clone()),
        None => ValidityCheck::NotCheckable(NotCheckable::IssuerMissing),
    };
    let mut check = ChainCheck {
        verdict: ChainVerdict::NotCheckable,
        index,
        subject,
        issuer,
        sub_ca_subject,
        issuer_matches,
        signature,
        validity,
        sub_ca_validity,
    };
    check.verdict = check.compute_verdict();
    check
}

/// Checks every WAN entry of `certificates` (as in `GatewayInfo::certificates`): each
/// signature certificate against the sub-CA certificate with the same `cert-index`.
/// Sorted by index; the HAN TLS certificate is not part of this check.
pub fn check_wan_chain(certificates: &[Certificate], now: DateTime<Utc>) -> Vec<ChainCheck> {
    let mut out: Vec<ChainCheck> = certificates
        .iter()
        .filter(|c| c.kind == CertificateKind::Signature)
        .map(|c| {
            let ca = certificates
                .iter()
                .find(|a| a.kind == CertificateKind::SubCa && a.index == c.index)
                .map(|a| a.der.as_slice());
            check_pair(c.index, &c.der, ca, now)
        })
        .collect();
    out.sort_by_key(|c| c.index);
    out
}

/// What to show beside the per-value `signature` of a reading: it cannot be checked from
/// public information, so this is a statement of presence, never a verdict.
pub fn reading_signature_text(present: bool, lang: Lang) -> &'static str {
    if present {
        lang.pick(
            "Signatur vorhanden – mit diesem Programm nicht prüfbar",
            "signature present — cannot be checked by this program",
        )
    } else {
        lang.pick("keine Signatur", "no signature")
    }
}

/// The seal certificate (signature certificate with `cert-index` 0), if reported; it signs
/// the tariff profile.
pub fn seal_certificate(certificates: &[Certificate]) -> Option<&Certificate> {
    certificates
        .iter()
        .find(|c| c.kind == CertificateKind::Signature && c.index == Some(0))
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Certificates built in the test, on each curve.
    use super::*;
    use der::asn1::{Any, BitString};
    use der::Sequence;
    use ecdsa::signature::hazmat::PrehashSigner;
    use std::str::FromStr;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::AlgorithmIdentifierOwned;
    use x509_cert::time::Time;

    #[derive(Sequence)]
    struct Validity {
        not_before: Time,
        not_after: Time,
    }

    #[derive(Sequence)]
    struct Tbs {
        serial: SerialNumber,
        signature: AlgorithmIdentifierOwned,
        issuer: Name,
        validity: Validity,
        subject: Name,
        spki: SubjectPublicKeyInfoOwned,
    }

    #[derive(Sequence)]
    struct Cert {
        tbs: Any,
        alg: AlgorithmIdentifierOwned,
        sig: BitString,
    }

    /// A private key on one of the curves (fixed scalar: tests are deterministic).
    pub enum Key {
        P256(ecdsa::SigningKey<p256::NistP256>),
        P384(ecdsa::SigningKey<p384::NistP384>),
        Bp256(ecdsa::SigningKey<bp256::BrainpoolP256r1>),
        Bp384(ecdsa::SigningKey<bp384::BrainpoolP384r1>),
    }

    impl Key {
        pub fn new(curve: Curve, seed: u8) -> Key {
            let s32 = [seed; 32];
            let s48 = [seed; 48];
            match curve {
                Curve::P256 => Key::P256(ecdsa::SigningKey::from_slice(&s32).unwrap()),
                Curve::P384 => Key::P384(ecdsa::SigningKey::from_slice(&s48).unwrap()),
                Curve::BrainpoolP256r1 => Key::Bp256(ecdsa::SigningKey::from_slice(&s32).unwrap()),
                Curve::BrainpoolP384r1 => Key::Bp384(ecdsa::SigningKey::from_slice(&s48).unwrap()),
            }
        }

        fn curve_oid(&self) -> ObjectIdentifier {
            match self {
                Key::P256(_) => OID_P256,
                Key::P384(_) => OID_P384,
                Key::Bp256(_) => OID_BP256R1,
                Key::Bp384(_) => OID_BP384R1,
            }
        }

        fn point(&self) -> Vec<u8> {
            match self {
                Key::P256(k) => k.verifying_key().to_sec1_bytes().to_vec(),
                Key::P384(k) => k.verifying_key().to_sec1_bytes().to_vec(),
                Key::Bp256(k) => k.verifying_key().to_sec1_bytes().to_vec(),
                Key::Bp384(k) => k.verifying_key().to_sec1_bytes().to_vec(),
            }
        }

        pub fn spki(&self) -> SubjectPublicKeyInfoOwned {
            SubjectPublicKeyInfoOwned {
                algorithm: AlgorithmIdentifierOwned {
                    oid: ID_EC_PUBLIC_KEY,
                    parameters: Some(Any::encode_from(&self.curve_oid()).unwrap()),
                },
                subject_public_key: BitString::from_bytes(&self.point()).unwrap(),
            }
        }

        /// DER ECDSA signature over `message` hashed with `hash`.
        pub fn sign(&self, hash: HashAlg, message: &[u8]) -> Vec<u8> {
            let h = hash.digest(message);
            match self {
                Key::P256(k) => {
                    let s: ecdsa::Signature<p256::NistP256> = k.sign_prehash(&h).unwrap();
                    s.to_der().as_bytes().to_vec()
                }
                Key::P384(k) => {
                    let s: ecdsa::Signature<p384::NistP384> = k.sign_prehash(&h).unwrap();
                    s.to_der().as_bytes().to_vec()
                }
                Key::Bp256(k) => {
                    let s: ecdsa::Signature<bp256::BrainpoolP256r1> = k.sign_prehash(&h).unwrap();
                    s.to_der().as_bytes().to_vec()
                }
                Key::Bp384(k) => {
                    let s: ecdsa::Signature<bp384::BrainpoolP384r1> = k.sign_prehash(&h).unwrap();
                    s.to_der().as_bytes().to_vec()
                }
            }
        }
    }

    /// A certificate for `subject_key` named `subject`, issued by `issuer` with
    /// `issuer_key`, valid between the two RFC 3339 times.
    #[allow(clippy::too_many_arguments)]
    pub fn make_cert(
        subject: &str,
        subject_key: &Key,
        issuer: &str,
        issuer_key: &Key,
        hash: HashAlg,
        not_before: &str,
        not_after: &str,
    ) -> Vec<u8> {
        let alg_oid = match hash {
            HashAlg::Sha256 => OID_ECDSA_SHA256,
            HashAlg::Sha384 => OID_ECDSA_SHA384,
            HashAlg::Sha512 => OID_ECDSA_SHA512,
        };
        let alg = AlgorithmIdentifierOwned {
            oid: alg_oid,
            parameters: None,
        };
        let tbs = Tbs {
            serial: SerialNumber::new(&[1, 2, 3]).unwrap(),
            signature: alg.clone(),
            issuer: Name::from_str(issuer).unwrap(),
            validity: Validity {
                not_before: Time::from_str(not_before).unwrap(),
                not_after: Time::from_str(not_after).unwrap(),
            },
            subject: Name::from_str(subject).unwrap(),
            spki: subject_key.spki(),
        };
        let tbs_der = tbs.to_der().unwrap();
        let sig = issuer_key.sign(hash, &tbs_der);
        Cert {
            tbs: Any::from_der(&tbs_der).unwrap(),
            alg,
            sig: BitString::from_bytes(&sig).unwrap(),
        }
        .to_der()
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse().unwrap()
    }

    fn pair(ca_curve: Curve, sig_curve: Curve, hash: HashAlg) -> (Vec<u8>, Vec<u8>) {
        let ca_key = Key::new(ca_curve, 7);
        let sig_key = Key::new(sig_curve, 9);
        let ca = make_cert(
            "CN=SMGW SUB-CA,O=Test",
            &ca_key,
            "CN=SM-ROOT,O=Test",
            &Key::new(ca_curve, 5),
            hash,
            "2024-01-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        );
        let sig = make_cert(
            "CN=EDL0100005E318011,O=Test",
            &sig_key,
            "CN=SMGW SUB-CA,O=Test",
            &ca_key,
            hash,
            "2025-01-01T00:00:00Z",
            "2028-01-01T00:00:00Z",
        );
        (sig, ca)
    }

    #[test]
    fn chain_ok_on_every_curve() {
        for (ca, sc, h) in [
            (
                Curve::BrainpoolP384r1,
                Curve::BrainpoolP256r1,
                HashAlg::Sha384,
            ),
            (
                Curve::BrainpoolP256r1,
                Curve::BrainpoolP256r1,
                HashAlg::Sha256,
            ),
            (Curve::P256, Curve::P256, HashAlg::Sha256),
            (Curve::P384, Curve::P256, HashAlg::Sha384),
        ] {
            let (sig, sub) = pair(ca, sc, h);
            let c = check_pair(Some(0), &sig, Some(&sub), now());
            assert_eq!(
                c.signature,
                SignatureCheck::Valid { curve: ca, hash: h },
                "{ca:?}"
            );
            assert_eq!(c.issuer_matches, Some(true));
            assert!(c.validity.is_valid());
            assert!(c.sub_ca_validity.is_valid());
            assert_eq!(c.verdict(), ChainVerdict::Ok);
        }
    }

    #[test]
    fn broken_signature_fails() {
        let (mut sig, sub) = pair(
            Curve::BrainpoolP384r1,
            Curve::BrainpoolP256r1,
            HashAlg::Sha384,
        );
        // Flip a byte inside the subject name (part of the signed TBS).
        let pos = sig.windows(4).position(|w| w == b"EDL0").unwrap();
        sig[pos] ^= 0x01;
        let c = check_pair(Some(1), &sig, Some(&sub), now());
        assert!(
            matches!(c.signature, SignatureCheck::Invalid { .. }),
            "{:?}",
            c.signature
        );
        assert_eq!(c.verdict(), ChainVerdict::Failed);
        assert!(c.signature.text(Lang::De).contains("UNGÜLTIG"));
    }

    #[test]
    fn wrong_issuer_key_fails() {
        let (sig, _) = pair(Curve::P256, Curve::P256, HashAlg::Sha256);
        let (_, other_ca) = pair(Curve::P384, Curve::P256, HashAlg::Sha256);
        let c = check_pair(Some(0), &sig, Some(&other_ca), now());
        assert_eq!(c.verdict(), ChainVerdict::Failed);
    }

    #[test]
    fn expired_certificate_fails() {
        let (sig, sub) = pair(
            Curve::BrainpoolP256r1,
            Curve::BrainpoolP256r1,
            HashAlg::Sha256,
        );
        let later: DateTime<Utc> = "2029-01-01T00:00:00Z".parse().unwrap();
        let c = check_pair(Some(0), &sig, Some(&sub), later);
        assert!(matches!(c.validity, ValidityCheck::Expired { .. }));
        assert!(c.sub_ca_validity.is_valid());
        assert!(c.signature.is_valid());
        assert_eq!(c.verdict(), ChainVerdict::Failed);
        assert!(c.validity.text(Lang::En).starts_with("expired"));
    }

    #[test]
    fn issuer_name_mismatch_fails() {
        let ca_key = Key::new(Curve::P256, 7);
        let ca = make_cert(
            "CN=Other CA",
            &ca_key,
            "CN=Root",
            &ca_key,
            HashAlg::Sha256,
            "2024-01-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        );
        let sig = make_cert(
            "CN=GW",
            &Key::new(Curve::P256, 3),
            "CN=SMGW SUB-CA",
            &ca_key,
            HashAlg::Sha256,
            "2024-01-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        );
        let c = check_pair(Some(0), &sig, Some(&ca), now());
        assert_eq!(c.issuer_matches, Some(false));
        assert!(c.signature.is_valid());
        assert_eq!(c.verdict(), ChainVerdict::Failed);
    }

    #[test]
    fn missing_or_garbage_is_not_checkable_never_ok() {
        let (sig, _) = pair(Curve::P256, Curve::P256, HashAlg::Sha256);
        let c = check_pair(Some(0), &sig, None, now());
        assert_eq!(
            c.signature,
            SignatureCheck::NotCheckable(NotCheckable::IssuerMissing)
        );
        assert_eq!(c.verdict(), ChainVerdict::NotCheckable);
        let c = check_pair(Some(0), b"garbage", Some(b"more"), now());
        assert_eq!(c.verdict(), ChainVerdict::NotCheckable);
    }

    #[test]
    fn unknown_signature_algorithm_is_not_checkable() {
        let (sig, sub) = pair(Curve::P256, Curve::P256, HashAlg::Sha256);
        let cert = x509_cert::Certificate::from_der(&sig).unwrap();
        let ca = x509_cert::Certificate::from_der(&sub).unwrap();
        // Same certificate checked with an RSA "issuer key": not checkable.
        let mut spki = ca.tbs_certificate().subject_public_key_info().clone();
        spki.algorithm.oid = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
        let tbs = cert.tbs_certificate().to_der().unwrap();
        let r = verify_ecdsa(
            &spki.to_der().unwrap(),
            HashAlg::Sha256,
            &tbs,
            cert.signature().as_bytes().unwrap(),
        );
        assert!(matches!(
            r,
            SignatureCheck::NotCheckable(NotCheckable::KeyAlgorithm(_))
        ));
    }

    #[test]
    fn wan_entries_pair_by_index() {
        let (s0, c0) = pair(
            Curve::BrainpoolP384r1,
            Curve::BrainpoolP256r1,
            HashAlg::Sha384,
        );
        let (s1, _) = pair(Curve::P256, Curve::P256, HashAlg::Sha256);
        let certs = vec![
            Certificate {
                kind: CertificateKind::Signature,
                index: Some(1),
                der: s1,
            },
            Certificate {
                kind: CertificateKind::SubCa,
                index: Some(0),
                der: c0,
            },
            Certificate {
                kind: CertificateKind::Signature,
                index: Some(0),
                der: s0,
            },
        ];
        let r = check_wan_chain(&certs, now());
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].index, Some(0));
        assert_eq!(r[0].verdict(), ChainVerdict::Ok);
        assert_eq!(r[1].verdict(), ChainVerdict::NotCheckable);
        assert!(seal_certificate(&certs).is_some());
    }
}
