//! Checks of a supplier tariff file's `AnalysisProfile`: tariff stages, day profiles,
//! special days and billing period.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, TimeZone, Timelike};
use smgw_model::Obis;

use super::common::{ap_loc, check_len, fmt_time};
use super::{Out, Severity};
use crate::model::*;

/// German legal time, the zone tariff days are counted in.
fn berlin(t: &DateTime<FixedOffset>) -> DateTime<chrono_tz::Tz> {
    t.with_timezone(&chrono_tz::Europe::Berlin)
}

pub(super) fn check_analysis_profile(out: &mut Out, u: usize, ap: &AnalysisProfile) {
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
