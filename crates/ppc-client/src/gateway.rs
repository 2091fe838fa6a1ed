//! [`PpcGateway`]: the PPC web application behind the maker-neutral [`gateway::Gateway`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;
use gateway::{
    Capabilities, ClockOrigin, Fetched, Gateway, GatewayError, GatewayFacts, LogPage, Maker,
    Period, RawAnswer,
};
use smgw_model::records::{
    Channel, ChannelReadings, Contract, ContractDetail, Database, DatabaseChannels, FirmwareInfo,
    GatewayInfo, LogEntry, Taf, TafState,
};
use smgw_model::{FieldWarning, Obis, Unit, UserId};

use crate::error::PpcError;
use crate::html::{self, LogRefusal, Page, Welcome};
use crate::session::{Answer, Session};
use crate::signed::{self, left_out, notice, SignatureCheck};
use crate::table;
use crate::{HistorySource, PpcOptions};

/// Entries per logbook page handed to callers.
const LOG_PAGE: usize = 1000;

/// A meter as this session lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meter {
    /// The per-session id used in requests.
    pub mid: String,
    /// The stable name, e.g. `01005e318002.1lgz0072999211.sm`.
    pub name: String,
}

/// The signature check of one signed file read in this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// The action that returned the file (`exportMeterValues`, `exportLogData`,
    /// `exportMeterProfile`).
    pub action: String,
    /// The request as sent (the raw answer's `request`).
    pub request: String,
    /// The result: integrity against the certificate carried in the file, not who issued it.
    pub check: SignatureCheck,
    /// Whether the signer's certificate is the gateway's TLS certificate of this connection
    /// (the one the user pinned). `false` says nothing bad: gateways may sign with another
    /// certificate.
    pub signer_is_tls_certificate: bool,
}

/// The warnings of a session: those of the call being answered (`pending`, handed out
/// with its [`Fetched`]) and every one so far (for [`PpcGateway::take_warnings`]).
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<WarningLists>>);

#[derive(Default)]
struct WarningLists {
    pending: Vec<FieldWarning>,
    all: Vec<FieldWarning>,
}

impl Warnings {
    /// A warning about the call being answered.
    fn push(&self, w: FieldWarning) {
        if let Ok(mut l) = self.0.lock() {
            if l.all.len() < 1000 {
                l.all.push(w.clone());
            }
            l.pending.push(w);
        }
    }

    /// Warnings that travel with their own (deferred) answer: kept for the session only.
    fn seen(&self, w: &[FieldWarning]) {
        if let Ok(mut l) = self.0.lock() {
            let room = 1000usize.saturating_sub(l.all.len());
            l.all.extend(w.iter().take(room).cloned());
        }
    }

    fn clear_pending(&self) {
        if let Ok(mut l) = self.0.lock() {
            l.pending.clear();
        }
    }

    fn take_pending(&self) -> Vec<FieldWarning> {
        self.0
            .lock()
            .map(|mut l| std::mem::take(&mut l.pending))
            .unwrap_or_default()
    }

    fn take_all(&self) -> Vec<FieldWarning> {
        self.0
            .lock()
            .map(|mut l| std::mem::take(&mut l.all))
            .unwrap_or_default()
    }
}

/// Warnings of a sans-IO reader about the answer to `action`, their paths prefixed with it.
fn about(action: &str, warnings: Vec<FieldWarning>) -> impl Iterator<Item = FieldWarning> + '_ {
    warnings.into_iter().map(move |mut w| {
        w.path = format!("{action}: {}", w.path);
        w
    })
}

/// Where signature checks are collected (also from deferred decoding on other threads).
#[derive(Clone)]
struct Checks {
    checks: Arc<Mutex<Vec<FileCheck>>>,
    peer_certificate: Arc<Vec<u8>>,
}

