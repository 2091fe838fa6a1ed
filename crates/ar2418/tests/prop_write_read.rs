//! Property test: any device document the model can hold — texts with markup characters
//! and umlauts, times with any offset, Int48 values, signatures, status words — written
//! as XML reads back as the same document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use ar2418::{
    read_str, to_xml_string, IntervalBlock, IntervalReading, MeterReading, ReadingType,
    TimeInterval, UsagePoint, UsagePoints, GENERATOR_VERSION,
};
use chrono::{DateTime, FixedOffset};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// Text as files carry it: markup characters, quotes, umlauts; no surrounding blanks
/// (the reader trims them, as XSD tokens are).
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9äöüÄÖÜß&<>\"' .:_/-]{0,24}".prop_map(|s| match s.trim() {
        "" => "x".to_owned(),
        t => t.to_owned(),
    })
}

/// Whole seconds in 1970–2099 with any offset of whole minutes up to ±14:00.
fn time() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (0i64..4_102_444_800, -14 * 60..=14 * 60i32).prop_map(|(secs, minutes)| {
        let offset = FixedOffset::east_opt(minutes * 60).expect("within a day");
        DateTime::from_timestamp(secs, 0)
            .expect("in range")
            .with_timezone(&offset)
    })
}

fn interval() -> impl Strategy<Value = TimeInterval> {
    (option::of(time()), option::of(any::<u32>()))
        .prop_map(|(start, duration)| TimeInterval { start, duration })
}

fn reading() -> impl Strategy<Value = IntervalReading> {
    (
        (
            option::of(-(1i64 << 47)..(1i64 << 47)),
            option::of(interval()),
            option::of(time()),
            option::of(time()),
        ),
        (
            option::of(any::<u8>()),
            option::of(vec(any::<u8>(), 1..40)),
            option::of(vec(any::<u8>(), 1..72)),
            option::of("[0-9a-f]{16}"),
            option::of(0u8..=4),
            option::of(text()),
        ),
    )
        .prop_map(
            |(
                (value, time_period, target_time, measurement_time_meter),
                (cert_id, meter_signature, signature, status_fnn, status_ptb, status_vendor),
            )| IntervalReading {
                value,
                time_period,
                target_time,
                measurement_time_meter,
                cert_id,
                meter_signature,
                signature,
                status_fnn,
                status_ptb,
                status_vendor,
            },
        )
}

fn meter_reading() -> impl Strategy<Value = MeterReading> {
    (
        option::of(text()),
        option::of(text()),
        (
            option::of(-9i16..=9),
            option::of(any::<u16>()),
            option::of(-9i16..=9),
            option::of("[0-9a-f]{12}"),
            option::of(text()),
            option::of(any::<u32>()),
        ),
        vec((option::of(interval()), vec(reading(), 0..6)), 0..3),
    )
        .prop_map(|(meter_id, meter_reading_id, rt, blocks)| MeterReading {
            meter_id,
            meter_reading_id,
            reading_type: Some(ReadingType {
                power_of_ten_multiplier: rt.0,
                uom: rt.1,
                scaler: rt.2,
                obis: rt.3,
                qualified_logical_name: rt.4,
                measurement_period: rt.5,
            }),
            interval_blocks: blocks
                .into_iter()
                .map(|(interval, readings)| IntervalBlock { interval, readings })
                .collect(),
        })
}

fn document() -> impl Strategy<Value = UsagePoints> {
    (
        option::of(text()),
        option::of(text()),
        option::of(text()),
        vec(meter_reading(), 1..3),
    )
        .prop_map(
            |(usage_point_id, customer_id, tariff_name, meter_readings)| UsagePoints {
                generator_version: Some(GENERATOR_VERSION.to_owned()),
                usage_points: vec![UsagePoint {
                    usage_point_id,
                    customer_id,
                    tariff_name,
                    meter_readings,
                    ..UsagePoint::default()
                }],
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_written_document_reads_back_the_same(doc in document()) {
        let xml = to_xml_string(&doc);
        let back = read_str(&xml);
        prop_assert!(back.is_ok(), "{:?}\n{}", back, xml);
        prop_assert_eq!(back.ok(), Some(doc), "{}", xml);
    }
}
