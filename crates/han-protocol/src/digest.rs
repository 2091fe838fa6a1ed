//! HTTP Digest authentication (RFC 7616, compatible with RFC 2617).
//!
//! Parses `WWW-Authenticate` challenges (several per header, quoted or bare values,
//! `SHA-256` or `SHA256`) and computes the `Authorization` header. The client nonce is
//! passed in so results are reproducible. Basic authentication is never produced: a
//! header offering only Basic is an error.

use md5::Md5;
use sha2::{Digest as _, Sha256};

use crate::ProtocolError;

/// A hash algorithm of the Digest scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// `MD5` (also the default when a challenge names none).
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl DigestAlgorithm {
    /// Reads an algorithm name; case and hyphens are ignored, so `SHA256` is SHA-256.
    pub fn from_wire(name: &str) -> Option<Self> {
        let n: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match n.as_str() {
            "MD5" => Some(DigestAlgorithm::Md5),
            "MD5SESS" => Some(DigestAlgorithm::Md5Sess),
            "SHA256" => Some(DigestAlgorithm::Sha256),
            "SHA256SESS" => Some(DigestAlgorithm::Sha256Sess),
            _ => None,
        }
    }

    /// The canonical name sent back in `Authorization`.
    pub fn wire_name(self) -> &'static str {
        match self {
            DigestAlgorithm::Md5 => "MD5",
            DigestAlgorithm::Md5Sess => "MD5-sess",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    /// Whether this is a `-sess` variant.
    pub fn is_session(self) -> bool {
        matches!(self, DigestAlgorithm::Md5Sess | DigestAlgorithm::Sha256Sess)
    }

    /// Whether this is an MD5 variant.
    pub fn is_md5(self) -> bool {
        matches!(self, DigestAlgorithm::Md5 | DigestAlgorithm::Md5Sess)
    }

    /// The same algorithm family switched to MD5 (for firmware that announces SHA-256
    /// but checks MD5).
    pub fn md5_equivalent(self) -> Self {
        if self.is_session() {
            DigestAlgorithm::Md5Sess
        } else {
            DigestAlgorithm::Md5
        }
    }

    fn hash_hex(self, data: &[u8]) -> String {
        if self.is_md5() {
            hex::encode(Md5::digest(data))
        } else {
            hex::encode(Sha256::digest(data))
        }
    }
}

/// Quality of protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qop {
    /// `auth`.
    Auth,
    /// `auth-int` (the body is hashed too).
    AuthInt,
}

impl Qop {
    fn wire_name(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
        }
    }
}

/// One parsed Digest challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    /// `realm`.
    pub realm: String,
    /// `nonce`.
    pub nonce: String,
    /// `opaque`, echoed back unchanged.
    pub opaque: Option<String>,
    /// Offered qop values; empty means the RFC 2069 form without qop.
    pub qop: Vec<Qop>,
    /// The algorithm (MD5 when absent).
    pub algorithm: DigestAlgorithm,
    /// `stale=true`: the nonce expired but the credentials were right.
    pub stale: bool,
    /// `charset=UTF-8` was announced.
    pub charset_utf8: bool,
    /// `userhash=true`: send the hashed user name.
    pub userhash: bool,
}

/// What the `Authorization` header is computed over.
#[derive(Debug, Clone, Copy)]
pub struct DigestInput<'a> {
    /// User name.
    pub username: &'a str,
    /// Password.
    pub password: &'a str,
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Request target as sent, e.g. `/smgw/m2m/<userid>/json`.
    pub uri: &'a str,
    /// Request body (only used for `auth-int`).
    pub body: &'a [u8],
    /// Nonce count, 1 for the first use of a nonce, then increasing.
    pub nc: u32,
    /// Client nonce; callers supply fresh random text.
    pub cnonce: &'a str,
}

/// A lexical item of an auth header.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// A scheme name starts a new challenge.
    Scheme(String),
    /// `name=value`, lower-cased name, unquoted value.
    Param(String, String),
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~/".contains(c)
}

