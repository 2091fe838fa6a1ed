//! Demo-like archive contents (written through the archive's own API, as a sync would)
//! through every export format and back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::fs;

use archive::{Archive, Reading};
use archive_io::{export_set, import_file, write_xml, ExportError, Selection};
use common::*;
use export::CsvVariant;

const NOW: &str = "2026-01-01T12:00:00Z";
const START: &str = "2024-03-29T23:00:00Z";

/// What AR 2418-6 carries of a reading: everything but the separate gateway and meter
/// words and the owner number (the file has the combined word and the PTB status).
fn carried(r: &Reading) -> Reading {
    Reading {
        smgw_status: None,
        meter_status: None,
        owner: None,
        ..r.clone()
    }
}

fn carried_log(e: &archive::LogEntry) -> archive::LogEntry {
    archive::LogEntry {
        event_id: None,
        event_sub_id: None,
        version: None,
        ..e.clone()
    }
}

#[tokio::test]
async fn archive_to_xml_to_archive_keeps_every_reading_and_log_entry() {
    let dir = tempfile::tempdir().unwrap();
    let a1 = Archive::open(dir.path().join("a1.sqlite")).await.unwrap();
    // Three days across the switch to summer time (31 March 2024).
    fill_demo(&a1, t(START), 3, 200).await;
    let set = export_set(&a1, &Selection::default(), t(NOW))
        .await
        .unwrap();
    assert_eq!(set.contracts[0].value_lists.len(), 3);
    let xml1 = dir.path().join("one.xml");
    write_xml(&set, fs::File::create(&xml1).unwrap()).unwrap();
    xmllint_validate(&xml1);

    let a2 = Archive::open(dir.path().join("a2.sqlite")).await.unwrap();
    let report = import_file(&a2, &xml1, t(NOW)).await.unwrap();
    assert_eq!(report.channels, 3);
    assert_eq!(report.readings.inserted, 2 * (3 * 96 + 1) + 4);
    assert_eq!(report.log.inserted, 200);

    let (d1, d2) = (dump(&a1).await, dump(&a2).await);
    assert_eq!(d1.channels.len(), d2.channels.len());
    for ((k1, r1), (k2, r2)) in d1.channels.iter().zip(&d2.channels) {
        // Same value list and channel; the contract is named by its metering point id.
        assert_eq!((&k1.3, &k1.4), (&k2.3, &k2.4));
        assert_eq!(k2.2, METERING_POINT);
        assert_eq!(k2.1, USER.strip_suffix(".sm").unwrap());
        assert_eq!(k2.0, GATEWAY);
        let r1: Vec<Reading> = r1.iter().map(carried).collect();
        assert_same(r2, &r1);
    }
    let l1: Vec<_> = d1.logs[0].1.iter().map(carried_log).collect();
    assert_same(&d2.logs[0].1, &l1);

    // A second generation is identical in every field.
    let set2 = export_set(&a2, &Selection::default(), t(NOW))
        .await
        .unwrap();
    let xml2 = dir.path().join("two.xml");
    write_xml(&set2, fs::File::create(&xml2).unwrap()).unwrap();
    xmllint_validate(&xml2);
    let a3 = Archive::open(dir.path().join("a3.sqlite")).await.unwrap();
    import_file(&a3, &xml2, t(NOW)).await.unwrap();
    assert!(dump(&a3).await == d2, "second generation differs");
    // Certificates and the invoicing party came along.
    let gw3 = a3.gateways().await.unwrap()[0].id;
    assert_eq!(a3.certificates(gw3).await.unwrap().len(), 3);
    let c3 = &a3
        .contracts(a3.consumers(None).await.unwrap()[0].id)
        .await
        .unwrap()[0];
    let (_, detail) = a3.latest_contract_detail(c3.id).await.unwrap().unwrap();
    assert_eq!(detail.emts, vec!["9900000000001".to_string()]);
    assert_eq!(c3.info.name.as_deref(), Some("Zählerstandsgang"));
}

