//! `durchblick`: read, check and keep what a Smart Meter Gateway holds about you.
//!
//! A thin front door: argument parsing, credentials and pin dialogue, output formatting
//! and exit codes. Everything else lives in the library crates.

mod about;
mod args;
mod bill;
mod connect;
mod demo;
mod export_cmd;
mod failure;
mod hint;
mod output;
mod sync_cmd;
mod table;
mod watch_cmd;

use std::process::ExitCode;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use gateway::{CancelFlag, Gateway, GatewayError, GatewayFacts, Period};
use smgw_model::records::Database;
use smgw_model::Lang;

use args::{ArchiveCommand, Cli, Command, DatabaseArg, LangArg};
use failure::{code, CliProblem, Failure};

fn main() -> ExitCode {
    let cli = match about::parse(resolve_lang(None)) {
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
    durchblick_core::problem::user_time(text).map_err(|p| Failure::problem(&p, lang))
}

/// The archive file: the one given, else the standard one in the user's data directory.
pub(crate) fn archive_path(
    given: Option<&std::path::Path>,
    lang: Lang,
) -> Result<std::path::PathBuf, Failure> {
    given
        .map(std::path::Path::to_path_buf)
        .or_else(archive::default_path)
        .ok_or_else(|| CliProblem::NoArchive.failure(lang))
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
        Command::Demo { vendor } => demo::run(vendor.into(), lang, json).await,
        Command::Sync { connect, archive } => sync_cmd::sync(&connect, archive, lang, json).await,
        Command::Watch {
            connect,
            mqtt,
            mqtt_ca,
            interval,
            archive,
            no_archive,
            once,
        } => {
            let args = watch_cmd::WatchArgs {
                mqtt,
                mqtt_ca,
                interval,
                archive,
                no_archive,
                once,
            };
            watch_cmd::run(&connect, &args, lang).await
        }
        Command::Completions { shell } => about::completions(shell, lang),
        Command::Man { out } => about::man_pages(&out, lang),
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
        Command::Info(connect) => ask(&connect, false, Ask::Info, lang, json).await,
        Command::Contracts(connect) => ask(&connect, false, Ask::Contracts, lang, json).await,
        Command::Channels { connect, contract } => {
            ask(&connect, false, Ask::Channels(contract), lang, json).await
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
            // What the user typed is checked before the gateway is asked.
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
                Some(text) => vec![durchblick_core::problem::user_channel(&text)
                    .map_err(|p| Failure::problem(&p, lang))?],
                None => Vec::new(),
            };
            let readings = Ask::Readings {
                contract,
                database: database_name(database),
                channels,
                range,
            };
            ask(&connect, false, readings, lang, json).await
        }
        Command::Log { connect, from, to } => {
            let from = from.map(|t| user_time(&t, lang)).transpose()?;
            let to = to.map(|t| user_time(&t, lang)).transpose()?;
            ask(&connect, false, Ask::Log { from, to }, lang, json).await
        }
        Command::SelfTest {
            connect,
            confirm_reboot,
        } => ask(&connect, confirm_reboot, Ask::SelfTest, lang, json).await,
    }
}

/// One question to a gateway, its input already checked.
enum Ask {
    Info,
    Contracts,
    Channels(String),
    Readings {
        contract: String,
        database: &'static str,
        channels: Vec<String>,
        range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    },
    Log {
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    },
    SelfTest,
}

/// Connects, asks, and always ends the session (a PPC gateway allows one session at a
/// time: without the logout the next login would have to wait for its timeout).
async fn ask(
    connect: &args::ConnectArgs,
    allow_self_test_reboot: bool,
    question: Ask,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let mut gateway = connect::open(connect, allow_self_test_reboot, lang).await?;
    let result = answer(gateway.as_mut(), question, lang, json).await;
    gateway.disconnect().await;
    result
}

