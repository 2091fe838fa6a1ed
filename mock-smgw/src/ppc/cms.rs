//! Real CMS SignedData (RFC 5652, DER) around the DKE XML files the PPC gateway exports,
//! signed with the scenario's HAN key (ECDSA P-384, SHA-384) over signed attributes
//! (content type, message digest) and carrying its certificate; [`SignedFileFault`] spoils
//! one part on purpose.
//! Built from the RustCrypto `cms`/`der` types; the signature comes from rustls' ring
//! signer, so no second crypto stack is compiled in.

use cms::cert::x509::attr::Attribute;
use cms::cert::x509::spki::AlgorithmIdentifierOwned;
use cms::cert::x509::Certificate;
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::SignatureScheme;
use sha2::Digest;

use super::SignedFileFault;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, String> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(|e| e.to_string())?;
    Ok(Attribute { oid, values })
}

/// Wraps `content` into a DER `ContentInfo` holding `SignedData` signed with `key_pem`
/// (PKCS#8) and carrying `cert_pem`, spoiled as `fault` says.
pub(crate) fn sign(
    content: &[u8],
    cert_pem: &str,
    key_pem: &str,
    fault: SignedFileFault,
) -> Result<Vec<u8>, String> {
    let cert_der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
        .map_err(|e| format!("certificate: {e}"))?;
    let cert = Certificate::from_der(cert_der.as_ref()).map_err(|e| format!("certificate: {e}"))?;
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| format!("key: {e}"))?;
    let signing_key =
        rustls::crypto::ring::sign::any_ecdsa_type(&key).map_err(|e| format!("key: {e}"))?;
    let signer = signing_key
        .choose_scheme(&[
            SignatureScheme::ECDSA_NISTP384_SHA384,
            SignatureScheme::ECDSA_NISTP256_SHA256,
        ])
        .ok_or("key is neither P-384 nor P-256")?;
    let (digest_oid, sig_oid) = match signer.scheme() {
        SignatureScheme::ECDSA_NISTP256_SHA256 => (
            ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1"),
            ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"),
        ),
        _ => (ID_SHA384, ID_ECDSA_SHA384),
    };
    let signed_attrs = if fault == SignedFileFault::NoSignedAttributes {
        None
    } else {
        let digest = if digest_oid == ID_SHA384 {
            sha2::Sha384::digest(content).to_vec()
        } else {
            sha2::Sha256::digest(content).to_vec()
        };
        let mut attrs = SetOfVec::new();
        attrs
            .insert(attribute(
                ID_CONTENT_TYPE,
                Any::encode_from(&ID_DATA).map_err(|e| e.to_string())?,
            )?)
            .map_err(|e| e.to_string())?;
        attrs
            .insert(attribute(
                ID_MESSAGE_DIGEST,
                Any::encode_from(&OctetString::new(digest).map_err(|e| e.to_string())?)
                    .map_err(|e| e.to_string())?,
            )?)
            .map_err(|e| e.to_string())?;
        Some(attrs)
    };
    // With signed attributes the signature is over their DER (as a SET OF), else over the
    // content itself (RFC 5652 5.4).
    let message = match &signed_attrs {
        Some(a) => a.to_der().map_err(|e| e.to_string())?,
        None => content.to_vec(),
    };
    let mut signature = signer.sign(&message).map_err(|e| format!("signing: {e}"))?;
    if fault == SignedFileFault::TamperedSignature {
        // One byte of the signature's `s` (the last byte): still DER, no longer valid.
        if let Some(b) = signature.last_mut() {
            *b ^= 0x01;
        }
    }
    let mut content = content.to_vec();
    if fault == SignedFileFault::TamperedContent {
        // One byte of the content after signing: a line break becomes a space (the XML
        // stays readable and every value the same; only the signature tells).
        match content.iter().position(|&b| b == b'\n') {
            Some(at) => content[at] = b' ',
            None => {
                if let Some(b) = content.last_mut() {
                    *b ^= 0x01;
                }
            }
        }
    }
    let content = content.as_slice();
    let alg = |oid| AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate().issuer().clone(),
            serial_number: cert.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: alg(digest_oid),
        signed_attrs,
        signature_algorithm: alg(sig_oid),
        signature: OctetString::new(signature).map_err(|e| e.to_string())?,
        unsigned_attrs: None,
    };
    let mut digests = SetOfVec::new();
    digests.insert(alg(digest_oid)).map_err(|e| e.to_string())?;
    let mut certs = SetOfVec::new();
    certs
        .insert(CertificateChoices::Certificate(cert))
        .map_err(|e| e.to_string())?;
    let mut signers = SetOfVec::new();
    signers.insert(signer_info).map_err(|e| e.to_string())?;
    let econtent = Any::encode_from(&OctetString::new(content).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digests,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: Some(econtent),
        },
        certificates: (fault != SignedFileFault::NoCertificate).then_some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(signers),
    };
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(|e| e.to_string())?,
    };
    info.to_der().map_err(|e| e.to_string())
}
