//! Files that are not (usable) archives are refused with a clear error and left unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::path::Path;

use archive::{Archive, ArchiveError, SCHEMA_VERSION};
use common::*;
use sqlx::{Connection, Executor, SqliteConnection};

/// Opens `path` with both entry points and checks the file's bytes did not change and no
/// SQLite side files appeared. Returns the error of `open`.
async fn refused(path: &Path) -> ArchiveError {
    let before = sha256_file(path);
    let len = std::fs::metadata(path).unwrap().len();
    let err = Archive::open(path).await.expect_err("must be refused");
    let err2 = Archive::open_existing(path)
        .await
        .expect_err("must be refused");
    assert_eq!(err.to_string(), err2.to_string());
    assert_eq!(sha256_file(path), before, "{} was modified", path.display());
    assert_eq!(std::fs::metadata(path).unwrap().len(), len);
    err
}

fn no_side_files(path: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        assert!(
            !Path::new(&side).exists(),
            "{} was created",
            Path::new(&side).display()
        );
    }
}

#[tokio::test]
async fn a_text_file_is_refused_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Zählerstände 2024\n".repeat(20)).unwrap();
    let err = refused(&path).await;
    assert!(matches!(err, ArchiveError::NotSqlite(_)), "{err}");
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
    assert!(err.to_string().contains("left unchanged"), "{err}");
    no_side_files(&path);
}

#[tokio::test]
async fn random_bytes_and_a_short_file_are_refused_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.sqlite");
    // A fixed xorshift stream: deterministic "random" bytes.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(refused(&path).await, ArchiveError::NotSqlite(_)));
    no_side_files(&path);

    let short = dir.path().join("short.sqlite");
    std::fs::write(&short, b"SQLite format 3\0").unwrap();
    assert!(matches!(refused(&short).await, ArchiveError::NotSqlite(_)));
    no_side_files(&short);

    // A directory is not a file.
    assert!(matches!(
        Archive::open(dir.path()).await,
        Err(ArchiveError::NotSqlite(_))
    ));
}

#[tokio::test]
async fn a_foreign_sqlite_database_is_refused_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
        conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('a', '1');")
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let err = refused(&path).await;
    assert!(
        matches!(err, ArchiveError::Foreign { found: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("another program"), "{err}");
    no_side_files(&path);

    // An empty SQLite database (no tables at all) of someone else: still foreign.
    let empty = dir.path().join("empty-db.sqlite");
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&empty)
            .create_if_missing(true);
        let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
        conn.execute("PRAGMA user_version = 3").await.unwrap();
        conn.close().await.unwrap();
    }
    assert!(matches!(
        refused(&empty).await,
        ArchiveError::Foreign { .. }
    ));
}

/// A real archive, closed and checkpointed, for the tests that damage one.
async fn real_archive(path: &Path) {
    let db = Archive::open(path).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    db.store_window(
        &[archive::ChannelWindow {
            channel: f.channel,
            readings: &readings(0..5000),
            synced_until: None,
        }],
        None,
        now(),
    )
    .await
    .unwrap();
    db.close().await;
}

#[tokio::test]
async fn a_damaged_archive_is_refused_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    real_archive(&path).await;
    // Keep the 100-byte header (so it still looks like ours), overwrite everything else.
    let mut bytes = std::fs::read(&path).unwrap();
    for (i, b) in bytes.iter_mut().enumerate().skip(100) {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = refused(&path).await;
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("damaged"), "{err}");
}

#[tokio::test]
async fn an_archive_from_a_newer_version_is_refused_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    real_archive(&path).await;
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
        let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
        conn.execute("PRAGMA user_version = 99").await.unwrap();
        conn.close().await.unwrap();
    }
    let err = refused(&path).await;
    assert!(
        matches!(err, ArchiveError::TooNew { found: 99, supported, .. } if supported == SCHEMA_VERSION),
        "{err}"
    );
}

#[tokio::test]
async fn our_marks_without_the_meta_table_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fake.sqlite");
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
        conn.execute(sqlx::AssertSqlSafe(format!(
            "PRAGMA application_id = {}; CREATE TABLE t (x);",
            archive::APPLICATION_ID as i32
        )))
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let err = refused(&path).await;
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
}
