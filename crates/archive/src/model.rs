//! Conversions between the archive's records and `smgw-model`'s parsed records.
//!
//! The archive stores the gateway's texts as received. A sync driver should therefore build
//! archive records from the wire texts where it has them; the `from_model` functions exist
//! for callers that only hold parsed records, and re-encode status words as lower-case hex
//! and signatures as lower-case hex. The `to_model` functions parse what was stored, for
//! exports and checks that work on the model.

use chrono::{DateTime, Utc};
use smgw_model::{
    CertificateKind, CombinedStatus, Database, GatewayStatus, LogLevel, MeterStatus, Unit,
};

use crate::error::{ArchiveError, Result};
use crate::types::{
    BillingPeriod, CertKind, CertificateData, ChannelKey, ContractInfo, Firmware, GatewaySnapshot,
    LogEntry, RawResponseId, Reading,
};

fn model_err(what: &'static str, detail: impl ToString) -> ArchiveError {
    ArchiveError::Model {
        what,
        detail: detail.to_string(),
    }
}

impl From<CertificateKind> for CertKind {
    fn from(k: CertificateKind) -> CertKind {
        match k {
            CertificateKind::Tls => CertKind::HanTls,
            CertificateKind::Signature => CertKind::WanSig,
            CertificateKind::SubCa => CertKind::WanSubCa,
        }
    }
}

impl From<CertKind> for CertificateKind {
    fn from(k: CertKind) -> CertificateKind {
        match k {
            CertKind::HanTls => CertificateKind::Tls,
            CertKind::WanSig => CertificateKind::Signature,
            CertKind::WanSubCa => CertificateKind::SubCa,
        }
    }
}

impl ChannelKey {
    /// The key of a channel in one of the model's value lists.
    pub fn new(database: &Database, name: smgw_model::ChannelName) -> ChannelKey {
        ChannelKey {
            database: database.wire_name().to_owned(),
            name,
        }
    }

    /// The value list as the model's type.
    pub fn database(&self) -> Database {
        Database::from_wire(&self.database)
    }
}

impl Reading {
    /// From a parsed reading of a channel with `unit` (see the module docs on exactness).
    pub fn from_model(r: &smgw_model::Reading, unit: Unit) -> Reading {
        Reading::from_model_owned(r.clone(), unit)
    }

    /// As [`Reading::from_model`], taking the reading: its texts move instead of being
    /// copied (a sync converts every value it receives).
    pub fn from_model_owned(r: smgw_model::Reading, unit: Unit) -> Reading {
        Reading {
            target_time: r.target_time,
            capture_time: r.capture_time,
            value: r.value,
            unit,
            cosem_status: r.cosem_status.map(CombinedStatus::to_hex),
            smgw_status: r.smgw_status.map(GatewayStatus::to_hex),
            meter_status: r.meter_status.map(MeterStatus::to_hex),
            owner: r.owner,
            signature: r.signature.as_deref().map(hex::encode),
        }
    }

    /// Parses the stored texts into the model's reading.
    pub fn to_model(&self) -> Result<smgw_model::Reading> {
        Ok(smgw_model::Reading {
            capture_time: self.capture_time,
            target_time: self.target_time,
            value: self.value,
            cosem_status: self
                .cosem_status
                .as_deref()
                .map(CombinedStatus::from_hex)
                .transpose()
                .map_err(|e| model_err("cosem status", e))?,
            smgw_status: self
                .smgw_status
                .as_deref()
                .map(GatewayStatus::from_hex)
                .transpose()
                .map_err(|e| model_err("gateway status", e))?,
            meter_status: self
                .meter_status
                .as_deref()
                .map(MeterStatus::from_hex)
                .transpose()
                .map_err(|e| model_err("meter status", e))?,
            owner: self.owner.clone(),
            signature: self
                .signature
                .as_deref()
                .map(|s| hex::decode(s.trim()))
                .transpose()
                .map_err(|e| model_err("signature", e))?,
        })
    }
}

impl LogEntry {
    /// From a parsed logbook entry.
    pub fn from_model(e: &smgw_model::LogEntry) -> LogEntry {
        LogEntry {
            index: e.index,
            time: e.time,
            level: Some(u32::from(e.level.code())),
            event_id: Some(e.event_id.clone()),
            event_sub_id: Some(e.event_sub_id.clone()),
            outcome: e.outcome.clone(),
            vendor_id: e.vendor_id.clone(),
            subject_identity: e.subject_identity.clone(),
            user_identity: e.user_identity.clone(),
            message: Some(e.message.clone()),
            version: e.version.clone(),
            extra: e.extra.clone(),
        }
    }

