//! The real `durchblick` binary against the real mock gateway over TLS on 127.0.0.1.
//!
//! Each test starts its own mock (in this process, on a free port) and runs the binary
//! with a private config directory, so pins never leak between tests or into the user's
//! real config.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mock_smgw::{Options, RunningMock, Scenario};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");

fn demo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../mock-smgw/scenarios/demo")
        .join(name)
}

async fn mock(name: &str) -> RunningMock {
    let scenario = Scenario::builtin(name).expect("builtin scenario");
    mock_smgw::start(
        scenario,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Options::default(),
    )
    .await
    .expect("mock starts")
}

struct Run {
    config: tempfile::TempDir,
    port: u16,
}

impl Run {
    fn new(mock: &RunningMock) -> Self {
        Run {
            config: tempfile::tempdir().expect("temp dir"),
            port: mock.addr().port(),
        }
    }

    /// Runs `durchblick --lang en <args> --host 127.0.0.1 --port P <connect>` with the
    /// given environment; a blocking call, fine on the multi-threaded test runtime.
    fn run(&self, args: &[&str], connect: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("--lang").arg("en").args(args);
        cmd.args(["--host", "127.0.0.1", "--port", &self.port.to_string()]);
        cmd.args(connect);
        cmd.env("DURCHBLICK_CONFIG_DIR", self.config.path());
        cmd.env_remove("DURCHBLICK_PASSWORD");
        cmd.env_remove("DURCHBLICK_P12_PASSWORD");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(std::process::Stdio::null());
        cmd.output().expect("binary runs")
    }

    fn pins(&self) -> Value {
        let text = std::fs::read_to_string(self.config.path().join("pins.json")).expect("pins");
        serde_json::from_str(&text).expect("pins are JSON")
    }
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const DIGEST: &[&str] = &["--user", "demo", "--trust-on-first-use"];
const PASSWORD: &[(&str, &str)] = &[("DURCHBLICK_PASSWORD", "demo")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_contact_asks_then_pins_then_refuses_a_changed_certificate() {
    let mock = mock("demo").await;
    let run = Run::new(&mock);
    let fp = mock.fingerprint_sha256().to_owned();

    // No confirmation possible (no terminal): refused, and the fingerprint is shown.
    let out = run.run(&["info"], &["--user", "demo"], PASSWORD);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let shown: String = fp
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join(":");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&shown),
        "{}",
        text(&out)
    );
    assert!(!run.config.path().join("pins.json").exists());

