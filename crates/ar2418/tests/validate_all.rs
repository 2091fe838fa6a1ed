//! Data-driven validation over every reference file, and the device/supplier pair checks
//! of the TAF-1 and TAF-2 tables in the reference README.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::collections::BTreeSet;

use ar2418::{validate, validate_pair, validate_supplier, Finding, Severity};

fn error_codes(findings: &[Finding]) -> BTreeSet<&'static str> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect()
}

fn is_supplier_file(name: &str) -> bool {
    name.starts_with("supplier")
        || name.starts_with("IF_Lieferant")
        || name.starts_with("Lieferanten")
}

/// Files TRuDI rejects on their own, with the error codes expected. Every other file must
/// validate without errors.
const FAILING: &[(&str, &[&str])] = &[
    (
        "supplier_1_month_plus_1_day.xml",
        &["SPECIAL_DAY_OUTSIDE_PERIOD"],
    ),
    (
        "supplier_1_month_start_at_10_2.xml",
        &[
            "SPECIAL_DAYS_NOT_COVERING",
            "SPECIAL_DAY_OUTSIDE_PERIOD",
            "TAF1_BILLING_START",
        ],
    ),
    (
        "supplier_InvalidBillingPeriod1.xml",
        &["SPECIAL_DAY_OUTSIDE_PERIOD", "TAF1_BILLING_LENGTH"],
    ),
    (
        "supplier_InvalidBillingPeriod2.xml",
        &["SPECIAL_DAY_OUTSIDE_PERIOD", "TAF1_BILLING_LENGTH"],
    ),
];

#[test]
fn every_file_validates_or_fails_where_expected() {
    let mut checked = 0;
    for path in common::all_files() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name")
            .to_string();
        let doc = ar2418::read_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.is_supplier_file(), is_supplier_file(&name), "{name}");
        let findings = if is_supplier_file(&name) {
            validate_supplier(&doc)
        } else {
            validate(&doc)
        };
        let expected: BTreeSet<&str> = FAILING
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, codes)| codes.iter().copied().collect())
            .unwrap_or_default();
        let errors: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.to_string())
            .collect();
        assert_eq!(error_codes(&findings), expected, "{name}: {errors:#?}");
        // Every finding carries both languages.
        for f in &findings {
            assert!(
                !f.message_de.is_empty() && !f.message_en.is_empty(),
                "{name}: {f}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 80);
}

fn pair(device: &str, supplier: &str) -> BTreeSet<&'static str> {
    let d = common::load(device);
    let s = common::load(supplier);
    error_codes(&validate_pair(&d, &s))
}

#[test]
fn taf1_pairs() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("taf1/result_1_month.xml", "taf1/supplier_1_month.xml", &[]),
        (
            "taf1/result_1_month_2_ovl.xml",
            "taf1/supplier_1_month_2_DayProfiles.xml",
            &[],
        ),
        (
            "taf1/result_1_month_2_ovl_sameObisId.xml",
            "taf1/supplier_1_month.xml",
            &[],
        ),
        (
            "taf1/result_1_month_no_ovl.xml",
            "taf1/supplier_1_month.xml",
            &["PAIR_NO_OVL"],
        ),
        (
            "taf1/result_1_month_4_ovl.xml",
            "taf1/supplier_1_month.xml",
            &["PAIR_TOO_MANY_OVL"],
        ),
        (
            "taf1/result_1_month_1_ovl_1_meterReading.xml",
            "taf1/supplier_1_month.xml",
            &["PAIR_NOT_OVL"],
        ),
        (
            "taf1/result_1_month.xml",
            "taf1/supplier_1_month_2_DayProfiles.xml",
            &["PAIR_STAGES_EXCEED_OVL"],
        ),
        (
            "taf1/result_1_month_without_start.xml",
            "taf1/supplier_1_month.xml",
            &["PAIR_NO_VALID_START"],
        ),
        (
            "taf1/result_1_month_start_statusPTB4.xml",
            "taf1/supplier_1_month.xml",
            &["PAIR_NO_VALID_START"],
        ),
        (
            "taf1/result_1_month_without_end.xml",
            "taf1/supplier_1_month.xml",
            &["PAIR_NO_VALID_END"],
        ),
        (
            "taf1/result_1_month_end_statusPTB4.xml",
            "taf1/supplier_1_month.xml",
            &["PAIR_NO_VALID_END"],
        ),
    ];
    for (d, s, expected) in cases {
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        assert_eq!(pair(d, s), expected, "{d} + {s}");
    }
}

