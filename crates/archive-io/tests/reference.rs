//! Every device file of TRuDI's reference set: files with validator errors are refused
//! without writing; the others import, export with the same values and re-import unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ar2418::{IntervalReading, UsagePoints};
use archive::Archive;
use archive_io::{export_set, import_ar2418, usage_points, ImportError, Selection};
use chrono::Utc;
use common::*;

const NOW: &str = "2026-01-01T12:00:00Z";

type Key = (String, String, String);
type Value = (
    i64,
    Option<i64>,
    Option<u8>,
    Option<String>,
    Option<Vec<u8>>,
);

fn value(r: &IntervalReading) -> Value {
    (
        r.effective_time().unwrap().with_timezone(&Utc).timestamp(),
        r.value,
        r.ptb_status().map(|p| p.code()),
        r.status_fnn.as_ref().map(|s| s.trim().to_ascii_uppercase()),
        r.signature.clone(),
    )
}

/// Values per (usage point, OBIS, meter), sorted by time, the first of equal times kept
/// (the archive keeps the first and records a differing repeat as a conflict).
fn values(doc: &UsagePoints) -> BTreeMap<Key, Vec<Value>> {
    let mut out: BTreeMap<Key, Vec<Value>> = BTreeMap::new();
    for up in &doc.usage_points {
        for mr in &up.meter_readings {
            // The channel name: qualifiedLogicalName, else obisCode and meterId.
            let rt = mr.reading_type.as_ref().unwrap();
            let name = rt
                .qualified_logical_name
                .as_deref()
                .and_then(|q| q.parse::<smgw_model::ChannelName>().ok())
                .unwrap_or_else(|| {
                    smgw_model::ChannelName::new(
                        mr.obis_id().unwrap(),
                        mr.meter_id.clone().unwrap().trim(),
                    )
                });
            let key = (
                up.usage_point_id.clone().unwrap_or_default(),
                archive_io::database_of(mr).wire_name().to_string(),
                name.to_string(),
            );
            out.entry(key).or_default().extend(mr.readings().map(value));
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|x| x.0);
        v.dedup_by_key(|x| x.0);
    }
    out
}

fn device_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["models", "taf1", "taf2"] {
        let dir = std::path::Path::new(REFERENCE).join("trudi-data").join(sub);
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "xml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[tokio::test]
async fn every_reference_device_file_round_trips_or_is_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut imported, mut refused) = (0, 0);
    for (n, file) in device_files().into_iter().enumerate() {
        let name = file.display().to_string();
        let doc = ar2418::read_file(&file).unwrap();
        if doc.is_supplier_file() {
            continue;
        }
        let db = Archive::open(dir.path().join(format!("{n}.sqlite")))
            .await
            .unwrap();
        let result = import_ar2418(&db, &doc, t(NOW)).await;
        if ar2418::has_errors(&ar2418::validate(&doc)) {
            assert!(matches!(result, Err(ImportError::Invalid { .. })), "{name}");
            let d = dump(&db).await;
            assert!(
                d.channels.is_empty() && d.logs.is_empty(),
                "{name}: wrote something"
            );
            refused += 1;
            continue;
        }
        let report = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        imported += 1;
        let set = export_set(&db, &Selection::default(), t(NOW))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let ours = usage_points(&set).unwrap_or_else(|e| panic!("{name}: {e}"));
        let theirs = values(&doc);
        let mine = values(&ours);
        assert_eq!(mine.len(), theirs.len(), "{name}: channels");
        for ((k, a), (l, b)) in mine.iter().zip(&theirs) {
            assert_eq!(k, l, "{name}");
            assert_same(a, b);
        }
        assert_eq!(
            set.log.len() as u64,
            report.log.inserted,
            "{name}: log entries"
        );
        // Our file of it imports into a fresh archive with identical contents, and back into
        // the first without a change.
        let xml = dir.path().join(format!("{n}.xml"));
        ar2418::write_file(&ours, &xml).unwrap();
        let fresh = Archive::open(dir.path().join(format!("{n}-b.sqlite")))
            .await
            .unwrap();
        import_ar2418(&fresh, &ar2418::read_file(&xml).unwrap(), t(NOW))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            dump(&fresh).await == dump(&db).await,
            "{name}: fresh archive differs"
        );
        let again = import_ar2418(&db, &ours, t(NOW)).await.unwrap();
        assert_eq!(
            again.readings.inserted + again.readings.new_conflicts,
            0,
            "{name}"
        );
        assert_eq!(again.log.inserted + again.log.new_conflicts, 0, "{name}");
    }
    eprintln!("imported {imported}, refused {refused}");
    assert!(imported >= 20, "{imported}");
}
