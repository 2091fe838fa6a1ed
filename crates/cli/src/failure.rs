//! What the CLI tells the user when something goes wrong, and the exit code that goes
//! with it (documented in the README).

use gateway::{ErrorCategory, GatewayError};
use han_client::ClientError;
use smgw_model::Lang;

/// Exit codes.
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

impl Failure {
    /// A failure with a message in both languages.
    pub fn new(code: u8, lang: Lang, de: impl Into<String>, en: impl Into<String>) -> Self {
        let message = match lang {
            Lang::De => de.into(),
            Lang::En => en.into(),
        };
        Failure { code, message }
    }

    /// An archive that cannot be opened, read or written: the archive's own message.
    pub fn archive(err: &archive::ArchiveError, lang: Lang) -> Self {
        Failure::new(
            code::DATA,
            lang,
            err.message(Lang::De),
            err.message(Lang::En),
        )
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
        Failure::new(
            code::DATA,
            lang,
            format!("Fehler: {err:#}"),
            format!("Error: {err:#}"),
        )
    }
}

impl From<(ClientError, Lang)> for Failure {
    fn from((err, lang): (ClientError, Lang)) -> Self {
        Failure::client(&err, lang)
    }
}
