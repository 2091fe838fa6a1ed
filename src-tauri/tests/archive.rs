//! The archive screen's commands against the demo gateway over real TLS, with real SQLite
//! files in a temporary directory: sync with progress, a second sync, cancel, the status
//! view against the gateway's own answers, export from the archive without a connection,
//! and a foreign file refused unchanged.

mod common;

use std::path::Path;

use common::*;
use durchblick_app::commands::{
    ArchiveView, ExportFormat, ExportRequest, ExportSource, ValuesRequest,
};
use durchblick_app::error::ErrorKind;
use smgw_model::Lang;

fn total(view: &ArchiveView) -> u64 {
    view.gateways
        .iter()
        .flat_map(|g| &g.consumers)
        .flat_map(|c| &c.contracts)
        .flat_map(|k| &k.series)
        .map(|s| s.count)
        .sum()
}

#[tokio::test]
async fn sync_from_the_window_then_export_from_the_archive_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core(dir.path());

    // Not connected: the user's archive, not created by looking at it or by a refused sync.
    let before = core.archive_status().await.expect("status");
    assert!(!before.exists && !before.demo && before.gateways.is_empty());
    assert!(before.path.ends_with("user.sqlite"));
    let err = core.sync(&mut |_| {}).await.expect_err("no session");
    assert_eq!(err.kind, ErrorKind::NotConnected);
    assert!(!dir.path().join("user.sqlite").exists());

    // The demo gateway's data goes into the demo archive.
    core.start_demo(Default::default()).await.expect("demo");
    let mut events = Vec::new();
    let first = core.sync(&mut |p| events.push(p)).await.expect("sync");
    assert!(first.path.ends_with("demo.sqlite"), "{}", first.path);
    assert!(!dir.path().join("user.sqlite").exists());
    assert_eq!(first.smgw_id, "ETHE0310486901");
    assert_eq!(first.log_new, 3000);
    assert!(first.values_new > 50_000, "{first:?}");
    assert_eq!((first.values_unchanged, first.conflicts_new), (0, 0));
    // Progress after every call (and at phase changes), counting up to the report's
    // number of calls.
    assert!(events.len() as u32 >= first.calls);
    assert!(events
        .windows(2)
        .all(|w| w[0].calls_done <= w[1].calls_done && w[0].values <= w[1].values));
    let last = events.last().expect("events");
    assert_eq!(last.calls_done, first.calls);
    assert!(last.calls_planned >= last.calls_done);
    assert!(events.iter().any(|e| e.phase.en.starts_with("Values")));
    assert!(first.summary.de.contains("Abgleich abgeschlossen"));

    // The status view adds up to what the sync stored, and a value list holds exactly
    // what the gateway answers for the synced span.
    let status = core.archive_status().await.expect("status");
    assert!(status.exists && status.demo);
    assert_eq!(total(&status), first.values_new + first.current_new);
    let consumer = &status.gateways[0].consumers[0];
    assert_eq!(consumer.log.count, 3000);
    let taf7 = consumer
        .contracts
        .iter()
        .find(|k| k.usage_point_id == TAF7)
        .expect("TAF 7 archived");
    let series = taf7
        .series
        .iter()
        .find(|s| s.database == "origin" && s.obis == "1-0:1.8.0*255")
        .expect("origin 1.8.0");
    let (first_t, last_t) = (
        series.first.as_ref().expect("first").utc.clone(),
        series.last.as_ref().expect("last").utc.clone(),
    );
    let live = core
        .values(
            ValuesRequest {
                usage_point_id: TAF7.into(),
                database: "origin".into(),
                channels: vec![IMPORT.into()],
                // The readings range excludes its start: one second before the first.
                from: (chrono::DateTime::parse_from_rfc3339(&first_t).expect("utc")
                    - chrono::Duration::seconds(1))
                .to_rfc3339(),
                to: last_t,
            },
            &mut |_| {},
        )
        .await
        .expect("live values");
    assert_eq!(series.count, live.channels[0].values as u64);
    assert_eq!(series.gaps, live.channels[0].gaps as u64);
    assert!(series.gaps >= 2, "the demo has two gaps: {series:?}");

    // A second sync stores nothing new and reads only the newest window of each list.
    let second = core.sync(&mut |_| {}).await.expect("second sync");
    assert_eq!((second.values_new, second.log_new), (0, 0));
    assert!(second.values_unchanged > 0);
    assert!(
        second.readings_calls < first.readings_calls / 4,
        "{} then {}",
        first.readings_calls,
        second.readings_calls
    );

    // While a sync holds the connection, gateway calls are refused at once (not queued
    // for minutes), the archive screen still answers, and cancelling a values call (the
    // busy box's button) does not stop the sync.
    let started = std::sync::atomic::AtomicBool::new(false);
    let mut on_progress = |_| {
        started.store(true, std::sync::atomic::Ordering::SeqCst);
        core.cancel().expect("cancel");
    };
    let (synced, during) = tokio::join!(core.sync(&mut on_progress), async {
        while !started.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        (core.contracts().await, core.archive_status().await)
    });
    synced.expect("the sync goes on");
    let busy = during.0.expect_err("the connection is busy");
    assert_eq!(busy.kind, ErrorKind::Busy);
    assert!(
        busy.de.contains("abbrechen") && busy.en.contains("cancel"),
        "{busy:?}"
    );
    assert!(during.1.expect("status during a sync").exists);

    // A demo session keeps the demo archive: choosing another file is refused.
    let user_file = common::place(&core, dir.path().join("user.sqlite"));
    let refused = core.choose_archive(user_file).await.expect_err("demo");
    assert!(refused.de.contains("Demo-Archiv"), "{refused:?}");
    assert!(!dir.path().join("user.sqlite").exists());

    // Cancelled after the third call: an error that says nothing is lost.
    let mut seen = 0;
    let err = core
        .sync(&mut |_| {
            seen += 1;
            if seen == 3 {
                core.cancel_sync().expect("cancel");
            }
        })
        .await
        .expect_err("cancelled");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert!(
        err.de.contains("gespeichert") && err.en.contains("stored"),
        "{err:?}"
    );
    assert_eq!(seen, 3);

    // Live and archived exports of the same span hold the same values.
    let out = tempfile::tempdir().expect("temp dir");
    let request = |source, name: &str| ExportRequest {
        source,
        format: ExportFormat::Xml,
        from: "2026-10-01".into(),
        to: "2026-11-01".into(),
        place: common::place(&core, out.path().join(name)),
        lang: Lang::De,
    };
    let from_gateway = core
        .export(request(ExportSource::Gateway, "live.xml"), &mut |_| {})
        .await
        .expect("live export");
    core.disconnect().await;
    let archived = ExportSource::Archive {
        smgw_id: status.gateways[0].smgw_id.clone(),
        user_id: consumer.user_id.clone(),
    };
    // Disconnected: the user's archive (still empty) is the current one again.
    let err = core
        .export(request(archived.clone(), "archived.xml"), &mut |_| {})
        .await
        .expect_err("the user's archive does not exist");
    assert!(err.en.contains("no archive"), "{err:?}");
    let chosen = core
        .choose_archive(common::place(&core, dir.path().join("demo.sqlite")))
        .await
        .expect("choose the demo archive");
    // The way back to the default archive is offered.
    assert!(chosen
        .default_path
        .as_deref()
        .is_some_and(|p| p.ends_with("user.sqlite")));
    let from_archive = core
        .export(request(archived.clone(), "archived.xml"), &mut |_| {})
        .await
        .expect("export from the archive without a connection");
    assert_eq!(from_archive.values, from_gateway.values);
    assert_eq!(from_archive.log_entries, from_gateway.log_entries);
    let doc = ar2418::read(&std::fs::read(&from_archive.path).expect("xml")[..])
        .expect("archived export reads back");
    assert!(!doc.usage_points.is_empty());

    // The folder formats are the command line's, file for file and byte for byte:
    // `durchblick export csv|charts --out DIR` reads the archive with
    // `durchblick_core::archived::export_set` and writes with `export::files::write`.
    let selection = archive_io::Selection {
        gateway: Some(status.gateways[0].smgw_id.clone()),
        consumer: Some(consumer.user_id.clone()),
        contract: None,
        from: Some(durchblick_app::commands::parse_time("2026-10-01").expect("time")),
        to: Some(durchblick_app::commands::parse_time("2026-11-01").expect("time")),
    };
    let cli_set =
        durchblick_core::archived::export_set(&dir.path().join("demo.sqlite"), &selection)
            .await
            .expect("the command line's read of the archive");
    use export::files::Format;
    use export::CsvVariant::{German, International};
    for (format, cli_format, lang) in [
        (ExportFormat::CsvFolderGerman, Format::Csv(German), Lang::De),
        (
            ExportFormat::CsvFolderInternational,
            Format::Csv(International),
            Lang::En,
        ),
        (ExportFormat::Charts, Format::Charts, Lang::En),
    ] {
        let window_dir = out.path().join(format!("window-{format:?}"));
        let cli_dir = out.path().join(format!("cli-{format:?}"));
        let done = core
            .export(
                ExportRequest {
                    format,
                    place: common::place(&core, &window_dir),
                    lang,
                    ..request(archived.clone(), "")
                },
                &mut |_| {},
            )
            .await
            .expect("folder export from the window");
        export::files::write(&cli_set, cli_format, &cli_dir, lang).expect("the CLI's writer");
        let (window_files, cli_files) = (files_in(&window_dir), files_in(&cli_dir));
        assert_eq!(done.files, window_files.len(), "{format:?}");
        assert!(window_files.len() >= 2, "{format:?}: {window_files:?}");
        assert_eq!(window_files, cli_files, "{format:?}");
    }
}

