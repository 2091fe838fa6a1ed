//! `export`, `verify` and `import`: the archive into files and AR 2418-6 files into the
//! archive. The work is done by `archive-io` (with `archive`, `export` and `ar2418`); this
//! module parses the command line, picks file names and reports in German or English.

use std::path::{Path, PathBuf};

use archive_io::archive::{Archive, WriteOutcome};
use archive_io::export::files::Format;
use archive_io::export::{self, CsvVariant};
use archive_io::{ExportError, Selection};
use chrono::{DateTime, SubsecRound, Utc};
use clap::{Args, ValueEnum};
use smgw_model::Lang;

use crate::failure::{code, CliProblem, Failure};

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
    let set = durchblick_core::archived::export_set(&path, &sel).await;
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
    let variant = match args.csv {
        CsvArg::German => CsvVariant::German,
        CsvArg::International => CsvVariant::International,
    };
    let format = match args.format {
        ExportFormat::Xml => Format::Xml,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv(variant),
        ExportFormat::Charts => Format::Charts,
        ExportFormat::Bundle => Format::Bundle,
    };
    let files = export::files::write(&set, format, out, lang)
        .map_err(|e| Failure {
            code: code::DATA,
            message: e.message(lang),
        })?
        .paths;
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

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// `durchblick verify BUNDLE`: exit 0 if every file matches its checksum, else 6 with the
/// changed, missing and extra files.
pub async fn run_verify(args: &VerifyArgs, lang: Lang, json: bool) -> Result<(), Failure> {
    let dir = &args.bundle;
    if dir.is_file() && is_zip(dir) {
        return Err(CliProblem::ZipGiven { path: dir.clone() }.failure(lang));
    }
    let report = export::verify_bundle(dir).map_err(|e| {
        CliProblem::CannotVerify {
            path: dir.clone(),
            reason: e.to_string(),
        }
        .failure(lang)
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
