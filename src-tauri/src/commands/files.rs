//! Files from the window: exports (live from the gateway or from the archive), charts
//! the window shows, and the bill check from a supplier's and a device file. Files are
//! written by `export::files`, the command line's writer.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use smgw_model::Lang;

use super::{parse_time, AppCore, ProgressView};
use crate::error::{ErrorKind, Refusal, UiError};
use crate::views::BillView;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// AR 2418-6 XML (TRuDI's format).
    Xml,
    /// Values as CSV for German spreadsheets.
    CsvGerman,
    /// Values as CSV for programs.
    CsvInternational,
    /// The logbook as CSV for German spreadsheets.
    LogCsvGerman,
    /// The logbook as CSV for programs.
    LogCsvInternational,
    /// Everything as one JSON document.
    Json,
    /// Values and logbook as two CSV files for German spreadsheets into the chosen folder,
    /// as `durchblick export csv --out DIR` writes them.
    CsvFolderGerman,
    /// Values and logbook as two CSV files for programs into the chosen folder.
    CsvFolderInternational,
    /// SVG charts of every value list (load curve, daily and monthly consumption) into the
    /// chosen folder, as `durchblick export charts --out DIR` writes them.
    Charts,
    /// The decommissioning bundle: a new directory inside the chosen one.
    Bundle,
    /// The decommissioning bundle as one zip file (checked against its manifest before it
    /// is kept), as `durchblick export bundle --out FILE.zip` writes it.
    BundleZip,
}

/// Where the data of an export comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportSource {
    /// Read live from the connected gateway.
    #[default]
    Gateway,
    /// The archive: what was synced or imported for one consumer of one gateway (works
    /// without a connection, e.g. after the gateway was removed).
    Archive {
        /// The gateway's `smgw-id`.
        smgw_id: String,
        /// The consumer's user id.
        user_id: String,
    },
}