    // Confirmed: connects and remembers exactly the mock's fingerprint.
    let out = run.run(&["info"], DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ETHE0310486901"));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Check of the WAN certificate chain"),
        "{}",
        text(&out)
    );
    // The demo gateway reports the HAN certificate it uses: no warning.
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("Warning"),
        "{}",
        text(&out)
    );
    let out = run.run(&["--json", "info"], DIGEST, PASSWORD);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["han_certificate_matches_connection"], Value::Bool(true));
    // The demo's WAN certificates are a real chain (P-384 sub-CA, P-256 signature key).
    assert_eq!(doc["wan_chain"][0]["verdict"], "ok", "{}", doc["wan_chain"]);
    assert_eq!(doc["wan_chain"][0]["signature"]["curve"], "p384");
    let key = format!("127.0.0.1:{}", run.port);
    assert_eq!(run.pins()["pins"][&key], Value::String(fp.clone()));

    // The pin now suffices without --trust-on-first-use.
    let out = run.run(&["contracts"], &["--user", "demo"], PASSWORD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // The demo's TAF 2 tariff profile is a real signed container: decoded and verified.
    let out = run.run(
        &["channels", "--contract", "01005e318022.taf2-1.sm"],
        &["--user", "demo"],
        PASSWORD,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Tariff profile: signature valid (P-256, SHA-256)"),
        "{stdout}"
    );
    assert!(stdout.contains("06:00 → 1"), "{stdout}");
    let out = run.run(
        &["--json", "channels", "--contract", "01005e318022.taf2-1.sm"],
        &["--user", "demo"],
        PASSWORD,
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["tariff_profile"]["signature"]["result"], "valid");
    assert_eq!(doc["tariff_profile"]["profile"]["stages"][1]["name"], "NT");
    // Field failure 29: the household login shows import, no export; the hint says that
    // export is usually a second login.
    assert!(stdout.contains("second login"), "{stdout}");
    assert_eq!(doc["hints"][0]["key"], "no-export-channel", "{doc}");
    assert!(doc["hints"][0]["message"]
        .as_str()
        .unwrap()
        .contains("second login"));

    // A different certificate on the same address is refused, naming both fingerprints,
    // even with --trust-on-first-use, and the pin is not replaced.
    let other = "00".repeat(32);
    let mut pins = run.pins();
    pins["pins"][&key] = Value::String(other.clone());
    std::fs::write(
        run.config.path().join("pins.json"),
        serde_json::to_vec(&pins).unwrap(),
    )
    .unwrap();
    let out = run.run(&["info"], DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr)
        .to_lowercase()
        .replace(':', "");
    assert!(err.contains(&fp) && err.contains(&other), "{}", text(&out));
    assert_eq!(run.pins()["pins"][&key], Value::String(other));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_and_missing_login_have_their_exit_codes() {
    let mock = mock("demo").await;
    let run = Run::new(&mock);
    let out = run.run(&["info"], DIGEST, &[("DURCHBLICK_PASSWORD", "wrong")]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));

    let p12 = demo_file("client-modern.p12");
    let out = run.run(
        &["info"],
        &["--p12", p12.to_str().unwrap(), "--trust-on-first-use"],
        &[("DURCHBLICK_P12_PASSWORD", "not-demo")],
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));

    let out = run.run(&["info"], &["--trust-on-first-use"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // No password in the environment and no terminal to ask: a usage error, not a hang.
    let out = run.run(&["info"], DIGEST, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_pkcs12_encryptions_and_pem_log_in() {
    let mock = mock("demo").await;
    let run = Run::new(&mock);
    for file in ["client-modern.p12", "client-legacy.p12"] {
        let p12 = demo_file(file);
        let out = run.run(
            &["--json", "contracts"],
            &["--p12", p12.to_str().unwrap(), "--trust-on-first-use"],
            &[("DURCHBLICK_P12_PASSWORD", "demo")],
        );
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out));
    }
    let (cert, key) = (demo_file("client.pem"), demo_file("client-key.pem"));
    let out = run.run(
        &["--json", "contracts"],
        &[
            "--pem-cert",
            cert.to_str().unwrap(),
            "--pem-key",
            key.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_equals_what_the_scenario_generated() {
    let mock = mock("demo").await;
    let run = Run::new(&mock);
    let scenario = mock.scenario();

    let out = run.run(&["--json", "contracts"], DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let ids: Vec<&str> = doc["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["usage_point_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, scenario.usage_point_ids("demo").unwrap());

    // Two days of 15-minute values across a 31-day window edge is not needed here; the
    // range is given in UTC so the expectation is independent of the local zone.
    let taf7 = "01005e318023.taf7-1.sm";
    let (from, to) = ("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z");
    let out = run.run(
        &[
            "--json",
            "readings",
            "--contract",
            taf7,
            "--from",
            from,
            "--to",
            to,
        ],
        DIGEST,
        PASSWORD,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let got = doc["channels"][0]["readings"].as_array().unwrap();
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
    let want = scenario
        .expected_readings_between(
            "demo",
            taf7,
            "origin",
            "0100010800ff",
            parse(from),
            parse(to),
        )
        .unwrap();
    // 29 March 2026 is the spring DST day: 2 × 96 UTC quarter hours regardless.
    assert_eq!(got.len(), 192);
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g["value"]["raw"], Value::String(w.value.to_string()));
        assert_eq!(parse(g["target_time"].as_str().unwrap()), w.target_time);
        // Beside each value: its PTB status and status bits (the JSON export's form).
        assert!(g["status_bits"].is_array(), "{g}");
        assert!(g["ptb_status"].is_u64(), "{g}");
        assert_eq!(
            g["signature_note"].is_null(),
            g["signature"].is_null(),
            "{g}"
        );
    }

    // The demo signs its daily values: the signature is there verbatim, with a note
    // that it cannot be checked here, never a verdict.
    let taf1 = "01005e318021.taf1-1.sm";
    let daily = [
        "readings",
        "--contract",
        taf1,
        "--database",
        "daily",
        "--from",
        "2026-03-01T00:00:00Z",
        "--to",
        "2026-03-05T00:00:00Z",
    ];
    let out = run.run(&[&["--json"], &daily[..]].concat(), DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let signed: Vec<&Value> = doc["channels"][0]["readings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["signature"].is_string())
        .collect();
    assert!(!signed.is_empty(), "{doc}");
    for r in signed {
        assert_eq!(
            r["signature_note"]["en"],
            "signature present — cannot be checked by this program"
        );
    }
    let out = run.run(&daily, DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("present*"), "{stdout}");
    assert!(
        stdout.contains("* signature present — cannot be checked by this program"),
        "{stdout}"
    );
    assert!(
        !stdout.to_lowercase().contains("valid"),
        "no verdict: {stdout}"
    );

    let out = run.run(&["--json", "log"], DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let entries = doc["entries"].as_array().unwrap();
    let want = scenario.expected_log("demo").unwrap();
    assert_eq!(entries.len(), want.len());
    assert_eq!(entries[0]["index"], want[0].index);
    assert_eq!(
        entries.last().unwrap()["message"],
        Value::String(want.last().unwrap().message.clone())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_test_runs_once_then_is_locked() {
    let mock = mock("demo").await;
    let run = Run::new(&mock);
    let out = run.run(&["self-test"], DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run.run(&["self-test"], DIGEST, PASSWORD);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
}

#[test]
fn demo_tour_runs_in_both_languages() {
    for (lang, expect) in [("de", "Verträge"), ("en", "Contracts")] {
        let out = Command::new(BIN)
            .args(["--lang", lang, "demo"])
            .output()
            .expect("binary runs");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(expect), "{stdout}");
        assert!(stdout.contains("ETHE0310486901"), "{stdout}");
        // One handshake for the whole tour: the session reuses its connection.
        assert!(
            stdout.contains("1 TLS-Handshake") || stdout.contains("1 TLS handshake"),
            "{stdout}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prosumer_login_with_export_gets_no_hint() {
    let mock = mock("prosumer").await;
    let run = Run::new(&mock);
    // The prosumer scenario's login (mock-smgw/scenarios/prosumer/scenario.toml).
    let contract = "0a1b2c3d4e60.taf7-1.sm";
    let login = ["--user", "sonne", "--trust-on-first-use"];
    let env = [("DURCHBLICK_PASSWORD", "photovoltaik")];
    let out = run.run(&["channels", "--contract", contract], &login, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2.8.0"), "{stdout}");
    assert!(!stdout.contains("second login"), "{stdout}");
    let out = run.run(
        &["--json", "channels", "--contract", contract],
        &login,
        &env,
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["hints"], serde_json::json!([]), "{doc}");
}
