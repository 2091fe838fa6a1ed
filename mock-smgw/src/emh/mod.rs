//! The EMH CASA 1.1 HAN interface (`shared/docs/vendors.md`, "EMH CASA 1.1"): JSON below
//! `/json/`, `GET` only, HTTP Digest with the gateway id as realm.
//!
//! Served from the same scenario data as the CONEXA interface (meters, value lists,
//! logbook), in the shapes documented in `crates/emh-client/README.md`:
//!
//! - `GET /json/metering/origin/` — the consumer's meters, alternately as `1emh…` and
//!   `1EMH….sm` (both forms occur in the field).
//! - `GET /json/metering/origin/{meter}[/current]/extended` — current values:
//!   `{capture_time, timestamp, status (16 hex), values: [{logical_name, value (string),
//!   scaler, unit, signature}]}`.
//! - `GET /json/metering/origin/{meter}/{YYYY-MM | YYYY-MM-DD}[/extended]` — stored values
//!   of a local month or day, a list of `{timestamp_nom, timestamp_act, status, values}`.
//! - `GET /json/metering/derived` — contract ids (strings and `{id}` objects mixed);
//!   `GET /json/metering/derived/{id}` — `{taf_type: "TAF-7", sensor_domains: [meter], …}`;
//!   `…/billingperiods` — the contract's billing periods (`index` from 0);
//!   `…/billingperiods/{n}/extended` — `{index, start, end, readings: [entries]}`, the
//!   register values at the period's start and end; `…/daily` — the whole list of daily
//!   register readings (entries at local midnight); `…/signedprofile` —
//!   `{id, format, signed_profile}`, the tariff profile as CMS SignedData (DER in hex).
//!   Entries have the month history's shape.
//! - `GET /json/conlogbook/{user}[/{YYYY-MM}]` — the consumer logbook of a local month.
//! - `GET /json/systeminformations` — gateway id, clock, state, firmware.
//! - `GET /json/download/certificate.pem` — the HAN certificate as PEM text.
//!
//! Quirks as behaviour: the `Host` header must name the address connected to (or
//! `smgw.local`), a nonce answers one request only (reused → 401), a request while another is
//! being answered is dropped, one arriving sooner than `min-pause-ms` after the previous
//! answer gets 503. Variants and faults are [`EmhFaults`] (also a gateway with meters but
//! no contracts).

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, SecondsFormat};
use chrono_tz::Europe::Berlin;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, HOST, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::data::{MeterSeries, Step};
use crate::scenario::{Channel, Consumer, Database, Source, UsagePoint};
use crate::server::{self, ConnCtx, MockBody, Shared};
use crate::time;

/// EMH behaviour switches, settable in a scenario (`[faults.emh]`) and at run time with
/// `POST /__mock/faults` (`{"emh": {…}}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct EmhFaults {
    /// A gateway without stored value lists: 404 on `origin/{meter}/{period}` and
    /// `derived/{id}/billingperiods`.
    pub no_history: bool,
    /// A gateway without the consumer logbook: 404 on `conlogbook/…`.
    pub no_logbook: bool,
    /// 404 on `systeminformations`.
    pub no_systeminformations: bool,
    /// The first meter was exchanged: its id answers 404; the meter list and the contracts
    /// name its successor (the last digit counted up).
    pub meter_exchanged: bool,
    /// A request arriving sooner than this after the previous answer gets 503.
    pub min_pause_ms: u64,
    /// A gateway with meters but no contracts: `metering/derived` is an empty list and
    /// `derived/{id}` answers 404.
    pub no_contracts: bool,
    /// A firmware without the certificate download: 404 on `download/certificate.pem`.
    pub no_certificate_download: bool,
    /// A gateway without daily values: 404 on `derived/{id}/daily`.
    pub no_daily: bool,
    /// A gateway without the signed tariff profile: 404 on `derived/{id}/signedprofile`.
    pub no_signed_profile: bool,
    /// A gateway with the billing-period list but without its values: 404 on
    /// `derived/{id}/billingperiods/{n}[/extended]`.
    pub no_billing_values: bool,
    /// `derived/{id}/daily`, `…/billingperiods/{n}/extended` and `…/signedprofile` answer
    /// what cannot be decoded (text instead of JSON, an entry without a readable time, a
    /// profile that is neither DER, hex nor base64).
    pub broken_extras: bool,
}

