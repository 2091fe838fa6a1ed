//! The [`ExportSet`] as an AR 2418-6 document (TRuDI's device file format).
//!
//! One `UsagePoint` per contract. Each carries the gateway, its certificates and the whole
//! logbook, so that it stands on its own as TRuDI's files do, and one `MeterReading` per
//! value list and channel, with one `IntervalBlock` per German local day. Write the result
//! with `ar2418::write`.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use smgw_model::time::{berlin_date, berlin_day_bounds, to_berlin};
use smgw_model::{CertificateKind, ChannelName, Medium, Reading, Unit};

use crate::set::{ContractExport, ExportSet, ValueList};

/// Largest magnitude of `espi:value` (Int48 in the schema).
const INT48_MAX: i128 = 140_737_488_355_327;

/// Why a set cannot be written as AR 2418-6.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArError {
    /// A raw value is outside the 48-bit range of `espi:value`.
    #[error("value {raw} of channel {channel} does not fit into AR 2418-6 (48 bits)")]
    ValueRange {
        /// The channel name.
        channel: String,
        /// The raw value.
        raw: i128,
    },
    /// A reading's scaler differs from its channel's and cannot be converted exactly.
    #[error("value of channel {channel} at {time} cannot be written with the channel's scaler")]
    Scaler {
        /// The channel name.
        channel: String,
        /// The reading's target time (UTC, RFC 3339).
        time: String,
    },
    /// More than 255 certificates (`certId` is one byte).
    #[error("too many certificates for AR 2418-6 ({0}; at most 255)")]
    TooManyCertificates(usize),
}

/// The `espi:uom` (UnitSymbolKind) of a DLMS unit, where ESPI has one.
pub fn espi_uom(unit: Unit) -> Option<u16> {
    Some(match unit {
        Unit::WattHour => 72,
        Unit::Watt => 38,
        Unit::VarHour => 73,
        Unit::Var => 63,
        Unit::VoltAmpereHour => 71,
        Unit::VoltAmpere => 61,
        Unit::CubicMetre | Unit::CubicMetreCorrected => 42,
        Unit::CubicMetrePerHour => 125,
        Unit::Ampere => 5,
        Unit::Volt => 29,
        Unit::Hertz => 33,
        Unit::Celsius => 23,
        Unit::Joule => 31,
        Unit::Second => 27,
        Unit::Count => 0,
        _ => return None,
    })
}

fn berlin_fixed(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    to_berlin(t).fixed_offset()
}

fn service_kind(c: &ContractExport) -> u16 {
    let medium = c.value_lists.first().map(|v| v.channel.obis.medium());
    match medium {
        Some(Medium::Gas) => 1,
        Some(m) => match m.code() {
            8 | 9 => 2,
            5 | 6 => 4,
            _ => 0,
        },
        None => 0,
    }
}

/// Builds the AR 2418-6 document of a set.
pub fn to_usage_points(set: &ExportSet) -> Result<ar2418::UsagePoints, ArError> {
    let certs = certificates(set)?;
    let smgw = ar2418::Smgw {
        cert_ids: certs.iter().map(|c| c.cert_id).collect(),
        smgw_id: set.gateway.id.clone(),
        manufacturer: None,
        firmware_version: None,
        firmware_components: set
            .gateway
            .firmware
            .iter()
            .map(|f| ar2418::FirmwareComponent {
                name: f.component.clone(),
                version: Some(f.version.clone()),
                checksum: Some(f.hash.clone()),
            })
            .collect(),
        system_time: set.gateway.time.map(berlin_fixed),
    };
    let signing_cert = certs.iter().find(|c| c.cert_type == 3).map(|c| c.cert_id);
    let log: Vec<ar2418::LogEntry> = set.log.iter().map(log_entry).collect();
    let mut usage_points = Vec::with_capacity(set.contracts.len());
    for c in &set.contracts {
        let mut meter_readings = Vec::with_capacity(c.value_lists.len());
        for vl in &c.value_lists {
            meter_readings.push(meter_reading(vl, signing_cert)?);
        }
        let usage_point_id = c
            .contract
            .metering_point_id
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| c.contract.usage_point_id.clone());
        usage_points.push(ar2418::UsagePoint {
            service_category_kind: Some(service_kind(c)),
            usage_point_id: Some(usage_point_id),
            customer_id: set.customer_id.clone(),
            invoicing_party_id: c.detail.as_ref().and_then(|d| d.emts.first().cloned()),
            smgw: Some(smgw.clone()),
            certificates: certs.clone(),
            tariff_name: Some(c.contract.name.clone()),
            analysis_profile: None,
            log_entries: log.clone(),
            meter_readings,
        });
    }
    Ok(ar2418::UsagePoints {
        generator_version: Some(crate::json::GENERATOR.to_string()),
        usage_points,
    })
}

