#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/model_taf_profile/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::model::taf_profile(data));
