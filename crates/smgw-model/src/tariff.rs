//! The tariff profile (`taf-profile` of `usage-point-info`): a CMS SignedData container
//! with DKE XML inside, signed with the gateway's seal certificate. Sans IO.
//!
//! The reader is tolerant: it recognises a small set of element names (tariff stages,
//! day profiles with switching times, validity, TAF number, ids) by local name,
//! case-insensitively; every other element with text is kept verbatim in
//! [`TariffProfile::unknown`], never interpreted.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::pki::{verify_ecdsa, HashAlg, NotCheckable, SignatureCheck};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// One tariff stage (register the consumption is counted in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffStage {
    /// Id or number of the stage as sent.
    pub id: String,
    /// Name, if sent.
    pub name: Option<String>,
    /// Register (OBIS, as sent), if sent.
    pub register: Option<String>,
}

/// One switching time of a day profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchPoint {
    /// Time of day as sent (e.g. `06:00`).
    pub time: String,
    /// Tariff stage active from this time, as sent.
    pub stage: String,
}

/// A day profile: the switching times of one kind of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayProfile {
    /// Id as sent.
    pub id: String,
    /// Switching times in the order sent.
    pub switches: Vec<SwitchPoint>,
}

/// An element the reader does not interpret, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawItem {
    /// Path of local element names, e.g. `TAFProfile/CaptureTime`.
    pub path: String,
    /// Text content (and attributes as `name=value`), verbatim.
    pub text: String,
}

/// What the DKE XML says, as far as it is understood.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffProfile {
    /// TAF number, as sent.
    pub taf: Option<String>,
    /// Usage point id, as sent.
    pub usage_point_id: Option<String>,
    /// Metering point id, as sent.
    pub metering_point_id: Option<String>,
    /// Start of validity, as sent.
    pub valid_from: Option<String>,
    /// End of validity, as sent.
    pub valid_to: Option<String>,
    /// Tariff stages.
    pub stages: Vec<TariffStage>,
    /// Day profiles.
    pub day_profiles: Vec<DayProfile>,
    /// Everything else, verbatim.
    pub unknown: Vec<RawItem>,
}

/// The decoded container: content, its reading, and the signature check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TafProfile {
    /// The signed content as text (the DKE XML), if the container could be opened.
    pub xml: Option<String>,
    /// The reading of the XML, if it is XML.
    pub profile: Option<TariffProfile>,
    /// Signature against the seal certificate of `smgw-info`.
    pub signature: SignatureCheck,
    /// Why the container or the XML could not be read, if so.
    pub error: Option<String>,
}

impl TafProfile {
    /// Plain-language summary lines (German or English).
    pub fn describe(&self, lang: Lang) -> String {
        let l = |de: &'static str, en: &'static str| lang.pick(de, en);
        let mut out = String::new();
        out += &format!(
            "{} {}\n",
            l("Tarifprofil:", "Tariff profile:"),
            self.signature.text(lang)
        );
        if let Some(e) = &self.error {
            out += &format!("  {} {e}\n", l("nicht lesbar:", "unreadable:"));
        }
        let Some(p) = &self.profile else {
            if let Some(x) = &self.xml {
                out += &format!("  {} {x}\n", l("Inhalt (roh):", "content (raw):"));
            }
            return out;
        };
        let field = |out: &mut String, label: &str, v: &Option<String>| {
            if let Some(v) = v {
                *out += &format!("  {label:<22}{v}\n");
            }
        };
        field(&mut out, l("TAF:", "TAF:"), &p.taf);
        field(&mut out, l("Gültig ab:", "Valid from:"), &p.valid_from);
        field(&mut out, l("Gültig bis:", "Valid to:"), &p.valid_to);
        for s in &p.stages {
            out += &format!(
                "  {:<22}{}{}{}\n",
                l("Tarifstufe:", "Tariff stage:"),
                s.id,
                s.name
                    .as_deref()
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default(),
                s.register
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
        }
        for d in &p.day_profiles {
            let switches: Vec<String> = d
                .switches
                .iter()
                .map(|s| format!("{} → {}", s.time, s.stage))
                .collect();
            out += &format!(
                "  {:<22}{}: {}\n",
                l("Tagesprofil:", "Day profile:"),
                d.id,
                switches.join(", ")
            );
        }
        for u in &p.unknown {
            out += &format!(
                "  {} {} = {}\n",
                l("(nicht ausgewertet)", "(not interpreted)"),
                u.path,
                u.text
            );
        }
        out
    }
}

/// Decodes a `taf-profile` (DER bytes of the CMS container) and checks its signature with
/// `seal_certificate` (DER of the signature certificate with `cert-index` 0, see
/// [`crate::pki::seal_certificate`]). Never panics; what cannot be read is reported.
pub fn read_taf_profile(der_bytes: &[u8], seal_certificate: Option<&[u8]>) -> TafProfile {
    let signed = match open(der_bytes) {
        Ok(s) => s,
        Err(e) => {
            return TafProfile {
                xml: None,
                profile: None,
                signature: SignatureCheck::NotCheckable(NotCheckable::Unreadable(e.clone())),
                error: Some(e),
            }
        }
    };
    let content: Option<Vec<u8>> = signed
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|any| any.decode_as::<OctetString>().ok())
        .map(|o| o.as_bytes().to_vec());
    let signature = match (&content, seal_certificate) {
        (None, _) => SignatureCheck::NotCheckable(NotCheckable::Unreadable(
            "no encapsulated content".to_string(),
        )),
        (Some(_), None) => SignatureCheck::NotCheckable(NotCheckable::IssuerMissing),
        (Some(c), Some(cert)) => check_signature(&signed, c, cert),
    };
    let xml = content.map(|c| String::from_utf8_lossy(&c).into_owned());
    let (profile, error) = match &xml {
        Some(x) => match parse_xml(x) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e)),
        },
        None => (None, Some("no encapsulated content".to_string())),
    };
    TafProfile {
        xml,
        profile,
        signature,
        error,
    }
}

