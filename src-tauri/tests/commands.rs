//! The command layer against the demo gateway over real TLS on loopback: login modes,
//! pinning, error messages in both languages, and every screen's data.

mod common;

use common::*;
use durchblick_app::commands::{check_bill, AppCore, ConnectOutcome, ValuesRequest};
use durchblick_app::error::ErrorKind;

#[tokio::test]
async fn first_contact_asks_then_remembers_the_certificate() {
    let mock = mock().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core_in(dir.path());
    let out = core
        .connect(password(&mock, "demo", "demo", None))
        .await
        .expect("first contact is not an error");
    let ConnectOutcome::ConfirmCertificate {
        fingerprint,
        subject,
    } = out
    else {
        panic!("first contact must ask, got {out:?}");
    };
    assert_eq!(fingerprint, mock.fingerprint_sha256());
    assert!(!subject.is_empty());
    assert!(
        core.session().await.is_none(),
        "no session before confirming"
    );
    assert!(
        !dir.path().join("pins.json").exists(),
        "nothing remembered before confirming"
    );

    let out = core
        .connect(password(&mock, "demo", "demo", Some(&fingerprint)))
        .await
        .expect("confirmed connect");
    let ConnectOutcome::Connected(session) = out else {
        panic!("expected a session, got {out:?}");
    };
    assert_eq!(session.fingerprint, fingerprint);
    assert!(!session.demo);
    let pins = std::fs::read_to_string(dir.path().join("pins.json")).expect("pin file");
    assert!(pins.contains(&fingerprint), "{pins}");

    // A second core with the same pin file connects without asking.
    let again = core_in(dir.path());
    let out = again
        .connect(password(&mock, "demo", "demo", None))
        .await
        .expect("pinned connect");
    assert!(matches!(out, ConnectOutcome::Connected(_)), "{out:?}");
}

#[tokio::test]
async fn wrong_password_gives_the_message_in_both_languages() {
    let mock = mock().await;
    let dir = tempfile::tempdir().expect("temp dir");
    pin(dir.path(), &mock, mock.fingerprint_sha256());
    let err = core_in(dir.path())
        .connect(password(&mock, "demo", "not-the-password", None))
        .await
        .expect_err("wrong password must fail");
    assert_eq!(err.kind, ErrorKind::Authentication, "{err:?}");
    assert!(err.de.contains("Passwort falsch"), "{}", err.de);
    assert!(err.en.contains("password wrong"), "{}", err.en);
    assert_eq!(
        err.de,
        han_client::ClientError::LoginRefused.message(smgw_model::Lang::De)
    );
}

#[tokio::test]
async fn pkcs12_login_modern_and_legacy_and_wrong_key_password() {
    let mock = mock().await;
    let dir = tempfile::tempdir().expect("temp dir");
    pin(dir.path(), &mock, mock.fingerprint_sha256());
    let core = core_in(dir.path());
    for file in ["client-modern.p12", "client-legacy.p12"] {
        let out = core
            .connect(pkcs12(&core, &mock, file, "demo"))
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let ConnectOutcome::Connected(s) = out else {
            panic!("{file}: expected a session, got {out:?}");
        };
        assert_eq!(s.userid, "01005e318011.consumer1.sm");
    }
    let data = std::fs::read(demo_file("client-modern.p12")).expect("p12");
    // The key file is read by Rust when picked; the window passes its token.
    let picked = core.hold_file("client-modern.p12", data).expect("held");
    assert_eq!(picked.name, "client-modern.p12");
    let cert = core.inspect_pkcs12(picked.token, "demo").expect("inspect");
    assert!(
        !cert.subject.is_empty() && !cert.issuer.is_empty(),
        "{cert:?}"
    );
    assert!(cert.not_before.is_some() && cert.not_after.is_some());
    assert_eq!(cert.fingerprint.len(), 64);

    let err = core
        .inspect_pkcs12(picked.token, "wrong")
        .expect_err("wrong key password");
    assert_eq!(err.kind, ErrorKind::Authentication);
    assert!(
        err.de.contains("Passwort der Zertifikatsdatei ist falsch"),
        "{}",
        err.de
    );
    let err = core
        .connect(pkcs12(&core, &mock, "client-modern.p12", "wrong"))
        .await
        .expect_err("wrong key password on connect");
    assert!(
        err.en.contains("password of the certificate file is wrong"),
        "{}",
        err.en
    );
    let garbage = core
        .hold_file("notes.txt", b"not a key file".to_vec())
        .expect("held");
    let err = core
        .inspect_pkcs12(garbage.token, "demo")
        .expect_err("garbage");
    assert!(
        err.en.contains("not a valid certificate file"),
        "{}",
        err.en
    );
}

