//! Every file of the TRuDI reference data parses.

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
