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

/// Result type of this crate.
pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;
