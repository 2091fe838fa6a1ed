//! A CONEXA-style Smart Meter Gateway on loopback, for tests, benchmarks and the demo.
//!
//! The mock is an independent implementation of the HAN wire contract
//! (`shared/docs/han-protocol.md`), deliberately not sharing code with the client crates so
//! that tests catch divergence. It serves a [`Scenario`] (a TOML file plus key material)
//! over TLS 1.2 (ECDHE-ECDSA, AES-GCM, secp384r1 only), authenticates consumers by client
//! certificate fingerprint or HTTP Digest, and answers the six JSON methods with data from a
//! deterministic generator.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let scenario = mock_smgw::Scenario::builtin("demo")?;
//! let mock = mock_smgw::start(scenario, "127.0.0.1:0".parse()?, Default::default()).await?;
//! println!("{} {}", mock.addr(), mock.fingerprint_sha256());
//! mock.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod ar2418;
mod broken;
pub mod config;
mod data;
mod digest;
mod emh;
mod methods;
mod ppc;
mod scenario;
mod server;
pub mod time;
mod tls;

pub use config::{DigestAlgorithm, Faults, Level, MakerConf, WrongCredentials};
pub use data::{LogEntry, Reading};
pub use emh::{EmhFaults, EmhStats};
pub use ppc::{PpcFaults, PpcStats, SignedFileFault};
pub use scenario::{Scenario, ScenarioError};
pub use server::{start, Options, RunningMock, StartError, Stats};
pub use tls::{han_provider, TlsError};
