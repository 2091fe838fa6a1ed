//! What the CLI tells the user when something goes wrong, and the exit code that goes
//! with it (documented in the README).

use durchblick_core::Problem;
use gateway::{ErrorCategory, GatewayError};
use han_client::ClientError;
use smgw_model::Lang;

/// Exit codes. Warnings about fields of an answer that could not be decoded (printed on
/// stderr, `warnings` in `--json`) do not change the exit code: what could be read is
/// complete and archived, and a script finds the warnings in the JSON.
pub mod code {
    /// Wrong use of the command line (clap uses 2 as well).
    pub const USAGE: u8 = 2;
    /// The gateway could not be reached or TLS failed (including a changed certificate).
    pub const CONNECTION: u8 = 3;
    /// Login failed.
    pub const AUTHENTICATION: u8 = 4;
    /// The gateway refused the request.
    pub const REFUSED: u8 = 5;
    /// The data could not be used (a malformed answer, a local file problem).
    pub const DATA: u8 = 6;
    /// Cancelled by the user (Ctrl-C).
    pub const CANCELLED: u8 = 130;

    /// The exit code of an error category.
    pub fn of_category(category: super::ErrorCategory) -> u8 {
        use super::ErrorCategory::*;
        match category {
            Connection => CONNECTION,
            Authentication => AUTHENTICATION,
            GatewayRefused => REFUSED,
            Data => DATA,
            Cancelled => CANCELLED,
        }
    }
}

/// A message for the user and an exit code.
#[derive(Debug)]
pub struct Failure {
    /// Exit code, see [`code`].
    pub code: u8,
    /// What happened and what to do, in the user's language.
    pub message: String,
}

/// What only the command line says: its messages name its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliProblem {
    /// No password in the environment variable `var` and no terminal to ask in.
    NoPassword {
        /// The environment variable.
        var: &'static str,
    },
    /// Neither `--user` nor `--p12` (nor `--pem-cert`/`--pem-key`).
    NoLogin,
    /// A `--pin` that is no fingerprint.
    BadPin {
        /// As given.
        text: String,
    },
    /// First contact, and the user did not confirm the certificate.
    NotConfirmed {
        /// The certificate's fingerprint, for `--pin`.
        fingerprint: String,
    },
    /// `verify` was given a zip file.
    ZipGiven {
        /// The file.
        path: std::path::PathBuf,
    },
    /// `verify` could not read the bundle.
    CannotVerify {
        /// The bundle.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
    /// No `--archive` and no standard data directory.
    NoArchive,
    /// The tariff file is no readable AR 2418-6 file.
    TariffUnreadable {
        /// Why.
        reason: String,
    },
}

impl CliProblem {
    fn code(&self) -> u8 {
        match self {
            CliProblem::NotConfirmed { .. } => code::CONNECTION,
            CliProblem::CannotVerify { .. } | CliProblem::TariffUnreadable { .. } => code::DATA,
            _ => code::USAGE,
        }
    }

    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CliProblem::NoPassword { var }, Lang::De) => format!(
                "Kein Passwort: bitte in der Umgebungsvariablen {var} angeben oder im Terminal eingeben."
            ),
            (CliProblem::NoPassword { var }, Lang::En) => format!(
                "No password: set the environment variable {var} or run in a terminal to be asked."
            ),
            (CliProblem::NoLogin, Lang::De) => "Bitte eine Anmeldung angeben: --user NAME (Benutzername und Passwort) oder --p12 DATEI (Schlüsseldatei).".to_owned(),
            (CliProblem::NoLogin, Lang::En) => "Please say how to log in: --user NAME (user name and password) or --p12 FILE (key file).".to_owned(),
            (CliProblem::BadPin { text }, _) => format!(
                "--pin {}",
                Problem::BadFingerprint { text: text.clone() }.message(lang)
            ),
            (CliProblem::NotConfirmed { fingerprint }, Lang::De) => format!(
                "Nicht verbunden, weil das Zertifikat nicht bestätigt wurde. Zum Bestätigen erneut aufrufen mit --pin {fingerprint} (oder --trust-on-first-use)."
            ),
            (CliProblem::NotConfirmed { fingerprint }, Lang::En) => format!(
                "Not connected because the certificate was not confirmed. To confirm, run again with --pin {fingerprint} (or --trust-on-first-use)."
            ),
            (CliProblem::ZipGiven { path }, Lang::De) => format!(
                "{} ist eine Zip-Datei; bitte entpacken und das Verzeichnis prüfen.",
                path.display()
            ),
            (CliProblem::ZipGiven { path }, Lang::En) => format!(
                "{} is a zip file; please unpack it and verify the directory.",
                path.display()
            ),
            (CliProblem::CannotVerify { path, reason }, Lang::De) => {
                format!("{} kann nicht geprüft werden: {reason}", path.display())
            }
            (CliProblem::CannotVerify { path, reason }, Lang::En) => {
                format!("Cannot verify {}: {reason}", path.display())
            }
            (CliProblem::NoArchive, Lang::De) => {
                "Kein Datenverzeichnis bekannt: bitte das Archiv mit --archive DATEI angeben."
                    .to_owned()
            }
            (CliProblem::NoArchive, Lang::En) => {
                "No data directory known: please name the archive with --archive FILE.".to_owned()
            }
            (CliProblem::TariffUnreadable { reason }, Lang::De) => {
                format!("Die Tarifdatei ist nicht lesbar: {reason}")
            }
            (CliProblem::TariffUnreadable { reason }, Lang::En) => {
                format!("The tariff file cannot be read: {reason}")
            }
        }
    }

    /// The failure to report in `lang`.
    pub fn failure(&self, lang: Lang) -> Failure {
        Failure {
            code: self.code(),
            message: self.message(lang),
        }
    }
}

impl Failure {
    /// A problem with what the user gave, with the core's message.
    pub fn problem(problem: &Problem, lang: Lang) -> Self {
        Failure {
            code: if problem.is_input() {
                code::USAGE
            } else {
                code::of_category(problem.category())
            },
            message: problem.message(lang),
        }
    }

    /// An archive that cannot be opened, read or written: the archive's own message.
    pub fn archive(err: &archive::ArchiveError, lang: Lang) -> Self {
        Failure {
            code: code::DATA,
            message: err.message(lang),
        }
    }

    /// A client error, with the client's own message.
    pub fn client(err: &ClientError, lang: Lang) -> Self {
        Failure {
            code: code::of_category(err.category()),
            message: err.message(lang),
        }
    }

    /// An error of the gateway interface, with its own message.
    pub fn gateway(err: &GatewayError, lang: Lang) -> Self {
        Failure {
            code: code::of_category(err.category()),
            message: err.message(lang),
        }
    }

    /// A local problem (files, config) described by an error chain.
    pub fn local(lang: Lang, err: &anyhow::Error) -> Self {
        let message = match lang {
            Lang::De => format!("Fehler: {err:#}"),
            Lang::En => format!("Error: {err:#}"),
        };
        Failure {
            code: code::DATA,
            message,
        }
    }
}

impl From<(ClientError, Lang)> for Failure {
    fn from((err, lang): (ClientError, Lang)) -> Self {
        Failure::client(&err, lang)
    }
}
