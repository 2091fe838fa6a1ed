#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/bundle_manifest/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::files::bundle_manifest(data));