/// Counters of the EMH interface (see [`crate::RunningMock::emh_stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmhStats {
    /// Requests to `/json/…`.
    pub requests: u64,
    /// Requests answered 503 because they followed the previous answer too quickly.
    pub too_fast: u64,
    /// Requests dropped because another one was being answered.
    pub overlapping: u64,
    /// Requests refused for a wrong `Host` header.
    pub host_rejected: u64,
    /// Requests answered 401 because their nonce had been used before.
    pub reused_nonce: u64,
    /// 401 answers (challenges).
    pub challenges: u64,
    /// Authenticated requests answered (any status).
    pub authenticated: u64,
    /// Authenticated requests for the stored values of a period
    /// (`metering/origin/{meter}/{YYYY-MM | YYYY-MM-DD}[/extended]`), answered or not.
    pub stored_periods: u64,
}

/// Run-time state of the EMH interface.
#[derive(Default)]
pub(crate) struct State {
    in_flight: AtomicU64,
    last_done: Mutex<Option<Instant>>,
    used_nonces: Mutex<HashSet<String>>,
    requests: AtomicU64,
    too_fast: AtomicU64,
    overlapping: AtomicU64,
    host_rejected: AtomicU64,
    reused_nonce: AtomicU64,
    challenges: AtomicU64,
    authenticated: AtomicU64,
    stored_periods: AtomicU64,
}

impl State {
    pub(crate) fn stats(&self) -> EmhStats {
        let l = |c: &AtomicU64| c.load(Ordering::Relaxed);
        EmhStats {
            requests: l(&self.requests),
            too_fast: l(&self.too_fast),
            overlapping: l(&self.overlapping),
            host_rejected: l(&self.host_rejected),
            reused_nonce: l(&self.reused_nonce),
            challenges: l(&self.challenges),
            authenticated: l(&self.authenticated),
            stored_periods: l(&self.stored_periods),
        }
    }
}

fn inc(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

type Resp = Response<MockBody>;

/// Decrements the in-flight count when the request is done (also when its future is dropped).
struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn json_ok(v: &Value) -> Resp {
    server::json_resp(StatusCode::OK, serde_json::to_vec(v).unwrap_or_default())
}

fn not_found(what: &str) -> Resp {
    server::error(StatusCode::NOT_FOUND, what)
}

/// A time as EMH writes it: local time with offset, e.g. `2026-11-20T10:00:00+01:00`.
pub(crate) fn local(t: i64) -> String {
    time::to_utc(t)
        .with_timezone(&Berlin)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Whether the `Host` header names the address the request came to (or `smgw.local`).
fn host_ok(host: Option<&str>, local_addr: Option<SocketAddr>) -> bool {
    let Some(mut host) = host.map(str::to_ascii_lowercase) else {
        return false;
    };
    // A link-local address carries its zone (RFC 6874 `[fe80::1%25eth0]`): the address is
    // what counts.
    if let (Some(z), Some(end)) = (host.find("%25"), host.find(']')) {
        if z < end {
            host.replace_range(z..end, "");
        }
    }
    let Some(addr) = local_addr else {
        return true;
    };
    let port = addr.port();
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
    };
    let mut allowed = vec![
        format!("{ip}:{port}"),
        format!("smgw.local:{port}"),
        "smgw.local".to_owned(),
    ];
    if port == 443 {
        allowed.push(ip);
    }
    allowed.contains(&host)
}

/// A meter as the consumer sees it: its series and the value list that holds its values.
struct MeterView<'a> {
    series: &'a Arc<MeterSeries>,
    up: &'a UsagePoint,
    db: &'a Database,
}

fn step_seconds(step: Step) -> i64 {
    match step {
        Step::Seconds(s) => s,
        Step::Daily => 86_400,
        Step::Monthly => 31 * 86_400,
        Step::Current => i64::MAX,
    }
}

