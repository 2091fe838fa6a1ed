//! The PPC gateway's HAN interface: a web application at `/cgi-bin/hanservice.cgi`
//! (`shared/docs/vendors.md`, section PPC), with its quirks as behaviour:
//!
//! - Digest login by `GET` (realm `SmartMeterGateway`), a `session` cookie and a CSRF
//!   token `tkn` that changes on every page (quoted with `"` or `'` in turn);
//! - one session: a second login breaks the first ("Invalide Session");
//! - every `POST` needs the cookie, the current `tkn` and a fresh Digest answer; a stale
//!   nonce gets `200` with an empty body;
//! - failed logins lock the login (403) for a while; each login and logout is logged;
//! - `showMeterValues` paginates, newest first, import/export pairs, local time stamps at
//!   `:01`; `exportLogData` refuses more than 1000 entries; exports are CMS SignedData;
//! - faults ([`PpcFaults`]): no cookie, a crash when polled too fast, a broken export.

pub(crate) mod cms;
mod pages;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Berlin;
use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::LogEntry;
use crate::digest::Verdict;
use crate::scenario::UsagePoint;
use crate::server::{MockBody, Shared};

use pages::Row;

/// The one path of the web application.
pub const PATH: &str = "/cgi-bin/hanservice.cgi";

/// PPC behaviour switches, settable with [`crate::RunningMock::set_ppc_faults`] or
/// `POST /__mock/ppc-faults` (the posted object replaces the current set).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct PpcFaults {
    /// Answer a good login with `200` but no cookie and no meter form (a gateway the
    /// operator has to reconfigure).
    pub no_cookie: bool,
    /// Failed logins in a row before the login is locked.
    pub lockout_after: u32,
    /// How long the login stays locked, seconds.
    pub lockout_seconds: u64,
    /// Two requests closer than this crash the web application: it never answers again.
    pub crash_below_interval_ms: Option<u64>,
    /// Rows per page of `showMeterValues`.
    pub page_rows: usize,
    /// Most logbook entries per `exportLogData`.
    pub max_log_entries: usize,
    /// `exportMeterValues` answers an HTML error page instead of a file.
    pub export_broken: bool,
    /// `istvalide` as 1/2/3 (valid/invalid/not present) instead of 1/0.
    pub istvalide_123: bool,
    /// The next authenticated request finds its nonce stale (empty `200`).
    pub stale_nonce_next: bool,
    /// How the signed export files (`exportMeterValues`, `exportLogData`,
    /// `exportMeterProfile`) are spoiled.
    pub signed_file: SignedFileFault,
    /// Answers carry no `Date` header (a web server without a set clock may omit it,
    /// RFC 9110 §6.6.1): the pages then tell no clock but the last synchronisation.
    pub no_date_header: bool,
}

/// A spoiled signed export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignedFileFault {
    /// Signed correctly (signed attributes with the message digest).
    #[default]
    Intact,
    /// One byte of the content changed after signing.
    TamperedContent,
    /// One byte of the signature changed.
    TamperedSignature,
    /// No certificate carried in the file.
    NoCertificate,
    /// Signed over the content itself, without signed attributes (also valid CMS).
    NoSignedAttributes,
}

impl Default for PpcFaults {
    fn default() -> Self {
        PpcFaults {
            no_cookie: false,
            lockout_after: 3,
            lockout_seconds: 900,
            crash_below_interval_ms: None,
            page_rows: 250,
            max_log_entries: 1000,
            export_broken: false,
            istvalide_123: false,
            stale_nonce_next: false,
            signed_file: SignedFileFault::Intact,
            no_date_header: false,
        }
    }
}

