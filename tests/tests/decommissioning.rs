//! The whole decommissioning chain over real parts: the demo gateway over TLS on
//! 127.0.0.1, a real SQLite archive, the bundle on disk, xmllint against the real XSD, and
//! the bundle's XML imported into a second archive.

use std::path::Path;
use std::process::Command;

use archive::Archive;
use archive_io::Selection;
use chrono::{DateTime, Utc};
use han_client::{Auth, CancelFlag, ConnectOptions, Connection, PinPolicy};
use smgw_model::records::Database;

const TAF7: &str = "01005e318023.taf7-1.sm";
const TAF7_NAME: &str = "Zählerstandsgangmessung (TAF 7)";

fn xsd_check(xml: &Path) {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/ar2418-6");
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", reference.join("catalog.xml"))
        .args(["--nonet", "--noout", "--schema"])
        .arg(reference.join("AR_2418-6.xsd"))
        .arg(xml)
        .output()
        .expect(
            "xmllint is installed (Debian package libxml2-utils; scripts/setup.sh installs it)",
        );
    assert!(
        out.status.success(),
        "{} does not validate:\n{}",
        xml.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The TAF-7 original value list of an export set as (target time, raw value, PTB status).
fn taf7_origin(set: &export::ExportSet) -> Vec<(DateTime<Utc>, i128, Option<u8>)> {
    // AR 2418-6 files name a contract by metering point id (shared by the demo's four
    // contracts) and tariff name, so after the re-import the name identifies it.
    let contract = set
        .contracts
        .iter()
        .find(|c| c.contract.usage_point_id == TAF7 || c.contract.name == TAF7_NAME)
        .expect("TAF-7 contract in the export");
    let list = contract
        .value_lists
        .iter()
        .find(|v| v.database == Database::Origin)
        .expect("origin list");
    list.readings
        .iter()
        .map(|r| (r.target_time, r.value.raw, r.ptb().map(|p| p.code())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_archive_bundle_verify_and_reimport_keep_every_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mock = mock_smgw::start(
        mock_smgw::Scenario::builtin("demo").expect("demo"),
        "127.0.0.1:0".parse().expect("address"),
        mock_smgw::Options::default(),
    )
    .await
    .expect("mock");
    let expected = mock
        .scenario()
        .expected_readings("demo", TAF7, "origin", "0100010800ff")
        .expect("expected readings");
    let expected_log = mock.scenario().expected_log("demo").expect("log");

    // 1. Sync the demo gateway into a fresh archive.
    let archive = Archive::open(dir.path().join("archive.sqlite"))
        .await
        .expect("archive");
    let mut opts = ConnectOptions::new(
        "127.0.0.1",
        Auth::Digest {
            user: "demo".into(),
            password: "demo".into(),
        },
        PinPolicy::Pinned(mock.fingerprint_sha256().parse().expect("fingerprint")),
    );
    opts.port = mock.addr().port();
    let mut session =
        han_client::ConexaGateway::new(Connection::connect(opts).await.expect("connect"));
    durchblick_sync::sync(
        &mut session,
        &archive,
        &durchblick_sync::SyncOptions::default(),
        |_| {},
        &CancelFlag::new(),
    )
    .await
    .expect("sync");

    // 2. Everything the gateway holds is in the archive, exactly.
    let created = DateTime::from_timestamp(mock.scenario().now(), 0).expect("now");
    let set = archive_io::export_set(&archive, &Selection::default(), created)
        .await
        .expect("export set");
    let got = taf7_origin(&set);
    assert_eq!(got.len(), expected.len());
    for (g, w) in got.iter().zip(&expected) {
        assert_eq!((g.0.timestamp(), g.1), (w.target_time, i128::from(w.value)));
    }
    // The hard cases survive with their status (warning, temporary, critical, fatal).
    for code in [1, 2, 3, 4] {
        assert!(
            got.iter().any(|g| g.2 == Some(code)),
            "no value with PTB {code}"
        );
    }
    assert_eq!(set.log.len(), expected_log.len());

    // 3. The decommissioning bundle verifies; its XML validates against the XSD.
    let bundle = dir.path().join("bundle");
    export::write_bundle(&set, &bundle).expect("bundle");
    let report = export::verify_bundle(&bundle).expect("verify");
    assert!(report.is_ok(), "{report:?}");
    let xml = bundle.join("ar2418-6.xml");
    xsd_check(&xml);

    // 4. The bundle's XML imported into a second archive gives the same value list.
    let second = Archive::open(dir.path().join("second.sqlite"))
        .await
        .expect("second archive");
    archive_io::import_file(&second, &xml, created)
        .await
        .expect("import");
    let again = archive_io::export_set(&second, &Selection::default(), created)
        .await
        .expect("export set of the import");
    assert_eq!(taf7_origin(&again), got);
    assert_eq!(again.log.len(), set.log.len());
    // Every contract stays a contract of its own, with every value list and value.
    assert_eq!(again.contracts.len(), set.contracts.len());
    let count = |s: &export::ExportSet| -> usize {
        s.contracts
            .iter()
            .flat_map(|c| &c.value_lists)
            .map(|v| v.readings.len())
            .sum()
    };
    assert_eq!(count(&again), count(&set));

    // 5. Importing the bundle into the archive it came from adds nothing.
    let report = archive_io::import_file(&archive, &xml, created)
        .await
        .expect("re-import into the source archive");
    assert_eq!(report.readings.inserted, 0, "{report:?}");
    assert_eq!(report.readings.new_conflicts, 0, "{report:?}");
    assert_eq!(report.contracts_added, 0, "{report:?}");
}
