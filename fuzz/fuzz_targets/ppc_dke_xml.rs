#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/ppc_dke_xml/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::makers::ppc_dke_xml(data));
