//! Records the commit the program is built from, so `--version` and the About box can name
//! it. Order: `DURCHBLICK_BUILD_COMMIT` (set by release builds from a source archive without
//! `.git`), else `git rev-parse HEAD`, else "unknown" (no git installed, no repository): a
//! build never fails for want of git.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env_dir())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn env_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into())
}

fn main() {
    println!("cargo:rerun-if-env-changed=DURCHBLICK_BUILD_COMMIT");
    let commit = match std::env::var("DURCHBLICK_BUILD_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().to_string(),
        _ => {
            // Rebuild when HEAD moves: HEAD itself (branch switch, detached checkout), the
            // branch's ref file (a commit) and packed-refs (refs packed by `git gc`).
            for path in [
                Some("HEAD".to_string()),
                git(&["symbolic-ref", "-q", "HEAD"]),
            ]
            .into_iter()
            .flatten()
            .chain(std::iter::once("packed-refs".to_string()))
            {
                if let Some(file) = git(&["rev-parse", "--git-path", &path]) {
                    let file = Path::new(&env_dir()).join(file);
                    if file.exists() {
                        println!("cargo:rerun-if-changed={}", file.display());
                    }
                }
            }
            git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into())
        }
    };
    println!("cargo:rustc-env=DURCHBLICK_BUILD_COMMIT={commit}");
}
