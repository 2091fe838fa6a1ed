//! Shared by the sync crate's tests and the CLI's sync tests (included there by path):
//! starting the mock, logging in, and comparing an archive with what a scenario generated.

#![allow(dead_code)] // Each including test file uses a different subset.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use archive::{Archive, ConsumerId, LogFilter, Scope};
use han_client::{Auth, ConexaGateway, ConnectOptions, Connection, Fingerprint, PinPolicy};
use mock_smgw::{Options, RunningMock, Scenario};

/// The mock's scenario directory.
pub fn scenario_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../mock-smgw/scenarios")
        .join(name)
}

/// Starts a mock with `scenario` on a free loopback port.
pub async fn start(scenario: Scenario) -> RunningMock {
    mock_smgw::start(
        scenario,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Options::default(),
    )
    .await
    .expect("mock starts")
}

/// The demo scenario with the consumer's password replaced: its files copied into `dir`,
/// loaded from there (the operator changed the password, or a test needs a unique one).
pub fn demo_with_password(dir: &Path, password: &str) -> Scenario {
    for entry in std::fs::read_dir(scenario_dir("demo")).expect("demo scenario") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
    }
    let file = dir.join("scenario.toml");
    let toml = std::fs::read_to_string(&file).expect("scenario.toml");
    let changed = toml.replacen(
        "password = \"demo\"",
        &format!("password = \"{password}\""),
        1,
    );
    assert_ne!(
        toml, changed,
        "the demo scenario has a password line to replace"
    );
    std::fs::write(&file, changed).expect("write scenario");
    Scenario::load(dir).expect("changed scenario loads")
}

/// Values stored for a consumer, over all its channels.
pub async fn values_stored(db: &Archive, consumer: ConsumerId) -> u64 {
    db.status(Scope::Consumer(consumer))
        .await
        .expect("status")
        .iter()
        .map(|s| s.count)
        .sum()
}

/// Starts a builtin scenario.
pub async fn start_builtin(name: &str) -> RunningMock {
    start(Scenario::builtin(name).expect("builtin scenario")).await
}

fn options(mock: &RunningMock, auth: Auth) -> ConnectOptions {
    let fp: Fingerprint = mock.fingerprint_sha256().parse().expect("fingerprint");
    let mut opts = ConnectOptions::new("127.0.0.1", auth, PinPolicy::Pinned(fp));
    opts.port = mock.addr().port();
    opts
}

/// A Digest session.
pub async fn login(mock: &RunningMock, user: &str, password: &str) -> ConexaGateway {
    let auth = Auth::Digest {
        user: user.into(),
        password: password.into(),
    };
    ConexaGateway::new(
        Connection::connect(options(mock, auth))
            .await
            .expect("login"),
    )
}

/// A session with a client certificate (PEM files of the scenario).
pub async fn login_pem(mock: &RunningMock, dir: &Path, name: &str) -> ConexaGateway {
    let cert = std::fs::read(dir.join(format!("{name}.pem"))).expect("cert");
    let key = std::fs::read(dir.join(format!("{name}-key.pem"))).expect("key");
    ConexaGateway::new(
        Connection::connect(options(mock, Auth::Pem { cert, key }))
            .await
            .expect("login with certificate"),
    )
}

