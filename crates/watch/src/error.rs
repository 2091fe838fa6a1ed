//! What can go wrong while watching, in German and English.

use gateway::GatewayError;
use smgw_model::Lang;

/// Why watching stopped or a step failed.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// `--mqtt` is no broker URL.
    #[error("broker URL {url:?}: {why}")]
    BrokerUrl {
        /// As given.
        url: String,
        /// What is wrong (scheme, host, port, path, password).
        why: String,
    },
    /// The TLS set-up for the broker failed.
    #[error("broker TLS: {0}")]
    Tls(String),
    /// No connection to the gateway (message already in the user's language).
    #[error("{message}")]
    Connect {
        /// What the front door said.
        message: String,
        /// Trying again cannot help (e.g. no password given).
        fatal: bool,
    },
    /// The gateway failed to answer.
    #[error("{}", .0.message(Lang::En))]
    Gateway(#[from] GatewayError),
    /// The daily sync failed.
    #[error("{}", .0.message(Lang::En))]
    Sync(#[from] durchblick_sync::SyncError),
    /// `--once`: the broker did not take the messages in time.
    #[error("the MQTT broker did not acknowledge in time: {0}")]
    BrokerTimeout(String),
}

impl WatchError {
    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (WatchError::BrokerUrl { url, why }, Lang::De) => format!(
                "{url} ist keine Broker-Adresse ({why}). Erwartet: mqtt://host:1883 oder mqtts://host:8883, Benutzer optional als mqtt://benutzer@host; das Passwort kommt aus DURCHBLICK_MQTT_PASSWORD."
            ),
            (WatchError::BrokerUrl { url, why }, Lang::En) => format!(
                "{url} is no broker address ({why}). Expected: mqtt://host:1883 or mqtts://host:8883, a user optionally as mqtt://user@host; the password comes from DURCHBLICK_MQTT_PASSWORD."
            ),
            (WatchError::Tls(e), Lang::De) => {
                format!("TLS zum MQTT-Broker nicht einrichtbar: {e}. Bitte die CA-Datei prüfen.")
            }
            (WatchError::Tls(e), Lang::En) => {
                format!("Cannot set up TLS to the MQTT broker: {e}. Please check the CA file.")
            }
            (WatchError::Connect { message, .. }, _) => message.clone(),
            (WatchError::Gateway(e), _) => e.message(lang),
            (WatchError::Sync(e), _) => e.message(lang),
            (WatchError::BrokerTimeout(e), Lang::De) => format!(
                "Der MQTT-Broker hat die Nachrichten nicht rechtzeitig bestätigt ({e}). Läuft er, und stimmen Adresse und Zugangsdaten?"
            ),
            (WatchError::BrokerTimeout(e), Lang::En) => format!(
                "The MQTT broker did not acknowledge the messages in time ({e}). Is it running, and are address and login right?"
            ),
        }
    }
}
