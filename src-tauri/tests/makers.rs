//! A whole window session with each maker's demo gateway (PPC, EMH) over real TLS on
//! 127.0.0.1, through the window's commands: gateway, contracts, a day of values,
//! logbook, sync into a real SQLite file, and the decommissioning bundle from the archive.

mod common;

use std::path::Path;

use common::core;
use durchblick_app::commands::{
    ExportFormat, ExportRequest, ExportSource, ValuesRequest, VendorChoice,
};

async fn session(vendor: VendorChoice, smgw_id: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let core = core(dir.path());
    let view = core.start_demo(vendor).await.expect("demo");
    assert_eq!(view.vendor, vendor);

    let gateway = core.gateway().await.expect("gateway screen");
    assert_eq!(gateway.gateway.id, smgw_id);
    let contracts = core.contracts().await.expect("contracts");
    let with_values = contracts
        .iter()
        .find(|c| c.stores_values)
        .expect("a contract with value lists");
    let day = core
        .values(
            ValuesRequest {
                usage_point_id: with_values.usage_point_id.clone(),
                database: "origin".into(),
                channels: Vec::new(),
                from: "2026-11-18".into(),
                to: "2026-11-19".into(),
            },
            &mut |_| {},
        )
        .await
        .expect("a day of values");
    // A Berlin day of quarter hours, plus the reading the first interval starts from.
    assert!(
        day.channels.iter().any(|c| c.values >= 96),
        "{vendor:?}: {:?}",
        day.channels.iter().map(|c| c.values).collect::<Vec<_>>()
    );
    let log = core.logbook(&mut |_| {}).await.expect("logbook").entries;
    assert!(!log.is_empty());

    let synced = core.sync(&mut |_| {}).await.expect("sync");
    assert!(synced.path.ends_with("demo.sqlite"), "{}", synced.path);
    assert_eq!(synced.smgw_id, smgw_id);
    assert!(synced.values_new > 10_000, "{synced:?}");
    assert!(synced.log_new >= log.len() as u64 - 1, "{synced:?}");

    let out = tempfile::tempdir().expect("temp dir");
    let status = core.archive_status().await.expect("archive");
    let consumer = &status.gateways[0].consumers[0];
    let bundle = core
        .export(
            ExportRequest {
                source: ExportSource::Archive {
                    smgw_id: smgw_id.to_owned(),
                    user_id: consumer.user_id.clone(),
                },
                format: ExportFormat::Bundle,
                from: "2025-01-01".into(),
                to: "2026-12-01".into(),
                place: core.hold_place(out.path()).expect("place").token,
                lang: Default::default(),
            },
            &mut |_| {},
        )
        .await
        .expect("bundle from the archive");
    assert_eq!(bundle.values, synced.values_new + synced.current_new);
    let report = export::verify_bundle(Path::new(&bundle.path)).expect("bundle verifies");
    assert!(report.is_ok(), "{report:?}");
    core.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_session_with_a_ppc_gateway() {
    session(VendorChoice::Ppc, "EPPC0210486901").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_session_with_an_emh_gateway() {
    session(VendorChoice::Emh, "EEMH0012345678").await;
}
