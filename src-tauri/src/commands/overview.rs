//! The overview: one's own consumption at a glance, from the archive of the session kind
//! (the demo's own archive for the demo). Months and years are German local ones
//! (`export::consumption_periods`); the window only shows the figures.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use serde::Serialize;
use ts_rs::TS;

use archive::{Archive, ArchiveError, CertKind, ChannelStatus, Scope, StoredCertificate};
use export::{consumption_periods, BarPeriod};
use smgw_model::time::{berlin_date, in_largest_unit, DifferenceUnit};
use smgw_model::{Lang, PtbStatus, Quantity, ScaledValue, Unit};

use super::archive::archive_error;
use super::AppCore;
use crate::error::UiError;
use crate::views::{Instant, Text};

/// The consumption in one period, as words and as a number for the bars.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PeriodFigure {
    /// The period (`06.2025`, `2025`; ISO forms in English).
    pub period: Text,
    /// The amount with unit.
    pub amount: Text,
    /// The amount in the channel's unit, for the bar's length.
    pub value: f64,
    /// Values are missing in the period: the amount covers only the part with values.
    pub partial: bool,
}

/// Import or export of electricity.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FlowView {
    /// "Bezug" / "Einspeisung" and the OBIS code.
    pub name: Text,
    /// The unit of `value` in the figures.
    pub unit: String,
    /// This German local month so far.
    pub this_month: Option<PeriodFigure>,
    /// The month before.
    pub last_month: Option<PeriodFigure>,
    /// This German local year so far.
    pub year: Option<PeriodFigure>,
    /// The last twelve months with values, oldest first.
    pub months: Vec<PeriodFigure>,
}

/// The newest value in the archive.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NewestView {
    /// Channel in words.
    pub channel: Text,
    /// Its time.
    pub time: Instant,
    /// The value with unit.
    pub value: Text,
    /// The PTB status in words, if sent.
    pub status: Option<Text>,
    /// Whether the status says the value is invalid (PTB 2 or more).
    pub invalid: bool,
}

/// The overview screen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OverviewView {
    /// The archive file.
    pub path: String,
    /// Whether the archive holds values of this session's gateway (else the view says to
    /// sync first).
    pub has_values: bool,
    /// The gateway the figures are of.
    pub smgw_id: Option<String>,
    /// Its consumer (user id) the figures are of.
    pub user_id: Option<String>,
    /// The moment "this month" and "this year" refer to: the newest energy value (or now).
    pub as_of: Option<Instant>,
    /// Import, then export (prosumers).
    pub flows: Vec<FlowView>,
    /// The newest value of all channels.
    pub newest: Option<NewestView>,
    /// Open warnings: gaps, invalid values, conflicts between syncs.
    pub warnings: Vec<Text>,
    /// The gateway's clock was off this computer's at the newest read (shown first among
    /// the warnings; apart because it depends on the moment of that read).
    pub clock_drift: Option<Text>,
    /// Up to where every channel is complete (the earliest `synced_until`).
    pub complete_until: Option<Instant>,
    /// The last sync.
    pub last_sync: Option<Instant>,
}

/// How far back the figures go: thirteen months hold this month and the twelve before.
const MONTHS_BACK: u32 = 13;
/// Readings per archive query.
const PAGE: u32 = 20_000;

fn figure(sum: &export::PeriodSum, period: BarPeriod, unit: Unit) -> PeriodFigure {
    PeriodFigure {
        period: Text::of(|lang| period.label(sum.key, lang)),
        amount: Text::of(|lang| Quantity::new(sum.amount, unit).format_auto(lang)),
        value: sum.amount.to_f64(),
        partial: !sum.complete,
    }
}

/// A certificate of the gateway that another one replaced: which one, and when the new
/// one was first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateChange {
    /// Which certificate.
    pub kind: CertKind,
    /// Its `cert-index` (WAN certificates).
    pub index: Option<u32>,
    /// When the newest of them was first seen.
    pub since: DateTime<Utc>,
}

