//! Validation of device and supplier files: findings with severity, stable code, German and
//! English message and location.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, TimeZone, Timelike};
use serde::Serialize;
use smgw_model::{Lang, Obis};

use crate::analysis::{analyze, ValueListAnalysis};
use crate::der::check_certificate_content;
use crate::model::*;

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

fn up_loc(u: usize) -> Location {
    Location {
        usage_point: Some(u),
        ..Location::default()
    }
}

fn el(u: usize, element: &'static str) -> Location {
    Location {
        usage_point: Some(u),
        element: Some(element),
        ..Location::default()
    }
}

fn mr_loc(u: usize, m: usize, element: Option<&'static str>) -> Location {
    Location {
        usage_point: Some(u),
        meter_reading: Some(m),
        element,
        ..Location::default()
    }
}

/// ESPI UnitSymbolKind values the XSD allows for `uom`.
const UNIT_SYMBOLS: &[u16] = &[
    0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 21, 22, 23, 24, 25, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
    37, 38, 39, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 53, 54, 61, 63, 65, 66, 67, 68, 69, 70,
    71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 100, 101, 102, 103, 104, 105, 106, 107, 108,
    109, 111, 113, 114, 115, 116, 117, 118, 119, 120, 123, 125, 126, 127, 128, 129, 130, 131, 132,
    133, 134, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153,
    154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169,
];

/// ESPI UnitMultiplierKind values the XSD allows for `powerOfTenMultiplier`.
const POWERS_OF_TEN: &[i16] = &[-12, -9, -6, -3, -2, -1, 0, 1, 2, 3, 6, 9, 12];

/// Int48 bounds of `espi:value`.
const INT48_MIN: i64 = -140_737_488_355_328;
const INT48_MAX: i64 = 140_737_488_355_328;

/// Maximum span of readings in one file (TRuDI limits queries to three years).
const MAX_SPAN_MONTHS: u32 = 36;

fn check_len(out: &mut Out, loc: Location, name: &'static str, value: Option<&str>, max: usize) {
    if let Some(v) = value {
        let n = v.chars().count();
        if n > max {
            out.push(
                Severity::Error,
                "STRING_TOO_LONG",
                loc,
                format!("<{name}> hat {n} Zeichen, erlaubt sind höchstens {max}"),
                format!("<{name}> has {n} characters, at most {max} are allowed"),
            );
        }
    }
}

fn required<T>(out: &mut Out, loc: Location, name: &'static str, v: &Option<T>) {
    if v.is_none() {
        out.push(
            Severity::Error,
            "REQUIRED_MISSING",
            loc,
            format!("Pflichtelement <{name}> fehlt"),
            format!("required element <{name}> is missing"),
        );
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
        check_usage_point_header(&mut out, u, up, supplier);
        check_certificates(&mut out, u, up);
        check_log(&mut out, u, up);
        for (m, mr) in up.meter_readings.iter().enumerate() {
            check_meter_reading(&mut out, u, m, mr);
        }
    }
    out.findings
}

fn check_usage_point_header(out: &mut Out, u: usize, up: &UsagePoint, supplier: bool) {
    required(
        out,
        el(u, "ServiceCategory"),
        "espi:ServiceCategory",
        &up.service_category_kind,
    );
    if let Some(k) = up.service_category_kind {
        if k > 9 {
            out.push(
                Severity::Error,
                "SERVICE_CATEGORY_RANGE",
                el(u, "ServiceCategory"),
                format!("Sparte (ServiceCategory/kind) {k} ist nicht 0–9"),
                format!("service category kind {k} is not 0–9"),
            );
        }
    }
    required(
        out,
        el(u, "usagePointId"),
        "usagePointId",
        &up.usage_point_id,
    );
    // Supplier files name no consumer: the supplier does not know the gateway's user id.
    if !supplier {
        required(
            out,
            el(u, "customerId"),
            "Customer/customerId",
            &up.customer_id,
        );
    }
    // The schema makes InvoicingParty optional, and a contract without a supplier (e.g.
    // TAF 10 grid-state data) has none; only the bill check needs it (`validate_pair`).
    if up.invoicing_party_id.is_none() {
        out.push(
            Severity::Warning,
            "INVOICING_PARTY_MISSING",
            el(u, "invoicingPartyId"),
            "<InvoicingParty/invoicingPartyId> fehlt: mit dieser Datei lässt sich keine Rechnung prüfen",
            "<InvoicingParty/invoicingPartyId> is missing: this file cannot be used to check a bill",
        );
    }
    required(out, el(u, "SMGW"), "SMGW", &up.smgw);
    required(out, el(u, "tariffName"), "tariffName", &up.tariff_name);
    check_len(
        out,
        el(u, "usagePointId"),
        "usagePointId",
        up.usage_point_id.as_deref(),
        256,
    );
    check_len(
        out,
        el(u, "customerId"),
        "customerId",
        up.customer_id.as_deref(),
        64,
    );
    check_len(
        out,
        el(u, "invoicingPartyId"),
        "invoicingPartyId",
        up.invoicing_party_id.as_deref(),
        64,
    );
    check_len(
        out,
        el(u, "tariffName"),
        "tariffName",
        up.tariff_name.as_deref(),
        256,
    );
    if let Some(g) = &up.smgw {
        check_len(out, el(u, "smgwId"), "smgwId", Some(&g.smgw_id), 32);
        check_len(
            out,
            el(u, "Manufacturer"),
            "Manufacturer",
            g.manufacturer.as_deref(),
            32,
        );
        check_len(
            out,
            el(u, "FirmwareVersion"),
            "FirmwareVersion",
            g.firmware_version.as_deref(),
            64,
        );
        if g.smgw_id.trim().is_empty() {
            out.push(
                Severity::Error,
                "REQUIRED_MISSING",
                el(u, "smgwId"),
                "<smgwId> ist leer",
                "<smgwId> is empty",
            );
        }
        for fc in &g.firmware_components {
            check_len(out, el(u, "FirmwareComponent"), "name", Some(&fc.name), 64);
            check_len(
                out,
                el(u, "FirmwareComponent"),
                "version",
                fc.version.as_deref(),
                256,
            );
            check_len(
                out,
                el(u, "FirmwareComponent"),
                "checksum",
                fc.checksum.as_deref(),
                256,
            );
        }
    }
}

