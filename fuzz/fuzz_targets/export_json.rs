#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/export_json/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::files::export_json(data));
