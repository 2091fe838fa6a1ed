//! Conversion of wire structs into the domain records of `smgw-model`.
//!
//! The wire structs keep everything as sent; here values get their domain types
//! (status words, OBIS ids, units, scaled values). Errors name the field path like the
//! parser does.

use std::str::FromStr;

use serde_json::Value;
use smgw_model as model;

use smgw_model::{FieldWarning, WarningKind};

use crate::response::{Log, LogEntry, Readings, SmgwInfo, UsagePoint, UsagePointInfo, UserInfo};
use crate::time::parse_wire_time;
use crate::ProtocolError;

fn field(path: String, message: impl Into<String>) -> ProtocolError {
    ProtocolError::Field {
        path,
        message: message.into(),
    }
}

impl SmgwInfo {
    /// The gateway record (see [`SmgwInfo::to_model_warned`]; the warnings are dropped).
    pub fn to_model(&self) -> Result<model::GatewayInfo, ProtocolError> {
        self.to_model_warned().map(|(info, _)| info)
    }

    /// The gateway record and what could not be decoded. The HAN certificate (hex of PEM
    /// text, sometimes of DER) is decoded to DER; one that does not decode is left out
    /// with a warning, and so is an unreadable `smgw-state` (its text stays in the wire
    /// struct): neither is needed to read the gateway's values.
    pub fn to_model_warned(
        &self,
    ) -> Result<(model::GatewayInfo, Vec<FieldWarning>), ProtocolError> {
        let mut warnings = self.warnings.clone();
        let state = self
            .smgw_state
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| match model::SmgwState::from_hex(s) {
                Ok(st) => Some(st),
                Err(e) => {
                    warnings.push(FieldWarning::new(
                        WarningKind::FieldLeftOut,
                        "smgw-info.smgw-state",
                        s,
                        e.to_string(),
                    ));
                    None
                }
            });
        let firmware = self
            .firmware
            .iter()
            .map(|f| model::FirmwareInfo {
                component: f.component.clone().unwrap_or_default(),
                version: f.version.clone().unwrap_or_default(),
                hash: f.hash.clone().unwrap_or_default(),
            })
            .collect();
        let mut certificates = Vec::new();
        if let Some(han) = &self.certificates.han_tls {
            let der = if han.first() == Some(&0x30) {
                Some(han.clone())
            } else {
                let text = String::from_utf8_lossy(han);
                match model::records::pem_to_der(&text) {
                    Ok(der) => Some(der),
                    Err(e) => {
                        warnings.push(FieldWarning::new(
                            WarningKind::FieldLeftOut,
                            "smgw-info.certificates.han.tls",
                            &hex::encode(han),
                            format!("hex of neither DER nor PEM text ({e})"),
                        ));
                        None
                    }
                }
            };
            if let Some(der) = der {
                certificates.push(model::Certificate {
                    kind: model::CertificateKind::Tls,
                    index: None,
                    der,
                });
            }
        }
        for w in &self.certificates.wan {
            if let Some(sig) = &w.sig {
                certificates.push(model::Certificate {
                    kind: model::CertificateKind::Signature,
                    index: Some(w.cert_index),
                    der: sig.clone(),
                });
            }
            if let Some(ca) = &w.sub_ca {
                certificates.push(model::Certificate {
                    kind: model::CertificateKind::SubCa,
                    index: Some(w.cert_index),
                    der: ca.clone(),
                });
            }
        }
        // The id names files and archive rows: one that is no DIN 43863-5 device id is
        // kept as sent (it identifies this gateway all the same) and reported.
        if let Err(e) = model::DeviceId::parse_text(&self.smgw_id)
            .or_else(|_| model::DeviceId::parse_hex(&self.smgw_id))
        {
            warnings.push(FieldWarning::new(
                WarningKind::OddId,
                "smgw-info.smgw-id",
                &self.smgw_id,
                e.to_string(),
            ));
        }
        let info = model::GatewayInfo {
            id: self.smgw_id.clone(),
            state,
            time: self.smgw_time,
            firmware,
            certificates,
        };
        Ok((info, warnings))
    }
}

impl UsagePoint {
    /// The contract record (see [`UsagePoint::to_model_warned`]; warnings dropped).
    pub fn to_model(&self, path: &str) -> Result<model::Contract, ProtocolError> {
        let mut ignored = Vec::new();
        self.to_model_warned(path, &mut ignored)
    }

