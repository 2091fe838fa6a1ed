//! `durchblick sync` and `durchblick archive status`: the front door to the archive.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use archive::{Archive, ChannelStatus, LogStatus, Scope};
use chrono::{DateTime, Utc};
use durchblick_sync::{SyncError, SyncOptions, SyncPhase, SyncProgress, SyncReport};
use gateway::CancelFlag;
use serde_json::{json, Value};
use smgw_model::Lang;

use crate::args::ConnectArgs;
use crate::connect;
use crate::failure::{code, Failure};
use crate::hint;

/// How often a progress line is written when stderr is not a terminal.
const LOG_INTERVAL: Duration = Duration::from_secs(5);

fn sync_failure(e: &SyncError, lang: Lang) -> Failure {
    let code = match e {
        _ if e.is_cancelled() => code::CANCELLED,
        SyncError::Gateway(g) => code::of_category(g.category()),
        _ => code::DATA,
    };
    Failure {
        code,
        message: e.message(lang),
    }
}

fn local(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "–".to_owned(), smgw_model::time::format_german)
}

fn local_json(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::from(smgw_model::time::format_berlin_rfc3339(t))
    })
}

fn phase_text(phase: &SyncPhase, lang: Lang) -> String {
    match phase {
        SyncPhase::Gateway => lang.pick("Gateway", "gateway").to_owned(),
        SyncPhase::Contracts => lang.pick("Verträge", "contracts").to_owned(),
        SyncPhase::Readings { contract, database } => format!("{contract} {database}"),
        SyncPhase::Logbook => lang.pick("Logbuch", "logbook").to_owned(),
        SyncPhase::CurrentValues => lang.pick("aktuelle Werte", "current values").to_owned(),
        SyncPhase::Done => lang.pick("fertig", "done").to_owned(),
    }
}

fn progress_line(p: &SyncProgress, lang: Lang) -> String {
    let eta = p
        .eta
        .map(|d| match lang {
            Lang::De => format!(", noch ca. {} s", d.as_secs()),
            Lang::En => format!(", about {} s left", d.as_secs()),
        })
        .unwrap_or_default();
    match lang {
        Lang::De => format!(
            "Abgleich: {}/{} Abrufe, {} Werte, {} Logbucheinträge{eta} ({})",
            p.calls_done,
            p.calls_planned,
            p.values,
            p.log_entries,
            phase_text(&p.phase, lang)
        ),
        Lang::En => format!(
            "Sync: {}/{} calls, {} values, {} logbook entries{eta} ({})",
            p.calls_done,
            p.calls_planned,
            p.values,
            p.log_entries,
            phase_text(&p.phase, lang)
        ),
    }
}

/// `durchblick sync`.
pub async fn sync(
    connect_args: &ConnectArgs,
    archive: Option<PathBuf>,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    // Installed before anything else, so Ctrl-C never kills the process mid-write.
    let cancel = CancelFlag::new();
    let on_signal = on_interrupt(cancel.clone(), lang);
    let path = crate::archive_path(archive.as_deref(), lang)?;
    let db = Archive::open(&path)
        .await
        .map_err(|e| Failure::archive(&e, lang))?;
    let mut session = connect::open(connect_args, false, lang).await?;

    let terminal = std::io::stderr().is_terminal();
    let mut last_line: Option<Instant> = None;
    let mut last_phase: Option<SyncPhase> = None;
    let mut shown_width = 0usize;
    let progress = |p: SyncProgress| {
        let mut err = std::io::stderr().lock();
        if terminal {
            // One line, rewritten in place: blanks cover the rest of a longer previous
            // line (no ANSI erase code: the classic Windows console prints those as text).
            let line = progress_line(&p, lang);
            let width = line.chars().count();
            let pad = shown_width.saturating_sub(width);
            let _ = write!(err, "\r{line}{:pad$}", "");
            shown_width = width;
            let _ = err.flush();
        } else if last_phase.as_ref() != Some(&p.phase)
            || last_line.is_none_or(|t| t.elapsed() >= LOG_INTERVAL)
        {
            let _ = writeln!(err, "{}", progress_line(&p, lang));
            last_line = Some(Instant::now());
            last_phase = Some(p.phase.clone());
        }
    };
    let result = durchblick_sync::sync(
        session.as_mut(),
        &db,
        &SyncOptions::default(),
        progress,
        &cancel,
    )
    .await;
    session.disconnect().await;
    on_signal.abort();
    if terminal {
        eprintln!();
    }
    let no_export = match &result {
        Ok(report) => meters_without_export(&db, report).await,
        Err(_) => Vec::new(),
    };
    db.close().await;
    let report = result.map_err(|e| sync_failure(&e, lang))?;
    if json {
        crate::output::print_json(&json!({
            "sync": report_json(&report, &path),
            "warnings": crate::output::warnings_json(&report.warnings, lang),
            "hints": hint::no_export_json(&no_export, lang),
        }))
        .map_err(|e| Failure::local(lang, &e))
    } else {
        print!("{}", summary(&report, &path, lang));
        if !no_export.is_empty() {
            println!("{}", hint::no_export_text(&no_export, lang));
        }
        crate::output::print_warnings(&report.warnings, lang);
        Ok(())
    }
}