#[tokio::test]
async fn changed_certificate_is_refused_with_both_fingerprints() {
    let mock = mock().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let old = "ab".repeat(32);
    pin(dir.path(), &mock, &old);
    let core = core_in(dir.path());
    let err = core
        .connect(password(&mock, "demo", "demo", None))
        .await
        .expect_err("changed certificate must not connect");
    assert_eq!(err.kind, ErrorKind::CertificateChanged, "{err:?}");
    assert_eq!(err.pinned.as_deref(), Some(old.as_str()));
    assert_eq!(err.presented.as_deref(), Some(mock.fingerprint_sha256()));
    assert!(err.de.starts_with("Achtung"), "{}", err.de);
    assert!(core.session().await.is_none());
    let pins = std::fs::read_to_string(dir.path().join("pins.json")).expect("pins");
    assert!(
        pins.contains(&old),
        "the old pin stays until the user decides"
    );
}

#[tokio::test]
async fn demo_gateway_screens() {
    let core = AppCore::new(None).with_demo_clock(DemoClock::Scenario);
    assert_eq!(
        core.gateway().await.expect_err("no session").kind,
        ErrorKind::NotConnected
    );
    let session = core
        .start_demo(Default::default())
        .await
        .expect("demo starts");
    assert!(session.demo);
    assert_eq!(session.host, "127.0.0.1");

    let gw = core.gateway().await.expect("gateway");
    assert_eq!(gw.gateway.id, "ETHE0310486901");
    assert!(gw.gateway.state.is_some());
    assert!(gw.gateway.time.is_some());
    assert_eq!(gw.gateway.firmware[0].version, "3.2.17");
    assert!(!gw.gateway.certificates.is_empty());
    assert_eq!(gw.gateway.han_certificate_matches, Some(true));
    // The demo's WAN entries are real chains: each signature certificate verifies with its
    // sub-CA's key and both are valid at the gateway's time.
    assert!(!gw.gateway.wan_chain.is_empty());
    for c in &gw.gateway.wan_chain {
        assert_eq!(c.verdict, smgw_model::ChainVerdict::Ok, "{c:?}");
        assert_eq!(c.findings.len(), 4);
    }
    assert_eq!(gw.self_test_lock_seconds, 0);

    let contracts = core.contracts().await.expect("contracts");
    let tafs: Vec<u16> = contracts.iter().map(|c| c.taf).collect();
    assert_eq!(tafs, vec![1, 2, 7, 10]);
    let taf7 = &contracts[2];
    assert!(taf7.transparency_bit && taf7.stores_values);
    assert_eq!(taf7.databases.len(), 3);
    assert_eq!(taf7.databases[0].channels[0].obis, "1-0:1.8.0*255");
    assert!(!contracts[3].stores_values);

    // The day of the scenario's four-hour gap: 96 quarter hours, 16 of them missing.
    let mut steps = Vec::new();
    let day = core
        .values(
            ValuesRequest {
                usage_point_id: TAF7.into(),
                database: "origin".into(),
                channels: vec![IMPORT.into()],
                from: "2025-06-03".into(),
                to: "2025-06-04".into(),
            },
            &mut |p| steps.push(p),
        )
        .await
        .expect("values of one day");
    let ch = &day.channels[0];
    let gap_rows: Vec<&str> = ch
        .rows
        .iter()
        .filter(|r| r.gap)
        .map(|r| r.t.as_str())
        .collect();
    // One row per quarter hour, gaps included, and the value at the start of the day.
    assert_eq!(ch.rows.len(), 97);
    assert_eq!(ch.values + gap_rows.len(), 97);
    assert_eq!(ch.rows[0].t, "03.06.2025 00:00");
    assert_eq!(ch.gaps, 1);
    assert!(gap_rows.contains(&"03.06.2025 13:00"), "{gap_rows:?}");
    assert_eq!(ch.period_seconds, Some(900));
    assert!(ch
        .rows
        .iter()
        .filter(|r| !r.gap)
        .all(|r| r.de.as_deref().is_some_and(|v| v.contains(','))));
    assert_eq!(day.statuses.len(), 5);
    let chart = ch
        .chart
        .as_ref()
        .expect("a day of register values makes a load curve");
    assert!(chart.de.contains("<svg") && chart.en.contains("<svg"));
    assert_ne!(chart.de, chart.en, "axis words follow the language");
    assert_eq!(steps.last().map(|p| (p.step, p.steps)), Some((1, Some(1))));

    let reversed = core
        .values(
            ValuesRequest {
                usage_point_id: TAF7.into(),
                database: "origin".into(),
                channels: vec![IMPORT.into()],
                from: "2025-06-04".into(),
                to: "2025-06-03".into(),
            },
            &mut |_| {},
        )
        .await;
    assert_eq!(reversed.expect_err("reversed range").kind, ErrorKind::Data);

    let current = core.current_values(TAF10).await.expect("current values");
    assert_eq!(current.channels.len(), 2);
    assert!(current
        .channels
        .iter()
        .all(|c| c.rows.len() == 1 && !c.rows[0].gap));

    let mut pages = 0;
    let log = core
        .logbook(&mut |_| pages += 1)
        .await
        .expect("logbook")
        .entries;
    assert_eq!(log.len(), 3000);
    assert!(
        core.logbook(&mut |_| {})
            .await
            .expect("logbook")
            .warnings
            .is_empty(),
        "the demo's logbook reads whole"
    );
    assert!(pages >= 2, "progress once per 1500-entry page, got {pages}");
    assert!(log.windows(2).all(|w| w[0].index < w[1].index));

    let started = core.self_test().await.expect("self-test");
    assert_eq!(started.lock_seconds, 600);
    let err = core.self_test().await.expect_err("locked for 10 minutes");
    assert_eq!(err.kind, ErrorKind::SelfTestLocked);
    assert!(
        core.gateway()
            .await
            .expect("gateway")
            .self_test_lock_seconds
            > 590
    );

    core.disconnect().await;
    assert_eq!(
        core.contracts().await.expect_err("after disconnect").kind,
        ErrorKind::NotConnected
    );
}