impl Checks {
    /// Records the check of a file; what is not "ok" comes back as a warning about the
    /// answer (the values are kept either way, the file stays the evidence).
    #[must_use]
    fn record(&self, action: &str, request: &str, check: &SignatureCheck) -> Option<FieldWarning> {
        let signer_is_tls_certificate = matches!(
            check,
            SignatureCheck::Verified { signer_certificate, .. }
                if !signer_certificate.is_empty() && **signer_certificate == **self.peer_certificate
        );
        let path = format!("{action} ({request}): signature");
        let warning = match check {
            SignatureCheck::Verified { .. } => None,
            SignatureCheck::Failed { why } => Some(notice(
                path,
                why,
                "the file's signature does not match its content; the values were kept all \
                 the same and the original file is kept: read them again and ask the meter \
                 operator if it happens again",
            )),
            SignatureCheck::NoCertificate => Some(notice(
                path,
                "",
                "the file carries no certificate of its signer, so its signature was not \
                 checked; the values were kept",
            )),
            SignatureCheck::NotCheckable { why } => Some(notice(
                path,
                why,
                "the file's signature cannot be checked; the values were kept",
            )),
        };
        if let Ok(mut v) = self.checks.lock() {
            v.push(FileCheck {
                action: action.to_owned(),
                request: request.to_owned(),
                check: check.clone(),
                signer_is_tls_certificate,
            });
        }
        warning
    }
}

struct CurrentCache {
    at: Instant,
    raw: RawAnswer,
    values: Vec<ChannelReadings>,
}

/// A logged-in PPC gateway.
pub struct PpcGateway {
    session: Session,
    options: PpcOptions,
    user_id: UserId,
    capabilities: Capabilities,
    welcome: Welcome,
    meters: Vec<Meter>,
    current: HashMap<String, CurrentCache>,
    /// The logbook as read in this session (ascending by record number).
    log: Option<Vec<LogEntry>>,
    /// Raw files of the logbook read, handed out with the pages.
    log_raw: Vec<RawAnswer>,
    /// Where the page handed out last said the next one starts.
    log_next: Option<u64>,
    table_fallback: bool,
    warnings: Warnings,
    checks: Checks,
}

impl std::fmt::Debug for PpcGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PpcGateway")
            .field("session", &self.session)
            .field("meters", &self.meters)
            .finish_non_exhaustive()
    }
}

fn local_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Berlin)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn raw(action: &str, request: String, body: Vec<u8>) -> RawAnswer {
    RawAnswer {
        method: action.to_owned(),
        request,
        received_at: Utc::now(),
        body,
    }
}

fn unreadable(action: &str, why: impl Into<String>) -> PpcError {
    PpcError::Unreadable {
        action: action.to_owned(),
        why: why.into(),
    }
}

impl PpcGateway {
    /// Connects and logs in. A first contact with an unknown certificate fails with
    /// `PpcError::Client(ClientError::UnknownCertificate { .. })`: ask the user, then connect
    /// again with `PinPolicy::Pinned(fingerprint)`. A refused password is never retried.
    pub async fn connect(options: PpcOptions) -> Result<PpcGateway, PpcError> {
        let mut session = Session::new(&options)?;
        let welcome = session.login().await?;
        let capabilities = Capabilities {
            maker: Maker::Ppc,
            history: true,
            logbook: true,
            self_test: options.allow_self_test_reboot,
            max_window: Duration::days(31),
            pause: options.pause,
        };
        let warnings = Warnings::default();
        let checks = Checks {
            checks: Arc::new(Mutex::new(Vec::new())),
            peer_certificate: Arc::new(session.link().peer_certificate().to_vec()),
        };
        Ok(PpcGateway {
            user_id: UserId::new(options.user.clone()),
            session,
            capabilities,
            welcome,
            meters: Vec::new(),
            current: HashMap::new(),
            log: None,
            log_raw: Vec::new(),
            log_next: None,
            table_fallback: options.history == HistorySource::Table,
            warnings,
            checks,
            options,
        })
    }

    /// What the welcome page said (firmware, last synchronisation).
    pub fn welcome(&self) -> &Welcome {
        &self.welcome
    }

    /// The gateway's certificate (DER) as seen in the handshake.
    pub fn peer_certificate(&self) -> &[u8] {
        self.session.link().peer_certificate()
    }

    /// Connection counters.
    pub fn stats(&self) -> han_client::Stats {
        self.session.link().stats()
    }

