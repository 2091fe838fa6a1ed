//! The command line, as clap sees it. Only this crate knows clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Read, check and keep what your Smart Meter Gateway holds about you.
///
/// Connect a laptop to the gateway's HAN port, then e.g.
/// `durchblick info --host 192.200.1.100 --user NAME`.
/// Passwords are never taken from the command line: they come from the environment
/// variables DURCHBLICK_PASSWORD / DURCHBLICK_P12_PASSWORD or from a prompt.
#[derive(Debug, Parser)]
#[command(name = "durchblick", version, max_term_width = 100)]
pub struct Cli {
    /// Language of messages and tables (default: from the locale; German if it is German).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,

    /// Print machine-readable JSON instead of tables (the format is documented and stable).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Gateway makers.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum VendorArg {
    /// Find out on connect.
    Auto,
    /// Theben CONEXA (JSON below /smgw/m2m; user name and password, or key file).
    Conexa,
    /// PPC (web application at /cgi-bin/hanservice.cgi; default address 192.168.1.200).
    Ppc,
    /// EMH CASA (JSON below /json/; smgw.local or 192.168.33.2).
    Emh,
}

impl From<VendorArg> for durchblick_core::Vendor {
    fn from(v: VendorArg) -> Self {
        match v {
            VendorArg::Auto => durchblick_core::Vendor::Auto,
            VendorArg::Conexa => durchblick_core::Vendor::Conexa,
            VendorArg::Ppc => durchblick_core::Vendor::Ppc,
            VendorArg::Emh => durchblick_core::Vendor::Emh,
        }
    }
}

/// Languages of messages.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    /// Deutsch
    De,
    /// English
    En,
}

/// How to reach and log in to the gateway.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Address of the gateway's HAN port (IPv4/IPv6 address or host name).
    #[arg(long, env = "DURCHBLICK_HOST")]
    pub host: String,

    /// TCP port of the gateway.
    #[arg(long, default_value_t = 443)]
    pub port: u16,

    /// Whose HAN interface the gateway speaks; `auto` finds out (two requests without
    /// credentials). PPC and EMH gateways log in with user name and password.
    #[arg(long, value_enum, default_value = "auto", env = "DURCHBLICK_VENDOR")]
    pub vendor: VendorArg,

    /// User name for HTTP Digest login; the password comes from DURCHBLICK_PASSWORD or a prompt.
    #[arg(long, conflicts_with_all = ["p12", "pem_cert"])]
    pub user: Option<String>,

    /// PKCS#12 key file (.p12/.pfx) from the meter operator; its password comes from
    /// DURCHBLICK_P12_PASSWORD or a prompt.
    #[arg(long, value_name = "FILE", conflicts_with = "pem_cert")]
    pub p12: Option<PathBuf>,

    /// Client certificate as PEM (alternative to --p12); needs --pem-key.
    #[arg(long, value_name = "FILE", requires = "pem_key")]
    pub pem_cert: Option<PathBuf>,

    /// Private key as PEM (PKCS#8 or SEC1), unencrypted, for --pem-cert.
    #[arg(long, value_name = "FILE", requires = "pem_cert")]
    pub pem_key: Option<PathBuf>,

    /// Accept only a gateway certificate with this SHA-256 fingerprint (hex, colons allowed)
    /// and remember it.
    #[arg(long, value_name = "SHA256", conflicts_with = "trust_on_first_use")]
    pub pin: Option<String>,

    /// On first contact, accept and remember the gateway's certificate. A changed
    /// certificate is still refused.
    #[arg(long)]
    pub trust_on_first_use: bool,
}

