//! Our Digest responses against an independent implementation (the `digest_auth` crate)
//! for the challenge forms both accept: the same response for the same inputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use digest_auth::{AuthContext, HttpMethod, WwwAuthenticateHeader};
use han_protocol::digest::{best_challenge, parse_challenges, DigestInput};

const URI: &str = "/smgw/m2m/01005e318011.consumer1.sm/json";
const BODY: &[u8] = br#"{"method":"smgw-info"}"#;
const CNONCE: &str = "0a4f113b";

fn ours(header: &str, nc: u32) -> (String, String) {
    let challenges = parse_challenges([header]).expect("challenge");
    let c = best_challenge(&challenges).expect("usable challenge");
    let input = DigestInput {
        username: "demo",
        password: "demo",
        method: "POST",
        uri: URI,
        body: BODY,
        nc,
        cnonce: CNONCE,
    };
    (c.algorithm.wire_name().to_owned(), c.response_hash(&input))
}

fn theirs(header: &str, nc: u32) -> (String, String) {
    let mut prompt = WwwAuthenticateHeader::parse(header).expect("their parse");
    let mut ctx = AuthContext::new_with_method("demo", "demo", URI, Some(BODY), HttpMethod::POST);
    ctx.set_custom_cnonce(CNONCE);
    let mut answer = prompt.respond(&ctx).expect("their answer");
    for _ in 1..nc {
        answer = prompt.respond(&ctx).expect("their answer");
    }
    (answer.algorithm.to_string(), answer.response)
}

#[test]
fn the_same_response_as_an_independent_implementation() {
    for header in [
        r#"Digest realm="smgw", nonce="abc123", qop="auth", algorithm=MD5"#,
        r#"Digest realm="smgw", nonce="abc123", qop="auth", algorithm=SHA-256"#,
        r#"Digest realm="smgw", nonce="abc123", qop="auth""#,
        r#"Digest realm="smgw", nonce="abc123", qop="auth", algorithm="SHA-256""#,
        r#"Digest realm="ethe0300004261", nonce="4f2c", opaque="x9", qop="auth", algorithm=MD5-sess"#,
        r#"Digest realm="ethe0300004261", nonce="4f2c", qop="auth", algorithm=SHA-256-sess"#,
    ] {
        for nc in [1, 2, 7] {
            assert_eq!(ours(header, nc), theirs(header, nc), "{header}, nc={nc}");
        }
    }
}