fn lex(header: &str) -> Result<Vec<Item>, ProtocolError> {
    let chars: Vec<char> = header.chars().collect();
    let mut i = 0;
    let mut items = Vec::new();
    let skip = |i: &mut usize, set: &str| {
        while chars.get(*i).is_some_and(|c| set.contains(*c)) {
            *i += 1;
        }
    };
    loop {
        skip(&mut i, " \t,");
        if i >= chars.len() {
            break;
        }
        let start = i;
        while chars.get(i).copied().is_some_and(is_tchar) {
            i += 1;
        }
        if i == start {
            return Err(ProtocolError::Challenge(format!(
                "unexpected character {:?} in WWW-Authenticate",
                chars.get(i).copied().unwrap_or_default()
            )));
        }
        let token: String = chars.get(start..i).unwrap_or_default().iter().collect();
        let mut j = i;
        skip(&mut j, " \t");
        if chars.get(j) == Some(&'=') {
            j += 1;
            skip(&mut j, " \t");
            let value = if chars.get(j) == Some(&'"') {
                j += 1;
                let mut v = String::new();
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(ProtocolError::Challenge(
                                "unterminated quoted value in WWW-Authenticate".to_owned(),
                            ))
                        }
                        Some('"') => {
                            j += 1;
                            break;
                        }
                        Some('\\') => {
                            if let Some(c) = chars.get(j + 1) {
                                v.push(*c);
                            }
                            j += 2;
                        }
                        Some(c) => {
                            v.push(*c);
                            j += 1;
                        }
                    }
                }
                v
            } else {
                let vs = j;
                while chars
                    .get(j)
                    .is_some_and(|c| *c != ',' && !c.is_whitespace())
                {
                    j += 1;
                }
                chars.get(vs..j).unwrap_or_default().iter().collect()
            };
            items.push(Item::Param(token.to_ascii_lowercase(), value));
            i = j;
        } else {
            // A token68 after a scheme (e.g. `Negotiate abc==`) lexes as a harmless
            // parameter of that scheme, which is all we need to skip it.
            items.push(Item::Scheme(token));
            i = j;
        }
    }
    Ok(items)
}

/// Parses all Digest challenges of one or more `WWW-Authenticate` header values.
///
/// Challenges of other schemes are skipped; Digest challenges with an algorithm we do not
/// support are skipped too. An error if no usable Digest challenge remains.
pub fn parse_challenges<'a>(
    headers: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<DigestChallenge>, ProtocolError> {
    let mut out = Vec::new();
    let mut schemes = Vec::new();
    for header in headers {
        let mut current: Option<(String, Vec<(String, String)>)> = None;
        let mut finished = Vec::new();
        for item in lex(header)? {
            match item {
                Item::Scheme(s) => {
                    if let Some(c) = current.take() {
                        finished.push(c);
                    }
                    current = Some((s, Vec::new()));
                }
                Item::Param(k, v) => match current.as_mut() {
                    Some((_, params)) => params.push((k, v)),
                    None => {
                        return Err(ProtocolError::Challenge(
                            "WWW-Authenticate starts with a parameter instead of a scheme"
                                .to_owned(),
                        ))
                    }
                },
            }
        }
        if let Some(c) = current.take() {
            finished.push(c);
        }
        for (scheme, params) in finished {
            schemes.push(scheme.clone());
            if scheme.eq_ignore_ascii_case("digest") {
                if let Some(ch) = challenge_from(&params) {
                    out.push(ch);
                }
            }
        }
    }
    if out.is_empty() {
        let what = if schemes.is_empty() {
            "no challenge at all".to_owned()
        } else {
            format!("only {} offered (never answered)", schemes.join(", "))
        };
        return Err(ProtocolError::Challenge(format!(
            "no usable Digest challenge: {what}"
        )));
    }
    Ok(out)
}

