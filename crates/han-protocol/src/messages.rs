//! Plain-language messages for TLS alerts and HTTP statuses, in German and English.

pub use smgw_model::Lang;

/// The call an HTTP status answered; some statuses mean different things per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    /// `GET /smgw/m2m`: discovering the consumer's address (307).
    Discover,
    /// `smgw-info`.
    SmgwInfo,
    /// `user-info`.
    UserInfo,
    /// `usage-point-info`.
    UsagePointInfo,
    /// `readings`.
    Readings,
    /// `log`.
    Log,
    /// `self-test`.
    SelfTest,
}

impl Call {
    /// The method name on the wire (`GET /smgw/m2m` for discovery).
    pub fn wire_name(self) -> &'static str {
        match self {
            Call::Discover => "GET /smgw/m2m",
            Call::SmgwInfo => "smgw-info",
            Call::UserInfo => "user-info",
            Call::UsagePointInfo => "usage-point-info",
            Call::Readings => "readings",
            Call::Log => "log",
            Call::SelfTest => "self-test",
        }
    }
}

fn pick(lang: Lang, de: &str, en: &str) -> String {
    lang.pick(de, en).to_owned()
}

/// The message for a TLS alert the gateway sent (or our TLS stack raised).
///
/// Codes follow RFC 5246/8446; unknown codes get a generic message that still names
/// the number so a technician can look it up.
pub fn tls_alert_message(code: u8, lang: Lang) -> String {
    match code {
        0 => pick(
            lang,
            "Das Gateway hat die Verbindung beendet (TLS close notify). Meist nach 10 Minuten \
             Leerlauf oder nach 48 Stunden Sitzungsdauer: einfach erneut verbinden.",
            "The gateway closed the connection (TLS close notify). Usually after 10 minutes \
             idle or 48 hours of session: simply connect again.",
        ),
        10 => pick(
            lang,
            "Das Gateway hat eine unerwartete Nachricht gemeldet (TLS-Alarm 10). Bitte neu \
             verbinden; tritt es wieder auf, das Programm aktualisieren.",
            "The gateway reported an unexpected message (TLS alert 10). Please reconnect; if \
             it happens again, update this program.",
        ),
        20 => pick(
            lang,
            "Die Verbindung wurde gestört (TLS-Alarm 20, fehlerhafte Prüfsumme). Bitte Kabel \
             und Netzwerkanschluss prüfen und neu verbinden.",
            "The connection was corrupted (TLS alert 20, bad record MAC). Please check the \
             cable and network port and reconnect.",
        ),
        40 => pick(
            lang,
            "Der Verbindungsaufbau wurde abgelehnt (TLS-Alarm 40). Meist passt das \
             Client-Zertifikat nicht zu diesem Gateway oder kein gemeinsames Verfahren wurde \
             gefunden: Zertifikatsdatei prüfen oder mit Benutzername und Passwort anmelden.",
            "The handshake was refused (TLS alert 40). Usually the client certificate does \
             not match this gateway or no common cipher was found: check the certificate file \
             or log in with user name and password.",
        ),
        41 => pick(
            lang,
            "Das Gateway verlangt ein Client-Zertifikat (TLS-Alarm 41). Bitte die \
             PKCS#12-Datei vom Messstellenbetreiber auswählen.",
            "The gateway requires a client certificate (TLS alert 41). Please choose the \
             PKCS#12 file from the meter operator.",
        ),
        42..=46 | 48 | 49 => pick(
            lang,
            "Das Gateway hat das Client-Zertifikat abgelehnt. Bitte prüfen, ob die richtige \
             und noch gültige Zertifikatsdatei gewählt ist.",
            "The gateway rejected the client certificate. Please check that the right file, \
             still valid, is chosen.",
        ),
        70 => pick(
            lang,
            "Das Gateway lehnt die TLS-Version ab (TLS-Alarm 70). Es spricht nur TLS 1.2; bitte \
             das Programm aktualisieren.",
            "The gateway refuses the TLS version (TLS alert 70). It speaks only TLS 1.2; please \
             update this program.",
        ),
        86 => pick(
            lang,
            "Das Gateway hat einen Rückfall auf ein älteres Verfahren abgelehnt (TLS-Alarm 86). \
             Bitte neu verbinden.",
            "The gateway refused a fallback to an older protocol (TLS alert 86). Please \
             reconnect.",
        ),
        100 => pick(
            lang,
            "Das Gateway erlaubt keine Neuverhandlung der Verbindung (TLS-Alarm 100). Bitte \
             neu verbinden.",
            "The gateway does not allow renegotiation (TLS alert 100). Please reconnect.",
        ),
        112 => pick(
            lang,
            "Das Gateway kennt den angefragten Namen nicht (TLS-Alarm 112). Bitte mit der \
             IP-Adresse statt mit einem Namen verbinden.",
            "The gateway does not know the requested name (TLS alert 112). Please connect by \
             IP address instead of a name.",
        ),
        115 => pick(
            lang,
            "Das Gateway kennt die angebotene Kennung nicht (TLS-Alarm 115). Bitte mit \
             Zertifikat oder Benutzername und Passwort anmelden.",
            "The gateway does not know the offered identity (TLS alert 115). Please log in \
             with a certificate or user name and password.",
        ),
        120 => pick(
            lang,
            "Das Gateway unterstützt das angefragte Anwendungsprotokoll nicht (TLS-Alarm 120). \
             Bitte das Programm aktualisieren.",
            "The gateway does not support the requested application protocol (TLS alert 120). \
             Please update this program.",
        ),
        other => match lang {
            Lang::De => format!(
                "Das Gateway hat die Verbindung mit TLS-Alarm {other} abgebrochen. Bitte neu \
                 verbinden; bleibt der Fehler, diese Nummer dem Messstellenbetreiber nennen."
            ),
            Lang::En => format!(
                "The gateway aborted the connection with TLS alert {other}. Please reconnect; if \
                 it persists, give this number to the meter operator."
            ),
        },
    }
}

