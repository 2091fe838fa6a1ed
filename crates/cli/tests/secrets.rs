//! Secrets never leave memory: a whole working day with a password and a key file whose
//! passwords occur nowhere else (login, sync, bundle export, a wrong password, a wrong key
//! file password, a key the gateway does not know, a pin that does not match), and then
//! neither secret nor any Digest `response=` value may be found in anything Durchblick wrote
//! or printed: the archive (also inside its compressed raw answers), the exported bundle,
//! the pin file, stdout and stderr.

#[path = "../../sync/tests/support/mod.rs"]
mod support;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use archive::Archive;
use mock_smgw::{Options, RunningMock, Scenario};

const BIN: &str = env!("CARGO_BIN_EXE_durchblick");

/// Secrets unique to this run, so that finding one anywhere can only mean we wrote it.
struct Secrets {
    password: String,
    key_file_password: String,
}

impl Secrets {
    fn new() -> Self {
        let nonce = format!(
            "{:x}{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        );
        Secrets {
            password: format!("Pw-{nonce}-Zq7"),
            key_file_password: format!("P12-{nonce}-Xk4"),
        }
    }

    /// The needles: both secrets, also as the hex and base64 forms a careless encoder
    /// would write, and the Digest answer's parameter name.
    fn needles(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for (name, secret) in [
            ("password", &self.password),
            ("key file password", &self.key_file_password),
        ] {
            out.push((name.to_owned(), secret.as_bytes().to_vec()));
            out.push((format!("{name} (hex)"), hex(secret.as_bytes()).into_bytes()));
        }
        out.push(("Digest response=".into(), b"response=".to_vec()));
        out
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}

/// The demo scenario with the consumer's password replaced by ours, plus a PKCS#12 file of
/// the demo's client key protected by our key-file password (made by openssl, an
/// independent implementation).
fn scenario_with(secrets: &Secrets, dir: &Path) -> (Scenario, PathBuf, PathBuf) {
    let scenario = support::demo_with_password(dir, &secrets.password);

    let known = dir.join("client-secret.p12");
    openssl_p12(
        &dir.join("client.pem"),
        &dir.join("client-key.pem"),
        &secrets.key_file_password,
        &known,
    );
    // A key the gateway does not know, under the same password: its login fails in TLS.
    let stranger_key = dir.join("stranger-key.pem");
    let stranger_cert = dir.join("stranger.pem");
    run_ok(Command::new("openssl").args([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=stranger",
        "-keyout",
        stranger_key.to_str().expect("utf-8"),
        "-out",
        stranger_cert.to_str().expect("utf-8"),
    ]));
    let stranger = dir.join("stranger.p12");
    openssl_p12(
        &stranger_cert,
        &stranger_key,
        &secrets.key_file_password,
        &stranger,
    );
    (scenario, known, stranger)
}

fn openssl_p12(cert: &Path, key: &Path, password: &str, out: &Path) {
    // The password goes through the environment, never the command line (which `ps` shows).
    run_ok(
        Command::new("openssl")
            .args(["pkcs12", "-export", "-in"])
            .arg(cert)
            .arg("-inkey")
            .arg(key)
            .args(["-passout", "env:P12_SECRET", "-out"])
            .arg(out)
            .env("P12_SECRET", password),
    );
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Day {
    mock: RunningMock,
    config: tempfile::TempDir,
    archive: PathBuf,
    printed: Vec<(String, Vec<u8>)>,
}

impl Day {
    fn run(&mut self, what: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(["--lang", "en"]).args(args);
        cmd.env("DURCHBLICK_CONFIG_DIR", self.config.path());
        cmd.env_remove("DURCHBLICK_PASSWORD");
        cmd.env_remove("DURCHBLICK_P12_PASSWORD");
        cmd.envs(env.iter().copied());
        // Debug logging on, so that whatever the program would ever log is looked at too.
        cmd.env("RUST_LOG", "trace");
        cmd.stdin(Stdio::null());
        let out = cmd.output().expect("binary runs");
        self.printed
            .push((format!("{what}: stdout"), out.stdout.clone()));
        self.printed
            .push((format!("{what}: stderr"), out.stderr.clone()));
        out
    }

    fn connect(&self) -> Vec<String> {
        vec![
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            self.mock.addr().port().to_string(),
        ]
    }
}

fn args<'a>(head: &[&'a str], connect: &'a [String], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter()
        .copied()
        .chain(connect.iter().map(String::as_str))
        .chain(tail.iter().copied())
        .collect()
}

fn describe(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file below `dir`, with its bytes.
fn files_below(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_below(&path, out);
        } else {
            let bytes = std::fs::read(&path).expect("read file");
            out.push((path.display().to_string(), bytes));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_and_no_digest_answer_is_ever_written_or_printed() {
    let secrets = Secrets::new();
    let scenario_dir = tempfile::tempdir().expect("temp dir");
    let (scenario, key_file, stranger) = scenario_with(&secrets, scenario_dir.path());
    let mock = mock_smgw::start(
        scenario,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Options::default(),
    )
    .await
    .expect("mock starts");
    let work = tempfile::tempdir().expect("temp dir");
    let mut day = Day {
        mock,
        config: tempfile::tempdir().expect("temp dir"),
        archive: work.path().join("archive.sqlite"),
        printed: Vec::new(),
    };
    let connect = day.connect();
    let archive = day.archive.to_str().expect("utf-8").to_owned();
    let key_file = key_file.to_str().expect("utf-8").to_owned();
    let stranger = stranger.to_str().expect("utf-8").to_owned();
    let password = secrets.password.clone();
    let key_password = secrets.key_file_password.clone();

    // A good day: Digest login and a full sync, then the key file.
    let out = day.run(
        "sync",
        &args(
            &["sync"],
            &connect,
            &[
                "--user",
                "demo",
                "--trust-on-first-use",
                "--archive",
                &archive,
            ],
        ),
        &[("DURCHBLICK_PASSWORD", &password)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = day.run(
        "contracts with the key file",
        &args(&["--json", "contracts"], &connect, &["--p12", &key_file]),
        &[("DURCHBLICK_P12_PASSWORD", &key_password)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let bundle = work.path().join("bundle");
    let out = day.run(
        "bundle",
        &[
            "export",
            "bundle",
            "--archive",
            &archive,
            "--out",
            bundle.to_str().expect("utf-8"),
            // A few weeks are enough to find a secret and keep the debug build fast.
            "--from",
            "2026-10-01",
            "--to",
            "2026-11-20",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    // A bad day: typos in both passwords, a key the gateway does not know, a wrong pin.
    let typo = format!("{password}.");
    let out = day.run(
        "wrong password",
        &args(&["info"], &connect, &["--user", "demo"]),
        &[("DURCHBLICK_PASSWORD", &typo)],
    );
    assert_eq!(out.status.code(), Some(4), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ends with a full stop") && stderr.contains("does not try again"),
        "the typo is named before the login and the refusal says why there is no retry: {}",
        describe(&out)
    );
    let key_typo = format!(" {key_password}");
    let out = day.run(
        "wrong key file password",
        &args(&["info"], &connect, &["--p12", &key_file]),
        &[("DURCHBLICK_P12_PASSWORD", &key_typo)],
    );
    assert_eq!(out.status.code(), Some(4), "{}", describe(&out));
    let out = day.run(
        "unknown key",
        &args(&["info"], &connect, &["--p12", &stranger]),
        &[("DURCHBLICK_P12_PASSWORD", &key_password)],
    );
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    let wrong_pin = "ab".repeat(32);
    let config = tempfile::tempdir().expect("temp dir");
    let kept_config = std::mem::replace(&mut day.config, config);
    let out = day.run(
        "wrong pin",
        &args(
            &["info"],
            &connect,
            &["--user", "demo", "--pin", &wrong_pin],
        ),
        &[("DURCHBLICK_PASSWORD", &password)],
    );
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    let pin_free_config = std::mem::replace(&mut day.config, kept_config);

    // Now look everywhere.
    let mut written = Vec::new();
    files_below(work.path(), &mut written);
    files_below(day.config.path(), &mut written);
    files_below(pin_free_config.path(), &mut written);
    assert!(
        written.iter().any(|(name, _)| name.ends_with("pins.json")),
        "the pin file is among what is searched: {:?}",
        written.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert!(
        written.iter().any(|(name, _)| name.contains("MANIFEST")),
        "the bundle is among what is searched"
    );
    // The raw answers are stored compressed: search them decompressed, with the requests.
    let db = Archive::open_existing(&day.archive)
        .await
        .expect("archive opens");
    let ids = db.all_raw_response_ids().await.expect("raw ids");
    assert!(
        ids.len() > 10,
        "the sync kept its raw answers ({})",
        ids.len()
    );
    for id in ids {
        let raw = db.raw_response(id).await.expect("raw answer");
        written.push((format!("raw answer {id:?} body"), raw.body));
        written.push((
            format!("raw answer {id:?} request"),
            raw.request.unwrap_or_default().into_bytes(),
        ));
    }
    db.close().await;

    let searched: usize = written
        .iter()
        .chain(day.printed.iter())
        .map(|(_, b)| b.len())
        .sum();
    eprintln!(
        "searched {} files, raw answers and outputs: {searched} bytes",
        written.len() + day.printed.len()
    );
    let mut found = Vec::new();
    for (place, bytes) in written.iter().chain(day.printed.iter()) {
        for (what, needle) in secrets.needles() {
            if contains(bytes, &needle) {
                found.push(format!("{what} in {place}"));
            }
        }
    }
    assert!(found.is_empty(), "secrets found: {found:#?}");
    // The search itself works: the needles are found where we put them ourselves.
    let scenario_toml = std::fs::read(scenario_dir.path().join("scenario.toml")).expect("read");
    assert!(contains(&scenario_toml, secrets.password.as_bytes()));
}
