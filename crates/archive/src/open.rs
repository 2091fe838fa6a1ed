//! Opening, creating, recognising and upgrading an archive file.
//!
//! Our file is recognised in two steps. First the 100-byte SQLite header is read with
//! plain file IO, before SQLite touches the file: it must start with the SQLite magic and
//! carry [`APPLICATION_ID`] at offset 68 (`PRAGMA application_id`). Anything else (text,
//! random bytes, another program's database) is refused without ever being opened by
//! SQLite, so it cannot be modified. Then, once opened, the `archive_meta` table must say
//! `format = durchblick-archive` and `PRAGMA user_version` must not be newer than
//! [`SCHEMA_VERSION`].

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Executor, Row, SqlitePool};

use crate::error::{sqlite_code, ArchiveError, Result};

/// `PRAGMA application_id` of every archive: the ASCII bytes `DBLK`.
pub const APPLICATION_ID: u32 = 0x4442_4C4B;

/// Value of `format` in `archive_meta`.
pub const FORMAT_NAME: &str = "durchblick-archive";

/// The ordered schema migrations. Version `n` is `MIGRATIONS[n - 1]`; never edit a
/// released one, append a new one instead.
const MIGRATIONS: &[&str] = &[include_str!("../migrations/0001_initial.sql")];

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How many connections the pool keeps: SQLite has one writer at a time anyway, the rest
/// serve readers (e.g. the window browsing values during a sync).
const POOL_SIZE: u32 = 4;

/// An open archive file.
///
/// Cheap to clone; all clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Archive {
    pub(crate) pool: SqlitePool,
    path: PathBuf,
}

/// The default archive location: `<data dir>/durchblick/archive.sqlite`, where the data
/// dir is the OS convention (`~/.local/share` on Linux, `%APPDATA%` on Windows,
/// `~/Library/Application Support` on macOS). `None` if the OS reports no such dir.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("durchblick").join("archive.sqlite"))
}

enum Kind {
    New,
    Ours,
}

impl Archive {
    /// Opens the archive at `path`, creating it (and its parent directory) if the file does
    /// not exist or is empty. A file that is not an archive is refused and left unchanged.
    pub async fn open(path: impl AsRef<Path>) -> Result<Archive> {
        Archive::open_with(path.as_ref(), MIGRATIONS).await
    }

    /// [`Archive::open`] with a given migration list (tests add a future migration).
    ///
    /// Safe against other processes creating or upgrading the same file at the same
    /// moment: SQLite opens without `O_EXCL`, and every migration step re-reads the schema
    /// version under the write lock (see [`migrate`]), so whoever comes second finds the
    /// work done and skips it.
    pub(crate) async fn open_with(path: &Path, migrations: &[&'static str]) -> Result<Archive> {
        let path = path.to_path_buf();
        retry_busy(|| async {
            match inspect(&path)? {
                Kind::New => {
                    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                        std::fs::create_dir_all(parent).map_err(|source| ArchiveError::Io {
                            path: path.clone(),
                            source,
                        })?;
                    }
                    create(&path, migrations).await.map_err(|e| e.at(&path))?;
                }
                Kind::Ours => {}
            }
            Archive::connect(path.clone(), migrations).await
        })
        .await
    }

    /// Opens an existing archive; never creates one.
    pub async fn open_existing(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref().to_path_buf();
        retry_busy(|| async {
            match inspect(&path)? {
                Kind::New => Err(ArchiveError::Missing(path.clone())),
                Kind::Ours => Archive::connect(path.clone(), MIGRATIONS).await,
            }
        })
        .await
    }

    /// The file this archive lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes all connections (checkpointing the WAL into the main file).
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// The schema version of the open file.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Runs SQLite's `quick_check` over the whole file; returns the problems found
    /// (empty when the file is sound). Takes time proportional to the file size.
    pub async fn check_integrity(&self) -> Result<Vec<String>> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    /// Writes a consistent, compacted copy of the whole archive to `dest` (which must not
    /// exist), e.g. for a decommissioning bundle; works while other tasks keep writing.
    pub async fn backup_to(&self, dest: impl AsRef<Path>) -> Result<()> {
        let dest = dest.as_ref();
        let text = dest.to_str().ok_or_else(|| ArchiveError::Io {
            path: dest.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the backup path is not valid UTF-8",
            ),
        })?;
        sqlx::query("VACUUM INTO ?")
            .bind(text)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn connect(path: PathBuf, migrations: &[&'static str]) -> Result<Archive> {
        let corrupt = |e: sqlx::Error| open_error(&path, e);
        // Check and upgrade on one connection before a pool exists, so a refused file is
        // touched by exactly one connection that only reads.
        let mut conn = SqliteConnection::connect_with(&options(&path, false))
            .await
            .map_err(corrupt)?;
        let supported = migrations.len() as i64;
        let version = verify(&mut conn, &path, supported).await?;
        if version < supported {
            migrate(&mut conn, migrations).await.map_err(corrupt)?;
        }
        // Switching an older rollback-journal file to WAL needs a write; our own files
        // are already in WAL mode and this is a no-op for them.
        conn.execute("PRAGMA journal_mode = WAL")
            .await
            .map_err(corrupt)?;
        conn.close().await.map_err(corrupt)?;

        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(
                options(&path, false)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal),
            )
            .await
            .map_err(corrupt)?;
        Ok(Archive { pool, path })
    }
}

