//! The sync lock: one sync at a time per archive file, across processes.
//!
//! SQLite alone keeps two writers consistent (each write is one transaction, values are
//! unique by key), but two syncs of one archive at once would both read the whole span
//! from the gateway and store every raw answer twice, and their resume points would race.
//! So a sync holds an OS file lock on `<archive>-lock` next to the archive for its whole
//! run. The OS drops the lock when the process ends, also when it is killed, so a crash
//! never leaves a stale lock behind (which a lock row inside the database would).
//!
//! A separate file rather than the archive itself: SQLite locks byte ranges of the archive
//! with `fcntl` (Unix) and `LockFileEx` (Windows); a whole-file lock there would collide
//! with SQLite's own on Windows and with NFS's `flock` emulation. The lock file is empty
//! and stays after the run; deleting it while a sync runs would let a second one in, so
//! it is never deleted by the program.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{ArchiveError, Result};
use crate::open::Archive;

/// Held while a sync writes into an archive; released when dropped (or when the process
/// ends).
#[derive(Debug)]
pub struct SyncLock {
    // Kept open: closing the file releases the lock.
    _file: File,
}

/// The lock file of an archive: its name with `-lock` appended, like SQLite's `-wal`.
pub fn lock_path(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push("-lock");
    PathBuf::from(name)
}

impl Archive {
    /// Takes the sync lock of this archive if no other sync (in this or another process)
    /// holds it; `None` if one does. Never waits.
    pub fn try_lock_sync(&self) -> Result<Option<SyncLock>> {
        let path = lock_path(self.path());
        let io = |source| ArchiveError::Io {
            path: path.clone(),
            source,
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(windows)]
        {
            // No sharing: a second open of the file fails until this handle is closed,
            // which is the lock (released by Windows when the process ends).
            use std::os::windows::fs::OpenOptionsExt;
            opts.share_mode(0);
        }
        let file = match opts.open(&path) {
            Ok(f) => f,
            // ERROR_SHARING_VIOLATION: another handle holds it.
            #[cfg(windows)]
            Err(e) if e.raw_os_error() == Some(32) => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        #[cfg(unix)]
        {
            // std's `try_lock` is `flock(LOCK_EX | LOCK_NB)` here: released when the file is
            // closed, also when the process dies.
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                // A file system without locks (some network shares): SQLite's
                // transactions still keep the archive consistent; the lock only spares
                // doubled raw answers, so the sync goes ahead.
                Err(std::fs::TryLockError::Error(e))
                    if matches!(e.raw_os_error(), Some(libc::ENOLCK | libc::EOPNOTSUPP)) =>
                {
                    return Ok(Some(SyncLock { _file: file }));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        Ok(Some(SyncLock { _file: file }))
    }
}
