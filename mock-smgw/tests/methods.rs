//! The six methods: shapes, status codes, limits, and "what the client pulled equals what
//! the scenario generated".

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

const UID: &str = "01005e318011.consumer1.sm";
const TAF7: &str = "01005e318023.taf7-1.sm";

fn ts(s: &str) -> i64 {
    mock_smgw::time::parse(s, 0).expect("time")
}

fn rd(up: &str, db: &str, from: &str, to: &str) -> Value {
    json!({"method": "readings", "usage-point-id": up, "database": db, "fromtime": from, "totime": to})
}

fn all_strings(v: &Value, path: &str) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| all_strings(v, &format!("{path}.{k}"))),
        Value::Array(a) => a.iter().for_each(|v| all_strings(v, path)),
        Value::String(_) | Value::Null => {}
        other => panic!("{path}: numbers and booleans must be strings, got {other}"),
    }
}

fn envelope(v: &Value, method: &str) {
    assert_eq!(v["method"], method);
    assert_eq!(v["version"], "1.2.0");
    let e = v["elapsed-time"].as_str().expect("elapsed-time");
    let (n, unit) = e.split_once(' ').expect("'<n> miliseconds'");
    assert!(n.parse::<u32>().is_ok() && unit == "miliseconds", "{e}");
    assert!(v[method].is_object(), "payload named after the method");
    all_strings(v, method);
}

#[tokio::test]
async fn every_method_has_the_contract_shape() {
    let mock = start("demo").await;
    let mut s = Session::cert(&mock, "demo", "client").await;

    let v = s.ok(json!({"method": "smgw-info"})).await;
    envelope(&v, "smgw-info");
    let i = &v["smgw-info"];
    assert_eq!(i["smgw-id"], "ETHE0310486901");
    assert_eq!(i["smgw-state"], "a0000000");
    assert_eq!(i["smgw-time"], "2026-11-20T09:00:00Z");
    for k in ["component", "version", "hash"] {
        assert!(
            i["firmware-info"][k]
                .as_str()
                .is_some_and(|x| !x.is_empty()),
            "{k}"
        );
    }
    let pem = hex::decode(i["certificates"]["han"]["tls"].as_str().expect("han tls")).expect("hex");
    let pem = String::from_utf8(pem).expect("PEM text");
    use rustls::pki_types::pem::PemObject;
    let der = rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).expect("PEM cert");
    use sha2::Digest as _;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(der.as_ref())),
        mock.fingerprint_sha256()
    );
    let wan = &i["certificates"]["wan"][0];
    assert_eq!(wan["cert-index"], "0");
    for k in ["sig", "sub-ca"] {
        let der = hex::decode(wan[k].as_str().expect(k)).expect("hex");
        assert_eq!(der[0], 0x30, "{k} is DER");
    }

    let v = s.ok(json!({"method": "user-info"})).await;
    envelope(&v, "user-info");
    let ups = v["user-info"]["usage-points"]
        .as_array()
        .expect("usage-points");
    let tafs: Vec<&str> = ups
        .iter()
        .map(|u| u["taf-number"].as_str().expect("taf"))
        .collect();
    assert_eq!(tafs, ["1", "2", "7", "10"]);
    for u in ups {
        assert_eq!(u["metering-point-id"].as_str().map(str::len), Some(33));
        assert!(u["metering-point-id"]
            .as_str()
            .is_some_and(|m| m.starts_with("DE")));
        assert_eq!(u["taf-state"], "running");
        assert!(u["billing-Periods"].is_array(), "odd capital kept");
        assert!(u["meter"][0]["meter-id"].is_string());
        for k in [
            "usage-point-id",
            "usage-point-name",
            "start-time",
            "end-time",
            "capture-time",
            "delivery-id",
        ] {
            assert!(u[k].is_string(), "{k}");
        }
    }
    assert_eq!(ups[2]["on-demand-profile-configured"], "true");
    assert_eq!(ups[0]["billing-Periods"][1]["end-time"], "");

    let v = s
        .ok(json!({"method": "usage-point-info", "usage-point-id": "01005e318022.taf2-1.sm"}))
        .await;
    envelope(&v, "usage-point-info");
    let p = &v["usage-point-info"];
    let dbs: Vec<&str> = p["databases"]
        .as_array()
        .expect("dbs")
        .iter()
        .map(|d| d["database"].as_str().expect("db"))
        .collect();
    assert_eq!(dbs, ["origin", "calculated", "daily"]);
    assert_eq!(
        p["databases"][1]["channels"][0],
        json!({"obis": "0100010801ff", "scaler": "-1", "unit": "30"})
    );
    assert!(p["taf-profile"]
        .as_str()
        .is_some_and(|h| h.starts_with("30") && hex::decode(h).is_ok()));
    assert_eq!(p["emts"][0]["emt-id"], "9900000000003");
    let v = s
        .ok(json!({"method": "usage-point-info", "usage-point-id": "01005e318022.taf2-1.sm", "database": "daily"}))
        .await;
    assert_eq!(
        v["usage-point-info"]["databases"].as_array().map(Vec::len),
        Some(1)
    );

    let v = s
        .ok(rd(
            TAF7,
            "origin",
            "2025-01-10T00:00:00Z",
            "2025-01-10T01:00:00Z",
        ))
        .await;
    envelope(&v, "readings");
    let r = &v["readings"];
    assert_eq!(r["records"], "4");
    assert_eq!(r["channels"][0]["obis"], "0100010800ff.1ELS0012345678.sm");
    let first = &r["channels"][0]["readings"][0];
    for k in [
        "capture-time",
        "target-time",
        "value",
        "cosem-status",
        "smgw-status",
        "meter-status",
        "owner-number",
    ] {
        assert!(first[k].is_string(), "{k}");
    }
    assert_eq!(first["cosem-status"].as_str().map(str::len), Some(16));
    assert_eq!(first["smgw-status"].as_str().map(str::len), Some(8));
    assert!(first.get("signature").is_some());

    let v = s.ok(json!({"method": "log", "count": "3"})).await;
    envelope(&v, "log");
    let e = &v["log"]["entries"][0];
    for k in [
        "index",
        "event-id",
        "event-sub-id",
        "level",
        "outcome",
        "vendor-id",
        "subject-identity",
        "user-identity",
        "time",
        "message",
        "version",
    ] {
        assert!(e[k].is_string(), "{k}");
    }
    assert_eq!(v["log"]["records"], "3");

    let v = s.ok(json!({"method": "self-test"})).await;
    envelope(&v, "self-test");
    mock.shutdown().await;
}