/// The files in a folder (not recursive) with their content, by name.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("folder written")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("file"))
        })
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn a_foreign_file_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core(dir.path());
    let foreign = dir.path().join("notes.sqlite");
    let content = b"Einkaufsliste: Milch, Brot".to_vec();
    std::fs::write(&foreign, &content).expect("write");
    let err = core
        .choose_archive(common::place(&core, &foreign))
        .await
        .expect_err("not an archive");
    assert_eq!(err.kind, ErrorKind::Data);
    assert!(err.de.contains("richtige Archivdatei"), "{}", err.de);
    assert_eq!(std::fs::read(&foreign).expect("read"), content);
    // The choice did not stick.
    let status = core.archive_status().await.expect("status");
    assert!(status.path.ends_with("user.sqlite"));
}

#[tokio::test]
async fn a_chosen_archive_is_used_until_the_user_goes_back_to_the_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core(dir.path());
    // A file that does not exist yet: the next sync creates it.
    let chosen = core
        .choose_archive(place(&core, dir.path().join("stick.sqlite")))
        .await
        .expect("a new archive file");
    assert!(chosen.path.ends_with("stick.sqlite") && !chosen.exists);
    assert!(chosen
        .default_path
        .as_deref()
        .is_some_and(|p| p.ends_with("user.sqlite")));
    assert!(core
        .archive_status()
        .await
        .expect("status")
        .path
        .ends_with("stick.sqlite"));
    // A token the user never got from a dialog changes nothing.
    let err = core.choose_archive(4_242).await.expect_err("not chosen");
    assert_eq!(err.kind, ErrorKind::Data);
    let back = core.use_default_archive().await.expect("back");
    assert!(back.path.ends_with("user.sqlite"), "{}", back.path);
    assert_eq!(back.default_path, None);
}

