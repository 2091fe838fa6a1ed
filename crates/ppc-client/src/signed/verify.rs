//! The signature check of a CMS SignedData file (RFC 5652 5.4, 5.6), sans IO: the signed
//! attributes (with the message digest over the content) or, without them, the content
//! itself, checked with the ECDSA key of the signer's certificate carried in the file
//! (NIST P-256/P-384, SHA-256/384, through `ring`).
//!
//! What this proves: the content is exactly what the holder of that certificate's key
//! signed (integrity). It does **not** say who issued the certificate: no chain, no trust
//! anchor, no revocation is checked.

use cms::cert::x509::Certificate;
use cms::cert::CertificateChoices;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};

const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const ID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const ID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ID_BRAINPOOL_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.7");
const ID_BRAINPOOL_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.11");
const ID_BRAINPOOL_P512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.13");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");

/// The result of checking a signed file's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// The signature matches the content and the certificate carried in the file. This is
    /// integrity against that certificate only: who issued it is not checked.
    Verified {
        /// The algorithm, e.g. `ECDSA P-384 SHA-384`.
        algorithm: String,
        /// Whether signed attributes (with the message digest) were signed.
        signed_attributes: bool,
        /// The signer's certificate (DER), as carried in the file.
        signer_certificate: Vec<u8>,
    },
    /// The signature does not match: the content (or the signature) was changed after
    /// signing, or it was signed with another key.
    Failed {
        /// What did not match.
        why: String,
    },
    /// The file carries no certificate for its signer: nothing to check against.
    NoCertificate,
    /// The signature uses something this program cannot check (e.g. a brainpool curve).
    NotCheckable {
        /// What.
        why: String,
    },
}

impl SignatureCheck {
    /// `ok`, `failed`, `no certificate` or `not checkable`.
    pub fn label(&self) -> &'static str {
        match self {
            SignatureCheck::Verified { .. } => "ok",
            SignatureCheck::Failed { .. } => "failed",
            SignatureCheck::NoCertificate => "no certificate",
            SignatureCheck::NotCheckable { .. } => "not checkable",
        }
    }

    /// Whether the signature was verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, SignatureCheck::Verified { .. })
    }
}

/// A DER element: (tag, whole element, contents, what follows it).
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// Reads one DER element (definite length, at most 4 length bytes).
fn tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(n)?;
        let len = bytes.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b));
        (len, rest)
    };
    let (contents, after) = rest.split_at_checked(len)?;
    let header = input.len() - rest.len();
    let whole = input.get(..header.checked_add(len)?)?;
    Some((tag, whole, contents, after))
}

/// The raw `[0] IMPLICIT SignedAttributes` of each SignerInfo, in file order, exactly as
/// sent (the decoded form is re-sorted, which would change the signed bytes).
fn raw_signed_attributes(der_bytes: &[u8]) -> Vec<Option<Vec<u8>>> {
    let walk = || -> Option<Vec<Option<Vec<u8>>>> {
        let (_, _, content_info, _) = tlv(der_bytes)?;
        let (_, _, _oid, rest) = tlv(content_info)?;
        let (_, _, explicit, _) = tlv(rest)?;
        let (_, _, signed_data, _) = tlv(explicit)?;
        let mut rest = signed_data;
        let mut signer_infos = None;
        while !rest.is_empty() {
            let (tag, _, contents, next) = tlv(rest)?;
            if tag == 0x31 && signer_infos.is_none() && next.is_empty() {
                signer_infos = Some(contents);
            }
            rest = next;
        }
        let mut out = Vec::new();
        let mut infos = signer_infos?;
        while !infos.is_empty() {
            let (_, _, info, next) = tlv(infos)?;
            // version, sid, digestAlgorithm, then [0] signedAttrs if present.
            let (_, _, _, r) = tlv(info)?;
            let (_, _, _, r) = tlv(r)?;
            let (_, _, _, r) = tlv(r)?;
            let attrs = match tlv(r) {
                Some((0xa0, whole, _, _)) => {
                    // Signed as the universal SET OF (RFC 5652 5.4): the tag byte becomes
                    // 0x31, the rest stays as sent.
                    let mut v = vec![0x31];
                    v.extend_from_slice(whole.get(1..)?);
                    Some(v)
                }
                _ => None,
            };
            out.push(attrs);
            infos = next;
        }
        Some(out)
    };
    walk().unwrap_or_default()
}

