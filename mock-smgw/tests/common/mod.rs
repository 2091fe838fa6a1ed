//! A small, independent HTTPS + Digest client for testing the mock over real TLS.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use md5::Md5;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider, SupportedKxGroup};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme, SupportedProtocolVersion};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

pub use mock_smgw::{Options, RunningMock, Scenario};

pub fn scenario_dir(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).join(name)
}

pub fn reference(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference"
    ))
    .join(rel)
}

pub async fn start(name: &str) -> RunningMock {
    start_with(name, Options::default()).await
}

pub async fn start_with(name: &str, opts: Options) -> RunningMock {
    let sc = Scenario::builtin(name).expect("builtin scenario");
    mock_smgw::start(sc, "127.0.0.1:0".parse().expect("addr"), opts)
        .await
        .expect("mock starts")
}

/// Accepts exactly the pinned certificate (by SHA-256 fingerprint).
#[derive(Debug)]
struct Pin {
    fp: String,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pin {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if hex::encode(Sha256::digest(end_entity.as_ref())) == self.fp {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("fingerprint mismatch".into()))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

pub struct Tls {
    pub versions: Vec<&'static SupportedProtocolVersion>,
    pub kx: Vec<&'static dyn SupportedKxGroup>,
    pub client_cert: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
}

impl Default for Tls {
    fn default() -> Self {
        Self {
            versions: vec![&rustls::version::TLS12],
            kx: vec![ring::kx_group::SECP384R1],
            client_cert: None,
        }
    }
}

pub fn pem_identity(
    dir: &str,
    stem: &str,
) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let d = scenario_dir(dir);
    let cert = CertificateDer::from_pem_file(d.join(format!("{stem}.pem"))).expect("cert");
    let key = PrivateKeyDer::from_pem_file(d.join(format!("{stem}-key.pem"))).expect("key");
    (vec![cert], key)
}

pub fn p12_identity(
    path: &std::path::Path,
    password: &str,
) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let data = std::fs::read(path).expect("p12 file");
    let ks = p12_keystore::KeyStore::from_pkcs12(
        &data,
        password,
        p12_keystore::Pkcs12ImportPolicy::Strict,
    )
    .expect("p12 parses");
    let (_, chain) = ks.private_key_chain().expect("key chain");
    let certs = chain
        .certs()
        .iter()
        .map(|c| CertificateDer::from(c.as_der().to_vec()))
        .collect();
    let key = PrivateKeyDer::try_from(chain.key().as_der().to_vec()).expect("pkcs8");
    (certs, key)
}

pub fn client_config(fp: &str, t: Tls) -> Result<Arc<ClientConfig>, rustls::Error> {
    let provider = Arc::new(CryptoProvider {
        kx_groups: t.kx,
        ..ring::default_provider()
    });
    let b = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&t.versions)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pin {
            fp: fp.to_owned(),
            provider,
        }));
    Ok(Arc::new(match t.client_cert {
        Some((c, k)) => b.with_client_auth_cert(c, k)?,
        None => b.with_no_client_auth(),
    }))
}

pub async fn connect_with(mock: &RunningMock, t: Tls) -> std::io::Result<Conn> {
    connect_addr(mock.addr(), mock.fingerprint_sha256(), t).await
}

pub async fn connect_addr(addr: SocketAddr, fp: &str, t: Tls) -> std::io::Result<Conn> {
    let cfg = client_config(fp, t).map_err(std::io::Error::other)?;
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("127.0.0.1").map_err(std::io::Error::other)?;
    let mut stream = TlsConnector::from(cfg).connect(name, tcp).await?;
    // With TLS 1.2 a refused client certificate is only noticed by the server after our
    // Finished; a zero-length flush gets the alert back if there is one.
    stream.flush().await?;
    Ok(Conn {
        stream,
        buf: Vec::new(),
    })
}

pub async fn connect(mock: &RunningMock) -> Conn {
    connect_with(mock, Tls::default())
        .await
        .expect("TLS connect")
}

