//! Values going into and coming out of the archive.
//!
//! Inputs keep the gateway's text fields (status words, signatures, owner numbers) as
//! received, so the archive can store them byte for byte; interpretation is the model's job.

use chrono::{DateTime, Duration, Utc};
use smgw_model::{ChannelName, Obis, ScaledValue, Unit};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// The number is the row id in the archive file (see `SCHEMA.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);
    };
}

id_type!(
    /// A gateway in the archive.
    GatewayId
);
id_type!(
    /// A consumer (one user id on one gateway) in the archive.
    ConsumerId
);
id_type!(
    /// A contract (usage point) of a consumer.
    ContractId
);
id_type!(
    /// A value series: one channel of one database of one contract.
    ChannelId
);
id_type!(
    /// A stored raw response.
    RawResponseId
);
id_type!(
    /// A stored `smgw-info` snapshot.
    SnapshotId
);
id_type!(
    /// A stored `usage-point-info` snapshot.
    DetailId
);

/// One response body as received from the gateway, to be stored compressed.
#[derive(Debug, Clone, Copy)]
pub struct RawResponse<'a> {
    /// The gateway it came from, once known.
    pub gateway: Option<GatewayId>,
    /// The consumer whose session fetched it, once known.
    pub consumer: Option<ConsumerId>,
    /// The call (`smgw-info`, `readings`, …).
    pub method: &'a str,
    /// The request body that was sent (never contains secrets).
    pub request: Option<&'a str>,
    /// The HTTP status code.
    pub http_status: Option<u16>,
    /// When the response arrived.
    pub received_at: DateTime<Utc>,
    /// The body bytes exactly as received.
    pub body: &'a [u8],
}

/// A raw response read back from the archive, decompressed and checked against its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRawResponse {
    /// Its id.
    pub id: RawResponseId,
    /// The gateway it came from.
    pub gateway: Option<GatewayId>,
    /// The consumer whose session fetched it.
    pub consumer: Option<ConsumerId>,
    /// The call.
    pub method: String,
    /// The request body that was sent.
    pub request: Option<String>,
    /// The HTTP status code.
    pub http_status: Option<u16>,
    /// When the response arrived.
    pub received_at: DateTime<Utc>,
    /// SHA-256 of the body, lower-case hex.
    pub sha256: String,
    /// The body bytes exactly as received.
    pub body: Vec<u8>,
}

/// Which certificate of the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertKind {
    /// The HAN TLS certificate (`certificates.han.tls`).
    HanTls,
    /// A certificate used to sign meter values (`certificates.wan[].sig`).
    WanSig,
    /// The issuing CA of a signing certificate (`certificates.wan[].sub-ca`).
    WanSubCa,
}

impl CertKind {
    /// The text stored in the `certificate.kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            CertKind::HanTls => "han-tls",
            CertKind::WanSig => "wan-sig",
            CertKind::WanSubCa => "wan-sub-ca",
        }
    }

    /// Parses the column text.
    pub fn from_str_opt(s: &str) -> Option<CertKind> {
        match s {
            "han-tls" => Some(CertKind::HanTls),
            "wan-sig" => Some(CertKind::WanSig),
            "wan-sub-ca" => Some(CertKind::WanSubCa),
            _ => None,
        }
    }
}

/// A certificate as the gateway reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateData {
    /// Which certificate.
    pub kind: CertKind,
    /// `cert-index` of WAN certificates (0 = seal certificate); `None` for HAN TLS.
    pub index: Option<u32>,
    /// The bytes as decoded from the hex the gateway sent (DER, or PEM text for HAN TLS
    /// on gateways that send PEM).
    pub data: Vec<u8>,
}

/// One firmware component of a gateway.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Firmware {
    /// Component name.
    pub component: Option<String>,
    /// Version text.
    pub version: Option<String>,
    /// Hash over the packages, hex as sent.
    pub hash: Option<String>,
}

