//! `durchblick bill` on TRuDI's reference files (`../shared/reference/trudi-data`).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

#[path = "common/tariff_file.rs"]
mod tariff_file;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bill_from_the_archive_uses_the_synced_original_values() {
    use chrono::{Duration, NaiveDate, TimeZone};
    use chrono_tz::Europe::Berlin;

    let mock = mock_smgw::start(
        mock_smgw::Scenario::builtin("demo").expect("demo"),
        "127.0.0.1:0".parse().expect("address"),
        mock_smgw::Options::default(),
    )
    .await
    .expect("mock");
    let dir = tempfile::tempdir().expect("temp dir");
    let archive = dir.path().join("archive.sqlite");
    let out = Command::new(BIN)
        .args([
            "sync",
            "--host",
            "127.0.0.1",
            "--user",
            "demo",
            "--trust-on-first-use",
        ])
        .args(["--port", &mock.addr().port().to_string()])
        .arg("--archive")
        .arg(&archive)
        .env("DURCHBLICK_PASSWORD", "demo")
        .env("DURCHBLICK_CONFIG_DIR", dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("sync runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A winter day whose quarter hours all carry valid values, so the expectation is a
    // plain sum of register differences per tariff (no gaps, no error register).
    let scenario = mock.scenario();
    let (date, values) = (0..60)
        .map(|i| NaiveDate::from_ymd_opt(2025, 1, 6).expect("date") + Duration::days(i))
        .find_map(|date| {
            let start = Berlin
                .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                .single()?
                .with_timezone(&chrono::Utc);
            let values = scenario
                .expected_readings_between(
                    "demo",
                    "01005e318022.taf2-1.sm",
                    "origin",
                    "0100010800ff",
                    start.timestamp() - 1,
                    start.timestamp() + 86_400,
                )
                .ok()?;
            let clean = values.len() == 97
                && values.iter().all(|r| {
                    smgw_model::CombinedStatus::from_hex(&r.cosem_status)
                        .is_ok_and(|s| s.ptb().is_valid())
                });
            clean.then_some((date, values))
        })
        .expect("a clean day in the demo data");
    let (low, high) = tariff_file::low_high(&values);

    let supplier = dir.path().join("supplier.xml");
    std::fs::write(
        &supplier,
        tariff_file::one_day_taf2("DE0001234567890AB0000000000000001", "ETHE0310486901", date),
    )
    .expect("supplier file");
    let out = Command::new(BIN)
        .args(["--json", "bill", "--archive"])
        .arg(&archive)
        .arg("--supplier")
        .arg(&supplier)
        .output()
        .expect("bill runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let amount = |obis: &str| tariff_file::amount(&doc, obis);
    assert_eq!(amount("1-0:1.8.1*255"), Some(low), "{doc}");
    assert_eq!(amount("1-0:1.8.2*255"), Some(high), "{doc}");
    assert_eq!(amount("1-0:1.8.63*255").unwrap_or(0), 0, "{doc}");
}

#[test]
fn contract_needs_the_archive_and_is_refused_with_a_device_file() {
    let out = bill(
        "taf2/result_single_day_2h-gap.xml",
        "taf2/supplier_single_day.xml",
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let with_contract = Command::new(BIN)
        .args(["--lang", "en", "bill", "--device"])
        .arg(reference("taf2/result_single_day_2h-gap.xml"))
        .arg("--supplier")
        .arg(reference("taf2/supplier_single_day.xml"))
        .args(["--contract", "01005e318002.1lgz0072999211.sm"])
        .output()
        .expect("binary runs");
    assert_ne!(with_contract.status.code(), Some(0));
    let message = String::from_utf8_lossy(&with_contract.stderr);
    assert!(message.contains("--archive"), "{message}");
}
