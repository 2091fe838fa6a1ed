//! `durchblick watch`: the gateway read unattended. Current values go to an MQTT broker
//! (one retained state topic per channel, availability with a last will, Home Assistant
//! discovery with the gateway as one device), the archive is synced once a day, and every
//! outage of gateway or broker is waited out with back-off.
//!
//! The front door only wires: it connects (a [`Connector`]), enforces the 15-minute floor
//! and the maker's pause ([`schedule::safe_read_interval`]) and turns signals into a
//! [`CancelFlag`](gateway::CancelFlag). Intervals are plain values here, so that tests run
//! the real loop in seconds.

mod error;
pub mod ha;
pub mod mqtt;
mod run;
pub mod schedule;

pub use error::WatchError;
pub use run::{run, Connector, WatchEvent, WatchOptions, WatchReport};
