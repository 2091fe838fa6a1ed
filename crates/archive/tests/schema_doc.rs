//! The example queries in SCHEMA.md run against a real archive and return what they claim.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use archive::{Archive, ChannelWindow, LogEntry};
use common::*;
use sqlx::{Connection, Row, SqliteConnection};

const SCHEMA_MD: &str = include_str!("../SCHEMA.md");

fn sql_blocks() -> Vec<String> {
    SCHEMA_MD
        .split("```sql")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_example_query_runs_on_a_real_archive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let db = Archive::open(&path).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    // January 2024 with a hole of three quarter hours, one conflict, one error log entry.
    let rs: Vec<_> = readings(0..200)
        .into_iter()
        .filter(|r| r.target_time != t(T0 + 900 * 50) && r.target_time != t(T0 + 900 * 51))
        .filter(|r| r.target_time != t(T0 + 900 * 52))
        .collect();
    db.store_window(
        &[ChannelWindow {
            channel: f.channel,
            readings: &rs,
            synced_until: None,
        }],
        None,
        now(),
    )
    .await
    .unwrap();
    let mut other = rs[0].clone();
    other.smgw_status = Some("a0000001".into());
    db.store_window(
        &[ChannelWindow {
            channel: f.channel,
            readings: &[other],
            synced_until: None,
        }],
        None,
        now(),
    )
    .await
    .unwrap();
    let recent = chrono::Utc::now() - chrono::Duration::days(1);
    db.store_log_page(
        f.consumer,
        &[LogEntry {
            index: 1,
            time: Some(recent),
            level: Some(3),
            message: Some("Fehler".into()),
            ..Default::default()
        }],
        None,
        now(),
    )
    .await
    .unwrap();
    db.close().await;

    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true);
    let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
    let blocks = sql_blocks();
    assert_eq!(blocks.len(), 6, "update this test when adding examples");
    let mut counts = Vec::new();
    for sql in &blocks {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{e}\nin\n{sql}"));
        counts.push(rows.len());
        if sql.contains("missing_slots") {
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].get::<i64, _>("missing_slots"), 3);
        }
        if sql.contains("conflicts") && sql.contains("GROUP BY ch.id") {
            assert_eq!(rows[0].get::<i64, _>("readings"), 197);
            assert_eq!(rows[0].get::<i64, _>("conflicts"), 1);
        }
    }
    // contracts, January values, per-channel numbers, holes, conflicts, recent errors.
    assert_eq!(counts, vec![1, 197, 1, 1, 1, 1]);
    conn.close().await.unwrap();
}