fn check_certificates(out: &mut Out, u: usize, up: &UsagePoint) {
    let loc = |i: usize, element: &'static str| Location {
        usage_point: Some(u),
        index: Some(i),
        element: Some(element),
        ..Location::default()
    };
    let mut ids = HashSet::new();
    for (i, c) in up.certificates.iter().enumerate() {
        if !ids.insert(c.cert_id) {
            out.push(
                Severity::Error,
                "CERT_ID_DUPLICATE",
                loc(i, "Certificate"),
                format!("certId {} kommt mehrfach vor", c.cert_id),
                format!("certId {} occurs more than once", c.cert_id),
            );
        }
        if c.kind().is_none() {
            out.push(
                Severity::Error,
                "CERT_TYPE_RANGE",
                loc(i, "Certificate"),
                format!("certType {} ist nicht 1, 2 oder 3", c.cert_type),
                format!("certType {} is not 1, 2 or 3", c.cert_type),
            );
        }
        if let Err(p) = check_certificate_content(&c.content) {
            let (de, en) = p.describe();
            out.push(
                Severity::Warning,
                "CERT_CONTENT_NOT_X509",
                loc(i, "Certificate"),
                format!(
                    "Inhalt von Zertifikat {} ist kein X.509-Zertifikat: {de}",
                    c.cert_id
                ),
                format!(
                    "content of certificate {} is not an X.509 certificate: {en}",
                    c.cert_id
                ),
            );
        }
    }
    for (i, c) in up.certificates.iter().enumerate() {
        if let Some(p) = c.parent_cert_id {
            if !ids.contains(&p) {
                out.push(
                    Severity::Error,
                    "CERT_PARENT_UNKNOWN",
                    loc(i, "Certificate"),
                    format!(
                        "parentCertId {p} von Zertifikat {} existiert nicht",
                        c.cert_id
                    ),
                    format!(
                        "parentCertId {p} of certificate {} does not exist",
                        c.cert_id
                    ),
                );
            }
        }
    }
    if let Some(g) = &up.smgw {
        for id in &g.cert_ids {
            if !ids.contains(id) {
                out.push(
                    Severity::Error,
                    "SMGW_CERT_UNKNOWN",
                    el(u, "SMGW"),
                    format!("SMGW verweist auf certId {id}, die kein Zertifikat hat"),
                    format!("SMGW refers to certId {id}, which has no certificate"),
                );
            }
        }
    }
}

fn check_log(out: &mut Out, u: usize, up: &UsagePoint) {
    for (i, e) in up.log_entries.iter().enumerate() {
        let loc = || Location {
            usage_point: Some(u),
            index: Some(i),
            element: Some("LogEntry"),
            ..Location::default()
        };
        if e.events.is_empty() {
            out.push(
                Severity::Warning,
                "LOG_EVENT_MISSING",
                loc(),
                "Logbucheintrag ohne LogEvent",
                "log entry without LogEvent",
            );
        }
        for ev in &e.events {
            if let Some(l) = ev.level {
                // A warning, not an error: the schema allows any UInt8, and gateways do
                // write other levels (the interface's published example shows 6). Refusing
                // such a file would lose a consumer's real logbook.
                if !(1..=5).contains(&l) {
                    out.push(
                        Severity::Warning,
                        "LOG_LEVEL_RANGE",
                        loc(),
                        format!("Logbuch-Stufe {l} ist keine der Stufen 1–5 (INFO … EXTENSION)"),
                        format!("log level {l} is none of the levels 1–5 (INFO … EXTENSION)"),
                    );
                }
            }
            if let Some(o) = ev.outcome {
                if o > 2 {
                    out.push(
                        Severity::Error,
                        "LOG_OUTCOME_RANGE",
                        loc(),
                        format!("outcome {o} ist nicht 0–2"),
                        format!("outcome {o} is not 0–2"),
                    );
                }
            }
            if ev.timestamp.is_none() {
                out.push(
                    Severity::Warning,
                    "LOG_TIMESTAMP_MISSING",
                    loc(),
                    "Logbucheintrag ohne Zeitstempel",
                    "log entry without timestamp",
                );
            }
            check_len(out, loc(), "text", ev.text.as_deref(), 16384);
            for (name, v) in [
                ("messageExtensions", &ev.message_extensions),
                ("subjectIdentity", &ev.subject_identity),
                ("destination", &ev.destination),
                ("userIdentity", &ev.user_identity),
                ("eventKindVendor", &ev.event_kind_vendor),
            ] {
                check_len(out, loc(), name, v.as_deref(), 256);
            }
        }
    }
}

