//! Records the real commands' answers against the demo gateway as JSON fixtures for the
//! UI tests (`ui/tests/fixtures/`), and checks that the committed fixtures are current.
//! `UPDATE_FIXTURES=1 cargo test -p durchblick-app --test fixtures` rewrites them.
//!
//! Fields that depend on the moment of recording (the gateway's clock and this computer's,
//! the self-test lock) are compared blanked out; everything else must match exactly.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::*;
use durchblick_app::commands::{
    check_bill, AppCore, ArchivePaths, ConnectOutcome, ExportSource, PeriodKind, ValuesRequest,
};
use serde::Serialize;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/tests/fixtures")
}

fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("views serialise")
}

fn err<T: std::fmt::Debug, E: Serialize>(r: Result<T, E>) -> Value {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => json(&e),
    }
}

/// Fields of archive and sync views that hold wall-clock times, durations or paths.
const MOMENTARY: [&str; 7] = [
    "path",
    "millis",
    "summary",
    "first_seen",
    "last_seen",
    "last_sync",
    "seconds_left",
];

/// Blanks [`MOMENTARY`] fields at any depth.
fn blank_momentary(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if MOMENTARY.contains(&key.as_str()) {
                    *value = Value::Null;
                } else {
                    blank_momentary(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(blank_momentary),
        _ => {}
    }
}

/// Blanks what changes from one recording to the next.
fn normalise(name: &str, mut v: Value) -> Value {
    if name.starts_with("archive")
        || name.starts_with("sync")
        || name.starts_with("overview")
        || name == "export_archive_done"
    {
        blank_momentary(&mut v);
    }
    if name == "sync_progress" {
        // Values are counted as the background writer stores them: how many are done
        // when a call returns depends on timing.
        for event in v.as_array_mut().into_iter().flatten() {
            event["values"] = Value::Null;
        }
    }
    if name.starts_with("export_done") {
        v["path"] = Value::Null;
    }
    if name == "gateway" {
        // Blanked where present, so that a field added or removed still counts.
        let gateway = v["gateway"].as_object_mut();
        for (key, value) in gateway.into_iter().flatten() {
            if ["time", "read_at", "difference", "clock_warning"].contains(&key.as_str()) {
                *value = Value::Null;
            }
        }
        v["self_test_lock_seconds"] = Value::from(0);
    }
    v
}

fn values(from: &str, to: &str, db: &str) -> ValuesRequest {
    ValuesRequest {
        usage_point_id: TAF7.into(),
        database: db.into(),
        channels: vec![IMPORT.into()],
        from: from.into(),
        to: to.into(),
    }
}

async fn record() -> BTreeMap<&'static str, Value> {
    let mut fx = BTreeMap::new();
    let mock = mock().await;
    let pins = tempfile::tempdir().expect("temp dir");
    let core = core_in(pins.path());

    fx.insert(
        "startup",
        json(&durchblick_app::Startup {
            demo: false,
            features: durchblick_app::commands::FEATURES,
            version: env!("CARGO_PKG_VERSION"),
        }),
    );
    let first = core
        .connect(password(&mock, "demo", "demo", None))
        .await
        .expect("first contact");
    let ConnectOutcome::ConfirmCertificate { fingerprint, .. } = &first else {
        panic!("expected a confirmation, got {first:?}");
    };
    let fingerprint = fingerprint.clone();
    fx.insert("connect_confirm", json(&first));
    fx.insert(
        "connect_ok",
        json(
            &core
                .connect(password(&mock, "demo", "demo", Some(&fingerprint)))
                .await
                .expect("confirmed"),
        ),
    );
    fx.insert(
        "error_wrong_password",
        err(core.connect(password(&mock, "demo", "wrong", None)).await),
    );
    // The connect screen's hints while the password is typed (no gateway involved).
    fx.insert(
        "password_hints_full_stop",
        json(&durchblick_app::commands::password_hints("geheim.")),
    );
    fx.insert(
        "password_hints_none",
        json(&durchblick_app::commands::password_hints("demo")),
    );
    let p12 = std::fs::read(demo_file("client-modern.p12")).expect("p12");
    let picked = core.hold_file("client-modern.p12", p12).expect("held");
    fx.insert("pick_file_pkcs12", json(&picked));
    fx.insert(
        "inspect_pkcs12",
        json(&core.inspect_pkcs12(picked.token, "demo").expect("inspect")),
    );
    fx.insert(
        "error_wrong_p12_password",
        err(core.inspect_pkcs12(picked.token, "wrong")),
    );
    fx.insert(
        "connect_pkcs12_ok",
        json(
            &core
                .connect(pkcs12(&core, &mock, "client-modern.p12", "demo"))
                .await
                .expect("p12 login"),
        ),
    );
    let other = tempfile::tempdir().expect("temp dir");
    pin(other.path(), &mock, &"ab".repeat(32));
    fx.insert(
        "error_certificate_changed",
        err(core_in(other.path())
            .connect(password(&mock, "demo", "demo", None))
            .await),
    );

    let archives = tempfile::tempdir().expect("temp dir");
    let demo = AppCore::new(None)
        .with_demo_clock(DemoClock::Scenario)
        .with_archives(ArchivePaths {
            demo: Some(archives.path().join("demo.sqlite")),
            ..ArchivePaths::default()
        });
    fx.insert(
        "demo_session",
        json(&demo.start_demo(Default::default()).await.expect("demo")),
    );
    let gateway = demo.gateway().await.expect("gateway");
    // The periods the screens propose, ending at the gateway's clock the window passes.
    let clock = gateway.gateway.time.as_ref().map(|t| t.utc.clone());
    for (name, kind) in [
        ("period_day", PeriodKind::Day),
        ("period_week", PeriodKind::Week),
        ("period_month", PeriodKind::Month),
        ("period_year", PeriodKind::Year),
        ("period_export", PeriodKind::Export),
    ] {
        let view = durchblick_app::commands::period(kind, clock.as_deref(), chrono::Utc::now())
            .expect("a period");
        fx.insert(name, json(&view));
    }
    fx.insert("gateway", json(&gateway));
    fx.insert(
        "contracts",
        json(&demo.contracts().await.expect("contracts")),
    );
    fx.insert(
        "values_day",
        json(
            &demo
                .values(values("2025-06-03", "2025-06-04", "origin"), &mut |_| {})
                .await
                .expect("day"),
        ),
    );
    fx.insert(
        "values_taf2_day",
        json(
            &demo
                .values(
                    ValuesRequest {
                        usage_point_id: TAF2.into(),
                        ..values("2025-06-03", "2025-06-04", "origin")
                    },
                    &mut |_| {},
                )
                .await
                .expect("a TAF-2 day"),
        ),
    );
    let year = demo
        .values(values("2025-11-01", "2026-11-01", "origin"), &mut |_| {})
        .await
        .expect("year");
    // The year's table beyond its first rows, as the `value_rows` command pages it.
    let mut rows = Vec::new();
    while let Some(total) = year.channels.first().map(|c| c.row_count) {
        if rows.len() >= total {
            break;
        }
        rows.extend(
            demo.value_rows(year.answer, 0, rows.len(), durchblick_app::views::MAX_PAGE)
                .expect("a page of the year's rows"),
        );
    }
    fx.insert("value_rows_year", json(&rows));
    // The detail the chart asks for after five zoom steps into the newest values: each
    // halves the span and keeps the newest value at the right edge (ui/src/chart.ts).
    let (first, last) = year
        .channels
        .first()
        .and_then(|c| c.points.x.first().zip(c.points.x.last()))
        .map(|(a, b)| (*a, *b))
        .expect("the year's chart");
    fx.insert(
        "chart_points_year_zoomed",
        json(
            &demo
                .chart_points(year.answer, 0, last - (last - first) / 32, last)
                .expect("the zoomed view's points"),
        ),
    );
    fx.insert("values_year", json(&year));
    fx.insert(
        "current_values",
        json(&demo.current_values(TAF10).await.expect("current")),
    );
    fx.insert(
        "logbook",
        json(&demo.logbook(&mut |_| {}).await.expect("log")),
    );
    // The logbook filter's from/to as the browser test types them: across the night of
    // 25 October 2026, whose 02:00–03:00 happens twice (the demo logs at 02:43 winter time).
    let ranges: Vec<Value> = [
        ("2026-10-25T02:30", ""),
        ("2026-10-25T02:30", "2026-10-25T02:50"),
        ("", "2026-10-25T02:50"),
        ("", ""),
    ]
    .iter()
    .map(|(from, to)| {
        let range = durchblick_app::commands::wall_clock_range(from, to).expect("a range");
        serde_json::json!({ "from": from, "to": to, "range": range })
    })
    .collect();
    fx.insert("wall_clock_ranges", Value::Array(ranges));
    let out = tempfile::tempdir().expect("temp dir");
    fx.insert(
        "export_done",
        json(
            &demo
                .export(
                    durchblick_app::commands::ExportRequest {
                        source: ExportSource::Gateway,
                        format: durchblick_app::commands::ExportFormat::CsvGerman,
                        from: "2026-11-18".into(),
                        to: "2026-11-20".into(),
                        place: common::place(&demo, out.path().join("values.csv")),
                        lang: Default::default(),
                    },
                    &mut |_| {},
                )
                .await
                .expect("export"),
        ),
    );
    fx.insert(
        "archive_empty",
        json(&demo.archive_status().await.expect("no archive yet")),
    );
    fx.insert(
        "overview_empty",
        json(&demo.overview().await.expect("overview without archive")),
    );
    let mut events = Vec::new();
    fx.insert(
        "sync_done",
        json(&demo.sync(&mut |p| events.push(p)).await.expect("sync")),
    );
    fx.insert("sync_progress", json(&events));
    fx.insert(
        "archive_status",
        json(&demo.archive_status().await.expect("archive")),
    );
    let mut overview = json(&demo.overview().await.expect("overview"));
    // The fixed-day demo's clock falls behind by the day of recording: kept out of the
    // recording, so that the screens show the demo as it is (the UI test adds a drift).
    assert!(overview["clock_drift"]["en"].is_string(), "{overview}");
    overview["clock_drift"] = Value::Null;
    fx.insert("overview", overview);
    let mut seen = 0;
    let cancelled = demo
        .sync(&mut |_| {
            seen += 1;
            if seen == 3 {
                demo.cancel_sync().expect("cancel");
            }
        })
        .await;
    fx.insert("error_sync_cancelled", err(cancelled));
    fx.insert(
        "export_archive_done",
        json(
            &demo
                .export(
                    durchblick_app::commands::ExportRequest {
                        source: ExportSource::Archive {
                            smgw_id: "ETHE0310486901".into(),
                            user_id: "01005e318011.consumer1.sm".into(),
                        },
                        format: durchblick_app::commands::ExportFormat::Xml,
                        from: "2026-11-01".into(),
                        to: "2026-11-20".into(),
                        place: common::place(&demo, out.path().join("values.xml")),
                        lang: Default::default(),
                    },
                    &mut |_| {},
                )
                .await
                .expect("export from the archive"),
        ),
    );
    fx.insert(
        "self_test",
        json(&demo.self_test().await.expect("self-test")),
    );
    fx.insert("error_self_test_locked", err(demo.self_test().await));

    let supplier = std::fs::read(reference("taf2/supplier_2_day.xml")).expect("supplier");
    let device = std::fs::read(reference("taf2/result_3_days.xml")).expect("device");
    fx.insert(
        "check_bill",
        json(&check_bill(&supplier, &device).expect("bill")),
    );
    fx.insert("error_check_bill", err(check_bill(&device, &supplier)));
    // The bill check's files as the user picks them (Rust holds the bytes).
    fx.insert(
        "pick_file_supplier",
        json(
            &demo
                .hold_file("supplier_2_day.xml", supplier)
                .expect("held"),
        ),
    );
    fx.insert(
        "pick_file_device",
        json(&demo.hold_file("result_3_days.xml", device).expect("held")),
    );
    demo.disconnect().await;

    // A gateway whose auxiliary fields cannot be decoded (issue #12): the live export and
    // the logbook are read all the same and say what was left out.
    let broken = common::mock().await;
    broken.set_faults(mock_smgw::Faults {
        broken_auxiliary: true,
        ..Default::default()
    });
    let pins = tempfile::tempdir().expect("temp dir");
    let core = core_in(pins.path());
    let fingerprint = broken.fingerprint_sha256().to_owned();
    core.connect(password(&broken, "demo", "demo", Some(&fingerprint)))
        .await
        .expect("connect to the broken gateway");
    fx.insert(
        "export_done_warned",
        json(
            &core
                .export(
                    durchblick_app::commands::ExportRequest {
                        source: ExportSource::Gateway,
                        format: durchblick_app::commands::ExportFormat::CsvGerman,
                        from: "2026-11-18".into(),
                        to: "2026-11-20".into(),
                        place: common::place(&core, out.path().join("warned.csv")),
                        lang: Default::default(),
                    },
                    &mut |_| {},
                )
                .await
                .expect("export despite broken fields"),
        ),
    );
    fx.insert(
        "logbook_warned",
        json(&core.logbook(&mut |_| {}).await.expect("logbook")),
    );
    core.disconnect().await;
    fx
}

