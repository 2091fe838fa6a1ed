//! The decoded tariff profile in the JSON export and the bundle: a real signed CMS
//! container (the fuzz seed `model_taf_profile/signed.cms`: two length bytes, the
//! container, then the seal certificate that signed it), checked against the gateway's
//! certificates as an archive holds them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use common::{synthetic_set, t};
use export::bundle::TARIFF_PROFILES;
use export::{read_json, write_bundle, write_json, ExportSet};
use smgw_model::pki::NotCheckable;
use smgw_model::records::{Certificate, CertificateKind};
use smgw_model::SignatureCheck;

/// (CMS container, seal certificate DER).
fn signed_profile() -> (Vec<u8>, Vec<u8>) {
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus/model_taf_profile/signed.cms"
    ))
    .expect("fuzz seed model_taf_profile/signed.cms");
    let len = usize::from(u16::from_be_bytes([seed[0], seed[1]]));
    (seed[2..2 + len].to_vec(), seed[2 + len..].to_vec())
}

fn seal(der: &[u8]) -> Certificate {
    Certificate {
        kind: CertificateKind::Signature,
        index: Some(0),
        der: der.to_vec(),
    }
}

fn set_with(profile: &[u8], certificates: Vec<Certificate>) -> ExportSet {
    let mut set = synthetic_set(t("2025-01-01T00:00:00+01:00"), 8, 2);
    set.contracts[0].detail.as_mut().unwrap().taf_profile = Some(profile.to_vec());
    set.gateway.certificates = certificates;
    set
}

fn json_of(set: &ExportSet) -> serde_json::Value {
    let mut buf = Vec::new();
    write_json(set, &mut buf).unwrap();
    // It reads back as written.
    let doc = read_json(buf.as_slice()).unwrap();
    assert_eq!(doc, export::JsonDocument::from_set(set));
    serde_json::from_slice(&buf).unwrap()
}

#[test]
fn signed_profile_is_decoded_and_verified_against_the_seal_certificate() {
    let (cms, cert) = signed_profile();
    let v = json_of(&set_with(&cms, vec![seal(&cert)]));
    let c = &v["contracts"][0];
    // The bytes as received stay where they were.
    assert_eq!(c["detail"]["taf_profile"], hex::encode(&cms));
    let tp = &c["tariff_profile"];
    assert_eq!(tp["signature"]["result"], "valid", "{tp}");
    assert!(tp["signature_text"]["en"]
        .as_str()
        .unwrap()
        .starts_with("signature valid"));
    assert!(tp["xml"].as_str().unwrap().contains('<'), "{tp}");
    // The seed is a TAF-1 profile: number, ids, validity; its CaptureTime is not
    // interpreted and kept as sent.
    assert_eq!(tp["profile"]["taf"], "1", "{tp}");
    assert_eq!(tp["profile"]["valid_from"], "2024-10-31T23:00:00Z");
    assert!(
        tp["profile"]["unknown"].as_array().unwrap().iter().any(
            |u| u["text"] == "00:00:00" && u["path"].as_str().unwrap().ends_with("CaptureTime")
        ),
        "{tp}"
    );
    assert_eq!(tp["error"], serde_json::Value::Null);
    // The decoding is exactly smgw_model's, nothing added.
    let direct = smgw_model::read_taf_profile(&cms, Some(&cert));
    assert_eq!(
        tp["profile"],
        serde_json::to_value(&direct.profile).unwrap()
    );
}

#[test]
fn an_archive_with_an_older_seal_certificate_still_finds_the_one_that_signed() {
    let (cms, cert) = signed_profile();
    // An archive keeps every certificate ever reported: an older seal certificate with
    // another key (here the sub-CA certificate of the fuzz seed `model_pki/chain`) comes
    // first.
    let chain = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus/model_pki/chain"
    ))
    .expect("fuzz seed model_pki/chain");
    let sig_len = usize::from(u16::from_be_bytes([chain[0], chain[1]]));
    let older = chain[2 + sig_len + 2..].to_vec();
    assert_ne!(older, cert);
    let decoded = export::decode_tariff_profile(&cms, &[seal(&older), seal(&cert)]);
    assert!(decoded.signature.is_valid(), "{:?}", decoded.signature);
    // Only the older one: not valid, and said so (never "valid").
    let decoded = export::decode_tariff_profile(&cms, &[seal(&older)]);
    assert!(!decoded.signature.is_valid(), "{:?}", decoded.signature);
}

#[test]
fn without_a_seal_certificate_the_signature_is_not_checkable() {
    let (cms, _) = signed_profile();
    // A signature certificate with another index and a sub-CA are not the seal.
    let others = vec![
        Certificate {
            kind: CertificateKind::Signature,
            index: Some(1),
            der: vec![1, 2, 3],
        },
        Certificate {
            kind: CertificateKind::SubCa,
            index: Some(0),
            der: vec![4, 5, 6],
        },
    ];
    let set = set_with(&cms, others);
    let v = json_of(&set);
    let tp = &v["contracts"][0]["tariff_profile"];
    assert_eq!(tp["signature"]["result"], "not_checkable", "{tp}");
    assert_eq!(tp["signature"]["reason"], "issuer_missing", "{tp}");
    // The content is still read.
    assert_eq!(tp["profile"]["taf"], "1", "{tp}");
    let decoded = export::decode_tariff_profile(&cms, &set.gateway.certificates);
    assert_eq!(
        decoded.signature,
        SignatureCheck::NotCheckable(NotCheckable::IssuerMissing)
    );
}

#[test]
fn bundle_carries_the_profile_in_words_and_none_without_one() {
    let (cms, cert) = signed_profile();
    let set = set_with(&cms, vec![seal(&cert)]);
    let tmp = tempfile::tempdir().unwrap();
    let manifest = write_bundle(&set, tmp.path()).unwrap();
    assert!(manifest.files.iter().any(|f| f.path == TARIFF_PROFILES));
    assert!(export::verify_bundle(tmp.path()).unwrap().is_ok());
    let text = std::fs::read_to_string(tmp.path().join(TARIFF_PROFILES)).unwrap();
    let decoded = smgw_model::read_taf_profile(&cms, Some(&cert));
    // German, then English, each exactly the decoder's description.
    let de = decoded.describe(smgw_model::Lang::De);
    let en = decoded.describe(smgw_model::Lang::En);
    let at_de = text.find(&de).expect("German description");
    let at_en = text.find(&en).expect("English description");
    assert!(at_de < at_en, "{text}");
    assert!(text.contains("Tarifprofil: Signatur gültig"), "{text}");
    assert!(text.contains("Tariff profile: signature valid"), "{text}");
    assert!(text.contains("01005e318021.taf7-1.sm"), "{text}");
    let html = std::fs::read_to_string(tmp.path().join("index.html")).unwrap();
    assert!(html.contains(TARIFF_PROFILES), "listed in index.html");

    // A contract without profile: no such file.
    let mut set = set;
    set.contracts[0].detail.as_mut().unwrap().taf_profile = None;
    let tmp = tempfile::tempdir().unwrap();
    let manifest = write_bundle(&set, tmp.path()).unwrap();
    assert!(manifest.files.iter().all(|f| f.path != TARIFF_PROFILES));
    assert!(export::bundle::tariff_profiles_text(&set).is_none());
}
