//! Every file of the TRuDI reference data parses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

#[test]
fn every_reference_file_parses() {
    let files = common::all_files();
    assert_eq!(files.len(), 80, "the reference README promises 80 files");
    for f in &files {
        let doc = ar2418::read_file(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(!doc.usage_points.is_empty(), "{}", f.display());
    }
}

#[test]
fn large_trudi_export_parses_quickly_and_completely() {
    let path = common::data("supplier-examples/TAF-7-Ablesung_Jan_2018.xml");
    let start = std::time::Instant::now();
    let doc = ar2418::read_file(&path).expect("parses");
    let elapsed = start.elapsed();
    // Release builds take about 20 ms (see the ar2418_bench example); unoptimised test
    // builds about ten times that. The bounds leave room for a busy CI machine.
    let budget = if cfg!(debug_assertions) { 3.0 } else { 0.5 };
    eprintln!("TAF-7-Ablesung_Jan_2018.xml read in {elapsed:?}");
    assert!(elapsed.as_secs_f64() < budget, "took {elapsed:?}");

    let up = &doc.usage_points[0];
    assert_eq!(up.log_entries.len(), 3345);
    let lists: Vec<_> = up.meter_readings.iter().collect();
    assert_eq!(lists.len(), 2);
    let mut short: Vec<String> = lists
        .iter()
        .map(|m| m.obis_id().expect("obis").short())
        .collect();
    short.sort();
    assert_eq!(short, ["1.8.0", "2.8.0"]);
    let mut seen = std::collections::BTreeSet::new();
    for m in &lists {
        assert!(m.is_original_value_list());
        assert_eq!(m.scaler(), -4);
        assert_eq!(m.reading_count(), 2977);
        let a = ar2418::analyze(m);
        assert_eq!(a.period, Some(900));
        seen.extend(
            m.readings()
                .filter_map(|r| r.ptb_status())
                .map(|s| s.code()),
        );
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), [0, 1, 2, 3]);
}
