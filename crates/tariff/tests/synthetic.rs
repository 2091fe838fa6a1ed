//! Synthetic cases for rules the reference files do not cover: import/export separation,
//! DST days, a missing day, switches at gap edges, coarse measuring periods, and the
//! preconditions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use tariff::{
    evaluate, Checksums, DayProfile, Evaluation, MeterSeries, Obis, Reading, SpecialDay,
    TariffError, TariffProfile, TariffStage, UseCase,
};

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Berlin
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .earliest()
        .expect("test time exists")
        .with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

fn o(s: &str) -> Obis {
    s.parse().expect("test OBIS")
}

fn stage(tariff: u16, obis: &str) -> TariffStage {
    TariffStage {
        tariff,
        obis: o(obis),
        description: None,
    }
}

fn day(id: &str, sw: &[(u8, u8, u16)]) -> DayProfile {
    DayProfile::from_triples(id, sw)
}

/// The TRuDI test tariff: 00:00 T1, 06:00 T2, 21:00 T1.
const STD: &[(u8, u8, u16)] = &[(0, 0, 1), (6, 0, 2), (21, 0, 1)];

/// A TAF-2 profile over import stages 1.8.1/1.8.2 with one day kind "1" on every date
/// from `start`'s date to `end`'s date.
fn taf2_profile(start: DateTime<Utc>, end: DateTime<Utc>, sw: &[(u8, u8, u16)]) -> TariffProfile {
    let first = start.with_timezone(&Berlin).date_naive();
    let last = end.with_timezone(&Berlin).date_naive();
    TariffProfile {
        use_case: UseCase::Taf2,
        tariff_id: "test".into(),
        billing_start: start,
        billing_end: end,
        stages: vec![stage(1, "1-0:1.8.1*255"), stage(2, "1-0:1.8.2*255")],
        default_tariff: 1,
        day_profiles: vec![day("1", sw)],
        special_days: first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| SpecialDay {
                date: d,
                day_id: "1".into(),
            })
            .collect(),
        checksums: Checksums::default(),
    }
}

/// An original value list from `start` every `step` minutes up to and including `end`;
/// every step adds `per_step`; `drop` says which times are missing.
fn list(
    obis: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    step: i64,
    per_step: i64,
    drop: impl Fn(DateTime<Utc>) -> bool,
) -> MeterSeries {
    let mut readings = Vec::new();
    let mut t = start;
    let mut v = 1000;
    while t <= end {
        if !drop(t) {
            readings.push(Reading {
                time: t,
                value: v,
                ptb: 0,
            });
        }
        t += Duration::minutes(step);
        v += per_step;
    }
    MeterSeries {
        obis: o(obis),
        meter_id: "1EMH0012345678".into(),
        is_original: true,
        scaler: -1,
        unit: "Wh".into(),
        period: u32::try_from(step * 60).ok(),
        readings,
    }
}

fn amounts(e: &Evaluation) -> (i64, i64, i64) {
    (
        e.amount(o("1-0:1.8.1*255")),
        e.amount(o("1-0:1.8.2*255")),
        e.amount(o("1-0:1.8.63*255")),
    )
}

fn run(p: &TariffProfile, s: &[MeterSeries]) -> Evaluation {
    let e = evaluate(p, s).unwrap_or_else(|err| panic!("{err}"));
    let booked: i64 = e.registers.iter().map(|r| r.amount).sum();
    let unbilled: i64 = e.unbilled.iter().map(|r| r.amount).sum();
    let measured: i64 = e.totals.iter().map(|t| t.amount).sum();
    assert_eq!(booked + unbilled, measured, "registers + unbilled = totals");
    e
}

/// One 15-minute day, 10 units per quarter hour, with some times dropped.
fn one_day(drop: impl Fn(DateTime<Utc>) -> bool, sw: &[(u8, u8, u16)]) -> Evaluation {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 5, 0, 0));
    run(
        &taf2_profile(s, e, sw),
        &[list("1-0:1.8.0*255", s, e, 15, 10, drop)],
    )
}

#[test]
fn regular_day_ranges_and_day_totals() {
    let e = one_day(|_| false, STD);
    assert_eq!(amounts(&e), (360, 600, 0));
    let d = &e.days[0];
    assert_eq!(d.ranges.len(), 3);
    assert!(d.ranges.iter().all(|r| !r.is_error));
    let totals: Vec<(String, i64)> = d
        .totals
        .iter()
        .map(|r| (r.obis.to_string(), r.amount))
        .collect();
    assert_eq!(
        totals,
        vec![("1-0:1.8.1*255".into(), 360), ("1-0:1.8.2*255".into(), 600)]
    );
}

