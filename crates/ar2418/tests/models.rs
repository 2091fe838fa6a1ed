//! One test per row of the `models/` table in the reference README.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use ar2418::{
    analyze, daily_status, has_errors, raster_time, validate, IntervalReading, MeterReading,
    UsagePoints,
};
use chrono::{DateTime, FixedOffset, NaiveDate};

fn t(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn model(name: &str) -> UsagePoints {
    common::load(&format!("models/{name}"))
}

fn mr(doc: &UsagePoints, i: usize) -> &MeterReading {
    &doc.usage_points[0].meter_readings[i]
}

fn reading(m: &MeterReading, i: usize) -> &IntervalReading {
    m.readings()
        .nth(i)
        .unwrap_or_else(|| panic!("no reading #{i}"))
}

fn assert_valid(doc: &UsagePoints, name: &str) {
    let f = validate(doc);
    assert!(!has_errors(&f), "{name}: {f:#?}");
}

#[test]
fn taf2_sample_first_list_is_ovl_second_is_not() {
    let doc = model("IF_Adapter_TRuDI_DatenTAF2.xml");
    assert_eq!(doc.usage_points[0].meter_readings.len(), 5);
    assert!(mr(&doc, 0).is_original_value_list());
    assert!(!mr(&doc, 1).is_original_value_list());
    let obis: Vec<String> = doc.usage_points[0]
        .meter_readings
        .iter()
        .map(|m| m.obis_id().expect("hex OBIS").short())
        .collect();
    // As the README says: the fourth list is labelled 1.8.2 in its name but carries 1.8.1.
    assert_eq!(obis, ["1.8.0", "1.8.0", "1.8.1", "1.8.1", "1.8.63"]);
    assert_valid(&doc, "TAF2");
}

#[test]
fn taf7_three_values() {
    let doc = model("IF_Adapter_TRuDI_DatenTAF7.xml");
    let m = mr(&doc, 0);
    assert!(m.is_original_value_list());
    assert_eq!(
        m.obis_id().map(|o| o.to_string()).as_deref(),
        Some("1-0:1.8.0*255")
    );
    let a = analyze(m);
    assert_eq!((a.period, a.gap_count, a.value_count), (Some(900), 0, 3));
    let times: Vec<_> = m.readings().filter_map(|r| r.capture_time()).collect();
    assert_eq!(
        times,
        [
            t("2017-06-26T11:30:00+02:00"),
            t("2017-06-26T11:45:00+02:00"),
            t("2017-06-26T12:00:00+02:00")
        ]
    );
    assert_eq!(reading(m, 0).value, Some(639108));
    assert_valid(&doc, "TAF7");
}

#[test]
fn taf7_with_gaps_lists_missing_slots() {
    let doc = model("IF_Adapter_TRuDI_DatenTAF7_With_Gaps.xml");
    let a = analyze(mr(&doc, 0));
    assert_eq!(a.value_count, 9);
    assert_eq!(a.first, Some(t("2017-06-26T11:30:00+02:00")));
    assert_eq!(a.last, Some(t("2017-06-26T15:15:00+02:00")));
    assert_eq!(a.gap_count, 3);
    let missing: Vec<String> = a
        .missing_slots
        .iter()
        .map(|s| s.format("%H:%M").to_string())
        .collect();
    assert_eq!(
        missing,
        ["12:15", "13:15", "13:30", "14:00", "14:15", "14:30", "14:45"]
    );
    assert_eq!(a.value_count + a.missing_slots.len(), 16);
    assert_eq!(
        a.gaps.iter().map(|g| g.missing).collect::<Vec<_>>(),
        [1, 2, 4]
    );
    assert_valid(&doc, "TAF7_With_Gaps");
}

#[test]
fn analysis_profile_present_or_absent() {
    let with = model("UsagePoint_with_AnalysisProfile.xml");
    let ap = with.usage_points[0]
        .analysis_profile
        .as_ref()
        .expect("profile parsed");
    assert_eq!(ap.tariff_use_case, 2);
    assert_eq!(ap.tariff_id, "ev-1");
    assert_eq!(ap.billing_period.duration, Some(2_678_400));
    assert_eq!(
        ap.tariff_stages[0].obis_id().map(|o| o.short()).as_deref(),
        Some("1.8.1")
    );
    assert_eq!(ap.default_tariff_number, 1);
    let without = model("UsagePoint_without_AnalysisProfile.xml");
    assert!(without.usage_points[0].analysis_profile.is_none());
    assert_valid(&with, "with");
    assert_valid(&without, "without");
}

#[test]
fn cc_2_2_first_value_off_raster() {
    let doc = model("cc_2_2_first_or_last_read_off_by_more_than_60_seconds.xml");
    assert_valid(&doc, "cc_2_2");
    let m = mr(&doc, 0);
    let r0 = reading(m, 0);
    assert_eq!(r0.capture_time(), Some(t("2017-07-10T08:48:22+02:00")));
    assert_eq!(r0.value, Some(41853));
    // Off the raster: no target time.
    assert_eq!(raster_time(&t("2017-07-10T08:48:22+02:00"), 900), None);
    let r141 = reading(m, 141);
    let target = r141.capture_time().and_then(|c| raster_time(&c, 900));
    assert_eq!(target, Some(t("2017-07-15T00:30:00+02:00")));
    assert_eq!(r141.value, Some(41988));
    let r1373 = reading(m, 1373);
    assert_eq!(
        r1373.capture_time().and_then(|c| raster_time(&c, 900)),
        Some(t("2017-08-01T00:00:00+02:00"))
    );
    assert_eq!(r1373.value, Some(43848));
}

#[test]
fn cc_2_3_gap_at_the_beginning() {
    let doc = model("cc_2_3_reading_gaps_at_the_begin_of_ctx_period.xml");
    assert_valid(&doc, "cc_2_3");
    let ovls: Vec<&MeterReading> = doc.usage_points[0]
        .meter_readings
        .iter()
        .filter(|m| m.is_original_value_list())
        .collect();
    assert_eq!(ovls.len(), 2);
    let r0 = reading(ovls[0], 0);
    assert_eq!(r0.capture_time(), Some(t("2017-09-08T00:30:00+02:00")));
    assert_eq!(r0.value, Some(11_543_236_000));
    let r190 = reading(ovls[0], 190);
    assert_eq!(r190.capture_time(), Some(t("2017-09-10T00:00:00+02:00")));
    assert_eq!(r190.value, Some(13_254_024_000));
}

#[test]
fn cc_2_4_data_ends_early() {
    let doc = model("cc_2_4_reading_gaps_at_the_end_of_ctx_period.xml");
    assert_valid(&doc, "cc_2_4");
    let r = reading(mr(&doc, 0), 358);
    assert_eq!(r.capture_time(), Some(t("2017-09-13T17:30:00+02:00")));
    assert_eq!(r.value, Some(16_472_131_000));
}

#[test]
fn cc_2_5_gap_inside() {
    let doc = model("cc_2_5_reading_gaps_inside_loaded_period.xml");
    assert_valid(&doc, "cc_2_5");
    let m = mr(&doc, 0);
    assert_eq!(reading(m, 95).value, Some(9_789_958_000));
    assert_eq!(reading(m, 96).value, Some(11_525_545_000));
    let a = analyze(m);
    assert_eq!(a.gap_count, 1);
    assert_eq!(a.gaps[0].after, t("2017-09-05T23:45:00+02:00"));
    assert_eq!(a.gaps[0].before, t("2017-09-08T00:00:00+02:00"));
    assert_eq!(a.gaps[0].missing, 2 * 96 - 1 + 1);
}

#[test]
fn cc_3_2_four_meter_readings() {
    let doc = model("cc_3_2_query_over_multiple_bill_periods.xml");
    assert_valid(&doc, "cc_3_2");
    let mrs = &doc.usage_points[0].meter_readings;
    assert_eq!(mrs.len(), 4);
    let ovl: Vec<bool> = mrs.iter().map(|m| m.is_original_value_list()).collect();
    assert_eq!(ovl, [true, true, false, false]);
}

#[test]
fn dr_neuhaus_bug_10_dst_day_all_status_3() {
    let doc = model("result_DrNeuhausBugNo10.xml");
    assert_valid(&doc, "DrNeuhaus");
    let m = mr(&doc, 0);
    let r0 = reading(m, 0);
    assert_eq!(r0.capture_time(), Some(t("2017-10-29T02:45:00+02:00")));
    assert_eq!(r0.value, Some(741_092));
    assert!(m.reading_count() > 1);
    assert!(m
        .readings()
        .all(|r| r.ptb_status().map(|s| s.code()) == Some(3)));
    assert!(m.readings().all(|r| !r.is_valid_for_billing()));
}

#[test]
fn daily_values_target_times() {
    let doc = model("taf7_oml_1day_values_1.xml");
    assert_valid(&doc, "1day_values");
    let m = mr(&doc, 0);
    assert_eq!(m.reading_type.as_ref().and_then(|r| r.uom), Some(72), "Wh");
    let a = analyze(m);
    assert_eq!(a.period, Some(86_400));
    let by_target = |day: &str| {
        m.readings()
            .find(|r| r.capture_time().and_then(|c| raster_time(&c, 86_400)) == Some(t(day)))
            .and_then(|r| r.value)
    };
    assert_eq!(by_target("2017-10-26T00:00:00+02:00"), Some(200));
    assert_eq!(by_target("2017-10-29T00:00:00+02:00"), Some(500));
    assert_eq!(by_target("2017-11-01T00:00:00+01:00"), Some(800));
}

#[test]
fn taf7_oml_1_has_97_values() {
    let doc = model("taf7_oml_1.xml");
    assert_valid(&doc, "taf7_oml_1");
    let a = analyze(mr(&doc, 0));
    assert_eq!(a.value_count, 97);
    assert_eq!(a.first, Some(t("2017-11-04T07:00:00+01:00")));
    assert_eq!(a.last, Some(t("2017-11-05T07:00:00+01:00")));
    assert_eq!(a.gap_count, 0);
}

#[test]
fn duplicate_like_timestamps_no_gaps() {
    let doc = model("oml_error_dup_timestamps.xml");
    assert_valid(&doc, "dup");
    let a = analyze(mr(&doc, 0));
    assert_eq!(a.value_count, 9);
    assert_eq!(a.gap_count, 0);
    assert_eq!(a.first, Some(t("2018-03-12T00:00:00+01:00")));
    assert_eq!(a.last, Some(t("2018-03-12T02:00:00+01:00")));
    // Jittered spacings (896…904 s) still vote for 15 minutes.
    assert_eq!(a.detected_period, Some(900));
}

#[test]
fn gas_irregular_readings() {
    let doc = model("result_oml_gas_0_period.xml");
    assert_valid(&doc, "gas");
    let m = mr(&doc, 0);
    assert_eq!(
        m.obis_id().map(|o| o.to_string()).as_deref(),
        Some("7-0:3.1.0*255")
    );
    let a = analyze(m);
    assert_eq!((a.value_count, a.gap_count, a.period), (4, 3, None));
    assert!(a.missing_slots.is_empty());
}

#[test]
fn start_not_aligned() {
    let doc = model("result_oml_start_not_aligned.xml");
    assert_valid(&doc, "not aligned");
    let a = analyze(mr(&doc, 0));
    assert_eq!(a.first, Some(t("2018-03-12T14:24:39+01:00")));
    let last = a.last.expect("readings");
    assert_eq!(
        raster_time(&last, 900),
        Some(t("2018-03-13T10:15:00+01:00"))
    );
    // TRuDI lists 83 rows: the 77 readings plus the 6 missing raster points.
    assert_eq!(a.value_count, 77);
    assert_eq!(a.value_count + a.missing_slots.len(), 83);
}

#[test]
fn winter_to_summer_time() {
    let doc = model("result_oml_winter_to_summer_time.xml");
    assert_valid(&doc, "spring");
    let m = mr(&doc, 0);
    let a = analyze(m);
    assert_eq!((a.value_count, a.gap_count), (21, 0));
    assert_eq!(a.first, Some(t("2017-03-26T00:00:00+01:00")));
    assert_eq!(a.last, Some(t("2017-03-26T06:00:00+02:00")));
    let times: Vec<_> = m.readings().filter_map(|r| r.capture_time()).collect();
    let i = times
        .iter()
        .position(|x| *x == t("2017-03-26T01:45:00+01:00"))
        .expect("01:45+01:00");
    assert_eq!(times[i + 1], t("2017-03-26T03:00:00+02:00"));
    // The offsets survive parsing (needed to write the file back).
    assert_eq!(times[i].offset().local_minus_utc(), 3600);
    assert_eq!(times[i + 1].offset().local_minus_utc(), 7200);
}

#[test]
fn error_list_per_day() {
    let doc = model("result_3_days_geterrorlist.xml");
    assert_valid(&doc, "errorlist");
    let days = daily_status(mr(&doc, 0));
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("date");
    let summary: Vec<_> = days
        .iter()
        .map(|s| {
            (
                s.date,
                s.gaps,
                s.fatal,
                s.warning,
                s.temporary,
                s.critical,
                s.ok,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (d(2017, 11, 4), 0, 0, 0, 0, 0, 96),
            (d(2017, 11, 5), 1, 3, 1, 2, 3, 86),
            (d(2017, 11, 6), 0, 1, 0, 0, 0, 95),
            (d(2017, 11, 7), 0, 0, 0, 0, 0, 1),
        ]
    );
}

#[test]
fn findings_carry_source_lines() {
    let path = common::data("models/IF_Adapter_TRuDI_DatenTAF7_With_Gaps.xml");
    let (doc, map) = ar2418::read_file_with_source_map(&path).expect("reads");
    assert_eq!(
        doc,
        ar2418::read_file(&path).expect("reads"),
        "same data either way"
    );
    assert_eq!(map.usage_points[0].line, 8);
    assert_eq!(map.usage_points[0].certificates, [39]);
    let mr = &map.usage_points[0].meter_readings[0];
    assert_eq!((mr.line, mr.interval_blocks.as_slice()), (125, &[160][..]));
    assert_eq!(mr.readings, [172, 186, 197, 210, 221, 232, 245, 258, 269]);
    let mut findings = validate(&doc);
    map.annotate(&mut findings);
    let outside = findings
        .iter()
        .find(|f| f.code == "READING_OUTSIDE_BLOCK")
        .expect("sample readings lie outside their block");
    assert_eq!(outside.location.reading, Some(3));
    assert_eq!(outside.line, Some(210));
    assert!(outside.to_string().contains("(line 210)"), "{outside}");
    let cert = findings
        .iter()
        .find(|f| f.code == "CERT_CONTENT_NOT_X509")
        .expect("placeholder");
    assert_eq!(cert.line, Some(39));
    let gaps = findings
        .iter()
        .find(|f| f.code == "VALUE_LIST_GAPS")
        .expect("gaps");
    assert_eq!(gaps.line, Some(125));
}
