//! Server side of HTTP Digest authentication (RFC 7616, `qop="auth"`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::config::DigestAlgorithm;

/// Outcome of checking an `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Authenticated as the consumer with this index.
    Ok(usize),
    /// The response was right but the nonce is expired (or unknown): `401` with `stale=true`.
    Stale,
    /// Wrong user name or password (or an unsupported algorithm, which looks the same to
    /// the gateway: the response does not verify).
    Denied,
    /// A replayed `nc`, a foreign realm or opaque: a protocol error, always answered with 401.
    Rejected,
    /// The header is malformed or its `uri` does not match the request: `400`.
    BadRequest,
}

struct NonceInfo {
    issued: Instant,
    last_nc: u64,
}

/// Nonce bookkeeping and verification.
pub(crate) struct DigestServer {
    algorithm: DigestAlgorithm,
    realm: String,
    lifetime: Duration,
    seed: u64,
    counter: AtomicU64,
    opaque: String,
    nonces: Mutex<HashMap<String, NonceInfo>>,
    force_stale: AtomicBool,
}

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Parses `Digest a=b, c="d, e"` into its parameters (keys lower-cased).
pub(crate) fn parse_params(header: &str) -> Option<HashMap<String, String>> {
    let rest = header.trim_start();
    let (scheme, rest) = rest.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let mut out = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        if chars.next() != Some('=') {
            return None;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => value.push(chars.next()?),
                    Some('"') => break,
                    Some(c) => value.push(c),
                    None => return None,
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    Some(out)
}

impl DigestServer {
    pub(crate) fn new(
        algorithm: DigestAlgorithm,
        realm: &str,
        lifetime: Duration,
        seed: u64,
    ) -> Self {
        let opaque = sha256_hex(&format!("opaque:{seed}"))[..32].to_owned();
        Self {
            algorithm,
            realm: realm.to_owned(),
            lifetime,
            seed,
            counter: AtomicU64::new(0),
            opaque,
            nonces: Mutex::new(HashMap::new()),
            force_stale: AtomicBool::new(false),
        }
    }

    /// Marks the nonce of the next authenticated request as expired (a fault).
    pub(crate) fn force_stale_next(&self) {
        self.force_stale.store(true, Ordering::SeqCst);
    }

    /// A `WWW-Authenticate` value with a fresh nonce. Nonces are derived from the seed and a
    /// counter so that a replayed scenario produces the same bytes.
    pub(crate) fn challenge(&self, stale: bool) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let nonce = sha256_hex(&format!("nonce:{}:{n}", self.seed))[..32].to_owned();
        if let Ok(mut map) = self.nonces.lock() {
            if map.len() > 4096 {
                let horizon = self.lifetime * 4;
                map.retain(|_, v| v.issued.elapsed() < horizon);
            }
            map.insert(
                nonce.clone(),
                NonceInfo {
                    issued: Instant::now(),
                    last_nc: 0,
                },
            );
        }
        let alg = match self.algorithm {
            DigestAlgorithm::Md5 => "MD5",
            DigestAlgorithm::Sha256 | DigestAlgorithm::Sha256AnnouncedMd5Checked => "SHA-256",
        };
        let mut s = format!(
            "Digest realm=\"{}\", qop=\"auth\", algorithm={alg}, nonce=\"{nonce}\", opaque=\"{}\"",
            self.realm, self.opaque
        );
        if stale {
            s.push_str(", stale=true");
        }
        s
    }

    /// Checks an `Authorization` header for `method uri` against the consumers'
    /// `(username, password)` pairs (index = consumer index).
    pub(crate) fn verify(
        &self,
        header: &str,
        method: &str,
        uri: &str,
        users: &[(Option<&str>, Option<&str>)],
    ) -> Verdict {
        let Some(p) = parse_params(header) else {
            return Verdict::Rejected;
        };
        let get = |k: &str| p.get(k).map(String::as_str);
        let (Some(username), Some(realm), Some(nonce), Some(h_uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return Verdict::BadRequest;
        };
        if h_uri != uri {
            return Verdict::BadRequest;
        }
        if realm != self.realm || get("opaque") != Some(self.opaque.as_str()) {
            return Verdict::Rejected;
        }
        let (Some("auth"), Some(nc), Some(cnonce)) = (get("qop"), get("nc"), get("cnonce")) else {
            return Verdict::Rejected;
        };
        let Ok(nc_val) = u64::from_str_radix(nc, 16) else {
            return Verdict::BadRequest;
        };
        let claimed = get("algorithm").unwrap_or("MD5");
        let hash: fn(&str) -> String = match (self.algorithm, claimed.to_ascii_uppercase().as_str())
        {
            (DigestAlgorithm::Md5, "MD5") => md5_hex,
            (DigestAlgorithm::Sha256, "SHA-256") => sha256_hex,
            // The quirk: whatever the client claims, only an MD5 response verifies.
            (DigestAlgorithm::Sha256AnnouncedMd5Checked, "MD5" | "SHA-256") => md5_hex,
            _ => return Verdict::Denied,
        };
        let Some(idx) = users.iter().position(|(u, _)| *u == Some(username)) else {
            return Verdict::Denied;
        };
        let password = users[idx].1.unwrap_or("");
        let ha1 = hash(&format!("{username}:{realm}:{password}"));
        let ha2 = hash(&format!("{method}:{uri}"));
        let expected = hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
        if !constant_time_eq(
            expected.as_bytes(),
            response.to_ascii_lowercase().as_bytes(),
        ) {
            return Verdict::Denied;
        }
        let Ok(mut map) = self.nonces.lock() else {
            return Verdict::Stale;
        };
        let Some(info) = map.get_mut(nonce) else {
            return Verdict::Stale;
        };
        if info.issued.elapsed() > self.lifetime || self.force_stale.swap(false, Ordering::SeqCst) {
            map.remove(nonce);
            return Verdict::Stale;
        }
        if nc_val <= info.last_nc {
            return Verdict::Rejected;
        }
        info.last_nc = nc_val;
        Verdict::Ok(idx)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(ch: &str, hash: fn(&str) -> String, alg: &str, nc: &str, pw: &str) -> String {
        let p = parse_params(ch).unwrap_or_default();
        let nonce = &p["nonce"];
        let ha1 = hash(&format!("demo:SMGW:{pw}"));
        let ha2 = hash("GET:/smgw/m2m");
        let r = hash(&format!("{ha1}:{nonce}:{nc}:c1:auth:{ha2}"));
        format!(
            "Digest username=\"demo\", realm=\"SMGW\", nonce=\"{nonce}\", uri=\"/smgw/m2m\", \
             algorithm={alg}, response=\"{r}\", qop=auth, nc={nc}, cnonce=\"c1\", opaque=\"{}\"",
            p["opaque"]
        )
    }

    #[test]
    fn md5_sha256_quirk_and_replay() {
        let users = [(Some("demo"), Some("demo"))];
        let s = DigestServer::new(DigestAlgorithm::Md5, "SMGW", Duration::from_secs(60), 1);
        let ch = s.challenge(false);
        assert!(ch.contains("algorithm=MD5"));
        let a = answer(&ch, md5_hex, "MD5", "00000001", "demo");
        assert_eq!(s.verify(&a, "GET", "/smgw/m2m", &users), Verdict::Ok(0));
        assert_eq!(
            s.verify(&a, "GET", "/smgw/m2m", &users),
            Verdict::Rejected,
            "nc replay"
        );
        let b = answer(&ch, md5_hex, "MD5", "00000002", "demo");
        assert_eq!(s.verify(&b, "GET", "/smgw/m2m", &users), Verdict::Ok(0));
        let w = answer(&ch, md5_hex, "MD5", "00000003", "wrong");
        assert_eq!(s.verify(&w, "GET", "/smgw/m2m", &users), Verdict::Denied);
        assert_eq!(s.verify(&b, "GET", "/other", &users), Verdict::BadRequest);

        let s = DigestServer::new(DigestAlgorithm::Sha256, "SMGW", Duration::from_secs(60), 1);
        let ch = s.challenge(false);
        let a = answer(&ch, sha256_hex, "SHA-256", "00000001", "demo");
        assert_eq!(s.verify(&a, "GET", "/smgw/m2m", &users), Verdict::Ok(0));

        let s = DigestServer::new(
            DigestAlgorithm::Sha256AnnouncedMd5Checked,
            "SMGW",
            Duration::from_secs(60),
            1,
        );
        let ch = s.challenge(false);
        assert!(ch.contains("algorithm=SHA-256"));
        let a = answer(&ch, sha256_hex, "SHA-256", "00000001", "demo");
        assert_eq!(s.verify(&a, "GET", "/smgw/m2m", &users), Verdict::Denied);
        let a = answer(&ch, md5_hex, "SHA-256", "00000002", "demo");
        assert_eq!(s.verify(&a, "GET", "/smgw/m2m", &users), Verdict::Ok(0));
    }

    #[test]
    fn expired_nonce_is_stale() {
        let users = [(Some("demo"), Some("demo"))];
        let s = DigestServer::new(DigestAlgorithm::Md5, "SMGW", Duration::from_millis(0), 1);
        let ch = s.challenge(false);
        std::thread::sleep(Duration::from_millis(5));
        let a = answer(&ch, md5_hex, "MD5", "00000001", "demo");
        assert_eq!(s.verify(&a, "GET", "/smgw/m2m", &users), Verdict::Stale);
        assert!(s.challenge(true).ends_with("stale=true"));
    }
}
