#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/ppc_html/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::makers::ppc_html(data));
