//! `export`, `verify` and `import`: the archive into files and AR 2418-6 files into the
//! archive. The work is done by `archive-io` (with `archive`, `export` and `ar2418`); this
//! module parses the command line, picks file names and reports in German or English.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use archive_io::archive::{Archive, WriteOutcome};
use archive_io::export::{self, CsvVariant, ExportSet};
use archive_io::{ExportError, Selection};
use chrono::{DateTime, SubsecRound, Utc};
use clap::{Args, ValueEnum};
use smgw_model::{Lang, Unit};

use crate::failure::{code, Failure};

/// What `export` writes.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// AR 2418-6 XML (TRuDI's format) into the file --out.
    Xml,
    /// Values and logbook as CSV into the directory --out.
    Csv,
    /// One JSON document into the file --out.
    Json,
    /// SVG charts (load curve, daily and monthly consumption) into the directory --out.
    Charts,
    /// Everything (XML, CSV, JSON, charts, raw responses, checksums) into the new or empty
    /// directory --out, or into a zip file if --out ends in .zip.
    Bundle,
}

/// CSV dialects.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CsvArg {
    /// `;`, decimal comma, German local time, UTF-8 with BOM (for Excel).
    German,
    /// `,`, decimal point, ISO 8601 with offset, UTF-8 without BOM (for programs).
    International,
}

/// `durchblick export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// The archive file (default: the standard archive of this user).
    #[arg(long, value_name = "FILE", env = "DURCHBLICK_ARCHIVE")]
    pub archive: Option<PathBuf>,
    /// Where to write: a file (xml, json), a directory (csv, charts) or a directory or .zip
    /// file (bundle).
    #[arg(long, value_name = "DIR_OR_FILE")]
    pub out: PathBuf,
    /// The gateway (smgw-id); needed only if the archive holds several.
    #[arg(long)]
    pub gateway: Option<String>,
    /// The consumer (user id); needed only if the gateway has several.
    #[arg(long)]
    pub consumer: Option<String>,
    /// Only this contract (usage point id or metering point id).
    #[arg(long)]
    pub contract: Option<String>,
    /// Values after this time, log entries from this time on (local time unless a zone is
    /// given, e.g. 2025-01-01 or 2025-01-01T00:00).
    #[arg(long)]
    pub from: Option<String>,
    /// Values up to and including this time, log entries before it.
    #[arg(long)]
    pub to: Option<String>,
    /// CSV dialect.
    #[arg(long, value_enum, default_value_t = CsvArg::German)]
    pub csv: CsvArg,
}

/// `durchblick verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The bundle directory (unpack a .zip first).
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
}

/// `durchblick import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// AR 2418-6 device file: a TRuDI export or one of our own.
    #[arg(value_name = "FILE.xml")]
    pub file: PathBuf,
    /// The archive file (default: the standard archive of this user); created if missing.
    #[arg(long, value_name = "FILE", env = "DURCHBLICK_ARCHIVE")]
    pub archive: Option<PathBuf>,
}

fn io_failure(path: &Path, e: &dyn std::fmt::Display, lang: Lang) -> Failure {
    Failure::new(
        code::DATA,
        lang,
        format!("{} kann nicht geschrieben werden: {e}", path.display()),
        format!("Cannot write {}: {e}", path.display()),
    )
}

fn time_arg(text: &Option<String>, lang: Lang) -> Result<Option<DateTime<Utc>>, Failure> {
    text.as_deref()
        .map(|t| crate::user_time(t, lang))
        .transpose()
}

fn print_json(value: &serde_json::Value, lang: Lang) -> Result<(), Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| println!("{s}"))
        .map_err(|e| Failure::local(lang, &e.into()))
}

/// Writes a file through `<name>.part` and a rename, so that a failed export leaves no
/// half-written file under the final name.
fn write_file(
    path: &Path,
    lang: Lang,
    f: impl FnOnce(&mut BufWriter<fs::File>) -> Result<(), String>,
) -> Result<(), Failure> {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let result = fs::File::create(&part)
        .map_err(|e| e.to_string())
        .and_then(|file| {
            let mut w = BufWriter::new(file);
            f(&mut w)?;
            w.flush().map_err(|e| e.to_string())?;
            w.get_ref().sync_all().map_err(|e| e.to_string())
        })
        .and_then(|()| fs::rename(&part, path).map_err(|e| e.to_string()));
    result.map_err(|e| {
        let _ = fs::remove_file(&part);
        io_failure(path, &e, lang)
    })
}

