//! What the commands hand to the window: the library's records turned into display
//! form, every word in German and English (so a language switch needs no new request).
//! Values and times are formatted by `smgw-model`; nothing here computes.

use chrono::{DateTime, Utc};
use gateway::{ClockOrigin, GatewayFacts};
use serde::Serialize;
use smgw_model::records::{Certificate, Channel, Contract, ContractDetail, LogEntry, Reading};
use smgw_model::time::{format_german, format_german_with_zone};
use smgw_model::{DeviceId, Lang, PtbStatus, Quantity, ScaledValue};
use ts_rs::TS;

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Text {
    /// German.
    pub de: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Calls `f` once per language.
    pub fn of(f: impl Fn(Lang) -> String) -> Text {
        Text {
            de: f(Lang::De),
            en: f(Lang::En),
        }
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A field of a gateway's answer that could not be decoded (issue #12): left out of the
/// view, its text kept here and in the archived raw answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WarningView {
    /// Where in the answer, e.g. `smgw-info.certificates.han.tls`.
    pub path: String,
    /// The text as sent (cut, control characters escaped).
    pub raw: String,
    /// `field_left_out`, `value_refused`, `signature_not_hex`, `asked_again_unfiltered`,
    /// `log_records_missing`, `odd_id` or `notice`.
    #[ts(
        type = "\"field_left_out\" | \"value_refused\" | \"signature_not_hex\" | \"asked_again_unfiltered\" | \"log_records_missing\" | \"odd_id\" | \"notice\""
    )]
    pub kind: smgw_model::WarningKind,
    /// What happened and what to do.
    pub message: Text,
}

impl From<&smgw_model::FieldWarning> for WarningView {
    fn from(w: &smgw_model::FieldWarning) -> Self {
        WarningView {
            path: w.path.clone(),
            raw: w.raw.clone(),
            kind: w.kind,
            message: Text::of(|lang| w.message(lang)),
        }
    }
}

/// The views of warnings.
pub fn warning_views(warnings: &[smgw_model::FieldWarning]) -> Vec<WarningView> {
    warnings.iter().map(WarningView::from).collect()
}

/// What in a typed password looks like a copying mistake (field failure 17), said under
/// the password field before a login is spent: gateways lock after a few failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PasswordHintsView {
    /// One text per hint (`durchblick_core::credentials::TypoHint::message`); empty when
    /// nothing looks odd.
    pub hints: Vec<Text>,
    /// Why the window warns instead of changing the password; `None` without hints.
    pub why: Option<Text>,
}

impl PasswordHintsView {
    /// The hints for `password`, the words the CLI prints before its login.
    pub fn of(password: &str) -> Self {
        use durchblick_core::credentials::{typo_hints, TypoHint};
        let hints: Vec<Text> = typo_hints(password)
            .into_iter()
            .map(|h| Text::of(|lang| h.message(lang).to_owned()))
            .collect();
        let why = (!hints.is_empty()).then(|| Text::of(|lang| TypoHint::why(lang).to_owned()));
        PasswordHintsView { hints, why }
    }
}

/// An instant: machine form (UTC, RFC 3339) and local display form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Instant {
    /// UTC, RFC 3339.
    pub utc: String,
    /// Europe/Berlin, German style, with the zone in the repeated autumn hour.
    pub local: String,
}

impl From<DateTime<Utc>> for Instant {
    fn from(t: DateTime<Utc>) -> Self {
        Instant {
            utc: rfc3339(t),
            local: format_german(t),
        }
    }
}

impl Instant {
    /// With the German zone always named (`20.11.2026 10:00 MEZ`).
    pub fn with_zone(t: DateTime<Utc>) -> Self {
        Instant {
            utc: rfc3339(t),
            local: format_german_with_zone(t),
        }
    }
}

/// A certificate as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CertView {
    /// What the certificate is for (gateway certificates only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kind: Option<Text>,
    /// Holder (subject DN).
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Start of validity.
    pub not_before: Option<Instant>,
    /// End of validity.
    pub not_after: Option<Instant>,
    /// SHA-256 fingerprint, hex.
    pub fingerprint: String,
    /// Whether the validity period includes now.
    pub valid_now: bool,
}

impl CertView {
    /// From han-client's parsed details.
    pub fn from_info(info: &han_client::CertInfo, kind: Option<Text>, now: DateTime<Utc>) -> Self {
        CertView {
            kind,
            subject: info.subject.clone(),
            issuer: info.issuer.clone(),
            not_before: info.not_before.map(Instant::from),
            not_after: info.not_after.map(Instant::from),
            fingerprint: info.fingerprint.to_hex(),
            valid_now: info.not_before.is_none_or(|t| t <= now)
                && info.not_after.is_none_or(|t| now <= t),
        }
    }

    fn of_gateway_cert(cert: &Certificate, now: DateTime<Utc>) -> Self {
        let kind = Text::of(|lang| match cert.index {
            Some(i) => format!("{} #{i}", cert.kind.name(lang)),
            None => cert.kind.name(lang).to_owned(),
        });
        match han_client::cert_info(&cert.der) {
            Some(info) => CertView::from_info(&info, Some(kind), now),
            None => CertView {
                kind: Some(kind),
                subject: String::new(),
                issuer: String::new(),
                not_before: None,
                not_after: None,
                fingerprint: han_client::Fingerprint::of(&cert.der).to_hex(),
                valid_now: false,
            },
        }
    }
}

/// One firmware component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FirmwareView {
    /// Component name.
    pub component: String,
    /// Version.
    pub version: String,
    /// SHA-256 as sent.
    pub hash: String,
}

/// The gateway screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct GatewayView {
    /// Gateway id as sent.
    pub id: String,
    /// Maker from the id, if known.
    pub maker: Option<String>,
    /// Operating state in words.
    pub state: Option<Text>,
    /// The gateway's clock.
    pub time: Option<Instant>,
    /// This computer's clock when the gateway was read.
    pub read_at: Instant,
    /// The gateway's clock minus this computer's at the read (`+3 s`, `−13 d`).
    pub difference: Option<String>,
    /// The overview's warning when the difference is beyond a minute.
    pub clock_warning: Option<Text>,
    /// Set when the gateway states no clock and `time` is the adapter's estimate: then
    /// there is no difference and no warning, only this note.
    pub clock_note: Option<Text>,
    /// Firmware components.
    pub firmware: Vec<FirmwareView>,
    /// Certificates with details.
    pub certificates: Vec<CertView>,
    /// Whether the HAN certificate reported matches the one TLS presented.
    pub han_certificate_matches: Option<bool>,
    /// The check of each WAN entry's chain (signature certificate issued by the sub-CA of
    /// the same entry; both valid now).
    pub wan_chain: Vec<ChainView>,
}