#[test]
fn invalid_status_counts_as_missing() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 5, 0, 0));
    let mut l = list("1-0:1.8.0*255", s, e, 15, 10, |_| false);
    // 05:45 and 06:00 critical/fatal: the stretch 05:30–06:15 spans the switch; the
    // status-2 value at 12:00 stays in use.
    for r in &mut l.readings {
        if r.time == at(2017, 11, 4, 5, 45) {
            r.ptb = 3;
        }
        if r.time == at(2017, 11, 4, 6, 0) {
            r.ptb = 4;
        }
        if r.time == at(2017, 11, 4, 12, 0) {
            // Status 2 is a usable substitute value.
            r.ptb = 2;
        }
    }
    let ev = run(&taf2_profile(s, e, STD), &[l]);
    assert_eq!(amounts(&ev), (360 - 20, 600 - 10, 30));
}

#[test]
fn gap_edges_at_switches() {
    // Gap ending exactly at the 06:00 switch within the day: still the tariff before.
    let e = one_day(
        |t| t > at(2017, 11, 4, 5, 0) && t < at(2017, 11, 4, 6, 0),
        STD,
    );
    assert_eq!(amounts(&e), (360, 600, 0));
    // Gap starting exactly at the switch: the tariff after.
    let e = one_day(
        |t| t > at(2017, 11, 4, 6, 0) && t < at(2017, 11, 4, 7, 0),
        STD,
    );
    assert_eq!(amounts(&e), (360, 600, 0));
    // Gap across the switch: error register.
    let e = one_day(
        |t| t > at(2017, 11, 4, 5, 30) && t < at(2017, 11, 4, 6, 30),
        STD,
    );
    assert_eq!(amounts(&e), (360 - 20, 600 - 20, 40));
    // Missing value exactly at the switch.
    let e = one_day(|t| t == at(2017, 11, 4, 21, 0), STD);
    assert_eq!(amounts(&e), (360 - 10, 600 - 10, 20));
}

#[test]
fn gap_after_midnight_ending_on_a_switch_goes_to_error() {
    // Two days; values from 23:30 on day 1 to 06:00 on day 2 missing in between. The
    // tariff is T1 throughout, but the gap ends on the 06:00 switch of the next day
    // (TRuDI's result_3_days_gap_day_change_5 rule), so it is booked as an error.
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 6, 0, 0));
    let gap = |t: DateTime<Utc>| t > at(2017, 11, 4, 23, 30) && t < at(2017, 11, 5, 6, 0);
    let ev = run(
        &taf2_profile(s, e, STD),
        &[list("1-0:1.8.0*255", s, e, 15, 10, gap)],
    );
    assert_eq!(amounts(&ev), (720 - 260, 1200, 260));
    // Ending one quarter hour earlier, the gap stays within T1.
    let gap = |t: DateTime<Utc>| t > at(2017, 11, 4, 23, 30) && t < at(2017, 11, 5, 5, 45);
    let ev = run(
        &taf2_profile(s, e, STD),
        &[list("1-0:1.8.0*255", s, e, 15, 10, gap)],
    );
    assert_eq!(amounts(&ev), (720, 1200, 0));
}

#[test]
fn whole_missing_day() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 7, 0, 0));
    // Nothing from 5 Nov 00:00 to 5 Nov 23:45; 6 Nov 00:00 is there.
    let gap = |t: DateTime<Utc>| t >= at(2017, 11, 5, 0, 0) && t < at(2017, 11, 6, 0, 0);
    let ev = run(
        &taf2_profile(s, e, STD),
        &[list("1-0:1.8.0*255", s, e, 15, 10, gap)],
    );
    // Day 1 keeps its last quarter hour up to 23:45; 23:45 → 6 Nov 00:00 spans day 2's
    // switches: error. Day 3 is complete.
    assert_eq!(amounts(&ev), (350 + 360, 600 + 600, 970));
    let err: Vec<_> = ev
        .days
        .iter()
        .flat_map(|d| &d.ranges)
        .filter(|r| r.is_error)
        .collect();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].start.to_rfc3339(), "2017-11-04T23:45:00+01:00");
    assert_eq!(err[0].end.to_rfc3339(), "2017-11-06T00:00:00+01:00");
    // The error range is listed under the day it starts on.
    assert_eq!(ev.days.len(), 2);
    assert_eq!(ev.days[0].date, date(2017, 11, 4));
}