impl CertificateChange {
    /// The overview's warning.
    pub fn message(&self, lang: Lang) -> String {
        let which = match (self.kind, lang) {
            (CertKind::HanTls, Lang::De) => "Das TLS-Zertifikat (HAN) des Gateways".to_owned(),
            (CertKind::HanTls, _) => "The gateway's TLS certificate (HAN)".to_owned(),
            (CertKind::WanSig, Lang::De) => match self.index {
                Some(0) => "Das Siegelzertifikat des Gateways".to_owned(),
                Some(i) => format!("Das Signaturzertifikat Nr. {i} des Gateways"),
                None => "Ein Signaturzertifikat des Gateways".to_owned(),
            },
            (CertKind::WanSig, _) => match self.index {
                Some(0) => "The gateway's seal certificate".to_owned(),
                Some(i) => format!("The gateway's signature certificate no. {i}"),
                None => "A signature certificate of the gateway".to_owned(),
            },
            (CertKind::WanSubCa, Lang::De) => "Ein Sub-CA-Zertifikat des Gateways".to_owned(),
            (CertKind::WanSubCa, _) => "A sub-CA certificate of the gateway".to_owned(),
        };
        let day = berlin_date(self.since);
        match lang {
            Lang::De => format!(
                "{which} wurde gewechselt (neues gesehen seit {}). Das Archiv hält beide. War kein Gerätetausch oder Zertifikatswechsel angekündigt, bitte beim Messstellenbetreiber nachfragen.",
                day.format("%d.%m.%Y")
            ),
            Lang::En => format!(
                "{which} changed (the new one seen since {}). The archive keeps both. If no device exchange or certificate renewal was announced, please ask the metering operator.",
                day.format("%Y-%m-%d")
            ),
        }
    }
}

/// The certificates the gateway replaced: per kind and index, more than one certificate
/// in the archive. Newest change first.
pub fn certificate_changes(certs: &[StoredCertificate]) -> Vec<CertificateChange> {
    let mut changes: Vec<CertificateChange> = Vec::new();
    for cert in certs {
        let (kind, index) = (cert.cert.kind, cert.cert.index);
        let same = |c: &&StoredCertificate| c.cert.kind == kind && c.cert.index == index;
        if certs.iter().filter(same).count() < 2
            || changes.iter().any(|c| c.kind == kind && c.index == index)
        {
            continue;
        }
        if let Some(since) = certs.iter().filter(same).map(|c| c.first_seen).max() {
            changes.push(CertificateChange { kind, index, since });
        }
    }
    changes.sort_by_key(|c| std::cmp::Reverse(c.since));
    changes
}

/// From how far apart the gateway's clock and this computer's the overview warns. The
/// gateway keeps its clock by the operator's time server; the laptop, cut off from the
/// internet on the HAN cable, may be seconds off, and reading the answer takes a moment.
/// A minute is well beyond both and already shifts a value by a fifteenth of its quarter
/// hour (the calibration rules allow 3 % of the measuring period).
pub const CLOCK_DRIFT_WARNING: Duration = Duration::seconds(60);

/// The gateway's clock against this computer's at the newest read that has a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockDrift {
    /// When it was read, by this computer's clock.
    pub read_at: DateTime<Utc>,
    /// The gateway's clock minus this computer's (positive: the gateway's runs ahead).
    pub ahead: Duration,
}

impl ClockDrift {
    /// The drift of a read at `read_at` (this computer's clock) that found the gateway's
    /// clock at `smgw_time`, if it is beyond [`CLOCK_DRIFT_WARNING`].
    pub fn of(read_at: DateTime<Utc>, smgw_time: DateTime<Utc>) -> Option<ClockDrift> {
        let ahead = smgw_time - read_at;
        (ahead.abs() > CLOCK_DRIFT_WARNING).then_some(ClockDrift { read_at, ahead })
    }

    /// The overview's warning.
    pub fn message(&self, lang: Lang) -> String {
        let (n, unit) = in_largest_unit(self.ahead);
        let (de, en) = match unit {
            DifferenceUnit::Seconds => (("Sekunde", "Sekunden"), ("second", "seconds")),
            DifferenceUnit::Minutes => (("Minute", "Minuten"), ("minute", "minutes")),
            DifferenceUnit::Hours => (("Stunde", "Stunden"), ("hour", "hours")),
            DifferenceUnit::Days => (("Tag", "Tage"), ("day", "days")),
        };
        let by = counted(n, de, en);
        let ahead = self.ahead > Duration::zero();
        let when = smgw_model::time::to_berlin(self.read_at);
        match lang {
            Lang::De => format!(
                "Beim letzten Lesen ({}) ging die Uhr des Gateways gegenüber der Uhr dieses Rechners {} {}. Geht die Uhr dieses Rechners richtig, tragen die Werte des Gateways verschobene Zeiten: bitte beim Messstellenbetreiber nachfragen.",
                when.format("%d.%m.%Y %H:%M"),
                by.de,
                if ahead { "vor" } else { "nach" },
            ),
            _ => format!(
                "At the last read ({}) the gateway's clock was {} {} this computer's. If this computer's clock is right, the gateway's values carry shifted times: please ask the metering operator.",
                when.format("%Y-%m-%d %H:%M"),
                by.en,
                if ahead { "ahead of" } else { "behind" },
            ),
        }
    }
}

