//! The hints in the command line's `--json` output; the hints themselves (which meters,
//! what words) are `smgw_model::hint`'s, shared with the window.

use smgw_model::Lang;

pub use smgw_model::hint::{meters_without_export, no_export_text};

/// Stable key of the hint in `--json` output.
pub const NO_EXPORT_KEY: &str = "no-export-channel";

/// The hints for `--json`: empty, or one object with key, meters and text.
pub fn no_export_json(meters: &[String], lang: Lang) -> serde_json::Value {
    if meters.is_empty() {
        return serde_json::Value::Array(Vec::new());
    }
    serde_json::json!([{
        "key": NO_EXPORT_KEY,
        "meters": meters.iter().filter(|m| !m.is_empty()).collect::<Vec<_>>(),
        "message": no_export_text(meters, lang),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_key_meters_and_text() {
        assert_eq!(no_export_json(&[], Lang::En), serde_json::json!([]));
        let j = no_export_json(&["1ESY2".to_owned(), String::new()], Lang::En);
        assert_eq!(j[0]["key"], NO_EXPORT_KEY);
        assert_eq!(j[0]["meters"], serde_json::json!(["1ESY2"]));
        assert!(j[0]["message"].as_str().unwrap().contains("second login"));
    }
}
