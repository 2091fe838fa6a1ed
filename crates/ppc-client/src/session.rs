//! The PPC session over `han_client::Link`: Digest login by `GET`, the session cookie, the
//! CSRF token re-read from every page, a fresh Digest answer on every request, a new Digest
//! state (and exactly one retry) after an empty `200`, and a pause between requests.

use std::time::{Duration, Instant};

use han_client::digest::{parse_challenges, DigestChallenge, DigestInput};
use han_client::{HttpRequest, Link, LinkOptions, Outcome};
use zeroize::Zeroizing;

use crate::error::PpcError;
use crate::html::{self, Page, Welcome};
use crate::PpcOptions;

/// The one path of the web application.
pub const PATH: &str = "/cgi-bin/hanservice.cgi";
/// The Digest realm PPC gateways announce.
pub const REALM: &str = "SmartMeterGateway";

/// An answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_html(&self) -> bool {
        let ct = self.header("content-type").unwrap_or("");
        ct.contains("html") || self.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
    }
}

/// Percent-encoding for form values.
pub(crate) fn form_encode(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        let mut o = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                o.push(b as char);
            } else if b == b' ' {
                o.push('+');
            } else {
                o.push_str(&format!("%{b:02X}"));
            }
        }
        o
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) struct Session {
    link: Link,
    user: String,
    /// Wiped from memory when the session ends.
    password: Zeroizing<String>,
    challenge: Option<DigestChallenge>,
    nc: u32,
    cookie: Option<String>,
    tkn: Option<String>,
    pause: Duration,
    last: Option<Instant>,
    response_timeout: Duration,
    login_timeout: Duration,
    pub logged_in: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password, the cookie or Digest answers.
        f.debug_struct("Session")
            .field("link", &self.link)
            .field("user", &self.user)
            .field("logged_in", &self.logged_in)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub fn new(opts: &PpcOptions) -> Result<Session, PpcError> {
        let link = Link::new(LinkOptions {
            host: opts.host.clone(),
            port: opts.port,
            pin: opts.pin,
            identity: None,
            timeouts: opts.timeouts,
            max_body_bytes: opts.max_body_bytes,
        })?;
        Ok(Session {
            link,
            user: opts.user.clone(),
            password: opts.password.clone(),
            challenge: None,
            nc: 0,
            cookie: None,
            tkn: None,
            pause: opts.pause,
            last: None,
            response_timeout: opts.timeouts.response,
            login_timeout: opts.timeouts.login,
            logged_in: false,
        })
    }

    pub fn link(&self) -> &Link {
        &self.link
    }

    /// One request on the wire, after the pause.
    async fn send(
        &mut self,
        method: &str,
        body: &[u8],
        auth: bool,
        timeout: Duration,
    ) -> Result<Answer, PpcError> {
        if let Some(last) = self.last {
            let since = last.elapsed();
            if since < self.pause {
                tokio::time::sleep(self.pause - since).await;
            }
        }
        let mut headers: Vec<(&'static str, String)> = Vec::new();
        if auth {
            if let Some(ch) = &self.challenge {
                self.nc += 1;
                let cnonce = self.link.cnonce()?;
                let value = ch
                    .authorization(&DigestInput {
                        username: &self.user,
                        password: self.password.as_str(),
                        method,
                        uri: PATH,
                        body,
                        nc: self.nc,
                        cnonce: &cnonce,
                    })
                    .map_err(|e| PpcError::Client(e.into()))?;
                headers.push(("authorization", value));
            }
        }
        if let Some(c) = &self.cookie {
            headers.push(("cookie", c.clone()));
        }
        if method == "POST" {
            headers.push((
                "content-type",
                "application/x-www-form-urlencoded".to_owned(),
            ));
        }
        let request = HttpRequest {
            method,
            uri: PATH,
            headers,
            body,
        };
        let outcome = self.link.send(&request, timeout).await;
        self.last = Some(Instant::now());
        match outcome? {
            Outcome::Answer {
                status,
                headers,
                body,
            } => Ok(Answer {
                status,
                headers,
                body,
            }),
            Outcome::Silence => Err(PpcError::NoAnswer { after: timeout }),
            Outcome::Closed { error, .. } => Err(PpcError::Client(error)),
        }
    }

    /// Takes the Digest challenge of a 401 answer.
    fn take_challenge(&mut self, a: &Answer) -> Result<(), PpcError> {
        let values: Vec<&str> = a
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
            .map(|(_, v)| v.as_str())
            .collect();
        let challenges = parse_challenges(values).map_err(|e| PpcError::NotPpc(e.to_string()))?;
        let ch = han_client::digest::best_challenge(&challenges)
            .cloned()
            .ok_or_else(|| PpcError::NotPpc("no Digest challenge".to_owned()))?;
        self.challenge = Some(ch);
        self.nc = 0;
        Ok(())
    }

    /// A new Digest state: ask for a fresh challenge.
    async fn fresh_challenge(&mut self, method: &str, body: &[u8]) -> Result<(), PpcError> {
        self.challenge = None;
        let a = self.send(method, body, false, self.login_timeout).await?;
        match a.status {
            401 => self.take_challenge(&a),
            403 => Err(PpcError::LockedOut),
            s => Err(PpcError::NotPpc(format!(
                "HTTP {s} instead of a Digest challenge"
            ))),
        }
    }

    /// Logs in: `GET` with Digest, the session cookie and the first token.
    pub async fn login(&mut self) -> Result<Welcome, PpcError> {
        self.cookie = None;
        self.tkn = None;
        self.logged_in = false;
        // A new Digest state for every login.
        self.fresh_challenge("GET", b"").await?;
        let mut retried = false;
        loop {
            let a = self.send("GET", b"", true, self.login_timeout).await?;
            match a.status {
                200 if a.body.is_empty() => {
                    if retried {
                        return Err(PpcError::StaleNonce);
                    }
                    retried = true;
                    self.fresh_challenge("GET", b"").await?;
                }
                200 => {
                    let page = Page::parse(&a.body);
                    let welcome = html::welcome(&page);
                    let cookie = a
                        .headers
                        .iter()
                        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
                        .filter_map(|(_, v)| v.split(';').next())
                        .map(str::trim)
                        .find(|c| c.contains('=') && !c.ends_with('='))
                        .map(str::to_owned);
                    let Some(cookie) = cookie else {
                        return Err(PpcError::NoSessionCookie);
                    };
                    self.cookie = Some(cookie);
                    self.tkn = welcome.token.clone();
                    self.logged_in = true;
                    return Ok(welcome);
                }
                // Credentials refused: never sent again (failed logins lock the gateway).
                401 => return Err(PpcError::WrongPassword),
                403 => return Err(PpcError::LockedOut),
                s => {
                    let text = Page::parse(&a.body).text();
                    if html::is_lockout(&text) {
                        return Err(PpcError::LockedOut);
                    }
                    return Err(PpcError::Http {
                        status: s,
                        action: "login".to_owned(),
                    });
                }
            }
        }
    }

    /// Posts an action; returns the answer (a page or a file). Pages update the token and
    /// are checked for a broken session.
    pub async fn post(
        &mut self,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Result<Answer, PpcError> {
        let tkn = self.tkn.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("tkn", tkn.as_str()), ("action", action)];
        all.extend_from_slice(fields);
        let body = form_encode(&all).into_bytes();
        if self.challenge.is_none() {
            self.fresh_challenge("POST", &body).await?;
        }
        let mut stale_retry = false;
        let mut auth_retry = false;
        let a = loop {
            let a = self
                .send("POST", &body, true, self.response_timeout)
                .await?;
            match a.status {
                200 if a.body.is_empty() => {
                    // A stale nonce: a new Digest state and exactly one retry.
                    if stale_retry {
                        return Err(PpcError::StaleNonce);
                    }
                    stale_retry = true;
                    self.fresh_challenge("POST", &body).await?;
                }
                401 => {
                    // The nonce expired (the credentials were good at login): one new
                    // challenge, no more.
                    if auth_retry {
                        return Err(PpcError::WrongPassword);
                    }
                    auth_retry = true;
                    self.take_challenge(&a)?;
                }
                403 if html::is_lockout(&Page::parse(&a.body).text()) => {
                    return Err(PpcError::LockedOut)
                }
                _ => break a,
            }
        };
        if a.is_html() {
            let page = Page::parse(&a.body);
            if let Some(t) = page.token() {
                self.tkn = Some(t);
            }
            if let Some(said) = html::session_problem(&page.text()) {
                self.logged_in = false;
                return Err(PpcError::SessionBroken {
                    said: said.to_owned(),
                });
            }
        }
        Ok(a)
    }

    /// Ends the session (`action=logout`); errors are ignored: the gateway's own timeout
    /// ends a session whose logout did not arrive.
    pub async fn logout(&mut self) {
        if self.logged_in {
            let _ = self.post("logout", &[]).await;
        }
        self.logged_in = false;
        self.cookie = None;
        self.tkn = None;
        self.challenge = None;
        self.link.close();
    }

    /// Forgets the session without a logout (after a reboot).
    pub fn forget(&mut self) {
        self.logged_in = false;
        self.cookie = None;
        self.tkn = None;
        self.challenge = None;
        self.link.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode(&[("tkn", "a b&c"), ("from", "2025-10-26 00:00:00")]),
            "tkn=a+b%26c&from=2025-10-26+00%3A00%3A00"
        );
    }
}
