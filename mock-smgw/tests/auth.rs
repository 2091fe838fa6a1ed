//! Authentication: Digest (MD5, SHA-256, the firmware quirk), replay, stale nonces, wrong
//! passwords, client certificates (PEM and both PKCS#12 flavours), the 307 redirect.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

const UID: &str = "01005e318011.consumer1.sm";

#[tokio::test]
async fn digest_md5_login_redirects_to_own_userid() {
    let mock = start("demo").await;
    let mut conn = connect(&mock).await;
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 401);
    let www = r.header("WWW-Authenticate").expect("challenge").to_owned();
    let p = challenge_params(&www);
    assert_eq!(p["qop"], "auth");
    assert_eq!(p["algorithm"], "MD5");
    assert!(!p["opaque"].is_empty());
    let mut d = DigestClient::from_challenge(&www, "demo", "demo");
    let auth = d.authorization("GET", "/smgw/m2m");
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 307);
    assert_eq!(
        r.header("Location"),
        Some(format!("/smgw/m2m/{UID}/json").as_str())
    );
    // The nonce is reused with an increasing nc on the same and on a new connection.
    let auth = d.authorization("POST", "/smgw/m2m");
    let r = conn
        .send(
            "POST",
            "/smgw/m2m",
            &[JSON, ("Authorization", &auth)],
            b"{}",
        )
        .await
        .expect("resp");
    assert_eq!(r.status, 307, "POST to /smgw/m2m is redirected too");
    let mut conn2 = connect(&mock).await;
    let path = format!("/smgw/m2m/{UID}/json");
    let auth = d.authorization("POST", &path);
    let r = conn2
        .send(
            "POST",
            &path,
            &[JSON, ("Authorization", &auth)],
            br#"{"method":"smgw-info"}"#,
        )
        .await
        .expect("resp");
    assert_eq!(r.status, 200);
    assert_eq!(
        mock.stats().status_401,
        1,
        "one challenge for the whole session"
    );
    assert_eq!(mock.stats().status_307, 2);
    mock.shutdown().await;
}

#[tokio::test]
async fn digest_sha256_works_and_digest_auth_crate_agrees() {
    let mock = start("prosumer").await;
    let mut conn = connect(&mock).await;
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON], b"")
        .await
        .expect("resp");
    let www = r.header("WWW-Authenticate").expect("challenge").to_owned();
    assert_eq!(challenge_params(&www)["algorithm"], "SHA-256");
    // An independent implementation (the digest_auth crate) computes the answer.
    let mut prompt = digest_auth::parse(&www).expect("parse challenge");
    let ctx = digest_auth::AuthContext::new("sonne", "photovoltaik", "/smgw/m2m");
    let auth = prompt.respond(&ctx).expect("respond").to_header_string();
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 307);
    assert_eq!(
        r.header("Location"),
        Some("/smgw/m2m/0a1b2c3d4e5f.consumer1.sm/json")
    );
    // An MD5 answer to a SHA-256 challenge is wrong here.
    let mut d = DigestClient::from_challenge(&www, "sonne", "photovoltaik");
    d.force_md5 = true;
    d.nc = 5;
    let auth = d.authorization("GET", "/smgw/m2m");
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 401);
    mock.shutdown().await;
}

#[tokio::test]
async fn wrong_password_gets_401_and_nc_replay_is_rejected() {
    let mock = start("demo").await;
    let mut conn = connect(&mock).await;
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON], b"")
        .await
        .expect("resp");
    let www = r.header("WWW-Authenticate").expect("challenge").to_owned();
    let mut bad = DigestClient::from_challenge(&www, "demo", "falsch");
    let auth = bad.authorization("GET", "/smgw/m2m");
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 401);
    assert!(!r
        .header("WWW-Authenticate")
        .unwrap_or("")
        .contains("stale=true"));
    let mut good = DigestClient::from_challenge(&www, "demo", "demo");
    good.nc = 1;
    let auth = good.authorization("GET", "/smgw/m2m");
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 307);
    // Same nc again: replay.
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 401, "replayed nc must be rejected");
    // A lower nc too.
    let auth = good.header_with_nc("GET", "/smgw/m2m", 1);
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 401);
    // Unknown user.
    let mut nobody = DigestClient::from_challenge(&www, "nobody", "demo");
    nobody.nc = 9;
    let auth = nobody.authorization("GET", "/smgw/m2m");
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 401);
    // Basic is never accepted.
    let r = conn
        .send(
            "GET",
            "/smgw/m2m",
            &[JSON, ("Authorization", "Basic ZGVtbzpkZW1v")],
            b"",
        )
        .await
        .expect("resp");
    assert_eq!(r.status, 401);
    mock.shutdown().await;
}

#[tokio::test]
async fn expired_nonce_gives_stale_true() {
    let opts = Options {
        nonce_lifetime: Some(Duration::from_millis(300)),
        ..Options::default()
    };
    let mock = start_with("demo", opts).await;
    let mut s = Session::digest(&mock, "demo", "demo").await;
    let _ = s.ok(json!({"method": "smgw-info"})).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = s.call(json!({"method": "smgw-info"})).await;
    assert_eq!(r.status, 401);
    let www = r.header("WWW-Authenticate").expect("challenge");
    assert!(www.ends_with("stale=true"), "{www}");
    // Retrying once with the new nonce works.
    s.digest = Some(DigestClient::from_challenge(www, "demo", "demo"));
    let _ = s.ok(json!({"method": "smgw-info"})).await;
    mock.shutdown().await;
}

