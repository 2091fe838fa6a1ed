//! Hostile and malformed input: clear errors with positions, bounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::io::{BufReader, Read};

use ar2418::{read, read_str, read_with_limits, Limits, ReadError};

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<UsagePoints xmlns="http://vde.de/AR_2418-6.xsd" xmlns:espi="http://naesb.org/espi">
"#;

fn minimal(body: &str) -> String {
    format!("{HEAD}<UsagePoint>{body}</UsagePoint></UsagePoints>")
}

#[test]
fn billion_laughs_is_refused_before_any_expansion() {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n<UsagePoints xmlns=\"http://vde.de/AR_2418-6.xsd\"><UsagePoint><usagePointId>&lol9;</usagePointId></UsagePoint></UsagePoints>");
    let err = read_str(&doc).expect_err("DOCTYPE must be refused");
    assert!(matches!(err, ReadError::Doctype { .. }), "{err}");
    let pos = err.position().expect("position");
    // Line 13 holds the `]>` that ends the DOCTYPE; positions point just after a token.
    assert_eq!((pos.line, pos.column), (13, 3), "{err}");
    assert!(err.to_string().contains("DOCTYPE"));
}

#[test]
fn undeclared_entity_is_an_error_and_predefined_ones_work() {
    let err = read_str(&minimal("<usagePointId>&xxe;</usagePointId>")).expect_err("unknown entity");
    assert!(
        matches!(err, ReadError::UnknownEntity { ref name, .. } if name == "xxe"),
        "{err}"
    );
    let doc = read_str(&minimal(
        "<usagePointId>a&amp;b&#x41;&#66;&lt;</usagePointId>",
    ))
    .expect("ok");
    assert_eq!(
        doc.usage_points[0].usage_point_id.as_deref(),
        Some("a&bAB<")
    );
}

#[test]
fn malformed_xml_reports_line_and_column() {
    let text =
        format!("{HEAD}<UsagePoint>\n<usagePointId>x</usagePointID>\n</UsagePoint></UsagePoints>");
    let err = read_str(&text).expect_err("mismatched end tag");
    assert!(matches!(err, ReadError::Malformed { .. }), "{err}");
    let pos = err.position().expect("position");
    assert_eq!(pos.line, 4, "{err}");
    assert!(pos.column > 1);

    let truncated = format!("{HEAD}<UsagePoint><usagePointId>x</usagePointId>");
    let err = read_str(&truncated).expect_err("truncated");
    assert!(matches!(err, ReadError::UnexpectedEof { .. }), "{err}");

    let err = read_str("").expect_err("empty");
    assert!(matches!(err, ReadError::UnexpectedEof { .. }), "{err}");

    let junk = format!("{HEAD}<UsagePoint/></UsagePoints><UsagePoints/>");
    assert!(read_str(&junk).is_err());
}

#[test]
fn wrong_root_or_namespace() {
    let err = read_str("<UsagePoints><UsagePoint/></UsagePoints>").expect_err("no namespace");
    assert!(matches!(err, ReadError::WrongRoot { .. }), "{err}");
    let err = read_str("<x:Foo xmlns:x=\"http://vde.de/AR_2418-6.xsd\"/>").expect_err("other root");
    assert!(err.to_string().contains("Foo"), "{err}");
}