#[tokio::test]
async fn status_codes_for_bad_requests() {
    let mock = start("multi-consumer").await;
    let mut s = Session::cert(&mock, "multi-consumer", "alice").await;
    let path = s.path();
    let body = br#"{"method":"smgw-info"}"#;
    for ct in [
        "text/plain",
        "application/json; charset=utf-8",
        "Application/JSON",
    ] {
        let r = s
            .post_raw(&path, &[("Content-Type", ct)], body)
            .await
            .expect("resp");
        assert_eq!(r.status, 400, "Content-Type {ct}");
    }
    let r = s.post_raw(&path, &[], body).await.expect("resp");
    assert_eq!(r.status, 400, "no Content-Type");
    // The body chunked instead of with a Content-Length (field failure 20).
    let chunked = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        body.len(),
        String::from_utf8_lossy(body)
    );
    let r = s.conn.send_bytes(chunked.as_bytes()).await.expect("resp");
    assert_eq!(r.status, 400, "no Content-Length");
    for b in [
        &b"{nope"[..],
        b"[]",
        br#"{"method":"reboot"}"#,
        br#"{"no":"method"}"#,
    ] {
        let r = s.post_raw(&path, &[JSON], b).await.expect("resp");
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(b));
    }
    let r = s.conn.send("GET", &path, &[JSON], b"").await.expect("resp");
    assert_eq!(r.status, 405);
    let r = s
        .conn
        .send("PUT", "/smgw/m2m", &[JSON], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 405);
    let r = s
        .conn
        .send("GET", "/index.html", &[], b"")
        .await
        .expect("resp");
    assert_eq!(r.status, 404);
    let r = s
        .post_raw("/smgw/m2m/01005e318012.consumer2.sm/json", &[JSON], body)
        .await
        .expect("resp");
    assert_eq!(r.status, 403, "bob's userid");
    let r = s
        .post_raw("/smgw/m2m/ffffffffffff.nobody.sm/json", &[JSON], body)
        .await
        .expect("resp");
    assert_eq!(r.status, 404);
    let r = s.call(json!({"method": "readings", "usage-point-id": "01005e318031.taf7-1.sm", "database": "origin",
        "fromtime": "2026-10-01T00:00:00Z", "totime": "2026-10-02T00:00:00Z"})).await;
    assert_eq!(r.status, 403, "bob's usage point");
    let r = s
        .call(json!({"method": "usage-point-info", "usage-point-id": "nope.sm"}))
        .await;
    assert_eq!(r.status, 400);
    // The connection survives all of that.
    let _ = s.ok(json!({"method": "user-info"})).await;
    mock.shutdown().await;
}