/// What happened on the PPC interface (for tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PpcStats {
    /// Successful logins (sessions started).
    pub logins: u64,
    /// Logouts.
    pub logouts: u64,
    /// Failed logins.
    pub failed_logins: u64,
    /// Requests answered with "session broken" pages.
    pub broken_session_pages: u64,
    /// Empty `200` answers to stale nonces.
    pub stale_nonce_answers: u64,
    /// `POST` actions by name.
    pub actions: BTreeMap<String, u64>,
    /// Whether the web application crashed.
    pub crashed: bool,
    /// Self-tests (reboots).
    pub self_tests: u64,
    /// The `from` and `to` of every `exportMeterValues` request, as sent (local time).
    pub export_ranges: Vec<(String, String)>,
}

struct Session {
    cookie: String,
    consumer: usize,
    tkn: String,
    pages: u64,
}

struct Inner {
    faults: PpcFaults,
    session: Option<Session>,
    counter: u64,
    failed_in_row: u32,
    locked_until: Option<Instant>,
    last_request: Option<Instant>,
    stats: PpcStats,
    /// Entries written at run time (logins, logouts, self-tests), per consumer.
    log: Vec<(usize, LogEntry)>,
}

/// The mock's PPC state.
pub(crate) struct PpcState {
    inner: Mutex<Inner>,
}

impl Default for PpcState {
    fn default() -> Self {
        PpcState {
            inner: Mutex::new(Inner {
                faults: PpcFaults::default(),
                session: None,
                counter: 0,
                failed_in_row: 0,
                locked_until: None,
                last_request: None,
                stats: PpcStats::default(),
                log: Vec::new(),
            }),
        }
    }
}

impl PpcState {
    pub(crate) fn set_faults(&self, f: PpcFaults) {
        if let Ok(mut i) = self.inner.lock() {
            i.faults = f;
        }
    }

    pub(crate) fn stats(&self) -> PpcStats {
        self.inner
            .lock()
            .map(|i| i.stats.clone())
            .unwrap_or_default()
    }
}

type Resp = Response<MockBody>;

fn respond(status: StatusCode, content_type: &str, body: Vec<u8>) -> Resp {
    let mut r = Response::new(MockBody::Full(Some(Bytes::from(body))));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert("server", HeaderValue::from_static("SmartMeterGateway"));
    h.insert(
        "strict-transport-security",
        HeaderValue::from_static("max-age=31536000"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("deny"));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(CONTENT_TYPE, v);
    }
    r
}

fn html(status: StatusCode, text: String) -> Resp {
    respond(status, "text/html; charset=utf-8", text.into_bytes())
}

fn challenge(shared: &Shared) -> Resp {
    let mut r = html(
        StatusCode::UNAUTHORIZED,
        pages::page(None, false, "<h1>401 Unauthorized</h1>"),
    );
    // The PPC quotes the algorithm.
    let ch = shared
        .digest
        .challenge(false)
        .replace("algorithm=MD5", "algorithm=\"MD5\"");
    if let Ok(v) = HeaderValue::from_str(&ch) {
        r.headers_mut().insert(WWW_AUTHENTICATE, v);
    }
    r
}

fn hash_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Percent-decoding of a form value (`+` is a space).
fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_form(body: &[u8]) -> BTreeMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (url_decode(k), url_decode(v))
        })
        .collect()
}

/// `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD` (local time); `end` makes a bare date the end of
/// that day.
fn parse_local(s: &str, end: bool) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return Some(t);
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    if end {
        d.and_hms_opt(23, 59, 59)
    } else {
        d.and_hms_opt(0, 0, 0)
    }
}

/// Unix time of a local time: the earlier instant (`late` = false) or the later one.
fn local_to_unix(t: NaiveDateTime, late: bool) -> i64 {
    match Berlin.from_local_datetime(&t) {
        chrono::LocalResult::Single(d) => d.timestamp(),
        chrono::LocalResult::Ambiguous(a, b) => {
            if late {
                b.timestamp()
            } else {
                a.timestamp()
            }
        }
        // In the spring gap: the instant after it.
        chrono::LocalResult::None => Berlin
            .from_local_datetime(&(t + chrono::Duration::hours(1)))
            .earliest()
            .map_or(0, |d| d.timestamp()),
    }
}

