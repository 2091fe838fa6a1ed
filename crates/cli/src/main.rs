//! `durchblick`: read, check and keep what a Smart Meter Gateway holds about you.
//!
//! A thin front door: argument parsing, credentials and pin dialogue, output formatting
//! and exit codes. Everything else lives in the library crates.

mod args;
mod bill;
mod connect;
mod demo;
mod export_cmd;
mod failure;
mod output;
mod sync_cmd;
mod table;

use std::process::ExitCode;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use han_client::{CancelFlag, Session};
use smgw_model::{Lang, NaiveAs, Obis};

use args::{ArchiveCommand, Cli, Command, DatabaseArg, LangArg};
use failure::{code, Failure};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { code::USAGE } else { 0 });
        }
    };
    let lang = resolve_lang(cli.lang);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{}", Failure::local(lang, &e.into()).message);
            return ExitCode::from(code::DATA);
        }
    };
    match runtime.block_on(run(cli, lang)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// `--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG), else German.
fn resolve_lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::De) => Lang::De,
        Some(LangArg::En) => Lang::En,
        None => ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::from_str(&v).ok())
            .unwrap_or(Lang::De),
    }
}

/// A time given by the user: local (Europe/Berlin) unless it names a zone.
pub(crate) fn user_time(text: &str, lang: Lang) -> Result<DateTime<Utc>, Failure> {
    smgw_model::time::parse_datetime(text, NaiveAs::Berlin).map_err(|e| {
        Failure::new(
            code::USAGE,
            lang,
            format!("Zeitangabe {text:?} nicht verstanden ({e}). Beispiel: 2025-03-01T00:00 oder 2025-03-01."),
            format!("Cannot read the time {text:?} ({e}). Example: 2025-03-01T00:00 or 2025-03-01."),
        )
    })
}

/// The archive file: the one given, else the standard one in the user's data directory.
pub(crate) fn archive_path(
    given: Option<&std::path::Path>,
    lang: Lang,
) -> Result<std::path::PathBuf, Failure> {
    given
        .map(std::path::Path::to_path_buf)
        .or_else(archive::default_path)
        .ok_or_else(|| {
            Failure::new(
                code::USAGE,
                lang,
                "Kein Datenverzeichnis bekannt: bitte das Archiv mit --archive DATEI angeben.",
                "No data directory known: please name the archive with --archive FILE.",
            )
        })
}

fn database_name(db: DatabaseArg) -> &'static str {
    match db {
        DatabaseArg::Origin => "origin",
        DatabaseArg::Derived => "derived",
        DatabaseArg::Calculated => "calculated",
        DatabaseArg::Daily => "daily",
    }
}

