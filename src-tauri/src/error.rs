//! The one error type every command returns: what happened and what to do, in German and
//! English, so that the window can switch language without asking again.

use durchblick_core::Problem;
use gateway::GatewayError;
use han_client::{ClientError, ErrorCategory};
use serde::Serialize;
use smgw_model::Lang;

/// What kind of failure, for the window's choice of colour and follow-up action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The gateway could not be reached or TLS failed.
    Connection,
    /// Login failed (password, key file).
    Authentication,
    /// The gateway presents another certificate than the pinned one.
    CertificateChanged,
    /// The gateway refused a request.
    GatewayRefused,
    /// The self-test ran less than 10 minutes ago.
    SelfTestLocked,
    /// An answer or a file could not be used.
    Data,
    /// The user cancelled.
    Cancelled,
    /// A command needs a session and there is none.
    NotConnected,
    /// The connection is in use by a sync; try again after it.
    Busy,
    /// Something on this computer failed (files, settings).
    Local,
}

/// A failure as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{en}")]
pub struct UiError {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// German message (what happened, what to do).
    pub de: String,
    /// English message.
    pub en: String,
    /// For a changed certificate: the pinned fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
    /// For a changed certificate: the fingerprint presented now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presented: Option<String>,
}

impl UiError {
    /// An error of `kind` with both messages.
    pub fn new(kind: ErrorKind, de: impl Into<String>, en: impl Into<String>) -> Self {
        UiError {
            kind,
            de: de.into(),
            en: en.into(),
            pinned: None,
            presented: None,
        }
    }

    /// The message in one language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::De => &self.de,
            Lang::En => &self.en,
        }
    }

    /// An error whose message comes from a library error in the language asked for.
    pub fn in_both(kind: ErrorKind, message: impl Fn(Lang) -> String) -> Self {
        UiError::new(kind, message(Lang::De), message(Lang::En))
    }

    /// A problem with what the user gave, with the core's message.
    pub fn problem(problem: &Problem) -> Self {
        UiError::in_both(ErrorKind::of(problem.category()), |lang| {
            problem.message(lang)
        })
    }

    /// No session: the user has to connect first.
    pub fn not_connected() -> Self {
        Refusal::NotConnected.into()
    }
}

/// What only the window says: its messages name its screens and dialogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The connect screen's address field is empty.
    NoAddress,
    /// A command needs a session and there is none.
    NotConnected,
    /// A sync uses the connection.
    SyncRunning,
    /// The demo gateway keeps its own archive.
    DemoArchiveOnly,
    /// The file to save as a chart is no SVG.
    NotAChart,
    /// Rows of a values answer were asked for after a newer answer replaced it.
    ValuesReplaced,
    /// A file the window asked for by its token is not held (any more).
    FileNotHeld,
    /// A place to write the window named by its token was not chosen (or is forgotten).
    PlaceNotChosen,
    /// A file the user picked could not be read.
    FileUnreadable {
        /// Why.
        reason: String,
    },
    /// Files could not be written.
    ExportFailed {
        /// Why.
        reason: String,
    },
    /// A bug: a task panicked or a lock is poisoned.
    Internal {
        /// What is known.
        reason: String,
    },
}