/// Field failure 29: the synced consumer's meters with an import register but no export
/// register, from what the archive now holds for it (every contract of the login). A
/// hint only: when the archive cannot be asked, there is none.
async fn meters_without_export(db: &Archive, report: &SyncReport) -> Vec<String> {
    let Ok(gateways) = db.gateways().await else {
        return Vec::new();
    };
    let Some(gw) = gateways.iter().find(|g| g.smgw_id == report.smgw_id) else {
        return Vec::new();
    };
    let Ok(consumers) = db.consumers(Some(gw.id)).await else {
        return Vec::new();
    };
    let Some(consumer) = consumers.iter().find(|c| c.user_id == report.userid) else {
        return Vec::new();
    };
    let Ok(channels) = db.channels(Scope::Consumer(consumer.id)).await else {
        return Vec::new();
    };
    hint::meters_without_export(
        channels
            .iter()
            .map(|c| (c.key.name.obis, c.key.name.meter_id.as_str())),
    )
}

/// Sets `cancel` on Ctrl-C (SIGINT). The handler is registered before this returns.
fn on_interrupt(cancel: CancelFlag, lang: Lang) -> tokio::task::JoinHandle<()> {
    let note = lang.pick(
        "\nAbbruch angefordert: der laufende Abruf wird noch gespeichert …",
        "\nCancel requested: finishing the current call …",
    );
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::interrupt()) {
            Ok(mut sig) => tokio::spawn(async move {
                if sig.recv().await.is_some() {
                    eprintln!("{note}");
                    cancel.cancel();
                }
            }),
            // Without a handler Ctrl-C ends the process; the archive stays consistent
            // anyway, as every write is one transaction.
            Err(_) => tokio::spawn(async {}),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("{note}");
                cancel.cancel();
            }
        })
    }
}

fn outcome_json(o: &archive::WriteOutcome) -> Value {
    json!({
        "new": o.inserted,
        "unchanged": o.unchanged,
        "new_conflicts": o.new_conflicts,
        "known_conflicts": o.known_conflicts,
    })
}

fn report_json(r: &SyncReport, path: &std::path::Path) -> Value {
    json!({
        "archive": path.display().to_string(),
        "smgw_id": r.smgw_id,
        "userid": r.userid,
        "gateway_time": local_json(Some(r.gateway_time)),
        "contracts": r.contracts,
        "calls": r.calls,
        "readings_calls": r.readings_calls,
        "log_calls": r.log_calls,
        "current_calls": r.current_calls,
        "values": outcome_json(&r.values),
        "log": outcome_json(&r.log),
        "current_values": outcome_json(&r.current),
        "seconds": r.elapsed.as_secs_f64(),
    })
}

