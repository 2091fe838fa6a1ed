//! Files a user hands in: a supplier's tariff file, a bundle's `MANIFEST.sha256`, a JSON
//! export.

/// A supplier's tariff file (and the device value lists of the same document): what reads
/// is evaluated, which gives a bill or an error value.
pub fn tariff_input(data: &[u8]) {
    let Ok(profile) = tariff::from_ar2418::supplier_bytes(data) else {
        return;
    };
    let Ok(doc) = ar2418::read(data) else {
        panic!("supplier_bytes read a file that ar2418::read refuses");
    };
    if let Ok(series) = tariff::from_ar2418::device_series(&doc) {
        let _ = tariff::evaluate(&profile, &series);
    }
}

/// `MANIFEST.sha256`: every accepted line is a lower-case SHA-256 and a path inside the
/// bundle, and the lines written from them read the same.
pub fn bundle_manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sums) = export::bundle::parse_sums(text) else {
        return;
    };
    let mut written = String::new();
    for (path, sum) in &sums {
        assert_eq!(sum.len(), 64, "{sum:?}");
        assert!(
            sum.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{sum:?}"
        );
        assert!(!path.starts_with('/') && !path.contains('\\'), "{path:?}");
        assert!(
            path.split('/')
                .all(|p| !p.is_empty() && p != "." && p != ".."),
            "{path:?} leaves the bundle"
        );
        written.push_str(&format!("{sum}  {path}\n"));
    }
    match export::bundle::parse_sums(&written) {
        Ok(again) => assert_eq!(again, sums, "written manifest reads differently"),
        Err(e) => panic!("written manifest does not read: {e}"),
    }
}

/// A JSON export read back: what reads, written again, reads the same.
pub fn export_json(data: &[u8]) {
    let Ok(doc) = export::read_json(data) else {
        return;
    };
    let text = match serde_json::to_vec(&doc) {
        Ok(t) => t,
        Err(e) => panic!("a document that read does not write: {e}"),
    };
    match export::read_json(&text[..]) {
        Ok(again) => assert_eq!(again, doc, "JSON write → read"),
        Err(e) => panic!("written JSON does not read: {e}"),
    }
}
