//! `mqtts://` against a real mosquitto with a TLS listener (a CA and a server certificate
//! for 127.0.0.1 and localhost made here with rcgen) and user/password login: the
//! publisher's retained state and discovery arrive; a wrong CA is refused with a clear
//! error and nothing is published.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support_mqtt;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use durchblick_watch::ha::{self, Device, Sensor, State, Topics};
use durchblick_watch::mqtt::{BrokerLogin, BrokerUrl, Publisher};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use serde_json::Value;
use smgw_model::Lang;
use support_mqtt::*;

const USER: &str = "durchblick";
const PASSWORD: &str = "geheim-secret";

struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

/// A CA and a server certificate for 127.0.0.1 and localhost signed by it.
fn make_pki(ca_name: &str) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, ca_name);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let cert = params.signed_by(&key, &issuer).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

/// mosquitto with a TLS listener (password required) and a plain loopback listener for
/// the test's subscriber; killed on drop.
struct TlsBroker {
    tls_port: u16,
    plain_port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl TlsBroker {
    fn start(pki: &Pki) -> TlsBroker {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let write = |name: &str, text: &str| std::fs::write(d.join(name), text).unwrap();
        write("ca.pem", &pki.ca_pem);
        write("server.pem", &pki.cert_pem);
        write("server.key", &pki.key_pem);
        let passwd = d.join("passwd");
        std::fs::write(&passwd, "").unwrap();
        let status = Command::new("mosquitto_passwd")
            .arg("-b")
            .arg(&passwd)
            .arg(USER)
            .arg(PASSWORD)
            .status()
            .expect("mosquitto_passwd runs (Debian package mosquitto)");
        assert!(status.success(), "mosquitto_passwd failed");
        let (tls_port, plain_port) = (free_port(), free_port());
        let p = |name: &str| d.join(name).display().to_string();
        let conf = format!(
            "per_listener_settings true\npersistence false\nuser root\n\
             listener {tls_port} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\n\
             allow_anonymous false\npassword_file {}\n\
             listener {plain_port} 127.0.0.1\nallow_anonymous true\n",
            p("ca.pem"),
            p("server.pem"),
            p("server.key"),
            p("passwd"),
        );
        write("mosquitto.conf", &conf);
        let child = Command::new(mosquitto_binary())
            .arg("-c")
            .arg(d.join("mosquitto.conf"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(d.join("log")).unwrap())
            .spawn()
            .expect("mosquitto starts");
        let until = Instant::now() + Duration::from_secs(10);
        for port in [tls_port, plain_port] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < until,
                    "mosquitto did not listen on {port}: {}",
                    std::fs::read_to_string(d.join("log")).unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        TlsBroker {
            tls_port,
            plain_port,
            child,
            _dir: dir,
        }
    }

    fn dir(&self) -> &Path {
        self._dir.path()
    }
}

impl Drop for TlsBroker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn device() -> Device {
    Device {
        gateway_id: "EPPC0210486901".into(),
        maker: "CONEXA".into(),
        firmware: None,
    }
}

fn sensor() -> Sensor {
    Sensor {
        meter: "1emh0012345678".into(),
        obis: "0100010800ff".parse().unwrap(),
        unit: smgw_model::Unit::WattHour,
    }
}

fn login(ca_pem: &str) -> BrokerLogin {
    BrokerLogin {
        user: Some(USER.into()),
        password: Some(PASSWORD.into()),
        ca_pem: Some(ca_pem.as_bytes().to_vec()),
    }
}

/// Publishes one sensor's discovery and state as the watch loop does.
fn publish(publisher: &Publisher, topics: &Topics) -> (String, String, String) {
    let (device, sensor) = (device(), sensor());
    let state = State {
        value: smgw_model::ScaledValue::new(123_456_789, -1),
        time: chrono::DateTime::from_timestamp(1_760_000_400, 0).unwrap(),
        ptb: None,
    };
    let discovery = topics.discovery(&device, &sensor);
    let state_topic = topics.state(&device, &sensor);
    publisher.retain(
        &discovery,
        ha::discovery_payload(topics, &device, &sensor, Lang::En)
            .to_string()
            .into_bytes(),
    );
    publisher.retain_always(
        &state_topic,
        ha::state_payload(&sensor, &state).to_string().into_bytes(),
    );
    (discovery, state_topic, topics.availability(&device))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mqtts_with_ca_and_password_publishes_state_and_discovery() {
    let pki = make_pki("Durchblick Test CA");
    let broker = TlsBroker::start(&pki);
    let url: BrokerUrl = format!("mqtts://127.0.0.1:{}", broker.tls_port)
        .parse()
        .unwrap();
    assert!(url.tls);
    let topics = Topics::default();
    let publisher = Publisher::start(
        &url,
        &login(&pki.ca_pem),
        "durchblick-tls-test",
        &topics.availability(&device()),
        (Duration::from_millis(100), Duration::from_millis(500)),
    )
    .unwrap();
    let (discovery, state_topic, availability) = publish(&publisher, &topics);
    assert!(
        publisher.flush(Duration::from_secs(15)).await,
        "not acknowledged over TLS: {:?}\n{}",
        publisher.last_error(),
        std::fs::read_to_string(broker.dir().join("log")).unwrap_or_default()
    );
    assert!(publisher.is_connected());

    let got = until(broker.plain_port, Duration::from_secs(15), |g| {
        g.contains_key(&discovery) && g.contains_key(&state_topic)
    })
    .await;
    let state: Value = serde_json::from_str(&got[&state_topic]).unwrap();
    assert_eq!(state["value"], "12345.6789", "{state}");
    assert_eq!(state["time"], "2025-10-09T09:00:00Z", "{state}");
    let config: Value = serde_json::from_str(&got[&discovery]).unwrap();
    assert_eq!(config["state_topic"], state_topic.as_str());
    assert_eq!(config["device_class"], "energy");
    assert_eq!(config["unit_of_measurement"], "kWh");
    assert_eq!(got[&availability], "online");
    publisher.close(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mqtts_with_a_wrong_ca_is_refused_with_a_clear_error() {
    let pki = make_pki("Durchblick Test CA");
    let other = make_pki("Some Other CA");
    let broker = TlsBroker::start(&pki);
    let url: BrokerUrl = format!("mqtts://localhost:{}", broker.tls_port)
        .parse()
        .unwrap();
    let topics = Topics::default();
    let publisher = Publisher::start(
        &url,
        &login(&other.ca_pem),
        "durchblick-tls-wrong-ca",
        &topics.availability(&device()),
        (Duration::from_millis(100), Duration::from_millis(500)),
    )
    .unwrap();
    let (discovery, state_topic, _) = publish(&publisher, &topics);
    assert!(
        !publisher.flush(Duration::from_secs(3)).await,
        "a broker whose certificate the CA did not sign must not be trusted"
    );
    assert!(!publisher.is_connected());
    let error = publisher.last_error().expect("the refusal is reported");
    assert!(
        error.contains("UnknownIssuer") || error.contains("certificate"),
        "unclear error: {error}"
    );
    let got = collect(broker.plain_port, Duration::from_millis(700)).await;
    assert!(
        !got.contains_key(&discovery) && !got.contains_key(&state_topic),
        "{got:?}"
    );
    publisher.close(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mqtts_with_a_wrong_password_is_refused() {
    let pki = make_pki("Durchblick Test CA");
    let broker = TlsBroker::start(&pki);
    let url: BrokerUrl = format!("mqtts://127.0.0.1:{}", broker.tls_port)
        .parse()
        .unwrap();
    let mut wrong = login(&pki.ca_pem);
    wrong.password = Some("wrong".into());
    let topics = Topics::default();
    let publisher = Publisher::start(
        &url,
        &wrong,
        "durchblick-tls-wrong-password",
        &topics.availability(&device()),
        (Duration::from_millis(100), Duration::from_millis(500)),
    )
    .unwrap();
    let (_, state_topic, _) = publish(&publisher, &topics);
    assert!(!publisher.flush(Duration::from_secs(3)).await);
    assert!(publisher.last_error().is_some());
    let got = collect(broker.plain_port, Duration::from_millis(700)).await;
    assert!(!got.contains_key(&state_topic), "{got:?}");
    publisher.close(false).await;
}
