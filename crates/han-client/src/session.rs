//! The session: one TLS connection (re-opened transparently when the gateway closes an
//! idle one), one request at a time, the 307 discovery and typed calls. Which request to
//! send, with which credentials, and what an answer, a silence or a closed connection
//! means is decided by `han_protocol::exchange`; this file only moves the bytes.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use han_protocol::exchange::{Exchange, Failure, Login, Reply, Step};
use han_protocol::redirect::Origin;
use han_protocol::response::{self, Log, SelfTest, SmgwInfo, UsagePointInfo, UserInfo};
use han_protocol::{Limits, LogQuery, ProtocolError, Request};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use hyper::Method;
use hyper_util::rt::TokioIo;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::error::Phase;
use crate::identity::{self, ClientIdentity};
use crate::pin::{Fingerprint, PinPolicy, PinningVerifier};
use crate::{tls, ClientError};

/// How to log in.
#[derive(Clone)]
pub enum Auth {
    /// HTTP Digest with user name and password.
    Digest {
        /// User name.
        user: String,
        /// Password.
        password: String,
    },
    /// Mutual TLS with an already loaded identity (see [`ClientIdentity`]).
    Certificate(ClientIdentity),
    /// Mutual TLS with a PKCS#12 file's content and its password.
    Pkcs12 {
        /// The file content.
        data: Vec<u8>,
        /// Its password.
        password: String,
    },
    /// Mutual TLS with PEM certificate and key.
    Pem {
        /// PEM certificate chain.
        cert: Vec<u8>,
        /// PEM private key.
        key: Vec<u8>,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Digest { user, .. } => {
                write!(f, "Digest {{ user: {user:?}, password: <hidden> }}")
            }
            Auth::Certificate(id) => write!(f, "Certificate({id:?})"),
            Auth::Pkcs12 { data, .. } => {
                write!(f, "Pkcs12 {{ {} bytes, password: <hidden> }}", data.len())
            }
            Auth::Pem { .. } => f.write_str("Pem { <hidden> }"),
        }
    }
}

/// Time limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening the TCP connection.
    pub connect: Duration,
    /// The TLS handshake.
    pub handshake: Duration,
    /// Waiting for one complete response.
    pub response: Duration,
    /// Waiting for the answer to the login request (the discovery `GET` carrying
    /// credentials). Kept short because some firmware answers wrong credentials, and a
    /// SHA-256 response it cannot check, with silence rather than 401.
    pub login: Duration,
    /// A connection unused this long is replaced before the next request: the gateway
    /// closes idle connections after 10 minutes.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            handshake: Duration::from_secs(15),
            response: Duration::from_secs(60),
            login: Duration::from_secs(10),
            idle: Duration::from_secs(9 * 60),
        }
    }
}

/// Everything needed to open a session.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Gateway address (IP address or name).
    pub host: String,
    /// Port, 443 by default.
    pub port: u16,
    /// How to log in.
    pub auth: Auth,
    /// How to treat the gateway's certificate.
    pub pin: PinPolicy,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Size limits for responses.
    pub limits: Limits,
}

impl ConnectOptions {
    /// Options with port 443, default timeouts and limits.
    pub fn new(host: impl Into<String>, auth: Auth, pin: PinPolicy) -> Self {
        ConnectOptions {
            host: host.into(),
            port: 443,
            auth,
            pin,
            timeouts: Timeouts::default(),
            limits: Limits::default(),
        }
    }
}

pub use gateway::CancelFlag;

pub use gateway::Progress;

/// Entry point matching the front ends' vocabulary.
pub struct Connection;

impl Connection {
    /// Opens a session: TLS, login and discovery of the consumer's address.
    pub async fn connect(opts: ConnectOptions) -> Result<Session, ClientError> {
        Session::connect(opts).await
    }
}

struct Conn {
    sender: SendRequest<Full<Bytes>>,
    last_used: Instant,
}

