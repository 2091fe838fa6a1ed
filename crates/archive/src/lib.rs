//! The local archive: one SQLite file that keeps every reading and logbook entry a gateway
//! ever gave a consumer, with the raw responses, gateway and contract snapshots and the
//! state needed for incremental sync. The only crate that knows SQL.
//!
//! Architecture invariants:
//! - Nothing archived is ever overwritten or deleted. A reading (per channel and target
//!   time) or logbook entry (per consumer and index) that comes back different is stored
//!   next to the original as a *conflict*.
//! - Every public write is one SQLite transaction; an interrupted write leaves nothing of
//!   itself behind.
//! - A file that is not ours is refused before SQLite opens it, so it is never modified
//!   (see [`open`] for how our files are recognised).
//!
//! The schema is documented for users in `SCHEMA.md`. All methods are `async` and must run
//! inside a Tokio runtime (sqlx's SQLite driver does the blocking work on its own threads).
//!
//! ```no_run
//! # async fn demo() -> Result<(), archive::ArchiveError> {
//! use archive::{Archive, ChannelKey, ChannelSpec, ChannelWindow};
//! let now = chrono::Utc::now();
//! let db = Archive::open("/tmp/example.sqlite").await?;
//! let gw = db.gateway("ethe0300004261", now).await?;
//! let me = db.consumer(gw, "01005e318011.consumer1.sm", now).await?;
//! let contract = db
//!     .contract(me, &archive::ContractInfo { usage_point_id: "01005e318021.taf1-1.sm".into(), ..Default::default() }, now)
//!     .await?;
//! let key = ChannelKey {
//!     database: "origin".into(),
//!     name: "0100010800ff.0551010038180402.sm".parse().expect("valid name"),
//! };
//! let ch = db.channel(contract, &key, ChannelSpec::default()).await?;
//! let from = db.resume_point(ch).await?; // where the next 31-day window starts
//! # let _ = from;
//! db.store_window(&[ChannelWindow { channel: ch, readings: &[], synced_until: Some(now) }], None, now)
//!     .await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod error;
mod lock;
mod model;
pub mod open;
mod query;
mod raw;
mod time;
mod types;
mod write;

pub use error::{ArchiveError, Result};
pub use lock::{lock_path, SyncLock};
pub use open::{default_path, Archive, APPLICATION_ID, FORMAT_NAME, SCHEMA_VERSION};
pub use query::StoredCertificate;
pub use types::*;
