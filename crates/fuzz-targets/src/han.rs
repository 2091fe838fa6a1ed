//! CONEXA's HAN protocol (`han-protocol`): the JSON responses, Digest challenges and the
//! 307 `Location`.

use han_protocol::digest::{best_challenge, parse_challenges, DigestAlgorithm, DigestInput};
use han_protocol::fuzzing::{readings_fast, readings_lenient, readings_model_fast};
use han_protocol::redirect::{is_sane_userid, userid_from_location, Origin};
use han_protocol::response::{
    parse_log, parse_readings, parse_readings_model, parse_self_test, parse_smgw_info,
    parse_usage_point_info, parse_user_info,
};
use han_protocol::Limits;

/// Small limits besides the default ones, so that the limit checks are reached too.
fn small_limits() -> Limits {
    Limits {
        max_body_bytes: 4096,
        max_items: 8,
        max_total_items: 16,
        max_string_bytes: 64,
    }
}

/// A scaler for every channel whose hex OBIS starts with `01` (electricity), none for the
/// others, so that both the scaled and the refused case are reached.
fn scaler_of(obis: &str) -> Option<i8> {
    obis.starts_with("01").then_some(-1)
}

/// `readings`: the fast path and the lenient path give the same result or the fast one
/// steps aside; the public functions give what the lenient path gives.
pub fn readings(data: &[u8]) {
    for limits in [Limits::default(), small_limits()] {
        let lenient = readings_lenient(data, &limits);
        if let Some(fast) = readings_fast(data, &limits) {
            assert_eq!(Ok(fast), lenient, "fast and lenient readings differ");
        }
        assert_eq!(parse_readings(data, &limits), lenient);

        let lenient_model = lenient.and_then(|r| r.to_model(scaler_of));
        if let Some(fast) = readings_model_fast(data, &limits, &scaler_of) {
            assert_eq!(Ok(fast), lenient_model, "fast and lenient records differ");
        }
        assert_eq!(
            parse_readings_model(data, &limits, scaler_of),
            lenient_model
        );
    }
}

/// Every other response and its conversion into records: an error value or a result.
pub fn responses(data: &[u8]) {
    for limits in [Limits::default(), small_limits()] {
        if let Ok(info) = parse_smgw_info(data, &limits) {
            let _ = info.to_model();
        }
        if let Ok(user) = parse_user_info(data, &limits) {
            let _ = user.to_model();
        }
        if let Ok(point) = parse_usage_point_info(data, &limits) {
            let _ = point.to_model();
            let _ = point.channel("origin", "0100010800ff");
        }
        if let Ok(log) = parse_log(data, &limits) {
            for e in &log.entries {
                let _ = e.to_model();
            }
        }
        let _ = parse_self_test(data, &limits);
    }
}

const PASSWORD: &str = "pw-\u{7f}-never-sent";

/// `WWW-Authenticate` values (separated by `\0`): the challenges, the one chosen, and the
/// answer to it, which never carries the password and never breaks the header line.
pub fn digest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(challenges) = parse_challenges(text.split('\0')) else {
        return;
    };
    assert!(!challenges.is_empty(), "Ok without a challenge");
    let Some(best) = best_challenge(&challenges) else {
        panic!("no choice among {} challenges", challenges.len());
    };
    for ch in [best.clone(), best.with_algorithm(DigestAlgorithm::Md5)] {
        let input = DigestInput {
            username: "consumer",
            password: PASSWORD,
            method: "POST",
            uri: "/smgw/m2m/consumer.sm/json",
            body: b"{}",
            nc: 1,
            cnonce: "0a4f113b",
        };
        let hash = ch.response_hash(&input);
        let width = if ch.algorithm.is_md5() { 32 } else { 64 };
        assert_eq!(hash.len(), width, "{hash:?}");
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        if let Ok(header) = ch.authorization(&input) {
            assert!(!header.contains(PASSWORD), "the password in {header:?}");
            assert!(!header.contains(['\r', '\n']), "a line break in {header:?}");
        }
    }
}

/// A `Location` (first part) for a request to `/smgw/m2m` on 192.168.1.200:443, and one
/// on an IPv6 host (second part): a userid only if it is a sane one.
pub fn location(data: &[u8]) {
    let parts = crate::split(data, 2);
    let origins = [
        Origin {
            scheme: "https".to_owned(),
            host: "192.168.1.200".to_owned(),
            port: 443,
        },
        Origin {
            scheme: "https".to_owned(),
            host: "fe80::1%eth0".to_owned(),
            port: 8443,
        },
    ];
    for (part, origin) in parts.iter().zip(&origins) {
        let Ok(loc) = std::str::from_utf8(part) else {
            continue;
        };
        for path in ["/smgw/m2m", "/smgw/m2m/"] {
            if let Ok(userid) = userid_from_location(loc, origin, path) {
                assert!(is_sane_userid(&userid), "{userid:?} from {loc:?}");
            }
        }
    }
}