/// The meters of a consumer as the PPC lists them: (stable name, usage point).
fn meters(shared: &Shared, consumer: usize) -> Vec<(String, &UsagePoint)> {
    let Some(c) = shared.scenario.m.consumers.get(consumer) else {
        return Vec::new();
    };
    c.usage_points
        .iter()
        .filter(|u| u.databases.iter().any(|d| d.name == "origin"))
        .map(|u| {
            let prefix = u.id.split('.').next().unwrap_or("0100000000ff");
            let meter = u.meter_ids.first().cloned().unwrap_or_default();
            (format!("{prefix}.{}.sm", meter.to_ascii_lowercase()), u)
        })
        .collect()
}

fn mid_of(cookie: &str, index: usize, form: bool) -> String {
    let kind = if form { "form" } else { "select" };
    hash_hex(&[kind, cookie, &index.to_string()])[..16].to_owned()
}

fn log_entry(index: u64, sub: u32, t: i64, smgw_id: &str, user: &str, text: &str) -> LogEntry {
    LogEntry {
        index,
        event_id: 2,
        event_sub_id: sub,
        level: 1,
        outcome: 0,
        vendor_id: "PPC".to_owned(),
        subject_identity: smgw_id.to_owned(),
        user_identity: user.to_owned(),
        time: t,
        message: text.to_owned(),
        version: "1".to_owned(),
    }
}

/// The consumer's whole logbook: generated plus written at run time.
fn logbook(shared: &Shared, inner: &Inner, consumer: usize) -> Vec<LogEntry> {
    let mut v = shared
        .scenario
        .m
        .consumers
        .get(consumer)
        .map(|c| c.log.clone())
        .unwrap_or_default();
    v.extend(
        inner
            .log
            .iter()
            .filter(|(c, _)| *c == consumer)
            .map(|(_, e)| e.clone()),
    );
    v
}

fn append_log(shared: &Shared, inner: &mut Inner, consumer: usize, sub: u32, text: &str) {
    let next = logbook(shared, inner, consumer)
        .last()
        .map_or(1, |e| e.index + 1);
    let user = shared
        .scenario
        .m
        .consumers
        .get(consumer)
        .and_then(|c| c.username.clone())
        .unwrap_or_default();
    let t = shared.gateway_time() + i64::try_from(inner.log.len()).unwrap_or(0);
    let e = log_entry(next, sub, t, &shared.scenario.m.smgw_id, &user, text);
    inner.log.push((consumer, e));
}

/// Serves `/cgi-bin/hanservice.cgi` and `/__mock/ppc-faults` for a PPC scenario.
pub(crate) async fn handle(shared: &Arc<Shared>, req: Request<Incoming>) -> Resp {
    let mut r = answer(shared, req).await;
    let no_date = shared
        .ppc
        .inner
        .lock()
        .is_ok_and(|i| i.faults.no_date_header);
    if no_date {
        return r;
    }
    // The gateway's clock, as its web server states it on every answer (the pages show
    // no clock of their own).
    let date = chrono::DateTime::from_timestamp(shared.gateway_time(), 0)
        .map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    if let Some(v) = date.and_then(|d| HeaderValue::from_str(&d).ok()) {
        r.headers_mut().insert(hyper::header::DATE, v);
    }
    r
}

