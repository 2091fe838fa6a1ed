//! Errors of the interface: the few every caller acts on, and the maker's own error behind
//! a trait that gives a category (for exit codes) and messages in German and English.

use std::any::Any;

use smgw_model::Lang;

/// A coarse class of error, e.g. for a command-line exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    /// The gateway could not be reached, or TLS failed (including certificate pinning).
    Connection,
    /// Login failed: wrong password, unknown certificate, unreadable key file.
    Authentication,
    /// The gateway understood but refused (403, 404, 400, self-test locked, ...).
    GatewayRefused,
    /// The gateway's answer could not be used.
    Data,
    /// The user cancelled.
    Cancelled,
}

/// A maker adapter's error: what happened, in words the user can act on.
pub trait MakerError: std::error::Error + Send + Sync + 'static {
    /// The class of the error.
    fn category(&self) -> ErrorCategory;
    /// What happened and what to do.
    fn message(&self, lang: Lang) -> String;
    /// For [`GatewayError::maker_error`].
    fn as_any(&self) -> &dyn Any;
}

/// Why a call through the interface failed.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The gateway refused a values window as too long (it may count days differently);
    /// ask for shorter windows.
    #[error("the gateway refused the period as too long")]
    WindowTooLong,
    /// The gateway does not offer this (see `Capabilities`).
    #[error("this gateway does not offer {0}")]
    NotOffered(&'static str),
    /// An answer that cannot be used, with the reason.
    #[error("unusable answer: {0}")]
    Data(String),
    /// The maker adapter's own error.
    #[error("{0}")]
    Maker(Box<dyn MakerError>),
}

impl GatewayError {
    /// Wraps a maker adapter's error.
    pub fn maker(e: impl MakerError) -> GatewayError {
        GatewayError::Maker(Box::new(e))
    }

    /// The maker's error of type `E`, if it is one.
    pub fn maker_error<E: MakerError>(&self) -> Option<&E> {
        match self {
            GatewayError::Maker(e) => e.as_any().downcast_ref(),
            _ => None,
        }
    }

    /// The class of the error.
    pub fn category(&self) -> ErrorCategory {
        match self {
            GatewayError::Cancelled => ErrorCategory::Cancelled,
            GatewayError::WindowTooLong | GatewayError::NotOffered(_) => {
                ErrorCategory::GatewayRefused
            }
            GatewayError::Data(_) => ErrorCategory::Data,
            GatewayError::Maker(e) => e.category(),
        }
    }

    /// What happened and what to do, in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            GatewayError::Cancelled => lang.pick("Abgebrochen.", "Cancelled.").to_owned(),
            GatewayError::WindowTooLong => lang
                .pick(
                    "Das Gateway lehnt selbst einen Zeitraum von einem Tag als zu lang ab. Bitte später erneut versuchen; bleibt es dabei, den Messstellenbetreiber fragen.",
                    "The gateway refuses even a period of one day as too long. Please try again later; if it persists, ask your meter operator.",
                )
                .to_owned(),
            GatewayError::NotOffered(what) => match lang {
                Lang::De => format!("Dieses Gateway bietet das nicht an: {what}."),
                Lang::En => format!("This gateway does not offer this: {what}."),
            },
            GatewayError::Data(why) => match lang {
                Lang::De => format!("Die Antwort des Gateways ist nicht verwendbar: {why}. Bitte den Messstellenbetreiber fragen."),
                Lang::En => format!("The gateway's answer cannot be used: {why}. Please ask your meter operator."),
            },
            GatewayError::Maker(e) => e.message(lang),
        }
    }
}
