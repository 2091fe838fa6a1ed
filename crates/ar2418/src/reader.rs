//! Streaming reader: AR 2418-6 XML → [`UsagePoints`].
//!
//! Built on quick-xml's namespace-aware pull parser over a `BufRead`, feeding a hand-written
//! recursive descent that fills the document types directly. Compared with serde
//! deserialisation this keeps only the current token in memory besides the result, matches
//! elements on their namespace (any prefix works), skips unknown elements of any depth and
//! reports errors with a position.
//!
//! Hardening: DOCTYPE is refused (so no entity can be declared, let alone expanded), only the
//! five predefined entities and character references are accepted, nesting depth, the size of
//! a single token or text and the total input size are bounded (see [`Limits`]).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;

use crate::error::{Position, ReadError, AR_NS, ESPI_NS};
use crate::model::*;
use crate::source_map::{MeterReadingLines, SourceMap, UsagePointLines};

/// Resource bounds of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum element nesting depth. AR 2418-6 needs 8.
    pub max_depth: usize,
    /// Maximum size in bytes of one token (tag, text run, comment) and of one element's text.
    /// The largest legitimate texts are certificates (a few kB of hex) and log texts
    /// (at most 16384 characters).
    pub max_token_bytes: usize,
    /// Maximum input size in bytes.
    pub max_input_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_token_bytes: 1 << 20,
            // Three years of 15-minute values for four lists are about 100 MB of XML.
            max_input_bytes: 512 << 20,
        }
    }
}

/// Reads an AR 2418-6 file (device or supplier file) from a path.
pub fn read_file(path: impl AsRef<Path>) -> Result<UsagePoints, ReadError> {
    let f = File::open(path.as_ref())?;
    read(BufReader::with_capacity(64 * 1024, f))
}

/// Reads an AR 2418-6 document from a buffered reader with the default [`Limits`].
pub fn read(input: impl BufRead) -> Result<UsagePoints, ReadError> {
    read_with_limits(input, Limits::default())
}

/// Reads an AR 2418-6 document from a string.
pub fn read_str(input: &str) -> Result<UsagePoints, ReadError> {
    read(input.as_bytes())
}

/// Reads an AR 2418-6 document with explicit resource limits.
pub fn read_with_limits(mut input: impl BufRead, limits: Limits) -> Result<UsagePoints, ReadError> {
    refuse_utf16(&mut input)?;
    let mut p = Parser::new(input, limits);
    p.document()
}

/// UTF-16 files (Windows tools write them) would otherwise fail with a confusing syntax
/// error; name the problem instead.
fn refuse_utf16(input: &mut impl BufRead) -> Result<(), ReadError> {
    let head = input.fill_buf()?;
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Err(ReadError::Encoding {
            encoding: "UTF-16".into(),
            pos: Position {
                line: 1,
                column: 1,
                byte: 0,
            },
        });
    }
    Ok(())
}

/// Reads a document and records the line where each usage point, meter reading, interval
/// block, reading, certificate, log entry, tariff stage, day profile and special day
/// starts, so that findings can name lines ([`SourceMap::annotate`]).
pub fn read_with_source_map(
    input: impl BufRead,
    limits: Limits,
) -> Result<(UsagePoints, SourceMap), ReadError> {
    let mut input = input;
    refuse_utf16(&mut input)?;
    let mut p = Parser::new(input, limits);
    p.map = Some(SourceMap::default());
    let doc = p.document()?;
    Ok((doc, p.map.take().unwrap_or_default()))
}

/// [`read_with_source_map`] for a file, with the default limits.
pub fn read_file_with_source_map(
    path: impl AsRef<Path>,
) -> Result<(UsagePoints, SourceMap), ReadError> {
    let f = File::open(path.as_ref())?;
    read_with_source_map(BufReader::with_capacity(64 * 1024, f), Limits::default())
}

/// Which limit the tracking reader tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Token,
    Input,
}

/// Wraps the input to count lines for positions and to cut off oversized tokens before
/// quick-xml buffers them: quick-xml grows its buffer until a token ends, so the limit has
/// to act on the bytes it consumes.
struct Tracked<R> {
    inner: R,
    consumed: u64,
    line: u64,
    line_start: u64,
    token: usize,
    token_limit: usize,
    input_limit: u64,
    overflow: Option<Overflow>,
}