#[tokio::test]
async fn the_overview_shows_the_demo_archive_after_a_sync() {
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core(dir.path());
    core.start_demo(Default::default()).await.expect("demo");
    let empty = core.overview().await.expect("overview before a sync");
    assert!(!empty.has_values && empty.flows.is_empty() && empty.newest.is_none());
    assert!(
        !dir.path().join("demo.sqlite").exists(),
        "looking creates no archive"
    );

    core.sync(&mut |_| {}).await.expect("sync");
    let o = core.overview().await.expect("overview");
    assert!(o.has_values);
    assert_eq!(o.smgw_id.as_deref(), Some("ETHE0310486901"));
    // The demo consumer imports only: one flow, the total register.
    assert_eq!(o.flows.len(), 1, "{:?}", o.flows);
    let flow = &o.flows[0];
    assert!(
        flow.name.de.starts_with("Bezug (1-0:1.8.0"),
        "{}",
        flow.name.de
    );
    assert_eq!(flow.months.len(), 12);
    // "This month" is the month of the newest value, the last bar; the month before is
    // the bar before it.
    let as_of = o.as_of.as_ref().expect("as of");
    let this_month = flow.this_month.as_ref().expect("this month");
    assert_eq!(
        this_month.period.de,
        as_of.local[3..10],
        "{} vs {}",
        this_month.period.de,
        as_of.local
    );
    assert_eq!(flow.months.last(), Some(this_month));
    assert_eq!(flow.months.get(10), flow.last_month.as_ref());
    // The year so far is the sum of this year's months (two computations agree).
    let year = flow.year.as_ref().expect("year");
    let months_this_year: f64 = flow
        .months
        .iter()
        .filter(|m| m.period.en.starts_with(&year.period.en))
        .map(|m| m.value)
        .sum();
    assert!(
        (months_this_year - year.value).abs() < 1e-3,
        "{months_this_year} vs {}",
        year.value
    );
    // The newest value is the newest of the archive, with its status in words.
    let newest = o.newest.as_ref().expect("newest");
    assert_eq!(newest.time, *as_of);
    assert!(newest.status.is_some());
    // The demo has gaps and values with an error status: both are warned about, with
    // the German count grammar.
    assert!(
        o.warnings
            .iter()
            .any(|w| w.de.contains(" Lücken im Archiv")),
        "{:?}",
        o.warnings
    );
    assert!(o.warnings.iter().any(|w| w.en.contains("error status")));
    assert!(
        o.warnings.iter().all(|w| !w.en.contains("changed")),
        "the demo kept its certificates: {:?}",
        o.warnings
    );
    assert!(o.complete_until.is_some() && o.last_sync.is_some());
    // Pinned to the scenario's day (20 November 2026), the demo's clock is days behind
    // this computer's: a gateway whose clock is off, warned about first.
    let drift = o
        .clock_drift
        .as_ref()
        .expect("the fixed-day demo's clock is behind");
    assert!(
        drift.en.contains(" days behind this computer's"),
        "{}",
        drift.en
    );
    assert!(drift.de.contains(" Tage nach."), "{}", drift.de);
}