/// A reading reduced to what both sides know, for comparison.
pub type Row = (
    i64,
    Option<i64>,
    i128,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn mock_row(r: &mock_smgw::Reading) -> Row {
    (
        r.target_time,
        Some(r.capture_time),
        i128::from(r.value),
        Some(r.cosem_status.clone()),
        Some(r.smgw_status.clone()),
        Some(r.meter_status.clone()),
        Some(r.owner_number.clone()),
        r.signature.clone(),
    )
}

pub fn archive_row(r: &archive::Reading) -> Row {
    (
        r.target_time.timestamp(),
        r.capture_time.map(|t| t.timestamp()),
        r.value.raw,
        r.cosem_status.clone(),
        r.smgw_status.clone(),
        r.meter_status.clone(),
        r.owner.clone(),
        r.signature.clone(),
    )
}

/// Per (usage point, database, channel name): the archived readings.
pub type Data = BTreeMap<(String, String, String), Vec<Row>>;

/// Everything the archive holds for a consumer, and the (database, obis) pairs of each
/// contract's latest description.
pub async fn archived(
    db: &Archive,
    consumer: ConsumerId,
) -> (Data, Vec<(String, u32, String, String)>) {
    let mut data = Data::new();
    let mut described = Vec::new();
    for c in db.contracts(consumer).await.expect("contracts") {
        let up = c.info.usage_point_id.clone();
        let (_, detail) = db
            .latest_contract_detail(c.id)
            .await
            .expect("detail")
            .expect("every contract has a description");
        for ch in &detail.channels {
            described.push((
                up.clone(),
                c.info.taf_number.unwrap_or(0),
                ch.database.clone(),
                ch.obis.to_hex(),
            ));
        }
        for ch in db.channels(Scope::Contract(c.id)).await.expect("channels") {
            let name = format!("{}.{}.sm", ch.key.name.obis.to_hex(), ch.key.name.meter_id);
            let rows = db
                .readings(ch.id, None, None, u32::MAX)
                .await
                .expect("readings")
                .iter()
                .map(|r| archive_row(&r.reading))
                .collect();
            data.insert((up.clone(), ch.key.database.clone(), name), rows);
        }
    }
    (data, described)
}

/// What the scenario generated for the same channels, up to `until` (Unix seconds;
/// current values are taken whole).
pub fn expected(
    scenario: &Scenario,
    consumer: &str,
    described: &[(String, u32, String, String)],
) -> Data {
    let mut data = Data::new();
    for (up, _taf, database, obis) in described {
        for r in scenario
            .expected_readings(consumer, up, database, obis)
            .expect("expected readings")
        {
            data.entry((up.clone(), database.clone(), r.channel.clone()))
                .or_default()
                .push(mock_row(&r));
        }
    }
    data
}

/// Asserts that the archive holds exactly the scenario's values and logbook for a
/// consumer: no hole, no duplicate, no conflict.
pub async fn assert_complete(db: &Archive, consumer: ConsumerId, scenario: &Scenario, name: &str) {
    let (mut got, described) = archived(db, consumer).await;
    assert!(!described.is_empty(), "{name}: no contract described");
    // Channels that exist in the archive but never delivered a value (e.g. announced by
    // an empty response channel) are not in the generated data.
    got.retain(|_, rows| !rows.is_empty());
    let want = expected(scenario, name, &described);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{name}: channels"
    );
    for (k, rows) in &want {
        let have = &got[k];
        assert_eq!(have.len(), rows.len(), "{name}: number of values of {k:?}");
        assert!(have == rows, "{name}: values of {k:?} differ");
    }
    let conflicts = db
        .reading_conflicts(Scope::Consumer(consumer))
        .await
        .expect("conflicts");
    assert!(
        conflicts.is_empty(),
        "{name}: {} conflicts",
        conflicts.len()
    );

    let log = db
        .log_entries(consumer, &LogFilter::default())
        .await
        .expect("log");
    let want_log = scenario.expected_log(name).expect("expected log");
    assert_eq!(log.len(), want_log.len(), "{name}: logbook length");
    for (a, b) in log.iter().zip(&want_log) {
        let a = &a.entry;
        assert_eq!(a.index, b.index);
        assert_eq!(a.time.map(|t| t.timestamp()), Some(b.time));
        assert_eq!(a.level, Some(b.level));
        assert_eq!(a.event_id.as_deref(), Some(b.event_id.to_string().as_str()));
        assert_eq!(
            a.event_sub_id.as_deref(),
            Some(b.event_sub_id.to_string().as_str())
        );
        assert_eq!(a.outcome.as_deref(), Some(b.outcome.to_string().as_str()));
        assert_eq!(a.vendor_id.as_deref(), Some(b.vendor_id.as_str()));
        assert_eq!(a.message.as_deref(), Some(b.message.as_str()));
        assert_eq!(a.version.as_deref(), Some(b.version.as_str()));
    }
    assert!(db
        .log_conflicts(consumer)
        .await
        .expect("log conflicts")
        .is_empty());
    assert_eq!(
        db.check_integrity().await.expect("integrity"),
        Vec::<String>::new()
    );
}

/// The archive's consumer id for a user id on a gateway.
pub async fn consumer_id(db: &Archive, smgw_id: &str, userid: &str) -> ConsumerId {
    let gw = db
        .gateways()
        .await
        .expect("gateways")
        .into_iter()
        .find(|g| g.smgw_id == smgw_id)
        .expect("gateway archived");
    db.consumers(Some(gw.id))
        .await
        .expect("consumers")
        .into_iter()
        .find(|c| c.user_id == userid)
        .expect("consumer archived")
        .id
}
