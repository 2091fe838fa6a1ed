//! The TLS listener, connection handling and HTTP routing.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::config::{Faults, WrongCredentials};
use crate::data::{self, LogEntry};
use crate::digest::{DigestServer, Verdict};
use crate::methods;
use crate::scenario::Scenario;
use crate::tls::{self, TlsError};

/// Errors starting the mock.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Only loopback addresses are allowed.
    #[error("refusing to listen on {0}: only loopback addresses (127.0.0.0/8, ::1) are allowed")]
    NotLoopback(SocketAddr),
    /// Binding failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The TLS configuration could not be built.
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// Run-time options overriding the scenario's limits (mostly to make tests fast).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Idle connection close (scenario default: 10 minutes).
    pub idle_timeout: Option<Duration>,
    /// Maximum connection lifetime (scenario default: 48 h).
    pub session_max: Option<Duration>,
    /// Self-test cool-down (scenario default: 10 minutes).
    pub self_test_lock: Option<Duration>,
    /// Delay until the self-test result appears in the logbook.
    pub self_test_duration: Option<Duration>,
    /// Digest nonce lifetime.
    pub nonce_lifetime: Option<Duration>,
    /// Faults active from the start (replaces the scenario's `[faults]`).
    pub faults: Option<Faults>,
}

/// A snapshot of the counters served at `GET /__mock/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Accepted TCP connections.
    pub connections: u64,
    /// Completed TLS handshakes.
    pub tls_handshakes: u64,
    /// Failed TLS handshakes.
    pub tls_handshake_failures: u64,
    /// HTTP requests of any kind.
    pub http_requests: u64,
    /// JSON calls per method.
    pub requests: BTreeMap<String, u64>,
    /// 401 answers.
    pub status_401: u64,
    /// 307 answers.
    pub status_307: u64,
    /// Plain-text bytes written to TLS connections (headers and bodies).
    pub bytes_sent: u64,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    tls_handshakes: AtomicU64,
    tls_failures: AtomicU64,
    http_requests: AtomicU64,
    status_401: AtomicU64,
    status_307: AtomicU64,
    bytes_sent: AtomicU64,
    requests: Mutex<BTreeMap<String, u64>>,
}