/// How long opening keeps trying while other processes create, upgrade or switch the
/// same file to WAL at the same moment.
const OPEN_RETRY: Duration = Duration::from_secs(10);

/// Runs `attempt` (opening a file, which is safe to repeat from the start) again while
/// SQLite answers "busy" without waiting itself. It does so, despite the busy timeout,
/// where waiting could deadlock: a statement that started reading and then needs to
/// write (the switch to WAL right after another process created the file), or a reader
/// meeting another process's WAL recovery. Found by `tests/concurrent.rs`.
async fn retry_busy<F, Fut>(mut attempt: F) -> Result<Archive>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Archive>>,
{
    let deadline = std::time::Instant::now() + OPEN_RETRY;
    let mut pause = Duration::from_millis(10);
    loop {
        match attempt().await {
            Err(ArchiveError::Sql(e))
                if matches!(sqlite_code(&e), Some(5) | Some(6))
                    && std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

fn options(path: &Path, create: bool) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
}

/// Maps errors met while opening an existing file: SQLite's "not a database" and
/// "malformed" codes mean damage, everything else is passed on.
fn open_error(path: &Path, e: sqlx::Error) -> ArchiveError {
    if let sqlx::Error::Database(db) = &e {
        // SQLITE_CORRUPT = 11, SQLITE_NOTADB = 26.
        if matches!(sqlite_code(&e), Some(11) | Some(26)) {
            return ArchiveError::Corrupt {
                path: path.to_path_buf(),
                detail: db.message().to_string(),
            };
        }
    }
    ArchiveError::from(e).at(path)
}

/// Decides from the raw header bytes whether `path` is missing/empty, ours, or foreign.
fn inspect(path: &Path) -> Result<Kind> {
    let io = |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Kind::New),
        Err(e) => return Err(io(e)),
    };
    if !meta.is_file() {
        return Err(ArchiveError::NotSqlite(path.to_path_buf()));
    }
    if meta.len() == 0 {
        // SQLite itself treats a zero-length file as an empty database; so do we.
        return Ok(Kind::New);
    }
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(io)?;
    match file.read_exact(&mut header) {
        Ok(()) => {}
        // Shorter than SQLite's 100-byte header: not an SQLite file.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(ArchiveError::NotSqlite(path.to_path_buf()))
        }
        Err(e) => return Err(io(e)),
    }
    if !header.starts_with(SQLITE_MAGIC) {
        return Err(ArchiveError::NotSqlite(path.to_path_buf()));
    }
    let app_id = u32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if app_id != APPLICATION_ID {
        return Err(ArchiveError::Foreign {
            path: path.to_path_buf(),
            found: app_id,
        });
    }
    Ok(Kind::Ours)
}

/// Checks the meta table and returns the schema version of an existing file.
async fn verify(conn: &mut SqliteConnection, path: &Path, supported: i64) -> Result<i64> {
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| open_error(path, e))?;
    if version > supported {
        return Err(ArchiveError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported,
        });
    }
    let format: Option<String> =
        sqlx::query_scalar("SELECT value FROM archive_meta WHERE key = 'format'")
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| match open_error(path, e) {
                ArchiveError::Sql(e) => ArchiveError::Corrupt {
                    path: path.to_path_buf(),
                    detail: format!("cannot read archive_meta: {e}"),
                },
                other => other,
            })?;
    if format.as_deref() != Some(FORMAT_NAME) {
        return Err(ArchiveError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("archive_meta.format is {format:?}, expected {FORMAT_NAME:?}"),
        });
    }
    Ok(version)
}

