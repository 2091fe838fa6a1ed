//! The HTML pages and DKE XML files of the PPC web application, as text.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Europe::Berlin;

use crate::data::{LogEntry, Reading};

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A whole page: the navigation form carries the CSRF token `tkn`, quoted with double or
/// (as some firmware does) single quotes.
pub(crate) fn page(tkn: Option<&str>, single_quotes: bool, body: &str) -> String {
    let form = match tkn {
        Some(t) if single_quotes => format!(
            "<form id='form_nav' method='post' action='/cgi-bin/hanservice.cgi'>\n<input type='hidden' name='tkn' value='{}'>\n</form>",
            esc(t)
        ),
        Some(t) => format!(
            "<form id=\"form_nav\" method=\"post\" action=\"/cgi-bin/hanservice.cgi\">\n<input type=\"hidden\" name=\"tkn\" value=\"{}\">\n</form>",
            esc(t)
        ),
        None => String::new(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n<title>SMGW HAN-Service</title>\n\
<script type=\"text/javascript\">\nfunction nav(a, b) {{ if (a < 1 && b > 0) {{ return false; }} document.getElementById('form_nav').submit(); }}\n</script>\n\
</head>\n<body>\n<div id=\"header\">Smart&nbsp;Meter&nbsp;Gateway<br></div>\n{form}\n<div id=\"content\">\n{body}\n</div>\n</body>\n</html>\n"
    )
}

pub(crate) fn welcome(smgw_id: &str, firmware: &str, last_sync: &str) -> String {
    format!(
        "<h1 id=\"headline_willkommen\">Willkommen am Smart Meter Gateway</h1>\n\
<p id=\"div_smgwid\">Gateway: {}</p>\n<p id=\"div_fwversion\">{}</p>\n<div id=\"div_timestamp\">Letzte Synchronisation: {}</div>",
        esc(smgw_id),
        esc(firmware),
        esc(last_sync)
    )
}

pub(crate) fn message(id: &str, text: &str) -> String {
    format!("<p id=\"{id}\" class=\"message\">{}</p>", esc(text))
}

pub(crate) fn meter_form(options: &[(String, String)]) -> String {
    let mut s = String::from(
        "<form id=\"meterform\" method=\"post\"><select id=\"meterform_select_meter\" name=\"mid\">\n",
    );
    for (mid, name) in options {
        s.push_str(&format!(
            "<option value=\"{}\">{}</option>\n",
            esc(mid),
            esc(name)
        ));
    }
    s.push_str("</select></form>");
    s
}

pub(crate) fn values_form(mid: &str) -> String {
    format!(
        "<form id=\"input_metervalues\" method=\"post\">\n<input type=\"hidden\" name=\"mid\" value=\"{}\">\n\
<input type=\"text\" name=\"from\" value=\"\">\n<input type=\"text\" name=\"to\" value=\"\">\n</form>",
        esc(mid)
    )
}

/// One row of `table#metervalue`.
pub(crate) struct Row {
    pub stamp: String,
    pub obis: String,
    pub value: String,
    pub unit: String,
    pub valid: String,
    pub name: String,
    pub sign: String,
}

pub(crate) fn value_table(rows: &[Row], first_line: usize, next_page: bool) -> String {
    let mut s = String::from(
        "<table id=\"metervalue\">\n<tr><th>Zeitstempel</th><th>OBIS</th><th>Wert</th><th>Einheit</th><th>Gültig</th><th>Name</th><th>Signatur</th></tr>\n",
    );
    for (i, r) in rows.iter().enumerate() {
        s.push_str(&format!(
            "<tr id=\"table_metervalues_line{}\">\
<td class=\"table_metervalues_col_timestamp\">{}</td>\
<td class=\"table_metervalues_col_obis\">{}</td>\
<td class=\"table_metervalues_col_wert\">{}</td>\
<td class=\"table_metervalues_col_einheit\">{}</td>\
<td class=\"table_metervalues_col_istvalide\">{}</td>\
<td class=\"table_metervalues_col_name\">{}</td>\
<td class=\"table_metervalues_col_sign\">{}</td></tr>\n",
            first_line + i,
            esc(&r.stamp),
            esc(&r.obis),
            esc(&r.value),
            esc(&r.unit),
            esc(&r.valid),
            esc(&r.name),
            esc(&r.sign)
        ));
    }
    s.push_str("</table>\n");
    if next_page {
        s.push_str(
            "<input type=\"submit\" id=\"table_metervalues_button_nextpage\" value=\"Weiter\">\n",
        );
    }
    s
}

pub(crate) fn swversions(rows: &[(String, String, String)]) -> String {
    let mut s = String::from(
        "<table id=\"table_swversions\">\n<tr><th>Komponente</th><th>Version</th><th>Prüfsumme</th></tr>\n",
    );
    for (c, v, h) in rows {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(c),
            esc(v),
            esc(h)
        ));
    }
    s.push_str("</table>");
    s
}