/// An export request from the window.
#[derive(Debug, Clone, Deserialize)]
pub struct ExportRequest {
    /// Where the data comes from.
    #[serde(default)]
    pub source: ExportSource,
    /// The format.
    pub format: ExportFormat,
    /// Start of the value period (exclusive); same forms as [`ValuesRequest::from`].
    pub from: String,
    /// End of the value period (inclusive).
    pub to: String,
    /// The place the user chose in the dialog, by its token ([`AppCore::hold_place`]): the
    /// file to write (for a bundle: the directory to create it in; for the CSV folder and
    /// charts: the directory to write into).
    pub place: u64,
    /// The language of chart labels (the window's language).
    #[serde(default)]
    pub lang: Lang,
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportDone {
    /// What was written (for a bundle: the new directory).
    pub path: String,
    /// Number of values exported.
    pub values: u64,
    /// Number of logbook entries exported.
    pub log_entries: usize,
    /// Number of files written.
    pub files: usize,
    /// What the gateway's answers held that could not be decoded or what was assumed
    /// (live exports only; the archive's warnings were shown when it was synced).
    // Absent when empty: the UI's recorded answers (ui/tests/fixtures) stay as they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::views::WarningView>,
}

fn export_failed(e: &dyn std::fmt::Display) -> UiError {
    Refusal::ExportFailed {
        reason: e.to_string(),
    }
    .into()
}

/// Writes `set` in `format` to `path` (the bundle folder into a new folder inside it) with
/// the same writer as the command line; returns the path written and the number of files.
fn write_export(
    set: &export::ExportSet,
    format: ExportFormat,
    path: &std::path::Path,
    lang: Lang,
) -> Result<(PathBuf, usize), UiError> {
    use export::files::Format;
    use export::CsvVariant::{German, International};
    let chosen = format;
    let format = match format {
        ExportFormat::Xml => Format::Xml,
        ExportFormat::CsvGerman => Format::ValuesCsv(German),
        ExportFormat::CsvInternational => Format::ValuesCsv(International),
        ExportFormat::LogCsvGerman => Format::LogCsv(German),
        ExportFormat::LogCsvInternational => Format::LogCsv(International),
        ExportFormat::Json => Format::Json,
        ExportFormat::CsvFolderGerman => Format::Csv(German),
        ExportFormat::CsvFolderInternational => Format::Csv(International),
        ExportFormat::Charts => Format::Charts,
        ExportFormat::Bundle | ExportFormat::BundleZip => Format::Bundle,
    };
    let target = match chosen {
        ExportFormat::Bundle => path.join(export::files::bundle_name(set)),
        // The writer makes a zip of a path ending in `.zip`.
        ExportFormat::BundleZip => path.with_extension("zip"),
        _ => path.to_path_buf(),
    };
    let written = export::files::write(set, format, &target, lang)
        .map_err(|e| UiError::in_both(ErrorKind::Local, |lang| e.message(lang)))?;
    Ok((target, written.files))
}

impl AppCore {
    /// Writes the values of the period (gateway, contracts, every value list of every
    /// contract that keeps values, logbook) with the export crate: read live from the
    /// gateway, or taken from the archive.
    pub async fn export(
        &self,
        req: ExportRequest,
        progress: &mut (dyn FnMut(ProgressView) + Send),
    ) -> Result<ExportDone, UiError> {
        let path = self.chosen_place(req.place)?;
        let from = parse_time(&req.from)?;
        let to = parse_time(&req.to)?;
        let (set, warnings) = match &req.source {
            ExportSource::Gateway => {
                let cancel = self.fresh_cancel()?;
                let mut c = self.gateway_session().await?;
                let mut forward = |p: gateway::Progress| progress(p.into());
                let pulled = durchblick_core::pull::live(
                    c.gateway.as_mut(),
                    from,
                    to,
                    &mut forward,
                    &cancel,
                )
                .await?;
                (pulled.set, crate::views::warning_views(&pulled.warnings))
            }
            ExportSource::Archive { smgw_id, user_id } => {
                let selection = archive_io::Selection {
                    gateway: Some(smgw_id.clone()),
                    consumer: Some(user_id.clone()),
                    contract: None,
                    from: Some(from),
                    to: Some(to),
                };
                (self.archived_set(&selection).await?, Vec::new())
            }
        };
        let values = set
            .contracts
            .iter()
            .flat_map(|c| &c.value_lists)
            .map(|v| v.readings.len() as u64)
            .sum();
        let log_entries = set.log.len();
        let (format, lang) = (req.format, req.lang);
        // Writing a year of values as XML takes a moment: off the async threads.
        let (written, files) =
            tokio::task::spawn_blocking(move || write_export(&set, format, &path, lang))
                .await
                .map_err(|e| export_failed(&e))??;
        Ok(ExportDone {
            path: written.display().to_string(),
            values,
            log_entries,
            files,
            warnings,
        })
    }

    /// Writes a chart the window shows (SVG text from the export crate) to the file the
    /// user chose (token of [`AppCore::hold_place`]), atomically with the export writer
    /// (`<name>.part`, then a rename): an existing file is replaced whole or not at all.
    pub fn save_chart(&self, place: u64, svg: &str) -> Result<(), UiError> {
        use std::io::Write;
        let path = self.chosen_place(place)?;
        if !svg.trim_start().starts_with("<svg") && !svg.trim_start().starts_with("<?xml") {
            return Err(Refusal::NotAChart.into());
        }
        export::files::write_atomic(&path, |w| w.write_all(svg.as_bytes()))
            .map_err(|e| UiError::in_both(ErrorKind::Local, |lang| e.message(lang)))
    }
}

/// Recomputes a bill from a supplier file (IF_Lieferant_TRuDI) and a device file with
/// the original value lists, both as file contents.
pub fn check_bill(supplier: &[u8], device: &[u8]) -> Result<BillView, UiError> {
    use tariff::from_ar2418::{device_series, supplier_bytes, AdapterError};
    let profile = supplier_bytes(supplier)?;
    let doc = ar2418::read(device).map_err(AdapterError::from)?;
    let series = device_series(&doc)?;
    let evaluation = tariff::evaluate(&profile, &series).map_err(AdapterError::from)?;
    Ok(BillView::new(&evaluation))
}