/// The message for an HTTP status that answered `call`.
pub fn http_status_message(status: u16, call: Call, lang: Lang) -> String {
    match (status, call) {
        (400, Call::Readings) => pick(
            lang,
            "Das Gateway hat die Abfrage nicht verstanden (400). Häufigste Ursache: der \
             Zeitraum ist länger als 31 Tage. Bitte einen kürzeren Zeitraum wählen.",
            "The gateway did not understand the request (400). Most common cause: the range \
             is longer than 31 days. Please choose a shorter range.",
        ),
        (400, _) => pick(
            lang,
            "Das Gateway hat die Anfrage nicht verstanden (400). Bitte das Programm \
             aktualisieren; bleibt der Fehler, die Meldung weitergeben.",
            "The gateway did not understand the request (400). Please update this program; \
             if it persists, pass this message on.",
        ),
        (401, _) => pick(
            lang,
            "Anmeldung abgelehnt (401): Benutzername, Passwort oder Zertifikat stimmen nicht. \
             Bitte die Zugangsdaten vom Messstellenbetreiber prüfen.",
            "Login refused (401): user name, password or certificate do not match. Please \
             check the credentials from the meter operator.",
        ),
        (403, Call::SelfTest) => pick(
            lang,
            "Selbsttest gesperrt: ein Selbsttest lief vor weniger als 10 Minuten. Bitte \
             warten und danach erneut starten; das Ergebnis steht im Logbuch.",
            "Self-test locked: a self-test ran less than 10 minutes ago. Please wait and \
             start it again afterwards; the result appears in the logbook.",
        ),
        (403, _) => pick(
            lang,
            "Zugriff verweigert (403): diese Daten gehören nicht zu Ihrem Zugang. Bitte den \
             richtigen Vertrag wählen oder den Messstellenbetreiber fragen.",
            "Access denied (403): these data do not belong to your account. Please choose \
             the right contract or ask the meter operator.",
        ),
        (404, _) => pick(
            lang,
            "Adresse nicht gefunden (404). Das Gerät ist vermutlich kein Smart-Meter-Gateway \
             oder die Verbraucher-Schnittstelle ist anders eingerichtet. Bitte IP-Adresse und \
             Anschluss prüfen.",
            "Address not found (404). The device is probably not a smart meter gateway or its \
             consumer interface is set up differently. Please check the IP address and port.",
        ),
        (405, _) => pick(
            lang,
            "Das Gateway lehnt die Anfrageart ab (405). Bitte das Programm aktualisieren.",
            "The gateway refuses the request method (405). Please update this program.",
        ),
        (500, _) => pick(
            lang,
            "Interner Fehler im Gateway (500). Bitte in einigen Minuten erneut versuchen; \
             bleibt der Fehler, den Messstellenbetreiber informieren.",
            "Internal error in the gateway (500). Please try again in a few minutes; if it \
             persists, inform the meter operator.",
        ),
        (s, c) => match lang {
            Lang::De => format!(
                "Unerwartete Antwort des Gateways (HTTP {s}) auf {}. Bitte erneut versuchen; \
                 bleibt der Fehler, die Meldung weitergeben.",
                c.wire_name()
            ),
            Lang::En => format!(
                "Unexpected answer from the gateway (HTTP {s}) to {}. Please try again; if it \
                 persists, pass this message on.",
                c.wire_name()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALERTS: [u8; 11] = [0, 10, 20, 40, 41, 70, 86, 100, 112, 115, 120];

    #[test]
    fn every_listed_alert_has_a_specific_message_in_both_languages() {
        let generic_de = tls_alert_message(250, Lang::De);
        let mut seen = std::collections::HashSet::new();
        for code in ALERTS {
            let de = tls_alert_message(code, Lang::De);
            let en = tls_alert_message(code, Lang::En);
            assert_ne!(de, en, "alert {code}");
            assert_ne!(
                de, generic_de,
                "alert {code} falls back to the generic text"
            );
            assert!(
                seen.insert(de),
                "alert {code} shares its text with another alert"
            );
        }
        assert!(generic_de.contains("250"));
    }

    #[test]
    fn self_test_403_explains_the_cool_down() {
        let de = http_status_message(403, Call::SelfTest, Lang::De);
        assert!(
            de.starts_with("Selbsttest gesperrt: ein Selbsttest lief vor weniger als 10 Minuten")
        );
        let other = http_status_message(403, Call::Readings, Lang::De);
        assert_ne!(de, other);
        assert!(http_status_message(403, Call::SelfTest, Lang::En).contains("10 minutes"));
    }

    #[test]
    fn statuses_are_distinguished_and_unknown_ones_name_the_number() {
        let texts: Vec<String> = [400u16, 401, 403, 404, 405, 500]
            .iter()
            .map(|s| http_status_message(*s, Call::UserInfo, Lang::En))
            .collect();
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert!(http_status_message(400, Call::Readings, Lang::De).contains("31 Tage"));
        let odd = http_status_message(418, Call::Log, Lang::De);
        assert!(odd.contains("418") && odd.contains("log"));
    }
}
