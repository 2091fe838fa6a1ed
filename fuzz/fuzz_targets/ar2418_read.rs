#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/ar2418_read/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::ar::read(data));