/// The chain check of one WAN entry, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainView {
    /// `cert-index`.
    pub index: Option<u32>,
    /// `ok`, `failed` or `not_checkable` (unknown never counts as ok).
    #[ts(type = "\"ok\" | \"failed\" | \"not_checkable\"")]
    pub verdict: smgw_model::ChainVerdict,
    /// The verdict in words.
    pub summary: Text,
    /// Issuer, signature and validity findings, one per line.
    pub findings: Vec<Text>,
}

impl ChainView {
    fn new(c: &smgw_model::ChainCheck) -> Self {
        ChainView {
            index: c.index,
            verdict: c.verdict(),
            summary: Text::of(|lang| c.verdict().text(lang).to_owned()),
            findings: vec![
                Text::of(|lang| c.issuer_text(lang)),
                Text::of(|lang| c.signature.text(lang)),
                Text::of(|lang| {
                    format!(
                        "{} {}",
                        lang.pick("Signaturzertifikat:", "Signature certificate:"),
                        c.validity.text(lang)
                    )
                }),
                Text::of(|lang| format!("Sub-CA: {}", c.sub_ca_validity.text(lang))),
            ],
        }
    }
}

impl GatewayView {
    /// From the gateway's facts read at `now` (this computer's clock).
    pub fn new(facts: &GatewayFacts, now: DateTime<Utc>) -> Self {
        let info = &facts.info;
        // An estimated clock is not compared with this computer's: its difference would
        // be the estimate's age, not the gateway clock's error.
        let compared = facts.reported_clock();
        GatewayView {
            id: info.id.clone(),
            maker: info
                .id
                .parse::<DeviceId>()
                .ok()
                .and_then(|id| id.maker())
                .map(|m| m.name.to_owned()),
            state: info.state.map(|s| Text::of(|lang| s.describe(lang))),
            // Both clocks name their zone, so that they compare at a glance.
            time: info.time.map(Instant::with_zone),
            read_at: Instant::with_zone(now),
            difference: compared.map(|t| smgw_model::time::signed_difference(t - now)),
            clock_warning: compared
                .and_then(|t| crate::commands::ClockDrift::of(now, t))
                .map(|drift| Text::of(|lang| drift.message(lang))),
            clock_note: (info.time.is_some() && compared.is_none())
                .then(|| Text::of(|lang| ClockOrigin::estimate_note(lang).to_owned())),
            firmware: info
                .firmware
                .iter()
                .map(|f| FirmwareView {
                    component: f.component.clone(),
                    version: f.version.clone(),
                    hash: f.hash.clone(),
                })
                .collect(),
            certificates: info
                .certificates
                .iter()
                .map(|c| CertView::of_gateway_cert(c, now))
                .collect(),
            han_certificate_matches: facts.han_certificate_matches,
            wan_chain: smgw_model::check_wan_chain(&info.certificates, now)
                .iter()
                .map(ChainView::new)
                .collect(),
        }
    }
}

/// A channel of a value list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChannelView {
    /// OBIS id, `1-0:1.8.0*255`.
    pub obis: String,
    /// OBIS id in the wire's hex form (what a readings request names).
    pub hex: String,
    /// Meaning.
    pub name: Text,
    /// Unit symbol.
    pub unit: String,
    /// Power of ten of raw values.
    pub scaler: i8,
}

impl From<&Channel> for ChannelView {
    fn from(ch: &Channel) -> Self {
        ChannelView {
            obis: ch.obis.to_string(),
            hex: ch.obis.to_hex(),
            name: Text::of(|lang| ch.obis.name(lang).unwrap_or_default()),
            unit: ch.unit.symbol().to_owned(),
            scaler: ch.scaler,
        }
    }
}

/// A value list of a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DatabaseView {
    /// Wire name (`origin`, `daily`, …).
    pub database: String,
    /// What it is.
    pub name: Text,
    /// Its channels.
    pub channels: Vec<ChannelView>,
}

/// A billing period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PeriodView {
    /// Start.
    pub start: Instant,
    /// End; `None` while open.
    pub end: Option<Instant>,
}

/// One TAF contract with its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ContractView {
    /// Usage point id.
    pub usage_point_id: String,
    /// Name.
    pub name: String,
    /// TAF number.
    pub taf: u16,
    /// TAF in words.
    pub taf_name: Text,
    /// Whether the contract keeps value lists (else: current values only).
    pub stores_values: bool,
    /// State in words.
    pub state: Text,
    /// Contract start.
    pub start: Option<Instant>,
    /// Contract end.
    pub end: Option<Instant>,
    /// Billing periods.
    pub billing_periods: Vec<PeriodView>,
    /// Meter ids.
    pub meters: Vec<String>,
    /// Metering point id.
    pub metering_point_id: Option<String>,
    /// Market participants receiving the data.
    pub emts: Vec<String>,
    /// Transparency bit.
    pub transparency_bit: bool,
    /// Value lists and channels.
    pub databases: Vec<DatabaseView>,
    /// The tariff profile as decoded (`taf-profile`); `None` when the gateway sent none.
    pub tariff_profile: Option<TariffProfileView>,
    /// Field failure 29: the channels have import but no export; the same words as the
    /// CLI's (`smgw_model::hint`). `None` when it does not apply.
    pub no_export_hint: Option<Text>,
    /// What the contract's answers held that could not be decoded.
    // Absent when empty: the UI's recorded answers (ui/tests/fixtures) stay as they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<WarningView>>", optional)]
    pub warnings: Vec<WarningView>,
}

impl ContractView {
    /// From the contract record and its detail; `seal_certificate` (DER of the gateway's
    /// seal certificate, `cert-index` 0) checks the tariff profile's signature.
    pub fn new(c: &Contract, d: &ContractDetail, seal_certificate: Option<&[u8]>) -> Self {
        // The gateway names no meter per channel: one contract's channels count as one.
        let no_export = smgw_model::hint::meters_without_export(
            d.databases
                .iter()
                .flat_map(|db| db.channels.iter().map(|ch| (ch.obis, ""))),
        );
        ContractView {
            usage_point_id: c.usage_point_id.clone(),
            name: c.name.clone(),
            taf: c.taf.number(),
            taf_name: Text::of(|lang| c.taf.name(lang)),
            stores_values: c.taf.stores_values(),
            state: Text::of(|lang| c.state.text(lang)),
            start: c.start.map(Instant::from),
            end: c.end.map(Instant::from),
            billing_periods: c
                .billing_periods
                .iter()
                .map(|p| PeriodView {
                    start: p.start.into(),
                    end: p.end.map(Instant::from),
                })
                .collect(),
            meters: c.meters.clone(),
            metering_point_id: c.metering_point_id.clone(),
            emts: d.emts.clone(),
            transparency_bit: d.transparency_bit,
            databases: d
                .databases
                .iter()
                .map(|db| DatabaseView {
                    database: db.database.wire_name().to_owned(),
                    name: Text::of(|lang| db.database.text(lang)),
                    channels: db.channels.iter().map(ChannelView::from).collect(),
                })
                .collect(),
            tariff_profile: d.taf_profile.as_deref().map(|der| {
                TariffProfileView::new(&smgw_model::read_taf_profile(der, seal_certificate))
            }),
            no_export_hint: (!no_export.is_empty())
                .then(|| Text::of(|lang| smgw_model::hint::no_export_text(&no_export, lang))),
            warnings: Vec::new(),
        }
    }
}