async fn answer(shared: &Arc<Shared>, req: Request<Incoming>) -> Resp {
    let path = req.uri().path().to_owned();
    if path == "/__mock/ppc-faults" {
        return faults_endpoint(shared, req).await;
    }
    if path != PATH {
        return html(
            StatusCode::NOT_FOUND,
            pages::page(None, false, "<h1>404 Not Found</h1>"),
        );
    }
    // Crash check and pacing: the CGI dies when polled too fast and never answers again.
    let crashed = match shared.ppc.inner.lock() {
        Ok(mut i) => {
            let now = Instant::now();
            let too_fast = match (i.faults.crash_below_interval_ms, i.last_request) {
                (Some(ms), Some(last)) => now.duration_since(last) < Duration::from_millis(ms),
                _ => false,
            };
            i.last_request = Some(now);
            if too_fast {
                i.stats.crashed = true;
            }
            i.stats.crashed
        }
        Err(_) => true,
    };
    if crashed {
        return std::future::pending::<Resp>().await;
    }
    let method = req.method().clone();
    if method != Method::GET && method != Method::POST {
        return html(
            StatusCode::METHOD_NOT_ALLOWED,
            pages::page(None, false, "<h1>405</h1>"),
        );
    }
    // Lockout after failed logins.
    let locked = shared
        .ppc
        .inner
        .lock()
        .is_ok_and(|mut i| match i.locked_until {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                i.locked_until = None;
                i.failed_in_row = 0;
                false
            }
            None => false,
        });
    if locked {
        return html(
            StatusCode::FORBIDDEN,
            pages::page(
                None,
                false,
                &pages::message(
                    "div_error",
                    "Zu viele fehlgeschlagene Anmeldeversuche. Der Zugang ist vorübergehend gesperrt.",
                ),
            ),
        );
    }
    let Some(auth) = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
    else {
        return challenge(shared);
    };
    let uri = req
        .uri()
        .path_and_query()
        .map_or_else(|| PATH.to_owned(), |p| p.as_str().to_owned());
    let users: Vec<(Option<&str>, Option<&str>)> = shared
        .scenario
        .m
        .consumers
        .iter()
        .map(|c| (c.username.as_deref(), c.password.as_deref()))
        .collect();
    let force_stale = shared
        .ppc
        .inner
        .lock()
        .is_ok_and(|mut i| std::mem::take(&mut i.faults.stale_nonce_next));
    let verdict = match shared.digest.verify(&auth, method.as_str(), &uri, &users) {
        Verdict::Ok(_) if force_stale => Verdict::Stale,
        v => v,
    };
    let consumer = match verdict {
        Verdict::Ok(c) => c,
        Verdict::Stale => {
            // The PPC quirk: a stale nonce is answered with an empty 200.
            if let Ok(mut i) = shared.ppc.inner.lock() {
                i.stats.stale_nonce_answers += 1;
            }
            return respond(StatusCode::OK, "text/html", Vec::new());
        }
        Verdict::Denied => {
            if let Ok(mut i) = shared.ppc.inner.lock() {
                i.stats.failed_logins += 1;
                i.failed_in_row += 1;
                if i.failed_in_row >= i.faults.lockout_after {
                    i.locked_until =
                        Some(Instant::now() + Duration::from_secs(i.faults.lockout_seconds));
                }
            }
            return challenge(shared);
        }
        Verdict::Rejected => return challenge(shared),
        Verdict::BadRequest => {
            return html(
                StatusCode::BAD_REQUEST,
                pages::page(None, false, "<h1>400 Bad Request</h1>"),
            )
        }
    };
    let cookie = req
        .headers()
        .get(hyper::header::COOKIE)
        .and_then(|h| h.to_str().ok())
        .and_then(|c| {
            c.split(';')
                .filter_map(|p| p.trim().strip_prefix("session="))
                .next()
                .map(str::to_owned)
        });
    if method == Method::GET {
        return login(shared, consumer);
    }
    let body = match http_body_util::Limited::new(req.into_body(), 1 << 16)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return html(
                StatusCode::BAD_REQUEST,
                pages::page(None, false, "<h1>400</h1>"),
            )
        }
    };
    let form = parse_form(&body);
    post(shared, consumer, cookie, &form)
}