/// The consumer's meters, each with its finest `origin` value list, in scenario order.
fn meters(c: &Consumer) -> Vec<MeterView<'_>> {
    let mut out: Vec<MeterView<'_>> = Vec::new();
    for up in &c.usage_points {
        let Source::Generated { meter, .. } = &up.source else {
            continue;
        };
        let Some(db) = up
            .databases
            .iter()
            .filter(|d| d.name == "origin" && !d.channels.is_empty())
            .min_by_key(|d| step_seconds(d.step))
        else {
            continue;
        };
        match out.iter_mut().find(|m| m.series.id == meter.id) {
            Some(m) if step_seconds(db.step) < step_seconds(m.db.step) => {
                m.up = up;
                m.db = db;
            }
            Some(_) => {}
            None => out.push(MeterView {
                series: meter,
                up,
                db,
            }),
        }
    }
    out
}

/// A meter id without `.sm`, in lower case: how paths and logical names are compared.
fn norm(id: &str) -> String {
    let l = id.trim().to_ascii_lowercase();
    l.strip_suffix(".sm").unwrap_or(&l).to_owned()
}

/// The id the gateway reports for meter `i` now (the successor after an exchange).
fn current_id(series: &MeterSeries, i: usize, faults: &EmhFaults) -> String {
    let mut id = series.id.clone();
    if i == 0 && faults.meter_exchanged {
        if let Some(last) = id.pop() {
            let next = last
                .to_digit(10)
                .map_or('0', |d| char::from_digit((d + 1) % 10, 10).unwrap_or('0'));
            id.push(next);
        }
    }
    id
}

/// The id as listed: alternately `1emh…` and `1EMH….sm`.
fn listed(id: &str, i: usize) -> String {
    if i.is_multiple_of(2) {
        id.to_ascii_lowercase()
    } else {
        format!("{}.sm", id.to_ascii_uppercase())
    }
}

fn logical_name(obis: &str, meter: &str) -> String {
    format!("{obis}.{}.sm", norm(meter))
}

/// The local period `(start, end]` a path segment names: `YYYY-MM` or `YYYY-MM-DD`.
fn period(seg: &str) -> Option<(i64, i64)> {
    if let Ok(d) = NaiveDate::parse_from_str(seg, "%Y-%m-%d") {
        let start = time::local_start_of(d)?;
        return Some((start, time::next_local_midnight(start)));
    }
    let (y, m) = seg.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    let start = time::local_start_of(d)?;
    Some((start, time::next_local_month(start)))
}

fn value_json(ch: &Channel, meter: &str, value: i64, signature: Option<&str>) -> Value {
    json!({
        "logical_name": logical_name(&ch.obis, meter),
        "value": value.to_string(),
        "scaler": ch.scaler,
        "unit": ch.unit,
        "signature": signature,
    })
}

fn current_values(shared: &Shared, m: &MeterView<'_>, id: &str) -> Value {
    let now = shared.scenario.m.now;
    let mut values = Vec::new();
    let mut head: Option<(i64, String)> = None;
    for ch in &m.db.channels {
        if let Some(r) = m.up.last(m.db, ch, now) {
            head.get_or_insert((r.target_time, r.cosem_status.clone()));
            values.push(value_json(ch, id, r.value, r.signature.as_deref()));
        }
    }
    let (target, status) = head.unwrap_or((now, "a000000000000000".to_owned()));
    json!({
        "capture_time": local(shared.gateway_time()),
        "timestamp": local(target),
        "status": status,
        "values": values,
        // Not in any documentation: a reader must keep going.
        "quality": "ok",
    })
}

fn history(shared: &Shared, m: &MeterView<'_>, id: &str, from: i64, to: i64) -> Value {
    entries(shared, m.up, m.db, id, from, to, |_| true)
}

/// The values of `db` in `(from, to]` whose target time `keep` accepts, one entry
/// `{timestamp_nom, timestamp_act, status, values}` per target time (the shape of every
/// stored EMH list: month history, daily values, billing-period values).
fn entries(
    shared: &Shared,
    up: &UsagePoint,
    db: &Database,
    id: &str,
    from: i64,
    to: i64,
    keep: impl Fn(i64) -> bool,
) -> Value {
    let now = shared.scenario.m.now;
    let mut by_time: BTreeMap<i64, (i64, String, Vec<Value>)> = BTreeMap::new();
    for ch in &db.channels {
        for r in up
            .readings(db, ch, from, to, now)
            .into_iter()
            .filter(|r| keep(r.target_time))
        {
            let e = by_time
                .entry(r.target_time)
                .or_insert_with(|| (r.capture_time, r.cosem_status.clone(), Vec::new()));
            e.2.push(value_json(ch, id, r.value, r.signature.as_deref()));
        }
    }
    Value::Array(
        by_time
            .into_iter()
            .map(|(t, (capture, status, values))| {
                json!({
                    "timestamp_nom": local(t),
                    "timestamp_act": local(capture),
                    "status": status,
                    "values": values,
                })
            })
            .collect(),
    )
}

