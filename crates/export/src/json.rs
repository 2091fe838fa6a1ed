//! The JSON export: one document with the gateway, contracts, value lists and logbook.
//!
//! Values keep their exact form (`{"raw": "171165808", "scaler": -4}`, the raw value as a
//! string because JavaScript loses digits above 2⁵³); times are UTC in RFC 3339. The shape
//! is described in `FORMATS.md`; [`FORMAT_VERSION`] changes whenever it changes
//! incompatibly.
//!
//! Beside the records as received, version 2 carries what this program reads from them:
//! per value the PTB status and the named status bits (as the CSV's last column), a note
//! on the value's signature (present, not checkable here: never a verdict), and per
//! contract the decoded tariff profile with its signature check.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use smgw_model::pki::reading_signature_text;
use smgw_model::records::{Certificate, CertificateKind};
use smgw_model::status::NotIdentified;
use smgw_model::{
    Channel, Contract, ContractDetail, Database, GatewayInfo, Lang, LogEntry, Reading, StatusWords,
    TafProfile,
};

use crate::set::{ContractExport, ExportSet, ValueList};

/// Version of the JSON document shape written by [`write_json`]. Version 2 (this one)
/// added the per-value `ptb_status`, `status_bits` and `signature_note` and the
/// per-contract `tariff_profile`; documents of version 1 still read (those fields are then
/// empty).
pub const FORMAT_VERSION: u32 = 2;

/// Name and version of this program, as written into exports.
pub const GENERATOR: &str = concat!("Durchblick export ", env!("CARGO_PKG_VERSION"));

/// The JSON export document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonDocument {
    /// Shape version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// The program that wrote the document.
    pub generator: String,
    /// When the export was made.
    pub created: DateTime<Utc>,
    /// The gateway and its certificates.
    pub gateway: GatewayInfo,
    /// The consumer's id in the gateway, if known.
    pub customer_id: Option<String>,
    /// Contracts with details, the decoded tariff profile and value lists.
    pub contracts: Vec<JsonContract>,
    /// The consumer logbook.
    pub log: Vec<LogEntry>,
    /// The raw responses of the set, by name, size and SHA-256 (the bytes themselves are
    /// files of their own in the bundle).
    pub raw_responses: Vec<RawResponseRef>,
}

/// A text in both languages of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    /// German.
    pub de: String,
    /// English.
    pub en: String,
}

impl Texts {
    fn of(text: impl Fn(Lang) -> String) -> Texts {
        Texts {
            de: text(Lang::De),
            en: text(Lang::En),
        }
    }
}

/// One contract in the JSON document: the records as received plus the reading of its
/// tariff profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonContract {
    /// The contract (`user-info`).
    pub contract: Contract,
    /// Its details (`usage-point-info`) as received, the tariff profile as hex bytes.
    pub detail: Option<ContractDetail>,
    /// The tariff profile of `detail` decoded, with its signature check; `null` without
    /// a profile (and in documents of version 1).
    #[serde(default)]
    pub tariff_profile: Option<TariffProfileExport>,
    /// Its readings, one entry per value list and channel.
    pub value_lists: Vec<JsonValueList>,
}

impl JsonContract {
    /// The records as received (without what this program read from them).
    pub fn records(&self) -> ContractExport {
        ContractExport {
            contract: self.contract.clone(),
            detail: self.detail.clone(),
            value_lists: self
                .value_lists
                .iter()
                .map(|v| ValueList {
                    database: v.database.clone(),
                    channel_name: v.channel_name.clone(),
                    channel: v.channel,
                    readings: v.readings.iter().map(|r| r.reading.clone()).collect(),
                })
                .collect(),
        }
    }
}

/// The decoded tariff profile of a contract ([`smgw_model::read_taf_profile`]): what is
/// understood of it, everything else verbatim (`profile.unknown`), the signed content as
/// text and the signature check against the gateway's seal certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffProfileExport {
    /// The decoding, as `smgw_model` gives it.
    #[serde(flatten)]
    pub decoded: TafProfile,
    /// The signature check in words.
    pub signature_text: Texts,
}

