//! Real CMS SignedData (RFC 5652, DER) around the DKE XML files the PPC gateway exports,
//! signed with the scenario's HAN key (ECDSA P-384, SHA-384) and carrying its certificate.
//! Built from the RustCrypto `cms`/`der` types; the signature comes from rustls' ring
//! signer, so no second crypto stack is compiled in.

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

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

/// Wraps `content` into a DER `ContentInfo` holding `SignedData` signed with `key_pem`
/// (PKCS#8) and carrying `cert_pem`.
pub(crate) fn sign(content: &[u8], cert_pem: &str, key_pem: &str) -> Result<Vec<u8>, String> {
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
    // No signed attributes: the signature is over the content itself (RFC 5652 5.4).
    let signature = signer.sign(content).map_err(|e| format!("signing: {e}"))?;
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
        signed_attrs: None,
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
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(signers),
    };
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(|e| e.to_string())?,
    };
    info.to_der().map_err(|e| e.to_string())
}
