//! Warnings about auxiliary fields of a gateway's answer that could not be decoded.
//!
//! The rule (issue #12): essential fields (ids, times, values, scaler, unit, status words)
//! must read or their item is refused; an auxiliary field (certificates, the tariff
//! profile, names, billing periods, emts, elapsed time, version, unknown extras) that
//! cannot be decoded is left out of the record, its text is kept here and in the archived
//! raw answer, and everything else goes on. A value whose status word does not read is
//! refused alone (see [`WarningKind::ValueRefused`]); the other values of its window stay.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// Longest piece of the raw text a warning keeps (the whole text is in the raw answer,
/// which the archive keeps; a certificate can be kilobytes).
pub const MAX_RAW_CHARS: usize = 200;

/// What could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// An auxiliary field was left out of the record; the rest of the item is complete.
    FieldLeftOut,
    /// A value was refused because an essential field of it (a status word) does not
    /// read; the other values of the answer are kept.
    ValueRefused,
    /// A signature is not hexadecimal: the value is kept without it.
    SignatureNotHex,
    /// The answer to a request naming channels was empty, the same request without the
    /// channel filter was not: its values were taken (firmware fault, field failure 34).
    AskedAgainUnfiltered,
    /// Record numbers are missing between the logbook entries the gateway sent (field
    /// failure 35); every entry sent is kept.
    LogRecordsMissing,
    /// An id is not in the shape its standard gives (a gateway id not DIN 43863-5); it is
    /// kept as sent, shown escaped, and cleaned where it names a file.
    OddId,
    /// Something the user should know about how an answer was read (where the gateway's
    /// clock came from, a value served from the cache, a signature that could not be
    /// checked, a stand-in for what the gateway does not list); nothing was lost. The
    /// reason says what.
    Notice,
}

/// One field of an answer that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldWarning {
    /// Where in the answer, e.g. `smgw-info.certificates.wan[0].sig`.
    pub path: String,
    /// The text as sent, cut to [`MAX_RAW_CHARS`] characters.
    pub raw: String,
    /// Why it could not be decoded (technical, English, for logs and reports).
    pub reason: String,
    /// What was done about it.
    pub kind: WarningKind,
}

impl FieldWarning {
    /// A warning for the field at `path` sent as `raw`. Control characters of the raw
    /// text are shown escaped so that a gateway cannot write to the terminal.
    pub fn new(
        kind: WarningKind,
        path: impl Into<String>,
        raw: &str,
        reason: impl Into<String>,
    ) -> FieldWarning {
        let mut shown: String = raw
            .chars()
            .take(MAX_RAW_CHARS)
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        if raw.chars().count() > MAX_RAW_CHARS {
            shown.push('…');
        }
        FieldWarning {
            path: path.into(),
            raw: shown,
            reason: reason.into(),
            kind,
        }
    }

