//! The six JSON methods of the consumer interface.

use hyper::StatusCode;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::data::{LogEntry, Reading, Step};
use crate::scenario::{channel_matches, Consumer, UsagePoint};
use crate::server::Shared;
use crate::time;

/// Method names the gateway knows.
pub(crate) const METHODS: [&str; 6] = [
    "smgw-info",
    "user-info",
    "usage-point-info",
    "readings",
    "log",
    "self-test",
];

type Outcome = Result<Value, (StatusCode, String)>;

fn bad(msg: impl Into<String>) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, msg.into())
}

/// Runs a method; returns the status and the serialized body.
pub(crate) fn call(
    shared: &Shared,
    consumer: usize,
    method: &str,
    p: &Map<String, Value>,
    body: &[u8],
) -> (StatusCode, Vec<u8>) {
    let m = &shared.scenario.m;
    let Some(c) = m.consumers.get(consumer) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, Vec::new());
    };
    let out = match method {
        "smgw-info" => Ok(smgw_info(shared)),
        "user-info" => Ok(user_info(c)),
        "usage-point-info" => usage_point_info(shared, c, p),
        "readings" => readings(shared, c, p),
        "log" => log(shared, consumer, c, p),
        "self-test" => match shared.start_self_test(consumer) {
            Ok(()) => Ok(json!({ "state": "started" })),
            Err(left) => Err((
                StatusCode::FORBIDDEN,
                format!("a self-test ran recently; {} s left", left.as_secs()),
            )),
        },
        _ => Err(bad("unknown method")),
    };
    match out {
        Ok(payload) => {
            let records = payload
                .get("records")
                .and_then(Value::as_str)
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0);
            // Deterministic "elapsed time": derived from the request and the result size, so
            // the same request always yields the same bytes.
            let h = Sha256::digest(body);
            let ms = 8 + u64::from(h[0] % 40) + records / 40;
            let mut env = Map::new();
            env.insert("method".into(), Value::String(method.to_owned()));
            env.insert("version".into(), Value::String(m.version.clone()));
            env.insert(
                "elapsed-time".into(),
                Value::String(format!("{ms} miliseconds")),
            );
            env.insert(method.to_owned(), payload);
            (
                StatusCode::OK,
                serde_json::to_vec(&Value::Object(env)).unwrap_or_default(),
            )
        }
        Err((status, msg)) => (
            status,
            serde_json::to_vec(&json!({ "error": msg })).unwrap_or_default(),
        ),
    }
}

fn s<T: ToString>(v: T) -> Value {
    Value::String(v.to_string())
}

fn smgw_info(shared: &Shared) -> Value {
    let m = &shared.scenario.m;
    let wan: Vec<Value> = m
        .wan
        .iter()
        .map(|(i, sig, ca)| json!({ "cert-index": s(i), "sig": hex::encode(sig), "sub-ca": hex::encode(ca) }))
        .collect();
    json!({
        "smgw-id": m.smgw_id,
        "smgw-state": m.smgw_state,
        "smgw-time": time::format(shared.gateway_time()),
        "firmware-info": {
            "component": m.firmware.component,
            "version": m.firmware.version,
            "hash": m.firmware.hash,
        },
        "certificates": {
            "han": { "tls": hex::encode(m.han_cert_pem.as_bytes()) },
            "wan": wan,
        },
    })
}

fn user_info(c: &Consumer) -> Value {
    let ups: Vec<Value> = c
        .usage_points
        .iter()
        .map(|u| {
            let meters: Vec<Value> = u
                .meter_ids
                .iter()
                .map(|m| json!({ "meter-id": m }))
                .collect();
            let billing: Vec<Value> = u
                .billing
                .iter()
                .map(|(a, b)| json!({ "start-time": a, "end-time": b }))
                .collect();
            json!({
                "usage-point-id": u.id,
                "usage-point-name": u.name,
                "taf-number": s(u.taf),
                "taf-state": u.state,
                "start-time": time::format(u.start),
                "end-time": u.end.map(time::format).unwrap_or_default(),
                "capture-time": u.capture_time,
                "delivery-id": u.delivery_id,
                "metering-point-id": u.metering_point_id,
                "meter": meters,
                "on-demand-profile-configured": s(u.on_demand_profile),
                "billing-Periods": billing,
            })
        })
        .collect();
    json!({ "usage-points": ups })
}

