//! The bundled demo gateway: the mock gateway's `demo` scenario on a free loopback port in
//! this process, read over real TLS like a real gateway.

use std::net::{Ipv4Addr, SocketAddr};

use han_client::PinPolicy;
use han_client::{Auth, ClientError, ConexaGateway, ConnectOptions, Connection, Fingerprint};
use mock_smgw::RunningMock;
use smgw_model::Lang;

/// A running demo gateway and a session with it.
pub struct Demo {
    /// The gateway; stop it with [`RunningMock::shutdown`] when done.
    pub mock: RunningMock,
    /// Logged in as `demo`/`demo`.
    pub gateway: ConexaGateway,
    /// Its certificate, pinned without asking: this program created it.
    pub fingerprint: Fingerprint,
}

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The mock gateway did not start.
    #[error("the demo gateway did not start: {0}")]
    Mock(String),
    /// The session with it failed.
    #[error("{0}")]
    Client(#[from] ClientError),
}

impl DemoError {
    /// What happened, in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            DemoError::Mock(e) => match lang {
                Lang::De => format!("Das Demo-Gateway ließ sich nicht starten: {e}"),
                Lang::En => format!("Could not start the demo gateway: {e}"),
            },
            DemoError::Client(e) => e.message(lang),
        }
    }
}

/// Starts the demo gateway and logs in.
pub async fn start() -> Result<Demo, DemoError> {
    let failed = |e: &dyn std::fmt::Display| DemoError::Mock(e.to_string());
    let scenario = mock_smgw::Scenario::builtin("demo").map_err(|e| failed(&e))?;
    let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mock = mock_smgw::start(scenario, listen, mock_smgw::Options::default())
        .await
        .map_err(|e| failed(&e))?;
    let fingerprint: Fingerprint = match mock.fingerprint_sha256().parse() {
        Ok(fp) => fp,
        Err(e) => {
            mock.shutdown().await;
            return Err(failed(&e));
        }
    };
    let mut opts = ConnectOptions::new(
        mock.addr().ip().to_string(),
        Auth::Digest {
            user: "demo".into(),
            password: "demo".into(),
        },
        PinPolicy::Pinned(fingerprint),
    );
    opts.port = mock.addr().port();
    match Connection::connect(opts).await {
        Ok(session) => Ok(Demo {
            mock,
            gateway: ConexaGateway::new(session),
            fingerprint,
        }),
        Err(e) => {
            mock.shutdown().await;
            Err(e.into())
        }
    }
}