/// `durchblick export FORMAT --out …`: writes what the archive holds for the selection.
pub async fn run_export(args: &ExportArgs, lang: Lang, json: bool) -> Result<(), Failure> {
    let sel = Selection {
        gateway: args.gateway.clone(),
        consumer: args.consumer.clone(),
        contract: args.contract.clone(),
        from: time_arg(&args.from, lang)?,
        to: time_arg(&args.to, lang)?,
    };
    let path = crate::archive_path(args.archive.as_deref(), lang)?;
    let db = Archive::open_existing(&path)
        .await
        .map_err(|e| Failure::archive(&e, lang))?;
    // Whole seconds: the time appears in file names' neighbours (manifest, zip entries).
    let set = archive_io::export_set(&db, &sel, Utc::now().trunc_subsecs(0)).await;
    db.close().await;
    let set = set.map_err(|e| {
        let code = match e {
            ExportError::Archive(_) => code::DATA,
            _ => code::USAGE,
        };
        Failure {
            code,
            message: e.message(lang),
        }
    })?;
    // An existing directory given for a one-file format gets the bundle's file name.
    let out = &match args.format {
        ExportFormat::Xml if args.out.is_dir() => args.out.join("ar2418-6.xml"),
        ExportFormat::Json if args.out.is_dir() => args.out.join("export.json"),
        _ => args.out.clone(),
    };
    let files = match args.format {
        ExportFormat::Xml => {
            write_file(out, lang, |w| {
                archive_io::write_xml(&set, w).map_err(|e| e.to_string())
            })?;
            vec![out.clone()]
        }
        ExportFormat::Json => {
            write_file(out, lang, |w| {
                export::write_json(&set, w).map_err(|e| e.to_string())
            })?;
            vec![out.clone()]
        }
        ExportFormat::Csv => write_csv(&set, out, args.csv, lang)?,
        ExportFormat::Charts => write_charts(&set, out, lang)?,
        ExportFormat::Bundle => write_bundle(&set, out, lang)?,
    };
    let readings: usize = set
        .contracts
        .iter()
        .flat_map(|c| &c.value_lists)
        .map(|v| v.readings.len())
        .sum();
    if json {
        print_json(
            &serde_json::json!({
                "gateway": set.gateway.id,
                "customer_id": set.customer_id,
                "contracts": set.contracts.len(),
                "readings": readings,
                "log_entries": set.log.len(),
                "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
            }),
            lang,
        )
    } else {
        let (de, en) = (
            format!(
                "{} Messwerte aus {} Vertrag/Verträgen und {} Logbucheinträge exportiert:",
                readings,
                set.contracts.len(),
                set.log.len()
            ),
            format!(
                "Exported {} values of {} contract(s) and {} logbook entries:",
                readings,
                set.contracts.len(),
                set.log.len()
            ),
        );
        println!("{}", lang.pick(&de, &en));
        for f in &files {
            println!("  {}", f.display());
        }
        Ok(())
    }
}

fn create_dir(dir: &Path, lang: Lang) -> Result<(), Failure> {
    fs::create_dir_all(dir).map_err(|e| io_failure(dir, &e, lang))
}

fn write_csv(
    set: &ExportSet,
    dir: &Path,
    variant: CsvArg,
    lang: Lang,
) -> Result<Vec<PathBuf>, Failure> {
    create_dir(dir, lang)?;
    let (variant, tag) = match variant {
        CsvArg::German => (CsvVariant::German, "de"),
        CsvArg::International => (CsvVariant::International, "intl"),
    };
    let values = dir.join(format!("values-{tag}.csv"));
    let log = dir.join(format!("log-{tag}.csv"));
    write_file(&values, lang, |w| {
        export::write_values_csv(set, variant, w).map_err(|e| e.to_string())
    })?;
    write_file(&log, lang, |w| {
        export::write_log_csv(&set.log, variant, w).map_err(|e| e.to_string())
    })?;
    Ok(vec![values, log])
}

fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

type ChartFn = fn(
    &[(DateTime<Utc>, smgw_model::ScaledValue)],
    Unit,
    &export::ChartOptions,
) -> Result<String, export::ChartError>;