/// Decodes a contract's tariff profile (DER bytes of the CMS container) and checks its
/// signature against the seal certificate (signature certificate with index 0) among
/// `certificates`. An archive keeps every certificate a gateway ever reported, so several
/// may qualify: the profile's signature is valid if one of them verifies it; otherwise the
/// result against the last one reported is given. Without a seal certificate the
/// signature is "not checkable", never valid.
pub fn decode_tariff_profile(der: &[u8], certificates: &[Certificate]) -> TafProfile {
    let seals: Vec<&Certificate> = certificates
        .iter()
        .filter(|c| c.kind == CertificateKind::Signature && c.index == Some(0))
        .collect();
    let mut last = None;
    for seal in &seals {
        let decoded = smgw_model::read_taf_profile(der, Some(&seal.der));
        if decoded.signature.is_valid() {
            return decoded;
        }
        last = Some(decoded);
    }
    last.unwrap_or_else(|| smgw_model::read_taf_profile(der, None))
}

impl TariffProfileExport {
    /// The decoding of a contract's profile, `None` without one.
    pub fn of(detail: Option<&ContractDetail>, certificates: &[Certificate]) -> Option<Self> {
        let der = detail?.taf_profile.as_deref()?;
        let decoded = decode_tariff_profile(der, certificates);
        Some(TariffProfileExport {
            signature_text: Texts::of(|l| decoded.signature.text(l)),
            decoded,
        })
    }
}

/// The readings of one channel of one value list, with what this program reads from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonValueList {
    /// The value list (`origin`, `derived`, …).
    pub database: Database,
    /// The channel name as the gateway sent it.
    pub channel_name: String,
    /// OBIS id, unit and scaler of the channel.
    pub channel: Channel,
    /// The readings, in the order they were received.
    pub readings: Vec<JsonReading>,
}

/// Which status word a bit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusWordKind {
    /// The gateway's word (`smgw-status`, first half of `cosem-status`).
    Gateway,
    /// The meter's word (`meter-status`, second half of `cosem-status`).
    Meter,
}

/// A set bit of a status word in words, or a word that is not read because it lacks its
/// identification bits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusBitExport {
    /// The word.
    pub word: StatusWordKind,
    /// The bit number (`1 << bit` of the word after bit reversal, as in
    /// `status-words.md`); `null` for a word that is not identified.
    pub bit: Option<u32>,
    /// A stable key: the bit's name (`ptb-temporary-error`, `manipulation`, …),
    /// `unnamed` for a set bit the table does not name, `not-identified` for a word
    /// without its identification bits (its bits are then not interpreted).
    pub key: String,
    /// The same in words.
    pub text: Texts,
}

/// One value as received, with its PTB status, status bits and signature note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonReading {
    /// The value exactly as received (status words and signature verbatim).
    #[serde(flatten)]
    pub reading: Reading,
    /// The PTB status (0–4) by the FNN table; `null` without a gateway word or when a word
    /// lacks its identification bits (never guessed).
    #[serde(default)]
    pub ptb_status: Option<u8>,
    /// The set bits of both status words, gateway word first, in bit order; empty when no
    /// bit but the identification is set.
    #[serde(default)]
    pub status_bits: Vec<StatusBitExport>,
    /// Beside a signature: that it is present and cannot be checked by this program (a
    /// statement of presence, not a verdict); `null` without a signature.
    #[serde(default)]
    pub signature_note: Option<Texts>,
}

fn unnamed_text(n: u32, word: StatusWordKind, lang: Lang) -> String {
    let word = match word {
        StatusWordKind::Gateway => lang.pick("Gateway", "gateway"),
        StatusWordKind::Meter => lang.pick("Zähler", "meter"),
    };
    format!(
        "{} {n} ({word})",
        lang.pick("unbenanntes Bit", "unnamed bit")
    )
}

fn key_of<T: Serialize>(bit: T) -> String {
    match serde_json::to_value(bit) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unnamed".to_owned(),
    }
}