/// What became of one send.
enum Outcome {
    /// The gateway answered.
    Answer {
        parts: hyper::http::response::Parts,
        body: Vec<u8>,
    },
    /// No answer within the time limit.
    Silence,
    /// The connection broke; `error` is what to report if the exchange gives up.
    Closed {
        request_sent: bool,
        error: ClientError,
    },
}

/// Counters for tests and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// TLS handshakes performed (1 + reconnects).
    pub handshakes: u32,
    /// HTTP requests sent (including authentication round trips and retries).
    pub requests: u32,
    /// 401 answers received.
    pub unauthorized: u32,
}

/// An open session with a gateway.
pub struct Session {
    link: Link,
    /// Every login and retry decision; `link` only moves bytes.
    login: Login,
    origin: Origin,
    userid: String,
    limits: Limits,
}

/// The IO side: the TLS connection to the gateway, opened again when needed.
struct Link {
    host: String,
    port: u16,
    connector: TlsConnector,
    verifier: Arc<PinningVerifier>,
    provider: Arc<CryptoProvider>,
    conn: Option<Conn>,
    peer_der: Vec<u8>,
    timeouts: Timeouts,
    max_body_bytes: usize,
    stats: Stats,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("host", &self.link.host)
            .field("port", &self.link.port)
            .field("userid", &self.userid)
            .field("stats", &self.link.stats)
            .finish_non_exhaustive()
    }
}

fn host_header(host: &str, port: u16) -> String {
    let h = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    if port == 443 {
        h
    } else {
        format!("{h}:{port}")
    }
}

/// The client's error for a failed exchange; `after` is the time limit that applied.
fn client_error(failure: Failure, after: Duration) -> ClientError {
    match failure {
        Failure::LoginRefused => ClientError::LoginRefused,
        Failure::SilentAfterCredentials => ClientError::SilentAfterCredentials { after },
        Failure::Timeout => ClientError::Timeout {
            phase: Phase::Response,
            after,
        },
        Failure::CertificateNotAccepted => ClientError::CertificateNotAccepted,
        // The roundtrip reports the IO error it saw instead; this is only a fallback.
        Failure::ConnectionLost => ClientError::Http("connection lost".to_owned()),
        Failure::SelfTestLocked => ClientError::SelfTestLocked,
        Failure::Protocol(e) => ClientError::Protocol(e),
    }
}

/// Finds a rustls error inside an IO error chain.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(r) = inner.downcast_ref::<rustls::Error>() {
                    return Some(r);
                }
            }
        }
        cur = err.source();
    }
    None
}

impl Session {
    /// Opens a session: TLS, login and discovery of the consumer's address.
    pub async fn connect(opts: ConnectOptions) -> Result<Session, ClientError> {
        let identity = match opts.auth {
            Auth::Digest { .. } => None,
            Auth::Certificate(ref id) => Some(id.clone()),
            Auth::Pkcs12 {
                ref data,
                ref password,
            } => Some(ClientIdentity::from_pkcs12(data, password)?),
            Auth::Pem { ref cert, ref key } => Some(ClientIdentity::from_pem(cert, key)?),
        };
        let login = match opts.auth {
            Auth::Digest { user, password } => Login::digest(user, password),
            _ => Login::certificate(),
        };
        let provider = Arc::new(tls::provider(
            identity.as_ref().and_then(|i| i.info().curve),
        ));
        let verifier = Arc::new(PinningVerifier::new(opts.pin, provider.clone()));
        let config = tls::client_config(provider.clone(), verifier.clone(), identity.as_ref())?;
        let mut session = Session {
            origin: Origin {
                scheme: "https".to_owned(),
                host: opts.host.clone(),
                port: opts.port,
            },
            link: Link {
                host: opts.host,
                port: opts.port,
                connector: TlsConnector::from(Arc::new(config)),
                verifier,
                provider,
                conn: None,
                peer_der: Vec::new(),
                timeouts: opts.timeouts,
                max_body_bytes: opts.limits.max_body_bytes,
                stats: Stats::default(),
            },
            login,
            userid: String::new(),
            limits: opts.limits,
        };
        session.userid = session.discover().await?;
        Ok(session)
    }