    /// Every warning of this session so far (unreadable auxiliary fields, signature
    /// checks that are not "ok", cached current values, where the clock comes from, …),
    /// taken out. Each also travels with the answer it belongs to
    /// ([`Fetched::decode_warned`]), which is how callers should see them.
    pub fn take_warnings(&self) -> Vec<FieldWarning> {
        self.warnings.take_all()
    }

    /// The signature check of every signed file read through this object so far (values,
    /// logbook, meter profiles), in order: "ok" means the content is what the holder of the
    /// certificate carried in the file signed (integrity); who issued that certificate is not
    /// checked. Checks of values files appear when their answer is decoded.
    pub fn signature_checks(&self) -> Vec<FileCheck> {
        self.checks
            .checks
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    fn warn(&self, w: FieldWarning) {
        self.warnings.push(w);
    }

    /// The answer of a call with the warnings gathered while answering it.
    fn answer<T: Send + 'static>(&self, raw: RawAnswer, value: T) -> Fetched<T> {
        Fetched::ready_warned(raw, value, self.warnings.take_pending())
    }

    /// Whether values are read from the HTML table (the export failed or was switched off).
    pub fn uses_table(&self) -> bool {
        self.table_fallback
    }

    async fn ensure_session(&mut self) -> Result<(), PpcError> {
        if !self.session.logged_in {
            self.welcome = self.session.login().await?;
            // `mid`s are per session.
            self.meters.clear();
        }
        Ok(())
    }

    async fn post(&mut self, action: &str, fields: &[(&str, &str)]) -> Result<Answer, PpcError> {
        self.ensure_session().await?;
        self.session.post(action, fields).await
    }

    /// The meters (`meterform`): the stable names and this session's `mid`s.
    pub async fn meters(&mut self) -> Result<(Vec<Meter>, RawAnswer), PpcError> {
        let a = self.post("meterform", &[]).await?;
        let page = Page::parse(&a.body);
        self.meters = html::meters(&page)
            .into_iter()
            .map(|(mid, name)| Meter { mid, name })
            .collect();
        Ok((
            self.meters.clone(),
            raw("meterform", "action=meterform".into(), a.body),
        ))
    }

