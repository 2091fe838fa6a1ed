//! The bundle's `index.html`: a self-contained summary (inline CSS and SVG, no scripts, no
//! external resources) with a German and an English section.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use smgw_model::time::{format_berlin_rfc3339, format_german};
use smgw_model::{find_gaps, GapReport, Lang, LogLevel, Quantity};

use crate::bundle::{BundleChart, ManifestFile, SHA256_FILE, TARIFF_PROFILES};
use crate::set::{ExportSet, ValueList};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn time(t: Option<DateTime<Utc>>, lang: Lang) -> String {
    match (t, lang) {
        (None, _) => "–".into(),
        (Some(t), Lang::De) => format_german(t),
        (Some(t), _) => format_berlin_rfc3339(t),
    }
}

struct ListStats {
    count: usize,
    first: Option<(DateTime<Utc>, Quantity)>,
    last: Option<(DateTime<Utc>, Quantity)>,
    period_secs: Option<i64>,
    gaps: Option<GapReport>,
}

fn stats(vl: &ValueList) -> ListStats {
    let series = vl.series();
    let times: Vec<DateTime<Utc>> = series.iter().map(|(t, _)| *t).collect();
    let period = smgw_model::detect_period(&times);
    let q = |(t, v): &(DateTime<Utc>, smgw_model::ScaledValue)| {
        (*t, Quantity::new(*v, vl.channel.unit))
    };
    ListStats {
        count: series.len(),
        first: series.first().map(q),
        last: series.last().map(q),
        period_secs: period.map(|p| p.num_seconds()),
        gaps: period.map(|p| find_gaps(&times, p)),
    }
}