#[test]
fn spring_dst_day_has_92_quarter_hours() {
    let (s, e) = (at(2017, 3, 26, 0, 0), at(2017, 3, 27, 0, 0));
    let l = list("1-0:1.8.0*255", s, e, 15, 10, |_| false);
    assert_eq!(l.readings.len(), 93);
    let ev = run(&taf2_profile(s, e, STD), &[l]);
    // 00:00–06:00 local is 5 real hours on this day.
    assert_eq!(amounts(&ev), (200 + 120, 600, 0));
    // A switch inside the skipped hour (02:30) takes effect when the clock jumps to 03:00.
    let ev = run(
        &taf2_profile(s, e, &[(0, 0, 1), (2, 30, 2), (21, 0, 1)]),
        &[list("1-0:1.8.0*255", s, e, 15, 10, |_| false)],
    );
    assert_eq!(amounts(&ev), (80 + 120, 720, 0));
}

#[test]
fn autumn_dst_day_has_100_quarter_hours() {
    let (s, e) = (at(2017, 10, 29, 0, 0), at(2017, 10, 30, 0, 0));
    let l = list("1-0:1.8.0*255", s, e, 15, 10, |_| false);
    assert_eq!(l.readings.len(), 101);
    let ev = run(&taf2_profile(s, e, STD), &[l]);
    assert_eq!(amounts(&ev), (280 + 120, 600, 0));
    // A switch at 02:30 applies at its first occurrence (summer time).
    let ev = run(
        &taf2_profile(s, e, &[(0, 0, 1), (2, 30, 2), (21, 0, 1)]),
        &[list("1-0:1.8.0*255", s, e, 15, 10, |_| false)],
    );
    // 00:00–02:30 CEST is 10 quarter hours; 02:30 CEST–21:00 is 78.
    assert_eq!(amounts(&ev), (100 + 120, 780, 0));
}

#[test]
fn import_and_export_lists_book_to_their_own_stages() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 5, 0, 0));
    let mut p = taf2_profile(s, e, STD);
    p.stages = vec![
        stage(1, "1-0:1.8.1*255"),
        stage(2, "1-0:1.8.2*255"),
        stage(3, "1-0:2.8.1*255"),
        stage(4, "1-0:2.8.2*255"),
    ];
    // Export switches at 10:00 and 16:00; the calendar lists both profiles for the date.
    p.day_profiles
        .push(day("exp", &[(0, 0, 3), (10, 0, 4), (16, 0, 3)]));
    p.special_days.insert(
        0,
        SpecialDay {
            date: date(2017, 11, 4),
            day_id: "exp".into(),
        },
    );
    let imp = list("1-0:1.8.0*255", s, e, 15, 10, |_| false);
    let exp = list("1-0:2.8.0*255", s, e, 15, 1, |t| {
        t == at(2017, 11, 4, 10, 0)
    });
    let ev = run(&p, &[imp, exp]);
    assert_eq!(amounts(&ev), (360, 600, 0));
    assert_eq!(ev.amount(o("1-0:2.8.1*255")), 71);
    assert_eq!(ev.amount(o("1-0:2.8.2*255")), 23);
    assert_eq!(ev.amount(o("1-0:2.8.63*255")), 2);
    let order: Vec<String> = ev.registers.iter().map(|r| r.obis.to_string()).collect();
    assert_eq!(
        order,
        [
            "1-0:1.8.1*255",
            "1-0:1.8.2*255",
            "1-0:2.8.1*255",
            "1-0:2.8.2*255",
            "1-0:1.8.63*255",
            "1-0:2.8.63*255"
        ]
    );
    let totals: Vec<(String, i64)> = ev
        .totals
        .iter()
        .map(|t| (t.obis.to_string(), t.amount))
        .collect();
    assert_eq!(
        totals,
        vec![("1-0:1.8.0*255".into(), 960), ("1-0:2.8.0*255".into(), 96)]
    );
}