    async fn mid_of(&mut self, name: &str) -> Result<String, PpcError> {
        if !self.session.logged_in || !self.meters.iter().any(|m| m.name == name) {
            self.ensure_session().await?;
            self.meters().await?;
        }
        self.meters
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.mid.clone())
            .ok_or_else(|| PpcError::NoSuchMeter(name.to_owned()))
    }

    /// History of one meter from the signed export; `Ok(None)` when the export did not
    /// give a file (the caller falls back to the table).
    async fn export_values(
        &mut self,
        name: &str,
        period: Period,
    ) -> Result<Option<Fetched<Vec<ChannelReadings>>>, PpcError> {
        let mid = self.mid_of(name).await?;
        let from = local_text(period.from);
        let to = local_text(period.to);
        let fields = [
            ("mid", mid.as_str()),
            ("from", from.as_str()),
            ("to", to.as_str()),
        ];
        let a = self.post("exportMeterValues", &fields).await?;
        let request = format!("action=exportMeterValues&mid={mid}&from={from}&to={to}");
        if a.status != 200 {
            // An HTTP error means: no data in this range.
            let r = raw("exportMeterValues", request, a.body);
            return Ok(Some(self.answer(r, Vec::new())));
        }
        if !signed::looks_like_cms(&a.body) {
            let text: String = Page::parse(&a.body).text().chars().take(120).collect();
            self.warn(notice(
                "exportMeterValues",
                &text,
                "a page instead of a signed file; the values are read from the HTML table \
                 instead (without the file's exact integers and signatures)",
            ));
            return Ok(None);
        }
        let warnings = self.warnings.clone();
        let mut before = warnings.take_pending();
        let checks = self.checks.clone();
        let r = raw("exportMeterValues", request.clone(), a.body);
        Ok(Some(Fetched::deferred_warned(r, move |body| {
            let file = signed::unwrap(body).map_err(GatewayError::Data)?;
            let action = "exportMeterValues";
            before.extend(checks.record(action, &request, &file.signature));
            let profile = signed::parse_profile(&file.content).map_err(GatewayError::Data)?;
            before.extend(about(action, profile.warnings));
            warnings.seen(&before);
            let mut channels = profile.channels;
            for c in &mut channels {
                c.readings
                    .retain(|r| r.target_time > period.from && r.target_time <= period.to);
            }
            Ok((channels, before))
        })))
    }

    /// History from the HTML table, one local day per request (halved while paginated).
    async fn table_values(
        &mut self,
        name: &str,
        period: Period,
    ) -> Result<Fetched<Vec<ChannelReadings>>, PpcError> {
        let mid = self.mid_of(name).await?;
        let first = (period.from + Duration::seconds(1))
            .with_timezone(&Berlin)
            .date_naive();
        let last = period.to.with_timezone(&Berlin).date_naive();
        let mut bodies: Vec<u8> = Vec::new();
        let mut rows = Vec::new();
        let mut day = first;
        while day <= last {
            let mut ranges = vec![(
                day_start(day),
                day_start(day) + Duration::hours(24) - Duration::seconds(1),
            )];
            while let Some((a, b)) = ranges.pop() {
                let from = a.format("%Y-%m-%d %H:%M:%S").to_string();
                let to = b.format("%Y-%m-%d %H:%M:%S").to_string();
                let fields = [
                    ("mid", mid.as_str()),
                    ("from", from.as_str()),
                    ("to", to.as_str()),
                ];
                let ans = self.post("showMeterValues", &fields).await?;
                let page = Page::parse(&ans.body);
                let (r, next) = html::value_rows(&page);
                if next && b - a > Duration::minutes(30) {
                    // More than one page: ask for halves (newest first stays in order).
                    let mid_t = a + (b - a) / 2;
                    ranges.push((a, mid_t));
                    ranges.push((mid_t + Duration::seconds(1), b));
                    continue;
                }
                if next {
                    self.warn(left_out(
                        format!("showMeterValues {from}..{to}"),
                        "",
                        "still more than one page within half an hour; the rows of the later \
                         pages are missing (read this period again)",
                    ));
                }
                bodies.extend_from_slice(
                    format!("<!-- showMeterValues from={from} to={to} -->\n").as_bytes(),
                );
                bodies.extend_from_slice(&ans.body);
                rows.extend(r);
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        let mut warnings = Vec::new();
        let mut channels = table::readings(&rows, name, &mut warnings);
        for w in about("showMeterValues", warnings) {
            self.warn(w);
        }
        for c in &mut channels {
            c.readings
                .retain(|r| r.target_time > period.from && r.target_time <= period.to);
        }
        let request = format!(
            "action=showMeterValues&mid={mid}&from={}&to={} (one day per request)",
            local_text(period.from),
            local_text(period.to)
        );
        Ok(self.answer(raw("showMeterValues", request, bodies), channels))
    }

    /// Reads the whole logbook: from 2000-01-01 to tomorrow, ranges halved while the gateway
    /// refuses more than 1000 entries, merged by record number.
    ///
    /// From `from_index` on, when an entry before it was read earlier through this object,
    /// the range starts at that entry's time (a later sync in the same session asks once).
    async fn read_log(&mut self, from_index: u64) -> Result<(), PpcError> {
        let known = self
            .log
            .as_deref()
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|e| e.index < from_index)
            .and_then(|e| e.time);
        let start = match known {
            Some(t) => t.with_timezone(&Berlin).naive_local() - Duration::seconds(1),
            None => NaiveDate::from_ymd_opt(2000, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap_or_default(),
        };
        let end = (Utc::now() + Duration::days(2))
            .with_timezone(&Berlin)
            .naive_local();
        let mut ranges = vec![(start, end)];
        let mut entries: Vec<LogEntry> = Vec::new();
        let mut raws = Vec::new();
        while let Some((a, b)) = ranges.pop() {
            let from = a.format("%Y-%m-%d %H:%M:%S").to_string();
            let to = b.format("%Y-%m-%d %H:%M:%S").to_string();
            let ans = self
                .post(
                    "exportLogData",
                    &[("from", from.as_str()), ("to", to.as_str())],
                )
                .await?;
            let request = format!("action=exportLogData&from={from}&to={to}");
            if signed::looks_like_cms(&ans.body) && ans.status == 200 {
                let file = signed::unwrap(&ans.body).map_err(|e| unreadable("exportLogData", e))?;
                if let Some(w) = self
                    .checks
                    .record("exportLogData", &request, &file.signature)
                {
                    self.warn(w);
                }
                let book = signed::parse_logbook(&file.content)
                    .map_err(|e| unreadable("exportLogData", e))?;
                for w in about("exportLogData", book.warnings) {
                    self.warn(w);
                }
                entries.extend(book.entries);
                raws.push(raw("exportLogData", request, ans.body));
                continue;
            }
            if ans.status != 200 {
                return Err(PpcError::Http {
                    status: ans.status,
                    action: "exportLogData".to_owned(),
                });
            }
            match html::log_refusal(&Page::parse(&ans.body)) {
                Some(LogRefusal::NoData) => {}
                Some(LogRefusal::TooMany { .. }) if b - a > Duration::seconds(2) => {
                    let m = a + (b - a) / 2;
                    // Newest half first on the stack, so the older half is read first; a
                    // shared boundary second is merged by record number.
                    ranges.push((m, b));
                    ranges.push((a, m));
                }
                Some(LogRefusal::TooMany { found, allowed }) => {
                    return Err(unreadable(
                        "exportLogData",
                        format!("{found} entries within two seconds, only {allowed} allowed"),
                    ))
                }
                Some(LogRefusal::BadTime(t)) => return Err(unreadable("exportLogData", t)),
                None => {
                    return Err(unreadable(
                        "exportLogData",
                        "neither a file nor a known message",
                    ))
                }
            }
        }
        if known.is_some() {
            // Keep what was read before (its times place later reads).
            entries.extend(self.log.take().unwrap_or_default());
        }
        entries.sort_by_key(|e| e.index);
        entries.dedup_by_key(|e| e.index);
        self.log = Some(entries);
        self.log_raw = raws;
        Ok(())
    }
}

impl PpcGateway {
    /// The gateway's clock, as well as the web application tells it: the `Date` header of
    /// an answer if it sends one, else the welcome page's "last synchronisation" (German
    /// local time; a lower bound of the clock, so a sync never marks values as read that
    /// the gateway has not stored yet), else this computer's clock (with a warning). Only
    /// the `Date` header is the gateway's own clock; the others are estimates.
    fn clock_estimate(&self, headers: &[(String, String)]) -> (DateTime<Utc>, ClockOrigin) {
        let date = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("date"))
            .and_then(|(_, v)| DateTime::parse_from_rfc2822(v.trim()).ok())
            .map(|t| t.with_timezone(&Utc));
        if let Some(t) = date {
            self.warn(notice(
                "Date",
                &t.to_rfc3339(),
                "the pages show no clock: the gateway's time is taken from its web server's \
                 Date header (whole seconds; a wrong server clock shows here)",
            ));
            return (t, ClockOrigin::Reported);
        }
        let last_sync = self
            .welcome
            .last_sync
            .as_deref()
            .and_then(html::local_time_in)
            .and_then(|t| t.and_local_timezone(Berlin).earliest())
            .map(|t| t.with_timezone(&Utc));
        if let Some(t) = last_sync {
            self.warn(notice(
                "Date",
                self.welcome.last_sync.as_deref().unwrap_or_default(),
                "no Date header: the gateway's time is taken as the last synchronisation \
                 shown on its welcome page (a lower bound of its clock)",
            ));
            return (t, ClockOrigin::Estimated);
        }
        self.warn(notice(
            "Date",
            "",
            "no Date header and no last synchronisation on the welcome page: the gateway's \
             clock is unknown and this computer's clock is used instead; check that it is right",
        ));
        (Utc::now(), ClockOrigin::Estimated)
    }
}