fn inc(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

struct FaultState {
    faults: Faults,
    calls: u64,
}

struct SelfTests {
    last: Option<Instant>,
    count: u64,
    /// (visible from, consumer index, entry)
    results: Vec<(Instant, usize, LogEntry)>,
}

pub(crate) struct Shared {
    pub scenario: Scenario,
    tls: Arc<rustls::ServerConfig>,
    pub(crate) digest: DigestServer,
    /// The PPC web application's state (sessions, lockout, faults).
    pub(crate) ppc: crate::ppc::PpcState,
    counters: Counters,
    faults: Mutex<FaultState>,
    self_tests: Mutex<SelfTests>,
    han_off: watch::Sender<bool>,
    started: Instant,
    idle_timeout: Duration,
    session_max: Duration,
    self_test_lock: Duration,
    self_test_duration: Duration,
    pub(crate) emh: crate::emh::State,
}

impl Shared {
    /// The faults in force.
    pub(crate) fn current_faults(&self) -> Faults {
        self.faults
            .lock()
            .map(|f| f.faults.clone())
            .unwrap_or_default()
    }

    /// A `WWW-Authenticate` value with a fresh nonce.
    pub(crate) fn digest_challenge(&self) -> String {
        self.digest.challenge(false)
    }

    /// The gateway clock: the scenario's "now" plus the clock offset (plus run time if the
    /// scenario asks for a running clock).
    pub(crate) fn gateway_time(&self) -> i64 {
        let m = &self.scenario.m;
        let run = if m.limits.running_clock {
            i64::try_from(self.started.elapsed().as_secs()).unwrap_or(0)
        } else {
            0
        };
        m.now + m.clock_offset + run
    }

    /// Self-test results that have become visible for a consumer.
    pub(crate) fn self_test_entries(&self, consumer: usize) -> Vec<LogEntry> {
        let now = Instant::now();
        self.self_tests
            .lock()
            .map(|s| {
                s.results
                    .iter()
                    .filter(|(at, c, _)| *c == consumer && *at <= now)
                    .map(|(_, _, e)| e.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Starts a self-test; `Err(remaining)` while the cool-down runs.
    pub(crate) fn start_self_test(&self, consumer: usize) -> Result<(), Duration> {
        let Ok(mut s) = self.self_tests.lock() else {
            return Err(self.self_test_lock);
        };
        if let Some(last) = s.last {
            let since = last.elapsed();
            if since < self.self_test_lock {
                return Err(self.self_test_lock - since);
            }
        }
        let now = Instant::now();
        s.last = Some(now);
        s.count += 1;
        let m = &self.scenario.m;
        let Some(c) = m.consumers.get(consumer) else {
            return Ok(());
        };
        let prior = s
            .results
            .iter()
            .filter(|(_, ci, _)| *ci == consumer)
            .count() as u64;
        let index = c.log.last().map_or(1, |e| e.index + 1) + prior;
        let secs = i64::try_from(self.self_test_duration.as_secs()).unwrap_or(0);
        let t = self.gateway_time() + secs + i64::try_from(s.count).unwrap_or(0);
        let entry = data::self_test_entry(index, t, &m.smgw_id, &c.userid);
        s.results
            .push((now + self.self_test_duration, consumer, entry));
        Ok(())
    }
}

/// A running mock gateway. Dropping it stops the server as well (without waiting for the
/// tasks to finish); [`RunningMock::shutdown`] stops it and waits for the listener to close.
pub struct RunningMock {
    addr: SocketAddr,
    fingerprint: String,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for RunningMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningMock")
            .field("addr", &self.addr)
            .field("scenario", &self.shared.scenario.name())
            .finish()
    }
}

impl RunningMock {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// SHA-256 fingerprint of the HAN certificate, lower-case hex of the DER.
    pub fn fingerprint_sha256(&self) -> &str {
        &self.fingerprint
    }

    /// The scenario's name.
    pub fn scenario_name(&self) -> &str {
        self.shared.scenario.name()
    }

    /// The scenario being served (for comparing against what a client pulled).
    pub fn scenario(&self) -> &Scenario {
        &self.shared.scenario
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        stats_of(&self.shared)
    }

    /// Replaces the active faults (like `POST /__mock/faults`).
    pub fn set_faults(&self, faults: Faults) {
        set_faults(&self.shared, faults);
    }

    /// Counters of the EMH interface (scenarios with `maker = "emh"`).
    pub fn emh_stats(&self) -> crate::emh::EmhStats {
        self.shared.emh.stats()
    }

    /// Replaces the PPC behaviour switches (like `POST /__mock/ppc-faults`).
    pub fn set_ppc_faults(&self, faults: crate::PpcFaults) {
        self.shared.ppc.set_faults(faults);
    }

    /// What happened on the PPC interface.
    pub fn ppc_stats(&self) -> crate::PpcStats {
        self.shared.ppc.stats()
    }

    /// Whether the HAN has been switched off by the `han-off-after-calls` fault.
    pub fn han_is_off(&self) -> bool {
        *self.shared.han_off.borrow()
    }

    /// Stops accepting, closes all connections and waits for the listener to close.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

fn set_faults(shared: &Shared, mut faults: Faults) {
    if faults.stale_nonce_next {
        shared.digest.force_stale_next();
        faults.stale_nonce_next = false;
    }
    if let Ok(mut f) = shared.faults.lock() {
        f.faults = faults;
        f.calls = 0;
    }
}

fn stats_of(shared: &Shared) -> Stats {
    let c = &shared.counters;
    Stats {
        connections: c.connections.load(Ordering::Relaxed),
        tls_handshakes: c.tls_handshakes.load(Ordering::Relaxed),
        tls_handshake_failures: c.tls_failures.load(Ordering::Relaxed),
        http_requests: c.http_requests.load(Ordering::Relaxed),
        requests: c.requests.lock().map(|r| r.clone()).unwrap_or_default(),
        status_401: c.status_401.load(Ordering::Relaxed),
        status_307: c.status_307.load(Ordering::Relaxed),
        bytes_sent: c.bytes_sent.load(Ordering::Relaxed),
    }
}

/// Starts serving `scenario` on `listen` (loopback only; port 0 picks a free port).
/// Must be called inside a tokio runtime; the server runs on spawned tasks.
pub async fn start(
    scenario: Scenario,
    listen: SocketAddr,
    opts: Options,
) -> Result<RunningMock, StartError> {
    if !listen.ip().is_loopback() {
        return Err(StartError::NotLoopback(listen));
    }
    let m = &scenario.m;
    let known: Vec<[u8; 32]> = m
        .consumers
        .iter()
        .flat_map(|c| c.fingerprints.iter().copied())
        .collect();
    let tls = tls::server_config(&m.han_cert_pem, &m.han_key_pem, known)?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: listen,
        source,
    })?;
    let digest = DigestServer::new(
        m.auth.algorithm,
        &m.auth.realm,
        opts.nonce_lifetime
            .unwrap_or(Duration::from_secs(m.auth.nonce_lifetime_seconds)),
        m.seed,
    );
    let (han_off, _) = watch::channel(false);
    let shared = Arc::new(Shared {
        tls,
        digest,
        ppc: crate::ppc::PpcState::default(),
        counters: Counters::default(),
        faults: Mutex::new(FaultState {
            faults: Faults::default(),
            calls: 0,
        }),
        self_tests: Mutex::new(SelfTests {
            last: None,
            count: 0,
            results: Vec::new(),
        }),
        han_off,
        started: Instant::now(),
        idle_timeout: opts
            .idle_timeout
            .unwrap_or(Duration::from_secs(m.limits.idle_timeout_seconds)),
        session_max: opts
            .session_max
            .unwrap_or(Duration::from_secs(m.limits.session_max_seconds)),
        self_test_lock: opts
            .self_test_lock
            .unwrap_or(Duration::from_secs(m.limits.self_test_lock_seconds)),
        self_test_duration: opts
            .self_test_duration
            .unwrap_or(Duration::from_secs(m.limits.self_test_duration_seconds)),
        emh: Default::default(),
        scenario: scenario.clone(),
    });
    set_faults(&shared, opts.faults.unwrap_or_else(|| m.faults.clone()));
    let fingerprint = scenario.fingerprint_sha256();
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(Arc::clone(&shared), listener, stop_rx));
    Ok(RunningMock {
        addr,
        fingerprint,
        shared,
        stop,
        task,
    })
}

async fn accept_loop(shared: Arc<Shared>, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let mut han_off = shared.han_off.subscribe();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            r = han_off.changed() => {
                if r.is_err() || *han_off.borrow() {
                    break;
                }
            }
            r = listener.accept() => {
                if let Ok((stream, _)) = r {
                    let shared = Arc::clone(&shared);
                    let stop = stop.clone();
                    tokio::spawn(async move { connection(shared, stream, stop).await });
                }
            }
        }
    }
    // Dropping the listener makes further connects fail with "connection refused".
    drop(listener);
}