fn summary(r: &SyncReport, path: &std::path::Path, lang: Lang) -> String {
    let conflicts = r.values.new_conflicts + r.current.new_conflicts + r.log.new_conflicts;
    match lang {
        Lang::De => format!(
            "Abgleich abgeschlossen: Gateway {}, Verbraucher {}, Werte bis {}.\n\
             {} Abrufe in {:.1} s. Werte: {} neu, {} bereits archiviert. Logbuch: {} neu. Aktuelle Werte: {} neu.\n\
             {}Archiv: {}\n",
            r.smgw_id,
            r.userid,
            local(Some(r.gateway_time)),
            r.calls,
            r.elapsed.as_secs_f64(),
            r.values.inserted,
            r.values.unchanged,
            r.log.inserted,
            r.current.inserted,
            if conflicts > 0 {
                format!("Achtung: {conflicts} Werte kamen anders als archiviert zurück; beide Fassungen sind gespeichert (durchblick archive status).\n")
            } else {
                String::new()
            },
            path.display()
        ),
        Lang::En => format!(
            "Sync complete: gateway {}, consumer {}, values up to {}.\n\
             {} calls in {:.1} s. Values: {} new, {} already archived. Logbook: {} new. Current values: {} new.\n\
             {}Archive: {}\n",
            r.smgw_id,
            r.userid,
            local(Some(r.gateway_time)),
            r.calls,
            r.elapsed.as_secs_f64(),
            r.values.inserted,
            r.values.unchanged,
            r.log.inserted,
            r.current.inserted,
            if conflicts > 0 {
                format!("Note: {conflicts} values came back different from the archived ones; both versions are kept (durchblick archive status).\n")
            } else {
                String::new()
            },
            path.display()
        ),
    }
}

fn channel_json(s: &ChannelStatus) -> Value {
    json!({
        "database": s.channel.key.database,
        "obis": s.channel.key.name.obis.to_hex(),
        "meter_id": s.channel.key.name.meter_id,
        "unit": s.channel.spec.unit.map(|u| u.code()),
        "scaler": s.channel.spec.scaler,
        "count": s.count,
        "first": local_json(s.first),
        "last": local_json(s.last),
        "period_seconds": s.period.map(|p| p.num_seconds()),
        "gaps": s.gaps,
        "missing_slots": s.missing_slots,
        "conflicts": s.conflicts,
        "unchanged_since": local_json(s.unchanged_since),
        "frozen_warning": frozen(s).map(|f| json!({
            "since": local_json(Some(f.since)),
            "days": f.days(),
            "message": f.message(Lang::En),
        })),
        "synced_until": local_json(s.synced_until),
        "last_sync": local_json(s.last_sync_at),
    })
}

fn log_json(l: &LogStatus) -> Value {
    json!({
        "count": l.count,
        "first_index": l.first_index,
        "last_index": l.last_index,
        "conflicts": l.conflicts,
        "synced_index": l.synced_index,
        "last_sync": local_json(l.last_sync_at),
    })
}

/// A register that stood still too long (field failure 25).
fn frozen(s: &ChannelStatus) -> Option<smgw_model::FrozenRegister> {
    smgw_model::frozen_register(s.channel.key.name.obis, s.unchanged_since, s.last)
}

fn channel_text(s: &ChannelStatus, lang: Lang) -> String {
    let warning = frozen(s)
        .map(|f| {
            format!(
                "        {} {}\n",
                lang.pick("Warnung:", "Warning:"),
                f.message(lang)
            )
        })
        .unwrap_or_default();
    channel_line(s, lang) + &warning
}

fn channel_line(s: &ChannelStatus, lang: Lang) -> String {
    let gaps = if s.gaps > 0 {
        match lang {
            Lang::De => format!(", {} Lücken ({} fehlende Werte)", s.gaps, s.missing_slots),
            Lang::En => format!(", {} gaps ({} missing values)", s.gaps, s.missing_slots),
        }
    } else {
        String::new()
    };
    let conflicts = if s.conflicts > 0 {
        match lang {
            Lang::De => format!(", {} Konflikte", s.conflicts),
            Lang::En => format!(", {} conflicts", s.conflicts),
        }
    } else {
        String::new()
    };
    match lang {
        Lang::De => format!(
            "      {} {} ({}): {} Werte, {} – {}{gaps}{conflicts}; abgeglichen bis {}, zuletzt {}\n",
            s.channel.key.database,
            s.channel.key.name.obis,
            s.channel.key.name.meter_id,
            s.count,
            local(s.first),
            local(s.last),
            local(s.synced_until),
            local(s.last_sync_at),
        ),
        Lang::En => format!(
            "      {} {} ({}): {} values, {} – {}{gaps}{conflicts}; synced until {}, last sync {}\n",
            s.channel.key.database,
            s.channel.key.name.obis,
            s.channel.key.name.meter_id,
            s.count,
            local(s.first),
            local(s.last),
            local(s.synced_until),
            local(s.last_sync_at),
        ),
    }
}

