#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/tariff_input/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::files::tariff_input(data));
