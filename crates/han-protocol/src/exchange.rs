//! The login and retry decisions of a session, without IO (in the style of rustls and
//! quinn-proto).
//!
//! Two values: a [`Login`] that lives as long as the session (credentials, the Digest
//! challenge in use with its nonce count, the SHA-256→MD5 fallback, whether the gateway
//! has accepted the credentials), and an [`Exchange`] per request (which of the one-shot
//! retries it has used). The caller sends what a [`Step::Send`] asks for, feeds back what
//! happened ([`Exchange::on_response`], [`Exchange::on_timeout`],
//! [`Exchange::on_connection_closed`]) and acts on the next [`Step`] until it is
//! [`Step::Done`] or [`Step::Fail`].

use std::fmt;

use zeroize::Zeroizing;

use crate::digest::{self, DigestAlgorithm, DigestChallenge, DigestInput};
use crate::redirect::{self, Origin};
use crate::{Call, ProtocolError, Request};

/// The path every consumer asks first; the gateway redirects it to the consumer's own.
pub const DISCOVERY_PATH: &str = "/smgw/m2m";

/// Sends per request at most. Each kind of retry is allowed once per request, so a
/// request ends well before this; the bound guarantees that no combination can loop.
const MAX_SENDS: u32 = 8;

/// The Digest challenge being answered and how often its nonce was used.
struct DigestState {
    challenge: DigestChallenge,
    nc: u32,
}

/// The login state of a session, shared by all its requests.
pub struct Login {
    /// User name and password for Digest; `None` for a client-certificate login. The
    /// password is wiped from memory when the login ends.
    credentials: Option<(String, Zeroizing<String>)>,
    digest: Option<DigestState>,
    /// The firmware announced SHA-256 but accepted only MD5.
    force_md5: bool,
    /// Set once credentials got an answer that was not a refusal: from then on silence
    /// is a slow gateway, not a wrong password, and a new nonce means the old expired.
    confirmed: bool,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The password never appears, not even in debug output.
        f.debug_struct("Login")
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("force_md5", &self.force_md5)
            .field("confirmed", &self.confirmed)
            .finish_non_exhaustive()
    }
}

impl Login {
    /// A login by client certificate: a Digest challenge is never answered.
    pub fn certificate() -> Self {
        Login {
            credentials: None,
            digest: None,
            force_md5: false,
            confirmed: false,
        }
    }

    /// A login by HTTP Digest with user name and password.
    pub fn digest(user: impl Into<String>, password: impl Into<String>) -> Self {
        Login {
            credentials: Some((user.into(), Zeroizing::new(password.into()))),
            ..Login::certificate()
        }
    }

    /// Whether Digest login had to fall back from SHA-256 to MD5 (firmware quirk).
    pub fn uses_md5_fallback(&self) -> bool {
        self.force_md5
    }

    /// The `Authorization` value for the next send, counting the nonce's use; `None`
    /// without credentials or before the first challenge.
    fn authorization(
        &mut self,
        method: &str,
        uri: &str,
        body: &[u8],
        cnonce: &str,
    ) -> Result<Option<String>, ProtocolError> {
        let (Some((user, password)), Some(state)) = (&self.credentials, self.digest.as_mut())
        else {
            return Ok(None);
        };
        state.nc = state.nc.saturating_add(1);
        let input = DigestInput {
            username: user,
            password: password.as_str(),
            method,
            uri,
            body,
            nc: state.nc,
            cnonce,
        };
        state.challenge.authorization(&input).map(Some)
    }

    /// Takes the best Digest challenge of a 401 as the one to answer from now on.
    fn adopt_challenge(
        &mut self,
        headers: &[(&str, &str)],
    ) -> Result<DigestChallenge, ProtocolError> {
        let values = headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("www-authenticate"))
            .map(|(_, value)| *value);
        let all = digest::parse_challenges(values)?;
        let best = digest::best_challenge(&all)
            .cloned()
            .ok_or_else(|| ProtocolError::Challenge("no Digest challenge".to_owned()))?;
        let chosen = if self.force_md5 {
            best.with_algorithm(best.algorithm.md5_equivalent())
        } else {
            best
        };
        self.digest = Some(DigestState {
            challenge: chosen.clone(),
            nc: 0,
        });
        Ok(chosen)
    }

    fn use_md5(&mut self) {
        self.force_md5 = true;
        if let Some(d) = self.digest.as_mut() {
            d.challenge = d
                .challenge
                .with_algorithm(d.challenge.algorithm.md5_equivalent());
        }
    }
}

