#![no_main]
// The body lives in crates/fuzz-targets, where `cargo test` replays corpus/der_pem/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::certs::der_pem(data));
