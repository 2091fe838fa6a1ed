//! What the command line says about itself: `--version` with build commit and the
//! SHA-256 of the running program, shell completions and manual pages, all generated from
//! the one clap definition so that they never drift from the real options.

use std::io::Write;
use std::path::Path;

use clap::{CommandFactory, FromArgMatches};
use smgw_model::Lang;

use crate::args::Cli;
use crate::failure::{code, Failure};

/// Parses the command line. `-V` shows the version and commit; `--version` adds the
/// SHA-256 of the running executable, computed only when asked for (reading a program of
/// tens of megabytes at every start would slow every call).
pub fn parse(lang: Lang) -> Result<Cli, clap::Error> {
    let mut command = Cli::command().version(format!(
        "{} ({})",
        durchblick_version::VERSION,
        durchblick_version::short_commit()
    ));
    if std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--version")
    {
        let info = durchblick_version::BuildInfo::current();
        command = command.long_version(format!(
            "{}\n{}",
            info.version,
            info.details(lang).trim_end()
        ));
    }
    let matches = command.try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// `durchblick completions SHELL`: the script on standard output.
pub fn completions(shell: clap_complete::Shell, lang: Lang) -> Result<(), Failure> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "durchblick", &mut script);
    std::io::stdout()
        .write_all(&script)
        .map_err(|e| write_failed(Path::new("-"), &e, lang))
}

/// `durchblick man --out DIR`: `durchblick.1` and one page per command
/// (`durchblick-sync.1`, ...).
pub fn man_pages(out: &Path, lang: Lang) -> Result<(), Failure> {
    std::fs::create_dir_all(out).map_err(|e| write_failed(out, &e, lang))?;
    clap_mangen::generate_to(Cli::command(), out).map_err(|e| write_failed(out, &e, lang))
}

fn write_failed(path: &Path, error: &std::io::Error, lang: Lang) -> Failure {
    let path = path.display();
    Failure {
        code: code::DATA,
        message: match lang {
            Lang::De => format!(
                "{path} ließ sich nicht schreiben ({error}). Bitte einen beschreibbaren Ort wählen."
            ),
            Lang::En => {
                format!("Could not write {path} ({error}). Please choose a writable place.")
            }
        },
    }
}
