//! The one error type every command returns: what happened and what to do, in German and
//! English, so that the window can switch language without asking again.

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

    /// No session: the user has to connect first.
    pub fn not_connected() -> Self {
        UiError::new(
            ErrorKind::NotConnected,
            "Keine Verbindung zu einem Gateway. Bitte zuerst verbinden.",
            "Not connected to a gateway. Please connect first.",
        )
    }

    /// A local failure (file, settings) with its cause.
    pub fn local(what_de: &str, what_en: &str, cause: &dyn std::fmt::Display) -> Self {
        UiError::new(
            ErrorKind::Local,
            format!("{what_de}: {cause}"),
            format!("{what_en}: {cause}"),
        )
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
