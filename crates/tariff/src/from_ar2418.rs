//! Builds the computation's inputs from AR 2418-6 documents read by the `ar2418` crate.

use std::path::Path;

use ar2418::{AnalysisProfile, MeterReading, UsagePoints};
use chrono::Utc;
use smgw_model::Obis;

use crate::checksum::Checksums;
use crate::error::TariffError;
use crate::input::{
    DayProfile, MeterSeries, Reading, SpecialDay, SwitchPoint, TariffProfile, TariffStage, UseCase,
};
use crate::raster;
use crate::result::Evaluation;

/// Why a file cannot be turned into inputs, or the bill not be recomputed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// Path of the file.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not valid AR 2418-6 XML.
    #[error("not a readable AR 2418-6 file: {0}")]
    Xml(#[from] ar2418::ReadError),
    /// The supplier file has no AnalysisProfile.
    #[error("the supplier file contains no AnalysisProfile")]
    NoAnalysisProfile,
    /// A required element is missing.
    #[error("required element {0} is missing")]
    Missing(&'static str),
    /// An OBIS id could not be parsed.
    #[error(transparent)]
    Obis(#[from] smgw_model::ObisError),
    /// A special day has no complete calendar date.
    #[error("special day for day profile {0:?} has no complete date")]
    IncompleteDate(String),
    /// A switching time has seconds, which day profiles of this tool do not model.
    #[error("day profile {0:?} switches at a time with seconds")]
    SecondsInSwitch(String),
    /// The recomputation itself failed.
    #[error(transparent)]
    Tariff(#[from] TariffError),
}

impl AdapterError {
    /// A stable identifier for programs and translations.
    pub fn code(&self) -> &'static str {
        match self {
            AdapterError::Io { .. } => "TARIFF_IO",
            AdapterError::Xml(_) => "TARIFF_XML",
            AdapterError::NoAnalysisProfile => "TARIFF_NO_ANALYSIS_PROFILE",
            AdapterError::Missing(_) => "TARIFF_MISSING_ELEMENT",
            AdapterError::Obis(_) => "TARIFF_INVALID_OBIS",
            AdapterError::IncompleteDate(_) => "TARIFF_INCOMPLETE_DATE",
            AdapterError::SecondsInSwitch(_) => "TARIFF_SECONDS_IN_SWITCH",
            AdapterError::Tariff(e) => e.code(),
        }
    }

    /// The English message (same as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }

    /// The German message.
    pub fn message_de(&self) -> String {
        match self {
            AdapterError::Io { path, source } => {
                format!("{path} kann nicht gelesen werden: {source}")
            }
            AdapterError::Xml(e) => format!("Keine lesbare AR-2418-6-Datei: {e}"),
            AdapterError::NoAnalysisProfile => {
                "Die Lieferantendatei enthält kein AnalysisProfile".to_owned()
            }
            AdapterError::Missing(what) => format!("Das Pflichtelement {what} fehlt"),
            AdapterError::Obis(e) => format!("Ungültige OBIS-Kennzahl: {:?}", obis_input(e)),
            AdapterError::IncompleteDate(id) => {
                format!("Ein Sondertag für das Tagesprofil {id:?} hat kein vollständiges Datum")
            }
            AdapterError::SecondsInSwitch(id) => {
                format!("Das Tagesprofil {id:?} schaltet zu einer Uhrzeit mit Sekunden")
            }
            AdapterError::Tariff(e) => e.message_de(),
        }
    }
}

/// The text that failed to parse as an OBIS id, for the German message (the English one
/// is the model crate's own).
fn obis_input(e: &smgw_model::ObisError) -> &str {
    match e {
        smgw_model::ObisError::Empty => "",
        smgw_model::ObisError::Format(s) | smgw_model::ObisError::ChannelFormat(s) => s,
        smgw_model::ObisError::OutOfRange { input, .. } => input,
    }
}

/// Converts one MeterReading into a value list.
pub fn meter_series(mr: &MeterReading) -> Result<MeterSeries, AdapterError> {
    let rt = mr
        .reading_type
        .as_ref()
        .ok_or(AdapterError::Missing("ReadingType"))?;
    let obis: Obis = rt
        .obis
        .as_deref()
        .ok_or(AdapterError::Missing("ReadingType/obisCode"))?
        .parse()?;
    // The measuring period: as declared, else the most frequent spacing (the validator's
    // rule), so that values off its raster can be told apart.
    let period = rt
        .measurement_period
        .filter(|p| *p > 0)
        .or_else(|| ar2418::detect_period(&ar2418::reading_times(mr)));
    let mut readings = Vec::with_capacity(mr.reading_count());
    for r in mr.readings() {
        // The reference program's rule for values off the raster (see `crate::raster`).
        let time = raster::reading_time(
            r.target_time.map(|t| t.with_timezone(&Utc)),
            r.capture_time().map(|t| t.with_timezone(&Utc)),
            period,
        );
        // A value without a time or without a value cannot be billed; it is a gap.
        let (Some(time), Some(value)) = (time, r.value) else {
            continue;
        };
        readings.push(Reading {
            time,
            value,
            // A reading with neither `statusPTB` nor a readable `statusFNN` counts as
            // critical (3): nothing vouches for it, as in `is_valid_for_billing`.
            ptb: r.ptb_status().map_or(3, |s| s.code()),
        });
    }
    Ok(MeterSeries {
        obis,
        meter_id: mr.meter_id.clone().unwrap_or_default(),
        // TRuDI's rule, `<12 hex>.<meterId>.sm`: the OBIS part of the name is not compared
        // with `obisCode` (`taf1/result_1_month_2_ovl.xml` names an export list
        // `0100010800FF.…` and expects it billed as 2.8.0), while a name built from the
        // gateway id (`result_1_month_no_ovl.xml`) is no original value list.
        is_original: mr.is_original_value_list(),
        scaler: rt
            .scaler
            .unwrap_or(0)
            .clamp(i16::from(i8::MIN), i16::from(i8::MAX)) as i8,
        unit: unit_name(rt.uom),
        period,
        readings,
    })
}

/// The unit's name for an `espi:uom` code. These are ESPI UnitSymbolKind codes (72 = Wh),
/// not the DLMS codes `smgw_model::Unit` maps (30 = Wh), so that table cannot be reused.
fn unit_name(uom: Option<u16>) -> String {
    match uom {
        Some(72) => "Wh".to_owned(),
        Some(38) => "W".to_owned(),
        Some(63) => "VArh".to_owned(),
        Some(42) => "m³".to_owned(),
        Some(n) => format!("uom {n}"),
        None => String::new(),
    }
}

/// All value lists of all usage points of a device file.
pub fn device_series(doc: &UsagePoints) -> Result<Vec<MeterSeries>, AdapterError> {
    doc.usage_points
        .iter()
        .flat_map(|up| up.meter_readings.iter())
        .map(meter_series)
        .collect()
}

/// Converts a supplier's AnalysisProfile; `checksums` are those of the file it came from.
pub fn tariff_profile(
    ap: &AnalysisProfile,
    checksums: Checksums,
) -> Result<TariffProfile, AdapterError> {
    let use_case = match ap.tariff_use_case {
        1 => UseCase::Taf1,
        2 => UseCase::Taf2,
        n => return Err(TariffError::UnsupportedUseCase(n).into()),
    };
    let start = ap
        .billing_period
        .start
        .ok_or(AdapterError::Missing("billingPeriod/start"))?;
    let end = ap
        .billing_period
        .end()
        .ok_or(AdapterError::Missing("billingPeriod/duration"))?;
    let stages = ap
        .tariff_stages
        .iter()
        .map(|s| {
            Ok(TariffStage {
                tariff: s.tariff_number,
                obis: s.obis.parse()?,
                description: s.description.clone(),
            })
        })
        .collect::<Result<Vec<_>, AdapterError>>()?;
    let mut day_profiles = Vec::with_capacity(ap.day_profiles.len());
    for p in &ap.day_profiles {
        let mut switches = Vec::with_capacity(p.entries.len());
        for e in &p.entries {
            if e.second != 0 {
                return Err(AdapterError::SecondsInSwitch(p.day_id().to_owned()));
            }
            switches.push(SwitchPoint {
                hour: e.hour,
                minute: e.minute,
                tariff: e.tariff_number,
            });
        }
        // The XSD allows several ids for one profile; each names the same switches.
        for id in &p.day_ids {
            day_profiles.push(DayProfile {
                day_id: id.clone(),
                switches: switches.clone(),
            });
        }
    }
    let special_days = ap
        .special_day_profiles
        .iter()
        .map(|s| {
            Ok(SpecialDay {
                date: s
                    .date
                    .date()
                    .ok_or_else(|| AdapterError::IncompleteDate(s.day_id.clone()))?,
                day_id: s.day_id.clone(),
            })
        })
        .collect::<Result<Vec<_>, AdapterError>>()?;
    Ok(TariffProfile {
        use_case,
        tariff_id: ap.tariff_id.clone(),
        billing_start: start.with_timezone(&Utc),
        billing_end: end.with_timezone(&Utc),
        stages,
        default_tariff: ap.default_tariff_number,
        day_profiles,
        special_days,
        checksums,
    })
}

/// Reads a supplier file (IF_Lieferant_TRuDI): its first AnalysisProfile, with the
/// checksums of the raw file bytes.
pub fn supplier_bytes(bytes: &[u8]) -> Result<TariffProfile, AdapterError> {
    let checksums = Checksums::of(bytes);
    let doc = ar2418::read(bytes)?;
    let ap = doc
        .usage_points
        .iter()
        .find_map(|up| up.analysis_profile.as_ref())
        .ok_or(AdapterError::NoAnalysisProfile)?;
    tariff_profile(ap, checksums)
}

/// Reads a supplier file from disk; see [`supplier_bytes`].
pub fn supplier_file(path: impl AsRef<Path>) -> Result<TariffProfile, AdapterError> {
    supplier_bytes(&read_bytes(path.as_ref())?)
}

/// Reads a device file (IF_Adapter_TRuDI) from disk and returns all its value lists.
pub fn device_file(path: impl AsRef<Path>) -> Result<Vec<MeterSeries>, AdapterError> {
    let bytes = read_bytes(path.as_ref())?;
    device_series(&ar2418::read(&bytes[..])?)
}

/// Recomputes the bill from a device file and a supplier file.
pub fn check_bill(
    device: impl AsRef<Path>,
    supplier: impl AsRef<Path>,
) -> Result<Evaluation, AdapterError> {
    let profile = supplier_file(supplier)?;
    let series = device_file(device)?;
    Ok(crate::evaluate(&profile, &series)?)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, AdapterError> {
    std::fs::read(path).map_err(|source| AdapterError::Io {
        path: path.display().to_string(),
        source,
    })
}
