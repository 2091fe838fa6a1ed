//! The decommissioning bundle: contents, checksums, tamper detection, schema validity.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{synthetic_set, t};
use export::bundle::{Manifest, SHA256_FILE};
use export::{verify_bundle, write_bundle, BundleError};

const XSD_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/ar2418-6"
);

fn xmllint_validate(file: &Path) {
    let xsd = format!("{XSD_DIR}/AR_2418-6.xsd");
    let catalog = format!("{XSD_DIR}/catalog.xml");
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", &catalog)
        .args(["--nonet", "--noout", "--schema", &xsd])
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint could not be run ({e}); install it (Debian: apt-get install libxml2-utils)")
        });
    assert!(
        out.status.success(),
        "{} does not validate against the XSD:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn flip_byte(path: &Path, at: usize) -> Vec<u8> {
    let original = fs::read(path).unwrap();
    assert!(!original.is_empty(), "{}", path.display());
    let mut changed = original.clone();
    let i = at % changed.len();
    changed[i] ^= 0x01;
    fs::write(path, &changed).unwrap();
    original
}

#[test]
fn year_bundle_verifies_validates_and_detects_changes() {
    let set = synthetic_set(t("2017-01-01T00:00:00+01:00"), 35_040, 3_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    let manifest = write_bundle(&set, &dir).unwrap();

    let paths: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "ar2418-6.xml",
        "csv/values-de.csv",
        "csv/values-intl.csv",
        "csv/log-de.csv",
        "csv/log-intl.csv",
        "export.json",
        "tariff-profiles.txt",
        "charts/01-01-load-curve-de.svg",
        "charts/01-01-daily-en.svg",
        "charts/01-02-monthly-de.svg",
        "charts/01-01-import-export-en.svg",
        "raw/user-info.json",
        "raw/_readings_2017_01.json",
        "index.html",
    ] {
        assert!(paths.contains(&p), "{p} missing in {paths:?}");
    }
    let on_disk: Manifest =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(on_disk, manifest);
    assert_eq!(
        fs::read(dir.join("raw/_readings_2017_01.json")).unwrap(),
        set.raw_responses[1].bytes,
        "raw responses are kept byte for byte"
    );

    let report = verify_bundle(&dir).unwrap();
    assert!(report.is_ok(), "{report:?}");
    // MANIFEST.sha256 also covers manifest.json.
    assert_eq!(report.checked, manifest.files.len() + 1);

    // The same check with the standard tool, where it is installed.
    if let Ok(out) = Command::new("sha256sum")
        .args(["-c", "--quiet", SHA256_FILE])
        .current_dir(&dir)
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    // The XML: schema-valid, readable, complete and exact.
    let xml = dir.join("ar2418-6.xml");
    xmllint_validate(&xml);
    let doc = ar2418::read_file(&xml).unwrap();
    let findings = ar2418::validate(&doc);
    assert!(!ar2418::has_errors(&findings), "{findings:#?}");
    let up = &doc.usage_points[0];
    assert_eq!(up.log_entries.len(), 3_000);
    assert_eq!(up.meter_readings.len(), 2);
    let mr = &up.meter_readings[0];
    assert!(mr.is_original_value_list());
    assert_eq!(mr.reading_count(), 35_040);
    assert_eq!(
        mr.reading_type.as_ref().unwrap().measurement_period,
        Some(900)
    );
    let originals = &set.contracts[0].value_lists[0].readings;
    for (r, o) in mr.readings().zip(originals) {
        assert_eq!(r.value, Some(o.value.raw as i64));
        assert_eq!(
            r.target_time.unwrap().with_timezone(&chrono::Utc),
            o.target_time
        );
        assert_eq!(r.status_ptb, o.ptb().map(|p| p.code()));
        assert_eq!(r.signature, o.signature);
    }
    assert_eq!(mr.interval_blocks.len(), 365, "one block per local day");

    // The summary names the gateway in both languages and loads nothing from outside.
    let html = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("ethe0300004261"));
    assert!(html.contains("<section lang=\"de\"") && html.contains("<section lang=\"en\""));
    assert!(
        html.contains("3000 Einträge") && html.contains("3000 entries"),
        "log size shown"
    );
    assert!(html.contains("35040"), "reading count shown");
    for needle in ["<script", "<link", "src=\"http", "href=\"http", "url("] {
        assert!(!html.contains(needle), "index.html contains {needle}");
    }

    // One changed byte in a large file is found and named.
    for rel in [
        "ar2418-6.xml",
        "export.json",
        "csv/values-de.csv",
        "index.html",
    ] {
        let path = dir.join(rel);
        let original = flip_byte(&path, 123_457);
        let report = verify_bundle(&dir).unwrap();
        assert_eq!(report.changed, vec![rel.to_string()], "{rel}");
        assert!(report.missing.is_empty() && report.extra.is_empty());
        assert!(report.describe(smgw_model::Lang::En).contains(rel));
        fs::write(&path, original).unwrap();
    }
    assert!(verify_bundle(&dir).unwrap().is_ok());
}

