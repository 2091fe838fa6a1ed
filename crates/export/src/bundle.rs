//! The decommissioning bundle: everything the gateway gave for the consumer, in one
//! directory, with checksums.
//!
//! Layout (paths relative to the bundle directory):
//!
//! ```text
//! index.html                         summary in German and English (self-contained)
//! ar2418-6.xml                       AR 2418-6 device file (TRuDI's format)
//! export.json                        JSON export (FORMATS.md)
//! tariff-profiles.txt                the contracts' tariff profiles in words (if any)
//! csv/values-de.csv, csv/log-de.csv  German CSV (;, decimal comma, local time, BOM)
//! csv/values-intl.csv, csv/log-intl.csv  international CSV (",", ISO 8601)
//! charts/CC-LL-<kind>-<lang>.svg     charts per contract CC and value list LL
//! raw/<name>                         responses exactly as the gateway sent them
//! manifest.json                      every file above with size and SHA-256
//! MANIFEST.sha256                    the same for `sha256sum -c` (includes manifest.json)
//! ```
//!
//! [`verify_bundle`] recomputes every checksum and reports changed, missing and extra
//! files.

use std::collections::{BTreeSet, HashSet};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use smgw_model::Lang;

use crate::ar::{to_usage_points, ArError};
use crate::chart::{self, BarPeriod, ChartError, ChartOptions};
use crate::csv::{write_log_csv, write_values_csv, CsvVariant};
use crate::json::{decode_tariff_profile, write_json, JsonError, GENERATOR};
use crate::set::{ExportSet, ValueList};

/// Name of the checksum list in `sha256sum` format.
pub const SHA256_FILE: &str = "MANIFEST.sha256";
/// Name of the JSON manifest.
pub const MANIFEST_JSON: &str = "manifest.json";
/// Name of the tariff profiles in words.
pub const TARIFF_PROFILES: &str = "tariff-profiles.txt";
/// Shape version of `manifest.json`.
pub const MANIFEST_VERSION: u32 = 1;

/// What a bundle contains (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Shape version ([`MANIFEST_VERSION`]).
    pub format_version: u32,
    /// The program that wrote the bundle.
    pub generator: String,
    /// When the export was made.
    pub created: DateTime<Utc>,
    /// The gateway id.
    pub gateway_id: String,
    /// Every file of the bundle except `manifest.json` and `MANIFEST.sha256`, in writing
    /// order.
    pub files: Vec<ManifestFile>,
}

/// One file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path relative to the bundle directory, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// Result of [`verify_bundle`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// Number of files listed in `MANIFEST.sha256`.
    pub checked: usize,
    /// Listed files whose content differs from the checksum.
    pub changed: Vec<String>,
    /// Listed files that are not there.
    pub missing: Vec<String>,
    /// Files in the directory that are not listed.
    pub extra: Vec<String>,
}

