//! Turning the connection options into a session: credentials from the environment or a
//! prompt (never from the command line), and the pinning dialogue.

use std::io::{BufRead, IsTerminal, Write};

use durchblick_core::connect::{connect, ConnectError, Connected, Target};
use durchblick_core::{Problem, Vendor};
use gateway::Gateway;
use han_client::{Auth, Fingerprint};
use smgw_model::Lang;

use crate::args::ConnectArgs;
use crate::failure::{code, CliProblem, Failure};

/// Reads a secret from `var`, else asks on the terminal without echo.
fn secret(var: &'static str, prompt: &str, lang: Lang) -> Result<String, Failure> {
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
    asked.ok_or_else(|| CliProblem::NoPassword { var }.failure(lang))
}

fn read_file(path: &std::path::Path, lang: Lang) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        Failure::problem(
            &Problem::KeyFileUnreadable {
                path: path.to_owned(),
                reason: e.to_string(),
            },
            lang,
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
        warn_typos(&password, lang);
        return Ok(Auth::Digest {
            user: user.clone(),
            password,
        });
    }
    Err(CliProblem::NoLogin.failure(lang))
}

/// Says on stderr what in the password looks like a copying mistake, before the gateway
/// sees it (a wrong password counts towards the gateway's login lock).
fn warn_typos(password: &str, lang: Lang) {
    let hints = durchblick_core::credentials::typo_hints(password);
    if hints.is_empty() {
        return;
    }
    let note = lang.pick("Hinweis", "Note");
    for hint in hints {
        eprintln!("{note}: {}", hint.message(lang));
    }
    eprintln!(
        "{note}: {}",
        durchblick_core::credentials::TypoHint::why(lang)
    );
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

/// Connects with the remembered or given pin; on first contact shows the fingerprint and
/// remembers it only after the user confirmed (`--trust-on-first-use`, or "yes" at the
/// prompt).
pub async fn open(
    args: &ConnectArgs,
    allow_self_test_reboot: bool,
    lang: Lang,
) -> Result<Box<dyn Gateway>, Failure> {
    let auth = auth(args, lang)?;
    let target = Target {
        host: args.host.clone(),
        port: args.port,
        vendor: args.vendor.into(),
        allow_self_test_reboot,
    };
    let pins = han_client::default_pin_path();
    let given = match &args.pin {
        Some(text) => Some(
            text.parse::<Fingerprint>()
                .map_err(|_| CliProblem::BadPin { text: text.clone() }.failure(lang))?,
        ),
        None => None,
    };
    let attempt =
        |confirmed: Option<Fingerprint>| connect(&target, auth.clone(), pins.as_deref(), confirmed);
    let connected = match attempt(given)
        .await
        .map_err(|e| failure(&e, target.vendor, lang))?
    {
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
                return Err(CliProblem::NotConfirmed {
                    fingerprint: fingerprint.to_string(),
                }
                .failure(lang));
            }
            attempt(Some(fingerprint))
                .await
                .map_err(|e| failure(&e, target.vendor, lang))?
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
            Ok(gateway)
        }
        // The certificate was confirmed for this very attempt.
        Connected::NeedsConfirmation { fingerprint, .. } => Err(Failure::problem(
            &Problem::CertificateChangedMeanwhile {
                fingerprint: fingerprint.to_string(),
            },
            lang,
        )),
    }
}

/// Not reached at all: how gateways of this maker are reached (PPC does not answer ping,
/// EMH lives on IPv6, …) is the most useful next step.
fn with_connection_help(mut failure: Failure, vendor: Vendor, lang: Lang) -> Failure {
    if failure.code == code::CONNECTION {
        failure.message = format!("{}\n{}", failure.message, vendor.connection_help(lang));
    }
    failure
}

fn failure(e: &ConnectError, vendor: Vendor, lang: Lang) -> Failure {
    match e {
        ConnectError::Client(e) => with_connection_help(Failure::client(e, lang), vendor, lang),
        ConnectError::Gateway(e) => with_connection_help(Failure::gateway(e, lang), vendor, lang),
        ConnectError::Pins(_) => Failure {
            code: code::DATA,
            message: e.message(lang),
        },
        ConnectError::PasswordOnly(_) => Failure {
            code: code::AUTHENTICATION,
            message: e.message(lang),
        },
    }
}
