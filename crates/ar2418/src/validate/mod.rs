//! Validation of device and supplier files: findings with severity, stable code, German and
//! English message and location.
//!
//! This module holds the finding types and the public entry points; the checks themselves
//! are in the sub-modules by subject: `device` (usage-point header, logbook, meter
//! readings and value lists), `certificate`, `supplier` (tariff rules of the
//! `AnalysisProfile`) and `pair` (a device file against its supplier file).

mod certificate;
mod common;
mod device;
mod pair;
mod supplier;

use serde::Serialize;
use smgw_model::Lang;

use crate::model::*;
use common::{check_len, el};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information (e.g. the summary of a value list).
    Info,
    /// Unusual but usable.
    Warning,
    /// The file cannot be used as it is (TRuDI would reject it).
    Error,
}

/// Where a finding applies. Indexes are 0-based positions in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// Index of the `UsagePoint`.
    pub usage_point: Option<usize>,
    /// Index of the `MeterReading` within the usage point.
    pub meter_reading: Option<usize>,
    /// Index of the `IntervalBlock` within the meter reading.
    pub interval_block: Option<usize>,
    /// Index of the reading over all blocks of the meter reading (as in
    /// [`MeterReading::readings`]).
    pub reading: Option<usize>,
    /// Index of the `Certificate`, `LogEntry`, `TariffStage`, `DayProfile` or
    /// `SpecialDayProfile` the finding is about (see `element`).
    pub index: Option<usize>,
    /// The element concerned, e.g. `statusPTB`.
    pub element: Option<&'static str>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(i) = self.usage_point {
            parts.push(format!("UsagePoint[{i}]"));
        }
        if let Some(i) = self.meter_reading {
            parts.push(format!("MeterReading[{i}]"));
        }
        if let Some(i) = self.interval_block {
            parts.push(format!("IntervalBlock[{i}]"));
        }
        if let Some(i) = self.reading {
            parts.push(format!("reading #{i}"));
        }
        match (self.element, self.index) {
            (Some(e), Some(i)) => parts.push(format!("{e}[{i}]")),
            (Some(e), None) => parts.push(e.to_string()),
            (None, Some(i)) => parts.push(format!("[{i}]")),
            (None, None) => {}
        }
        f.write_str(&parts.join("/"))
    }
}

/// One result of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// Stable machine-readable code (e.g. `READING_STATUS_PTB_RANGE`).
    pub code: &'static str,
    /// Message in German.
    pub message_de: String,
    /// Message in English.
    pub message_en: String,
    /// Where.
    pub location: Location,
    /// Source line of the element concerned, if known (see [`crate::SourceMap::annotate`]).
    pub line: Option<u32>,
}

impl Finding {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.message_de, &self.message_en)
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {} at {}", self.severity, self.code, self.location)?;
        if let Some(l) = self.line {
            write!(f, " (line {l})")?;
        }
        write!(f, ": {}", self.message_en)
    }
}

/// Whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

struct Out {
    findings: Vec<Finding>,
}

impl Out {
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        location: Location,
        de: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.findings.push(Finding {
            severity,
            code,
            message_de: de.into(),
            message_en: en.into(),
            location,
            line: None,
        });
    }
}

/// Validates a device file (IF_Adapter_TRuDI): structure, ranges, references, certificates,
/// interval blocks and value lists. Supplier-specific rules are in [`validate_supplier`].
pub fn validate(doc: &UsagePoints) -> Vec<Finding> {
    validate_common(doc, false)
}

fn validate_common(doc: &UsagePoints, supplier: bool) -> Vec<Finding> {
    let mut out = Out {
        findings: Vec::new(),
    };
    check_len(
        &mut out,
        Location {
            element: Some("GeneratorVersion"),
            ..Location::default()
        },
        "GeneratorVersion",
        doc.generator_version.as_deref(),
        256,
    );
    for (u, up) in doc.usage_points.iter().enumerate() {
        device::check_usage_point_header(&mut out, u, up, supplier);
        certificate::check_certificates(&mut out, u, up);
        device::check_log(&mut out, u, up);
        for (m, mr) in up.meter_readings.iter().enumerate() {
            device::check_meter_reading(&mut out, u, m, mr);
        }
    }
    out.findings
}

/// Validates a supplier file (IF_Lieferant_TRuDI): the header checks of [`validate`] plus
/// the tariff rules of each usage point's `AnalysisProfile`.
pub fn validate_supplier(doc: &UsagePoints) -> Vec<Finding> {
    let mut out = Out {
        findings: validate_common(doc, true),
    };
    for (u, up) in doc.usage_points.iter().enumerate() {
        match &up.analysis_profile {
            None => out.push(
                Severity::Error,
                "ANALYSIS_PROFILE_MISSING",
                el(u, "AnalysisProfile"),
                "Lieferantendatei ohne AnalysisProfile",
                "supplier file without AnalysisProfile",
            ),
            Some(ap) => supplier::check_analysis_profile(&mut out, u, ap),
        }
    }
    out.findings
}

/// Checks a device file against the supplier file it is to be billed with (TRuDI's
/// context checks before recomputing a bill): number and kind of value lists, tariff
/// stages backed by original value lists, for TAF-1 valid readings at both ends of the
/// billing period.
pub fn validate_pair(device: &UsagePoints, supplier: &UsagePoints) -> Vec<Finding> {
    let mut out = Out {
        findings: Vec::new(),
    };
    pair::check_pair(&mut out, device, supplier);
    out.findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obis_hex() {
        let o = parse_obis_hex("0100010800ff").expect("valid");
        assert_eq!((o.a, o.b, o.c, o.d, o.e, o.f), (1, 0, 1, 8, 0, 255));
        assert!(parse_obis_hex("010000000FF").is_none());
        assert!(parse_obis_hex("0100010800fg").is_none());
    }
}
