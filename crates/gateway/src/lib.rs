//! The Gateway interface: the questions every Smart Meter Gateway answers, whatever its
//! maker, asked and answered in the domain's records (`smgw-model`).
//!
//! Each maker's protocol lives in its own adapter (CONEXA: `han_client::ConexaGateway`);
//! sync, exports and the front doors use only this interface. What a maker can do differs
//! (stored value lists or only current values, a logbook or none, the longest window, a
//! pause the device needs between requests): [`Capabilities`] says it, and callers ask
//! only what is offered.
//!
//! Every answer comes as a [`Fetched`]: the answer exactly as received ([`RawAnswer`], kept
//! by the archive as evidence) and its decoding into records. Decoding can be deferred, so
//! that a sync parses one window on another thread while the next is being fetched.
//!
//! [`MemoryGateway`] answers from records held in memory: the second implementation that
//! proves the seam, and a gateway for tests of everything above it.
//!
//! **Architecture invariant:** no IO and no maker's wire format here; adapters do both.

mod error;
mod memory;
mod window;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use smgw_model::records::{
    ChannelReadings, Contract, ContractDetail, Database, GatewayInfo, LogEntry,
};
use smgw_model::{ChannelName, FieldWarning, Lang, UserId};

pub use error::{ErrorCategory, GatewayError, MakerError};
pub use memory::{MemoryGateway, MemoryValues};
pub use window::{windows, WindowPlan};

/// Who made the gateway, as far as the protocol tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Maker {
    /// Theben CONEXA and gateways speaking its HAN JSON interface.
    Conexa,
    /// PPC: the web application at `/cgi-bin/hanservice.cgi`.
    Ppc,
    /// EMH CASA: JSON below `/json/`.
    Emh,
    /// Any other (an adapter names itself).
    Other(String),
}

/// What a gateway offers, so that callers ask only what it can answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Capabilities {
    /// Who made it.
    pub maker: Maker,
    /// Stored value lists can be read by period ([`Gateway::values`]). Without it only
    /// current values exist, and a sync keeps each current value it reads.
    pub history: bool,
    /// The consumer logbook can be read ([`Gateway::log_page`]).
    pub logbook: bool,
    /// A self-test can be started ([`Gateway::self_test`]).
    pub self_test: bool,
    /// The longest period one [`Gateway::values`] call may ask for.
    pub max_window: Duration,
    /// The time the device needs between two requests (zero: none).
    pub pause: std::time::Duration,
}

impl Capabilities {
    /// Everything offered, 31-day windows, no pause.
    pub fn full(maker: Maker) -> Capabilities {
        Capabilities {
            maker,
            history: true,
            logbook: true,
            self_test: true,
            max_window: Duration::days(31),
            pause: std::time::Duration::ZERO,
        }
    }
}

/// An answer exactly as the gateway sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// The call, in the maker's words (e.g. `readings`).
    pub method: String,
    /// The request as sent (body or query), for evidence; never credentials.
    pub request: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
}

type Decoder<T> = Box<dyn FnOnce(&[u8]) -> Result<(T, Vec<FieldWarning>), GatewayError> + Send>;

/// An answer and how to read it. Decoding may cost as much as fetching (a month of quarter
/// hours), so it can be deferred to another thread with [`Fetched::decode`].
///
/// Decoding yields the records and the warnings about auxiliary fields that could not be
/// decoded and were left out ([`Fetched::decode_warned`]): such a field never fails an
/// answer; an essential one (ids, times, values, scaler, unit) does. A value whose status
/// word does not read is left out with a warning, its window's other values stay.
pub struct Fetched<T> {
    /// The answer as received.
    pub raw: RawAnswer,
    decode: Decoder<T>,
}

