//! Version, build commit and the SHA-256 of the running executable.
//!
//! Both front doors show these (`durchblick --version`, the window's About box) so that a
//! user can compare the program they run with the sums published beside a release, as the
//! reference program shows the checksums of its parts. One place, so that both say the same.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use smgw_model::Lang;

/// The version of the workspace (`Cargo.toml`), e.g. `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The full commit hash the program was built from, or `unknown` (built without git).
pub const COMMIT: &str = env!("DURCHBLICK_BUILD_COMMIT");

/// The commit shortened to 12 characters for one-line displays (the full one stays in
/// [`COMMIT`]); `unknown` stays as is.
pub fn short_commit() -> &'static str {
    COMMIT.get(..12).unwrap_or(COMMIT)
}

/// What identifies the running program.
#[derive(Debug)]
pub struct BuildInfo {
    /// See [`VERSION`].
    pub version: &'static str,
    /// See [`COMMIT`].
    pub commit: &'static str,
    /// The running executable and its SHA-256 (lower-case hex), or why it is unknown.
    pub executable: Result<Executable, HashError>,
}

/// The running executable's path and checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executable {
    /// Where the operating system says the program was started from.
    pub path: PathBuf,
    /// SHA-256 of its bytes, lower-case hex (as `sha256sum` prints it).
    pub sha256: String,
}

/// The running executable could not be found or read.
#[derive(Debug)]
pub struct HashError {
    /// The path, if the operating system named one.
    pub path: Option<PathBuf>,
    /// What went wrong.
    pub source: io::Error,
}

impl HashError {
    /// Says what happened and what to do, in German or English.
    pub fn message(&self, lang: Lang) -> String {
        let path = self
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| lang.pick("(unbekannt)", "(unknown)").to_string());
        match lang {
            Lang::De => format!(
                "Die Prüfsumme des laufenden Programms ist nicht verfügbar: {path} ließ sich \
                 nicht lesen ({}). Berechnen Sie sie selbst (z. B. `sha256sum` oder \
                 `Get-FileHash`) und vergleichen Sie sie mit den veröffentlichten Summen.",
                self.source
            ),
            Lang::En => format!(
                "The checksum of the running program is not available: {path} could not be \
                 read ({}). Compute it yourself (e.g. `sha256sum` or `Get-FileHash`) and \
                 compare it with the published sums.",
                self.source
            ),
        }
    }
}

impl BuildInfo {
    /// Version, commit and the checksum of the running executable (read from disk now, in
    /// pieces: the executable may be tens of megabytes).
    pub fn current() -> BuildInfo {
        BuildInfo {
            version: VERSION,
            commit: COMMIT,
            executable: running_executable(),
        }
    }

    /// The lines `--version` prints after the program's name and version: commit, SHA-256
    /// and path (labels as `sha256sum` users know them, the error in the user's language).
    pub fn details(&self, lang: Lang) -> String {
        let mut text = format!("commit  {}\n", self.commit);
        match &self.executable {
            Ok(exe) => {
                text.push_str(&format!("sha256  {}\n", exe.sha256));
                text.push_str(&format!("file    {}\n", exe.path.display()));
            }
            Err(e) => {
                text.push_str("sha256  -\n");
                text.push_str(&e.message(lang));
                text.push('\n');
            }
        }
        text
    }
}

/// The running executable and its SHA-256.
pub fn running_executable() -> Result<Executable, HashError> {
    let path = std::env::current_exe().map_err(|source| HashError { path: None, source })?;
    // A symlink (e.g. /usr/local/bin/durchblick pointing into Durchblick.app) is resolved
    // so that the path shown is the file hashed. Not on Windows: there canonicalize gives
    // `\\?\C:\...` paths that confuse users, and current_exe() is already the real file.
    #[cfg(not(windows))]
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    match sha256_file(&path) {
        Ok(sha256) => Ok(Executable { path, sha256 }),
        Err(source) => Err(HashError {
            path: Some(path),
            source,
        }),
    }
}

/// SHA-256 of a file, lower-case hex, read in 64 KiB pieces.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    sha256_reader(File::open(path)?)
}

/// SHA-256 of everything a reader gives, lower-case hex, read in 64 KiB pieces.
pub fn sha256_reader(mut reader: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn known_digests() {
        // FIPS 180-2 test vectors: "abc" and the empty message.
        assert_eq!(
            sha256_reader(&b"abc"[..]).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_reader(&b""[..]).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn file_larger_than_one_piece_hashes_like_one_shot() {
        // 200 000 bytes: three full pieces and a partial one.
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&data).unwrap();
        let expected = hex::encode(Sha256::digest(&data));
        assert_eq!(sha256_file(file.path()).unwrap(), expected);
    }

    #[test]
    fn running_executable_is_this_test_binary() {
        let exe = running_executable().unwrap();
        let bytes = std::fs::read(&exe.path).unwrap();
        assert_eq!(exe.sha256, hex::encode(Sha256::digest(&bytes)));
        let info = BuildInfo::current();
        let details = info.details(Lang::En);
        assert!(details.contains(&exe.sha256), "{details}");
        assert!(details.starts_with(&format!("commit  {COMMIT}\n")));
    }

    #[test]
    fn missing_file_is_an_error_in_both_languages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone");
        let source = sha256_file(&path).unwrap_err();
        let err = HashError {
            path: Some(path.clone()),
            source,
        };
        assert!(err.message(Lang::De).contains("nicht verfügbar"));
        assert!(err.message(Lang::En).contains("not available"));
        assert!(err.message(Lang::En).contains(&path.display().to_string()));
    }

    #[test]
    fn commit_is_a_hash_or_unknown() {
        assert!(
            COMMIT == "unknown"
                || (COMMIT.len() >= 7 && COMMIT.chars().all(|c| c.is_ascii_hexdigit())),
            "{COMMIT}"
        );
        assert!(short_commit().len() <= 12);
    }
}
