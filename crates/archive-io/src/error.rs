//! Errors of exports from and imports into the archive.

use smgw_model::Lang;

/// Why no export set could be gathered.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The archive could not be read.
    #[error(transparent)]
    Archive(#[from] archive::ArchiveError),
    /// The archive holds nothing that matches the selection.
    #[error("the archive holds no {what} {name:?}")]
    NotFound {
        /// `gateway`, `consumer` or `contract`.
        what: &'static str,
        /// What was asked for (empty when nothing was named and nothing is there).
        name: String,
        /// What the archive holds instead.
        available: Vec<String>,
    },
    /// More than one gateway or consumer matches and none was named.
    #[error("the archive holds several {what}s ({}); choose one", choices.join(", "))]
    Ambiguous {
        /// `gateway` or `consumer`.
        what: &'static str,
        /// The candidates.
        choices: Vec<String>,
    },
    /// The archived values cannot be written as AR 2418-6 exactly.
    #[error("AR 2418-6: {0}")]
    Ar(#[from] export::ar::ArError),
}

/// German "no …" and "several …" for `gateway`, `consumer`, `contract`.
fn german(what: &str) -> (&str, &str) {
    match what {
        "gateway" => ("kein Gateway", "mehrere Gateways"),
        "consumer" => ("keinen Verbraucher", "mehrere Verbraucher"),
        "contract" => ("keinen Vertrag", "mehrere Verträge"),
        other => (other, other),
    }
}

impl ExportError {
    /// What happened and what to do, for people.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ExportError::Archive(e), _) => e.message(lang),
            (ExportError::Ar(e), Lang::De) => format!(
                "Die archivierten Werte lassen sich nicht exakt als AR 2418-6 darstellen: {e}"
            ),
            (ExportError::Ar(e), Lang::En) => {
                format!("The archived values cannot be written exactly as AR 2418-6: {e}")
            }
            (ExportError::NotFound { what, name, .. }, Lang::De) if name.is_empty() => {
                format!(
                    "Das Archiv enthält {}. Zuerst synchronisieren oder eine Datei importieren.",
                    german(what).0
                )
            }
            (ExportError::NotFound { what, name, .. }, Lang::En) if name.is_empty() => {
                format!("The archive holds no data ({what}). Sync first or import a file.")
            }
            (
                ExportError::NotFound {
                    what,
                    name,
                    available,
                },
                Lang::De,
            ) => format!(
                "Im Archiv gibt es {} {name:?}. Vorhanden: {}.",
                german(what).0,
                available.join(", ")
            ),
            (
                ExportError::NotFound {
                    what,
                    name,
                    available,
                },
                Lang::En,
            ) => format!(
                "The archive holds no {what} {name:?}. Available: {}.",
                available.join(", ")
            ),
            (ExportError::Ambiguous { what, choices }, Lang::De) => format!(
                "Das Archiv enthält {}: {}. Bitte mit --{what} auswählen.",
                german(what).1,
                choices.join(", ")
            ),
            (ExportError::Ambiguous { what, choices }, Lang::En) => format!(
                "The archive holds several {what}s: {}. Choose one with --{what}.",
                choices.join(", ")
            ),
        }
    }
}

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not well-formed AR 2418-6 XML (malformed, a DOCTYPE, too large, …).
    #[error("cannot read the file: {0}")]
    Read(#[from] ar2418::ReadError),
    /// The validator found errors; nothing was written.
    #[error("the file has {} error(s); nothing was imported", errors.len())]
    Invalid {
        /// The error findings (warnings are not listed).
        errors: Vec<ar2418::Finding>,
    },
    /// A supplier (tariff) file has no values to import.
    #[error("this is a supplier tariff file, not a device file with values; nothing was imported")]
    SupplierFile,
    /// Something the archive needs is not in the file or cannot be used.
    #[error("usage point {usage_point}: {detail}")]
    Unusable {
        /// Index of the `UsagePoint` (0-based).
        usage_point: usize,
        /// What is wrong.
        detail: String,
    },
    /// The archive refused a write or could not be read.
    #[error(transparent)]
    Archive(#[from] archive::ArchiveError),
}

impl ImportError {
    /// Whether nothing can have been written (everything except archive failures, which
    /// may come after earlier parts of the file were stored).
    pub fn wrote_nothing(&self) -> bool {
        !matches!(self, ImportError::Archive(_))
    }

    /// What happened and what to do, for people.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ImportError::Read(e), Lang::De) => format!(
                "Die Datei ist keine lesbare AR-2418-6-XML-Datei ({e}). Es wurde nichts importiert."
            ),
            (ImportError::Read(e), Lang::En) => format!(
                "The file is not readable AR 2418-6 XML ({e}). Nothing was imported."
            ),
            (ImportError::Invalid { errors }, lang) => {
                let mut s = match lang {
                    Lang::De => format!(
                        "Die Datei hat {} Fehler; es wurde nichts importiert:",
                        errors.len()
                    ),
                    Lang::En => format!(
                        "The file has {} error(s); nothing was imported:",
                        errors.len()
                    ),
                };
                for f in errors.iter().take(20) {
                    s.push_str("\n  ");
                    s.push_str(f.code);
                    s.push_str(": ");
                    s.push_str(f.message(lang));
                }
                if errors.len() > 20 {
                    s.push_str(&format!("\n  … (+{})", errors.len() - 20));
                }
                s
            }
            (ImportError::SupplierFile, Lang::De) => "Das ist eine Tarifdatei des Lieferanten, keine Gerätedatei mit Messwerten; es wurde nichts importiert.".into(),
            (ImportError::SupplierFile, Lang::En) => "This is a supplier's tariff file, not a device file with values; nothing was imported.".into(),
            (ImportError::Unusable { usage_point, detail }, Lang::De) => format!(
                "UsagePoint {} der Datei ist nicht verwendbar: {detail}. Es wurde nichts importiert.",
                usage_point + 1
            ),
            (ImportError::Unusable { usage_point, detail }, Lang::En) => format!(
                "Usage point {} of the file cannot be used: {detail}. Nothing was imported.",
                usage_point + 1
            ),
            (ImportError::Archive(e), Lang::De) => format!(
                "Das Archiv hat einen Schreib- oder Lesefehler gemeldet: {e}. Bereits geschriebene Teile bleiben; ein erneuter Import ergänzt den Rest."
            ),
            (ImportError::Archive(e), Lang::En) => format!(
                "The archive reported an error: {e}. Parts already written stay; importing again adds the rest."
            ),
        }
    }
}
