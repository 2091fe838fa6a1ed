//! Checks of a usage point's content: header, logbook, meter readings, interval blocks,
//! readings and value lists. `validate_common` runs them for supplier files too (the header
//! then without the consumer id).

use chrono::{DateTime, FixedOffset, Months};

use super::common::{check_len, el, fmt_time, mr_loc};
use super::{Location, Out, Severity};
use crate::analysis::{analyze, ValueListAnalysis};
use crate::model::*;

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

/// Whether `text` is a DIN 43863-5 device id in its text or hex form. Gateways also write
/// their id as a logical name, lower case with `.sm` (`elgz0012345678.sm`, as in TRuDI's
/// samples).
fn is_din_device_id(text: &str) -> bool {
    let id = text.trim();
    let id = id
        .get(..id.len().saturating_sub(3))
        .filter(|_| id.to_ascii_lowercase().ends_with(".sm"))
        .unwrap_or(id);
    smgw_model::DeviceId::parse_text(id)
        .or_else(|_| smgw_model::DeviceId::parse_hex(id))
        .is_ok()
}

pub(super) fn check_usage_point_header(out: &mut Out, u: usize, up: &UsagePoint, supplier: bool) {
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
        } else if !is_din_device_id(&g.smgw_id) {
            // A warning, not an error: the id still tells this gateway's data apart. It
            // names archive rows and export files, where it is cleaned; shown here escaped
            // (cut to 40 characters) so that a file cannot write to the terminal.
            let shown: String = g
                .smgw_id
                .chars()
                .take(40)
                .flat_map(char::escape_debug)
                .collect();
            out.push(
                Severity::Warning,
                "SMGW_ID_FORM",
                el(u, "smgwId"),
                format!("<smgwId> \"{shown}\" ist keine Geräte-ID nach DIN 43863-5 (z. B. EDNT0012345678)"),
                format!("<smgwId> \"{shown}\" is no DIN 43863-5 device id (e.g. EDNT0012345678)"),
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

pub(super) fn check_log(out: &mut Out, u: usize, up: &UsagePoint) {
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

pub(super) fn check_meter_reading(out: &mut Out, u: usize, m: usize, mr: &MeterReading) {
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