/// The program's demo keeps this computer's clock: after a sync its newest value is
/// from the last quarter hour when it started, and the overview has nothing to say
/// about its clock.
#[tokio::test]
async fn the_demo_on_this_computers_clock_is_current_and_not_warned_about() {
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core(dir.path()).with_demo_clock(DemoClock::Following);
    let started = chrono::Utc::now();
    core.start_demo(Default::default()).await.expect("demo");
    core.sync(&mut |_| {}).await.expect("sync");
    let o = core.overview().await.expect("overview");
    assert_eq!(o.clock_drift, None);
    let newest = o.newest.as_ref().expect("newest value");
    let at = chrono::DateTime::parse_from_rfc3339(&newest.time.utc).expect("RFC 3339");
    // The last quarter hour when the demo started, however long the sync took.
    let at = at.to_utc();
    assert!(
        at <= chrono::Utc::now() && started - at <= chrono::Duration::minutes(15),
        "the newest value is from {at}, the demo started at {started}"
    );
}

/// 22:30 UTC on day `d` of March 2026 (23:30 in Germany).
fn march(d: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 3, d, 22, 30, 0)
        .single()
        .expect("time")
}

/// A new archive in `dir` with one gateway and its consumer, first seen on 1 March.
async fn archive_with_a_gateway(dir: &Path) -> (archive::Archive, archive::GatewayId) {
    let db = archive::Archive::open(&dir.join("archive.sqlite"))
        .await
        .expect("archive");
    let gw = db
        .gateway("EPPC0210486901", march(1))
        .await
        .expect("gateway");
    db.consumer(gw, "c1", march(1)).await.expect("consumer");
    (db, gw)
}

