//! Typical typos in a password, said before the login is tried.
//!
//! Gateways lock the login after a few failed attempts (PPC for about 15 minutes; field
//! failure 17), so a wrong password costs more than a retry. Operators hand passwords out on
//! paper or by SMS; users met these mistakes: a full stop copied with the end of the
//! sentence, blanks copied around the password, and the gateway's id (printed next to the
//! password) pasted into it. Durchblick never changes what the user typed — a password may
//! really end with a full stop — it only says what looks odd, before anything is sent.

use smgw_model::{DeviceId, Lang};

/// Something about a password that is often a copying mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypoHint {
    /// The password ends with a full stop.
    TrailingFullStop,
    /// The password starts or ends with a blank (space, tab, line break).
    SurroundingBlanks,
    /// The password contains a DIN 43863-5 device id (like the gateway's own id).
    ContainsDeviceId,
}

/// What in `password` looks like a copying mistake (empty when nothing does).
pub fn typo_hints(password: &str) -> Vec<TypoHint> {
    let mut hints = Vec::new();
    if password.trim_end().ends_with('.') {
        hints.push(TypoHint::TrailingFullStop);
    }
    if password.trim() != password {
        hints.push(TypoHint::SurroundingBlanks);
    }
    if contains_device_id(password) {
        hints.push(TypoHint::ContainsDeviceId);
    }
    hints
}

/// Whether any 14 consecutive characters form a device id in its text form
/// (e.g. `1THE0012345678`); ids are ASCII, so other characters can never be part of one.
fn contains_device_id(password: &str) -> bool {
    const LEN: usize = 14;
    let bytes = password.as_bytes();
    bytes.windows(LEN).any(|w| {
        std::str::from_utf8(w)
            .ok()
            .filter(|s| !s.contains(char::is_whitespace))
            .is_some_and(|s| DeviceId::parse_text(s).is_ok())
    })
}

impl TypoHint {
    /// The warning shown before the login (German/English).
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TypoHint::TrailingFullStop, Lang::De) => {
                "Das Passwort endet mit einem Punkt. Wurde es aus einem Brief oder einer SMS \
                 kopiert, gehört der Punkt vielleicht zum Satz und nicht zum Passwort."
            }
            (TypoHint::TrailingFullStop, Lang::En) => {
                "The password ends with a full stop. If it was copied from a letter or a text \
                 message, the full stop may belong to the sentence, not to the password."
            }
            (TypoHint::SurroundingBlanks, Lang::De) => {
                "Das Passwort beginnt oder endet mit einem Leerzeichen. Beim Kopieren kommen \
                 solche Zeichen oft versehentlich mit."
            }
            (TypoHint::SurroundingBlanks, Lang::En) => {
                "The password starts or ends with a blank. Such characters are often copied \
                 along by mistake."
            }
            (TypoHint::ContainsDeviceId, Lang::De) => {
                "Das Passwort enthält eine Gerätekennung (wie die des Gateways). Sie steht im \
                 Schreiben oft neben dem Passwort, gehört aber meist nicht dazu."
            }
            (TypoHint::ContainsDeviceId, Lang::En) => {
                "The password contains a device id (like the gateway's). Letters often print it \
                 next to the password, but it is usually not part of it."
            }
        }
    }

    /// Said once with the hints: why Durchblick warns instead of just trying.
    pub fn why(lang: Lang) -> &'static str {
        match lang {
            Lang::De => {
                "Durchblick sendet das Passwort wie eingegeben. Gateways sperren die Anmeldung \
                 nach wenigen Fehlversuchen (etwa 15 Minuten)."
            }
            Lang::En => {
                "Durchblick sends the password as typed. Gateways lock the login after a few \
                 failed attempts (for about 15 minutes)."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_password_gives_no_hint() {
        assert!(typo_hints("Sonnenblume-42").is_empty());
        assert!(typo_hints("a.b.c").is_empty(), "a full stop inside is fine");
        assert!(typo_hints("").is_empty());
    }

    #[test]
    fn each_typo_is_named() {
        assert_eq!(typo_hints("geheim."), [TypoHint::TrailingFullStop]);
        assert_eq!(
            typo_hints("geheim. "),
            [TypoHint::TrailingFullStop, TypoHint::SurroundingBlanks]
        );
        assert_eq!(typo_hints(" geheim"), [TypoHint::SurroundingBlanks]);
        assert_eq!(typo_hints("geheim\n"), [TypoHint::SurroundingBlanks]);
        assert_eq!(
            typo_hints("1THE0012345678geheim"),
            [TypoHint::ContainsDeviceId]
        );
        assert_eq!(
            typo_hints("geheim1the0012345678"),
            [TypoHint::ContainsDeviceId]
        );
    }

    #[test]
    fn digits_alone_or_non_ascii_are_no_device_id() {
        assert!(typo_hints("12345678901234").is_empty());
        assert!(typo_hints("1THÉ0012345678").is_empty());
        assert!(typo_hints("1TH E0012345678").is_empty());
    }

    #[test]
    fn every_hint_has_both_languages() {
        for hint in [
            TypoHint::TrailingFullStop,
            TypoHint::SurroundingBlanks,
            TypoHint::ContainsDeviceId,
        ] {
            assert_ne!(hint.message(Lang::De), hint.message(Lang::En));
        }
    }
}