fn digest_of(oid: &ObjectIdentifier) -> Option<(&'static ring::digest::Algorithm, &'static str)> {
    match *oid {
        ID_SHA256 | ID_ECDSA_SHA256 => Some((&ring::digest::SHA256, "SHA-256")),
        ID_SHA384 | ID_ECDSA_SHA384 => Some((&ring::digest::SHA384, "SHA-384")),
        ID_SHA512 | ID_ECDSA_SHA512 => Some((&ring::digest::SHA512, "SHA-512")),
        _ => None,
    }
}

fn matches_signer(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    let tbs = cert.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(i) => {
            tbs.issuer() == &i.issuer && tbs.serial_number() == &i.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => tbs.extensions().is_some_and(|exts| {
            exts.iter().any(|e| {
                e.extn_id == ID_SUBJECT_KEY_ID
                    && OctetString::from_der(e.extn_value.as_bytes())
                        .is_ok_and(|v| v.as_bytes() == ski.0.as_bytes())
            })
        }),
    }
}

/// Checks the first signer's signature of `signed` over `content` (the eContent octets).
/// `der_bytes` is the whole file (for the signed attributes exactly as sent).
pub(super) fn check(der_bytes: &[u8], signed: &SignedData, content: &[u8]) -> SignatureCheck {
    let Some(info) = signed.signer_infos.0.iter().next() else {
        return SignatureCheck::Failed {
            why: "the file has no signer".to_owned(),
        };
    };
    let certificate = signed.certificates.as_ref().and_then(|set| {
        set.0.iter().find_map(|c| match c {
            CertificateChoices::Certificate(cert) if matches_signer(cert, &info.sid) => Some(cert),
            _ => None,
        })
    });
    let Some(certificate) = certificate else {
        return SignatureCheck::NoCertificate;
    };
    // SetOfVec sorts on decoding; the raw attributes are those of the same signer only when
    // there is one signer (the usual case). With several, the decoded form is re-encoded.
    let raw_attrs = if signed.signer_infos.0.len() == 1 {
        raw_signed_attributes(der_bytes)
            .into_iter()
            .next()
            .flatten()
    } else {
        None
    };
    check_signer(info, certificate, content, raw_attrs)
}

