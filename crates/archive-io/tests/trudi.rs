//! The real TRuDI export `TAF-7-Ablesung_Jan_2018.xml` through the archive and back, and
//! files that must be refused without touching the archive.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::fs;
use std::path::Path;

use archive::Archive;
use archive_io::{export_set, import_ar2418, import_file, usage_points, ImportError, Selection};
use chrono::Utc;
use common::*;

const NOW: &str = "2026-01-01T12:00:00Z";

async fn archive_at(path: &Path) -> Archive {
    Archive::open(path).await.unwrap()
}

#[tokio::test]
async fn trudi_file_imports_exports_and_reimports_identically() {
    let dir = tempfile::tempdir().unwrap();
    let db = archive_at(&dir.path().join("a.sqlite")).await;
    let original = ar2418::read_file(trudi_file()).unwrap();

    let report = import_file(&db, trudi_file(), t(NOW)).await.unwrap();
    assert_eq!(report.gateways, vec!["EXXX0012345678".to_string()]);
    assert_eq!(report.customers, vec!["44332211".to_string()]);
    assert_eq!(report.channels, 2);
    assert_eq!(report.readings.inserted, 2 * 2977);
    assert_eq!(report.log.inserted, 3345);
    assert_eq!(report.contracts_added, 1);
    assert_eq!(report.snapshots_added, 1);

    // Export: the same values, times, statuses and log entries as the TRuDI file.
    let set = export_set(&db, &Selection::default(), t(NOW))
        .await
        .unwrap();
    assert_eq!(set.customer_id.as_deref(), Some("44332211"));
    assert_eq!(set.contracts.len(), 1);
    assert_eq!(set.log.len(), 3345);
    let doc = usage_points(&set).unwrap();
    let (a, b) = (&original.usage_points[0], &doc.usage_points[0]);
    assert_eq!(b.usage_point_id, a.usage_point_id);
    assert_eq!(b.customer_id, a.customer_id);
    assert_eq!(b.invoicing_party_id, a.invoicing_party_id);
    assert_eq!(b.tariff_name, a.tariff_name);
    assert_eq!(b.smgw.as_ref().unwrap().smgw_id, "EXXX0012345678");
    assert_eq!(
        b.certificates
            .iter()
            .map(|c| (&c.content, c.cert_type))
            .collect::<Vec<_>>(),
        a.certificates
            .iter()
            .map(|c| (&c.content, c.cert_type))
            .collect::<Vec<_>>()
    );
    assert_eq!(b.meter_readings.len(), 2);
    for mr in &a.meter_readings {
        let mine = b
            .meter_readings
            .iter()
            .find(|m| m.obis_id() == mr.obis_id())
            .expect("channel exported");
        assert_eq!(mine.scaler(), mr.scaler());
        assert_eq!(mine.meter_id, mr.meter_id);
        assert_eq!(mine.reading_type.as_ref().unwrap().uom, Some(72));
        assert_eq!(
            mine.reading_type.as_ref().unwrap().measurement_period,
            Some(900)
        );
        let key = |r: &ar2418::IntervalReading| {
            (
                r.effective_time().unwrap().with_timezone(&Utc),
                r.capture_time().map(|c| c.with_timezone(&Utc)),
                r.value,
                r.ptb_status(),
            )
        };
        let theirs: Vec<_> = mr.readings().map(key).collect();
        let ours: Vec<_> = mine.readings().map(key).collect();
        assert_eq!(theirs.len(), 2977);
        assert_same(&ours, &theirs);
    }
    let log_key = |e: &ar2418::LogEntry| {
        let ev = e.event().unwrap();
        (
            e.record_number,
            ev.level,
            ev.text.clone(),
            ev.outcome,
            ev.timestamp.map(|t| t.with_timezone(&Utc)),
        )
    };
    // The archive keeps the logbook by record number; TRuDI's file is not sorted by it.
    let mut theirs: Vec<_> = a.log_entries.iter().map(log_key).collect();
    theirs.sort_by_key(|k| k.0);
    assert_eq!(theirs.len(), 3345);
    assert_same(
        &b.log_entries.iter().map(log_key).collect::<Vec<_>>(),
        &theirs,
    );

    // The written file validates against the XSD and with our validator.
    let xml = dir.path().join("export.xml");
    ar2418::write_file(&doc, &xml).unwrap();
    xmllint_validate(&xml);
    let back = ar2418::read_file(&xml).unwrap();
    assert!(!ar2418::has_errors(&ar2418::validate(&back)));

    // Re-importing the TRuDI file, and importing our own export of it, changes nothing.
    let before = dump(&db).await;
    for file in [trudi_file(), xml.clone()] {
        let again = import_file(&db, &file, t(NOW)).await.unwrap();
        assert_eq!(again.readings.inserted, 0, "{}", file.display());
        assert_eq!(again.readings.unchanged, 2 * 2977);
        assert_eq!(again.readings.new_conflicts, 0);
        assert_eq!(again.log.inserted, 0);
        assert_eq!(again.log.unchanged, 3345);
        assert_eq!(again.log.new_conflicts, 0);
        assert_eq!(
            (
                again.contracts_added,
                again.snapshots_added,
                again.details_added
            ),
            (0, 0, 0)
        );
    }
    assert!(dump(&db).await == before, "archive changed by a re-import");
    assert_eq!(
        db.gateway_snapshots(db.gateways().await.unwrap()[0].id)
            .await
            .unwrap()
            .len(),
        1
    );

    // Our export into a fresh archive gives the same readings and log entries.
    let fresh = archive_at(&dir.path().join("b.sqlite")).await;
    import_file(&fresh, &xml, t(NOW)).await.unwrap();
    let other = dump(&fresh).await;
    assert_eq!(other.reading_count(), 2 * 2977);
    assert_eq!(other.log_count(), 3345);
    assert!(other == before, "fresh archive differs");
}

