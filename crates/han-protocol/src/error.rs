//! The error type of the protocol core.

use crate::messages::{self, Call, Lang};

/// Everything that can go wrong while building, parsing or checking protocol data.
///
/// `Display` gives a technical one-line description (for logs);
/// [`ProtocolError::message`] gives a sentence for the user in German or English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The response body is not JSON at all.
    #[error("response is not valid JSON: {0}")]
    Json(String),
    /// A field is missing or has the wrong type or value; `path` names it, e.g.
    /// `readings.channels[0].readings[3].value`.
    #[error("{path}: {message}")]
    Field {
        /// Dotted path of the field within the response.
        path: String,
        /// What was expected and what was found.
        message: String,
    },
    /// The response exceeds a configured size or count limit.
    #[error("{what}: {actual} exceeds the limit of {limit}")]
    TooLarge {
        /// What was counted (body bytes, list entries, string length, ...).
        what: String,
        /// The configured limit.
        limit: u64,
        /// The size found (or a lower bound of it).
        actual: u64,
    },
    /// The response answers a different method than the one requested.
    #[error("response is for method {got:?}, expected {expected:?}")]
    MethodMismatch {
        /// The method that was requested.
        expected: String,
        /// The method named in the response.
        got: String,
    },
    /// A logbook query with a combination of parameters the gateway does not allow,
    /// or a count outside 1..=1500.
    #[error("invalid logbook query: {0}")]
    InvalidLogQuery(String),
    /// A time range whose end lies before its start.
    #[error("invalid time range: {0}")]
    InvalidRange(String),
    /// A `WWW-Authenticate` header without a usable Digest challenge.
    #[error("unusable authentication challenge: {0}")]
    Challenge(String),
    /// A 307 `Location` that is missing, points elsewhere or has an unexpected path.
    #[error("redirect refused: {0}")]
    Redirect(String),
    /// The gateway (or the local TLS stack) ended the connection with a TLS alert.
    #[error("TLS alert {code}")]
    TlsAlert {
        /// The alert description code (RFC 5246 section 7.2).
        code: u8,
    },
    /// The gateway answered a call with an HTTP status other than success.
    #[error("HTTP status {status} for {call:?}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
        /// The call that was answered.
        call: Call,
    },
}

impl ProtocolError {
    /// A sentence for the user that says what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ProtocolError::TlsAlert { code } => messages::tls_alert_message(*code, lang),
            ProtocolError::HttpStatus { status, call } => {
                messages::http_status_message(*status, *call, lang)
            }
            ProtocolError::Json(_)
            | ProtocolError::Field { .. }
            | ProtocolError::TooLarge { .. }
            | ProtocolError::MethodMismatch { .. } => match lang {
                Lang::De => format!(
                    "Die Antwort des Gateways ist nicht verwertbar ({self}). Bitte erneut \
                     versuchen; bleibt der Fehler, die Meldung an den Messstellenbetreiber weitergeben."
                ),
                Lang::En => format!(
                    "The gateway's answer cannot be used ({self}). Please try again; if the \
                     error persists, pass this message on to the meter operator."
                ),
            },
            ProtocolError::InvalidLogQuery(d) => match lang {
                Lang::De => format!("Ungültige Logbuch-Abfrage: {d}."),
                Lang::En => format!("Invalid logbook query: {d}."),
            },
            ProtocolError::InvalidRange(d) => match lang {
                Lang::De => format!("Ungültiger Zeitraum: {d}. Bitte Anfang vor Ende wählen."),
                Lang::En => format!("Invalid time range: {d}. Please choose a start before the end."),
            },
            ProtocolError::Challenge(d) => match lang {
                Lang::De => format!(
                    "Das Gateway verlangt eine Anmeldung, die nicht unterstützt wird ({d}). \
                     Bitte mit Zertifikat (PKCS#12-Datei) anmelden."
                ),
                Lang::En => format!(
                    "The gateway asks for a login method that is not supported ({d}). \
                     Please log in with a certificate (PKCS#12 file)."
                ),
            },
            ProtocolError::Redirect(d) => match lang {
                Lang::De => format!(
                    "Das Gateway hat auf eine unerwartete Adresse verwiesen ({d}); aus \
                     Sicherheitsgründen wurde ihr nicht gefolgt. Bitte Adresse und Anschluss prüfen."
                ),
                Lang::En => format!(
                    "The gateway redirected to an unexpected address ({d}); for safety it was \
                     not followed. Please check the address and the connection."
                ),
            },
        }
    }
}