#[tokio::test]
async fn a_year_of_values_with_progress_and_cancel() {
    let core = AppCore::new(None).with_demo_clock(DemoClock::Scenario);
    core.start_demo(Default::default()).await.expect("demo");
    let mut progress = Vec::new();
    let year = core
        .values(
            ValuesRequest {
                usage_point_id: TAF7.into(),
                database: "origin".into(),
                channels: vec![IMPORT.into()],
                from: "2025-11-01".into(),
                to: "2026-11-01".into(),
            },
            &mut |p| progress.push(p),
        )
        .await
        .expect("a year");
    let ch = &year.channels[0];
    // 365 days of quarter hours, one DST day shorter and one longer: exactly 35040, and
    // the value at the start, which the first interval's consumption starts from.
    assert_eq!(ch.row_count, 35_041);
    // The chart gets what shapes the line (issue #15: a year was 35,041 points).
    let points = &ch.points;
    assert!(points.thinned);
    assert!(
        points.i.len() <= 4 * durchblick_app::views::CHART_BUCKETS + 2,
        "{} points",
        points.i.len()
    );
    assert_eq!(
        (points.x.len(), points.y.len(), points.s.len()),
        (points.i.len(), points.i.len(), points.i.len()),
    );
    // The answer carries the first rows; the others are paged (issue #15).
    assert_eq!(ch.rows.len(), durchblick_app::views::FIRST_ROWS);
    assert_eq!(ch.rows[0].t, "01.11.2025 00:00");
    let mut paged = Vec::with_capacity(ch.row_count);
    while paged.len() < ch.row_count {
        let page = core
            .value_rows(year.answer, 0, paged.len(), 5_000)
            .expect("a page of rows");
        assert!(
            !page.is_empty() && page.len() <= durchblick_app::views::MAX_PAGE,
            "{} rows in one page",
            page.len()
        );
        paged.extend(page);
    }
    assert_eq!(paged.len(), ch.row_count);
    assert_eq!(&paged[..ch.rows.len()], &ch.rows[..]);
    assert_eq!(paged.last().map(|r| r.t.as_str()), Some("01.11.2026 00:00"));
    assert!(core
        .value_rows(year.answer, 0, ch.row_count, 10)
        .expect("past the end")
        .is_empty());
    // Each point is its row: gap or value and status code alike.
    let check = |points: &durchblick_app::views::ChartPoints| {
        for (k, row) in points.i.iter().enumerate() {
            let r = &paged[*row as usize];
            assert_eq!(r.gap, points.y[k].is_none(), "row {row}");
            assert_eq!(r.s, points.s[k], "row {row}");
        }
    };
    check(points);
    assert_eq!(points.i.first(), Some(&0));
    assert_eq!(points.i.last().map(|i| *i as usize), Some(ch.row_count - 1));
    // A zoomed week: every one of its rows, in order, with the overview outside.
    let week_from = points.x[0] + 200 * 86_400;
    let week_to = week_from + 7 * 86_400;
    let zoomed = core
        .chart_points(year.answer, 0, week_from, week_to)
        .expect("a zoomed view");
    check(&zoomed);
    let inside: Vec<u32> = zoomed
        .i
        .iter()
        .zip(&zoomed.x)
        .filter(|(_, x)| (week_from..=week_to).contains(*x))
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(inside.len(), 7 * 96 + 1, "every quarter hour of the week");
    assert!(
        inside.windows(2).all(|w| w[1] == w[0] + 1),
        "no row left out"
    );
    assert!(zoomed.i.len() < points.i.len() + inside.len() + 2);
    assert_eq!(
        core.chart_points(year.answer + 1, 0, week_from, week_to)
            .expect_err("no such answer")
            .kind,
        ErrorKind::Data
    );
    assert_eq!(
        paged.iter().filter(|r| !r.gap).count(),
        ch.values,
        "values and gap rows add up"
    );
    assert_eq!(
        core.value_rows(year.answer, 1, 0, 10)
            .expect_err("there is one channel")
            .kind,
        ErrorKind::Data
    );
    assert!(
        year.channels[0].chart.is_some(),
        "a year makes monthly bars"
    );
    // Historic consumption of the register: a row per local day, ISO week, month, year.
    let use_ = year.channels[0]
        .consumption
        .as_ref()
        .expect("1.8.0 is a register");
    assert_eq!(use_.day.len(), 365);
    assert_eq!(use_.month.len(), 12);
    assert_eq!(use_.year.len(), 2);
    assert!((52..=54).contains(&use_.week.len()), "{}", use_.week.len());
    assert_eq!(use_.day[0].period.de, "01.11.2025");
    assert_eq!(use_.month[0].period.en, "2025-11");
    // November 2025 has values from its first to its last moment; the year 2025 only
    // from November on, and February 2026 has a day-long gap.
    assert!(!use_.month[0].partial && !use_.day[0].partial);
    assert!(use_.year[0].partial);
    let feb = use_
        .month
        .iter()
        .find(|m| m.period.en == "2026-02")
        .expect("Feb");
    assert!(feb.partial);
    assert_eq!(use_.month.iter().filter(|m| m.partial).count(), 1);
    assert!(
        use_.year[0].amount.de.ends_with("kWh"),
        "{:?}",
        use_.year[0]
    );
    assert!(progress.len() >= 12, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0].items <= w[1].items));

    core.cancel().expect("cancel");
    // A new call gets a fresh flag: an old cancel must not stop it.
    let again = core
        .values(
            ValuesRequest {
                usage_point_id: TAF7.into(),
                database: "daily".into(),
                channels: vec![],
                from: "2025-11-01".into(),
                to: "2025-12-01".into(),
            },
            &mut |_| {},
        )
        .await
        .expect("a month of daily values");
    // 1 November to 1 December, both ends included.
    assert_eq!(again.channels[0].values, 31);
    // The year's table was replaced: its pages are refused with a clear message.
    assert_ne!(again.answer, year.answer);
    let replaced = core
        .value_rows(year.answer, 0, 0, 10)
        .expect_err("an older answer");
    assert_eq!(replaced.kind, ErrorKind::Data);
    assert!(replaced.de.contains("Anzeigen"), "{}", replaced.de);
    assert_eq!(
        core.value_rows(again.answer, 0, 0, 100)
            .expect("the newest answer")
            .len(),
        again.channels[0].row_count
    );
}

