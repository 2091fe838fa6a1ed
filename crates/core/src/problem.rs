//! What the user gave that the program cannot use, in both languages, for both front
//! doors: a time, a channel, a fingerprint, a key file, a period. Each message says what
//! was wrong and gives an example of what works.

use std::path::PathBuf;

use gateway::ErrorCategory;
use smgw_model::Lang;

/// A problem with the user's input or the situation, not with the gateway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A time that cannot be read.
    #[error("cannot read the time {text:?}: {reason}")]
    BadTime {
        /// As given.
        text: String,
        /// Why.
        reason: String,
    },
    /// A period whose end is not after its start.
    #[error("the end of the period is not after its start")]
    PeriodReversed,
    /// A channel that is no OBIS id.
    #[error("channel {text:?} is not an OBIS id: {reason}")]
    BadChannel {
        /// As given.
        text: String,
        /// Why.
        reason: String,
    },
    /// A certificate fingerprint that is no SHA-256 fingerprint.
    #[error("{text:?} is not a SHA-256 fingerprint")]
    BadFingerprint {
        /// As given.
        text: String,
    },
    /// The key file (PKCS#12 or PEM) cannot be read.
    #[error("cannot read the key file {}: {reason}", path.display())]
    KeyFileUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The certificate changed between the user's confirmation and the next connect.
    #[error("the gateway shows another certificate than a moment ago ({fingerprint})")]
    CertificateChangedMeanwhile {
        /// What it shows now.
        fingerprint: String,
    },
    /// The system names no folder for program data, so there is no standard archive.
    #[error("no data directory known")]
    NoDataDirectory,
}

impl Problem {
    /// The category (exit code, error kind) of the problem.
    pub fn category(&self) -> ErrorCategory {
        match self {
            Problem::KeyFileUnreadable { .. } => ErrorCategory::Authentication,
            Problem::CertificateChangedMeanwhile { .. } => ErrorCategory::Connection,
            _ => ErrorCategory::Data,
        }
    }

    /// Whether the user has to change what they typed or chose (rather than retry).
    pub fn is_input(&self) -> bool {
        !matches!(
            self,
            Problem::CertificateChangedMeanwhile { .. } | Problem::KeyFileUnreadable { .. }
        )
    }

    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::BadTime { text, reason }, Lang::De) => format!(
                "Zeitangabe {text:?} nicht verstanden ({reason}). Beispiel: 2025-03-01 oder 2025-03-01T00:00."
            ),
            (Problem::BadTime { text, reason }, Lang::En) => format!(
                "Cannot read the time {text:?} ({reason}). Example: 2025-03-01 or 2025-03-01T00:00."
            ),
            (Problem::PeriodReversed, Lang::De) => {
                "Das Ende des Zeitraums muss nach dem Anfang liegen.".to_owned()
            }
            (Problem::PeriodReversed, Lang::En) => {
                "The end of the period must be after its start.".to_owned()
            }
            (Problem::BadChannel { text, reason }, Lang::De) => format!(
                "Kanal {text:?} ist keine OBIS-Kennzahl ({reason}). Beispiel: 1-0:1.8.0*255"
            ),
            (Problem::BadChannel { text, reason }, Lang::En) => format!(
                "Channel {text:?} is not an OBIS id ({reason}). Example: 1-0:1.8.0*255"
            ),
            (Problem::BadFingerprint { text }, Lang::De) => format!(
                "{text:?} ist kein SHA-256-Fingerabdruck (64 Hex-Ziffern, Doppelpunkte erlaubt)."
            ),
            (Problem::BadFingerprint { text }, Lang::En) => format!(
                "{text:?} is not a SHA-256 fingerprint (64 hex digits, colons allowed)."
            ),
            (Problem::KeyFileUnreadable { path, reason }, Lang::De) => format!(
                "Die Schlüsseldatei {} lässt sich nicht lesen: {reason}",
                path.display()
            ),
            (Problem::KeyFileUnreadable { path, reason }, Lang::En) => {
                format!("Cannot read the key file {}: {reason}", path.display())
            }
            (Problem::CertificateChangedMeanwhile { fingerprint }, Lang::De) => format!(
                "Das Gateway zeigt ein anderes Zertifikat als eben ({fingerprint}). Bitte erneut versuchen."
            ),
            (Problem::CertificateChangedMeanwhile { fingerprint }, Lang::En) => format!(
                "The gateway shows another certificate than a moment ago ({fingerprint}). Please try again."
            ),
            (Problem::NoDataDirectory, Lang::De) => {
                "Dieses System nennt keinen Ordner für Programmdaten. Bitte eine Archivdatei angeben."
                    .to_owned()
            }
            (Problem::NoDataDirectory, Lang::En) => {
                "This system names no folder for program data. Please name an archive file."
                    .to_owned()
            }
        }
    }
}

/// A time the user gave: local (Europe/Berlin) unless it names a zone.
pub fn user_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, Problem> {
    smgw_model::time::parse_datetime(text, smgw_model::time::NaiveAs::Berlin).map_err(|e| {
        Problem::BadTime {
            text: text.to_owned(),
            reason: e.to_string(),
        }
    })
}

/// A channel the user named as an OBIS id (`1-0:1.8.0*255` or hex), as hex.
pub fn user_channel(text: &str) -> Result<String, Problem> {
    text.parse::<smgw_model::Obis>()
        .map(|o| o.to_hex())
        .map_err(|e| Problem::BadChannel {
            text: text.to_owned(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_read_or_refused_with_an_example() {
        assert_eq!(
            user_time("2025-03-01").map(|t| t.to_rfc3339()),
            Ok("2025-02-28T23:00:00+00:00".to_owned())
        );
        let e = user_time("März").unwrap_err();
        assert!(e.message(Lang::De).contains("Beispiel: 2025-03-01"), "{e}");
        assert!(e.message(Lang::En).contains("Example: 2025-03-01"), "{e}");
        assert_eq!(user_channel("1-0:1.8.0*255").as_deref(), Ok("0100010800ff"));
        let e = user_channel("1.8.0x").unwrap_err();
        assert!(e.message(Lang::En).contains("not an OBIS id"));
        assert_eq!(e.category(), ErrorCategory::Data);
        assert!(e.is_input());
    }

    #[test]
    fn every_problem_speaks_both_languages() {
        let all = [
            Problem::BadTime {
                text: "x".into(),
                reason: "r".into(),
            },
            Problem::PeriodReversed,
            Problem::BadChannel {
                text: "x".into(),
                reason: "r".into(),
            },
            Problem::BadFingerprint { text: "x".into() },
            Problem::KeyFileUnreadable {
                path: "k.p12".into(),
                reason: "r".into(),
            },
            Problem::CertificateChangedMeanwhile {
                fingerprint: "ab".into(),
            },
            Problem::NoDataDirectory,
        ];
        for p in all {
            let (de, en) = (p.message(Lang::De), p.message(Lang::En));
            assert!(!de.is_empty() && !en.is_empty() && de != en, "{p:?}");
        }
    }
}