impl VerifyReport {
    /// True if every listed file is present and unchanged and nothing else is there.
    pub fn is_ok(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    /// A one-paragraph account for people.
    pub fn describe(&self, lang: Lang) -> String {
        if self.is_ok() {
            return format!(
                "{} {}",
                self.checked,
                lang.pick(
                    "Dateien geprüft, alle unverändert.",
                    "files checked, all unchanged."
                )
            );
        }
        let mut parts = Vec::new();
        let list = |v: &[String]| v.join(", ");
        if !self.changed.is_empty() {
            parts.push(format!(
                "{}: {}",
                lang.pick("verändert", "changed"),
                list(&self.changed)
            ));
        }
        if !self.missing.is_empty() {
            parts.push(format!(
                "{}: {}",
                lang.pick("fehlt", "missing"),
                list(&self.missing)
            ));
        }
        if !self.extra.is_empty() {
            parts.push(format!(
                "{}: {}",
                lang.pick("nicht verzeichnet", "not listed"),
                list(&self.extra)
            ));
        }
        parts.join("; ")
    }
}

/// Why a bundle could not be written or checked.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The target directory exists and is not empty; a bundle is only written into an
    /// empty one, so that it contains nothing but the bundle.
    #[error("{0} is not empty; choose a new or empty directory for the bundle")]
    NotEmpty(PathBuf),
    /// The data cannot be written as AR 2418-6.
    #[error("AR 2418-6: {0}")]
    Ar(#[from] ArError),
    /// The JSON export failed.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// Writing to the caller's output failed.
    #[error("writing failed: {0}")]
    Write(#[source] io::Error),
    /// The bundle cannot be packed as a plain zip.
    #[error(transparent)]
    Zip(#[from] crate::zip::ZipError),
    /// A chart failed for another reason than too few values.
    #[error("chart: {0}")]
    Chart(#[from] ChartError),
    /// The checksum list is not there.
    #[error("{0} not found: this is not a bundle, or its checksum list was removed")]
    NoManifest(PathBuf),
    /// A line of the checksum list is malformed or names a path outside the bundle.
    #[error("{SHA256_FILE} line {line}: {text:?} is not `<sha256>  <relative path>`")]
    BadManifestLine {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A writer that hashes and counts what passes through.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        let written = buf
            .get(..n)
            .ok_or_else(|| io::Error::other("the writer reported more bytes than it was given"))?;
        self.hasher.update(written);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

struct Out<'a> {
    dir: &'a Path,
    files: Vec<ManifestFile>,
}

impl Out<'_> {
    /// Writes one file of the bundle through `f` and records it.
    fn put(
        &mut self,
        rel: &str,
        f: impl FnOnce(&mut dyn Write) -> Result<(), BundleError>,
    ) -> Result<(), BundleError> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let file = File::create(&path).map_err(io_err(&path))?;
        let mut w = Hashing {
            inner: BufWriter::new(file),
            hasher: Sha256::new(),
            size: 0,
        };
        f(&mut w).map_err(|e| match e {
            // Errors of the inner writers know no path; this is the file they wrote.
            BundleError::Write(source) => BundleError::Io {
                path: path.clone(),
                source,
            },
            e => e,
        })?;
        w.flush().map_err(io_err(&path))?;
        w.inner
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(io_err(&path))?;
        self.files.push(ManifestFile {
            path: rel.to_string(),
            size: w.size,
            sha256: hex::encode(w.hasher.finalize()),
        });
        Ok(())
    }

    fn put_bytes(&mut self, rel: &str, bytes: &[u8]) -> Result<(), BundleError> {
        let path = self.dir.join(rel);
        self.put(rel, |w| w.write_all(bytes).map_err(io_err(&path)))
    }
}

impl From<io::Error> for BundleError {
    fn from(source: io::Error) -> BundleError {
        BundleError::Write(source)
    }
}

/// A chart of the bundle, in both languages.
pub(crate) struct BundleChart {
    /// Path of the German file.
    pub path_de: String,
    /// Path of the English file.
    pub path_en: String,
    /// Caption (German, English).
    pub title: (String, String),
    /// German SVG.
    pub svg_de: String,
    /// English SVG.
    pub svg_en: String,
}

fn list_title(vl: &ValueList, lang: Lang) -> String {
    let name = vl
        .channel
        .obis
        .name(lang)
        .unwrap_or_else(|| vl.channel.obis.to_string());
    format!("{name} – {} – {}", vl.database.text(lang), vl.channel_name)
}

/// One chart drawn in both languages with its title, as the files `<stem>-de.svg` and
/// `<stem>-en.svg`; `None` when the values are too few for it.
fn chart_pair<F>(
    stem: String,
    title: (String, String),
    draw: F,
) -> Result<Option<BundleChart>, ChartError>
where
    F: Fn(&ChartOptions) -> Result<String, ChartError>,
{
    let opts = |lang, title: &str| ChartOptions {
        lang,
        title: Some(title.to_owned()),
        ..ChartOptions::default()
    };
    match (
        draw(&opts(Lang::De, &title.0)),
        draw(&opts(Lang::En, &title.1)),
    ) {
        (Ok(svg_de), Ok(svg_en)) => Ok(Some(BundleChart {
            path_de: format!("{stem}-de.svg"),
            path_en: format!("{stem}-en.svg"),
            title,
            svg_de,
            svg_en,
        })),
        (Err(ChartError::TooFewValues { .. }), _) | (_, Err(ChartError::TooFewValues { .. })) => {
            Ok(None)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// The charts of a set: per register value list a load curve and daily and monthly
/// consumption; per contract and value list with both a 1.8.0 and a 2.8.0 register, import
/// vs. export per month. Value lists with fewer than two readings get none.
pub(crate) fn bundle_charts(set: &ExportSet) -> Result<Vec<BundleChart>, ChartError> {
    let mut out = Vec::new();
    for (ci, c) in set.contracts.iter().enumerate() {
        for (li, vl) in c.value_lists.iter().enumerate() {
            if !vl.channel.unit.is_cumulative() {
                continue;
            }
            let series = vl.series();
            let unit = vl.channel.unit;
            let kinds: [(&str, (&str, &str)); 3] = [
                ("load-curve", ("Lastgang", "Load curve")),
                ("daily", ("Verbrauch je Tag", "Consumption per day")),
                ("monthly", ("Verbrauch je Monat", "Consumption per month")),
            ];
            for (kind, (de, en)) in kinds {
                let title = (
                    format!("{de}: {}", list_title(vl, Lang::De)),
                    format!("{en}: {}", list_title(vl, Lang::En)),
                );
                let stem = format!("charts/{:02}-{:02}-{kind}", ci + 1, li + 1);
                out.extend(chart_pair(stem, title, |o| match kind {
                    "load-curve" => chart::load_curve_svg(&series, unit, o),
                    "daily" => chart::daily_bars_svg(&series, unit, o),
                    _ => chart::monthly_bars_svg(&series, unit, o),
                })?);
            }
        }
        // Import vs. export: total registers (tariff 0) of the same value list and meter.
        for (li, imp) in c.value_lists.iter().enumerate() {
            let o = imp.channel.obis;
            if !(o.is_import() && o.is_energy_register() && o.tariff() == 0) {
                continue;
            }
            let Some(exp) = c.value_lists.iter().find(|e| {
                let eo = e.channel.obis;
                e.database == imp.database
                    && eo.is_export()
                    && eo.is_energy_register()
                    && eo.tariff() == 0
                    && e.meter_id() == imp.meter_id()
                    && e.channel.unit == imp.channel.unit
            }) else {
                continue;
            };
            let (is, es) = (imp.series(), exp.series());
            let title = (
                format!("Bezug und Einspeisung je Monat – {}", imp.channel_name),
                format!("Import and export per month – {}", imp.channel_name),
            );
            let stem = format!("charts/{:02}-{:02}-import-export", ci + 1, li + 1);
            out.extend(chart_pair(stem, title, |o| {
                chart::import_export_svg(&is, &es, imp.channel.unit, BarPeriod::Month, o)
            })?);
        }
    }
    Ok(out)
}

/// A file name from a raw response name: characters outside `A–Z a–z 0–9 . _ -` become
/// `_`, leading dots are dropped (no hidden files, no `..`), empty names become `response`.
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.');
    let s: String = s.chars().take(120).collect();
    if s.is_empty() {
        "response".into()
    } else {
        s
    }
}

/// The tariff profiles of the set's contracts in words (German, then English), decoded and
/// checked as in the JSON export (`smgw_model::TafProfile::describe`: what is not
/// understood is shown as sent, marked "not interpreted"); `None` if no contract has one.
pub fn tariff_profiles_text(set: &ExportSet) -> Option<String> {
    let profiles: Vec<_> = set
        .contracts
        .iter()
        .filter_map(|c| {
            let der = c.detail.as_ref()?.taf_profile.as_deref()?;
            Some((
                &c.contract.usage_point_id,
                der,
                decode_tariff_profile(der, &set.gateway.certificates),
            ))
        })
        .collect();
    if profiles.is_empty() {
        return None;
    }
    let mut out = String::new();
    for lang in [Lang::De, Lang::En] {
        out += lang.pick(
            "Tarifprofile (Durchblick; die Bytes wie gesendet stehen in export.json)\n",
            "Tariff profiles (Durchblick; the bytes as sent are in export.json)\n",
        );
        out += "\n";
        for (contract, der, decoded) in &profiles {
            out += &format!(
                "{} {contract} ({} {})\n",
                lang.pick("Vertrag", "Contract"),
                der.len(),
                lang.pick("Bytes", "bytes")
            );
            out += &decoded.describe(lang);
            out += "\n";
        }
    }
    Some(out)
}

/// Writes the bundle of a set into `dir` (created if missing; must be empty) and returns
/// its manifest. On an error the directory holds a partial bundle without
/// `MANIFEST.sha256` (which is written last), so it can never pass [`verify_bundle`].
pub fn write_bundle(set: &ExportSet, dir: &Path) -> Result<Manifest, BundleError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    if fs::read_dir(dir).map_err(io_err(dir))?.next().is_some() {
        return Err(BundleError::NotEmpty(dir.to_path_buf()));
    }
    let doc = to_usage_points(set)?;
    let charts = bundle_charts(set)?;
    let mut out = Out {
        dir,
        files: Vec::new(),
    };
    out.put("ar2418-6.xml", |w| Ok(ar2418::write(&doc, w)?))?;
    drop(doc);
    for (variant, tag) in [
        (CsvVariant::German, "de"),
        (CsvVariant::International, "intl"),
    ] {
        out.put(&format!("csv/values-{tag}.csv"), |w| {
            Ok(write_values_csv(set, variant, w)?)
        })?;
        out.put(&format!("csv/log-{tag}.csv"), |w| {
            Ok(write_log_csv(&set.log, variant, w)?)
        })?;
    }
    out.put("export.json", |w| Ok(write_json(set, w)?))?;
    if let Some(text) = tariff_profiles_text(set) {
        out.put_bytes(TARIFF_PROFILES, text.as_bytes())?;
    }
    for c in &charts {
        out.put_bytes(&c.path_de, c.svg_de.as_bytes())?;
        out.put_bytes(&c.path_en, c.svg_en.as_bytes())?;
    }
    let mut used = HashSet::new();
    let mut raw_paths = Vec::new();
    for r in &set.raw_responses {
        let base = safe_name(&r.name);
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.to_ascii_lowercase()) {
            name = format!("{n}-{base}");
            n += 1;
        }
        let rel = format!("raw/{name}");
        out.put_bytes(&rel, &r.bytes)?;
        raw_paths.push((r.name.clone(), rel));
    }
    let html = crate::html::index_html(set, &charts, &out.files, &raw_paths);
    out.put_bytes("index.html", html.as_bytes())?;

    let manifest = Manifest {
        format_version: MANIFEST_VERSION,
        generator: GENERATOR.to_string(),
        created: set.created,
        gateway_id: set.gateway.id.clone(),
        files: out.files.clone(),
    };
    let json_path = dir.join(MANIFEST_JSON);
    out.put(MANIFEST_JSON, |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest)
            .map_err(io::Error::from)
            .and_then(|()| w.write_all(b"\n"))
            .map_err(io_err(&json_path))
    })?;
    let mut list = String::new();
    for f in &out.files {
        list.push_str(&f.sha256);
        list.push_str("  ");
        list.push_str(&f.path);
        list.push('\n');
    }
    let sums = dir.join(SHA256_FILE);
    fs::write(&sums, list).map_err(io_err(&sums))?;
    Ok(manifest)
}

/// Reads `MANIFEST.sha256`: (path, checksum) pairs. Paths must be relative, use `/`, and
/// stay inside the bundle.
pub(crate) fn read_sums(dir: &Path) -> Result<Vec<(String, String)>, BundleError> {
    let path = dir.join(SHA256_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(BundleError::NoManifest(path)),
        Err(e) => return Err(io_err(&path)(e)),
    };
    parse_sums(&text)
}

/// The lines of `MANIFEST.sha256` (see [`read_sums`]); apart so that it can be fuzzed
/// without files.
#[doc(hidden)]
pub fn parse_sums(text: &str) -> Result<Vec<(String, String)>, BundleError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = || BundleError::BadManifestLine {
            line: i + 1,
            text: line.to_string(),
        };
        let (sum, rest) = line.split_at_checked(64).ok_or_else(bad)?;
        let rel = rest
            .strip_prefix("  ")
            .or_else(|| rest.strip_prefix(" *"))
            .ok_or_else(bad)?;
        // A control character (a stray CR above all) is never part of a name we write.
        let safe = !rel.is_empty()
            && !rel.chars().any(char::is_control)
            && !rel.starts_with('/')
            && !rel.contains('\\')
            && rel
                .split('/')
                .all(|p| !p.is_empty() && p != "." && p != "..");
        if !sum.bytes().all(|b| b.is_ascii_hexdigit()) || !safe {
            return Err(bad());
        }
        out.push((rel.to_string(), sum.to_ascii_lowercase()));
    }
    Ok(out)
}

fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    io::copy(&mut f, &mut h)?;
    Ok(hex::encode(h.finalize()))
}

fn walk(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) -> Result<(), BundleError> {
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type().map_err(io_err(&entry.path()))?;
        if kind.is_dir() {
            walk(&entry.path(), &rel, out)?;
        } else {
            out.insert(rel);
        }
    }
    Ok(())
}

/// Checks every file of a bundle against `MANIFEST.sha256`.
pub fn verify_bundle(dir: &Path) -> Result<VerifyReport, BundleError> {
    let sums = read_sums(dir)?;
    let mut present = BTreeSet::new();
    walk(dir, "", &mut present)?;
    let mut report = VerifyReport {
        checked: sums.len(),
        ..VerifyReport::default()
    };
    let mut listed = HashSet::new();
    for (rel, sum) in &sums {
        listed.insert(rel.as_str());
        let path = dir.join(rel);
        if !present.contains(rel) {
            report.missing.push(rel.clone());
            continue;
        }
        if sha256_file(&path).map_err(io_err(&path))? != *sum {
            report.changed.push(rel.clone());
        }
    }
    report.extra = present
        .into_iter()
        .filter(|p| p != SHA256_FILE && !listed.contains(p.as_str()))
        .collect();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(safe_name("readings 2024/01.json"), "readings_2024_01.json");
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("..."), "response");
        assert_eq!(safe_name(""), "response");
        assert_eq!(safe_name("größe.json"), "gr__e.json");
    }
}
