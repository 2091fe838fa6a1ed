//! Parses AR 2418-6 files and prints how long it took (use `--release`).
//!
//! `cargo run --release -p ar2418 --example ar2418_bench -- FILE...`; without arguments the
//! large TRuDI export from the reference data is used.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::time::Instant;

fn main() {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        files.push(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/reference/trudi-data/supplier-examples/TAF-7-Ablesung_Jan_2018.xml"
            )
            .to_string(),
        );
    }
    for f in files {
        let size = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
        let mut best = f64::MAX;
        let mut result = None;
        for _ in 0..5 {
            let t = Instant::now();
            let r = ar2418::read_file(&f);
            best = best.min(t.elapsed().as_secs_f64());
            result = Some(r);
        }
        match result {
            Some(Ok(doc)) => {
                let t = Instant::now();
                let findings = ar2418::validate(&doc);
                let vt = t.elapsed().as_secs_f64();
                let readings: usize = doc
                    .usage_points
                    .iter()
                    .flat_map(|u| u.meter_readings.iter())
                    .map(|m| m.reading_count())
                    .sum();
                println!(
                    "{f}: {size} bytes, {readings} readings, read {:.1} ms ({:.0} MB/s), validate {:.1} ms, {} findings",
                    best * 1e3,
                    size as f64 / best / 1e6,
                    vt * 1e3,
                    findings.len()
                );
            }
            Some(Err(e)) => println!("{f}: error: {e}"),
            None => {}
        }
    }
}
