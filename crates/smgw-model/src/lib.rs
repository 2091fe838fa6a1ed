//! The domain of a Smart Meter Gateway's consumer data: OBIS ids, DLMS units and scaled
//! values, times, status words, device ids and the records the gateway reports.
//!
//! Architecture invariant: this crate does no IO. No files, no sockets, no clocks
//! (callers pass "now" in), no async. Everything here is a pure function or a plain
//! data type, so every rule can be unit-tested.
//!
//! Modules, from the ground up:
//! - [`lang`]: German/English choice for every user-facing text.
//! - [`obis`]: OBIS ids (`0100010800ff` ⇄ `1-0:1.8.0*255`) and channel names.
//! - [`unit`](mod@unit), [`value`]: DLMS unit codes; exact decimal values (raw × 10^scaler).
//! - [`time`]: parsing the gateway's time forms, German local time, days and rasters.
//! - [`status`]: gateway/meter/combined status words and the PTB status 0–4.
//! - [`ids`]: DIN 43863-5 gateway and meter ids.
//! - [`records`]: gateway info, contracts, channels, readings, log entries.
//! - [`gaps`]: gaps and missing raster slots in value lists, period detection.
//! - [`hint`]: hints the data alone does not give (a missing export login).

#![warn(missing_docs)]

pub mod frozen;
pub mod gaps;
pub mod hint;
pub mod ids;
pub mod lang;
pub mod obis;
pub mod pki;
pub mod records;
pub mod status;
pub mod tariff;
pub mod time;
pub mod unit;
pub mod value;
pub mod warning;

pub use frozen::{frozen_register, FrozenRegister};
pub use gaps::{detect_period, find_gaps, GapReport, RecordNumberHoles};
pub use ids::{DeviceId, DeviceKind, IdError, UserId};
pub use lang::Lang;
pub use obis::{ChannelName, Medium, Obis, ObisError};
pub use pki::{check_wan_chain, ChainCheck, ChainVerdict, SignatureCheck, ValidityCheck};
pub use records::{
    BillingPeriod, Certificate, CertificateKind, Channel, ChannelReadings, Contract,
    ContractDetail, Database, DatabaseChannels, FirmwareInfo, GatewayInfo, LogEntry, LogLevel,
    MeteringPointId, Reading, Taf, TafState,
};
pub use status::{
    ptb_of_words, CombinedStatus, EnergyDirection, FnnStatus, GatewayBit, GatewayStatus, MeterBit,
    MeterFlags, MeterStatus, NotIdentified, OperatingState, PtbStatus, SmgwState, StatusError,
    StatusWords,
};
pub use tariff::{read_taf_profile, TafProfile, TariffProfile};
pub use time::{NaiveAs, TimeError};
pub use unit::Unit;
pub use value::{Prefix, Quantity, ScaledValue, ValueError};
pub use warning::{FieldWarning, WarningKind};
