//! Which maker's adapter speaks to a gateway: the user's choice, or what the gateway's
//! answers to two harmless requests tell (sent without credentials, so they cost no login
//! attempt and write no logbook entry).

use std::time::Duration;

use gateway::{Gateway, GatewayError};
use han_client::{
    Auth, ClientError, ConexaGateway, ConnectOptions, Connection, Fingerprint, HttpRequest, Link,
    LinkOptions, Outcome, PinPolicy, Timeouts,
};
use smgw_model::Lang;

use crate::connect::Target;

/// Whose HAN interface a gateway speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vendor {
    /// Find out on connect.
    #[default]
    Auto,
    /// Theben CONEXA and gateways with its JSON interface below `/smgw/m2m`.
    Conexa,
    /// PPC: the web application at `/cgi-bin/hanservice.cgi`.
    Ppc,
    /// EMH CASA: JSON below `/json/`.
    Emh,
}

impl Vendor {
    /// The name on the command line and in settings.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Auto => "auto",
            Vendor::Conexa => "conexa",
            Vendor::Ppc => "ppc",
            Vendor::Emh => "emh",
        }
    }

    /// The address gateways of this maker have out of the box, to fill in for the user.
    pub fn default_host(self) -> Option<&'static str> {
        match self {
            Vendor::Ppc => Some(ppc_client::DEFAULT_HOST),
            Vendor::Emh => Some(emh_client::DEFAULT_HOST),
            Vendor::Conexa | Vendor::Auto => None,
        }
    }

    /// How to reach such a gateway, for the connection help.
    pub fn connection_help(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Vendor::Ppc, Lang::De) => "PPC-Gateways haben meist die Adresse 192.168.1.200 (auch 192.168.100.100, 192.168.168.168 oder 192.168.33.2 kommen vor), antworten nicht auf Ping und nur über ein direkt gestecktes Kabel. Anmeldung mit Benutzername und Passwort. Bitte nur eine Anmeldung zur Zeit: eine zweite (Browser, anderes Programm) beendet die erste.",
            (Vendor::Ppc, Lang::En) => "PPC gateways mostly have the address 192.168.1.200 (192.168.100.100, 192.168.168.168 or 192.168.33.2 are seen too), do not answer ping and only answer over a directly plugged cable. Log in with user name and password. One login at a time: a second one (browser, another program) ends the first.",
            (Vendor::Emh, Lang::De) => "EMH-Gateways melden sich als smgw.local (IPv6, mit Zonenangabe wie fe80::1%eth0) oder unter 192.168.33.2. Anmeldung mit Benutzername und Passwort.",
            (Vendor::Emh, Lang::En) => "EMH gateways announce themselves as smgw.local (IPv6, with a zone such as fe80::1%eth0) or answer at 192.168.33.2. Log in with user name and password.",
            (_, Lang::De) => "Die Adresse steht in den Unterlagen des Messstellenbetreibers (oft 192.168.1.100 oder 192.200.1.100). Anmeldung mit Benutzername und Passwort oder mit der Schlüsseldatei (.p12).",
            (_, Lang::En) => "The address is in the meter operator's papers (often 192.168.1.100 or 192.200.1.100). Log in with user name and password or with the key file (.p12).",
        }
    }
}

impl std::str::FromStr for Vendor {
    type Err = String;

    fn from_str(s: &str) -> Result<Vendor, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(Vendor::Auto),
            "conexa" | "theben" => Ok(Vendor::Conexa),
            "ppc" => Ok(Vendor::Ppc),
            "emh" | "casa" => Ok(Vendor::Emh),
            other => Err(format!("unknown maker {other:?} (auto, conexa, ppc, emh)")),
        }
    }
}

/// Why a maker's adapter could not open a session.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The TLS link or the CONEXA client failed (including an unknown certificate).
    Client(ClientError),
    /// The maker's adapter refused (its own message and category).
    Gateway(GatewayError),
    /// The maker's adapter logs in with user name and password only.
    PasswordOnly(Vendor),
}

/// An open session and the certificate it was made with.
pub(crate) struct Opened {
    pub gateway: Box<dyn Gateway>,
    pub fingerprint: Fingerprint,
}

/// How fast requests may follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pace {
    /// As the maker's device needs it (PPC: 1 s, EMH: 0.5 s between requests).
    Device,
    /// The bundled demo gateway on loopback, which needs no pause.
    Demo,
}

const DEMO_PAUSE: Duration = Duration::from_millis(20);

