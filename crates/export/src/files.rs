//! An export set into files, the same way for both front doors: every file is written
//! under a temporary name and renamed when complete (a failed export leaves no
//! half-written file under the final name), names made from gateway or file text are
//! cleaned, and a bundle goes into a folder or, for a `.zip` target, into a zip that was
//! checked against its manifest before it is kept.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use smgw_model::{Lang, ScaledValue, Unit};

use crate::chart::{ChartError, ChartOptions};
use crate::{CsvVariant, ExportSet};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// AR 2418-6 XML (TRuDI's format) into one file.
    Xml,
    /// One JSON document into one file.
    Json,
    /// Values and logbook as two CSV files (`values-de.csv`, `log-de.csv` or `-intl`) into
    /// a folder.
    Csv(CsvVariant),
    /// The values as one CSV file.
    ValuesCsv(CsvVariant),
    /// The logbook as one CSV file.
    LogCsv(CsvVariant),
    /// SVG charts (load curve, daily and monthly consumption) into a folder.
    Charts,
    /// Everything with checksums into a new or empty folder, or a zip file when the target
    /// ends in `.zip`.
    Bundle,
}

/// Why files could not be written: the path and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write {}: {reason}", path.display())]
pub struct FileError {
    /// The file or folder that could not be written.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
    /// The operating system refused access: on Windows typically because another program
    /// (a spreadsheet, a viewer) has the file open, which blocks replacing it.
    pub denied: bool,
}

impl FileError {
    fn new(path: &Path, reason: impl std::fmt::Display) -> FileError {
        FileError {
            path: path.to_path_buf(),
            reason: reason.to_string(),
            denied: false,
        }
    }

    fn io(path: &Path, error: std::io::Error) -> FileError {
        FileError {
            denied: error.kind() == std::io::ErrorKind::PermissionDenied,
            ..FileError::new(path, error)
        }
    }

    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (lang, self.denied) {
            (Lang::De, true) => format!(
                "{} kann nicht geschrieben werden: {}. Ist die Datei in einem anderen Programm geöffnet? Bitte dort schließen oder einen anderen Namen wählen.",
                self.path.display(),
                self.reason
            ),
            (Lang::En, true) => format!(
                "Cannot write {}: {}. Is the file open in another program? Please close it there or choose another name.",
                self.path.display(),
                self.reason
            ),
            (Lang::De, false) => format!(
                "{} kann nicht geschrieben werden: {}. Bitte einen anderen Speicherort wählen oder freien Platz prüfen.",
                self.path.display(),
                self.reason
            ),
            (Lang::En, false) => format!(
                "Cannot write {}: {}. Please choose another place or check the free space.",
                self.path.display(),
                self.reason
            ),
        }
    }
}

/// What [`write`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The files written, or the bundle's folder or zip.
    pub paths: Vec<PathBuf>,
    /// How many files were written (a bundle folder counts its files).
    pub files: usize,
}

/// Writes `set` in `format` to `out`. `lang` is the language of chart texts and of a
/// failed bundle check.
pub fn write(
    set: &ExportSet,
    format: Format,
    out: &Path,
    lang: Lang,
) -> Result<Written, FileError> {
    let paths = match format {
        Format::Xml => {
            let doc = crate::to_usage_points(set).map_err(|e| FileError::new(out, e))?;
            write_atomic(out, |w| ar2418::write(&doc, w))?;
            vec![out.to_path_buf()]
        }
        Format::Json => {
            write_atomic(out, |w| {
                crate::write_json(set, w).map_err(|e| std::io::Error::other(e.to_string()))
            })?;
            vec![out.to_path_buf()]
        }
        Format::ValuesCsv(variant) => {
            write_atomic(out, |w| crate::write_values_csv(set, variant, w))?;
            vec![out.to_path_buf()]
        }
        Format::LogCsv(variant) => {
            write_atomic(out, |w| crate::write_log_csv(&set.log, variant, w))?;
            vec![out.to_path_buf()]
        }
        Format::Csv(variant) => write_csv_folder(set, variant, out)?,
        Format::Charts => write_charts(set, out, lang)?,
        Format::Bundle if !is_zip(out) => {
            let manifest = crate::write_bundle(set, out).map_err(|e| FileError::new(out, e))?;
            return Ok(Written {
                paths: vec![out.to_path_buf()],
                files: manifest.files.len(),
            });
        }
        Format::Bundle => write_zip_bundle(set, out, lang)?,
    };
    Ok(Written {
        files: paths.len(),
        paths,
    })
}

/// Writes a file through `<name>.part` and a rename.
pub fn write_atomic(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<fs::File>) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let result = fs::File::create(&part).and_then(|file| {
        let mut w = BufWriter::new(file);
        f(&mut w)?;
        w.flush()?;
        w.get_ref().sync_all()?;
        drop(w);
        rename_replacing(&part, path)
    });
    result.map_err(|e| {
        let _ = fs::remove_file(&part);
        FileError::io(path, e)
    })
}