#[test]
fn coarse_lists_book_switches_between_values_to_the_error_register() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 5, 0, 0));
    // 30 minutes, switches on the raster: no error.
    let ev = run(
        &taf2_profile(s, e, STD),
        &[list("1-0:1.8.0*255", s, e, 30, 20, |_| false)],
    );
    assert_eq!(amounts(&ev), (360, 600, 0));
    // 30 minutes, switch at 06:15 between two values: that half hour is an error.
    let sw = &[(0, 0, 1), (6, 15, 2), (21, 0, 1)];
    let ev = run(
        &taf2_profile(s, e, sw),
        &[list("1-0:1.8.0*255", s, e, 30, 20, |_| false)],
    );
    assert_eq!(amounts(&ev), (240 + 120, 580, 20));
    // 45 minutes: 06:00 and 21:00 lie on the raster (8 and 28 periods), 06:15 does not.
    let ev = run(
        &taf2_profile(s, e, STD),
        &[list("1-0:1.8.0*255", s, e, 45, 30, |_| false)],
    );
    assert_eq!(amounts(&ev), (360, 600, 0));
    let ev = run(
        &taf2_profile(s, e, sw),
        &[list("1-0:1.8.0*255", s, e, 45, 30, |_| false)],
    );
    assert_eq!(amounts(&ev), (240 + 120, 600 - 30, 30));
    // One hour with a switch at 06:30: 06:00–07:00 is an error.
    let sw = &[(0, 0, 1), (6, 30, 2), (21, 0, 1)];
    let ev = run(
        &taf2_profile(s, e, sw),
        &[list("1-0:1.8.0*255", s, e, 60, 40, |_| false)],
    );
    assert_eq!(amounts(&ev), (240 + 120, 560, 40));
}

#[test]
fn daily_values_book_whole_days() {
    let (s, e) = (at(2017, 11, 1, 0, 0), at(2017, 11, 4, 0, 0));
    let l = list("1-0:1.8.0*255", s, e, 24 * 60, 960, |_| false);
    // A single-tariff day profile: every day goes to T2.
    let ev = run(&taf2_profile(s, e, &[(0, 0, 2)]), std::slice::from_ref(&l));
    assert_eq!(amounts(&ev), (0, 2880, 0));
    // With switches inside the day, every day is an error.
    let ev = run(&taf2_profile(s, e, STD), &[l]);
    assert_eq!(amounts(&ev), (0, 0, 2880));
    assert_eq!(ev.days.len(), 3);
}

#[test]
fn switch_at_quarter_to_midnight_keeps_the_previous_tariff() {
    // TRuDI's supplier_single_day_maxTariffChange: a switch at 23:45 does not take effect.
    let e = one_day(|_| false, &[(0, 0, 1), (22, 0, 2), (23, 45, 1)]);
    assert_eq!(amounts(&e), (880, 80, 0));
    // Sparse profiles and a switch at 23:30 behave as written.
    let e = one_day(|_| false, &[(0, 0, 1), (22, 0, 2), (23, 30, 1)]);
    assert_eq!(amounts(&e), (900, 60, 0));
    // As the day's only switching point, 23:45 is kept; being the profile's last tariff it
    // also holds before it (README, rules 3 and 5).
    let e = one_day(|_| false, &[(23, 45, 2)]);
    assert_eq!(amounts(&e), (0, 960, 0));
}

#[test]
fn profile_without_midnight_entry_continues_the_previous_tariff() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 6, 0, 0));
    // Day 1 and 2: T2 from 06:00, T1 from 21:00; before 06:00 the day before's T1 runs on
    // (on the first day: the profile's own last tariff).
    let ev = run(
        &taf2_profile(s, e, &[(6, 0, 2), (21, 0, 1)]),
        &[list("1-0:1.8.0*255", s, e, 15, 10, |_| false)],
    );
    assert_eq!(amounts(&ev), (720, 1200, 0));
}

#[test]
fn values_outside_the_billing_period_are_ignored() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 5, 0, 0));
    let l = list(
        "1-0:1.8.0*255",
        at(2017, 11, 3, 12, 0),
        at(2017, 11, 5, 12, 0),
        15,
        10,
        |_| false,
    );
    let ev = run(&taf2_profile(s, e, STD), &[l]);
    assert_eq!(amounts(&ev), (360, 600, 0));
    assert_eq!(ev.begin.to_rfc3339(), "2017-11-04T00:00:00+01:00");
    assert_eq!(ev.end.to_rfc3339(), "2017-11-05T00:00:00+01:00");
}

