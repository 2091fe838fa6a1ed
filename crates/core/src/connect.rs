//! Connecting to a real gateway with the certificate check both front doors share: the
//! remembered pin (or one the user confirmed or was given), first contact returned as a
//! question instead of a connection, and the confirmed pin remembered afterwards.

use std::path::Path;

use gateway::{Gateway, GatewayError};
use han_client::{Auth, ClientError, Fingerprint, PinFileError, PinPolicy, PinStore};
use smgw_model::Lang;

use crate::makers::{self, OpenError, Pace, Vendor};

/// Where the gateway is and whose interface it speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Address (IP address or name).
    pub host: String,
    /// Port (443 for every maker's gateway).
    pub port: u16,
    /// The maker, or [`Vendor::Auto`] to find out.
    pub vendor: Vendor,
    /// The user confirmed that a self-test may reboot the gateway (PPC gateways do; without
    /// this their adapter refuses the self-test).
    pub allow_self_test_reboot: bool,
}

impl Target {
    /// `host:port` of a gateway whose maker is found out on connect.
    pub fn new(host: impl Into<String>, port: u16) -> Target {
        Target {
            host: host.into(),
            port,
            vendor: Vendor::Auto,
            allow_self_test_reboot: false,
        }
    }
}

/// What [`connect`] came to.
pub enum Connected {
    /// A session, made with the pinned certificate.
    Session {
        /// The session with the maker's adapter.
        gateway: Box<dyn Gateway>,
        /// Whose interface it speaks (found out when [`Vendor::Auto`] was asked).
        vendor: Vendor,
        /// The gateway's certificate fingerprint.
        fingerprint: Fingerprint,
        /// Whether the pin could be remembered (a failure here does not undo the session;
        /// each front door says what it means).
        remembered: Result<(), PinFileError>,
    },
    /// First contact: the user must compare and confirm this certificate, then connect
    /// again with it as `confirmed`.
    NeedsConfirmation {
        /// The certificate's SHA-256 fingerprint.
        fingerprint: Fingerprint,
        /// Its subject.
        subject: String,
    },
}

/// Why no connection was made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The pin file cannot be used.
    #[error("{0}")]
    Pins(#[from] PinFileError),
    /// The gateway could not be reached, refused the login, or showed another certificate.
    #[error("{0}")]
    Client(#[from] ClientError),
    /// The maker's adapter refused (e.g. a PPC gateway locked after failed logins).
    #[error("{0}")]
    Gateway(#[from] GatewayError),
    /// This maker's gateways are read with user name and password, not a key file.
    #[error("{} gateways log in with user name and password", .0.name())]
    PasswordOnly(Vendor),
}

impl ConnectError {
    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ConnectError::Pins(e), _) => e.message(lang),
            (ConnectError::Client(e), _) => e.message(lang),
            (ConnectError::Gateway(e), _) => e.message(lang),
            (ConnectError::PasswordOnly(v), Lang::De) => format!(
                "Gateways von {} werden mit Benutzername und Passwort gelesen, nicht mit einer Schlüsseldatei. Bitte die Zugangsdaten des Messstellenbetreibers für die HAN-Schnittstelle angeben.",
                v.name().to_uppercase()
            ),
            (ConnectError::PasswordOnly(v), Lang::En) => format!(
                "{} gateways are read with user name and password, not with a key file. Please give the meter operator's login for the HAN interface.",
                v.name().to_uppercase()
            ),
        }
    }

    /// The category (exit code, kind of error in the window).
    pub fn category(&self) -> gateway::ErrorCategory {
        match self {
            ConnectError::Pins(_) => gateway::ErrorCategory::Data,
            ConnectError::Client(e) => e.category(),
            ConnectError::Gateway(e) => e.category(),
            ConnectError::PasswordOnly(_) => gateway::ErrorCategory::Authentication,
        }
    }
}

/// Connects to `target` with `auth`. The certificate must be `confirmed` (given by the
/// user, e.g. from the meter operator, or confirmed after [`Connected::NeedsConfirmation`])
/// or remembered in the pin file at `pins`; otherwise the first contact is returned as a
/// question. A changed certificate is [`ClientError::CertificateChanged`]. The pin the
/// session was made with is remembered when it differs from the file's. With
/// [`Vendor::Auto`] the maker is found out first (over the same certificate check).
pub async fn connect(
    target: &Target,
    auth: Auth,
    pins: Option<&Path>,
    confirmed: Option<Fingerprint>,
) -> Result<Connected, ConnectError> {
    let (host, port) = (target.host.as_str(), target.port);
    let mut store = match pins {
        Some(path) => PinStore::load(path)?,
        None => PinStore::default(),
    };
    // A remembered pin is needed (and must be readable) only when none was confirmed.
    let remembered = match (confirmed, store.get(host, port), pins) {
        (None, Some(text), Some(path)) => {
            Some(
                text.parse::<Fingerprint>()
                    .map_err(|_| PinFileError::BadEntry {
                        path: path.to_path_buf(),
                        entry: format!("{host}:{port}"),
                    })?,
            )
        }
        _ => None,
    };
    let policy = match confirmed.or(remembered) {
        Some(fp) => PinPolicy::Pinned(fp),
        None => PinPolicy::TrustOnFirstUse,
    };
    let question = |e: ClientError| match e {
        ClientError::UnknownCertificate {
            fingerprint,
            subject,
        } => Ok(Connected::NeedsConfirmation {
            fingerprint,
            subject,
        }),
        e => Err(ConnectError::Client(e)),
    };
    let vendor = match target.vendor {
        Vendor::Auto => match makers::detect(host, port, &auth, policy).await {
            Ok(vendor) => vendor,
            Err(e) => return question(e),
        },
        chosen => chosen,
    };
    let opened = match makers::open(vendor, target, auth, policy, Pace::Device).await {
        Ok(opened) => opened,
        Err(OpenError::Client(e)) => return question(e),
        Err(OpenError::Gateway(e)) => return Err(e.into()),
        Err(OpenError::PasswordOnly(v)) => return Err(ConnectError::PasswordOnly(v)),
    };
    let hex = opened.fingerprint.to_hex();
    let remembered = match pins {
        Some(path) if store.get(host, port) != Some(hex.as_str()) => {
            store.set(host, port, &hex);
            store.save(path)
        }
        _ => Ok(()),
    };
    Ok(Connected::Session {
        gateway: opened.gateway,
        vendor,
        fingerprint: opened.fingerprint,
        remembered,
    })
}