/// The gateway's clock at the newest read counts: off by more than a minute is a
/// warning with the time of that read; an older drift that was since corrected is not.
#[tokio::test]
async fn the_overview_warns_of_a_gateway_clock_off_at_the_last_read() {
    use archive::{Archive, GatewaySnapshot};
    use chrono::Duration;
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, gw) = archive_with_a_gateway(dir.path()).await;
    let at = march;
    let warning = |db: Archive, reads: Vec<(u32, Option<i64>)>| async move {
        for (day, off) in reads {
            let snapshot = GatewaySnapshot {
                read_at: at(day),
                smgw_state: None,
                smgw_time: off.map(|s| at(day) + Duration::seconds(s)),
                firmware: Vec::new(),
                certificates: Vec::new(),
                raw_response: None,
            };
            db.store_gateway_snapshot(gw, &snapshot)
                .await
                .expect("snapshot");
        }
        let view = durchblick_app::commands::overview_of(&db, String::new(), at(20))
            .await
            .expect("overview");
        (db, view.clock_drift)
    };
    // Ten minutes ahead, then corrected (45 s is within a minute): no warning.
    let (db, drift) = warning(db, vec![(1, Some(600)), (2, Some(-45))]).await;
    assert_eq!(drift, None);
    // Three minutes behind; a later read without a clock (PPC without a Date header)
    // leaves the newest clock standing.
    let (db, drift) = warning(db, vec![(3, Some(-180)), (4, None)]).await;
    let drift = drift.expect("a warning");
    assert!(
        drift.de.contains("(03.03.2026 23:30) ging die Uhr des Gateways gegenüber der Uhr dieses Rechners 3 Minuten nach."),
        "{}",
        drift.de
    );
    assert!(drift.en.contains("3 minutes behind"), "{}", drift.en);
    db.close().await;
}

/// A gateway whose HAN certificate was replaced between two syncs (after the user
/// confirmed the new one): the overview says so, with the day, and that both are kept.
#[tokio::test]
async fn the_overview_warns_of_a_changed_gateway_certificate() {
    use archive::{CertKind, CertificateData, GatewaySnapshot};
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, gw) = archive_with_a_gateway(dir.path()).await;
    let at = march;
    let snapshot = |t, tls: &[u8], seal: &[u8]| GatewaySnapshot {
        read_at: t,
        smgw_state: None,
        smgw_time: Some(t),
        firmware: Vec::new(),
        certificates: vec![
            CertificateData {
                kind: CertKind::HanTls,
                index: None,
                data: tls.to_vec(),
            },
            CertificateData {
                kind: CertKind::WanSig,
                index: Some(0),
                data: seal.to_vec(),
            },
        ],
        raw_response: None,
    };
    for (t, tls) in [
        (at(1), b"old tls"),
        (at(2), b"old tls"),
        (at(9), b"new tls"),
    ] {
        db.store_gateway_snapshot(gw, &snapshot(t, tls, b"seal"))
            .await
            .expect("snapshot");
    }
    let view = durchblick_app::commands::overview_of(&db, String::new(), at(10))
        .await
        .expect("overview");
    db.close().await;
    let changed: Vec<_> = view
        .warnings
        .iter()
        .filter(|w| w.en.contains("changed"))
        .collect();
    assert_eq!(
        changed.len(),
        1,
        "only the TLS certificate: {:?}",
        view.warnings
    );
    // Seen first at 22:30 UTC on 9 March: 23:30 on 9 March in Germany.
    assert!(
        changed[0].de.contains("TLS-Zertifikat (HAN)") && changed[0].de.contains("09.03.2026"),
        "{}",
        changed[0].de
    );
    assert!(
        changed[0].en.contains("since 2026-03-09"),
        "{}",
        changed[0].en
    );
}

