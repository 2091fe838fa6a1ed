//! Scenario loading: files on disk equal the compiled-in copies, bad files are rejected,
//! and scenario-level faults apply.

mod common;

use common::*;
use mock_smgw::ScenarioError;

#[test]
fn builtin_and_on_disk_scenarios_agree() {
    for name in Scenario::builtin_names() {
        let a = Scenario::builtin(name).expect("builtin");
        let b = Scenario::load(scenario_dir(name)).expect("from disk");
        assert_eq!(a.name(), name);
        assert_eq!(a.fingerprint_sha256(), b.fingerprint_sha256());
        assert_eq!(a.consumer_names(), b.consumer_names());
    }
    let demo = Scenario::builtin("demo").expect("demo");
    let huge = Scenario::builtin("huge").expect("huge");
    assert_ne!(
        demo.fingerprint_sha256(),
        huge.fingerprint_sha256(),
        "one HAN key per scenario"
    );
    assert_eq!(huge.expected_log("demo").expect("log").len(), 10_000);
    assert!(matches!(
        Scenario::builtin("nope"),
        Err(ScenarioError::UnknownBuiltin(_))
    ));
}

fn patched(edit: impl Fn(String) -> String) -> Result<Scenario, ScenarioError> {
    let dir = tempfile::tempdir().expect("tempdir");
    for e in std::fs::read_dir(scenario_dir("demo")).expect("demo") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy");
    }
    let p = dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, edit(text)).expect("write");
    Scenario::load(&p)
}

#[test]
fn invalid_scenarios_are_rejected() {
    let r = patched(|t| t.replace("seed = 20261120", "seed = 1\ncolour = \"blue\""));
    assert!(matches!(r, Err(ScenarioError::Toml(_))), "unknown key");
    let r = patched(|t| t.replacen("DE0001234567890AB0000000000000001", "DE123", 1));
    assert!(
        matches!(r, Err(ScenarioError::Invalid(_))),
        "short metering point id"
    );
    let r = patched(|t| t.replacen("step = \"15m\"", "step = \"7m\"", 1));
    assert!(
        matches!(r, Err(ScenarioError::Invalid(_))),
        "step not on the 15-minute grid"
    );
    let r = patched(|t| t.replace("cert = \"han-cert.pem\"", "cert = \"missing.pem\""));
    assert!(matches!(r, Err(ScenarioError::Io { .. })), "missing file");
    let r = patched(|t| t.replacen("obis = \"0100010800ff\"", "obis = \"0100630100ff\"", 1));
    assert!(
        matches!(r, Err(ScenarioError::Invalid(_))),
        "OBIS the generator cannot serve"
    );
}

#[tokio::test]
async fn scenario_faults_are_active_from_the_start() {
    let sc = patched(|t| {
        t.replacen(
            "[[consumers]]",
            "[faults]\nerror-500-on-call = 1\n\n[[consumers]]",
            1,
        )
    })
    .expect("patched");
    let mock = mock_smgw::start(sc, "127.0.0.1:0".parse().expect("addr"), Options::default())
        .await
        .expect("start");
    let mut s = Session::cert(&mock, "demo", "client").await;
    assert_eq!(
        s.call(serde_json::json!({"method": "smgw-info"}))
            .await
            .status,
        500
    );
    assert_eq!(
        s.call(serde_json::json!({"method": "smgw-info"}))
            .await
            .status,
        200
    );
    mock.shutdown().await;
}
