//! CSV and JSON exports parse back to the same exact records.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::collections::HashSet;

use common::{parse_csv, synthetic_set, t};
use export::{csv::LOG_COLUMNS, csv::VALUE_COLUMNS, read_json, write_json, JsonDocument};
use export::{write_log_csv, write_values_csv, CsvVariant};
use smgw_model::time::{is_ambiguous_in_berlin, parse_datetime, parse_german};
use smgw_model::{NaiveAs, ScaledValue};

/// Three days around the autumn change of 2017 (29 October, 02:00–03:00 twice).
fn autumn_set() -> export::ExportSet {
    synthetic_set(t("2017-10-28T00:00:00+02:00"), 3 * 96 + 4, 40)
}

fn decode(bytes: Vec<u8>, variant: CsvVariant) -> String {
    let text = String::from_utf8(bytes).unwrap();
    match variant {
        CsvVariant::German => text
            .strip_prefix('\u{feff}')
            .expect("German CSV starts with a BOM")
            .to_string(),
        CsvVariant::International => {
            assert!(
                !text.starts_with('\u{feff}'),
                "no BOM in the international CSV"
            );
            text
        }
    }
}

fn parse_time(s: &str, variant: CsvVariant) -> chrono::DateTime<chrono::Utc> {
    match variant {
        CsvVariant::German => parse_german(s).unwrap_or_else(|e| panic!("{s:?}: {e}")),
        CsvVariant::International => {
            parse_datetime(s, NaiveAs::Utc).unwrap_or_else(|e| panic!("{s:?}: {e}"))
        }
    }
}

#[test]
fn value_csv_parses_back_exactly_in_both_variants() {
    let set = autumn_set();
    let originals: Vec<_> = set.contracts[0]
        .value_lists
        .iter()
        .flat_map(|vl| vl.readings.iter().map(move |r| (vl, r)))
        .collect();
    for variant in [CsvVariant::German, CsvVariant::International] {
        let mut buf = Vec::new();
        write_values_csv(&set, variant, &mut buf).unwrap();
        let text = decode(buf, variant);
        let rows = parse_csv(&text, variant.separator());
        let lang = variant.lang();
        let header: Vec<&str> = VALUE_COLUMNS
            .iter()
            .map(|(de, en)| lang.pick(de, en))
            .collect();
        assert_eq!(rows[0], header);
        assert_eq!(rows.len() - 1, originals.len(), "{variant:?}");
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (c_time, c_value, c_raw, c_scaler, c_ptb, c_text, c_sig, c_chan) = (
            col(lang.pick("Zeitpunkt", "target_time")),
            col(lang.pick("Wert", "value")),
            col(lang.pick("Rohwert", "raw")),
            col(lang.pick("Skalierung", "scaler")),
            col(lang.pick("PTB-Status", "ptb_status")),
            col(lang.pick("Status", "status_text")),
            col(lang.pick("Signatur", "signature")),
            col(lang.pick("Kanal", "channel")),
        );
        let c_bits = col(lang.pick("Statusbits", "status_bits"));
        assert_eq!(
            c_bits,
            header.len() - 1,
            "the status bits column comes last"
        );
        let mut seen_ptb = HashSet::new();
        for (row, (vl, r)) in rows[1..].iter().zip(&originals) {
            assert_eq!(row.len(), header.len());
            assert_eq!(row[c_chan], vl.channel_name);
            assert_eq!(parse_time(&row[c_time], variant), r.target_time);
            let value = ScaledValue::from_decimal_str(&row[c_value]).unwrap();
            assert_eq!(value, r.value, "value text {:?}", row[c_value]);
            match variant {
                CsvVariant::German => assert!(row[c_value].contains(',')),
                CsvVariant::International => assert!(row[c_value].contains('.')),
            }
            let raw: i128 = row[c_raw].parse().unwrap();
            let scaler: i8 = row[c_scaler].parse().unwrap();
            assert_eq!(ScaledValue::new(raw, scaler), r.value);
            let ptb = r.ptb().unwrap();
            assert_eq!(row[c_ptb], ptb.code().to_string());
            assert_eq!(row[c_text], ptb.text(lang));
            assert_eq!(row[c_bits], r.status_text(lang));
            seen_ptb.insert(ptb.code());
            if ptb.code() != 0 {
                assert!(!row[c_bits].is_empty(), "{row:?}");
            }
            assert_eq!(
                row[c_sig],
                r.signature.as_ref().map(hex::encode).unwrap_or_default()
            );
        }
        assert!(seen_ptb.len() >= 2, "status variety is exercised");

        // The repeated autumn hour: 8 rows per channel, all distinct, each naming its zone.
        let autumn: Vec<&Vec<String>> = rows[1..]
            .iter()
            .zip(&originals)
            .filter(|(_, (vl, r))| {
                vl.channel_name.starts_with("0100010800ff") && is_ambiguous_in_berlin(r.target_time)
            })
            .map(|(row, _)| row)
            .collect();
        assert_eq!(autumn.len(), 8, "{variant:?}");
        let texts: HashSet<&str> = autumn.iter().map(|r| r[c_time].as_str()).collect();
        assert_eq!(texts.len(), 8, "autumn rows are distinct: {texts:?}");
        for row in &autumn {
            let s = &row[c_time];
            match variant {
                CsvVariant::German => {
                    assert!(s.ends_with(" MESZ") || s.ends_with(" MEZ"), "{s}")
                }
                CsvVariant::International => {
                    assert!(s.ends_with("+02:00") || s.ends_with("+01:00"), "{s}")
                }
            }
        }
        let first = originals
            .iter()
            .position(|(_, r)| r.target_time == t("2017-10-29T00:00:00Z"))
            .unwrap();
        let expected = match variant {
            CsvVariant::German => ["29.10.2017 02:00 MESZ", "29.10.2017 02:00 MEZ"],
            CsvVariant::International => ["2017-10-29T02:00:00+02:00", "2017-10-29T02:00:00+01:00"],
        };
        assert_eq!(rows[1 + first][c_time], expected[0]);
        assert_eq!(rows[1 + first + 4][c_time], expected[1]);
    }
}

