//! Since when a register has stood still (field failure 25): the newest run of equal values
//! as the archive's status reports it, from a real SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use archive::{Archive, ChannelWindow, Reading, Scope};
use common::*;
use smgw_model::{frozen_register, ScaledValue};

/// Stores `values` (raw, scaler) as quarter-hour readings and returns `unchanged_since`.
async fn unchanged_since(values: &[(i128, i8)]) -> Option<chrono::DateTime<chrono::Utc>> {
    let dir = tempfile::tempdir().unwrap();
    let db = Archive::open(dir.path().join("a.sqlite")).await.unwrap();
    let f = fixture(&db, "EPPC0210486901", "c1").await;
    let rs: Vec<Reading> = values
        .iter()
        .enumerate()
        .map(|(i, &(raw, scaler))| Reading {
            value: ScaledValue::new(raw, scaler),
            ..reading(i as i64 * 96, raw)
        })
        .collect();
    db.store_window(
        &[ChannelWindow {
            channel: f.channel,
            readings: &rs,
            synced_until: rs.last().map(|r| r.target_time),
        }],
        None,
        now(),
    )
    .await
    .unwrap();
    let status = db.status(Scope::All).await.unwrap();
    db.close().await;
    assert_eq!(status.len(), 1);
    status[0].unchanged_since
}

/// Target time of day `d` (one reading per day, 96 quarter hours apart).
fn day(d: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(t(T0 + 900 * 96 * d))
}

#[tokio::test]
async fn the_newest_run_of_equal_values_starts_at_its_first_reading() {
    // Counting for 5 days, then standing still for 10.
    let mut values: Vec<(i128, i8)> = (0..5).map(|i| (1000 + i, -1)).collect();
    values.extend(std::iter::repeat_n((1004, -1), 10));
    assert_eq!(unchanged_since(&values).await, day(4));

    // A register that stands still again after moving: only the newest run counts.
    let values = [(1, 0), (1, 0), (1, 0), (2, 0), (3, 0), (3, 0)];
    assert_eq!(unchanged_since(&values).await, day(4));

    // Never moved at all: since the first value.
    assert_eq!(unchanged_since(&[(7, 0); 4]).await, day(0));
}

#[tokio::test]
async fn a_moving_register_has_no_run() {
    assert_eq!(unchanged_since(&[(1, 0), (2, 0), (3, 0)]).await, None);
    assert_eq!(
        unchanged_since(&[(1, 0)]).await,
        None,
        "one value is no run"
    );
    // Same digits, other scaler: a different value.
    assert_eq!(unchanged_since(&[(5, 0), (5, 1)]).await, None);
}

#[tokio::test]
async fn eleven_days_still_on_the_import_register_are_a_warning() {
    let mut values: Vec<(i128, i8)> = (0..5).map(|i| (1000 + i, -1)).collect();
    values.extend(std::iter::repeat_n((1004, -1), 11));
    let since = unchanged_since(&values).await;
    // The fixture's channel is 1.8.0, watched for freezing.
    let frozen = frozen_register("0100010800ff".parse().unwrap(), since, day(15))
        .expect("eleven days unchanged");
    assert_eq!(frozen.days(), 11);
}