fn day_start(d: NaiveDate) -> chrono::NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}

fn channel_for(obis_hex: &str) -> Option<Channel> {
    let obis: Obis = obis_hex.parse().ok()?;
    let unit = match obis.to_bytes()[3] {
        7 => Unit::from_code(27),
        _ => Unit::from_code(30),
    };
    Some(Channel {
        obis,
        unit,
        scaler: -1,
    })
}

#[async_trait]
impl Gateway for PpcGateway {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn user_id(&self) -> &UserId {
        &self.user_id
    }

    async fn gateway_info(&mut self) -> Result<Fetched<GatewayFacts>, GatewayError> {
        self.warnings.clear_pending();
        let a = self.post("swversions", &[]).await?;
        let page = Page::parse(&a.body);
        let mut firmware: Vec<FirmwareInfo> = html::sw_versions(&page)
            .into_iter()
            .map(|(component, version, hash)| FirmwareInfo {
                component,
                version,
                hash,
            })
            .collect();
        if firmware.is_empty() {
            if let Some(v) = &self.welcome.firmware {
                firmware.push(FirmwareInfo {
                    component: "firmware".to_owned(),
                    version: v.clone(),
                    hash: String::new(),
                });
            }
        }
        // The pages show no clock: the web server's `Date` header, else the welcome page.
        let (time, clock) = self.clock_estimate(&a.headers);
        let info = GatewayInfo {
            id: self.welcome.smgw_id.clone().unwrap_or_default(),
            state: None,
            time: Some(time),
            firmware,
            certificates: Vec::new(),
        };
        let facts = GatewayFacts {
            info,
            state_as_sent: None,
            han_certificate_matches: None,
            clock,
        };
        Ok(self.answer(raw("swversions", "action=swversions".into(), a.body), facts))
    }

