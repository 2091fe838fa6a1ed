//! The language of user-facing texts.
//!
//! Every function in the project that produces a message for a person takes a [`Lang`].
//! Only German and English exist; German is the default because the users are German
//! electricity consumers and the gateway's own texts are German.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Language of a user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// German (`de`).
    #[default]
    De,
    /// English (`en`).
    En,
}

impl Lang {
    /// Picks the text for this language from a German/English pair.
    pub fn pick<'a>(self, de: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }

    /// The ISO 639-1 code, `de` or `en`.
    pub fn code(self) -> &'static str {
        self.pick("de", "en")
    }

    /// The decimal separator used when showing numbers in this language.
    pub fn decimal_separator(self) -> char {
        match self {
            Lang::De => ',',
            Lang::En => '.',
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Error for a language code other than German or English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?} (expected \"de\" or \"en\")")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts `de`/`en` in any case, also with a region (`de-DE`, `en_GB`), as found in
    /// `LANG` variables and browser settings.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let primary = lower.split(['-', '_', '.']).next().unwrap_or("");
        match primary {
            "de" | "deutsch" | "german" => Ok(Lang::De),
            "en" | "englisch" | "english" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_and_codes() {
        assert_eq!(Lang::De.pick("Bezug", "import"), "Bezug");
        assert_eq!(Lang::En.pick("Bezug", "import"), "import");
        assert_eq!(Lang::default(), Lang::De);
        assert_eq!(Lang::En.to_string(), "en");
        assert_eq!(Lang::De.decimal_separator(), ',');
    }

    #[test]
    fn parses_locale_forms() {
        assert_eq!("de".parse::<Lang>(), Ok(Lang::De));
        assert_eq!("de_DE.UTF-8".parse::<Lang>(), Ok(Lang::De));
        assert_eq!("EN-gb".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
    }

    #[test]
    fn serde_is_lowercase_code() {
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
        assert_eq!(serde_json::from_str::<Lang>("\"de\"").unwrap(), Lang::De);
    }
}
