//! The EMH CASA 1.1 interface behind the maker-neutral [`gateway::Gateway`] interface.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use gateway::{
    Capabilities, ClockOrigin, Fetched, Gateway, GatewayError, GatewayFacts, LogPage, Maker,
    Period, RawAnswer,
};
use han_client::digest::{self, DigestInput};
use han_client::{
    ClientError, Fingerprint, HttpRequest, Link, LinkOptions, Outcome, Phase, PinPolicy, Timeouts,
};
use smgw_model::records::{
    BillingPeriod, Certificate, CertificateKind, ChannelReadings, Contract, ContractDetail,
    Database, DatabaseChannels, GatewayInfo, LogEntry, Taf,
};
use smgw_model::{FieldWarning, Obis, SmgwState, UserId};
use zeroize::Zeroizing;

use crate::error::EmhError;
use crate::wire::{self, left_out, notice, WireError};

/// The mDNS name EMH gateways answer to on the HAN (IPv6 link-local: give a zone id).
pub const DEFAULT_HOST: &str = "smgw.local";
/// The usual IPv4 address of an EMH gateway's HAN port.
pub const DEFAULT_IPV4: &str = "192.168.33.2";
/// The pause the gateway needs between two requests.
pub const DEFAULT_PAUSE: StdDuration = StdDuration::from_millis(500);
/// The path that tells an EMH gateway (see [`crate::looks_like_emh`]): the meter list.
pub const PROBE_PATH: &str = "/json/metering/origin/";
const SYSTEM_PATH: &str = "/json/systeminformations";
/// The certificate the gateway offers for download (shape known only from its name).
const CERTIFICATE_PATH: &str = "/json/download/certificate.pem";
/// The prefix of the synthetic contract of a meter on a gateway without `derived`
/// contracts: `meter-` + the meter id as the gateway lists it.
pub const SYNTHETIC_CONTRACT_PREFIX: &str = "meter-";
/// How many empty local months in a row end the search for a meter's first stored value.
///
/// A contract without a start (the stand-in of a meter on a gateway without contracts, or
/// a `derived` contract that names none) would send a sync back `SyncOptions::history`
/// (3 years) in month requests that all come back empty: on a device that wants 0.5 s
/// between requests and falls over when hurried, that is dozens of useless requests per
/// meter. Instead the adapter looks back from the gateway's current month until this many
/// months in a row are empty (a gap of a month or two, e.g. a dead meter link, is bridged)
/// and gives the contract the start of the oldest month with values; the search costs one
/// request per month with values plus these, once per session. A contract with billing
/// periods starts with its first one and asks nothing. Values older than such a run of
/// empty months are not reached by a sync (a `readings` call over them still asks).
pub const EMPTY_MONTHS_END_HISTORY: u32 = 3;
/// How many months back the search for a meter's first value goes at most (the sync's
/// default reach, 3 years).
const HISTORY_MONTHS: u32 = 36;

/// Where and how to connect.
#[derive(Clone)]
pub struct EmhOptions {
    /// Address as the user gave it (IP address, `smgw.local`, `fe80::1%eth0`); also the
    /// `Host` header, which the gateway checks.
    pub host: String,
    /// Port (443).
    pub port: u16,
    /// Digest user name.
    pub user: String,
    /// Digest password (kept in memory only, never logged).
    pub password: Zeroizing<String>,
    /// How to treat the gateway's certificate.
    pub pin: PinPolicy,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Pause before every request, counted from the previous answer ([`DEFAULT_PAUSE`]).
    pub pause: StdDuration,
    /// Attempts after a busy answer or a dropped connection, with doubling pauses.
    pub retries: u32,
    /// Larger answers are refused.
    pub max_body_bytes: usize,
    /// How many months back the logbook is searched at most.
    pub logbook_months: u32,
}

impl EmhOptions {
    /// Options with port 443, default time limits and the default pause.
    pub fn new(
        host: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<String>,
        pin: PinPolicy,
    ) -> EmhOptions {
        EmhOptions {
            host: host.into(),
            port: 443,
            user: user.into(),
            password: Zeroizing::new(password.into()),
            pin,
            timeouts: Timeouts::default(),
            pause: DEFAULT_PAUSE,
            retries: 4,
            max_body_bytes: 64 << 20,
            logbook_months: 36,
        }
    }
}

impl fmt::Debug for EmhOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmhOptions")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .field("pin", &self.pin)
            .field("pause", &self.pause)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

/// Percent-encodes a path segment (ids are sent exactly as the gateway named them).
fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn unreadable(path: &str, e: WireError) -> EmhError {
    EmhError::Unreadable {
        path: path.to_owned(),
        what: e.what,
        reason: e.reason,
    }
}

struct Got {
    status: u16,
    body: Vec<u8>,
}

