//! The window's side of the pin file shared with the command line
//! ([`han_client::PinStore`], read and written by `durchblick_core::connect`).

use han_client::PinFileError;

use crate::error::{ErrorKind, UiError};

/// Where pins live (the command line's file).
pub use han_client::default_pin_path as default_path;

/// The pin file's own message, as a local problem.
pub fn ui_error(e: &PinFileError) -> UiError {
    UiError::in_both(ErrorKind::Local, |lang| e.message(lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use han_client::PinStore;

    #[test]
    fn a_damaged_file_says_so_in_both_languages() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("pins.json");
        std::fs::write(&path, b"{not json").expect("write");
        let err = ui_error(&PinStore::load(&path).expect_err("damaged"));
        assert!(err.de.contains("beschädigt"), "{}", err.de);
        assert!(err.en.contains("damaged"), "{}", err.en);
    }
}
