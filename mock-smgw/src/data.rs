//! The deterministic data generator: meter series, value lists and the logbook.
//!
//! Energy is kept in integer units of 10^-4 Wh per 15-minute slot with prefix sums, so a
//! register value at any instant is an O(1) lookup and every database of a contract derives
//! from the same numbers (the hourly, daily and tariff lists stay consistent with the
//! 15-minute list by construction).

use chrono::{Datelike, Timelike, Weekday};
use chrono_tz::Europe::Berlin;

use crate::config::{Level, MeterConf, Profile, SignatureMode, TariffConf};
use crate::time;

/// Length of a slot in seconds.
pub const SLOT: i64 = 900;
/// Base energy unit: 10^-4 Wh, i.e. scaler -4 in Wh.
const BASE_SCALER: i32 = -4;

/// splitmix64: a tiny, well-mixed hash so that every pseudo-random choice depends only on
/// the seed and the position, never on generation order.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Uniform in `[0, 1)` from a hash.
pub fn unit(x: u64) -> f64 {
    (mix(x) >> 11) as f64 / (1u64 << 53) as f64
}

/// Hash of a string, for seeding per meter.
pub fn str_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Resolved hard cases of a meter.
#[derive(Debug, Clone, Default)]
pub struct HardCases {
    /// `[from, to)` ranges without values.
    pub gaps: Vec<(i64, i64)>,
    /// `[from, to)` ranges with invalid system time.
    pub time_invalid: Vec<(i64, i64)>,
    /// `[from, to)` ranges with a status level.
    pub events: Vec<(i64, i64, Level)>,
    /// Seeded share of warnings.
    pub status_rate: f64,
    /// Signature mode.
    pub signatures: SignatureMode,
}

/// A meter's generated energy series.
#[derive(Debug)]
pub struct MeterSeries {
    /// Meter id before any exchange.
    pub id: String,
    /// Exchange: (time, new id, new register start in base units).
    pub exchange: Option<(i64, String, i64)>,
    /// First slot boundary (aligned to 15 minutes).
    pub start: i64,
    /// Register at `start`, base units.
    pub start_register: i64,
    /// Cumulative import energy at slot boundaries, base units (`len = slots + 1`).
    pub import: Vec<i64>,
    /// Cumulative export energy, if the meter has feed-in.
    pub export: Option<Vec<i64>>,
    /// Hard cases.
    pub hard: HardCases,
    seed: u64,
}

/// Piecewise-linear daily shape (local hour → relative load), loosely after the H0 profile.
const SHAPE: [(f64, f64); 12] = [
    (0.0, 0.45),
    (5.0, 0.35),
    (6.5, 0.55),
    (8.0, 0.95),
    (10.0, 0.75),
    (12.0, 1.05),
    (14.0, 0.80),
    (17.0, 0.90),
    (19.0, 1.45),
    (21.0, 1.25),
    (23.0, 0.65),
    (24.0, 0.45),
];

fn shape(hour: f64) -> f64 {
    for w in SHAPE.windows(2) {
        let ((h0, v0), (h1, v1)) = (w[0], w[1]);
        if hour >= h0 && hour <= h1 {
            return v0 + (v1 - v0) * (hour - h0) / (h1 - h0);
        }
    }
    0.45
}

