//! The IO side of the HAN consumer interface.
//!
//! This is the only crate that opens sockets to a gateway: TLS 1.2 with certificate
//! pinning, login by PKCS#12 client certificate or HTTP Digest, the 307 discovery of the
//! consumer's address, and typed calls built on `han-protocol`. Filled by issue 4.