/// One tariff stage of a profile, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TariffStageView {
    /// Id or number as sent.
    pub id: String,
    /// Name, if sent.
    pub name: Option<String>,
    /// Register (OBIS as sent), if sent.
    pub register: Option<String>,
}

/// A switching time of a day profile, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SwitchView {
    /// Time of day as sent (`06:00`).
    pub time: String,
    /// The stage active from then on, as sent.
    pub stage: String,
}

/// A day profile: its switching times in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DayProfileView {
    /// Id as sent.
    pub id: String,
    /// Switching times.
    pub switches: Vec<SwitchView>,
}

/// An element of the profile the reader does not interpret: shown as sent, never guessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RawItemView {
    /// Path of element names, e.g. `TAFProfile/CaptureTime`.
    pub path: String,
    /// Its text (and attributes) verbatim.
    pub text: String,
}

/// A contract's tariff profile (`smgw_model::read_taf_profile`): what was understood,
/// what was not (raw), and the signature check against the seal certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TariffProfileView {
    /// `valid`, `invalid` or `not_checkable` (never read as valid).
    #[ts(type = "\"valid\" | \"invalid\" | \"not_checkable\"")]
    pub signature: String,
    /// The signature check in words.
    pub signature_text: Text,
    /// Why the container or its XML could not be read (the reader's words, as
    /// produced), if so.
    pub error: Option<String>,
    /// The signed content as text when it could not be read as a profile: shown raw.
    pub raw: Option<String>,
    /// TAF number as sent.
    pub taf: Option<String>,
    /// Start of validity as sent.
    pub valid_from: Option<String>,
    /// End of validity as sent.
    pub valid_to: Option<String>,
    /// Tariff stages.
    pub stages: Vec<TariffStageView>,
    /// Day profiles with their switching times.
    pub day_profiles: Vec<DayProfileView>,
    /// Elements not interpreted, verbatim.
    pub unknown: Vec<RawItemView>,
}