fn challenge_from(params: &[(String, String)]) -> Option<DigestChallenge> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let yes = |k: &str| get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let algorithm = match get("algorithm") {
        None => DigestAlgorithm::Md5,
        Some(a) => DigestAlgorithm::from_wire(a)?,
    };
    let qop = get("qop")
        .map(|q| {
            q.split(',')
                .filter_map(|p| match p.trim().to_ascii_lowercase().as_str() {
                    "auth" => Some(Qop::Auth),
                    "auth-int" => Some(Qop::AuthInt),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(DigestChallenge {
        realm: get("realm").unwrap_or_default().to_owned(),
        nonce: get("nonce")?.to_owned(),
        opaque: get("opaque").map(str::to_owned),
        qop,
        algorithm,
        stale: yes("stale"),
        charset_utf8: get("charset").is_some_and(|v| v.eq_ignore_ascii_case("utf-8")),
        userhash: yes("userhash"),
    })
}

/// Picks the challenge to answer: SHA-256 before MD5, plain before `-sess`, and otherwise
/// the gateway's order.
pub fn best_challenge(challenges: &[DigestChallenge]) -> Option<&DigestChallenge> {
    let rank = |a: DigestAlgorithm| match a {
        DigestAlgorithm::Sha256 => 0,
        DigestAlgorithm::Sha256Sess => 1,
        DigestAlgorithm::Md5 => 2,
        DigestAlgorithm::Md5Sess => 3,
    };
    challenges.iter().min_by_key(|c| rank(c.algorithm))
}

fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// RFC 8187 encoding for `username*` when the name is not plain ASCII.
fn ext_value(s: &str) -> String {
    let mut out = String::from("UTF-8''");
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl DigestChallenge {
    /// A copy answered with another algorithm (same nonce and realm).
    pub fn with_algorithm(&self, algorithm: DigestAlgorithm) -> Self {
        DigestChallenge {
            algorithm,
            ..self.clone()
        }
    }

    /// The `response` hash alone (for tests and servers).
    pub fn response_hash(&self, input: &DigestInput<'_>) -> String {
        let alg = self.algorithm;
        let qop = self.chosen_qop();
        let nc = format!("{:08x}", input.nc);
        // The text with the password is wiped once hashed.
        let secret = zeroize::Zeroizing::new(format!(
            "{}:{}:{}",
            input.username, self.realm, input.password
        ));
        let mut ha1 = alg.hash_hex(secret.as_bytes());
        if alg.is_session() {
            ha1 = alg.hash_hex(format!("{ha1}:{}:{}", self.nonce, input.cnonce).as_bytes());
        }
        let ha2 = match qop {
            Some(Qop::AuthInt) => {
                let body_hash = alg.hash_hex(input.body);
                alg.hash_hex(format!("{}:{}:{body_hash}", input.method, input.uri).as_bytes())
            }
            _ => alg.hash_hex(format!("{}:{}", input.method, input.uri).as_bytes()),
        };
        match qop {
            Some(q) => alg.hash_hex(
                format!(
                    "{ha1}:{}:{nc}:{}:{}:{ha2}",
                    self.nonce,
                    input.cnonce,
                    q.wire_name()
                )
                .as_bytes(),
            ),
            None => alg.hash_hex(format!("{ha1}:{}:{ha2}", self.nonce).as_bytes()),
        }
    }

    fn chosen_qop(&self) -> Option<Qop> {
        if self.qop.contains(&Qop::Auth) {
            Some(Qop::Auth)
        } else {
            self.qop.first().copied()
        }
    }

    /// The full `Authorization` header value (`Digest ...`).
    pub fn authorization(&self, input: &DigestInput<'_>) -> Result<String, ProtocolError> {
        if input.nc == 0 {
            return Err(ProtocolError::Challenge(
                "nonce count must start at 1".to_owned(),
            ));
        }
        if input.cnonce.is_empty() || input.cnonce.contains('"') {
            return Err(ProtocolError::Challenge(
                "client nonce must be non-empty plain text".to_owned(),
            ));
        }
        // Realm, nonce and opaque are echoed: a control character (a line break above all)
        // would end or split the header line, so such a challenge is refused, not answered.
        let echoed = [Some(&self.realm), Some(&self.nonce), self.opaque.as_ref()];
        if echoed
            .into_iter()
            .flatten()
            .any(|v| v.chars().any(char::is_control))
        {
            return Err(ProtocolError::Challenge(
                "realm, nonce or opaque contains control characters".to_owned(),
            ));
        }
        let response = self.response_hash(input);
        let mut parts = Vec::new();
        if self.userhash {
            let h = self
                .algorithm
                .hash_hex(format!("{}:{}", input.username, self.realm).as_bytes());
            parts.push(format!("username={}", quote(&h)));
        } else if input.username.is_ascii() && !input.username.contains(['"', '\\']) {
            parts.push(format!("username={}", quote(input.username)));
        } else {
            parts.push(format!("username*={}", ext_value(input.username)));
        }
        parts.push(format!("realm={}", quote(&self.realm)));
        parts.push(format!("nonce={}", quote(&self.nonce)));
        parts.push(format!("uri={}", quote(input.uri)));
        parts.push(format!("algorithm={}", self.algorithm.wire_name()));
        parts.push(format!("response={}", quote(&response)));
        if let Some(o) = &self.opaque {
            parts.push(format!("opaque={}", quote(o)));
        }
        if let Some(q) = self.chosen_qop() {
            parts.push(format!("qop={}", q.wire_name()));
            parts.push(format!("nc={:08x}", input.nc));
            parts.push(format!("cnonce={}", quote(input.cnonce)));
        }
        if self.userhash {
            parts.push("userhash=true".to_owned());
        }
        Ok(format!("Digest {}", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_with_a_line_break_is_refused_not_echoed() {
        let ch = one("Digest realm=\"smgw\", nonce=\"n\r\nX-Injected: 1\", qop=auth");
        let err = ch.authorization(&rfc7616_input()).unwrap_err();
        assert!(matches!(err, ProtocolError::Challenge(_)), "{err:?}");
        let tab = one("Digest realm=\"smgw\", nonce=\"plain\", opaque=\"a\tb\"");
        assert!(tab.authorization(&rfc7616_input()).is_err());
        let plain = one("Digest realm=\"smgw\", nonce=\"plain\", qop=auth");
        assert!(plain.authorization(&rfc7616_input()).is_ok());
    }

    fn one(h: &str) -> DigestChallenge {
        let mut v = parse_challenges([h]).unwrap();
        assert_eq!(v.len(), 1, "{h}");
        v.remove(0)
    }

    const RFC7616_CH: &str = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

    fn rfc7616_input() -> DigestInput<'static> {
        DigestInput {
            username: "Mufasa",
            password: "Circle of Life",
            method: "GET",
            uri: "/dir/index.html",
            body: b"",
            nc: 1,
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        }
    }

    #[test]
    fn rfc7616_sha256_and_md5_examples() {
        let ch = one(RFC7616_CH);
        assert_eq!(ch.algorithm, DigestAlgorithm::Sha256);
        assert_eq!(ch.qop, vec![Qop::Auth, Qop::AuthInt]);
        assert_eq!(
            ch.response_hash(&rfc7616_input()),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        let md5 = ch.with_algorithm(DigestAlgorithm::Md5);
        assert_eq!(
            md5.response_hash(&rfc7616_input()),
            "8ca523f5e9506fed4657c9700eebdbec"
        );
    }

    #[test]
    fn rfc2617_example() {
        let ch = one(
            r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
        );
        let input = DigestInput {
            username: "Mufasa",
            password: "Circle Of Life",
            method: "GET",
            uri: "/dir/index.html",
            body: b"",
            nc: 1,
            cnonce: "0a4f113b",
        };
        assert_eq!(ch.algorithm, DigestAlgorithm::Md5);
        let h = ch.authorization(&input).unwrap();
        assert!(h.starts_with("Digest username=\"Mufasa\""), "{h}");
        assert!(
            h.contains("response=\"6629fae49393a05397450978507c4ef1\""),
            "{h}"
        );
        assert!(
            h.contains("nc=00000001")
                && h.contains("qop=auth,")
                && h.contains("cnonce=\"0a4f113b\""),
            "{h}"
        );
        assert!(h.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
        let h2 = ch.authorization(&DigestInput { nc: 2, ..input }).unwrap();
        assert!(h2.contains("nc=00000002"));
        assert_ne!(h, h2, "the response must change with nc");
    }

    #[test]
    fn several_challenges_in_one_header_and_odd_spellings() {
        let h = r#"Basic realm="x", Digest realm="gw", nonce=abc, algorithm=SHA256, qop=auth, stale=TRUE, Digest realm="gw", nonce="def", algorithm="MD5-sess", charset=UTF-8, userhash=true"#;
        let v = parse_challenges([h]).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].nonce, "abc");
        assert_eq!(v[0].algorithm, DigestAlgorithm::Sha256);
        assert!(v[0].stale && !v[0].userhash && v[0].qop == vec![Qop::Auth]);
        assert_eq!(v[1].algorithm, DigestAlgorithm::Md5Sess);
        assert!(v[1].charset_utf8 && v[1].userhash && !v[1].stale && v[1].qop.is_empty());
        assert_eq!(best_challenge(&v).unwrap().nonce, "abc");
        let sess = one(r#"Digest realm="r", nonce="n", algorithm=SHA-256-sess"#);
        assert_eq!(sess.algorithm, DigestAlgorithm::Sha256Sess);
    }

    #[test]
    fn separate_header_values_and_unknown_algorithms() {
        let v = parse_challenges([
            r#"Digest realm="r", nonce="1", algorithm=SHA-512-256"#,
            r#"Digest realm="r", nonce="2", algorithm=MD5"#,
        ])
        .unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].nonce, "2");
    }

    #[test]
    fn basic_only_is_refused() {
        let e = parse_challenges([r#"Basic realm="gateway""#]).unwrap_err();
        assert!(e.to_string().contains("Basic"), "{e}");
        assert!(parse_challenges([""]).is_err());
        assert!(parse_challenges([r#"Digest realm="no nonce""#]).is_err());
        assert!(parse_challenges([r#"Digest realm="open"#]).is_err());
    }

    #[test]
    fn quoted_escapes_are_unescaped_and_requoted() {
        let ch = one(r#"Digest realm="a \"b\" c", nonce="n\\1", qop="auth""#);
        assert_eq!(ch.realm, r#"a "b" c"#);
        assert_eq!(ch.nonce, r#"n\1"#);
        let h = ch.authorization(&rfc7616_input()).unwrap();
        assert!(h.contains(r#"realm="a \"b\" c""#), "{h}");
        assert!(h.contains(r#"nonce="n\\1""#), "{h}");
    }

    #[test]
    fn userhash_hides_the_name_and_no_qop_uses_rfc2069() {
        let ch = one(r#"Digest realm="r", nonce="n", algorithm=SHA-256, qop=auth, userhash=true"#);
        let h = ch.authorization(&rfc7616_input()).unwrap();
        let expected = hex::encode(Sha256::digest(b"Mufasa:r"));
        assert!(
            h.contains(&format!("username=\"{expected}\"")) && h.contains("userhash=true"),
            "{h}"
        );
        assert!(!h.contains("Mufasa"));

        let old = one(r#"Digest realm="r", nonce="n""#);
        let h = old.authorization(&rfc7616_input()).unwrap();
        assert!(
            !h.contains("qop") && !h.contains("nc=") && !h.contains("cnonce"),
            "{h}"
        );
        let ha1 = hex::encode(Md5::digest(b"Mufasa:r:Circle of Life"));
        let ha2 = hex::encode(Md5::digest(b"GET:/dir/index.html"));
        let want = hex::encode(Md5::digest(format!("{ha1}:n:{ha2}").as_bytes()));
        assert!(h.contains(&want));
    }

    #[test]
    fn auth_int_hashes_the_body() {
        let ch = one(r#"Digest realm="r", nonce="n", qop="auth-int""#);
        let a = DigestInput {
            body: b"{}",
            ..rfc7616_input()
        };
        let b = DigestInput {
            body: b"{ }",
            ..rfc7616_input()
        };
        assert_ne!(ch.response_hash(&a), ch.response_hash(&b));
        assert!(ch.authorization(&a).unwrap().contains("qop=auth-int"));
    }

    #[test]
    fn non_ascii_user_uses_the_extended_form_and_bad_inputs_fail() {
        let ch = one(r#"Digest realm="r", nonce="n", qop=auth"#);
        let h = ch
            .authorization(&DigestInput {
                username: "Jäger",
                ..rfc7616_input()
            })
            .unwrap();
        assert!(h.contains("username*=UTF-8''J%C3%A4ger"), "{h}");
        assert!(ch
            .authorization(&DigestInput {
                nc: 0,
                ..rfc7616_input()
            })
            .is_err());
        assert!(ch
            .authorization(&DigestInput {
                cnonce: "",
                ..rfc7616_input()
            })
            .is_err());
    }
}