/// Creates a new archive file: schema, marks, then WAL mode.
async fn create(path: &Path, migrations: &[&'static str]) -> Result<()> {
    let mut conn = SqliteConnection::connect_with(&options(path, true)).await?;
    // Larger pages than SQLite's 4 KiB default: measured about 1.5× faster bulk inserts of
    // signed readings and faster status scans; must be set before the first table exists.
    conn.execute("PRAGMA page_size = 16384").await?;
    migrate(&mut conn, migrations).await?;
    // WAL is switched on after the first commit, so the main file's header already
    // carries the application id: a crash before the first checkpoint cannot leave a
    // file that looks foreign.
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.close().await?;
    Ok(())
}

/// Brings the file up to `migrations.len()`, one transaction per step together with the
/// version bump, so an interrupted upgrade leaves a consistent older version.
///
/// Each step takes SQLite's write lock first (`BEGIN IMMEDIATE`, waiting up to the busy
/// timeout) and only then reads the version: another process creating or upgrading the
/// same file at the same moment has either finished that step (it is skipped here) or
/// not started it (it waits for us). Deciding from a version read before the lock would
/// run a step twice ("table already exists").
async fn migrate(
    conn: &mut SqliteConnection,
    migrations: &[&'static str],
) -> std::result::Result<(), sqlx::Error> {
    for (i, sql) in migrations.iter().enumerate() {
        let version = i as i64 + 1;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let found: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *tx)
            .await?;
        if found >= version {
            tx.rollback().await?;
            continue;
        }
        tx.execute(*sql).await?;
        if version == 1 {
            tx.execute(sqlx::AssertSqlSafe(format!(
                "PRAGMA application_id = {}",
                APPLICATION_ID as i32
            )))
            .await?;
            let created = chrono::Utc::now().timestamp().to_string();
            for (key, value) in [
                ("format", FORMAT_NAME),
                (
                    "created_by",
                    concat!("durchblick ", env!("CARGO_PKG_VERSION")),
                ),
                ("created_at", created.as_str()),
            ] {
                sqlx::query("INSERT INTO archive_meta (key, value) VALUES (?, ?)")
                    .bind(key)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        // user_version cannot be bound as a parameter; the value is our own integer.
        tx.execute(sqlx::AssertSqlSafe(format!(
            "PRAGMA user_version = {version}"
        )))
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Reads one row's column, mapping SQLite decode errors.
pub(crate) fn col<'r, T>(row: &'r sqlx::sqlite::SqliteRow, name: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    Ok(row.try_get(name)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    const ENV: &str = "ARCHIVE_UPGRADE_TEST_PATH";

    /// A future schema step: if it ran twice, the second run would fail ("table already
    /// exists") or leave two rows.
    const FUTURE: &str = "CREATE TABLE future_note (id INTEGER PRIMARY KEY, note TEXT NOT NULL); \
                          INSERT INTO future_note (note) VALUES ('upgraded');";

    fn future() -> Vec<&'static str> {
        let mut m = MIGRATIONS.to_vec();
        m.push(FUTURE);
        m
    }

    /// The child: opens the archive with one migration more than this build has.
    #[tokio::test]
    #[ignore = "run by several_processes_upgrade_one_archive_at_once as a child process"]
    async fn child_upgrade() {
        let Ok(path) = std::env::var(ENV) else {
            return;
        };
        let db = Archive::open_with(Path::new(&path), &future())
            .await
            .expect("upgrade");
        db.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn several_processes_upgrade_one_archive_at_once() {
        let exe = std::env::current_exe().expect("test binary");
        let dir = tempfile::tempdir().expect("temp dir");
        for round in 0..10 {
            let path = dir.path().join(format!("a-{round}.sqlite"));
            Archive::open(&path).await.expect("create").close().await;
            let children: Vec<_> = (0..6)
                .map(|_| {
                    Command::new(&exe)
                        .args(["open::tests::child_upgrade", "--exact", "--ignored"])
                        .env(ENV, &path)
                        .stdout(Stdio::null())
                        .stderr(Stdio::piped())
                        .spawn()
                        .expect("child starts")
                })
                .collect();
            for c in children {
                let out = c.wait_with_output().expect("child ends");
                assert!(
                    out.status.success(),
                    "round {round}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let db = Archive::open_with(&path, &future()).await.expect("open");
            assert_eq!(db.schema_version().await.expect("version"), 2);
            let notes: i64 = sqlx::query_scalar("SELECT count(*) FROM future_note")
                .fetch_one(&db.pool)
                .await
                .expect("count");
            assert_eq!(notes, 1, "round {round}: the step ran more than once");
            assert!(db.check_integrity().await.expect("check").is_empty());
            db.close().await;
            // This build's own schema is older now: it refuses the file unchanged.
            assert!(matches!(
                Archive::open(&path).await,
                Err(ArchiveError::TooNew { found: 2, .. })
            ));
        }
    }
}
