//! The outcome of a recomputation, serialised as a stable JSON document.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use smgw_model::Obis;

use crate::checksum::Checksums;
use crate::input::UseCase;

/// An amount booked to one register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    /// Register id (`1-0:1.8.1*255`; E = 63 for the error register).
    #[serde(with = "smgw_model::obis::serde_display")]
    pub obis: Obis,
    /// Tariff number of the stage; `null` for an error register.
    pub tariff: Option<u16>,
    /// Amount in raw register units (before the scaler).
    pub amount: i64,
}

/// A stretch of time within one day booked to one register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// Time of the value the range starts with (local time).
    pub start: DateTime<FixedOffset>,
    /// Time of the value the range ends with (local time; may lie in a later day for an
    /// error range across a gap).
    pub end: DateTime<FixedOffset>,
    /// Register the amount is booked to.
    #[serde(with = "smgw_model::obis::serde_display")]
    pub obis: Obis,
    /// Tariff number; `null` for an error range.
    pub tariff: Option<u16>,
    /// Value at `end` minus value at `start`, raw units.
    pub amount: i64,
    /// Whether the consumption could not be assigned to a tariff (booked to E = 63).
    pub is_error: bool,
}

/// The ranges of one local calendar day and the day's sums per register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// Local date (Europe/Berlin).
    pub date: NaiveDate,
    /// Ranges that start on this day, in time order (per value list).
    pub ranges: Vec<Range>,
    /// Sum per register of this day's ranges, in register order.
    pub totals: Vec<Register>,
}

/// The part of one value list that was billed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// OBIS id of the original value list.
    #[serde(with = "smgw_model::obis::serde_display")]
    pub obis: Obis,
    /// Meter id.
    pub meter_id: String,
    /// Time of the first value used.
    pub start: DateTime<FixedOffset>,
    /// Time of the last value used.
    pub end: DateTime<FixedOffset>,
    /// First value used (raw units).
    pub start_value: i64,
    /// Last value used (raw units).
    pub end_value: i64,
    /// `end_value − start_value`.
    pub amount: i64,
    /// Power of ten of the list's raw values (TRuDI's files: −1, i.e. 0.1 Wh).
    pub scaler: i8,
    /// Unit of the scaled values, e.g. "Wh".
    pub unit: String,
}

/// Energy of one quantity over the whole period, whatever the tariff (e.g. 1.8.0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    /// OBIS id with E = 0, e.g. `1-0:1.8.0*255`.
    #[serde(with = "smgw_model::obis::serde_display")]
    pub obis: Obis,
    /// Sum of all sections of that quantity, raw units.
    pub amount: i64,
}

/// Result of the transparency function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Use case that was computed.
    pub use_case: UseCase,
    /// The supplier's tariff id.
    pub tariff_id: String,
    /// Start of the evaluated period (TAF-1: billing start; TAF-2: first value used).
    pub begin: DateTime<FixedOffset>,
    /// End of the evaluated period (TAF-1: billing end; TAF-2: last value used).
    pub end: DateTime<FixedOffset>,
    /// One entry per tariff stage in the supplier's order, then (TAF-2) one error register
    /// per quantity of the value lists.
    pub registers: Vec<Register>,
    /// TAF-2: the day-by-day breakdown; empty for TAF-1.
    pub days: Vec<Day>,
    /// Totals per quantity (1.8.0, 2.8.0, …).
    pub totals: Vec<Total>,
    /// Per value list: which values were used.
    pub sections: Vec<Section>,
    /// Consumption booked to no register: value lists no tariff stage books (e.g. export
    /// under an import-only tariff) and (TAF-2) days the special-day calendar does not
    /// cover. Registers plus these equal the totals.
    pub unbilled: Vec<Range>,
    /// Checksums of the supplier file.
    pub checksums: Checksums,
}

impl Evaluation {
    /// The register with this id, if any.
    pub fn register(&self, obis: Obis) -> Option<&Register> {
        self.registers.iter().find(|r| r.obis == obis)
    }

    /// Amount of the register with this id (0 if the tariff has no such register).
    pub fn amount(&self, obis: Obis) -> i64 {
        self.register(obis).map_or(0, |r| r.amount)
    }

    /// The result as a pretty-printed JSON document.
    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings and integers into a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