fn section(
    out: &mut String,
    set: &ExportSet,
    charts: &[BundleChart],
    files: &[ManifestFile],
    raw: &[(String, String)],
    lang: Lang,
) {
    let t = |de: &'static str, en: &'static str| lang.pick(de, en);
    let _ = writeln!(
        out,
        "<section lang=\"{}\" id=\"{}\">",
        lang.code(),
        lang.code()
    );
    let _ = writeln!(
        out,
        "<h1>{}</h1>",
        t(
            "Daten aus dem Smart Meter Gateway",
            "Data from the Smart Meter Gateway"
        )
    );
    let _ = writeln!(
        out,
        "<p>{} {}. {}</p>",
        t(
            "Dieses Verzeichnis enthält alles, was das Gateway über die HAN-Schnittstelle für den Letztverbraucher bereitgestellt hat, erstellt am",
            "This directory holds everything the gateway provided for the consumer over its HAN interface, made on"
        ),
        esc(&time(Some(set.created), lang)),
        t(
            "Zeiten sind deutsche Ortszeit; in der doppelten Herbststunde ist die Zone (MESZ/MEZ) angegeben.",
            "Times are German local time; in the repeated autumn hour the zone (CEST as MESZ, CET as MEZ) is given."
        )
    );

    // Gateway.
    let g = &set.gateway;
    let _ = writeln!(out, "<h2>{}</h2>", t("Das Gateway", "The gateway"));
    let _ = writeln!(out, "<table>");
    let row = |out: &mut String, k: &str, v: &str| {
        let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    };
    row(out, t("Kennung", "Id"), &g.id);
    if let Ok(id) = g.device_id() {
        row(
            out,
            t("Kennung (DIN 43863-5)", "Id (DIN 43863-5)"),
            &id.to_string(),
        );
    }
    if let Some(s) = g.state {
        row(
            out,
            t("Betriebszustand", "Operating state"),
            &s.describe(lang),
        );
    }
    row(
        out,
        t("Uhrzeit des Gateways", "Gateway clock"),
        &time(g.time, lang),
    );
    if let Some(c) = &set.customer_id {
        row(out, t("Letztverbraucher-Kennung", "Consumer id"), c);
    }
    for f in &g.firmware {
        row(
            out,
            &format!("{} {}", t("Firmware", "Firmware"), f.component),
            &format!("{} (SHA-256 {})", f.version, f.hash),
        );
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &g.certificates {
        *kinds.entry(c.kind.name(lang)).or_default() += 1;
    }
    let certs: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} × {k}")).collect();
    row(
        out,
        t("Zertifikate", "Certificates"),
        &if certs.is_empty() {
            "–".to_string()
        } else {
            certs.join(", ")
        },
    );
    let _ = writeln!(out, "</table>");

    // Contracts.
    let _ = writeln!(out, "<h2>{}</h2>", t("Verträge", "Contracts"));
    let _ = writeln!(
        out,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t("Vertrag", "Contract"),
        t("Name", "Name"),
        t("Tarifanwendungsfall", "Tariff use case"),
        t("Zustand", "State"),
        t("Beginn", "Start"),
        t("Ende", "End"),
        t("Zählpunkt", "Metering point"),
        t("Zähler", "Meters"),
    );
    for c in &set.contracts {
        let k = &c.contract;
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&k.usage_point_id),
            esc(&k.name),
            esc(&k.taf.name(lang)),
            esc(&k.state.text(lang)),
            esc(&time(k.start, lang)),
            esc(&time(k.end, lang)),
            esc(k.metering_point_id.as_deref().unwrap_or("–")),
            esc(&k.meters.join(", ")),
        );
    }
    let _ = writeln!(out, "</table>");

    // Value lists.
    let _ = writeln!(out, "<h2>{}</h2>", t("Messwertlisten", "Value lists"));
    let _ = writeln!(
        out,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t("Vertrag", "Contract"),
        t("Liste", "List"),
        t("Kanal", "Channel"),
        t("Anzahl", "Count"),
        t("Erster Wert", "First value"),
        t("Letzter Wert", "Last value"),
        t("Periode", "Period"),
        t("Lücken (fehlende Werte)", "Gaps (missing values)"),
    );
    for c in &set.contracts {
        for vl in &c.value_lists {
            let s = stats(vl);
            let val = |v: &Option<(DateTime<Utc>, Quantity)>| match v {
                Some((tm, q)) => format!("{} – {}", time(Some(*tm), lang), q.format(lang)),
                None => "–".into(),
            };
            let gaps = match &s.gaps {
                Some(g) => format!(
                    "{} ({}{})",
                    g.gaps,
                    g.missing.len(),
                    if g.missing_truncated { "+" } else { "" }
                ),
                None => "–".into(),
            };
            let name = vl
                .channel
                .obis
                .name(lang)
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.contract.usage_point_id),
                esc(&vl.database.text(lang)),
                esc(&vl.channel_name),
                esc(&name),
                s.count,
                esc(&val(&s.first)),
                esc(&val(&s.last)),
                s.period_secs
                    .map(|p| format!("{} min", p / 60))
                    .unwrap_or_else(|| "–".into()),
                esc(&gaps),
            );
        }
    }
    let _ = writeln!(out, "</table>");

    // Logbook.
    let _ = writeln!(out, "<h2>{}</h2>", t("Logbuch", "Logbook"));
    let mut levels: BTreeMap<LogLevel, usize> = BTreeMap::new();
    for e in &set.log {
        *levels.entry(e.level).or_default() += 1;
    }
    let first = set.log.iter().filter_map(|e| e.time).min();
    let last = set.log.iter().filter_map(|e| e.time).max();
    let by_level: Vec<String> = levels
        .iter()
        .map(|(l, n)| format!("{n} × {}", l.text(lang)))
        .collect();
    let _ = writeln!(
        out,
        "<p>{} {} ({} {} {} {}). {}</p>",
        set.log.len(),
        t("Einträge", "entries"),
        t("von", "from"),
        esc(&time(first, lang)),
        t("bis", "to"),
        esc(&time(last, lang)),
        esc(&by_level.join(", ")),
    );

    // Charts.
    if !charts.is_empty() {
        let _ = writeln!(out, "<h2>{}</h2>", t("Diagramme", "Charts"));
        for c in charts {
            let (title, svg, path) = match lang {
                Lang::De => (&c.title.0, &c.svg_de, &c.path_de),
                _ => (&c.title.1, &c.svg_en, &c.path_en),
            };
            let _ = writeln!(
                out,
                "<figure>{svg}<figcaption><a href=\"{}\">{}</a></figcaption></figure>",
                esc(path),
                esc(title)
            );
        }
    }

    // Files.
    let _ = writeln!(out, "<h2>{}</h2>", t("Dateien", "Files"));
    let _ = writeln!(out, "<ul>");
    let describe = |p: &str| -> String {
        let s = match p {
            "ar2418-6.xml" => t(
                "AR-2418-6-Datei (Format von TRuDI), mit Signaturen und Statusworten",
                "AR 2418-6 file (TRuDI's format), with signatures and status words",
            ),
            "export.json" => t(
                "alle Daten als JSON (siehe FORMATS.md von Durchblick)",
                "all data as JSON (see Durchblick's FORMATS.md)",
            ),
            TARIFF_PROFILES => t(
                "Tarifprofile der Verträge, gelesen und mit Signaturprüfung (Text)",
                "the contracts' tariff profiles, read and with signature check (text)",
            ),
            "csv/values-de.csv" => t(
                "Messwerte, CSV für deutsche Tabellenprogramme",
                "values, CSV for German spreadsheets",
            ),
            "csv/values-intl.csv" => t(
                "Messwerte, internationales CSV",
                "values, international CSV",
            ),
            "csv/log-de.csv" => t(
                "Logbuch, CSV für deutsche Tabellenprogramme",
                "logbook, CSV for German spreadsheets",
            ),
            "csv/log-intl.csv" => t("Logbuch, internationales CSV", "logbook, international CSV"),
            _ => "",
        };
        s.to_string()
    };
    for f in files {
        if f.path.starts_with("charts/") || f.path.starts_with("raw/") {
            continue;
        }
        let _ = writeln!(
            out,
            "<li><a href=\"{p}\">{p}</a> ({} bytes) {}</li>",
            f.size,
            esc(&describe(&f.path)),
            p = esc(&f.path)
        );
    }
    let _ = writeln!(
        out,
        "<li>{} {}: <code>charts/</code></li>",
        charts.len() * 2,
        t("Diagramme (SVG)", "charts (SVG)")
    );
    let _ = writeln!(
        out,
        "<li>{} {}: <code>raw/</code></li>",
        raw.len(),
        t(
            "Antworten des Gateways im Original",
            "responses of the gateway as sent"
        )
    );
    let _ = writeln!(out, "</ul>");

    // Verification.
    let _ = writeln!(out, "<h2>{}</h2>", t("Prüfen", "How to verify"));
    let _ = writeln!(
        out,
        "<p>{}</p><pre>sha256sum -c {SHA256_FILE}</pre><p>{}</p>",
        t(
            "Die Datei MANIFEST.sha256 enthält die SHA-256-Prüfsumme jeder Datei (auch von manifest.json). Im Verzeichnis des Pakets prüft dieser Befehl, dass nichts verändert wurde:",
            "MANIFEST.sha256 holds the SHA-256 checksum of every file (manifest.json included). Run in the bundle's directory, this command checks that nothing was changed:"
        ),
        t(
            "Durchblick prüft dasselbe und meldet zusätzlich fehlende und hinzugekommene Dateien. Signierte Messwerte tragen ihre Signatur unverändert (in ar2418-6.xml, export.json und den CSV-Dateien): Signatur vorhanden – mit diesem Programm nicht prüfbar, denn der Schlüssel dazu ist nicht öffentlich.",
            "Durchblick checks the same and also reports missing and added files. Signed values carry their signature unchanged (in ar2418-6.xml, export.json and the CSV files): signature present — cannot be checked by this program, as the key for it is not public."
        )
    );
    let _ = writeln!(out, "</section>");
}

/// The summary page of a bundle.
pub(crate) fn index_html(
    set: &ExportSet,
    charts: &[BundleChart],
    files: &[ManifestFile],
    raw: &[(String, String)],
) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<title>Smart Meter Gateway {} – Durchblick</title>",
        esc(&set.gateway.id)
    );
    out.push_str(
        "<style>body{font-family:sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem}\
         table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.2rem .5rem;text-align:left;vertical-align:top}\
         figure{margin:1rem 0}svg{max-width:100%;height:auto}pre{background:#f4f4f4;padding:.5rem}\
         nav a{margin-right:1rem}</style>\n</head>\n<body>\n",
    );
    out.push_str("<nav><a href=\"#de\">Deutsch</a><a href=\"#en\">English</a></nav>\n");
    section(&mut out, set, charts, files, raw, Lang::De);
    out.push_str("<hr>\n");
    section(&mut out, set, charts, files, raw, Lang::En);
    out.push_str("</body>\n</html>\n");
    out
}
