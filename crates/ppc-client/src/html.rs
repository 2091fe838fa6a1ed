//! The PPC web application's HTML pages, sans IO: a tolerant token walk (quick-xml's
//! reader with HTML attribute rules and unchecked end tags), then the few things Durchblick
//! needs from each page.
//!
//! Nothing here panics on odd markup: scripts and styles are cut out first (their `<` would
//! read as tags), unknown entities stay as text, and a reader error ends the walk with what
//! was read so far.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One token of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open {
        name: String,
        attrs: Vec<(String, String)>,
    },
    Close(String),
    Text(String),
}

/// A parsed page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    toks: Vec<Tok>,
    /// The markup could not be read to its end (the rest is missing).
    pub truncated: bool,
}

/// Decodes the HTML entities this web application uses (and numeric ones); unknown ones
/// stay as written.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after.find(';').filter(|&n| n <= 10) {
            Some(n) => {
                let name = &after[..n];
                match entity(name) {
                    Some(c) => {
                        out.push(c);
                        rest = &after[n + 1..];
                    }
                    None => {
                        out.push('&');
                        rest = after;
                    }
                }
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Unescapes until nothing changes (entities escaped twice, as on the refusal page).
pub fn unescape_fully(s: &str) -> String {
    let mut cur = s.to_owned();
    for _ in 0..4 {
        let next = unescape(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(h) => u32::from_str_radix(h, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "euro" => '€',
        "deg" => '°',
        _ => return None,
    })
}

/// Cuts `<script>…</script>` and `<style>…</style>` out (case-insensitive).
fn strip_raw_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    loop {
        let next = ["<script", "<style"]
            .iter()
            .filter_map(|t| lower[pos..].find(t).map(|i| (pos + i, *t)))
            .min_by_key(|(i, _)| *i);
        let Some((start, tag)) = next else {
            out.push_str(&html[pos..]);
            break;
        };
        out.push_str(&html[pos..start]);
        let close = format!("</{}", &tag[1..]);
        match lower[start..].find(&close) {
            Some(i) => {
                let end = start + i;
                pos = lower[end..].find('>').map_or(html.len(), |j| end + j + 1);
            }
            None => break,
        }
    }
    out
}

impl Page {
    /// Reads a page (any bytes; invalid UTF-8 is replaced).
    pub fn parse(bytes: &[u8]) -> Page {
        let text = strip_raw_text(&String::from_utf8_lossy(bytes));
        let mut reader = Reader::from_str(&text);
        {
            let c = reader.config_mut();
            c.check_end_names = false;
            c.allow_unmatched_ends = true;
            c.check_comments = false;
            c.trim_text(false);
        }
        let mut page = Page::default();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).to_ascii_lowercase();
                    let attrs = e
                        .html_attributes()
                        .flatten()
                        .map(|a| {
                            (
                                String::from_utf8_lossy(a.key.as_ref()).to_ascii_lowercase(),
                                unescape(&String::from_utf8_lossy(&a.value)),
                            )
                        })
                        .collect();
                    page.toks.push(Tok::Open { name, attrs });
                }
                Ok(Event::End(e)) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).to_ascii_lowercase();
                    page.toks.push(Tok::Close(name));
                }
                Ok(Event::Text(t)) => {
                    let s = unescape(&String::from_utf8_lossy(t.as_ref()));
                    page.push_text(s);
                }
                Ok(Event::CData(t)) => {
                    let s = String::from_utf8_lossy(t.as_ref()).into_owned();
                    page.push_text(s);
                }
                Ok(Event::GeneralRef(r)) => {
                    let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                    let s = match entity(&name) {
                        Some(c) => c.to_string(),
                        None => format!("&{name};"),
                    };
                    page.push_text(s);
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(_) => {
                    page.truncated = true;
                    break;
                }
            }
        }
        page
    }

    fn push_text(&mut self, s: String) {
        if let Some(Tok::Text(prev)) = self.toks.last_mut() {
            prev.push_str(&s);
        } else {
            self.toks.push(Tok::Text(s));
        }
    }

    /// All text of the page, whitespace collapsed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for t in &self.toks {
            if let Tok::Text(s) = t {
                out.push_str(s);
                out.push(' ');
            }
        }
        collapse(&out)
    }

    fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
        attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first `input` named `name`.
    pub fn input_value(&self, name: &str) -> Option<String> {
        self.toks.iter().find_map(|t| match t {
            Tok::Open { name: n, attrs } if n == "input" => (Self::attr(attrs, "name")
                == Some(name))
            .then(|| Self::attr(attrs, "value").unwrap_or_default().to_owned()),
            _ => None,
        })
    }

    /// The CSRF token `tkn`, if the page carries one.
    pub fn token(&self) -> Option<String> {
        self.input_value("tkn").filter(|t| !t.is_empty())
    }

    fn index_of_id(&self, id: &str) -> Option<usize> {
        self.toks.iter().position(|t| match t {
            Tok::Open { attrs, .. } => Self::attr(attrs, "id") == Some(id),
            _ => false,
        })
    }

    /// Whether an element with this id exists.
    pub fn has_id(&self, id: &str) -> bool {
        self.index_of_id(id).is_some()
    }

    /// The text inside the element with this id (up to its end tag).
    pub fn text_of_id(&self, id: &str) -> Option<String> {
        let start = self.index_of_id(id)?;
        let Some(Tok::Open { name, .. }) = self.toks.get(start) else {
            return None;
        };
        let mut depth = 0usize;
        let mut out = String::new();
        for t in self.toks.iter().skip(start + 1) {
            match t {
                Tok::Open { name: n, .. } if n == name => depth += 1,
                Tok::Close(n) if n == name => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Tok::Text(s) => out.push_str(s),
                _ => {}
            }
        }
        Some(collapse(&out))
    }

    /// The options (value, text) of the `select` with this id.
    pub fn select_options(&self, id: &str) -> Vec<(String, String)> {
        let Some(start) = self.index_of_id(id) else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = Vec::new();
        let mut current: Option<(String, String)> = None;
        for t in self.toks.iter().skip(start + 1) {
            match t {
                Tok::Open { name, attrs } if name == "option" => {
                    if let Some(o) = current.take() {
                        out.push(o);
                    }
                    current = Some((
                        Self::attr(attrs, "value").unwrap_or_default().to_owned(),
                        String::new(),
                    ));
                }
                Tok::Text(s) => {
                    if let Some((_, text)) = current.as_mut() {
                        text.push_str(s);
                    }
                }
                Tok::Close(n) if n == "option" => {
                    if let Some(o) = current.take() {
                        out.push(o);
                    }
                }
                Tok::Close(n) if n == "select" => break,
                _ => {}
            }
        }
        if let Some(o) = current.take() {
            out.push(o);
        }
        out.into_iter()
            .map(|(v, t)| (v.trim().to_owned(), collapse(&t)))
            .collect()
    }

    /// The rows of the page's tables: each cell as (class or id, text).
    pub fn rows(&self) -> Vec<Vec<(String, String)>> {
        let mut rows = Vec::new();
        let mut row: Option<Vec<(String, String)>> = None;
        let mut cell: Option<(String, String)> = None;
        for t in &self.toks {
            match t {
                Tok::Open { name, .. } if name == "tr" => {
                    if let Some(c) = cell.take() {
                        row.get_or_insert_with(Vec::new).push(c);
                    }
                    if let Some(r) = row.take() {
                        rows.push(r);
                    }
                    row = Some(Vec::new());
                }
                Tok::Open { name, attrs } if name == "td" || name == "th" => {
                    if let Some(c) = cell.take() {
                        row.get_or_insert_with(Vec::new).push(c);
                    }
                    let key = Self::attr(attrs, "class")
                        .or(Self::attr(attrs, "id"))
                        .unwrap_or(if name == "th" { "th" } else { "" })
                        .to_owned();
                    cell = Some((key, String::new()));
                }
                Tok::Text(s) => {
                    if let Some((_, text)) = cell.as_mut() {
                        text.push_str(s);
                    }
                }
                Tok::Close(n) if n == "td" || n == "th" => {
                    if let Some(c) = cell.take() {
                        row.get_or_insert_with(Vec::new).push(c);
                    }
                }
                Tok::Close(n) if n == "tr" || n == "table" => {
                    if let Some(c) = cell.take() {
                        row.get_or_insert_with(Vec::new).push(c);
                    }
                    if let Some(r) = row.take() {
                        rows.push(r);
                    }
                }
                _ => {}
            }
        }
        if let Some(c) = cell.take() {
            row.get_or_insert_with(Vec::new).push(c);
        }
        if let Some(r) = row.take() {
            rows.push(r);
        }
        rows.into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| r.into_iter().map(|(k, v)| (k, collapse(&v))).collect())
            .collect()
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a page says about the session, if it is broken.
pub fn session_problem(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    [
        ("invalide session", "Invalide Session"),
        ("sitzung abgelaufen", "Sitzung abgelaufen"),
        ("unerlaubter zugriff", "Unerlaubter Zugriff"),
    ]
    .into_iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, said)| said)
}

