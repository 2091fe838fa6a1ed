//! `durchblick import`, `export` and `verify` on the real TRuDI export
//! `TAF-7-Ablesung_Jan_2018.xml` (2 original value lists × 2977 values, 3345 log entries).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");
const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference");

fn trudi_file() -> PathBuf {
    Path::new(REFERENCE).join("trudi-data/supplier-examples/TAF-7-Ablesung_Jan_2018.xml")
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN)
        .args(["--lang", "en"])
        .args(args)
        .env_remove("DURCHBLICK_ARCHIVE")
        .output()
        .expect("binary runs")
}

macro_rules! os {
    ($($a:expr),* $(,)?) => { &[$(std::ffi::OsStr::new($a)),*] };
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    text(&out.stdout)
}

fn xmllint_validate(file: &Path) {
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", format!("{REFERENCE}/ar2418-6/catalog.xml"))
        .args(["--nonet", "--noout", "--schema"])
        .arg(format!("{REFERENCE}/ar2418-6/AR_2418-6.xsd"))
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint could not be run ({e}); install it (Debian: apt-get install libxml2-utils)")
        });
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Imports the TRuDI file into a new archive in `dir`.
fn imported(dir: &Path) -> PathBuf {
    let db = dir.join("archive.sqlite");
    let out = run(os![
        "--json",
        "import",
        trudi_file().as_os_str(),
        "--archive",
        db.as_os_str()
    ]);
    let v: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["readings"]["inserted"], 2 * 2977);
    assert_eq!(v["log"]["inserted"], 3345);
    assert_eq!(v["gateways"][0], "EXXX0012345678");
    db
}

