//! Human output: tables with units applied and local (Europe/Berlin) times. JSON output is
//! the serde form of the `smgw-model` records (see the README for the shapes).

use chrono::{DateTime, Utc};
use gateway::{ClockOrigin, GatewayFacts};
use smgw_model::records::{Channel, Contract, ContractDetail, LogEntry, Reading};
use smgw_model::time::format_german;
use smgw_model::{DeviceId, Lang, Quantity};

use crate::table::Table;

fn time_or_dash(t: Option<DateTime<Utc>>) -> String {
    t.map(format_german).unwrap_or_else(|| "–".to_owned())
}

/// The status column of a value: the PTB status in words, then the set status bits
/// (`smgw_model::StatusWords::texts`); a word without its identification bits is named as
/// such, never given a guessed status; "–" without status words.
fn status_cell(r: &Reading, lang: Lang) -> String {
    let ptb = match r.ptb_checked() {
        None => return "–".to_owned(),
        Some(Ok(p)) => Some(p.text(lang)),
        Some(Err(_)) => None,
    };
    let bits = r.status_text(lang);
    match (ptb, bits.is_empty()) {
        (Some(p), true) => p.to_owned(),
        (Some(p), false) => format!("{p} ({bits})"),
        (None, _) => bits,
    }
}

/// Prints JSON to stdout, pretty, with a final newline; written as it is serialised, not
/// built as one string first (a year of readings is tens of megabytes).
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// `info`: the gateway, its clock against ours (unless it is an estimate), firmware and
/// certificates.
pub fn gateway(facts: &GatewayFacts, now: DateTime<Utc>, lang: Lang) -> String {
    let info = &facts.info;
    let mut out = String::new();
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let id = match info.id.parse::<DeviceId>() {
        Ok(id) => match id.maker() {
            Some(maker) => format!("{} ({})", info.id, maker.name),
            None => info.id.clone(),
        },
        Err(_) => info.id.clone(),
    };
    out += &format!("{:<20}{id}\n", l("Gateway:", "Gateway:"));
    if let Some(state) = info.state {
        out += &format!("{:<20}{}\n", l("Zustand:", "State:"), state.describe(lang));
    }
    if let Some(t) = info.time {
        // An estimate is not compared with this computer's clock (its age is no error).
        let skew_text = match facts.reported_clock() {
            None => ClockOrigin::estimate_note(lang).to_owned(),
            Some(reported) => {
                let difference = smgw_model::time::signed_difference(reported - now);
                match lang {
                    Lang::De => format!("{difference} gegenüber diesem Rechner"),
                    Lang::En => format!("{difference} against this computer"),
                }
            }
        };
        out += &format!(
            "{:<20}{} ({skew_text})\n",
            l("Uhrzeit:", "Clock:"),
            format_german(t)
        );
    }
    for fw in &info.firmware {
        out += &format!(
            "{:<20}{} {}\n{:<20}{}\n",
            l("Firmware:", "Firmware:"),
            fw.component,
            fw.version,
            l("Firmware-Hash:", "Firmware hash:"),
            fw.hash
        );
    }
    let mut certs = Table::new([
        l("Zertifikat", "Certificate"),
        l("Inhaber", "Subject"),
        l("gültig bis", "valid until"),
        "SHA-256",
    ]);
    for cert in &info.certificates {
        let kind = match cert.index {
            Some(i) => format!("{} #{i}", cert.kind.name(lang)),
            None => cert.kind.name(lang).to_owned(),
        };
        match han_client::cert_info(&cert.der) {
            Some(ci) => certs.row([
                kind,
                ci.subject,
                time_or_dash(ci.not_after),
                ci.fingerprint.to_hex(),
            ]),
            None => certs.row([
                kind,
                l("(nicht lesbar)", "(unreadable)").to_owned(),
                String::new(),
                han_client::Fingerprint::of(&cert.der).to_hex(),
            ]),
        }
    }
    if certs.len() > 0 {
        out += "\n";
        out += &certs.render();
    }
    out += &wan_chain(&smgw_model::check_wan_chain(&info.certificates, now), lang);
    out
}

/// The chain check of the WAN certificates (signature certificate ← sub-CA per entry).
pub fn wan_chain(checks: &[smgw_model::ChainCheck], lang: Lang) -> String {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let mut out = String::new();
    if checks.is_empty() {
        return out;
    }
    out += "\n";
    out += l(
        "Prüfung der WAN-Zertifikatskette:\n",
        "Check of the WAN certificate chain:\n",
    );
    for c in checks {
        let entry = match c.index {
            Some(i) => format!("#{i}"),
            None => "#?".to_owned(),
        };
        out += &format!("  {entry}: {}\n", c.verdict().text(lang));
        out += &format!("      {}\n", c.issuer_text(lang));
        out += &format!("      {}\n", c.signature.text(lang));
        out += &format!(
            "      {} {}\n",
            l("Signaturzertifikat:", "Signature certificate:"),
            c.validity.text(lang)
        );
        out += &format!("      Sub-CA: {}\n", c.sub_ca_validity.text(lang));
    }
    out
}

