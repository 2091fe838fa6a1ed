//! The IO side of the HAN consumer interface.
//!
//! This is the only crate that opens sockets to a gateway: TLS 1.2 with certificate
//! pinning, login by PKCS#12 client certificate or HTTP Digest, the 307 discovery of the
//! consumer's address, and typed calls built on `han-protocol`.
//!
//! Built on hyper's low-level HTTP/1.1 connection API over tokio-rustls rather than
//! reqwest: the session owns exactly one connection, sends one request at a time,
//! counts handshakes, sets `Content-Length` and `X-Content-Length` itself and reads the
//! peer certificate, none of which a pooled client exposes.
//!
//! ```no_run
//! # async fn demo() -> Result<(), han_client::ClientError> {
//! use han_client::{Auth, ConnectOptions, Connection, PinPolicy};
//! let auth = Auth::Digest { user: "demo".into(), password: "demo".into() };
//! let opts = ConnectOptions::new("192.200.1.100", auth, PinPolicy::TrustOnFirstUse);
//! match Connection::connect(opts).await {
//!     Err(han_client::ClientError::UnknownCertificate { fingerprint, .. }) => {
//!         // Ask the user; if confirmed, connect again with PinPolicy::Pinned(fingerprint).
//!         let _ = fingerprint;
//!     }
//!     Ok(mut session) => {
//!         let _contracts = session.contracts().await?;
//!     }
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

mod error;
mod gateway;
mod identity;
mod link;
mod pin;
mod pin_file;
mod session;
mod tls;

pub use error::{ClientError, ErrorCategory, Phase};
pub use gateway::ConexaGateway;
pub use han_protocol::{self, Lang};
/// HTTP Digest (RFC 7616 and the MD5 of RFC 2617): challenges and answers, for every
/// maker's adapter (the CONEXA session uses it through `han_protocol::exchange`).
pub use han_protocol::digest;
pub use identity::{cert_info, CertInfo, ClientIdentity, KeyCurve};
pub use link::{HttpRequest, Link, LinkOptions, Outcome};
pub use pin::{BadFingerprint, Fingerprint, PinPolicy};
pub use pin_file::{default_pin_path, PinFileError, PinStore};
pub use session::{
    Auth, CancelFlag, ConnectOptions, Connection, Progress, Session, Stats, Timeouts,
};