/// Whether a page says the login is locked.
pub fn is_lockout(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("gesperrt") || lower.contains("locked")
}

/// The welcome page after login.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Welcome {
    /// Whether it is the welcome page (`h1#headline_willkommen`).
    pub is_welcome: bool,
    /// Firmware from `p#div_fwversion`, e.g. `00861-34788`.
    pub firmware: Option<String>,
    /// Last synchronisation text from `div_timestamp`.
    pub last_sync: Option<String>,
    /// A gateway id (`E` + maker + number) found on the page.
    pub smgw_id: Option<String>,
    /// The CSRF token.
    pub token: Option<String>,
}

/// Reads the welcome page.
pub fn welcome(page: &Page) -> Welcome {
    Welcome {
        is_welcome: page.has_id("headline_willkommen"),
        firmware: page.text_of_id("div_fwversion").filter(|s| !s.is_empty()),
        last_sync: page.text_of_id("div_timestamp").filter(|s| !s.is_empty()),
        smgw_id: find_smgw_id(&page.text()),
        token: page.token(),
    }
}

/// The first local date and time in `text`: `YYYY-MM-DD HH:MM[:SS]` (also with `T`) or
/// `DD.MM.YYYY HH:MM[:SS]`, as the welcome page's "Letzte Synchronisation" shows it.
pub fn local_time_in(text: &str) -> Option<chrono::NaiveDateTime> {
    use chrono::NaiveDateTime;
    let chars: Vec<char> = text.chars().collect();
    let formats = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%d.%m.%Y %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%d.%m.%Y %H:%M",
    ];
    let mut previous_is_digit = false;
    for (start, c) in chars.iter().enumerate() {
        let starts_number = c.is_ascii_digit() && !previous_is_digit;
        previous_is_digit = c.is_ascii_digit();
        if !starts_number {
            continue;
        }
        for len in [19usize, 16] {
            let Some(slice) = chars.get(start..start + len) else {
                continue;
            };
            let candidate: String = slice.iter().collect();
            if let Some(t) = formats
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(&candidate, f).ok())
            {
                return Some(t);
            }
        }
    }
    None
}

