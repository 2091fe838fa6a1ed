//! One year of 15-minute values through a TAF-2 calendar of five day profiles.
//! Run with `cargo bench -p tariff`; prints the median time per evaluation (target ≤ 50 ms).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use tariff::{
    evaluate, Checksums, DayProfile, MeterSeries, Obis, Reading, SpecialDay, TariffProfile,
    TariffStage, UseCase,
};

fn profile() -> TariffProfile {
    // Five day kinds with different switching times over tariffs 1 and 2.
    let kinds: [&[(u8, u8, u16)]; 5] = [
        &[(0, 0, 1), (6, 0, 2), (21, 0, 1)],
        &[(0, 0, 1), (8, 30, 2), (19, 0, 1)],
        &[(0, 0, 1)],
        &[(0, 0, 2), (5, 15, 1), (12, 0, 2), (22, 45, 1)],
        &[(0, 0, 1), (7, 0, 2), (9, 0, 1), (17, 0, 2), (20, 0, 1)],
    ];
    let day_profiles = kinds
        .iter()
        .enumerate()
        .map(|(i, sw)| DayProfile::from_triples((i + 1).to_string(), sw))
        .collect();
    let first = NaiveDate::from_ymd_opt(2017, 1, 1).expect("valid date");
    let special_days = first
        .iter_days()
        .take(365)
        .enumerate()
        .map(|(i, date)| SpecialDay {
            date,
            day_id: (i % 5 + 1).to_string(),
        })
        .collect();
    let start = Berlin
        .with_ymd_and_hms(2017, 1, 1, 0, 0, 0)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc);
    let end = Berlin
        .with_ymd_and_hms(2018, 1, 1, 0, 0, 0)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc);
    TariffProfile {
        use_case: UseCase::Taf2,
        tariff_id: "bench".into(),
        billing_start: start,
        billing_end: end,
        stages: vec![
            TariffStage {
                tariff: 1,
                obis: Obis::new(1, 0, 1, 8, 1, 255),
                description: None,
            },
            TariffStage {
                tariff: 2,
                obis: Obis::new(1, 0, 1, 8, 2, 255),
                description: None,
            },
        ],
        default_tariff: 1,
        day_profiles,
        special_days,
        checksums: Checksums::default(),
    }
}

fn series(p: &TariffProfile) -> MeterSeries {
    let n = (p.billing_end - p.billing_start).num_minutes() / 15;
    let readings = (0..=n)
        .map(|i| Reading {
            time: p.billing_start + chrono::Duration::minutes(15 * i),
            value: 100_000 + 10 * i + (i % 7),
            // A few invalid values make gaps.
            ptb: if i % 997 == 0 && i > 0 { 3 } else { 0 },
        })
        .collect();
    MeterSeries {
        obis: Obis::new(1, 0, 1, 8, 0, 255),
        meter_id: "1EMH0000000001".into(),
        is_original: true,
        scaler: -1,
        unit: "Wh".into(),
        period: Some(900),
        readings,
    }
}

fn main() {
    let p = profile();
    let s = [series(&p)];
    let mut times: Vec<Duration> = Vec::new();
    let mut check = 0i64;
    for _ in 0..21 {
        let t = Instant::now();
        let r = evaluate(&p, &s).expect("synthetic input is valid");
        times.push(t.elapsed());
        check = r.registers.iter().map(|r| r.amount).sum();
    }
    report(
        "taf2 one year, 35041 values, 5 day profiles",
        &mut times,
        check,
    );

    // End to end on TRuDI's largest TAF-2 file: reading both XML files plus the computation.
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/trudi-data/taf2"
    );
    let device = format!("{dir}/resultJan-Sep2017.xml");
    let supplier = format!("{dir}/supplierXmlJan-Sep2017.xml");
    if std::path::Path::new(&device).exists() {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let r = tariff::from_ar2418::check_bill(&device, &supplier).expect("reference files");
            times.push(t.elapsed());
            check = r.registers.iter().map(|r| r.amount).sum();
        }
        report(
            "check_bill resultJan-Sep2017 (read 4 MB + 0.2 MB XML, compute)",
            &mut times,
            check,
        );
    }
}

fn report(what: &str, times: &mut [Duration], check: i64) {
    times.sort();
    println!(
        "{what}: median {:.2} ms, min {:.2} ms, max {:.2} ms (sum {check})",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}
