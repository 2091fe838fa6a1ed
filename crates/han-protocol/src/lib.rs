//! Sans-IO core of the HAN consumer interface (IF_GW_CON).
//!
//! Everything here is a pure function over bytes, strings and times: building request
//! bodies, parsing responses into wire structs, Digest challenges and responses, checking
//! the 307 redirect, the login and retry decisions of a session (`exchange`), planning
//! 31-day windows and logbook pages, and turning TLS alerts and HTTP statuses into
//! messages for people. No sockets, no async: the IO lives in
//! `han-client`, which makes this part testable byte for byte.

mod convert;
pub mod digest;
mod error;
pub mod exchange;
mod fast;
mod json;
pub mod messages;
pub mod plan;
pub mod redirect;
pub mod request;
pub mod response;
pub mod time;

pub use error::ProtocolError;
pub use messages::{Call, Lang};
pub use request::{LogCount, LogQuery, ReadingsQuery, ReadingsRange, Request};
pub use response::Limits;

/// The two paths of `readings` side by side, for the fuzz targets (`crates/fuzz-targets`)
/// that check they agree; not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::response::{Limits, Readings};
    use crate::ProtocolError;

    /// The fast path; `None` when the body needs the lenient one.
    pub fn readings_fast(body: &[u8], limits: &Limits) -> Option<Readings> {
        crate::fast::readings(body, limits)
    }

    /// The fast path straight into records; `None` when the body needs the lenient one.
    pub fn readings_model_fast(
        body: &[u8],
        limits: &Limits,
        scaler_of: &dyn Fn(&str) -> Option<i8>,
    ) -> Option<Vec<smgw_model::records::ChannelReadings>> {
        crate::fast::readings_model(body, limits, scaler_of)
    }

    /// The lenient path.
    pub fn readings_lenient(body: &[u8], limits: &Limits) -> Result<Readings, ProtocolError> {
        crate::response::parse_readings_lenient(body, limits)
    }
}