#[test]
fn days_without_calendar_entry_are_unbilled() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 6, 0, 0));
    let mut p = taf2_profile(s, e, STD);
    p.special_days.retain(|d| d.date != date(2017, 11, 5));
    let ev = run(&p, &[list("1-0:1.8.0*255", s, e, 15, 10, |_| false)]);
    assert_eq!(amounts(&ev), (360, 600, 0));
    assert_eq!(ev.unbilled.len(), 1);
    assert_eq!(ev.unbilled[0].amount, 960);
}

#[test]
fn taf2_errors() {
    let (s, e) = (at(2017, 11, 4, 0, 0), at(2017, 11, 5, 0, 0));
    let good = list("1-0:1.8.0*255", s, e, 15, 10, |_| false);
    let p = taf2_profile(s, e, STD);

    let mut derived = good.clone();
    derived.is_original = false;
    assert_eq!(
        evaluate(&p, &[derived]).unwrap_err(),
        TariffError::NoOriginalValueList
    );

    // An export list under an import-only tariff is not billed but accounted for; alone,
    // nothing can be billed.
    let export = list("1-0:2.8.0*255", s, e, 15, 7, |_| false);
    let err = evaluate(&p, std::slice::from_ref(&export)).unwrap_err();
    assert_eq!(err, TariffError::NoStageForList(o("1-0:2.8.0*255")));
    let ev = run(&p, &[good.clone(), export]);
    assert_eq!(amounts(&ev), (360, 600, 0));
    assert!(ev.register(o("1-0:2.8.63*255")).is_none());
    assert_eq!(ev.unbilled.len(), 1);
    assert_eq!(ev.unbilled[0].obis, o("1-0:2.8.0*255"));
    assert_eq!(ev.unbilled[0].amount, 96 * 7);

    let mut bad = p.clone();
    bad.special_days[0].day_id = "nope".into();
    assert_eq!(
        evaluate(&bad, std::slice::from_ref(&good))
            .unwrap_err()
            .code(),
        "TARIFF_UNKNOWN_DAY_PROFILE"
    );

    let mut bad = p.clone();
    bad.day_profiles[0].switches[1].tariff = 9;
    assert_eq!(
        evaluate(&bad, std::slice::from_ref(&good)).unwrap_err(),
        TariffError::UnknownTariff {
            day_id: "1".into(),
            tariff: 9
        }
    );

    let mut bad = p.clone();
    bad.stages.push(stage(2, "1-0:1.8.3*255"));
    assert_eq!(
        evaluate(&bad, std::slice::from_ref(&good))
            .unwrap_err()
            .code(),
        "TARIFF_DUPLICATE_TARIFF"
    );

    let mut bad = p.clone();
    bad.billing_end = bad.billing_start;
    assert_eq!(
        evaluate(&bad, std::slice::from_ref(&good))
            .unwrap_err()
            .code(),
        "TARIFF_EMPTY_PERIOD"
    );

    let mut sparse = good.clone();
    sparse.readings.truncate(1);
    assert_eq!(
        evaluate(&p, &[sparse]).unwrap_err().code(),
        "TARIFF_NO_VALUES_IN_PERIOD"
    );

    let mut bad = p.clone();
    bad.special_days.clear();
    let err = evaluate(&bad, std::slice::from_ref(&good)).unwrap_err();
    assert_eq!(
        err,
        TariffError::NoDayProfile {
            date: date(2017, 11, 4),
            obis: o("1-0:1.8.0*255")
        }
    );
    assert!(err.message_de().contains("kein Tagesprofil"));
}

// ---------------------------------------------------------------- TAF-1

fn taf1_profile(start: DateTime<Utc>, end: DateTime<Utc>) -> TariffProfile {
    let mut p = taf2_profile(start, end, &[(0, 0, 1)]);
    p.use_case = UseCase::Taf1;
    p.stages.truncate(1);
    // One calendar entry per day of the period (the end date is not part of it).
    p.special_days.pop();
    p
}

