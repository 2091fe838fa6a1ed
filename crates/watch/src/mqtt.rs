//! The broker: `mqtt://` or `mqtts://` (TLS with rustls and the workspace's ring
//! provider), user and password, the last will, and every retained message published
//! again after a reconnect.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rumqttc::{
    AsyncClient, Event, EventLoop, LastWill, MqttOptions, Outgoing, Packet, QoS, TlsConfiguration,
    Transport,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::WatchError;
use crate::schedule::Backoff;

/// Where the broker is, as given by `--mqtt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    /// TLS (`mqtts://`).
    pub tls: bool,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port (default 1883, or 8883 with TLS).
    pub port: u16,
    /// User name from the URL (`mqtt://user@host`); a password in the URL is refused.
    pub user: Option<String>,
}

impl std::str::FromStr for BrokerUrl {
    type Err = WatchError;

    fn from_str(text: &str) -> Result<BrokerUrl, WatchError> {
        let bad = |why: &str| WatchError::BrokerUrl {
            url: text.to_owned(),
            why: why.to_owned(),
        };
        let (tls, rest) = if let Some(r) = text.strip_prefix("mqtts://") {
            (true, r)
        } else if let Some(r) = text.strip_prefix("mqtt://") {
            (false, r)
        } else {
            return Err(bad("scheme"));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') || rest.contains('?') {
            return Err(bad("path"));
        }
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((user, hp)) => {
                if user.contains(':') {
                    return Err(bad("password"));
                }
                (Some(user.to_owned()).filter(|u| !u.is_empty()), hp)
            }
            None => (None, rest),
        };
        let default_port = if tls { 8883 } else { 1883 };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| bad("host"))?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| bad("port"))?,
                None if after.is_empty() => default_port,
                None => return Err(bad("host")),
            };
            (host.to_owned(), port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_owned(), p.parse().map_err(|_| bad("port"))?),
                None => (hostport.to_owned(), default_port),
            }
        };
        if host.is_empty() || port == 0 {
            return Err(bad("host"));
        }
        Ok(BrokerUrl {
            tls,
            host,
            port,
            user,
        })
    }
}

/// How to log in to the broker and whom to trust.
#[derive(Debug, Clone, Default)]
pub struct BrokerLogin {
    /// User name (overrides the URL's).
    pub user: Option<String>,
    /// Password (from the environment or a credential file, never an argument).
    pub password: Option<String>,
    /// Extra CA certificates (PEM) for `mqtts://`, besides the system's.
    pub ca_pem: Option<Vec<u8>>,
}

#[derive(Default)]
struct Shared {
    /// Every retained message, by topic: published again after each (re)connect.
    retained: BTreeMap<String, Vec<u8>>,
    connected: bool,
    sent: u64,
    acked: u64,
    last_error: Option<String>,
}

/// A connection to the broker that keeps itself up.
pub struct Publisher {
    client: AsyncClient,
    shared: Arc<Mutex<Shared>>,
    connected: watch::Receiver<bool>,
    task: JoinHandle<()>,
    availability: String,
}

