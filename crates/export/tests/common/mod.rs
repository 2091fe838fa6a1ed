//! Synthetic export sets for the tests and the benchmark.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use export::{ContractExport, ExportSet, RawResponse, ValueList};
use smgw_model::{
    BillingPeriod, Certificate, CertificateKind, Channel, CombinedStatus, Contract, ContractDetail,
    Database, DatabaseChannels, FirmwareInfo, GatewayInfo, LogEntry, LogLevel, Reading,
    ScaledValue, SmgwState, Taf, TafState, Unit,
};

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A small deterministic generator (64-bit LCG), so every run sees the same data.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

pub const METER: &str = "1ESY1160449476";

/// Status words with PTB 0, 1, 2, 3, 4 (from the reference README).
pub const STATUSES: [&str; 5] = [
    "A000000020000000",
    "A008000020000000",
    "A004000020000000",
    "A002000020000000",
    "A084000020000000",
];

/// `count` readings of a cumulative register every 15 minutes from `start`.
pub fn register(
    obis_hex: &str,
    start: DateTime<Utc>,
    count: usize,
    seed: u64,
    mean_step: u64,
) -> ValueList {
    let mut rng = Lcg(seed);
    let mut raw: i128 = 171_165_808;
    let scaler = -1;
    let readings = (0..count)
        .map(|i| {
            let target = start + Duration::minutes(15 * i as i64);
            raw += i128::from(rng.next() % (2 * mean_step + 1));
            let status = STATUSES[if i % 37 == 3 { 1 + (i / 37) % 4 } else { 0 }];
            Reading {
                capture_time: Some(target + Duration::seconds(3)),
                target_time: target,
                value: ScaledValue::new(raw, scaler),
                cosem_status: Some(CombinedStatus::from_hex(status).unwrap()),
                smgw_status: None,
                meter_status: None,
                owner: Some(METER.into()),
                signature: if i % 4 == 0 {
                    Some(
                        (0..48)
                            .map(|b| (b as u64 ^ seed ^ i as u64) as u8)
                            .collect(),
                    )
                } else {
                    None
                },
            }
        })
        .collect();
    let channel = Channel {
        obis: obis_hex.parse().unwrap(),
        unit: Unit::WattHour,
        scaler,
    };
    ValueList {
        database: Database::Origin,
        channel_name: format!("{obis_hex}.{METER}.sm"),
        channel,
        readings,
    }
}

fn cert(kind: CertificateKind, index: Option<u32>, seed: u8) -> Certificate {
    Certificate {
        kind,
        index,
        der: (0..64u8).map(|b| b.wrapping_mul(seed)).collect(),
    }
}

/// A set with one TAF-7 contract holding import and export registers of `count`
/// 15-minute values from `start`, and `log_count` log entries with awkward texts.
pub fn synthetic_set(start: DateTime<Utc>, count: usize, log_count: usize) -> ExportSet {
    let import = register("0100010800ff", start, count, 1, 1000);
    let export = register("0100020800ff", start, count, 2, 400);
    let contract = Contract {
        usage_point_id: "01005e318021.taf7-1.sm".into(),
        name: "Zählerstandsgang; \"Haushalt\"".into(),
        taf: Taf::Taf7,
        state: TafState::Running,
        start: Some(start),
        end: None,
        capture_time: None,
        billing_periods: vec![BillingPeriod { start, end: None }],
        meters: vec![METER.into()],
        metering_point_id: Some("DE0001234567890000000000000000001".into()),
        delivery_id: None,
        on_demand: false,
    };
    let detail = ContractDetail {
        usage_point_id: contract.usage_point_id.clone(),
        name: contract.name.clone(),
        emts: vec!["9900000000003".into()],
        transparency_bit: true,
        taf_profile: Some(vec![0x30, 0x82, 0x01]),
        databases: vec![DatabaseChannels {
            database: Database::Origin,
            channels: vec![import.channel, export.channel],
        }],
    };
    let messages = [
        "Selbsttest erfolgreich",
        "Aufzeichnung; Empfangsfenster \"geschlossen\"",
        "Zeile eins\r\nZeile zwei, mit Komma",
        "Größe überschritten – Ä Ö Ü ß",
    ];
    let log = (0..log_count)
        .map(|i| LogEntry {
            index: 90_000 + i as u64,
            event_id: format!("{}", 1 + i % 7),
            event_sub_id: format!("{}", i % 3),
            level: LogLevel::from_code([1, 1, 2, 3, 4][i % 5]),
            outcome: Some(format!("{}", i % 2)),
            vendor_id: Some("BSI".into()),
            subject_identity: if i % 3 == 0 {
                Some("EMT,1".into())
            } else {
                None
            },
            user_identity: Some("consumer-1".into()),
            // 87 minutes apart: every wall-clock minute pattern, both DST changes.
            time: Some(start + Duration::minutes(87 * i as i64)),
            message: messages[i % messages.len()].into(),
            version: Some("1".into()),
            extra: None,
        })
        .collect();
    ExportSet {
        gateway: GatewayInfo {
            id: "ethe0300004261".into(),
            state: Some(SmgwState::from_hex("a0000000").unwrap()),
            time: Some(start + Duration::minutes(15 * count as i64)),
            firmware: vec![FirmwareInfo {
                component: "main".into(),
                version: "3.0.1".into(),
                hash: "ab".repeat(32),
            }],
            certificates: vec![
                cert(CertificateKind::SubCa, None, 3),
                cert(CertificateKind::Signature, Some(0), 5),
                cert(CertificateKind::Tls, None, 7),
            ],
        },
        customer_id: Some("consumer-1".into()),
        contracts: vec![ContractExport {
            contract,
            detail: Some(detail),
            value_lists: vec![import, export],
        }],
        log,
        raw_responses: vec![
            RawResponse {
                name: "user-info.json".into(),
                bytes: br#"{"user-id":"consumer-1"}"#.to_vec(),
            },
            RawResponse {
                name: "../readings 2017/01.json".into(),
                bytes: vec![0, 159, 146, 150, 255],
            },
        ],
        created: t("2018-01-02T10:00:00Z"),
    }
}

/// A tiny RFC 4180 reader: fields separated by `sep`, records by CRLF, quoted fields may
/// hold separators, quotes (doubled) and line breaks.
pub fn parse_csv(text: &str, sep: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            c if c == sep => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF outside quotes");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            '\n' => panic!("bare LF outside quotes"),
            c => {
                assert!(c != '"', "quote inside an unquoted field");
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(
        field.is_empty() && row.is_empty(),
        "last record without CRLF"
    );
    rows
}
