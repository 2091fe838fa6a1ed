//! Turning the connection options into a session: credentials from the environment or a
//! prompt (never from the command line), and the pinning dialogue.

use std::io::{BufRead, IsTerminal, Write};

use durchblick_core::connect::{connect, ConnectError, Connected};
use han_client::{Auth, ConexaGateway, Fingerprint};
use smgw_model::Lang;

use crate::args::ConnectArgs;
use crate::failure::{code, Failure};

/// Reads a secret from `var`, else asks on the terminal without echo.
fn secret(var: &str, prompt: &str, lang: Lang) -> Result<String, Failure> {
    if let Ok(value) = std::env::var(var) {
        return Ok(value);
    }
    // Ask only when a person can answer: with stdin redirected (scripts, CI) a prompt on
    // the controlling terminal would hang or surprise.
    let asked = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).ok()
    } else {
        None
    };
    asked.ok_or_else(|| {
        Failure::new(
            code::USAGE,
            lang,
            format!("Kein Passwort: bitte in der Umgebungsvariablen {var} angeben oder im Terminal eingeben."),
            format!("No password: set the environment variable {var} or run in a terminal to be asked."),
        )
    })
}

fn read_file(path: &std::path::Path, lang: Lang) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        Failure::new(
            code::AUTHENTICATION,
            lang,
            format!(
                "Die Schlüsseldatei {} lässt sich nicht lesen: {e}",
                path.display()
            ),
            format!("Cannot read the key file {}: {e}", path.display()),
        )
    })
}

/// The login the options describe.
pub fn auth(args: &ConnectArgs, lang: Lang) -> Result<Auth, Failure> {
    if let Some(path) = &args.p12 {
        let data = read_file(path, lang)?;
        let password = secret(
            "DURCHBLICK_P12_PASSWORD",
            lang.pick("Passwort der Schlüsseldatei: ", "Key file password: "),
            lang,
        )?;
        return Ok(Auth::Pkcs12 { data, password });
    }
    if let (Some(cert), Some(key)) = (&args.pem_cert, &args.pem_key) {
        return Ok(Auth::Pem {
            cert: read_file(cert, lang)?,
            key: read_file(key, lang)?,
        });
    }
    if let Some(user) = &args.user {
        let password = secret(
            "DURCHBLICK_PASSWORD",
            lang.pick("Passwort: ", "Password: "),
            lang,
        )?;
        return Ok(Auth::Digest {
            user: user.clone(),
            password,
        });
    }
    Err(Failure::new(
        code::USAGE,
        lang,
        "Bitte eine Anmeldung angeben: --user NAME (Benutzername und Passwort) oder --p12 DATEI (Schlüsseldatei).",
        "Please say how to log in: --user NAME (user name and password) or --p12 FILE (key file).",
    ))
}

fn ask_yes(question: &str) -> bool {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return false;
    }
    eprint!("{question} ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if stdin.lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(
        answer.trim().to_lowercase().as_str(),
        "j" | "ja" | "y" | "yes"
    )
}

fn bad_pin(lang: Lang, text: &str) -> Failure {
    Failure::new(
        code::USAGE,
        lang,
        format!(
            "--pin {text:?} ist kein SHA-256-Fingerabdruck (64 Hex-Ziffern, Doppelpunkte erlaubt)."
        ),
        format!("--pin {text:?} is not a SHA-256 fingerprint (64 hex digits, colons allowed)."),
    )
}

/// Connects with the remembered or given pin; on first contact shows the fingerprint and
/// remembers it only after the user confirmed (`--trust-on-first-use`, or "yes" at the
/// prompt).
pub async fn open(args: &ConnectArgs, lang: Lang) -> Result<ConexaGateway, Failure> {
    let auth = auth(args, lang)?;
    let pins = han_client::default_pin_path();
    let given = match &args.pin {
        Some(text) => Some(
            text.parse::<Fingerprint>()
                .map_err(|_| bad_pin(lang, text))?,
        ),
        None => None,
    };
    let attempt = |confirmed: Option<Fingerprint>| {
        connect(
            &args.host,
            args.port,
            auth.clone(),
            pins.as_deref(),
            confirmed,
        )
    };
    let connected = match attempt(given).await.map_err(|e| failure(&e, lang))? {
        Connected::NeedsConfirmation {
            fingerprint,
            subject,
        } => {
            eprintln!(
                "{}",
                match lang {
                    Lang::De => format!(
                        "Erster Kontakt mit {}:{}. Das Gateway zeigt dieses Zertifikat:\n  Inhaber: {subject}\n  SHA-256: {fingerprint}\nVergleichen Sie den Fingerabdruck mit den Angaben Ihres Messstellenbetreibers.",
                        args.host, args.port
                    ),
                    Lang::En => format!(
                        "First contact with {}:{}. The gateway presents this certificate:\n  Subject: {subject}\n  SHA-256: {fingerprint}\nCompare the fingerprint with what your meter operator told you.",
                        args.host, args.port
                    ),
                }
            );
            let confirmed = args.trust_on_first_use
                || ask_yes(lang.pick(
                    "Diesem Zertifikat vertrauen? [j/N]",
                    "Trust this certificate? [y/N]",
                ));
            if !confirmed {
                return Err(Failure::new(
                    code::CONNECTION,
                    lang,
                    format!("Nicht verbunden, weil das Zertifikat nicht bestätigt wurde. Zum Bestätigen erneut aufrufen mit --pin {fingerprint} (oder --trust-on-first-use)."),
                    format!("Not connected because the certificate was not confirmed. To confirm, run again with --pin {fingerprint} (or --trust-on-first-use)."),
                ));
            }
            attempt(Some(fingerprint))
                .await
                .map_err(|e| failure(&e, lang))?
        }
        session => session,
    };
    match connected {
        Connected::Session {
            gateway,
            remembered,
            ..
        } => {
            // The session stands; a pin that could not be remembered is asked for again
            // next time, so a warning is enough.
            if let Err(e) = remembered {
                eprintln!("{}", e.message(lang));
            }
            Ok(*gateway)
        }
        // The certificate was confirmed for this very attempt.
        Connected::NeedsConfirmation { fingerprint, .. } => Err(Failure::new(
            code::CONNECTION,
            lang,
            format!("Das Gateway zeigt ein anderes Zertifikat als eben ({fingerprint}). Bitte erneut versuchen."),
            format!("The gateway shows another certificate than a moment ago ({fingerprint}). Please try again."),
        )),
    }
}

fn failure(e: &ConnectError, lang: Lang) -> Failure {
    match e {
        ConnectError::Client(e) => Failure::client(e, lang),
        ConnectError::Pins(e) => {
            Failure::new(code::DATA, lang, e.message(Lang::De), e.message(Lang::En))
        }
    }
}
