//! CSV exports of the value lists and of the logbook (RFC 4180: CRLF line ends, fields
//! quoted when they contain the separator, a quote, CR or LF; quotes doubled).
//!
//! Two variants, see [`CsvVariant`]. Column lists are in `FORMATS.md`.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use smgw_model::pki::reading_signature_text;
use smgw_model::time::{format_berlin_rfc3339, format_german};
use smgw_model::{Lang, LogEntry, ScaledValue};

use crate::set::ExportSet;

/// The two CSV dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsvVariant {
    /// For German spreadsheets: `;` separator, decimal comma, local time
    /// `29.10.2017 02:45` (with `MESZ`/`MEZ` appended in the repeated autumn hour), German
    /// headers and status texts, and a UTF-8 byte order mark so that Excel reads the
    /// umlauts as UTF-8.
    German,
    /// For programs: `,` separator, decimal point, ISO 8601 local time with offset
    /// (`2017-10-29T02:45:00+02:00`), English headers and texts, no byte order mark.
    International,
}

impl CsvVariant {
    /// The field separator.
    pub fn separator(self) -> char {
        match self {
            CsvVariant::German => ';',
            CsvVariant::International => ',',
        }
    }

    /// The language of headers and texts.
    pub fn lang(self) -> Lang {
        match self {
            CsvVariant::German => Lang::De,
            CsvVariant::International => Lang::En,
        }
    }

    /// Whether the file starts with a UTF-8 byte order mark.
    pub fn writes_bom(self) -> bool {
        self == CsvVariant::German
    }

    /// A time as this variant writes it; always unambiguous.
    pub fn format_time(self, t: DateTime<Utc>) -> String {
        match self {
            CsvVariant::German => format_german(t),
            CsvVariant::International => format_berlin_rfc3339(t),
        }
    }

    /// An exact decimal as this variant writes it (no rounding, no thousands separators).
    pub fn format_value(self, v: ScaledValue) -> String {
        v.format_with(self.lang())
    }
}

/// Column headers of the value list CSV: (German, English).
pub const VALUE_COLUMNS: [(&str, &str); 21] = [
    ("Vertrag", "usage_point"),
    ("Messwertliste", "database"),
    ("Kanal", "channel"),
    ("OBIS", "obis"),
    ("Bezeichnung", "description"),
    ("Zähler", "meter"),
    ("Zeitpunkt", "target_time"),
    ("Erfassungszeit", "capture_time"),
    ("Wert", "value"),
    ("Einheit", "unit"),
    ("Rohwert", "raw"),
    ("Skalierung", "scaler"),
    ("PTB-Status", "ptb_status"),
    ("Status", "status_text"),
    ("SMGW-Status", "smgw_status"),
    ("Zählerstatus", "meter_status"),
    ("COSEM-Status", "cosem_status"),
    ("Herkunft", "owner"),
    ("Signatur", "signature"),
    // Added last so that the earlier columns keep their positions.
    ("Statusbits", "status_bits"),
    ("Signaturhinweis", "signature_note"),
];

/// Column headers of the logbook CSV: (German, English).
pub const LOG_COLUMNS: [(&str, &str); 12] = [
    ("Nr", "index"),
    ("Zeitpunkt", "time"),
    ("Stufe", "level"),
    ("Stufe (Text)", "level_text"),
    ("Ereignis", "event_id"),
    ("Unterereignis", "event_sub_id"),
    ("Ergebnis", "outcome"),
    ("Hersteller", "vendor_id"),
    ("Subjekt", "subject_identity"),
    ("Benutzer", "user_identity"),
    ("Meldung", "message"),
    ("Version", "version"),
];

struct Writer<W: Write> {
    out: io::BufWriter<W>,
    sep: char,
    fields: Vec<String>,
}

impl<W: Write> Writer<W> {
    fn new(out: W, variant: CsvVariant) -> io::Result<Writer<W>> {
        let mut out = io::BufWriter::new(out);
        if variant.writes_bom() {
            out.write_all("\u{feff}".as_bytes())?;
        }
        Ok(Writer {
            out,
            sep: variant.separator(),
            fields: Vec::with_capacity(VALUE_COLUMNS.len()),
        })
    }

    /// A cell this program wrote (numbers, times, its own words).
    fn field(&mut self, s: impl Into<String>) {
        self.fields.push(s.into());
    }

    /// A cell with text from a gateway or a file: never a formula when a spreadsheet opens it.
    fn text(&mut self, s: &str) {
        self.fields.push(defused(s));
    }