async fn answer(
    gateway: &mut dyn Gateway,
    question: Ask,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    match question {
        Ask::Info => show_info(gateway, lang, json).await.map(drop),
        Ask::Contracts => show_contracts(gateway, lang, json).await.map(drop),
        Ask::Channels(contract) => show_channels(gateway, &contract, lang, json).await,
        Ask::Readings {
            contract,
            database,
            channels,
            range,
        } => {
            let query = ReadingsQuery {
                contract: &contract,
                database,
                channels: &channels,
                range,
            };
            show_readings(gateway, &query, lang, json).await
        }
        Ask::Log { from, to } => show_log(gateway, from, to, None, lang, json).await,
        Ask::SelfTest => {
            gateway.self_test().await.map_err(failed(lang))?;
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

fn failed(lang: Lang) -> impl Fn(GatewayError) -> Failure {
    move |e| Failure::gateway(&e, lang)
}

pub(crate) async fn show_info(
    gateway: &mut dyn Gateway,
    lang: Lang,
    json: bool,
) -> Result<GatewayFacts, Failure> {
    let (facts, warnings) = gateway
        .gateway_info()
        .await
        .and_then(|f| f.into_warned())
        .map_err(failed(lang))?;
    // Does the certificate the gateway reports for its HAN interface equal the one it
    // showed in the TLS handshake? (None: it reports none, or none we can read.)
    let han_matches = facts.han_certificate_matches;
    if json {
        output::print_json(&serde_json::json!({
            "gateway": facts.info,
            "han_certificate_matches_connection": han_matches,
            "clock_estimated": facts.clock == gateway::ClockOrigin::Estimated,
            "wan_chain": smgw_model::check_wan_chain(&facts.info.certificates, Utc::now()),
            "warnings": output::warnings_json(&warnings, lang),
        }))
        .map_err(|e| Failure::local(lang, &e))?;
    } else {
        print!("{}", output::gateway(&facts, Utc::now(), lang));
        output::print_warnings(&warnings, lang);
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
    }
    Ok(facts)
}

pub(crate) async fn show_contracts(
    gateway: &mut dyn Gateway,
    lang: Lang,
    json: bool,
) -> Result<Vec<smgw_model::records::Contract>, Failure> {
    let (contracts, warnings) = gateway
        .contracts()
        .await
        .and_then(|f| f.into_warned())
        .map_err(failed(lang))?;
    if json {
        output::print_json(&serde_json::json!({
            "contracts": contracts,
            "warnings": output::warnings_json(&warnings, lang),
        }))
        .map_err(|e| Failure::local(lang, &e))?;
    } else {
        print!("{}", output::contracts(&contracts, lang));
        output::print_warnings(&warnings, lang);
    }
    Ok(contracts)
}

pub(crate) async fn contract_detail(
    gateway: &mut dyn Gateway,
    contract: &str,
    lang: Lang,
) -> Result<
    (
        smgw_model::records::ContractDetail,
        Vec<smgw_model::FieldWarning>,
    ),
    Failure,
> {
    gateway
        .contract_detail(contract)
        .await
        .and_then(|f| f.into_warned())
        .map_err(failed(lang))
}

pub(crate) async fn show_channels(
    gateway: &mut dyn Gateway,
    contract: &str,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let (detail, warnings) = contract_detail(gateway, contract, lang).await?;
    // The tariff profile is signed with the seal certificate of `smgw-info`; without it
    // the profile is still shown, its signature "not checkable".
    let tariff = match &detail.taf_profile {
        Some(der) => {
            let info = gateway
                .gateway_info()
                .await
                .ok()
                .and_then(|f| f.into_value().ok());
            let seal = info
                .as_ref()
                .and_then(|f| smgw_model::pki::seal_certificate(&f.info.certificates))
                .map(|c| c.der.as_slice());
            Some(smgw_model::read_taf_profile(der, seal))
        }
        None => None,
    };
    // Field failure 29: import without export usually means a second login for export.
    let no_export = hint::meters_without_export(
        detail
            .databases
            .iter()
            .flat_map(|d| d.channels.iter().map(|c| (c.obis, ""))),
    );
    if json {
        // The contract's own fields stay where they were; the reading of the profile is
        // added beside them.
        let mut doc = serde_json::to_value(&detail)
            .map_err(|e| Failure::local(lang, &anyhow::Error::from(e)))?;
        if let Some(map) = doc.as_object_mut() {
            map.insert(
                "tariff_profile".to_owned(),
                serde_json::to_value(&tariff)
                    .map_err(|e| Failure::local(lang, &anyhow::Error::from(e)))?,
            );
            map.insert(
                "warnings".to_owned(),
                output::warnings_json(&warnings, lang),
            );
            map.insert("hints".to_owned(), hint::no_export_json(&no_export, lang));
        }
        output::print_json(&doc).map_err(|e| Failure::local(lang, &e))
    } else {
        print!("{}", output::contract_detail(&detail, lang));
        if let Some(t) = &tariff {
            print!("\n{}", t.describe(lang));
        }
        if !no_export.is_empty() {
            println!("\n{}", hint::no_export_text(&no_export, lang));
        }
        output::print_warnings(&warnings, lang);
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

/// What `readings --json` prints. Typed, not a `serde_json::Value`: a year of quarter
/// hours as a value tree took 770 MB (each reading's status bits in both languages).
#[derive(serde::Serialize)]
struct ReadingsJson<'a> {
    usage_point_id: &'a str,
    database: &'a str,
    channels: Vec<ChannelJson<'a>>,
    warnings: serde_json::Value,
}

/// One channel of [`ReadingsJson`].
#[derive(serde::Serialize)]
struct ChannelJson<'a> {
    name: &'a str,
    channel: smgw_model::records::Channel,
    /// Each value as received, with its PTB status, status bits and signature note (the
    /// JSON export's reading, FORMATS.md).
    readings: Vec<archive_io::export::JsonReading>,
}

pub(crate) async fn show_readings(
    gateway: &mut dyn Gateway,
    query: &ReadingsQuery<'_>,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let (detail, mut warnings) = contract_detail(gateway, query.contract, lang).await?;
    let database = Database::from_wire(query.database);
    let (mut channels, warned) = match query.range {
        None => gateway
            .current_values(&detail, &database)
            .await
            .and_then(|f| f.into_warned())
            .map_err(failed(lang))?,
        Some((from, to)) => gateway::read_values_warned(
            gateway,
            &detail,
            &database,
            Period { from, to },
            &mut |_| {},
            &CancelFlag::new(),
        )
        .await
        .map_err(failed(lang))?,
    };
    warnings.extend(warned);
    gateway::retain_channels(&mut channels, query.channels);
    let mut out_channels = Vec::new();
    let mut text = String::new();
    for ch in &channels {
        // Every channel read was scaled by its description, so it is found.
        let Some(channel) = gateway::channel_of(&detail, &database, &ch.channel) else {
            continue;
        };
        if json {
            out_channels.push(ChannelJson {
                name: &ch.channel,
                channel,
                readings: ch
                    .readings
                    .iter()
                    .map(archive_io::export::JsonReading::of)
                    .collect(),
            });
        } else {
            text += &output::readings(&channel, &ch.readings, lang);
            text += "\n";
        }
    }
    if json {
        output::print_json(&ReadingsJson {
            usage_point_id: query.contract,
            database: query.database,
            channels: out_channels,
            warnings: output::warnings_json(&warnings, lang),
        })
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
        output::print_warnings(&warnings, lang);
        Ok(())
    }
}

/// The logbook, read completely in pages and filtered here (`from` inclusive, `to`
/// exclusive, like the gateway's own filter); `tail` keeps only the newest entries.
pub(crate) async fn show_log(
    gateway: &mut dyn Gateway,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    tail: Option<usize>,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let (all, warnings) = gateway::read_logbook_warned(gateway, 0, &CancelFlag::new(), |_| {})
        .await
        .map_err(failed(lang))?;
    let mut entries: Vec<_> = all
        .into_iter()
        // An entry without a time cannot be placed and is always kept.
        .filter(|e| {
            e.time
                .is_none_or(|t| from.is_none_or(|f| t >= f) && to.is_none_or(|end| t < end))
        })
        .collect();
    if let Some(n) = tail {
        entries.drain(..entries.len().saturating_sub(n));
    }
    if json {
        output::print_json(&serde_json::json!({
            "entries": entries,
            "warnings": output::warnings_json(&warnings, lang),
        }))
        .map_err(|e| Failure::local(lang, &e))
    } else {
        print!("{}", output::log(&entries, lang));
        output::print_warnings(&warnings, lang);
        Ok(())
    }
}
