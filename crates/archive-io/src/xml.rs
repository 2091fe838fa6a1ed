//! AR 2418-6 documents of export sets, and the value list a `MeterReading` belongs to.
//!
//! AR 2418-6 has no element for the gateway's value list (`origin`, `derived`, …). TRuDI
//! writes `meterReadingId` as `<OBIS>.<meter id>.<suffix>`; our exports put the value list
//! in the suffix (`export::to_usage_points`), so that importing our own file puts every
//! channel back into its list. Files of other programs fall back to the
//! original-value-list rule of the AR.

use std::io::Write;

use ar2418::MeterReading;
use export::ExportSet;
use smgw_model::Database;

/// The value lists this crate writes into and recognises in `meterReadingId`.
const KNOWN: [Database; 4] = [
    Database::Origin,
    Database::Derived,
    Database::Calculated,
    Database::Daily,
];

/// The AR 2418-6 document of a set; `export::to_usage_points` names each channel's value
/// list in its `meterReadingId` (`<qualifiedLogicalName without .sm>.<value list>`).
pub fn usage_points(set: &ExportSet) -> Result<ar2418::UsagePoints, export::ar::ArError> {
    export::to_usage_points(set)
}

/// Writes the AR 2418-6 document of a set (see [`usage_points`]).
pub fn write_xml(set: &ExportSet, out: impl Write) -> Result<(), WriteXmlError> {
    let doc = usage_points(set)?;
    ar2418::write(&doc, out).map_err(WriteXmlError::Io)
}

/// Why an AR 2418-6 file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteXmlError {
    /// The set holds values AR 2418-6 cannot carry exactly.
    #[error("AR 2418-6: {0}")]
    Ar(#[from] export::ar::ArError),
    /// Writing failed.
    #[error("writing failed: {0}")]
    Io(std::io::Error),
}

/// The value list a `MeterReading` belongs to: the suffix of `meterReadingId` if it names
/// one (our files), else `origin` for an original value list and `derived` otherwise.
pub fn database_of(mr: &MeterReading) -> Database {
    let named = mr
        .meter_reading_id
        .as_deref()
        .and_then(|id| id.trim().rsplit('.').next())
        .map(Database::from_wire)
        .filter(|d| KNOWN.contains(d));
    named.unwrap_or(if mr.is_original_value_list() {
        Database::Origin
    } else {
        Database::Derived
    })
}