/// A DIN 43863-5 gateway id in text: `E`, a digit, three letters, then digits (14
/// characters), e.g. `EPPC0210486901` is `E` + `PPC` + … in the short form some pages use.
fn find_smgw_id(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| {
            let b = w.as_bytes();
            b.len() == 14
                && matches!(b.first(), Some(b'E' | b'e'))
                && b.get(1..4)
                    .is_some_and(|m| m.iter().all(u8::is_ascii_alphabetic))
                && b.get(4..).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        })
        .map(str::to_owned)
}

/// The meters of `meterform`: (per-session `mid`, stable name).
pub fn meters(page: &Page) -> Vec<(String, String)> {
    page.select_options("meterform_select_meter")
        .into_iter()
        .filter(|(mid, name)| !mid.is_empty() && !name.is_empty())
        .collect()
}

/// One row of `table#metervalue`, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueRow {
    /// `YYYY-MM-DD HH:MM:SS` local time (empty in an export row of a pair).
    pub timestamp: String,
    /// OBIS as text, e.g. `1-0:1.8.0`.
    pub obis: String,
    /// The scaled value as text.
    pub value: String,
    /// The unit, e.g. `kWh`.
    pub unit: String,
    /// `istvalide`.
    pub valid: String,
    /// The meter's name.
    pub name: String,
    /// The signature (hex), if any.
    pub sign: String,
}