    /// Into the model's entry; missing texts become empty, a missing level an error.
    pub fn to_model(&self) -> Result<smgw_model::LogEntry> {
        let level = self
            .level
            .ok_or_else(|| model_err("log level", "missing"))
            .and_then(|l| u8::try_from(l).map_err(|_| model_err("log level", l)))?;
        Ok(smgw_model::LogEntry {
            index: self.index,
            event_id: self.event_id.clone().unwrap_or_default(),
            event_sub_id: self.event_sub_id.clone().unwrap_or_default(),
            level: LogLevel::from_code(level),
            outcome: self.outcome.clone(),
            vendor_id: self.vendor_id.clone(),
            subject_identity: self.subject_identity.clone(),
            user_identity: self.user_identity.clone(),
            time: self.time,
            message: self.message.clone().unwrap_or_default(),
            version: self.version.clone(),
            extra: self.extra.clone(),
        })
    }
}

impl GatewaySnapshot {
    /// From the model's `smgw-info` record. `smgw_state` is the state word as sent (the
    /// model keeps only its parsed form).
    pub fn from_model(
        info: &smgw_model::GatewayInfo,
        smgw_state: Option<String>,
        read_at: DateTime<Utc>,
        raw_response: Option<RawResponseId>,
    ) -> GatewaySnapshot {
        GatewaySnapshot {
            read_at,
            smgw_state,
            smgw_time: info.time,
            firmware: info
                .firmware
                .iter()
                .map(|f| Firmware {
                    component: Some(f.component.clone()),
                    version: Some(f.version.clone()),
                    hash: Some(f.hash.clone()),
                })
                .collect(),
            certificates: info
                .certificates
                .iter()
                .map(|c| CertificateData {
                    kind: c.kind.into(),
                    index: c.index,
                    data: c.der.clone(),
                })
                .collect(),
            raw_response,
        }
    }
}

impl ContractInfo {
    /// From the model's contract record (`user-info`).
    pub fn from_model(c: &smgw_model::Contract) -> ContractInfo {
        ContractInfo {
            usage_point_id: c.usage_point_id.clone(),
            name: Some(c.name.clone()),
            taf_number: Some(u32::from(c.taf.number())),
            taf_state: Some(c.state.wire_name().to_owned()),
            start: c.start,
            end: c.end,
            capture_time: c.capture_time,
            delivery_id: c.delivery_id.clone(),
            metering_point_id: c.metering_point_id.clone(),
            meters: c.meters.clone(),
            on_demand_profile: Some(c.on_demand),
            billing_periods: c
                .billing_periods
                .iter()
                .map(|p| BillingPeriod {
                    start: p.start,
                    end: p.end,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use smgw_model::ScaledValue;

    fn sample() -> Reading {
        let t = Utc.timestamp_opt(1_704_067_200, 0).single().unwrap();
        Reading {
            target_time: t,
            capture_time: Some(t),
            value: ScaledValue::new(171_165_808, -1),
            unit: Unit::WattHour,
            cosem_status: Some("a004000020000000".into()),
            smgw_status: Some("a0000000".into()),
            meter_status: Some("00000000".into()),
            owner: Some("0551010038180402".into()),
            signature: Some("3045022100ff".into()),
        }
    }

    #[test]
    fn readings_round_trip_through_the_model() {
        let r = sample();
        let m = r.to_model().unwrap();
        assert_eq!(
            m.signature.as_deref(),
            Some(&[0x30, 0x45, 0x02, 0x21, 0x00, 0xff][..])
        );
        assert_eq!(Reading::from_model(&m, Unit::WattHour), r);
    }

    #[test]
    fn unreadable_texts_are_errors_not_silent_losses() {
        let mut r = sample();
        r.signature = Some("not hex".into());
        assert!(matches!(
            r.to_model(),
            Err(ArchiveError::Model {
                what: "signature",
                ..
            })
        ));
    }

    #[test]
    fn log_entries_round_trip_through_the_model() {
        let e = LogEntry {
            index: 7,
            level: Some(6),
            event_id: Some("1".into()),
            event_sub_id: Some("2".into()),
            message: Some("Selbsttest".into()),
            ..Default::default()
        };
        let m = e.to_model().unwrap();
        assert_eq!(m.level, LogLevel::Other(6));
        assert_eq!(LogEntry::from_model(&m), e);
    }
}
