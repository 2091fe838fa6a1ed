//! Real value lists from TRuDI's test data, stored and counted by the archive.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use archive::{Archive, ChannelSpec, ChannelWindow, Reading, Scope};
use chrono::Duration;
use common::*;
use smgw_model::time::{parse_datetime, NaiveAs};
use smgw_model::{ScaledValue, Unit};

const MODELS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/trudi-data/models/"
);

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}

/// The interval readings of a TRuDI device file (value, start, statusFNN), read with plain
/// string search: enough for these flat, known files.
fn interval_readings(file: &str) -> Vec<Reading> {
    let xml = std::fs::read_to_string(format!("{MODELS}{file}")).expect("reference file");
    xml.split("<IntervalReading>")
        .skip(1)
        .map(|block| {
            let block = &block[..block.find("</IntervalReading>").expect("closed")];
            let value = between(block, "<espi:value>", "</espi:value>").expect("value");
            let start = between(block, "<start>", "</start>").expect("start");
            let t = parse_datetime(start, NaiveAs::Utc).expect("time");
            Reading {
                target_time: t,
                capture_time: Some(t),
                value: ScaledValue::parse_raw(value, 0).expect("integer value"),
                unit: Unit::WattHour,
                cosem_status: between(block, "<statusFNN>", "</statusFNN>").map(str::to_owned),
                smgw_status: None,
                meter_status: None,
                owner: None,
                signature: None,
            }
        })
        .collect()
}

async fn stored_status(rs: &[Reading]) -> archive::ChannelStatus {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "EPPC0210486901", "c1").await;
    let (out, _) = db
        .store_window(
            &[ChannelWindow {
                channel: f.channel,
                readings: rs,
                synced_until: rs.last().map(|r| r.target_time),
            }],
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(out.inserted, rs.len() as u64);
    let back: Vec<_> = db
        .readings(f.channel, None, None, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.reading)
        .collect();
    assert_eq!(back, rs, "values come back exactly as stored");
    // The same channel with its period unknown: detected from the data.
    let detected = db
        .channel(
            f.contract,
            &key("0100010800ff.other.sm"),
            ChannelSpec::default(),
        )
        .await
        .unwrap();
    db.store_window(
        &[ChannelWindow {
            channel: detected,
            readings: rs,
            synced_until: None,
        }],
        None,
        now(),
    )
    .await
    .unwrap();
    let mut st = db.status(Scope::Contract(f.contract)).await.unwrap();
    assert_eq!(st.len(), 2);
    let d = st.iter().position(|s| s.channel.id == detected).unwrap();
    let d = st.remove(d);
    let s = st.remove(0);
    assert_eq!(
        (d.count, d.gaps, d.missing_slots, d.period),
        (s.count, s.gaps, s.missing_slots, s.period)
    );
    db.close().await;
    s
}

#[tokio::test]
async fn taf7_with_gaps_has_three_gaps_and_seven_missing_slots() {
    // TRuDI's expectation (reference README): 9 values 11:30–15:15, 3 gaps; missing
    // 12:15, 13:15, 13:30, 14:00, 14:15, 14:30, 14:45.
    let rs = interval_readings("IF_Adapter_TRuDI_DatenTAF7_With_Gaps.xml");
    assert_eq!(rs.len(), 9);
    let s = stored_status(&rs).await;
    assert_eq!(s.count, 9);
    assert_eq!(s.period, Some(Duration::minutes(15)));
    assert_eq!((s.gaps, s.missing_slots), (3, 7));
    assert_eq!(s.first, Some(t(1_498_469_400))); // 2017-06-26 11:30 +02:00
    assert_eq!(s.last, Some(t(1_498_482_900))); // 2017-06-26 15:15 +02:00
}

#[tokio::test]
async fn taf7_without_gaps_has_none() {
    let rs = interval_readings("IF_Adapter_TRuDI_DatenTAF7.xml");
    assert_eq!(rs.len(), 3);
    let s = stored_status(&rs).await;
    assert_eq!((s.count, s.gaps, s.missing_slots), (3, 0, 0));
}