#[test]
fn bill_check_of_trudi_reference_files() {
    let supplier =
        std::fs::read(reference("taf2/supplier_2_day.xml")).expect("reference supplier file");
    let device = std::fs::read(reference("taf2/result_3_days.xml")).expect("reference device file");
    let bill = check_bill(&supplier, &device).expect("bill");
    let direct = tariff::from_ar2418::check_bill(
        reference("taf2/result_3_days.xml"),
        reference("taf2/supplier_2_day.xml"),
    )
    .expect("library result");
    assert_eq!(bill.use_case, "TAF 2");
    assert_eq!(bill.registers.len(), direct.registers.len());
    assert_eq!(bill.days.len(), direct.days.len());
    assert!(!bill.days.is_empty());
    assert_eq!(
        bill.checksums["ripemd160"],
        direct.checksums.ripemd160.as_str()
    );
    assert!(bill.registers.iter().all(|r| r.amount.de.ends_with("Wh")));

    let err = check_bill(&device, &supplier).expect_err("swapped files");
    assert_eq!(err.kind, ErrorKind::Data);
    assert!(err.de.contains("Lieferantendatei"), "{}", err.de);
}

#[tokio::test]
async fn exports_every_format_from_a_live_pull() {
    use durchblick_app::commands::{ExportFormat, ExportRequest};
    let core = AppCore::new(None).with_demo_clock(DemoClock::Scenario);
    core.start_demo(Default::default()).await.expect("demo");
    let dir = tempfile::tempdir().expect("temp dir");
    let request = |format, name: &str| ExportRequest {
        source: Default::default(),
        format,
        from: "2026-11-18".into(),
        to: "2026-11-20".into(),
        place: common::place(&core, dir.path().join(name)),
        lang: Default::default(),
    };
    let mut progress = 0;
    let xml = core
        .export(request(ExportFormat::Xml, "values.xml"), &mut |_| {
            progress += 1
        })
        .await
        .expect("xml export");
    assert!(progress > 0);
    // Two days of quarter hours for TAF 7 alone; the log entries of those two days.
    assert!(xml.values >= 192, "{xml:?}");
    assert!(xml.warnings.is_empty(), "the demo's answers all read");
    let (from, to) = ("2026-11-17T23:00:00Z", "2026-11-19T23:00:00Z");
    let in_period = core
        .logbook(&mut |_| {})
        .await
        .expect("log")
        .entries
        .iter()
        .filter(|e| {
            e.time
                .as_ref()
                .is_some_and(|t| from <= t.utc.as_str() && t.utc.as_str() < to)
        })
        .count();
    assert!(in_period > 0);
    assert_eq!(xml.log_entries, in_period);
    let doc =
        ar2418::read(&std::fs::read(&xml.path).expect("xml file")[..]).expect("our XML reads back");
    assert!(!doc.usage_points.is_empty());

    let csv = core
        .export(request(ExportFormat::CsvGerman, "values.csv"), &mut |_| {})
        .await
        .expect("csv");
    let text = std::fs::read_to_string(&csv.path).expect("csv file");
    assert!(text.starts_with('\u{feff}'), "German CSV starts with a BOM");
    assert!(
        text.lines().count() as u64 > csv.values,
        "one line per value plus header"
    );

    let log = core
        .export(
            request(ExportFormat::LogCsvInternational, "log.csv"),
            &mut |_| {},
        )
        .await
        .expect("log csv");
    assert_eq!(
        std::fs::read_to_string(&log.path)
            .expect("log")
            .lines()
            .count(),
        in_period + 1
    );

    let json = core
        .export(request(ExportFormat::Json, "all.json"), &mut |_| {})
        .await
        .expect("json");
    let back = export::read_json(std::fs::File::open(&json.path).expect("json file"));
    assert!(back.is_ok(), "{back:?}");

    let bundle = core
        .export(request(ExportFormat::Bundle, ""), &mut |_| {})
        .await
        .expect("bundle");
    assert!(bundle.files > 3, "{bundle:?}");
    let report =
        export::verify_bundle(std::path::Path::new(&bundle.path)).expect("bundle verifies");
    assert!(report.changed.is_empty() && report.missing.is_empty() && report.extra.is_empty());

    // The same bundle as one zip file (as `durchblick export bundle --out FILE.zip`): the
    // same files inside, in a folder named like the zip.
    let zip = core
        .export(request(ExportFormat::BundleZip, "paket"), &mut |_| {})
        .await
        .expect("zip bundle");
    assert!(zip.path.ends_with("paket.zip"), "{zip:?}");
    let listing = std::process::Command::new("unzip")
        .arg("-Z1")
        .arg(&zip.path)
        .output()
        .expect("unzip runs");
    assert!(listing.status.success());
    let mut in_zip: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|l| !l.ends_with('/'))
        .filter_map(|l| l.strip_prefix("paket/").map(str::to_owned))
        .collect();
    in_zip.sort();
    let root = std::path::PathBuf::from(&bundle.path);
    let mut in_folder: Vec<String> = files_in_tree(&root)
        .into_iter()
        .map(|(path, _)| {
            let rel = path.strip_prefix(&root).expect("inside");
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    in_folder.sort();
    assert_eq!(in_zip, in_folder);

    let err = core
        .export(
            ExportRequest {
                place: common::place(&core, "/nonexistent-dir/x.csv"),
                ..request(ExportFormat::CsvGerman, "")
            },
            &mut |_| {},
        )
        .await
        .expect_err("unwritable place");
    assert!(err.de.contains("anderen Speicherort"), "{}", err.de);

    // The window names places by the token of the user's choice only: one never handed
    // out is refused before anything is read or written (issue #12).
    let before = files_in_tree(dir.path());
    let err = core
        .export(
            ExportRequest {
                place: 9_999,
                ..request(ExportFormat::Bundle, "")
            },
            &mut |_| {},
        )
        .await
        .expect_err("a place never chosen");
    assert_eq!(err.kind, ErrorKind::Data);
    assert!(err.en.contains("choose it again"), "{}", err.en);
    assert!(core.save_chart(9_999, "<svg></svg>").is_err());
    assert_eq!(files_in_tree(dir.path()), before, "nothing written");

    let svg_path = dir.path().join("chart.svg");
    std::fs::write(
        &svg_path,
        "an older, longer file that must be replaced whole",
    )
    .expect("old");
    core.save_chart(common::place(&core, &svg_path), "<svg></svg>")
        .expect("save chart");
    assert_eq!(
        std::fs::read_to_string(&svg_path).expect("chart"),
        "<svg></svg>"
    );
    // Written through a temporary file in the same folder, which is gone afterwards.
    assert!(!dir.path().join("chart.svg.part").exists());
    let failed = core
        .save_chart(
            common::place(&core, "/nonexistent-dir/x.svg"),
            "<svg></svg>",
        )
        .expect_err("unwritable place");
    assert!(failed.en.contains("x.svg"), "{}", failed.en);
    let not_svg = core.save_chart(common::place(&core, &svg_path), "not svg");
    assert!(not_svg.is_err());
    assert_eq!(
        std::fs::read_to_string(&svg_path).expect("chart"),
        "<svg></svg>"
    );
}

/// TAF 2: the values carry the tariff stages of their period from the contract's
/// profile (HT 06:00–22:00 German time, NT else), for the chart's background.
#[tokio::test]
async fn taf2_values_carry_their_tariff_stages() {
    let core = AppCore::new(None).with_demo_clock(DemoClock::Scenario);
    core.start_demo(Default::default()).await.expect("demo");
    let day_of = |contract: &str| ValuesRequest {
        usage_point_id: contract.into(),
        database: "origin".into(),
        channels: vec![IMPORT.into()],
        from: "2025-06-03".into(),
        to: "2025-06-04".into(),
    };
    let day = core
        .values(day_of(TAF2), &mut |_| {})
        .await
        .expect("a TAF-2 day");
    let stages = day.stages.expect("TAF 2 has stages");
    assert_eq!(stages.names, ["1 HT", "2 NT"]);
    let utc = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .expect("time")
            .timestamp()
    };
    let bands: Vec<(i64, i64, u8)> = stages.bands.iter().map(|b| (b.from, b.to, b.n)).collect();
    // Summer time: 06:00 and 22:00 in Germany are 04:00 and 20:00 UTC. The period
    // starts a second before local midnight (the value at midnight is asked for too).
    assert_eq!(
        bands,
        [
            (utc("2025-06-02T21:59:59Z"), utc("2025-06-03T04:00:00Z"), 1),
            (utc("2025-06-03T04:00:00Z"), utc("2025-06-03T20:00:00Z"), 0),
            (utc("2025-06-03T20:00:00Z"), utc("2025-06-03T22:00:00Z"), 1),
        ]
    );
    // A contract with one stage gets none.
    let taf7 = core
        .values(day_of(TAF7), &mut |_| {})
        .await
        .expect("a TAF-7 day");
    assert_eq!(taf7.stages, None);
}