/// Wraps the TLS stream: counts bytes sent and records the time of the last activity.
struct ActivityIo<S> {
    inner: S,
    shared: Arc<Shared>,
    last: Arc<AtomicU64>,
}

impl<S> ActivityIo<S> {
    fn touch(&self) {
        let ms = u64::try_from(self.shared.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ActivityIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ActivityIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = r {
            self.shared
                .counters
                .bytes_sent
                .fetch_add(n as u64, Ordering::Relaxed);
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Per-connection facts the request handler needs.
#[derive(Clone)]
pub(crate) struct ConnCtx {
    /// Consumer logged in by client certificate.
    cert_consumer: Option<usize>,
    inflight: Arc<AtomicU64>,
    /// The address the connection came to (the EMH checks the `Host` header against it).
    local: Option<SocketAddr>,
}

impl ConnCtx {
    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        self.local
    }
}

async fn connection(shared: Arc<Shared>, stream: TcpStream, mut stop: watch::Receiver<bool>) {
    inc(&shared.counters.connections);
    let _ = stream.set_nodelay(true);
    let local = stream.local_addr().ok();
    let acceptor = TlsAcceptor::from(Arc::clone(&shared.tls));
    let tls = match tokio::time::timeout(Duration::from_secs(30), acceptor.accept(stream)).await {
        Ok(Ok(s)) => s,
        _ => {
            inc(&shared.counters.tls_failures);
            return;
        }
    };
    inc(&shared.counters.tls_handshakes);
    let cert_consumer = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|c| {
            let fp: [u8; 32] = Sha256::digest(c.as_ref()).into();
            shared
                .scenario
                .m
                .consumers
                .iter()
                .position(|k| k.fingerprints.contains(&fp))
        });
    let last = Arc::new(AtomicU64::new(0));
    let io = ActivityIo {
        inner: tls,
        shared: Arc::clone(&shared),
        last: Arc::clone(&last),
    };
    io.touch();
    let ctx = ConnCtx {
        cert_consumer,
        inflight: Arc::new(AtomicU64::new(0)),
        local,
    };
    let svc_shared = Arc::clone(&shared);
    let svc_ctx = ctx.clone();
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&svc_shared);
        let ctx = svc_ctx.clone();
        async move {
            ctx.inflight.fetch_add(1, Ordering::SeqCst);
            let r = handle(&shared, &ctx, req).await;
            ctx.inflight.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, Infallible>(r)
        }
    });
    // No Date header: it would make otherwise identical responses differ between runs.
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .auto_date_header(false)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    let opened = Instant::now();
    let mut han_off = shared.han_off.subscribe();
    let mut closing = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = stop.changed() => break,
            r = han_off.changed() => {
                if r.is_err() || *han_off.borrow() {
                    break;
                }
            }
            _ = tokio::time::sleep(Duration::from_millis(100)), if !closing => {
                let idle_limit = shared
                    .faults
                    .lock()
                    .ok()
                    .and_then(|f| f.faults.idle_close_seconds)
                    .map_or(shared.idle_timeout, Duration::from_secs);
                let now_ms = u64::try_from(shared.started.elapsed().as_millis()).unwrap_or(u64::MAX);
                let idle = Duration::from_millis(now_ms.saturating_sub(last.load(Ordering::Relaxed)));
                let busy = ctx.inflight.load(Ordering::SeqCst) > 0;
                if (!busy && idle >= idle_limit) || opened.elapsed() >= shared.session_max {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Response bodies: whole, or cut off after some bytes (a fault) so that the connection
/// breaks in the middle of a response.
pub(crate) enum MockBody {
    Full(Option<Bytes>),
    /// The first part, then a pause (so the part reaches the socket), then an error that makes
    /// hyper drop the connection.
    Cut(Option<Bytes>, Option<Pin<Box<tokio::time::Sleep>>>),
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            MockBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            MockBody::Cut(b, pause) => {
                if let Some(b) = b.take() {
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                let sleep = pause.get_or_insert_with(|| {
                    Box::pin(tokio::time::sleep(Duration::from_millis(100)))
                });
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionAborted,
                        "fault: connection dropped mid-response",
                    )))),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, MockBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            MockBody::Full(None) => SizeHint::with_exact(0),
            MockBody::Cut(..) => SizeHint::default(),
        }
    }
}