/// An archive with one import register (1-0:1.8.0, daily values) whose raw values are
/// `raws`, one per day from 2026-03-01 on; returns the overview's warnings.
async fn overview_warnings_of(raws: &[i128]) -> Vec<durchblick_app::views::Text> {
    use archive::{Archive, ChannelKey, ChannelSpec, ChannelWindow, ContractInfo, Reading};
    use chrono::{Duration, TimeZone, Utc};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("frozen.sqlite");
    let db = Archive::open(&path).await.expect("archive");
    let now = Utc
        .with_ymd_and_hms(2026, 4, 1, 12, 0, 0)
        .single()
        .expect("time");
    let gw = db.gateway("EPPC0210486901", now).await.expect("gateway");
    let consumer = db.consumer(gw, "c1", now).await.expect("consumer");
    let contract = db
        .contract(
            consumer,
            &ContractInfo {
                usage_point_id: "01005e318021.taf1-1.sm".into(),
                taf_number: Some(1),
                ..Default::default()
            },
            now,
        )
        .await
        .expect("contract");
    let channel = db
        .channel(
            contract,
            &ChannelKey {
                database: "daily".into(),
                name: "0100010800ff.1ELS0012345678.sm".parse().expect("name"),
            },
            ChannelSpec {
                scaler: Some(-1),
                unit: Some(smgw_model::Unit::WattHour),
                period: Some(Duration::days(1)),
            },
        )
        .await
        .expect("channel");
    let first = Utc
        .with_ymd_and_hms(2026, 2, 28, 23, 0, 0)
        .single()
        .expect("time");
    let readings: Vec<Reading> = raws
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let at = first + Duration::days(i as i64);
            Reading {
                target_time: at,
                capture_time: Some(at),
                value: smgw_model::ScaledValue::new(*raw, -1),
                unit: smgw_model::Unit::WattHour,
                cosem_status: None,
                smgw_status: Some("a0000000".into()),
                meter_status: None,
                owner: None,
                signature: None,
            }
        })
        .collect();
    db.store_window(
        &[ChannelWindow {
            channel,
            readings: &readings,
            synced_until: readings.last().map(|r| r.target_time),
        }],
        None,
        now,
    )
    .await
    .expect("store");
    let view = durchblick_app::commands::overview_of(&db, path.display().to_string(), now)
        .await
        .expect("overview");
    db.close().await;
    view.warnings
}

/// Field failure 25: an import register that stood still for a week while values kept
/// coming is a warning in the overview, in the model's words; a moving one is not.
#[tokio::test]
async fn the_overview_warns_of_a_frozen_import_register() {
    // Counting for five days (1–5 March), then the same value for ten more days.
    let mut raws: Vec<i128> = (0..5).map(|i| 10_000 + i * 70).collect();
    raws.extend(std::iter::repeat_n(10_280, 10));
    let warnings = overview_warnings_of(&raws).await;
    let frozen: Vec<_> = warnings
        .iter()
        .filter(|w| w.de.contains("unverändert"))
        .collect();
    assert_eq!(frozen.len(), 1, "{warnings:?}");
    // Unchanged since the fifth value (5 March, local date) for ten days.
    assert!(
        frozen[0]
            .de
            .contains("seit dem 05.03.2026 unverändert (10 Tage)"),
        "{}",
        frozen[0].de
    );
    assert!(
        frozen[0].en.contains("1-0:1.8.0") && frozen[0].en.contains("since 2026-03-05"),
        "{}",
        frozen[0].en
    );

    // Six days still are not a week; a register that keeps counting is no warning.
    let mut raws: Vec<i128> = (0..9).map(|i| 10_000 + i * 70).collect();
    raws.extend(std::iter::repeat_n(10_560, 6));
    let warnings = overview_warnings_of(&raws).await;
    assert!(
        warnings.iter().all(|w| !w.de.contains("unverändert")),
        "{warnings:?}"
    );
    let warnings =
        overview_warnings_of(&(0..15).map(|i| 10_000 + i * 70).collect::<Vec<_>>()).await;
    assert!(
        warnings.iter().all(|w| !w.de.contains("unverändert")),
        "{warnings:?}"
    );
}