#[test]
fn any_prefix_works_and_unknown_elements_are_skipped() {
    let text = r#"<?xml version="1.0"?>
<ar:UsagePoints xmlns:ar="http://vde.de/AR_2418-6.xsd" xmlns:n="http://naesb.org/espi">
 <ar:GeneratorVersion>test 1</ar:GeneratorVersion>
 <ar:UsagePoint>
  <n:ServiceCategory><n:kind>1</n:kind></n:ServiceCategory>
  <n:status>1</n:status>
  <ar:usagePointId>DE1</ar:usagePointId>
  <ar:VendorConfig><ar:tafProfile>00</ar:tafProfile><deep xmlns="urn:x"><deeper/></deep></ar:VendorConfig>
  <ar:MeterReading>
   <ar:Meter><ar:meterId>M1</ar:meterId></ar:Meter>
   <ar:ReadingType>
    <n:powerOfTenMultiplier>0</n:powerOfTenMultiplier><n:uom>72</n:uom>
    <ar:obisCode>0100010800ff</ar:obisCode>
    <ar:qualifiedLogicalName>0100010800ff.m1.sm</ar:qualifiedLogicalName>
   </ar:ReadingType>
   <ar:IntervalBlock>
    <ar:IntervalReading>
     <n:value>42</n:value>
     <ar:timePeriod><ar:duration>0</ar:duration><ar:start>2017-01-01T00:00:00Z</ar:start></ar:timePeriod>
     <ar:signature>0A0b</ar:signature>
     <ar:statusPTB>1</ar:statusPTB>
    </ar:IntervalReading>
   </ar:IntervalBlock>
  </ar:MeterReading>
 </ar:UsagePoint>
</ar:UsagePoints>"#;
    let doc = read_str(text).expect("parses");
    assert_eq!(doc.generator_version.as_deref(), Some("test 1"));
    let up = &doc.usage_points[0];
    assert_eq!(up.service_category_kind, Some(1));
    assert_eq!(up.usage_point_id.as_deref(), Some("DE1"));
    let m = &up.meter_readings[0];
    assert!(m.is_original_value_list(), "case-insensitive meter id");
    let r = m.readings().next().expect("reading");
    assert_eq!(r.value, Some(42));
    assert_eq!(r.signature.as_deref(), Some(&[0x0a, 0x0b][..]));
    // An element of the right name in the wrong namespace is not taken for it.
    let wrong_ns = text.replace("<n:value>42</n:value>", "<ar:value>42</ar:value>");
    let doc = read_str(&wrong_ns).expect("parses");
    assert_eq!(
        doc.usage_points[0].meter_readings[0]
            .readings()
            .next()
            .and_then(|r| r.value),
        None
    );
}

#[test]
fn type_errors_name_the_element() {
    let err = read_str(&minimal(
        "<SMGW><certId>300</certId><smgwId>x</smgwId></SMGW>",
    ))
    .expect_err("u8");
    assert!(
        matches!(err, ReadError::InvalidValue { ref element, .. } if element == "certId"),
        "{err}"
    );
    let err = read_str(&minimal("<SMGW><certId>1</certId></SMGW>")).expect_err("smgwId required");
    assert!(
        matches!(
            err,
            ReadError::Missing {
                element: "smgwId",
                ..
            }
        ),
        "{err}"
    );
    let err = read_str(&minimal(
        "<Certificate><certId>1</certId><certType>1</certType><certContent>ABC</certContent></Certificate>",
    ))
    .expect_err("odd hex");
    assert!(err.to_string().contains("certContent"), "{err}");
    let err = read_str(&minimal(
        "<tariffName>a</tariffName><tariffName>b</tariffName>",
    ))
    .expect_err("twice");
    assert!(
        matches!(
            err,
            ReadError::Duplicate {
                element: "tariffName",
                ..
            }
        ),
        "{err}"
    );
    let err = read_str(&minimal("<usagePointId>a<b/></usagePointId>")).expect_err("child in text");
    assert!(matches!(err, ReadError::UnexpectedChild { .. }), "{err}");
}

#[test]
fn other_encodings_are_refused_and_bom_is_accepted() {
    let latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><UsagePoints/>";
    let err = read_str(latin).expect_err("latin-1");
    assert!(matches!(err, ReadError::Encoding { .. }), "{err}");
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(minimal("").encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let err = read(&utf16[..]).expect_err("utf-16");
    assert!(
        matches!(err, ReadError::Encoding { ref encoding, .. } if encoding == "UTF-16"),
        "{err}"
    );
    let with_bom = format!("\u{feff}{}", minimal(""));
    assert!(read_str(&with_bom).is_ok());
    let bad_utf8: Vec<u8> = minimal("<usagePointId>\u{e4}</usagePointId>")
        .replace('\u{e4}', "\u{1}")
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xe4 } else { b })
        .collect();
    assert!(read(&bad_utf8[..]).is_err());
}