type Resp = Response<MockBody>;

pub(crate) fn empty(status: StatusCode) -> Resp {
    let mut r = Response::new(MockBody::Full(None));
    *r.status_mut() = status;
    r
}

pub(crate) fn json_resp(status: StatusCode, body: Vec<u8>) -> Resp {
    let mut r = Response::new(MockBody::Full(Some(Bytes::from(body))));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

pub(crate) fn error(status: StatusCode, msg: &str) -> Resp {
    let body = serde_json::to_vec(&json!({ "error": msg })).unwrap_or_default();
    json_resp(status, body)
}

pub(crate) enum Auth {
    Consumer(usize),
    Respond(Resp),
    Hold,
}

pub(crate) fn authenticate(shared: &Shared, ctx: &ConnCtx, req: &Request<Incoming>) -> Auth {
    if let Some(c) = ctx.cert_consumer {
        return Auth::Consumer(c);
    }
    let challenge = |stale: bool| {
        inc(&shared.counters.status_401);
        let mut r = empty(StatusCode::UNAUTHORIZED);
        if let Ok(v) = HeaderValue::from_str(&shared.digest.challenge(stale)) {
            r.headers_mut().insert(WWW_AUTHENTICATE, v);
        }
        Auth::Respond(r)
    };
    let Some(header) = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
    else {
        return challenge(false);
    };
    let uri = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    let users: Vec<(Option<&str>, Option<&str>)> = shared
        .scenario
        .m
        .consumers
        .iter()
        .map(|c| (c.username.as_deref(), c.password.as_deref()))
        .collect();
    match shared
        .digest
        .verify(header, req.method().as_str(), &uri, &users)
    {
        Verdict::Ok(i) => Auth::Consumer(i),
        Verdict::Stale => challenge(true),
        Verdict::Rejected => challenge(false),
        Verdict::BadRequest => Auth::Respond(error(
            StatusCode::BAD_REQUEST,
            "malformed Authorization header",
        )),
        Verdict::Denied => match shared.scenario.m.auth.wrong_credentials {
            WrongCredentials::SilentTimeout => Auth::Hold,
            WrongCredentials::Empty200 => Auth::Respond(empty(StatusCode::OK)),
            WrongCredentials::Reject => challenge(false),
        },
    }
}

async fn handle(shared: &Arc<Shared>, ctx: &ConnCtx, req: Request<Incoming>) -> Resp {
    inc(&shared.counters.http_requests);
    let path = req.uri().path().to_owned();
    if path == "/__mock/stats" {
        return stats_response(shared);
    }
    if path == "/__mock/faults" {
        return faults_endpoint(shared, req).await;
    }
    match shared.scenario.maker() {
        crate::config::MakerConf::Emh => return crate::emh::handle(shared, ctx, req).await,
        crate::config::MakerConf::Ppc => return crate::ppc::handle(shared, req).await,
        crate::config::MakerConf::Conexa => {}
    }
    let is_root = path == "/smgw/m2m" || path == "/smgw/m2m/";
    let userid = path
        .strip_prefix("/smgw/m2m/")
        .and_then(|r| r.strip_suffix("/json"))
        .filter(|u| !u.is_empty() && !u.contains('/'))
        .map(str::to_owned);
    if !is_root && userid.is_none() {
        return error(StatusCode::NOT_FOUND, "unknown path");
    }
    let consumer = match authenticate(shared, ctx, &req) {
        Auth::Consumer(c) => c,
        Auth::Respond(r) => return r,
        Auth::Hold => {
            // The quirk: wrong credentials are never answered; the future is dropped when
            // the client gives up and closes the connection.
            return std::future::pending::<Resp>().await;
        }
    };
    let m = &shared.scenario.m;
    let Some(me) = m.consumers.get(consumer) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "consumer vanished");
    };
    if is_root {
        if req.method() != Method::GET && req.method() != Method::POST {
            return error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST");
        }
        inc(&shared.counters.status_307);
        let mut r = empty(StatusCode::TEMPORARY_REDIRECT);
        let forced = shared
            .faults
            .lock()
            .ok()
            .and_then(|f| f.faults.redirect_location.clone());
        let location = forced.unwrap_or_else(|| format!("/smgw/m2m/{}/json", me.userid));
        if let Ok(v) = HeaderValue::from_str(&location) {
            r.headers_mut().insert(LOCATION, v);
        }
        return r;
    }
    let userid = userid.unwrap_or_default();
    if req.method() != Method::POST {
        return error(StatusCode::METHOD_NOT_ALLOWED, "only POST is allowed here");
    }
    if userid != me.userid {
        return if m.consumers.iter().any(|c| c.userid == userid) {
            error(StatusCode::FORBIDDEN, "not your data")
        } else {
            error(StatusCode::NOT_FOUND, "unknown userid")
        };
    }
    let ct = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if ct != Some("application/json") {
        return error(
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/json",
        );
    }
    let length_given = req.headers().get(CONTENT_LENGTH).is_some();
    let x_len = req
        .headers()
        .get("x-content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let body = match http_body_util::Limited::new(req.into_body(), 1 << 20)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => return error(StatusCode::BAD_REQUEST, "body unreadable or too large"),
    };
    // The gateway wants the body's length up front (field failure 20): a chunked body is
    // refused like a wrong Content-Type (read first, so the connection stays usable).
    if !length_given {
        return error(StatusCode::BAD_REQUEST, "Content-Length required");
    }
    if m.limits.require_x_content_length && x_len != Some(body.len()) {
        return error(StatusCode::BAD_REQUEST, "X-Content-Length missing or wrong");
    }
    let Ok(Value::Object(params)) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "body is not a JSON object");
    };
    let Some(method) = params
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return error(StatusCode::BAD_REQUEST, "no method");
    };
    if !methods::METHODS.contains(&method.as_str()) {
        return error(StatusCode::BAD_REQUEST, "unknown method");
    }
    if let Ok(mut r) = shared.counters.requests.lock() {
        *r.entry(method.clone()).or_default() += 1;
    }
    // Faults apply to JSON calls only.
    let (faults, call) = match shared.faults.lock() {
        Ok(mut f) => {
            f.calls += 1;
            (f.faults.clone(), f.calls)
        }
        Err(_) => (Faults::default(), 0),
    };
    let jitter = if faults.latency_jitter_ms > 0 {
        data::mix(faults.seed ^ call) % (faults.latency_jitter_ms + 1)
    } else {
        0
    };
    if faults.latency_ms + jitter > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms + jitter)).await;
    }
    if faults.han_off_after_calls.is_some_and(|n| call >= n) {
        let shared = Arc::clone(shared);
        tokio::spawn(async move {
            // Let this last response reach the client before the HAN goes dark.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = shared.han_off.send(true);
        });
    }
    if faults.error_500_on_call == Some(call)
        || (faults.error_500_rate > 0.0
            && data::unit(faults.seed ^ 0x500 ^ call) < faults.error_500_rate)
    {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error (fault)");
    }
    let (status, mut bytes) = methods::call(shared, consumer, &method, &params, &body);
    if status != StatusCode::OK {
        return json_resp(status, bytes);
    }
    if faults.empty_body {
        return empty(StatusCode::OK);
    }
    if faults.broken_auxiliary {
        bytes = crate::broken::auxiliary(&method, bytes);
    }
    if faults.broken_values {
        bytes = crate::broken::values(&method, bytes);
    }
    if faults.empty_filtered_last_reading {
        bytes = crate::broken::empty_filtered_last_reading(&method, &params, bytes);
    }
    if faults.malformed_json {
        bytes = format!("{{\"method\": \"{method}\", \"version\": 1.2.0 <html>Fehler</html>")
            .into_bytes();
    } else if faults.truncated_json {
        bytes.truncate(bytes.len() / 2);
    } else if let Some(n) = faults.huge_body_bytes {
        // Valid JSON, just big: padding inside the envelope.
        if bytes.last() == Some(&b'}') {
            bytes.pop();
            bytes.extend_from_slice(b",\"x-padding\":\"");
            bytes.extend(std::iter::repeat_n(b'x', usize::try_from(n).unwrap_or(0)));
            bytes.extend_from_slice(b"\"}");
        }
    }
    if let Some(n) = faults.drop_after_bytes {
        let total = bytes.len();
        bytes.truncate(usize::try_from(n).unwrap_or(usize::MAX));
        let mut r = Response::new(MockBody::Cut(Some(Bytes::from(bytes)), None));
        r.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        r.headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from(total));
        return r;
    }
    json_resp(StatusCode::OK, bytes)
}