impl Refusal {
    fn kind(&self) -> ErrorKind {
        match self {
            Refusal::NoAddress => ErrorKind::Connection,
            Refusal::NotConnected => ErrorKind::NotConnected,
            Refusal::SyncRunning => ErrorKind::Busy,
            Refusal::NotAChart
            | Refusal::ValuesReplaced
            | Refusal::FileNotHeld
            | Refusal::PlaceNotChosen => ErrorKind::Data,
            Refusal::FileUnreadable { .. } => ErrorKind::Local,
            Refusal::DemoArchiveOnly | Refusal::ExportFailed { .. } | Refusal::Internal { .. } => {
                ErrorKind::Local
            }
        }
    }

    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::NoAddress, Lang::De) => {
                "Bitte die Adresse des Gateways angeben (z. B. 192.168.1.100).".to_owned()
            }
            (Refusal::NoAddress, Lang::En) => {
                "Please enter the gateway's address (e.g. 192.168.1.100).".to_owned()
            }
            (Refusal::NotConnected, Lang::De) => {
                "Keine Verbindung zu einem Gateway. Bitte zuerst verbinden.".to_owned()
            }
            (Refusal::NotConnected, Lang::En) => {
                "Not connected to a gateway. Please connect first.".to_owned()
            }
            (Refusal::SyncRunning, Lang::De) => "Gerade läuft ein Abgleich mit dem Gateway. Bitte warten, bis er fertig ist, oder ihn unter „Archiv“ abbrechen.".to_owned(),
            (Refusal::SyncRunning, Lang::En) => "A sync with the gateway is running. Please wait until it is done, or cancel it under “Archive”.".to_owned(),
            (Refusal::DemoArchiveOnly, Lang::De) => "Mit dem Demo-Gateway wird immer das Demo-Archiv benutzt, damit erfundene Werte nie in Ihr Archiv gelangen. Bitte zuerst trennen.".to_owned(),
            (Refusal::DemoArchiveOnly, Lang::En) => "The demo gateway always uses the demo archive, so that invented values never get into your archive. Please disconnect first.".to_owned(),
            (Refusal::NotAChart, Lang::De) => "Das ist kein Diagramm (SVG).".to_owned(),
            (Refusal::NotAChart, Lang::En) => "That is not a chart (SVG).".to_owned(),
            (Refusal::ValuesReplaced, Lang::De) => "Diese Werte sind nicht mehr geladen (eine neuere Abfrage hat sie ersetzt). Bitte „Anzeigen“ erneut wählen.".to_owned(),
            (Refusal::ValuesReplaced, Lang::En) => "These values are no longer loaded (a newer request replaced them). Please choose “Show” again.".to_owned(),
            (Refusal::FileNotHeld, Lang::De) => "Die gewählte Datei ist nicht mehr geladen. Bitte sie erneut wählen.".to_owned(),
            (Refusal::FileNotHeld, Lang::En) => "The chosen file is no longer loaded. Please choose it again.".to_owned(),
            (Refusal::PlaceNotChosen, Lang::De) => "Der Speicherort ist nicht (mehr) gewählt. Bitte ihn erneut wählen.".to_owned(),
            (Refusal::PlaceNotChosen, Lang::En) => "The place to save to is not chosen (any more). Please choose it again.".to_owned(),
            (Refusal::FileUnreadable { reason }, Lang::De) => format!(
                "Die Datei ließ sich nicht lesen: {reason}. Bitte eine andere Datei wählen oder die Rechte prüfen."
            ),
            (Refusal::FileUnreadable { reason }, Lang::En) => format!(
                "The file could not be read: {reason}. Please choose another file or check its permissions."
            ),
            (Refusal::ExportFailed { reason }, Lang::De) => format!(
                "Der Export ist fehlgeschlagen: {reason}. Bitte einen anderen Speicherort wählen oder freien Platz prüfen."
            ),
            (Refusal::ExportFailed { reason }, Lang::En) => format!(
                "The export failed: {reason}. Please choose another place or check the free space."
            ),
            (Refusal::Internal { reason }, Lang::De) => {
                format!("Interner Fehler ({reason}). Bitte das Programm neu starten.")
            }
            (Refusal::Internal { reason }, Lang::En) => {
                format!("Internal error ({reason}). Please restart the program.")
            }
        }
    }
}

impl From<Refusal> for UiError {
    fn from(r: Refusal) -> Self {
        UiError::in_both(r.kind(), |lang| r.message(lang))
    }
}

impl ErrorKind {
    /// The kind of an error category.
    fn of(category: ErrorCategory) -> ErrorKind {
        match category {
            ErrorCategory::Connection => ErrorKind::Connection,
            ErrorCategory::Authentication => ErrorKind::Authentication,
            ErrorCategory::GatewayRefused => ErrorKind::GatewayRefused,
            ErrorCategory::Data => ErrorKind::Data,
            ErrorCategory::Cancelled => ErrorKind::Cancelled,
        }
    }
}

impl From<ClientError> for UiError {
    fn from(e: ClientError) -> Self {
        UiError::from_client(&e)
    }
}

impl UiError {
    /// The window's form of a client error (kind, messages, fingerprints).
    pub fn from_client(e: &ClientError) -> Self {
        let kind = match e {
            ClientError::CertificateChanged { .. } => ErrorKind::CertificateChanged,
            ClientError::SelfTestLocked => ErrorKind::SelfTestLocked,
            _ => ErrorKind::of(e.category()),
        };
        let mut ui = UiError::new(kind, e.message(Lang::De), e.message(Lang::En));
        if let ClientError::CertificateChanged {
            pinned, presented, ..
        } = e
        {
            ui.pinned = Some(pinned.to_hex());
            ui.presented = Some(presented.to_hex());
        }
        ui
    }
}

impl From<GatewayError> for UiError {
    fn from(e: GatewayError) -> Self {
        UiError::from_gateway(&e)
    }
}

impl UiError {
    /// The window's form of an error of the gateway interface: the maker's own error
    /// where there is one (it knows about certificates and the self-test lock).
    pub fn from_gateway(e: &GatewayError) -> Self {
        if let Some(client) = e.maker_error::<ClientError>() {
            return UiError::from_client(client);
        }
        UiError::new(
            ErrorKind::of(e.category()),
            e.message(Lang::De),
            e.message(Lang::En),
        )
    }
}

/// The library's sentence, ended with a full stop so that the advice can follow.
fn sentence(text: String) -> String {
    if text.ends_with(['.', '!', '?']) {
        text
    } else {
        text + "."
    }
}

impl From<tariff::from_ar2418::AdapterError> for UiError {
    fn from(e: tariff::from_ar2418::AdapterError) -> Self {
        UiError::new(
            ErrorKind::Data,
            format!(
                "Die Rechnung lässt sich nicht prüfen: {} Bitte die Lieferantendatei (IF_Lieferant_TRuDI) und die Gerätedatei (Messwerte des Gateways) wählen.",
                sentence(e.message_de())
            ),
            format!(
                "The bill cannot be checked: {} Please choose the supplier file (IF_Lieferant_TRuDI) and the device file (the gateway's values).",
                sentence(e.message_en())
            ),
        )
    }
}
