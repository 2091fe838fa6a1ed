//! Each validator check fires on a targeted defect (documents derived from reference files).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use ar2418::{validate, validate_supplier, Finding, Severity, UsagePoints};
use chrono::{DateTime, Duration};
use smgw_model::Lang;

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.code)
        .collect()
}

fn has(f: &[Finding], code: &str, severity: Severity) -> bool {
    f.iter().any(|x| x.code == code && x.severity == severity)
}

fn device() -> UsagePoints {
    common::load("models/IF_Adapter_TRuDI_DatenTAF7.xml")
}

fn supplier() -> UsagePoints {
    common::load("taf2/supplier_single_day.xml")
}

#[test]
fn baseline_documents_are_clean() {
    // The TAF-7 sample's certificate is a placeholder (00112233FF) and its gateway id
    // "DNT0017055173" lacks the medium digit: two warnings, nothing else.
    assert_eq!(
        codes(&validate(&device())),
        ["SMGW_ID_FORM", "CERT_CONTENT_NOT_X509"]
    );
    assert_eq!(codes(&validate_supplier(&supplier())), Vec::<&str>::new());
}

#[test]
fn real_certificates_pass_the_der_walk() {
    // DER in one file, hex-encoded PEM with a chain in the other.
    for f in [
        "models/UsagePoint_with_AnalysisProfile.xml",
        "supplier-examples/TAF-7-Ablesung_Jan_2018.xml",
    ] {
        let doc = common::load(f);
        assert!(!doc.usage_points[0].certificates.is_empty());
        let findings = validate(&doc);
        assert!(
            !findings.iter().any(|x| x.code == "CERT_CONTENT_NOT_X509"),
            "{f}: {findings:#?}"
        );
    }
}

#[test]
fn certificate_references_and_types() {
    let mut d = device();
    let up = &mut d.usage_points[0];
    up.smgw.as_mut().expect("smgw").cert_ids.push(9);
    let mut second = up.certificates[0].clone();
    second.cert_type = 7;
    second.parent_cert_id = Some(42);
    up.certificates.push(second);
    let f = validate(&d);
    for code in [
        "SMGW_CERT_UNKNOWN",
        "CERT_PARENT_UNKNOWN",
        "CERT_TYPE_RANGE",
        "CERT_ID_DUPLICATE",
    ] {
        assert!(has(&f, code, Severity::Error), "{code}: {f:#?}");
    }
}

#[test]
fn reading_ranges_and_required_values() {
    let mut d = device();
    {
        let rs = &mut d.usage_points[0].meter_readings[0].interval_blocks[0].readings;
        rs[0].status_ptb = Some(5);
        rs[1].status_fnn = Some("XYZ".into());
        rs[1].status_ptb = Some(0);
        rs[2].status_fnn = None;
        rs[2].status_ptb = None;
        rs[2].value = None;
    }
    let f = validate(&d);
    for code in [
        "READING_STATUS_PTB_RANGE",
        "READING_STATUS_FNN_FORMAT",
        "READING_STATUS_MISSING",
        "READING_VALUE_MISSING",
    ] {
        assert!(has(&f, code, Severity::Error), "{code}: {f:#?}");
    }
    let located = f
        .iter()
        .find(|x| x.code == "READING_VALUE_MISSING")
        .expect("finding");
    assert_eq!(located.location.meter_reading, Some(0));
    assert_eq!(located.location.reading, Some(2));
    assert_eq!(located.location.element, Some("value"));
    assert_eq!(
        located.location.to_string(),
        "UsagePoint[0]/MeterReading[0]/IntervalBlock[0]/reading #2/value"
    );

    let mut d = device();
    d.usage_points[0].meter_readings[0].interval_blocks[0].readings[0].value = Some(1 << 48);
    assert!(has(&validate(&d), "READING_VALUE_RANGE", Severity::Error));
}

