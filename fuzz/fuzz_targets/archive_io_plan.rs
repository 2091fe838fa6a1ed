#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/archive_io_plan/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::ar::import_plan(data));
