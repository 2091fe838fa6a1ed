//! The PPC Smart Meter Gateway's HAN interface — a web application at
//! `/cgi-bin/hanservice.cgi` — behind the maker-neutral [`gateway::Gateway`] interface.
//!
//! Sans-IO parts: [`html`] (the pages), [`table`] (the value table as readings, DST and
//! all), [`signed`] (CMS SignedData and the DKE XML inside). The IO goes through
//! `han_client::Link` (pinned TLS 1.2, one request at a time) in [`PpcGateway`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), ppc_client::PpcError> {
//! use ppc_client::{PpcGateway, PpcOptions};
//! use han_client::{ClientError, PinPolicy};
//! let opts = PpcOptions::new("192.168.1.200", "user", "password", PinPolicy::TrustOnFirstUse);
//! match PpcGateway::connect(opts).await {
//!     Err(ppc_client::PpcError::Client(ClientError::UnknownCertificate { fingerprint, .. })) => {
//!         // Ask the user; if confirmed, connect again with PinPolicy::Pinned(fingerprint).
//!         let _ = fingerprint;
//!     }
//!     Ok(mut gw) => {
//!         use gateway::Gateway;
//!         let _contracts = gw.contracts().await;
//!         gw.disconnect().await; // always: logs out, which frees the gateway's one session
//!     }
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod error;
mod gateway;
pub mod html;
mod session;
pub mod signed;
pub mod table;

use std::time::Duration;
use zeroize::Zeroizing;

pub use error::PpcError;
pub use gateway::{FileCheck, Meter, PpcGateway};
pub use han_client::{PinPolicy, Timeouts};
pub use session::{PATH, REALM};
pub use signed::SignatureCheck;

/// The address PPC gateways have out of the box.
pub const DEFAULT_HOST: &str = "192.168.1.200";
/// Other addresses seen in the field.
pub const OTHER_HOSTS: [&str; 3] = ["192.168.100.100", "192.168.168.168", "192.168.33.2"];

/// Where the history comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistorySource {
    /// The signed export; the HTML table when the export gives no file.
    #[default]
    Auto,
    /// Only the signed export.
    Export,
    /// Only the HTML table (one day per request).
    Table,
}

/// How to reach and treat a PPC gateway.
#[derive(Clone)]
pub struct PpcOptions {
    /// Address (default [`DEFAULT_HOST`]).
    pub host: String,
    /// Port (443).
    pub port: u16,
    /// User name.
    pub user: String,
    /// Password (memory only; never logged or stored).
    pub password: Zeroizing<String>,
    /// Certificate pin.
    pub pin: PinPolicy,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Pause between two requests (the device's CGI dies when polled too fast).
    pub pause: Duration,
    /// Current values are read at most this often; in between the last ones are served
    /// with a note (the device must not be polled more often than every 15 minutes).
    pub current_values_interval: Duration,
    /// Where history comes from.
    pub history: HistorySource,
    /// The user confirmed that the self-test reboots the gateway. Without it
    /// `self_test` is refused and the capabilities do not offer it.
    pub allow_self_test_reboot: bool,
    /// Larger answers are refused.
    pub max_body_bytes: usize,
}

impl std::fmt::Debug for PpcOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PpcOptions")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .field("pause", &self.pause)
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

impl PpcOptions {
    /// Defaults: port 443, a 1 s pause, current values every 15 minutes, history from the
    /// export with the table as fallback, no self-test.
    pub fn new(
        host: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<String>,
        pin: PinPolicy,
    ) -> PpcOptions {
        PpcOptions {
            host: host.into(),
            port: 443,
            user: user.into(),
            password: Zeroizing::new(password.into()),
            pin,
            timeouts: Timeouts::default(),
            pause: Duration::from_secs(1),
            current_values_interval: Duration::from_secs(15 * 60),
            history: HistorySource::Auto,
            allow_self_test_reboot: false,
            max_body_bytes: 64 << 20,
        }
    }
}

/// Whether an answer to `GET /cgi-bin/hanservice.cgi` comes from a PPC gateway: header
/// `Server: SmartMeterGateway`, or a Digest challenge with realm `SmartMeterGateway`.
pub fn is_ppc_answer(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(n, v)| {
        (n.eq_ignore_ascii_case("server") && v.trim().eq_ignore_ascii_case(REALM))
            || (n.eq_ignore_ascii_case("www-authenticate")
                && han_client::digest::parse_challenges([v.as_str()])
                    .is_ok_and(|c| c.iter().any(|c| c.realm == REALM)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        let h = |n: &str, v: &str| vec![(n.to_owned(), v.to_owned())];
        assert!(is_ppc_answer(&h("Server", "SmartMeterGateway")));
        assert!(is_ppc_answer(&h(
            "www-authenticate",
            r#"Digest realm="SmartMeterGateway", qop="auth", algorithm="MD5", nonce="n", opaque="o""#
        )));
        assert!(!is_ppc_answer(&h("server", "nginx")));
        assert!(!is_ppc_answer(&h(
            "www-authenticate",
            r#"Digest realm="SMGW", nonce="n""#
        )));
        let o = PpcOptions::new(DEFAULT_HOST, "u", "secret", PinPolicy::TrustOnFirstUse);
        assert!(!format!("{o:?}").contains("secret"));
    }
}
