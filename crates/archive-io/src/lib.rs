//! Archive ⇄ files: gathers what the local archive holds into an [`export::ExportSet`]
//! (for the CSV, JSON, chart, AR 2418-6 and bundle exports of the `export` crate), and loads
//! AR 2418-6 device files (TRuDI exports, or our own) into the archive so that old exports
//! join the history.
//!
//! The crate is glue: SQL stays in `archive`, file formats in `export` and `ar2418`. The
//! three are re-exported so that front ends need only this one dependency.

#![warn(missing_docs)]

mod bill;
mod error;
mod import;
mod select;
mod xml;

pub use bill::{device_for_contract, device_for_supplier};
pub use error::{ExportError, ImportError};
#[doc(hidden)]
pub use import::plan_import;
pub use import::{import_ar2418, import_file, read_for_import, ImportReport};
pub use select::{export_set, Selection};
pub use xml::{database_of, usage_points, write_xml, WriteXmlError};

pub use ar2418;
pub use archive;
pub use export;