/// The value table of `showMeterValues` / `showMeterProfile`, and whether a next page exists.
pub fn value_rows(page: &Page) -> (Vec<ValueRow>, bool) {
    let mut out = Vec::new();
    for row in page.rows() {
        let mut v = ValueRow::default();
        let mut seen = false;
        for (key, text) in row {
            let col = key
                .split_whitespace()
                .find_map(|k| k.strip_prefix("table_metervalues_col_"))
                .map(str::to_owned);
            let Some(col) = col else { continue };
            seen = true;
            match col.as_str() {
                "timestamp" => v.timestamp = text,
                "obis" => v.obis = text,
                "wert" => v.value = text,
                "einheit" => v.unit = text,
                "istvalide" => v.valid = text,
                "name" => v.name = text,
                "sign" => v.sign = text,
                _ => {}
            }
        }
        if seen {
            out.push(v);
        }
    }
    (out, page.has_id("table_metervalues_button_nextpage"))
}

/// Firmware components of `swversions`: (component, version, checksum).
pub fn sw_versions(page: &Page) -> Vec<(String, String, String)> {
    page.rows()
        .into_iter()
        .filter(|r| r.iter().all(|(k, _)| k != "th"))
        .filter(|r| r.len() >= 2)
        .map(|r| {
            let get = |i: usize| r.get(i).map(|(_, t)| t.clone()).unwrap_or_default();
            (get(0), get(1), get(2))
        })
        .filter(|(c, v, _)| !c.is_empty() && !v.is_empty())
        .collect()
}

/// What `exportLogData` answered instead of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogRefusal {
    /// "Die Abfrage liefert N Datensätze zurück. Es sind nur M erlaubt."
    TooMany {
        /// Entries in the range.
        found: u64,
        /// Entries allowed per request.
        allowed: u64,
    },
    /// "Keine Daten vorhanden."
    NoData,
    /// "Ungültige Zeitangabe …"
    BadTime(String),
}