/// "1 Lücke" / "2 Lücken": a count with its noun in the right number.
fn counted(n: u64, de: (&str, &str), en: (&str, &str)) -> Text {
    Text::of(|lang| {
        let (one, many) = if lang == Lang::De { de } else { en };
        let noun = if n == 1 { one } else { many };
        format!("{} {noun}", grouped(n, lang))
    })
}

/// A count with the language's thousands separator (`34.945`, `34,945`).
fn grouped(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = if lang == Lang::De { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

async fn readings_since(
    db: &Archive,
    channel: archive::ChannelId,
    since: DateTime<Utc>,
) -> Result<Vec<smgw_model::records::Reading>, ArchiveError> {
    let mut out = Vec::new();
    let mut after = Some(since);
    loop {
        let page = db.readings(channel, after, None, PAGE).await?;
        let full = page.len() == PAGE as usize;
        after = page.last().map(|r| r.reading.target_time).or(after);
        for r in page {
            out.push(r.reading.to_model()?);
        }
        if !full {
            return Ok(out);
        }
    }
}

/// The overview of the archive at `db` at `now`, for the gateway seen last.
pub async fn overview_of(
    db: &Archive,
    path: String,
    now: DateTime<Utc>,
) -> Result<OverviewView, ArchiveError> {
    let mut view = OverviewView {
        path,
        has_values: false,
        smgw_id: None,
        user_id: None,
        as_of: None,
        flows: Vec::new(),
        newest: None,
        warnings: Vec::new(),
        clock_drift: None,
        complete_until: None,
        last_sync: None,
    };
    let gateways = db.gateways().await?;
    let Some(gateway) = gateways.iter().max_by_key(|g| g.last_seen) else {
        return Ok(view);
    };
    let Some(consumer) = db.consumers(Some(gateway.id)).await?.into_iter().next() else {
        return Ok(view);
    };
    view.smgw_id = Some(gateway.smgw_id.clone());
    view.user_id = Some(consumer.user_id.clone());
    let statuses: Vec<ChannelStatus> = db.status(Scope::Consumer(consumer.id)).await?;
    // "This month" is the month of the newest energy value: an archive opened months
    // after its last sync still shows its last months, not empty ones.
    let now = statuses
        .iter()
        .filter(|s| s.channel.key.name.obis.is_import() || s.channel.key.name.obis.is_export())
        .filter_map(|s| s.last)
        .max()
        .map_or(now, |last| last.min(now));
    view.as_of = Some(now.into());
    let today = berlin_date(now);
    let this_month = BarPeriod::Month.key(today);
    let last_month = this_month
        .checked_sub_months(Months::new(1))
        .unwrap_or(this_month);
    let first_month = this_month
        .checked_sub_months(Months::new(MONTHS_BACK - 1))
        .unwrap_or(this_month);
    let this_year = BarPeriod::Year.key(today);
    // A day of margin: the register value at the first month's start begins its sum.
    let since = now - Duration::days(i64::from(MONTHS_BACK) * 31 + 1);
    let mut invalid = 0u64;
    let mut gaps = 0u64;
    let mut missing = 0u64;
    let mut conflicts = 0u64;
    // One flow per direction: the total register (tariff 0, else any) that holds the most
    // values; the same register sits in several value lists and contracts.
    let pick = |import: bool| {
        let of_direction = |s: &&ChannelStatus| {
            let o = s.channel.key.name.obis;
            s.count > 0 && if import { o.is_import() } else { o.is_export() }
        };
        let total = statuses
            .iter()
            .filter(of_direction)
            .filter(|s| s.channel.key.name.obis.tariff() == 0)
            .max_by_key(|s| (s.count, s.last));
        total
            .or_else(|| {
                statuses
                    .iter()
                    .filter(of_direction)
                    .max_by_key(|s| (s.count, s.last))
            })
            .map(|s| s.channel.id)
    };
    let flows = [pick(true), pick(false)];
    // Field failure 25: an import register that stood still for a week while values kept
    // coming. The same register sits in several value lists and contracts: one warning.
    let mut frozen: Vec<smgw_model::FrozenRegister> = Vec::new();
    for s in &statuses {
        if let Some(f) =
            smgw_model::frozen_register(s.channel.key.name.obis, s.unchanged_since, s.last)
        {
            if !frozen.contains(&f) {
                frozen.push(f);
            }
        }
    }
    for s in &statuses {
        view.has_values |= s.count > 0;
        gaps += s.gaps;
        missing += s.missing_slots;
        conflicts += s.conflicts;
        view.complete_until = match (view.complete_until.take(), s.synced_until) {
            (Some(a), Some(b)) if Instant::from(b).utc < a.utc => Some(b.into()),
            (None, Some(b)) => Some(b.into()),
            (a, _) => a,
        };
        if let Some(t) = s.last_sync_at {
            if view
                .last_sync
                .as_ref()
                .is_none_or(|l| Instant::from(t).utc > l.utc)
            {
                view.last_sync = Some(t.into());
            }
        }
        let obis = s.channel.key.name.obis;
        let unit = s.channel.spec.unit.unwrap_or(Unit::WattHour);
        if !flows.contains(&Some(s.channel.id)) {
            continue;
        }
        let readings = readings_since(db, s.channel.id, since).await?;
        invalid += readings
            .iter()
            .filter(|r| r.ptb().is_some_and(|p| p.code() >= 2))
            .count() as u64;
        if let Some(r) = readings.last() {
            let newer = view
                .newest
                .as_ref()
                .is_none_or(|n| Instant::from(r.target_time).utc > n.time.utc);
            if newer {
                view.newest = Some(NewestView {
                    channel: Text::of(|lang| {
                        format!("{obis} {}", obis.name(lang).unwrap_or_default())
                    }),
                    time: r.target_time.into(),
                    value: Text::of(|lang| Quantity::new(r.value, unit).format_auto(lang)),
                    status: r
                        .ptb()
                        .map(|p: PtbStatus| Text::of(|lang| p.text(lang).to_owned())),
                    invalid: r.ptb().is_some_and(|p| p.code() >= 2),
                });
            }
        }
        let series: Vec<(DateTime<Utc>, ScaledValue)> =
            readings.iter().map(|r| (r.target_time, r.value)).collect();
        let months = consumption_periods(&series, BarPeriod::Month).unwrap_or_default();
        let years = consumption_periods(&series, BarPeriod::Year).unwrap_or_default();
        let month = |key: NaiveDate| {
            months
                .iter()
                .find(|m| m.key == key)
                .map(|m| figure(m, BarPeriod::Month, unit))
        };
        view.flows.push(FlowView {
            name: Text::of(|lang| {
                let word = match (obis.is_import(), lang) {
                    (true, Lang::De) => "Bezug",
                    (true, _) => "Import",
                    (false, Lang::De) => "Einspeisung",
                    (false, _) => "Export",
                };
                format!("{word} ({obis})")
            }),
            unit: unit.symbol().to_owned(),
            this_month: month(this_month),
            last_month: month(last_month),
            year: years
                .iter()
                .find(|y| y.key == this_year)
                .map(|y| figure(y, BarPeriod::Year, unit)),
            months: months
                .iter()
                .filter(|m| m.key > first_month)
                .map(|m| figure(m, BarPeriod::Month, unit))
                .collect(),
        });
    }
    // Import before export.
    view.flows.sort_by_key(|f| f.name.en.starts_with("Export"));
    if let Some(n) = &view.newest {
        if n.invalid {
            view.warnings.push(Text {
                de: "Der neueste Wert hat einen Fehlerstatus: bitte das Gateway und den Zähler prüfen lassen (Messstellenbetreiber).".into(),
                en: "The newest value has an error status: please have the gateway and the meter checked (metering operator).".into(),
            });
        }
    }
    view.warnings
        .extend(frozen.iter().map(|f| Text::of(|lang| f.message(lang))));
    // Only the newest read counts: a drift that a later read no longer shows is gone.
    let clock = db.newest_gateway_clock(gateway.id).await?;
    view.clock_drift = clock
        .and_then(|(read_at, smgw_time)| ClockDrift::of(read_at, smgw_time))
        .map(|drift| Text::of(|lang| drift.message(lang)));
    let changed = certificate_changes(&db.certificates(gateway.id).await?);
    view.warnings
        .extend(changed.iter().map(|c| Text::of(|lang| c.message(lang))));
    if gaps > 0 {
        let g = counted(gaps, ("Lücke", "Lücken"), ("gap", "gaps"));
        let m = counted(
            missing,
            ("fehlender Wert", "fehlende Werte"),
            ("missing value", "missing values"),
        );
        view.warnings.push(Text {
            de: format!(
                "{} im Archiv ({}). Eine Synchronisierung holt nach, was das Gateway noch hat.",
                g.de, m.de
            ),
            en: format!(
                "{} in the archive ({}). A sync fetches what the gateway still holds.",
                g.en, m.en
            ),
        });
    }
    if invalid > 0 {
        let n = counted(invalid, ("Wert", "Werte"), ("value", "values"));
        view.warnings.push(Text {
            de: format!("{} der letzten 13 Monate mit Fehlerstatus (PTB 2 oder höher): in „Messwerte“ rot markiert; nicht für die Abrechnung verwenden.", n.de),
            en: format!("{} of the last 13 months with an error status (PTB 2 or more): marked red in “Values”; do not use them for billing.", n.en),
        });
    }
    if conflicts > 0 {
        let n = counted(
            conflicts,
            ("Konflikt", "Konflikte"),
            ("conflict", "conflicts"),
        );
        view.warnings.push(Text {
            de: format!("{}: das Gateway hat gespeicherte Werte später anders gemeldet. Das Archiv zeigt beide; bitte beim Messstellenbetreiber nachfragen.", n.de),
            en: format!("{}: the gateway later reported stored values differently. The archive keeps both; please ask the metering operator.", n.en),
        });
    }
    Ok(view)
}

impl AppCore {
    /// The overview of the current archive (the demo's for the demo session).
    pub async fn overview(&self) -> Result<OverviewView, UiError> {
        let (path, _) = self.current_archive()?;
        let shown = path.display().to_string();
        if !path.exists() {
            return overview_empty(shown);
        }
        let db = Archive::open_existing(&path)
            .await
            .map_err(|e| archive_error(&e))?;
        let view = overview_of(&db, shown, Utc::now()).await;
        db.close().await;
        view.map_err(|e| archive_error(&e))
    }
}

fn overview_empty(path: String) -> Result<OverviewView, UiError> {
    Ok(OverviewView {
        path,
        has_values: false,
        smgw_id: None,
        user_id: None,
        as_of: None,
        flows: Vec::new(),
        newest: None,
        warnings: Vec::new(),
        clock_drift: None,
        complete_until: None,
        last_sync: None,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_clock_drift_is_a_warning_from_a_minute_on_in_the_right_words() {
        // 22:30 UTC on 3 March is 23:30 in Germany.
        let read = Utc
            .with_ymd_and_hms(2026, 3, 3, 22, 30, 0)
            .single()
            .unwrap_or_default();
        let off = |secs: i64| ClockDrift::of(read, read + Duration::seconds(secs));
        assert_eq!(off(0), None);
        assert_eq!(off(60), None);
        assert_eq!(off(-60), None);
        let behind = off(-180).map(|d| (d.message(Lang::De), d.message(Lang::En)));
        let (de, en) = behind.unwrap_or_default();
        assert!(
            de.starts_with("Beim letzten Lesen (03.03.2026 23:30) ging die Uhr des Gateways gegenüber der Uhr dieses Rechners 3 Minuten nach."),
            "{de}"
        );
        assert!(
            en.contains("(2026-03-03 23:30) the gateway's clock was 3 minutes behind"),
            "{en}"
        );
        let ahead = off(61).map(|d| d.message(Lang::De)).unwrap_or_default();
        assert!(ahead.contains("61 Sekunden vor"), "{ahead}");
        let day = off(86_400 + 3_600)
            .map(|d| d.message(Lang::De))
            .unwrap_or_default();
        assert!(day.contains("25 Stunden vor"), "{day}");
        let days = off(-13 * 86_400)
            .map(|d| d.message(Lang::En))
            .unwrap_or_default();
        assert!(days.contains("13 days behind"), "{days}");
        let one = off(2 * 86_400)
            .map(|d| d.message(Lang::De))
            .unwrap_or_default();
        assert!(one.contains("2 Tage vor"), "{one}");
    }
}