/// An EMH CASA gateway as a [`Gateway`]: one `GET` at a time with a pause between
/// requests, each answered with a fresh Digest response to a fresh challenge.
pub struct EmhGateway {
    link: Link,
    user: String,
    /// Wiped from memory when the session ends.
    password: Zeroizing<String>,
    pause: StdDuration,
    /// A longer pause learned from busy answers.
    learned_pause: StdDuration,
    retries: u32,
    logbook_months: u32,
    last_done: Option<Instant>,
    capabilities: Capabilities,
    user_id: UserId,
    realm: Option<String>,
    /// The gateway's clock when last read, and when that was.
    clock: Option<(DateTime<Utc>, Instant)>,
    meters: Vec<String>,
    contract_meters: HashMap<String, Vec<String>>,
    month_cache: Vec<(String, Vec<u8>)>,
    /// Every warning of this session (at most 1000), for [`EmhGateway::warnings`].
    warnings: Vec<FieldWarning>,
    /// The warnings of the call being answered: they travel with its [`Fetched`].
    pending: Vec<FieldWarning>,
    /// The first local month with stored values of each meter asked about (`None`: no
    /// values within reach), found once per session.
    first_month: HashMap<String, Option<(i32, u32)>>,
    /// The billing periods of each contract read this session, with their numbers.
    billing: HashMap<String, Vec<wire::BillingPeriodRef>>,
    /// Answers to `derived/{id}/daily` and `…/billingperiods/{n}/extended` of this session,
    /// by path (`None`: 404): the daily list comes whole and a billing period's values
    /// serve two windows, so each is asked once.
    extras: HashMap<String, Option<Vec<u8>>>,
}

impl fmt::Debug for EmhGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmhGateway")
            .field("link", &self.link)
            .field("user", &self.user)
            .field("realm", &self.realm)
            .field("capabilities", &self.capabilities)
            .finish_non_exhaustive()
    }
}

impl EmhGateway {
    /// Connects and logs in: reads the meter list (which proves an EMH gateway and the
    /// credentials), the gateway's clock, and whether stored values and the logbook exist.
    /// A first contact ends in [`EmhError::Transport`] with
    /// [`ClientError::UnknownCertificate`] (see [`EmhError::unknown_certificate`]).
    pub async fn connect(opts: EmhOptions) -> Result<EmhGateway, EmhError> {
        let link = Link::new(LinkOptions {
            host: opts.host.clone(),
            port: opts.port,
            pin: opts.pin,
            identity: None,
            timeouts: opts.timeouts,
            max_body_bytes: opts.max_body_bytes,
        })?;
        let mut g = EmhGateway {
            link,
            user_id: UserId::new(opts.user.clone()),
            user: opts.user,
            password: opts.password,
            pause: opts.pause,
            learned_pause: StdDuration::ZERO,
            retries: opts.retries,
            logbook_months: opts.logbook_months.max(1),
            last_done: None,
            capabilities: Capabilities {
                maker: Maker::Emh,
                history: false,
                logbook: false,
                self_test: false,
                max_window: Duration::days(31),
                pause: opts.pause,
            },
            realm: None,
            clock: None,
            meters: Vec::new(),
            contract_meters: HashMap::new(),
            month_cache: Vec::new(),
            warnings: Vec::new(),
            pending: Vec::new(),
            first_month: HashMap::new(),
            billing: HashMap::new(),
            extras: HashMap::new(),
        };
        let body = g.get(PROBE_PATH).await?.ok_or_else(|| {
            EmhError::NotEmh(format!("{PROBE_PATH} is unknown to the device (404)"))
        })?;
        g.meters = wire::meter_ids(&body).map_err(|e| unreadable(PROBE_PATH, e))?;
        if let Some(body) = g.get(SYSTEM_PATH).await? {
            if let Ok(s) = wire::system(&body) {
                g.clock = s.time.map(|t| (t, Instant::now()));
            }
        }
        let month = wire::month_segment(wire::month_of(g.now()));
        if let Some(meter) = g.meters.first().cloned() {
            let path = format!("/json/metering/origin/{}/{month}/extended", seg(&meter));
            g.capabilities.history = g.get(&path).await?.is_some();
        }
        let path = format!("/json/conlogbook/{}/{month}", seg(&g.user));
        g.capabilities.logbook = g.get(&path).await?.is_some();
        Ok(g)
    }