/// `contracts`: one row per contract.
pub fn contracts(list: &[Contract], lang: Lang) -> String {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let mut table = Table::new([
        l("Vertrag (usage point)", "Contract (usage point)"),
        "TAF",
        l("Zustand", "State"),
        l("Beginn", "Start"),
        l("Ende", "End"),
        l("Zählpunkt", "Metering point"),
        l("Zähler", "Meters"),
    ]);
    for c in list {
        table.row([
            c.usage_point_id.clone(),
            c.taf.name(lang),
            c.state.text(lang),
            time_or_dash(c.start),
            time_or_dash(c.end),
            c.metering_point_id.clone().unwrap_or_default(),
            c.meters.join(", "),
        ]);
    }
    table.render()
}

/// A channel described for people: `1-0:1.8.0*255 Bezug gesamt [Wh]`.
pub fn channel_label(ch: &Channel, lang: Lang) -> String {
    let name = ch.obis.name(lang).unwrap_or_default();
    format!("{} {name} [{}]", ch.obis, ch.unit.symbol()).replace("  ", " ")
}

/// `channels`: the value lists of a contract with their channels.
pub fn contract_detail(detail: &ContractDetail, lang: Lang) -> String {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let mut table = Table::new([
        l("Werteliste", "Value list"),
        "OBIS",
        l("Bedeutung", "Meaning"),
        l("Einheit", "Unit"),
        "Scaler",
    ])
    .align_right(4);
    for db in &detail.databases {
        for ch in &db.channels {
            table.row([
                format!("{} ({})", db.database.wire_name(), db.database.text(lang)),
                ch.obis.to_string(),
                ch.obis.name(lang).unwrap_or_default(),
                ch.unit.symbol().to_owned(),
                ch.scaler.to_string(),
            ]);
        }
    }
    format!(
        "{}\n{}: {}\n\n{}",
        detail.usage_point_id,
        l("Transparenzbit", "Transparency bit"),
        if detail.transparency_bit {
            l("gesetzt", "set")
        } else {
            l("nicht gesetzt", "not set")
        },
        table.render()
    )
}

/// `readings`: per channel a table of values.
pub fn readings(channel: &Channel, values: &[Reading], lang: Lang) -> String {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let mut table = Table::new([
        l("Zeitpunkt (Ziel)", "Target time"),
        l("erfasst", "Captured"),
        l("Wert", "Value"),
        l("Status", "Status"),
        l("Signatur", "Signature"),
    ])
    .align_right(2);
    for r in values {
        table.row([
            format_german(r.target_time),
            time_or_dash(r.capture_time),
            Quantity::new(r.value, channel.unit).format_auto(lang),
            status_cell(r, lang),
            // Presence only: the key of a value's signature is not public, so no verdict.
            if r.signature.is_some() {
                l("vorhanden*", "present*")
            } else {
                "–"
            }
            .to_owned(),
        ]);
    }
    let count = match (lang, values.len()) {
        (Lang::De, 1) => "1 Wert".to_owned(),
        (Lang::En, 1) => "1 value".to_owned(),
        (Lang::De, n) => format!("{n} Werte"),
        (Lang::En, n) => format!("{n} values"),
    };
    let note = if values.iter().any(|r| r.signature.is_some()) {
        format!(
            "* {}\n",
            smgw_model::pki::reading_signature_text(true, lang)
        )
    } else {
        String::new()
    };
    format!(
        "{} — {count}\n{}{note}",
        channel_label(channel, lang),
        table.render()
    )
}

/// `log`: one row per entry.
pub fn log(entries: &[LogEntry], lang: Lang) -> String {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let mut table = Table::new([
        "#",
        l("Zeitpunkt", "Time"),
        l("Stufe", "Level"),
        l("Meldung", "Message"),
    ])
    .align_right(0);
    for e in entries {
        table.row([
            e.index.to_string(),
            time_or_dash(e.time),
            e.level.text(lang),
            e.message.clone(),
        ]);
    }
    table.render()
}

/// Warnings about what a gateway's answers held that could not be decoded, one per line
/// on stderr (the answer itself goes on: see `smgw_model::warning`).
pub fn print_warnings(warnings: &[smgw_model::FieldWarning], lang: Lang) {
    for w in warnings {
        eprintln!("{}: {}", lang.pick("Warnung", "Warning"), w.message(lang));
    }
}

/// The same warnings for `--json` output: field path, text as sent, reason, what was done
/// and the message in the chosen language.
pub fn warnings_json(warnings: &[smgw_model::FieldWarning], lang: Lang) -> serde_json::Value {
    serde_json::Value::Array(
        warnings
            .iter()
            .map(|w| {
                serde_json::json!({
                    "path": w.path,
                    "raw": w.raw,
                    "reason": w.reason,
                    "kind": w.kind,
                    "message": w.message(lang),
                })
            })
            .collect(),
    )
}