/// Every file below `dir`, with its size.
fn files_in_tree(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let size = std::fs::metadata(&path).expect("size").len();
                out.push((path, size));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn demo_contracts_carry_their_tariff_profile_and_the_export_hint() {
    let core = AppCore::new(None).with_demo_clock(DemoClock::Scenario);
    core.start_demo(Default::default())
        .await
        .expect("demo starts");
    let contracts = core.contracts().await.expect("contracts");
    let taf2 = contracts
        .iter()
        .find(|c| c.taf == 2)
        .expect("the demo has a TAF-2 contract");
    let profile = taf2
        .tariff_profile
        .as_ref()
        .expect("the mock sends a signed profile");
    // Signed by the mock with the seal key of `cert-index` 0; checked against the seal
    // certificate of the gateway's facts.
    assert_eq!(profile.signature, "valid", "{profile:?}");
    assert!(profile.signature_text.de.contains("gültig"));
    assert!(profile.signature_text.en.contains("valid"));
    assert_eq!(profile.error, None);
    assert_eq!(profile.raw, None, "a readable profile is not shown raw");
    assert_eq!(profile.taf.as_deref(), Some("2"));
    assert!(profile.valid_from.is_some());
    // The mock's two-stage program on the registers of the tariff value list.
    let stages: Vec<(&str, Option<&str>, Option<&str>)> = profile
        .stages
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_deref(), s.register.as_deref()))
        .collect();
    assert_eq!(
        stages,
        vec![
            ("1", Some("HT"), Some("0100010801ff")),
            ("2", Some("NT"), Some("0100010802ff")),
        ]
    );
    assert_eq!(profile.day_profiles.len(), 1);
    let switches: Vec<(&str, &str)> = profile.day_profiles[0]
        .switches
        .iter()
        .map(|s| (s.time.as_str(), s.stage.as_str()))
        .collect();
    assert_eq!(switches, vec![("06:00", "1"), ("22:00", "2")]);
    // The capture time is no part of the profile's reading: kept as sent.
    assert!(
        profile
            .unknown
            .iter()
            .any(|u| u.path.ends_with("CaptureTime") && !u.text.is_empty()),
        "{:?}",
        profile.unknown
    );
    // A TAF-1 profile has no stages; it is still there and checked.
    let taf1 = contracts.iter().find(|c| c.taf == 1).expect("TAF 1");
    let p1 = taf1.tariff_profile.as_ref().expect("TAF-1 profile");
    assert_eq!(p1.signature, "valid");
    assert!(p1.stages.is_empty() && p1.day_profiles.is_empty());

    // The demo household imports only: every contract with an import register carries
    // the CLI's hint in both languages.
    let hint = taf2.no_export_hint.as_ref().expect("import without export");
    assert_eq!(
        hint.de,
        smgw_model::hint::no_export_text(&[String::new()], smgw_model::Lang::De)
    );
    assert!(hint.en.contains("second login"), "{}", hint.en);
    core.disconnect().await;
}

