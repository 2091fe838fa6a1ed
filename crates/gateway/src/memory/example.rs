//! A small, complete example gateway in memory, for tests of everything above the
//! interface.

use chrono::{DateTime, Duration, Utc};
use smgw_model::records::{
    Channel, ChannelReadings, Contract, ContractDetail, Database, DatabaseChannels, GatewayInfo,
    LogEntry, LogLevel, Reading, Taf, TafState,
};
use smgw_model::{Obis, ScaledValue, Unit};

use super::{MemoryGateway, MemoryValues};
use crate::{ClockOrigin, GatewayFacts};

/// Active energy import, `1-0:1.8.0*255`.
const IMPORT: Obis = Obis::new(1, 0, 1, 8, 0, 255);

const TAF7: &str = "01005e318023.taf7-1.sm";
const TAF10: &str = "01005e318024.taf10-1.sm";

impl MemoryGateway {
    /// A gateway whose clock stands `days` after `start`, with a TAF-7 contract (original
    /// value list: a register rising by 25 Wh every quarter hour from `start` on, the first
    /// value at `start`), a TAF-10 contract with the same register (current values only),
    /// and a logbook of 250 entries, one per hour from `start` (entry 7 carries a key this
    /// program does not know).
    pub fn example(start: DateTime<Utc>, days: i64) -> MemoryGateway {
        let facts = GatewayFacts {
            info: GatewayInfo {
                id: "EDNT0012345678".into(),
                state: None,
                time: Some(start + Duration::days(days)),
                firmware: Vec::new(),
                certificates: Vec::new(),
            },
            state_as_sent: Some("a0000000".into()),
            han_certificate_matches: None,
            clock: ClockOrigin::Reported,
        };
        let mut g = MemoryGateway::new("u1.sm", facts);
        for (id, taf) in [(TAF7, Taf::Taf7), (TAF10, Taf::Taf10)] {
            g.contracts.push(contract(id, taf, start));
            g.details.push(detail(id));
            g.values.push(register(id, start, days));
        }
        g.log = (0..250u32)
            .map(|index| LogEntry {
                index: index.into(),
                event_id: "1".into(),
                event_sub_id: "0".into(),
                level: LogLevel::Info,
                outcome: None,
                vendor_id: None,
                subject_identity: None,
                user_identity: None,
                time: Some(start + Duration::hours(index.into())),
                message: format!("Eintrag {index}"),
                version: None,
                extra: (index == 7).then(|| r#"{"x-vendor":"abc"}"#.to_owned()),
            })
            .collect();
        g
    }
}

fn contract(id: &str, taf: Taf, start: DateTime<Utc>) -> Contract {
    Contract {
        usage_point_id: id.into(),
        name: String::new(),
        taf,
        state: TafState::Running,
        start: Some(start),
        end: None,
        capture_time: None,
        billing_periods: Vec::new(),
        meters: vec!["1EMH0012345678".into()],
        metering_point_id: None,
        delivery_id: None,
        on_demand: false,
    }
}

fn detail(id: &str) -> ContractDetail {
    ContractDetail {
        usage_point_id: id.into(),
        name: String::new(),
        emts: Vec::new(),
        transparency_bit: false,
        taf_profile: None,
        databases: vec![DatabaseChannels {
            database: Database::Origin,
            channels: vec![Channel {
                obis: IMPORT,
                unit: Unit::WattHour,
                scaler: -1,
            }],
        }],
    }
}

fn register(id: &str, start: DateTime<Utc>, days: i64) -> MemoryValues {
    let readings = (0..=days * 96)
        .map(|i| Reading {
            capture_time: Some(start + Duration::minutes(15 * i)),
            target_time: start + Duration::minutes(15 * i),
            value: ScaledValue::new(i128::from(i) * 250, -1),
            cosem_status: None,
            smgw_status: None,
            meter_status: None,
            owner: None,
            signature: None,
        })
        .collect();
    MemoryValues {
        usage_point_id: id.into(),
        database: Database::Origin,
        channels: vec![ChannelReadings {
            channel: format!("{}.1EMH0012345678.sm", IMPORT.to_hex()),
            readings,
        }],
    }
}