/// Opens a session with `vendor`'s adapter (never [`Vendor::Auto`]: see [`detect`]).
pub(crate) async fn open(
    vendor: Vendor,
    target: &Target,
    auth: Auth,
    pin: PinPolicy,
    pace: Pace,
) -> Result<Opened, OpenError> {
    let (host, port) = (target.host.as_str(), target.port);
    // Taken out of `auth`, which wipes what is left of it when dropped.
    let password_login = |mut auth: Auth| match &mut auth {
        Auth::Digest { user, password } => Ok((std::mem::take(user), std::mem::take(password))),
        _ => Err(OpenError::PasswordOnly(vendor)),
    };
    match vendor {
        Vendor::Conexa | Vendor::Auto => {
            let mut opts = ConnectOptions::new(host, auth, pin);
            opts.port = port;
            let session = Connection::connect(opts).await.map_err(OpenError::Client)?;
            let fingerprint = session.peer_fingerprint();
            Ok(Opened {
                gateway: Box::new(ConexaGateway::new(session)),
                fingerprint,
            })
        }
        Vendor::Ppc => {
            let (user, password) = password_login(auth)?;
            let mut opts = ppc_client::PpcOptions::new(host, user, password, pin);
            opts.port = port;
            opts.allow_self_test_reboot = target.allow_self_test_reboot;
            if pace == Pace::Demo {
                opts.pause = DEMO_PAUSE;
            }
            match ppc_client::PpcGateway::connect(opts).await {
                Ok(gateway) => Ok(Opened {
                    fingerprint: Fingerprint::of(gateway.peer_certificate()),
                    gateway: Box::new(gateway),
                }),
                Err(ppc_client::PpcError::Client(e)) => Err(OpenError::Client(e)),
                Err(e) => Err(OpenError::Gateway(e.into())),
            }
        }
        Vendor::Emh => {
            let (user, password) = password_login(auth)?;
            let mut opts = emh_client::EmhOptions::new(host, user, password, pin);
            opts.port = port;
            if pace == Pace::Demo {
                opts.pause = DEMO_PAUSE;
            }
            match emh_client::EmhGateway::connect(opts).await {
                Ok(gateway) => Ok(Opened {
                    fingerprint: gateway.peer_fingerprint(),
                    gateway: Box::new(gateway),
                }),
                Err(emh_client::EmhError::Transport(e)) => Err(OpenError::Client(e)),
                Err(e) => Err(OpenError::Gateway(e.into())),
            }
        }
    }
}

/// Whether an answer (status, headers, body) comes from one maker's gateway.
type Probe = fn(u16, &[(String, String)], &[u8]) -> bool;

/// What the gateway at `host:port` answers to `GET /cgi-bin/hanservice.cgi` (PPC) and
/// `GET /json/metering/origin/` (EMH), sent without credentials; anything else is taken
/// for CONEXA, whose interface answers neither. A login with a key file is CONEXA's (the
/// other adapters log in with passwords) and asks nothing: such gateways may refuse a TLS
/// connection without the client certificate.
pub(crate) async fn detect(
    host: &str,
    port: u16,
    auth: &Auth,
    pin: PinPolicy,
) -> Result<Vendor, ClientError> {
    if !matches!(auth, Auth::Digest { .. }) {
        return Ok(Vendor::Conexa);
    }
    let timeouts = Timeouts {
        response: Duration::from_secs(10),
        ..Timeouts::default()
    };
    let mut link = Link::new(LinkOptions {
        host: host.to_owned(),
        port,
        pin,
        identity: None,
        timeouts,
        max_body_bytes: 1 << 20,
    })?;
    let probes: [(&str, Probe, Vendor); 2] = [
        (
            ppc_client::PATH,
            |_, headers, _| ppc_client::is_ppc_answer(headers),
            Vendor::Ppc,
        ),
        (
            emh_client::PROBE_PATH,
            emh_client::looks_like_emh,
            Vendor::Emh,
        ),
    ];
    for (i, (path, is_it, vendor)) in probes.into_iter().enumerate() {
        if i > 0 {
            // Both makers' gateways need a pause between requests.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let request = HttpRequest {
            method: "GET",
            uri: path,
            headers: Vec::new(),
            body: &[],
        };
        match link.send(&request, timeouts.response).await? {
            Outcome::Answer {
                status,
                headers,
                body,
            } if is_it(status, &headers, &body) => return Ok(vendor),
            Outcome::Answer { .. } | Outcome::Silence => {}
            Outcome::Closed {
                request_sent,
                error,
            } => {
                // A gateway that closes on an unknown path says nothing about its maker;
                // one that cannot be reached at all is an error.
                if !request_sent {
                    return Err(error);
                }
            }
        }
    }
    Ok(Vendor::Conexa)
}
