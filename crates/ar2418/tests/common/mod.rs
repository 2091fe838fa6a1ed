//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The TRuDI reference data directory.
pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/trudi-data"
    ))
}

/// Path of one reference file, e.g. `data("models/taf7_oml_1.xml")`.
pub fn data(rel: &str) -> PathBuf {
    data_dir().join(rel)
}

/// Every XML file under the reference data, sorted.
pub fn all_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["models", "taf1", "taf2", "supplier-examples"] {
        let dir = data_dir().join(sub);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reference data missing at {}: {e}", dir.display()));
        for e in entries {
            let p = e.expect("directory entry").path();
            if p.extension().is_some_and(|x| x == "xml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Reads a reference file, panicking with the file name on error.
pub fn load(rel: &str) -> ar2418::UsagePoints {
    ar2418::read_file(data(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
