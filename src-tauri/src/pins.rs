//! Remembered gateway certificate fingerprints ("pins"), one per host and port.
//!
//! The file is the command line's (`pins.json` in the config directory, or in
//! `DURCHBLICK_CONFIG_DIR`), so a gateway confirmed in one front door is known in the
//! other. A pin is written only after the user confirmed the fingerprint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::UiError;

/// Pins keyed by `host:port`; values are lower-case SHA-256 hex of the certificate DER.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinStore {
    pins: BTreeMap<String, String>,
}

/// Where pins live: `DURCHBLICK_CONFIG_DIR/pins.json`, else the user's config directory.
pub fn default_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DURCHBLICK_CONFIG_DIR") {
        return Some(PathBuf::from(dir).join("pins.json"));
    }
    dirs::config_dir().map(|dir| dir.join("durchblick").join("pins.json"))
}

fn key(host: &str, port: u16) -> String {
    format!("{host}:{port}")
}

impl PinStore {
    /// Reads the store; a missing file is an empty store. A damaged file is an error:
    /// silently forgetting pins would turn a changed certificate into a "first contact".
    pub fn load(path: &Path) -> Result<Self, UiError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                UiError::local(
                    &format!("Die Datei {} mit den gemerkten Zertifikaten ist beschädigt (bitte prüfen oder löschen)", path.display()),
                    &format!("The file {} with the remembered certificates is damaged (please check or delete it)", path.display()),
                    &e,
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(UiError::local(
                &format!("{} lässt sich nicht lesen", path.display()),
                &format!("Cannot read {}", path.display()),
                &e,
            )),
        }
    }

    /// The pin for a gateway, if any.
    pub fn get(&self, host: &str, port: u16) -> Option<&str> {
        self.pins.get(&key(host, port)).map(String::as_str)
    }

    /// Remembers a pin.
    pub fn set(&mut self, host: &str, port: u16, fingerprint: &str) {
        self.pins.insert(key(host, port), fingerprint.to_owned());
    }

    /// Writes the store atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), UiError> {
        let fail = |e: &dyn std::fmt::Display| {
            UiError::local(
                &format!(
                    "Das Zertifikat konnte nicht in {} gemerkt werden",
                    path.display()
                ),
                &format!("Could not remember the certificate in {}", path.display()),
                e,
            )
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| fail(&e))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| fail(&e))?;
        std::fs::rename(&tmp, path).map_err(|e| fail(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damaged_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub").join("pins.json");
        assert_eq!(
            PinStore::load(&path).expect("missing is empty"),
            PinStore::default()
        );
        let mut store = PinStore::default();
        store.set("127.0.0.1", 443, "ab");
        store.save(&path).expect("save");
        let back = PinStore::load(&path).expect("load");
        assert_eq!(back.get("127.0.0.1", 443), Some("ab"));
        assert_eq!(back.get("127.0.0.1", 444), None);
        std::fs::write(&path, b"{not json").expect("write");
        let err = PinStore::load(&path).expect_err("damaged");
        assert!(err.de.contains("beschädigt"), "{}", err.de);
    }
}
