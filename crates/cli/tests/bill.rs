//! `durchblick bill` on TRuDI's reference files (`../shared/reference/trudi-data`).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");

fn reference(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/trudi-data")
        .join(path)
}

fn bill(device: &str, supplier: &str, extra: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(extra)
        .arg("bill")
        .arg("--device")
        .arg(reference(device))
        .arg("--supplier")
        .arg(reference(supplier))
        .output()
        .expect("binary runs")
}

#[test]
fn json_registers_match_the_reference_for_a_gap_inside_and_across_a_switch() {
    let out = bill(
        "taf2/result_single_day_2h-gap.xml",
        "taf2/supplier_single_day.xml",
        &["--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let amounts: Vec<(String, i64)> = doc["registers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["obis"].as_str().unwrap().to_owned(),
                r["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        amounts,
        [
            ("1-0:1.8.1*255".to_owned(), 310),
            ("1-0:1.8.2*255".to_owned(), 560),
            ("1-0:1.8.63*255".to_owned(), 90)
        ]
    );
    assert_eq!(doc["checksums"]["ripemd160"].as_str().unwrap().len(), 40);
    assert_eq!(doc["checksums"]["sha3"].as_str().unwrap().len(), 72);
}

#[test]
fn human_output_names_the_error_register_and_scales_amounts() {
    let out = bill(
        "taf2/result_single_day_2h-gap.xml",
        "taf2/supplier_single_day.xml",
        &["--lang", "de"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Fehlerregister"), "{text}");
    // 310 raw units at scaler -1 are 31.0 Wh, written exactly with a German comma.
    assert!(text.contains("31,0 Wh"), "{text}");
}

#[test]
fn a_missing_start_value_is_a_data_error_with_exit_code_6() {
    let out = bill(
        "taf1/result_1_month_without_start.xml",
        "taf1/supplier_1_month.xml",
        &["--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(6));
    assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
}
