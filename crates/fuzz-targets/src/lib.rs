//! The bodies of the fuzz targets in `fuzz/`: one function per parser fed by a gateway or
//! a file, each asserting what must hold for any input (no panic; the fast and the lenient
//! `readings` path agree or both refuse; what is read and written back reads the same).
//!
//! The targets in `fuzz/fuzz_targets/` are three-line wrappers around [`TARGETS`]; the
//! same functions replay the checked-in seed corpora (`fuzz/corpus/<target>/`) under plain
//! `cargo test -p fuzz-targets` on the stable toolchain. A panic here is a finding, so the
//! assertions are the point of this crate (it is never linked into the program).

pub mod ar;
pub mod certs;
pub mod files;
pub mod han;
pub mod makers;
pub mod model;

/// The body of a fuzz target: any bytes in, a panic only for a finding.
pub type Body = fn(&[u8]);

/// Every fuzz target: its name (the file in `fuzz/fuzz_targets/` and the corpus folder)
/// and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("han_readings", han::readings),
    ("han_responses", han::responses),
    ("han_digest", han::digest),
    ("han_location", han::location),
    ("ar2418_read", ar::read),
    ("ar2418_cert", ar::cert),
    ("archive_io_plan", ar::import_plan),
    ("tariff_input", files::tariff_input),
    ("bundle_manifest", files::bundle_manifest),
    ("export_json", files::export_json),
    ("model_text", model::text),
    ("model_taf_profile", model::taf_profile),
    ("model_taf_xml", model::taf_xml),
    ("model_pki", certs::wan_chain),
    ("der_pem", certs::der_pem),
    ("ppc_html", makers::ppc_html),
    ("ppc_signed", makers::ppc_signed),
    ("ppc_dke_xml", makers::ppc_dke_xml),
    ("emh_json", makers::emh_json),
];

/// The body of the target called `name`.
pub fn target(name: &str) -> Option<Body> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Splits an input into `n` parts at the first `n - 1` `\0` bytes (missing parts are
/// empty), so that one input can carry several values (headers, a certificate and a key).
pub(crate) fn split(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts: Vec<&[u8]> = data.splitn(n, |b| *b == 0).collect();
    parts.resize(n, &[]);
    parts
}

/// Splits a binary input into `n` parts: each but the last is preceded by its length (two
/// bytes, big-endian, cut to what is there), the last is the rest. DER holds `\0` bytes,
/// so it cannot be split at them.
pub(crate) fn split_len(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = data;
    for _ in 1..n {
        let (len, after) = match rest {
            [a, b, after @ ..] => (usize::from(u16::from_be_bytes([*a, *b])), after),
            _ => (0, &[][..]),
        };
        let (part, next) = after.split_at(len.min(after.len()));
        parts.push(part);
        rest = next;
    }
    parts.push(rest);
    parts
}