fn logbook(c: &Consumer, from: i64, to: i64) -> Value {
    Value::Array(
        c.log
            .iter()
            .filter(|e| e.time >= from && e.time < to)
            .map(|e| {
                json!({
                    "index": e.index,
                    "timestamp": local(e.time),
                    "event_id": e.event_id,
                    "event_sub_id": e.event_sub_id,
                    "level": e.level,
                    "outcome": e.outcome,
                    "vendor_id": e.vendor_id,
                    "subject_identity": e.subject_identity,
                    "user_identity": e.user_identity,
                    "message": e.message,
                    "version": e.version,
                    "category": "consumer",
                })
            })
            .collect(),
    )
}

fn system_information(shared: &Shared) -> Value {
    let m = &shared.scenario.m;
    json!({
        "gateway_id": m.smgw_id,
        "system_time": local(shared.gateway_time()),
        "operating_state": m.smgw_state,
        "firmware": [{
            "component": m.firmware.component,
            "version": m.firmware.version,
            "hash": m.firmware.hash,
        }],
        "uptime_s": 1_234_567,
    })
}

fn contract_ids(c: &Consumer) -> Value {
    Value::Array(
        c.usage_points
            .iter()
            .enumerate()
            .map(|(i, up)| {
                if i % 2 == 0 {
                    Value::String(up.id.clone())
                } else {
                    json!({ "id": up.id })
                }
            })
            .collect(),
    )
}