impl MeterSeries {
    /// Generates the series from `start` to `end` (both Unix seconds).
    /// `exchange_at` is when `conf.exchange` happens, resolved by the scenario's clock.
    pub fn generate(
        conf: &MeterConf,
        start: i64,
        end: i64,
        seed: u64,
        hard: HardCases,
        exchange_at: Option<i64>,
    ) -> Self {
        let start = start - start.rem_euclid(SLOT);
        let slots = usize::try_from(((end - start) / SLOT).max(0)).unwrap_or(0) + 1;
        let mseed = seed ^ str_hash(&conf.id);
        let per_slot_wh = conf.annual_kwh * 1000.0 / (365.25 * 96.0);
        let mut import = Vec::with_capacity(slots + 1);
        let mut export = (conf.profile == Profile::Prosumer).then(|| Vec::with_capacity(slots + 1));
        let (mut ci, mut ce) = (0i64, 0i64);
        import.push(0);
        if let Some(e) = export.as_mut() {
            e.push(0);
        }
        let mut day_cache = (i64::MIN, 0.0, 0.0, false, 0.0);
        for s in 0..slots {
            let t = start + s as i64 * SLOT;
            let mid = t + SLOT / 2;
            let local = time::to_utc(mid).with_timezone(&Berlin);
            let day = mid.div_euclid(86_400);
            if day != day_cache.0 {
                let doy = f64::from(local.ordinal());
                let season = 1.0 + 0.22 * (std::f64::consts::TAU * (doy - 10.0) / 365.25).cos();
                let weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
                let daylen = 12.0 + 4.2 * (std::f64::consts::TAU * (doy - 80.0) / 365.25).sin();
                let cloud = 0.25 + 0.75 * unit(mseed ^ 0xc10d ^ day as u64);
                day_cache = (day, season, daylen, weekend, cloud);
            }
            let (_, season, daylen, weekend, cloud) = day_cache;
            let hour = f64::from(local.hour()) + f64::from(local.minute()) / 60.0;
            let load_wh = match conf.profile {
                Profile::Flat => per_slot_wh,
                _ => {
                    let noise = 0.8 + 0.4 * unit(mseed ^ (s as u64).wrapping_mul(31));
                    let wk = if weekend { 1.12 } else { 1.0 };
                    per_slot_wh * shape(hour) / 0.82 * season * wk * noise
                }
            };
            let (imp_wh, exp_wh) = if conf.profile == Profile::Prosumer {
                // Solar time follows UTC+1 so the sun does not jump at DST changes.
                let solar = (mid.rem_euclid(86_400) as f64 / 3600.0 + 1.0) % 24.0;
                let rise = 12.3 - daylen / 2.0;
                let x = (solar - rise) / daylen;
                let pv_kw = if (0.0..=1.0).contains(&x) {
                    let peak = conf.pv_kwp * (0.35 + 0.45 * (daylen - 7.8) / 8.4) * cloud;
                    peak * (std::f64::consts::PI * x).sin().powf(1.5)
                } else {
                    0.0
                };
                let pv_wh = pv_kw * 250.0;
                ((load_wh - pv_wh).max(0.0), (pv_wh - load_wh).max(0.0))
            } else {
                (load_wh, 0.0)
            };
            ci += (imp_wh * 1e4).round() as i64;
            ce += (exp_wh * 1e4).round() as i64;
            import.push(ci);
            if let Some(e) = export.as_mut() {
                e.push(ce);
            }
        }
        let exchange = conf
            .exchange
            .as_ref()
            .zip(exchange_at)
            .map(|(x, at)| (at, x.new_id.clone(), (x.new_start_wh * 1e4).round() as i64));
        Self {
            id: conf.id.clone(),
            exchange,
            start,
            start_register: (conf.start_register_wh * 1e4).round() as i64,
            import,
            export,
            hard,
            seed: mseed,
        }
    }

    /// Last instant covered by the series.
    pub fn end(&self) -> i64 {
        self.start + (self.import.len() as i64 - 1) * SLOT
    }

    /// Cumulative energy of `prefix` at `t`, interpolated inside a slot.
    fn cum(&self, prefix: &[i64], t: i64) -> i64 {
        let rel = (t - self.start).max(0);
        let last = prefix.len().saturating_sub(1);
        let i = usize::try_from(rel / SLOT).unwrap_or(usize::MAX).min(last);
        let base = prefix.get(i).copied().unwrap_or(0);
        if i >= last {
            return base;
        }
        let next = prefix.get(i + 1).copied().unwrap_or(base);
        base + (next - base) * (rel % SLOT) / SLOT
    }