fn open(der_bytes: &[u8]) -> Result<SignedData, String> {
    let ci = ContentInfo::from_der(der_bytes).map_err(|e| format!("CMS: {e}"))?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(format!(
            "CMS content type {} is not SignedData",
            ci.content_type
        ));
    }
    ci.content
        .decode_as::<SignedData>()
        .map_err(|e| format!("CMS SignedData: {e}"))
}

fn check_signature(signed: &SignedData, content: &[u8], cert_der: &[u8]) -> SignatureCheck {
    let Some(info) = signed.signer_infos.0.iter().next() else {
        return SignatureCheck::NotCheckable(NotCheckable::Unreadable(
            "no signer info".to_string(),
        ));
    };
    let Some(hash) = HashAlg::from_digest_oid(&info.digest_alg.oid) else {
        return SignatureCheck::NotCheckable(NotCheckable::SignatureAlgorithm(
            info.digest_alg.oid.to_string(),
        ));
    };
    // The signature algorithm may be ecdsa-with-SHA* or plain id-ecPublicKey; the key of
    // the certificate decides the curve, the digest algorithm the hash.
    if let Some(h) = HashAlg::from_ecdsa_oid(&info.signature_algorithm.oid) {
        if h != hash {
            return SignatureCheck::NotCheckable(NotCheckable::SignatureAlgorithm(
                info.signature_algorithm.oid.to_string(),
            ));
        }
    }
    let message = match &info.signed_attrs {
        None => content.to_vec(),
        Some(attrs) => {
            let sent = attrs
                .iter()
                .find(|a| a.oid == ID_MESSAGE_DIGEST)
                .and_then(|a| a.values.iter().next())
                .and_then(|v| v.decode_as::<OctetString>().ok());
            let digest_ok = sent.is_some_and(|s| s.as_bytes() == hash.digest(content).as_slice());
            match attrs.to_der() {
                Ok(d) if digest_ok => d,
                Ok(_) => {
                    return SignatureCheck::Invalid {
                        curve: match curve_of(cert_der) {
                            Some(c) => c,
                            None => {
                                return SignatureCheck::NotCheckable(NotCheckable::Unreadable(
                                    "message digest".to_string(),
                                ))
                            }
                        },
                        hash,
                    }
                }
                Err(e) => {
                    return SignatureCheck::NotCheckable(NotCheckable::Unreadable(e.to_string()))
                }
            }
        }
    };
    let spki = match x509_cert::Certificate::from_der(cert_der)
        .map_err(|e| e.to_string())
        .and_then(|c| {
            c.tbs_certificate()
                .subject_public_key_info()
                .to_der()
                .map_err(|e| e.to_string())
        }) {
        Ok(s) => s,
        Err(e) => return SignatureCheck::NotCheckable(NotCheckable::Unreadable(e)),
    };
    verify_ecdsa(&spki, hash, &message, info.signature.as_bytes())
}

