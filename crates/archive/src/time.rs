//! Conversions between Rust values and the archive's column encodings.
//!
//! Times are whole seconds since the Unix epoch (UTC); sub-second parts, which the gateway
//! never sends, are dropped.

use chrono::{DateTime, Utc};

use crate::error::{ArchiveError, Result};

pub(crate) fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn opt_secs(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(secs)
}

pub(crate) fn from_secs(s: i64, column: &'static str) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(s, 0).ok_or(ArchiveError::BadColumn { column, value: s })
}

pub(crate) fn opt_from_secs(s: Option<i64>, column: &'static str) -> Result<Option<DateTime<Utc>>> {
    s.map(|s| from_secs(s, column)).transpose()
}

pub(crate) fn opt_u16(v: Option<i64>, column: &'static str) -> Result<Option<u16>> {
    v.map(|v| u16::try_from(v).map_err(|_| ArchiveError::BadColumn { column, value: v }))
        .transpose()
}

pub(crate) fn opt_u32(v: Option<i64>, column: &'static str) -> Result<Option<u32>> {
    v.map(|v| u32::try_from(v).map_err(|_| ArchiveError::BadColumn { column, value: v }))
        .transpose()
}

pub(crate) fn to_u64(v: i64, column: &'static str) -> Result<u64> {
    u64::try_from(v).map_err(|_| ArchiveError::BadColumn { column, value: v })
}

pub(crate) fn to_i8(v: i64, column: &'static str) -> Result<i8> {
    i8::try_from(v).map_err(|_| ArchiveError::BadColumn { column, value: v })
}

pub(crate) fn to_u8(v: i64, column: &'static str) -> Result<u8> {
    u8::try_from(v).map_err(|_| ArchiveError::BadColumn { column, value: v })
}

/// Log indexes and counts are `u64` on the wire but SQLite integers are signed.
pub(crate) fn index_to_i64(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| ArchiveError::ValueOutOfRange(i128::from(v)))
}
