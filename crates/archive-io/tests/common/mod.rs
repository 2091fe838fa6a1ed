//! Helpers shared by the archive-io tests: demo-like archive contents, dumps for
//! comparison, xmllint, checksums and a small CSV reader.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use archive::{
    Archive, CertKind, CertificateData, ChannelKey, ChannelSpec, ChannelWindow, ContractDetail,
    ContractInfo, DetailChannel, Firmware, GatewaySnapshot, LogEntry, LogFilter, Reading, Scope,
};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use smgw_model::{ChannelName, ScaledValue, Unit};

/// The reference directory (XSD and TRuDI files) beside the repository.
pub const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference");

/// The real TRuDI export: 2 original value lists × 2977 values, 3345 logbook entries.
pub fn trudi_file() -> PathBuf {
    Path::new(REFERENCE).join("trudi-data/supplier-examples/TAF-7-Ablesung_Jan_2018.xml")
}

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Runs xmllint against the AR 2418-6 XSD; fails with an install hint if it is missing.
pub fn xmllint_validate(file: &Path) {
    let xsd = format!("{REFERENCE}/ar2418-6/AR_2418-6.xsd");
    let catalog = format!("{REFERENCE}/ar2418-6/catalog.xml");
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", &catalog)
        .args(["--nonet", "--noout", "--schema", &xsd])
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint could not be run ({e}); install it (Debian: apt-get install libxml2-utils)")
        });
    assert!(
        out.status.success(),
        "{} does not validate against the XSD:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Equal slices, reported by length and first difference instead of a giant dump.
pub fn assert_same<T: PartialEq + std::fmt::Debug>(ours: &[T], theirs: &[T]) {
    assert_eq!(ours.len(), theirs.len(), "lengths differ");
    if let Some(i) = (0..ours.len()).find(|&i| ours[i] != theirs[i]) {
        panic!(
            "first difference at {i}:\n ours:   {:?}\n theirs: {:?}",
            ours[i], theirs[i]
        );
    }
}

pub fn sha256_file(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// Everything an archive holds about values and logbook, keyed so that two archives can be
/// compared: (smgw id, user id, usage point id, database, channel name) → readings, and
/// (smgw id, user id) → logbook. Import times (`stored_at`) are left out.
/// (smgw id, user id, usage point id, database, channel name).
pub type ChannelPath = (String, String, String, String, String);

#[derive(Debug, PartialEq, Eq)]
pub struct Dump {
    pub channels: Vec<(ChannelPath, Vec<Reading>)>,
    pub logs: Vec<((String, String), Vec<LogEntry>)>,
}

impl Dump {
    pub fn reading_count(&self) -> usize {
        self.channels.iter().map(|(_, r)| r.len()).sum()
    }
    pub fn log_count(&self) -> usize {
        self.logs.iter().map(|(_, l)| l.len()).sum()
    }
}

pub async fn dump(db: &Archive) -> Dump {
    let mut channels = Vec::new();
    let mut logs = Vec::new();
    for gw in db.gateways().await.unwrap() {
        for c in db.consumers(Some(gw.id)).await.unwrap() {
            for k in db.contracts(c.id).await.unwrap() {
                for ch in db.channels(Scope::Contract(k.id)).await.unwrap() {
                    let readings = db
                        .readings(ch.id, None, None, u32::MAX)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|r| r.reading)
                        .collect();
                    channels.push((
                        (
                            gw.smgw_id.clone(),
                            c.user_id.clone(),
                            k.info.usage_point_id.clone(),
                            ch.key.database.clone(),
                            ch.key.name.to_string(),
                        ),
                        readings,
                    ));
                }
            }
            let log = db
                .log_entries(c.id, &LogFilter::default())
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.entry)
                .collect();
            logs.push(((gw.smgw_id.clone(), c.user_id.clone()), log));
        }
    }
    Dump { channels, logs }
}

pub const GATEWAY: &str = "ethe0300004261";
pub const USER: &str = "01005e318011.consumer1.sm";
pub const CONTRACT: &str = "01005e318021.taf7-1.sm";
pub const METERING_POINT: &str = "DE0001234567890000000000000000001";
pub const METER: &str = "1ESY1160449476";

