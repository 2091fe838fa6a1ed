//! The `broken_auxiliary` and `broken_values` faults: answers whose auxiliary fields come
//! in shapes seen from real firmware or feared from it (a certificate as PEM text instead
//! of hex of it, an elided or odd-length hex value, the tariff profile as PEM, a billing
//! period without a readable start, texts as objects), and values with a status word or
//! signature that is no hex. Applied to the finished body, so every scenario can send
//! them. Written on its own, not from the client's parser: the point is to send what the
//! contract does not allow.

use serde_json::{json, Value};

/// The answer to `method` with its auxiliary fields broken.
pub(crate) fn auxiliary(method: &str, body: Vec<u8>) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    // The envelope's processing time as an object instead of text.
    if let Some(env) = v.as_object_mut() {
        env.insert("elapsed-time".into(), json!({ "value": 12, "unit": "ms" }));
    }
    let Some(p) = v.get_mut(method) else {
        return body;
    };
    match method {
        "smgw-info" => {
            if let Some(han) = p.pointer_mut("/certificates/han/tls") {
                // PEM text itself, not hex of it.
                let pem = han
                    .as_str()
                    .and_then(|h| hex::decode(h).ok())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                *han = Value::String(pem);
            }
            if let Some(Value::Array(wan)) = p.pointer_mut("/certificates/wan") {
                for w in wan.iter_mut() {
                    if let Some(Value::String(sig)) = w.get_mut("sig") {
                        // Elided, as in a log or a screenshot.
                        let head: String = sig.chars().take(8).collect();
                        *sig = format!("{head}...");
                    }
                    if let Some(Value::String(ca)) = w.get_mut("sub-ca") {
                        // One digit short.
                        ca.pop();
                    }
                }
            }
        }
        "user-info" => {
            if let Some(Value::Array(ups)) = p.get_mut("usage-points") {
                for u in ups.iter_mut().filter_map(Value::as_object_mut) {
                    let periods = u
                        .entry("billing-Periods")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = periods {
                        list.push(json!({ "start-time": "unbekannt", "end-time": "" }));
                    }
                    u.insert("usage-point-name".into(), json!({ "de": "Haushalt" }));
                }
            }
        }
        "usage-point-info" => {
            if let Some(o) = p.as_object_mut() {
                o.insert(
                    "taf-profile".into(),
                    Value::String(
                        "-----BEGIN CMS-----\nMIAGCSqGSIb3DQEHAqCAMIACAQE=\n-----END CMS-----\n"
                            .into(),
                    ),
                );
                o.insert("emts".into(), Value::String("9900000000003".into()));
                o.insert("transparency-bit".into(), Value::String("ja".into()));
            }
        }
        _ => {}
    }
    serde_json::to_vec(&v).unwrap_or(body)
}

/// A `readings` answer whose first value of each channel has a gateway status word that
/// is no hex and whose second value has a signature that is no hex.
pub(crate) fn values(method: &str, body: Vec<u8>) -> Vec<u8> {
    if method != "readings" {
        return body;
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    if let Some(Value::Array(channels)) = v.pointer_mut("/readings/channels") {
        for ch in channels.iter_mut() {
            if let Some(Value::Array(rs)) = ch.get_mut("readings") {
                if let Some(r) = rs.get_mut(0).and_then(Value::as_object_mut) {
                    r.insert("smgw-status".into(), Value::String("a000zz00".into()));
                }
                if let Some(r) = rs.get_mut(1).and_then(Value::as_object_mut) {
                    r.insert("signature".into(), Value::String("sig:kaputt".into()));
                }
            }
        }
    }
    serde_json::to_vec(&v).unwrap_or(body)
}

/// A `readings` answer to a filtered `last-reading` request with every channel's readings
/// emptied; other answers unchanged.
pub(crate) fn empty_filtered_last_reading(
    method: &str,
    params: &serde_json::Map<String, Value>,
    body: Vec<u8>,
) -> Vec<u8> {
    let last = matches!(params.get("last-reading"), Some(Value::Bool(true)))
        || params.get("last-reading").and_then(Value::as_str) == Some("true");
    let filtered = params
        .get("channels")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    if method != "readings" || !last || !filtered {
        return body;
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    if let Some(Value::Array(channels)) = v.pointer_mut("/readings/channels") {
        for ch in channels.iter_mut() {
            if let Some(readings) = ch.get_mut("readings") {
                *readings = json!([]);
            }
        }
    }
    serde_json::to_vec(&v).unwrap_or(body)
}