fn str_param<'a>(p: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    p.get(key).and_then(Value::as_str)
}

/// Finds a usage point of this consumer; another consumer's → 403, unknown → 400.
fn find_up<'a>(
    shared: &'a Shared,
    c: &'a Consumer,
    p: &Map<String, Value>,
) -> Result<&'a UsagePoint, (StatusCode, String)> {
    let id = str_param(p, "usage-point-id").ok_or_else(|| bad("usage-point-id missing"))?;
    if let Some(u) = c.usage_points.iter().find(|u| u.id == id) {
        return Ok(u);
    }
    if shared
        .scenario
        .m
        .consumers
        .iter()
        .any(|o| o.usage_points.iter().any(|u| u.id == id))
    {
        return Err((
            StatusCode::FORBIDDEN,
            "usage point of another consumer".into(),
        ));
    }
    Err(bad("unknown usage-point-id"))
}

/// A minimal DER container around the tariff profile XML, standing in for the signed CMS
/// (the mock has no seal key; see README).
/// The DKE XML of a usage point's tariff profile. TAF 2 gets a two-stage program (HT
/// 06:00–22:00, NT otherwise) on the registers of its tariff-switch value list.
pub(crate) fn taf_profile_xml(u: &UsagePoint) -> String {
    let mut body = format!(
        "<TAFNumber>{}</TAFNumber><UsagePointId>{}</UsagePointId><MeteringPointId>{}</MeteringPointId>\
         <ValidFrom>{}</ValidFrom><CaptureTime>{}</CaptureTime>",
        u.taf,
        u.id,
        u.metering_point_id,
        time::format(u.start),
        u.capture_time
    );
    if u.taf == 2 {
        let registers: Vec<&str> = u
            .databases
            .iter()
            .filter(|d| d.name == "calculated")
            .flat_map(|d| d.channels.iter().map(|c| c.obis.as_str()))
            .collect();
        body += "<TariffStages>";
        for (i, name) in ["HT", "NT"].iter().enumerate() {
            let register = registers
                .get(i)
                .map(|r| format!(" register=\"{r}\""))
                .unwrap_or_default();
            body += &format!("<TariffStage id=\"{}\" name=\"{name}\"{register}/>", i + 1);
        }
        body += "</TariffStages><DayProfiles><DayProfile id=\"1\">\
                 <SwitchingTime time=\"06:00\" stage=\"1\"/><SwitchingTime time=\"22:00\" stage=\"2\"/>\
                 </DayProfile></DayProfiles>";
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><TAFProfile xmlns=\"urn:dke:taf-profile\">{body}</TAFProfile>"
    )
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = content.len();
    if n < 0x80 {
        v.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        v.push(0x80 | bytes.len() as u8);
        v.extend(bytes);
    }
    v.extend_from_slice(content);
    v
}

/// A real CMS SignedData (RFC 5652; no signed attributes, signer by key id) over `xml`,
/// signed ECDSA P-256/SHA-256 with the seal key (PKCS#8 PEM). Hex. `None` if the key is
/// not a P-256 key.
fn signed_cms(xml: &str, key_pem: &str) -> Option<String> {
    use p256::ecdsa::signature::Signer;
    use p256::pkcs8::DecodePrivateKey;
    let key = p256::ecdsa::SigningKey::from_pkcs8_pem(key_pem).ok()?;
    let sig: p256::ecdsa::Signature = key.sign(xml.as_bytes());
    let sig = sig.to_der();
    // OIDs: id-data 1.2.840.113549.1.7.1, id-signedData 1.2.840.113549.1.7.2,
    // id-sha256 2.16.840.1.101.3.4.2.1, ecdsa-with-SHA256 1.2.840.10045.4.3.2.
    let id_data = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let id_signed = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    let sha256 = tlv(
        0x30,
        &[
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        ],
    );
    let ecdsa_sha256 = tlv(
        0x30,
        &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02],
    );
    let point = key.verifying_key().to_sec1_bytes();
    let key_id = &Sha256::digest(&point)[..20];
    let econtent = tlv(
        0x30,
        &[id_data.to_vec(), tlv(0xa0, &tlv(0x04, xml.as_bytes()))].concat(),
    );
    let signer = tlv(
        0x30,
        &[
            tlv(0x02, &[3]),
            tlv(0x80, key_id),
            sha256.clone(),
            ecdsa_sha256,
            tlv(0x04, sig.as_bytes()),
        ]
        .concat(),
    );
    let signed_data = tlv(
        0x30,
        &[
            tlv(0x02, &[3]),
            tlv(0x31, &sha256),
            econtent,
            tlv(0x31, &signer),
        ]
        .concat(),
    );
    Some(hex::encode(tlv(
        0x30,
        &[id_signed.to_vec(), tlv(0xa0, &signed_data)].concat(),
    )))
}