/// `durchblick archive status`.
pub async fn status(archive: Option<PathBuf>, lang: Lang, json: bool) -> Result<(), Failure> {
    let path = crate::archive_path(archive.as_deref(), lang)?;
    let db = Archive::open_existing(&path)
        .await
        .map_err(|e| Failure::archive(&e, lang))?;
    let fail = |e: archive::ArchiveError| Failure::archive(&e, lang);
    let mut text = String::new();
    let mut gateways = Vec::new();
    for g in db.gateways().await.map_err(fail)? {
        text += &format!("Gateway {}\n", g.smgw_id);
        let mut consumers = Vec::new();
        for c in db.consumers(Some(g.id)).await.map_err(fail)? {
            text += &format!("  {} {}\n", lang.pick("Verbraucher", "Consumer"), c.user_id);
            let mut contracts = Vec::new();
            for k in db.contracts(c.id).await.map_err(fail)? {
                let taf = k.info.taf_number.map_or("?".to_owned(), |n| n.to_string());
                text += &format!(
                    "    {} {} (TAF {taf}, {}) {}\n",
                    lang.pick("Vertrag", "Contract"),
                    k.info.usage_point_id,
                    k.info.taf_state.as_deref().unwrap_or("?"),
                    k.info.name.as_deref().unwrap_or(""),
                );
                let statuses = db.status(Scope::Contract(k.id)).await.map_err(fail)?;
                for s in &statuses {
                    text += &channel_text(s, lang);
                }
                contracts.push(json!({
                    "usage_point_id": k.info.usage_point_id,
                    "name": k.info.name,
                    "taf": k.info.taf_number,
                    "state": k.info.taf_state,
                    "channels": statuses.iter().map(channel_json).collect::<Vec<_>>(),
                }));
            }
            let log = db.log_status(c.id).await.map_err(fail)?;
            text += &match lang {
                Lang::De => format!(
                    "    Logbuch: {} Einträge, letzter Index {}, {} Konflikte, zuletzt abgeglichen {}\n",
                    log.count,
                    log.last_index.map_or("–".to_owned(), |i| i.to_string()),
                    log.conflicts,
                    local(log.last_sync_at)
                ),
                Lang::En => format!(
                    "    Logbook: {} entries, last index {}, {} conflicts, last sync {}\n",
                    log.count,
                    log.last_index.map_or("–".to_owned(), |i| i.to_string()),
                    log.conflicts,
                    local(log.last_sync_at)
                ),
            };
            consumers.push(json!({
                "user_id": c.user_id,
                "first_seen": local_json(Some(c.first_seen)),
                "last_seen": local_json(Some(c.last_seen)),
                "contracts": contracts,
                "logbook": log_json(&log),
            }));
        }
        gateways.push(json!({
            "smgw_id": g.smgw_id,
            "first_seen": local_json(Some(g.first_seen)),
            "last_seen": local_json(Some(g.last_seen)),
            "consumers": consumers,
        }));
    }
    db.close().await;
    if json {
        crate::output::print_json(&json!({
            "archive": path.display().to_string(),
            "gateways": gateways,
        }))
        .map_err(|e| Failure::local(lang, &e))
    } else {
        if gateways.is_empty() {
            text += lang.pick(
                "Das Archiv ist leer. Mit `durchblick sync` füllen.\n",
                "The archive is empty. Fill it with `durchblick sync`.\n",
            );
        }
        print!("{text}");
        Ok(())
    }
}
