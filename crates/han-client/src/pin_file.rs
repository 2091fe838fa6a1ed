//! Remembered gateway certificate fingerprints ("pins"), one per host and port, in a small
//! JSON file in the user's config directory. The command line and the window share this
//! file, so a gateway confirmed in one front door is known in the other. A pin is only
//! ever written after the user confirmed a fingerprint, never silently replaced.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the pin file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PinFileError {
    /// The file exists but is not a pin file. Treating it as empty would turn a changed
    /// certificate into a "first contact", so this is an error.
    #[error("the pin file {} is damaged: {source}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// The OS refused to read or write it.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file (or its directory).
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// An entry is not a SHA-256 fingerprint. Ignoring it would make the next contact a
    /// silent "first contact".
    #[error("the pin file {} has no fingerprint for {entry}", path.display())]
    BadEntry {
        /// The file.
        path: PathBuf,
        /// The entry (`host:port`).
        entry: String,
    },
}

impl PinFileError {
    /// What happened and what to do.
    pub fn message(&self, lang: crate::Lang) -> String {
        use crate::Lang::{De, En};
        match (self, lang) {
            (PinFileError::Damaged { path, source }, De) => format!(
                "Die Datei {} mit den gemerkten Zertifikaten ist beschädigt ({source}). Bitte prüfen oder löschen; danach wird das Zertifikat des Gateways beim Verbinden wieder zur Bestätigung gezeigt.",
                path.display()
            ),
            (PinFileError::Damaged { path, source }, En) => format!(
                "The file {} with the remembered certificates is damaged ({source}). Please check or delete it; the gateway's certificate is then shown for confirmation again when connecting.",
                path.display()
            ),
            (PinFileError::BadEntry { path, entry }, De) => format!(
                "Die Datei {} mit den gemerkten Zertifikaten enthält für {entry} keinen gültigen Fingerabdruck. Bitte den Eintrag prüfen oder löschen.",
                path.display()
            ),
            (PinFileError::BadEntry { path, entry }, En) => format!(
                "The file {} with the remembered certificates holds no valid fingerprint for {entry}. Please check or delete the entry.",
                path.display()
            ),
            (PinFileError::Io { path, source }, De) => format!(
                "Auf die Datei {} mit den gemerkten Zertifikaten kann nicht zugegriffen werden: {source}. Bitte Rechte und freien Platz prüfen.",
                path.display()
            ),
            (PinFileError::Io { path, source }, En) => format!(
                "Cannot access the file {} with the remembered certificates: {source}. Please check its permissions and the free space.",
                path.display()
            ),
        }
    }
}

/// Pins keyed by `host:port`; values are lower-case SHA-256 hex of the certificate DER.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinStore {
    pins: BTreeMap<String, String>,
}

/// Where pins live: `DURCHBLICK_CONFIG_DIR/pins.json` (tests use that), else
/// `durchblick/pins.json` in the user's config directory.
pub fn default_pin_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DURCHBLICK_CONFIG_DIR") {
        return Some(PathBuf::from(dir).join("pins.json"));
    }
    dirs::config_dir().map(|dir| dir.join("durchblick").join("pins.json"))
}

fn key(host: &str, port: u16) -> String {
    format!("{host}:{port}")
}

impl PinStore {
    /// Reads the store; a missing file is an empty store, a damaged one is an error.
    pub fn load(path: &Path) -> Result<Self, PinFileError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| PinFileError::Damaged {
                path: path.to_path_buf(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(PinFileError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// The pinned fingerprint for this gateway, if any.
    pub fn get(&self, host: &str, port: u16) -> Option<&str> {
        self.pins.get(&key(host, port)).map(String::as_str)
    }

    /// Remembers a fingerprint the user confirmed.
    pub fn set(&mut self, host: &str, port: u16, fingerprint: &str) {
        self.pins
            .insert(key(host, port), fingerprint.to_ascii_lowercase());
    }

    /// Writes the store atomically (temporary file, then rename), so a crash never
    /// leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), PinFileError> {
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| PinFileError::Io { path: p, source }
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        // Serialising a map of strings cannot fail.
        let text = serde_json::to_vec_pretty(self).unwrap_or_default();
        let tmp = path.with_extension("json.tmp");
        let mut file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        file.write_all(&text).map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, path).map_err(io(path))
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
        assert!(err.to_string().contains("damaged"), "{err}");
    }
}
