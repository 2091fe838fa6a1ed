//! Errors of the archive.

use std::path::PathBuf;

/// Everything that can go wrong when opening, writing or reading an archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The file could not be read or created.
    #[error("cannot access the archive file {path}: {source}")]
    Io {
        /// The archive path.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// `open_existing` was asked for a file that is not there.
    #[error("there is no archive at {0}")]
    Missing(PathBuf),
    /// The file is not an SQLite database at all (a text file, random bytes, …).
    #[error("{0} is not a Durchblick archive (it is not an SQLite database); the file was left unchanged")]
    NotSqlite(PathBuf),
    /// The file is an SQLite database written by some other program.
    #[error("{path} is an SQLite database of another program (application id {found:#010x}), not a Durchblick archive; the file was left unchanged")]
    Foreign {
        /// The archive path.
        path: PathBuf,
        /// The application id found in the file header.
        found: u32,
    },
    /// The file carries our marks but cannot be read as an archive.
    #[error("{path} looks like a Durchblick archive but is damaged ({detail}); the file was left unchanged")]
    Corrupt {
        /// The archive path.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
    /// The file was written by a newer version of the program.
    #[error("{path} was written by a newer Durchblick (archive schema {found}; this version knows up to {supported}); please update the program")]
    TooNew {
        /// The archive path.
        path: PathBuf,
        /// Schema version in the file.
        found: i64,
        /// Newest schema version this build knows.
        supported: i64,
    },
    /// A value does not fit the archive's 64-bit integer columns.
    #[error("value {0} does not fit into 64 bits and cannot be archived")]
    ValueOutOfRange(i128),
    /// A number read from the archive is outside the range of its Rust type.
    #[error("the archive holds {value} in {column}, which is out of range")]
    BadColumn {
        /// The column.
        column: &'static str,
        /// The value found.
        value: i64,
    },
    /// An id given to the archive refers to no row.
    #[error("the archive has no {what} with id {id}")]
    NotFound {
        /// Kind of row.
        what: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// A stored raw response no longer matches its checksum or cannot be decompressed.
    #[error("raw response {id} in the archive is damaged: {detail}")]
    RawDamaged {
        /// The raw response id.
        id: i64,
        /// What was wrong.
        detail: String,
    },
    /// A stored text cannot be read as the model's type (e.g. a status word that is not hex).
    #[error("the archived {what} cannot be interpreted: {detail}")]
    Model {
        /// Which field.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Compressing a raw response failed (only possible on memory exhaustion).
    #[error("could not compress a raw response: {0}")]
    Compress(std::io::Error),
    /// SQLite reported an error.
    #[error("archive database error: {0}")]
    Sql(#[from] sqlx::Error),
}

impl ArchiveError {
    /// What happened and what to do, for people, in `lang`.
    pub fn message(&self, lang: smgw_model::Lang) -> String {
        use smgw_model::Lang::{De, En};
        let damaged = |lang| {
            match lang {
            De => " Die Datei ist beschädigt. Bitte eine Sicherung des Archivs verwenden; mit einem neuen Archiv lässt sich vom Gateway erneut abgleichen, was es noch hat.",
            En => " The file is damaged. Please use a backup of the archive; a new archive can be synced again with what the gateway still holds.",
        }
        };
        match (self, lang) {
            (ArchiveError::Io { path, source }, De) => format!(
                "Auf die Archivdatei {} kann nicht zugegriffen werden ({source}). Bitte prüfen, ob der Ordner existiert, beschreibbar ist und genug Platz hat, oder eine andere Archivdatei wählen.",
                path.display()
            ),
            (ArchiveError::Io { path, source }, En) => format!(
                "The archive file {} cannot be accessed ({source}). Please check that the folder exists, is writable and has free space, or choose another archive file.",
                path.display()
            ),
            (ArchiveError::Missing(path), De) => format!(
                "Unter {} gibt es noch kein Archiv. Bitte zuerst mit dem Gateway abgleichen oder eine vorhandene Archivdatei wählen.",
                path.display()
            ),
            (ArchiveError::Missing(path), En) => format!(
                "There is no archive at {} yet. Please sync with the gateway first or choose an existing archive file.",
                path.display()
            ),
            (ArchiveError::NotSqlite(path), De) => format!(
                "{} ist kein Durchblick-Archiv (keine SQLite-Datenbank); die Datei blieb unverändert. Bitte die richtige Archivdatei wählen.",
                path.display()
            ),
            (ArchiveError::NotSqlite(path), En) => format!(
                "{} is not a Durchblick archive (not an SQLite database); the file was left unchanged. Please choose the right archive file.",
                path.display()
            ),
            (ArchiveError::Foreign { path, .. }, De) => format!(
                "{} ist die Datenbank eines anderen Programms, kein Durchblick-Archiv; die Datei blieb unverändert. Bitte die richtige Archivdatei wählen.",
                path.display()
            ),
            (ArchiveError::Foreign { path, .. }, En) => format!(
                "{} is another program's database, not a Durchblick archive; the file was left unchanged. Please choose the right archive file.",
                path.display()
            ),
            (ArchiveError::Corrupt { path, detail }, _) => format!(
                "{}{}",
                match lang {
                    De => format!("{} sieht aus wie ein Durchblick-Archiv, lässt sich aber nicht lesen ({detail}); die Datei blieb unverändert.", path.display()),
                    En => format!("{} looks like a Durchblick archive but cannot be read ({detail}); the file was left unchanged.", path.display()),
                },
                damaged(lang)
            ),
            (ArchiveError::TooNew { path, found, supported }, De) => format!(
                "{} stammt von einer neueren Durchblick-Version (Archivschema {found}, diese Version kennt bis {supported}). Bitte Durchblick aktualisieren.",
                path.display()
            ),
            (ArchiveError::TooNew { path, found, supported }, En) => format!(
                "{} was written by a newer Durchblick (archive schema {found}; this version knows up to {supported}). Please update Durchblick.",
                path.display()
            ),
            (ArchiveError::ValueOutOfRange(v), De) => format!(
                "Der Wert {v} passt nicht ins Archiv (mehr als 64 Bit). Das Gateway hat einen unmöglichen Wert gesendet; bitte den Messstellenbetreiber fragen."
            ),
            (ArchiveError::ValueOutOfRange(v), En) => format!(
                "The value {v} does not fit into the archive (more than 64 bits). The gateway sent an impossible value; please ask the meter operator."
            ),
            (
                ArchiveError::BadColumn { .. }
                | ArchiveError::NotFound { .. }
                | ArchiveError::RawDamaged { .. }
                | ArchiveError::Model { .. },
                _,
            ) => format!(
                "{}{}",
                match lang {
                    De => format!("Das Archiv enthält Unlesbares ({self})."),
                    En => format!("The archive holds something unreadable ({self})."),
                },
                damaged(lang)
            ),
            (ArchiveError::Compress(e), De) => format!(
                "Eine Antwort ließ sich nicht komprimieren ({e}). Bitte andere Programme schließen (zu wenig Speicher) und erneut versuchen."
            ),
            (ArchiveError::Compress(e), En) => format!(
                "A response could not be compressed ({e}). Please close other programs (too little memory) and try again."
            ),
            (ArchiveError::Sql(e), De) => format!(
                "Die Archivdatenbank meldet einen Fehler ({e}). Bitte prüfen, ob die Datei von einem anderen Programm gesperrt ist oder der Datenträger voll ist, und erneut versuchen."
            ),
            (ArchiveError::Sql(e), En) => format!(
                "The archive database reports an error ({e}). Please check whether another program locks the file or the disk is full, and try again."
            ),
        }
    }
}

/// Result type of this crate.
pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use smgw_model::Lang;

    #[test]
    fn messages_say_what_to_do_in_both_languages() {
        let cases = [
            (
                ArchiveError::Missing("/a/archive.sqlite".into()),
                "abgleichen",
                "sync",
            ),
            (
                ArchiveError::NotSqlite("/a/x".into()),
                "unverändert",
                "unchanged",
            ),
            (
                ArchiveError::TooNew {
                    path: "/a/x".into(),
                    found: 9,
                    supported: 2,
                },
                "aktualisieren",
                "update",
            ),
            (
                ArchiveError::BadColumn {
                    column: "reading.scaler",
                    value: 300,
                },
                "Sicherung",
                "backup",
            ),
        ];
        for (e, de, en) in cases {
            let (de_text, en_text) = (e.message(Lang::De), e.message(Lang::En));
            assert!(de_text.contains(de), "{de_text}");
            assert!(en_text.contains(en), "{en_text}");
            assert_ne!(de_text, en_text);
        }
    }
}
