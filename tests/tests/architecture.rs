//! The "only crate that knows X" rules of ARCHITECTURE.md, checked against the real
//! dependency graph (`cargo metadata`), so that a new dependency that breaks a layer fails
//! here instead of going unnoticed.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Every workspace member with the names of its direct dependencies (normal, dev and build).
fn workspace_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let mut deps = BTreeMap::new();
    for package in meta["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().expect("name").to_owned();
        let names = package["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .filter_map(|d| d["name"].as_str().map(str::to_owned))
            .collect();
        deps.insert(name, names);
    }
    deps
}

/// The members that depend on `dependency` directly.
fn users_of(deps: &BTreeMap<String, BTreeSet<String>>, dependency: &str) -> BTreeSet<String> {
    deps.iter()
        .filter(|(_, d)| d.contains(dependency))
        .map(|(name, _)| name.clone())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn each_outside_technology_is_known_to_its_one_crate_only() {
    let deps = workspace_dependencies();
    assert!(deps.contains_key("archive") && deps.contains_key("durchblick-app"));
    // (dependency, the members allowed to use it directly)
    let rules: &[(&str, &[&str])] = &[
        // Only the archive knows SQL.
        ("sqlx", &["archive"]),
        // Only the window knows Tauri.
        ("tauri", &["durchblick-app"]),
        ("tauri-build", &["durchblick-app"]),
        // Command-line parsing: the CLI, and the mock gateway's own binary.
        ("clap", &["durchblick-cli", "mock-smgw"]),
        // HTTP and TLS sockets: the CONEXA client, and the mock gateway that serves it.
        ("hyper", &["han-client", "mock-smgw"]),
        ("tokio-rustls", &["han-client", "mock-smgw"]),
        ("reqwest", &[]),
        // The CONEXA wire format stays behind the client and the gateway interface.
        // (`fuzz-targets`, test support never linked into the program, feeds every parser
        // directly.)
        (
            "han-protocol",
            &["han-client", "durchblick-sync", "fuzz-targets"],
        ),
        // Other makers' adapters are chosen in the application layer; the front doors and
        // everything below see only the Gateway interface.
        ("ppc-client", &["durchblick-core", "fuzz-targets"]),
        ("emh-client", &["durchblick-core", "fuzz-targets"]),
        // MQTT: the watch crate (and the CLI's test subscriber).
        ("rumqttc", &["durchblick-watch", "durchblick-cli"]),
    ];
    let mut broken = Vec::new();
    for (dependency, allowed) in rules {
        let extra: Vec<String> = users_of(&deps, dependency)
            .difference(&set(allowed))
            .cloned()
            .collect();
        if !extra.is_empty() {
            broken.push(format!("{dependency} is used by {extra:?}"));
        }
    }
    assert!(broken.is_empty(), "layer rules broken: {broken:#?}");
}

#[test]
fn the_model_and_the_gateway_interface_do_no_io() {
    let deps = workspace_dependencies();
    for pure in ["smgw-model", "gateway", "export", "tariff"] {
        let io: Vec<&String> = deps[pure]
            .iter()
            .filter(|d| {
                ["tokio", "sqlx", "hyper", "rustls", "tokio-rustls", "tauri"].contains(&d.as_str())
            })
            .collect();
        // The gateway interface's tests run on tokio; its library does not.
        let io: Vec<&String> = if pure == "gateway" {
            io.into_iter().filter(|d| d.as_str() != "tokio").collect()
        } else {
            io
        };
        assert!(io.is_empty(), "{pure} depends on {io:?}");
    }
}
