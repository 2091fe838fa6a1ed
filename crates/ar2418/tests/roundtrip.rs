//! Writer round trip over every reference file: the output validates against the XSD
//! (with xmllint) and reads back to the same data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use ar2418::{read_file, write_file, GENERATOR_VERSION};

fn schema_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/ar2418-6"
    ))
}

/// Validates files against the XSD with xmllint (offline, through the catalog).
fn xmllint(files: &[PathBuf]) {
    let dir = schema_dir();
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", dir.join("catalog.xml"))
        .arg("--nonet")
        .arg("--noout")
        .arg("--schema")
        .arg(dir.join("AR_2418-6.xsd"))
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "xmllint is needed for this test but could not be run ({e}); \
                 install it with `apt-get install libxml2-utils`"
            )
        });
    assert!(
        out.status.success(),
        "xmllint rejected the written files:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn every_reference_file_round_trips_and_validates() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut written = Vec::new();
    for (i, src) in common::all_files().iter().enumerate() {
        let mut original = read_file(src).unwrap_or_else(|e| panic!("{}: {e}", name(src)));
        let dst = tmp.path().join(format!("{i:02}-{}", name(src)));
        write_file(&original, &dst).expect("write");
        let back = read_file(&dst).unwrap_or_else(|e| panic!("re-reading {}: {e}", name(src)));
        // The writer adds a GeneratorVersion where the source had none.
        if original.generator_version.is_none() {
            original.generator_version = Some(GENERATOR_VERSION.to_string());
        }
        assert!(back == original, "{} changed in the round trip", name(src));
        written.push(dst);
    }
    assert_eq!(written.len(), 80);
    xmllint(&written);
}

#[test]
fn written_file_keeps_signatures_status_words_and_offsets() {
    let mut doc = common::load("models/IF_Adapter_TRuDI_DatenTAF7.xml");
    {
        let r = &mut doc.usage_points[0].meter_readings[0].interval_blocks[0].readings[0];
        r.signature = Some(vec![0xde, 0xad, 0xbe, 0xef]);
        r.status_fnn = Some("A004000020000000".into());
        r.status_ptb = None;
    }
    doc.generator_version = Some("test <&> \"1\"".into());
    let xml = ar2418::to_xml_string(&doc);
    assert!(xml.contains("<signature>DEADBEEF</signature>"), "{xml}");
    assert!(xml.contains("<statusFNN>A004000020000000</statusFNN>"));
    assert!(xml.contains("<start>2017-06-26T11:30:00+02:00</start>"));
    assert!(xml.contains("<GeneratorVersion>test &lt;&amp;&gt; &quot;1&quot;</GeneratorVersion>"));
    let back = ar2418::read_str(&xml).expect("reads back");
    assert_eq!(back, doc);
    let r = back.usage_points[0].meter_readings[0]
        .readings()
        .next()
        .expect("reading");
    assert_eq!(r.ptb_status().map(|s| s.code()), Some(2));
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("signed.xml");
    write_file(&doc, &path).expect("write");
    xmllint(&[path]);
}