/// What one `smgw-info` call said about the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySnapshot {
    /// When it was read.
    pub read_at: DateTime<Utc>,
    /// `smgw-state` as sent (hex).
    pub smgw_state: Option<String>,
    /// The gateway's clock at the time.
    pub smgw_time: Option<DateTime<Utc>>,
    /// Firmware components, in the order sent.
    pub firmware: Vec<Firmware>,
    /// Certificates.
    pub certificates: Vec<CertificateData>,
    /// The raw response it was parsed from.
    pub raw_response: Option<RawResponseId>,
}

/// A billing period of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BillingPeriod {
    /// Start.
    pub start: DateTime<Utc>,
    /// End, if closed.
    pub end: Option<DateTime<Utc>>,
}

/// A contract (usage point) as listed by `user-info`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContractInfo {
    /// `usage-point-id`, the contract's key within the consumer.
    pub usage_point_id: String,
    /// `usage-point-name`.
    pub name: Option<String>,
    /// `taf-number`.
    pub taf_number: Option<u32>,
    /// `taf-state` as sent (`ready`, `running`, `archive`).
    pub taf_state: Option<String>,
    /// `start-time`.
    pub start: Option<DateTime<Utc>>,
    /// `end-time`.
    pub end: Option<DateTime<Utc>>,
    /// `capture-time`.
    pub capture_time: Option<DateTime<Utc>>,
    /// `delivery-id`.
    pub delivery_id: Option<String>,
    /// `metering-point-id`.
    pub metering_point_id: Option<String>,
    /// Meter ids.
    pub meters: Vec<String>,
    /// `on-demand-profile-configured`.
    pub on_demand_profile: Option<bool>,
    /// Billing periods; new ones are added, known ones kept.
    pub billing_periods: Vec<BillingPeriod>,
}

/// A channel as described by `usage-point-info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailChannel {
    /// The value list (`origin`, `derived`, `calculated`, `daily`, …).
    pub database: String,
    /// The OBIS id.
    pub obis: Obis,
    /// Power of ten of the values.
    pub scaler: i8,
    /// Unit of the values.
    pub unit: Unit,
}

/// What one `usage-point-info` call said about a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractDetail {
    /// When it was read.
    pub read_at: DateTime<Utc>,
    /// `usage-point-name`.
    pub name: Option<String>,
    /// `transparency-bit`.
    pub transparency_bit: Option<bool>,
    /// Market participants, as sent (one JSON text or id per element).
    pub emts: Vec<String>,
    /// The TAF profile (CMS container) as decoded from the hex sent.
    pub taf_profile: Option<Vec<u8>>,
    /// Channels per database.
    pub channels: Vec<DetailChannel>,
    /// The raw response it was parsed from.
    pub raw_response: Option<RawResponseId>,
}

/// Identifies a value series within a contract.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelKey {
    /// The value list (`origin`, `derived`, …).
    pub database: String,
    /// OBIS id and meter id, as in the gateway's `<obis>.<meter>.sm` names.
    pub name: ChannelName,
}

/// Properties of a value series that the sync driver may know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChannelSpec {
    /// Scaler announced by `usage-point-info`.
    pub scaler: Option<i8>,
    /// Unit announced by `usage-point-info`.
    pub unit: Option<Unit>,
    /// Measuring period (15 minutes for TAF 7 load profiles); used for gap counting.
    /// When `None` the status query detects the most frequent step.
    pub period: Option<Duration>,
}

/// One meter value as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// End of the measuring period (the reading's key within its channel).
    pub target_time: DateTime<Utc>,
    /// When the gateway took it.
    pub capture_time: Option<DateTime<Utc>>,
    /// The register value with the channel's scaler.
    pub value: ScaledValue,
    /// The unit.
    pub unit: Unit,
    /// 8-byte COSEM status, hex as sent.
    pub cosem_status: Option<String>,
    /// 4-byte gateway status, hex as sent.
    pub smgw_status: Option<String>,
    /// Meter status as sent.
    pub meter_status: Option<String>,
    /// `owner-number` as sent.
    pub owner: Option<String>,
    /// Signature, hex as sent.
    pub signature: Option<String>,
}

/// The readings of one channel from one window, with the sync progress they prove.
#[derive(Debug, Clone, Copy)]
pub struct ChannelWindow<'a> {
    /// The channel.
    pub channel: ChannelId,
    /// Its readings from the response.
    pub readings: &'a [Reading],
    /// The window's end (`totime`) once the whole window is stored: the next sync of
    /// this channel resumes there. `None` leaves the resume point as it is.
    pub synced_until: Option<DateTime<Utc>>,
}

