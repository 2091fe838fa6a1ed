//! Connecting to a real gateway with the certificate check both front doors share: the
//! remembered pin (or one the user confirmed or was given), first contact returned as a
//! question instead of a connection, and the confirmed pin remembered afterwards.

use std::path::Path;

use han_client::{
    Auth, ClientError, ConexaGateway, ConnectOptions, Connection, Fingerprint, PinFileError,
    PinPolicy, PinStore,
};
use smgw_model::Lang;

/// What [`connect`] came to.
pub enum Connected {
    /// A session, made with the pinned certificate.
    Session {
        /// The session (boxed: it is large, and callers keep it behind a pointer anyway).
        gateway: Box<ConexaGateway>,
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
}

impl ConnectError {
    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ConnectError::Pins(e) => e.message(lang),
            ConnectError::Client(e) => e.message(lang),
        }
    }
}

/// Connects to `host:port` with `auth`. The certificate must be `confirmed` (given by the
/// user, e.g. from the meter operator, or confirmed after [`Connected::NeedsConfirmation`])
/// or remembered in the pin file at `pins`; otherwise the first contact is returned as a
/// question. A changed certificate is [`ClientError::CertificateChanged`]. The pin the
/// session was made with is remembered when it differs from the file's.
pub async fn connect(
    host: &str,
    port: u16,
    auth: Auth,
    pins: Option<&Path>,
    confirmed: Option<Fingerprint>,
) -> Result<Connected, ConnectError> {
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
    let mut opts = ConnectOptions::new(host, auth, policy);
    opts.port = port;
    let session = match Connection::connect(opts).await {
        Ok(session) => session,
        Err(ClientError::UnknownCertificate {
            fingerprint,
            subject,
        }) => {
            return Ok(Connected::NeedsConfirmation {
                fingerprint,
                subject,
            })
        }
        Err(e) => return Err(e.into()),
    };
    let fingerprint = session.peer_fingerprint();
    let hex = fingerprint.to_hex();
    let remembered = match pins {
        Some(path) if store.get(host, port) != Some(hex.as_str()) => {
            store.set(host, port, &hex);
            store.save(path)
        }
        _ => Ok(()),
    };
    Ok(Connected::Session {
        gateway: Box::new(ConexaGateway::new(session)),
        fingerprint,
        remembered,
    })
}