/// A stream of `prefix` followed by `filler` repeated without end (well, 4 GiB): a reader
/// that buffered it would run out of memory long before the end.
fn endless(prefix: &str, filler: &'static [u8]) -> impl std::io::BufRead {
    let rep = std::iter::repeat(filler).flatten().copied();
    let body = IterRead(Box::new(rep)).take(4 << 30);
    BufReader::new(std::io::Cursor::new(prefix.as_bytes().to_vec()).chain(body))
}

struct IterRead(Box<dyn Iterator<Item = u8>>);

impl Read for IterRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        for slot in buf.iter_mut() {
            match self.0.next() {
                Some(b) => {
                    *slot = b;
                    n += 1;
                }
                None => break,
            }
        }
        Ok(n)
    }
}

#[test]
fn huge_text_node_stops_at_the_limit() {
    let prefix = format!("{HEAD}<UsagePoint><usagePointId>");
    let err = read(endless(&prefix, b"aaaaaaaaaaaaaaaa")).expect_err("too large");
    assert!(
        matches!(err, ReadError::TokenTooLarge { limit, .. } if limit == 1 << 20),
        "{err}"
    );
    // Many small text pieces (entity references) are bounded as well.
    let err = read(endless(&prefix, b"&amp;")).expect_err("too large");
    assert!(matches!(err, ReadError::TokenTooLarge { .. }), "{err}");
    // A huge comment or an endless tag, too.
    let err = read(endless(HEAD, b"<!-- xxxxxxxx")).expect_err("comment");
    assert!(matches!(err, ReadError::TokenTooLarge { .. }), "{err}");
    let err = read(endless(&format!("{HEAD}<UsagePoint a=\""), b"xxxx")).expect_err("tag");
    assert!(matches!(err, ReadError::TokenTooLarge { .. }), "{err}");
}

#[test]
fn deep_nesting_stops_at_the_limit() {
    let prefix = format!("{HEAD}<UsagePoint>");
    let err = read(endless(&prefix, b"<a>")).expect_err("too deep");
    assert!(matches!(err, ReadError::TooDeep { limit: 64, .. }), "{err}");
    // Known elements nest too: the limit applies everywhere.
    let small = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let err = read_with_limits(
        minimal("<Customer><customerId>x</customerId></Customer>").as_bytes(),
        small,
    )
    .expect_err("depth 4");
    assert!(matches!(err, ReadError::TooDeep { limit: 3, .. }), "{err}");
}

#[test]
fn input_size_limit() {
    let limits = Limits {
        max_input_bytes: 10_000,
        ..Limits::default()
    };
    let prefix = format!("{HEAD}<UsagePoint>");
    let err = read_with_limits(endless(&prefix, b"<!-- c --> "), limits).expect_err("too big");
    assert!(
        matches!(err, ReadError::InputTooLarge { limit: 10_000 }),
        "{err}"
    );
}

#[test]
fn line_ends_are_normalised_and_cr_survives_a_round_trip() {
    let text = minimal(
        "<tariffName>t</tariffName><LogEntry><LogEvent><text>a\r\nb\rc&#13;d<![CDATA[e\r\nf]]></text></LogEvent></LogEntry>",
    );
    let doc = read_str(&text).expect("parses");
    let t = doc.usage_points[0].log_entries[0].events[0].text.clone();
    assert_eq!(t.as_deref(), Some("a\nb\nc\rde\nf"));
    let back = read_str(&ar2418::to_xml_string(&doc)).expect("reads back");
    assert_eq!(back.usage_points[0].log_entries[0].events[0].text, t);
}