/// One logbook entry as received.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogEntry {
    /// Record number (the entry's key within the consumer).
    pub index: u64,
    /// When it happened.
    pub time: Option<DateTime<Utc>>,
    /// Level (4 alert, 3 error, 2 warning, 1 informational; others kept).
    pub level: Option<u32>,
    /// `event-id` as sent.
    pub event_id: Option<String>,
    /// `event-sub-id` as sent.
    pub event_sub_id: Option<String>,
    /// `outcome` as sent.
    pub outcome: Option<String>,
    /// `vendor-id` as sent.
    pub vendor_id: Option<String>,
    /// `subject-identity` as sent.
    pub subject_identity: Option<String>,
    /// `user-identity` as sent.
    pub user_identity: Option<String>,
    /// The message text.
    pub message: Option<String>,
    /// `version` as sent.
    pub version: Option<String>,
    /// Keys the parser did not know, as a JSON object text.
    pub extra: Option<String>,
}

/// What a write did with the rows it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteOutcome {
    /// Rows that were new.
    pub inserted: u64,
    /// Rows identical to what the archive already held (no-ops).
    pub unchanged: u64,
    /// Rows that differ from the archived row with the same key, seen for the first time.
    pub new_conflicts: u64,
    /// Rows that differ from the archived row and repeat an already recorded conflict.
    pub known_conflicts: u64,
}

impl WriteOutcome {
    pub(crate) fn add(&mut self, other: WriteOutcome) {
        self.inserted += other.inserted;
        self.unchanged += other.unchanged;
        self.new_conflicts += other.new_conflicts;
        self.known_conflicts += other.known_conflicts;
    }
}

/// A gateway in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRow {
    /// Its id.
    pub id: GatewayId,
    /// `smgw-id`.
    pub smgw_id: String,
    /// First time it was seen.
    pub first_seen: DateTime<Utc>,
    /// Last time it was seen.
    pub last_seen: DateTime<Utc>,
}

/// A consumer in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerRow {
    /// Its id.
    pub id: ConsumerId,
    /// The gateway.
    pub gateway: GatewayId,
    /// The user id from the 307 redirect (e.g. `01005e318011.consumer1.sm`).
    pub user_id: String,
    /// First time it was seen.
    pub first_seen: DateTime<Utc>,
    /// Last time it was seen.
    pub last_seen: DateTime<Utc>,
}

/// A contract in the archive (its latest `user-info` description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRow {
    /// Its id.
    pub id: ContractId,
    /// The consumer.
    pub consumer: ConsumerId,
    /// The latest description.
    pub info: ContractInfo,
    /// First time it was seen.
    pub first_seen: DateTime<Utc>,
    /// Last time it was seen.
    pub last_seen: DateTime<Utc>,
}

/// A value series in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRow {
    /// Its id.
    pub id: ChannelId,
    /// The contract.
    pub contract: ContractId,
    /// Database and channel name.
    pub key: ChannelKey,
    /// Known properties.
    pub spec: ChannelSpec,
}

/// A reading read back from the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReading {
    /// The reading exactly as stored.
    pub reading: Reading,
    /// When it was written to the archive.
    pub stored_at: DateTime<Utc>,
}

/// A reading that came back different from the archived one. Both are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingConflict {
    /// The channel.
    pub channel: ChannelId,
    /// The reading the archive holds (first received).
    pub stored: Reading,
    /// The differing version.
    pub other: Reading,
    /// When the differing version was first received.
    pub first_seen: DateTime<Utc>,
    /// When it was last received.
    pub last_seen: DateTime<Utc>,
    /// How often it was received.
    pub times_seen: u64,
}

/// A logbook entry read back from the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLogEntry {
    /// The entry exactly as stored.
    pub entry: LogEntry,
    /// When it was written to the archive.
    pub stored_at: DateTime<Utc>,
}