async fn faults_endpoint(shared: &Shared, req: Request<Incoming>) -> Resp {
    if req.method() == Method::POST {
        let body = match http_body_util::Limited::new(req.into_body(), 1 << 16)
            .collect()
            .await
        {
            Ok(b) => b.to_bytes(),
            Err(_) => return respond(StatusCode::BAD_REQUEST, "text/plain", b"body".to_vec()),
        };
        let body: &[u8] = if body.is_empty() { b"{}" } else { &body };
        match serde_json::from_slice::<PpcFaults>(body) {
            Ok(f) => shared.ppc.set_faults(f),
            Err(e) => {
                return respond(
                    StatusCode::BAD_REQUEST,
                    "text/plain",
                    e.to_string().into_bytes(),
                )
            }
        }
    }
    let f = shared
        .ppc
        .inner
        .lock()
        .map(|i| i.faults.clone())
        .unwrap_or_default();
    respond(
        StatusCode::OK,
        "application/json",
        serde_json::to_vec(&f).unwrap_or_default(),
    )
}

fn login(shared: &Shared, consumer: usize) -> Resp {
    let m = &shared.scenario.m;
    let Ok(mut i) = shared.ppc.inner.lock() else {
        return html(StatusCode::INTERNAL_SERVER_ERROR, String::new());
    };
    i.failed_in_row = 0;
    append_log(
        shared,
        &mut i,
        consumer,
        1,
        "Letztverbraucher hat sich angemeldet",
    );
    let last_sync = pages::local_stamp(shared.gateway_time() - 600);
    let welcome = pages::welcome(&m.smgw_id, &m.firmware.version, &last_sync);
    if i.faults.no_cookie {
        // The misconfigured unit: welcome page, no cookie, no token, no meters.
        i.session = None;
        return html(StatusCode::OK, pages::page(None, false, &welcome));
    }
    i.counter += 1;
    let counter = i.counter.to_string();
    let seed = m.seed.to_string();
    let cookie = hash_hex(&["cookie", &seed, &counter])[..32].to_owned();
    let tkn = hash_hex(&["tkn", &cookie, "0"])[..24].to_owned();
    // A new login ends any other session.
    i.session = Some(Session {
        cookie: cookie.clone(),
        consumer,
        tkn: tkn.clone(),
        pages: 0,
    });
    i.stats.logins += 1;
    let mut r = html(StatusCode::OK, pages::page(Some(&tkn), false, &welcome));
    if let Ok(v) = HeaderValue::from_str(&format!("session={cookie}; secure; HttpOnly")) {
        r.headers_mut().insert(hyper::header::SET_COOKIE, v);
    }
    r
}

fn broken(i: &mut Inner, text: &str) -> Resp {
    i.stats.broken_session_pages += 1;
    html(
        StatusCode::OK,
        pages::page(None, false, &pages::message("div_error", text)),
    )
}