fn check_signer(
    info: &SignerInfo,
    certificate: &Certificate,
    content: &[u8],
    raw_attrs: Option<Vec<u8>>,
) -> SignatureCheck {
    let not_checkable = |why: String| SignatureCheck::NotCheckable { why };
    let Some((digest_alg, _)) = digest_of(&info.digest_alg.oid) else {
        return not_checkable(format!("digest algorithm {}", info.digest_alg.oid));
    };
    // The hash of the signature: from `ecdsa-with-SHAx`, else the digest algorithm
    // (some signers write the bare `id-ecPublicKey`).
    let sig_oid = info.signature_algorithm.oid;
    let (_, hash_name) = match sig_oid {
        ID_ECDSA_SHA256 | ID_ECDSA_SHA384 | ID_ECDSA_SHA512 => match digest_of(&sig_oid) {
            Some(d) => d,
            None => return not_checkable(format!("signature algorithm {sig_oid}")),
        },
        ID_EC_PUBLIC_KEY => match digest_of(&info.digest_alg.oid) {
            Some(d) => d,
            None => return not_checkable(format!("signature algorithm {sig_oid}")),
        },
        other => return not_checkable(format!("signature algorithm {other} (not ECDSA)")),
    };
    let spki = certificate.tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
        return not_checkable(format!(
            "certificate key algorithm {} (not an EC key)",
            spki.algorithm.oid
        ));
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let (alg, curve_name): (&'static dyn VerificationAlgorithm, &str) = match (curve, hash_name) {
        (Some(ID_P256), "SHA-256") => (&signature::ECDSA_P256_SHA256_ASN1, "P-256"),
        (Some(ID_P256), "SHA-384") => (&signature::ECDSA_P256_SHA384_ASN1, "P-256"),
        (Some(ID_P384), "SHA-256") => (&signature::ECDSA_P384_SHA256_ASN1, "P-384"),
        (Some(ID_P384), "SHA-384") => (&signature::ECDSA_P384_SHA384_ASN1, "P-384"),
        (Some(c @ (ID_BRAINPOOL_P256 | ID_BRAINPOOL_P384 | ID_BRAINPOOL_P512)), _) => {
            return not_checkable(format!(
                "brainpool curve {c}: not supported by the crypto library used"
            ))
        }
        (Some(c), h) => return not_checkable(format!("curve {c} with {h}")),
        (None, _) => return not_checkable("certificate key without a named curve".into()),
    };
    let algorithm = format!("ECDSA {curve_name} {hash_name}");
    let message: Vec<u8> = match &info.signed_attrs {
        None => content.to_vec(),
        Some(attrs) => {
            let digest = ring::digest::digest(digest_alg, content);
            let sent = attrs
                .iter()
                .find(|a| a.oid == ID_MESSAGE_DIGEST)
                .and_then(|a| a.values.iter().next())
                .and_then(|v| v.decode_as::<OctetString>().ok());
            let Some(sent) = sent else {
                return SignatureCheck::Failed {
                    why: "signed attributes without a message digest".to_owned(),
                };
            };
            if sent.as_bytes() != digest.as_ref() {
                return SignatureCheck::Failed {
                    why: "the message digest does not match the content".to_owned(),
                };
            }
            if !attrs.iter().any(|a| a.oid == ID_CONTENT_TYPE) {
                return SignatureCheck::Failed {
                    why: "signed attributes without a content type".to_owned(),
                };
            }
            match raw_attrs {
                Some(raw) => raw,
                None => match attrs.to_der() {
                    Ok(d) => d,
                    Err(e) => return not_checkable(format!("signed attributes: {e}")),
                },
            }
        }
    };
    let key = UnparsedPublicKey::new(alg, spki.subject_public_key.raw_bytes());
    match key.verify(&message, info.signature.as_bytes()) {
        Ok(()) => SignatureCheck::Verified {
            algorithm,
            signed_attributes: info.signed_attrs.is_some(),
            signer_certificate: certificate.to_der().unwrap_or_default(),
        },
        Err(_) => SignatureCheck::Failed {
            why: format!(
                "the {algorithm} signature does not match the {} and the certificate carried in the file",
                if info.signed_attrs.is_some() {
                    "signed attributes"
                } else {
                    "content"
                }
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_walk_never_panics_and_finds_nothing_in_garbage() {
        assert_eq!(tlv(&[]), None);
        assert_eq!(tlv(&[0x30]), None);
        assert_eq!(tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(tlv(&[0x30, 0x82, 0x01]), None);
        assert_eq!(tlv(&[0x30, 0x05, 1]), None);
        let (tag, whole, contents, rest) = tlv(&[0x04, 0x81, 0x02, 0xaa, 0xbb, 0x05]).unwrap();
        assert_eq!(
            (tag, whole.len(), contents, rest),
            (0x04, 5, &[0xaa, 0xbb][..], &[0x05][..])
        );
        for n in 0..64u8 {
            let junk: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37) ^ 0x30).collect();
            let _ = raw_signed_attributes(&junk);
        }
        assert!(raw_signed_attributes(&[0x30, 0x00]).is_empty());
    }

    #[test]
    fn labels() {
        assert_eq!(SignatureCheck::NoCertificate.label(), "no certificate");
        assert_eq!(
            SignatureCheck::Failed { why: String::new() }.label(),
            "failed"
        );
        assert!(!SignatureCheck::NotCheckable { why: String::new() }.is_verified());
    }
}
