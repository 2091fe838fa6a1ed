//! CSV and JSON exports parse back to the same exact records.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::collections::HashSet;

use common::{parse_csv, synthetic_set, t};
use export::{csv::LOG_COLUMNS, csv::VALUE_COLUMNS, read_json, write_json, JsonDocument};
use export::{write_log_csv, write_values_csv, CsvVariant};
use export::{JsonContract, JsonReading, StatusWordKind};
use smgw_model::time::{is_ambiguous_in_berlin, parse_datetime, parse_german};
use smgw_model::{CombinedStatus, Lang, NaiveAs, Reading, ScaledValue};

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
        let c_note = col(lang.pick("Signaturhinweis", "signature_note"));
        assert_eq!(
            (c_bits, c_note),
            (19, 20),
            "later columns come at the end, earlier ones keep their places"
        );
        let mut notes = HashSet::new();
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
            // Beside a signature: present, not checkable; never a verdict.
            assert_eq!(row[c_note].is_empty(), r.signature.is_none(), "{row:?}");
            notes.insert(row[c_note].clone());
        }
        assert!(seen_ptb.len() >= 2, "status variety is exercised");
        let expected_note = lang.pick(
            "Signatur vorhanden – mit diesem Programm nicht prüfbar",
            "signature present — cannot be checked by this program",
        );
        assert_eq!(
            notes,
            HashSet::from([String::new(), expected_note.to_owned()]),
            "{variant:?}"
        );

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
    let records: Vec<_> = doc.contracts.iter().map(JsonContract::records).collect();
    assert_eq!(records, set.contracts);
    assert_eq!(doc.log, set.log);
    assert_eq!(doc.raw_responses.len(), 2);
    assert_eq!(doc.raw_responses[1].size, 5);

    // Raw values are strings (exact beyond 2^53), times UTC.
    let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
    let r0 = &v["contracts"][0]["value_lists"][0]["readings"][0];
    assert!(r0["value"]["raw"].is_string(), "{r0}");
    assert_eq!(r0["target_time"], "2017-10-27T22:00:00Z");

    // Version 2: beside every value its PTB status, status bits and signature note, the
    // signature itself verbatim.
    let r4 = &v["contracts"][0]["value_lists"][0]["readings"][4];
    assert_eq!(r4["signature"].as_str().map(str::len), Some(96), "{r4}");
    assert_eq!(
        r4["signature_note"]["en"],
        "signature present — cannot be checked by this program"
    );
    assert_eq!(r0["status_bits"], serde_json::json!([]));
    assert!(r0["ptb_status"].is_u64(), "{r0}");
    // The synthetic tariff profile is three bytes, no container: the reason is given,
    // the signature not checkable, nothing guessed.
    let tp = &v["contracts"][0]["tariff_profile"];
    assert!(tp["error"].is_string(), "{tp}");
    assert_eq!(tp["profile"], serde_json::Value::Null);
    assert_eq!(tp["signature"]["result"], "not_checkable");
    assert!(tp["signature_text"]["de"]
        .as_str()
        .unwrap()
        .starts_with("Signatur nicht prüfbar"));

    // A document from a future format version is refused, not misread.
    let mut newer = v.clone();
    newer["format_version"] = serde_json::json!(export::FORMAT_VERSION + 1);
    let err = read_json(serde_json::to_vec(&newer).unwrap().as_slice()).unwrap_err();
    assert!(err.to_string().contains("format_version"), "{err}");
}

fn reading_with(cosem: &str) -> Reading {
    Reading {
        capture_time: None,
        target_time: t("2025-01-01T00:15:00+01:00"),
        value: ScaledValue::new(12, -1),
        cosem_status: Some(CombinedStatus::from_hex(cosem).unwrap()),
        smgw_status: None,
        meter_status: None,
        owner: None,
        signature: None,
    }
}