async fn run(cli: Cli, lang: Lang) -> Result<(), Failure> {
    let json = cli.json;
    match cli.command {
        Command::Demo => demo::run(lang, json).await,
        Command::Sync { connect, archive } => sync_cmd::sync(&connect, archive, lang, json).await,
        Command::Archive {
            command: ArchiveCommand::Status { archive },
        } => sync_cmd::status(archive, lang, json).await,
        Command::Bill {
            device,
            archive,
            supplier,
        } => bill::run(device.as_deref(), archive.as_deref(), &supplier, lang, json).await,
        Command::Export(args) => export_cmd::run_export(&args, lang, json).await,
        Command::Verify(args) => export_cmd::run_verify(&args, lang, json).await,
        Command::Import(args) => export_cmd::run_import(&args, lang, json).await,
        Command::Info(connect) => {
            let mut session = connect::open(&connect, lang).await?;
            show_info(&mut session, lang, json).await
        }
        Command::Contracts(connect) => {
            let mut session = connect::open(&connect, lang).await?;
            show_contracts(&mut session, lang, json).await.map(drop)
        }
        Command::Channels { connect, contract } => {
            let mut session = connect::open(&connect, lang).await?;
            show_channels(&mut session, &contract, lang, json).await
        }
        Command::Readings {
            connect,
            contract,
            database,
            channel,
            from,
            to,
            last,
        } => {
            let range = if last {
                None
            } else {
                let to = match to {
                    Some(t) => user_time(&t, lang)?,
                    None => Utc::now(),
                };
                let from = match from {
                    Some(t) => user_time(&t, lang)?,
                    None => to - Duration::days(1),
                };
                Some((from, to))
            };
            let channels = match channel {
                Some(text) => vec![Obis::from_str(&text)
                    .map_err(|e| {
                        Failure::new(
                            code::USAGE,
                            lang,
                            format!("Kanal {text:?} ist keine OBIS-Kennzahl ({e}). Beispiel: 1-0:1.8.0*255"),
                            format!("Channel {text:?} is not an OBIS id ({e}). Example: 1-0:1.8.0*255"),
                        )
                    })?
                    .to_hex()],
                None => Vec::new(),
            };
            let mut session = connect::open(&connect, lang).await?;
            let query = ReadingsQuery {
                contract: &contract,
                database: database_name(database),
                channels: &channels,
                range,
            };
            show_readings(&mut session, &query, lang, json).await
        }
        Command::Log { connect, from, to } => {
            let from = from.map(|t| user_time(&t, lang)).transpose()?;
            let to = to.map(|t| user_time(&t, lang)).transpose()?;
            let mut session = connect::open(&connect, lang).await?;
            show_log(&mut session, from, to, None, lang, json).await
        }
        Command::SelfTest(connect) => {
            let mut session = connect::open(&connect, lang).await?;
            session
                .self_test()
                .await
                .map_err(|e| Failure::client(&e, lang))?;
            if json {
                output::print_json(&serde_json::json!({ "self_test": "started" }))
                    .map_err(|e| Failure::local(lang, &e))?;
            } else {
                println!(
                    "{}",
                    lang.pick(
                        "Selbsttest gestartet. Das Ergebnis erscheint in einigen Minuten im Logbuch (durchblick log).",
                        "Self-test started. The result appears in the logbook within a few minutes (durchblick log)."
                    )
                );
            }
            Ok(())
        }
    }
}

fn client(lang: Lang) -> impl Fn(han_client::ClientError) -> Failure {
    move |e| Failure::client(&e, lang)
}

/// An answer that parsed but does not make sense as domain data.
fn data(lang: Lang) -> impl Fn(han_protocol::ProtocolError) -> Failure {
    move |e| Failure::client(&e.into(), lang)
}

pub(crate) async fn show_info(
    session: &mut Session,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let wire = session.gateway_info().await.map_err(client(lang))?;
    // Does the certificate the gateway reports for its HAN interface equal the one it
    // showed in the TLS handshake? (None: it reports none, or none we can read.)
    let han_matches = session.han_certificate_matches(&wire);
    let info = wire.to_model().map_err(data(lang))?;
    if json {
        output::print_json(&serde_json::json!({
            "gateway": info,
            "han_certificate_matches_connection": han_matches,
        }))
        .map_err(|e| Failure::local(lang, &e))
    } else {
        print!("{}", output::gateway(&info, Utc::now(), lang));
        match han_matches {
            Some(true) => {}
            Some(false) => eprintln!(
                "{}",
                lang.pick(
                    "Warnung: Das HAN-Zertifikat, das das Gateway in seinen Daten meldet, ist nicht das Zertifikat dieser Verbindung. Fragen Sie Ihren Messstellenbetreiber, bevor Sie der Verbindung vertrauen.",
                    "Warning: the HAN certificate the gateway reports in its data is not the certificate of this connection. Ask your meter operator before you trust this connection."
                )
            ),
            None => eprintln!(
                "{}",
                lang.pick(
                    "Hinweis: Das Gateway meldet kein lesbares HAN-Zertifikat; der Abgleich mit der Verbindung war nicht möglich.",
                    "Note: the gateway reports no readable HAN certificate; it could not be compared with the connection."
                )
            ),
        }
        Ok(())
    }
}

