//! `durchblick demo`: starts the bundled mock gateway (scenario `demo`) on a free loopback
//! port inside this process and takes a short tour of it over real TLS, the same way a
//! real gateway is read.

use chrono::Duration;
use smgw_model::Lang;

use crate::failure::{code, Failure};
use crate::{show_channels, show_contracts, show_info, show_log, show_readings, ReadingsQuery};

fn heading(lang: Lang, de: &str, en: &str) {
    println!("\n━━ {} ━━", lang.pick(de, en));
}

/// Runs the tour. With `json`, every step prints its JSON document instead of tables.
pub async fn run(vendor: durchblick_core::Vendor, lang: Lang, json: bool) -> Result<(), Failure> {
    let durchblick_core::demo::Demo {
        mock,
        gateway: mut session,
        fingerprint,
    } = durchblick_core::demo::start(vendor, durchblick_core::demo::DemoClock::Following)
        .await
        .map_err(|e| match e {
            durchblick_core::demo::DemoError::Client(e) => Failure::client(&e, lang),
            durchblick_core::demo::DemoError::Gateway(e) => Failure::gateway(&e, lang),
            e => Failure {
                code: code::DATA,
                message: e.message(lang),
            },
        })?;
    let addr = mock.addr();
    if !json {
        println!(
            "{}",
            match lang {
                Lang::De => format!(
                    "Demo-Gateway läuft auf {addr} (Zertifikat SHA-256 {fingerprint}).\nAnmeldung mit Benutzer \"demo\", Passwort \"demo\" (HTTP Digest über TLS 1.2)."
                ),
                Lang::En => format!(
                    "Demo gateway running on {addr} (certificate SHA-256 {fingerprint}).\nLogging in as user \"demo\", password \"demo\" (HTTP Digest over TLS 1.2)."
                ),
            }
        );
    }

    heading(lang, "Gateway", "Gateway");
    let facts = show_info(session.as_mut(), lang, json).await?;

    heading(lang, "Verträge", "Contracts");
    let contracts = show_contracts(session.as_mut(), lang, json).await?;

    // The gateway's clock, not ours: the demo data ends at the scenario's "now" (which is
    // also the clock of a demo gateway that reports none, as PPC gateways do). The demo's
    // clock follows this computer's, so both are the same here.
    let gateway_now = facts.info.time.unwrap_or_else(|| {
        chrono::DateTime::from_timestamp(mock.scenario().now(), 0).unwrap_or_else(chrono::Utc::now)
    });

    for contract in &contracts {
        let id = contract.usage_point_id.as_str();
        heading(
            lang,
            &format!("Kanäle von {id}"),
            &format!("Channels of {id}"),
        );
        show_channels(session.as_mut(), id, lang, json).await?;
        if contract.taf.stores_values() {
            if contract.taf == smgw_model::records::Taf::Taf7 {
                heading(
                    lang,
                    "Messwerte der letzten 3 Stunden (originäre Messwertliste)",
                    "Values of the last 3 hours (original value list)",
                );
                let query = ReadingsQuery {
                    contract: id,
                    database: "origin",
                    channels: &[],
                    range: Some((gateway_now - Duration::hours(3), gateway_now)),
                };
                show_readings(session.as_mut(), &query, lang, json).await?;
            }
        } else {
            heading(lang, "Aktuelle Werte", "Current values");
            let query = ReadingsQuery {
                contract: id,
                database: "origin",
                channels: &[],
                range: None,
            };
            show_readings(session.as_mut(), &query, lang, json).await?;
        }
    }

    heading(
        lang,
        "Die letzten 10 Einträge des Letztverbraucher-Logbuchs",
        "The last 10 entries of the consumer logbook",
    );
    show_log(session.as_mut(), None, None, Some(10), lang, json).await?;

    session.disconnect().await;
    // Counted by the gateway: every request of the tour, logins and logout included.
    let stats = mock.stats();
    if !json {
        println!(
            "\n{}",
            match lang {
                Lang::De => format!(
                    "Fertig: {} TLS-Handshake(s), {} HTTP-Anfragen. Mit einem echten Gateway: durchblick --help.",
                    stats.tls_handshakes, stats.http_requests
                ),
                Lang::En => format!(
                    "Done: {} TLS handshake(s), {} HTTP requests. With a real gateway: durchblick --help.",
                    stats.tls_handshakes, stats.http_requests
                ),
            }
        );
    }
    mock.shutdown().await;
    Ok(())
}