fn post(
    shared: &Shared,
    consumer: usize,
    cookie: Option<String>,
    form: &BTreeMap<String, String>,
) -> Resp {
    let Ok(mut guard) = shared.ppc.inner.lock() else {
        return html(StatusCode::INTERNAL_SERVER_ERROR, String::new());
    };
    let i = &mut *guard;
    let Some(cookie) = cookie else {
        return broken(i, "Unerlaubter Zugriff");
    };
    let (sess_consumer, tkn_ok) = match &i.session {
        Some(s) if s.cookie == cookie => (s.consumer, form.get("tkn") == Some(&s.tkn)),
        _ => return broken(i, "Invalide Session"),
    };
    if sess_consumer != consumer {
        return broken(i, "Unerlaubter Zugriff");
    }
    if !tkn_ok {
        return broken(i, "Sitzung abgelaufen");
    }
    let action = form.get("action").cloned().unwrap_or_default();
    *i.stats.actions.entry(action.clone()).or_default() += 1;
    // A fresh token for every page, quoted one way or the other. Exports answer files,
    // which cannot carry a token: the token stays.
    let file_action = action.starts_with("export");
    let (tkn, single) = match i.session.as_mut() {
        Some(s) => {
            s.pages += 1;
            if !file_action {
                s.tkn = hash_hex(&["tkn", &s.cookie, &s.pages.to_string()])[..24].to_owned();
            }
            (s.tkn.clone(), s.pages % 2 == 1)
        }
        None => return broken(i, "Invalide Session"),
    };
    let page = |body: &str| html(StatusCode::OK, pages::page(Some(&tkn), single, body));
    let meters = meters(shared, consumer);
    let find_meter = |mid: Option<&String>| {
        let mid = mid?;
        meters.iter().enumerate().find_map(|(n, (name, up))| {
            (mid_of(&cookie, n, false) == *mid || mid_of(&cookie, n, true) == *mid)
                .then_some((name.clone(), *up))
        })
    };
    let m = &shared.scenario.m;
    match action.as_str() {
        "meterform" => {
            let options: Vec<(String, String)> = meters
                .iter()
                .enumerate()
                .map(|(n, (name, _))| (mid_of(&cookie, n, false), name.clone()))
                .collect();
            page(&pages::meter_form(&options))
        }
        "showMeterValuesForm" => match find_meter(form.get("mid")) {
            Some((name, _)) => {
                let n = meters.iter().position(|(x, _)| *x == name).unwrap_or(0);
                page(&pages::values_form(&mid_of(&cookie, n, true)))
            }
            None => page(&pages::message("div_error", "Unbekannter Zähler")),
        },
        "showMeterValues" | "showMeterProfile" => {
            let Some((name, up)) = find_meter(form.get("mid")) else {
                return page(&pages::message("div_error", "Unbekannter Zähler"));
            };
            let rows = if action == "showMeterProfile" {
                current_rows(shared, up, &name, i.faults.istvalide_123)
            } else {
                let (Some(from), Some(to)) = (
                    form.get("from").and_then(|f| parse_local(f, false)),
                    form.get("to").and_then(|t| parse_local(t, true)),
                ) else {
                    return page(&pages::message("div_error", "Ungültige Zeitangabe"));
                };
                history_rows(shared, up, &name, from, to, i.faults.istvalide_123)
            };
            let per = i.faults.page_rows.max(1);
            let pg: usize = form
                .get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1usize)
                .max(1);
            let start = (pg - 1).saturating_mul(per).min(rows.len());
            let end = (start + per).min(rows.len());
            let next = end < rows.len();
            page(&pages::value_table(&rows[start..end], start + 1, next))
        }
        "exportMeterValues" => {
            i.stats.export_ranges.push((
                form.get("from").cloned().unwrap_or_default(),
                form.get("to").cloned().unwrap_or_default(),
            ));
            let Some((name, up)) = find_meter(form.get("mid")) else {
                return html(
                    StatusCode::NOT_FOUND,
                    pages::page(None, false, "Unbekannter Zähler"),
                );
            };
            if i.faults.export_broken {
                return page(&pages::message(
                    "div_error",
                    "Der Export ist fehlgeschlagen.",
                ));
            }
            let (Some(from), Some(to)) = (
                form.get("from").and_then(|f| parse_local(f, false)),
                form.get("to").and_then(|t| parse_local(t, true)),
            ) else {
                return html(
                    StatusCode::BAD_REQUEST,
                    pages::page(None, false, "Ungültige Zeitangabe"),
                );
            };
            let (a, b) = (local_to_unix(from, false), local_to_unix(to, true));
            let mut columns = Vec::new();
            let mut any = false;
            for db in up.databases.iter().filter(|d| d.name == "origin") {
                for ch in &db.channels {
                    let readings = up.readings(db, ch, a - 1, b, m.now);
                    any |= !readings.is_empty();
                    // `<obis hex>.<meter id, lower case>.sm`, as the PPC names its channels.
                    let channel =
                        format!("{}.{}", ch.obis, name.split_once('.').map_or("", |x| x.1));
                    columns.push((channel, ch.scaler, ch.unit, readings));
                }
            }
            if !any {
                // No data in range: the PPC answers with an HTTP error.
                return html(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    pages::page(None, false, "<h1>500 Internal Server Error</h1>"),
                );
            }
            let xml = pages::profile_xml(&columns);
            signed_file(
                shared,
                i.faults.signed_file,
                &xml,
                &format!("{name}_values.p7s"),
            )
        }
        "exportMeterProfile" => {
            let Some((name, up)) = find_meter(form.get("mid")) else {
                return html(
                    StatusCode::NOT_FOUND,
                    pages::page(None, false, "Unbekannter Zähler"),
                );
            };
            let obis: Vec<String> = up
                .databases
                .iter()
                .filter(|d| d.name == "origin")
                .flat_map(|d| d.channels.iter().map(|c| c.obis.clone()))
                .collect();
            signed_file(
                shared,
                i.faults.signed_file,
                &pages::meter_profile_xml(&name, &obis),
                &format!("{name}_profile.p7s"),
            )
        }
        "exportLogData" => {
            let (Some(from), Some(to)) = (
                form.get("from").and_then(|f| parse_local(f, false)),
                form.get("to").and_then(|t| parse_local(t, true)),
            ) else {
                return page(&pages::message(
                    "div_error",
                    "Ungültige Zeitangabe 'von (Datum)'",
                ));
            };
            if from.date() < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default() {
                return page(&pages::message(
                    "div_error",
                    "Ungültige Zeitangabe 'von (Datum)'",
                ));
            }
            let (a, b) = (local_to_unix(from, false), local_to_unix(to, true));
            let entries: Vec<LogEntry> = logbook(shared, i, consumer)
                .into_iter()
                .filter(|e| e.time >= a && e.time <= b)
                .collect();
            if entries.is_empty() {
                return page(&pages::message("div_error", "Keine Daten vorhanden."));
            }
            if entries.len() > i.faults.max_log_entries {
                let text = format!(
                    "Die Abfrage liefert {} Datens&auml;tze zur&uuml;ck. Es sind nur {} erlaubt. Schr&auml;nken Sie die Abfrageparameter ein.",
                    entries.len(),
                    i.faults.max_log_entries
                );
                // The entities are escaped once more on every other refusal, as in the field.
                let odd = entries.len() % 2 == 1;
                let text = if odd {
                    text.replace('&', "&amp;")
                } else {
                    text
                };
                return page(&format!("<p id=\"div_error\" class=\"message\">{text}</p>"));
            }
            let xml = pages::log_xml(&m.smgw_id, &entries);
            signed_file(shared, i.faults.signed_file, &xml, "logdata.p7s")
        }
        "swversions" => page(&pages::swversions(&[
            (
                "smgw-bootstream".to_owned(),
                m.firmware.version.clone(),
                hash_hex(&["boot", &m.firmware.hash])[..64].to_owned(),
            ),
            (
                "smgw-services".to_owned(),
                m.firmware.version.clone(),
                m.firmware.hash.clone(),
            ),
        ])),
        "logout" => {
            i.session = None;
            i.stats.logouts += 1;
            append_log(
                shared,
                i,
                consumer,
                2,
                "Letztverbraucher hat sich abgemeldet",
            );
            html(
                StatusCode::OK,
                pages::page(
                    None,
                    false,
                    &pages::message("div_info", "Sie wurden abgemeldet."),
                ),
            )
        }
        "selftest" => {
            i.session = None;
            i.stats.self_tests += 1;
            let next = logbook(shared, i, consumer)
                .last()
                .map_or(1, |e| e.index + 1);
            let t = shared.gateway_time() + 5;
            let mut e = log_entry(
                next,
                1,
                t,
                &m.smgw_id,
                "",
                "Selbsttest erfolgreich durchgeführt",
            );
            e.event_id = 4;
            i.log.push((consumer, e));
            html(
                StatusCode::OK,
                pages::page(
                    None,
                    false,
                    &pages::message(
                        "div_info",
                        "Der Selbsttest wurde gestartet. Das Gateway startet neu.",
                    ),
                ),
            )
        }
        _ => page(&pages::message("div_error", "Unbekannte Aktion")),
    }
}