    async fn contracts(&mut self) -> Result<Fetched<Vec<Contract>>, GatewayError> {
        self.warnings.clear_pending();
        let (meters, r) = self.meters().await?;
        let contracts = meters
            .iter()
            .map(|m| Contract {
                usage_point_id: m.name.clone(),
                name: m.name.clone(),
                taf: Taf::Taf7,
                state: TafState::from_wire("running"),
                start: None,
                end: None,
                capture_time: None,
                billing_periods: Vec::new(),
                meters: m
                    .name
                    .split('.')
                    .nth(1)
                    .map(|s| vec![s.to_owned()])
                    .unwrap_or_default(),
                metering_point_id: None,
                delivery_id: None,
                on_demand: false,
            })
            .collect();
        Ok(self.answer(r, contracts))
    }

    async fn contract_detail(
        &mut self,
        usage_point_id: &str,
    ) -> Result<Fetched<ContractDetail>, GatewayError> {
        self.warnings.clear_pending();
        let mid = self.mid_of(usage_point_id).await?;
        let a = self
            .post("exportMeterProfile", &[("mid", mid.as_str())])
            .await?;
        let mut obis = Vec::new();
        if a.status == 200 && signed::looks_like_cms(&a.body) {
            let request = format!("action=exportMeterProfile&mid={mid}");
            match signed::unwrap(&a.body).and_then(|f| {
                if let Some(w) = self
                    .checks
                    .record("exportMeterProfile", &request, &f.signature)
                {
                    self.warn(w);
                }
                signed::parse_meter_profile(&f.content)
            }) {
                Ok(o) => obis = o,
                Err(e) => self.warn(notice("exportMeterProfile", "", e)),
            }
        }
        if obis.is_empty() {
            self.warn(notice(
                format!("exportMeterProfile ({usage_point_id})"),
                "",
                "the meter profile lists no channels; import 1.8.0 and export 2.8.0 are assumed",
            ));
            obis = vec!["0100010800ff".to_owned(), "0100020800ff".to_owned()];
        }
        let channels = obis.iter().filter_map(|o| channel_for(o)).collect();
        let detail = ContractDetail {
            usage_point_id: usage_point_id.to_owned(),
            name: usage_point_id.to_owned(),
            emts: Vec::new(),
            transparency_bit: false,
            taf_profile: None,
            databases: vec![DatabaseChannels {
                database: Database::Origin,
                channels,
            }],
        };
        Ok(self.answer(
            raw(
                "exportMeterProfile",
                format!("action=exportMeterProfile&mid={mid}"),
                a.body,
            ),
            detail,
        ))
    }

