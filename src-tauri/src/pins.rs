//! The window's side of the pin file shared with the command line
//! ([`han_client::PinStore`]): its failures in German and English.

use std::path::Path;

use han_client::{PinFileError, PinStore};

use crate::error::UiError;

/// Where pins live (the command line's file).
pub use han_client::default_pin_path as default_path;

fn ui_error(e: &PinFileError, saving: bool) -> UiError {
    match e {
        PinFileError::Damaged { path, source } => UiError::local(
            &format!("Die Datei {} mit den gemerkten Zertifikaten ist beschädigt (bitte prüfen oder löschen)", path.display()),
            &format!("The file {} with the remembered certificates is damaged (please check or delete it)", path.display()),
            source,
        ),
        PinFileError::Io { path, source } if saving => UiError::local(
            &format!("Das Zertifikat konnte nicht in {} gemerkt werden", path.display()),
            &format!("Could not remember the certificate in {}", path.display()),
            source,
        ),
        PinFileError::Io { path, source } => UiError::local(
            &format!("{} lässt sich nicht lesen", path.display()),
            &format!("Cannot read {}", path.display()),
            source,
        ),
    }
}

/// Reads the pin file (missing: empty).
pub fn load(path: &Path) -> Result<PinStore, UiError> {
    PinStore::load(path).map_err(|e| ui_error(&e, false))
}

/// Writes the pin file.
pub fn save(store: &PinStore, path: &Path) -> Result<(), UiError> {
    store.save(path).map_err(|e| ui_error(&e, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damaged_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub").join("pins.json");
        assert_eq!(load(&path).expect("missing is empty"), PinStore::default());
        let mut store = PinStore::default();
        store.set("127.0.0.1", 443, "ab");
        save(&store, &path).expect("save");
        let back = load(&path).expect("load");
        assert_eq!(back.get("127.0.0.1", 443), Some("ab"));
        assert_eq!(back.get("127.0.0.1", 444), None);
        std::fs::write(&path, b"{not json").expect("write");
        let err = load(&path).expect_err("damaged");
        assert!(err.de.contains("beschädigt"), "{}", err.de);
    }
}
