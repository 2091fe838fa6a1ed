//! Exports of everything a Smart Meter Gateway holds about the consumer.
//!
//! * [`csv`]: value lists and logbook as CSV, German (`;`, decimal comma, local time) and
//!   international (`,`, decimal point, ISO 8601 with offset);
//! * [`json`]: the same data as one JSON document with a `format_version`;
//! * [`chart`]: SVG charts (load curve, daily/monthly consumption, import vs. export), pure
//!   functions shared by the app and the exports;
//! * [`ar`]: the [`ExportSet`] as an AR 2418-6 document (TRuDI's format);
//! * [`bundle`]: the decommissioning bundle, a directory with all of the above, raw
//!   responses, a summary `index.html` and checksums, and its verification.
//!
//! The input is an [`ExportSet`] of domain records; where it comes from (the archive, a
//! live pull) is the caller's business. `FORMATS.md` beside this crate documents the CSV
//! columns and the JSON shape.

#![warn(missing_docs)]

pub mod ar;
pub mod bundle;
pub mod chart;
pub mod csv;
pub mod files;
mod html;
pub mod json;
mod set;
pub mod zip;

pub use ar::to_usage_points;
pub use bundle::{verify_bundle, write_bundle, BundleError, Manifest, ManifestFile, VerifyReport};
pub use chart::{
    consumption_periods, daily_bars_svg, import_export_svg, load_curve_svg, lttb, monthly_bars_svg,
    BarPeriod, ChartError, ChartOptions, PeriodSum,
};
pub use csv::{write_log_csv, write_values_csv, CsvVariant};
pub use json::{
    decode_tariff_profile, read_json, status_bits, write_json, JsonContract, JsonDocument,
    JsonReading, JsonValueList, StatusBitExport, StatusWordKind, TariffProfileExport, Texts,
    FORMAT_VERSION,
};
pub use set::{ContractExport, ExportSet, RawResponse, ValueList};
pub use zip::zip_bundle;