fn signed_file(shared: &Shared, fault: SignedFileFault, xml: &str, file_name: &str) -> Resp {
    let m = &shared.scenario.m;
    match cms::sign(xml.as_bytes(), &m.han_cert_pem, &m.han_key_pem, fault) {
        Ok(der) => {
            let mut r = respond(StatusCode::OK, "application/pkcs7-mime", der);
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
                r.headers_mut().insert("content-disposition", v);
            }
            r
        }
        Err(e) => html(
            StatusCode::INTERNAL_SERVER_ERROR,
            pages::page(None, false, &pages::message("div_error", &e)),
        ),
    }
}

fn valid_text(valid: bool, v123: bool) -> String {
    match (valid, v123) {
        (true, _) => "1",
        (false, false) => "0",
        (false, true) => "2",
    }
    .to_owned()
}

/// Rows of a value table for readings per channel (channels in order: import, export).
fn rows_of(
    per_channel: Vec<(String, i32, Vec<crate::data::Reading>)>,
    name: &str,
    v123: bool,
) -> Vec<Row> {
    // Pair by target time, newest first.
    let mut times: Vec<i64> = per_channel
        .iter()
        .flat_map(|(_, _, rs)| rs.iter().map(|r| r.target_time))
        .collect();
    times.sort_unstable();
    times.dedup();
    let mut rows = Vec::new();
    for t in times.into_iter().rev() {
        let mut first = true;
        for (obis, scaler, rs) in &per_channel {
            let Some(r) = rs.iter().find(|r| r.target_time == t) else {
                continue;
            };
            rows.push(Row {
                // The export row of a pair has no time stamp: it is the row above's.
                stamp: if first {
                    pages::local_stamp(t + 1)
                } else {
                    String::new()
                },
                obis: pages::obis_text(obis),
                value: pages::decimal(r.value, scaler - 3),
                unit: "kWh".to_owned(),
                valid: valid_text(pages::is_valid(r), v123),
                name: name.to_owned(),
                sign: r.signature.clone().unwrap_or_default(),
            });
            first = false;
        }
    }
    rows
}

