//! The transparency function: recompute how much energy fell into each tariff stage of a
//! supplier's TAF-1 or TAF-2 tariff from the gateway's original value lists, so the
//! consumer can check the bill. Pure computation, no IO.
//!
//! The inputs ([`TariffProfile`], [`MeterSeries`]) do not depend on any file format;
//! [`from_ar2418`] builds them from AR 2418-6 documents. [`evaluate`] dispatches on the
//! profile's use case and returns an [`Evaluation`] that serialises to a stable JSON
//! document. See the crate's README for the rules.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use tariff::*;
//!
//! // 4 Nov 2017 (CET): tariff 1 until 06:00, tariff 2 until 21:00, then tariff 1 again.
//! let start = Utc.with_ymd_and_hms(2017, 11, 3, 23, 0, 0).unwrap();
//! let end = start + Duration::days(1);
//! let profile = TariffProfile {
//!     use_case: UseCase::Taf2,
//!     tariff_id: "HT/NT".into(),
//!     billing_start: start,
//!     billing_end: end,
//!     stages: vec![
//!         TariffStage { tariff: 1, obis: "1-0:1.8.1*255".parse().unwrap(), description: None },
//!         TariffStage { tariff: 2, obis: "1-0:1.8.2*255".parse().unwrap(), description: None },
//!     ],
//!     default_tariff: 1,
//!     day_profiles: vec![DayProfile::from_triples("1", &[(0, 0, 1), (6, 0, 2), (21, 0, 1)])],
//!     special_days: vec![SpecialDay {
//!         date: chrono::NaiveDate::from_ymd_opt(2017, 11, 4).unwrap(),
//!         day_id: "1".into(),
//!     }],
//!     checksums: Checksums::default(),
//! };
//! // 10 units every quarter hour.
//! let readings = (0..=96)
//!     .map(|i| Reading { time: start + Duration::minutes(15 * i), value: 10 * i, ptb: 0 })
//!     .collect();
//! let list = MeterSeries {
//!     obis: "1-0:1.8.0*255".parse().unwrap(),
//!     meter_id: "1EMH0012345678".into(),
//!     is_original: true,
//!     scaler: -1,
//!     unit: "Wh".into(),
//!     period: Some(900),
//!     readings,
//! };
//! let result = evaluate(&profile, &[list]).unwrap();
//! assert_eq!(result.amount("1-0:1.8.1*255".parse().unwrap()), 360);
//! assert_eq!(result.amount("1-0:1.8.2*255".parse().unwrap()), 600);
//! assert_eq!(result.amount("1-0:1.8.63*255".parse().unwrap()), 0);
//! ```

mod calendar;
pub mod checksum;
mod common;
pub mod error;
pub mod from_ar2418;
pub mod input;
pub mod raster;
pub mod result;
pub mod taf1;
pub mod taf2;

pub use checksum::Checksums;
pub use common::same_quantity;
pub use error::TariffError;
pub use input::{
    DayProfile, MeterSeries, Reading, SpecialDay, SwitchPoint, TariffProfile, TariffStage, UseCase,
};
pub use result::{Day, Evaluation, Range, Register, Section, Total};
pub use smgw_model::Obis;

/// Recomputes the bill: TAF-1 or TAF-2 according to `profile.use_case`.
///
/// `series` are all value lists of the device file; which of them may be used is part of
/// the checks.
pub fn evaluate(
    profile: &TariffProfile,
    series: &[MeterSeries],
) -> Result<Evaluation, TariffError> {
    match profile.use_case {
        UseCase::Taf1 => taf1::evaluate(profile, series),
        UseCase::Taf2 => taf2::evaluate(profile, series),
    }
}