    /// The size limits answers are parsed with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The consumer's userid from the 307 redirect.
    pub fn userid(&self) -> &str {
        &self.userid
    }

    /// The gateway's certificate (DER) as seen in the last handshake.
    pub fn peer_certificate(&self) -> &[u8] {
        &self.link.peer_der
    }

    /// SHA-256 fingerprint of the gateway's certificate.
    pub fn peer_fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.link.peer_der)
    }

    /// Whether the HAN certificate that `smgw-info` reports is the one the TLS
    /// connection presented; `None` when the gateway reported none or it is unreadable.
    pub fn han_certificate_matches(&self, info: &SmgwInfo) -> Option<bool> {
        let model = info.to_model().ok()?;
        let reported = model.tls_certificate()?;
        Some(reported.der == self.link.peer_der)
    }

    /// Counters: handshakes, requests, 401 answers.
    pub fn stats(&self) -> Stats {
        self.link.stats
    }

    /// Whether Digest login had to fall back from SHA-256 to MD5 (firmware quirk).
    pub fn uses_md5_fallback(&self) -> bool {
        self.login.uses_md5_fallback()
    }

    /// Closes the connection (the next call reconnects).
    pub fn disconnect(&mut self) {
        self.link.conn = None;
    }

    async fn discover(&mut self) -> Result<String, ClientError> {
        let timeout = self.link.timeouts.login;
        let exchange = Exchange::discover(&mut self.login, self.link.cnonce()?);
        let reply = self.link.roundtrip(exchange, timeout).await?;
        Ok(reply.userid(&self.origin)?)
    }

    /// Sends a request to the consumer's address and returns the raw 200 body.
    pub async fn call_raw(&mut self, request: &Request) -> Result<Vec<u8>, ClientError> {
        let timeout = self.link.timeouts.response;
        let exchange = Exchange::call(&mut self.login, &self.userid, request, self.link.cnonce()?);
        let reply = self.link.roundtrip(exchange, timeout).await?;
        reply
            .into_body(request.call())
            .map_err(|failure| client_error(failure, timeout))
    }

    /// `smgw-info`: about the gateway.
    pub async fn gateway_info(&mut self) -> Result<SmgwInfo, ClientError> {
        let body = self.call_raw(&Request::SmgwInfo).await?;
        Ok(response::parse_smgw_info(&body, &self.limits)?)
    }

    /// `user-info`: the consumer's contracts.
    pub async fn contracts(&mut self) -> Result<UserInfo, ClientError> {
        let body = self.call_raw(&Request::UserInfo).await?;
        Ok(response::parse_user_info(&body, &self.limits)?)
    }

    /// `usage-point-info`: one contract in detail.
    pub async fn contract_detail(
        &mut self,
        usage_point_id: &str,
        database: Option<&str>,
    ) -> Result<UsagePointInfo, ClientError> {
        let body = self
            .call_raw(&Request::UsagePointInfo {
                usage_point_id: usage_point_id.to_owned(),
                database: database.map(str::to_owned),
            })
            .await?;
        Ok(response::parse_usage_point_info(&body, &self.limits)?)
    }

    /// One `log` request as given.
    pub async fn log(&mut self, query: LogQuery) -> Result<Log, ClientError> {
        let body = self.call_raw(&Request::Log(query)).await?;
        Ok(response::parse_log(&body, &self.limits)?)
    }

    /// Starts the self-test. A cool-down (403) gives [`ClientError::SelfTestLocked`].
    pub async fn self_test(&mut self) -> Result<SelfTest, ClientError> {
        let body = self.call_raw(&Request::SelfTest).await?;
        Ok(response::parse_self_test(&body, &self.limits)?)
    }
}