fn fmt_time(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

fn check_meter_reading(out: &mut Out, u: usize, m: usize, mr: &MeterReading) {
    let loc = |e: &'static str| mr_loc(u, m, Some(e));
    required(out, loc("meterId"), "Meter/meterId", &mr.meter_id);
    required(
        out,
        loc("meterReadingId"),
        "meterReadingId",
        &mr.meter_reading_id,
    );
    required(out, loc("ReadingType"), "ReadingType", &mr.reading_type);
    check_len(out, loc("meterId"), "meterId", mr.meter_id.as_deref(), 64);
    check_len(
        out,
        loc("meterReadingId"),
        "meterReadingId",
        mr.meter_reading_id.as_deref(),
        256,
    );
    if let Some(rt) = &mr.reading_type {
        required(
            out,
            loc("powerOfTenMultiplier"),
            "espi:powerOfTenMultiplier",
            &rt.power_of_ten_multiplier,
        );
        required(out, loc("uom"), "espi:uom", &rt.uom);
        required(out, loc("obisCode"), "obisCode", &rt.obis);
        required(
            out,
            loc("qualifiedLogicalName"),
            "qualifiedLogicalName",
            &rt.qualified_logical_name,
        );
        check_len(out, loc("obisCode"), "obisCode", rt.obis.as_deref(), 32);
        check_len(
            out,
            loc("qualifiedLogicalName"),
            "qualifiedLogicalName",
            rt.qualified_logical_name.as_deref(),
            256,
        );
        if let Some(p) = rt.power_of_ten_multiplier {
            if !POWERS_OF_TEN.contains(&p) {
                out.push(
                    Severity::Error,
                    "POWER_OF_TEN_RANGE",
                    loc("powerOfTenMultiplier"),
                    format!("powerOfTenMultiplier {p} ist kein erlaubter Wert"),
                    format!("powerOfTenMultiplier {p} is not an allowed value"),
                );
            }
        }
        if let Some(uom) = rt.uom {
            if !UNIT_SYMBOLS.contains(&uom) {
                out.push(
                    Severity::Error,
                    "UOM_RANGE",
                    loc("uom"),
                    format!("Einheit (uom) {uom} ist kein ESPI-Einheitensymbol"),
                    format!("unit (uom) {uom} is not an ESPI unit symbol"),
                );
            }
        }
        if let Some(s) = rt.scaler {
            if !(-12..=12).contains(&s) {
                out.push(
                    Severity::Warning,
                    "SCALER_UNUSUAL",
                    loc("scaler"),
                    format!("scaler {s} liegt außerhalb von −12…12"),
                    format!("scaler {s} is outside −12…12"),
                );
            }
        }
        if let Some(o) = &rt.obis {
            if parse_obis_hex(o).is_none() {
                out.push(
                    Severity::Error,
                    "OBIS_INVALID",
                    loc("obisCode"),
                    format!("obisCode {o:?} besteht nicht aus 12 Hex-Ziffern"),
                    format!("obisCode {o:?} is not 12 hex digits"),
                );
            }
        }
    }
    check_blocks(out, u, m, mr);
    check_readings(out, u, m, mr);
    let a = analyze(mr);
    check_value_list(out, u, m, &a);
}

fn check_blocks(out: &mut Out, u: usize, m: usize, mr: &MeterReading) {
    let mut prev_end: Option<DateTime<FixedOffset>> = None;
    let mut index = 0usize;
    for (b, block) in mr.interval_blocks.iter().enumerate() {
        let loc = Location {
            usage_point: Some(u),
            meter_reading: Some(m),
            interval_block: Some(b),
            element: Some("interval"),
            ..Location::default()
        };
        let iv = block.interval.unwrap_or_default();
        if let (Some(start), Some(end)) = (iv.start, iv.end()) {
            if let Some(pe) = prev_end {
                if start < pe {
                    out.push(
                        Severity::Error,
                        "BLOCK_OVERLAP",
                        loc.clone(),
                        format!(
                            "IntervalBlock beginnt {} vor dem Ende des vorigen ({})",
                            fmt_time(&start),
                            fmt_time(&pe)
                        ),
                        format!(
                            "IntervalBlock starts {} before the previous one ends ({})",
                            fmt_time(&start),
                            fmt_time(&pe)
                        ),
                    );
                } else if start > pe {
                    out.push(
                        Severity::Warning,
                        "BLOCK_NOT_CONTIGUOUS",
                        loc.clone(),
                        format!(
                            "Lücke zwischen IntervalBlocks: {} bis {}",
                            fmt_time(&pe),
                            fmt_time(&start)
                        ),
                        format!(
                            "gap between interval blocks: {} to {}",
                            fmt_time(&pe),
                            fmt_time(&start)
                        ),
                    );
                }
            }
            prev_end = Some(end);
            for (k, r) in block.readings.iter().enumerate() {
                if let Some(t) = r.capture_time() {
                    if t < start || t > end {
                        out.push(
                            Severity::Warning,
                            "READING_OUTSIDE_BLOCK",
                            Location {
                                reading: Some(index + k),
                                element: Some("timePeriod"),
                                ..loc.clone()
                            },
                            format!(
                                "Messwert um {} liegt außerhalb des Blockintervalls",
                                fmt_time(&t)
                            ),
                            format!(
                                "reading at {} lies outside its block's interval",
                                fmt_time(&t)
                            ),
                        );
                    }
                }
            }
        } else if !block.readings.is_empty() {
            out.push(
                Severity::Warning,
                "BLOCK_INTERVAL_MISSING",
                loc,
                "IntervalBlock ohne vollständiges interval (start und duration)",
                "interval block without a complete interval (start and duration)",
            );
        }
        index += block.readings.len();
    }
}

fn check_readings(out: &mut Out, u: usize, m: usize, mr: &MeterReading) {
    let mut index = 0usize;
    for (b, block) in mr.interval_blocks.iter().enumerate() {
        for r in &block.readings {
            let loc = |e: &'static str| Location {
                usage_point: Some(u),
                meter_reading: Some(m),
                interval_block: Some(b),
                reading: Some(index),
                element: Some(e),
                ..Location::default()
            };
            match r.value {
                None => out.push(
                    Severity::Error,
                    "READING_VALUE_MISSING",
                    loc("value"),
                    "Messwert ohne espi:value",
                    "reading without espi:value",
                ),
                Some(v) if !(INT48_MIN..=INT48_MAX).contains(&v) => out.push(
                    Severity::Error,
                    "READING_VALUE_RANGE",
                    loc("value"),
                    format!("Wert {v} liegt außerhalb des Int48-Bereichs"),
                    format!("value {v} is outside the Int48 range"),
                ),
                Some(_) => {}
            }
            if r.capture_time().is_none() {
                out.push(
                    Severity::Error,
                    "READING_TIME_MISSING",
                    loc("timePeriod"),
                    "Messwert ohne timePeriod/start",
                    "reading without timePeriod/start",
                );
            }
            if let Some(s) = r.status_ptb {
                if s > 4 {
                    out.push(
                        Severity::Error,
                        "READING_STATUS_PTB_RANGE",
                        loc("statusPTB"),
                        format!("statusPTB {s} ist nicht 0–4"),
                        format!("statusPTB {s} is not 0–4"),
                    );
                }
            }
            if let Some(f) = &r.status_fnn {
                let ok = f.len() == 16 && f.bytes().all(|c| c.is_ascii_hexdigit());
                if !ok {
                    out.push(
                        Severity::Error,
                        "READING_STATUS_FNN_FORMAT",
                        loc("statusFNN"),
                        format!(
                            "statusFNN {:?} besteht nicht aus 16 Hex-Ziffern",
                            truncate(f)
                        ),
                        format!("statusFNN {:?} is not 16 hex digits", truncate(f)),
                    );
                }
            }
            if r.status_ptb.is_none() && r.status_fnn.is_none() {
                out.push(
                    Severity::Error,
                    "READING_STATUS_MISSING",
                    loc("statusPTB"),
                    "Messwert ohne Status (weder statusPTB noch statusFNN)",
                    "reading without status (neither statusPTB nor statusFNN)",
                );
            }
            if let Some(v) = &r.status_vendor {
                check_len(out, loc("statusVendor"), "statusVendor", Some(v), 256);
            }
            index += 1;
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

fn list_slots(slots: &[DateTime<FixedOffset>]) -> String {
    const SHOWN: usize = 20;
    let mut s: Vec<String> = slots.iter().take(SHOWN).map(fmt_time).collect();
    if slots.len() > SHOWN {
        s.push(format!("… (+{})", slots.len() - SHOWN));
    }
    s.join(", ")
}

fn check_value_list(out: &mut Out, u: usize, m: usize, a: &ValueListAnalysis) {
    let loc = || mr_loc(u, m, None);
    let period = a
        .period
        .map(|p| format!("{p} s"))
        .unwrap_or_else(|| "?".into());
    out.push(
        Severity::Info,
        "VALUE_LIST_SUMMARY",
        loc(),
        format!(
            "{}: {} Werte, Messperiode {period}, {} Lücken",
            if a.original_value_list {
                "Originäre Messwertliste"
            } else {
                "Abgeleitete Werteliste"
            },
            a.value_count,
            a.gap_count
        ),
        format!(
            "{}: {} values, measuring period {period}, {} gaps",
            if a.original_value_list {
                "original value list"
            } else {
                "derived value list"
            },
            a.value_count,
            a.gap_count
        ),
    );
    if a.gap_count > 0 && a.original_value_list {
        if a.missing_slots.is_empty() {
            out.push(
                Severity::Warning,
                "VALUE_LIST_GAPS",
                loc(),
                format!("{} Lücken (keine feste Messperiode erkennbar)", a.gap_count),
                format!("{} gaps (no regular measuring period found)", a.gap_count),
            );
        } else {
            out.push(
                Severity::Warning,
                "VALUE_LIST_GAPS",
                loc(),
                format!(
                    "{} Lücken, {} fehlende Rasterzeitpunkte: {}",
                    a.gap_count,
                    a.missing_slots.len(),
                    list_slots(&a.missing_slots)
                ),
                format!(
                    "{} gaps, {} missing raster points: {}",
                    a.gap_count,
                    a.missing_slots.len(),
                    list_slots(&a.missing_slots)
                ),
            );
        }
    }
    if a.original_value_list && a.value_count >= 3 && a.period.is_none() {
        out.push(
            Severity::Warning,
            "PERIOD_UNDETERMINED",
            loc(),
            "Messperiode nicht bestimmbar (keine häufigste Zeitdifferenz)",
            "measuring period undeterminable (no most frequent spacing)",
        );
    }
    if let (Some(d), Some(det)) = (a.declared_period, a.detected_period) {
        if d != det && a.value_count >= 3 {
            out.push(
                Severity::Warning,
                "PERIOD_MISMATCH",
                mr_loc(u, m, Some("measurementPeriod")),
                format!("measurementPeriod {d} s, die Werte liegen aber meist {det} s auseinander"),
                format!("measurementPeriod is {d} s but values are mostly {det} s apart"),
            );
        }
    }
    if a.duplicate_count > 0 {
        out.push(
            Severity::Warning,
            "READING_TIME_DUPLICATE",
            loc(),
            format!(
                "{} Messwerte mit bereits vorhandenem Zeitstempel",
                a.duplicate_count
            ),
            format!(
                "{} readings repeat an existing timestamp",
                a.duplicate_count
            ),
        );
    }
    if a.unordered {
        out.push(
            Severity::Warning,
            "READINGS_UNORDERED",
            loc(),
            "Messwerte sind nicht zeitlich aufsteigend sortiert",
            "readings are not in ascending time order",
        );
    }
    if let (Some(first), Some(last)) = (a.first, a.last) {
        if let Some(limit) = first.checked_add_months(Months::new(MAX_SPAN_MONTHS)) {
            if last > limit {
                out.push(
                    Severity::Error,
                    "SPAN_TOO_LONG",
                    loc(),
                    format!(
                        "Werte überspannen mehr als 3 Jahre ({} bis {})",
                        fmt_time(&first),
                        fmt_time(&last)
                    ),
                    format!(
                        "values span more than 3 years ({} to {})",
                        fmt_time(&first),
                        fmt_time(&last)
                    ),
                );
            }
        }
    }
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
            Some(ap) => check_analysis_profile(&mut out, u, ap),
        }
    }
    out.findings
}

fn ap_loc(u: usize, element: &'static str, index: Option<usize>) -> Location {
    Location {
        usage_point: Some(u),
        index,
        element: Some(element),
        ..Location::default()
    }
}

/// German legal time, the zone tariff days are counted in.
fn berlin(t: &DateTime<FixedOffset>) -> DateTime<chrono_tz::Tz> {
    t.with_timezone(&chrono_tz::Europe::Berlin)
}

fn check_analysis_profile(out: &mut Out, u: usize, ap: &AnalysisProfile) {
    check_len(
        out,
        ap_loc(u, "tariffId", None),
        "tariffId",
        Some(&ap.tariff_id),
        64,
    );
    check_len(
        out,
        ap_loc(u, "description", None),
        "description",
        ap.description.as_deref(),
        256,
    );
    if ap.tariff_use_case == 0 {
        out.push(
            Severity::Error,
            "TARIFF_USE_CASE_RANGE",
            ap_loc(u, "tariffUseCase", None),
            "tariffUseCase 0 ist kein Tarifanwendungsfall",
            "tariffUseCase 0 is not a tariff use case",
        );
    }
    // Tariff stages.
    let mut numbers = BTreeSet::new();
    let mut obis_seen = BTreeSet::new();
    let mut first_obis: Option<Obis> = None;
    for (i, s) in ap.tariff_stages.iter().enumerate() {
        let loc = ap_loc(u, "TariffStage", Some(i));
        if !numbers.insert(s.tariff_number) {
            out.push(
                Severity::Error,
                "TARIFF_STAGE_DUPLICATE",
                loc.clone(),
                format!("Tarifstufe {} ist mehrfach definiert", s.tariff_number),
                format!("tariff stage {} is defined more than once", s.tariff_number),
            );
        }
        check_len(out, loc.clone(), "obisCode", Some(&s.obis), 32);
        match parse_obis_hex(&s.obis) {
            None => out.push(
                Severity::Error,
                "OBIS_INVALID",
                loc,
                format!(
                    "obisCode {:?} der Tarifstufe {} besteht nicht aus 12 Hex-Ziffern",
                    s.obis, s.tariff_number
                ),
                format!(
                    "obisCode {:?} of tariff stage {} is not 12 hex digits",
                    s.obis, s.tariff_number
                ),
            ),
            Some(o) => {
                if !obis_seen.insert(o) {
                    out.push(
                        Severity::Error,
                        "TARIFF_STAGE_OBIS_DUPLICATE",
                        loc.clone(),
                        format!("OBIS {o} ist mehreren Tarifstufen zugeordnet"),
                        format!("OBIS {o} is assigned to several tariff stages"),
                    );
                }
                let f = *first_obis.get_or_insert(o);
                if o.a != f.a || o.b != f.b || o.d != f.d {
                    out.push(
                        Severity::Error,
                        "TARIFF_STAGE_INCONSISTENT",
                        loc,
                        format!("OBIS {o} der Tarifstufe {} passt nicht zu {f} (Medium, Kanal oder Messart verschieden)", s.tariff_number),
                        format!("OBIS {o} of tariff stage {} does not match {f} (different medium, channel or measurement type)", s.tariff_number),
                    );
                }
            }
        }
    }
    if !numbers.contains(&ap.default_tariff_number) {
        out.push(
            Severity::Error,
            "DEFAULT_TARIFF_UNKNOWN",
            ap_loc(u, "defaultTariffNumber", None),
            format!(
                "defaultTariffNumber {} ist keine Tarifstufe",
                ap.default_tariff_number
            ),
            format!(
                "defaultTariffNumber {} is not a tariff stage",
                ap.default_tariff_number
            ),
        );
    }
    // Day profiles.
    if ap.day_profiles.is_empty() {
        out.push(
            Severity::Error,
            "DAY_PROFILE_MISSING",
            ap_loc(u, "DayProfile", None),
            "kein DayProfile (TariffChangeTrigger/TimeTrigger) vorhanden",
            "no DayProfile (TariffChangeTrigger/TimeTrigger) present",
        );
    }
    let mut day_ids = BTreeSet::new();
    for (i, dp) in ap.day_profiles.iter().enumerate() {
        let loc = ap_loc(u, "DayProfile", Some(i));
        for id in &dp.day_ids {
            if !day_ids.insert(id.clone()) {
                out.push(
                    Severity::Error,
                    "DAY_PROFILE_DUPLICATE",
                    loc.clone(),
                    format!("dayId {id} ist mehrfach definiert"),
                    format!("dayId {id} is defined more than once"),
                );
            }
        }
        let mut prev: Option<u32> = None;
        for e in &dp.entries {
            let when = format!("{:02}:{:02}:{:02}", e.hour, e.minute, e.second);
            if e.hour > 23 || e.minute > 59 || e.second > 59 {
                out.push(
                    Severity::Error,
                    "DAY_PROFILE_TIME_RANGE",
                    loc.clone(),
                    format!(
                        "Schaltzeit {when} in DayProfile {} ist keine Uhrzeit",
                        dp.day_id()
                    ),
                    format!(
                        "switching time {when} in day profile {} is not a time of day",
                        dp.day_id()
                    ),
                );
            } else if e.minute % 15 != 0 || e.second != 0 {
                out.push(
                    Severity::Error,
                    "DAY_PROFILE_NOT_15_MIN",
                    loc.clone(),
                    format!(
                        "Schaltzeit {when} in DayProfile {} liegt nicht im 15-Minuten-Raster",
                        dp.day_id()
                    ),
                    format!(
                        "switching time {when} in day profile {} is not on the 15-minute raster",
                        dp.day_id()
                    ),
                );
            }
            let s = e.seconds_of_day();
            if prev.is_some_and(|p| s <= p) {
                out.push(
                    Severity::Error,
                    "DAY_PROFILE_UNORDERED",
                    loc.clone(),
                    format!(
                        "Schaltzeit {when} in DayProfile {} ist nicht aufsteigend",
                        dp.day_id()
                    ),
                    format!(
                        "switching time {when} in day profile {} is not ascending",
                        dp.day_id()
                    ),
                );
            }
            prev = Some(s);
            if !numbers.contains(&e.tariff_number) {
                out.push(
                    Severity::Error,
                    "DAY_PROFILE_TARIFF_UNKNOWN",
                    loc.clone(),
                    format!("DayProfile {} schaltet um {when} auf Tarif {}, der keine Tarifstufe ist", dp.day_id(), e.tariff_number),
                    format!("day profile {} switches at {when} to tariff {}, which is not a tariff stage", dp.day_id(), e.tariff_number),
                );
            }
        }
        if dp.entries.first().is_some_and(|e| e.seconds_of_day() != 0) {
            out.push(
                Severity::Warning,
                "DAY_PROFILE_NO_MIDNIGHT",
                loc,
                format!("DayProfile {} beginnt nicht um 00:00", dp.day_id()),
                format!("day profile {} does not start at 00:00", dp.day_id()),
            );
        }
    }
    // Special days. A date may carry several profiles only if they switch different
    // measurement channels (e.g. one for import 1.8.x and one for export 2.8.x).
    let channels_of = |day_id: &str| -> BTreeSet<u8> {
        let stage_channel: BTreeMap<u16, u8> = ap
            .tariff_stages
            .iter()
            .filter_map(|s| parse_obis_hex(&s.obis).map(|o| (s.tariff_number, o.c)))
            .collect();
        ap.day_profiles
            .iter()
            .filter(|dp| dp.day_ids.iter().any(|i| i == day_id))
            .flat_map(|dp| dp.entries.iter())
            .filter_map(|e| stage_channel.get(&e.tariff_number).copied())
            .collect()
    };
    let mut dates: BTreeMap<NaiveDate, Vec<&str>> = BTreeMap::new();
    for (i, sd) in ap.special_day_profiles.iter().enumerate() {
        let loc = ap_loc(u, "SpecialDayProfile", Some(i));
        if !day_ids.contains(&sd.day_id) {
            out.push(
                Severity::Error,
                "SPECIAL_DAY_PROFILE_UNKNOWN",
                loc.clone(),
                format!(
                    "SpecialDayProfile verweist auf dayId {}, die nicht existiert",
                    sd.day_id
                ),
                format!(
                    "special day refers to dayId {}, which does not exist",
                    sd.day_id
                ),
            );
        }
        match sd.date.date() {
            None => out.push(
                Severity::Error,
                "SPECIAL_DAY_DATE_INVALID",
                loc,
                format!("specialDayDate {:?} ist kein vollständiges Datum", sd.date),
                format!("specialDayDate {:?} is not a complete date", sd.date),
            ),
            Some(d) => {
                let earlier = dates.entry(d).or_default();
                let mine = channels_of(&sd.day_id);
                let conflict = earlier
                    .iter()
                    .any(|other| !channels_of(other).is_disjoint(&mine));
                if conflict {
                    out.push(
                        Severity::Error,
                        "SPECIAL_DAY_DUPLICATE",
                        loc,
                        format!(
                            "Datum {d} hat mehrere SpecialDayProfiles für dieselben Tarifstufen"
                        ),
                        format!(
                            "date {d} has several special day profiles for the same tariff stages"
                        ),
                    );
                }
                earlier.push(&sd.day_id);
            }
        }
    }
    check_billing_period(out, u, ap, &dates);
}

fn check_billing_period(
    out: &mut Out,
    u: usize,
    ap: &AnalysisProfile,
    dates: &BTreeMap<NaiveDate, Vec<&str>>,
) {
    let loc = || ap_loc(u, "billingPeriod", None);
    let (Some(start), Some(duration)) = (ap.billing_period.start, ap.billing_period.duration)
    else {
        out.push(
            Severity::Error,
            "BILLING_PERIOD_INCOMPLETE",
            loc(),
            "billingPeriod ohne start oder duration",
            "billingPeriod without start or duration",
        );
        return;
    };
    if duration == 0 {
        out.push(
            Severity::Error,
            "BILLING_PERIOD_EMPTY",
            loc(),
            "billingPeriod hat die Dauer 0",
            "billingPeriod has duration 0",
        );
        return;
    }
    let end = start + chrono::Duration::seconds(i64::from(duration));
    let first_day = berlin(&start).date_naive();
    // Supplier tools give the duration as days × 86400 s, so over a DST change the end
    // drifts by an hour into the next day (2017-01-01 + 243 days ends 09-01 01:00). A day
    // needs a special day only if the period covers more than that hour of it.
    let last_day = berlin(&(end - chrono::Duration::seconds(3601)))
        .date_naive()
        .max(first_day);
    let mut missing = Vec::new();
    let mut d = first_day;
    while d <= last_day {
        if !dates.contains_key(&d) {
            missing.push(d);
        }
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().take(20).map(|d| d.to_string()).collect();
        out.push(
            Severity::Error,
            "SPECIAL_DAYS_NOT_COVERING",
            loc(),
            format!(
                "{} Tage des Abrechnungszeitraums haben kein SpecialDayProfile: {}",
                missing.len(),
                list.join(", ")
            ),
            format!(
                "{} days of the billing period have no special day profile: {}",
                missing.len(),
                list.join(", ")
            ),
        );
    }
    let outside: Vec<NaiveDate> = dates
        .keys()
        .filter(|d| **d < first_day || **d > last_day)
        .copied()
        .collect();
    let taf1 = ap.tariff_use_case == 1;
    if !outside.is_empty() {
        let list: Vec<String> = outside.iter().take(20).map(|d| d.to_string()).collect();
        out.push(
            // TAF-1 needs exactly one special day per day of the period; elsewhere extra
            // days are harmless.
            if taf1 {
                Severity::Error
            } else {
                Severity::Warning
            },
            "SPECIAL_DAY_OUTSIDE_PERIOD",
            loc(),
            format!(
                "SpecialDayProfiles außerhalb des Abrechnungszeitraums: {}",
                list.join(", ")
            ),
            format!(
                "special day profiles outside the billing period: {}",
                list.join(", ")
            ),
        );
    }
    if taf1 {
        let local = berlin(&start);
        if local.day() != 1 || local.hour() != 0 || local.minute() != 0 || local.second() != 0 {
            out.push(
                Severity::Error,
                "TAF1_BILLING_START",
                loc(),
                format!(
                    "TAF-1: Abrechnungszeitraum beginnt nicht am Monatsersten 00:00 ({})",
                    fmt_time(&start)
                ),
                format!(
                    "TAF-1: billing period does not start on the 1st of a month at 00:00 ({})",
                    fmt_time(&start)
                ),
            );
        }
        let months_ok = [1u32, 2, 3, 6, 12].iter().any(|n| {
            local
                .naive_local()
                .checked_add_months(Months::new(*n))
                .and_then(|t| chrono_tz::Europe::Berlin.from_local_datetime(&t).earliest())
                .is_some_and(|t| t.fixed_offset() == end)
        });
        if !months_ok {
            out.push(
                Severity::Error,
                "TAF1_BILLING_LENGTH",
                loc(),
                format!("TAF-1: Abrechnungszeitraum ({duration} s) ist nicht 1, 2, 3, 6 oder 12 Monate lang"),
                format!("TAF-1: billing period ({duration} s) is not 1, 2, 3, 6 or 12 months long"),
            );
        }
    }
}

/// Checks a device file against the supplier file it is to be billed with (TRuDI's
/// context checks before recomputing a bill): number and kind of value lists, tariff
/// stages backed by original value lists, for TAF-1 valid readings at both ends of the
/// billing period.
pub fn validate_pair(device: &UsagePoints, supplier: &UsagePoints) -> Vec<Finding> {
    let mut out = Out {
        findings: Vec::new(),
    };
    let Some(ap) = supplier
        .usage_points
        .iter()
        .find_map(|u| u.analysis_profile.as_ref())
    else {
        out.push(
            Severity::Error,
            "ANALYSIS_PROFILE_MISSING",
            Location::default(),
            "Lieferantendatei ohne AnalysisProfile",
            "supplier file without AnalysisProfile",
        );
        return out.findings;
    };
    let taf1 = ap.tariff_use_case == 1;
    let supplier_up = supplier
        .usage_points
        .iter()
        .find(|u| u.analysis_profile.is_some());
    for (u, up) in device.usage_points.iter().enumerate() {
        if let Some(sup) = supplier_up {
            let pairs = [
                ("usagePointId", &up.usage_point_id, &sup.usage_point_id),
                (
                    "invoicingPartyId",
                    &up.invoicing_party_id,
                    &sup.invoicing_party_id,
                ),
                (
                    "smgwId",
                    &up.smgw.as_ref().map(|g| g.smgw_id.clone()),
                    &sup.smgw.as_ref().map(|g| g.smgw_id.clone()),
                ),
            ];
            for (name, d, s) in pairs {
                if let (Some(d), Some(s)) = (d, s) {
                    if d.trim() != s.trim() {
                        out.push(
                            Severity::Warning,
                            "PAIR_ID_MISMATCH",
                            el(u, name),
                            format!("{name} der Gerätedatei ({d}) weicht von der Lieferantendatei ({s}) ab"),
                            format!("{name} of the device file ({d}) differs from the supplier file ({s})"),
                        );
                    }
                }
            }
        }
        let ovls: Vec<(usize, &MeterReading)> = up
            .meter_readings
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_original_value_list())
            .collect();
        if ovls.is_empty() {
            out.push(
                Severity::Error,
                "PAIR_NO_OVL",
                up_loc(u),
                "keine originäre Messwertliste vorhanden",
                "no original value list present",
            );
            continue;
        }
        if ovls.len() > 3 {
            out.push(
                Severity::Error,
                "PAIR_TOO_MANY_OVL",
                up_loc(u),
                format!(
                    "{} originäre Messwertlisten, höchstens 3 sind zulässig",
                    ovls.len()
                ),
                format!("{} original value lists, at most 3 are allowed", ovls.len()),
            );
        }
        if taf1 {
            for (m, mr) in up.meter_readings.iter().enumerate() {
                if !mr.is_original_value_list() {
                    out.push(
                        Severity::Error,
                        "PAIR_NOT_OVL",
                        mr_loc(u, m, Some("qualifiedLogicalName")),
                        "TAF-1: Werteliste ist keine originäre Messwertliste",
                        "TAF-1: value list is not an original value list",
                    );
                }
            }
        }
        if ap.tariff_stages.len() > ovls.len() && taf1 {
            out.push(
                Severity::Error,
                "PAIR_STAGES_EXCEED_OVL",
                up_loc(u),
                format!(
                    "{} Tarifstufen, aber nur {} originäre Messwertlisten",
                    ap.tariff_stages.len(),
                    ovls.len()
                ),
                format!(
                    "{} tariff stages but only {} original value lists",
                    ap.tariff_stages.len(),
                    ovls.len()
                ),
            );
        }
        let ovl_obis: Vec<Obis> = ovls
            .iter()
            .filter_map(|(_, m)| m.obis().and_then(parse_obis_hex))
            .collect();
        for (i, s) in ap.tariff_stages.iter().enumerate() {
            let Some(o) = parse_obis_hex(&s.obis) else {
                continue;
            };
            if o.is_error_register() {
                continue;
            }
            let backed = ovl_obis
                .iter()
                .any(|v| v.a == o.a && v.c == o.c && v.d == o.d);
            if !backed {
                // TRuDI bills such a stage as 0 (2.8.x in resultJan-Sep2017), so only warn.
                out.push(
                    Severity::Warning,
                    "PAIR_STAGE_WITHOUT_OVL",
                    ap_loc(u, "TariffStage", Some(i)),
                    format!(
                        "zur Tarifstufe {} (OBIS {o}) gibt es keine originäre Messwertliste",
                        s.tariff_number
                    ),
                    format!(
                        "tariff stage {} (OBIS {o}) has no original value list",
                        s.tariff_number
                    ),
                );
            }
        }
        if let (Some(start), Some(end)) = (ap.billing_period.start, ap.billing_period.end()) {
            let any_inside = ovls.iter().any(|(_, m)| {
                m.readings().any(|r| {
                    r.is_valid_for_billing()
                        && r.effective_time().is_some_and(|t| t >= start && t <= end)
                })
            });
            if !any_inside {
                out.push(
                    Severity::Error,
                    "PAIR_NO_DATA_IN_PERIOD",
                    up_loc(u),
                    format!(
                        "keine gültigen Messwerte im Abrechnungszeitraum {} bis {}",
                        fmt_time(&start),
                        fmt_time(&end)
                    ),
                    format!(
                        "no valid readings in the billing period {} to {}",
                        fmt_time(&start),
                        fmt_time(&end)
                    ),
                );
            }
        }
        if taf1 {
            if let (Some(start), Some(end)) = (ap.billing_period.start, ap.billing_period.end()) {
                for (m, mr) in &ovls {
                    for (t, code, de, en) in [
                        (start, "PAIR_NO_VALID_START", "Beginn", "start"),
                        (end, "PAIR_NO_VALID_END", "Ende", "end"),
                    ] {
                        let valid = mr
                            .readings()
                            .any(|r| r.effective_time() == Some(t) && r.is_valid_for_billing());
                        if !valid {
                            out.push(
                                Severity::Error,
                                code,
                                mr_loc(u, *m, None),
                                format!("TAF-1: kein gültiger Messwert zum {de} des Abrechnungszeitraums ({})", fmt_time(&t)),
                                format!("TAF-1: no valid reading at the {en} of the billing period ({})", fmt_time(&t)),
                            );
                        }
                    }
                }
            }
        }
    }
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