fn history_rows(
    shared: &Shared,
    up: &UsagePoint,
    name: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    v123: bool,
) -> Vec<Row> {
    let m = &shared.scenario.m;
    // Generous instants around the local range, then the exact filter on the local stamp.
    let a = local_to_unix(from, false) - 7200;
    let b = local_to_unix(to, true) + 7200;
    let mut per_channel = Vec::new();
    for db in up.databases.iter().filter(|d| d.name == "origin") {
        for ch in &db.channels {
            let rs: Vec<_> = up
                .readings(db, ch, a, b, m.now)
                .into_iter()
                .filter(|r| {
                    let stamp = pages::local_naive(r.target_time + 1);
                    stamp >= from && stamp <= to
                })
                .collect();
            per_channel.push((ch.obis.clone(), ch.scaler, rs));
        }
    }
    rows_of(per_channel, name, v123)
}

fn current_rows(shared: &Shared, up: &UsagePoint, name: &str, v123: bool) -> Vec<Row> {
    let m = &shared.scenario.m;
    let mut per_channel = Vec::new();
    for db in up.databases.iter().filter(|d| d.name == "origin") {
        for ch in &db.channels {
            let rs: Vec<_> = up.last(db, ch, m.now).into_iter().collect();
            per_channel.push((ch.obis.clone(), ch.scaler, rs));
        }
    }
    rows_of(per_channel, name, v123)
}
