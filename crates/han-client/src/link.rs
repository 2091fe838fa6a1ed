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
    /// The `Host` header, set when connecting.
    host_header: String,
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

/// Where a host text leads: what to connect to, the TLS server name and the `Host` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The socket address (IP literals, with the IPv6 scope id) or `name:port` to resolve.
    pub connect: ConnectTo,
    /// The TLS server name: the IP address without zone and brackets, or the host name.
    pub server_name: String,
    /// The `Host` header: IPv6 in brackets with the zone as RFC 6874 `%25`, `:port` unless 443.
    pub host_header: String,
}

/// What a TCP connection goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectTo {
    /// An IP address literal (IPv6 with its scope id).
    Addr(std::net::SocketAddr),
    /// A name, as `name:port`, resolved when connecting.
    Name(String),
}

/// Splits a host text as a user gives it into a [`Target`]: `192.168.33.2`, `smgw.local`,
/// `fe80::1`, `[fe80::1]`, `fe80::1%eth0`, `fe80::1%2`, `[fe80::1%eth0]` and the URI form
/// `[fe80::1%25eth0]` (RFC 6874; inside brackets `%25` is the `%`). A zone that is not a
/// number is an interface name, turned into its index by `zone_index` (on Unix
/// `if_nametoindex`). Errors say what is wrong with the text.
pub fn target(
    host: &str,
    port: u16,
    zone_index: impl Fn(&str) -> Option<u32>,
) -> Result<Target, String> {
    use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV6};
    let text = host.trim();
    let (inner, bracketed) = match text.strip_prefix('[') {
        Some(rest) => match rest.strip_suffix(']') {
            Some(inner) => (inner, true),
            None => return Err(format!("{text}: '[' without ']'")),
        },
        None => (text, false),
    };
    if inner.is_empty() {
        return Err("no address given".to_owned());
    }
    let with_port = |h: String| {
        if port == 443 {
            h
        } else {
            format!("{h}:{port}")
        }
    };
    let (addr_text, zone) = match inner.split_once('%') {
        Some((a, z)) => {
            // In a URI (brackets) the `%` of the zone is written `%25` (RFC 6874).
            let z = match z.strip_prefix("25") {
                Some(rest) if bracketed && !rest.is_empty() => rest,
                _ => z,
            };
            (a, Some(z))
        }
        None => (inner, None),
    };
    if let Some(z) = zone {
        if z.is_empty() || z.contains(|c: char| c == '%' || c == '/' || c.is_whitespace()) {
            return Err(format!(
                "{text}: zone id {z:?} is not an interface name or number"
            ));
        }
    }
    match (addr_text.parse::<IpAddr>(), zone) {
        (Ok(IpAddr::V6(v6)), zone) => {
            let scope = match zone {
                None => 0,
                Some(z) => match z.parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => zone_index(z).ok_or_else(|| {
                        format!("{text}: no network interface named {z:?} on this computer")
                    })?,
                },
            };
            let v6: Ipv6Addr = v6;
            let header = match zone {
                Some(z) => format!("[{v6}%25{z}]"),
                None => format!("[{v6}]"),
            };
            Ok(Target {
                connect: ConnectTo::Addr(SocketAddr::V6(SocketAddrV6::new(v6, port, 0, scope))),
                server_name: v6.to_string(),
                host_header: with_port(header),
            })
        }
        (Ok(IpAddr::V4(_)), Some(_)) => Err(format!("{text}: a zone id belongs to IPv6 only")),
        (Ok(IpAddr::V4(v4)), None) if !bracketed => Ok(Target {
            connect: ConnectTo::Addr(SocketAddr::new(IpAddr::V4(v4), port)),
            server_name: v4.to_string(),
            host_header: with_port(v4.to_string()),
        }),
        (Err(_), None) if !bracketed && !addr_text.contains(':') => Ok(Target {
            connect: ConnectTo::Name(format!("{addr_text}:{port}")),
            server_name: addr_text.to_owned(),
            host_header: with_port(addr_text.to_owned()),
        }),
        _ => Err(format!("{text}: neither an IP address nor a host name")),
    }
}

