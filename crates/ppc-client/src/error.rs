//! What can go wrong with a PPC gateway, in words the user can act on.

use gateway::{ErrorCategory, GatewayError, MakerError};
use han_client::ClientError;
use smgw_model::Lang;

/// A PPC adapter error.
#[derive(Debug, thiserror::Error)]
pub enum PpcError {
    /// The connection, TLS or the certificate pin (see [`ClientError::UnknownCertificate`]:
    /// ask the user, then connect again with the confirmed pin).
    #[error(transparent)]
    Client(#[from] ClientError),
    /// User name or password refused. Never retried: repeated failures lock the login.
    #[error("login refused (user name or password wrong)")]
    WrongPassword,
    /// Too many failed logins: the gateway refuses logins for a while (about 15 minutes).
    #[error("logins locked after failed attempts")]
    LockedOut,
    /// The login succeeded but the gateway set no session cookie (and shows no meters):
    /// the meter operator has to reconfigure the gateway's HAN access.
    #[error("the gateway answered the login without a session cookie")]
    NoSessionCookie,
    /// The session ended: another login (a browser, another program) or a timeout.
    #[error("session broken: the gateway says {said:?}")]
    SessionBroken {
        /// What the page said ("Invalide Session", "Sitzung abgelaufen", "Unerlaubter Zugriff").
        said: String,
    },
    /// The gateway answered `200` with an empty body twice, even with a new Digest state.
    #[error("empty answers even after a new Digest login (stale nonce)")]
    StaleNonce,
    /// No answer in time: the web application may have crashed (only the operator can
    /// restart it). Not retried.
    #[error("no answer from the gateway within {after:?}")]
    NoAnswer {
        /// The time limit.
        after: std::time::Duration,
    },
    /// The device does not look like a PPC gateway.
    #[error("not a PPC gateway: {0}")]
    NotPpc(String),
    /// An HTTP status the action cannot use.
    #[error("HTTP {status} on {action}")]
    Http {
        /// The status.
        status: u16,
        /// The action.
        action: String,
    },
    /// An answer that cannot be read.
    #[error("unreadable answer to {action}: {why}")]
    Unreadable {
        /// The action.
        action: String,
        /// Why.
        why: String,
    },
    /// No meter of that name in this session's meter list.
    #[error("no meter named {0}")]
    NoSuchMeter(String),
    /// The self-test reboots the gateway; it needs the user's explicit confirmation
    /// (`PpcOptions::allow_self_test_reboot`).
    #[error("self-test not confirmed (it reboots the gateway)")]
    SelfTestNotConfirmed,
}

impl PpcError {
    /// The class of the error.
    pub fn category(&self) -> ErrorCategory {
        match self {
            PpcError::Client(e) => e.category(),
            PpcError::WrongPassword | PpcError::NoSessionCookie | PpcError::StaleNonce => {
                ErrorCategory::Authentication
            }
            PpcError::LockedOut
            | PpcError::SessionBroken { .. }
            | PpcError::Http { .. }
            | PpcError::SelfTestNotConfirmed
            | PpcError::NoSuchMeter(_) => ErrorCategory::GatewayRefused,
            PpcError::NoAnswer { .. } | PpcError::NotPpc(_) => ErrorCategory::Connection,
            PpcError::Unreadable { .. } => ErrorCategory::Data,
        }
    }

    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let de = matches!(lang, Lang::De);
        match self {
            PpcError::Client(e) => e.message(lang),
            PpcError::WrongPassword => lang.pick(
                "Das Gateway hat Benutzername oder Passwort abgelehnt. Bitte die Zugangsdaten des Messstellenbetreibers prüfen. Vorsicht: nach mehreren Fehlversuchen sperrt das Gateway die Anmeldung für etwa 15 Minuten.",
                "The gateway refused the user name or password. Please check the credentials from your meter operator. Careful: after several failed attempts the gateway locks logins for about 15 minutes.",
            ).to_owned(),
            PpcError::LockedOut => lang.pick(
                "Das Gateway sperrt die Anmeldung nach mehreren Fehlversuchen. Bitte etwa 15 Minuten warten und dann mit den richtigen Zugangsdaten erneut anmelden.",
                "The gateway locks logins after several failed attempts. Please wait about 15 minutes, then log in again with the right credentials.",
            ).to_owned(),
            PpcError::NoSessionCookie => lang.pick(
                "Das Gateway hat die Anmeldung angenommen, aber keine Sitzung eröffnet und keine Zähler gezeigt. Der Messstellenbetreiber muss den HAN-Zugang des Gateways neu einrichten; bitte dort melden.",
                "The gateway accepted the login but opened no session and shows no meters. Your meter operator has to reconfigure the gateway's HAN access; please contact them.",
            ).to_owned(),
            PpcError::SessionBroken { said } => if de {
                format!("Die Sitzung am Gateway wurde beendet (\u{201e}{said}\u{201c}), meist weil sich jemand anderes angemeldet hat (Browser oder anderes Programm). Das Gateway erlaubt nur eine Sitzung: die andere Anmeldung beenden und neu verbinden.")
            } else {
                format!("The session at the gateway ended (\u{201c}{said}\u{201d}), usually because someone else logged in (a browser or another program). The gateway allows only one session: end the other login and connect again.")
            },
            PpcError::StaleNonce => lang.pick(
                "Das Gateway antwortet auch nach neuer Anmeldung nur leer. Bitte einige Minuten warten und neu verbinden.",
                "The gateway keeps answering with nothing, even after a new login. Please wait a few minutes and connect again.",
            ).to_owned(),
            PpcError::NoAnswer { after } => if de {
                format!("Das Gateway hat nicht innerhalb von {} s geantwortet. Es wird nicht wiederholt: zu schnelle Abfragen haben solche Gateways schon lahmgelegt. Später erneut versuchen; antwortet es gar nicht mehr, kann nur der Messstellenbetreiber es neu starten.", after.as_secs())
            } else {
                format!("The gateway did not answer within {} s. Not retried: polling too fast has crashed such gateways before. Try again later; if it never answers again, only the meter operator can restart it.", after.as_secs())
            },
            PpcError::NotPpc(why) => if de {
                format!("Das Gerät antwortet nicht wie ein PPC-Gateway ({why}). Bitte Adresse und Hersteller prüfen.")
            } else {
                format!("The device does not answer like a PPC gateway ({why}). Please check the address and the maker.")
            },
            PpcError::Http { status, action } => if de {
                format!("Das Gateway hat die Abfrage {action} mit HTTP {status} abgelehnt. Bitte später erneut versuchen.")
            } else {
                format!("The gateway refused the request {action} with HTTP {status}. Please try again later.")
            },
            PpcError::Unreadable { action, why } => if de {
                format!("Die Antwort des Gateways auf {action} ist nicht lesbar: {why}. Bitte den Messstellenbetreiber fragen.")
            } else {
                format!("The gateway's answer to {action} cannot be read: {why}. Please ask your meter operator.")
            },
            PpcError::NoSuchMeter(name) => if de {
                format!("Das Gateway führt keinen Zähler {name} (mehr). Bitte die Zählerliste neu laden.")
            } else {
                format!("The gateway lists no meter {name} (any more). Please reload the list of meters.")
            },
            PpcError::SelfTestNotConfirmed => lang.pick(
                "Der Selbsttest startet dieses Gateway neu; es ist dann einige Minuten nicht erreichbar. Er läuft nur nach ausdrücklicher Bestätigung.",
                "The self-test reboots this gateway; it is then unreachable for some minutes. It runs only after explicit confirmation.",
            ).to_owned(),
        }
    }

    /// The transport error inside, e.g. to ask the user about an unknown certificate.
    pub fn client_error(&self) -> Option<&ClientError> {
        match self {
            PpcError::Client(e) => Some(e),
            _ => None,
        }
    }
}

impl MakerError for PpcError {
    fn category(&self) -> ErrorCategory {
        PpcError::category(self)
    }

    fn message(&self, lang: Lang) -> String {
        PpcError::message(self, lang)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl From<PpcError> for GatewayError {
    fn from(e: PpcError) -> GatewayError {
        match e {
            PpcError::Client(ClientError::Cancelled) => GatewayError::Cancelled,
            e => GatewayError::maker(e),
        }
    }
}