    /// The contract record. A billing period without a start is left out with a warning
    /// (billing periods are auxiliary); a missing TAF number is an error.
    pub fn to_model_warned(
        &self,
        path: &str,
        warnings: &mut Vec<FieldWarning>,
    ) -> Result<model::Contract, ProtocolError> {
        let taf = match self.taf_number {
            Some(n) => model::Taf::from_number(u16::try_from(n).map_err(|_| {
                field(format!("{path}.taf-number"), format!("{n} is out of range"))
            })?),
            None => return Err(field(format!("{path}.taf-number"), "missing")),
        };
        let mut billing_periods = Vec::with_capacity(self.billing_periods.len());
        for (i, b) in self.billing_periods.iter().enumerate() {
            match b.start_time {
                Some(start) => billing_periods.push(model::BillingPeriod {
                    start,
                    end: b.end_time,
                }),
                None => warnings.push(FieldWarning::new(
                    WarningKind::FieldLeftOut,
                    format!("{path}.billing-periods[{i}]"),
                    &b.end_time.map(|t| t.to_rfc3339()).unwrap_or_default(),
                    "a billing period without start-time",
                )),
            }
        }
        Ok(model::Contract {
            usage_point_id: self.usage_point_id.clone(),
            name: self.usage_point_name.clone().unwrap_or_default(),
            taf,
            state: model::TafState::from_wire(self.taf_state.as_deref().unwrap_or("")),
            start: self.start_time,
            end: self.end_time,
            // The contract leaves the format open; a time we can read is kept, other
            // text stays available in the wire struct.
            capture_time: self.capture_time.as_deref().and_then(parse_wire_time),
            billing_periods,
            meters: self.meters.iter().map(|m| m.meter_id.clone()).collect(),
            metering_point_id: self.metering_point_id.clone(),
            delivery_id: self.delivery_id.clone(),
            on_demand: self.on_demand_profile_configured.unwrap_or(false),
        })
    }
}

impl UserInfo {
    /// All contracts as records (warnings dropped; see [`UserInfo::to_model_warned`]).
    pub fn to_model(&self) -> Result<Vec<model::Contract>, ProtocolError> {
        self.to_model_warned().map(|(c, _)| c)
    }

    /// All contracts as records and what could not be decoded.
    pub fn to_model_warned(
        &self,
    ) -> Result<(Vec<model::Contract>, Vec<FieldWarning>), ProtocolError> {
        let mut warnings = self.warnings.clone();
        let contracts = self
            .usage_points
            .iter()
            .enumerate()
            .map(|(i, u)| u.to_model_warned(&format!("user-info.usage-points[{i}]"), &mut warnings))
            .collect::<Result<_, _>>()?;
        Ok((contracts, warnings))
    }
}

fn emt_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => ["emt-id", "id", "emt"]
            .iter()
            .find_map(|k| m.get(*k))
            .map(|id| match id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| v.to_string()),
        other => other.to_string(),
    }
}

impl UsagePointInfo {
    /// The contract detail record (warnings dropped; see
    /// [`UsagePointInfo::to_model_warned`]).
    pub fn to_model(&self) -> Result<model::ContractDetail, ProtocolError> {
        self.to_model_warned().map(|(d, _)| d)
    }

    /// The contract detail record with typed channels, and what could not be decoded.
    /// OBIS id, scaler and unit of every channel are essential.
    pub fn to_model_warned(
        &self,
    ) -> Result<(model::ContractDetail, Vec<FieldWarning>), ProtocolError> {
        let mut databases = Vec::with_capacity(self.databases.len());
        for (i, d) in self.databases.iter().enumerate() {
            let mut channels = Vec::with_capacity(d.channels.len());
            for (j, c) in d.channels.iter().enumerate() {
                let path = format!("usage-point-info.databases[{i}].channels[{j}]");
                let obis_text = c.obis.split('.').next().unwrap_or(&c.obis);
                let obis = model::Obis::from_str(obis_text)
                    .map_err(|e| field(format!("{path}.obis"), e.to_string()))?;
                let unit = u8::try_from(c.unit)
                    .map(model::Unit::from_code)
                    .map_err(|_| {
                        field(
                            format!("{path}.unit"),
                            format!("{} is out of range", c.unit),
                        )
                    })?;
                channels.push(model::Channel {
                    obis,
                    unit,
                    scaler: c.scaler,
                });
            }
            databases.push(model::DatabaseChannels {
                database: model::Database::from_wire(&d.database),
                channels,
            });
        }
        let detail = model::ContractDetail {
            usage_point_id: self.usage_point_id.clone(),
            name: self.usage_point_name.clone().unwrap_or_default(),
            emts: self.emts.iter().map(emt_text).collect(),
            transparency_bit: self.transparency_bit.unwrap_or(false),
            taf_profile: self.taf_profile.clone(),
            databases,
        };
        Ok((detail, self.warnings.clone()))
    }