    /// A sentence for people: what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let FieldWarning {
            path, raw, reason, ..
        } = self;
        match (self.kind, lang) {
            (WarningKind::FieldLeftOut, Lang::De) => format!(
                "Das Feld {path} der Gateway-Antwort ist nicht lesbar ({reason}: \"{raw}\") und \
                 wurde ausgelassen; alle anderen Angaben sind vollständig. Die Antwort ist im \
                 Archiv unverändert gespeichert. Bitte die Meldung an den Messstellenbetreiber \
                 weitergeben."
            ),
            (WarningKind::FieldLeftOut, Lang::En) => format!(
                "The field {path} of the gateway's answer cannot be read ({reason}: \"{raw}\") \
                 and was left out; everything else is complete. The answer is kept unchanged \
                 in the archive. Please pass this message on to the meter operator."
            ),
            (WarningKind::ValueRefused, Lang::De) => format!(
                "Ein Messwert wurde nicht übernommen, weil sein Statuswort {path} nicht lesbar \
                 ist ({reason}: \"{raw}\"); ohne Status ist nicht erkennbar, ob der Wert gültig \
                 ist. Die übrigen Werte sind übernommen, die Antwort ist im Archiv unverändert \
                 gespeichert. Bitte die Meldung an den Messstellenbetreiber weitergeben."
            ),
            (WarningKind::ValueRefused, Lang::En) => format!(
                "A meter value was not taken over because its status word {path} cannot be \
                 read ({reason}: \"{raw}\"); without it nobody can tell whether the value is \
                 valid. The other values were taken over, and the answer is kept unchanged \
                 in the archive. Please pass this message on to the meter operator."
            ),
            (WarningKind::SignatureNotHex, Lang::De) => format!(
                "Die Signatur {path} ist kein Hexadezimaltext (\"{raw}\"); der Messwert wurde \
                 ohne Signatur übernommen und ist so nicht prüfbar. Die Signatur steht \
                 unverändert in der archivierten Antwort. Bitte die Meldung an den \
                 Messstellenbetreiber weitergeben."
            ),
            (WarningKind::SignatureNotHex, Lang::En) => format!(
                "The signature {path} is not hexadecimal text (\"{raw}\"); the meter value was \
                 taken over without a signature and cannot be verified that way. The \
                 signature is unchanged in the archived answer. Please pass this message on \
                 to the meter operator."
            ),
            (WarningKind::AskedAgainUnfiltered, Lang::De) => format!(
                "Das Gateway hat die Anfrage nach den neuesten Werten der Kanäle {raw} leer \
                 beantwortet, dieselbe Anfrage ohne Kanalauswahl aber mit Werten; diese wurden \
                 übernommen. Das ist ein Fehler der Gateway-Firmware ({path}); bitte die \
                 Meldung an den Messstellenbetreiber weitergeben."
            ),
            (WarningKind::AskedAgainUnfiltered, Lang::En) => format!(
                "The gateway answered the request for the newest values of the channels {raw} \
                 with none, but the same request without naming channels with values; these \
                 were taken. This is a fault of the gateway's firmware ({path}); please pass \
                 this message on to the meter operator."
            ),
            (WarningKind::LogRecordsMissing, Lang::De) => format!(
                "Im Logbuch fehlen Einträge: Das Gateway hat die Nummern {raw} nicht geliefert \
                 ({reason}). Alle gelieferten Einträge sind archiviert. Ein Gateway löscht \
                 die ältesten Einträge, wenn sein Speicher voll ist: öfter synchronisieren \
                 hilft. Fehlen Einträge mitten im Logbuch, bitte den Messstellenbetreiber \
                 fragen."
            ),
            (WarningKind::LogRecordsMissing, Lang::En) => format!(
                "Logbook entries are missing: the gateway did not send the numbers {raw} \
                 ({reason}). Every entry sent is archived. A gateway deletes its oldest \
                 entries when its memory is full: syncing more often helps. If entries are \
                 missing in the middle of the logbook, please ask the meter operator."
            ),
            (WarningKind::OddId, Lang::De) => format!(
                "Die Kennung {path} (\"{raw}\") hat nicht die genormte Form ({reason}). Sie \
                 wird unverändert verwendet; in Dateinamen stehen nur ihre unbedenklichen \
                 Zeichen. Bitte die Meldung an den Messstellenbetreiber weitergeben."
            ),
            (WarningKind::Notice, Lang::De) => format!(
                "Hinweis zu {path}: {reason}{shown} (technischer Text des Programms, \
                 englisch). Alle gelesenen Werte sind übernommen.",
                shown = if raw.is_empty() {
                    String::new()
                } else {
                    format!(" (\"{raw}\")")
                }
            ),
            (WarningKind::Notice, Lang::En) => format!(
                "Note on {path}: {reason}{shown}. Every value read was taken over.",
                shown = if raw.is_empty() {
                    String::new()
                } else {
                    format!(" (\"{raw}\")")
                }
            ),
            (WarningKind::OddId, Lang::En) => format!(
                "The id {path} (\"{raw}\") is not in its standard shape ({reason}). It is used \
                 as sent; file names carry only its harmless characters. Please pass this \
                 message on to the meter operator."
            ),
        }
    }
}

/// A warning about an auxiliary field left out: where, the text as sent, why.
pub fn left_out(path: impl Into<String>, raw: &str, reason: impl Into<String>) -> FieldWarning {
    FieldWarning::new(WarningKind::FieldLeftOut, path, raw, reason)
}

/// A notice about how an answer was read (nothing left out): clock source, cache, a
/// signature not checked, a stand-in.
pub fn notice(path: impl Into<String>, raw: &str, reason: impl Into<String>) -> FieldWarning {
    FieldWarning::new(WarningKind::Notice, path, raw, reason)
}

/// Keeps the first of equal warnings (e.g. the same unreadable `elapsed-time` in every
/// answer of a sync), in their order.
pub fn dedup(warnings: &mut Vec<FieldWarning>) {
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
}

impl std::fmt::Display for FieldWarning {
    /// Technical one-liner (for logs): path, reason, raw text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} (sent: {:?})", self.path, self.reason, self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_is_cut_and_control_characters_escaped() {
        let long = "a".repeat(500);
        let w = FieldWarning::new(WarningKind::FieldLeftOut, "x", &long, "r");
        assert_eq!(w.raw.chars().count(), MAX_RAW_CHARS + 1);
        let w = FieldWarning::new(WarningKind::FieldLeftOut, "x", "a\x1b[2Jb\n", "r");
        assert_eq!(w.raw, "a\\u{1b}[2Jb\\n");
    }

    #[test]
    fn equal_warnings_are_kept_once() {
        let a = FieldWarning::new(WarningKind::FieldLeftOut, "elapsed-time", "{}", "r");
        let b = FieldWarning::new(WarningKind::FieldLeftOut, "version", "{}", "r");
        let mut all = vec![a.clone(), b.clone(), a.clone()];
        dedup(&mut all);
        assert_eq!(all, vec![a, b]);
    }

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let w = FieldWarning::new(WarningKind::ValueRefused, "r.smgw-status", "zz", "bad hex");
        assert!(w.message(Lang::De).contains("r.smgw-status"));
        assert!(w.message(Lang::De).contains("Messwert"));
        assert!(w.message(Lang::En).contains("\"zz\""));
        assert!(w.message(Lang::En).contains("meter value"));
    }
}
