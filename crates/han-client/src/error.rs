//! The client's error type, with messages for people and a category for exit codes.

use std::time::Duration;

use han_protocol::{Call, Lang, ProtocolError};

use crate::pin::Fingerprint;

pub use gateway::ErrorCategory;

/// The phase in which a timeout struck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake.
    Handshake,
    /// Waiting for an HTTP response.
    Response,
}

/// Everything that can go wrong talking to a gateway.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// TCP connection failed (refused, unreachable, ...).
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// `host:port` that was tried.
        addr: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Nothing happened within the configured time.
    #[error("timeout after {after:?} during {phase:?}")]
    Timeout {
        /// What was being waited for.
        phase: Phase,
        /// The configured limit.
        after: Duration,
    },
    /// Credentials were sent and the gateway went silent: typical of a wrong password or
    /// a HAN interface that is switched off.
    #[error("no answer after sending credentials (within {after:?})")]
    SilentAfterCredentials {
        /// The configured response timeout.
        after: Duration,
    },
    /// The gateway's certificate is not pinned yet; the user must confirm it.
    #[error("unknown gateway certificate {fingerprint} ({subject})")]
    UnknownCertificate {
        /// SHA-256 of the certificate.
        fingerprint: Fingerprint,
        /// Its subject, for display.
        subject: String,
    },
    /// The gateway presents another certificate than the pinned one.
    #[error("gateway certificate changed: pinned {pinned}, presented {presented} ({subject})")]
    CertificateChanged {
        /// The pinned fingerprint.
        pinned: Fingerprint,
        /// The fingerprint seen now.
        presented: Fingerprint,
        /// Subject of the presented certificate.
        subject: String,
    },
    /// A TLS alert ended the handshake or the connection.
    #[error("TLS alert {0}")]
    TlsAlert(u8),
    /// Any other TLS failure.
    #[error("TLS error: {0}")]
    Tls(String),
    /// The PKCS#12 password is wrong.
    #[error("wrong password for the PKCS#12 file")]
    WrongKeyPassword,
    /// The file is not a PKCS#12 (or PEM) file of the expected kind.
    #[error("not a usable key file: {0}")]
    BadKeyFile(String),
    /// The key file holds no private key with certificate.
    #[error("the key file holds no private key with a certificate")]
    NoKeyInFile,
    /// The key file uses a key type this program cannot use.
    #[error("unsupported key in file: {0}")]
    UnsupportedKey(String),
    /// The key file holds a key on a brainpool curve (the smart-metering PKI's curves),
    /// which the TLS library cannot use for a handshake (field failure 11).
    #[error("the key in the file is on the curve {0}, which TLS here cannot use")]
    BrainpoolKey(String),
    /// Digest login refused with these credentials.
    #[error("login refused (user name or password wrong)")]
    LoginRefused,
    /// The gateway wants a password login but none was configured (the certificate
    /// was not accepted).
    #[error("the gateway did not accept the client certificate and asks for a password")]
    CertificateNotAccepted,
    /// The self-test cannot start: one ran less than 10 minutes ago.
    #[error("self-test locked (HTTP 403)")]
    SelfTestLocked,
    /// A protocol-level problem (HTTP status, unusable answer, bad redirect, ...).
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The connection broke in a way that retrying did not fix.
    #[error("connection failed: {0}")]
    Http(String),
    /// The caller cancelled a long operation.
    #[error("cancelled")]
    Cancelled,
}

impl ClientError {
    /// The class of the error.
    pub fn category(&self) -> ErrorCategory {
        use ClientError::*;
        match self {
            // Certificate-related alerts: the gateway refused our client certificate.
            TlsAlert(41..=49) => ErrorCategory::Authentication,
            Connect { .. }
            | Timeout { .. }
            | UnknownCertificate { .. }
            | CertificateChanged { .. }
            | TlsAlert(_)
            | Tls(_)
            | Http(_) => ErrorCategory::Connection,
            SilentAfterCredentials { .. }
            | WrongKeyPassword
            | BadKeyFile(_)
            | NoKeyInFile
            | UnsupportedKey(_)
            | BrainpoolKey(_)
            | LoginRefused
            | CertificateNotAccepted => ErrorCategory::Authentication,
            SelfTestLocked => ErrorCategory::GatewayRefused,
            Protocol(p) => match p {
                ProtocolError::HttpStatus { status: 401, .. } => ErrorCategory::Authentication,
                ProtocolError::HttpStatus { .. } | ProtocolError::Redirect(_) => {
                    ErrorCategory::GatewayRefused
                }
                ProtocolError::Challenge(_) => ErrorCategory::Authentication,
                ProtocolError::TlsAlert { .. } => ErrorCategory::Connection,
                _ => ErrorCategory::Data,
            },
            Cancelled => ErrorCategory::Cancelled,
        }
    }