    /// Energy of the slot ending at `t` (base units) from `prefix`.
    fn slot_energy(&self, prefix: &[i64], t: i64) -> i64 {
        self.cum(prefix, t) - self.cum(prefix, t - SLOT)
    }

    /// Meter id in charge at `t`.
    pub fn meter_at(&self, t: i64) -> &str {
        match &self.exchange {
            Some((at, id, _)) if t >= *at => id,
            _ => &self.id,
        }
    }

    /// All meter ids of the series (the exchanged one last).
    pub fn meter_ids(&self) -> Vec<String> {
        let mut v = vec![self.id.clone()];
        if let Some((_, id, _)) = &self.exchange {
            v.push(id.clone());
        }
        v
    }

    fn in_gap(&self, t: i64) -> bool {
        self.hard.gaps.iter().any(|&(a, b)| t >= a && t < b)
    }

    fn status(&self, t: i64) -> (Level, bool) {
        let invalid = self.hard.time_invalid.iter().any(|&(a, b)| t >= a && t < b);
        let mut level = self
            .hard
            .events
            .iter()
            .filter(|&&(a, b, _)| t >= a && t < b)
            .map(|&(_, _, l)| l)
            .max()
            .unwrap_or(Level::Normal);
        if self.hard.status_rate > 0.0 {
            let u = unit(self.seed ^ 0x57a7 ^ t as u64);
            if u < self.hard.status_rate / 10.0 {
                level = level.max(Level::Critical);
            } else if u < self.hard.status_rate {
                level = level.max(Level::Warning);
            }
        }
        if invalid {
            // A gateway without valid time marks its values as temporarily invalid.
            level = level.max(Level::Temporary);
        }
        (level, invalid)
    }
}

/// What a channel measures, decoded from its OBIS code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Cumulative register: import (C=1) or export (C=2), total or a tariff register.
    Register {
        /// Export instead of import.
        export: bool,
        /// Tariff register 0 = total, 1 = high, 2 = low.
        tariff: u8,
    },
    /// Average power over the slot (D=7); C=16 gives net power (import − export).
    Power {
        /// Net power instead of import power.
        net: bool,
    },
}

impl Quantity {
    /// Decodes a 12-hex-digit OBIS code; `None` for codes the generator cannot serve.
    pub fn from_obis(obis: &str) -> Option<Self> {
        let b = hex::decode(obis).ok()?;
        if b.len() != 6 {
            return None;
        }
        match (b[2], b[3]) {
            (1 | 2, 8) if b[4] <= 2 => Some(Quantity::Register {
                export: b[2] == 2,
                tariff: b[4],
            }),
            (1, 7) => Some(Quantity::Power { net: false }),
            (16, 7) => Some(Quantity::Power { net: true }),
            _ => None,
        }
    }
}

/// Tariff split of the import energy for the `calculated` database.
#[derive(Debug)]
pub struct TariffSeries {
    /// Cumulative high-tariff energy (same slots as the meter series).
    pub high: Vec<i64>,
    /// Cumulative low-tariff energy.
    pub low: Vec<i64>,
}

impl TariffSeries {
    /// Splits the meter's import by the tariff program.
    pub fn split(meter: &MeterSeries, t: &TariffConf) -> Self {
        let n = meter.import.len();
        let (mut high, mut low) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut h, mut l) = (0, 0);
        high.push(0);
        low.push(0);
        for i in 1..n {
            let e = meter.import[i] - meter.import[i - 1];
            let slot_start = meter.start + (i as i64 - 1) * SLOT;
            let local = time::to_utc(slot_start).with_timezone(&Berlin);
            let weekday = !matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
            let hour = local.hour();
            if hour >= t.ht_from_hour && hour < t.ht_to_hour && (weekday || !t.weekdays_only) {
                h += e;
            } else {
                l += e;
            }
            high.push(h);
            low.push(l);
        }
        Self { high, low }
    }
}

