//! The application layer: the workflows both front doors (the `durchblick` command line and
//! the window) offer, written once over the [`gateway::Gateway`] interface, so that the
//! front doors only turn arguments or commands into calls and results into output.
//!
//! - [`connect`]: a real gateway of any maker ([`Vendor`]: CONEXA, PPC, EMH, or found out
//!   on connect) with the certificate check (remembered pin, first contact as a question,
//!   the confirmed pin remembered),
//! - [`demo`]: the bundled demo gateway on loopback and a session with it,
//! - [`pull`]: everything a gateway holds for the consumer in a period, in memory, as the
//!   export crate's input (the live export; the archive's pull is `durchblick-sync`),
//! - [`archived`]: the same input from the archive, without a gateway,
//! - [`credentials`]: typical typos in a password, said before a login is spent,
//! - [`problem`]: what the user gave that cannot be used (a time, a channel, a key file),
//!   with the message both front doors show.
//!
//! Files are written by `export::files` for both front doors alike.

pub mod archived;
pub mod connect;
pub mod credentials;
pub mod demo;
mod makers;
pub mod problem;
pub mod pull;

pub use makers::Vendor;
pub use problem::Problem;