#[tokio::test]
async fn csv_and_json_parse_back_and_a_changed_bundle_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    fill_demo(&db, t(START), 2, 50).await;
    let set = export_set(&db, &Selection::default(), t(NOW))
        .await
        .unwrap();
    let total: usize = set.contracts[0]
        .value_lists
        .iter()
        .map(|v| v.readings.len())
        .sum();
    assert_eq!(total, 2 * (2 * 96 + 1) + 3);

    // JSON: the same records.
    let mut json = Vec::new();
    export::write_json(&set, &mut json).unwrap();
    let doc = export::read_json(json.as_slice()).unwrap();
    let records: Vec<_> = doc
        .contracts
        .iter()
        .map(export::JsonContract::records)
        .collect();
    assert_eq!(records, set.contracts);
    // Beside each value what the program reads from it: as computed from the set.
    for (j, c) in doc.contracts.iter().zip(&set.contracts) {
        for (jv, v) in j.value_lists.iter().zip(&c.value_lists) {
            for (jr, r) in jv.readings.iter().zip(&v.readings) {
                assert_eq!(jr.ptb_status, r.ptb().map(|p| p.code()));
                assert_eq!(jr.signature_note.is_some(), r.signature.is_some());
            }
        }
    }
    assert_eq!(doc.log, set.log);
    assert_eq!(doc.gateway, set.gateway);

    // CSV, international: one row per reading with the exact raw values and statuses.
    let mut csv = Vec::new();
    export::write_values_csv(&set, CsvVariant::International, &mut csv).unwrap();
    let rows = parse_csv(&String::from_utf8(csv).unwrap(), ',');
    assert_eq!(rows.len(), total + 1);
    let raw_col = rows[0].iter().position(|h| h == "raw").unwrap();
    let cosem_col = rows[0].iter().position(|h| h == "cosem_status").unwrap();
    let sig_col = rows[0].iter().position(|h| h == "signature").unwrap();
    let mut expected: Vec<(String, String, String)> = set.contracts[0]
        .value_lists
        .iter()
        .flat_map(|v| &v.readings)
        .map(|r| {
            (
                r.value.raw.to_string(),
                r.cosem_status.map(|c| c.to_hex()).unwrap_or_default(),
                r.signature.as_deref().map(hex::encode).unwrap_or_default(),
            )
        })
        .collect();
    let mut got: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[raw_col].clone(), r[cosem_col].clone(), r[sig_col].clone()))
        .collect();
    expected.sort();
    got.sort();
    assert_same(&got, &expected);
    // German: BOM, semicolons, decimal comma.
    let mut de = Vec::new();
    export::write_values_csv(&set, CsvVariant::German, &mut de).unwrap();
    let de = String::from_utf8(de).unwrap();
    let de = de.strip_prefix('\u{feff}').expect("BOM");
    let rows = parse_csv(de, ';');
    assert_eq!(rows.len(), total + 1);
    assert!(rows[1].iter().any(|f| f == "17116580,8"), "{:?}", rows[1]);

    // Bundle: verifies, and one changed byte is named.
    let bundle = dir.path().join("bundle");
    export::write_bundle(&set, &bundle).unwrap();
    assert!(export::verify_bundle(&bundle).unwrap().is_ok());
    let victim = bundle.join("ar2418-6.xml");
    xmllint_validate(&victim);
    let mut bytes = fs::read(&victim).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    fs::write(&victim, bytes).unwrap();
    let report = export::verify_bundle(&bundle).unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.changed, vec!["ar2418-6.xml".to_string()]);
}