impl<R: BufRead> Tracked<R> {
    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.consumed - self.line_start + 1,
            byte: self.consumed,
        }
    }
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(out.len());
            match (out.get_mut(..n), avail.get(..n)) {
                (Some(to), Some(from)) => to.copy_from_slice(from),
                // Unreachable: n is at most both lengths.
                _ => return Err(io::Error::other("read buffer bounds")),
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.token > self.token_limit {
            self.overflow = Some(Overflow::Token);
            return Err(io::Error::other("token size limit exceeded"));
        }
        if self.consumed > self.input_limit {
            self.overflow = Some(Overflow::Input);
            return Err(io::Error::other("input size limit exceeded"));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt > 0 {
            // consume(amt) with amt > 0 follows a fill_buf that returned at least amt bytes,
            // so this second fill_buf returns the same buffered bytes without I/O.
            if let Ok(buf) = self.inner.fill_buf() {
                for (i, b) in buf.iter().take(amt).enumerate() {
                    if *b == b'\n' {
                        self.line += 1;
                        self.line_start = self.consumed + i as u64 + 1;
                    }
                }
            }
        }
        self.inner.consume(amt);
        self.consumed += amt as u64;
        self.token += amt;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Ar,
    Espi,
    Other,
}

enum Node {
    Open(Ns, String),
    Close,
    Eof,
}

struct Parser<R> {
    r: NsReader<Tracked<R>>,
    buf: Vec<u8>,
    text: String,
    depth: usize,
    pending_close: bool,
    limits: Limits,
    map: Option<SourceMap>,
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

impl<R: BufRead> Parser<R> {
    fn new(input: R, limits: Limits) -> Self {
        let tracked = Tracked {
            inner: input,
            consumed: 0,
            line: 1,
            line_start: 0,
            token: 0,
            token_limit: limits.max_token_bytes,
            input_limit: limits.max_input_bytes,
            overflow: None,
        };
        let mut r = NsReader::from_reader(tracked);
        let cfg = r.config_mut();
        cfg.expand_empty_elements = true;
        cfg.check_end_names = true;
        cfg.trim_text(false);
        Parser {
            r,
            buf: Vec::with_capacity(1024),
            text: String::new(),
            depth: 0,
            pending_close: false,
            limits,
            map: None,
        }
    }

    fn pos(&mut self) -> Position {
        self.r.get_mut().position()
    }

    /// Line of the reader (just after the start tag that was read last), for the source map.
    fn line(&mut self) -> u32 {
        u32::try_from(self.r.get_mut().line).unwrap_or(u32::MAX)
    }

    fn up_lines(&mut self) -> Option<&mut UsagePointLines> {
        self.map.as_mut()?.usage_points.last_mut()
    }

    fn mr_lines(&mut self) -> Option<&mut MeterReadingLines> {
        self.up_lines()?.meter_readings.last_mut()
    }

    fn xml_error(&mut self, e: quick_xml::Error) -> ReadError {
        let pos = self.pos();
        match self.r.get_mut().overflow {
            Some(Overflow::Token) => {
                return ReadError::TokenTooLarge {
                    limit: self.limits.max_token_bytes,
                    pos,
                }
            }
            Some(Overflow::Input) => {
                return ReadError::InputTooLarge {
                    limit: self.limits.max_input_bytes,
                }
            }
            None => {}
        }
        match e {
            quick_xml::Error::Io(io) => ReadError::Io(io::Error::new(io.kind(), io.to_string())),
            other => ReadError::Malformed {
                pos,
                message: other.to_string(),
            },
        }
    }

    /// Next structural node. With `collect`, character data is appended to `self.text`;
    /// without, it is dropped (whitespace between elements, or stray text the XSD forbids).
    fn next(&mut self, collect: bool) -> Result<Node, ReadError> {
        if self.pending_close {
            self.pending_close = false;
            self.depth -= 1;
            return Ok(Node::Close);
        }
        loop {
            self.buf.clear();
            self.r.get_mut().token = 0;
            let (res, ev) = match self.r.read_resolved_event_into(&mut self.buf) {
                Ok(x) => x,
                Err(e) => return Err(self.xml_error(e)),
            };
            enum Step {
                Open(Ns, String, bool),
                Close,
                Eof,
                Continue,
                Doctype,
                Entity(String),
                Encoding(String),
                BadText,
                TooLarge,
            }
            let push = |text: &mut String, s: &str, limit: usize| {
                if text.len() + s.len() > limit {
                    Step::TooLarge
                } else {
                    text.push_str(s);
                    Step::Continue
                }
            };
            let limit = self.limits.max_token_bytes;
            let step = match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let ns = match res {
                        ResolveResult::Bound(Namespace(n)) if n == AR_NS.as_bytes() => Ns::Ar,
                        ResolveResult::Bound(Namespace(n)) if n == ESPI_NS.as_bytes() => Ns::Espi,
                        _ => Ns::Other,
                    };
                    let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    Step::Open(ns, local, matches!(ev, Event::Empty(_)))
                }
                Event::End(_) => Step::Close,
                Event::Eof => Step::Eof,
                // XML 1.0 end-of-line handling: CRLF and lone CR become LF.
                Event::Text(t) => match t.xml10_content() {
                    Ok(s) if collect => push(&mut self.text, &s, limit),
                    Ok(_) => Step::Continue,
                    Err(_) => Step::BadText,
                },
                Event::CData(t) => match t.xml10_content() {
                    Ok(s) if collect => push(&mut self.text, &s, limit),
                    Ok(_) => Step::Continue,
                    Err(_) => Step::BadText,
                },
                Event::GeneralRef(r) => {
                    let resolved = if r.is_char_ref() {
                        r.resolve_char_ref().ok().flatten()
                    } else {
                        match r.as_ref() {
                            b"amp" => Some('&'),
                            b"lt" => Some('<'),
                            b"gt" => Some('>'),
                            b"quot" => Some('"'),
                            b"apos" => Some('\''),
                            _ => None,
                        }
                    };
                    match resolved {
                        Some(c) if collect => {
                            let mut tmp = [0u8; 4];
                            push(&mut self.text, c.encode_utf8(&mut tmp), limit)
                        }
                        Some(_) => Step::Continue,
                        None => Step::Entity(String::from_utf8_lossy(&r).into_owned()),
                    }
                }
                Event::Decl(d) => match d.encoding() {
                    Some(Ok(enc))
                        if !enc.eq_ignore_ascii_case(b"utf-8")
                            && !enc.eq_ignore_ascii_case(b"utf8") =>
                    {
                        Step::Encoding(String::from_utf8_lossy(&enc).into_owned())
                    }
                    _ => Step::Continue,
                },
                Event::DocType(_) => Step::Doctype,
                Event::Comment(_) | Event::PI(_) => Step::Continue,
            };
            match step {
                Step::Continue => continue,
                Step::Open(ns, local, empty) => {
                    if self.depth >= self.limits.max_depth {
                        let pos = self.pos();
                        return Err(ReadError::TooDeep {
                            limit: self.limits.max_depth,
                            pos,
                        });
                    }
                    self.depth += 1;
                    self.pending_close = empty;
                    return Ok(Node::Open(ns, local));
                }
                Step::Close => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Node::Close);
                }
                Step::Eof => return Ok(Node::Eof),
                Step::Doctype => {
                    let pos = self.pos();
                    return Err(ReadError::Doctype { pos });
                }
                Step::Entity(name) => {
                    let pos = self.pos();
                    return Err(ReadError::UnknownEntity { name, pos });
                }
                Step::Encoding(encoding) => {
                    let pos = self.pos();
                    return Err(ReadError::Encoding { encoding, pos });
                }
                Step::BadText => {
                    let pos = self.pos();
                    return Err(ReadError::Malformed {
                        pos,
                        message: "text is not valid UTF-8".into(),
                    });
                }
                Step::TooLarge => {
                    let pos = self.pos();
                    return Err(ReadError::TokenTooLarge { limit, pos });
                }
            }
        }
    }

    /// Next child element of the current element, or `None` at its end tag.
    fn child(&mut self, parent: &str) -> Result<Option<(Ns, String)>, ReadError> {
        match self.next(false)? {
            Node::Open(ns, name) => Ok(Some((ns, name))),
            Node::Close => Ok(None),
            Node::Eof => {
                let pos = self.pos();
                Err(ReadError::UnexpectedEof {
                    element: parent.to_string(),
                    pos,
                })
            }
        }
    }

    /// Skips the rest of the current element, whatever it contains.
    fn skip(&mut self, name: &str) -> Result<(), ReadError> {
        let mut level = 1usize;
        while level > 0 {
            match self.next(false)? {
                Node::Open(..) => level += 1,
                Node::Close => level -= 1,
                Node::Eof => {
                    let pos = self.pos();
                    return Err(ReadError::UnexpectedEof {
                        element: name.to_string(),
                        pos,
                    });
                }
            }
        }
        Ok(())
    }

    /// Text content of a simple-typed element (up to its end tag).
    fn text(&mut self, name: &str) -> Result<String, ReadError> {
        self.text.clear();
        match self.next(true)? {
            Node::Close => Ok(std::mem::take(&mut self.text)),
            Node::Open(_, child) => {
                let pos = self.pos();
                Err(ReadError::UnexpectedChild {
                    element: name.to_string(),
                    child,
                    pos,
                })
            }
            Node::Eof => {
                let pos = self.pos();
                Err(ReadError::UnexpectedEof {
                    element: name.to_string(),
                    pos,
                })
            }
        }
    }

    fn invalid(&mut self, name: &str, value: &str, expected: &'static str) -> ReadError {
        let pos = self.pos();
        ReadError::InvalidValue {
            element: name.to_string(),
            value: truncate(value),
            expected,
            pos,
        }
    }

    fn num<T: FromStr>(&mut self, name: &str, expected: &'static str) -> Result<T, ReadError> {
        let t = self.text(name)?;
        match t.trim().parse::<T>() {
            Ok(v) => Ok(v),
            Err(_) => Err(self.invalid(name, &t, expected)),
        }
    }

    fn hex(&mut self, name: &str) -> Result<Vec<u8>, ReadError> {
        let t = self.text(name)?;
        match hex::decode(t.trim()) {
            Ok(v) => Ok(v),
            Err(_) => Err(self.invalid(name, &t, "hexBinary (an even number of hex digits)")),
        }
    }

    fn time(&mut self, name: &str) -> Result<DateTime<FixedOffset>, ReadError> {
        let t = self.text(name)?;
        match parse_xs_datetime(t.trim()) {
            Some(v) => Ok(v),
            None => Err(self.invalid(name, &t, "xs:dateTime")),
        }
    }

    fn string(&mut self, name: &str) -> Result<String, ReadError> {
        let t = self.text(name)?;
        // Element content of the String types is whitespace-preserving in the XSD, but
        // TRuDI's files indent some of them; ids are compared without the surrounding space.
        Ok(t.trim().to_string())
    }

    fn put<T>(
        &mut self,
        slot: &mut Option<T>,
        v: T,
        element: &'static str,
        parent: &'static str,
    ) -> Result<(), ReadError> {
        if slot.is_some() {
            let pos = self.pos();
            return Err(ReadError::Duplicate {
                element,
                parent,
                pos,
            });
        }
        *slot = Some(v);
        Ok(())
    }

    fn required<T>(
        &mut self,
        v: Option<T>,
        element: &'static str,
        parent: &'static str,
    ) -> Result<T, ReadError> {
        match v {
            Some(v) => Ok(v),
            None => {
                let pos = self.pos();
                Err(ReadError::Missing {
                    element,
                    parent,
                    pos,
                })
            }
        }
    }

    fn document(&mut self) -> Result<UsagePoints, ReadError> {
        let root = loop {
            match self.next(false)? {
                Node::Open(ns, name) => break (ns, name),
                Node::Close => continue,
                Node::Eof => {
                    let pos = self.pos();
                    return Err(ReadError::UnexpectedEof {
                        element: "document".into(),
                        pos,
                    });
                }
            }
        };
        if root.0 != Ns::Ar || root.1 != "UsagePoints" {
            let pos = self.pos();
            let ns = match root.0 {
                Ns::Ar => AR_NS,
                Ns::Espi => ESPI_NS,
                Ns::Other => "?",
            };
            return Err(ReadError::WrongRoot {
                found: format!("{{{ns}}}{}", root.1),
                pos,
            });
        }
        let doc = self.usage_points()?;
        loop {
            match self.next(false)? {
                Node::Eof => break,
                Node::Open(_, name) => {
                    let pos = self.pos();
                    return Err(ReadError::Malformed {
                        pos,
                        message: format!("element <{name}> after the root element"),
                    });
                }
                Node::Close => {}
            }
        }
        Ok(doc)
    }

    fn usage_points(&mut self) -> Result<UsagePoints, ReadError> {
        const P: &str = "UsagePoints";
        let mut doc = UsagePoints::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "GeneratorVersion") => {
                    let v = self.string(&name)?;
                    let mut slot = doc.generator_version.take();
                    self.put(&mut slot, v, "GeneratorVersion", P)?;
                    doc.generator_version = slot;
                }
                (Ns::Ar, "UsagePoint") => {
                    let line = self.line();
                    if let Some(m) = self.map.as_mut() {
                        m.usage_points.push(UsagePointLines {
                            line,
                            ..UsagePointLines::default()
                        });
                    }
                    let up = self.usage_point()?;
                    doc.usage_points.push(up);
                }
                _ => self.skip(&name)?,
            }
        }
        if doc.usage_points.is_empty() {
            self.required(None::<()>, "UsagePoint", P)?;
        }
        Ok(doc)
    }

    fn usage_point(&mut self) -> Result<UsagePoint, ReadError> {
        const P: &str = "UsagePoint";
        let mut up = UsagePoint::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Espi, "ServiceCategory") => {
                    let mut kind = None;
                    while let Some((ns2, n2)) = self.child("ServiceCategory")? {
                        if ns2 == Ns::Espi && n2 == "kind" {
                            let v: u16 = self.num(&n2, "an unsigned 16-bit integer")?;
                            self.put(&mut kind, v, "kind", "ServiceCategory")?;
                        } else {
                            self.skip(&n2)?;
                        }
                    }
                    let kind = self.required(kind, "kind", "ServiceCategory")?;
                    let mut slot = up.service_category_kind.take();
                    self.put(&mut slot, kind, "ServiceCategory", P)?;
                    up.service_category_kind = slot;
                }
                (Ns::Ar, "usagePointId") => {
                    let v = self.string(&name)?;
                    let mut slot = up.usage_point_id.take();
                    self.put(&mut slot, v, "usagePointId", P)?;
                    up.usage_point_id = slot;
                }
                (Ns::Ar, "Customer") => {
                    let v = self.single_string_container("Customer", "customerId")?;
                    let mut slot = up.customer_id.take();
                    self.put(&mut slot, v, "Customer", P)?;
                    up.customer_id = slot;
                }
                (Ns::Ar, "InvoicingParty") => {
                    let v = self.single_string_container("InvoicingParty", "invoicingPartyId")?;
                    let mut slot = up.invoicing_party_id.take();
                    self.put(&mut slot, v, "InvoicingParty", P)?;
                    up.invoicing_party_id = slot;
                }
                (Ns::Ar, "SMGW") => {
                    let v = self.smgw()?;
                    let mut slot = up.smgw.take();
                    self.put(&mut slot, v, "SMGW", P)?;
                    up.smgw = slot;
                }
                (Ns::Ar, "Certificate") => {
                    let line = self.line();
                    if let Some(u) = self.up_lines() {
                        u.certificates.push(line);
                    }
                    let c = self.certificate()?;
                    up.certificates.push(c);
                }
                (Ns::Ar, "tariffName") => {
                    let v = self.string(&name)?;
                    let mut slot = up.tariff_name.take();
                    self.put(&mut slot, v, "tariffName", P)?;
                    up.tariff_name = slot;
                }
                (Ns::Ar, "AnalysisProfile") => {
                    let v = self.analysis_profile()?;
                    let mut slot = up.analysis_profile.take();
                    self.put(&mut slot, v, "AnalysisProfile", P)?;
                    up.analysis_profile = slot;
                }
                (Ns::Ar, "LogEntry") => {
                    let line = self.line();
                    if let Some(u) = self.up_lines() {
                        u.log_entries.push(line);
                    }
                    let v = self.log_entry()?;
                    up.log_entries.push(v);
                }
                (Ns::Ar, "MeterReading") => {
                    let line = self.line();
                    if let Some(u) = self.up_lines() {
                        u.meter_readings.push(MeterReadingLines {
                            line,
                            ..MeterReadingLines::default()
                        });
                    }
                    let v = self.meter_reading()?;
                    up.meter_readings.push(v);
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(up)
    }

    /// `Customer`/`InvoicingParty`: a container of one required string.
    fn single_string_container(
        &mut self,
        parent: &'static str,
        element: &'static str,
    ) -> Result<String, ReadError> {
        let mut v = None;
        while let Some((ns, name)) = self.child(parent)? {
            if ns == Ns::Ar && name == element {
                let s = self.string(&name)?;
                self.put(&mut v, s, element, parent)?;
            } else {
                self.skip(&name)?;
            }
        }
        self.required(v, element, parent)
    }

    fn smgw(&mut self) -> Result<Smgw, ReadError> {
        const P: &str = "SMGW";
        let mut cert_ids = Vec::new();
        let mut smgw_id = None;
        let mut manufacturer = None;
        let mut firmware_version = None;
        let mut firmware_components = Vec::new();
        let mut system_time = None;
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "certId") => cert_ids.push(self.num(&name, "an unsigned byte")?),
                (Ns::Ar, "smgwId") => {
                    let v = self.string(&name)?;
                    self.put(&mut smgw_id, v, "smgwId", P)?;
                }
                (Ns::Ar, "Manufacturer") => {
                    let v = self.string(&name)?;
                    self.put(&mut manufacturer, v, "Manufacturer", P)?;
                }
                (Ns::Ar, "FirmwareVersion") => {
                    let v = self.string(&name)?;
                    self.put(&mut firmware_version, v, "FirmwareVersion", P)?;
                }
                (Ns::Ar, "FirmwareComponent") => {
                    let mut fc_name = None;
                    let mut version = None;
                    let mut checksum = None;
                    while let Some((ns2, n2)) = self.child("FirmwareComponent")? {
                        match (ns2, n2.as_str()) {
                            (Ns::Ar, "name") => {
                                let v = self.string(&n2)?;
                                self.put(&mut fc_name, v, "name", "FirmwareComponent")?;
                            }
                            (Ns::Ar, "version") => {
                                let v = self.string(&n2)?;
                                self.put(&mut version, v, "version", "FirmwareComponent")?;
                            }
                            (Ns::Ar, "checksum") => {
                                let v = self.string(&n2)?;
                                self.put(&mut checksum, v, "checksum", "FirmwareComponent")?;
                            }
                            _ => self.skip(&n2)?,
                        }
                    }
                    let name = self.required(fc_name, "name", "FirmwareComponent")?;
                    firmware_components.push(FirmwareComponent {
                        name,
                        version,
                        checksum,
                    });
                }
                (Ns::Ar, "SystemTime") => {
                    let v = self.time(&name)?;
                    self.put(&mut system_time, v, "SystemTime", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        let smgw_id = self.required(smgw_id, "smgwId", P)?;
        Ok(Smgw {
            cert_ids,
            smgw_id,
            manufacturer,
            firmware_version,
            firmware_components,
            system_time,
        })
    }

    fn certificate(&mut self) -> Result<Certificate, ReadError> {
        const P: &str = "Certificate";
        let mut cert_id = None;
        let mut cert_type = None;
        let mut parent = None;
        let mut content = None;
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "certId") => {
                    let v = self.num(&name, "an unsigned byte")?;
                    self.put(&mut cert_id, v, "certId", P)?;
                }
                (Ns::Ar, "certType") => {
                    let v = self.num(&name, "an unsigned byte")?;
                    self.put(&mut cert_type, v, "certType", P)?;
                }
                (Ns::Ar, "parentCertId") => {
                    let v = self.num(&name, "an unsigned byte")?;
                    self.put(&mut parent, v, "parentCertId", P)?;
                }
                (Ns::Ar, "certContent") => {
                    let v = self.hex(&name)?;
                    self.put(&mut content, v, "certContent", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(Certificate {
            cert_id: self.required(cert_id, "certId", P)?,
            cert_type: self.required(cert_type, "certType", P)?,
            parent_cert_id: parent,
            content: self.required(content, "certContent", P)?,
        })
    }

    fn interval(&mut self, parent: &'static str) -> Result<TimeInterval, ReadError> {
        let mut iv = TimeInterval::default();
        while let Some((ns, name)) = self.child(parent)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "duration") => {
                    let v = self.num(&name, "an unsigned 32-bit integer (seconds)")?;
                    self.put(&mut iv.duration, v, "duration", parent)?;
                }
                (Ns::Ar, "start") => {
                    let v = self.time(&name)?;
                    self.put(&mut iv.start, v, "start", parent)?;
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(iv)
    }

    fn analysis_profile(&mut self) -> Result<AnalysisProfile, ReadError> {
        const P: &str = "AnalysisProfile";
        let mut use_case = None;
        let mut tariff_id = None;
        let mut description = None;
        let mut billing_period = None;
        let mut stages = Vec::new();
        let mut default_tariff = None;
        let mut day_profiles = Vec::new();
        let mut special_days = Vec::new();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "tariffUseCase") => {
                    let v = self.num(&name, "an unsigned 16-bit integer")?;
                    self.put(&mut use_case, v, "tariffUseCase", P)?;
                }
                (Ns::Ar, "tariffId") => {
                    let v = self.string(&name)?;
                    self.put(&mut tariff_id, v, "tariffId", P)?;
                }
                (Ns::Ar, "description") => {
                    let v = self.string(&name)?;
                    self.put(&mut description, v, "description", P)?;
                }
                (Ns::Ar, "billingPeriod") => {
                    let v = self.interval("billingPeriod")?;
                    self.put(&mut billing_period, v, "billingPeriod", P)?;
                }
                (Ns::Ar, "TariffStage") => {
                    let line = self.line();
                    if let Some(u) = self.up_lines() {
                        u.tariff_stages.push(line);
                    }
                    stages.push(self.tariff_stage()?);
                }
                (Ns::Ar, "defaultTariffNumber") => {
                    let v = self.num(&name, "an unsigned 16-bit integer")?;
                    self.put(&mut default_tariff, v, "defaultTariffNumber", P)?;
                }
                (Ns::Ar, "TariffChangeTrigger") => {
                    while let Some((ns2, n2)) = self.child("TariffChangeTrigger")? {
                        if ns2 == Ns::Ar && n2 == "TimeTrigger" {
                            self.time_trigger(&mut day_profiles, &mut special_days)?;
                        } else {
                            self.skip(&n2)?;
                        }
                    }
                }
                _ => self.skip(&name)?,
            }
        }
        if stages.is_empty() {
            self.required(None::<()>, "TariffStage", P)?;
        }
        Ok(AnalysisProfile {
            tariff_use_case: self.required(use_case, "tariffUseCase", P)?,
            tariff_id: self.required(tariff_id, "tariffId", P)?,
            description,
            billing_period: self.required(billing_period, "billingPeriod", P)?,
            tariff_stages: stages,
            default_tariff_number: self.required(default_tariff, "defaultTariffNumber", P)?,
            day_profiles,
            special_day_profiles: special_days,
        })
    }

    fn tariff_stage(&mut self) -> Result<TariffStage, ReadError> {
        const P: &str = "TariffStage";
        let mut number = None;
        let mut description = None;
        let mut obis = None;
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "tariffNumber") => {
                    let v = self.num(&name, "an unsigned 16-bit integer")?;
                    self.put(&mut number, v, "tariffNumber", P)?;
                }
                (Ns::Ar, "description") => {
                    let v = self.string(&name)?;
                    self.put(&mut description, v, "description", P)?;
                }
                (Ns::Ar, "obisCode") => {
                    let v = self.string(&name)?;
                    self.put(&mut obis, v, "obisCode", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(TariffStage {
            tariff_number: self.required(number, "tariffNumber", P)?,
            description,
            obis: self.required(obis, "obisCode", P)?,
        })
    }

    fn time_trigger(
        &mut self,
        day_profiles: &mut Vec<DayProfile>,
        special_days: &mut Vec<SpecialDayProfile>,
    ) -> Result<(), ReadError> {
        const P: &str = "TimeTrigger";
        let mut any_day_profile = false;
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "DayProfile") => {
                    any_day_profile = true;
                    let line = self.line();
                    if let Some(u) = self.up_lines() {
                        u.day_profiles.push(line);
                    }
                    day_profiles.push(self.day_profile()?);
                }
                (Ns::Ar, "SpecialDayProfile") => {
                    let line = self.line();
                    if let Some(u) = self.up_lines() {
                        u.special_day_profiles.push(line);
                    }
                    special_days.push(self.special_day()?);
                }
                _ => self.skip(&name)?,
            }
        }
        if !any_day_profile {
            self.required(None::<()>, "DayProfile", P)?;
        }
        Ok(())
    }

    fn day_profile(&mut self) -> Result<DayProfile, ReadError> {
        const P: &str = "DayProfile";
        let mut day_ids = Vec::new();
        let mut entries = Vec::new();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "dayId") => day_ids.push(self.string(&name)?),
                (Ns::Ar, "DayTimeProfile") => entries.push(self.day_time_profile()?),
                _ => self.skip(&name)?,
            }
        }
        if day_ids.is_empty() {
            self.required(None::<()>, "dayId", P)?;
        }
        if entries.is_empty() {
            self.required(None::<()>, "DayTimeProfile", P)?;
        }
        Ok(DayProfile { day_ids, entries })
    }

    fn day_time_profile(&mut self) -> Result<DayTimeProfile, ReadError> {
        const P: &str = "DayTimeProfile";
        let mut start = None;
        let mut tariff = None;
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "startTime") => {
                    let mut hms: [Option<u8>; 3] = [None; 3];
                    while let Some((ns2, n2)) = self.child("startTime")? {
                        let idx = match (ns2, n2.as_str()) {
                            (Ns::Ar, "hour") => Some((0, "hour")),
                            (Ns::Ar, "minute") => Some((1, "minute")),
                            (Ns::Ar, "second") => Some((2, "second")),
                            _ => None,
                        };
                        match idx {
                            Some((i, label)) => {
                                let v = self.num(&n2, "an unsigned byte")?;
                                if let Some(slot) = hms.get_mut(i) {
                                    self.put(slot, v, label, "startTime")?;
                                }
                            }
                            None => self.skip(&n2)?,
                        }
                    }
                    self.put(&mut start, hms, "startTime", P)?;
                }
                (Ns::Ar, "tariffNumber") => {
                    let v = self.num(&name, "an unsigned 16-bit integer")?;
                    self.put(&mut tariff, v, "tariffNumber", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        let start = self.required(start, "startTime", P)?;
        Ok(DayTimeProfile {
            hour: start[0].unwrap_or(0),
            minute: start[1].unwrap_or(0),
            second: start[2].unwrap_or(0),
            tariff_number: self.required(tariff, "tariffNumber", P)?,
        })
    }

    fn special_day(&mut self) -> Result<SpecialDayProfile, ReadError> {
        const P: &str = "SpecialDayProfile";
        let mut date = None;
        let mut day_id = None;
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "specialDayDate") => {
                    let mut d = DayVar::default();
                    while let Some((ns2, n2)) = self.child("specialDayDate")? {
                        match (ns2, n2.as_str()) {
                            (Ns::Ar, "year") => {
                                let v = self.num(&n2, "an unsigned 16-bit integer")?;
                                self.put(&mut d.year, v, "year", "specialDayDate")?;
                            }
                            (Ns::Ar, "month") => {
                                let v = self.num(&n2, "an unsigned byte")?;
                                self.put(&mut d.month, v, "month", "specialDayDate")?;
                            }
                            (Ns::Ar, "day_of_week") => {
                                let v = self.num(&n2, "an unsigned byte")?;
                                self.put(&mut d.day_of_week, v, "day_of_week", "specialDayDate")?;
                            }
                            (Ns::Ar, "day_of_month") => {
                                let v = self.num(&n2, "an unsigned byte")?;
                                self.put(&mut d.day_of_month, v, "day_of_month", "specialDayDate")?;
                            }
                            _ => self.skip(&n2)?,
                        }
                    }
                    self.put(&mut date, d, "specialDayDate", P)?;
                }
                (Ns::Ar, "dayId") => {
                    let v = self.string(&name)?;
                    self.put(&mut day_id, v, "dayId", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(SpecialDayProfile {
            date: self.required(date, "specialDayDate", P)?,
            day_id: self.required(day_id, "dayId", P)?,
        })
    }

    fn log_entry(&mut self) -> Result<LogEntry, ReadError> {
        const P: &str = "LogEntry";
        let mut e = LogEntry::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "parentRecordNumber") => {
                    let v = self.num(&name, "an unsigned 32-bit integer")?;
                    self.put(&mut e.parent_record_number, v, "parentRecordNumber", P)?;
                }
                (Ns::Ar, "recordNumber") => {
                    let v = self.num(&name, "an unsigned 32-bit integer")?;
                    self.put(&mut e.record_number, v, "recordNumber", P)?;
                }
                (Ns::Ar, "repetitionCounter") => {
                    let v = self.num(&name, "an unsigned 32-bit integer")?;
                    self.put(&mut e.repetition_counter, v, "repetitionCounter", P)?;
                }
                (Ns::Ar, "LogEvent") => {
                    let ev = self.log_event()?;
                    e.events.push(ev);
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(e)
    }

    fn log_event(&mut self) -> Result<LogEvent, ReadError> {
        const P: &str = "LogEvent";
        let mut e = LogEvent::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "evidence") => {
                    let v = self.hex(&name)?;
                    self.put(&mut e.evidence, v, "evidence", P)?;
                }
                (Ns::Ar, "level") => {
                    let v = self.num(&name, "an unsigned byte")?;
                    self.put(&mut e.level, v, "level", P)?;
                }
                (Ns::Ar, "messageExtensions") => {
                    let v = self.text(&name)?;
                    self.put(&mut e.message_extensions, v, "messageExtensions", P)?;
                }
                (Ns::Ar, "text") => {
                    // Log texts keep their exact content (no trimming).
                    let v = self.text(&name)?;
                    self.put(&mut e.text, v, "text", P)?;
                }
                (Ns::Ar, "outcome") => {
                    let v = self.num(&name, "an unsigned byte")?;
                    self.put(&mut e.outcome, v, "outcome", P)?;
                }
                (Ns::Ar, "secondsIndex") => {
                    let v = self.num(&name, "an unsigned 32-bit integer")?;
                    self.put(&mut e.seconds_index, v, "secondsIndex", P)?;
                }
                (Ns::Ar, "subjectIdentity") => {
                    let v = self.string(&name)?;
                    self.put(&mut e.subject_identity, v, "subjectIdentity", P)?;
                }
                (Ns::Ar, "timestamp") => {
                    let v = self.time(&name)?;
                    self.put(&mut e.timestamp, v, "timestamp", P)?;
                }
                (Ns::Ar, "destination") => {
                    let v = self.string(&name)?;
                    self.put(&mut e.destination, v, "destination", P)?;
                }
                (Ns::Ar, "userIdentity") => {
                    let v = self.string(&name)?;
                    self.put(&mut e.user_identity, v, "userIdentity", P)?;
                }
                (Ns::Ar, "eventKindVendor") => {
                    let v = self.string(&name)?;
                    self.put(&mut e.event_kind_vendor, v, "eventKindVendor", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(e)
    }

    fn meter_reading(&mut self) -> Result<MeterReading, ReadError> {
        const P: &str = "MeterReading";
        let mut m = MeterReading::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "Meter") => {
                    let mut id = None;
                    while let Some((ns2, n2)) = self.child("Meter")? {
                        if ns2 == Ns::Ar && n2 == "meterId" {
                            let v = self.string(&n2)?;
                            self.put(&mut id, v, "meterId", "Meter")?;
                        } else {
                            self.skip(&n2)?;
                        }
                    }
                    let id = self.required(id, "meterId", "Meter")?;
                    let mut slot = m.meter_id.take();
                    self.put(&mut slot, id, "Meter", P)?;
                    m.meter_id = slot;
                }
                (Ns::Ar, "meterReadingId") => {
                    let v = self.string(&name)?;
                    let mut slot = m.meter_reading_id.take();
                    self.put(&mut slot, v, "meterReadingId", P)?;
                    m.meter_reading_id = slot;
                }
                (Ns::Ar, "ReadingType") => {
                    let v = self.reading_type()?;
                    let mut slot = m.reading_type.take();
                    self.put(&mut slot, v, "ReadingType", P)?;
                    m.reading_type = slot;
                }
                (Ns::Ar, "IntervalBlock") => {
                    let line = self.line();
                    if let Some(m) = self.mr_lines() {
                        m.interval_blocks.push(line);
                    }
                    let b = self.interval_block()?;
                    m.interval_blocks.push(b);
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(m)
    }

    fn reading_type(&mut self) -> Result<ReadingType, ReadError> {
        const P: &str = "ReadingType";
        let mut t = ReadingType::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Espi, "powerOfTenMultiplier") => {
                    let v = self.num(&name, "a signed 16-bit integer")?;
                    self.put(&mut t.power_of_ten_multiplier, v, "powerOfTenMultiplier", P)?;
                }
                (Ns::Espi, "uom") => {
                    let v = self.num(&name, "an unsigned 16-bit integer")?;
                    self.put(&mut t.uom, v, "uom", P)?;
                }
                (Ns::Ar, "scaler") => {
                    let v = self.num(&name, "a signed 16-bit integer")?;
                    self.put(&mut t.scaler, v, "scaler", P)?;
                }
                (Ns::Ar, "obisCode") => {
                    let v = self.string(&name)?;
                    self.put(&mut t.obis, v, "obisCode", P)?;
                }
                (Ns::Ar, "qualifiedLogicalName") => {
                    let v = self.string(&name)?;
                    self.put(&mut t.qualified_logical_name, v, "qualifiedLogicalName", P)?;
                }
                (Ns::Ar, "measurementPeriod") => {
                    let v = self.num(&name, "an unsigned 32-bit integer (seconds)")?;
                    self.put(&mut t.measurement_period, v, "measurementPeriod", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(t)
    }

    fn interval_block(&mut self) -> Result<IntervalBlock, ReadError> {
        const P: &str = "IntervalBlock";
        let mut b = IntervalBlock::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Ar, "interval") => {
                    let v = self.interval("interval")?;
                    self.put(&mut b.interval, v, "interval", P)?;
                }
                (Ns::Ar, "IntervalReading") => {
                    let line = self.line();
                    if let Some(m) = self.mr_lines() {
                        m.readings.push(line);
                    }
                    let r = self.interval_reading()?;
                    b.readings.push(r);
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(b)
    }

    fn interval_reading(&mut self) -> Result<IntervalReading, ReadError> {
        const P: &str = "IntervalReading";
        let mut r = IntervalReading::default();
        while let Some((ns, name)) = self.child(P)? {
            match (ns, name.as_str()) {
                (Ns::Espi, "value") => {
                    let v = self.num(&name, "an integer")?;
                    self.put(&mut r.value, v, "value", P)?;
                }
                (Ns::Ar, "timePeriod") => {
                    let v = self.interval("timePeriod")?;
                    self.put(&mut r.time_period, v, "timePeriod", P)?;
                }
                (Ns::Ar, "targetTime") => {
                    let v = self.time(&name)?;
                    self.put(&mut r.target_time, v, "targetTime", P)?;
                }
                (Ns::Ar, "measurementTimeMeter") => {
                    let v = self.time(&name)?;
                    self.put(&mut r.measurement_time_meter, v, "measurementTimeMeter", P)?;
                }
                (Ns::Ar, "certId") => {
                    let v = self.num(&name, "an unsigned byte")?;
                    self.put(&mut r.cert_id, v, "certId", P)?;
                }
                (Ns::Ar, "meterSig") => {
                    let v = self.hex(&name)?;
                    self.put(&mut r.meter_signature, v, "meterSig", P)?;
                }
                (Ns::Ar, "signature") => {
                    let v = self.hex(&name)?;
                    self.put(&mut r.signature, v, "signature", P)?;
                }
                (Ns::Ar, "statusFNN") => {
                    let v = self.string(&name)?;
                    self.put(&mut r.status_fnn, v, "statusFNN", P)?;
                }
                (Ns::Ar, "statusPTB") => {
                    let v = self.num(&name, "an unsigned byte")?;
                    self.put(&mut r.status_ptb, v, "statusPTB", P)?;
                }
                (Ns::Ar, "statusVendor") => {
                    let v = self.string(&name)?;
                    self.put(&mut r.status_vendor, v, "statusVendor", P)?;
                }
                _ => self.skip(&name)?,
            }
        }
        Ok(r)
    }
}

/// Parses an `xs:dateTime`. Times without a zone designator (allowed by the XSD, never
/// written by gateways) are taken as German legal time, the zone every SMGW works in.
pub fn parse_xs_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    let local = chrono_tz::Europe::Berlin
        .from_local_datetime(&naive)
        .earliest()?;
    Some(local.fixed_offset())
}
