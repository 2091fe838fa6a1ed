//! `durchblick --version`, completions and man pages, run as a user would.

use std::process::Command;

use sha2::{Digest, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("LANG", "C")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn version_names_commit_and_the_checksum_of_the_running_file() {
    let (code, text) = run(&["--version"]);
    assert_eq!(code, 0, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("durchblick {}", env!("CARGO_PKG_VERSION"))
    );
    // Computed here from the file, independently of the program's own streaming code.
    let expected = hex::encode(Sha256::digest(std::fs::read(BIN).unwrap()));
    assert!(lines.contains(&&*format!("sha256  {expected}")), "{text}");
    let commit = lines
        .iter()
        .find_map(|l| l.strip_prefix("commit  "))
        .unwrap();
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(head) if std::env::var_os("DURCHBLICK_BUILD_COMMIT").is_none() => {
            assert_eq!(commit, head)
        }
        _ => assert!(!commit.is_empty()),
    }
    // -V stays short: version and commit, no file read.
    let (code, short) = run(&["-V"]);
    assert_eq!(code, 0);
    assert_eq!(short.lines().count(), 1, "{short}");
    assert!(short.contains(&commit[..commit.len().min(12)]), "{short}");
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    for (shell, marker) in [
        ("bash", "_durchblick()"),
        ("zsh", "#compdef durchblick"),
        ("fish", "complete -c durchblick"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, script) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("sync") && script.contains("export"),
            "{shell}"
        );
    }
    let (code, _) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
}

#[test]
fn man_pages_for_the_program_and_each_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let (code, _) = run(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    let main = std::fs::read_to_string(out.join("durchblick.1")).unwrap();
    assert!(main.contains(".TH durchblick 1"), "{main}");
    assert!(
        main.contains("DURCHBLICK_PASSWORD"),
        "the about text is in the page"
    );
    let sync = std::fs::read_to_string(out.join("durchblick-sync.1")).unwrap();
    assert!(sync.contains("\\-\\-archive"), "{sync}");
}