/// The index of a network interface by name (the zone of `fe80::1%eth0`); `None` if there
/// is none. Looked up among the interfaces that have an address (a link-local connection
/// needs one), with if-addrs: safe code here, and on Windows the adapter's name works too.
pub fn interface_index(name: &str) -> Option<u32> {
    if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .find(|interface| interface.name == name)
        .and_then(|interface| interface.index)
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
            host_header: String::new(),
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
        let target = self.target()?;
        let addr = match &target.connect {
            ConnectTo::Addr(a) => a.to_string(),
            ConnectTo::Name(n) => n.clone(),
        };
        let connect = async {
            match &target.connect {
                ConnectTo::Addr(a) => TcpStream::connect(*a).await,
                ConnectTo::Name(n) => TcpStream::connect(n.as_str()).await,
            }
        };
        let tcp = tokio::time::timeout(self.timeouts.connect, connect)
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
        self.host_header = target.host_header.clone();
        let name = ServerName::try_from(target.server_name.clone())
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

    /// Where the host text leads (see [`target`]).
    fn target(&self) -> Result<Target, ClientError> {
        target(&self.host, self.port, interface_index).map_err(|why| ClientError::Connect {
            addr: format!("{}:{}", self.host, self.port),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, why),
        })
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
            .header(HOST, self.host_header.as_str())
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

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

    use super::*;

    fn eth0(name: &str) -> Option<u32> {
        (name == "eth0").then_some(7)
    }

    fn v6(addr: &str, port: u16, scope: u32) -> ConnectTo {
        let ip: Ipv6Addr = addr.parse().unwrap();
        ConnectTo::Addr(SocketAddr::V6(SocketAddrV6::new(ip, port, 0, scope)))
    }

    #[test]
    fn link_local_with_interface_name_or_number() {
        for text in [
            "fe80::1%eth0",
            "[fe80::1%eth0]",
            "[fe80::1%25eth0]",
            " fe80::1%eth0 ",
        ] {
            let t = target(text, 443, eth0).unwrap();
            assert_eq!(t.connect, v6("fe80::1", 443, 7), "{text}");
            assert_eq!(t.server_name, "fe80::1", "{text}");
            assert_eq!(t.host_header, "[fe80::1%25eth0]", "{text}");
        }
        let t = target("fe80::1%7", 8443, eth0).unwrap();
        assert_eq!(t.connect, v6("fe80::1", 8443, 7));
        assert_eq!(t.host_header, "[fe80::1%257]:8443");
        // Unbracketed, `%25` is a zone of its own (the index 25), not an escaped `%`.
        let t = target("fe80::1%25", 443, eth0).unwrap();
        assert_eq!(t.connect, v6("fe80::1", 443, 25));
        // Bracketed URI form with a numeric zone.
        let t = target("[fe80::1%2512]", 443, eth0).unwrap();
        assert_eq!(t.connect, v6("fe80::1", 443, 12));
        // The TLS server name is the address without zone: rustls takes it as an IP.
        assert!(ServerName::try_from(t.server_name.clone()).is_ok());
    }

    #[test]
    fn plain_addresses_and_names() {
        let t = target("::1", 8443, eth0).unwrap();
        assert_eq!(t.connect, v6("::1", 8443, 0));
        assert_eq!(
            (t.server_name.as_str(), t.host_header.as_str()),
            ("::1", "[::1]:8443")
        );
        let t = target("[::1]", 443, eth0).unwrap();
        assert_eq!(t.host_header, "[::1]");
        let t = target("192.168.33.2", 443, eth0).unwrap();
        assert_eq!(
            t.connect,
            ConnectTo::Addr(SocketAddr::new(Ipv4Addr::new(192, 168, 33, 2).into(), 443))
        );
        assert_eq!(
            (t.server_name.as_str(), t.host_header.as_str()),
            ("192.168.33.2", "192.168.33.2")
        );
        let t = target("smgw.local", 8443, eth0).unwrap();
        assert_eq!(t.connect, ConnectTo::Name("smgw.local:8443".to_owned()));
        assert_eq!(
            (t.server_name.as_str(), t.host_header.as_str()),
            ("smgw.local", "smgw.local:8443")
        );
    }

    #[test]
    fn wrong_texts_say_what_is_wrong() {
        let e = target("fe80::1%wlan9", 443, eth0).unwrap_err();
        assert!(e.contains("no network interface named \"wlan9\""), "{e}");
        assert!(target("192.168.33.2%eth0", 443, eth0)
            .unwrap_err()
            .contains("IPv6 only"));
        assert!(target("[fe80::1", 443, eth0)
            .unwrap_err()
            .contains("without"));
        assert!(target("fe80::1%", 443, eth0).is_err());
        assert!(target("[smgw.local]", 443, eth0).is_err());
        assert!(target("fe80::zz", 443, eth0).is_err());
        assert!(target("", 443, eth0).is_err());
        assert!(target("[]", 443, eth0).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn interface_names_resolve_on_this_computer() {
        // The loopback interface exists everywhere (`lo` on Linux, `lo0` on the BSDs).
        let lo = interface_index("lo").or_else(|| interface_index("lo0"));
        assert!(lo.is_some_and(|i| i > 0), "{lo:?}");
        assert_eq!(interface_index("no-such-interface0"), None);
        assert_eq!(interface_index("nul\0byte"), None);
    }
}