pub async fn connect_cert(mock: &RunningMock, dir: &str, stem: &str) -> Conn {
    let t = Tls {
        client_cert: Some(pem_identity(dir, stem)),
        ..Tls::default()
    };
    connect_with(mock, t)
        .await
        .expect("TLS connect with client cert")
}

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The whole response as received (status line, headers, body).
    pub raw: Vec<u8>,
    /// False if the connection ended before Content-Length bytes arrived.
    pub complete: bool,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

pub struct Conn {
    pub stream: TlsStream<TcpStream>,
    buf: Vec<u8>,
}

impl Conn {
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.stream.write_all(&bytes).await?;
        self.stream.flush().await?;
        self.read_response().await
    }

    /// Sends `bytes` as they are (a request the polite `send` would never build).
    pub async fn send_bytes(&mut self, bytes: &[u8]) -> std::io::Result<Resp> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await?;
        self.read_response().await
    }

    async fn fill(&mut self) -> std::io::Result<usize> {
        let mut tmp = [0u8; 16384];
        let n = self.stream.read(&mut tmp).await?;
        self.buf.extend_from_slice(&tmp[..n]);
        Ok(n)
    }

    async fn read_response(&mut self) -> std::io::Result<Resp> {
        let head_end = loop {
            if let Some(p) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            if self.fill().await? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "closed before response",
                ));
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other("bad status line"))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut complete = true;
        while self.buf.len() < head_end + len {
            match self.fill().await {
                Ok(0) | Err(_) => {
                    complete = false;
                    break;
                }
                Ok(_) => {}
            }
        }
        let end = (head_end + len).min(self.buf.len());
        let raw: Vec<u8> = self.buf.drain(..end).collect();
        Ok(Resp {
            status,
            headers,
            body: raw[head_end..].to_vec(),
            raw,
            complete,
        })
    }
}

/// Client side of Digest, written from RFC 7616 (independent of the mock's code).
#[derive(Clone)]
pub struct DigestClient {
    pub user: String,
    pub pass: String,
    pub realm: String,
    pub nonce: String,
    pub opaque: String,
    pub algorithm: String,
    /// Hash to use regardless of the announced algorithm (for the quirk).
    pub force_md5: bool,
    pub nc: u32,
}

pub fn challenge_params(www: &str) -> std::collections::HashMap<String, String> {
    let rest = www.strip_prefix("Digest ").expect("Digest challenge");
    let mut m = std::collections::HashMap::new();
    for part in rest.split(", ") {
        if let Some((k, v)) = part.split_once('=') {
            m.insert(k.to_owned(), v.trim_matches('"').to_owned());
        }
    }
    m
}

impl DigestClient {
    pub fn from_challenge(www: &str, user: &str, pass: &str) -> Self {
        let p = challenge_params(www);
        DigestClient {
            user: user.into(),
            pass: pass.into(),
            realm: p["realm"].clone(),
            nonce: p["nonce"].clone(),
            opaque: p["opaque"].clone(),
            algorithm: p.get("algorithm").cloned().unwrap_or_else(|| "MD5".into()),
            force_md5: false,
            nc: 0,
        }
    }

    fn h(&self, s: &str) -> String {
        if self.force_md5 || self.algorithm == "MD5" {
            hex::encode(Md5::digest(s.as_bytes()))
        } else {
            hex::encode(Sha256::digest(s.as_bytes()))
        }
    }

    pub fn authorization(&mut self, method: &str, uri: &str) -> String {
        self.nc += 1;
        self.header_with_nc(method, uri, self.nc)
    }

