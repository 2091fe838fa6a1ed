//! The EMH CASA 1.1 HAN interface behind the maker-neutral [`gateway::Gateway`] interface.
//!
//! EMH gateways answer JSON below `/json/` to `GET` requests with HTTP Digest (the realm is
//! the gateway id), one request at a time with a pause between them, and want a `Host`
//! header naming the address they were reached at. The shapes read are documented in the
//! crate's README; the reading is tolerant (see [`wire`]), the sending strict.
//!
//! IO goes through [`han_client::Link`] (pinned TLS 1.2, one HTTP/1.1 request at a time);
//! Digest challenges are answered with `han_client::digest`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), emh_client::EmhError> {
//! use emh_client::{EmhGateway, EmhOptions};
//! use han_client::PinPolicy;
//! let opts = EmhOptions::new("192.168.33.2", "user", "password", PinPolicy::TrustOnFirstUse);
//! match EmhGateway::connect(opts).await {
//!     Err(e) if e.unknown_certificate().is_some() => {
//!         // Ask the user; if confirmed, connect again with PinPolicy::Pinned(fingerprint).
//!     }
//!     Ok(gateway) => {
//!         let _offers_history = gateway.capabilities_ref().history;
//!     }
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod adapter;
mod error;
pub mod wire;

pub use crate::adapter::{
    EmhGateway, EmhOptions, DEFAULT_HOST, DEFAULT_IPV4, DEFAULT_PAUSE, EMPTY_MONTHS_END_HISTORY,
    PROBE_PATH, SYNTHETIC_CONTRACT_PREFIX,
};
pub use crate::error::EmhError;

/// Whether an answer to `GET` [`PROBE_PATH`] (`/json/metering/origin/`, sent without
/// credentials) comes from an EMH CASA gateway: a 401 whose Digest realm is an EMH gateway
/// id (`E` + `EMH` + digits, e.g. `EEMH0012345678`), or a 200 with a list of meter ids.
/// A CONEXA answers there with 404 (its interface lives below `/smgw/m2m`) or a realm such
/// as `SMGW`.
pub fn looks_like_emh(status: u16, headers: &[(String, String)], body: &[u8]) -> bool {
    match status {
        401 => {
            let values = headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
                .map(|(_, v)| v.as_str());
            han_client::digest::parse_challenges(values)
                .is_ok_and(|c| c.iter().any(|c| wire::realm_is_emh_id(&c.realm)))
        }
        200 => wire::meter_ids(body).is_ok(),
        _ => false,
    }
}

impl EmhGateway {
    /// What this gateway offers (the same as [`gateway::Gateway::capabilities`]).
    pub fn capabilities_ref(&self) -> &gateway::Capabilities {
        <Self as gateway::Gateway>::capabilities(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        let h = |v: &str| vec![("www-authenticate".to_owned(), v.to_owned())];
        assert!(looks_like_emh(
            401,
            &h(r#"Digest realm="EEMH0012345678", qop="auth", nonce="abc", algorithm=MD5"#),
            b""
        ));
        assert!(!looks_like_emh(
            401,
            &h(r#"Digest realm="SMGW", qop="auth", nonce="abc""#),
            b""
        ));
        assert!(!looks_like_emh(401, &[], b""));
        assert!(looks_like_emh(200, &[], br#"["1emh0012345678"]"#));
        assert!(!looks_like_emh(404, &[], b"{}"));
        assert!(!looks_like_emh(200, &[], b"<html>"));
    }
}
