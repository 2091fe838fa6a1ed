//! Wire records into archive records, keeping every text exactly as the gateway sent it.

use archive::{ContractDetail, DetailChannel, LogEntry, Reading};
use chrono::{DateTime, Utc};
use han_protocol::response::{self, UsagePointInfo};
use smgw_model::{Obis, ScaledValue, Unit};

use crate::SyncError;

/// A meter value from a `readings` response; `scaler` and `unit` come from the contract
/// description. A value without `target-time` belongs to its capture time (as in
/// `han_protocol`'s model conversion).
pub(crate) fn reading(r: &response::Reading, scaler: i8, unit: Unit) -> Reading {
    Reading {
        target_time: r.target_time.unwrap_or(r.capture_time),
        capture_time: Some(r.capture_time),
        value: ScaledValue::new(i128::from(r.value), scaler),
        unit,
        cosem_status: r.cosem_status.clone(),
        smgw_status: r.smgw_status.clone(),
        meter_status: r.meter_status.clone(),
        owner: r.owner_number.clone(),
        signature: r.signature.clone(),
    }
}

/// A logbook entry from a `log` response; unknown keys are kept as a JSON object text.
pub(crate) fn log_entry(e: &response::LogEntry) -> LogEntry {
    LogEntry {
        index: e.index,
        time: Some(e.time),
        level: e.level,
        event_id: e.event_id.clone(),
        event_sub_id: e.event_sub_id.clone(),
        outcome: e.outcome.clone(),
        vendor_id: e.vendor_id.clone(),
        subject_identity: e.subject_identity.clone(),
        user_identity: e.user_identity.clone(),
        message: e.message.clone(),
        version: e.version.clone(),
        extra: if e.extra.is_empty() {
            None
        } else {
            serde_json::to_string(&e.extra).ok()
        },
    }
}

/// The archive's contract detail from a `usage-point-info` response. Channels whose OBIS
/// id cannot be read are left out of the snapshot (the raw response keeps them).
pub(crate) fn contract_detail(
    info: &UsagePointInfo,
    read_at: DateTime<Utc>,
    raw: Option<archive::RawResponseId>,
) -> Result<ContractDetail, SyncError> {
    let model = info.to_model()?;
    let mut channels = Vec::new();
    for d in &info.databases {
        for c in &d.channels {
            let Ok(obis) = obis_of(&c.obis) else { continue };
            channels.push(DetailChannel {
                database: d.database.clone(),
                obis,
                scaler: c.scaler,
                unit: unit_of(c.unit),
            });
        }
    }
    Ok(ContractDetail {
        read_at,
        name: info.usage_point_name.clone(),
        transparency_bit: info.transparency_bit,
        emts: model.emts,
        taf_profile: info.taf_profile.clone(),
        channels,
        raw_response: raw,
    })
}

/// The OBIS part of a channel name (`0100010800ff` or `0100010800ff.<meter>.sm`).
pub(crate) fn obis_of(name: &str) -> Result<Obis, smgw_model::ObisError> {
    name.split('.').next().unwrap_or(name).parse()
}

/// A DLMS unit code as sent (a `u16` on the wire; codes above 255 are not DLMS units).
pub(crate) fn unit_of(code: u16) -> Unit {
    Unit::from_code(u8::try_from(code).unwrap_or(255))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_reading_keeps_the_texts_as_sent_and_falls_back_to_the_capture_time() {
        let t = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap();
        let wire = response::Reading {
            capture_time: t,
            target_time: None,
            value: 1234,
            cosem_status: Some("A0000000000C3800".into()),
            signature: Some("ABcd".into()),
            ..Default::default()
        };
        let r = reading(&wire, -1, Unit::WattHour);
        assert_eq!(r.target_time, t);
        assert_eq!(r.value, ScaledValue::new(1234, -1));
        assert_eq!(r.cosem_status.as_deref(), Some("A0000000000C3800"));
        assert_eq!(r.signature.as_deref(), Some("ABcd"));
    }

    #[test]
    fn unknown_log_keys_survive_as_json() {
        let mut e = response::LogEntry {
            index: 9,
            ..Default::default()
        };
        assert_eq!(log_entry(&e).extra, None);
        e.extra
            .insert("x-vendor".into(), serde_json::Value::from("abc"));
        assert_eq!(
            log_entry(&e).extra.as_deref(),
            Some(r#"{"x-vendor":"abc"}"#)
        );
    }

    #[test]
    fn obis_is_read_with_and_without_suffix() {
        let a = obis_of("0100010800ff").unwrap();
        let b = obis_of("0100010800ff.1ELS0012345678.sm").unwrap();
        assert_eq!(a, b);
        assert!(obis_of("nonsense").is_err());
    }
}