impl TariffProfileView {
    /// From the model's reading.
    pub fn new(t: &smgw_model::TafProfile) -> Self {
        use smgw_model::pki::SignatureCheck;
        let signature = match t.signature {
            SignatureCheck::Valid { .. } => "valid",
            SignatureCheck::Invalid { .. } => "invalid",
            SignatureCheck::NotCheckable(_) => "not_checkable",
        };
        let p = t.profile.as_ref();
        TariffProfileView {
            signature: signature.to_owned(),
            signature_text: Text::of(|lang| t.signature.text(lang)),
            error: t.error.clone(),
            raw: if p.is_none() { t.xml.clone() } else { None },
            taf: p.and_then(|p| p.taf.clone()),
            valid_from: p.and_then(|p| p.valid_from.clone()),
            valid_to: p.and_then(|p| p.valid_to.clone()),
            stages: p
                .map(|p| {
                    p.stages
                        .iter()
                        .map(|s| TariffStageView {
                            id: s.id.clone(),
                            name: s.name.clone(),
                            register: s.register.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            day_profiles: p
                .map(|p| {
                    p.day_profiles
                        .iter()
                        .map(|d| DayProfileView {
                            id: d.id.clone(),
                            switches: d
                                .switches
                                .iter()
                                .map(|s| SwitchView {
                                    time: s.time.clone(),
                                    stage: s.stage.clone(),
                                })
                                .collect(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            unknown: p
                .map(|p| {
                    p.unknown
                        .iter()
                        .map(|u| RawItemView {
                            path: u.path.clone(),
                            text: u.text.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// One row of the values table: a value, or a raster slot without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ValueRow {
    /// Target time (end of the measuring period), local.
    pub t: String,
    /// Capture time, local; absent for gaps.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub c: Option<String>,
    /// Capture minus target time in seconds, when not zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<i32>", optional)]
    pub d: Option<i64>,
    /// Value with unit, German.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub de: Option<String>,
    /// Value with unit, English.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub en: Option<String>,
    /// PTB status 0–4; absent if not sent, for gaps, or when a status word lacks its
    /// identification bits (then no status is guessed; `sde`/`sen` say so).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub s: Option<u8>,
    /// The set status bits in words, German (`smgw_model::StatusWords::texts`, joined
    /// with "; "); absent when no bit but the identification is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sde: Option<String>,
    /// The same in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sen: Option<String>,
    /// True for a missing value (gap).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub gap: bool,
    /// True if the value is signed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub sig: bool,
}

/// The values of one channel. A year of quarter hours is 35,040 rows: the answer carries
/// the chart's series as parallel arrays and only the first rows of the table; the window
/// asks for the rest page by page as they scroll into view (`value_rows`, issue #15).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChannelValues {
    /// The channel name as sent.
    pub channel: String,
    /// Its description, if the contract lists it.
    pub info: Option<ChannelView>,
    /// The first rows of the table (up to [`FIRST_ROWS`]; all of them for the newest
    /// values), oldest first; the others come from the `value_rows` command.
    pub rows: Vec<ValueRow>,
    /// How many rows the table has (values and gaps).
    #[ts(as = "i32")]
    pub row_count: usize,
    /// What the interactive chart draws of the whole period: every row up to
    /// [`CHART_BUCKETS`] × 2 rows, else the rows that shape the line (see
    /// [`ChartPoints`]); the `chart_points` command sends more detail for a zoomed view.
    pub points: ChartPoints,
    /// Number of values (without gap rows).
    pub values: usize,
    /// Number of gaps (runs of missing values).
    pub gaps: usize,
    /// The detected raster in seconds.
    #[ts(as = "Option<i32>")]
    pub period_seconds: Option<i64>,
    /// The chart as SVG, drawn by the export library, per language; `None` when the
    /// values do not make a chart (fewer than two, or no unit known).
    pub chart: Option<Text>,
    /// Consumption per day, week, month and year, for register channels (energy, volume)
    /// with at least two values.
    pub consumption: Option<ConsumptionView>,
}

/// The interactive chart's points: for each, its table row, time, value and PTB status,
/// as parallel arrays (numbers, so the window's chart needs no parsing).
///
/// A year of quarter hours has 35,040 rows, twenty times more than a chart has pixels
/// across; sending and drawing them all made the window slow (issue #15). So a view of
/// more than 2 × [`CHART_BUCKETS`] rows is thinned: the rows are cut into that many
/// buckets of neighbours, and of each bucket only the rows that shape what is seen stay:
/// the lowest and the highest value, the first gap (so the line still breaks there) and
/// the worst invalid value (so its mark stays). Nothing is averaged: every point is a
/// real row, shown with its own words on hover.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChartPoints {
    /// The table row of each point (for its words: value with unit, time, status).
    #[ts(type = "number[]")]
    pub i: Vec<u32>,
    /// Target time in Unix seconds.
    #[ts(type = "number[]")]
    pub x: Vec<i64>,
    /// The value in the channel's unit (`info.unit`); `None` for a gap, so the chart
    /// breaks there instead of drawing a line across.
    pub y: Vec<Option<f64>>,
    /// The PTB status code (as `ValueRow::s`), for the marks of invalid values; `None`
    /// for gaps and values without one.
    pub s: Vec<Option<u8>>,
    /// Whether rows were left out (then a zoomed view asks for its detail).
    pub thinned: bool,
}

/// A stretch of time in one tariff stage (TAF 2), for the chart's background colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StageBand {
    /// Start, Unix seconds.
    #[ts(type = "number")]
    pub from: i64,
    /// End, Unix seconds.
    #[ts(type = "number")]
    pub to: i64,
    /// The stage's place in [`StagesView::names`] (it picks the colour).
    pub n: u8,
}

/// The tariff stages of a TAF-2 contract over the shown period, from its tariff profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StagesView {
    /// Each stage as `id name` (e.g. `1 HT`), in the profile's order.
    pub names: Vec<String>,
    /// When which stage applied.
    pub bands: Vec<StageBand>,
}

/// The most days whose stages are worked out (a few years of values).
const MAX_STAGE_DAYS: i64 = 1_500;

/// The stages of `profile` from `from` to `to`, by its switching times in German local
/// time, when it has two stages or more. Only a profile with one day profile says which
/// stage applies when; with
/// several, which day uses which is in parts the reader does not interpret, so no
/// stages are claimed (`None`), as for switching times or stages that do not read.
pub fn stage_bands(
    profile: &smgw_model::TariffProfile,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<StagesView> {
    let [day] = profile.day_profiles.as_slice() else {
        return None;
    };
    // One stage colours nothing: every value is in it.
    if profile.stages.len() < 2 {
        return None;
    }
    let mut switches: Vec<(chrono::NaiveTime, u8)> = day
        .switches
        .iter()
        .map(|sw| {
            let time = chrono::NaiveTime::parse_from_str(&sw.time, "%H:%M:%S")
                .or_else(|_| chrono::NaiveTime::parse_from_str(&sw.time, "%H:%M"))
                .ok()?;
            let n = profile.stages.iter().position(|st| st.id == sw.stage)?;
            Some((time, u8::try_from(n).ok()?))
        })
        .collect::<Option<_>>()?;
    switches.sort_by_key(|(time, _)| *time);
    let (_, last_stage) = *switches.last()?;
    if to <= from || (to - from).num_days() > MAX_STAGE_DAYS {
        return None;
    }
    // From the local day before `from` (its last stage runs past midnight) to the day
    // after `to`.
    let first_day = smgw_model::time::berlin_date(from).pred_opt()?;
    let last_day = smgw_model::time::berlin_date(to).succ_opt()?;
    let mut starts: Vec<(DateTime<Utc>, u8)> = Vec::new();
    let mut day = first_day;
    while day <= last_day {
        for (time, n) in &switches {
            starts.push((
                smgw_model::time::berlin_to_utc_lenient(day.and_time(*time)),
                *n,
            ));
        }
        day = day.succ_opt()?;
    }
    let mut bands: Vec<StageBand> = Vec::new();
    let mut current = (from, last_stage);
    for (start, n) in starts {
        if start <= from {
            current = (from, n);
            continue;
        }
        let end = start.min(to);
        if end > current.0 && n != current.1 {
            push_band(&mut bands, current.0, end, current.1);
            current = (end, n);
        }
        if start >= to {
            break;
        }
    }
    push_band(&mut bands, current.0, to, current.1);
    let names = profile
        .stages
        .iter()
        .map(|st| match &st.name {
            Some(name) => format!("{} {name}", st.id),
            None => st.id.clone(),
        })
        .collect();
    Some(StagesView { names, bands })
}

fn push_band(bands: &mut Vec<StageBand>, from: DateTime<Utc>, to: DateTime<Utc>, n: u8) {
    if to <= from {
        return;
    }
    match bands.last_mut() {
        Some(last) if last.n == n && last.to == from.timestamp() => last.to = to.timestamp(),
        _ => bands.push(StageBand {
            from: from.timestamp(),
            to: to.timestamp(),
            n,
        }),
    }
}

/// Buckets of a thinned chart: about as many as a wide chart has pixels across.
pub const CHART_BUCKETS: usize = 1_500;

/// The PTB status from which a value is invalid (as the chart marks it).
const INVALID_FROM: u8 = 2;

/// How many rows of each channel a values answer carries: more than a screen shows, so
/// the table draws at once; the rest is paged.
pub const FIRST_ROWS: usize = 200;

/// The most rows one `value_rows` call answers.
pub const MAX_PAGE: usize = 2_000;

/// A row of the table before it is put into words: a gap, or a reading.
#[derive(Debug, Clone)]
enum Slot {
    Gap(DateTime<Utc>),
    Value(Reading),
}

impl Slot {
    fn time(&self) -> DateTime<Utc> {
        match self {
            Slot::Gap(t) => *t,
            Slot::Value(r) => r.target_time,
        }
    }
}

/// The table rows of one channel, kept by the window's backend so that pages can be
/// formatted when they are asked for.
#[derive(Debug, Clone)]
pub struct ChannelRows {
    info: Option<Channel>,
    slots: Vec<Slot>,
}

impl ChannelRows {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Up to `count` rows from row `from` on (fewer at the end, none past it).
    pub fn page(&self, from: usize, count: usize) -> Vec<ValueRow> {
        self.slots
            .iter()
            .skip(from)
            .take(count)
            .map(|slot| self.row(slot))
            .collect()
    }

    /// The chart's points of the whole period, thinned to [`CHART_BUCKETS`].
    pub fn overview(&self) -> ChartPoints {
        self.points_of(self.thinned_rows(0, self.slots.len()))
    }

    /// The chart's points of a view from `from` to `to` (Unix seconds): the rows inside
    /// in detail (thinned to [`CHART_BUCKETS`] themselves when there are many), with
    /// one row more on each side so the line runs to the edges, and the whole period's
    /// overview outside, so that panning and zooming out show something at once.
    pub fn view(&self, from: i64, to: i64) -> ChartPoints {
        let start = self
            .slots
            .partition_point(|slot| slot.time().timestamp() < from)
            .saturating_sub(1);
        let end = (self
            .slots
            .partition_point(|slot| slot.time().timestamp() <= to)
            + 1)
        .min(self.slots.len());
        let end = end.max(start);
        let inside = self.thinned_rows(start, end);
        let mut rows: Vec<usize> = self
            .thinned_rows(0, self.slots.len())
            .into_iter()
            .filter(|r| *r < start || *r >= end)
            .chain(inside)
            .collect();
        rows.sort_unstable();
        rows.dedup();
        self.points_of(rows)
    }

    /// The rows from `start` to `end` that the chart draws: all of them up to
    /// 2 × [`CHART_BUCKETS`], else per bucket the lowest and highest value, the first
    /// gap and the worst invalid value, and always the first and the last row.
    fn thinned_rows(&self, start: usize, end: usize) -> Vec<usize> {
        let count = end.saturating_sub(start);
        if count <= 2 * CHART_BUCKETS {
            return (start..end).collect();
        }
        let size = count.div_ceil(CHART_BUCKETS);
        let mut rows = vec![start, end - 1];
        for bucket_start in (start..end).step_by(size) {
            let bucket = bucket_start..(bucket_start + size).min(end);
            let mut low: Option<(f64, usize)> = None;
            let mut high: Option<(f64, usize)> = None;
            let mut gap = None;
            let mut worst: Option<(u8, usize)> = None;
            for row in bucket {
                let Some(slot) = self.slots.get(row) else {
                    break;
                };
                match slot {
                    Slot::Gap(_) => {
                        gap.get_or_insert(row);
                    }
                    Slot::Value(r) => {
                        let v = r.value.to_f64();
                        if low.is_none_or(|(l, _)| v < l) {
                            low = Some((v, row));
                        }
                        if high.is_none_or(|(h, _)| v > h) {
                            high = Some((v, row));
                        }
                        let code = r.ptb().map(PtbStatus::code).unwrap_or(0);
                        if code >= INVALID_FROM && worst.is_none_or(|(w, _)| code > w) {
                            worst = Some((code, row));
                        }
                    }
                }
            }
            rows.extend(low.map(|(_, r)| r));
            rows.extend(high.map(|(_, r)| r));
            rows.extend(gap);
            rows.extend(worst.map(|(_, r)| r));
        }
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// The points of these rows (ascending).
    fn points_of(&self, rows: Vec<usize>) -> ChartPoints {
        let thinned = rows.len() < self.slots.len();
        let mut points = ChartPoints {
            i: Vec::with_capacity(rows.len()),
            x: Vec::with_capacity(rows.len()),
            y: Vec::with_capacity(rows.len()),
            s: Vec::with_capacity(rows.len()),
            thinned,
        };
        for row in rows {
            let Some(slot) = self.slots.get(row) else {
                continue;
            };
            // Row numbers fit: a channel has far fewer than 4 billion rows.
            points.i.push(u32::try_from(row).unwrap_or(u32::MAX));
            points.x.push(slot.time().timestamp());
            match slot {
                Slot::Gap(_) => {
                    points.y.push(None);
                    points.s.push(None);
                }
                Slot::Value(r) => {
                    points.y.push(Some(r.value.to_f64()));
                    points.s.push(r.ptb().map(PtbStatus::code));
                }
            }
        }
        points
    }

    fn row(&self, slot: &Slot) -> ValueRow {
        let format = |v: ScaledValue, lang: Lang| match &self.info {
            Some(ch) => Quantity::new(v, ch.unit).format_auto(lang),
            None => v.format_with(lang),
        };
        match slot {
            Slot::Gap(t) => ValueRow {
                t: format_german(*t),
                c: None,
                d: None,
                de: None,
                en: None,
                s: None,
                sde: None,
                sen: None,
                gap: true,
                sig: false,
            },
            Slot::Value(r) => ValueRow {
                t: format_german(r.target_time),
                c: r.capture_time.map(format_german),
                d: r.capture_time
                    .map(|c| (c - r.target_time).num_seconds())
                    .filter(|d| *d != 0),
                de: Some(format(r.value, Lang::De)),
                en: Some(format(r.value, Lang::En)),
                s: r.ptb().map(PtbStatus::code),
                sde: Some(r.status_text(Lang::De)).filter(|t| !t.is_empty()),
                sen: Some(r.status_text(Lang::En)).filter(|t| !t.is_empty()),
                gap: false,
                sig: r.signature.is_some(),
            },
        }
    }
}

/// The consumption in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PeriodAmount {
    /// The period (`03.06.2025`, `KW 23/2025`, `06.2025`, `2025`; ISO forms in English).
    pub period: Text,
    /// What was consumed (the exact sum of the register's differences).
    pub amount: Text,
    /// Values are missing at the start, the end or inside the period: `amount` covers
    /// only the part with values.
    pub partial: bool,
}

/// Historic consumption of a register channel, computed by the export library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConsumptionView {
    /// Per German local day.
    pub day: Vec<PeriodAmount>,
    /// Per ISO week.
    pub week: Vec<PeriodAmount>,
    /// Per month.
    pub month: Vec<PeriodAmount>,
    /// Per year.
    pub year: Vec<PeriodAmount>,
}

impl ConsumptionView {
    /// `None` when the channel is no register or the values cannot be subtracted.
    fn new(readings: &[&Reading], channel: &Channel) -> Option<ConsumptionView> {
        if !channel.unit.is_cumulative() || readings.len() < 2 {
            return None;
        }
        let series: Vec<(DateTime<Utc>, ScaledValue)> =
            readings.iter().map(|r| (r.target_time, r.value)).collect();
        let per = |period: export::BarPeriod| -> Option<Vec<PeriodAmount>> {
            let sums = export::consumption_periods(&series, period).ok()?;
            Some(
                sums.into_iter()
                    .map(|sum| PeriodAmount {
                        period: Text::of(|lang| period.label(sum.key, lang)),
                        amount: Text::of(|lang| {
                            Quantity::new(sum.amount, channel.unit).format_auto(lang)
                        }),
                        partial: !sum.complete,
                    })
                    .collect(),
            )
        };
        Some(ConsumptionView {
            day: per(export::BarPeriod::Day)?,
            week: per(export::BarPeriod::Week)?,
            month: per(export::BarPeriod::Month)?,
            year: per(export::BarPeriod::Year)?,
        })
    }
}

/// Which chart suits a span of values: the load curve up to a week, daily bars up to a
/// quarter, monthly bars beyond (a year of quarter hours is unreadable as one line).
fn chart_svg(readings: &[&Reading], channel: &Channel, lang: Lang) -> Option<String> {
    let series: Vec<(DateTime<Utc>, ScaledValue)> =
        readings.iter().map(|r| (r.target_time, r.value)).collect();
    let span = match (series.first(), series.last()) {
        (Some(a), Some(b)) => b.0 - a.0,
        _ => return None,
    };
    let opts = export::ChartOptions {
        lang,
        width: 1200,
        height: 360,
        title: None,
        max_points: 1500,
    };
    let svg = if span <= chrono::Duration::days(8) {
        export::load_curve_svg(&series, channel.unit, &opts)
    } else if span <= chrono::Duration::days(95) {
        export::daily_bars_svg(&series, channel.unit, &opts)
    } else {
        export::monthly_bars_svg(&series, channel.unit, &opts)
    };
    svg.ok()
}

/// A PTB status code with its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatusWords {
    /// Code 0–4.
    pub code: u8,
    /// Words.
    pub text: Text,
}

/// The PTB status legend, from the model's own words.
pub fn status_legend() -> Vec<StatusWords> {
    (0..=4u8)
        .filter_map(PtbStatus::from_code)
        .map(|s| StatusWords {
            code: s.code(),
            text: Text::of(|lang| s.text(lang).to_owned()),
        })
        .collect()
}

/// The answer of a values request.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ValuesView {
    /// Usage point id.
    pub usage_point_id: String,
    /// Value list (wire name).
    pub database: String,
    /// Which answer this is: the `value_rows` command pages this answer's table (0 for
    /// the newest values, whose answer carries all rows).
    pub answer: u32,
    /// Per channel.
    pub channels: Vec<ChannelValues>,
    /// The PTB status words.
    pub statuses: Vec<StatusWords>,
    /// The tariff stages over the period (TAF 2 with a readable one-day profile), for
    /// the chart's background.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stages: Option<StagesView>,
    /// What the answers held that could not be decoded (values refused, fields left out).
    // Absent when empty: the UI's recorded answers (ui/tests/fixtures) stay as they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<WarningView>>", optional)]
    pub warnings: Vec<WarningView>,
}

impl ChannelValues {
    /// The view of a channel's readings and its table rows, with the gaps the model
    /// finds inserted as rows. With `series` (a period was asked for, not just the
    /// newest value) gaps are found, a chart is drawn, and the answer carries the first
    /// [`FIRST_ROWS`] rows; without, it carries every row.
    pub fn new(
        channel: &str,
        info: Option<&Channel>,
        mut readings: Vec<Reading>,
        series: bool,
    ) -> (Self, ChannelRows) {
        readings.sort_by_key(|r| r.target_time);
        let times: Vec<DateTime<Utc>> = readings.iter().map(|r| r.target_time).collect();
        let period = if series {
            smgw_model::detect_period(&times)
        } else {
            None
        };
        let report = period.map(|p| smgw_model::find_gaps(&times, p));
        let missing = report.as_ref().map_or(&[][..], |r| &r.missing[..]);
        let sorted: Vec<&Reading> = readings.iter().collect();
        let chart = match info {
            Some(ch) if series => {
                let de = chart_svg(&sorted, ch, Lang::De);
                let en = chart_svg(&sorted, ch, Lang::En);
                de.zip(en).map(|(de, en)| Text { de, en })
            }
            _ => None,
        };
        let consumption = info
            .filter(|_| series)
            .and_then(|ch| ConsumptionView::new(&sorted, ch));
        let values = readings.len();
        let mut slots = Vec::with_capacity(values + missing.len());
        let mut m = missing.iter().peekable();
        for r in readings {
            while let Some(t) = m.next_if(|t| **t < r.target_time) {
                slots.push(Slot::Gap(*t));
            }
            slots.push(Slot::Value(r));
        }
        slots.extend(m.map(|t| Slot::Gap(*t)));
        let rows = ChannelRows {
            info: info.cloned(),
            slots,
        };
        let first = if series { FIRST_ROWS } else { rows.len() };
        let view = ChannelValues {
            channel: channel.to_owned(),
            info: info.map(ChannelView::from),
            rows: rows.page(0, first),
            row_count: rows.len(),
            points: rows.overview(),
            values,
            gaps: report.as_ref().map_or(0, |r| r.gaps),
            period_seconds: period.map(|p| p.num_seconds()),
            chart,
            consumption,
        };
        (view, rows)
    }
}

/// One logbook entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LogView {
    /// Record number.
    #[ts(type = "number")]
    pub index: u64,
    /// When it happened.
    pub time: Option<Instant>,
    /// Level code.
    pub level: u8,
    /// Level in words.
    pub level_text: Text,
    /// The gateway's message.
    pub message: String,
    /// Event id.
    pub event_id: String,
    /// Outcome as sent.
    pub outcome: Option<String>,
}

impl From<&LogEntry> for LogView {
    fn from(e: &LogEntry) -> Self {
        LogView {
            index: e.index,
            time: e.time.map(Instant::from),
            level: e.level.code(),
            level_text: Text::of(|lang| e.level.text(lang)),
            message: e.message.clone(),
            event_id: e.event_id.clone(),
            outcome: e.outcome.clone(),
        }
    }
}

/// The consumer logbook, oldest first, with what its pages held that could not be
/// decoded (issue #12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LogbookView {
    /// The entries.
    pub entries: Vec<LogView>,
    /// What the pages held that could not be decoded (entries left out, texts, holes in
    /// the record numbers).
    // Absent when empty, like the other views' warnings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<WarningView>>", optional)]
    pub warnings: Vec<WarningView>,
}

/// An amount of energy booked to a register or a total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AmountView {
    /// OBIS id.
    pub obis: String,
    /// Tariff stage number, if any.
    pub tariff: Option<u16>,
    /// The amount with unit.
    pub amount: Text,
}

/// One day of a TAF-2 bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DayView {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Number of ranges booked.
    pub ranges: usize,
    /// Whether any consumption went to an error register.
    pub has_error: bool,
    /// Sums per register.
    pub totals: Vec<AmountView>,
}

/// The bill check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BillView {
    /// `TAF 1` / `TAF 2`.
    pub use_case: String,
    /// The supplier's tariff id.
    pub tariff_id: String,
    /// Period start (local).
    pub begin: String,
    /// Period end (local).
    pub end: String,
    /// Tariff stages and error registers.
    pub registers: Vec<AmountView>,
    /// Totals per quantity.
    pub totals: Vec<AmountView>,
    /// Consumption booked to no register.
    pub unbilled: Vec<AmountView>,
    /// Day by day (TAF-2).
    pub days: Vec<DayView>,
    /// Checksums of the supplier file, by name.
    #[ts(type = "Record<string, string>")]
    pub checksums: serde_json::Value,
}

impl BillView {
    /// From the tariff crate's evaluation.
    pub fn new(e: &tariff::Evaluation) -> Self {
        // Every section of one evaluation shares scaler and unit (TRuDI's files: −1, Wh).
        let scaler = e.sections.first().map_or(0, |s| s.scaler);
        let unit = e
            .sections
            .first()
            .map_or_else(|| "Wh".to_owned(), |s| s.unit.clone());
        let amount = |raw: i64| {
            Text::of(|lang| {
                // The tariff crate names the unit by its symbol; find the DLMS unit for it.
                let unit_parsed = (0..=u8::MAX)
                    .map(smgw_model::Unit::from_code)
                    .find(|u| u.symbol() == unit);
                let v = ScaledValue::new(i128::from(raw), scaler);
                match unit_parsed {
                    Some(u) => Quantity::new(v, u).format_auto(lang),
                    None => format!("{} {unit}", v.format_with(lang)),
                }
            })
        };
        let view = |obis: String, tariff: Option<u16>, raw: i64| AmountView {
            obis,
            tariff,
            amount: amount(raw),
        };
        BillView {
            use_case: format!("TAF {}", e.use_case.number()),
            tariff_id: e.tariff_id.clone(),
            begin: e.begin.format("%d.%m.%Y %H:%M").to_string(),
            end: e.end.format("%d.%m.%Y %H:%M").to_string(),
            registers: e
                .registers
                .iter()
                .map(|r| view(r.obis.to_string(), r.tariff, r.amount))
                .collect(),
            totals: e
                .totals
                .iter()
                .map(|t| view(t.obis.to_string(), None, t.amount))
                .collect(),
            unbilled: e
                .unbilled
                .iter()
                .map(|r| view(r.obis.to_string(), r.tariff, r.amount))
                .collect(),
            days: e
                .days
                .iter()
                .map(|d| DayView {
                    date: d.date.to_string(),
                    ranges: d.ranges.len(),
                    has_error: d.ranges.iter().any(|r| r.is_error),
                    totals: d
                        .totals
                        .iter()
                        .map(|r| view(r.obis.to_string(), r.tariff, r.amount))
                        .collect(),
                })
                .collect(),
            checksums: serde_json::to_value(&e.checksums).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smgw_model::records::{Database, DatabaseChannels, Taf, TafState};
    use smgw_model::{Obis, Unit};

    fn contract() -> Contract {
        Contract {
            usage_point_id: "01005e318021.taf1-1.sm".into(),
            name: "Test".into(),
            taf: Taf::from_number(1),
            state: TafState::Running,
            start: None,
            end: None,
            capture_time: None,
            billing_periods: Vec::new(),
            meters: vec!["1ELS0012345678".into()],
            metering_point_id: None,
            delivery_id: None,
            on_demand: false,
        }
    }

    fn detail(obis: &[&str], taf_profile: Option<Vec<u8>>) -> ContractDetail {
        ContractDetail {
            usage_point_id: "01005e318021.taf1-1.sm".into(),
            name: "Test".into(),
            emts: Vec::new(),
            transparency_bit: true,
            taf_profile,
            databases: vec![DatabaseChannels {
                database: Database::Origin,
                channels: obis
                    .iter()
                    .map(|o| Channel {
                        obis: o.parse::<Obis>().expect("OBIS"),
                        unit: Unit::WattHour,
                        scaler: -1,
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn import_without_export_gets_the_clis_hint_export_gets_none() {
        let only_import = ContractView::new(&contract(), &detail(&["0100010800ff"], None), None);
        let hint = only_import.no_export_hint.expect("import only");
        assert_eq!(
            hint.de,
            smgw_model::hint::no_export_text(&[String::new()], Lang::De)
        );
        assert_eq!(
            hint.en,
            smgw_model::hint::no_export_text(&[String::new()], Lang::En)
        );
        let both = ContractView::new(
            &contract(),
            &detail(&["0100010800ff", "0100020800ff"], None),
            None,
        );
        assert_eq!(both.no_export_hint, None);
        // No energy register at all (power only): nothing to say either.
        let power = ContractView::new(&contract(), &detail(&["0100100700ff"], None), None);
        assert_eq!(power.no_export_hint, None);
    }

    #[test]
    fn a_contract_without_profile_has_none_and_an_unreadable_one_says_why() {
        let none = ContractView::new(&contract(), &detail(&["0100010800ff"], None), None);
        assert_eq!(none.tariff_profile, None);
        // Not a CMS container: shown as unreadable with the reader's reason, its
        // signature "not checkable", nothing guessed.
        let broken = ContractView::new(
            &contract(),
            &detail(&["0100010800ff"], Some(b"<TAFProfile/>".to_vec())),
            None,
        );
        let p = broken.tariff_profile.expect("a profile was sent");
        assert_eq!(p.signature, "not_checkable");
        assert!(p.error.is_some_and(|e| !e.is_empty()));
        assert!(p.stages.is_empty() && p.day_profiles.is_empty() && p.taf.is_none());
        assert!(p.signature_text.de.contains("nicht prüfbar"));
    }

    /// A channel of `n` quarter hours of a smooth curve, with a spike, a gap and an
    /// invalid value hidden in the middle.
    fn year_like(n: usize) -> (Vec<Reading>, DateTime<Utc>) {
        let start = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let invalid = smgw_model::CombinedStatus::from_hex("A000000020004000").expect("word");
        let readings = (0..n)
            .filter(|i| *i != 20_001)
            .map(|i| Reading {
                capture_time: None,
                target_time: start + chrono::Duration::minutes(15 * i as i64),
                value: ScaledValue::new(
                    match i {
                        10_000 => 9_999,
                        _ => 100 + (i % 96) as i128,
                    },
                    0,
                ),
                cosem_status: (i == 30_000).then_some(invalid),
                smgw_status: None,
                meter_status: None,
                owner: None,
                signature: None,
            })
            .collect();
        (readings, start)
    }

    #[test]
    fn a_year_is_thinned_to_what_shapes_the_chart_and_a_zoom_gets_every_row() {
        let name = "0100010800ff.1EMH0012345678.sm";
        let channel = Channel {
            obis: "0100010800ff".parse::<Obis>().expect("OBIS"),
            unit: Unit::WattHour,
            scaler: 0,
        };
        let (readings, start) = year_like(35_040);
        let invalid = readings
            .iter()
            .find(|r| r.cosem_status.is_some())
            .and_then(Reading::ptb)
            .expect("a PTB status");
        assert!(invalid.code() >= INVALID_FROM, "the test's invalid word");
        let (view, rows) = ChannelValues::new(name, Some(&channel), readings, true);
        assert_eq!(view.row_count, 35_040, "the missing value is a gap row");
        let p = &view.points;
        assert!(p.thinned);
        assert!(p.i.len() <= 4 * CHART_BUCKETS + 2, "{} points", p.i.len());
        assert!(p.i.len() >= CHART_BUCKETS, "{} points", p.i.len());
        assert_eq!(
            (p.i.len(), p.x.len(), p.y.len(), p.s.len()),
            (p.i.len(), p.i.len(), p.i.len(), p.i.len())
        );
        assert!(p.i.windows(2).all(|w| w[0] < w[1]), "rows ascending");
        assert_eq!((p.i.first(), p.i.last()), (Some(&0), Some(&35_039)));
        // The spike, the gap and the invalid value are all drawn, and the daily low and
        // high of the curve too (they shape the line).
        let at = |row: u32| p.i.iter().position(|r| *r == row);
        assert_eq!(at(10_000).map(|k| p.y[k]), Some(Some(9_999.0)));
        assert_eq!(
            at(20_001).map(|k| p.y[k]),
            Some(None),
            "the gap breaks the line"
        );
        assert_eq!(at(30_000).map(|k| p.s[k]), Some(Some(invalid.code())));
        assert_eq!(
            p.y.iter().flatten().cloned().fold(f64::MAX, f64::min),
            100.0
        );
        // Every point is a real row: its time is the row's.
        for (k, row) in p.i.iter().enumerate() {
            let expected = start + chrono::Duration::minutes(15 * i64::from(*row));
            assert_eq!(p.x[k], expected.timestamp());
        }

        // A day zoomed in: all 96 rows of the day plus one on each side, and the
        // overview outside it.
        let from = (start + chrono::Duration::days(100)).timestamp();
        let to = from + 86_400 - 900;
        let zoomed = rows.view(from, to);
        let inside: Vec<u32> = zoomed
            .i
            .iter()
            .zip(&zoomed.x)
            .filter(|(_, x)| (from..=to).contains(*x))
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(inside, (9_600..9_696).collect::<Vec<u32>>());
        assert!(zoomed.i.contains(&9_599) && zoomed.i.contains(&9_696));
        assert!(zoomed.i.contains(&10_000) && zoomed.i.contains(&0));
        assert!(zoomed.i.windows(2).all(|w| w[0] < w[1]));
        // A view past the end is the overview alone; a few rows are never thinned.
        assert_eq!(rows.view(i64::MAX - 1, i64::MAX).i, p.i);
        let (few, _) = year_like(300);
        let (small, _) = ChannelValues::new(name, Some(&channel), few, true);
        assert!(!small.points.thinned && small.points.i.len() == 300);
    }

    fn ht_nt(day_profiles: usize) -> smgw_model::TariffProfile {
        use smgw_model::tariff::{DayProfile, SwitchPoint, TariffStage};
        let stage = |id: &str, name: &str| TariffStage {
            id: id.into(),
            name: Some(name.into()),
            register: None,
        };
        let switch = |time: &str, stage: &str| SwitchPoint {
            time: time.into(),
            stage: stage.into(),
        };
        smgw_model::TariffProfile {
            taf: Some("2".into()),
            usage_point_id: None,
            metering_point_id: None,
            valid_from: None,
            valid_to: None,
            stages: vec![stage("1", "HT"), stage("2", "NT")],
            day_profiles: (0..day_profiles)
                .map(|i| DayProfile {
                    id: i.to_string(),
                    // Out of order on purpose: switching times are sorted.
                    switches: vec![switch("22:00", "2"), switch("06:00:00", "1")],
                })
                .collect(),
            unknown: Vec::new(),
        }
    }

    #[test]
    fn tariff_stages_follow_the_switching_times_in_german_local_time() {
        let utc = |t: &str| {
            DateTime::parse_from_rfc3339(t)
                .expect("time")
                .with_timezone(&Utc)
        };
        // Two days across the end of summer time (26 October 2025): 06:00 and 22:00
        // local are 04:00/20:00 UTC before and 05:00/21:00 UTC after.
        let view = stage_bands(
            &ht_nt(1),
            utc("2025-10-24T22:00:00Z"),
            utc("2025-10-26T23:00:00Z"),
        )
        .expect("one day profile, two stages");
        assert_eq!(view.names, ["1 HT", "2 NT"]);
        let bands: Vec<(String, String, u8)> = view
            .bands
            .iter()
            .map(|b| {
                let t = |s: i64| {
                    DateTime::from_timestamp(s, 0)
                        .expect("time")
                        .format("%d %H:%M")
                        .to_string()
                };
                (t(b.from), t(b.to), b.n)
            })
            .collect();
        let band = |a: &str, b: &str, n: u8| (a.to_owned(), b.to_owned(), n);
        assert_eq!(
            bands,
            [
                band("24 22:00", "25 04:00", 1),
                band("25 04:00", "25 20:00", 0),
                band("25 20:00", "26 05:00", 1),
                band("26 05:00", "26 21:00", 0),
                band("26 21:00", "26 23:00", 1),
            ]
        );
        // Several day profiles (which day uses which is not interpreted) or one stage:
        // no stages are claimed.
        let (from, to) = (utc("2025-06-01T00:00:00Z"), utc("2025-06-02T00:00:00Z"));
        assert!(stage_bands(&ht_nt(2), from, to).is_none());
        let mut one = ht_nt(1);
        one.stages.truncate(1);
        assert!(stage_bands(&one, from, to).is_none());
        let mut unknown = ht_nt(1);
        unknown.day_profiles[0].switches[0].stage = "9".into();
        assert!(stage_bands(&unknown, from, to).is_none());
    }

    #[test]
    fn an_estimated_gateway_clock_is_not_compared_with_this_computers() {
        let utc = |t: &str| {
            DateTime::parse_from_rfc3339(t)
                .expect("time")
                .with_timezone(&Utc)
        };
        let now = utc("2026-11-20T09:10:00Z");
        let facts = |clock| GatewayFacts {
            info: smgw_model::records::GatewayInfo {
                id: "EEMH0012345678".into(),
                state: None,
                // The newest value's capture time: ten minutes before the read.
                time: Some(utc("2026-11-20T09:00:00Z")),
                firmware: Vec::new(),
                certificates: Vec::new(),
            },
            state_as_sent: None,
            han_certificate_matches: None,
            clock,
        };
        let reported = GatewayView::new(&facts(ClockOrigin::Reported), now);
        assert_eq!(reported.difference.as_deref(), Some("−10 min"));
        assert!(reported.clock_warning.is_some());
        assert!(reported.clock_note.is_none());

        let estimated = GatewayView::new(&facts(ClockOrigin::Estimated), now);
        assert_eq!(estimated.time, reported.time, "the estimate is still shown");
        assert!(estimated.difference.is_none() && estimated.clock_warning.is_none());
        let note = estimated.clock_note.expect("a note instead");
        assert!(note.de.starts_with("geschätzt") && note.en.starts_with("estimated"));
    }
}
