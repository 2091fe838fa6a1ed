//! VDE AR 2418-6 XML, the data format of PTB's TRuDI: reader, validator and writer.
//!
//! * [`read_file`] / [`read`] parse a device file (IF_Adapter_TRuDI) or supplier file
//!   (IF_Lieferant_TRuDI) into [`UsagePoints`];
//! * [`validate`] / [`validate_supplier`] check them and return [`Finding`]s;
//! * [`write`] writes a device file back.

mod analysis;
mod der;
mod error;
mod model;
mod reader;
mod source_map;
mod status;
mod validate;
mod writer;

pub use analysis::{
    analyze, daily_status, detect_period, raster_time, reading_times, DayStatus, Gap,
    ValueListAnalysis,
};
pub use error::{Position, ReadError, AR_NS, ESPI_NS};
pub use model::*;
pub use reader::{
    parse_xs_datetime, read, read_file, read_file_with_source_map, read_str, read_with_limits,
    read_with_source_map, Limits,
};
pub use source_map::{MeterReadingLines, SourceMap, UsagePointLines};
pub use validate::{
    has_errors, validate, validate_pair, validate_supplier, Finding, Location, Severity,
};
pub use writer::{to_xml_string, write, write_file, GENERATOR_VERSION};

/// The certificate check on its own, for the fuzz targets (`crates/fuzz-targets`); not
/// part of the API.
#[doc(hidden)]
pub mod fuzzing {
    /// `certContent` checked as the validator does: the number of certificates, or why
    /// it is not one (English).
    pub fn certificate_content(content: &[u8]) -> Result<usize, &'static str> {
        crate::der::check_certificate_content(content).map_err(|p| p.describe().1)
    }
}