#[test]
fn json_status_bits_say_what_the_csv_says_with_stable_keys() {
    // (statusFNN, PTB status, [(word, bit, key)])
    type Bit = (StatusWordKind, Option<u32>, &'static str);
    let cases: [(&str, Option<u8>, Vec<Bit>); 7] = [
        ("A000000020000000", Some(0), vec![]),
        (
            "A084000020000000",
            Some(4),
            vec![
                (StatusWordKind::Gateway, Some(8), "fatal-error"),
                (StatusWordKind::Gateway, Some(13), "ptb-temporary-error"),
            ],
        ),
        (
            "A000000020200000",
            Some(3),
            vec![(StatusWordKind::Meter, Some(10), "manipulation")],
        ),
        // A set bit the table does not name: listed by number, never interpreted.
        (
            "B000000020000000",
            Some(0),
            vec![(StatusWordKind::Gateway, Some(3), "unnamed")],
        ),
        // The critical-error bit without the gateway word's identification: not read.
        (
            "0002000020000000",
            None,
            vec![(StatusWordKind::Gateway, None, "not-identified")],
        ),
        (
            "A000000000200000",
            None,
            vec![(StatusWordKind::Meter, None, "not-identified")],
        ),
        (
            "E000000020000000",
            Some(0),
            vec![(StatusWordKind::Gateway, Some(1), "transparency")],
        ),
    ];
    for (fnn, ptb, bits) in cases {
        let r = reading_with(fnn);
        let j = JsonReading::of(&r);
        assert_eq!(j.ptb_status, ptb, "{fnn}");
        let got: Vec<Bit> = j
            .status_bits
            .iter()
            .map(|b| (b.word, b.bit, ""))
            .zip(&bits)
            .map(|((w, n, _), (_, _, k))| (w, n, *k))
            .collect();
        assert_eq!(got, bits, "{fnn}");
        let keys: Vec<&str> = j.status_bits.iter().map(|b| b.key.as_str()).collect();
        let want: Vec<&str> = bits.iter().map(|b| b.2).collect();
        assert_eq!(keys, want, "{fnn}");
        // The same entries, in the same order, as the CSV's status_bits column.
        for lang in [Lang::De, Lang::En] {
            let texts: Vec<&str> = j
                .status_bits
                .iter()
                .map(|b| lang.pick(&b.text.de, &b.text.en))
                .collect();
            assert_eq!(texts.join("; "), r.status_text(lang), "{fnn} {lang:?}");
        }
        assert_eq!(j.signature_note, None);
        // Round trip through the JSON text.
        let back: JsonReading = serde_json::from_str(&serde_json::to_string(&j).unwrap()).unwrap();
        assert_eq!(back, j);
    }
    // The unidentified word is named with its hex digits.
    let j = JsonReading::of(&reading_with("0002000020000000"));
    assert!(j.status_bits[0].text.en.contains("00020000"), "{j:?}");
}

#[test]
fn json_of_version_1_still_reads_with_the_new_fields_empty() {
    let set = autumn_set();
    let mut v = serde_json::to_value(JsonDocument::from_set(&set)).unwrap();
    v["format_version"] = serde_json::json!(1);
    for c in v["contracts"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("tariff_profile");
        for vl in c["value_lists"].as_array_mut().unwrap() {
            for r in vl["readings"].as_array_mut().unwrap() {
                let r = r.as_object_mut().unwrap();
                for key in ["ptb_status", "status_bits", "signature_note"] {
                    assert!(r.remove(key).is_some(), "{key}");
                }
            }
        }
    }
    let doc = read_json(serde_json::to_vec(&v).unwrap().as_slice()).unwrap();
    assert_eq!(doc.format_version, 1);
    let records: Vec<_> = doc.contracts.iter().map(JsonContract::records).collect();
    assert_eq!(records, set.contracts);
    assert!(doc.contracts[0].tariff_profile.is_none());
    assert!(doc.contracts[0].value_lists[0].readings[0]
        .status_bits
        .is_empty());
}