impl<T: Send + 'static> Fetched<T> {
    /// An answer that was already decoded (e.g. because the adapter needed its content to
    /// decide the next request).
    pub fn ready(raw: RawAnswer, value: T) -> Fetched<T> {
        Fetched::ready_warned(raw, value, Vec::new())
    }

    /// An answer that was already decoded, with what could not be decoded.
    pub fn ready_warned(raw: RawAnswer, value: T, warnings: Vec<FieldWarning>) -> Fetched<T> {
        Fetched {
            raw,
            decode: Box::new(move |_| Ok((value, warnings))),
        }
    }

    /// An answer decoded when asked.
    pub fn deferred(
        raw: RawAnswer,
        decode: impl FnOnce(&[u8]) -> Result<T, GatewayError> + Send + 'static,
    ) -> Fetched<T> {
        Fetched::deferred_warned(raw, move |body| decode(body).map(|v| (v, Vec::new())))
    }

    /// An answer decoded when asked, into records and warnings.
    pub fn deferred_warned(
        raw: RawAnswer,
        decode: impl FnOnce(&[u8]) -> Result<(T, Vec<FieldWarning>), GatewayError> + Send + 'static,
    ) -> Fetched<T> {
        Fetched {
            raw,
            decode: Box::new(decode),
        }
    }

    /// Decodes the answer, keeping the raw answer; the warnings are dropped (callers that
    /// show or report them use [`Fetched::decode_warned`]).
    pub fn decode(self) -> (RawAnswer, Result<T, GatewayError>) {
        let (raw, value) = self.decode_warned();
        (raw, value.map(|(v, _)| v))
    }

    /// Decodes the answer into records and warnings, keeping the raw answer.
    pub fn decode_warned(self) -> (RawAnswer, Result<(T, Vec<FieldWarning>), GatewayError>) {
        let value = (self.decode)(&self.raw.body);
        (self.raw, value)
    }

    /// Decodes the answer, dropping the raw answer and the warnings.
    pub fn into_value(self) -> Result<T, GatewayError> {
        self.decode().1
    }

    /// Decodes the answer into records and warnings, dropping the raw answer.
    pub fn into_warned(self) -> Result<(T, Vec<FieldWarning>), GatewayError> {
        self.decode_warned().1
    }
}

impl<T> std::fmt::Debug for Fetched<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetched").field("raw", &self.raw).finish()
    }
}

/// What `smgw-info` (or a maker's equivalent) says about the gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayFacts {
    /// The gateway, its clock, firmware and certificates.
    pub info: GatewayInfo,
    /// The state word exactly as sent (the record keeps only its parsed form).
    pub state_as_sent: Option<String>,
    /// Whether the HAN certificate the gateway reports is the one of this connection
    /// (`None`: it reports none, or none that could be read).
    pub han_certificate_matches: Option<bool>,
    /// Whether `info.time` is the gateway's clock or the adapter's estimate of it.
    pub clock: ClockOrigin,
}

impl GatewayFacts {
    /// The gateway's clock if the gateway stated it; `None` for an estimate, which places
    /// a sync but must not be judged or kept as the gateway's clock.
    pub fn reported_clock(&self) -> Option<DateTime<Utc>> {
        self.info
            .time
            .filter(|_| self.clock == ClockOrigin::Reported)
    }
}

/// Where a gateway's clock reading comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockOrigin {
    /// The gateway stated its clock (CONEXA `smgw-time`, EMH `systeminformations`, the
    /// `Date` header of a PPC gateway's own web server).
    Reported,
    /// The gateway states no clock; the adapter took a time it does tell (the newest
    /// value's capture time, the last synchronisation, this computer's clock). Good enough
    /// to place a sync, not to judge whether the gateway's clock is right.
    Estimated,
}

impl ClockOrigin {
    /// What an estimated clock means for the user, shown where the difference to this
    /// computer's clock would be.
    pub fn estimate_note(lang: Lang) -> &'static str {
        lang.pick(
            "geschätzt – das Gateway nennt seine Uhrzeit nicht; ob seine Uhr richtig geht, \
             lässt sich nicht prüfen",
            "estimated – the gateway does not state its clock, so whether it is right \
             cannot be checked",
        )
    }
}

