//! Remembered gateway certificate fingerprints ("pins"), one per host and port, in a small
//! JSON file in the user's config directory. A pin is only ever written after the user
//! confirmed a fingerprint (`--trust-on-first-use` or `--pin`), never silently replaced.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Pins keyed by `host:port`, values are lower-case SHA-256 hex of the certificate DER.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct PinStore {
    pins: BTreeMap<String, String>,
}

/// Where pins live unless `DURCHBLICK_CONFIG_DIR` says otherwise (tests use that).
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
    /// Reads the store; a missing file is an empty store, a damaged one is an error (we do
    /// not want to forget pins because of a typo someone made in the file).
    pub fn load(path: &Path) -> Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("the pin file {} is damaged", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// The pinned fingerprint for this gateway, if any.
    pub fn get(&self, host: &str, port: u16) -> Option<&str> {
        self.pins.get(&key(host, port)).map(String::as_str)
    }

    /// Remember a fingerprint the user confirmed.
    pub fn set(&mut self, host: &str, port: u16, fingerprint: &str) {
        self.pins
            .insert(key(host, port), fingerprint.to_ascii_lowercase());
    }

    /// Writes the store atomically (temp file + rename), so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let tmp = path.with_extension("json.tmp");
        let mut file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(&serde_json::to_vec_pretty(self)?)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_survive_a_save_and_load_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("pins.json");
        assert_eq!(PinStore::load(&path).unwrap(), PinStore::default());
        let mut store = PinStore::default();
        store.set("192.200.1.100", 443, "ABCDEF");
        store.save(&path).unwrap();
        let back = PinStore::load(&path).unwrap();
        assert_eq!(back.get("192.200.1.100", 443), Some("abcdef"));
        assert_eq!(back.get("192.200.1.100", 8443), None);
    }

    #[test]
    fn a_damaged_pin_file_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pins.json");
        std::fs::write(&path, b"{not json").unwrap();
        let err = PinStore::load(&path).unwrap_err();
        assert!(format!("{err:#}").contains("damaged"), "{err:#}");
    }
}