/// Big fixtures are stored gzipped to keep the repository small.
fn file_name(name: &str) -> String {
    if matches!(
        name,
        "values_year" | "value_rows_year" | "logbook" | "logbook_warned" | "sync_progress"
    ) {
        format!("{name}.json.gz")
    } else {
        format!("{name}.json")
    }
}

fn write(path: &Path, value: &Value) {
    let text = serde_json::to_string_pretty(value).expect("serialise") + "\n";
    if path.extension().is_some_and(|e| e == "gz") {
        let file = std::fs::File::create(path).expect("create fixture");
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
        gz.write_all(text.as_bytes()).expect("write fixture");
        gz.finish().expect("finish fixture");
    } else {
        std::fs::write(path, text).expect("write fixture");
    }
}

fn read(path: &Path) -> Option<Value> {
    let bytes = std::fs::read(path).ok()?;
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .ok()?;
        s
    } else {
        String::from_utf8(bytes).ok()?
    };
    serde_json::from_str(&text).ok()
}

#[tokio::test]
async fn ui_fixtures_are_current() {
    let recorded = record().await;
    let dir = dir();
    let update = std::env::var("UPDATE_FIXTURES").is_ok_and(|v| v == "1");
    if update {
        std::fs::create_dir_all(&dir).expect("fixture dir");
    }
    let mut stale = Vec::new();
    for (name, value) in &recorded {
        let path = dir.join(file_name(name));
        let committed = read(&path).map(|v| normalise(name, v));
        if committed.as_ref() == Some(&normalise(name, value.clone())) {
            continue;
        }
        if update {
            // Only what changed is rewritten, so a re-recording touches no other file.
            write(&path, value);
        } else {
            stale.push(file_name(name));
        }
    }
    assert!(
        stale.is_empty(),
        "UI fixtures differ from the commands' answers: {stale:?}. Review the change, then \
         regenerate with UPDATE_FIXTURES=1 cargo test -p durchblick-app --test fixtures"
    );
}
