//! Conversion of the wire structs (`han_protocol::response`) into the domain records of
//! `smgw-model`, which serialise to the documented JSON output.
//!
//! Lenient where the gateway is sloppy (a status word that does not parse is dropped from
//! the record, the raw text stays in the wire struct), strict where data would be wrong
//! (a channel OBIS that does not parse is an error).

use han_protocol::response as wire;
use smgw_model::records::{
    BillingPeriod, Certificate, CertificateKind, Channel, Contract, ContractDetail, Database,
    DatabaseChannels, FirmwareInfo, GatewayInfo, LogEntry, LogLevel, Reading, Taf, TafState,
};
use smgw_model::{CombinedStatus, GatewayStatus, MeterStatus, Obis, ScaledValue, SmgwState, Unit};

/// A channel OBIS id that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("channel {obis:?}: {source}")]
pub struct BadChannel {
    obis: String,
    #[source]
    source: smgw_model::ObisError,
}

/// `smgw-info` as a domain record.
pub fn gateway_info(info: &wire::SmgwInfo) -> GatewayInfo {
    let mut certificates = Vec::new();
    if let Some(tls) = &info.certificates.han_tls {
        // The HAN certificate comes as hex of PEM text; some firmware sends DER.
        let der = std::str::from_utf8(tls)
            .ok()
            .and_then(|pem| smgw_model::records::pem_to_der(pem).ok())
            .unwrap_or_else(|| tls.clone());
        certificates.push(Certificate {
            kind: CertificateKind::Tls,
            index: None,
            der,
        });
    }
    for wan in &info.certificates.wan {
        if let Some(der) = &wan.sig {
            certificates.push(Certificate {
                kind: CertificateKind::Signature,
                index: Some(wan.cert_index),
                der: der.clone(),
            });
        }
        if let Some(der) = &wan.sub_ca {
            certificates.push(Certificate {
                kind: CertificateKind::SubCa,
                index: Some(wan.cert_index),
                der: der.clone(),
            });
        }
    }
    GatewayInfo {
        id: info.smgw_id.clone(),
        state: info
            .smgw_state
            .as_deref()
            .and_then(|s| SmgwState::from_hex(s).ok()),
        time: info.smgw_time,
        firmware: info
            .firmware
            .iter()
            .map(|f| FirmwareInfo {
                component: f.component.clone().unwrap_or_default(),
                version: f.version.clone().unwrap_or_default(),
                hash: f.hash.clone().unwrap_or_default(),
            })
            .collect(),
        certificates,
    }
}

/// One contract of `user-info` as a domain record.
pub fn contract(up: &wire::UsagePoint) -> Contract {
    Contract {
        usage_point_id: up.usage_point_id.clone(),
        name: up.usage_point_name.clone().unwrap_or_default(),
        taf: Taf::from_number(up.taf_number.map_or(0, |n| u16::try_from(n).unwrap_or(0))),
        state: TafState::from_wire(up.taf_state.as_deref().unwrap_or("")),
        start: up.start_time,
        end: up.end_time,
        capture_time: up
            .capture_time
            .as_deref()
            .and_then(|s| smgw_model::time::parse_datetime(s, smgw_model::NaiveAs::Utc).ok()),
        billing_periods: up
            .billing_periods
            .iter()
            .filter_map(|p| {
                Some(BillingPeriod {
                    start: p.start_time?,
                    end: p.end_time,
                })
            })
            .collect(),
        meters: up.meters.iter().map(|m| m.meter_id.clone()).collect(),
        metering_point_id: up.metering_point_id.clone(),
        delivery_id: up.delivery_id.clone(),
        on_demand: up.on_demand_profile_configured.unwrap_or(false),
    }
}

/// A channel description; the OBIS may carry the `.<meter>.sm` suffix.
pub fn channel(ch: &wire::ChannelInfo) -> Result<Channel, BadChannel> {
    let hex = ch.obis.split('.').next().unwrap_or(&ch.obis);
    let obis: Obis = hex.parse().map_err(|source| BadChannel {
        obis: ch.obis.clone(),
        source,
    })?;
    Ok(Channel {
        obis,
        unit: Unit::from_code(u8::try_from(ch.unit).unwrap_or(u8::MAX)),
        scaler: ch.scaler,
    })
}

/// `usage-point-info` as a domain record.
pub fn contract_detail(info: &wire::UsagePointInfo) -> Result<ContractDetail, BadChannel> {
    let databases = info
        .databases
        .iter()
        .map(|db| {
            Ok(DatabaseChannels {
                database: Database::from_wire(&db.database),
                channels: db.channels.iter().map(channel).collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<_, BadChannel>>()?;
    Ok(ContractDetail {
        usage_point_id: info.usage_point_id.clone(),
        name: info.usage_point_name.clone().unwrap_or_default(),
        emts: info
            .emts
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        transparency_bit: info.transparency_bit.unwrap_or(false),
        taf_profile: info.taf_profile.clone(),
        databases,
    })
}

/// One meter value, with the scaler of its channel. A value without target time belongs
/// to its capture time (what the gateway does for current values).
pub fn reading(r: &wire::Reading, scaler: i8) -> Reading {
    Reading {
        capture_time: Some(r.capture_time),
        target_time: r.target_time.unwrap_or(r.capture_time),
        value: ScaledValue::new(i128::from(r.value), scaler),
        cosem_status: r
            .cosem_status
            .as_deref()
            .and_then(|s| CombinedStatus::from_hex(s).ok()),
        smgw_status: r
            .smgw_status
            .as_deref()
            .and_then(|s| GatewayStatus::from_hex(s).ok()),
        meter_status: r
            .meter_status
            .as_deref()
            .and_then(|s| MeterStatus::from_hex(s).ok()),
        owner: r.owner_number.clone(),
        signature: r.signature.as_deref().and_then(|s| hex::decode(s).ok()),
    }
}

/// One logbook entry as a domain record.
pub fn log_entry(e: &wire::LogEntry) -> LogEntry {
    LogEntry {
        index: e.index,
        event_id: e.event_id.clone().unwrap_or_default(),
        event_sub_id: e.event_sub_id.clone().unwrap_or_default(),
        level: LogLevel::from_code(e.level.map_or(0, |l| u8::try_from(l).unwrap_or(u8::MAX))),
        outcome: e.outcome.clone(),
        vendor_id: e.vendor_id.clone(),
        subject_identity: e.subject_identity.clone(),
        user_identity: e.user_identity.clone(),
        time: Some(e.time),
        message: e.message.clone().unwrap_or_default(),
        version: e.version.clone(),
    }
}
