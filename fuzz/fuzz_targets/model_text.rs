#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/model_text/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::model::text(data));
