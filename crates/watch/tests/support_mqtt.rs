//! A real mosquitto on a loopback port, and a subscriber that collects retained messages.
#![allow(dead_code)]
// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

/// Debian's mosquitto binary; fails (never skips) when it is missing.
pub fn mosquitto_binary() -> PathBuf {
    for dir in std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .chain(["/usr/sbin", "/usr/local/sbin"])
    {
        let p = Path::new(dir).join("mosquitto");
        if p.is_file() {
            return p;
        }
    }
    panic!("mosquitto is not installed: install the Debian packages `mosquitto mosquitto-clients` (scripts/setup.sh does)");
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running broker; killed on drop.
pub struct Broker {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Broker {
    pub fn start(port: u16) -> Broker {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!("listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"),
        )
        .unwrap();
        let child = Command::new(mosquitto_binary())
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto starts");
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "mosquitto did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Broker {
            port,
            child,
            _dir: dir,
        }
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Subscribes to `durchblick/#` and `homeassistant/#` and collects messages for `wait`:
/// the last payload per topic.
pub async fn collect(port: u16, wait: Duration) -> BTreeMap<String, String> {
    let id = format!("test-sub-{}-{}", std::process::id(), free_port());
    let (client, mut eventloop) = AsyncClient::new(MqttOptions::new(id, "127.0.0.1", port), 100);
    client
        .subscribe("durchblick/#", QoS::AtLeastOnce)
        .await
        .unwrap();
    client
        .subscribe("homeassistant/#", QoS::AtLeastOnce)
        .await
        .unwrap();
    let mut got = BTreeMap::new();
    let until = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(until, eventloop.poll()).await {
            Err(_) => break,
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                got.insert(
                    p.topic.clone(),
                    String::from_utf8_lossy(&p.payload).into_owned(),
                );
            }
            Ok(Ok(_)) => {}
            Ok(Err(_)) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    got
}

/// Polls `collect` until `check` passes or `timeout`; returns the last messages.
pub async fn until(
    port: u16,
    timeout: Duration,
    check: impl Fn(&BTreeMap<String, String>) -> bool,
) -> BTreeMap<String, String> {
    let end = Instant::now() + timeout;
    loop {
        let got = collect(port, Duration::from_millis(700)).await;
        if check(&got) || Instant::now() > end {
            return got;
        }
    }
}
