//! The About box's facts: version, build commit and the SHA-256 of the running program, so
//! that a user can compare the window they run with the sums published with a release.
//! Computed by `durchblick-version`, the same code `durchblick --version` uses.

use serde::Serialize;
use ts_rs::TS;

use crate::views::Text;

/// What the About box shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AboutView {
    /// The program version, e.g. `0.1.0`.
    pub version: &'static str,
    /// The full commit hash it was built from, or `unknown`.
    pub commit: &'static str,
    /// The running executable's path, when the operating system names it.
    pub executable: Option<String>,
    /// SHA-256 of the running executable (lower-case hex, as `sha256sum` prints it).
    pub sha256: Option<String>,
    /// Why there is no checksum, when there is none.
    pub problem: Option<Text>,
}

/// Reads the running executable from disk (tens of megabytes: call it off the main thread).
pub fn about() -> AboutView {
    let info = durchblick_version::BuildInfo::current();
    let (executable, sha256, problem) = match info.executable {
        Ok(exe) => (Some(exe.path.display().to_string()), Some(exe.sha256), None),
        Err(e) => (
            e.path.as_ref().map(|p| p.display().to_string()),
            None,
            Some(Text::of(|lang| e.message(lang))),
        ),
    };
    AboutView {
        version: info.version,
        commit: info.commit,
        executable,
        sha256,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_names_this_executable_and_its_checksum() {
        let view = about();
        let shown = std::path::PathBuf::from(view.executable.clone().unwrap());
        let exe = std::env::current_exe().unwrap();
        assert_eq!(shown.file_name(), exe.file_name());
        // Computed here in one piece, not in the streaming way the view used.
        let expected = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(std::fs::read(&exe).unwrap()))
        };
        assert_eq!(view.sha256.as_deref(), Some(expected.as_str()));
        assert_eq!(view.problem, None);
        assert_eq!(view.version, env!("CARGO_PKG_VERSION"));
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["sha256"], expected.as_str());
        assert_eq!(json["commit"], durchblick_version::COMMIT);
    }
}