/// `fs::rename`, which replaces an existing target on every platform (on Windows through
/// `MoveFileExW` with `MOVEFILE_REPLACE_EXISTING`). Windows refuses it while any program
/// holds either file open without delete sharing; virus scanners and the search indexer
/// do that for a moment right after a file was written, so a refusal there is retried for
/// up to a second before the user is asked to close the file.
fn rename_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut tries = if cfg!(windows) { 10 } else { 1 };
    loop {
        match fs::rename(from, to) {
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied && tries > 1 => {
                tries -= 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

/// `text` (from a gateway or a file) as a safe part of a file name: letters, digits, `-`
/// and `_` stay, everything else becomes `_`; never empty, never `.` or `..`.
pub fn safe_file_name(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "_".into()
    } else {
        name
    }
}

/// The folder name of a bundle of `set`: `durchblick-<gateway>-<created>`.
pub fn bundle_name(set: &ExportSet) -> String {
    format!(
        "durchblick-{}-{}",
        safe_file_name(&set.gateway.id),
        set.created.format("%Y%m%d-%H%M%S")
    )
}

fn create_dir(dir: &Path) -> Result<(), FileError> {
    fs::create_dir_all(dir).map_err(|e| FileError::new(dir, e))
}

fn write_csv_folder(
    set: &ExportSet,
    variant: CsvVariant,
    dir: &Path,
) -> Result<Vec<PathBuf>, FileError> {
    create_dir(dir)?;
    let tag = match variant {
        CsvVariant::German => "de",
        CsvVariant::International => "intl",
    };
    let values = dir.join(format!("values-{tag}.csv"));
    let log = dir.join(format!("log-{tag}.csv"));
    write_atomic(&values, |w| crate::write_values_csv(set, variant, w))?;
    write_atomic(&log, |w| crate::write_log_csv(&set.log, variant, w))?;
    Ok(vec![values, log])
}

type ChartFn = fn(
    &[(chrono::DateTime<chrono::Utc>, ScaledValue)],
    Unit,
    &ChartOptions,
) -> Result<String, ChartError>;

fn write_charts(set: &ExportSet, dir: &Path, lang: Lang) -> Result<Vec<PathBuf>, FileError> {
    create_dir(dir)?;
    let opts = ChartOptions {
        lang,
        ..ChartOptions::default()
    };
    let mut files = Vec::new();
    for c in &set.contracts {
        for vl in &c.value_lists {
            let series = vl.series();
            let unit = vl.channel.unit;
            let mut kinds: Vec<(&str, ChartFn)> = vec![("load-curve", crate::load_curve_svg)];
            if unit.is_cumulative() {
                kinds.push(("daily", crate::daily_bars_svg));
                kinds.push(("monthly", crate::monthly_bars_svg));
            }
            for (kind, draw) in kinds {
                let svg = match draw(&series, unit, &opts) {
                    Ok(svg) => svg,
                    // A list with too few values simply has no chart of this kind.
                    Err(ChartError::TooFewValues { .. }) => continue,
                    Err(e) => return Err(FileError::new(dir, e)),
                };
                let name = format!(
                    "{}-{}-{}-{kind}.svg",
                    safe_file_name(&c.contract.usage_point_id),
                    safe_file_name(vl.database.wire_name()),
                    safe_file_name(&vl.channel_name),
                );
                let path = dir.join(name);
                write_atomic(&path, |w| w.write_all(svg.as_bytes()))?;
                files.push(path);
            }
        }
    }
    Ok(files)
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn write_zip_bundle(set: &ExportSet, out: &Path, lang: Lang) -> Result<Vec<PathBuf>, FileError> {
    // The bundle is written next to the zip in a work folder named like the zip, so that
    // the entries sit in a folder of that name, then packed, checked and removed.
    let stem = out
        .file_stem()
        .map(|s| safe_file_name(&s.to_string_lossy()))
        .unwrap_or_else(|| "bundle".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let work = parent.join(format!(".{stem}.durchblick-{}", std::process::id()));
    let dir = work.join(&stem);
    let result = (|| {
        create_dir(&dir)?;
        crate::write_bundle(set, &dir).map_err(|e| FileError::new(&dir, e))?;
        let report = crate::verify_bundle(&dir).map_err(|e| FileError::new(&dir, e))?;
        if !report.is_ok() {
            return Err(FileError::new(&dir, report.describe(lang)));
        }
        write_atomic(out, |w| {
            crate::zip_bundle(&dir, set.created, w)
                .map(drop)
                .map_err(|e| std::io::Error::other(e.to_string()))
        })
    })();
    let _ = fs::remove_dir_all(&work);
    result.map(|()| vec![out.to_path_buf()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_gateway_text_cannot_leave_the_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "______etc_passwd");
        assert_eq!(safe_file_name("EDNT0012345678"), "EDNT0012345678");
        assert_eq!(safe_file_name(""), "_");
        assert_eq!(safe_file_name(".."), "__");
        assert_eq!(safe_file_name("a/b\\c:d"), "a_b_c_d");
    }

    #[test]
    fn an_existing_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, "old and longer").unwrap();
        write_atomic(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert!(!dir.path().join("out.csv.part").exists());
    }

    #[test]
    fn a_refused_file_asks_to_close_it_in_the_other_program() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let err = FileError::io(Path::new("werte.csv"), denied);
        assert!(err
            .message(Lang::De)
            .contains("in einem anderen Programm geöffnet"));
        assert!(err.message(Lang::En).contains("open in another program"));
        let full = FileError::io(Path::new("werte.csv"), std::io::Error::other("disk full"));
        assert!(full.message(Lang::En).contains("free space"));
    }

    #[test]
    fn a_failed_write_leaves_neither_the_file_nor_its_part() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let err = write_atomic(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.path, path);
        assert!(err.message(Lang::De).contains("disk full"));
        assert!(!path.exists());
        assert!(!dir.path().join("out.csv.part").exists());
        write_atomic(&path, |w| w.write_all(b"whole")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"whole");
        assert!(!dir.path().join("out.csv.part").exists());
    }
}