fn certificates(set: &ExportSet) -> Result<Vec<ar2418::Certificate>, ArError> {
    let n = set.gateway.certificates.len();
    if n > 255 {
        return Err(ArError::TooManyCertificates(n));
    }
    // certId numbering follows the set's order, starting at 1 as in TRuDI's files.
    let sub_ca = set
        .gateway
        .certificates
        .iter()
        .position(|c| c.kind == CertificateKind::SubCa)
        .map(|i| i as u8 + 1);
    Ok(set
        .gateway
        .certificates
        .iter()
        .enumerate()
        .map(|(i, c)| ar2418::Certificate {
            cert_id: i as u8 + 1,
            cert_type: c.kind.code(),
            parent_cert_id: if c.kind == CertificateKind::Signature {
                sub_ca
            } else {
                None
            },
            content: c.der.clone(),
        })
        .collect())
}

fn log_entry(e: &smgw_model::LogEntry) -> ar2418::LogEntry {
    ar2418::LogEntry {
        parent_record_number: None,
        record_number: u32::try_from(e.index).ok(),
        repetition_counter: None,
        events: vec![ar2418::LogEvent {
            evidence: None,
            level: Some(e.level.code()),
            message_extensions: None,
            text: Some(e.message.clone()),
            outcome: e.outcome.as_deref().and_then(|o| o.trim().parse().ok()),
            seconds_index: None,
            subject_identity: e.subject_identity.clone(),
            timestamp: e.time.map(berlin_fixed),
            destination: None,
            user_identity: e.user_identity.clone(),
            event_kind_vendor: e.vendor_id.clone(),
        }],
    }
}

fn meter_reading(
    vl: &ValueList,
    signing_cert: Option<u8>,
) -> Result<ar2418::MeterReading, ArError> {
    let times: Vec<DateTime<Utc>> = vl.readings.iter().map(|r| r.target_time).collect();
    let period = smgw_model::detect_period(&times)
        .and_then(|p| u32::try_from(p.num_seconds()).ok())
        .filter(|&p| p > 0);
    let mut sorted: Vec<&Reading> = vl.readings.iter().collect();
    sorted.sort_by_key(|r| r.target_time);
    let mut days: BTreeMap<NaiveDate, Vec<ar2418::IntervalReading>> = BTreeMap::new();
    for r in sorted {
        days.entry(berlin_date(r.target_time))
            .or_default()
            .push(interval_reading(vl, r, signing_cert)?);
    }
    let interval_blocks = days
        .into_iter()
        .map(|(day, readings)| {
            let (start, end) = berlin_day_bounds(day);
            ar2418::IntervalBlock {
                interval: Some(ar2418::TimeInterval {
                    start: Some(berlin_fixed(start)),
                    duration: u32::try_from((end - start).num_seconds()).ok(),
                }),
                readings,
            }
        })
        .collect();
    Ok(ar2418::MeterReading {
        meter_id: Some(vl.meter_id().unwrap_or_else(|| vl.channel_name.clone())),
        // AR 2418-6 has no element for the gateway's value list; like TRuDI's
        // `<OBIS>.<meter>.<suffix>` ids we name it in the suffix, so that importing the
        // file (archive-io) puts every channel back into its own list.
        meter_reading_id: Some(format!(
            "{}.{}",
            vl.channel_name
                .parse::<ChannelName>()
                .map(|c| c.without_suffix())
                .unwrap_or_else(|_| vl.channel_name.clone()),
            vl.database.wire_name()
        )),
        reading_type: Some(ar2418::ReadingType {
            power_of_ten_multiplier: Some(0),
            uom: espi_uom(vl.channel.unit),
            scaler: Some(i16::from(vl.channel.scaler)),
            obis: Some(vl.channel.obis.to_hex()),
            qualified_logical_name: Some(vl.channel_name.clone()),
            measurement_period: period,
        }),
        interval_blocks,
    })
}