#[test]
fn taf2_pairs_from_the_reference_table_are_accepted() {
    let cases: &[(&str, &str)] = &[
        ("resultJan-Sep2017.xml", "supplierXmlJan-Sep2017.xml"),
        ("result_single_day.xml", "supplier_single_day.xml"),
        ("result_single_day_2h-gap.xml", "supplier_single_day.xml"),
        (
            "result_single_day_2h_PTBstatus3.xml",
            "supplier_single_day.xml",
        ),
        (
            "result_single_day.xml",
            "supplier_single_day_maxTariffChange.xml",
        ),
        (
            "result_single_day_simple_gap.xml",
            "supplier_single_day.xml",
        ),
        (
            "result_single_day_1_missing_period_at_tariff_switch.xml",
            "supplier_single_day.xml",
        ),
        ("result_3_days.xml", "supplier_single_day_2.xml"),
        ("result_3_days.xml", "supplier_single_day_3.xml"),
        ("result_3_days.xml", "supplier_2_day.xml"),
        ("result_3_days_gap_day_change_5.xml", "supplier_2_day.xml"),
        ("result_3_days_gap_day_change_9.xml", "supplier_3_day.xml"),
        (
            "result_3_days_gap_day_change_3.xml",
            "supplier_2_day_2_dayProfile.xml",
        ),
        ("result_3_days.xml", "supplier_1_day_4_to_22.xml"),
        ("result_3_days.xml", "supplier_2_day_4_to_4.xml"),
        ("result_3_days.xml", "supplier_3_day_4_to_5.xml"),
        ("result_3_days.xml", "supplier_3_day_minPeriod.xml"),
        ("result_3_days.xml", "supplier_5_day.xml"),
        (
            "result_single_day_period_30min.xml",
            "supplier_single_day_4.xml",
        ),
        (
            "result_single_day_period_30min_Gap6.xml",
            "supplier_single_day_4.xml",
        ),
    ];
    for (d, s) in cases {
        let (d, s) = (format!("taf2/{d}"), format!("taf2/{s}"));
        assert_eq!(pair(&d, &s), BTreeSet::new(), "{d} + {s}");
    }
    assert_eq!(
        pair(
            "supplier-examples/TAF-7-Ablesung_Jan_2018.xml",
            "supplier-examples/Lieferanten-XML_Jan_2018.xml"
        ),
        BTreeSet::new()
    );
}

#[test]
fn pair_identity_and_data_in_period() {
    let d = common::load("taf2/result_single_day.xml");
    let mut s = common::load("taf2/supplier_single_day.xml");
    s.usage_points[0].usage_point_id = Some("DE-OTHER".into());
    let f = validate_pair(&d, &s);
    let w = f
        .iter()
        .find(|x| x.code == "PAIR_ID_MISMATCH")
        .expect("mismatch");
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.message_en.contains("DE-OTHER"), "{}", w.message_en);
    assert!(error_codes(&f).is_empty());

    // The same tariff one year later: no reading falls into the billing period.
    let mut s = common::load("taf2/supplier_single_day.xml");
    let ap = s.usage_points[0]
        .analysis_profile
        .as_mut()
        .expect("profile");
    ap.billing_period.start = ap
        .billing_period
        .start
        .map(|t| t + chrono::Duration::days(365));
    assert_eq!(
        error_codes(&validate_pair(&d, &s)),
        BTreeSet::from(["PAIR_NO_DATA_IN_PERIOD"])
    );
}