#[test]
fn taf1_period_lengths() {
    let start = at(2017, 1, 1, 0, 0);
    for (end, ok) in [
        (at(2017, 2, 1, 0, 0), true),
        (at(2017, 3, 1, 0, 0), true),
        (at(2017, 4, 1, 0, 0), true),
        (at(2017, 5, 1, 0, 0), false),
        (at(2017, 7, 1, 0, 0), true),
        (at(2018, 1, 1, 0, 0), true),
        (at(2018, 2, 1, 0, 0), false),
        (at(2017, 2, 1, 1, 0), false),
    ] {
        let l = list("1-0:1.8.0*255", start, end, 60, 40, |_| false);
        let r = evaluate(&taf1_profile(start, end), &[l]);
        match (ok, r) {
            (true, Ok(ev)) => {
                let hours = (end - start).num_hours();
                assert_eq!(ev.amount(o("1-0:1.8.1*255")), 40 * hours, "{end}");
                assert_eq!(ev.sections[0].start_value, 1000);
            }
            (false, Err(e)) => assert_eq!(e.code(), "TARIFF_PERIOD_LENGTH", "{end}"),
            (ok, r) => panic!("{end}: expected ok={ok}, got {r:?}"),
        }
    }
    // Not at midnight on the 1st.
    let (s, e) = (at(2017, 1, 1, 6, 0), at(2017, 2, 1, 6, 0));
    let l = list("1-0:1.8.0*255", s, e, 60, 40, |_| false);
    assert_eq!(
        evaluate(&taf1_profile(s, e), &[l]).unwrap_err(),
        TariffError::PeriodNotOnFirst(s.with_timezone(&Berlin).fixed_offset())
    );
}

#[test]
fn taf1_uses_exact_period_edges_and_ignores_gaps_between() {
    let (s, e) = (at(2017, 1, 1, 0, 0), at(2017, 2, 1, 0, 0));
    let l = list(
        "1-0:1.8.0*255",
        at(2016, 12, 31, 0, 0),
        at(2017, 2, 2, 0, 0),
        15,
        1,
        |t| t > at(2017, 1, 3, 0, 0) && t < at(2017, 1, 20, 0, 0),
    );
    let ev = evaluate(&taf1_profile(s, e), &[l]).unwrap();
    assert_eq!(ev.amount(o("1-0:1.8.1*255")), 31 * 96);
    // A value at the start with status 2 is still usable.
    let mut l = list("1-0:1.8.0*255", s, e, 15, 1, |_| false);
    l.readings[0].ptb = 2;
    assert!(evaluate(&taf1_profile(s, e), &[l.clone()]).is_ok());
    l.readings[0].ptb = 3;
    assert_eq!(
        evaluate(&taf1_profile(s, e), &[l]).unwrap_err().code(),
        "TARIFF_NO_START_VALUE"
    );
}

#[test]
fn taf1_list_without_stage_and_special_day_count() {
    let (s, e) = (at(2017, 1, 1, 0, 0), at(2017, 2, 1, 0, 0));
    let exp = list("1-0:2.8.0*255", s, e, 60, 1, |_| false);
    assert_eq!(
        evaluate(&taf1_profile(s, e), std::slice::from_ref(&exp)).unwrap_err(),
        TariffError::NoStageForList(o("1-0:2.8.0*255"))
    );
    // Beside an import list, the export list is accounted for as unbilled.
    let imp = list("1-0:1.8.0*255", s, e, 60, 2, |_| false);
    let ev = evaluate(&taf1_profile(s, e), &[imp, exp]).unwrap();
    assert_eq!(ev.amount(o("1-0:1.8.1*255")), 2 * 31 * 24);
    assert_eq!(ev.unbilled.len(), 1);
    assert_eq!(ev.unbilled[0].amount, 31 * 24);
    assert_eq!(ev.totals.len(), 2);
    // 32 calendar entries for 31 days; 62 would be fine.
    let imp = list("1-0:1.8.0*255", s, e, 60, 1, |_| false);
    let mut p = taf1_profile(s, e);
    assert_eq!(p.special_days.len(), 31);
    p.special_days.push(SpecialDay {
        date: date(2017, 2, 1),
        day_id: "1".into(),
    });
    assert_eq!(
        evaluate(&p, std::slice::from_ref(&imp)).unwrap_err(),
        TariffError::SpecialDayCount {
            count: 32,
            days: 31
        }
    );
    p.special_days.pop();
    let doubled = p.special_days.clone();
    p.special_days.extend(doubled);
    assert!(evaluate(&p, &[imp]).is_ok());
}
