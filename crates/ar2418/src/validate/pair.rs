//! Checks that compare a device file with the supplier file it is to be billed with.

use smgw_model::Obis;

use super::common::{ap_loc, el, fmt_time, mr_loc};
use super::{Location, Out, Severity};
use crate::model::*;

fn up_loc(u: usize) -> Location {
    Location {
        usage_point: Some(u),
        ..Location::default()
    }
}

/// The checks of [`super::validate_pair`].
pub(super) fn check_pair(out: &mut Out, device: &UsagePoints, supplier: &UsagePoints) {
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
        return;
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
}
