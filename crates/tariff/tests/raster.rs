//! The raster rule of the reference program (issue #17): a value without a target time
//! within 3 % of the period (27 s for 15 minutes) of a raster point is billed at that
//! point; a value farther off, or with an off-raster target time, counts as missing. Built
//! from TRuDI's real files with one value's time changed, read through the ar2418 reader.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use tariff::from_ar2418::{device_series, supplier_file};
use tariff::{evaluate, Evaluation, Obis, TariffError};

const REF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/trudi-data"
);

fn o(s: &str) -> Obis {
    s.parse().expect("test OBIS")
}

/// `file` with the value captured at `at` moved to capture time `capture`, and given
/// `target` as targetTime if set.
fn moved(file: &str, at: &str, capture: &str, target: Option<&str>) -> String {
    let xml = std::fs::read_to_string(format!("{REF}/{file}")).expect("reference file");
    let needle = format!("<start>{at}</start>");
    // The occurrence inside an IntervalReading's timePeriod (the IntervalBlock's interval
    // may start at the same time).
    let pos = xml
        .match_indices(&needle)
        .map(|(i, _)| i)
        .find(|&i| {
            xml[i + needle.len()..]
                .trim_start()
                .starts_with("</timePeriod>")
        })
        .expect("reading at that time");
    let end = pos + needle.len();
    let close = end + xml[end..].find("</timePeriod>").expect("timePeriod closes") + 13;
    let target = target
        .map(|t| format!("<targetTime>{t}</targetTime>"))
        .unwrap_or_default();
    format!(
        "{}<start>{capture}</start>{}{target}{}",
        &xml[..pos],
        &xml[end..close],
        &xml[close..]
    )
}

fn bill(device_xml: &str, supplier: &str) -> Result<Evaluation, TariffError> {
    let doc = ar2418::read(device_xml.as_bytes()).expect("readable device file");
    let series = device_series(&doc).expect("value lists");
    let profile = supplier_file(format!("{REF}/{supplier}")).expect("supplier file");
    evaluate(&profile, &series)
}

fn taf2(device_xml: &str) -> (i64, i64, i64) {
    let e = bill(device_xml, "taf2/supplier_single_day.xml").expect("bill");
    (
        e.amount(o("1-0:1.8.1*255")),
        e.amount(o("1-0:1.8.2*255")),
        e.amount(o("1-0:1.8.63*255")),
    )
}

/// The value at the 06:00 switch (T1 → T2) of `result_single_day`, moved.
fn switch_value(capture: &str, target: Option<&str>) -> String {
    moved(
        "taf2/result_single_day.xml",
        "2017-11-04T06:00:00+01:00",
        capture,
        target,
    )
}

/// The whole day on the raster: 360 / 600 / 0 (README).
const COMPLETE: (i64, i64, i64) = (360, 600, 0);
/// The 06:00 value missing: both quarter hours around the switch go to the error
/// register, as in `result_single_day_1_missing_period_at_tariff_switch` (README).
const SWITCH_MISSING: (i64, i64, i64) = (350, 590, 20);

#[test]
fn unchanged_file_bills_as_the_readme_says() {
    let xml = std::fs::read_to_string(format!("{REF}/taf2/result_single_day.xml")).unwrap();
    assert_eq!(taf2(&xml), COMPLETE);
}

#[test]
fn without_target_time_7_s_off_snaps() {
    assert_eq!(
        taf2(&switch_value("2017-11-04T06:00:07+01:00", None)),
        COMPLETE
    );
    assert_eq!(
        taf2(&switch_value("2017-11-04T05:59:53+01:00", None)),
        COMPLETE
    );
}

#[test]
fn without_target_time_25_s_off_snaps() {
    assert_eq!(
        taf2(&switch_value("2017-11-04T06:00:25+01:00", None)),
        COMPLETE
    );
    assert_eq!(
        taf2(&switch_value("2017-11-04T05:59:35+01:00", None)),
        COMPLETE
    );
    // 27 s is exactly 3 % of 15 minutes: still snapped; 28 s is not.
    assert_eq!(
        taf2(&switch_value("2017-11-04T06:00:27+01:00", None)),
        COMPLETE
    );
    assert_eq!(
        taf2(&switch_value("2017-11-04T06:00:28+01:00", None)),
        SWITCH_MISSING
    );
}

#[test]
fn without_target_time_40_s_off_is_missing() {
    assert_eq!(
        taf2(&switch_value("2017-11-04T06:00:40+01:00", None)),
        SWITCH_MISSING
    );
    assert_eq!(
        taf2(&switch_value("2017-11-04T05:59:20+01:00", None)),
        SWITCH_MISSING
    );
}

#[test]
fn without_target_time_minutes_off_is_missing() {
    for capture in [
        "2017-11-04T06:04:00+01:00",
        "2017-11-04T06:07:30+01:00",
        "2017-11-04T05:53:00+01:00",
    ] {
        assert_eq!(
            taf2(&switch_value(capture, None)),
            SWITCH_MISSING,
            "{capture}"
        );
    }
}

