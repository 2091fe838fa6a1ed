//! Helpers shared by the archive's integration tests.
#![allow(dead_code)]

use std::path::Path;

use archive::{
    Archive, ChannelId, ChannelKey, ChannelSpec, ConsumerId, ContractId, ContractInfo, Reading,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sha2::{Digest, Sha256};
use smgw_model::{ScaledValue, Unit};

pub fn t(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(s, 0).single().expect("valid test time")
}

/// 2024-01-01 00:00:00 UTC, on the quarter-hour raster.
pub const T0: i64 = 1_704_067_200;

pub fn now() -> DateTime<Utc> {
    t(1_735_689_600)
}

/// A reading on the quarter-hour raster, slot `i` after [`T0`].
pub fn reading(i: i64, raw: i128) -> Reading {
    Reading {
        target_time: t(T0 + 900 * i),
        capture_time: Some(t(T0 + 900 * i + 3)),
        value: ScaledValue::new(raw, -1),
        unit: Unit::WattHour,
        cosem_status: Some("0000000000000000".into()),
        smgw_status: Some("a0000000".into()),
        meter_status: None,
        owner: Some("0551010038180402".into()),
        signature: Some(format!("3045022100{:060x}", raw)),
    }
}

pub fn readings(range: std::ops::Range<i64>) -> Vec<Reading> {
    range
        .map(|i| reading(i, 1_000_000 + i128::from(i) * 7))
        .collect()
}

pub struct Fixture {
    pub consumer: ConsumerId,
    pub contract: ContractId,
    pub channel: ChannelId,
}

/// Gateway → consumer → contract → `origin` channel 1.8.0 of meter 0551010038180402.
pub async fn fixture(db: &Archive, smgw_id: &str, user: &str) -> Fixture {
    let gw = db.gateway(smgw_id, now()).await.unwrap();
    let consumer = db.consumer(gw, user, now()).await.unwrap();
    let contract = db
        .contract(
            consumer,
            &ContractInfo {
                usage_point_id: "01005e318021.taf7-1.sm".into(),
                taf_number: Some(7),
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    let channel = db
        .channel(
            contract,
            &key("0100010800ff.0551010038180402.sm"),
            ChannelSpec {
                scaler: Some(-1),
                unit: Some(Unit::WattHour),
                period: Some(Duration::minutes(15)),
            },
        )
        .await
        .unwrap();
    Fixture {
        consumer,
        contract,
        channel,
    }
}

pub fn key(name: &str) -> ChannelKey {
    ChannelKey {
        database: "origin".into(),
        name: name.parse().expect("valid channel name"),
    }
}

pub fn sha256_file(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("readable")))
}

pub async fn count(db: &Archive, ch: ChannelId) -> usize {
    db.readings(ch, None, None, u32::MAX).await.unwrap().len()
}
