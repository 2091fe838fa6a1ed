//! The domain of a Smart Meter Gateway's consumer data: OBIS ids, DLMS units and scaled
//! values, times, status words, ids and the records the gateway reports.
//!
//! Architecture invariant: this crate does no IO. No files, no sockets, no clocks
//! (callers pass "now" in), no async. Everything here is a pure function or a plain
//! data type, so every rule can be unit-tested.

pub mod lang;
pub mod obis;
pub mod status;
pub mod time;
pub mod unit;
pub mod value;

pub use lang::Lang;
pub use obis::{ChannelName, Medium, Obis, ObisError};
pub use status::{
    CombinedStatus, FnnStatus, GatewayStatus, MeterStatus, OperatingState, PtbStatus, SmgwState,
    StatusError,
};
pub use time::{NaiveAs, TimeError};
pub use unit::Unit;
pub use value::{Prefix, Quantity, ScaledValue, ValueError};
