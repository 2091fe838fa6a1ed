//! Every TAF-1 and TAF-2 case of the reference README, read from TRuDI's real files
//! through the ar2418 reader.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use tariff::from_ar2418::{check_bill, device_file, supplier_file, AdapterError};
use tariff::{Evaluation, Obis, TariffError};

const REF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/trudi-data"
);

fn path(dir: &str, file: &str) -> String {
    format!("{REF}/{dir}/{file}")
}

fn run(dir: &str, device: &str, supplier: &str) -> Result<Evaluation, AdapterError> {
    check_bill(path(dir, device), path(dir, supplier))
}

fn ok(dir: &str, device: &str, supplier: &str) -> Evaluation {
    match run(dir, device, supplier) {
        Ok(e) => e,
        Err(e) => panic!("{device} + {supplier}: {e}"),
    }
}

fn o(s: &str) -> Obis {
    s.parse().expect("test OBIS")
}

/// 1.8.1 / 1.8.2 / 1.8.63 of a TAF-2 result.
fn taf2_triple(e: &Evaluation) -> (i64, i64, i64) {
    (
        e.amount(o("1-0:1.8.1*255")),
        e.amount(o("1-0:1.8.2*255")),
        e.amount(o("1-0:1.8.63*255")),
    )
}

fn taf2(device: &str, supplier: &str, want: (i64, i64, i64)) -> Evaluation {
    let e = ok("taf2", device, supplier);
    assert_eq!(taf2_triple(&e), want, "{device} + {supplier}");
    // Whatever the split, every register together holds exactly the measured energy.
    let booked: i64 = e.registers.iter().map(|r| r.amount).sum();
    let measured: i64 = e.totals.iter().map(|t| t.amount).sum::<i64>()
        - e.unbilled.iter().map(|r| r.amount).sum::<i64>();
    assert_eq!(
        booked, measured,
        "{device} + {supplier}: registers vs totals"
    );
    // And the day breakdown adds up to the registers.
    let by_days: i64 = e
        .days
        .iter()
        .flat_map(|d| &d.ranges)
        .map(|r| r.amount)
        .sum();
    assert_eq!(by_days, booked, "{device} + {supplier}: days vs registers");
    e
}