/// A logbook entry whose index came back with different content. Both are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConflict {
    /// The consumer.
    pub consumer: ConsumerId,
    /// The entry the archive holds (first received).
    pub stored: LogEntry,
    /// The differing version.
    pub other: LogEntry,
    /// When the differing version was first received.
    pub first_seen: DateTime<Utc>,
    /// When it was last received.
    pub last_seen: DateTime<Utc>,
    /// How often it was received.
    pub times_seen: u64,
}

/// Which part of the archive a status or conflict query covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything.
    All,
    /// One gateway with all its consumers.
    Gateway(GatewayId),
    /// One consumer with all its contracts.
    Consumer(ConsumerId),
    /// One contract with all its channels.
    Contract(ContractId),
    /// One channel.
    Channel(ChannelId),
}

/// Filter for logbook queries. Defaults select everything, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogFilter {
    /// Only entries at or after this time. Entries without a time pass both time
    /// bounds: they cannot be placed, and an export must not lose them.
    pub from: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub to: Option<DateTime<Utc>>,
    /// Only entries with at least this level (entries without a level are excluded).
    pub min_level: Option<u32>,
    /// Only entries with an index above this one (for paging).
    pub after_index: Option<u64>,
    /// At most this many entries (`None`: no limit).
    pub limit: Option<u32>,
}

/// Numbers about one value series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelStatus {
    /// The gateway.
    pub gateway: GatewayId,
    /// The consumer.
    pub consumer: ConsumerId,
    /// The channel with its contract.
    pub channel: ChannelRow,
    /// Number of readings.
    pub count: u64,
    /// Earliest target time.
    pub first: Option<DateTime<Utc>>,
    /// Latest target time.
    pub last: Option<DateTime<Utc>>,
    /// The period used for gap counting: the channel's own, else the most frequent step.
    pub period: Option<Duration>,
    /// True if `period` was detected from the data rather than given.
    pub period_detected: bool,
    /// Number of holes: runs of consecutive missing raster slots between two readings.
    pub gaps: u64,
    /// Number of missing raster slots inside those holes.
    pub missing_slots: u64,
    /// Number of recorded conflicts (differing re-reads) of this channel.
    pub conflicts: u64,
    /// Target time of the first reading of the newest run of equal values (value and
    /// scaler), when that run has more than one reading: since when a register stands
    /// still (`smgw_model::frozen_register` decides whether that is worth a warning).
    pub unchanged_since: Option<DateTime<Utc>>,
    /// Where the next sync resumes.
    pub synced_until: Option<DateTime<Utc>>,
    /// When this channel was last written by a sync.
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// Numbers about a consumer's logbook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogStatus {
    /// Number of entries.
    pub count: u64,
    /// Lowest index.
    pub first_index: Option<u64>,
    /// Highest index.
    pub last_index: Option<u64>,
    /// Number of recorded conflicts.
    pub conflicts: u64,
    /// The last index recorded by a sync.
    pub synced_index: Option<u64>,
    /// When the logbook was last synced.
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// Sums of [`ChannelStatus`] numbers, for a contract, consumer or gateway line in a UI.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusTotals {
    /// Number of channels.
    pub channels: u64,
    /// Number of readings.
    pub count: u64,
    /// Earliest target time of any channel.
    pub first: Option<DateTime<Utc>>,
    /// Latest target time of any channel.
    pub last: Option<DateTime<Utc>>,
    /// Holes over all channels.
    pub gaps: u64,
    /// Missing slots over all channels.
    pub missing_slots: u64,
    /// Conflicts over all channels.
    pub conflicts: u64,
    /// The most recent sync of any channel.
    pub last_sync_at: Option<DateTime<Utc>>,
}

impl StatusTotals {
    /// Adds up channel statuses (e.g. the result of `status(Scope::Consumer(..))`).
    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a ChannelStatus>) -> StatusTotals {
        let mut t = StatusTotals::default();
        for s in statuses {
            t.channels += 1;
            t.count += s.count;
            t.gaps += s.gaps;
            t.missing_slots += s.missing_slots;
            t.conflicts += s.conflicts;
            t.first = min_opt(t.first, s.first);
            t.last = t.last.max(s.last);
            t.last_sync_at = t.last_sync_at.max(s.last_sync_at);
        }
        t
    }
}

fn min_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
