//! AR 2418-6 files (`ar2418`): reader, validator, analysis, writer; the certificate check;
//! the archive import's planning (`archive-io`).

use chrono::{TimeZone, Utc};

/// Small limits besides the default ones, so that the limit checks are reached too.
fn small_limits() -> ar2418::Limits {
    ar2418::Limits {
        max_depth: 10,
        max_token_bytes: 256,
        max_input_bytes: 16 << 10,
    }
}

/// Reads a file; what reads is validated (as device, as supplier file and as a pair),
/// analysed per value list, and written back: the written file reads again and writes
/// the same text (the writer is stable on its own output).
pub fn read(data: &[u8]) {
    let _ = ar2418::read_with_limits(data, small_limits());
    let Ok(doc) = ar2418::read(data) else {
        return;
    };
    let _ = ar2418::has_errors(&ar2418::validate(&doc));
    let _ = ar2418::validate_supplier(&doc);
    let _ = ar2418::validate_pair(&doc, &doc);
    for up in &doc.usage_points {
        for mr in &up.meter_readings {
            let _ = ar2418::analyze(mr);
            let _ = ar2418::daily_status(mr);
            let times = ar2418::reading_times(mr);
            if let Some(period) = ar2418::detect_period(&times) {
                for t in times.iter().take(16) {
                    let _ = ar2418::raster_time(t, period);
                }
            }
        }
    }
    let xml = ar2418::to_xml_string(&doc);
    let again = match ar2418::read_str(&xml) {
        Ok(d) => d,
        Err(e) => panic!("the writer's output does not read: {e}\n{xml}"),
    };
    assert_eq!(ar2418::to_xml_string(&again), xml, "write → read → write");
}

/// `certContent` as the validator checks it: DER or PEM, the count or the reason.
pub fn cert(data: &[u8]) {
    if let Ok(n) = ar2418::fuzzing::certificate_content(data) {
        assert!(n >= 1, "Ok without a certificate");
    }
}

/// What an import plans from a file before touching the archive.
pub fn import_plan(data: &[u8]) {
    let Ok(doc) = ar2418::read(data) else {
        return;
    };
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).single();
    if let Some(now) = now {
        let _ = archive_io::plan_import(&doc, now);
    }
}