pub(crate) async fn show_contracts(
    session: &mut Session,
    lang: Lang,
    json: bool,
) -> Result<Vec<smgw_model::records::Contract>, Failure> {
    let info = session.contracts().await.map_err(client(lang))?;
    let contracts = info.to_model().map_err(data(lang))?;
    if json {
        output::print_json(&serde_json::json!({ "contracts": contracts }))
            .map_err(|e| Failure::local(lang, &e))?;
    } else {
        print!("{}", output::contracts(&contracts, lang));
    }
    Ok(contracts)
}

pub(crate) async fn contract_detail(
    session: &mut Session,
    contract: &str,
    lang: Lang,
) -> Result<smgw_model::records::ContractDetail, Failure> {
    let detail = session
        .contract_detail(contract, None)
        .await
        .map_err(client(lang))?;
    detail.to_model().map_err(data(lang))
}

pub(crate) async fn show_channels(
    session: &mut Session,
    contract: &str,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let detail = contract_detail(session, contract, lang).await?;
    if json {
        output::print_json(&detail).map_err(|e| Failure::local(lang, &e))
    } else {
        print!("{}", output::contract_detail(&detail, lang));
        Ok(())
    }
}

/// What `readings` asks for; `range: None` means the newest value only.
pub(crate) struct ReadingsQuery<'a> {
    pub contract: &'a str,
    pub database: &'a str,
    pub channels: &'a [String],
    pub range: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

pub(crate) async fn show_readings(
    session: &mut Session,
    query: &ReadingsQuery<'_>,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let detail = contract_detail(session, query.contract, lang).await?;
    let got = match query.range {
        None => session
            .last_reading(query.contract, query.database, query.channels)
            .await
            .map_err(client(lang))?,
        Some((from, to)) => {
            let cancel = CancelFlag::new();
            let mut progress = |_p: han_client::Progress| {};
            session
                .readings(
                    query.contract,
                    query.database,
                    query.channels,
                    from,
                    to,
                    &mut progress,
                    &cancel,
                )
                .await
                .map_err(client(lang))?
        }
    };
    let scaler_of =
        |name: &str| output::find_channel(&detail, query.database, name).map(|c| c.scaler);
    let channels = got.to_model(scaler_of).map_err(data(lang))?;
    let mut out_channels = Vec::new();
    let mut text = String::new();
    for ch in &channels {
        // to_model succeeded, so every channel was found above.
        let Some(channel) = output::find_channel(&detail, query.database, &ch.channel) else {
            continue;
        };
        if json {
            out_channels.push(serde_json::json!({
                "name": ch.channel,
                "channel": channel,
                "readings": ch.readings,
            }));
        } else {
            text += &output::readings(channel, &ch.readings, lang);
            text += "\n";
        }
    }
    if json {
        output::print_json(&serde_json::json!({
            "usage_point_id": query.contract,
            "database": query.database,
            "channels": out_channels,
        }))
        .map_err(|e| Failure::local(lang, &e))
    } else {
        if channels.is_empty() {
            println!(
                "{}",
                lang.pick(
                    "Keine Werte in diesem Zeitraum.",
                    "No values in this period."
                )
            );
        }
        print!("{text}");
        Ok(())
    }
}

/// The logbook, read completely in pages and filtered here (`from` inclusive, `to`
/// exclusive, like the gateway's own filter); `tail` keeps only the newest entries.
pub(crate) async fn show_log(
    session: &mut Session,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    tail: Option<usize>,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let cancel = CancelFlag::new();
    let mut progress = |_p: han_client::Progress| {};
    let all = session
        .logbook(0, &mut progress, &cancel)
        .await
        .map_err(client(lang))?;
    let mut entries = all
        .iter()
        .filter(|e| from.is_none_or(|f| e.time >= f) && to.is_none_or(|t| e.time < t))
        .map(|e| e.to_model())
        .collect::<Result<Vec<_>, _>>()
        .map_err(data(lang))?;
    if let Some(n) = tail {
        entries.drain(..entries.len().saturating_sub(n));
    }
    if json {
        output::print_json(&serde_json::json!({ "entries": entries }))
            .map_err(|e| Failure::local(lang, &e))
    } else {
        print!("{}", output::log(&entries, lang));
        Ok(())
    }
}