fn contract(up: &UsagePoint, views: &[MeterView<'_>], faults: &EmhFaults) -> Value {
    let domains: Vec<String> = views
        .iter()
        .enumerate()
        .filter(|(_, v)| up.meter_ids.iter().any(|id| *id == v.series.id))
        .map(|(i, v)| listed(&current_id(v.series, i, faults), i))
        .collect();
    json!({
        "id": up.id,
        "name": up.name,
        "taf_type": format!("TAF-{}", up.taf),
        "sensor_domains": domains,
        "state": up.state,
        "start": local(up.start),
        "end": up.end.map(local),
        "metering_point": up.metering_point_id,
    })
}

/// The id the contract's (first) meter goes by now, for the logical names of its values.
fn contract_meter(up: &UsagePoint, views: &[MeterView<'_>], faults: &EmhFaults) -> Option<String> {
    views
        .iter()
        .enumerate()
        .find(|(_, v)| up.meter_ids.iter().any(|id| *id == v.series.id))
        .map(|(i, v)| current_id(v.series, i, faults))
}

/// The contract's finest `origin` list: the registers whose readings the daily and
/// billing-period values are.
fn origin_of(up: &UsagePoint) -> Option<&Database> {
    up.databases
        .iter()
        .filter(|d| d.name == "origin" && !d.channels.is_empty())
        .min_by_key(|d| step_seconds(d.step))
}

/// `derived/{id}/daily`: the contract's daily register readings, the whole list (the
/// reference program asks the path without a period, so the gateway is taken to answer
/// everything it holds; a year is about 365 small entries). Each entry has the month
/// history's shape, target time at local midnight. From the contract's own `daily` list
/// where the scenario has one, else its `origin` registers at each local midnight (what
/// a gateway's daily reading of a register is).
fn daily(shared: &Shared, up: &UsagePoint, meter: &str) -> Value {
    let daily = up
        .databases
        .iter()
        .find(|d| d.name == "daily" && !d.channels.is_empty());
    let Some(db) = daily.or_else(|| origin_of(up)) else {
        return Value::Array(Vec::new());
    };
    let now = shared.scenario.m.now;
    entries(shared, up, db, meter, up.start - 1, now, |t| {
        time::local_midnight(t) == t
    })
}

/// The `(start, end)` of billing period `n` (its place in `billingperiods`, counted from
/// 0 as the list's `index`), in Unix seconds; an open period has no end.
fn billing_period(shared: &Shared, up: &UsagePoint, n: &str) -> Option<(i64, Option<i64>)> {
    let (a, b) = up.billing.get(n.parse::<usize>().ok()?)?;
    let now = shared.scenario.m.now;
    Some((time::parse(a, now)?, time::parse(b, now)))
}

/// `derived/{id}/billingperiods/{n}/extended`: the period and the contract's register
/// values at its start and (once closed) its end, as a list of entries in the month
/// history's shape under `readings`.
fn billing_values(shared: &Shared, up: &UsagePoint, n: &str, meter: &str) -> Option<Value> {
    let (start, end) = billing_period(shared, up, n)?;
    let readings = match origin_of(up) {
        Some(db) => {
            let at = |t: i64| entries(shared, up, db, meter, t - 1, t, |_| true);
            let mut list = at(start).as_array().cloned().unwrap_or_default();
            if let Some(e) = end {
                list.extend(at(e).as_array().cloned().unwrap_or_default());
            }
            list
        }
        None => Vec::new(),
    };
    Some(json!({
        "index": n.parse::<usize>().unwrap_or_default(),
        "start": local(start),
        "end": end.map(local),
        "readings": readings,
    }))
}

/// `derived/{id}/signedprofile`: the contract's tariff profile (the DKE XML the CONEXA
/// interface sends as `taf-profile`) as real CMS SignedData signed with the scenario's
/// HAN key, its certificate inside (the PPC exports' signer). Sent as a JSON object with
/// the DER in hex, as CONEXA sends its `taf-profile`.
fn signed_profile(shared: &Shared, up: &UsagePoint) -> Resp {
    let m = &shared.scenario.m;
    let xml = crate::methods::taf_profile_xml(up);
    match crate::ppc::cms::sign(
        xml.as_bytes(),
        &m.han_cert_pem,
        &m.han_key_pem,
        crate::SignedFileFault::Intact,
    ) {
        Ok(der) => json_ok(&json!({
            "id": up.id,
            "format": "CMS",
            "signed_profile": hex::encode(der),
        })),
        Err(e) => server::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

fn billing_periods(up: &UsagePoint) -> Value {
    Value::Array(
        up.billing
            .iter()
            .enumerate()
            .map(|(i, (a, b))| json!({ "index": i, "start": a, "end": b }))
            .collect(),
    )
}

/// Answers one request to the EMH interface.
pub(crate) async fn handle(shared: &Arc<Shared>, ctx: &ConnCtx, req: Request<Incoming>) -> Resp {
    let st = &shared.emh;
    inc(&st.requests);
    let faults = shared.current_faults();
    let busy = st.in_flight.fetch_add(1, Ordering::SeqCst) > 0;
    let _guard = InFlight(&st.in_flight);
    if busy {
        // One request at a time: the device drops the second connection's request.
        inc(&st.overlapping);
        return Response::new(MockBody::Cut(None, None));
    }
    let too_fast = st
        .last_done
        .lock()
        .ok()
        .and_then(|l| *l)
        .is_some_and(|t| t.elapsed() < Duration::from_millis(faults.emh.min_pause_ms));
    if too_fast {
        inc(&st.too_fast);
        return server::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy: wait between requests",
        );
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    let resp = answer(shared, ctx, &req, &faults.emh);
    if let Ok(mut l) = st.last_done.lock() {
        *l = Some(Instant::now());
    }
    resp
}

fn challenge(shared: &Shared) -> Resp {
    inc(&shared.emh.challenges);
    let mut r = server::empty(StatusCode::UNAUTHORIZED);
    if let Ok(v) = HeaderValue::from_str(&shared.digest_challenge()) {
        r.headers_mut().insert(WWW_AUTHENTICATE, v);
    }
    r
}

fn answer(shared: &Shared, ctx: &ConnCtx, req: &Request<Incoming>, faults: &EmhFaults) -> Resp {
    let st = &shared.emh;
    let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
    if !host_ok(host, ctx.local_addr()) {
        inc(&st.host_rejected);
        return server::error(
            StatusCode::BAD_REQUEST,
            "Host header must be the gateway's address or smgw.local",
        );
    }
    let consumer = match server::authenticate(shared, ctx, req) {
        server::Auth::Consumer(c) => c,
        server::Auth::Respond(r) => {
            if r.status() == StatusCode::UNAUTHORIZED {
                inc(&st.challenges);
            }
            return r;
        }
        // The EMH answers wrong credentials with 401 in any case.
        server::Auth::Hold => return challenge(shared),
    };
    // A nonce answers one request: a reused one is refused like a stale one.
    if let Some(nonce) = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(crate::digest::parse_params)
        .and_then(|p| p.get("nonce").cloned())
    {
        let fresh = st.used_nonces.lock().is_ok_and(|mut u| u.insert(nonce));
        if !fresh {
            inc(&st.reused_nonce);
            return challenge(shared);
        }
    }
    inc(&st.authenticated);
    if req.method() != Method::GET {
        return server::error(StatusCode::METHOD_NOT_ALLOWED, "only GET");
    }
    let m = &shared.scenario.m;
    let Some(c) = m.consumers.get(consumer) else {
        return server::error(StatusCode::INTERNAL_SERVER_ERROR, "consumer vanished");
    };
    let path = req.uri().path();
    let Some(rest) = path.strip_prefix("/json/") else {
        return not_found("unknown path");
    };
    let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let views = meters(c);
    let meter = |seg: &str| {
        let want = norm(seg);
        views
            .iter()
            .enumerate()
            .find(|(i, v)| norm(&current_id(v.series, *i, faults)) == want)
            .map(|(i, v)| (v, current_id(v.series, i, faults)))
    };
    match parts.as_slice() {
        ["metering", "origin"] => json_ok(&Value::Array(
            views
                .iter()
                .enumerate()
                .map(|(i, v)| Value::String(listed(&current_id(v.series, i, faults), i)))
                .collect(),
        )),
        ["metering", "origin", id, tail @ ..] => {
            let Some((v, id)) = meter(id) else {
                return not_found("unknown meter");
            };
            match tail {
                [] | ["extended"] | ["current"] | ["current", "extended"] => {
                    json_ok(&current_values(shared, v, &id))
                }
                [p] | [p, "extended"] => {
                    inc(&st.stored_periods);
                    if faults.no_history {
                        return not_found("no stored values");
                    }
                    match period(p) {
                        Some((from, to)) => json_ok(&history(shared, v, &id, from, to)),
                        None => {
                            server::error(StatusCode::BAD_REQUEST, "period: YYYY-MM or YYYY-MM-DD")
                        }
                    }
                }
                _ => not_found("unknown path"),
            }
        }
        ["metering", "derived"] if faults.no_contracts => json_ok(&json!([])),
        ["metering", "derived", ..] if faults.no_contracts => not_found("unknown contract"),
        ["metering", "derived"] => json_ok(&contract_ids(c)),
        ["metering", "derived", id, tail @ ..] => {
            let Some(up) = c.usage_points.iter().find(|u| u.id == *id) else {
                return not_found("unknown contract");
            };
            let meter = contract_meter(up, &views, faults).unwrap_or_default();
            match tail {
                [] => json_ok(&contract(up, &views, faults)),
                ["billingperiods", ..] if faults.no_history => not_found("no billing periods"),
                ["billingperiods"] => json_ok(&billing_periods(up)),
                ["billingperiods", _, ..] if faults.no_billing_values => {
                    not_found("no billing-period values")
                }
                ["billingperiods", n] => match billing_period(shared, up, n) {
                    Some((a, b)) => json_ok(&json!({
                        "index": n, "start": local(a), "end": b.map(local),
                    })),
                    None => not_found("no such billing period"),
                },
                ["billingperiods", _, "extended"] if faults.broken_extras => {
                    // An entry without a readable target time.
                    json_ok(&json!({ "readings": [{ "timestamp_nom": "gestern", "values": [] }] }))
                }
                ["billingperiods", n, "extended"] => match billing_values(shared, up, n, &meter) {
                    Some(v) => json_ok(&v),
                    None => not_found("no such billing period"),
                },
                ["daily"] if faults.no_history || faults.no_daily => not_found("no daily values"),
                ["daily"] if faults.broken_extras => {
                    server::json_resp(StatusCode::OK, b"Tageswerte: siehe Anzeige".to_vec())
                }
                ["daily"] => json_ok(&daily(shared, up, &meter)),
                ["signedprofile"] if faults.no_signed_profile => not_found("no signed profile"),
                ["signedprofile"] if faults.broken_extras => {
                    json_ok(&json!({ "signed_profile": "kein Profil hinterlegt" }))
                }
                ["signedprofile"] => signed_profile(shared, up),
                _ => not_found("unknown path"),
            }
        }
        ["conlogbook", user, tail @ ..] => {
            if faults.no_logbook {
                return not_found("no logbook");
            }
            if c.username.as_deref() != Some(*user) && c.userid != *user {
                return server::error(StatusCode::FORBIDDEN, "not your logbook");
            }
            let range = match tail {
                [] => {
                    let start = time::local_midnight(shared.gateway_time());
                    let d = time::to_utc(start).with_timezone(&Berlin).date_naive();
                    period(&d.format("%Y-%m").to_string())
                }
                [p] => period(p),
                _ => None,
            };
            match range {
                Some((from, to)) => json_ok(&logbook(c, from, to)),
                None => server::error(StatusCode::BAD_REQUEST, "month: YYYY-MM"),
            }
        }
        ["download", "certificate.pem"] if !faults.no_certificate_download => {
            // The gateway's HAN certificate as PEM text, the one its TLS shows.
            let mut r = server::json_resp(StatusCode::OK, m.han_cert_pem.clone().into_bytes());
            r.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-pem-file"),
            );
            r
        }
        ["systeminformations"] if !faults.no_systeminformations => {
            json_ok(&system_information(shared))
        }
        _ => not_found("unknown path"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_hosts() {
        let (a, b) = period("2026-10").unwrap_or_default();
        assert_eq!(local(a), "2026-10-01T00:00:00+02:00");
        assert_eq!(local(b), "2026-11-01T00:00:00+01:00");
        let (a, b) = period("2026-10-25").unwrap_or_default();
        assert_eq!(b - a, 25 * 3600);
        assert!(period("2026-13").is_none() && period("x").is_none());
        let addr: SocketAddr = "127.0.0.1:8443".parse().unwrap_or_else(|_| unreachable!());
        assert!(host_ok(Some("127.0.0.1:8443"), Some(addr)));
        assert!(host_ok(Some("SMGW.local"), Some(addr)));
        assert!(!host_ok(Some("localhost:8443"), Some(addr)));
        assert!(!host_ok(None, Some(addr)));
        let v6: SocketAddr = "[fe80::1]:8443".parse().unwrap_or_else(|_| unreachable!());
        assert!(host_ok(Some("[fe80::1]:8443"), Some(v6)));
        assert!(host_ok(Some("[fe80::1%25eth0]:8443"), Some(v6)));
        assert!(!host_ok(Some("[fe80::2%25eth0]:8443"), Some(v6)));
        assert_eq!(norm("1EMH0012345678.SM"), "1emh0012345678");
        assert_eq!(listed("1EMH0012345678", 1), "1EMH0012345678.sm");
    }

    #[test]
    fn switches_come_from_the_faults_object() {
        let f: crate::Faults =
            serde_json::from_str(r#"{"emh": {"no-history": true, "min-pause-ms": 5}}"#)
                .unwrap_or_default();
        assert!(f.emh.no_history && !f.emh.no_logbook);
        assert_eq!(f.emh.min_pause_ms, 5);
        assert!(serde_json::from_str::<crate::Faults>(r#"{"emh": {"nope": 1}}"#).is_err());
        let f: crate::Faults = serde_json::from_str(
            r#"{"emh": {"no-daily": true, "no-signed-profile": true, "no-billing-values": true, "broken-extras": true}}"#,
        )
        .unwrap_or_default();
        assert!(
            f.emh.no_daily
                && f.emh.no_signed_profile
                && f.emh.no_billing_values
                && f.emh.broken_extras
        );
        let sc = crate::Scenario::builtin("emh-demo").map(|s| s.m.faults.emh.min_pause_ms);
        assert_eq!(sc.ok(), Some(50));
    }
}