fn stats_response(shared: &Shared) -> Resp {
    let s = stats_of(shared);
    let faults = shared
        .faults
        .lock()
        .map(|f| serde_json::to_value(&f.faults).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    let v = json!({
        "scenario": shared.scenario.name(),
        "connections": s.connections,
        "tls-handshakes": s.tls_handshakes,
        "tls-handshake-failures": s.tls_handshake_failures,
        "http-requests": s.http_requests,
        "requests": s.requests,
        "status-401": s.status_401,
        "status-307": s.status_307,
        "bytes-sent": s.bytes_sent,
        "han-off": *shared.han_off.borrow(),
        "faults": faults,
    });
    json_resp(
        StatusCode::OK,
        serde_json::to_vec_pretty(&v).unwrap_or_default(),
    )
}

async fn faults_endpoint(shared: &Shared, req: Request<Incoming>) -> Resp {
    match *req.method() {
        Method::GET => {}
        Method::POST => {
            let body = match http_body_util::Limited::new(req.into_body(), 1 << 16)
                .collect()
                .await
            {
                Ok(b) => b.to_bytes(),
                Err(_) => return error(StatusCode::BAD_REQUEST, "body unreadable"),
            };
            let body: &[u8] = if body.is_empty() { b"{}" } else { &body };
            match serde_json::from_slice::<Faults>(body) {
                Ok(f) => set_faults(shared, f),
                Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
            }
        }
        _ => return error(StatusCode::METHOD_NOT_ALLOWED, "GET or POST"),
    }
    let f = shared
        .faults
        .lock()
        .map(|f| f.faults.clone())
        .unwrap_or_default();
    json_resp(StatusCode::OK, serde_json::to_vec(&f).unwrap_or_default())
}