#[tokio::test]
async fn a_prosumer_contract_with_export_gets_no_hint() {
    let scenario = mock_smgw::Scenario::builtin("prosumer").expect("builtin prosumer");
    let mock = mock_smgw::start(
        scenario,
        std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
        mock_smgw::Options::default(),
    )
    .await
    .expect("mock starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core_in(dir.path());
    let fingerprint = mock.fingerprint_sha256();
    let out = core
        .connect(password(&mock, "sonne", "photovoltaik", Some(fingerprint)))
        .await
        .expect("connect");
    assert!(matches!(out, ConnectOutcome::Connected(_)), "{out:?}");
    let contracts = core.contracts().await.expect("contracts");
    let taf7 = contracts
        .iter()
        .find(|c| c.taf == 7)
        .expect("the prosumer's TAF-7 contract");
    assert!(taf7
        .databases
        .iter()
        .any(|db| db.channels.iter().any(|ch| ch.obis == "1-0:2.8.0*255")));
    assert_eq!(taf7.no_export_hint, None, "export is there");
    core.disconnect().await;
}

/// Issue #12: a live export from a gateway whose auxiliary fields cannot be decoded is
/// written all the same, and says what was left out.
#[tokio::test]
async fn a_live_export_carries_the_answers_warnings() {
    use durchblick_app::commands::{ExportFormat, ExportRequest};
    let mock = mock().await;
    mock.set_faults(mock_smgw::Faults {
        broken_auxiliary: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core_in(dir.path());
    let fingerprint = mock.fingerprint_sha256().to_owned();
    let out = core
        .connect(password(&mock, "demo", "demo", Some(&fingerprint)))
        .await
        .expect("connect");
    assert!(matches!(out, ConnectOutcome::Connected(_)), "{out:?}");
    let done = core
        .export(
            ExportRequest {
                source: Default::default(),
                format: ExportFormat::Json,
                from: "2026-11-19".into(),
                to: "2026-11-20".into(),
                place: common::place(&core, dir.path().join("all.json")),
                lang: Default::default(),
            },
            &mut |_| {},
        )
        .await
        .expect("the export is written despite the broken fields");
    assert!(done.values > 0, "{done:?}");
    let paths: Vec<&str> = done.warnings.iter().map(|w| w.path.as_str()).collect();
    assert!(
        paths.contains(&"smgw-info.certificates.han.tls"),
        "{paths:?}"
    );
    assert!(done
        .warnings
        .iter()
        .all(|w| !w.message.de.is_empty() && !w.message.en.is_empty()));

    // The logbook's pages come with the same broken envelope: the entries are all there,
    // and so is the warning.
    let log = core.logbook(&mut |_| {}).await.expect("logbook");
    assert_eq!(log.entries.len(), 3000);
    let paths: Vec<&str> = log.warnings.iter().map(|w| w.path.as_str()).collect();
    assert!(paths.contains(&"elapsed-time"), "{paths:?}");
    core.disconnect().await;
}

/// Field failure 17: what looks like a copying mistake is said in both languages as the
/// password is typed, with the CLI's words; an ordinary password gets nothing.
#[test]
fn password_hints_name_the_trailing_full_stop() {
    use durchblick_app::commands::password_hints;
    let hints = password_hints("geheim.");
    assert_eq!(hints.hints.len(), 1, "{hints:?}");
    assert!(hints.hints[0].de.contains("endet mit einem Punkt"));
    assert!(hints.hints[0].en.contains("ends with a full stop"));
    let why = hints.why.expect("said once with the hints");
    assert!(why.en.contains("sends the password as typed"), "{}", why.en);

    let several = password_hints(" 1THE0012345678geheim.");
    assert_eq!(several.hints.len(), 3, "{several:?}");

    let none = password_hints("geheim");
    assert!(none.hints.is_empty() && none.why.is_none(), "{none:?}");
}