    /// The channel description of `obis` (hex, possibly suffixed) in `database`.
    pub fn channel(&self, database: &str, obis: &str) -> Option<(i8, u16)> {
        let want = obis.split('.').next().unwrap_or(obis);
        self.databases
            .iter()
            .filter(|d| d.database.eq_ignore_ascii_case(database))
            .flat_map(|d| d.channels.iter())
            .find(|c| {
                c.obis
                    .split('.')
                    .next()
                    .unwrap_or(&c.obis)
                    .eq_ignore_ascii_case(want)
            })
            .map(|c| (c.scaler, c.unit))
    }
}

/// A status word; `Err` holds the warning that refuses its value (`path` is only built
/// then: it costs an allocation per value).
fn status<T>(
    s: &Option<String>,
    path: impl FnOnce() -> String,
    parse: impl Fn(&str) -> Result<T, model::StatusError>,
) -> Result<Option<T>, FieldWarning> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse(t)
            .map(Some)
            .map_err(|e| FieldWarning::new(WarningKind::ValueRefused, path(), t, e.to_string())),
    }
}

impl Readings {
    /// The readings as records (warnings dropped; see [`Readings::to_model_warned`]).
    pub fn to_model(
        &self,
        scaler_of: impl Fn(&str) -> Option<i8>,
    ) -> Result<Vec<model::ChannelReadings>, ProtocolError> {
        self.to_model_warned(scaler_of).map(|(r, _)| r)
    }

    /// The readings as records, and what could not be decoded. `scaler_of` gives the
    /// scaler of a channel (from its `usage-point-info`, see [`UsagePointInfo::channel`]);
    /// a channel without one is an error because its values could not be scaled. A value
    /// without `target-time` gets its capture time as target time.
    ///
    /// A status word that does not read refuses its value alone (without it nobody can
    /// tell whether the value is valid, so it must not be billed or stored as if it
    /// were): the value is left out with a warning that keeps the text, the other values
    /// stay. A signature that is not hex is auxiliary: the value is kept without it.
    pub fn to_model_warned(
        &self,
        scaler_of: impl Fn(&str) -> Option<i8>,
    ) -> Result<(Vec<model::ChannelReadings>, Vec<FieldWarning>), ProtocolError> {
        let mut warnings = self.warnings.clone();
        let mut out = Vec::with_capacity(self.channels.len());
        for (i, ch) in self.channels.iter().enumerate() {
            let cpath = format!("readings.channels[{i}]");
            let scaler = scaler_of(&ch.obis).ok_or_else(|| {
                field(
                    format!("{cpath}.obis"),
                    format!("no scaler known for channel {:?}", ch.obis),
                )
            })?;
            let mut readings = Vec::with_capacity(ch.readings.len());
            for (j, r) in ch.readings.iter().enumerate() {
                let p = || format!("{cpath}.readings[{j}]");
                let statuses = (|| {
                    Ok::<_, FieldWarning>((
                        status(
                            &r.cosem_status,
                            || format!("{}.cosem-status", p()),
                            model::CombinedStatus::from_hex,
                        )?,
                        status(
                            &r.smgw_status,
                            || format!("{}.smgw-status", p()),
                            model::GatewayStatus::from_hex,
                        )?,
                        status(
                            &r.meter_status,
                            || format!("{}.meter-status", p()),
                            model::MeterStatus::from_hex,
                        )?,
                    ))
                })();
                let (cosem_status, smgw_status, meter_status) = match statuses {
                    Ok(s) => s,
                    Err(w) => {
                        warnings.push(w);
                        continue;
                    }
                };
                let signature = match r.signature.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(h) => match hex::decode(h) {
                        Ok(b) => Some(b),
                        Err(e) => {
                            warnings.push(FieldWarning::new(
                                WarningKind::SignatureNotHex,
                                format!("{}.signature", p()),
                                h,
                                format!("expected hexadecimal text ({e})"),
                            ));
                            None
                        }
                    },
                };
                readings.push(model::Reading {
                    capture_time: Some(r.capture_time),
                    target_time: r.target_time.unwrap_or(r.capture_time),
                    value: model::ScaledValue::new(i128::from(r.value), scaler),
                    cosem_status,
                    smgw_status,
                    meter_status,
                    owner: r.owner_number.clone(),
                    signature,
                });
            }
            out.push(model::ChannelReadings {
                channel: ch.obis.clone(),
                readings,
            });
        }
        Ok((out, warnings))
    }
}