#[test]
fn units_powers_of_ten_obis_and_categories() {
    let mut d = device();
    {
        let up = &mut d.usage_points[0];
        up.service_category_kind = Some(12);
        up.customer_id = Some("x".repeat(65));
        up.usage_point_id = None;
        let rt = up.meter_readings[0]
            .reading_type
            .as_mut()
            .expect("reading type");
        rt.uom = Some(999);
        rt.power_of_ten_multiplier = Some(5);
        rt.obis = Some("0100010800fg".into());
        let ev = &mut up.log_entries[0].events[0];
        ev.level = Some(9);
        ev.outcome = Some(3);
    }
    let f = validate(&d);
    for code in [
        "SERVICE_CATEGORY_RANGE",
        "STRING_TOO_LONG",
        "REQUIRED_MISSING",
        "UOM_RANGE",
        "POWER_OF_TEN_RANGE",
        "OBIS_INVALID",
        "LOG_OUTCOME_RANGE",
    ] {
        assert!(has(&f, code, Severity::Error), "{code}: {f:#?}");
    }
    // Unknown log levels occur on real gateways: reported, but the file stays usable.
    assert!(has(&f, "LOG_LEVEL_RANGE", Severity::Warning), "{f:#?}");
    assert!(!has(&f, "LOG_LEVEL_RANGE", Severity::Error), "{f:#?}");
    // The OBIS code in the qualified logical name no longer matters, the list stays an OVL.
    assert!(d.usage_points[0].meter_readings[0].is_original_value_list());
}

#[test]
fn interval_blocks_must_not_overlap() {
    let mut d = device();
    let m = &mut d.usage_points[0].meter_readings[0];
    let mut second = m.interval_blocks[0].clone();
    let first_iv = m.interval_blocks[0].interval.expect("interval");
    // Starts 15 minutes before the first block ends.
    second.interval = Some(ar2418::TimeInterval {
        start: first_iv.end().map(|e| e - Duration::minutes(15)),
        duration: Some(900),
    });
    second.readings.clear();
    m.interval_blocks.push(second.clone());
    assert!(has(&validate(&d), "BLOCK_OVERLAP", Severity::Error));
    // One hour after the end: not overlapping, but not contiguous.
    let m = &mut d.usage_points[0].meter_readings[0];
    m.interval_blocks[1].interval = Some(ar2418::TimeInterval {
        start: first_iv.end().map(|e| e + Duration::hours(1)),
        duration: Some(900),
    });
    let f = validate(&d);
    assert!(!has(&f, "BLOCK_OVERLAP", Severity::Error));
    assert!(has(&f, "BLOCK_NOT_CONTIGUOUS", Severity::Warning));
    // Exactly adjacent: fine.
    let m = &mut d.usage_points[0].meter_readings[0];
    m.interval_blocks[1].interval = Some(ar2418::TimeInterval {
        start: first_iv.end(),
        duration: Some(900),
    });
    let f = validate(&d);
    assert!(!f.iter().any(|x| x.code.starts_with("BLOCK_")), "{f:#?}");
}

#[test]
fn three_year_span() {
    let mut d = device();
    let rs = &mut d.usage_points[0].meter_readings[0].interval_blocks[0].readings;
    let first = rs[0].capture_time().expect("time");
    let set = |r: &mut ar2418::IntervalReading, t: DateTime<chrono::FixedOffset>| {
        r.time_period = Some(ar2418::TimeInterval {
            start: Some(t),
            duration: Some(0),
        });
    };
    set(&mut rs[2], first + Duration::days(3 * 365 + 1));
    assert!(
        !has(&validate(&d), "SPAN_TOO_LONG", Severity::Error),
        "exactly three years is allowed"
    );
    let rs = &mut d.usage_points[0].meter_readings[0].interval_blocks[0].readings;
    set(&mut rs[2], first + Duration::days(3 * 365 + 2));
    assert!(has(&validate(&d), "SPAN_TOO_LONG", Severity::Error));
}