    /// The gateway id as its Digest realm names it (e.g. `EEMH0012345678`).
    pub fn realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }

    /// The meters as the gateway listed them at login.
    pub fn meters(&self) -> &[String] {
        &self.meters
    }

    /// Every warning of this session so far: what could not be read and was left out or
    /// kept only in the raw answer, and what was assumed. Each also travels with the answer
    /// it belongs to ([`Fetched::decode_warned`]), which is how callers should see them.
    pub fn warnings(&self) -> &[FieldWarning] {
        &self.warnings
    }

    /// The gateway's TLS certificate (DER) as seen in the handshake.
    pub fn peer_certificate_der(&self) -> &[u8] {
        self.link.peer_certificate()
    }

    /// SHA-256 fingerprint of the gateway's certificate.
    pub fn peer_fingerprint(&self) -> Fingerprint {
        self.link.peer_fingerprint()
    }

    /// Counters of the connection: handshakes, requests, 401 answers.
    pub fn stats(&self) -> han_client::Stats {
        self.link.stats()
    }

    fn warn(&mut self, w: Vec<FieldWarning>) {
        for x in w {
            if self.warnings.len() < 1000 && !self.warnings.contains(&x) {
                self.warnings.push(x.clone());
            }
            if !self.pending.contains(&x) {
                self.pending.push(x);
            }
        }
    }

    /// Warnings about the answer to `uri`, their paths prefixed with it.
    fn warn_at(&mut self, uri: &str, w: Vec<FieldWarning>) {
        self.warn(
            w.into_iter()
                .map(|mut x| {
                    x.path = format!("{uri}: {}", x.path);
                    x
                })
                .collect(),
        );
    }

    /// The answer of a call with the warnings gathered while answering it.
    fn answer<T: Send + 'static>(&mut self, raw: RawAnswer, value: T) -> Fetched<T> {
        Fetched::ready_warned(raw, value, std::mem::take(&mut self.pending))
    }

    /// The gateway's clock now (from its last reading), else this computer's.
    fn now(&self) -> DateTime<Utc> {
        match self.clock {
            Some((t, at)) => t + Duration::from_std(at.elapsed()).unwrap_or_default(),
            None => Utc::now(),
        }
    }

    async fn wait_pause(&self, extra: StdDuration) {
        let pause = self.pause.max(self.learned_pause);
        let wait = match self.last_done {
            Some(t) => (pause + extra).saturating_sub(t.elapsed()),
            None => extra,
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// After a busy answer or a dropped request: a longer pause from now on (doubling, at
    /// most 2 s), and a wait before the retry that doubles with every attempt.
    fn backoff(&mut self, attempt: u32) -> StdDuration {
        self.learned_pause = (self.learned_pause.max(StdDuration::from_millis(100)) * 2)
            .min(StdDuration::from_secs(2));
        self.pause.max(StdDuration::from_millis(200)) * 2u32.saturating_pow(attempt.min(6))
    }

    /// One `GET`: a request without credentials, then one answering the challenge it gets
    /// (a fresh nonce every time); busy answers and dropped connections retried with
    /// doubling pauses.
    async fn send(&mut self, uri: &str) -> Result<Got, EmhError> {
        let mut authorization: Option<String> = None;
        let mut refused = 0u32;
        let mut attempt = 0u32;
        let mut extra = StdDuration::ZERO;
        loop {
            self.wait_pause(extra).await;
            extra = StdDuration::ZERO;
            let mut headers = vec![("accept", "application/json".to_owned())];
            if let Some(a) = &authorization {
                headers.push(("authorization", a.clone()));
            }
            let timeout = self.link.timeouts().response;
            let sent = self
                .link
                .send(
                    &HttpRequest {
                        method: "GET",
                        uri,
                        headers,
                        body: &[],
                    },
                    timeout,
                )
                .await;
            self.last_done = Some(Instant::now());
            let credentials_sent = authorization.take().is_some();
            let (status, headers, body) = match sent? {
                Outcome::Silence if credentials_sent => {
                    return Err(EmhError::SilentAfterCredentials { after: timeout })
                }
                Outcome::Silence => {
                    return Err(ClientError::Timeout {
                        phase: Phase::Response,
                        after: timeout,
                    }
                    .into())
                }
                Outcome::Closed { error, .. } => {
                    attempt += 1;
                    if attempt > self.retries {
                        return Err(error.into());
                    }
                    extra = self.backoff(attempt);
                    continue;
                }
                Outcome::Answer {
                    status,
                    headers,
                    body,
                } => (status, headers, body),
            };
            match status {
                503 | 429 => {
                    attempt += 1;
                    if attempt > self.retries {
                        return Err(EmhError::Busy { attempts: attempt });
                    }
                    extra = self.backoff(attempt);
                }
                401 => {
                    let values = headers
                        .iter()
                        .filter(|(n, _)| n == "www-authenticate")
                        .map(|(_, v)| v.as_str());
                    let challenges = digest::parse_challenges(values)
                        .map_err(|e| EmhError::Challenge(e.to_string()))?;
                    let Some(challenge) = digest::best_challenge(&challenges) else {
                        return Err(EmhError::Challenge("no Digest challenge".into()));
                    };
                    if credentials_sent {
                        // Stale, or refused: a refused answer may be a nonce the gateway
                        // already forgot, so one fresh challenge more is answered.
                        if challenge.stale {
                            attempt += 1;
                        } else {
                            refused += 1;
                        }
                        if refused >= 2 || attempt > self.retries {
                            return Err(EmhError::LoginRefused);
                        }
                    }
                    self.realm = Some(challenge.realm.clone());
                    let cnonce = self.link.cnonce()?;
                    let a = challenge
                        .authorization(&DigestInput {
                            username: &self.user,
                            password: self.password.as_str(),
                            method: "GET",
                            uri,
                            body: &[],
                            nc: 1,
                            cnonce: &cnonce,
                        })
                        .map_err(|e| EmhError::Challenge(e.to_string()))?;
                    authorization = Some(a);
                }
                _ => return Ok(Got { status, body }),
            }
        }
    }

    /// A `GET` whose answer must be 200; 404 is `None`.
    async fn get(&mut self, uri: &str) -> Result<Option<Vec<u8>>, EmhError> {
        let got = self.send(uri).await?;
        match got.status {
            200..=299 => Ok(Some(got.body)),
            404 => Ok(None),
            400 if String::from_utf8_lossy(&got.body)
                .to_ascii_lowercase()
                .contains("host") =>
            {
                Err(EmhError::HostRejected {
                    host: self.link.host().to_owned(),
                })
            }
            status => Err(EmhError::Http {
                status,
                path: uri.to_owned(),
            }),
        }
    }

    /// A `GET` below a meter: 404 means the meter is gone.
    async fn get_meter(&mut self, uri: &str, meter: &str) -> Result<Vec<u8>, EmhError> {
        self.get(uri)
            .await?
            .ok_or_else(|| EmhError::MeterExchanged {
                meter: meter.to_owned(),
            })
    }

    /// A `GET` that must not be 404.
    async fn get_found(&mut self, uri: &str) -> Result<Vec<u8>, EmhError> {
        self.get(uri).await?.ok_or_else(|| EmhError::Http {
            status: 404,
            path: uri.to_owned(),
        })
    }

    /// The meter of a synthetic contract id (`meter-` + a meter listed at login).
    fn synthetic_meter(&self, id: &str) -> Option<String> {
        let meter = id.strip_prefix(SYNTHETIC_CONTRACT_PREFIX)?;
        self.meters.iter().find(|m| m.as_str() == meter).cloned()
    }

    async fn contract_wire(
        &mut self,
        id: &str,
    ) -> Result<(String, Vec<u8>, wire::ContractWire), EmhError> {
        if let Some(meter) = self.synthetic_meter(id) {
            // No request: the contract exists only on this side (see `contracts`).
            let c = synthetic_contract(&meter);
            self.contract_meters.insert(id.to_owned(), c.meters.clone());
            return Ok((String::new(), Vec::new(), c));
        }
        let path = format!("/json/metering/derived/{}", seg(id));
        let body = self.get_found(&path).await?;
        let mut w = Vec::new();
        let c = wire::contract(&body, &mut w).map_err(|e| unreadable(&path, e))?;
        self.warn_at(&path, w);
        self.contract_meters.insert(id.to_owned(), c.meters.clone());
        Ok((path, body, c))
    }

    async fn meters_of(&mut self, id: &str) -> Result<Vec<String>, EmhError> {
        match self.contract_meters.get(id) {
            Some(m) => Ok(m.clone()),
            None => Ok(self.contract_wire(id).await?.2.meters),
        }
    }

    /// The billing periods of a contract (`derived/{id}/billingperiods`), auxiliary: a 404
    /// or another refusal means none (the latter with a warning); the answer joins `parts`.
    async fn billing_periods(
        &mut self,
        id: &str,
        parts: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<BillingPeriod>, EmhError> {
        let path = format!("/json/metering/derived/{}/billingperiods", seg(id));
        match self.get(&path).await {
            Ok(Some(body)) => {
                let mut w = Vec::new();
                let periods = wire::billing_period_list(&body, &mut w);
                self.warn_at(&path, w);
                parts.push((path, body));
                self.billing.insert(id.to_owned(), periods.clone());
                Ok(periods.into_iter().map(|p| p.period).collect())
            }
            Ok(None) => {
                self.billing.insert(id.to_owned(), Vec::new());
                Ok(Vec::new())
            }
            Err(EmhError::Http { status, .. }) => {
                self.warn(vec![notice(
                    path,
                    &format!("HTTP {status}"),
                    "refused by the gateway; the contract's billing periods are unknown",
                )]);
                self.billing.insert(id.to_owned(), Vec::new());
                Ok(Vec::new())
            }
            Err(e) => Err(e),
        }
    }

    /// An optional answer below a contract (`daily`, `billingperiods/{n}/extended`,
    /// `signedprofile`): 404 is `None` (not offered); another refusal is `None` with a
    /// warning, never an error for the whole call. Daily and billing-period answers are
    /// kept for the session (see `extras`).
    async fn optional(&mut self, path: &str, what: &str) -> Result<Option<Vec<u8>>, EmhError> {
        if let Some(known) = self.extras.get(path) {
            return Ok(known.clone());
        }
        let got = match self.get(path).await {
            Ok(got) => got,
            Err(EmhError::Http { status, .. }) => {
                self.warn(vec![notice(
                    path,
                    &format!("HTTP {status}"),
                    format!("refused by the gateway; the contract is read without its {what}"),
                )]);
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        if !path.ends_with("/signedprofile") {
            self.extras.insert(path.to_owned(), got.clone());
        }
        Ok(got)
    }

    /// The signed tariff profile of a contract (`derived/{id}/signedprofile`) as DER of
    /// its CMS container, as the CONEXA adapter keeps `taf-profile`; `None` when not
    /// offered or undecodable (then with a warning; the answer joins `parts` either way).
    async fn signed_profile(
        &mut self,
        id: &str,
        parts: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<Option<Vec<u8>>, EmhError> {
        let path = format!("/json/metering/derived/{}/signedprofile", seg(id));
        let Some(body) = self.optional(&path, "tariff profile").await? else {
            return Ok(None);
        };
        let profile = match wire::signed_profile(&body) {
            Ok(der) => Some(der),
            Err(e) => {
                self.warn(vec![left_out(
                    format!("{path}: {}", e.what),
                    &wire::excerpt(&body),
                    format!(
                        "{}; the contract is read without its tariff profile (kept in the raw answer)",
                        e.reason
                    ),
                )]);
                None
            }
        };
        parts.push((path, body));
        Ok(profile)
    }

    /// The daily values of a contract (`derived/{id}/daily`, the whole list), read with
    /// `scaler_of` for values without a scaler. `None`: not offered, or the answer does
    /// not read (then with a warning). The answer joins `parts`.
    async fn daily_values(
        &mut self,
        id: &str,
        scaler_of: &(dyn Fn(&Obis) -> Option<i8> + Sync),
        parts: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<Option<Vec<wire::ValueWire>>, EmhError> {
        let path = format!("/json/metering/derived/{}/daily", seg(id));
        let Some(body) = self.optional(&path, "daily values").await? else {
            return Ok(None);
        };
        let mut w = Vec::new();
        let read = wire::stored(&body, scaler_of, &mut w);
        self.warn_at(&path, w);
        let values = self.extra_read(&path, &body, read, "daily values");
        parts.push((path, body));
        Ok(values)
    }

    /// The register values of billing period `n` of a contract
    /// (`derived/{id}/billingperiods/{n}/extended`); like [`Self::daily_values`].
    async fn billing_values(
        &mut self,
        id: &str,
        n: &str,
        scaler_of: &(dyn Fn(&Obis) -> Option<i8> + Sync),
        parts: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<Option<Vec<wire::ValueWire>>, EmhError> {
        let path = format!(
            "/json/metering/derived/{}/billingperiods/{}/extended",
            seg(id),
            seg(n)
        );
        let Some(body) = self.optional(&path, "billing-period values").await? else {
            return Ok(None);
        };
        let mut w = Vec::new();
        let read = wire::stored(&body, scaler_of, &mut w);
        self.warn_at(&path, w);
        let values = self.extra_read(&path, &body, read, "billing-period values");
        parts.push((path, body));
        Ok(values)
    }

    /// An optional list of values that does not read is left out with a warning naming
    /// the field: these lists are auxiliary to the contract, so their answer is refused
    /// alone and the rest of the call stands.
    fn extra_read(
        &mut self,
        path: &str,
        body: &[u8],
        read: Result<Vec<wire::ValueWire>, WireError>,
        what: &str,
    ) -> Option<Vec<wire::ValueWire>> {
        match read {
            Ok(v) => Some(v),
            Err(e) => {
                self.warn(vec![left_out(
                    format!("{path}: {}", e.what),
                    &wire::excerpt(body),
                    format!(
                        "{}; the {what} are left out (kept in the raw answer)",
                        e.reason
                    ),
                )]);
                None
            }
        }
    }

    /// The billing periods of a contract with their numbers: as read by `contracts`, else
    /// asked now.
    async fn billing_refs(
        &mut self,
        id: &str,
        parts: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<wire::BillingPeriodRef>, EmhError> {
        if !self.billing.contains_key(id) {
            self.billing_periods(id, parts).await?;
        }
        Ok(self.billing.get(id).cloned().unwrap_or_default())
    }

    /// `values` of the lists below a contract: `daily` (from the session's one answer
    /// of `derived/{id}/daily`) and `derived`, the billing-period values (of each period
    /// that starts or ends within the period). Answers that do not read are left out
    /// with a warning (see [`Self::extra_read`]).
    async fn contract_values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
        period: Period,
    ) -> Result<Fetched<Vec<ChannelReadings>>, EmhError> {
        let id = detail.usage_point_id.as_str();
        let scaler_of = |o: &Obis| scaler_in(detail, database, o);
        let mut parts = Vec::new();
        let mut values = Vec::new();
        let inside = |t: DateTime<Utc>| t > period.from && t <= period.to;
        if *database == Database::Daily {
            values = self
                .daily_values(id, &scaler_of, &mut parts)
                .await?
                .unwrap_or_default();
        } else {
            for r in self.billing_refs(id, &mut parts).await? {
                if inside(r.period.start) || r.period.end.is_some_and(inside) {
                    let got = self
                        .billing_values(id, &r.n, &scaler_of, &mut parts)
                        .await?;
                    values.extend(got.unwrap_or_default());
                }
            }
        }
        values.retain(|v| inside(v.reading.target_time));
        let mut channels = wire::by_channel(values);
        gateway::retain_channels(&mut channels, &wanted(detail, database));
        for ch in &mut channels {
            ch.readings.sort_by_key(|r| r.target_time);
            // A period's end is the next one's start: the same reading, once.
            ch.readings.dedup_by_key(|r| r.target_time);
        }
        let method = if *database == Database::Daily {
            "metering/derived/daily"
        } else {
            "metering/derived/billingperiods"
        };
        Ok(self.answer(raw(method, &parts), channels))
    }

    /// The certificate the gateway offers (`download/certificate.pem`), an optional
    /// capability: 404 means none (older firmware), a refusal or a text that is no PEM
    /// certificate is a warning; the answer joins `parts` as evidence. The certificate of
    /// this connection's TLS is the HAN certificate (`han_certificate_matches`); another
    /// one is kept as a signature certificate (what it is for is not documented).
    async fn certificate(
        &mut self,
        parts: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<(Vec<Certificate>, Option<bool>), EmhError> {
        let body = match self.get(CERTIFICATE_PATH).await {
            Ok(Some(body)) => body,
            Ok(None) => return Ok((Vec::new(), None)),
            Err(EmhError::Http { status, .. }) => {
                self.warn(vec![notice(
                    CERTIFICATE_PATH,
                    &format!("HTTP {status}"),
                    "refused by the gateway; its certificate is not read",
                )]);
                return Ok((Vec::new(), None));
            }
            Err(e) => return Err(e),
        };
        let text = String::from_utf8_lossy(&body).into_owned();
        parts.push((CERTIFICATE_PATH.to_owned(), body));
        match Certificate::from_pem(CertificateKind::Tls, None, &text) {
            Ok(c) if c.der == self.link.peer_certificate() => Ok((vec![c], Some(true))),
            Ok(c) => Ok((
                vec![Certificate {
                    kind: CertificateKind::Signature,
                    ..c
                }],
                None,
            )),
            Err(e) => {
                self.warn(vec![left_out(
                    CERTIFICATE_PATH,
                    &wire::excerpt(text.as_bytes()),
                    format!("not a PEM certificate ({e}); kept only in the raw answer"),
                )]);
                Ok((Vec::new(), None))
            }
        }
    }

    /// Current values of one meter.
    async fn current_of(
        &mut self,
        meter: &str,
        scaler_of: &(dyn Fn(&Obis) -> Option<i8> + Sync),
    ) -> Result<(String, Vec<u8>, Vec<wire::ValueWire>), EmhError> {
        let path = format!("/json/metering/origin/{}/extended", seg(meter));
        let body = self.get_meter(&path, meter).await?;
        let mut w = Vec::new();
        let values = wire::current(&body, scaler_of, &mut w).map_err(|e| unreadable(&path, e))?;
        self.warn_at(&path, w);
        Ok((path, body, values))
    }

    /// The first local month with stored values of `meter`: back from the gateway's month
    /// until [`EMPTY_MONTHS_END_HISTORY`] months in a row are empty (see there).
    async fn first_month(&mut self, meter: &str) -> Result<Option<(i32, u32)>, EmhError> {
        if let Some(known) = self.first_month.get(meter) {
            return Ok(*known);
        }
        let mut month = wire::month_of(self.now());
        let mut first = None;
        let mut empty = 0;
        for _ in 0..HISTORY_MONTHS {
            let path = format!(
                "/json/metering/origin/{}/{}/extended",
                seg(meter),
                wire::month_segment(month)
            );
            let body = self.month(&path, meter).await?;
            // An answer that does not read counts as holding values: the sync then reads
            // it and reports what is wrong with it.
            if wire::entries_in(&body) == Some(0) {
                empty += 1;
                if empty >= EMPTY_MONTHS_END_HISTORY {
                    break;
                }
            } else {
                first = Some(month);
                empty = 0;
            }
            month = wire::previous_month(month);
        }
        self.first_month.insert(meter.to_owned(), first);
        Ok(first)
    }

    /// Where a contract that names no start begins: its first billing period, else the
    /// first month with values of its meters (the current month when none has any).
    async fn start_of(
        &mut self,
        meters: &[String],
        billing_periods: &[BillingPeriod],
    ) -> Result<Option<DateTime<Utc>>, EmhError> {
        if let Some(p) = billing_periods.iter().map(|p| p.start).min() {
            return Ok(Some(p));
        }
        if !self.capabilities.history {
            return Ok(None);
        }
        let mut first: Option<(i32, u32)> = None;
        for meter in meters {
            if let Some(m) = self.first_month(meter).await? {
                first = Some(first.map_or(m, |f| f.min(m)));
            }
        }
        let month = first.unwrap_or_else(|| wire::month_of(self.now()));
        Ok(wire::month_start(month))
    }

    async fn month(&mut self, path: &str, meter: &str) -> Result<Vec<u8>, EmhError> {
        if let Some((_, b)) = self.month_cache.iter().find(|(p, _)| p == path) {
            return Ok(b.clone());
        }
        let body = self.get_meter(path, meter).await?;
        if self.month_cache.len() >= 4 {
            self.month_cache.remove(0);
        }
        self.month_cache.push((path.to_owned(), body.clone()));
        Ok(body)
    }
}

/// The stand-in for a contract the gateway does not list: TAF 7-like, the meter's own
/// values (`origin`); its start is the meter's first month with values (see
/// [`EMPTY_MONTHS_END_HISTORY`]).
fn synthetic_contract(meter: &str) -> wire::ContractWire {
    wire::ContractWire {
        taf: Taf::Taf7,
        meters: vec![meter.to_owned()],
        name: Some(format!(
            "Zähler {meter} (kein Tarif im Gateway / no contract in the gateway)"
        )),
        state: Some(smgw_model::records::TafState::Running),
        start: None,
        end: None,
        metering_point_id: None,
    }
}

/// The contract `id` as the interface gives it, from its description (`derived/{id}`, or
/// the stand-in of [`synthetic_contract`]) and what was worked out beside it: its start
/// (sent, or found by `start_of`) and its billing periods. One constructor for both, so
/// that stand-ins and listed contracts cannot drift apart. EMH names no capture time,
/// delivery id or on-demand profile.
fn contract_of(
    id: String,
    c: wire::ContractWire,
    start: Option<DateTime<Utc>>,
    billing_periods: Vec<BillingPeriod>,
) -> Contract {
    Contract {
        name: c.name.unwrap_or_else(|| id.clone()),
        usage_point_id: id,
        taf: c.taf,
        state: c.state.unwrap_or(smgw_model::records::TafState::Running),
        start,
        end: c.end,
        capture_time: None,
        billing_periods,
        meters: c.meters,
        metering_point_id: c.metering_point_id,
        delivery_id: None,
        on_demand: false,
    }
}

fn raw(method: &str, parts: &[(String, Vec<u8>)]) -> RawAnswer {
    RawAnswer {
        method: method.to_owned(),
        request: parts
            .iter()
            .map(|(p, _)| format!("GET {p}"))
            .collect::<Vec<_>>()
            .join("\n"),
        received_at: Utc::now(),
        body: wire::composite(parts),
    }
}

/// The OBIS ids of a value list of `detail`, as hex.
fn wanted(detail: &ContractDetail, database: &Database) -> Vec<String> {
    detail
        .databases
        .iter()
        .filter(|d| &d.database == database)
        .flat_map(|d| d.channels.iter().map(|c| c.obis.to_hex()))
        .collect()
}

fn scaler_in(detail: &ContractDetail, database: &Database, obis: &Obis) -> Option<i8> {
    gateway::channel_of(detail, database, &obis.to_hex()).map(|c| c.scaler)
}

#[async_trait]
impl Gateway for EmhGateway {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn user_id(&self) -> &UserId {
        &self.user_id
    }

    async fn gateway_info(&mut self) -> Result<Fetched<GatewayFacts>, GatewayError> {
        self.pending.clear();
        let (parts, system, reported_clock) = match self.get(SYSTEM_PATH).await? {
            Some(body) => {
                let s = wire::system(&body).map_err(|e| unreadable(SYSTEM_PATH, e))?;
                (vec![(SYSTEM_PATH.to_owned(), body)], s, true)
            }
            None => {
                // No system information: the clock from the newest current value.
                let mut s = wire::SystemWire::default();
                let mut parts = Vec::new();
                if let Some(meter) = self.meters.first().cloned() {
                    let (path, body, values) = self.current_of(&meter, &|_| None).await?;
                    s.time = values.iter().filter_map(|v| v.reading.capture_time).max();
                    parts.push((path, body));
                }
                (parts, s, false)
            }
        };
        let id = match (&system.id, &self.realm) {
            (Some(id), Some(realm)) if !id.eq_ignore_ascii_case(realm) => {
                self.warn(vec![notice(
                    format!("{SYSTEM_PATH}: gateway_id"),
                    id,
                    format!(
                        "differs from the login realm {realm}; the gateway id is taken as the id"
                    ),
                )]);
                id.clone()
            }
            (Some(id), _) => id.clone(),
            (None, Some(realm)) => realm.clone(),
            (None, None) => String::new(),
        };
        let mut parts = parts;
        let (certificates, han_certificate_matches) = self.certificate(&mut parts).await?;
        // Only `systeminformations` tells the gateway's clock; the newest value's capture
        // time (or, without any, this computer's clock) places a sync, nothing more.
        let (time, clock) = match system.time {
            Some(t) if reported_clock => (t, ClockOrigin::Reported),
            Some(t) => (t, ClockOrigin::Estimated),
            None => (Utc::now(), ClockOrigin::Estimated),
        };
        self.clock = Some((time, Instant::now()));
        let state = system
            .state
            .as_deref()
            .and_then(|s| SmgwState::from_hex(s).ok());
        let facts = GatewayFacts {
            info: GatewayInfo {
                id,
                state,
                time: Some(time),
                firmware: system.firmware,
                certificates,
            },
            state_as_sent: system.state,
            han_certificate_matches,
            clock,
        };
        Ok(self.answer(raw("systeminformations", &parts), facts))
    }

    async fn contracts(&mut self) -> Result<Fetched<Vec<Contract>>, GatewayError> {
        self.pending.clear();
        let list = "/json/metering/derived";
        let (ids, mut parts) = match self.get(list).await? {
            Some(body) => {
                let ids = wire::contract_ids(&body).map_err(|e| unreadable(list, e))?;
                (ids, vec![(list.to_owned(), body)])
            }
            None => (Vec::new(), vec![(list.to_owned(), Vec::new())]),
        };
        if ids.is_empty() && !self.meters.is_empty() {
            // Meters but no contracts: one synthetic TAF 7-like contract per meter, so that
            // its values can be read and archived. The meter list is the evidence.
            let body = self.get_found(PROBE_PATH).await?;
            self.meters = wire::meter_ids(&body).map_err(|e| unreadable(PROBE_PATH, e))?;
            parts.push((PROBE_PATH.to_owned(), body));
            let sent = parts
                .first()
                .map(|(_, b)| wire::excerpt(b))
                .unwrap_or_default();
            self.warn(vec![notice(
                list,
                &sent,
                format!(
                    "the gateway lists no contracts; each of its {} meters gets a stand-in \
                     contract \"{SYNTHETIC_CONTRACT_PREFIX}<meter>\" with its own values",
                    self.meters.len()
                ),
            )]);
            let mut contracts = Vec::with_capacity(self.meters.len());
            for meter in self.meters.clone() {
                let id = format!("{SYNTHETIC_CONTRACT_PREFIX}{meter}");
                let c = synthetic_contract(&meter);
                self.contract_meters.insert(id.clone(), c.meters.clone());
                let start = self.start_of(&c.meters, &[]).await?;
                contracts.push(contract_of(id, c, start, Vec::new()));
            }
            return Ok(self.answer(raw("metering/derived", &parts), contracts));
        }
        let mut contracts = Vec::with_capacity(ids.len());
        for id in ids {
            let (path, body, c) = self.contract_wire(&id).await?;
            parts.push((path, body));
            let billing_periods = self.billing_periods(&id, &mut parts).await?;
            let start = match c.start {
                Some(s) => Some(s),
                None => self.start_of(&c.meters, &billing_periods).await?,
            };
            contracts.push(contract_of(id, c, start, billing_periods));
        }
        Ok(self.answer(raw("metering/derived", &parts), contracts))
    }

    async fn contract_detail(
        &mut self,
        usage_point_id: &str,
    ) -> Result<Fetched<ContractDetail>, GatewayError> {
        self.pending.clear();
        let (path, body, c) = self.contract_wire(usage_point_id).await?;
        let mut parts = if path.is_empty() {
            Vec::new()
        } else {
            vec![(path, body)]
        };
        let mut channels = Vec::new();
        for meter in &c.meters {
            let (path, body, values) = self.current_of(meter, &|_| None).await?;
            for ch in wire::channels(&values) {
                if !channels
                    .iter()
                    .any(|x: &smgw_model::records::Channel| x.obis == ch.obis)
                {
                    channels.push(ch);
                }
            }
            parts.push((path, body));
        }
        let mut databases = Vec::new();
        let mut taf_profile = None;
        if self.synthetic_meter(usage_point_id).is_none() {
            // The optional lists below a contract: each listed only when the gateway
            // offers it and its answer reads; their channels are those their values name.
            let origin = channels.clone();
            let scaler_of = move |o: &Obis| origin.iter().find(|c| c.obis == *o).map(|c| c.scaler);
            taf_profile = self.signed_profile(usage_point_id, &mut parts).await?;
            if let Some(values) = self
                .daily_values(usage_point_id, &scaler_of, &mut parts)
                .await?
            {
                databases.push(DatabaseChannels {
                    database: Database::Daily,
                    channels: wire::channels(&values),
                });
            }
            // Billing-period values (the registers at each period's start and end) are
            // the `derived` list; the newest period tells whether and with which channels
            // the gateway offers them.
            let refs = self.billing_refs(usage_point_id, &mut parts).await?;
            if let Some(newest) = refs.last() {
                if let Some(values) = self
                    .billing_values(usage_point_id, &newest.n, &scaler_of, &mut parts)
                    .await?
                {
                    databases.push(DatabaseChannels {
                        database: Database::Derived,
                        channels: wire::channels(&values),
                    });
                }
            }
            databases.retain(|d| !d.channels.is_empty());
        }
        if !channels.is_empty() {
            databases.insert(
                0,
                DatabaseChannels {
                    database: Database::Origin,
                    channels,
                },
            );
        }
        let detail = ContractDetail {
            usage_point_id: usage_point_id.to_owned(),
            name: c.name.unwrap_or_else(|| usage_point_id.to_owned()),
            emts: Vec::new(),
            transparency_bit: false,
            taf_profile,
            databases,
        };
        Ok(self.answer(raw("metering/derived/detail", &parts), detail))
    }

    async fn values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
        period: Period,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        self.pending.clear();
        match database {
            Database::Origin => {}
            Database::Daily | Database::Derived => {
                return Ok(self.contract_values(detail, database, period).await?)
            }
            _ => return Err(GatewayError::NotOffered("this value list")),
        }
        if !self.capabilities.history {
            return Err(GatewayError::NotOffered("stored values"));
        }
        let meters = self.meters_of(&detail.usage_point_id).await?;
        let months = wire::months_covering(period.from, period.to);
        let mut parts = Vec::new();
        let mut values = Vec::new();
        for meter in &meters {
            for month in &months {
                let path = format!(
                    "/json/metering/origin/{}/{}/extended",
                    seg(meter),
                    wire::month_segment(*month)
                );
                let body = self.month(&path, meter).await?;
                let mut w = Vec::new();
                let got = wire::stored(&body, &|o| scaler_in(detail, database, o), &mut w)
                    .map_err(|e| unreadable(&path, e))?;
                self.warn_at(&path, w);
                values.extend(got.into_iter().filter(|v| {
                    v.reading.target_time > period.from && v.reading.target_time <= period.to
                }));
                parts.push((path, body));
            }
        }
        let mut channels = wire::by_channel(values);
        gateway::retain_channels(&mut channels, &wanted(detail, database));
        for ch in &mut channels {
            ch.readings.sort_by_key(|r| r.target_time);
        }
        Ok(self.answer(raw("metering/origin/period", &parts), channels))
    }

    async fn current_values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        self.pending.clear();
        if matches!(database, Database::Daily | Database::Derived) {
            // Daily and billing-period values are readings at fixed times, not current
            // values: the current registers belong to `origin`. Nothing is asked.
            return Ok(self.answer(raw("metering/origin/extended", &[]), Vec::new()));
        }
        let meters = self.meters_of(&detail.usage_point_id).await?;
        let mut parts = Vec::new();
        let mut values = Vec::new();
        for meter in &meters {
            let (path, body, got) = self
                .current_of(meter, &|o| scaler_in(detail, database, o))
                .await?;
            values.extend(got);
            parts.push((path, body));
        }
        let mut channels = wire::by_channel(values);
        gateway::retain_channels(&mut channels, &wanted(detail, database));
        Ok(self.answer(raw("metering/origin/extended", &parts), channels))
    }

    async fn log_page(&mut self, from_index: u64) -> Result<Fetched<LogPage>, GatewayError> {
        self.pending.clear();
        if !self.capabilities.logbook {
            return Err(GatewayError::NotOffered("logbook"));
        }
        // Month by month back from the gateway's clock, until the entry `from_index` is
        // reached or three months in a row are empty.
        let mut month = wire::month_of(self.now());
        let mut parts = Vec::new();
        let mut all: Vec<LogEntry> = Vec::new();
        let mut empty = 0;
        for _ in 0..self.logbook_months {
            let path = format!(
                "/json/conlogbook/{}/{}",
                seg(&self.user),
                wire::month_segment(month)
            );
            let body = self.get_found(&path).await?;
            let mut w = Vec::new();
            let entries = wire::logbook(&body, &mut w).map_err(|e| unreadable(&path, e))?;
            self.warn_at(&path, w);
            parts.push((path, body));
            empty = if entries.is_empty() { empty + 1 } else { 0 };
            let reached = from_index > 0 && entries.iter().any(|e| e.index <= from_index);
            all.extend(entries);
            if reached || empty >= 3 {
                break;
            }
            month = wire::previous_month(month);
        }
        parts.reverse();
        all.retain(|e| e.index >= from_index);
        all.sort_by_key(|e| e.index);
        all.dedup_by_key(|e| e.index);
        Ok(self.answer(
            raw("conlogbook", &parts),
            LogPage {
                entries: all,
                next: None,
            },
        ))
    }

    async fn self_test(&mut self) -> Result<(), GatewayError> {
        Err(GatewayError::NotOffered("self-test"))
    }

    async fn disconnect(&mut self) {
        // What this session read is not kept for another: the gateway may hold more then.
        self.month_cache.clear();
        self.extras.clear();
        self.billing.clear();
        self.link.close();
    }
}