#[test]
fn import_then_export_every_format_with_the_file_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported(dir.path());
    let archive = db.as_os_str();

    // Importing again adds nothing.
    let again = ok(&run(os![
        "import",
        trudi_file().as_os_str(),
        "--archive",
        archive
    ]));
    assert!(
        again.contains("values: 0 new, 5954 already there, 0 different"),
        "{again}"
    );
    assert!(
        again.contains("logbook: 0 new, 3345 already there, 0 different"),
        "{again}"
    );

    // XML: schema-valid and the same values as the TRuDI file.
    let xml = dir.path().join("out.xml");
    let summary = ok(&run(os![
        "export",
        "xml",
        "--archive",
        archive,
        "--out",
        xml.as_os_str()
    ]));
    assert!(
        summary.contains("Exported 5954 values of 1 contract(s) and 3345 logbook entries"),
        "{summary}"
    );
    xmllint_validate(&xml);
    let theirs = archive_io::ar2418::read_file(trudi_file()).unwrap();
    let ours = archive_io::ar2418::read_file(&xml).unwrap();
    for mr in &theirs.usage_points[0].meter_readings {
        let mine = ours.usage_points[0]
            .meter_readings
            .iter()
            .find(|m| m.obis_id() == mr.obis_id())
            .unwrap();
        let values = |m: &archive_io::ar2418::MeterReading| {
            m.readings()
                .map(|r| {
                    (
                        r.effective_time().unwrap().timestamp(),
                        r.value,
                        r.ptb_status(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(values(mine), values(mr));
    }

    // JSON parses back with every value.
    let json = dir.path().join("out.json");
    ok(&run(os![
        "export",
        "json",
        "--archive",
        archive,
        "--out",
        json.as_os_str()
    ]));
    let doc = archive_io::export::read_json(fs::File::open(&json).unwrap()).unwrap();
    // A directory as --out gets the bundle's file name.
    ok(&run(os![
        "export",
        "json",
        "--archive",
        archive,
        "--out",
        dir.path().as_os_str()
    ]));
    let again =
        archive_io::export::read_json(fs::File::open(dir.path().join("export.json")).unwrap())
            .unwrap();
    assert_eq!(again.contracts, doc.contracts);
    let counts: Vec<usize> = doc.contracts[0]
        .value_lists
        .iter()
        .map(|v| v.readings.len())
        .collect();
    assert_eq!(counts, vec![2977, 2977]);
    assert_eq!(doc.log.len(), 3345);

    // CSV, international: header plus one row per value; the time range narrows it.
    let csv = dir.path().join("csv");
    ok(&run(os![
        "export",
        "csv",
        "--csv",
        "international",
        "--archive",
        archive,
        "--out",
        csv.as_os_str()
    ]));
    let values = fs::read_to_string(csv.join("values-intl.csv")).unwrap();
    assert_eq!(
        values.split("\r\n").filter(|l| !l.is_empty()).count(),
        5954 + 1
    );
    // First value of 1.8.0: raw 100000 with scaler −4 = 10.0000 Wh, PTB status 0.
    let first = values.lines().nth(1).unwrap();
    assert!(first.contains(",2018-01-01T00:00:00+01:00,"), "{first}");
    assert!(first.contains(",10.0000,Wh,100000,-4,0,"), "{first}");
    let day = dir.path().join("day");
    ok(&run(os![
        "export",
        "csv",
        "--archive",
        archive,
        "--out",
        day.as_os_str(),
        "--from",
        "2018-01-10",
        "--to",
        "2018-01-11"
    ]));
    let de = fs::read_to_string(day.join("values-de.csv")).unwrap();
    assert!(de.starts_with('\u{feff}'));
    assert_eq!(
        de.split("\r\n").filter(|l| !l.is_empty()).count(),
        2 * 96 + 1
    );

    // Charts: a load curve and daily/monthly bars per energy register.
    let charts = dir.path().join("charts");
    ok(&run(os![
        "export",
        "charts",
        "--archive",
        archive,
        "--out",
        charts.as_os_str()
    ]));
    let svgs: Vec<_> = fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(svgs.len(), 6, "{svgs:?}");
    assert!(svgs
        .iter()
        .all(|p| fs::read_to_string(p).unwrap().contains("<svg")));
}

#[test]
fn bundles_verify_until_a_byte_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported(dir.path());
    let bundle = dir.path().join("bundle");
    ok(&run(os![
        "export",
        "bundle",
        "--archive",
        db.as_os_str(),
        "--out",
        bundle.as_os_str()
    ]));
    let verified = ok(&run(os!["verify", bundle.as_os_str()]));
    assert!(verified.starts_with("OK: all "), "{verified}");

    let victim = bundle.join("csv/values-de.csv");
    let mut bytes = fs::read(&victim).unwrap();
    let i = bytes.len() / 3;
    bytes[i] ^= 0x01;
    fs::write(&victim, bytes).unwrap();
    let out = run(os!["verify", bundle.as_os_str()]);
    assert_eq!(out.status.code(), Some(6));
    let err = text(&out.stderr);
    assert!(err.contains("changed: csv/values-de.csv"), "{err}");
    fs::write(bundle.join("extra.txt"), "x").unwrap();
    fs::remove_file(bundle.join("export.json")).unwrap();
    let out = run(os!["--json", "verify", bundle.as_os_str()]);
    assert_eq!(out.status.code(), Some(6));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["missing"][0], "export.json");
    assert_eq!(v["extra"][0], "extra.txt");

    // A zip bundle: one file, no work directory left behind.
    let zip = dir.path().join("zipped/bundle.zip");
    fs::create_dir(dir.path().join("zipped")).unwrap();
    ok(&run(os![
        "export",
        "bundle",
        "--archive",
        db.as_os_str(),
        "--out",
        zip.as_os_str()
    ]));
    assert!(fs::read(&zip).unwrap().starts_with(b"PK\x03\x04"));
    assert_eq!(fs::read_dir(dir.path().join("zipped")).unwrap().count(), 1);
}

#[test]
fn bad_files_are_refused_with_a_clear_message_and_leave_the_archive_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported(dir.path());
    let before = fs::read(&db).unwrap();
    let text_in = fs::read_to_string(trudi_file()).unwrap();
    let malformed = dir.path().join("malformed.xml");
    fs::write(&malformed, &text_in[..text_in.len() / 3]).unwrap();
    let doctype = dir.path().join("doctype.xml");
    fs::write(
        &doctype,
        text_in.replacen(
            "<UsagePoints",
            "<!DOCTYPE x [<!ENTITY a \"b\">]>\n<UsagePoints",
            1,
        ),
    )
    .unwrap();
    for (file, says) in [
        (&malformed, "not readable AR 2418-6 XML"),
        (&doctype, "DOCTYPE"),
    ] {
        let out = run(os!["import", file.as_os_str(), "--archive", db.as_os_str()]);
        assert_eq!(out.status.code(), Some(6));
        let err = text(&out.stderr);
        assert!(
            err.contains(says) && err.contains("Nothing was imported"),
            "{err}"
        );
        assert_eq!(fs::read(&db).unwrap(), before, "{}", file.display());
    }
    // A bad file does not even create a missing archive.
    let none = dir.path().join("none.sqlite");
    let out = run(os![
        "import",
        doctype.as_os_str(),
        "--archive",
        none.as_os_str()
    ]);
    assert_eq!(out.status.code(), Some(6));
    assert!(!none.exists());

    // Selections that match nothing are usage errors that name what exists.
    let out = run(os![
        "export",
        "xml",
        "--archive",
        db.as_os_str(),
        "--contract",
        "nope",
        "--out",
        dir.path().join("x.xml").as_os_str()
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("DE00056266802AO6G56M11SN51G21M24S"),
        "{}",
        text(&out.stderr)
    );
    // Export never creates an archive.
    let out = run(os![
        "export",
        "json",
        "--archive",
        none.as_os_str(),
        "--out",
        dir.path().join("y.json").as_os_str()
    ]);
    assert_eq!(out.status.code(), Some(6));
    assert!(!none.exists());
}