/// The set bits of `words` as [`StatusBitExport`]s: the same entries, in the same order,
/// as `smgw_model::StatusWords::texts` (the CSV's `status_bits`).
pub fn status_bits(words: StatusWords) -> Vec<StatusBitExport> {
    let mut out = Vec::new();
    let g = words.gateway;
    if g.is_identified() {
        for b in g.set_bits() {
            out.push(StatusBitExport {
                word: StatusWordKind::Gateway,
                bit: Some(b.position()),
                key: key_of(b),
                text: Texts::of(|l| b.text(l).to_owned()),
            });
        }
        out.extend(unnamed_bits(g.unknown_bits(), StatusWordKind::Gateway));
    } else {
        let n = NotIdentified {
            gateway: Some(g),
            meter: None,
        };
        out.push(StatusBitExport {
            word: StatusWordKind::Gateway,
            bit: None,
            key: "not-identified".to_owned(),
            text: Texts::of(|l| n.text(l)),
        });
    }
    if let Some(m) = words.meter {
        if m.is_identified() {
            for b in m.set_bits() {
                out.push(StatusBitExport {
                    word: StatusWordKind::Meter,
                    bit: Some(b.position()),
                    key: key_of(b),
                    text: Texts::of(|l| b.text(l).to_owned()),
                });
            }
            out.extend(unnamed_bits(m.unknown_bits(), StatusWordKind::Meter));
        } else {
            let n = NotIdentified {
                gateway: None,
                meter: Some(m),
            };
            out.push(StatusBitExport {
                word: StatusWordKind::Meter,
                bit: None,
                key: "not-identified".to_owned(),
                text: Texts::of(|l| n.text(l)),
            });
        }
    }
    out
}

fn unnamed_bits(bits: u32, word: StatusWordKind) -> impl Iterator<Item = StatusBitExport> {
    (0..32u32)
        .filter(move |n| bits & (1 << n) != 0)
        .map(move |n| StatusBitExport {
            word,
            bit: Some(n),
            key: "unnamed".to_owned(),
            text: Texts::of(|l| unnamed_text(n, word, l)),
        })
}

impl JsonReading {
    /// The value with what this program reads from it.
    pub fn of(reading: &Reading) -> JsonReading {
        JsonReading {
            ptb_status: reading.ptb().map(|p| p.code()),
            status_bits: reading.status_words().map(status_bits).unwrap_or_default(),
            signature_note: reading
                .signature
                .as_ref()
                .map(|_| Texts::of(|l| reading_signature_text(true, l).to_owned())),
            reading: reading.clone(),
        }
    }
}

impl JsonContract {
    /// The contract with the reading of its tariff profile and of every value.
    pub fn of(c: &ContractExport, certificates: &[Certificate]) -> JsonContract {
        JsonContract {
            contract: c.contract.clone(),
            detail: c.detail.clone(),
            tariff_profile: TariffProfileExport::of(c.detail.as_ref(), certificates),
            value_lists: c
                .value_lists
                .iter()
                .map(|v| JsonValueList {
                    database: v.database.clone(),
                    channel_name: v.channel_name.clone(),
                    channel: v.channel,
                    readings: v.readings.iter().map(JsonReading::of).collect(),
                })
                .collect(),
        }
    }
}

/// A raw response named in the JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawResponseRef {
    /// The name given in the set.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

/// Why a JSON export could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// Reading, writing or (de)serialising failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The document was written by a newer version of this format.
    #[error("JSON export has format_version {found}; this program reads up to {supported}")]
    UnsupportedVersion {
        /// The version in the document.
        found: u32,
        /// The newest version this program reads.
        supported: u32,
    },
}

impl JsonDocument {
    /// The document for a set.
    pub fn from_set(set: &ExportSet) -> JsonDocument {
        JsonDocument {
            format_version: FORMAT_VERSION,
            generator: GENERATOR.to_string(),
            created: set.created,
            gateway: set.gateway.clone(),
            customer_id: set.customer_id.clone(),
            contracts: set
                .contracts
                .iter()
                .map(|c| JsonContract::of(c, &set.gateway.certificates))
                .collect(),
            log: set.log.clone(),
            raw_responses: set
                .raw_responses
                .iter()
                .map(|r| RawResponseRef {
                    name: r.name.clone(),
                    size: r.bytes.len() as u64,
                    sha256: hex::encode(Sha256::digest(&r.bytes)),
                })
                .collect(),
        }
    }
}

/// Writes the set as a pretty-printed JSON document.
pub fn write_json(set: &ExportSet, out: impl Write) -> Result<(), JsonError> {
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &JsonDocument::from_set(set))?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    out.flush().map_err(serde_json::Error::io)?;
    Ok(())
}

/// Reads a JSON export back; refuses documents of a newer [`FORMAT_VERSION`].
pub fn read_json(input: impl Read) -> Result<JsonDocument, JsonError> {
    let doc: JsonDocument = serde_json::from_reader(std::io::BufReader::new(input))?;
    if doc.format_version > FORMAT_VERSION {
        return Err(JsonError::UnsupportedVersion {
            found: doc.format_version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(doc)
}
