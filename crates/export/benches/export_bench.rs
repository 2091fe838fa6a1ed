//! Figures for the export paths (`cargo bench -p export`): prints medians, and fails if a
//! budget is exceeded (a year of one channel as XML ≤ 1 s; a chart of 35,000 points
//! ≤ 100 ms).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use export::{load_curve_svg, to_usage_points, write_bundle, zip_bundle, ChartOptions};
use smgw_model::Unit;

fn median(mut f: impl FnMut() -> usize, runs: usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        size = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[runs / 2], size)
}

fn main() {
    let mut set = common::synthetic_set(common::t("2017-01-01T00:00:00+01:00"), 35_040, 0);
    set.contracts[0].value_lists.truncate(1);
    let mut failed = false;

    let (xml, size) = median(
        || {
            let doc = to_usage_points(&set).expect("synthetic data fits AR 2418-6");
            let mut out = Vec::with_capacity(32 << 20);
            ar2418::write(&doc, &mut out).expect("writing into memory");
            out.len()
        },
        5,
    );
    println!(
        "XML, one channel, 35,040 values: {:.1} ms ({:.1} MB)",
        xml.as_secs_f64() * 1e3,
        size as f64 / 1e6
    );
    failed |= xml > Duration::from_secs(1);

    let series = set.contracts[0].value_lists[0].series();
    let (chart, size) = median(
        || {
            load_curve_svg(&series, Unit::WattHour, &ChartOptions::default())
                .expect("chart of synthetic data")
                .len()
        },
        11,
    );
    println!(
        "load curve, 35,040 values → 2,000 points: {:.1} ms ({} kB SVG)",
        chart.as_secs_f64() * 1e3,
        size / 1000
    );
    failed |= chart > Duration::from_millis(100);

    let full = common::synthetic_set(common::t("2017-01-01T00:00:00+01:00"), 35_040, 3_000);
    let (bundle, files) = median(
        || {
            let tmp = tempfile::tempdir().expect("temporary directory");
            write_bundle(&full, &tmp.path().join("b"))
                .expect("bundle")
                .files
                .len()
        },
        3,
    );
    println!(
        "bundle, 2 channels × 35,040 values, 3,000 log entries: {:.0} ms ({files} files)",
        bundle.as_secs_f64() * 1e3
    );
    let tmp = tempfile::tempdir().expect("temporary directory");
    let dir = tmp.path().join("b");
    write_bundle(&full, &dir).expect("bundle");
    let (zip, size) = median(
        || {
            let mut out = Vec::new();
            zip_bundle(&dir, full.created, &mut out).expect("zip");
            out.len()
        },
        3,
    );
    println!(
        "zip of that bundle: {:.0} ms ({:.1} MB)",
        zip.as_secs_f64() * 1e3,
        size as f64 / 1e6
    );

    if failed {
        eprintln!("a budget was exceeded");
        std::process::exit(1);
    }
}