#[tokio::test]
async fn a_changed_value_becomes_a_conflict_not_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let db = archive_at(&dir.path().join("a.sqlite")).await;
    let mut doc = ar2418::read_file(trudi_file()).unwrap();
    import_ar2418(&db, &doc, t(NOW)).await.unwrap();
    let before = dump(&db).await;

    let r = &mut doc.usage_points[0].meter_readings[0].interval_blocks[0].readings[5];
    r.value = r.value.map(|v| v + 1);
    let report = import_ar2418(&db, &doc, t(NOW)).await.unwrap();
    assert_eq!(report.readings.inserted, 0);
    assert_eq!(report.readings.new_conflicts, 1);
    assert_eq!(report.readings.unchanged, 2 * 2977 - 1);
    assert!(dump(&db).await == before, "the archived value stays");
    assert_eq!(
        db.reading_conflicts(archive::Scope::All)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Closes the archive and returns the checksum of its file.
async fn closed_checksum(db: Archive) -> String {
    let path = db.path().to_path_buf();
    db.close().await;
    sha256_file(&path)
}

#[tokio::test]
async fn bad_files_are_refused_and_the_archive_stays_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let db = archive_at(&path).await;
    fill_demo(&db, t("2024-03-01T00:00:00Z"), 1, 10).await;
    let before = closed_checksum(db).await;

    let text = fs::read_to_string(trudi_file()).unwrap();
    let malformed = dir.path().join("malformed.xml");
    fs::write(&malformed, &text[..text.len() / 2]).unwrap();
    let doctype = dir.path().join("doctype.xml");
    fs::write(
        &doctype,
        text.replacen(
            "<UsagePoints",
            "<!DOCTYPE UsagePoints [<!ENTITY x \"y\">]>\n<UsagePoints",
            1,
        ),
    )
    .unwrap();
    // Well-formed, but statusPTB 9 is outside 0–4: the validator refuses it.
    let invalid = dir.path().join("invalid.xml");
    fs::write(
        &invalid,
        text.replacen("<statusPTB>0</statusPTB>", "<statusPTB>9</statusPTB>", 1),
    )
    .unwrap();
    let supplier =
        Path::new(REFERENCE).join("trudi-data/supplier-examples/Lieferanten-XML_Jan_2018.xml");

    for (file, check) in [
        (&malformed, "read"),
        (&doctype, "doctype"),
        (&invalid, "invalid"),
        (&supplier, "supplier"),
    ] {
        let db = Archive::open_existing(&path).await.unwrap();
        let err = import_file(&db, file, t(NOW)).await.unwrap_err();
        match (check, &err) {
            ("read", ImportError::Read(e)) if !matches!(e, ar2418::ReadError::Doctype { .. }) => {
                assert!(e.position().is_some(), "{e}");
            }
            ("doctype", ImportError::Read(ar2418::ReadError::Doctype { .. })) => {}
            ("invalid", ImportError::Invalid { errors }) => {
                assert!(
                    errors.iter().any(|f| f.code == "READING_STATUS_PTB_RANGE"),
                    "{errors:?}"
                );
            }
            ("supplier", ImportError::SupplierFile) => {}
            _ => panic!("{}: unexpected {err:?}", file.display()),
        }
        assert!(err.wrote_nothing());
        let de = err.message(smgw_model::Lang::De);
        assert!(de.contains("nichts importiert"), "{de}");
        assert_eq!(closed_checksum(db).await, before, "{}", file.display());
    }
}