#[tokio::test]
async fn selections_narrow_the_export_and_ambiguity_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    fill_demo(&db, t(START), 2, 50).await;

    // from exclusive, to inclusive for readings (the gateway's convention).
    let sel = Selection {
        contract: Some(METERING_POINT.into()),
        from: Some(t("2024-03-30T00:00:00Z")),
        to: Some(t("2024-03-30T06:00:00Z")),
        ..Selection::default()
    };
    let set = export_set(&db, &sel, t(NOW)).await.unwrap();
    let lists = &set.contracts[0].value_lists;
    // Value lists come by list name: daily, then origin.
    assert_eq!(
        lists
            .iter()
            .map(|v| v.database.wire_name())
            .collect::<Vec<_>>(),
        ["daily", "origin", "origin"]
    );
    assert!(lists[0].readings.is_empty(), "no daily value in six hours");
    let origin = &lists[1];
    assert_eq!(origin.readings.len(), 24);
    assert_eq!(origin.readings[0].target_time, t("2024-03-30T00:15:00Z"));
    assert_eq!(origin.readings[23].target_time, t("2024-03-30T06:00:00Z"));
    assert!(set
        .log
        .iter()
        .all(|e| e.time.unwrap() >= t("2024-03-30T00:00:00Z")
            && e.time.unwrap() < t("2024-03-30T06:00:00Z")));
    assert_eq!(set.log.len(), 10);

    let missing = export_set(
        &db,
        &Selection {
            contract: Some("nope".into()),
            ..Selection::default()
        },
        t(NOW),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(missing, ExportError::NotFound { what: "contract", ref available, .. } if available == &vec![CONTRACT.to_string()])
    );

    // A second consumer makes the choice necessary; naming it without `.sm` works.
    let gw = db.gateways().await.unwrap()[0].id;
    db.consumer(gw, "01005e318011.consumer2.sm", t(NOW))
        .await
        .unwrap();
    let err = export_set(&db, &Selection::default(), t(NOW))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ExportError::Ambiguous { what: "consumer", ref choices } if choices.len() == 2)
    );
    assert!(err.message(smgw_model::Lang::En).contains("--consumer"));
    let set = export_set(
        &db,
        &Selection {
            consumer: Some("01005e318011.consumer1".into()),
            gateway: Some(GATEWAY.to_uppercase()),
            ..Selection::default()
        },
        t(NOW),
    )
    .await
    .unwrap();
    assert_eq!(set.customer_id.as_deref(), Some("01005e318011.consumer1"));
    assert_eq!(set.log.len(), 50);
}

#[tokio::test]
async fn an_export_joins_the_synced_history_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    fill_demo(&db, t(START), 1, 20).await;
    let set = export_set(&db, &Selection::default(), t(NOW))
        .await
        .unwrap();
    let mut doc = archive_io::usage_points(&set).unwrap();
    // Another program may write the gateway id in capitals; the customer id has no `.sm`.
    for up in &mut doc.usage_points {
        let smgw = up.smgw.as_mut().unwrap();
        smgw.smgw_id = smgw.smgw_id.to_uppercase();
    }
    assert_eq!(
        doc.usage_points[0].customer_id.as_deref(),
        Some("01005e318011.consumer1")
    );
    assert_eq!(
        doc.usage_points[0].usage_point_id.as_deref(),
        Some(METERING_POINT)
    );
    let before = dump(&db).await;
    let report = archive_io::import_ar2418(&db, &doc, t(NOW)).await.unwrap();
    assert_eq!(report.contracts_added, 0);
    assert_eq!((report.snapshots_added, report.details_added), (0, 0));
    assert_eq!(report.readings.inserted, 0);
    assert_eq!(report.readings.new_conflicts, 0);
    assert_eq!(report.readings.unchanged, before.reading_count() as u64);
    assert_eq!(report.log.unchanged, 20);
    assert_eq!(db.gateways().await.unwrap().len(), 1);
    assert_eq!(db.consumers(None).await.unwrap().len(), 1);
    assert!(dump(&db).await == before);
    // The synced contract keeps its gateway description.
    let c = &db
        .contracts(db.consumers(None).await.unwrap()[0].id)
        .await
        .unwrap()[0];
    assert_eq!(c.info.usage_point_id, CONTRACT);
    assert_eq!(c.info.taf_state.as_deref(), Some("running"));

    // What the file does carry still counts: a changed value, signature or log text is a
    // conflict, kept beside the archived version.
    let mr = &mut doc.usage_points[0].meter_readings[1];
    let r = &mut mr.interval_blocks[0].readings[3];
    r.value = r.value.map(|v| v + 1);
    let r = &mut mr.interval_blocks[0].readings[4];
    r.signature = Some(vec![1, 2, 3]);
    let e = &mut doc.usage_points[0].log_entries[2];
    e.events[0].text = Some("anders".into());
    let report = archive_io::import_ar2418(&db, &doc, t(NOW)).await.unwrap();
    assert_eq!(report.readings.new_conflicts, 2);
    assert_eq!(report.log.new_conflicts, 1);
    assert!(dump(&db).await == before);
    assert_eq!(
        db.reading_conflicts(archive::Scope::All)
            .await
            .unwrap()
            .len(),
        2
    );
}