/// A period of values: after `from`, up to and including `to` (a value at `to` belongs to
/// the interval that ends there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Exclusive start.
    pub from: DateTime<Utc>,
    /// Inclusive end.
    pub to: DateTime<Utc>,
}

/// One page of the consumer logbook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogPage {
    /// New entries, by index, each at most once.
    pub entries: Vec<LogEntry>,
    /// Where the next page starts; `None` when the logbook has been read to its end.
    pub next: Option<u64>,
}

/// A flag to cancel long operations from another task or thread.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation; the running operation stops before its next request.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The questions every maker's gateway answers for the logged-in consumer. One request at
/// a time: every method takes `&mut self`.
#[async_trait]
pub trait Gateway: Send {
    /// What this gateway offers.
    fn capabilities(&self) -> &Capabilities;

    /// The logged-in consumer as the gateway names them (e.g. `ab12cd34.sm`).
    fn user_id(&self) -> &UserId;

    /// The gateway: id, clock, state, firmware, certificates.
    async fn gateway_info(&mut self) -> Result<Fetched<GatewayFacts>, GatewayError>;

    /// The consumer's contracts.
    async fn contracts(&mut self) -> Result<Fetched<Vec<Contract>>, GatewayError>;

    /// One contract in detail: its value lists and channels.
    async fn contract_detail(
        &mut self,
        usage_point_id: &str,
    ) -> Result<Fetched<ContractDetail>, GatewayError>;

    /// The stored values of one value list of a contract in `period`, at most
    /// [`Capabilities::max_window`] long. `detail` (from [`Gateway::contract_detail`])
    /// tells the channels' scalers. A gateway that finds the window too long answers
    /// [`GatewayError::WindowTooLong`]; callers then ask for halves.
    async fn values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
        period: Period,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError>;

    /// The newest value of each channel of a value list.
    async fn current_values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError>;

    /// The logbook page starting at entry `from_index` (0: the oldest).
    async fn log_page(&mut self, from_index: u64) -> Result<Fetched<LogPage>, GatewayError>;

    /// Starts the self-test.
    async fn self_test(&mut self) -> Result<(), GatewayError>;

    /// Ends the session (a maker with sessions logs out, which frees the gateway for the
    /// next login); further calls may reconnect or fail. Never fails: a logout that does
    /// not arrive ends with the gateway's own session timeout.
    async fn disconnect(&mut self);
}

/// The channel of `detail`'s value list `database` that a values answer names
/// (`<obis hex>` or `<obis hex>.<meter>.sm`).
pub fn channel_of(
    detail: &ContractDetail,
    database: &Database,
    name: &str,
) -> Option<smgw_model::records::Channel> {
    let obis = ChannelName::obis_of(name)?;
    detail
        .databases
        .iter()
        .filter(|db| &db.database == database)
        .flat_map(|db| db.channels.iter())
        .find(|ch| ch.obis == obis)
        .copied()
}

/// Keeps the channels whose OBIS id is among `wanted` (any form [`ChannelName::obis_of`]
/// reads); with none wanted, every channel.
pub fn retain_channels(channels: &mut Vec<ChannelReadings>, wanted: &[String]) {
    if wanted.is_empty() {
        return;
    }
    let wanted: Vec<_> = wanted
        .iter()
        .filter_map(|w| ChannelName::obis_of(w))
        .collect();
    channels.retain(|ch| ChannelName::obis_of(&ch.channel).is_some_and(|o| wanted.contains(&o)));
}

