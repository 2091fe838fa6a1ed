//! Replays the checked-in seed corpora (`fuzz/corpus/<target>/`) through the fuzz targets'
//! bodies on the stable toolchain, and keeps `fuzz/` and [`fuzz_targets::TARGETS`] in step.

use std::collections::BTreeSet;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn names_in(dir: &Path, suffix: &str) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(suffix).map(str::to_owned))
        .collect()
}

#[test]
fn every_target_has_a_wrapper_a_binary_and_seeds() {
    let listed: BTreeSet<String> = fuzz_targets::TARGETS
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    assert_eq!(listed.len(), fuzz_targets::TARGETS.len(), "a name twice");
    let wrappers = names_in(&fuzz_dir().join("fuzz_targets"), ".rs");
    assert_eq!(wrappers, listed, "fuzz/fuzz_targets/*.rs vs TARGETS");
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let corpora = names_in(&fuzz_dir().join("corpus"), "");
    assert_eq!(corpora, listed, "fuzz/corpus/* vs TARGETS");
    for name in &listed {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "no [[bin]] {name} in fuzz/Cargo.toml"
        );
        let wrapper = fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs")))
            .expect("wrapper");
        assert!(
            wrapper.contains(&format!("corpus/{name}/")),
            "{name}.rs names another corpus"
        );
        let seeds = fs::read_dir(fuzz_dir().join("corpus").join(name))
            .expect("corpus")
            .count();
        assert!(seeds >= 3, "{name}: only {seeds} seeds");
    }
}

#[test]
fn seed_corpora_replay_without_a_finding() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (name, body) in fuzz_targets::TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| Some(e.ok()?.path()))
            .collect();
        files.sort();
        for file in files {
            let data = fs::read(&file).expect("seed");
            if catch_unwind(AssertUnwindSafe(|| body(&data))).is_err() {
                failures.push(format!("{name}: {}", file.display()));
            }
            replayed += 1;
        }
    }
    assert!(failures.is_empty(), "findings:\n{}", failures.join("\n"));
    assert!(
        replayed >= 3 * fuzz_targets::TARGETS.len(),
        "{replayed} seeds"
    );
}

/// The targets are not vacuous: a seed of each kind gets past the first parse.
#[test]
fn seeds_reach_the_parsers() {
    let seed = |target: &str, file: &str| {
        fs::read(fuzz_dir().join("corpus").join(target).join(file))
            .unwrap_or_else(|e| panic!("{target}/{file}: {e}"))
    };
    let limits = han_protocol::Limits::default();
    assert!(
        han_protocol::response::parse_readings(&seed("han_readings", "plain.json"), &limits)
            .is_ok()
    );
    assert!(
        han_protocol::fuzzing::readings_fast(&seed("han_readings", "plain.json"), &limits)
            .is_some()
    );
    assert!(han_protocol::fuzzing::readings_fast(
        &seed("han_readings", "odd-spellings.json"),
        &limits
    )
    .is_none());
    assert!(han_protocol::response::parse_readings(
        &seed("han_readings", "odd-spellings.json"),
        &limits
    )
    .is_ok());
    assert!(ar2418::read(&seed("ar2418_read", "device.xml")[..]).is_ok());
    assert!(tariff::from_ar2418::supplier_bytes(&seed("tariff_input", "supplier.xml")).is_ok());
    assert!(ppc_client::signed::unwrap(&seed("ppc_signed", "profile.cms")).is_ok());
    let taf = seed("model_taf_profile", "signed.cms");
    let cms_len = usize::from(u16::from_be_bytes([taf[0], taf[1]]));
    let profile = smgw_model::read_taf_profile(&taf[2..2 + cms_len], Some(&taf[2 + cms_len..]));
    assert!(
        profile.profile.is_some() && profile.signature.is_valid(),
        "{profile:?}"
    );
    let chain = seed("model_pki", "chain");
    let sig_len = usize::from(u16::from_be_bytes([chain[0], chain[1]]));
    let sig = &chain[2..2 + sig_len];
    let rest = &chain[2 + sig_len..];
    let ca_len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
    let cert = |kind, der: &[u8]| smgw_model::Certificate {
        kind,
        index: Some(0),
        der: der.to_vec(),
    };
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-02T12:00:00Z")
        .expect("time")
        .to_utc();
    let checks = smgw_model::check_wan_chain(
        &[
            cert(smgw_model::CertificateKind::Signature, sig),
            cert(smgw_model::CertificateKind::SubCa, &rest[2..2 + ca_len]),
        ],
        now,
    );
    assert_eq!(
        checks[0].verdict(),
        smgw_model::ChainVerdict::Ok,
        "{checks:?}"
    );
}
