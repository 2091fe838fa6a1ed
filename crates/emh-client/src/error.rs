//! The adapter's error: what happened, in German and English, with what to do.

use std::time::Duration;

use gateway::{ErrorCategory, GatewayError, MakerError};
use han_client::{ClientError, Fingerprint};
use smgw_model::Lang;

/// Everything that can go wrong talking to an EMH CASA gateway.
#[derive(Debug, thiserror::Error)]
pub enum EmhError {
    /// The connection (TCP, TLS, certificate pin) failed. A first contact is
    /// [`ClientError::UnknownCertificate`]: ask the user, then connect again with the pin.
    #[error(transparent)]
    Transport(#[from] ClientError),
    /// User name or password wrong.
    #[error("login refused (user name or password wrong)")]
    LoginRefused,
    /// Credentials were sent and the gateway went silent.
    #[error("no answer after sending credentials (within {after:?})")]
    SilentAfterCredentials {
        /// The time limit that applied.
        after: Duration,
    },
    /// The gateway refused the `Host` header: it wants the address it was reached at.
    #[error("the gateway refused the Host header {host:?}")]
    HostRejected {
        /// The address used.
        host: String,
    },
    /// The gateway stayed busy (too fast or overlapping requests) through every retry.
    #[error("the gateway stayed busy after {attempts} attempts")]
    Busy {
        /// Attempts made.
        attempts: u32,
    },
    /// A meter id the gateway named before is unknown now: the meter was exchanged.
    #[error("meter {meter} is unknown to the gateway (exchanged?)")]
    MeterExchanged {
        /// The meter id as the gateway named it before.
        meter: String,
    },
    /// The device does not answer like an EMH CASA gateway.
    #[error("not an EMH CASA gateway: {0}")]
    NotEmh(String),
    /// Another HTTP status.
    #[error("HTTP status {status} for {path}")]
    Http {
        /// The status.
        status: u16,
        /// The path asked.
        path: String,
    },
    /// An answer that cannot be read.
    #[error("unreadable answer to {path}: {what}: {reason}")]
    Unreadable {
        /// The path asked.
        path: String,
        /// The field.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The login challenge cannot be answered.
    #[error("unusable login challenge: {0}")]
    Challenge(String),
}

impl EmhError {
    /// The transport error, if this is one (e.g. to see
    /// [`ClientError::UnknownCertificate`] and ask the user).
    pub fn client_error(&self) -> Option<&ClientError> {
        match self {
            EmhError::Transport(e) => Some(e),
            _ => None,
        }
    }

    /// The fingerprint and subject of a certificate seen for the first time: the caller asks
    /// the user and connects again with `PinPolicy::Pinned(fingerprint)`.
    pub fn unknown_certificate(&self) -> Option<(Fingerprint, &str)> {
        match self {
            EmhError::Transport(ClientError::UnknownCertificate {
                fingerprint,
                subject,
            }) => Some((*fingerprint, subject)),
            _ => None,
        }
    }
}

impl MakerError for EmhError {
    fn category(&self) -> ErrorCategory {
        match self {
            EmhError::Transport(e) => e.category(),
            EmhError::LoginRefused
            | EmhError::SilentAfterCredentials { .. }
            | EmhError::Challenge(_) => ErrorCategory::Authentication,
            EmhError::HostRejected { .. }
            | EmhError::Busy { .. }
            | EmhError::MeterExchanged { .. }
            | EmhError::Http { .. } => ErrorCategory::GatewayRefused,
            EmhError::NotEmh(_) => ErrorCategory::Connection,
            EmhError::Unreadable { .. } => ErrorCategory::Data,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (EmhError::Transport(e), lang) => e.message(lang),
            (EmhError::LoginRefused, Lang::De) => "Anmeldung abgelehnt: Benutzername oder Passwort falsch. Bitte die Zugangsdaten vom Messstellenbetreiber prüfen (Groß-/Kleinschreibung, kein Punkt am Ende).".into(),
            (EmhError::LoginRefused, Lang::En) => "Login refused: user name or password wrong. Please check the credentials from the meter operator (upper/lower case, no trailing full stop).".into(),
            (EmhError::SilentAfterCredentials { after }, Lang::De) => format!("Das Gateway antwortet nach der Anmeldung nicht (nach {} s). Bitte Zugangsdaten prüfen oder den Messstellenbetreiber fragen, ob die HAN-Schnittstelle freigeschaltet ist.", after.as_secs()),
            (EmhError::SilentAfterCredentials { after }, Lang::En) => format!("The gateway does not answer after the login (after {} s). Please check the credentials or ask the meter operator whether the HAN interface is enabled.", after.as_secs()),
            (EmhError::HostRejected { host }, Lang::De) => format!("Das Gateway lehnt die Adresse {host:?} ab: es will mit seiner IP-Adresse (meist 192.168.33.2) oder als smgw.local angesprochen werden. Bitte eine dieser Adressen verwenden."),
            (EmhError::HostRejected { host }, Lang::En) => format!("The gateway refuses the address {host:?}: it wants to be addressed by its IP address (usually 192.168.33.2) or as smgw.local. Please use one of these."),
            (EmhError::Busy { attempts }, Lang::De) => format!("Das Gateway war nach {attempts} Versuchen noch beschäftigt. Bitte andere Programme schließen, die gleichzeitig mit dem Gateway sprechen, und es in einer Minute erneut versuchen."),
            (EmhError::Busy { attempts }, Lang::En) => format!("The gateway was still busy after {attempts} attempts. Please close other programs talking to the gateway at the same time and try again in a minute."),
            (EmhError::MeterExchanged { meter }, Lang::De) => format!("Der Zähler {meter} ist dem Gateway nicht mehr bekannt – vermutlich wurde er getauscht. Bitte neu verbinden, damit die Verträge und Zähler neu eingelesen werden; die bisher gespeicherten Werte bleiben erhalten."),
            (EmhError::MeterExchanged { meter }, Lang::En) => format!("The meter {meter} is no longer known to the gateway – it was probably exchanged. Please connect again so that contracts and meters are read anew; the values stored so far are kept."),
            (EmhError::NotEmh(why), Lang::De) => format!("Das Gerät antwortet nicht wie ein EMH-CASA-Gateway ({why}). Bitte Adresse und Hersteller prüfen."),
            (EmhError::NotEmh(why), Lang::En) => format!("The device does not answer like an EMH CASA gateway ({why}). Please check the address and the maker."),
            (EmhError::Http { status, path }, Lang::De) => format!("Das Gateway hat die Anfrage {path} mit HTTP {status} abgelehnt. Bitte später erneut versuchen; bleibt es dabei, den Messstellenbetreiber fragen."),
            (EmhError::Http { status, path }, Lang::En) => format!("The gateway refused the request {path} with HTTP {status}. Please try again later; if it persists, ask your meter operator."),
            (EmhError::Unreadable { path, what, reason }, Lang::De) => format!("Die Antwort des Gateways auf {path} ist nicht lesbar ({what}: {reason}). Die Antwort wurde unverändert aufbewahrt; bitte den Fehler mit ihr melden."),
            (EmhError::Unreadable { path, what, reason }, Lang::En) => format!("The gateway's answer to {path} cannot be read ({what}: {reason}). The answer was kept unchanged; please report the error with it."),
            (EmhError::Challenge(why), Lang::De) => format!("Die Anmeldeaufforderung des Gateways ist nicht beantwortbar ({why}). Bitte den Messstellenbetreiber fragen."),
            (EmhError::Challenge(why), Lang::En) => format!("The gateway's login challenge cannot be answered ({why}). Please ask your meter operator."),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl From<EmhError> for GatewayError {
    fn from(e: EmhError) -> GatewayError {
        GatewayError::maker(e)
    }
}