impl Link {
    async fn open(&mut self) -> Result<(), ClientError> {
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        let addr = if bare.contains(':') {
            format!("[{bare}]:{}", self.port)
        } else {
            format!("{bare}:{}", self.port)
        };
        let tcp = tokio::time::timeout(self.timeouts.connect, TcpStream::connect(&addr))
            .await
            .map_err(|_| ClientError::Timeout {
                phase: Phase::Connect,
                after: self.timeouts.connect,
            })?
            .map_err(|source| ClientError::Connect {
                addr: addr.clone(),
                source,
            })?;
        // Requests are small and strictly sequential: do not let Nagle delay them.
        let _ = tcp.set_nodelay(true);
        let name = ServerName::try_from(bare.to_owned())
            .map_err(|e| ClientError::Tls(format!("invalid host name: {e}")))?;
        self.stats.handshakes += 1;
        let tls = tokio::time::timeout(self.timeouts.handshake, self.connector.connect(name, tcp))
            .await
            .map_err(|_| ClientError::Timeout {
                phase: Phase::Handshake,
                after: self.timeouts.handshake,
            })?
            .map_err(|e| self.handshake_error(e))?;
        if let Some(cert) = tls.get_ref().1.peer_certificates().and_then(|c| c.first()) {
            self.peer_der = cert.as_ref().to_vec();
        }
        let (sender, driver) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| ClientError::Http(e.to_string()))?;
        // The driver ends when the gateway closes the connection; the sender then reports
        // itself closed and the next request reconnects.
        tokio::spawn(async move {
            let _ = driver.await;
        });
        self.conn = Some(Conn {
            sender,
            last_used: Instant::now(),
        });
        Ok(())
    }

    fn handshake_error(&self, e: std::io::Error) -> ClientError {
        match rustls_error(&e) {
            Some(rustls::Error::AlertReceived(a)) => ClientError::TlsAlert(u8::from(*a)),
            Some(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            )) => match self.verifier.last_seen() {
                Some(seen) => {
                    let subject = identity::subject_or_placeholder(&seen.der);
                    match self.verifier_pin() {
                        Some(pinned) => ClientError::CertificateChanged {
                            pinned,
                            presented: seen.fingerprint,
                            subject,
                        },
                        None => ClientError::UnknownCertificate {
                            fingerprint: seen.fingerprint,
                            subject,
                        },
                    }
                }
                None => ClientError::Tls(e.to_string()),
            },
            Some(other) => ClientError::Tls(other.to_string()),
            None => ClientError::Tls(e.to_string()),
        }
    }

    fn verifier_pin(&self) -> Option<Fingerprint> {
        self.verifier.pin()
    }

    async fn ensure_conn(&mut self) -> Result<(), ClientError> {
        let usable = self
            .conn
            .as_ref()
            .is_some_and(|c| !c.sender.is_closed() && c.last_used.elapsed() < self.timeouts.idle);
        if !usable {
            self.conn = None;
            self.open().await?;
        }
        Ok(())
    }

    fn cnonce(&self) -> Result<String, ClientError> {
        let mut buf = [0u8; 16];
        self.provider
            .secure_random
            .fill(&mut buf)
            .map_err(|_| ClientError::Tls("no random numbers available".to_owned()))?;
        Ok(hex::encode(buf))
    }

    /// Moves the bytes of one request: sends what the exchange asks for and feeds back
    /// what came (or did not come). Every decision is the exchange's.
    async fn roundtrip(
        &mut self,
        mut exchange: Exchange<'_>,
        timeout: Duration,
    ) -> Result<Reply, ClientError> {
        let mut step = exchange.start();
        loop {
            let (authorization, reconnect) = match step {
                Step::Send {
                    authorization,
                    reconnect,
                } => (authorization, reconnect),
                Step::Done(reply) => return Ok(reply),
                Step::Fail(failure) => return Err(client_error(failure, timeout)),
            };
            if reconnect {
                self.conn = None;
            }
            self.ensure_conn().await?;
            step = match self.send(&exchange, authorization, timeout).await? {
                Outcome::Answer { parts, body } => {
                    if parts.status == hyper::StatusCode::UNAUTHORIZED {
                        self.stats.unauthorized += 1;
                    }
                    let headers: Vec<(&str, &str)> = parts
                        .headers
                        .iter()
                        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
                        .collect();
                    exchange.on_response(parts.status.as_u16(), &headers, body)
                }
                Outcome::Silence => exchange.on_timeout(),
                Outcome::Closed {
                    request_sent,
                    error,
                } => match exchange.on_connection_closed(request_sent) {
                    Step::Fail(Failure::ConnectionLost) => return Err(error),
                    next => next,
                },
            };
        }
    }

    /// Sends the exchange's request once and waits for the complete answer.
    async fn send(
        &mut self,
        exchange: &Exchange<'_>,
        authorization: Option<String>,
        timeout: Duration,
    ) -> Result<Outcome, ClientError> {
        let body = exchange.body();
        let method = Method::from_bytes(exchange.method().as_bytes())
            .map_err(|e| ClientError::Http(e.to_string()))?;
        let mut builder = hyper::Request::builder()
            .method(method)
            .uri(exchange.uri())
            .header(HOST, host_header(&self.host, self.port))
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .header(CONTENT_LENGTH, body.len())
            .header("X-Content-Length", body.len());
        if let Some(a) = authorization {
            builder = builder.header(
                AUTHORIZATION,
                HeaderValue::try_from(a).map_err(|e| ClientError::Http(e.to_string()))?,
            );
        }
        let request = builder
            .body(Full::new(Bytes::copy_from_slice(body)))
            .map_err(|e| ClientError::Http(e.to_string()))?;
        self.stats.requests += 1;
        let Some(conn) = self.conn.as_mut() else {
            return Err(ClientError::Http("no connection".to_owned()));
        };
        let limit = self.max_body_bytes;
        let mut dispatched = false;
        let exchange = async {
            conn.sender.ready().await?;
            dispatched = true;
            let resp = conn.sender.send_request(request).await?;
            let (parts, incoming) = resp.into_parts();
            let body = Limited::new(incoming, limit).collect().await;
            Ok::<_, hyper::Error>((parts, body))
        };
        let outcome = tokio::time::timeout(timeout, async {
            match exchange.await {
                Ok((parts, Ok(collected))) => Ok((parts, collected.to_bytes().to_vec())),
                Ok((_, Err(e))) => Err(Err(e)),
                Err(e) => Err(Ok(e)),
            }
        })
        .await;
        match outcome {
            Err(_) => {
                // The answer may still come on this connection: never reuse it.
                self.conn = None;
                Ok(Outcome::Silence)
            }
            Ok(Err(Ok(hyper_err))) => {
                self.conn = None;
                let error = match rustls_error(&hyper_err) {
                    Some(rustls::Error::AlertReceived(a)) => ClientError::TlsAlert(u8::from(*a)),
                    _ => ClientError::Http(hyper_err.to_string()),
                };
                Ok(Outcome::Closed {
                    // A request hyper never wrote cannot have started anything.
                    request_sent: dispatched && !hyper_err.is_canceled(),
                    error,
                })
            }
            Ok(Err(Err(body_err))) => {
                self.conn = None;
                if body_err
                    .downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
                {
                    return Err(ProtocolError::TooLarge {
                        what: "response body in bytes".to_owned(),
                        limit: limit as u64,
                        actual: limit as u64 + 1,
                    }
                    .into());
                }
                Ok(Outcome::Closed {
                    request_sent: true,
                    error: ClientError::Http(body_err.to_string()),
                })
            }
            Ok(Ok((parts, body))) => {
                if let Some(c) = self.conn.as_mut() {
                    c.last_used = Instant::now();
                }
                Ok(Outcome::Answer { parts, body })
            }
        }
    }
}