#[tokio::test]
async fn user_info_shows_only_own_contracts_with_archive_state() {
    let mock = start("multi-consumer").await;
    let mut a = Session::cert(&mock, "multi-consumer", "alice").await;
    let v = a.ok(json!({"method": "user-info"})).await;
    let ups = v["user-info"]["usage-points"].as_array().expect("ups");
    let ids: Vec<&str> = ups
        .iter()
        .map(|u| u["usage-point-id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "01005e318021.taf1-1.sm",
            "01005e318022.taf7-1.sm",
            "01005e318023.taf6-1.sm"
        ]
    );
    assert_eq!(ups[0]["taf-state"], "archive");
    assert_eq!(ups[0]["end-time"], "2026-07-31T22:00:00Z");
    assert_eq!(ups[2]["taf-state"], "ready");
    // The archived contract's data ends with the contract.
    let v = a.ok(json!({"method": "readings", "usage-point-id": "01005e318021.taf1-1.sm", "database": "daily", "last-reading": "true"})).await;
    assert_eq!(
        v["readings"]["channels"][0]["readings"][0]["target-time"],
        "2026-07-31T22:00:00Z"
    );
    let mut b = Session::cert(&mock, "multi-consumer", "bob").await;
    let v = b.ok(json!({"method": "user-info"})).await;
    let meters = &v["user-info"]["usage-points"][0]["meter"];
    assert_eq!(
        meters,
        &json!([{"meter-id": "1ELS0022222222"}, {"meter-id": "1ELS0022222299"}]),
        "meter exchange"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn readings_window_limits_and_bounds() {
    let mock = start("demo").await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    // fromtime exclusive, totime inclusive.
    let v = s
        .ok(rd(
            TAF7,
            "origin",
            "2025-01-10T00:00:00Z",
            "2025-01-10T01:00:00Z",
        ))
        .await;
    let times: Vec<&str> = v["readings"]["channels"][0]["readings"]
        .as_array()
        .expect("readings")
        .iter()
        .map(|r| r["target-time"].as_str().expect("t"))
        .collect();
    assert_eq!(
        times,
        [
            "2025-01-10T00:15:00Z",
            "2025-01-10T00:30:00Z",
            "2025-01-10T00:45:00Z",
            "2025-01-10T01:00:00Z"
        ]
    );
    // Offsets in requests are honoured.
    let v = s
        .ok(rd(
            TAF7,
            "origin",
            "2025-01-10T01:00:00+01:00",
            "2025-01-10T02:00:00+1:00",
        ))
        .await;
    assert_eq!(v["readings"]["records"], "4");
    // Exactly 31 days is allowed, one second more is not.
    let r = s
        .call(rd(
            TAF7,
            "origin",
            "2025-01-01T00:00:00Z",
            "2025-02-01T00:00:00Z",
        ))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["readings"]["records"], (31 * 96).to_string());
    let r = s
        .call(rd(
            TAF7,
            "origin",
            "2025-01-01T00:00:00Z",
            "2025-02-01T00:00:01Z",
        ))
        .await;
    assert_eq!(r.status, 400);
    let r = s
        .call(rd(
            TAF7,
            "origin",
            "2025-02-01T00:00:00Z",
            "2025-01-01T00:00:00Z",
        ))
        .await;
    assert_eq!(r.status, 400, "totime before fromtime");
    let r = s.call(json!({"method": "readings", "usage-point-id": TAF7, "database": "origin", "fromtime": "2025-01-01T00:00:00Z"})).await;
    assert_eq!(r.status, 400, "totime missing");
    let r = s
        .call(rd(
            TAF7,
            "nonsense",
            "2025-01-01T00:00:00Z",
            "2025-01-02T00:00:00Z",
        ))
        .await;
    assert_eq!(r.status, 400, "unknown database");
    let r = s
        .call(rd(TAF7, "origin", "gestern", "2025-01-02T00:00:00Z"))
        .await;
    assert_eq!(r.status, 400, "unparseable time");
    // Before the contract started and after "now": empty, not an error.
    let v = s
        .ok(rd(
            TAF7,
            "origin",
            "2023-01-01T00:00:00Z",
            "2023-01-20T00:00:00Z",
        ))
        .await;
    assert_eq!(v["readings"]["records"], "0");
    let v = s
        .ok(rd(
            TAF7,
            "origin",
            "2026-11-20T08:00:00Z",
            "2026-11-30T00:00:00Z",
        ))
        .await;
    assert_eq!(
        v["readings"]["records"], "4",
        "values end at the scenario's now"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn dst_days_have_92_and_100_quarter_hours() {
    let mock = start("demo").await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    for (from, to, origin, derived) in [
        (
            "2025-03-30T00:00:00+01:00",
            "2025-03-31T00:00:00+02:00",
            "92",
            "23",
        ),
        (
            "2025-10-26T00:00:00+02:00",
            "2025-10-27T00:00:00+01:00",
            "100",
            "25",
        ),
        (
            "2025-01-15T00:00:00+01:00",
            "2025-01-16T00:00:00+01:00",
            "96",
            "24",
        ),
    ] {
        let v = s.ok(rd(TAF7, "origin", from, to)).await;
        assert_eq!(v["readings"]["records"], origin, "{from}");
        let v = s.ok(rd(TAF7, "derived", from, to)).await;
        assert_eq!(v["readings"]["records"], derived, "{from}");
        let v = s.ok(rd(TAF7, "daily", from, to)).await;
        assert_eq!(v["readings"]["records"], "1", "{from}");
        assert_eq!(
            mock_smgw::time::parse(
                v["readings"]["channels"][0]["readings"][0]["target-time"]
                    .as_str()
                    .expect("t"),
                0
            ),
            mock_smgw::time::parse(to, 0),
            "daily value at local midnight"
        );
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn last_reading_and_channel_filter() {
    let mock = start("demo").await;
    let sc = mock.scenario().clone();
    let mut s = Session::cert(&mock, "demo", "client").await;
    let v = s.ok(json!({"method": "readings", "usage-point-id": TAF7, "database": "origin", "last-reading": "true",
        "fromtime": "2025-01-01T00:00:00Z", "totime": "2025-01-02T00:00:00Z"})).await;
    assert_eq!(v["readings"]["records"], "1", "time range ignored");
    let got = &v["readings"]["channels"][0]["readings"][0];
    let want = sc
        .expected_readings("demo", TAF7, "origin", "0100010800ff")
        .expect("expected");
    let last = want.last().expect("values");
    assert_eq!(
        got["target-time"],
        mock_smgw::time::format(last.target_time)
    );
    assert_eq!(got["value"], last.value.to_string());
    assert_eq!(got["target-time"], "2026-11-20T09:00:00Z");

    let up2 = "01005e318022.taf2-1.sm";
    let v = s.ok(json!({"method": "readings", "usage-point-id": up2, "database": "calculated",
        "channels": [{"channel": "0100010801ff"}], "fromtime": "2025-01-10T00:00:00Z", "totime": "2025-01-10T06:00:00Z"})).await;
    let ch = v["readings"]["channels"].as_array().expect("channels");
    assert_eq!(ch.len(), 1);
    assert!(ch[0]["obis"]
        .as_str()
        .is_some_and(|o| o.starts_with("0100010801ff.")));
    assert_eq!(ch[0]["readings"][0]["owner-number"], "TAF2");
    let r = s
        .call(
            json!({"method": "readings", "usage-point-id": up2, "database": "calculated",
        "channels": [{"channel": "0100020800ff"}], "last-reading": true}),
        )
        .await;
    assert_eq!(r.status, 400, "channel not in the list");

    // TAF-10 keeps only the current value.
    let up10 = "01005e318024.taf10-1.sm";
    let v = s.ok(json!({"method": "readings", "usage-point-id": up10, "database": "origin", "last-reading": "true"})).await;
    assert_eq!(v["readings"]["records"], "2");
    let r = s
        .call(rd(
            up10,
            "origin",
            "2026-11-01T00:00:00Z",
            "2026-11-02T00:00:00Z",
        ))
        .await;
    assert_eq!(r.status, 400);
    mock.shutdown().await;
}

/// Pulls a whole value list in 31-day windows.
async fn pull_all(s: &mut Session, up: &str, db: &str, from: i64, to: i64) -> Vec<Value> {
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        let end = (t + 31 * 86_400).min(to);
        let v = s
            .ok(rd(
                up,
                db,
                &mock_smgw::time::format(t),
                &mock_smgw::time::format(end),
            ))
            .await;
        for ch in v["readings"]["channels"].as_array().expect("channels") {
            for r in ch["readings"].as_array().expect("readings") {
                let mut r = r.clone();
                r["obis"] = ch["obis"].clone();
                out.push(r);
            }
        }
        t = end;
    }
    out
}

#[tokio::test]
async fn pulled_history_equals_generated_and_lists_are_consistent() {
    let mock = start("demo").await;
    let sc = mock.scenario().clone();
    let mut s = Session::digest(&mock, "demo", "demo").await;
    let start = ts("2024-10-31T00:00:00Z");
    let now = sc.now();
    let pulled = pull_all(&mut s, TAF7, "origin", start, now).await;
    let want = sc
        .expected_readings("demo", TAF7, "origin", "0100010800ff")
        .expect("expected");
    assert!(
        want.len() > 60_000,
        "two years of quarter hours: {}",
        want.len()
    );
    assert_eq!(pulled.len(), want.len());
    for (p, w) in pulled.iter().zip(&want) {
        assert_eq!(p["target-time"], mock_smgw::time::format(w.target_time));
        assert_eq!(p["capture-time"], mock_smgw::time::format(w.capture_time));
        assert_eq!(p["value"], w.value.to_string());
        assert_eq!(p["cosem-status"], w.cosem_status);
        assert_eq!(p["smgw-status"], w.smgw_status);
        assert_eq!(p["obis"], w.channel);
        assert_eq!(p["signature"].as_str(), w.signature.as_deref());
    }
    // Registers never decrease.
    assert!(want.windows(2).all(|w| w[0].value <= w[1].value));
    // Derived (hourly) and daily values are the origin values at those instants.
    let by_time: std::collections::HashMap<i64, i64> =
        want.iter().map(|r| (r.target_time, r.value)).collect();
    for db in ["derived", "daily"] {
        let list = sc
            .expected_readings("demo", TAF7, db, "0100010800ff")
            .expect(db);
        assert!(!list.is_empty());
        for r in &list {
            if let Some(v) = by_time.get(&r.target_time) {
                assert_eq!(*v, r.value, "{db} at {}", r.target_time);
            }
        }
    }
    // TAF-2: high + low tariff increments add up to the total increments.
    let up2 = "01005e318022.taf2-1.sm";
    let high = sc
        .expected_readings("demo", up2, "daily", "0100010801ff")
        .expect("t1");
    let low = sc
        .expected_readings("demo", up2, "daily", "0100010802ff")
        .expect("t2");
    let origin = sc
        .expected_readings("demo", up2, "origin", "0100010800ff")
        .expect("origin");
    let at: std::collections::HashMap<i64, i64> =
        origin.iter().map(|r| (r.target_time, r.value)).collect();
    let mut checked = 0;
    for i in 1..high.len() {
        let (a, b) = (&high[i - 1], &high[i]);
        if let (Some(x), Some(y)) = (at.get(&a.target_time), at.get(&b.target_time)) {
            let tariffs = (b.value - a.value) + (low[i].value - low[i - 1].value);
            assert!(
                (tariffs - (y - x)).abs() <= 2,
                "day {}: {tariffs} vs {}",
                b.target_time,
                y - x
            );
            checked += 1;
        }
    }
    assert!(checked > 600);
    // The high tariff runs 06-22 local time on weekdays only: flat on a Sunday and at night.
    let daily_at = |list: &[mock_smgw::Reading], t: &str| {
        list.iter()
            .find(|r| r.target_time == ts(t))
            .map(|r| r.value)
    };
    assert_eq!(
        daily_at(&high, "2025-01-12T00:00:00+01:00"),
        daily_at(&high, "2025-01-13T00:00:00+01:00"),
        "Sunday"
    );
    assert_ne!(
        daily_at(&low, "2025-01-12T00:00:00+01:00"),
        daily_at(&low, "2025-01-13T00:00:00+01:00")
    );
    let night = sc
        .expected_readings_between(
            "demo",
            up2,
            "calculated",
            "0100010801ff",
            ts("2025-01-14T00:00:00+01:00"),
            ts("2025-01-14T06:00:00+01:00"),
        )
        .expect("night");
    assert_eq!(night.len(), 24);
    assert!(
        night.iter().all(|r| r.value == night[0].value),
        "no high tariff at night"
    );
    let day = sc
        .expected_readings_between(
            "demo",
            up2,
            "calculated",
            "0100010801ff",
            ts("2025-01-14T06:00:00+01:00"),
            ts("2025-01-14T22:00:00+01:00"),
        )
        .expect("day");
    assert!(
        day.last().map(|r| r.value) > day.first().map(|r| r.value),
        "high tariff by day"
    );
    // Yearly consumption is plausible for 3500 kWh.
    let year =
        by_time[&ts("2025-11-01T00:00:00+01:00")] - by_time[&ts("2024-11-01T00:00:00+01:00")];
    let kwh = year as f64 / 10.0 / 1000.0;
    assert!((3000.0..4000.0).contains(&kwh), "{kwh} kWh");
    mock.shutdown().await;
}

#[tokio::test]
async fn hard_cases_gap_status_time_invalid_signature() {
    let sc = Scenario::builtin("demo").expect("demo");
    let day = sc
        .expected_readings_between(
            "demo",
            TAF7,
            "origin",
            "0100010800ff",
            ts("2025-06-03T00:00:00Z"),
            ts("2025-06-04T00:00:00Z"),
        )
        .expect("day");
    assert_eq!(day.len(), 96 - 16, "gap 10:00-14:00 UTC");
    assert!(
        !day.iter()
            .any(|r| (ts("2025-06-03T10:00:00Z")..ts("2025-06-03T14:00:00Z"))
                .contains(&r.target_time))
    );
    let inv = sc
        .expected_readings_between(
            "demo",
            TAF7,
            "origin",
            "0100010800ff",
            ts("2025-09-09T23:00:00Z"),
            ts("2025-09-10T01:00:00Z"),
        )
        .expect("invalid");
    let flagged: Vec<bool> = inv
        .iter()
        .map(|r| u32::from_str_radix(&r.smgw_status, 16).expect("hex") & 0x0004_0000 != 0)
        .collect();
    assert_eq!(flagged, [false, false, false, true, true, true, true, true]);
    let fatal = sc
        .expected_readings_between(
            "demo",
            TAF7,
            "origin",
            "0100010800ff",
            ts("2025-12-24T17:45:00Z"),
            ts("2025-12-24T18:00:00Z"),
        )
        .expect("fatal");
    assert_eq!(fatal[0].cosem_status, "a0800000208c3800");
    let daily = sc
        .expected_readings("demo", TAF7, "daily", "0100010800ff")
        .expect("daily");
    assert!(daily
        .iter()
        .all(|r| r.signature.as_ref().is_some_and(|s| s.len() == 128)));
    let origin = sc
        .expected_readings_between(
            "demo",
            TAF7,
            "origin",
            "0100010800ff",
            ts("2025-01-10T00:00:00Z"),
            ts("2025-01-10T03:00:00Z"),
        )
        .expect("origin");
    assert!(origin.iter().filter(|r| r.signature.is_none()).count() >= 11);
    // A meter exchange splits the channel.
    let mock = start("prosumer").await;
    let mut s = Session::digest_sha256(&mock, "sonne", "photovoltaik").await;
    let v = s
        .ok(rd(
            "0a1b2c3d4e60.taf7-1.sm",
            "origin",
            "2026-04-15T05:00:00Z",
            "2026-04-15T10:00:00Z",
        ))
        .await;
    let chans: Vec<&str> = v["readings"]["channels"]
        .as_array()
        .expect("ch")
        .iter()
        .map(|c| c["obis"].as_str().expect("o"))
        .collect();
    assert_eq!(
        chans,
        [
            "0100010800ff.1EMH0098765432.sm",
            "0100010800ff.1EMH0098765499.sm",
            "0100020800ff.1EMH0098765432.sm",
            "0100020800ff.1EMH0098765499.sm"
        ]
    );
    let new_first = &v["readings"]["channels"][1]["readings"][0];
    assert_eq!(new_first["target-time"], "2026-04-15T08:00:00Z");
    assert_eq!(
        new_first["value"], "0",
        "new meter starts at its own register"
    );
    assert_eq!(new_first["owner-number"], "1EMH0098765499");
    assert_eq!(
        v["readings"]["channels"][0]["readings"]
            .as_array()
            .map(Vec::len),
        Some(7),
        "05:15..06:45; 07:00 lies in the gap 07:00-08:00"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn log_limits_and_parameter_combinations() {
    let mock = start("demo").await;
    let sc = mock.scenario().clone();
    let log = sc.expected_log("demo").expect("log");
    assert_eq!(log.len(), 3000);
    assert!(log
        .iter()
        .any(|e| e.message == "Zeitsynchronisation erfolgreich"));
    assert!(log
        .iter()
        .any(|e| e.message == "Letztverbraucher hat sich angemeldet"));
    let mut s = Session::cert(&mock, "demo", "client").await;
    let idx = |v: &Value| -> Vec<u64> {
        v["log"]["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["index"].as_str().expect("i").parse().expect("n"))
            .collect()
    };
    let v = s.ok(json!({"method": "log"})).await;
    let i = idx(&v);
    assert_eq!(i.len(), 1500);
    assert_eq!((i[0], i[1499]), (1, 1500), "oldest 1500");
    let v = s.ok(json!({"method": "log", "fromindex": "2990"})).await;
    assert_eq!(idx(&v), (2990..=3000).collect::<Vec<_>>());
    let v = s
        .ok(json!({"method": "log", "fromindex": 100, "count": 5}))
        .await;
    assert_eq!(idx(&v), [100, 101, 102, 103, 104]);
    let v = s.ok(json!({"method": "log", "count": "1500"})).await;
    assert_eq!(idx(&v).len(), 1500);
    let r = s.call(json!({"method": "log", "count": "1501"})).await;
    assert_eq!(r.status, 400);
    // fromtime inclusive, totime exclusive.
    let (a, b) = (&log[10], &log[20]);
    let v = s.ok(json!({"method": "log", "fromtime": mock_smgw::time::format(a.time), "totime": mock_smgw::time::format(b.time)})).await;
    assert_eq!(idx(&v), (11..=20).collect::<Vec<_>>());
    let v = s
        .ok(json!({"method": "log", "fromtime": mock_smgw::time::format(a.time), "count": 3}))
        .await;
    assert_eq!(idx(&v), [11, 12, 13]);
    let v = s.ok(json!({"method": "log", "fromtime": mock_smgw::time::format(a.time), "totime": mock_smgw::time::format(b.time), "count": 2})).await;
    assert_eq!(idx(&v), [11, 12]);
    let v = s
        .ok(json!({"method": "log", "totime": mock_smgw::time::format(b.time)}))
        .await;
    assert_eq!(idx(&v), (1..=20).collect::<Vec<_>>());
    let v = s
        .ok(json!({"method": "log", "fromtime": mock_smgw::time::format(log[2999].time)}))
        .await;
    assert_eq!(idx(&v), [3000]);
    for bad in [
        json!({"method": "log", "totime": "2026-01-01T00:00:00Z", "count": 5}),
        json!({"method": "log", "fromindex": 5, "fromtime": "2026-01-01T00:00:00Z"}),
        json!({"method": "log", "fromindex": 5, "totime": "2026-01-01T00:00:00Z"}),
        json!({"method": "log", "count": "viele"}),
    ] {
        let r = s.call(bad.clone()).await;
        assert_eq!(r.status, 400, "{bad}");
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn self_test_locks_and_logs_its_result() {
    let opts = Options {
        self_test_lock: Some(Duration::from_millis(800)),
        self_test_duration: Some(Duration::from_millis(200)),
        ..Options::default()
    };
    let mock = start_with("demo", opts).await;
    let mut s = Session::cert(&mock, "demo", "client").await;
    let last_index = |v: &Value| {
        v["log"]["entries"]
            .as_array()
            .and_then(|a| a.last())
            .map(|e| e["index"].clone())
    };
    assert_eq!(s.call(json!({"method": "self-test"})).await.status, 200);
    assert_eq!(s.call(json!({"method": "self-test"})).await.status, 403);
    let v = s.ok(json!({"method": "log", "fromindex": 2999})).await;
    assert_eq!(last_index(&v), Some(json!("3000")), "result not there yet");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let v = s.ok(json!({"method": "log", "fromindex": 2999})).await;
    assert_eq!(last_index(&v), Some(json!("3001")));
    let e = v["log"]["entries"][2].clone();
    assert_eq!(e["message"], "Selbsttest erfolgreich durchgeführt");
    assert_eq!(
        s.call(json!({"method": "self-test"})).await.status,
        403,
        "still locked"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        s.call(json!({"method": "self-test"})).await.status,
        200,
        "lock over"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn same_scenario_twice_gives_identical_bytes() {
    async fn transcript() -> Vec<Vec<u8>> {
        let mock = start("demo").await;
        let mut out = Vec::new();
        let mut conn = connect(&mock).await;
        let r = conn
            .send("GET", "/smgw/m2m", &[JSON], b"")
            .await
            .expect("401");
        out.push(r.raw.clone());
        let mut d =
            DigestClient::from_challenge(r.header("WWW-Authenticate").expect("ch"), "demo", "demo");
        let auth = d.authorization("GET", "/smgw/m2m");
        let r = conn
            .send("GET", "/smgw/m2m", &[JSON, ("Authorization", &auth)], b"")
            .await
            .expect("307");
        out.push(r.raw.clone());
        let mut s = Session {
            conn,
            digest: Some(d),
            userid: UID.into(),
            extra_headers: Vec::new(),
        };
        for body in [
            json!({"method": "smgw-info"}),
            json!({"method": "user-info"}),
            json!({"method": "usage-point-info", "usage-point-id": TAF7}),
            rd(
                TAF7,
                "origin",
                "2025-03-01T00:00:00Z",
                "2025-03-31T00:00:00Z",
            ),
            json!({"method": "readings", "usage-point-id": "01005e318024.taf10-1.sm", "database": "origin", "last-reading": "true"}),
            json!({"method": "log"}),
        ] {
            out.push(s.call(body).await.raw);
        }
        mock.shutdown().await;
        out
    }
    let a = transcript().await;
    let b = transcript().await;
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(
            x == y,
            "responses differ:\n{}\n{}",
            String::from_utf8_lossy(&x[..x.len().min(300)]),
            String::from_utf8_lossy(&y[..y.len().min(300)])
        );
    }
}

#[tokio::test]
async fn ar2418_file_is_served_as_taf7() {
    let file = reference("trudi-data/supplier-examples/TAF-7-Ablesung_Jan_2018.xml");
    let sc = Scenario::builtin("ar2418")
        .expect("base")
        .with_ar2418(&file)
        .expect("AR 2418-6 file");
    let mock = mock_smgw::start(sc, "127.0.0.1:0".parse().expect("addr"), Options::default())
        .await
        .expect("start");
    let mut s = Session::digest(&mock, "demo", "demo").await;
    let v = s.ok(json!({"method": "user-info"})).await;
    let up = &v["user-info"]["usage-points"][0];
    assert_eq!(up["taf-number"], "7");
    assert_eq!(up["metering-point-id"], "DE00056266802AO6G56M11SN51G21M24S");
    assert_eq!(up["meter"][0]["meter-id"], "1ITR0054927492");
    let id = up["usage-point-id"].as_str().expect("id").to_owned();
    let v = s
        .ok(json!({"method": "usage-point-info", "usage-point-id": id}))
        .await;
    let chans = v["usage-point-info"]["databases"][0]["channels"]
        .as_array()
        .expect("channels")
        .clone();
    assert!(chans.contains(&json!({"obis": "0100010800ff", "scaler": "-4", "unit": "30"})));
    assert!(chans.contains(&json!({"obis": "0100020800ff", "scaler": "-4", "unit": "30"})));
    let mut q = rd(
        &id,
        "origin",
        "2017-12-31T23:00:00Z",
        "2018-01-01T00:00:00Z",
    );
    q["channels"] = json!([{"channel": "0100020800ff"}]);
    let v = s.ok(q).await;
    assert_eq!(
        v["readings"]["channels"][0]["readings"][0]["value"],
        "754700"
    );
    assert_eq!(
        v["readings"]["channels"][0]["readings"][0]["target-time"],
        "2017-12-31T23:15:00Z"
    );
    // The logbook is the file's: 3345 entries, served 1500 at a time.
    let v = s.ok(json!({"method": "log"})).await;
    assert_eq!(v["log"]["records"], "1500");
    assert_eq!(
        v["log"]["entries"][0]["index"], "10244",
        "ordered by record number"
    );
    assert!(v["log"]["entries"]
        .as_array()
        .expect("e")
        .iter()
        .any(|e| e["message"] == "Submission of billing data to external entity"));
    let v = s
        .ok(json!({"method": "log", "fromindex": 10244 + 3000}))
        .await;
    assert_eq!(v["log"]["records"], "345");
    mock.shutdown().await;
}