#[test]
fn log_csv_parses_back_in_both_variants() {
    let set = autumn_set();
    for variant in [CsvVariant::German, CsvVariant::International] {
        let mut buf = Vec::new();
        write_log_csv(&set.log, variant, &mut buf).unwrap();
        let text = decode(buf, variant);
        let rows = parse_csv(&text, variant.separator());
        let lang = variant.lang();
        let header: Vec<&str> = LOG_COLUMNS
            .iter()
            .map(|(de, en)| lang.pick(de, en))
            .collect();
        assert_eq!(rows[0], header);
        assert_eq!(rows.len() - 1, set.log.len());
        for (row, e) in rows[1..].iter().zip(&set.log) {
            assert_eq!(row[0], e.index.to_string());
            assert_eq!(parse_time(&row[1], variant), e.time.unwrap());
            assert_eq!(row[2], e.level.code().to_string());
            assert_eq!(row[3], e.level.text(lang));
            assert_eq!(row[4], e.event_id);
            assert_eq!(row[5], e.event_sub_id);
            assert_eq!(row[8], e.subject_identity.clone().unwrap_or_default());
            assert_eq!(
                row[10], e.message,
                "separators, quotes and line breaks survive"
            );
        }
    }
}

#[test]
fn json_parses_back_to_identical_records() {
    let set = autumn_set();
    let mut buf = Vec::new();
    write_json(&set, &mut buf).unwrap();
    let doc = read_json(buf.as_slice()).unwrap();
    assert_eq!(doc, JsonDocument::from_set(&set));
    assert_eq!(doc.format_version, export::FORMAT_VERSION);
    assert_eq!(doc.gateway, set.gateway);
    assert_eq!(doc.contracts, set.contracts);
    assert_eq!(doc.log, set.log);
    assert_eq!(doc.raw_responses.len(), 2);
    assert_eq!(doc.raw_responses[1].size, 5);

    // Raw values are strings (exact beyond 2^53), times UTC.
    let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
    let r0 = &v["contracts"][0]["value_lists"][0]["readings"][0];
    assert!(r0["value"]["raw"].is_string(), "{r0}");
    assert_eq!(r0["target_time"], "2017-10-27T22:00:00Z");

    // A document from a future format version is refused, not misread.
    let mut newer = v.clone();
    newer["format_version"] = serde_json::json!(export::FORMAT_VERSION + 1);
    let err = read_json(serde_json::to_vec(&newer).unwrap().as_slice()).unwrap_err();
    assert!(err.to_string().contains("format_version"), "{err}");
}