/// The value lists of a contract.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DatabaseArg {
    /// Original value list (15-minute values as measured).
    Origin,
    /// Derived value list.
    Derived,
    /// Tariff-switch value list (TAF-2).
    Calculated,
    /// Daily values.
    Daily,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Facts about the gateway: id, state, time, firmware, certificates.
    Info(ConnectArgs),
    /// Your contracts (tariff use cases, TAF) on this gateway.
    Contracts(ConnectArgs),
    /// Channels (OBIS, unit, scaler) of every value list of one contract.
    Channels {
        #[command(flatten)]
        connect: ConnectArgs,
        /// The contract's usage point id (see `contracts`).
        #[arg(long)]
        contract: String,
    },
    /// Meter values of one contract.
    Readings {
        #[command(flatten)]
        connect: ConnectArgs,
        /// The contract's usage point id (see `contracts`).
        #[arg(long)]
        contract: String,
        /// Which value list.
        #[arg(long, value_enum, default_value_t = DatabaseArg::Origin)]
        database: DatabaseArg,
        /// Only this channel (OBIS, e.g. 1-0:1.8.0*255 or 0100010800ff).
        #[arg(long)]
        channel: Option<String>,
        /// Values after this time (local time unless a zone is given; default: 1 day back).
        #[arg(long)]
        from: Option<String>,
        /// Values up to and including this time (default: now).
        #[arg(long)]
        to: Option<String>,
        /// Only the newest value of each channel.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        last: bool,
    },
    /// The consumer logbook.
    Log {
        #[command(flatten)]
        connect: ConnectArgs,
        /// Entries at or after this time.
        #[arg(long)]
        from: Option<String>,
        /// Entries before this time.
        #[arg(long)]
        to: Option<String>,
    },
    /// Start the gateway's self-test (at most once every 10 minutes); the result appears in
    /// the logbook. On PPC gateways the self-test reboots the gateway: it runs only with
    /// --confirm-reboot.
    SelfTest {
        #[command(flatten)]
        connect: ConnectArgs,
        /// Allow a self-test that reboots the gateway (PPC): the HAN port is gone for some
        /// minutes, and a gateway that does not come back needs its operator.
        #[arg(long)]
        confirm_reboot: bool,
    },
    /// Check a supplier's bill (TAF-1/TAF-2): recompute the energy per tariff stage from the
    /// meter's own original value lists in an AR 2418-6 device file (e.g. a TRuDI export).
    Bill {
        /// Device file with the original value lists (AR 2418-6 XML).
        #[arg(long, value_name = "FILE.xml", required_unless_present = "archive")]
        device: Option<PathBuf>,
        /// Take the original value list from the archive instead: the contract of the tariff
        /// file's metering point (and tariff name).
        #[arg(long, value_name = "FILE", conflicts_with = "device")]
        archive: Option<PathBuf>,
        /// The supplier's tariff file and, with `--archive`, optionally the contract.
        #[command(flatten)]
        supplier: BillSupplier,
    },
    /// Start the bundled demo gateway on 127.0.0.1 and take a short tour of it.
    Demo {
        /// Whose gateway the demo imitates.
        #[arg(long, value_enum, default_value = "conexa")]
        vendor: VendorArg,
    },
    /// Copy everything the gateway holds about you into the local archive. Only what is
    /// new since the last sync is read; an interrupted sync continues where it stopped.
    Sync {
        #[command(flatten)]
        connect: ConnectArgs,
        /// The archive file (default: durchblick/archive.sqlite in the user's data directory).
        #[arg(long, value_name = "FILE")]
        archive: Option<PathBuf>,
    },
    /// Export what the archive holds: AR 2418-6 XML, CSV, JSON, SVG charts or the complete
    /// decommissioning bundle (a directory or .zip with checksums).
    Export(crate::export_cmd::ExportArgs),
    /// Check a bundle against its checksums (exit code 6 if a file was changed, is missing
    /// or was added).
    Verify(crate::export_cmd::VerifyArgs),
    /// Load an AR 2418-6 file (a TRuDI export or our own) into the archive; values already
    /// there are skipped, different ones kept as conflicts.
    Import(crate::export_cmd::ImportArgs),
    /// Run unattended: read current values every 15 minutes (never faster than the
    /// gateway allows), publish them to an MQTT broker with Home Assistant discovery, sync
    /// the archive once a day, wait out outages; stops on Ctrl-C/SIGTERM. Broker password
    /// from DURCHBLICK_MQTT_PASSWORD; gateway passwords as for the other commands, or from
    /// the systemd credentials `durchblick-password` / `durchblick-p12-password`.
    Watch {
        #[command(flatten)]
        connect: ConnectArgs,
        /// The broker: mqtt://host:1883 or mqtts://host:8883 (user optionally as
        /// mqtt://user@host).
        #[arg(long, value_name = "URL", env = "DURCHBLICK_MQTT")]
        mqtt: String,
        /// Extra CA certificates (PEM) to trust for mqtts://.
        #[arg(long, value_name = "FILE")]
        mqtt_ca: Option<PathBuf>,
        /// Minutes between two reads of current values (at least 15, and at least the
        /// pause the gateway's maker needs).
        #[arg(long, value_name = "MINUTES", default_value_t = 15)]
        interval: u64,
        /// The archive file synced once a day (default: durchblick/archive.sqlite in the
        /// user's data directory).
        #[arg(long, value_name = "FILE")]
        archive: Option<PathBuf>,
        /// Do not sync the archive; only publish.
        #[arg(long, conflicts_with = "archive")]
        no_archive: bool,
        /// Read once, publish, wait for the broker's acknowledgement and exit.
        #[arg(long)]
        once: bool,
    },
    /// The local archive.
    Archive {
        #[command(subcommand)]
        command: ArchiveCommand,
    },
    /// Print a shell completion script, e.g. `durchblick completions bash >
    /// /etc/bash_completion.d/durchblick` (zsh: into a directory of $fpath as `_durchblick`;
    /// PowerShell: add the output to $PROFILE).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (durchblick.1 and one per command) into a directory; the
    /// Linux packages install them.
    #[command(hide = true)]
    Man {
        /// The directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// What to do with the archive.
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// What the archive holds per gateway, consumer, contract, value list and channel:
    /// first and last value, count, gaps, conflicts, last sync; and the logbook.
    Status {
        /// The archive file (default: durchblick/archive.sqlite in the user's data directory).
        #[arg(long, value_name = "FILE")]
        archive: Option<PathBuf>,
    },
}

/// `bill`: the supplier's tariff file, and which archived contract it bills.
#[derive(Debug, Clone, clap::Args)]
pub struct BillSupplier {
    /// The supplier's tariff file (AR 2418-6 XML with an AnalysisProfile).
    #[arg(long = "supplier", value_name = "FILE.xml")]
    pub file: PathBuf,
    /// With --archive: take this contract's original value list (its usage point id, e.g.
    /// 01005e318002.1lgz0072999211.sm) instead of matching the tariff file's metering point,
    /// for gateways whose contracts carry no metering point id (PPC).
    #[arg(long, value_name = "USAGE_POINT_ID")]
    pub contract: Option<String>,
}