/// One value of a value list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Channel name with suffix, `<obis>.<meter id>.sm`.
    pub channel: String,
    /// When the gateway took the value (Unix seconds).
    pub capture_time: i64,
    /// End of the measuring period the value belongs to (Unix seconds).
    pub target_time: i64,
    /// Raw register value (times 10^scaler in the channel's unit).
    pub value: i64,
    /// COSEM status, 8 bytes hex.
    pub cosem_status: String,
    /// Gateway status, 4 bytes hex.
    pub smgw_status: String,
    /// Meter status, 4 bytes hex.
    pub meter_status: String,
    /// Meter id or the TAF that computed the value.
    pub owner_number: String,
    /// Signature (hex) if the value is signed.
    pub signature: Option<String>,
}

/// Meter half of every status: identification bit plus the bits of a healthy three-phase
/// meter, as in the published sample `cosem-status` `a0000000208c3800`.
const METER_WORD: &str = "208c3800";

/// Status words for a level, in the FNN layout that TRuDI's reference vectors use: each
/// 32-bit word read least-significant bit first, so the gateway word `a0000000` carries
/// only the identification pattern and the PTB flags sit in its second byte — bit 8
/// (`x80`) fatal, 12 (`x08`) warning, 13 (`x04`) temporary error, 14 (`x02`) critical.
/// `time_invalid` adds the temporary-error flag, since the gateway cannot vouch for the
/// time of such values. Returns (cosem-status, smgw-status, meter-status).
pub fn status_words(level: Level, time_invalid: bool) -> (String, String, String) {
    let mut smgw: u32 = match level {
        Level::Normal => 0xa000_0000,
        Level::Warning => 0xa008_0000,
        Level::Temporary => 0xa004_0000,
        Level::Critical => 0xa002_0000,
        Level::Fatal => 0xa080_0000,
    };
    if time_invalid {
        smgw |= 0x0004_0000;
    }
    (
        format!("{smgw:08x}{METER_WORD}"),
        format!("{smgw:08x}"),
        METER_WORD.to_owned(),
    )
}

/// A stand-in signature: deterministic 64 bytes derived from the value (documented as fake).
fn signature(seed: u64, channel: &str, t: i64, value: i64) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(seed.to_be_bytes());
    h.update(channel.as_bytes());
    h.update(t.to_be_bytes());
    h.update(value.to_be_bytes());
    let a = h.finalize();
    let b = Sha256::digest(a);
    format!("{}{}", hex::encode(a), hex::encode(b))
}

/// Converts base units (10^-4 Wh or 10^-4 W) to a raw value with `scaler`, truncating like a
/// register display does.
fn to_raw(base: i64, scaler: i32) -> i64 {
    let d = scaler - BASE_SCALER;
    if d >= 0 {
        base.div_euclid(10i64.pow(d.unsigned_abs()))
    } else {
        base * 10i64.pow(d.unsigned_abs())
    }
}

/// Parameters of one channel read from a generated source.
pub struct ChannelReq<'a> {
    /// 12-hex OBIS.
    pub obis: &'a str,
    /// What it measures.
    pub quantity: Quantity,
    /// Scaler.
    pub scaler: i32,
    /// Owner for values the gateway computed (tariff registers), e.g. `TAF2`.
    pub computed_by: Option<&'a str>,
}