    fn end_row(&mut self) -> io::Result<()> {
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                write!(self.out, "{}", self.sep)?;
            }
            write_field(&mut self.out, f, self.sep)?;
        }
        self.out.write_all(b"\r\n")?;
        self.fields.clear();
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Text that a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading `'` (OWASP's rule for CSV injection); any
/// other text stays as it is.
fn defused(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn write_field(out: &mut impl Write, f: &str, sep: char) -> io::Result<()> {
    if f.contains([sep, '"', '\r', '\n']) {
        out.write_all(b"\"")?;
        out.write_all(f.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(f.as_bytes())
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Writes every reading of every value list of the set, one row per reading, after a
/// header row. Rows follow the set's order (contract, value list, reading).
pub fn write_values_csv(set: &ExportSet, variant: CsvVariant, out: impl Write) -> io::Result<()> {
    let lang = variant.lang();
    let mut w = Writer::new(out, variant)?;
    for (de, en) in VALUE_COLUMNS {
        w.field(lang.pick(de, en));
    }
    w.end_row()?;
    for c in &set.contracts {
        for vl in &c.value_lists {
            let meter = vl.meter_id().unwrap_or_default();
            let obis = vl.channel.obis.to_string();
            let description = vl.channel.obis.name(lang).unwrap_or_default();
            let unit = vl.channel.unit.symbol();
            for r in &vl.readings {
                w.text(&c.contract.usage_point_id);
                w.text(vl.database.wire_name());
                w.text(&vl.channel_name);
                w.field(obis.as_str());
                w.field(description.as_str());
                w.text(&meter);
                w.field(variant.format_time(r.target_time));
                w.field(
                    r.capture_time
                        .map(|t| variant.format_time(t))
                        .unwrap_or_default(),
                );
                w.field(variant.format_value(r.value));
                w.field(unit);
                w.field(r.value.raw.to_string());
                w.field(r.value.scaler.to_string());
                let ptb = r.ptb();
                w.field(ptb.map(|p| p.code().to_string()).unwrap_or_default());
                w.field(ptb.map(|p| p.text(lang)).unwrap_or_default());
                w.field(opt(&r.smgw_status.map(|s| s.to_hex())));
                w.field(opt(&r.meter_status.map(|s| s.to_hex())));
                w.field(opt(&r.cosem_status.map(|s| s.to_hex())));
                w.text(&opt(&r.owner));
                w.field(opt(&r.signature.as_ref().map(hex::encode)));
                // The set bits of both status words in words; a word without its
                // identification bits is named as such (smgw_model::StatusWords::texts).
                w.field(r.status_text(lang));
                // Presence, never a verdict: the key of a value's signature is not public.
                w.field(if r.signature.is_some() {
                    reading_signature_text(true, lang)
                } else {
                    ""
                });
                w.end_row()?;
            }
        }
    }
    w.finish()
}

/// Writes the logbook, one row per entry, after a header row.
pub fn write_log_csv(log: &[LogEntry], variant: CsvVariant, out: impl Write) -> io::Result<()> {
    let lang = variant.lang();
    let mut w = Writer::new(out, variant)?;
    for (de, en) in LOG_COLUMNS {
        w.field(lang.pick(de, en));
    }
    w.end_row()?;
    for e in log {
        w.field(e.index.to_string());
        w.field(e.time.map(|t| variant.format_time(t)).unwrap_or_default());
        w.field(e.level.code().to_string());
        w.field(e.level.text(lang));
        w.text(&e.event_id);
        w.text(&e.event_sub_id);
        w.text(&opt(&e.outcome));
        w.text(&opt(&e.vendor_id));
        w.text(&opt(&e.subject_identity));
        w.text(&opt(&e.user_identity));
        w.text(&e.message);
        w.text(&opt(&e.version));
        w.end_row()?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(s: &str, sep: char) -> String {
        let mut v = Vec::new();
        write_field(&mut v, s, sep).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn gateway_text_never_becomes_a_formula() {
        for (text, cell) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            (
                "Zeitsynchronisation erfolgreich",
                "Zeitsynchronisation erfolgreich",
            ),
            ("1ESY1160449476", "1ESY1160449476"),
            ("", ""),
        ] {
            assert_eq!(defused(text), cell, "{text:?}");
        }
    }

    #[test]
    fn a_hostile_logbook_entry_is_written_as_text() {
        let entry = LogEntry {
            index: 7,
            event_id: "@evil".into(),
            event_sub_id: "-1".into(),
            level: smgw_model::LogLevel::from_code(1),
            outcome: Some("+ok".into()),
            vendor_id: None,
            subject_identity: Some("=1+1".into()),
            user_identity: Some("consumer1".into()),
            time: None,
            message: "=HYPERLINK(\"http://evil\",\"click\")".into(),
            version: None,
            extra: None,
        };
        let mut out = Vec::new();
        write_log_csv(&[entry], CsvVariant::International, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("7,"), "the index stays a number: {row}");
        for cell in [
            "'@evil",
            "'-1",
            "'+ok",
            "'=1+1",
            "consumer1",
            "\"'=HYPERLINK(",
        ] {
            assert!(row.contains(cell), "{cell} in {row}");
        }
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(quoted("plain", ';'), "plain");
        assert_eq!(quoted("1,5", ';'), "1,5", "comma is no separator in German");
        assert_eq!(quoted("1,5", ','), "\"1,5\"");
        assert_eq!(quoted("a;b", ';'), "\"a;b\"");
        assert_eq!(quoted("say \"hi\"", ','), "\"say \"\"hi\"\"\"");
        assert_eq!(quoted("two\r\nlines", ','), "\"two\r\nlines\"");
        assert_eq!(quoted("", ','), "");
    }

    #[test]
    fn variants() {
        let v = ScaledValue::new(171165808, -4);
        assert_eq!(CsvVariant::German.format_value(v), "17116,5808");
        assert_eq!(CsvVariant::International.format_value(v), "17116.5808");
        let t: DateTime<Utc> = "2017-10-29T00:45:00Z".parse().unwrap();
        let later: DateTime<Utc> = "2017-10-29T01:45:00Z".parse().unwrap();
        assert_eq!(CsvVariant::German.format_time(t), "29.10.2017 02:45 MESZ");
        assert_eq!(
            CsvVariant::German.format_time(later),
            "29.10.2017 02:45 MEZ"
        );
        assert_eq!(
            CsvVariant::International.format_time(t),
            "2017-10-29T02:45:00+02:00"
        );
        assert_eq!(
            CsvVariant::International.format_time(later),
            "2017-10-29T02:45:00+01:00"
        );
    }
}