/// Fills an archive the way a sync would: gateway snapshot with certificates, a TAF-7
/// contract with details, 15-minute import and export registers (`days` days) with full
/// status words and signatures on every other value, daily values, and a logbook.
pub async fn fill_demo(db: &Archive, start: DateTime<Utc>, days: i64, log_count: u64) {
    let now = start + Duration::days(days);
    let gw = db.gateway(GATEWAY, now).await.unwrap();
    let me = db.consumer(gw, USER, now).await.unwrap();
    let info = ContractInfo {
        usage_point_id: CONTRACT.into(),
        name: Some("Zählerstandsgang".into()),
        taf_number: Some(7),
        taf_state: Some("running".into()),
        start: Some(start),
        metering_point_id: Some(METERING_POINT.into()),
        meters: vec![METER.into()],
        on_demand_profile: Some(false),
        ..ContractInfo::default()
    };
    let contract = db.contract(me, &info, now).await.unwrap();
    let cert = |kind, index, seed: u8| CertificateData {
        kind,
        index,
        data: (0..80u8).map(|b| b.wrapping_mul(seed) ^ 0x30).collect(),
    };
    db.store_gateway_snapshot(
        gw,
        &GatewaySnapshot {
            read_at: now,
            smgw_state: Some("a0000000".into()),
            smgw_time: Some(now),
            firmware: vec![Firmware {
                component: Some("core".into()),
                version: Some("3.0.1".into()),
                hash: Some("00ff".into()),
            }],
            certificates: vec![
                cert(CertKind::HanTls, None, 3),
                cert(CertKind::WanSig, Some(0), 5),
                cert(CertKind::WanSubCa, Some(0), 7),
            ],
            raw_response: None,
        },
    )
    .await
    .unwrap();
    let obis_in = "0100010800ff".parse().unwrap();
    let obis_out = "0100020800ff".parse().unwrap();
    db.store_contract_detail(
        contract,
        &ContractDetail {
            read_at: now,
            name: Some("Zählerstandsgang".into()),
            transparency_bit: Some(true),
            emts: vec!["9900000000001".into()],
            taf_profile: Some(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
            channels: vec![
                DetailChannel {
                    database: "origin".into(),
                    obis: obis_in,
                    scaler: -1,
                    unit: Unit::WattHour,
                },
                DetailChannel {
                    database: "origin".into(),
                    obis: obis_out,
                    scaler: -1,
                    unit: Unit::WattHour,
                },
            ],
            raw_response: None,
        },
    )
    .await
    .unwrap();
    let spec = ChannelSpec {
        scaler: Some(-1),
        unit: Some(Unit::WattHour),
        period: Some(Duration::minutes(15)),
    };
    let key = |db: &str, obis| ChannelKey {
        database: db.into(),
        name: ChannelName::new(obis, METER),
    };
    let ch_in = db
        .channel(contract, &key("origin", obis_in), spec)
        .await
        .unwrap();
    let ch_out = db
        .channel(contract, &key("origin", obis_out), spec)
        .await
        .unwrap();
    let daily_spec = ChannelSpec {
        period: Some(Duration::days(1)),
        ..spec
    };
    let ch_day = db
        .channel(contract, &key("daily", obis_in), daily_spec)
        .await
        .unwrap();
    let n = days * 96;
    let series = |step: i128, base: i128| -> Vec<Reading> {
        (0..=n)
            .map(|i| {
                let target = start + Duration::minutes(15 * i);
                // Every 40th value carries a temporary error (PTB 2), the rest none.
                let (smgw, cosem) = if i % 40 == 17 {
                    ("a0040000", "a004000020000000")
                } else {
                    ("a0000000", "a000000020000000")
                };
                Reading {
                    target_time: target,
                    capture_time: Some(target - Duration::seconds(1)),
                    value: ScaledValue::new(
                        base + step * i128::from(i as i32) + i128::from((i % 7) as i32),
                        -1,
                    ),
                    unit: Unit::WattHour,
                    cosem_status: Some(cosem.into()),
                    smgw_status: Some(smgw.into()),
                    meter_status: Some("20000000".into()),
                    owner: Some(METER.into()),
                    signature: (i % 2 == 0).then(|| format!("{:0128x}", i * 7919 + 1)),
                }
            })
            .collect()
    };
    let r_in = series(250, 171_165_808);
    let r_out = series(40, 5_000);
    let r_day: Vec<Reading> = r_in.iter().step_by(96).cloned().collect();
    db.store_window(
        &[
            ChannelWindow {
                channel: ch_in,
                readings: &r_in,
                synced_until: Some(now),
            },
            ChannelWindow {
                channel: ch_out,
                readings: &r_out,
                synced_until: Some(now),
            },
            ChannelWindow {
                channel: ch_day,
                readings: &r_day,
                synced_until: Some(now),
            },
        ],
        None,
        now,
    )
    .await
    .unwrap();
    let log: Vec<LogEntry> = (1..=log_count)
        .map(|i| LogEntry {
            index: i,
            time: Some(start + Duration::minutes(i as i64 * 37)),
            level: Some((i % 4 + 1) as u32),
            event_id: Some("12".into()),
            event_sub_id: Some("3".into()),
            outcome: Some((i % 2).to_string()),
            vendor_id: Some("BSI".into()),
            subject_identity: Some("SMGW".into()),
            user_identity: Some(
                if i % 3 == 0 {
                    "Letztverbraucher"
                } else {
                    "GWA"
                }
                .into(),
            ),
            message: Some(format!(
                "Ereignis Nr. {i}: Zählerstand übertragen <ok> & \"fertig\""
            )),
            version: Some("1".into()),
            extra: None,
        })
        .collect();
    db.store_log_page(me, &log, None, now).await.unwrap();
}

/// RFC 4180 records (CRLF line ends, `"` quoting).
pub fn parse_csv(text: &str, sep: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            c if c == sep => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}