#[test]
fn every_file_is_guarded() {
    let mut set = synthetic_set(t("2017-10-28T00:00:00+02:00"), 3 * 96, 50);
    // One gap of four missing quarter hours in the import register.
    set.contracts[0].value_lists[0].readings.drain(10..14);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let manifest = write_bundle(&set, dir).unwrap();
    assert!(verify_bundle(dir).unwrap().is_ok());
    xmllint_validate(&dir.join("ar2418-6.xml"));
    let html = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        html.contains("<td>1 (4)</td>"),
        "gap and missing values shown"
    );
    assert!(
        html.contains("<td>0 (0)</td>"),
        "the export register has none"
    );

    for (i, f) in manifest.files.iter().enumerate() {
        let path = dir.join(&f.path);
        let original = flip_byte(&path, i * 7919 + 11);
        let report = verify_bundle(dir).unwrap();
        assert_eq!(report.changed, vec![f.path.clone()]);
        assert!(!report.is_ok());
        fs::write(&path, original).unwrap();
    }
    assert!(verify_bundle(dir).unwrap().is_ok());

    // A removed file is missing, an added one is extra.
    let victim = dir.join("csv/log-intl.csv");
    let kept = fs::read(&victim).unwrap();
    fs::remove_file(&victim).unwrap();
    fs::write(dir.join("charts/added.svg"), "<svg/>").unwrap();
    let report = verify_bundle(dir).unwrap();
    assert_eq!(report.missing, vec!["csv/log-intl.csv".to_string()]);
    assert_eq!(report.extra, vec!["charts/added.svg".to_string()]);
    assert!(report.changed.is_empty());
    let text = report.describe(smgw_model::Lang::De);
    assert!(
        text.contains("fehlt: csv/log-intl.csv") && text.contains("charts/added.svg"),
        "{text}"
    );
    fs::write(&victim, kept).unwrap();
    fs::remove_file(dir.join("charts/added.svg")).unwrap();
    assert!(verify_bundle(dir).unwrap().is_ok());

    // A changed checksum list names the file whose checksum no longer matches.
    let sums_path = dir.join(SHA256_FILE);
    let sums = fs::read_to_string(&sums_path).unwrap();
    let first_line = sums.lines().next().unwrap();
    let forged = format!(
        "{}{}",
        if first_line.starts_with('0') {
            "1"
        } else {
            "0"
        },
        &first_line[1..]
    );
    fs::write(&sums_path, sums.replacen(first_line, &forged, 1)).unwrap();
    let report = verify_bundle(dir).unwrap();
    assert_eq!(report.changed, vec![manifest.files[0].path.clone()]);

    // Paths that leave the bundle are refused, not followed.
    fs::write(&sums_path, format!("{}  ../outside\n", "0".repeat(64))).unwrap();
    assert!(matches!(
        verify_bundle(dir),
        Err(BundleError::BadManifestLine { line: 1, .. })
    ));
    fs::remove_file(&sums_path).unwrap();
    assert!(matches!(
        verify_bundle(dir),
        Err(BundleError::NoManifest(_))
    ));

    // A bundle is only written into an empty directory.
    assert!(matches!(
        write_bundle(&set, dir),
        Err(BundleError::NotEmpty(_))
    ));
}

#[test]
fn zipped_bundle_unpacks_with_unzip_and_verifies() {
    let set = synthetic_set(t("2017-10-28T00:00:00+02:00"), 3 * 96, 50);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("smgw-ethe0300004261");
    let manifest = write_bundle(&set, &dir).unwrap();
    let zip_path = tmp.path().join("bundle.zip");
    let entries =
        export::zip_bundle(&dir, set.created, fs::File::create(&zip_path).unwrap()).unwrap();
    // Every file, manifest.json and MANIFEST.sha256.
    assert_eq!(entries, manifest.files.len() + 2);

    let unzip = |args: &[&str]| {
        let out = Command::new("unzip")
            .args(args)
            .arg(&zip_path)
            .current_dir(tmp.path())
            .output()
            .unwrap_or_else(|e| {
                panic!("unzip could not be run ({e}); install it (Debian: apt-get install unzip)")
            });
        assert!(
            out.status.success(),
            "unzip {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let test_output = unzip(&["-t"]);
    assert!(test_output.contains("No errors detected"), "{test_output}");
    let listing = unzip(&["-Z", "-1"]);
    assert!(
        listing
            .lines()
            .any(|l| l == "smgw-ethe0300004261/ar2418-6.xml"),
        "{listing}"
    );

    let unpacked = tmp.path().join("unpacked");
    fs::create_dir(&unpacked).unwrap();
    unzip(&["-q", "-d", "unpacked"]);
    let copy = unpacked.join("smgw-ethe0300004261");
    let report = verify_bundle(&copy).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.checked, manifest.files.len() + 1);
    for f in &manifest.files {
        assert_eq!(
            fs::read(copy.join(&f.path)).unwrap(),
            fs::read(dir.join(&f.path)).unwrap()
        );
    }
}
