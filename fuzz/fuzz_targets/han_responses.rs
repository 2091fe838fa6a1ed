#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/han_responses/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::han::responses(data));
