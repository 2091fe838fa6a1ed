//! The binary: one JSON line when ready, loopback only, builtin scenarios from anywhere.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mock-smgw"));
    // Builtin scenarios must not depend on the working directory.
    c.current_dir(std::env::temp_dir());
    c
}

fn ready_line(args: &[&str]) -> serde_json::Value {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    let _ = child.kill();
    let _ = child.wait();
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("one JSON line expected ({e}): {line:?}"))
}

#[test]
fn prints_one_json_line_with_address_fingerprint_and_scenario() {
    let v = ready_line(&["--listen", "127.0.0.1:0", "--scenario", "demo"]);
    let addr: std::net::SocketAddr = v["addr"]
        .as_str()
        .expect("addr")
        .parse()
        .expect("socket addr");
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let fp = v["fingerprint"].as_str().expect("fingerprint");
    assert_eq!(
        fp,
        mock_smgw::Scenario::builtin("demo")
            .expect("demo")
            .fingerprint_sha256()
    );
    assert_eq!(fp.len(), 64);
    assert_eq!(v["scenario"], "demo");
}

#[test]
fn loads_a_scenario_file_and_an_ar2418_file() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/prosumer/scenario.toml"
    );
    assert_eq!(ready_line(&["--scenario", dir])["scenario"], "prosumer");
    let xml = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/trudi-data/supplier-examples/TAF-7-Ablesung_Jan_2018.xml"
    );
    assert_eq!(
        ready_line(&["--scenario", "ar2418", "--from-ar2418", xml])["scenario"],
        "ar2418"
    );
}

#[test]
fn refuses_non_loopback_and_unknown_scenarios() {
    for args in [
        &["--listen", "0.0.0.0:0"][..],
        &["--listen", "192.200.1.100:443"],
        &["--scenario", "no-such-scenario"],
    ] {
        let out = bin().args(args).output().expect("run");
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}
