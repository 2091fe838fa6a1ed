//! The [`ExportSet`] as an AR 2418-6 document (TRuDI's device file format).
//!
//! One `UsagePoint` per contract. Each carries the gateway, its certificates and the whole
//! logbook, so that it stands on its own as TRuDI's files do, and one `MeterReading` per
//! value list and channel, with one `IntervalBlock` per German local day. Write the result
//! with `ar2418::write`.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use smgw_model::time::{berlin_date, berlin_day_bounds, to_berlin};
use smgw_model::{CertificateKind, Medium, Reading, Unit};

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
        meter_reading_id: Some(vl.channel_name.clone()),
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
    let value =
        r.value
            .rescale(vl.channel.scaler)
            .map_err(|_| ArError::Scaler {
                channel: vl.channel_name.clone(),
                time: r.target_time.to_rfc3339(),
            })?;
    if value.raw.abs() > INT48_MAX {
        return Err(ArError::ValueRange {
            channel: vl.channel_name.clone(),
            raw: value.raw,
        });
    }
    // The range check above makes the conversion lossless.
    let raw = value.raw as i64;
    let fnn = r.cosem_status.map(|c| c.to_hex()).or_else(|| {
        match (r.smgw_status, r.meter_status) {
            (Some(g), Some(m)) => Some(format!("{}{}", g.to_hex(), m.to_hex())),
            _ => None,
        }
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
        status_ptb: r.ptb().map(|p| p.code()),
        status_vendor: None,
    })
}