fn interval_reading(
    vl: &ValueList,
    r: &Reading,
    signing_cert: Option<u8>,
) -> Result<ar2418::IntervalReading, ArError> {
    let value = r
        .value
        .rescale(vl.channel.scaler)
        .map_err(|_| ArError::Scaler {
            channel: vl.channel_name.clone(),
            time: r.target_time.to_rfc3339(),
        })?;
    if value.raw.unsigned_abs() > INT48_MAX as u128 {
        return Err(ArError::ValueRange {
            channel: vl.channel_name.clone(),
            raw: value.raw,
        });
    }
    // The range check above makes the conversion lossless.
    let raw = value.raw as i64;
    let fnn =
        r.cosem_status
            .map(|c| c.to_hex())
            .or_else(|| match (r.smgw_status, r.meter_status) {
                (Some(g), Some(m)) => Some(format!("{}{}", g.to_hex(), m.to_hex())),
                _ => None,
            });
    Ok(ar2418::IntervalReading {
        value: Some(raw),
        time_period: Some(ar2418::TimeInterval {
            start: Some(berlin_fixed(r.capture_time.unwrap_or(r.target_time))),
            duration: Some(0),
        }),
        target_time: Some(berlin_fixed(r.target_time)),
        measurement_time_meter: None,
        cert_id: r.signature.as_ref().and(signing_cert),
        meter_signature: None,
        signature: r.signature.clone(),
        status_fnn: fnn.map(|s| s.to_ascii_uppercase()),
        // Where the words together say no status (a word without identification bits),
        // an identified gateway word of its own still does: that is how the import keeps a
        // file's statusPTB whose statusFNN is not identified, so it is written back.
        status_ptb: r
            .ptb()
            .or_else(|| {
                r.smgw_status
                    .and_then(|g| smgw_model::status::ptb_of_words(g, None).ok())
            })
            .map(|p| p.code()),
        status_vendor: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use smgw_model::{
        Certificate, Channel, Contract, Database, GatewayInfo, ScaledValue, Taf, TafState,
    };

    fn reading(t: &str, raw: i128, scaler: i8) -> Reading {
        Reading {
            capture_time: None,
            target_time: t.parse().unwrap(),
            value: ScaledValue::new(raw, scaler),
            cosem_status: None,
            smgw_status: None,
            meter_status: None,
            owner: None,
            signature: None,
        }
    }

    fn set(readings: Vec<Reading>) -> ExportSet {
        let cert = |kind| Certificate {
            kind,
            index: None,
            der: vec![1],
        };
        ExportSet {
            gateway: GatewayInfo {
                id: "ethe0300004261".into(),
                state: None,
                time: None,
                firmware: vec![],
                certificates: vec![
                    cert(CertificateKind::Tls),
                    cert(CertificateKind::Signature),
                    cert(CertificateKind::SubCa),
                ],
            },
            customer_id: None,
            contracts: vec![ContractExport {
                contract: Contract {
                    usage_point_id: "01005e318021.taf7-1.sm".into(),
                    name: "x".into(),
                    taf: Taf::Taf7,
                    state: TafState::Running,
                    start: None,
                    end: None,
                    capture_time: None,
                    billing_periods: vec![],
                    meters: vec![],
                    metering_point_id: Some(" ".into()),
                    delivery_id: None,
                    on_demand: false,
                },
                detail: None,
                value_lists: vec![ValueList {
                    database: Database::Origin,
                    channel_name: "0100010800ff.1ESY1160449476.sm".into(),
                    channel: Channel {
                        obis: "0100010800ff".parse().unwrap(),
                        unit: Unit::WattHour,
                        scaler: -1,
                    },
                    readings,
                }],
            }],
            log: vec![],
            raw_responses: vec![],
            created: "2024-01-01T00:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn certificates_values_and_ids() {
        let doc = to_usage_points(&set(vec![
            reading("2024-01-01T00:00:00Z", 5, -1),
            // Scaler 0 is converted exactly to the channel's −1.
            reading("2024-01-01T00:15:00Z", 1, 0),
        ]))
        .unwrap();
        let up = &doc.usage_points[0];
        // A blank metering point id falls back to the usage point id.
        assert_eq!(up.usage_point_id.as_deref(), Some("01005e318021.taf7-1.sm"));
        let types: Vec<(u8, u8, Option<u8>)> = up
            .certificates
            .iter()
            .map(|c| (c.cert_id, c.cert_type, c.parent_cert_id))
            .collect();
        assert_eq!(types, vec![(1, 1, None), (2, 3, Some(3)), (3, 2, None)]);
        let values: Vec<Option<i64>> = up.meter_readings[0].readings().map(|r| r.value).collect();
        assert_eq!(values, vec![Some(5), Some(10)]);
        assert_eq!(
            up.meter_readings[0].meter_id.as_deref(),
            Some("1ESY1160449476")
        );
        assert_eq!(espi_uom(Unit::WattHour), Some(72));
        assert_eq!(espi_uom(Unit::Percent), None);
    }

    #[test]
    fn refuses_what_it_cannot_write_exactly() {
        let too_big = set(vec![reading("2024-01-01T00:00:00Z", INT48_MAX + 1, -1)]);
        assert!(matches!(
            to_usage_points(&too_big),
            Err(ArError::ValueRange { .. })
        ));
        let negative_extreme = set(vec![reading("2024-01-01T00:00:00Z", i128::MIN, -1)]);
        assert!(matches!(
            to_usage_points(&negative_extreme),
            Err(ArError::ValueRange { .. })
        ));
        // 0.05 cannot be written with scaler −1.
        let inexact = set(vec![reading("2024-01-01T00:00:00Z", 5, -2)]);
        assert!(matches!(
            to_usage_points(&inexact),
            Err(ArError::Scaler { .. })
        ));
    }
}