impl Log {
    /// The entries as records and what could not be decoded (auxiliary texts left out at
    /// parsing). A level above 255 is an error.
    pub fn to_model_warned(
        &self,
    ) -> Result<(Vec<model::LogEntry>, Vec<FieldWarning>), ProtocolError> {
        let entries = self
            .entries
            .iter()
            .map(LogEntry::to_model)
            .collect::<Result<_, _>>()?;
        Ok((entries, self.warnings.clone()))
    }
}

impl LogEntry {
    /// The log entry record; a level above 255 is an error.
    pub fn to_model(&self) -> Result<model::LogEntry, ProtocolError> {
        let level = match self.level {
            None => model::LogLevel::Other(0),
            Some(l) => model::LogLevel::from_code(u8::try_from(l).map_err(|_| {
                field(
                    format!("log.entries[index {}].level", self.index),
                    format!("{l} is out of range"),
                )
            })?),
        };
        Ok(model::LogEntry {
            index: self.index,
            event_id: self.event_id.clone().unwrap_or_default(),
            event_sub_id: self.event_sub_id.clone().unwrap_or_default(),
            level,
            outcome: self.outcome.clone(),
            vendor_id: self.vendor_id.clone(),
            subject_identity: self.subject_identity.clone(),
            user_identity: self.user_identity.clone(),
            time: Some(self.time),
            message: self.message.clone().unwrap_or_default(),
            version: self.version.clone(),
            extra: (!self.extra.is_empty())
                .then(|| serde_json::to_string(&self.extra).ok())
                .flatten(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{self, Limits};
    use serde_json::json;

    fn bytes(v: Value) -> Vec<u8> {
        v.to_string().into_bytes()
    }

    #[test]
    fn readings_become_scaled_values_with_statuses() {
        let b = bytes(
            json!({"readings": {"channels": [{"obis": "0100010800ff.1ELS0012345678.sm", "readings": [
            {"capture-time": "2026-01-01T00:00:05Z", "target-time": "2026-01-01T00:00:00Z", "value": "123456",
             "cosem-status": "A000000020000000", "smgw-status": "A0000000", "meter-status": "20000000",
             "owner-number": "1ELS0012345678", "signature": "0a0b"},
            {"capture-time": "2026-01-01T00:15:05Z", "value": 7}]}]}}),
        );
        let r = response::parse_readings(&b, &Limits::default()).unwrap();
        let m = r
            .to_model(|o| (o.starts_with("0100010800ff")).then_some(-1))
            .unwrap();
        let first = &m[0].readings[0];
        assert_eq!(first.value, model::ScaledValue::new(123456, -1));
        assert_eq!(first.signature, Some(vec![0x0a, 0x0b]));
        assert!(
            first.smgw_status.is_some()
                && first.cosem_status.is_some()
                && first.meter_status.is_some()
        );
        let second = &m[0].readings[1];
        assert_eq!(Some(second.target_time), second.capture_time);
        assert!(second.smgw_status.is_none());
        let err = r.to_model(|_| None).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("readings.channels[0].obis: no scaler"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_status_word_refuses_its_value_alone() {
        for key in ["smgw-status", "cosem-status", "meter-status"] {
            let b = bytes(json!({"readings": {"channels": [{"obis": "x", "readings": [
                {"capture-time": "2026-01-01T00:00:00Z", "value": 1, key: "zz"},
                {"capture-time": "2026-01-01T00:15:00Z", "value": 2, "smgw-status": "a0000000",
                 "signature": "-----BEGIN-----"}]}]}}));
            let r = response::parse_readings(&b, &Limits::default()).unwrap();
            let (m, w) = r.to_model_warned(|_| Some(0)).unwrap();
            assert_eq!(m[0].readings.len(), 1);
            assert_eq!(m[0].readings[0].value, model::ScaledValue::new(2, 0));
            assert!(m[0].readings[0].smgw_status.is_some());
            assert_eq!(m[0].readings[0].signature, None);
            assert_eq!(w.len(), 2);
            assert_eq!(w[0].path, format!("readings.channels[0].readings[0].{key}"));
            assert_eq!(
                (w[0].kind, w[0].raw.as_str()),
                (WarningKind::ValueRefused, "zz")
            );
            assert_eq!(w[1].path, "readings.channels[0].readings[1].signature");
            assert_eq!(w[1].kind, WarningKind::SignatureNotHex);
            assert_eq!(w[1].raw, "-----BEGIN-----");
        }
    }

    #[test]
    fn contracts_and_details_convert() {
        let b = bytes(
            json!({"user-info": {"usage-points": [{"usage-point-id": "01005e318023.taf7-1.sm",
            "usage-point-name": "TAF 7", "taf-number": "7", "taf-state": "running",
            "meter": [{"meter-id": "1ELS0012345678"}], "on-demand-profile-configured": "true",
            "billing-Periods": [{"start-time": "2025-11-01T00:00:00+01:00", "end-time": ""}]}]}}),
        );
        let c = response::parse_user_info(&b, &Limits::default())
            .unwrap()
            .to_model()
            .unwrap();
        assert_eq!(c[0].taf, model::Taf::Taf7);
        assert_eq!(c[0].state, model::TafState::Running);
        assert!(c[0].on_demand);
        assert_eq!(c[0].billing_periods[0].end, None);
        assert_eq!(c[0].meters, vec!["1ELS0012345678".to_owned()]);

        let b = bytes(
            json!({"usage-point-info": {"usage-point-id": "u", "emts": [{"id": "9900000000003", "name": "SW"}, "42"],
            "databases": [{"database": "origin", "channels": [{"obis": "0100010800ff", "scaler": "-1", "unit": "30"}]}]}}),
        );
        let upi = response::parse_usage_point_info(&b, &Limits::default()).unwrap();
        let d = upi.to_model().unwrap();
        assert_eq!(d.emts, vec!["9900000000003".to_owned(), "42".to_owned()]);
        assert_eq!(d.databases[0].database, model::Database::Origin);
        assert_eq!(d.databases[0].channels[0].unit, model::Unit::from_code(30));
        assert_eq!(
            upi.channel("origin", "0100010800ff.1ELS0012345678.sm"),
            Some((-1, 30))
        );
        assert_eq!(upi.channel("daily", "0100010800ff"), None);
    }

    #[test]
    fn gateway_info_decodes_certificates_and_state() {
        let pem = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
        let b = bytes(
            json!({"smgw-info": {"smgw-id": "EPPC0210486901", "smgw-state": "a0000000",
            "certificates": {"han": {"tls": hex::encode(pem)}, "wan": [{"cert-index": 0, "sig": "3000", "sub-ca": "3001"}]}}}),
        );
        let g = response::parse_smgw_info(&b, &Limits::default())
            .unwrap()
            .to_model()
            .unwrap();
        assert!(g.state.is_some());
        assert_eq!(g.certificates.len(), 3);
        assert_eq!(g.certificates[0].der, vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        assert_eq!(g.certificates[1].kind, model::CertificateKind::Signature);
        assert_eq!(g.certificates[2].index, Some(0));
    }

    #[test]
    fn an_odd_gateway_id_is_kept_as_sent_and_reported_escaped() {
        for (id, odd) in [
            ("EPPC0210486901", false),
            ("ethe0300004261", false),
            ("../../x\u{1b}[31m", true),
            ("EPPC02104869", true),
        ] {
            let b = bytes(json!({"smgw-info": {"smgw-id": id}}));
            let (g, warnings) = response::parse_smgw_info(&b, &Limits::default())
                .unwrap()
                .to_model_warned()
                .unwrap();
            assert_eq!(g.id, id, "kept as sent");
            let odd_ids: Vec<_> = warnings
                .iter()
                .filter(|w| w.kind == WarningKind::OddId)
                .collect();
            assert_eq!(odd_ids.len(), usize::from(odd), "{id}: {warnings:?}");
            if let Some(w) = odd_ids.first() {
                assert_eq!(w.path, "smgw-info.smgw-id");
                assert!(!w.raw.contains('\u{1b}'), "escaped: {}", w.raw);
            }
        }
    }

    #[test]
    fn log_levels_map() {
        let b = bytes(
            json!({"log": {"entries": [{"index": 5, "level": "6", "time": "2026-01-01T00:00:00Z", "message": "m"}]}}),
        );
        let l = response::parse_log(&b, &Limits::default()).unwrap();
        let e = l.entries[0].to_model().unwrap();
        assert_eq!(e.level, model::LogLevel::Other(6));
        assert_eq!(e.message, "m");
    }
}