/// What to do next.
#[derive(Clone, PartialEq, Eq)]
pub enum Step {
    /// Send the request (again), with this `Authorization` value if any; on a new
    /// connection when `reconnect` is set.
    Send {
        /// The `Authorization` header value.
        authorization: Option<String>,
        /// Whether to open a new connection first.
        reconnect: bool,
    },
    /// The gateway's answer to the request.
    Done(Reply),
    /// The request failed.
    Fail(Failure),
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A Digest response is a secret: never print it.
            Step::Send {
                authorization,
                reconnect,
            } => f
                .debug_struct("Send")
                .field("authorization", &authorization.as_ref().map(|_| "<hidden>"))
                .field("reconnect", reconnect)
                .finish(),
            Step::Done(reply) => f.debug_tuple("Done").field(reply).finish(),
            Step::Fail(failure) => f.debug_tuple("Fail").field(failure).finish(),
        }
    }
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The gateway refused the credentials.
    LoginRefused,
    /// Credentials were sent before the login was confirmed and no answer came.
    SilentAfterCredentials,
    /// No answer came (logged in already, or without credentials).
    Timeout,
    /// The gateway asks for a password, but the login is by client certificate.
    CertificateNotAccepted,
    /// The connection broke in a way that retrying did not fix; the caller reports the
    /// error it saw.
    ConnectionLost,
    /// The self-test cannot start: one ran less than 10 minutes ago.
    SelfTestLocked,
    /// A protocol-level problem (unusable challenge, HTTP status, bad redirect).
    Protocol(ProtocolError),
}

impl From<ProtocolError> for Failure {
    fn from(e: ProtocolError) -> Self {
        Failure::Protocol(e)
    }
}

/// The answer the login decisions let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The `Location` header, if any.
    pub location: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The consumer's userid from the answer to the discovery request (a 307).
    pub fn userid(&self, origin: &Origin) -> Result<String, ProtocolError> {
        match self.status {
            301 | 302 | 303 | 307 | 308 => {
                let location = self.location.as_deref().ok_or_else(|| {
                    ProtocolError::Redirect("redirect without Location".to_owned())
                })?;
                redirect::userid_from_location(location, origin, DISCOVERY_PATH)
            }
            status => Err(ProtocolError::HttpStatus {
                status,
                call: Call::Discover,
            }),
        }
    }

    /// The body of a successful answer to `call`.
    pub fn into_body(self, call: Call) -> Result<Vec<u8>, Failure> {
        match (self.status, call) {
            (200..=299, _) => Ok(self.body),
            (403, Call::SelfTest) => Err(Failure::SelfTestLocked),
            (status, call) => Err(ProtocolError::HttpStatus { status, call }.into()),
        }
    }
}

/// What the last send carried, to judge the answer to it.
#[derive(Default)]
struct Sent {
    credentials: bool,
    /// Credentials went out before the gateway had accepted any.
    awaiting_login: bool,
    algorithm: Option<DigestAlgorithm>,
    nonce: Option<String>,
}

impl Sent {
    fn sha256(&self) -> bool {
        self.algorithm.is_some_and(|a| !a.is_md5())
    }
}

/// One logical request: its retries and the login decisions on the way.
pub struct Exchange<'a> {
    login: &'a mut Login,
    method: &'static str,
    uri: String,
    body: Vec<u8>,
    /// Whether sending it twice is harmless (everything but the self-test).
    idempotent: bool,
    cnonce: String,
    sends: u32,
    last: Sent,
    reconnected: bool,
    fresh_challenge_tried: bool,
    stale_retried: bool,
    md5_tried: bool,
    empty_retried: bool,
}

impl<'a> Exchange<'a> {
    /// The discovery request (`GET /smgw/m2m`), which also logs in.
    ///
    /// `cnonce` is fresh random text (e.g. 32 hex digits) used for every Digest answer
    /// of this request; `(nonce, nc, cnonce)` still never repeats because `nc` counts.
    pub fn discover(login: &'a mut Login, cnonce: String) -> Self {
        Self::new(
            login,
            "GET",
            DISCOVERY_PATH.to_owned(),
            Vec::new(),
            true,
            cnonce,
        )
    }