#[test]
fn supplier_rules() {
    let mut s = supplier();
    {
        let ap = s.usage_points[0]
            .analysis_profile
            .as_mut()
            .expect("profile");
        ap.day_profiles[0].entries[1].minute = 7;
        ap.day_profiles[0].entries[2].tariff_number = 9;
        ap.default_tariff_number = 7;
    }
    let f = validate_supplier(&s);
    for code in [
        "DAY_PROFILE_NOT_15_MIN",
        "DAY_PROFILE_TARIFF_UNKNOWN",
        "DEFAULT_TARIFF_UNKNOWN",
    ] {
        assert!(has(&f, code, Severity::Error), "{code}: {f:#?}");
    }

    let mut s = supplier();
    {
        let ap = s.usage_points[0]
            .analysis_profile
            .as_mut()
            .expect("profile");
        ap.day_profiles[0].entries.swap(3, 4);
        let dup = ap.tariff_stages[0].clone();
        ap.tariff_stages.push(dup);
        ap.tariff_stages[1].obis = "0100010802f".into();
        ap.special_day_profiles[0].day_id = "99".into();
    }
    let f = validate_supplier(&s);
    for code in [
        "DAY_PROFILE_UNORDERED",
        "TARIFF_STAGE_DUPLICATE",
        "TARIFF_STAGE_OBIS_DUPLICATE",
        "OBIS_INVALID",
        "SPECIAL_DAY_PROFILE_UNKNOWN",
    ] {
        assert!(has(&f, code, Severity::Error), "{code}: {f:#?}");
    }

    let mut s = supplier();
    s.usage_points[0]
        .analysis_profile
        .as_mut()
        .expect("profile")
        .special_day_profiles
        .clear();
    let f = validate_supplier(&s);
    let cover = f
        .iter()
        .find(|x| x.code == "SPECIAL_DAYS_NOT_COVERING")
        .expect("coverage finding");
    assert!(
        cover.message_en.contains("2017-11-04"),
        "{}",
        cover.message_en
    );

    let mut s = supplier();
    s.usage_points[0].analysis_profile = None;
    assert!(has(
        &validate_supplier(&s),
        "ANALYSIS_PROFILE_MISSING",
        Severity::Error
    ));
}

#[test]
fn messages_in_both_languages() {
    let mut d = device();
    d.usage_points[0].tariff_name = None;
    let f = validate(&d);
    let missing = f
        .iter()
        .find(|x| x.code == "REQUIRED_MISSING")
        .expect("finding");
    assert_eq!(
        missing.message(Lang::De),
        "Pflichtelement <tariffName> fehlt"
    );
    assert_eq!(
        missing.message(Lang::En),
        "required element <tariffName> is missing"
    );
    let summary = f
        .iter()
        .find(|x| x.code == "VALUE_LIST_SUMMARY")
        .expect("summary");
    assert_eq!(summary.severity, Severity::Info);
    assert!(summary
        .message(Lang::De)
        .starts_with("Originäre Messwertliste: 3 Werte"));
    let json = serde_json::to_value(&f[0]).expect("serialisable");
    assert!(json.get("code").is_some() && json.get("location").is_some());
}

#[test]
fn a_gateway_id_off_din_43863_5_is_a_warning_shown_escaped() {
    let hex = smgw_model::DeviceId::parse_text("EDNT0012345678")
        .unwrap()
        .to_hex();
    for (id, odd) in [
        ("EDNT0017038437", false),
        ("elgz0012345678.sm", false),
        (hex.as_str(), false),
        ("DNT0017055173", true),
        ("../../x\u{1b}[2J", true),
    ] {
        let mut d = device();
        d.usage_points[0].smgw.as_mut().expect("SMGW").smgw_id = id.into();
        let f = validate(&d);
        let found: Vec<_> = f.iter().filter(|x| x.code == "SMGW_ID_FORM").collect();
        assert_eq!(found.len(), usize::from(odd), "{id}: {found:#?}");
        if let Some(w) = found.first() {
            assert_eq!(w.severity, Severity::Warning, "the file stays usable");
            assert!(!w.message_en.contains('\u{1b}'), "{}", w.message_en);
            assert!(w.message_de.contains("DIN 43863-5"), "{}", w.message_de);
        }
    }
}