    pub fn header_with_nc(&self, method: &str, uri: &str, nc: u32) -> String {
        let nc = format!("{nc:08x}");
        let cnonce = "0a4f113b";
        let ha1 = self.h(&format!("{}:{}:{}", self.user, self.realm, self.pass));
        let ha2 = self.h(&format!("{method}:{uri}"));
        let resp = self.h(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce));
        format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", algorithm={}, \
             response=\"{resp}\", qop=auth, nc={nc}, cnonce=\"{cnonce}\", opaque=\"{}\"",
            self.user, self.realm, self.nonce, self.algorithm, self.opaque
        )
    }
}

/// A logged-in session: one connection, Digest with nonce reuse (or a client certificate).
pub struct Session {
    pub conn: Conn,
    pub digest: Option<DigestClient>,
    pub userid: String,
    pub extra_headers: Vec<(String, String)>,
}

pub const JSON: (&str, &str) = ("Content-Type", "application/json");

impl Session {
    /// Digest login: GET /smgw/m2m → 401 → authenticated GET → 307.
    pub async fn digest(mock: &RunningMock, user: &str, pass: &str) -> Session {
        let mut conn = connect(mock).await;
        let r = conn
            .send("GET", "/smgw/m2m", &[JSON], b"")
            .await
            .expect("401");
        assert_eq!(r.status, 401);
        let mut d = DigestClient::from_challenge(
            r.header("WWW-Authenticate").expect("challenge"),
            user,
            pass,
        );
        let auth = d.authorization("GET", "/smgw/m2m");
        let r = conn
            .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
            .await
            .expect("307");
        assert_eq!(r.status, 307, "login as {user}");
        let userid = userid_of(&r);
        Session {
            conn,
            digest: Some(d),
            userid,
            extra_headers: Vec::new(),
        }
    }

    /// Digest login against a gateway announcing SHA-256 (same flow, the hash follows the
    /// challenge).
    pub async fn digest_sha256(mock: &RunningMock, user: &str, pass: &str) -> Session {
        Self::digest(mock, user, pass).await
    }

    /// Client-certificate login.
    pub async fn cert(mock: &RunningMock, dir: &str, stem: &str) -> Session {
        let mut conn = connect_cert(mock, dir, stem).await;
        let r = conn
            .send("GET", "/smgw/m2m", &[JSON], b"")
            .await
            .expect("307");
        assert_eq!(r.status, 307);
        let userid = userid_of(&r);
        Session {
            conn,
            digest: None,
            userid,
            extra_headers: Vec::new(),
        }
    }

    pub fn path(&self) -> String {
        format!("/smgw/m2m/{}/json", self.userid)
    }

    pub async fn post_raw(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let auth = self.digest.as_mut().map(|d| d.authorization("POST", path));
        let mut h: Vec<(&str, &str)> = headers.to_vec();
        if let Some(a) = &auth {
            h.push(("Authorization", a));
        }
        for (k, v) in &self.extra_headers {
            h.push((k, v));
        }
        self.conn.send("POST", path, &h, body).await
    }

    pub async fn call(&mut self, body: Value) -> Resp {
        let path = self.path();
        let bytes = serde_json::to_vec(&body).expect("json");
        self.post_raw(&path, &[JSON], &bytes)
            .await
            .expect("response")
    }

    pub async fn ok(&mut self, body: Value) -> Value {
        let r = self.call(body.clone()).await;
        assert_eq!(
            r.status,
            200,
            "{body} → {}",
            String::from_utf8_lossy(&r.body)
        );
        r.json()
    }
}

pub fn userid_of(r: &Resp) -> String {
    let loc = r.header("Location").expect("Location");
    loc.strip_prefix("/smgw/m2m/")
        .and_then(|l| l.strip_suffix("/json"))
        .expect("location shape")
        .to_owned()
}

pub fn have(bin: &str) -> bool {
    let ok = std::process::Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let ok = ok
        || std::process::Command::new(bin)
            .arg("version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
    if !ok {
        eprintln!("SKIPPED: `{bin}` is not installed");
    }
    ok
}

pub async fn with_timeout<F: std::future::Future>(d: Duration, f: F) -> Option<F::Output> {
    tokio::time::timeout(d, f).await.ok()
}