/// Reads the page `exportLogData` answers when it sends no file.
pub fn log_refusal(page: &Page) -> Option<LogRefusal> {
    let text = unescape_fully(&page.text());
    let lower = text.to_lowercase();
    if let Some(at) = lower.find("die abfrage liefert") {
        let numbers: Vec<u64> = text[at..]
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .take(2)
            .filter_map(|s| s.parse().ok())
            .collect();
        if let [found, allowed] = numbers[..] {
            return Some(LogRefusal::TooMany { found, allowed });
        }
    }
    if lower.contains("keine daten vorhanden") {
        return Some(LogRefusal::NoData);
    }
    if lower.contains("ungültige zeitangabe") {
        return Some(LogRefusal::BadTime(text));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const WELCOME: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
<script>function f(a){ if (a < 1 && a > 0) { return; } }</script></head><body>
<form id='form_nav' method='post'><input type='hidden' name='tkn' value='abc&amp;123'></form>
<h1 id="headline_willkommen">Willkommen</h1><p id="div_smgwid">Gateway: EPPC0210486901</p>
<p id="div_fwversion"> 00861-34788 </p><div id="div_timestamp">Letzte&nbsp;Synchronisation: 2026-11-20 09:50:00</div>
<br><input type=checkbox checked></body></html>"#;

    #[test]
    fn welcome_page_with_single_quotes_script_and_void_elements() {
        let w = welcome(&Page::parse(WELCOME.as_bytes()));
        assert!(w.is_welcome);
        assert_eq!(w.token.as_deref(), Some("abc&123"));
        assert_eq!(w.firmware.as_deref(), Some("00861-34788"));
        assert_eq!(
            w.last_sync.as_deref(),
            Some("Letzte Synchronisation: 2026-11-20 09:50:00")
        );
        assert_eq!(w.smgw_id.as_deref(), Some("EPPC0210486901"));
        let t = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok();
        assert_eq!(
            w.last_sync.as_deref().and_then(local_time_in),
            t("2026-11-20 09:50:00")
        );
        assert_eq!(
            local_time_in("Letzte Synchronisation: 20.11.2026 09:50"),
            t("2026-11-20 09:50:00")
        );
        assert_eq!(
            local_time_in("Stand 2026-11-20T23:59:58 MEZ"),
            t("2026-11-20 23:59:58")
        );
        assert_eq!(local_time_in("noch nie"), None);
        assert_eq!(local_time_in("12026-13-40 25:00"), None);
    }

    #[test]
    fn token_in_double_quotes_and_meters() {
        let html = r#"<form><input type="hidden" name="tkn" value="x1"></form>
<select id="meterform_select_meter" name="mid"><option value="m1">01005e318002.1lgz0072999211.sm</option>
<option value='m2'>01005e318003.1emh0013572468.sm<option value="">leer</option></select>"#;
        let p = Page::parse(html.as_bytes());
        assert_eq!(p.token().as_deref(), Some("x1"));
        assert_eq!(
            meters(&p),
            vec![
                ("m1".to_owned(), "01005e318002.1lgz0072999211.sm".to_owned()),
                ("m2".to_owned(), "01005e318003.1emh0013572468.sm".to_owned()),
            ]
        );
    }

    #[test]
    fn value_table_pairs_and_next_page() {
        let html = r#"<table id="metervalue"><tr><th>Zeit</th></tr>
<tr id="table_metervalues_line1"><td class="table_metervalues_col_timestamp">2025-10-26 02:45:01</td><td class="table_metervalues_col_obis">1-0:1.8.0</td><td class="table_metervalues_col_wert">2345.6789</td><td class="table_metervalues_col_einheit">kWh</td><td class="table_metervalues_col_istvalide">1</td><td class="table_metervalues_col_name">n</td><td class="table_metervalues_col_sign"></td></tr>
<tr id="table_metervalues_line2"><td class="table_metervalues_col_timestamp"></td><td class="table_metervalues_col_obis">1-0:2.8.0</td><td class="table_metervalues_col_wert">0.0000</td><td class="table_metervalues_col_einheit">kWh</td><td class="table_metervalues_col_istvalide">0</td><td class="table_metervalues_col_name">n</td><td class="table_metervalues_col_sign">ab</td></tr>
</table><input type="submit" id="table_metervalues_button_nextpage" value="Weiter">"#;
        let (rows, next) = value_rows(&Page::parse(html.as_bytes()));
        assert!(next);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].timestamp, "2025-10-26 02:45:01");
        assert_eq!(rows[0].value, "2345.6789");
        assert_eq!(rows[1].timestamp, "");
        assert_eq!(rows[1].obis, "1-0:2.8.0");
        assert_eq!(rows[1].valid, "0");
        assert_eq!(rows[1].sign, "ab");
    }

    #[test]
    fn refusal_pages_once_and_twice_escaped() {
        let once = "<p>Die Abfrage liefert 2503 Datens&auml;tze zur&uuml;ck. Es sind nur 1000 erlaubt. Schr&auml;nken Sie die Abfrageparameter ein.</p>";
        let twice = once.replace('&', "&amp;");
        for page in [once.to_owned(), twice] {
            assert_eq!(
                log_refusal(&Page::parse(page.as_bytes())),
                Some(LogRefusal::TooMany {
                    found: 2503,
                    allowed: 1000
                }),
                "{page}"
            );
        }
        assert_eq!(
            log_refusal(&Page::parse(b"<p>Keine Daten vorhanden.</p>")),
            Some(LogRefusal::NoData)
        );
        assert!(matches!(
            log_refusal(&Page::parse(
                "<p>Ung&uuml;ltige Zeitangabe 'von (Datum)'</p>".as_bytes()
            )),
            Some(LogRefusal::BadTime(_))
        ));
        assert_eq!(log_refusal(&Page::parse(b"<p>Hallo</p>")), None);
    }

    #[test]
    fn session_problems_and_garbage() {
        for t in [
            "Invalide Session",
            "Ihre Sitzung abgelaufen",
            "UNERLAUBTER ZUGRIFF",
        ] {
            assert!(session_problem(t).is_some(), "{t}");
        }
        assert!(session_problem("Willkommen").is_none());
        // Garbage never panics.
        for junk in [
            &b"<<<>>>&&;;"[..],
            b"<td",
            b"\xff\xfe<a b='",
            b"</x></y><z>",
        ] {
            let p = Page::parse(junk);
            let _ = (p.text(), p.rows(), p.token(), value_rows(&p));
        }
        let p = Page::parse(b"<table id='table_swversions'><tr><th>K</th><th>V</th></tr><tr><td>smgw-services</td><td>00861-34788</td><td>abcd</td></tr></table>");
        assert_eq!(
            sw_versions(&p),
            vec![(
                "smgw-services".to_owned(),
                "00861-34788".to_owned(),
                "abcd".to_owned()
            )]
        );
    }
}