fn tls_config(login: &BrokerLogin) -> Result<rustls::ClientConfig, WatchError> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for cert in native.certs {
        // A system certificate rustls cannot use is skipped, as browsers do.
        let _ = roots.add(cert);
    }
    if let Some(pem) = &login.ca_pem {
        use rustls::pki_types::pem::PemObject;
        let mut any = false;
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| WatchError::Tls(e.to_string()))?;
            roots
                .add(cert)
                .map_err(|e| WatchError::Tls(e.to_string()))?;
            any = true;
        }
        if !any {
            return Err(WatchError::Tls("no certificate in the CA file".into()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| WatchError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl Publisher {
    /// Starts connecting to `url` (in the background, again and again with back-off while
    /// the broker is away). `availability` gets `online` (retained) on every connect and
    /// `offline` as the last will.
    pub fn start(
        url: &BrokerUrl,
        login: &BrokerLogin,
        client_id: &str,
        availability: &str,
        reconnect: (Duration, Duration),
    ) -> Result<Publisher, WatchError> {
        let mut options = MqttOptions::new(client_id, url.host.clone(), url.port);
        options.set_keep_alive(Duration::from_secs(30));
        options.set_clean_session(true);
        options.set_max_packet_size(256 * 1024, 256 * 1024);
        options.set_last_will(LastWill::new(
            availability,
            "offline",
            QoS::AtLeastOnce,
            true,
        ));
        if let Some(user) = login.user.clone().or_else(|| url.user.clone()) {
            options.set_credentials(user, login.password.clone().unwrap_or_default());
        }
        if url.tls {
            options.set_transport(Transport::Tls(TlsConfiguration::Rustls(Arc::new(
                tls_config(login)?,
            ))));
        }
        let (client, eventloop) = AsyncClient::new(options, 1024);
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(drive(
            eventloop,
            client.clone(),
            shared.clone(),
            tx,
            Backoff::new(reconnect.0, reconnect.1),
        ));
        let publisher = Publisher {
            client,
            shared,
            connected: rx,
            task,
            availability: availability.to_owned(),
        };
        publisher.retain(availability, b"online".to_vec());
        Ok(publisher)
    }

    /// Publishes `payload` retained on `topic` now (if connected) and after every
    /// reconnect. An unchanged payload is not sent again.
    pub fn retain(&self, topic: &str, payload: Vec<u8>) {
        let Ok(mut s) = self.shared.lock() else {
            return;
        };
        if s.retained.get(topic) == Some(&payload) {
            return;
        }
        s.retained.insert(topic.to_owned(), payload.clone());
        if s.connected
            && self
                .client
                .try_publish(topic, QoS::AtLeastOnce, true, payload)
                .is_ok()
        {
            s.sent += 1;
        }
    }

    /// Like [`Publisher::retain`], but sent even if the payload is unchanged (a state
    /// read again).
    pub fn retain_always(&self, topic: &str, payload: Vec<u8>) {
        if let Ok(mut s) = self.shared.lock() {
            s.retained.remove(topic);
        }
        self.retain(topic, payload);
    }

    /// Whether the broker connection is up.
    pub fn is_connected(&self) -> bool {
        *self.connected.borrow()
    }

    /// The last connection error, if any.
    pub fn last_error(&self) -> Option<String> {
        self.shared.lock().ok().and_then(|s| s.last_error.clone())
    }

    /// Waits until the broker is connected and acknowledged everything published, at
    /// most `timeout`. Returns whether it did.
    pub async fn flush(&self, timeout: Duration) -> bool {
        let until = tokio::time::Instant::now() + timeout;
        loop {
            let done = self
                .shared
                .lock()
                .map(|s| s.connected && s.acked >= s.sent)
                .unwrap_or(true);
            if done {
                return true;
            }
            if tokio::time::Instant::now() >= until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Ends the connection: with `offline`, availability becomes `offline` first
    /// (a clean stop; an unclean one leaves it to the last will).
    pub async fn close(self, offline: bool) {
        if offline {
            let topic = self.availability.clone();
            self.retain(&topic, b"offline".to_vec());
        }
        self.flush(Duration::from_secs(5)).await;
        let _ = self.client.try_disconnect();
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(3), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Drives the connection: on every connect, (re)publishes every retained message; after
/// an error waits with back-off and connects again.
async fn drive(
    mut eventloop: EventLoop,
    client: AsyncClient,
    shared: Arc<Mutex<Shared>>,
    connected: watch::Sender<bool>,
    mut backoff: Backoff,
) {
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                backoff.succeeded();
                if let Ok(mut s) = shared.lock() {
                    s.connected = true;
                    s.last_error = None;
                    // Messages in flight before the outage are not counted twice.
                    s.sent = 0;
                    s.acked = 0;
                    let all: Vec<(String, Vec<u8>)> = s
                        .retained
                        .iter()
                        .map(|(t, p)| (t.clone(), p.clone()))
                        .collect();
                    for (topic, payload) in all {
                        if client
                            .try_publish(topic, QoS::AtLeastOnce, true, payload)
                            .is_ok()
                        {
                            s.sent += 1;
                        }
                    }
                }
                let _ = connected.send(true);
            }
            Ok(Event::Incoming(Packet::PubAck(_))) => {
                if let Ok(mut s) = shared.lock() {
                    s.acked += 1;
                }
            }
            Ok(Event::Outgoing(Outgoing::Disconnect)) => {
                if let Ok(mut s) = shared.lock() {
                    s.connected = false;
                }
                let _ = connected.send(false);
                return;
            }
            Ok(_) => {}
            Err(e) => {
                if let Ok(mut s) = shared.lock() {
                    s.connected = false;
                    s.last_error = Some(e.to_string());
                }
                let _ = connected.send(false);
                tokio::time::sleep(backoff.failed()).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<BrokerUrl, WatchError> {
        s.parse()
    }

    #[test]
    fn broker_urls() {
        assert_eq!(
            parse("mqtt://localhost").unwrap(),
            BrokerUrl {
                tls: false,
                host: "localhost".into(),
                port: 1883,
                user: None
            }
        );
        assert_eq!(
            parse("mqtts://ha@broker.lan:8884/").unwrap(),
            BrokerUrl {
                tls: true,
                host: "broker.lan".into(),
                port: 8884,
                user: Some("ha".into())
            }
        );
        assert_eq!(parse("mqtts://[::1]").unwrap().port, 8883);
        assert_eq!(parse("mqtt://[fe80::1]:1884").unwrap().host, "fe80::1");
        for bad in [
            "http://x",
            "mqtt://",
            "mqtt://u:secret@host",
            "mqtt://host:notaport",
            "mqtt://host/topic",
            "mqtt://host:0",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let login = BrokerLogin {
            ca_pem: Some(b"not a certificate".to_vec()),
            ..BrokerLogin::default()
        };
        assert!(matches!(tls_config(&login), Err(WatchError::Tls(_))));
    }
}