    /// A message for the user that says what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        use ClientError::*;
        let l = |de: &str, en: &str| lang.pick(de, en).to_owned();
        match self {
            Connect { addr, .. } => match lang {
                Lang::De => format!(
                    "Keine Verbindung zu {addr}. Bitte prüfen: Netzwerkkabel am HAN-Anschluss, \
                     feste IP-Adresse des Rechners im Netz des Gateways, richtige Adresse und Port."
                ),
                Lang::En => format!(
                    "Cannot connect to {addr}. Please check: network cable at the HAN port, a \
                     fixed IP address of this computer in the gateway's subnet, address and port."
                ),
            },
            Timeout { phase, after } => {
                let s = after.as_secs();
                match (phase, lang) {
                    (Phase::Connect, Lang::De) => format!("Das Gateway antwortet nicht (keine Verbindung nach {s} s). Bitte Kabel, IP-Adresse und Port prüfen."),
                    (Phase::Connect, Lang::En) => format!("The gateway does not answer (no connection after {s} s). Please check cable, IP address and port."),
                    (Phase::Handshake, Lang::De) => format!("Der verschlüsselte Verbindungsaufbau kam nicht zustande ({s} s). Ist das Gerät wirklich ein Smart-Meter-Gateway?"),
                    (Phase::Handshake, Lang::En) => format!("The encrypted connection could not be set up ({s} s). Is the device really a smart meter gateway?"),
                    (Phase::Response, Lang::De) => format!("Das Gateway hat nicht innerhalb von {s} s geantwortet. Bitte erneut versuchen."),
                    (Phase::Response, Lang::En) => format!("The gateway did not answer within {s} s. Please try again."),
                }
            }
            SilentAfterCredentials { .. } => l(
                "Das Gateway schweigt nach der Anmeldung: vermutlich ist das Passwort falsch oder \
                 die HAN-Schnittstelle für Sie nicht freigeschaltet. Bitte Zugangsdaten prüfen \
                 oder den Messstellenbetreiber fragen.",
                "The gateway went silent after the login: probably wrong password or HAN not \
                 enabled for you. Please check the credentials or ask the meter operator.",
            ),
            UnknownCertificate { fingerprint, subject } => match lang {
                Lang::De => format!(
                    "Erste Verbindung mit diesem Gateway. Sein Zertifikat ({subject}) hat den \
                     SHA-256-Fingerabdruck {fingerprint}. Bitte mit dem Fingerabdruck vergleichen, \
                     den der Messstellenbetreiber mitgeteilt hat, und nur bei Übereinstimmung bestätigen."
                ),
                Lang::En => format!(
                    "First connection to this gateway. Its certificate ({subject}) has the SHA-256 \
                     fingerprint {fingerprint}. Please compare it with the fingerprint from the \
                     meter operator and confirm only if they match."
                ),
            },
            CertificateChanged { pinned, presented, .. } => match lang {
                Lang::De => format!(
                    "Achtung: das Gateway zeigt ein anderes Zertifikat als bisher (bisher {pinned}, \
                     jetzt {presented}). Die Verbindung wurde abgebrochen. Falls das Gateway getauscht \
                     wurde, den neuen Fingerabdruck beim Messstellenbetreiber erfragen; sonst kann \
                     jemand die Verbindung manipulieren."
                ),
                Lang::En => format!(
                    "Warning: the gateway shows a different certificate than before (was {pinned}, \
                     now {presented}). The connection was aborted. If the gateway was replaced, ask \
                     the meter operator for the new fingerprint; otherwise someone may be tampering \
                     with the connection."
                ),
            },
            TlsAlert(code) => han_protocol::messages::tls_alert_message(*code, lang),
            Tls(d) => match lang {
                Lang::De => format!("Der verschlüsselte Verbindungsaufbau ist gescheitert ({d}). Bitte Adresse und Port prüfen."),
                Lang::En => format!("The encrypted connection failed ({d}). Please check address and port."),
            },
            WrongKeyPassword => l(
                "Das Passwort der Zertifikatsdatei ist falsch. Bitte das Passwort aus dem Schreiben \
                 des Messstellenbetreibers eingeben.",
                "The password of the certificate file is wrong. Please enter the password from the \
                 meter operator's letter.",
            ),
            BadKeyFile(d) => match lang {
                Lang::De => format!("Die gewählte Datei ist keine gültige Zertifikatsdatei (.p12/.pfx oder PEM): {d}."),
                Lang::En => format!("The chosen file is not a valid certificate file (.p12/.pfx or PEM): {d}."),
            },
            NoKeyInFile => l(
                "Die Zertifikatsdatei enthält keinen privaten Schlüssel mit Zertifikat. Bitte die \
                 Datei mit Ihrem persönlichen Zugang wählen.",
                "The certificate file holds no private key with a certificate. Please choose the \
                 file with your personal access.",
            ),
            UnsupportedKey(d) => match lang {
                Lang::De => format!(
                    "Der Schlüssel in der Datei kann nicht verwendet werden ({d}). Bitte mit \
                     Benutzername und Passwort anmelden, wenn der Messstellenbetreiber diese \
                     Zugangsdaten herausgibt."
                ),
                Lang::En => format!(
                    "The key in the file cannot be used ({d}). Please log in with user name \
                     and password if the meter operator hands those out."
                ),
            },
            BrainpoolKey(curve) => match lang {
                Lang::De => format!(
                    "Der Schlüssel in der Datei liegt auf der Kurve {curve}. Mit solchen \
                     Schlüsseln kann Durchblick noch keine Verbindung aufbauen: die \
                     TLS-Bibliothek kennt die Brainpool-Kurven nicht. Bitte mit Benutzername \
                     und Passwort anmelden (beim Messstellenbetreiber erfragen) oder eine \
                     Schlüsseldatei mit einem Schlüssel auf P-384 oder P-256 erbitten."
                ),
                Lang::En => format!(
                    "The key in the file is on the curve {curve}. Durchblick cannot connect with \
                     such keys yet: its TLS library does not know the brainpool curves. Please \
                     log in with user name and password (ask the meter operator), or ask for a \
                     key file with a key on P-384 or P-256."
                ),
            },
            LoginRefused => l(
                "Anmeldung abgelehnt: Benutzername oder Passwort falsch. Durchblick versucht es \
                 nicht von selbst erneut, denn Gateways sperren die Anmeldung nach wenigen \
                 Fehlversuchen. Bitte die Zugangsdaten vom Messstellenbetreiber prüfen, auch auf \
                 einen mitkopierten Punkt oder Leerzeichen am Ende.",
                "Login refused: user name or password wrong. Durchblick does not try again by \
                 itself, because gateways lock the login after a few failed attempts. Please \
                 check the credentials from the meter operator, also for a full stop or blanks \
                 copied along at the end.",
            ),
            CertificateNotAccepted => l(
                "Das Gateway kennt dieses Client-Zertifikat nicht und verlangt ein Passwort. Bitte \
                 die richtige Zertifikatsdatei wählen oder mit Benutzername und Passwort anmelden.",
                "The gateway does not know this client certificate and asks for a password. Please \
                 choose the right certificate file or log in with user name and password.",
            ),
            SelfTestLocked => han_protocol::messages::http_status_message(403, Call::SelfTest, lang),
            Protocol(p) => p.message(lang),
            Http(d) => match lang {
                Lang::De => format!("Die Verbindung zum Gateway ist abgebrochen ({d}). Bitte erneut versuchen."),
                Lang::En => format!("The connection to the gateway broke ({d}). Please try again."),
            },
            Cancelled => l("Abgebrochen.", "Cancelled."),
        }
    }
}
