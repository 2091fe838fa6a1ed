//! `mock-smgw`: runs the mock gateway until killed.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// A CONEXA-style Smart Meter Gateway on loopback (for tests and the demo).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on; loopback only (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Scenario: a builtin name (demo, prosumer, multi-consumer, quirky-firmware, huge,
    /// ppc-demo for a PPC gateway, emh-demo for an EMH CASA 1.1 gateway) or a path to a
    /// scenario TOML file or directory.
    #[arg(long, default_value = "demo")]
    scenario: String,
    /// Serve the value lists and logbook of this AR 2418-6 XML file as the first consumer's
    /// TAF-7 contract.
    #[arg(long)]
    from_ar2418: Option<PathBuf>,
    /// Let the gateway's clock follow this computer's, as the program's demo does: the
    /// scenario's dates move by whole months so that its values reach up to now.
    #[arg(long)]
    follow_clock: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "mock-smgw: refusing to listen on {}: loopback addresses only",
            args.listen
        );
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mock-smgw: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let scenario = match mock_smgw::Scenario::load_or_builtin(
        &args.scenario,
        args.follow_clock.then(|| chrono::Utc::now().timestamp()),
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mock-smgw: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scenario = match args.from_ar2418 {
        Some(path) => match scenario.with_ar2418(&path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mock-smgw: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => scenario,
    };
    let mock = match mock_smgw::start(scenario, args.listen, mock_smgw::Options::default()).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("mock-smgw: {e}");
            return ExitCode::FAILURE;
        }
    };
    let line = serde_json::json!({
        "addr": mock.addr().to_string(),
        "fingerprint": mock.fingerprint_sha256(),
        "scenario": mock.scenario_name(),
    });
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    mock.shutdown().await;
    ExitCode::SUCCESS
}