/// Local wall-clock text without offset, as the gateway writes and reads it.
pub(crate) fn local_stamp(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .unwrap_or_default()
        .with_timezone(&Berlin)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Local naive time of a Unix time.
pub(crate) fn local_naive(t: i64) -> NaiveDateTime {
    DateTime::<Utc>::from_timestamp(t, 0)
        .unwrap_or_default()
        .with_timezone(&Berlin)
        .naive_local()
}

/// `raw × 10^exp` as decimal text.
pub(crate) fn decimal(raw: i64, exp: i32) -> String {
    if exp >= 0 {
        let mut s = raw.to_string();
        for _ in 0..exp {
            s.push('0');
        }
        return s;
    }
    let neg = raw < 0;
    let digits = raw.unsigned_abs().to_string();
    let n = exp.unsigned_abs() as usize;
    let padded = format!("{digits:0>width$}", width = n + 1);
    let (int, frac) = padded.split_at(padded.len() - n);
    format!("{}{int}.{frac}", if neg { "-" } else { "" })
}

/// `1-0:1.8.0` for a 12-hex OBIS code.
pub(crate) fn obis_text(hex_obis: &str) -> String {
    match hex::decode(hex_obis) {
        Ok(b) if b.len() == 6 => format!("{}-{}:{}.{}.{}", b[0], b[1], b[2], b[3], b[4]),
        _ => hex_obis.to_owned(),
    }
}

/// Whether a generated reading is valid (status words without an error flag).
pub(crate) fn is_valid(r: &Reading) -> bool {
    let word = u32::from_str_radix(&r.smgw_status, 16).unwrap_or(0);
    // Temporary (x04), critical (x02) and fatal (x80) in the word's second byte.
    word & 0x0086_0000 == 0
}

/// The DKE `profile_generic` file of readings, one column per channel.
pub(crate) fn profile_xml(columns: &[(String, i32, i32, Vec<Reading>)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile_generic xmlns=\"urn:k461-dke-de:profile_generic-1\" xmlns:ext=\"urn:k461-dke-de:extension-1\">\n<capture_objects>\n",
    );
    for (name, _, _, _) in columns {
        s.push_str(&format!(
            "<capture_object><logical_name>{}</logical_name><attribute_index>2</attribute_index></capture_object>\n",
            esc(name)
        ));
    }
    s.push_str(
        "</capture_objects>\n<capture_period>900</capture_period>\n<buffer>\n<simple_data>\n",
    );
    for (_, scaler, unit, readings) in columns {
        s.push_str("<column>\n");
        for r in readings {
            let status = if is_valid(r) { 0 } else { 4 };
            s.push_str(&format!(
                "<entry_gateway_signed><value><long64>{}</long64></value><scaler>{scaler}</scaler><unit>{unit}</unit>\
<status><unsigned>{status}</unsigned></status><capture_time>{}</capture_time>",
                r.value,
                crate::time::format(r.target_time + 1)
            ));
            if let Some(sig) = &r.signature {
                s.push_str(&format!("<smgw_signature>{sig}</smgw_signature>"));
            }
            s.push_str("<ext:meter_status>208c3800</ext:meter_status></entry_gateway_signed>\n");
        }
        s.push_str("</column>\n");
    }
    s.push_str("</simple_data>\n</buffer>\n</profile_generic>\n");
    s
}

/// The DKE `kaf_lmn_container` file: the meter's profile.
pub(crate) fn meter_profile_xml(name: &str, obis: &[String]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kaf_lmn_container xmlns=\"urn:k461-dke-de:kaf_lmn_container-1\">\n<logical_name>{}</logical_name>\n<samplerate>900</samplerate>\n<active>true</active>\n<obis_list>\n",
        esc(name)
    );
    for o in obis {
        s.push_str(&format!("<obis>{o}</obis>\n"));
    }
    s.push_str("</obis_list>\n</kaf_lmn_container>\n");
    s
}

fn level_name(level: u32) -> &'static str {
    match level {
        0 | 1 => "INFO",
        2 => "WARNING",
        3 => "ERROR",
        _ => "FATAL",
    }
}

/// The consumer logbook as a DKE file: the message template is an XML comment with
/// `[Placeholder]` markers filled from `message_extension`s.
pub(crate) fn log_xml(smgw_id: &str, entries: &[LogEntry]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile_generic xmlns=\"urn:k461-dke-de:profile_generic-1\" xmlns:ext=\"urn:k461-dke-de:extension-1\">\n\
<capture_objects><capture_object><logical_name>0000636203ff.{}.sm</logical_name></capture_object></capture_objects>\n<buffer>\n<logbook>\n",
        esc(&smgw_id.to_ascii_lowercase())
    );
    for e in entries {
        let (template, ext) =
            if !e.user_identity.is_empty() && e.message.contains("Letztverbraucher") {
                (
                    e.message
                        .replacen("Letztverbraucher", "Letztverbraucher [User]", 1),
                    vec![("User", e.user_identity.clone())],
                )
            } else {
                (e.message.clone(), Vec::new())
            };
        s.push_str(&format!(
            "<entry>\n<record_number>{}</record_number>\n<event>\n<!-- {} -->\n<timestamp>{}</timestamp>\n<level>{}</level>\n\
<type><event_id>{}</event_id><event_sub_id>{}</event_sub_id></type>\n<outcome>{}</outcome>\n<message_extensions count=\"{}\">",
            e.index,
            template.replace("--", "- -"),
            crate::time::format(e.time),
            level_name(e.level),
            e.event_id,
            e.event_sub_id,
            if e.outcome == 0 { "SUCCESS" } else { "FAILURE" },
            ext.len()
        ));
        for (id, v) in ext {
            s.push_str(&format!(
                "<message_extension id=\"{id}\">{}</message_extension>",
                esc(&v)
            ));
        }
        s.push_str("</message_extensions>\n</event>\n</entry>\n");
    }
    s.push_str("</logbook>\n</buffer>\n</profile_generic>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimal(123_456_789, -4), "12345.6789");
        assert_eq!(decimal(5, -4), "0.0005");
        assert_eq!(decimal(-5, -1), "-0.5");
        assert_eq!(decimal(7, 2), "700");
        assert_eq!(obis_text("0100020800ff"), "1-0:2.8.0");
    }
}
