//! Inputs of the computation, independent of any file format.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use smgw_model::Obis;

use crate::checksum::Checksums;

/// Which tariff use case (TAF, "Tarifanwendungsfall") the supplier's profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UseCase {
    /// TAF-1: one meter reading at the start and one at the end of the billing period.
    Taf1,
    /// TAF-2: time-of-use tariff switched by a day-profile calendar.
    Taf2,
}

impl UseCase {
    /// The number used in `tariffUseCase`.
    pub fn number(self) -> u16 {
        match self {
            UseCase::Taf1 => 1,
            UseCase::Taf2 => 2,
        }
    }
}

/// One tariff stage (register) of the supplier's tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffStage {
    /// Tariff number referenced by day profiles.
    pub tariff: u16,
    /// Register id, e.g. `1-0:1.8.1*255`.
    #[serde(with = "smgw_model::obis::serde_display")]
    pub obis: Obis,
    /// Supplier's name for the stage (e.g. "HT"), if given.
    pub description: Option<String>,
}

/// A point in a day profile from which a tariff applies (local time, Europe/Berlin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchPoint {
    /// Hour 0–23.
    pub hour: u8,
    /// Minute 0–59.
    pub minute: u8,
    /// Tariff number that applies from this time on.
    pub tariff: u16,
}

/// The switching points of one kind of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayProfile {
    /// Id referenced by the special-day calendar.
    pub day_id: String,
    /// Switching points; order does not matter, they are sorted by time.
    pub switches: Vec<SwitchPoint>,
}

impl DayProfile {
    /// A day profile from `(hour, minute, tariff)` switching points, for inputs built by
    /// hand.
    pub fn from_triples(day_id: impl Into<String>, switches: &[(u8, u8, u16)]) -> DayProfile {
        DayProfile {
            day_id: day_id.into(),
            switches: switches
                .iter()
                .map(|&(hour, minute, tariff)| SwitchPoint {
                    hour,
                    minute,
                    tariff,
                })
                .collect(),
        }
    }
}

/// A calendar entry: on `date` (local), the day profile `day_id` applies.
///
/// A date may appear more than once, e.g. once with an import profile and once with an
/// export profile; each value list uses the entry whose tariffs fit its quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    /// Local calendar date.
    pub date: NaiveDate,
    /// Day profile that applies on that date.
    pub day_id: String,
}

/// The supplier's billing profile (AnalysisProfile of IF_Lieferant_TRuDI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffProfile {
    /// TAF-1 or TAF-2.
    pub use_case: UseCase,
    /// Supplier's tariff id.
    pub tariff_id: String,
    /// Start of the billing period.
    pub billing_start: DateTime<Utc>,
    /// End of the billing period (start + duration).
    pub billing_end: DateTime<Utc>,
    /// Tariff stages, in the supplier's order (the order of the result's registers).
    pub stages: Vec<TariffStage>,
    /// TAF-1: with several stages of one quantity, the stage of this tariff gets the amount.
    /// TAF-2 does not use it: dates the calendar does not cover are billed to no register
    /// (see the README, rule 6).
    pub default_tariff: u16,
    /// Day profiles.
    pub day_profiles: Vec<DayProfile>,
    /// The special-day calendar.
    pub special_days: Vec<SpecialDay>,
    /// Checksums of the supplier file the profile came from (empty if built by hand).
    pub checksums: Checksums,
}

/// One value of a meter value list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// The time the value is billed at: its target time, else its capture time moved to
    /// the nearest raster point when within 3 % of the period ([`crate::raster`]). Only
    /// values at raster points of the list's period are used.
    pub time: DateTime<Utc>,
    /// Register value in raw units (before the scaler).
    pub value: i64,
    /// PTB status 0–4; 3 and 4 mean the value must not be used.
    pub ptb: u8,
}

impl Reading {
    /// Whether the value may be billed (PTB status below 3).
    pub fn is_valid(&self) -> bool {
        self.ptb < 3
    }
}

/// A meter value list as read from the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterSeries {
    /// OBIS id of the list, e.g. `1-0:1.8.0*255`.
    #[serde(with = "smgw_model::obis::serde_display")]
    pub obis: Obis,
    /// Meter id the list belongs to.
    pub meter_id: String,
    /// Whether this is an original value list (only those may be used for billing).
    pub is_original: bool,
    /// Power of ten of the raw values (TRuDI's files: −1, i.e. 0.1 Wh).
    pub scaler: i8,
    /// Unit of the scaled values, e.g. "Wh".
    pub unit: String,
    /// The measuring period in seconds (`measurementPeriod`, else detected from the
    /// spacing of the values). Values off its raster count as missing
    /// ([`crate::raster`]); `None` if unknown, then every value is used.
    #[serde(default)]
    pub period: Option<u32>,
    /// The values, in any order.
    pub readings: Vec<Reading>,
}