fn pseudo_cms(xml: &str) -> String {
    // id-signedData 1.2.840.113549.1.7.2
    let oid = tlv(
        0x06,
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02],
    );
    let inner = tlv(0xa0, &tlv(0x04, xml.as_bytes()));
    let mut seq = oid;
    seq.extend(inner);
    hex::encode(tlv(0x30, &seq))
}

fn usage_point_info(shared: &Shared, c: &Consumer, p: &Map<String, Value>) -> Outcome {
    let u = find_up(shared, c, p)?;
    let want = str_param(p, "database");
    if let Some(w) = want {
        if !u.databases.iter().any(|d| d.name == w) {
            return Err(bad("unknown database"));
        }
    }
    let dbs: Vec<Value> = u
        .databases
        .iter()
        .filter(|d| want.is_none_or(|w| w == d.name))
        .map(|d| {
            let chans: Vec<Value> = d
                .channels
                .iter()
                .map(|ch| json!({ "obis": ch.obis, "scaler": s(ch.scaler), "unit": s(ch.unit) }))
                .collect();
            json!({ "database": d.name, "channels": chans })
        })
        .collect();
    let emts: Vec<Value> = u
        .emts
        .iter()
        .map(|e| json!({ "emt-id": e.id, "name": e.name }))
        .collect();
    let xml = taf_profile_xml(u);
    Ok(json!({
        "usage-point-id": u.id,
        "usage-point-name": u.name,
        "emts": emts,
        "transparency-bit": s(u.transparency_bit),
        "taf-profile": match shared.scenario.m.seal_key_pem.as_deref() {
            Some(key) => signed_cms(&xml, key).unwrap_or_else(|| pseudo_cms(&xml)),
            None => pseudo_cms(&xml),
        },
        "databases": dbs,
    }))
}

/// Accepts `true`, `"true"`, `false`, `"false"`.
fn bool_param(p: &Map<String, Value>, key: &str) -> Result<bool, (StatusCode, String)> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" => Ok(true),
        Some(Value::String(s)) if s == "false" => Ok(false),
        Some(_) => Err(bad(format!("{key} must be true or false"))),
    }
}

fn time_param(
    p: &Map<String, Value>,
    key: &str,
    today: i64,
) -> Result<Option<i64>, (StatusCode, String)> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => time::parse(s, today)
            .map(Some)
            .ok_or_else(|| bad(format!("{key}: cannot parse {s:?}"))),
        Some(_) => Err(bad(format!("{key} must be a string"))),
    }
}

fn uint_param(p: &Map<String, Value>, key: &str) -> Result<Option<u64>, (StatusCode, String)> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(format!("{key} invalid"))),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("{key} invalid"))),
        Some(_) => Err(bad(format!("{key} invalid"))),
    }
}

fn reading_json(r: &Reading) -> Value {
    json!({
        "capture-time": time::format(r.capture_time),
        "target-time": time::format(r.target_time),
        "value": s(r.value),
        "cosem-status": r.cosem_status,
        "smgw-status": r.smgw_status,
        "meter-status": r.meter_status,
        "owner-number": r.owner_number,
        "signature": r.signature,
    })
}

