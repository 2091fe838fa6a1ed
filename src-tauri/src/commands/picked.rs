//! What the user picked in a native dialog: files to read (a PKCS#12 key file, the bill
//! check's files) and places to write (export files and folders, a chart, the archive).
//! The dialogs are opened by Rust (`lib.rs`), which keeps the choice here under a token;
//! the web view only ever passes tokens back. So a page in the web view that went wrong
//! can neither read a file nor write anywhere the user did not choose (issue #12).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::{lock_poisoned, AppCore, KeyFile};
use crate::error::{Refusal, UiError};

/// A file the user picked to be read, as the window knows it: a token to pass back, its
/// name and size; the bytes stay in Rust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PickedFile {
    /// What the window passes back.
    #[ts(type = "number")]
    pub token: u64,
    /// File name (without the folder).
    pub name: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
}

/// A place the user chose to write to (a file, or a folder to write into): a token to
/// pass back and the path, which the window only shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChosenPlace {
    /// What the window passes back.
    #[ts(type = "number")]
    pub token: u64,
    /// The chosen path, for display.
    pub path: String,
}

/// How many picked files are held at once: a key file and the bill check's two files fit.
pub const HELD_FILES: usize = 4;
/// How many chosen places are kept at once (each export asks for its own).
pub const HELD_PLACES: usize = 8;

/// The newest `limit` items, by token.
struct Held<T> {
    items: BTreeMap<u64, T>,
    limit: usize,
}

impl<T: Clone> Held<T> {
    fn new(limit: usize) -> Self {
        Held {
            items: BTreeMap::new(),
            limit,
        }
    }

    fn insert(&mut self, token: u64, item: T) {
        self.items.insert(token, item);
        while self.items.len() > self.limit {
            self.items.pop_first();
        }
    }

    fn get(&self, token: u64) -> Option<T> {
        self.items.get(&token).cloned()
    }
}

/// Everything picked in this window's life. Tokens count up across both kinds, so a
/// file's token is never taken for a place or the other way round.
pub(super) struct Picked {
    last_token: u64,
    files: Held<KeyFile>,
    places: Held<PathBuf>,
}

impl Default for Picked {
    fn default() -> Self {
        Picked {
            last_token: 0,
            files: Held::new(HELD_FILES),
            places: Held::new(HELD_PLACES),
        }
    }
}

impl Picked {
    fn next_token(&mut self) -> u64 {
        self.last_token += 1;
        self.last_token
    }
}

/// The name a save dialog suggests and its extension, from what the window asked for:
/// only a plain name and a plain extension pass (`export::files::safe_file_name`), so
/// the suggestion cannot point into another folder.
pub fn suggested_file_name(suggested: &str, extension: &str) -> (String, String) {
    let extension = export::files::safe_file_name(extension);
    let stem = suggested
        .strip_suffix(&format!(".{extension}"))
        .unwrap_or(suggested);
    (
        format!("{}.{extension}", export::files::safe_file_name(stem)),
        extension,
    )
}

impl AppCore {
    /// Keeps the content of a file the user picked (read by Rust, never sent through the
    /// window) and returns the token the window passes back. The oldest held file is
    /// dropped beyond [`HELD_FILES`]; its bytes are wiped.
    pub fn hold_file(&self, name: &str, bytes: Vec<u8>) -> Result<PickedFile, UiError> {
        let mut picked = self.picked.lock().map_err(|_| lock_poisoned())?;
        let token = picked.next_token();
        let size = bytes.len() as u64;
        picked.files.insert(token, KeyFile::from(bytes));
        Ok(PickedFile {
            token,
            name: name.to_owned(),
            size,
        })
    }

    /// The content of a held file (a copy that is wiped when dropped).
    pub fn held_file(&self, token: u64) -> Result<KeyFile, UiError> {
        let picked = self.picked.lock().map_err(|_| lock_poisoned())?;
        picked
            .files
            .get(token)
            .ok_or_else(|| Refusal::FileNotHeld.into())
    }

    /// Keeps a place the user chose in a save or folder dialog and returns the token the
    /// window passes to the command that writes there. The oldest is dropped beyond
    /// [`HELD_PLACES`].
    pub fn hold_place(&self, path: &Path) -> Result<ChosenPlace, UiError> {
        let mut picked = self.picked.lock().map_err(|_| lock_poisoned())?;
        let token = picked.next_token();
        picked.places.insert(token, path.to_path_buf());
        Ok(ChosenPlace {
            token,
            path: path.display().to_string(),
        })
    }

    /// The place the user chose under `token`.
    pub fn chosen_place(&self, token: u64) -> Result<PathBuf, UiError> {
        let picked = self.picked.lock().map_err(|_| lock_poisoned())?;
        picked
            .places
            .get(token)
            .ok_or_else(|| Refusal::PlaceNotChosen.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn picked_files_are_held_by_token_the_oldest_dropped() {
        let core = AppCore::new(None);
        let first = core.hold_file("a.p12", vec![1, 2, 3]).expect("held");
        assert_eq!((first.name.as_str(), first.size), ("a.p12", 3));
        assert_eq!(&*core.held_file(first.token).expect("there"), &[1, 2, 3]);
        for i in 0..HELD_FILES {
            core.hold_file("b.xml", vec![i as u8]).expect("held");
        }
        let err = core.held_file(first.token).expect_err("dropped");
        assert_eq!(err.kind, ErrorKind::Data);
        assert!(err.de.contains("erneut wählen"), "{}", err.de);
        assert!(core.held_file(0).is_err(), "never handed out");
    }

    #[test]
    fn a_suggested_name_stays_a_plain_name() {
        let name = |s: &str, e: &str| suggested_file_name(s, e).0;
        assert_eq!(
            name("durchblick-messwerte.csv", "csv"),
            "durchblick-messwerte.csv"
        );
        assert_eq!(name("../../etc/passwd", "csv"), "______etc_passwd.csv");
        assert_eq!(name("bericht", "x/../sh"), "bericht.x____sh");
        assert_eq!(suggested_file_name("", "").0, "_._");
    }

    #[test]
    fn chosen_places_are_kept_by_token_apart_from_files() {
        let core = AppCore::new(None);
        let file = core.hold_file("a.p12", vec![1]).expect("held");
        let place = core
            .hold_place(Path::new("/home/anna/werte.csv"))
            .expect("kept");
        assert_eq!(place.path, "/home/anna/werte.csv");
        assert_ne!(place.token, file.token);
        assert_eq!(
            core.chosen_place(place.token).expect("there"),
            PathBuf::from("/home/anna/werte.csv")
        );
        // A file's token names no place, a place's token no file.
        assert!(core.chosen_place(file.token).is_err());
        assert!(core.held_file(place.token).is_err());
        for i in 0..HELD_PLACES {
            core.hold_place(Path::new(&format!("/tmp/{i}")))
                .expect("kept");
        }
        let err = core.chosen_place(place.token).expect_err("dropped");
        assert_eq!(err.kind, ErrorKind::Data);
        assert!(err.de.contains("erneut wählen"), "{}", err.de);
        assert!(err.en.contains("choose"), "{}", err.en);
        // The file is still held: places do not push files out.
        assert!(core.held_file(file.token).is_ok());
    }
}
