//! Checking the 307 `Location` that names the consumer's point of contact.
//!
//! Credentials must never leave for another origin, so an absolute `Location` is only
//! followed when scheme, host and port equal the request's; the path must have the
//! documented shape `/smgw/m2m/<userid>/json`.

use crate::ProtocolError;

/// Where the request that got the redirect went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `https` (or `http` in a lab).
    pub scheme: String,
    /// Host as used in the request: a name, an IPv4 address or an IPv6 address without
    /// brackets.
    pub host: String,
    /// Port as used in the request.
    pub port: u16,
}

/// The longest userid accepted; the documented ones are about 30 characters.
pub const MAX_USERID_LEN: usize = 128;

fn refuse(why: impl Into<String>) -> ProtocolError {
    ProtocolError::Redirect(why.into())
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

/// Whether a userid is plausible: letters, digits, `.`, `-`, `_`, no empty or dot-only
/// segments, at most [`MAX_USERID_LEN`] characters.
pub fn is_sane_userid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_USERID_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && id.split('.').all(|seg| !seg.is_empty())
}

/// Checks a `Location` header against the request's origin and path and returns the
/// userid. `request_path` resolves relative references such as `<userid>/json`.
pub fn userid_from_location(
    location: &str,
    origin: &Origin,
    request_path: &str,
) -> Result<String, ProtocolError> {
    let loc = location.trim();
    if loc.is_empty() {
        return Err(refuse("the Location header is empty"));
    }
    if loc.len() > 2048 || loc.chars().any(|c| c.is_control() || c == ' ') {
        return Err(refuse("the Location header contains invalid characters"));
    }
    let path = if loc.starts_with("//") {
        // A network-path reference switches host while keeping the scheme.
        return Err(refuse(format!("{loc:?} points to another host")));
    } else if let Some((scheme, rest)) = split_scheme(loc) {
        check_origin(&scheme, rest, origin, loc)?
    } else if loc.starts_with('/') {
        loc.to_owned()
    } else {
        let base = match request_path.rfind('/') {
            Some(i) => &request_path[..=i],
            None => "/",
        };
        format!("{base}{loc}")
    };
    if path.contains(['?', '#', '%', '\\']) {
        return Err(refuse(format!("{loc:?} has a query, fragment or escapes")));
    }
    let trimmed = path.strip_suffix('/').unwrap_or(&path);
    let userid = trimmed
        .strip_prefix("/smgw/m2m/")
        .and_then(|r| r.strip_suffix("/json"))
        .ok_or_else(|| {
            refuse(format!(
                "{loc:?} is not of the form /smgw/m2m/<userid>/json"
            ))
        })?;
    if !is_sane_userid(userid) {
        return Err(refuse(format!("{loc:?} carries an implausible userid")));
    }
    Ok(userid.to_owned())
}

/// Splits `scheme://...`; `None` when the reference has no scheme.
fn split_scheme(loc: &str) -> Option<(String, &str)> {
    let (scheme, rest) = loc.split_once("://")?;
    let ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| (scheme.to_ascii_lowercase(), rest))
}

