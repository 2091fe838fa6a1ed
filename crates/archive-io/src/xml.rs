//! AR 2418-6 documents of export sets, with the value list named in `meterReadingId`.
//!
//! AR 2418-6 has no element for the gateway's value list (`origin`, `derived`, …). TRuDI
//! writes `meterReadingId` as `<OBIS>.<meter id>.<suffix>`; we put the value list in the
//! suffix, so that importing our own file puts every channel back into its list. Files of
//! other programs fall back to the original-value-list rule of the AR.

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

/// The AR 2418-6 document of a set (`export::to_usage_points`), with each `meterReadingId`
/// set to `<qualifiedLogicalName without .sm>.<value list>`.
pub fn usage_points(set: &ExportSet) -> Result<ar2418::UsagePoints, export::ar::ArError> {
    let mut doc = export::to_usage_points(set)?;
    for (up, c) in doc.usage_points.iter_mut().zip(&set.contracts) {
        for (mr, vl) in up.meter_readings.iter_mut().zip(&c.value_lists) {
            let base = vl
                .channel_name
                .strip_suffix(".sm")
                .unwrap_or(&vl.channel_name);
            mr.meter_reading_id = Some(format!("{base}.{}", vl.database.wire_name()));
        }
    }
    Ok(doc)
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