/// Value of a channel at `t` (raw), or `None` if the channel has no data there.
pub fn value_at(
    meter: &MeterSeries,
    tariff: Option<&TariffSeries>,
    ch: &ChannelReq<'_>,
    t: i64,
) -> Option<i64> {
    match ch.quantity {
        Quantity::Register { export, tariff: tr } => {
            let prefix: &[i64] = match (export, tr) {
                (false, 0) => &meter.import,
                (true, 0) => meter.export.as_deref()?,
                (false, 1) => &tariff?.high,
                (false, 2) => &tariff?.low,
                _ => return None,
            };
            let cum = meter.cum(prefix, t);
            let reg = if tr != 0 {
                // Tariff registers are the gateway's own; a meter exchange does not reset them.
                cum
            } else {
                match &meter.exchange {
                    Some((at, _, new_start)) if t >= *at => {
                        new_start + cum - meter.cum(prefix, *at)
                    }
                    _ if export => cum,
                    _ => meter.start_register + cum,
                }
            };
            Some(to_raw(reg, ch.scaler))
        }
        Quantity::Power { net } => {
            let imp = meter.slot_energy(&meter.import, t);
            let exp = match &meter.export {
                Some(e) if net => meter.slot_energy(e, t),
                _ => 0,
            };
            // Energy per quarter hour times four is the average power.
            Some(to_raw((imp - exp) * 4, ch.scaler))
        }
    }
}

/// Builds one reading at target time `t` (no gap check).
pub fn reading_at(
    meter: &MeterSeries,
    tariff: Option<&TariffSeries>,
    ch: &ChannelReq<'_>,
    t: i64,
    capture: i64,
) -> Option<Reading> {
    let value = value_at(meter, tariff, ch, t)?;
    let meter_id = meter.meter_at(t);
    let channel = format!("{}.{}.sm", ch.obis, meter_id);
    let (level, invalid) = meter.status(t);
    let (cosem, smgw, mstat) = status_words(level, invalid);
    let signed = match meter.hard.signatures {
        SignatureMode::None => false,
        SignatureMode::All => true,
        SignatureMode::Daily => time::local_midnight(t) == t,
    };
    let signature = signed.then(|| signature(meter.seed, &channel, t, value));
    Some(Reading {
        capture_time: capture,
        target_time: t,
        value,
        cosem_status: cosem,
        smgw_status: smgw,
        meter_status: mstat,
        owner_number: ch.computed_by.unwrap_or(meter_id).to_owned(),
        signature,
        channel,
    })
}

/// The step of a value list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Every n seconds on the UTC grid.
    Seconds(i64),
    /// Local midnight (Europe/Berlin).
    Daily,
    /// Local midnight of the first of the month.
    Monthly,
    /// No stored values, only the current one.
    Current,
}

impl Step {
    /// Parses `15m`, `60m`, `daily`, `monthly`, `current`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "daily" => Some(Step::Daily),
            "monthly" => Some(Step::Monthly),
            "current" => Some(Step::Current),
            _ => {
                let m: i64 = s.strip_suffix('m')?.parse().ok()?;
                (m > 0 && 86_400 % (m * 60) == 0 && (m * 60) % SLOT == 0)
                    .then_some(Step::Seconds(m * 60))
            }
        }
    }

    /// Target times in `(from, to]`, ascending.
    pub fn times(self, from: i64, to: i64) -> Vec<i64> {
        let mut v = Vec::new();
        match self {
            Step::Seconds(s) => {
                let mut t = from.div_euclid(s) * s + s;
                while t <= to {
                    v.push(t);
                    t += s;
                }
            }
            Step::Daily | Step::Monthly => {
                let mut t = time::local_midnight(from);
                if self == Step::Monthly {
                    // Walk back to the first of the month.
                    let d = time::to_utc(t).with_timezone(&Berlin).date_naive();
                    if let Some(first) = d.with_day(1).and_then(time::local_start_of) {
                        t = first;
                    }
                }
                while t <= to {
                    if t > from {
                        v.push(t);
                    }
                    t = if self == Step::Daily {
                        time::next_local_midnight(t)
                    } else {
                        time::next_local_month(t)
                    };
                }
            }
            Step::Current => {}
        }
        v
    }
}