    /// A call to the consumer's address (`POST /smgw/m2m/<userid>/json`); `cnonce` as
    /// for [`Exchange::discover`].
    pub fn call(login: &'a mut Login, userid: &str, request: &Request, cnonce: String) -> Self {
        // A self-test that may have reached the gateway must not run twice.
        let idempotent = request.call() != Call::SelfTest;
        let uri = format!("/smgw/m2m/{userid}/json");
        Self::new(login, "POST", uri, request.body(), idempotent, cnonce)
    }

    fn new(
        login: &'a mut Login,
        method: &'static str,
        uri: String,
        body: Vec<u8>,
        idempotent: bool,
        cnonce: String,
    ) -> Self {
        Exchange {
            login,
            method,
            uri,
            body,
            idempotent,
            cnonce,
            sends: 0,
            last: Sent::default(),
            reconnected: false,
            fresh_challenge_tried: false,
            stale_retried: false,
            md5_tried: false,
            empty_retried: false,
        }
    }

    /// HTTP method of the request.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// Request target (path).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Request body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The first send.
    pub fn start(&mut self) -> Step {
        self.send(false)
    }

    /// The gateway answered the last send.
    pub fn on_response(&mut self, status: u16, headers: &[(&str, &str)], body: Vec<u8>) -> Step {
        if status == 401 {
            return self.on_unauthorized(headers);
        }
        if status == 200 && body.is_empty() && self.last.awaiting_login {
            // Firmware that announces SHA-256 but checks only MD5 answers a SHA-256
            // response with an empty 200 instead of the 307: try MD5 once; a second
            // empty 200 means the credentials are wrong.
            if !self.md5_tried && self.last.sha256() {
                return self.fall_back_to_md5(false);
            }
            if self.md5_tried {
                return self.refused();
            }
        } else if status == 200
            && body.is_empty()
            && self.last.credentials
            && self.idempotent
            && !self.empty_retried
        {
            // Some firmware answers an expired nonce with an empty 200 instead of a 401
            // (field report): forget the nonce and fetch a fresh challenge, once. Not for
            // the self-test, whose answer is empty and which must not run twice.
            self.empty_retried = true;
            self.login.digest = None;
            return self.send(false);
        }
        if self.last.credentials {
            self.login.confirmed = true;
        }
        let location = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("location"))
            .map(|(_, value)| (*value).to_owned());
        Step::Done(Reply {
            status,
            location,
            body,
        })
    }

    fn on_unauthorized(&mut self, headers: &[(&str, &str)]) -> Step {
        if self.login.credentials.is_none() {
            return Step::Fail(Failure::CertificateNotAccepted);
        }
        let challenge = match self.login.adopt_challenge(headers) {
            Ok(c) => c,
            Err(e) => return Step::Fail(e.into()),
        };
        if !self.last.credentials {
            if self.fresh_challenge_tried {
                return Step::Fail(Failure::LoginRefused);
            }
            self.fresh_challenge_tried = true;
            return self.send(false);
        }
        // A new nonce after a confirmed login means it expired, even when the gateway
        // forgets to say `stale=true`.
        let expired = challenge.stale
            || (self.login.confirmed && self.last.nonce.as_deref() != Some(&challenge.nonce));
        if expired && !self.stale_retried {
            self.stale_retried = true;
            return self.send(false);
        }
        // A 401 to credentials is a wrong password: never a second attempt, because
        // gateways lock the login after a few failed ones (field failure 17). The firmware
        // that announces SHA-256 but checks MD5 answers with an empty 200 or silence, not a
        // 401 (field failure 13); the MD5 fallback is kept for those two.
        self.refused()
    }

    /// No answer came within the caller's time limit (the caller drops the connection).
    pub fn on_timeout(&mut self) -> Step {
        // Silence after a SHA-256 response: the quirky firmware that only checks MD5
        // treats it as a wrong password. Try MD5 once.
        if self.last.awaiting_login && !self.md5_tried && self.last.sha256() {
            return self.fall_back_to_md5(true);
        }
        if self.md5_tried {
            self.login.force_md5 = false;
        }
        Step::Fail(if self.last.awaiting_login {
            Failure::SilentAfterCredentials
        } else {
            Failure::Timeout
        })
    }

    /// The connection closed under the last send (idle close, restart);
    /// `request_sent` tells whether the request may have reached the gateway.
    pub fn on_connection_closed(&mut self, request_sent: bool) -> Step {
        // Reconnect once and repeat, unless the request may already have started
        // something that must not run twice (the self-test).
        if !self.reconnected && (self.idempotent || !request_sent) {
            self.reconnected = true;
            return self.send(true);
        }
        Step::Fail(Failure::ConnectionLost)
    }

    fn fall_back_to_md5(&mut self, reconnect: bool) -> Step {
        self.md5_tried = true;
        self.login.use_md5();
        self.send(reconnect)
    }

    fn refused(&mut self) -> Step {
        // MD5 did not help either: do not keep it for a next login attempt.
        if self.md5_tried {
            self.login.force_md5 = false;
        }
        Step::Fail(Failure::LoginRefused)
    }

    fn send(&mut self, reconnect: bool) -> Step {
        if self.sends >= MAX_SENDS {
            return Step::Fail(Failure::LoginRefused);
        }
        self.sends += 1;
        let authorization =
            match self
                .login
                .authorization(self.method, &self.uri, &self.body, &self.cnonce)
            {
                Ok(a) => a,
                Err(e) => return Step::Fail(e.into()),
            };
        let digest = self.login.digest.as_ref().map(|d| &d.challenge);
        self.last = Sent {
            credentials: authorization.is_some(),
            awaiting_login: authorization.is_some() && !self.login.confirmed,
            algorithm: digest.map(|c| c.algorithm),
            nonce: digest.map(|c| c.nonce.clone()),
        };
        Step::Send {
            authorization,
            reconnect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = r#"Digest realm="gw", qop="auth", algorithm=SHA-256, nonce="n1""#;
    const SHA_N2: &str = r#"Digest realm="gw", qop="auth", algorithm=SHA-256, nonce="n2""#;
    const MD5: &str = r#"Digest realm="gw", qop="auth", algorithm=MD5, nonce="n1""#;
    const MD5_N2: &str = r#"Digest realm="gw", qop="auth", algorithm=MD5, nonce="n2""#;
    const STALE_N2: &str = r#"Digest realm="gw", qop="auth", nonce="n2", stale=true"#;
    const STALE_N3: &str = r#"Digest realm="gw", qop="auth", nonce="n3", stale=true"#;
    const STALE_SHA_N2: &str =
        r#"Digest realm="gw", qop="auth", algorithm=SHA-256, nonce="n2", stale=true"#;
    const BASIC: &str = r#"Basic realm="gw""#;
    const HOME: &str = "/smgw/m2m/01005e318011.consumer1.sm/json";

    /// What the gateway does with a send.
    #[derive(Debug, Clone, Copy)]
    enum In {
        /// 401 with this `WWW-Authenticate`.
        Challenge(&'static str),
        /// 307 to the consumer's address.
        Redirect,
        /// 200 with this body.
        Ok(&'static [u8]),
        /// No answer in time.
        Silence,
        /// Connection closed; `true` when the request had been sent.
        Closed(bool),
    }

    /// The credentials a send carries: none, or algorithm, nonce and nonce count.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Auth {
        None,
        Md5(&'static str, u32),
        Sha(&'static str, u32),
    }

    /// A step as the table writes it (the Digest response itself is checked in
    /// `digest.rs`; here what matters is which nonce, nc and algorithm are answered).
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Out<'b> {
        Send(Auth),
        /// Send on a new connection.
        Reconnect(Auth),
        Done(u16, &'b [u8]),
        Fail(Failure),
        /// A 401 without a Digest challenge we answer.
        Unanswerable,
    }

    #[derive(Debug, Clone, Copy)]
    enum Req {
        Discover,
        UserInfo,
        SelfTest,
    }

    #[derive(Debug, Clone, Copy)]
    enum Setup {
        /// Digest credentials, no request sent yet.
        Fresh,
        /// Logged in by Digest: discovery answered this challenge with nc 1.
        LoggedIn(&'static str),
        /// Client-certificate login.
        Certificate,
    }

    /// One request of a row: its first step, then each gateway action and the step after it.
    type Script = (Req, Out<'static>, &'static [(In, Out<'static>)]);

    struct Row {
        name: &'static str,
        setup: Setup,
        requests: &'static [Script],
        /// Whether the session uses MD5 in the end.
        md5_after: bool,
    }

    fn field<'h>(header: &'h str, name: &str) -> Option<&'h str> {
        header.split(", ").find_map(|part| {
            part.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
                .map(|v| v.trim_matches('"'))
        })
    }

    fn seen(step: &Step) -> Out<'_> {
        let auth = |a: &Option<String>| {
            let Some(h) = a else { return Auth::None };
            assert!(h.starts_with("Digest "), "{h}");
            // The table's nonces are static names; map the seen one back to it.
            let nonce = match field(h, "nonce") {
                Some("n1") => "n1",
                Some("n2") => "n2",
                Some("n3") => "n3",
                other => panic!("unexpected nonce {other:?}"),
            };
            let nc = field(h, "nc")
                .and_then(|v| u32::from_str_radix(v, 16).ok())
                .expect("nc");
            match field(h, "algorithm") {
                Some("MD5") => Auth::Md5(nonce, nc),
                Some("SHA-256") => Auth::Sha(nonce, nc),
                other => panic!("unexpected algorithm {other:?}"),
            }
        };
        match step {
            Step::Send {
                authorization,
                reconnect: false,
            } => Out::Send(auth(authorization)),
            Step::Send {
                authorization,
                reconnect: true,
            } => Out::Reconnect(auth(authorization)),
            Step::Done(reply) => Out::Done(reply.status, &reply.body),
            Step::Fail(Failure::Protocol(ProtocolError::Challenge(why))) => {
                assert!(why.contains("no usable Digest challenge"), "{why}");
                Out::Unanswerable
            }
            Step::Fail(f) => Out::Fail(f.clone()),
        }
    }

    fn exchange(login: &mut Login, req: Req) -> Exchange<'_> {
        let cnonce = "0a4f113b".to_owned();
        match req {
            Req::Discover => Exchange::discover(login, cnonce),
            Req::UserInfo => Exchange::call(login, "u1", &Request::UserInfo, cnonce),
            Req::SelfTest => Exchange::call(login, "u1", &Request::SelfTest, cnonce),
        }
    }

    fn feed(ex: &mut Exchange<'_>, input: In) -> Step {
        match input {
            In::Challenge(c) => ex.on_response(401, &[("WWW-Authenticate", c)], Vec::new()),
            In::Redirect => ex.on_response(307, &[("Location", HOME)], Vec::new()),
            In::Ok(body) => ex.on_response(200, &[], body.to_vec()),
            In::Silence => ex.on_timeout(),
            In::Closed(sent) => ex.on_connection_closed(sent),
        }
    }

    fn run(name: &str, login: &mut Login, req: Req, first: &Out, lines: &[(In, Out)]) {
        let mut ex = exchange(login, req);
        assert_eq!(seen(&ex.start()), *first, "{name}: first step of {req:?}");
        for (i, (input, want)) in lines.iter().enumerate() {
            assert_eq!(
                seen(&feed(&mut ex, *input)),
                *want,
                "{name}: {req:?}, line {i} ({input:?})"
            );
        }
    }

    fn login_for(setup: Setup) -> Login {
        match setup {
            Setup::Fresh => Login::digest("demo", "demo"),
            Setup::Certificate => Login::certificate(),
            Setup::LoggedIn(challenge) => {
                let mut login = Login::digest("demo", "demo");
                let lines = [
                    (In::Challenge(challenge), Out::Send(sent_for(challenge))),
                    (In::Redirect, Out::Done(307, b"")),
                ];
                run(
                    "login",
                    &mut login,
                    Req::Discover,
                    &Out::Send(Auth::None),
                    &lines,
                );
                login
            }
        }
    }

    fn sent_for(challenge: &str) -> Auth {
        if challenge.contains("SHA-256") {
            Auth::Sha("n1", 1)
        } else {
            Auth::Md5("n1", 1)
        }
    }

    use Auth::{Md5, Sha};
    use In::{Challenge, Closed, Redirect, Silence};
    use Out::{Done, Fail, Reconnect, Send};

    const BODY: &[u8] = br#"{"method":"user-info"}"#;

    const ROWS: &[Row] = &[
        Row {
            name: "fresh challenge: discovery without credentials, then the Digest answer",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[
                    (Challenge(SHA), Send(Sha("n1", 1))),
                    (Redirect, Done(307, b"")),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "nonce reuse: nc counts up across requests, no 401 round trip",
            setup: Setup::LoggedIn(MD5),
            requests: &[
                (
                    Req::UserInfo,
                    Send(Md5("n1", 2)),
                    &[(In::Ok(BODY), Done(200, BODY))],
                ),
                (
                    Req::UserInfo,
                    Send(Md5("n1", 3)),
                    &[(In::Ok(BODY), Done(200, BODY))],
                ),
                (
                    Req::SelfTest,
                    Send(Md5("n1", 4)),
                    &[(In::Ok(b""), Done(200, b""))],
                ),
            ],
            md5_after: false,
        },
        Row {
            name: "stale=true: one retry with the new nonce, nc back at 1",
            setup: Setup::LoggedIn(MD5),
            requests: &[(
                Req::UserInfo,
                Send(Md5("n1", 2)),
                &[
                    (Challenge(STALE_N2), Send(Md5("n2", 1))),
                    (In::Ok(BODY), Done(200, BODY)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "stale=true twice in one request is a refused login",
            setup: Setup::LoggedIn(MD5),
            requests: &[(
                Req::UserInfo,
                Send(Md5("n1", 2)),
                &[
                    (Challenge(STALE_N2), Send(Md5("n2", 1))),
                    (Challenge(STALE_N3), Fail(Failure::LoginRefused)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name:
                "401 after a confirmed login: a new nonce without stale=true is one fresh challenge",
            setup: Setup::LoggedIn(MD5),
            requests: &[(
                Req::UserInfo,
                Send(Md5("n1", 2)),
                &[
                    (Challenge(MD5_N2), Send(Md5("n2", 1))),
                    (In::Ok(BODY), Done(200, BODY)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "empty 200 mid-session: an expired nonce, one retry with a fresh challenge",
            setup: Setup::LoggedIn(MD5),
            requests: &[(
                Req::UserInfo,
                Send(Md5("n1", 2)),
                &[
                    (In::Ok(b""), Send(Auth::None)),
                    (Challenge(MD5_N2), Send(Md5("n2", 1))),
                    (In::Ok(BODY), Done(200, BODY)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "a second empty 200 mid-session is the answer itself",
            setup: Setup::LoggedIn(SHA),
            requests: &[(
                Req::UserInfo,
                Send(Sha("n1", 2)),
                &[
                    (In::Ok(b""), Send(Auth::None)),
                    (Challenge(SHA_N2), Send(Sha("n2", 1))),
                    (In::Ok(b""), Done(200, b"")),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "the self-test's empty 200 is its answer, never repeated",
            setup: Setup::LoggedIn(MD5),
            requests: &[(
                Req::SelfTest,
                Send(Md5("n1", 2)),
                &[(In::Ok(b""), Done(200, b""))],
            )],
            md5_after: false,
        },
        Row {
            name: "SHA-256 answered by an empty 200: one retry with MD5, kept for the session",
            setup: Setup::Fresh,
            requests: &[
                (
                    Req::Discover,
                    Send(Auth::None),
                    &[
                        (Challenge(SHA), Send(Sha("n1", 1))),
                        (In::Ok(b""), Send(Md5("n1", 2))),
                        (Redirect, Done(307, b"")),
                    ],
                ),
                (
                    Req::UserInfo,
                    Send(Md5("n1", 3)),
                    &[(In::Ok(BODY), Done(200, BODY))],
                ),
            ],
            md5_after: true,
        },
        Row {
            name: "SHA-256 and then MD5 answered by an empty 200: a refused login",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[
                    (Challenge(SHA), Send(Sha("n1", 1))),
                    (In::Ok(b""), Send(Md5("n1", 2))),
                    (In::Ok(b""), Fail(Failure::LoginRefused)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "silence after SHA-256: MD5 on a new connection",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[
                    (Challenge(SHA), Send(Sha("n1", 1))),
                    (Silence, Reconnect(Md5("n1", 2))),
                    (Redirect, Done(307, b"")),
                ],
            )],
            md5_after: true,
        },
        Row {
            name: "silence after SHA-256 and after MD5: silent after credentials",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[
                    (Challenge(SHA), Send(Sha("n1", 1))),
                    (Silence, Reconnect(Md5("n1", 2))),
                    (Silence, Fail(Failure::SilentAfterCredentials)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "silence once logged in is a plain timeout",
            setup: Setup::LoggedIn(SHA),
            requests: &[(
                Req::UserInfo,
                Send(Sha("n1", 2)),
                &[(Silence, Fail(Failure::Timeout))],
            )],
            md5_after: false,
        },
        Row {
            name: "wrong password on a SHA-256 gateway: refused at once, no MD5 second try",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[
                    (Challenge(SHA), Send(Sha("n1", 1))),
                    (Challenge(SHA_N2), Fail(Failure::LoginRefused)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "wrong password on an MD5 gateway: the second 401 is a refused login",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[
                    (Challenge(MD5), Send(Md5("n1", 1))),
                    (Challenge(MD5_N2), Fail(Failure::LoginRefused)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "closed idle connection: reconnect once for an idempotent request",
            setup: Setup::LoggedIn(MD5),
            requests: &[(
                Req::UserInfo,
                Send(Md5("n1", 2)),
                &[
                    (Closed(true), Reconnect(Md5("n1", 3))),
                    (In::Ok(BODY), Done(200, BODY)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "closed again after the reconnect: the connection is lost",
            setup: Setup::LoggedIn(MD5),
            requests: &[(
                Req::UserInfo,
                Send(Md5("n1", 2)),
                &[
                    (Closed(true), Reconnect(Md5("n1", 3))),
                    (Closed(false), Fail(Failure::ConnectionLost)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "a self-test that may have been sent is never repeated; an unsent one is",
            setup: Setup::LoggedIn(MD5),
            requests: &[
                (
                    Req::SelfTest,
                    Send(Md5("n1", 2)),
                    &[(Closed(true), Fail(Failure::ConnectionLost))],
                ),
                (
                    Req::SelfTest,
                    Send(Md5("n1", 3)),
                    &[
                        (Closed(false), Reconnect(Md5("n1", 4))),
                        (In::Ok(b""), Done(200, b"")),
                    ],
                ),
            ],
            md5_after: false,
        },
        Row {
            name: "attempt limit: every retry used once, then the request ends",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[
                    (Challenge(SHA), Send(Sha("n1", 1))),
                    (Closed(true), Reconnect(Sha("n1", 2))),
                    (Challenge(STALE_SHA_N2), Send(Sha("n2", 1))),
                    (In::Ok(b""), Send(Md5("n2", 2))),
                    (Silence, Fail(Failure::SilentAfterCredentials)),
                ],
            )],
            md5_after: false,
        },
        Row {
            name: "a Basic-only challenge is refused, never answered",
            setup: Setup::Fresh,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[(Challenge(BASIC), Out::Unanswerable)],
            )],
            md5_after: false,
        },
        Row {
            name: "a 401 to a certificate login: the certificate was not accepted",
            setup: Setup::Certificate,
            requests: &[(
                Req::Discover,
                Send(Auth::None),
                &[(Challenge(SHA), Fail(Failure::CertificateNotAccepted))],
            )],
            md5_after: false,
        },
    ];

    #[test]
    fn table() {
        for row in ROWS {
            let mut login = login_for(row.setup);
            for (req, first, lines) in row.requests {
                run(row.name, &mut login, *req, first, lines);
            }
            assert_eq!(login.uses_md5_fallback(), row.md5_after, "{}", row.name);
        }
    }

    #[test]
    fn the_send_limit_ends_any_combination_of_retries() {
        let mut login = Login::digest("demo", "demo");
        let mut ex = Exchange::discover(&mut login, "0a4f113b".to_owned());
        ex.sends = MAX_SENDS;
        assert_eq!(
            ex.on_connection_closed(false),
            Step::Fail(Failure::LoginRefused)
        );
    }

    #[test]
    fn replies_give_the_userid_or_the_body() {
        let origin = Origin {
            scheme: "https".to_owned(),
            host: "192.200.1.100".to_owned(),
            port: 443,
        };
        let reply = |status: u16, location: Option<&str>| Reply {
            status,
            location: location.map(str::to_owned),
            body: b"{}".to_vec(),
        };
        assert_eq!(
            reply(307, Some(HOME)).userid(&origin),
            Ok("01005e318011.consumer1.sm".to_owned())
        );
        assert!(matches!(
            reply(307, None).userid(&origin),
            Err(ProtocolError::Redirect(_))
        ));
        assert_eq!(
            reply(200, None).userid(&origin),
            Err(ProtocolError::HttpStatus {
                status: 200,
                call: Call::Discover
            })
        );
        assert_eq!(
            reply(200, None).into_body(Call::UserInfo),
            Ok(b"{}".to_vec())
        );
        assert_eq!(
            reply(403, None).into_body(Call::SelfTest),
            Err(Failure::SelfTestLocked)
        );
        assert_eq!(
            reply(403, None).into_body(Call::UserInfo),
            Err(Failure::Protocol(ProtocolError::HttpStatus {
                status: 403,
                call: Call::UserInfo
            }))
        );
    }
}