/// Compares the authority of an absolute `Location` with the origin; returns the path.
fn check_origin(
    scheme: &str,
    rest: &str,
    origin: &Origin,
    loc: &str,
) -> Result<String, ProtocolError> {
    if !scheme.eq_ignore_ascii_case(&origin.scheme) {
        return Err(refuse(format!("{loc:?} changes the scheme")));
    }
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(refuse(format!("{loc:?} carries user information")));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| refuse(format!("{loc:?} has a malformed IPv6 host")))?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None | Some("") => default_port(scheme),
        Some(p) => p.parse::<u16>().ok(),
    }
    .ok_or_else(|| refuse(format!("{loc:?} has an invalid port")))?;
    let want_host = origin.host.trim_start_matches('[').trim_end_matches(']');
    if !host.eq_ignore_ascii_case(want_host) || port != origin.port {
        return Err(refuse(format!(
            "{loc:?} points to another host or port than {}:{}",
            origin.host, origin.port
        )));
    }
    Ok(if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(host: &str, port: u16) -> Origin {
        Origin {
            scheme: "https".into(),
            host: host.into(),
            port,
        }
    }

    const ID: &str = "01005e318011.consumer1.sm";

    #[test]
    fn relative_and_same_origin_absolute_locations_give_the_userid() {
        let o = origin("192.200.1.100", 443);
        for loc in [
            format!("/smgw/m2m/{ID}/json"),
            format!("/smgw/m2m/{ID}/json/"),
            format!("https://192.200.1.100/smgw/m2m/{ID}/json"),
            format!("https://192.200.1.100:443/smgw/m2m/{ID}/json"),
            format!("HTTPS://192.200.1.100/smgw/m2m/{ID}/json"),
            format!("m2m/{ID}/json"),
        ] {
            assert_eq!(
                userid_from_location(&loc, &o, "/smgw/m2m").as_deref(),
                Ok(ID),
                "{loc}"
            );
        }
        assert_eq!(
            userid_from_location(&format!("{ID}/json"), &o, "/smgw/m2m/").as_deref(),
            Ok(ID)
        );
        let v6 = origin("::1", 8443);
        assert_eq!(
            userid_from_location(
                &format!("https://[::1]:8443/smgw/m2m/{ID}/json"),
                &v6,
                "/smgw/m2m"
            )
            .as_deref(),
            Ok(ID)
        );
        let named = origin("SMGW.local", 443);
        assert!(userid_from_location(
            &format!("https://smgw.local/smgw/m2m/{ID}/json"),
            &named,
            "/"
        )
        .is_ok());
    }

    #[test]
    fn foreign_origins_are_refused() {
        let o = origin("127.0.0.1", 8443);
        for loc in [
            format!("https://127.0.0.2:8443/smgw/m2m/{ID}/json"),
            format!("https://127.0.0.1/smgw/m2m/{ID}/json"),
            format!("https://127.0.0.1:8444/smgw/m2m/{ID}/json"),
            format!("http://127.0.0.1:8443/smgw/m2m/{ID}/json"),
            format!("//evil.example/smgw/m2m/{ID}/json"),
            format!("https://user@127.0.0.1:8443/smgw/m2m/{ID}/json"),
            format!("https://127.0.0.1:8443@evil/smgw/m2m/{ID}/json"),
            format!("https://127.0.0.1:99999/smgw/m2m/{ID}/json"),
        ] {
            assert!(
                matches!(
                    userid_from_location(&loc, &o, "/smgw/m2m"),
                    Err(ProtocolError::Redirect(_))
                ),
                "{loc}"
            );
        }
    }

    #[test]
    fn odd_paths_and_userids_are_refused() {
        let o = origin("127.0.0.1", 443);
        for loc in [
            "",
            "/smgw/m2m/json",
            "/smgw/m2m//json",
            "/smgw/m2m/../json",
            "/smgw/m2m/a/b/json",
            "/smgw/m2m/a%2Fb/json",
            "/smgw/m2m/abc/json?x=1",
            "/smgw/m2m/abc/xml",
            "/other/abc/json",
            "/smgw/m2m/a b/json",
            "/smgw/m2m/.hidden/json",
        ] {
            assert!(
                userid_from_location(loc, &o, "/smgw/m2m").is_err(),
                "{loc:?}"
            );
        }
        let long = format!("/smgw/m2m/{}/json", "a".repeat(MAX_USERID_LEN + 1));
        assert!(userid_from_location(&long, &o, "/smgw/m2m").is_err());
        let ok = format!("/smgw/m2m/{}/json", "a".repeat(MAX_USERID_LEN));
        assert!(userid_from_location(&ok, &o, "/smgw/m2m").is_ok());
    }
}