/// Readings of a generated channel with target times in `(from, to]`, skipping gaps.
pub fn readings(
    meter: &MeterSeries,
    tariff: Option<&TariffSeries>,
    ch: &ChannelReq<'_>,
    step: Step,
    from: i64,
    to: i64,
) -> Vec<Reading> {
    let lo = from.max(meter.start - 1);
    let hi = to.min(meter.end());
    if hi <= lo {
        return Vec::new();
    }
    step.times(lo, hi)
        .into_iter()
        .filter(|&t| !meter.in_gap(t))
        .filter_map(|t| reading_at(meter, tariff, ch, t, t - 1))
        .collect()
}

/// The newest reading at or before `now` (for `current` lists: exactly at `now`).
pub fn last_reading(
    meter: &MeterSeries,
    tariff: Option<&TariffSeries>,
    ch: &ChannelReq<'_>,
    step: Step,
    now: i64,
) -> Option<Reading> {
    let now = now.min(meter.end());
    if step == Step::Current {
        return reading_at(meter, tariff, ch, now, now);
    }
    // Look back far enough to get past any gap or a month boundary.
    let mut window = 40 * 86_400;
    while window <= 4 * 366 * 86_400 {
        let v = readings(meter, tariff, ch, step, now - window, now);
        if let Some(r) = v.into_iter().last() {
            return Some(r);
        }
        window *= 4;
    }
    None
}

/// One logbook entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Record number.
    pub index: u64,
    /// Event id.
    pub event_id: u32,
    /// Event sub-id.
    pub event_sub_id: u32,
    /// Level (alert 4, error 3, warning 2, informational 1; also 6 as in the published example).
    pub level: u32,
    /// Outcome (0 = success).
    pub outcome: u32,
    /// Vendor id, e.g. `BSI`.
    pub vendor_id: String,
    /// Subject identity.
    pub subject_identity: String,
    /// User identity.
    pub user_identity: String,
    /// Time (Unix seconds).
    pub time: i64,
    /// German message text.
    pub message: String,
    /// Entry format version.
    pub version: String,
}

/// Event templates: (weight, event-id, sub-id, level, outcome, text).
const EVENTS: [(u32, u32, u32, u32, u32, &str); 14] = [
    (30, 1, 1, 1, 0, "Zeitsynchronisation erfolgreich"),
    (3, 1, 2, 2, 1, "Zeitsynchronisation fehlgeschlagen"),
    (10, 2, 1, 1, 0, "Letztverbraucher hat sich angemeldet"),
    (10, 2, 2, 1, 0, "Letztverbraucher hat sich abgemeldet"),
    (
        2,
        2,
        3,
        2,
        1,
        "Anmeldung des Letztverbrauchers fehlgeschlagen",
    ),
    (
        20,
        3,
        1,
        1,
        0,
        "Abrechnungsrelevante Daten an externen Marktteilnehmer übermittelt",
    ),
    (4, 4, 1, 1, 0, "Selbsttest erfolgreich durchgeführt"),
    (2, 5, 1, 1, 0, "Neues Tarifprofil aktiviert"),
    (2, 6, 1, 3, 1, "Kommunikation mit dem Zähler gestört"),
    (
        2,
        6,
        2,
        1,
        0,
        "Kommunikation mit dem Zähler wiederhergestellt",
    ),
    (
        1,
        7,
        1,
        1,
        0,
        "Firmware-Aktualisierung erfolgreich installiert",
    ),
    (
        1,
        8,
        1,
        4,
        1,
        "Manipulationsversuch erkannt: Klemmendeckel geöffnet",
    ),
    (
        2,
        9,
        1,
        6,
        0,
        "Verbindung zum Gateway-Administrator hergestellt",
    ),
    (2, 10, 1, 2, 0, "Zertifikat des Gateways erneuert"),
];

