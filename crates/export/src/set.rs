//! The input of every export: domain records gathered by the caller.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use smgw_model::{
    Channel, ChannelName, Contract, ContractDetail, Database, GatewayInfo, LogEntry, Reading,
    ScaledValue,
};

/// Everything the gateway gave for one consumer, ready to be exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSet {
    /// What the gateway says about itself, with its certificates.
    pub gateway: GatewayInfo,
    /// The consumer's id in the gateway (the logical device without `.sm`), if known.
    /// AR 2418-6 files name it in `Customer/customerId`.
    pub customer_id: Option<String>,
    /// The contracts with their details and value lists.
    pub contracts: Vec<ContractExport>,
    /// The consumer logbook.
    pub log: Vec<LogEntry>,
    /// Responses exactly as the gateway sent them, for the record.
    pub raw_responses: Vec<RawResponse>,
    /// When the export was made. Passed in (not read from the clock) so that the same set
    /// always gives the same files.
    pub created: DateTime<Utc>,
}

/// One contract with what belongs to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractExport {
    /// The contract (`user-info`).
    pub contract: Contract,
    /// Its details (`usage-point-info`), if they were read.
    pub detail: Option<ContractDetail>,
    /// Its readings, one entry per value list and channel.
    pub value_lists: Vec<ValueList>,
}

/// The readings of one channel of one value list of a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueList {
    /// The value list (`origin`, `derived`, …).
    pub database: Database,
    /// The channel name as the gateway sent it, e.g. `0100010800ff.0551010038180402.sm`.
    pub channel_name: String,
    /// OBIS id, unit and scaler of the channel.
    pub channel: Channel,
    /// The readings, in the order they were received.
    pub readings: Vec<Reading>,
}

impl ValueList {
    /// The meter id from the channel name (`<obis>.<meter>.sm`), if it has that form.
    pub fn meter_id(&self) -> Option<String> {
        self.channel_name
            .parse::<ChannelName>()
            .ok()
            .map(|c| c.meter_id)
    }

    /// `(target time, value)` of every reading, sorted by time; the input of the charts.
    pub fn series(&self) -> Vec<(DateTime<Utc>, ScaledValue)> {
        let mut s: Vec<_> = self
            .readings
            .iter()
            .map(|r| (r.target_time, r.value))
            .collect();
        s.sort_by_key(|(t, _)| *t);
        s
    }
}

/// A response as the gateway sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// A name for the file, e.g. `readings-2024-01.json`. Characters outside
    /// `A–Z a–z 0–9 . _ -` are replaced when it is written to disk.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}
