#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/emh_json/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::makers::emh_json(data));