/// Generates a logbook of `n` entries spread over `[start, end]`.
pub fn generate_log(
    n: usize,
    first_index: u64,
    start: i64,
    end: i64,
    seed: u64,
    smgw_id: &str,
    userid: &str,
) -> Vec<LogEntry> {
    let total: u32 = EVENTS.iter().map(|e| e.0).sum();
    let span = (end - start).max(1);
    let step = span as f64 / n.max(1) as f64;
    (0..n)
        .map(|i| {
            let h = mix(seed ^ 0x10c ^ (i as u64).wrapping_mul(0x9e37));
            let jitter = unit(h) * step * 0.9;
            let t = start + (i as f64 * step + jitter) as i64;
            let mut pick = (h >> 32) as u32 % total;
            let ev = EVENTS
                .iter()
                .find(|e| {
                    if pick < e.0 {
                        true
                    } else {
                        pick -= e.0;
                        false
                    }
                })
                .unwrap_or(&EVENTS[0]);
            let user = if ev.1 == 2 { userid } else { "" };
            LogEntry {
                index: first_index + i as u64,
                event_id: ev.1,
                event_sub_id: ev.2,
                level: ev.3,
                outcome: ev.4,
                vendor_id: "BSI".to_owned(),
                subject_identity: smgw_id.to_owned(),
                user_identity: user.to_owned(),
                time: t,
                message: ev.5.to_owned(),
                version: "1".to_owned(),
            }
        })
        .collect()
}

/// The self-test result entry.
pub fn self_test_entry(index: u64, t: i64, smgw_id: &str, userid: &str) -> LogEntry {
    LogEntry {
        index,
        event_id: 4,
        event_sub_id: 1,
        level: 1,
        outcome: 0,
        vendor_id: "BSI".to_owned(),
        subject_identity: smgw_id.to_owned(),
        user_identity: userid.to_owned(),
        time: t,
        message: "Selbsttest erfolgreich durchgeführt".to_owned(),
        version: "1".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse_and_enumerate() {
        assert_eq!(Step::parse("15m"), Some(Step::Seconds(900)));
        assert_eq!(Step::parse("60m"), Some(Step::Seconds(3600)));
        assert_eq!(Step::parse("7m"), None);
        assert_eq!(Step::parse("0m"), None);
        let from = time::parse("2025-01-15T10:00:00+01:00", 0).unwrap_or_default();
        let to = time::parse("2025-04-15T00:00:00+02:00", 0).unwrap_or_default();
        let months: Vec<String> = Step::Monthly
            .times(from, to)
            .into_iter()
            .map(time::format)
            .collect();
        assert_eq!(
            months,
            [
                "2025-01-31T23:00:00Z",
                "2025-02-28T23:00:00Z",
                "2025-03-31T22:00:00Z"
            ]
        );
        // Exclusive start, inclusive end.
        assert_eq!(Step::Seconds(900).times(0, 1800), vec![900, 1800]);
        assert!(Step::Current.times(0, 1_000_000).is_empty());
    }

    #[test]
    fn obis_decoding_and_scaling() {
        assert_eq!(
            Quantity::from_obis("0100020800ff"),
            Some(Quantity::Register {
                export: true,
                tariff: 0
            })
        );
        assert_eq!(
            Quantity::from_obis("0100100700ff"),
            Some(Quantity::Power { net: true })
        );
        assert_eq!(Quantity::from_obis("0100630100ff"), None);
        assert_eq!(Quantity::from_obis("zz"), None);
        assert_eq!(to_raw(123_456_789, -1), 123_456);
        assert_eq!(to_raw(123_456_789, -4), 123_456_789);
        assert_eq!(to_raw(12, -5), 120);
    }

    #[test]
    fn log_generation_is_deterministic_and_ordered() {
        let a = generate_log(500, 7, 0, 86_400 * 30, 1, "E", "u");
        assert_eq!(a, generate_log(500, 7, 0, 86_400 * 30, 1, "E", "u"));
        assert_ne!(a, generate_log(500, 7, 0, 86_400 * 30, 2, "E", "u"));
        assert!(a
            .windows(2)
            .all(|w| w[0].time <= w[1].time && w[0].index + 1 == w[1].index));
        assert_eq!(a[0].index, 7);
    }
}
