//! Errors of a sync run, with messages in German and English.

use gateway::GatewayError;
use smgw_model::Lang;

/// Why a sync run stopped. Everything stored before the error stays in the archive; the
/// next run resumes where this one stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Talking to the gateway failed (connection, TLS, login, refusal, an unreadable
    /// answer).
    #[error("{}", .0.message(Lang::En))]
    Gateway(#[from] GatewayError),
    /// The archive could not be written or read.
    #[error("archive: {0}")]
    Archive(#[from] archive::ArchiveError),
    /// `smgw-info` carried no `smgw-time`: without the gateway's clock the sync cannot
    /// know up to when values exist.
    #[error("the gateway did not report its time (smgw-time)")]
    NoGatewayTime,
    /// A values answer named a channel that the contract's description did not describe,
    /// so its values cannot be scaled.
    #[error("contract {contract}, value list {database}: channel {channel:?} is not described by usage-point-info, so its values cannot be scaled")]
    UnknownChannel {
        /// The usage point id.
        contract: String,
        /// The value list.
        database: String,
        /// The channel name as sent.
        channel: String,
    },
    /// The user cancelled; the archive holds everything completed before.
    #[error("cancelled")]
    Cancelled,
    /// A background write task ended abnormally (only possible if it panicked).
    #[error("an archive write task failed: {0}")]
    Task(String),
}

impl SyncError {
    /// What happened and what to do, in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        let resume = lang.pick(
            "Alles bis dahin Gelesene ist gespeichert; der nächste Abgleich macht dort weiter.",
            "Everything read so far is stored; the next sync continues from there.",
        );
        match self {
            SyncError::Gateway(e) => format!("{} {resume}", e.message(lang)),
            SyncError::Archive(e) => e.message(lang),
            SyncError::NoGatewayTime => lang
                .pick(
                    "Das Gateway hat seine Uhrzeit (smgw-time) nicht gemeldet; ohne sie ist unklar, bis wann Werte vorliegen. Bitte später erneut versuchen.",
                    "The gateway did not report its time (smgw-time); without it the sync cannot tell up to when values exist. Please try again later.",
                )
                .to_owned(),
            SyncError::UnknownChannel {
                contract,
                database,
                channel,
            } => match lang {
                Lang::De => format!(
                    "Vertrag {contract}, Werteliste {database}: Der Kanal {channel} fehlt in der Vertragsbeschreibung (usage-point-info), seine Werte lassen sich nicht skalieren. Das Gateway widerspricht sich; bitte den Messstellenbetreiber fragen. {resume}"
                ),
                Lang::En => format!(
                    "Contract {contract}, value list {database}: channel {channel} is missing from the contract description (usage-point-info), so its values cannot be scaled. The gateway contradicts itself; please ask the meter operator. {resume}"
                ),
            },
            SyncError::Cancelled => format!(
                "{} {resume}",
                lang.pick("Abgebrochen.", "Cancelled.")
            ),
            SyncError::Task(e) => match lang {
                Lang::De => format!("Interner Fehler beim Schreiben ins Archiv: {e}"),
                Lang::En => format!("Internal error while writing to the archive: {e}"),
            },
        }
    }

    /// Whether the run stopped because the user cancelled it.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            SyncError::Cancelled | SyncError::Gateway(GatewayError::Cancelled)
        )
    }
}
