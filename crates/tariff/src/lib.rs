//! The transparency function: recompute how much energy fell into each tariff stage of a
//! supplier's TAF-1 or TAF-2 tariff from the gateway's original value lists, so the
//! consumer can check the bill. Pure computation, no IO.
//!
//! The inputs ([`TariffProfile`], [`MeterSeries`]) do not depend on any file format;
//! [`from_ar2418`] builds them from AR 2418-6 documents. [`evaluate`] dispatches on the
//! profile's use case and returns an [`Evaluation`] that serialises to a stable JSON
//! document. See the crate's README for the rules.

mod calendar;
pub mod checksum;
mod common;
pub mod error;
pub mod from_ar2418;
pub mod input;
pub mod obis;
pub mod result;
pub mod taf1;
pub mod taf2;

pub use checksum::Checksums;
pub use error::TariffError;
pub use input::{
    DayProfile, MeterSeries, Reading, SpecialDay, SwitchPoint, TariffProfile, TariffStage, UseCase,
};
pub use obis::Obis;
pub use result::{Day, Evaluation, Range, Register, Section, Total};

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
