//! A light structural check of X.509 certificates: a DER walk, no cryptography.
//!
//! `certContent` carries DER in most files; some TRuDI exports put PEM text (one or more
//! `-----BEGIN CERTIFICATE-----` blocks) hex-encoded into it, so PEM is accepted too.

/// Why certificate content is not a plausible X.509 certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CertProblem {
    Empty,
    NotDer(&'static str),
    BadPem,
}

impl CertProblem {
    pub(crate) fn describe(&self) -> (&'static str, &'static str) {
        match self {
            CertProblem::Empty => ("leer", "empty"),
            CertProblem::NotDer(_) => (
                "keine DER-kodierte X.509-Struktur",
                "not a DER-encoded X.509 structure",
            ),
            CertProblem::BadPem => ("fehlerhafter PEM-Text", "malformed PEM text"),
        }
    }
}

/// One DER TLV: (tag, content, rest).
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), &'static str> {
    let (&tag, rest) = input.split_first().ok_or("truncated tag")?;
    if tag & 0x1f == 0x1f {
        return Err("multi-byte tags do not occur in certificates");
    }
    let (&first, rest) = rest.split_first().ok_or("truncated length")?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return Err("indefinite or oversized length");
        }
        let (digits, rest) = rest.split_at_checked(n).ok_or("truncated length")?;
        let len = digits
            .iter()
            .fold(0usize, |len, b| (len << 8) | usize::from(*b));
        if len < 0x80 || digits.first() == Some(&0) {
            return Err("non-minimal length (not DER)");
        }
        (len, rest)
    };
    let (content, after) = rest
        .split_at_checked(len)
        .ok_or("content shorter than its length")?;
    Ok((tag, content, after))
}

/// Checks the outer shape: SEQUENCE { tbsCertificate SEQUENCE { [0] version?, INTEGER
/// serial, SEQUENCE algorithm, … }, SEQUENCE signatureAlgorithm, BIT STRING signature },
/// with nothing after it.
pub(crate) fn check_der_certificate(der: &[u8]) -> Result<(), &'static str> {
    let (tag, cert, rest) = tlv(der)?;
    if tag != 0x30 {
        return Err("outer element is not a SEQUENCE");
    }
    if !rest.is_empty() {
        return Err("bytes after the certificate");
    }
    let (tag, tbs, after_tbs) = tlv(cert)?;
    if tag != 0x30 {
        return Err("tbsCertificate is not a SEQUENCE");
    }
    let (tag, _, after_alg) = tlv(after_tbs)?;
    if tag != 0x30 {
        return Err("signatureAlgorithm is not a SEQUENCE");
    }
    let (tag, _, end) = tlv(after_alg)?;
    if tag != 0x03 {
        return Err("signature is not a BIT STRING");
    }
    if !end.is_empty() {
        return Err("extra elements in the certificate");
    }
    let (mut tag, _, mut rest) = tlv(tbs)?;
    if tag == 0xa0 {
        let (t, _, r) = tlv(rest)?;
        tag = t;
        rest = r;
    }
    if tag != 0x02 {
        return Err("serial number is not an INTEGER");
    }
    let (tag, _, _) = tlv(rest)?;
    if tag != 0x30 {
        return Err("tbsCertificate signature algorithm is not a SEQUENCE");
    }
    Ok(())
}

fn b64_value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut padding = false;
    for c in text.bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding = true;
            continue;
        }
        if padding {
            return None;
        }
        acc = (acc << 6) | b64_value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

const PEM_BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const PEM_END: &str = "-----END CERTIFICATE-----";

/// Checks `certContent`: DER, or PEM text with one or more certificates. Returns the number
/// of certificates found.
pub(crate) fn check_certificate_content(content: &[u8]) -> Result<usize, CertProblem> {
    if content.is_empty() {
        return Err(CertProblem::Empty);
    }
    if content.first() == Some(&0x30) {
        return check_der_certificate(content)
            .map(|_| 1)
            .map_err(CertProblem::NotDer);
    }
    let text = std::str::from_utf8(content).map_err(|_| CertProblem::NotDer("not DER"))?;
    if !text.contains(PEM_BEGIN) {
        return Err(CertProblem::NotDer("neither DER nor PEM"));
    }
    let mut count = 0;
    let mut rest = text;
    while let Some(b) = rest.find(PEM_BEGIN) {
        let body_start = b + PEM_BEGIN.len();
        let e = rest[body_start..]
            .find(PEM_END)
            .ok_or(CertProblem::BadPem)?;
        let der = base64_decode(&rest[body_start..body_start + e]).ok_or(CertProblem::BadPem)?;
        check_der_certificate(&der).map_err(CertProblem::NotDer)?;
        count += 1;
        rest = &rest[body_start + e + PEM_END.len()..];
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A minimal well-formed shape (not a real certificate, which the check does not need).
    const SHAPE: [u8; 18] = [
        0x30, 0x10, // Certificate
        0x30, 0x08, 0xa0, 0x00, 0x02, 0x01, 0x01, 0x30, 0x01, 0x00, // tbs: [0], serial, alg
        0x30, 0x00, // signatureAlgorithm
        0x03, 0x02, 0x00, 0x00, // signature
    ];

    #[test]
    fn accepts_a_certificate_shape_and_rejects_damage() {
        assert_eq!(check_certificate_content(&SHAPE), Ok(1));
        let mut truncated = SHAPE.to_vec();
        truncated.pop();
        assert!(check_certificate_content(&truncated).is_err());
        let mut trailing = SHAPE.to_vec();
        trailing.push(0);
        assert!(check_certificate_content(&trailing).is_err());
        assert_eq!(
            check_certificate_content(&[0x00, 0x11, 0x22, 0x33, 0xff]),
            Err(CertProblem::NotDer("not DER"))
        );
        assert_eq!(check_certificate_content(&[]), Err(CertProblem::Empty));
    }

    #[test]
    fn pem_wrapped_certificates() {
        let b64 = "MBAwCKAAAgEBMAEAMAADAgAA"; // base64 of SHAPE
        assert_eq!(base64_decode(b64).as_deref(), Some(&SHAPE[..]));
        let pem = format!("{PEM_BEGIN}\r\n{b64}\r\n{PEM_END}\r\n{PEM_BEGIN}\n{b64}\n{PEM_END}\n");
        assert_eq!(check_certificate_content(pem.as_bytes()), Ok(2));
        let broken = format!("{PEM_BEGIN}\n{b64}\n");
        assert_eq!(
            check_certificate_content(broken.as_bytes()),
            Err(CertProblem::BadPem)
        );
    }
}