fn taf1_err(device: &str, supplier: &str) -> TariffError {
    match run("taf1", device, supplier) {
        Err(AdapterError::Tariff(e)) => e,
        other => panic!("{device} + {supplier}: expected a tariff error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- TAF-1

#[test]
fn taf1_one_month() {
    let e = ok("taf1", "result_1_month.xml", "supplier_1_month.xml");
    assert_eq!(e.begin.to_rfc3339(), "2017-10-01T00:00:00+02:00");
    assert_eq!(e.end.to_rfc3339(), "2017-11-01T00:00:00+01:00");
    assert_eq!(e.registers.len(), 1);
    assert_eq!(e.amount(o("1-0:1.8.1*255")), 29800);
    assert_eq!(e.registers[0].tariff, Some(1));
    assert_eq!(e.totals[0].obis, o("1-0:1.8.0*255"));
    assert_eq!(e.totals[0].amount, 29800);
    assert!(e.days.is_empty());
}

#[test]
fn taf1_import_and_export_lists() {
    let e = ok(
        "taf1",
        "result_1_month_2_ovl.xml",
        "supplier_1_month_2_DayProfiles.xml",
    );
    assert_eq!(e.amount(o("1-0:1.8.1*255")), 29800);
    assert_eq!(e.amount(o("1-0:2.8.1*255")), 27800);
}

#[test]
fn taf1_meter_exchange_books_two_sections_to_one_stage() {
    let e = ok(
        "taf1",
        "result_1_month_2_ovl_sameObisId.xml",
        "supplier_1_month.xml",
    );
    assert_eq!(e.amount(o("1-0:1.8.1*255")), 57600);
    let amounts: Vec<i64> = e.sections.iter().map(|s| s.amount).collect();
    assert_eq!(amounts, vec![29800, 27800]);
    assert_ne!(e.sections[0].meter_id, e.sections[1].meter_id);
}

#[test]
fn taf1_precondition_errors() {
    let cases: [(&str, &str, &str); 11] = [
        (
            "result_1_month_no_ovl.xml",
            "supplier_1_month.xml",
            "TARIFF_NO_OVL",
        ),
        (
            "result_1_month_4_ovl.xml",
            "supplier_1_month.xml",
            "TARIFF_TOO_MANY_OVL",
        ),
        (
            "result_1_month_1_ovl_1_meterReading.xml",
            "supplier_1_month.xml",
            "TARIFF_NOT_AN_OVL",
        ),
        (
            "result_1_month.xml",
            "supplier_1_month_2_DayProfiles.xml",
            "TARIFF_MORE_STAGES_THAN_OVL",
        ),
        (
            "result_1_month.xml",
            "supplier_1_month_start_at_10_2.xml",
            "TARIFF_PERIOD_NOT_ON_FIRST",
        ),
        (
            "result_1_month.xml",
            "supplier_InvalidBillingPeriod1.xml",
            "TARIFF_PERIOD_LENGTH",
        ),
        (
            "result_1_month.xml",
            "supplier_InvalidBillingPeriod2.xml",
            "TARIFF_PERIOD_LENGTH",
        ),
        (
            "result_1_month_without_start.xml",
            "supplier_1_month.xml",
            "TARIFF_NO_START_VALUE",
        ),
        (
            "result_1_month_start_statusPTB4.xml",
            "supplier_1_month.xml",
            "TARIFF_NO_START_VALUE",
        ),
        (
            "result_1_month_without_end.xml",
            "supplier_1_month.xml",
            "TARIFF_NO_END_VALUE",
        ),
        (
            "result_1_month_end_statusPTB4.xml",
            "supplier_1_month.xml",
            "TARIFF_NO_END_VALUE",
        ),
    ];
    for (device, supplier, code) in cases {
        let e = taf1_err(device, supplier);
        assert_eq!(e.code(), code, "{device} + {supplier}: {e}");
        assert!(!e.message_de().is_empty() && !e.message_en().is_empty());
    }
    let e = taf1_err("result_1_month.xml", "supplier_1_month_plus_1_day.xml");
    assert_eq!(
        e,
        TariffError::SpecialDayCount {
            count: 32,
            days: 31
        }
    );
}

#[test]
fn non_original_lists_are_recognised_like_trudi() {
    let lists = device_file(path("taf1", "result_1_month_1_ovl_1_meterReading.xml")).unwrap();
    let flags: Vec<bool> = lists.iter().map(|l| l.is_original).collect();
    assert_eq!(flags, vec![true, false]);
    let lists = device_file(path("taf1", "result_1_month_2_ovl.xml")).unwrap();
    assert!(lists.iter().all(|l| l.is_original));
    assert_eq!(lists[1].obis, o("1-0:2.8.0*255"));
}

// ---------------------------------------------------------------- TAF-2

#[test]
fn taf2_jan_to_sep_2017() {
    let e = taf2(
        "resultJan-Sep2017.xml",
        "supplierXmlJan-Sep2017.xml",
        (115500, 117740, 0),
    );
    assert_eq!(e.begin.to_rfc3339(), "2017-01-01T00:00:00+01:00");
    assert_eq!(e.end.to_rfc3339(), "2017-09-01T01:00:00+02:00");
    assert_eq!(e.amount(o("1-0:2.8.1*255")), 0);
    assert_eq!(e.amount(o("1-0:2.8.2*255")), 0);
    // The calendar ends on 31 August; the hour of 1 September before the period end is
    // left out of every register and reported as unbilled.
    assert_eq!(e.unbilled.len(), 1);
    assert_eq!(
        e.unbilled[0].start.to_rfc3339(),
        "2017-09-01T00:00:00+02:00"
    );
    assert_eq!(e.unbilled[0].end.to_rfc3339(), "2017-09-01T01:00:00+02:00");
    assert_eq!(e.unbilled[0].amount, 40);
    assert_eq!(e.totals[0].amount, 233280);
    let order: Vec<String> = e.registers.iter().map(|r| r.obis.to_string()).collect();
    assert_eq!(
        order,
        [
            "1-0:1.8.1*255",
            "1-0:1.8.2*255",
            "1-0:2.8.1*255",
            "1-0:2.8.2*255",
            "1-0:1.8.63*255"
        ]
    );
    // 2017-03-26 is the spring DST day: 92 quarter hours, 23 hours.
    let spring = e
        .days
        .iter()
        .find(|d| d.date.to_string() == "2017-03-26")
        .expect("spring day present");
    let span = spring.ranges.last().unwrap().end - spring.ranges.first().unwrap().start;
    assert_eq!(span.num_minutes(), 23 * 60);
}

#[test]
fn taf2_single_day_cases() {
    let e = taf2(
        "result_single_day.xml",
        "supplier_single_day.xml",
        (360, 600, 0),
    );
    assert_eq!(e.begin.to_rfc3339(), "2017-11-04T00:00:00+01:00");
    assert_eq!(e.end.to_rfc3339(), "2017-11-05T00:00:00+01:00");
    assert_eq!(e.days.len(), 1);
    let r: Vec<(String, Option<u16>, i64)> = e.days[0]
        .ranges
        .iter()
        .map(|r| (r.start.format("%H:%M").to_string(), r.tariff, r.amount))
        .collect();
    assert_eq!(
        r,
        vec![
            ("00:00".into(), Some(1), 240),
            ("06:00".into(), Some(2), 600),
            ("21:00".into(), Some(1), 120)
        ]
    );
    taf2(
        "result_single_day_2h-gap.xml",
        "supplier_single_day.xml",
        (310, 560, 90),
    );
    taf2(
        "result_single_day_2h_PTBstatus3.xml",
        "supplier_single_day.xml",
        (310, 560, 90),
    );
    taf2(
        "result_single_day.xml",
        "supplier_single_day_maxTariffChange.xml",
        (470, 490, 0),
    );
    taf2(
        "result_single_day_2h-gap.xml",
        "supplier_single_day_maxTariffChange.xml",
        (420, 450, 90),
    );
    taf2(
        "result_single_day_simple_gap.xml",
        "supplier_single_day.xml",
        (360, 600, 0),
    );
    let e = taf2(
        "result_single_day_1_missing_period_at_tariff_switch.xml",
        "supplier_single_day.xml",
        (350, 590, 20),
    );
    let err: Vec<&tariff::Range> = e.days[0].ranges.iter().filter(|r| r.is_error).collect();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].start.format("%H:%M").to_string(), "05:45");
    assert_eq!(err[0].end.format("%H:%M").to_string(), "06:15");
    assert_eq!(err[0].obis, o("1-0:1.8.63*255"));
}

#[test]
fn taf2_three_days() {
    taf2(
        "result_3_days.xml",
        "supplier_single_day.xml",
        (400, 600, 0),
    );
    taf2(
        "result_3_days.xml",
        "supplier_single_day_2.xml",
        (400, 600, 0),
    );
    taf2(
        "result_3_days.xml",
        "supplier_single_day_3.xml",
        (360, 600, 0),
    );
    taf2("result_3_days.xml", "supplier_2_day.xml", (800, 1200, 0));
    for dev in [
        "result_3_days_gap_day_change_1.xml",
        "result_3_days_gap_day_change_2.xml",
        "result_3_days_gap_day_change_3.xml",
        "result_3_days_gap_day_change_7.xml",
        "result_3_days_gap_day_change_3_DayChangePTBStatus3.xml",
        "result_3_days_gap_day_change_3_DayChangePTBStatus3_2.xml",
        "result_3_days_gap_day_change_4.xml",
    ] {
        taf2(dev, "supplier_2_day.xml", (800, 1200, 0));
    }
    taf2(
        "result_3_days_gap_day_change_5.xml",
        "supplier_2_day.xml",
        (500, 1200, 300),
    );
    taf2(
        "result_3_days_gap_day_change_6.xml",
        "supplier_2_day.xml",
        (500, 1180, 320),
    );
    taf2(
        "result_3_days_gap_day_change_8.xml",
        "supplier_2_day.xml",
        (340, 600, 1060),
    );
    taf2(
        "result_3_days_gap_day_change_9.xml",
        "supplier_3_day.xml",
        (690, 1200, 1070),
    );
    taf2(
        "result_3_days_gap_day_change_10.xml",
        "supplier_3_day.xml",
        (340, 600, 2020),
    );
    taf2(
        "result_3_days_gap_day_change_11.xml",
        "supplier_3_day.xml",
        (340, 600, 2020),
    );
    taf2(
        "result_3_days_gap_day_change_3.xml",
        "supplier_2_day_2_dayProfile.xml",
        (940, 980, 80),
    );
}

#[test]
fn taf2_partial_days_and_period_edges() {
    let e = taf2(
        "result_3_days.xml",
        "supplier_1_day_4_to_22.xml",
        (120, 600, 0),
    );
    assert_eq!(e.begin.to_rfc3339(), "2017-11-04T04:00:00+01:00");
    assert_eq!(e.end.to_rfc3339(), "2017-11-04T22:00:00+01:00");
    taf2(
        "result_3_days.xml",
        "supplier_2_day_4_to_4.xml",
        (400, 600, 0),
    );
    taf2(
        "result_3_days.xml",
        "supplier_3_day_4_to_5.xml",
        (840, 1200, 0),
    );
    taf2(
        "result_3_days.xml",
        "supplier_3_day_minPeriod.xml",
        (10, 0, 0),
    );
    let e = taf2("result_3_days.xml", "supplier_5_day.xml", (1160, 1800, 0));
    assert_eq!(e.end.to_rfc3339(), "2017-11-07T00:00:00+01:00");
    let e = taf2(
        "result_3_days_1_hour.xml",
        "supplier_5_day.xml",
        (1200, 1800, 0),
    );
    assert_eq!(e.end.to_rfc3339(), "2017-11-07T01:00:00+01:00");
    let e = taf2(
        "result_3_days_1_hour_2.xml",
        "supplier_5_day.xml",
        (1160, 1800, 0),
    );
    assert_eq!(e.begin.to_rfc3339(), "2017-11-04T01:00:00+01:00");
}

#[test]
fn taf2_thirty_minute_lists() {
    let s = "supplier_single_day_4.xml";
    taf2("result_single_day_period_30min.xml", s, (180, 300, 0));
    let e = taf2("result_single_day_period_30min_Gap1.xml", s, (170, 300, 0));
    assert_eq!(e.begin.to_rfc3339(), "2017-11-01T00:30:00+01:00");
    taf2("result_single_day_period_30min_Gap2.xml", s, (170, 290, 20));
    taf2("result_single_day_period_30min_Gap3.xml", s, (160, 290, 30));
    taf2("result_single_day_period_30min_Gap4.xml", s, (160, 280, 40));
    taf2("result_single_day_period_30min_Gap5.xml", s, (140, 270, 70));
    let e = taf2("result_single_day_period_30min_Gap6.xml", s, (120, 270, 70));
    assert_eq!(e.end.to_rfc3339(), "2017-11-01T23:00:00+01:00");
}

#[test]
fn supplier_checksums_are_over_raw_bytes() {
    // Computed independently with pycryptodome (Keccak, 36-byte digest, padding 0x01).
    let p = supplier_file(path("taf2", "supplier_single_day.xml")).unwrap();
    assert_eq!(
        p.checksums.ripemd160,
        "7314bd2ce167cd2d8d3e44323efba23266aa98a5"
    );
    assert_eq!(
        p.checksums.sha3,
        "b4237573443147caf4f71b879d8a5c0629081c8b5ced0d618c4ad3ceaf8bcf8bffab763f"
    );
    let e = ok("taf1", "result_1_month.xml", "supplier_1_month.xml");
    assert_eq!(
        e.checksums.ripemd160,
        "2f00c42953dc10496640ecc303b49cd59a506c99"
    );
    assert_eq!(
        e.checksums.sha3,
        "53f4ce7925ea243714a9e7ce072b52035f8cc42e757a7377d2b5bd9fa0aab6690c994a10"
    );
}

#[test]
fn json_document_shape() {
    let e = ok(
        "taf2",
        "result_single_day_2h-gap.xml",
        "supplier_single_day.xml",
    );
    let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(v["begin"], "2017-11-04T00:00:00+01:00");
    assert_eq!(v["end"], "2017-11-05T00:00:00+01:00");
    assert_eq!(v["registers"][0]["obis"], "1-0:1.8.1*255");
    assert_eq!(v["registers"][0]["tariff"], 1);
    assert_eq!(v["registers"][0]["amount"], 310);
    assert_eq!(v["registers"][2]["obis"], "1-0:1.8.63*255");
    assert_eq!(v["registers"][2]["tariff"], serde_json::Value::Null);
    assert_eq!(v["registers"][2]["amount"], 90);
    let day = &v["days"][0];
    assert_eq!(day["date"], "2017-11-04");
    let err = day["ranges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["is_error"] == true)
        .expect("an error range");
    assert_eq!(err["start"], "2017-11-04T04:45:00+01:00");
    assert_eq!(err["end"], "2017-11-04T07:00:00+01:00");
    assert_eq!(err["amount"], 90);
    assert_eq!(v["totals"][0]["obis"], "1-0:1.8.0*255");
    assert_eq!(v["totals"][0]["amount"], 960);
    assert_eq!(
        v["checksums"]["ripemd160"],
        "7314bd2ce167cd2d8d3e44323efba23266aa98a5"
    );
    // The document reads back into the same value.
    let back: Evaluation = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(back, e);
}

#[test]
fn fnn_status_words_are_honoured_when_no_ptb_status_is_given() {
    // The PTB-status-3 gap file with every statusPTB replaced by the equivalent FNN word:
    // A002… maps to PTB 3 (missing), A008… to PTB 1 (valid).
    let xml = std::fs::read_to_string(path("taf2", "result_single_day_2h_PTBstatus3.xml")).unwrap();
    let xml = xml
        .replace(
            "<statusPTB>3</statusPTB>",
            "<statusFNN>A002000020000000</statusFNN>",
        )
        .replace(
            "<statusPTB>1</statusPTB>",
            "<statusFNN>A008000020000000</statusFNN>",
        );
    assert!(!xml.contains("<statusPTB>"));
    let doc = ar2418::read_str(&xml).unwrap();
    let series = tariff::from_ar2418::device_series(&doc).unwrap();
    let profile = supplier_file(path("taf2", "supplier_single_day.xml")).unwrap();
    let e = tariff::evaluate(&profile, &series).unwrap();
    assert_eq!(taf2_triple(&e), (310, 560, 90));
}

#[test]
fn adapter_errors() {
    // A device file has no AnalysisProfile.
    let e = run("taf2", "result_single_day.xml", "result_single_day.xml").unwrap_err();
    assert_eq!(e.code(), "TARIFF_NO_ANALYSIS_PROFILE");
    assert!(e.message_de().contains("AnalysisProfile"));
    let e = run("taf2", "result_single_day.xml", "does_not_exist.xml").unwrap_err();
    assert_eq!(e.code(), "TARIFF_IO");
    // An unsupported use case.
    let xml = std::fs::read_to_string(path("taf2", "supplier_single_day.xml")).unwrap();
    let xml = xml.replace(
        "<tariffUseCase>2</tariffUseCase>",
        "<tariffUseCase>7</tariffUseCase>",
    );
    let e = tariff::from_ar2418::supplier_bytes(xml.as_bytes()).unwrap_err();
    assert_eq!(e.code(), "TARIFF_UNSUPPORTED_USE_CASE");
    // The checksums follow the bytes.
    let a = supplier_file(path("taf2", "supplier_single_day.xml")).unwrap();
    let b = tariff::from_ar2418::supplier_bytes(
        xml.replace("<tariffUseCase>7<", "<tariffUseCase>2<")
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(a.checksums, b.checksums);
    let c = tariff::from_ar2418::supplier_bytes(
        format!("{xml} ")
            .replace("<tariffUseCase>7<", "<tariffUseCase>2<")
            .as_bytes(),
    )
    .unwrap();
    assert_ne!(a.checksums, c.checksums);
}