    async fn values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
        period: Period,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        self.warnings.clear_pending();
        if database != &Database::Origin {
            return Err(GatewayError::NotOffered("value lists other than origin"));
        }
        let name = detail.usage_point_id.clone();
        if !self.table_fallback {
            match self.export_values(&name, period).await? {
                Some(f) => return Ok(f),
                None if self.options.history == HistorySource::Auto => {
                    self.table_fallback = true;
                }
                None => {
                    return Err(unreadable("exportMeterValues", "no file").into());
                }
            }
        }
        Ok(self.table_values(&name, period).await?)
    }

    async fn current_values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        let _ = database;
        self.warnings.clear_pending();
        let name = detail.usage_point_id.clone();
        if let Some(c) = self.current.get(&name) {
            if c.at.elapsed() < self.options.current_values_interval {
                let (raw, values) = (c.raw.clone(), c.values.clone());
                self.warn(notice(
                    format!("showMeterProfile ({name})"),
                    "",
                    format!(
                        "not asked again: these current values are from {} s ago, and PPC \
                         gateways must not be asked more often than every {} minutes",
                        c.at.elapsed().as_secs(),
                        self.options.current_values_interval.as_secs() / 60
                    ),
                ));
                return Ok(self.answer(raw, values));
            }
        }
        let mid = self.mid_of(&name).await?;
        let a = self
            .post("showMeterProfile", &[("mid", mid.as_str())])
            .await?;
        let (rows, _) = html::value_rows(&Page::parse(&a.body));
        let mut warnings = Vec::new();
        let values = table::readings(&rows, &name, &mut warnings);
        for w in about("showMeterProfile", warnings) {
            self.warn(w);
        }
        let r = raw(
            "showMeterProfile",
            format!("action=showMeterProfile&mid={mid}"),
            a.body,
        );
        self.current.insert(
            name,
            CurrentCache {
                at: Instant::now(),
                raw: r.clone(),
                values: values.clone(),
            },
        );
        Ok(self.answer(r, values))
    }

    async fn log_page(&mut self, from_index: u64) -> Result<Fetched<LogPage>, GatewayError> {
        // A fresh read unless the caller continues with the page after the one handed out
        // last (a later sync in the same session must see entries written since).
        self.warnings.clear_pending();
        let fresh = self.log.is_none() || self.log_next != Some(from_index);
        if fresh {
            self.read_log(from_index).await?;
        }
        let all = self.log.as_deref().unwrap_or_default();
        let entries: Vec<LogEntry> = all
            .iter()
            .filter(|e| e.index >= from_index)
            .take(LOG_PAGE)
            .cloned()
            .collect();
        let next = match entries.last() {
            Some(last) if all.iter().any(|e| e.index > last.index) => Some(last.index + 1),
            _ => None,
        };
        // The raw answer: the signed files of this read, one after the other (each a
        // complete DER file), with the page that read them; later pages of the same read
        // refer to them.
        let (body, request) = if fresh {
            let mut body = Vec::new();
            for r in &self.log_raw {
                body.extend_from_slice(&r.body);
            }
            let request = self
                .log_raw
                .iter()
                .map(|r| r.request.clone())
                .collect::<Vec<_>>()
                .join("\n");
            (body, request)
        } else {
            (
                Vec::new(),
                format!("entries from {from_index} of the files read with the first page"),
            )
        };
        self.log_next = next;
        let r = raw("exportLogData", request, body);
        Ok(self.answer(r, LogPage { entries, next }))
    }

    async fn self_test(&mut self) -> Result<(), GatewayError> {
        if !self.options.allow_self_test_reboot {
            return Err(PpcError::SelfTestNotConfirmed.into());
        }
        self.post("selftest", &[]).await?;
        // The gateway reboots: the session is gone.
        self.session.forget();
        self.meters.clear();
        Ok(())
    }

    async fn disconnect(&mut self) {
        self.log_raw.clear();
        self.log_next = None;
        self.session.logout().await;
    }
}
