//! The JSON export: one document with the gateway, contracts, value lists and logbook.
//!
//! Values keep their exact form (`{"raw": "171165808", "scaler": -4}`, the raw value as a
//! string because JavaScript loses digits above 2⁵³); times are UTC in RFC 3339. The shape
//! is described in `FORMATS.md`; [`FORMAT_VERSION`] changes whenever it changes
//! incompatibly.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use smgw_model::{GatewayInfo, LogEntry};

use crate::set::{ContractExport, ExportSet};

/// Version of the JSON document shape written by [`write_json`].
pub const FORMAT_VERSION: u32 = 1;

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
    /// Contracts with details and value lists.
    pub contracts: Vec<ContractExport>,
    /// The consumer logbook.
    pub log: Vec<LogEntry>,
    /// The raw responses of the set, by name, size and SHA-256 (the bytes themselves are
    /// files of their own in the bundle).
    pub raw_responses: Vec<RawResponseRef>,
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
            contracts: set.contracts.clone(),
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