fn curve_of(cert_der: &[u8]) -> Option<crate::pki::Curve> {
    let c = x509_cert::Certificate::from_der(cert_der).ok()?;
    let oid = c
        .tbs_certificate()
        .subject_public_key_info()
        .algorithm
        .parameters
        .as_ref()?
        .decode_as::<ObjectIdentifier>()
        .ok()?;
    crate::pki::Curve::from_oid(&oid)
}

/// A minimal element tree.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn get(&self, names: &[&str]) -> Option<String> {
        if let Some((_, v)) = self
            .attrs
            .iter()
            .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
        {
            return Some(v.clone());
        }
        self.children
            .iter()
            .find(|c| is(&c.name, names))
            .map(|c| c.text.trim().to_string())
    }
}

fn is(name: &str, names: &[&str]) -> bool {
    names.iter().any(|n| name.eq_ignore_ascii_case(n))
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

fn tree(xml: &str) -> Result<Node, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let ev = reader.read_event().map_err(|e| format!("XML: {e}"))?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let mut node = Node {
                    name: local(e.name().as_ref()),
                    ..Node::default()
                };
                for a in e.attributes().flatten() {
                    let key = local(a.key.as_ref());
                    if a.key.as_ref().starts_with(b"xmlns") {
                        continue;
                    }
                    let v = a
                        .unescape_value()
                        .map(|v| v.into_owned())
                        .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                    node.attrs.push((key, v));
                }
                if empty {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(node);
                    }
                } else {
                    stack.push(node);
                }
            }
            Event::Text(t) => {
                let s = t
                    .decode()
                    .map(|s| s.into_owned())
                    .unwrap_or_else(|_| String::from_utf8_lossy(&t).into_owned());
                if let Some(top) = stack.last_mut() {
                    top.text += &s;
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text += &String::from_utf8_lossy(&t);
                }
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err("XML: unbalanced end tag".to_string());
                }
                if let Some(node) = stack.pop() {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(node);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("XML: unclosed element".to_string());
    }
    stack
        .pop()
        .and_then(|mut root| root.children.pop())
        .ok_or_else(|| "XML: no root element".to_string())
}

const ID: &[&str] = &["id", "Id", "ID", "number", "Number", "index", "Index"];

/// Reads the DKE XML into a [`TariffProfile`]; unknown parts kept verbatim.
pub fn parse_xml(xml: &str) -> Result<TariffProfile, String> {
    let root = tree(xml)?;
    let mut p = TariffProfile::default();
    walk(&root, &root.name, &mut p);
    Ok(p)
}

fn raw(node: &Node, path: &str, p: &mut TariffProfile) {
    let mut text = node.text.trim().to_string();
    for (k, v) in &node.attrs {
        if !text.is_empty() {
            text.push(' ');
        }
        text += &format!("{k}={v}");
    }
    if !text.is_empty() {
        p.unknown.push(RawItem {
            path: path.to_string(),
            text,
        });
    }
    for c in &node.children {
        raw(c, &format!("{path}/{}", c.name), p);
    }
}

