//! The session: one TLS connection (re-opened transparently when the gateway closes an
//! idle one), one request at a time, the 307 discovery and typed calls. Which request to
//! send, with which credentials, and what an answer, a silence or a closed connection
//! means is decided by `han_protocol::exchange`; this file only moves the bytes.

use std::fmt;
use std::time::Duration;

use han_protocol::exchange::{Exchange, Failure, Login, Reply, Step};
use han_protocol::redirect::Origin;
use han_protocol::response::{self, Log, SelfTest, SmgwInfo, UsagePointInfo, UserInfo};
use han_protocol::{Limits, LogQuery, Request};

use crate::error::Phase;
use crate::identity::ClientIdentity;
use crate::link::{HttpRequest, Link, LinkOptions, Outcome};
use crate::pin::{Fingerprint, PinPolicy};
use crate::ClientError;

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

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("host", &self.link.host())
            .field("port", &self.link.port())
            .field("userid", &self.userid)
            .field("stats", &self.link.stats())
            .finish_non_exhaustive()
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

/// Passwords and key material are wiped from memory when the credentials are dropped
/// (the session keeps its own copy of a Digest password, wiped likewise).
impl Drop for Auth {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            Auth::Digest { password, .. } => password.zeroize(),
            Auth::Pkcs12 { data, password } => {
                data.zeroize();
                password.zeroize();
            }
            Auth::Pem { key, .. } => key.zeroize(),
            Auth::Certificate(_) => {}
        }
    }
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
            Auth::Digest {
                ref user,
                ref password,
            } => Login::digest(user.as_str(), password.as_str()),
            _ => Login::certificate(),
        };
        let link = Link::new(LinkOptions {
            host: opts.host.clone(),
            port: opts.port,
            pin: opts.pin,
            identity,
            timeouts: opts.timeouts,
            max_body_bytes: opts.limits.max_body_bytes,
        })?;
        let mut session = Session {
            origin: Origin {
                scheme: "https".to_owned(),
                host: opts.host,
                port: opts.port,
            },
            link,
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
        self.link.peer_certificate()
    }

    /// SHA-256 fingerprint of the gateway's certificate.
    pub fn peer_fingerprint(&self) -> Fingerprint {
        self.link.peer_fingerprint()
    }

    /// Whether the HAN certificate that `smgw-info` reports is the one the TLS
    /// connection presented; `None` when the gateway reported none or it is unreadable.
    pub fn han_certificate_matches(&self, info: &SmgwInfo) -> Option<bool> {
        let model = info.to_model().ok()?;
        let reported = model.tls_certificate()?;
        Some(reported.der == self.link.peer_certificate())
    }

    /// Counters: handshakes, requests, 401 answers.
    pub fn stats(&self) -> Stats {
        self.link.stats()
    }

    /// Whether Digest login had to fall back from SHA-256 to MD5 (firmware quirk).
    pub fn uses_md5_fallback(&self) -> bool {
        self.login.uses_md5_fallback()
    }

    /// Closes the connection (the next call reconnects).
    pub fn disconnect(&mut self) {
        self.link.close();
    }

    async fn discover(&mut self) -> Result<String, ClientError> {
        let timeout = self.link.timeouts().login;
        let exchange = Exchange::discover(&mut self.login, self.link.cnonce()?);
        let reply = roundtrip(&mut self.link, exchange, timeout).await?;
        Ok(reply.userid(&self.origin)?)
    }

    /// Sends a request to the consumer's address and returns the raw 200 body.
    pub async fn call_raw(&mut self, request: &Request) -> Result<Vec<u8>, ClientError> {
        let timeout = self.link.timeouts().response;
        let exchange = Exchange::call(&mut self.login, &self.userid, request, self.link.cnonce()?);
        let reply = roundtrip(&mut self.link, exchange, timeout).await?;
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

/// Moves the bytes of one request: sends what the exchange asks for and feeds back what
/// came (or did not come). Every decision is the exchange's.
async fn roundtrip(
    link: &mut Link,
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
            link.close();
        }
        let mut headers = vec![
            ("content-type", "application/json".to_owned()),
            ("accept", "application/json".to_owned()),
            ("x-content-length", exchange.body().len().to_string()),
        ];
        if let Some(a) = authorization {
            headers.push(("authorization", a));
        }
        let request = HttpRequest {
            method: exchange.method(),
            uri: exchange.uri(),
            headers,
            body: exchange.body(),
        };
        step = match link.send(&request, timeout).await? {
            Outcome::Answer {
                status,
                headers,
                body,
            } => {
                let headers: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect();
                exchange.on_response(status, &headers, body)
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