#[test]
fn off_raster_target_times_are_missing_however_close() {
    // A target time is kept as it is: 7 s, 25 s, 40 s or minutes off the raster, the value
    // is not at a raster point and counts as missing.
    for target in [
        "2017-11-04T06:00:07+01:00",
        "2017-11-04T06:00:25+01:00",
        "2017-11-04T06:00:40+01:00",
        "2017-11-04T06:05:00+01:00",
    ] {
        assert_eq!(
            taf2(&switch_value("2017-11-04T06:00:00+01:00", Some(target))),
            SWITCH_MISSING,
            "{target}"
        );
    }
}

#[test]
fn on_raster_target_time_wins_over_an_off_raster_capture_time() {
    for capture in [
        "2017-11-04T06:00:07+01:00",
        "2017-11-04T06:00:40+01:00",
        "2017-11-04T06:04:00+01:00",
    ] {
        assert_eq!(
            taf2(&switch_value(capture, Some("2017-11-04T06:00:00+01:00"))),
            COMPLETE,
            "{capture}"
        );
    }
}

#[test]
fn off_raster_value_inside_one_tariff_is_a_gap_of_that_tariff() {
    // 12:00 lies inside T2 (06:00–21:00): the value 40 s off counts as missing, and the
    // half hour 11:45–12:15 around it is booked like any gap inside one tariff (README:
    // "a gap inside one tariff is booked to that tariff"), so the totals do not change …
    let xml = moved(
        "taf2/result_single_day.xml",
        "2017-11-04T12:00:00+01:00",
        "2017-11-04T12:00:40+01:00",
        None,
    );
    let e = bill(&xml, "taf2/supplier_single_day.xml").expect("bill");
    assert_eq!(
        (
            e.amount(o("1-0:1.8.1*255")),
            e.amount(o("1-0:1.8.2*255")),
            e.amount(o("1-0:1.8.63*255"))
        ),
        COMPLETE
    );
    // … but the bill no longer splits at 12:00: the value was not used.
    let t2: Vec<_> = e.days[0]
        .ranges
        .iter()
        .filter(|r| r.tariff == Some(2))
        .map(|r| (r.start.to_rfc3339(), r.end.to_rfc3339()))
        .collect();
    assert!(
        t2.iter()
            .all(|(s, end)| !s.contains("T12:00:00") && !end.contains("T12:00:00")),
        "{t2:?}"
    );
    // 7 s off, it is snapped and used: nothing changes either.
    let xml = moved(
        "taf2/result_single_day.xml",
        "2017-11-04T12:00:00+01:00",
        "2017-11-04T12:00:07+01:00",
        None,
    );
    let series = device_series(&ar2418::read(xml.as_bytes()).unwrap()).unwrap();
    assert!(series[0]
        .readings
        .iter()
        .any(|r| r.time.to_rfc3339() == "2017-11-04T11:00:00+00:00" && r.value == 480));
}

#[test]
fn off_raster_values_between_two_switches_go_to_the_error_register() {
    // Both values around the 06:00 switch are off: 05:45 (40 s) and 06:00 (4 min). The
    // intervals 05:30–06:15 span the switch and go to the error register.
    let xml = switch_value("2017-11-04T06:04:00+01:00", None);
    let both_off = xml.replacen(
        "<start>2017-11-04T05:45:00+01:00</start>",
        "<start>2017-11-04T05:45:40+01:00</start>",
        1,
    );
    assert_eq!(taf2(&both_off), (340, 590, 30));
}

#[test]
fn taf1_start_value_off_the_raster() {
    let supplier = "taf1/supplier_1_month.xml";
    let start = "2017-10-01T00:00:00+02:00";
    let file = "taf1/result_1_month.xml";
    let amount = |xml: &str| bill(xml, supplier).map(|e| e.amount(o("1-0:1.8.1*255")));
    // Snapped within 27 s: the start value is found.
    assert_eq!(
        amount(&moved(file, start, "2017-10-01T00:00:07+02:00", None)),
        Ok(29800)
    );
    assert_eq!(
        amount(&moved(file, start, "2017-10-01T00:00:25+02:00", None)),
        Ok(29800)
    );
    // 40 s, minutes off, or an off-raster target time: no start value.
    for (capture, target) in [
        ("2017-10-01T00:00:40+02:00", None),
        ("2017-10-01T00:05:00+02:00", None),
        (start, Some("2017-10-01T00:00:07+02:00")),
        (start, Some("2017-10-01T00:00:25+02:00")),
    ] {
        let r = amount(&moved(file, start, capture, target));
        assert!(
            matches!(r, Err(TariffError::MissingStartValue { .. })),
            "{capture} {target:?}: {r:?}"
        );
    }
}