fn readings(shared: &Shared, c: &Consumer, p: &Map<String, Value>) -> Outcome {
    let m = &shared.scenario.m;
    let u = find_up(shared, c, p)?;
    let dbname = str_param(p, "database").ok_or_else(|| bad("database missing"))?;
    let db = u
        .databases
        .iter()
        .find(|d| d.name == dbname)
        .ok_or_else(|| bad("unknown database"))?;
    let filter: Option<Vec<String>> = match p.get("channels") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|e| {
                    e.get("channel")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .ok_or_else(|| bad("channels entries need a channel"))
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err(bad("channels must be a list")),
    };
    if let Some(f) = &filter {
        for name in f {
            if !db.channels.iter().any(|ch| channel_matches(&ch.obis, name)) {
                return Err(bad(format!("unknown channel {name}")));
            }
        }
    }
    let last = bool_param(p, "last-reading")?;
    let now = shared.gateway_time();
    let data_now = m.now;
    let window = if last {
        None
    } else {
        if db.step == Step::Current {
            return Err(bad(
                "this contract stores no values; only last-reading is possible",
            ));
        }
        let from = time_param(p, "fromtime", now)?.ok_or_else(|| bad("fromtime missing"))?;
        let to = time_param(p, "totime", now)?.ok_or_else(|| bad("totime missing"))?;
        if to < from {
            return Err(bad("totime before fromtime"));
        }
        if to - from > m.limits.max_reading_days * 86_400 {
            return Err(bad(format!(
                "range longer than {} days",
                m.limits.max_reading_days
            )));
        }
        Some((from, to))
    };
    let mut channels = Vec::new();
    let mut records = 0usize;
    for ch in &db.channels {
        if let Some(f) = &filter {
            if !f.iter().any(|n| channel_matches(&ch.obis, n)) {
                continue;
            }
        }
        let list: Vec<Reading> = match window {
            None => u.last(db, ch, data_now).into_iter().collect(),
            Some((from, to)) => u.readings(db, ch, from, to, data_now),
        };
        records += list.len();
        if list.is_empty() {
            let meter = u.meter_ids.last().map(String::as_str).unwrap_or("");
            channels.push(json!({ "obis": format!("{}.{meter}.sm", ch.obis), "readings": [] }));
            continue;
        }
        // A meter exchange inside the window yields one channel entry per meter.
        let mut start = 0;
        for i in 1..=list.len() {
            if i == list.len() || list[i].channel != list[start].channel {
                let vals: Vec<Value> = list[start..i].iter().map(reading_json).collect();
                channels.push(json!({ "obis": list[start].channel, "readings": vals }));
                start = i;
            }
        }
    }
    Ok(json!({ "records": s(records), "channels": channels }))
}

fn log_json(e: &LogEntry) -> Value {
    json!({
        "index": s(e.index),
        "event-id": s(e.event_id),
        "event-sub-id": s(e.event_sub_id),
        "level": s(e.level),
        "outcome": s(e.outcome),
        "vendor-id": e.vendor_id,
        "subject-identity": e.subject_identity,
        "user-identity": e.user_identity,
        "time": time::format(e.time),
        "message": e.message,
        "version": e.version,
    })
}

fn log(shared: &Shared, idx: usize, c: &Consumer, p: &Map<String, Value>) -> Outcome {
    let m = &shared.scenario.m;
    let today = shared.gateway_time();
    let from = time_param(p, "fromtime", today)?;
    let to = time_param(p, "totime", today)?;
    let from_index = uint_param(p, "fromindex")?;
    let count = uint_param(p, "count")?;
    let allowed = matches!(
        (
            from.is_some(),
            to.is_some(),
            from_index.is_some(),
            count.is_some()
        ),
        (false, false, false, _)
            | (true, false, false, _)
            | (false, true, false, false)
            | (true, true, false, _)
            | (false, false, true, _)
    );
    if !allowed {
        return Err(bad("parameter combination not allowed"));
    }
    let max = m.limits.max_log_entries;
    let limit = match count {
        Some(n) if n == 0 || n > max as u64 => return Err(bad(format!("count must be 1..={max}"))),
        Some(n) => usize::try_from(n).unwrap_or(max),
        None => max,
    };
    let extra = shared.self_test_entries(idx);
    let entries: Vec<Value> = c
        .log
        .iter()
        .chain(extra.iter())
        .filter(|e| from.is_none_or(|f| e.time >= f))
        .filter(|e| to.is_none_or(|t| e.time < t))
        .filter(|e| from_index.is_none_or(|i| e.index >= i))
        .take(limit)
        .map(log_json)
        .collect();
    Ok(json!({ "records": s(entries.len()), "entries": entries }))
}