fn write_charts(set: &ExportSet, dir: &Path, lang: Lang) -> Result<Vec<PathBuf>, Failure> {
    create_dir(dir, lang)?;
    let opts = export::ChartOptions {
        lang,
        ..export::ChartOptions::default()
    };
    let mut files = Vec::new();
    for c in &set.contracts {
        for vl in &c.value_lists {
            let series = vl.series();
            let unit = vl.channel.unit;
            let mut kinds: Vec<(&str, ChartFn)> = vec![("load-curve", export::load_curve_svg)];
            if unit.is_cumulative() {
                kinds.push(("daily", export::daily_bars_svg));
                kinds.push(("monthly", export::monthly_bars_svg));
            }
            for (kind, draw) in kinds {
                let svg = match draw(&series, unit, &opts) {
                    Ok(svg) => svg,
                    // A list with too few values simply has no chart of this kind.
                    Err(export::ChartError::TooFewValues { .. }) => continue,
                    Err(e) => return Err(io_failure(dir, &e, lang)),
                };
                let name = format!(
                    "{}-{}-{}-{kind}.svg",
                    file_safe(&c.contract.usage_point_id),
                    vl.database.wire_name(),
                    file_safe(&vl.channel_name),
                );
                let path = dir.join(name);
                write_file(&path, lang, |w| {
                    w.write_all(svg.as_bytes()).map_err(|e| e.to_string())
                })?;
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

fn write_bundle(set: &ExportSet, out: &Path, lang: Lang) -> Result<Vec<PathBuf>, Failure> {
    let bundle_err = |path: &Path, e: export::BundleError| io_failure(path, &e, lang);
    if !is_zip(out) {
        export::write_bundle(set, out).map_err(|e| bundle_err(out, e))?;
        return Ok(vec![out.to_path_buf()]);
    }
    // The bundle is written next to the zip in a work directory named like the zip, so
    // that the entries sit in a folder of that name, then packed, checked and removed.
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let work = parent.join(format!(".{stem}.durchblick-{}", std::process::id()));
    let dir = work.join(&stem);
    let result = (|| {
        create_dir(&dir, lang)?;
        export::write_bundle(set, &dir).map_err(|e| bundle_err(&dir, e))?;
        let report = export::verify_bundle(&dir).map_err(|e| bundle_err(&dir, e))?;
        if !report.is_ok() {
            return Err(io_failure(&dir, &report.describe(lang), lang));
        }
        write_file(out, lang, |w| {
            export::zip_bundle(&dir, set.created, w)
                .map(drop)
                .map_err(|e| e.to_string())
        })
    })();
    let _ = fs::remove_dir_all(&work);
    result.map(|()| vec![out.to_path_buf()])
}

/// `durchblick verify BUNDLE`: exit 0 if every file matches its checksum, else 6 with the
/// changed, missing and extra files.
pub async fn run_verify(args: &VerifyArgs, lang: Lang, json: bool) -> Result<(), Failure> {
    let dir = &args.bundle;
    if dir.is_file() && is_zip(dir) {
        return Err(Failure::new(
            code::USAGE,
            lang,
            format!(
                "{} ist eine Zip-Datei; bitte entpacken und das Verzeichnis prüfen.",
                dir.display()
            ),
            format!(
                "{} is a zip file; please unpack it and verify the directory.",
                dir.display()
            ),
        ));
    }
    let report = export::verify_bundle(dir).map_err(|e| {
        Failure::new(
            code::DATA,
            lang,
            format!("{} kann nicht geprüft werden: {e}", dir.display()),
            format!("Cannot verify {}: {e}", dir.display()),
        )
    })?;
    if json {
        print_json(
            &serde_json::json!({
                "ok": report.is_ok(),
                "checked": report.checked,
                "changed": report.changed,
                "missing": report.missing,
                "extra": report.extra,
            }),
            lang,
        )?;
    }
    if report.is_ok() {
        if !json {
            let (de, en) = (
                format!("In Ordnung: alle {} Dateien unverändert.", report.checked),
                format!("OK: all {} files unchanged.", report.checked),
            );
            println!("{}", lang.pick(&de, &en));
        }
        return Ok(());
    }
    let mut lines = vec![lang
        .pick(
            "Das Paket wurde verändert oder ist unvollständig:",
            "The bundle was changed or is incomplete:",
        )
        .to_string()];
    let groups = [
        (lang.pick("verändert", "changed"), &report.changed),
        (lang.pick("fehlt", "missing"), &report.missing),
        (lang.pick("zusätzlich", "extra"), &report.extra),
    ];
    for (what, files) in groups {
        lines.extend(files.iter().map(|f| format!("  {what}: {f}")));
    }
    Err(Failure {
        code: code::DATA,
        message: lines.join("\n"),
    })
}

fn outcome_json(o: &WriteOutcome) -> serde_json::Value {
    serde_json::json!({
        "inserted": o.inserted,
        "unchanged": o.unchanged,
        "new_conflicts": o.new_conflicts,
        "known_conflicts": o.known_conflicts,
    })
}

/// `durchblick import FILE.xml`: reads and validates the file before the archive is
/// opened, so a bad file never touches (or creates) the archive.
pub async fn run_import(args: &ImportArgs, lang: Lang, json: bool) -> Result<(), Failure> {
    let import_failure = |e: archive_io::ImportError| Failure {
        code: code::DATA,
        message: e.message(lang),
    };
    let doc = archive_io::read_for_import(&args.file).map_err(import_failure)?;
    let path = crate::archive_path(args.archive.as_deref(), lang)?;
    let db = Archive::open(&path)
        .await
        .map_err(|e| Failure::archive(&e, lang))?;
    let report = archive_io::import_ar2418(&db, &doc, Utc::now()).await;
    db.close().await;
    let report = report.map_err(import_failure)?;
    if json {
        return print_json(
            &serde_json::json!({
                "gateways": report.gateways,
                "customers": report.customers,
                "usage_points": report.usage_points,
                "contracts_added": report.contracts_added,
                "channels": report.channels,
                "readings": outcome_json(&report.readings),
                "log": outcome_json(&report.log),
                "log_without_number": report.log_without_number,
                "warnings": report.warnings.iter().map(|f| f.code).collect::<Vec<_>>(),
            }),
            lang,
        );
    }
    let r = &report.readings;
    let l = &report.log;
    let (de, en) = (
        format!(
            "Importiert nach {}:\n  Messwerte: {} neu, {} schon vorhanden, {} abweichend (als Konflikt gespeichert)\n  Logbuch: {} neu, {} schon vorhanden, {} abweichend\n  Gateway {}, Kunde {}, {} Kanäle, {} neue Verträge",
            path.display(),
            r.inserted, r.unchanged, r.new_conflicts + r.known_conflicts,
            l.inserted, l.unchanged, l.new_conflicts + l.known_conflicts,
            report.gateways.join(", "), report.customers.join(", "), report.channels, report.contracts_added,
        ),
        format!(
            "Imported into {}:\n  values: {} new, {} already there, {} different (kept as conflicts)\n  logbook: {} new, {} already there, {} different\n  gateway {}, customer {}, {} channels, {} new contracts",
            path.display(),
            r.inserted, r.unchanged, r.new_conflicts + r.known_conflicts,
            l.inserted, l.unchanged, l.new_conflicts + l.known_conflicts,
            report.gateways.join(", "), report.customers.join(", "), report.channels, report.contracts_added,
        ),
    );
    println!("{}", lang.pick(&de, &en));
    if !report.warnings.is_empty() {
        let (de, en) = (
            format!(
                "  {} Hinweise der Prüfung (Datei trotzdem importiert):",
                report.warnings.len()
            ),
            format!(
                "  {} warnings from the check (file imported anyway):",
                report.warnings.len()
            ),
        );
        println!("{}", lang.pick(&de, &en));
        for f in report.warnings.iter().take(10) {
            println!("    {}: {}", f.code, f.message(lang));
        }
    }
    if report.log_without_number > 0 {
        let (de, en) = (
            format!(
                "  {} Logbucheinträge ohne Satznummer übersprungen.",
                report.log_without_number
            ),
            format!(
                "  {} logbook entries without record number skipped.",
                report.log_without_number
            ),
        );
        println!("{}", lang.pick(&de, &en));
    }
    Ok(())
}

/// The archived original value list a supplier's tariff file bills (`durchblick bill
/// --archive`), as an AR 2418-6 device document.
pub async fn device_from_archive(
    archive: Option<&Path>,
    supplier: &archive_io::ar2418::UsagePoints,
    lang: Lang,
) -> Result<archive_io::ar2418::UsagePoints, Failure> {
    let path = crate::archive_path(archive, lang)?;
    let db = Archive::open_existing(&path)
        .await
        .map_err(|e| Failure::archive(&e, lang))?;
    let doc =
        archive_io::device_for_supplier(&db, supplier, None, None, Utc::now().trunc_subsecs(0))
            .await;
    db.close().await;
    doc.map_err(|e| Failure {
        code: code::DATA,
        message: e.message(lang),
    })
}
