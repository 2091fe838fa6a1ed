//! The IO under every maker's adapter: one TLS 1.2 connection to the gateway with the
//! certificate pinned (opened again when the gateway closes an idle one), one HTTP/1.1
//! request at a time. What to send and what an answer means is the adapter's business;
//! this only moves bytes, counts and keeps the peer certificate.

use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, CONTENT_LENGTH, HOST};
use hyper::Method;
use hyper_util::rt::TokioIo;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use han_protocol::ProtocolError;

use crate::error::Phase;
use crate::identity::{self, ClientIdentity};
use crate::pin::{Fingerprint, PinPolicy, PinningVerifier};
use crate::session::{Stats, Timeouts};
use crate::{tls, ClientError};

/// Where to connect and how to trust the gateway.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// Gateway address (IP address or name) as the user gave it; also the `Host` header.
    pub host: String,
    /// Port.
    pub port: u16,
    /// How to treat the gateway's certificate.
    pub pin: PinPolicy,
    /// The client certificate for mutual TLS, if the login uses one.
    pub identity: Option<ClientIdentity>,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Larger answers are refused.
    pub max_body_bytes: usize,
}

/// One request as the adapter wants it sent.
#[derive(Debug, Clone)]
pub struct HttpRequest<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// Path and query.
    pub uri: &'a str,
    /// Headers besides `Host` and `Content-Length`.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for `GET`).
    pub body: &'a [u8],
}

/// What became of one send.
#[derive(Debug)]
pub enum Outcome {
    /// The gateway answered.
    Answer {
        /// HTTP status.
        status: u16,
        /// Headers whose values are text, names in lower case.
        headers: Vec<(String, String)>,
        /// The body, complete.
        body: Vec<u8>,
    },
    /// No answer within the time limit (the connection is dropped: the answer may still
    /// come on it).
    Silence,
    /// The connection broke; `error` is what to report if the adapter gives up.
    Closed {
        /// Whether the request may have reached the gateway.
        request_sent: bool,
        /// What broke.
        error: ClientError,
    },
}

struct Conn {
    sender: SendRequest<Full<Bytes>>,
    last_used: Instant,
}

/// The TLS connection to one gateway.
pub struct Link {
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

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("stats", &self.stats)
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

impl Link {
    /// Prepares the connection; nothing is sent before the first [`Link::send`].
    pub fn new(opts: LinkOptions) -> Result<Link, ClientError> {
        let provider = Arc::new(tls::provider(
            opts.identity.as_ref().and_then(|i| i.info().curve),
        ));
        let verifier = Arc::new(PinningVerifier::new(opts.pin, provider.clone()));
        let config =
            tls::client_config(provider.clone(), verifier.clone(), opts.identity.as_ref())?;
        Ok(Link {
            host: opts.host,
            port: opts.port,
            connector: TlsConnector::from(Arc::new(config)),
            verifier,
            provider,
            conn: None,
            peer_der: Vec::new(),
            timeouts: opts.timeouts,
            max_body_bytes: opts.max_body_bytes,
            stats: Stats::default(),
        })
    }

    /// The address connected to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port connected to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The time limits in force.
    pub fn timeouts(&self) -> &Timeouts {
        &self.timeouts
    }

    /// The gateway's certificate (DER) as seen in the last handshake.
    pub fn peer_certificate(&self) -> &[u8] {
        &self.peer_der
    }

    /// SHA-256 fingerprint of the gateway's certificate.
    pub fn peer_fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.peer_der)
    }

    /// Counters: handshakes, requests, 401 answers.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Drops the connection; the next send opens a new one.
    pub fn close(&mut self) {
        self.conn = None;
    }

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

    /// A fresh client nonce for Digest, from the TLS provider's random source.
    pub fn cnonce(&self) -> Result<String, ClientError> {
        let mut buf = [0u8; 16];
        self.provider
            .secure_random
            .fill(&mut buf)
            .map_err(|_| ClientError::Tls("no random numbers available".to_owned()))?;
        Ok(hex::encode(buf))
    }

    /// Moves the bytes of one request: sends what the exchange asks for and feeds back
    /// Sends one request on the open connection (opening one first when there is none or
    /// it idled too long) and waits for the complete answer. `Host` and `Content-Length`
    /// are set here; `request.headers` add the rest.
    pub async fn send(
        &mut self,
        request: &HttpRequest<'_>,
        timeout: Duration,
    ) -> Result<Outcome, ClientError> {
        self.ensure_conn().await?;
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|e| ClientError::Http(e.to_string()))?;
        let mut builder = hyper::Request::builder()
            .method(method)
            .uri(request.uri)
            .header(HOST, host_header(&self.host, self.port))
            .header(CONTENT_LENGTH, request.body.len());
        for (name, value) in &request.headers {
            builder = builder.header(
                *name,
                HeaderValue::try_from(value.as_str())
                    .map_err(|e| ClientError::Http(e.to_string()))?,
            );
        }
        let request = builder
            .body(Full::new(Bytes::copy_from_slice(request.body)))
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
                Ok((parts, Ok(collected))) => Ok((parts, Vec::from(collected.to_bytes()))),
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
                if parts.status == hyper::StatusCode::UNAUTHORIZED {
                    self.stats.unauthorized += 1;
                }
                let headers = parts
                    .headers
                    .iter()
                    .filter_map(|(name, value)| {
                        Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                    })
                    .collect();
                Ok(Outcome::Answer {
                    status: parts.status.as_u16(),
                    headers,
                    body,
                })
            }
        }
    }
}