fn walk(node: &Node, path: &str, p: &mut TariffProfile) {
    for c in &node.children {
        let cpath = format!("{path}/{}", c.name);
        let text = || Some(c.text.trim().to_string()).filter(|t| !t.is_empty());
        if is(&c.name, &["TAFNumber", "TAF", "TafNo"]) {
            p.taf = text();
        } else if is(&c.name, &["UsagePointId", "UsagePoint"]) {
            p.usage_point_id = text();
        } else if is(&c.name, &["MeteringPointId", "MeteringPoint", "Zaehlpunkt"]) {
            p.metering_point_id = text();
        } else if is(
            &c.name,
            &["ValidFrom", "GueltigAb", "StartTime", "ValidityStart"],
        ) {
            p.valid_from = text();
        } else if is(
            &c.name,
            &[
                "ValidTo",
                "ValidUntil",
                "GueltigBis",
                "EndTime",
                "ValidityEnd",
            ],
        ) {
            p.valid_to = text();
        } else if is(
            &c.name,
            &["TariffStages", "Tarifstufen", "DayProfiles", "Tagesprofile"],
        ) {
            walk(c, &cpath, p);
        } else if is(&c.name, &["TariffStage", "Tarifstufe"]) {
            p.stages.push(TariffStage {
                id: c.get(ID).unwrap_or_default(),
                name: c.get(&["name", "Name", "Bezeichnung"]),
                register: c.get(&["register", "Register", "obis", "OBIS"]),
            });
        } else if is(&c.name, &["DayProfile", "Tagesprofil"]) {
            let switches = c
                .children
                .iter()
                .filter(|s| is(&s.name, &["SwitchingTime", "SwitchPoint", "Schaltzeit"]))
                .map(|s| SwitchPoint {
                    time: s
                        .get(&["time", "Time", "start", "Uhrzeit"])
                        .unwrap_or_else(|| s.text.trim().to_string()),
                    stage: s
                        .get(&["stage", "Stage", "TariffStage", "tariff", "Tarifstufe"])
                        .unwrap_or_default(),
                })
                .collect();
            p.day_profiles.push(DayProfile {
                id: c.get(ID).unwrap_or_default(),
                switches,
            });
            for other in c
                .children
                .iter()
                .filter(|s| !is(&s.name, &["SwitchingTime", "SwitchPoint", "Schaltzeit"]))
                .filter(|s| !is(&s.name, ID))
            {
                raw(other, &format!("{cpath}/{}", other.name), p);
            }
        } else {
            raw(c, &cpath, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::testutil::{make_cert, Key};
    use crate::pki::Curve;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><TAFProfile xmlns="urn:dke:taf-profile"><TAFNumber>2</TAFNumber><ValidFrom>2026-01-01T00:00:00+01:00</ValidFrom><TariffStages><TariffStage id="1" name="HT" register="0100010801ff"/><TariffStage id="2" name="NT" register="0100010802ff"/></TariffStages><DayProfiles><DayProfile id="1"><SwitchingTime time="06:00" stage="1"/><SwitchingTime time="22:00" stage="2"/></DayProfile></DayProfiles><Vendor x="y">Foo</Vendor></TAFProfile>"#;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        let n = content.len();
        if n < 0x80 {
            v.push(n as u8);
        } else {
            let b: Vec<u8> = n
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            v.push(0x80 | b.len() as u8);
            v.extend(b);
        }
        v.extend_from_slice(content);
        v
    }

    /// SignedData without signed attributes, signer by subject key id.
    fn container(xml: &[u8], sig: &[u8]) -> Vec<u8> {
        let oid = |o: &str| ObjectIdentifier::new_unwrap(o).to_der().unwrap();
        let sha256 = tlv(0x30, &oid("2.16.840.1.101.3.4.2.1"));
        let econtent = tlv(
            0x30,
            &[oid("1.2.840.113549.1.7.1"), tlv(0xa0, &tlv(0x04, xml))].concat(),
        );
        let signer = tlv(
            0x30,
            &[
                tlv(0x02, &[3]),
                tlv(0x80, &[1, 2, 3, 4]),
                sha256.clone(),
                tlv(0x30, &oid("1.2.840.10045.4.3.2")),
                tlv(0x04, sig),
            ]
            .concat(),
        );
        let sd = tlv(
            0x30,
            &[
                tlv(0x02, &[3]),
                tlv(0x31, &sha256),
                econtent,
                tlv(0x31, &signer),
            ]
            .concat(),
        );
        tlv(
            0x30,
            &[oid("1.2.840.113549.1.7.2"), tlv(0xa0, &sd)].concat(),
        )
    }

    /// SignedData with signed attributes (content type, message digest).
    fn container_with_attrs(xml: &[u8], signed_xml: &[u8], key: &Key) -> Vec<u8> {
        let oid = |o: &str| ObjectIdentifier::new_unwrap(o).to_der().unwrap();
        let ct = tlv(
            0x30,
            &[
                oid("1.2.840.113549.1.9.3"),
                tlv(0x31, &oid("1.2.840.113549.1.7.1")),
            ]
            .concat(),
        );
        let md = tlv(
            0x30,
            &[
                oid("1.2.840.113549.1.9.4"),
                tlv(0x31, &tlv(0x04, &HashAlg::Sha256.digest(signed_xml))),
            ]
            .concat(),
        );
        let attrs = [ct, md].concat();
        let sig = key.sign(HashAlg::Sha256, &tlv(0x31, &attrs));
        let sha256 = tlv(0x30, &oid("2.16.840.1.101.3.4.2.1"));
        let econtent = tlv(
            0x30,
            &[oid("1.2.840.113549.1.7.1"), tlv(0xa0, &tlv(0x04, xml))].concat(),
        );
        let signer = tlv(
            0x30,
            &[
                tlv(0x02, &[3]),
                tlv(0x80, &[1, 2, 3, 4]),
                sha256.clone(),
                tlv(0xa0, &attrs),
                tlv(0x30, &oid("1.2.840.10045.4.3.2")),
                tlv(0x04, &sig),
            ]
            .concat(),
        );
        let sd = tlv(
            0x30,
            &[
                tlv(0x02, &[3]),
                tlv(0x31, &sha256),
                econtent,
                tlv(0x31, &signer),
            ]
            .concat(),
        );
        tlv(
            0x30,
            &[oid("1.2.840.113549.1.7.2"), tlv(0xa0, &sd)].concat(),
        )
    }

    #[test]
    fn signed_attributes_are_checked() {
        let key = Key::new(Curve::BrainpoolP256r1, 13);
        let der = container_with_attrs(XML.as_bytes(), XML.as_bytes(), &key);
        let t = read_taf_profile(&der, Some(&seal(&key)));
        assert!(t.signature.is_valid(), "{:?}", t.signature);
        // Content changed after signing: the message digest no longer matches.
        let der = container_with_attrs(b"<a/>", XML.as_bytes(), &key);
        let t = read_taf_profile(&der, Some(&seal(&key)));
        assert!(
            matches!(t.signature, SignatureCheck::Invalid { .. }),
            "{:?}",
            t.signature
        );
    }

    fn seal(key: &Key) -> Vec<u8> {
        make_cert(
            "CN=seal",
            key,
            "CN=ca",
            key,
            HashAlg::Sha256,
            "2024-01-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        )
    }

    #[test]
    fn decodes_and_verifies_on_brainpool_and_nist() {
        for curve in [Curve::BrainpoolP256r1, Curve::P256] {
            let key = Key::new(curve, 11);
            let sig = key.sign(HashAlg::Sha256, XML.as_bytes());
            let der = container(XML.as_bytes(), &sig);
            let t = read_taf_profile(&der, Some(&seal(&key)));
            assert!(t.signature.is_valid(), "{:?} {:?}", t.signature, t.error);
            let p = t.profile.clone().unwrap();
            assert_eq!(p.taf.as_deref(), Some("2"));
            assert_eq!(p.stages.len(), 2);
            assert_eq!(p.stages[1].name.as_deref(), Some("NT"));
            assert_eq!(p.day_profiles[0].switches[1].time, "22:00");
            assert_eq!(p.day_profiles[0].switches[1].stage, "2");
            assert_eq!(p.unknown[0].path, "TAFProfile/Vendor");
            assert_eq!(p.unknown[0].text, "Foo x=y");
            assert!(t.describe(Lang::En).contains("signature valid"));
        }
    }

    #[test]
    fn tampered_content_or_other_key_is_invalid() {
        let key = Key::new(Curve::P256, 11);
        let sig = key.sign(HashAlg::Sha256, XML.as_bytes());
        let tampered = XML.replace("22:00", "23:00");
        let t = read_taf_profile(&container(tampered.as_bytes(), &sig), Some(&seal(&key)));
        assert!(matches!(t.signature, SignatureCheck::Invalid { .. }));
        let other = Key::new(Curve::P256, 12);
        let t = read_taf_profile(&container(XML.as_bytes(), &sig), Some(&seal(&other)));
        assert!(matches!(t.signature, SignatureCheck::Invalid { .. }));
        let t = read_taf_profile(&container(XML.as_bytes(), &sig), None);
        assert!(matches!(t.signature, SignatureCheck::NotCheckable(_)));
        assert!(t.profile.is_some());
    }

    #[test]
    fn garbage_is_reported_not_panicked() {
        let t = read_taf_profile(&[0x30, 0x82], None);
        assert!(t.error.is_some() && t.profile.is_none());
        let key = Key::new(Curve::P256, 11);
        let t = read_taf_profile(&container(b"not xml <", &[0x30, 0]), Some(&seal(&key)));
        assert!(t.xml.is_some());
        assert!(!t.signature.is_valid());
    }
}
