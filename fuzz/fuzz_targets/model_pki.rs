#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/model_pki/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::certs::wan_chain(data));
