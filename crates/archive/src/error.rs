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
    /// The disk (file system) holding the archive has no room left (SQLite's
    /// `SQLITE_FULL`). The write that met it was rolled back as a whole.
    #[error("the disk holding the archive{} is full", .path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    DiskFull {
        /// The archive file, where known (see [`ArchiveError::at`]).
        path: Option<PathBuf>,
    },
    /// Another program (or another sync in this one) is syncing this archive right now,
    /// and did not finish within the time waited.
    #[error("another program is syncing the archive {0} right now")]
    SyncBusy(PathBuf),
    /// SQLite reported an error.
    #[error("archive database error: {0}")]
    Sql(sqlx::Error),
}

impl From<sqlx::Error> for ArchiveError {
    /// Sorts out the errors a user can act on: a full disk has its own variant.
    fn from(e: sqlx::Error) -> Self {
        if sqlite_code(&e) == Some(SQLITE_FULL) {
            return ArchiveError::DiskFull { path: None };
        }
        ArchiveError::Sql(e)
    }
}

/// SQLite's primary result code for "database or disk is full".
const SQLITE_FULL: i64 = 13;

/// The primary SQLite result code of a database error (extended codes keep the primary
/// code in the low byte).
pub(crate) fn sqlite_code(e: &sqlx::Error) -> Option<i64> {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|c| c & 0xff),
        _ => None,
    }
}

impl ArchiveError {
    /// Names the archive file in an error that was raised without knowing it (a full
    /// disk met deep inside a write), so that the message can say which disk is full.
    pub fn at(self, archive: &std::path::Path) -> Self {
        match self {
            ArchiveError::DiskFull { path: None } => ArchiveError::DiskFull {
                path: Some(archive.to_path_buf()),
            },
            other => other,
        }
    }

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
            (ArchiveError::DiskFull { path }, De) => {
                let (file, folder) = place(path.as_deref(), "dem Archiv", "dem Ordner des Archivs");
                format!(
                    "Der Datenträger mit {file} ist voll. Der Schritt, der gerade geschrieben wurde, ist nicht gespeichert; alles davor ist erhalten und das Archiv bleibt lesbar. Bitte auf dem Datenträger mit {folder} Platz schaffen und erneut versuchen: ein Abgleich macht dort weiter, wo er aufhörte."
                )
            }
            (ArchiveError::DiskFull { path }, En) => {
                let (file, folder) = place(path.as_deref(), "the archive", "the archive's folder");
                format!(
                    "The disk holding {file} is full. The step being written was not stored; everything before it is kept and the archive stays readable. Please free space on the disk holding {folder} and try again: a sync continues where it stopped."
                )
            }
            (ArchiveError::SyncBusy(path), De) => format!(
                "Ein anderes Programm gleicht gerade in das Archiv {} ab (der Befehl durchblick sync, durchblick watch oder das Durchblick-Fenster). Dieser Abgleich hat nichts verändert. Bitte warten, bis der andere fertig ist, und dann erneut abgleichen.",
                path.display()
            ),
            (ArchiveError::SyncBusy(path), En) => format!(
                "Another program is syncing into the archive {} right now (the command durchblick sync, durchblick watch or the Durchblick window). This sync changed nothing. Please wait until the other one has finished, then sync again.",
                path.display()
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

/// How a full-disk message names the archive and its folder: by path where known.
fn place(path: Option<&std::path::Path>, file: &str, folder: &str) -> (String, String) {
    match path {
        Some(p) => {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or_else(|| std::path::Path::new("."));
            (
                format!("{file} {}", p.display()),
                format!("{}", dir.display()),
            )
        }
        None => (file.to_owned(), folder.to_owned()),
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
                ArchiveError::DiskFull {
                    path: Some("/media/stick/archive.sqlite".into()),
                },
                "Platz schaffen",
                "free space",
            ),
            (
                ArchiveError::SyncBusy("/a/archive.sqlite".into()),
                "anderes Programm",
                "Another program",
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

    #[test]
    fn a_full_disk_is_named_once_the_path_is_known() {
        let unnamed = ArchiveError::DiskFull { path: None };
        assert!(unnamed.message(Lang::En).contains("the archive's folder"));
        let e = unnamed.at(std::path::Path::new("/media/stick/archive.sqlite"));
        let en = e.message(Lang::En);
        assert!(
            en.contains("holding the archive /media/stick/archive.sqlite"),
            "{en}"
        );
        assert!(en.contains("disk holding /media/stick and"), "{en}");
        let de = e.message(Lang::De);
        assert!(de.contains("Datenträger mit /media/stick Platz"), "{de}");
        // Other errors are left as they are.
        let busy = ArchiveError::SyncBusy("/a".into()).at(std::path::Path::new("/b"));
        assert!(matches!(busy, ArchiveError::SyncBusy(p) if p == std::path::Path::new("/a")));
    }
}