/// Reads the whole logbook from `from_index` on, page by page (warnings dropped; see
/// [`read_logbook_warned`]).
pub async fn read_logbook(
    gateway: &mut (dyn Gateway + '_),
    from_index: u64,
    cancel: &CancelFlag,
    on_page: impl FnMut(&[LogEntry]) + Send,
) -> Result<Vec<LogEntry>, GatewayError> {
    read_logbook_warned(gateway, from_index, cancel, on_page)
        .await
        .map(|(all, _)| all)
}

/// Reads the whole logbook from `from_index` on, page by page, with the warnings about
/// what could not be decoded.
pub async fn read_logbook_warned(
    gateway: &mut (dyn Gateway + '_),
    from_index: u64,
    cancel: &CancelFlag,
    mut on_page: impl FnMut(&[LogEntry]) + Send,
) -> Result<(Vec<LogEntry>, Vec<FieldWarning>), GatewayError> {
    let mut all = Vec::new();
    let mut warnings = Vec::new();
    let mut next = Some(from_index);
    while let Some(index) = next {
        if cancel.is_cancelled() {
            return Err(GatewayError::Cancelled);
        }
        let (page, w) = gateway.log_page(index).await?.into_warned()?;
        warnings.extend(w);
        on_page(&page.entries);
        all.extend(page.entries);
        next = page.next;
    }
    smgw_model::warning::dedup(&mut warnings);
    Ok((all, warnings))
}

/// Progress of a long read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Requests completed.
    pub step: u32,
    /// Requests planned, when known in advance (values windows), else `None`.
    pub steps: Option<u32>,
    /// Values or entries received so far.
    pub items: u64,
}

/// The values of a value list over any period: read in windows the gateway accepts
/// (halved while it finds them too long), merged per channel, each value once (warnings
/// dropped; see [`read_values_warned`]).
pub async fn read_values(
    gateway: &mut (dyn Gateway + '_),
    detail: &ContractDetail,
    database: &Database,
    period: Period,
    progress: &mut (dyn FnMut(Progress) + Send),
    cancel: &CancelFlag,
) -> Result<Vec<ChannelReadings>, GatewayError> {
    read_values_warned(gateway, detail, database, period, progress, cancel)
        .await
        .map(|(values, _)| values)
}

/// [`read_values`] with the warnings of every window about what could not be decoded.
pub async fn read_values_warned(
    gateway: &mut (dyn Gateway + '_),
    detail: &ContractDetail,
    database: &Database,
    period: Period,
    progress: &mut (dyn FnMut(Progress) + Send),
    cancel: &CancelFlag,
) -> Result<(Vec<ChannelReadings>, Vec<FieldWarning>), GatewayError> {
    let mut warnings = Vec::new();
    let mut plan = WindowPlan::new(period, gateway.capabilities().max_window);
    let mut step = 0u32;
    let mut items = 0u64;
    let mut merged: Vec<ChannelReadings> = Vec::new();
    while let Some(w) = plan.next_window() {
        if cancel.is_cancelled() {
            return Err(GatewayError::Cancelled);
        }
        let part = match gateway.values(detail, database, w).await {
            Err(GatewayError::WindowTooLong) if plan.refused(w) => continue,
            other => {
                let (part, warned) = other?.into_warned()?;
                warnings.extend(warned);
                part
            }
        };
        for ch in part {
            let at = match merged.iter().position(|m| m.channel == ch.channel) {
                Some(at) => at,
                None => {
                    merged.push(ChannelReadings {
                        channel: ch.channel.clone(),
                        readings: Vec::new(),
                    });
                    merged.len() - 1
                }
            };
            if let Some(target) = merged.get_mut(at) {
                // A value at a window's edge may come twice; only the values already
                // merged from this window's start on can repeat.
                let before = target.readings.len();
                for r in ch.readings {
                    let repeated = target
                        .readings
                        .iter()
                        .take(before)
                        .rev()
                        .take_while(|x| x.target_time >= w.from)
                        .any(|x| x == &r);
                    if !repeated {
                        items += 1;
                        target.readings.push(r);
                    }
                }
            }
        }
        step = step.saturating_add(1);
        progress(Progress {
            step,
            steps: Some(u32::try_from(plan.planned()).unwrap_or(u32::MAX)),
            items,
        });
    }
    smgw_model::warning::dedup(&mut warnings);
    Ok((merged, warnings))
}