#[tokio::test]
async fn quirky_firmware_announces_sha256_checks_md5_and_ignores_wrong_passwords() {
    let mock = start("quirky-firmware").await;
    let mut conn = connect(&mock).await;
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON], b"")
        .await
        .expect("resp");
    let www = r.header("WWW-Authenticate").expect("challenge").to_owned();
    assert_eq!(challenge_params(&www)["algorithm"], "SHA-256");
    // A correct SHA-256 answer is never answered (the firmware only checks MD5 and stays
    // silent on what it considers wrong credentials).
    let mut sha = DigestClient::from_challenge(&www, "demo", "demo");
    let auth = sha.authorization("GET", "/smgw/m2m");
    let hung = with_timeout(
        Duration::from_millis(1500),
        conn.send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b""),
    )
    .await;
    assert!(hung.is_none(), "SHA-256 answer must get no response");
    // MD5 (even labelled SHA-256) works on a fresh connection.
    let mut conn = connect(&mock).await;
    let mut md5 = DigestClient::from_challenge(&www, "demo", "demo");
    md5.force_md5 = true;
    md5.nc = 10;
    let auth = md5.authorization("GET", "/smgw/m2m");
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 307);
    // Wrong password: silence.
    let mut wrong = DigestClient::from_challenge(&www, "demo", "falsch");
    wrong.force_md5 = true;
    wrong.nc = 20;
    let auth = wrong.authorization("GET", "/smgw/m2m");
    let hung = with_timeout(
        Duration::from_millis(1500),
        conn.send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b""),
    )
    .await;
    assert!(hung.is_none(), "wrong password must get no response");
    mock.shutdown().await;
}

#[tokio::test]
async fn quirky_firmware_wants_x_content_length() {
    let mock = start("quirky-firmware").await;
    let mut conn = connect(&mock).await;
    let r = conn
        .send("GET", "/smgw/m2m", &[JSON], b"")
        .await
        .expect("resp");
    let mut d =
        DigestClient::from_challenge(r.header("WWW-Authenticate").expect("ch"), "demo", "demo");
    d.force_md5 = true;
    let mut s = Session {
        conn,
        digest: Some(d),
        userid: UID.into(),
        extra_headers: Vec::new(),
    };
    let r = s.call(json!({"method": "smgw-info"})).await;
    assert_eq!(r.status, 400, "without X-Content-Length");
    let body = serde_json::to_vec(&json!({"method": "smgw-info"})).expect("json");
    s.extra_headers = vec![("X-Content-Length".into(), body.len().to_string())];
    let r = s.call(json!({"method": "smgw-info"})).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["smgw-info"]["smgw-time"],
        "2026-11-20T09:01:35Z",
        "clock 95 s ahead"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn client_certificate_login_pem_and_both_p12_flavours() {
    let mock = start("demo").await;
    let dir = scenario_dir("demo");
    for ident in [
        pem_identity("demo", "client"),
        p12_identity(&dir.join("client-modern.p12"), "demo"),
        p12_identity(&dir.join("client-legacy.p12"), "demo"),
    ] {
        let t = Tls {
            client_cert: Some(ident),
            ..Tls::default()
        };
        let mut conn = connect_with(&mock, t).await.expect("connect");
        let r = conn
            .send("GET", "/smgw/m2m", &[JSON], b"")
            .await
            .expect("resp");
        assert_eq!(r.status, 307, "no Digest needed with the certificate");
        assert_eq!(userid_of(&r), UID);
    }
    assert_eq!(mock.stats().status_401, 0);
    mock.shutdown().await;
}

#[tokio::test]
async fn each_certificate_maps_to_its_consumer() {
    let mock = start("multi-consumer").await;
    let alice = Session::cert(&mock, "multi-consumer", "alice").await;
    let bob = Session::cert(&mock, "multi-consumer", "bob").await;
    assert_eq!(alice.userid, "01005e318011.consumer1.sm");
    assert_eq!(bob.userid, "01005e318012.consumer2.sm");
    let carol = Session::digest(&mock, "carol", "c4r0l!").await;
    assert_eq!(carol.userid, "01005e318013.consumer3.sm");
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_digest_and_client_cert() {
    if !have("curl") {
        return;
    }
    let mock = start("demo").await;
    let url = format!("https://{}/smgw/m2m/{UID}/json", mock.addr());
    let dir = scenario_dir("demo");
    let run = |args: Vec<String>| {
        let out = std::process::Command::new("curl")
            .args(args)
            .output()
            .expect("curl runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let base = move |extra: &[&str]| {
        let mut v: Vec<String> = [
            "-sk",
            "--tlsv1.2",
            "--tls-max",
            "1.2",
            "-w",
            "\n%{http_code}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v.extend(
            [
                "-H",
                "Content-Type: application/json",
                "-d",
                r#"{"method":"smgw-info"}"#,
            ]
            .map(String::from),
        );
        v.push(url.clone());
        v
    };
    let cert = dir.join("client.pem").display().to_string();
    let key = dir.join("client-key.pem").display().to_string();
    let outs = tokio::task::spawn_blocking(move || {
        (
            run(base(&["--digest", "-u", "demo:demo"])),
            run(base(&["--digest", "-u", "demo:falsch"])),
            run(base(&["--cert", &cert, "--key", &key])),
        )
    })
    .await
    .expect("join");
    assert!(
        outs.0.ends_with("\n200") && outs.0.contains("\"smgw-id\":\"ETHE0310486901\""),
        "{}",
        outs.0
    );
    assert!(outs.1.ends_with("\n401"), "{}", outs.1);
    assert!(outs.2.ends_with("\n200"), "{}", outs.2);
    mock.shutdown().await;
}
