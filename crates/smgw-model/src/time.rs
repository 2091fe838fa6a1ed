//! Times: parsing the gateway's forms, German local time, day boundaries and rasters.
//!
//! Instants are always `DateTime<Utc>`; Europe/Berlin is only used to show times to people
//! and to cut local days.
//!
//! # Which [`NaiveAs`] policy to use
//!
//! A text without `Z` or an offset is ambiguous; every parse takes the policy explicitly:
//! - **Data from the gateway** (JSON `capture-time`, `target-time`, `smgw-time`, log times):
//!   [`NaiveAs::Utc`], because gateways keep and send UTC.
//! - **Input typed by the user** (a date range in the UI or on the command line):
//!   [`NaiveAs::Berlin`], because people think in German local time. In the repeated autumn
//!   hour the earlier (summer time) instant is taken; a time in the skipped spring hour is
//!   an error ([`TimeError::NonexistentLocal`]) so that the user can correct it.
//!
//! # Accepted text forms ([`parse_datetime`])
//!
//! `YYYY-MM-DD`, `YYYY-MM-DDThh:mm:ss` (also `t` or one space instead of `T`, seconds
//! optional, fractional seconds after `.` or `,` with any number of digits, truncated to
//! nanoseconds), each optionally followed by `Z`, `UTC`, or an offset `±hh:mm`, `±hhmm`,
//! `±h:mm` (the interface paper shows `+1:00`) or `±hh`. A date alone means 00:00.
//! `24:00:00` means 00:00 of the next day (ISO 8601). Bare times (`hh:mm:ss`) are parsed by
//! [`parse_time_of_day`], because they need a date before they become an instant.

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Timelike, Utc,
};
use chrono_tz::Europe::Berlin;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How to read a time that carries no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NaiveAs {
    /// As UTC. Use for gateway data.
    Utc,
    /// As German local time (Europe/Berlin). Use for user input.
    Berlin,
}

/// Why a time could not be parsed or converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The input was empty.
    #[error("empty time")]
    Empty,
    /// The input matches none of the accepted forms.
    #[error("{0:?} is not a time (expected e.g. 2017-10-29T02:45:00Z, 2017-10-29T02:45:00+01:00 or 2017-10-29)")]
    Format(String),
    /// The form is right but a field is out of range (month 13, hour 25, offset +25:00 …).
    #[error("{0:?} is not a valid date or time")]
    OutOfRange(String),
    /// A bare time of day was given where a date is needed.
    #[error("{0:?} has no date")]
    TimeOnly(String),
    /// The local time falls into the hour skipped when summer time starts.
    #[error(
        "{0} does not exist in German local time (the clocks jump from 02:00 to 03:00 that night)"
    )]
    NonexistentLocal(NaiveDateTime),
}

/// A time of day with an optional offset, from the bare `hh:mm:ss` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeOfDay {
    /// The wall-clock time.
    pub time: NaiveTime,
    /// The offset, if one was given (`Z` gives +00:00).
    pub offset: Option<FixedOffset>,
}

impl TimeOfDay {
    /// The instant of this time on `date`; `naive` applies when no offset was given.
    pub fn on(self, date: NaiveDate, naive: NaiveAs) -> Result<DateTime<Utc>, TimeError> {
        resolve(date.and_time(self.time), self.offset, naive)
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Reads a run of ASCII digits (up to `max`), returning the digits and their value.
    fn digits(&mut self, max: usize) -> (usize, u64) {
        let mut n = 0;
        let mut v: u64 = 0;
        while n < max {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    // Saturating: a long run of fraction digits is read only to skip it.
                    v = v.saturating_mul(10).saturating_add(u64::from(b - b'0'));
                    n += 1;
                    self.pos += 1;
                }
                _ => break,
            }
        }
        (n, v)
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn rest(&self) -> &[u8] {
        self.s.get(self.pos..).unwrap_or_default()
    }
}

/// Time fields as written; `hour` may be 24.
struct RawTime {
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
}

fn parse_time_fields(c: &mut Cursor<'_>, input: &str) -> Result<RawTime, TimeError> {
    let bad = || TimeError::Format(input.to_string());
    let (n, hour) = c.digits(2);
    if n == 0 || !c.eat(b':') {
        return Err(bad());
    }
    let (n, minute) = c.digits(2);
    if n != 2 {
        return Err(bad());
    }
    let (mut second, mut nanos) = (0, 0);
    if c.eat(b':') {
        let (n, s) = c.digits(2);
        if n != 2 {
            return Err(bad());
        }
        second = s;
        if c.eat(b'.') || c.eat(b',') {
            let (n, frac) = c.digits(9);
            if n == 0 {
                return Err(bad());
            }
            // Digits beyond nanoseconds (none in practice) are dropped, not rounded.
            c.digits(usize::MAX);
            nanos = (frac * 10u64.pow(9 - n as u32)) as u32;
        }
    }
    // All values have at most two digits here, so they fit u32.
    Ok(RawTime {
        hour: hour as u32,
        minute: minute as u32,
        second: second as u32,
        nanos,
    })
}

fn parse_zone(c: &mut Cursor<'_>, input: &str) -> Result<Option<FixedOffset>, TimeError> {
    let bad = || TimeError::Format(input.to_string());
    c.skip_spaces();
    let rest = c.rest();
    if rest.is_empty() {
        return Ok(None);
    }
    if rest.eq_ignore_ascii_case(b"z")
        || rest.eq_ignore_ascii_case(b"utc")
        || rest.eq_ignore_ascii_case(b"gmt")
    {
        c.pos = c.s.len();
        return Ok(FixedOffset::east_opt(0));
    }
    let sign: i32 = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(bad());
    };
    let (n, first) = c.digits(4);
    let (hours, minutes) = if c.eat(b':') {
        let (m, minutes) = c.digits(2);
        if n == 0 || n > 2 || m != 2 {
            return Err(bad());
        }
        (first, minutes)
    } else {
        match n {
            1 | 2 => (first, 0),
            3 | 4 => (first / 100, first % 100),
            _ => return Err(bad()),
        }
    };
    if !c.rest().is_empty() {
        return Err(bad());
    }
    if hours > 23 || minutes > 59 {
        return Err(TimeError::OutOfRange(input.to_string()));
    }
    // Bounded by the checks above: at most 23*3600 + 59*60 seconds.
    let secs = sign * (hours as i32 * 3600 + minutes as i32 * 60);
    FixedOffset::east_opt(secs)
        .map(Some)
        .ok_or_else(|| TimeError::OutOfRange(input.to_string()))
}

fn build_naive(date: NaiveDate, t: &RawTime, input: &str) -> Result<NaiveDateTime, TimeError> {
    let out = || TimeError::OutOfRange(input.to_string());
    if t.hour == 24 {
        if t.minute != 0 || t.second != 0 || t.nanos != 0 {
            return Err(out());
        }
        return date
            .succ_opt()
            .map(|d| d.and_time(NaiveTime::MIN))
            .ok_or_else(out);
    }
    NaiveTime::from_hms_nano_opt(t.hour, t.minute, t.second, t.nanos)
        .filter(|_| t.second < 60)
        .map(|time| date.and_time(time))
        .ok_or_else(out)
}

fn resolve(
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
    policy: NaiveAs,
) -> Result<DateTime<Utc>, TimeError> {
    match offset {
        Some(off) => match off.from_local_datetime(&naive) {
            LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
            _ => Err(TimeError::OutOfRange(naive.to_string())),
        },
        None => local_to_utc(naive, policy),
    }
}

/// Converts a wall-clock time without zone to UTC by the given policy.
///
/// For [`NaiveAs::Berlin`]: in the repeated autumn hour the earlier instant (summer time)
/// is taken; in the skipped spring hour the result is [`TimeError::NonexistentLocal`].
pub fn local_to_utc(naive: NaiveDateTime, policy: NaiveAs) -> Result<DateTime<Utc>, TimeError> {
    match policy {
        NaiveAs::Utc => Ok(naive.and_utc()),
        NaiveAs::Berlin => match Berlin.from_local_datetime(&naive) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
            LocalResult::None => Err(TimeError::NonexistentLocal(naive)),
        },
    }
}

/// Which end of a range of German wall-clock times a time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEdge {
    /// The inclusive start.
    Start,
    /// The exclusive end.
    End,
}

/// The instant at which a range of Berlin wall-clock times starts or ends, so that the
/// range holds every instant whose wall-clock time is in it: in the repeated autumn hour a
/// start takes the earlier instant and an end the later one; in the skipped spring hour
/// both take the end of the jump (03:00 summer time), the first instant whose wall-clock
/// time is past the given one.
pub fn berlin_range_edge(naive: NaiveDateTime, edge: RangeEdge) -> DateTime<Utc> {
    match Berlin.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => match edge {
            RangeEdge::Start => earlier.with_timezone(&Utc),
            RangeEdge::End => later.with_timezone(&Utc),
        },
        LocalResult::None => {
            // Berlin's jumps happen on whole hours and last at most two hours.
            let hour = naive.date().and_time(NaiveTime::MIN);
            (i64::from(naive.hour()) + 1..=i64::from(naive.hour()) + 3)
                .filter_map(|h| hour.checked_add_signed(Duration::hours(h)))
                .find_map(|t| Berlin.from_local_datetime(&t).earliest())
                .map_or_else(|| berlin_to_utc_lenient(naive), |t| t.with_timezone(&Utc))
        }
    }
}

/// Converts a Berlin wall-clock time to UTC and never fails: ambiguous times take the
/// earlier instant; a time in the skipped spring hour is read with the offset in force
/// before the jump (02:30 → 03:30 summer time), as most calendar software does.
pub fn berlin_to_utc_lenient(naive: NaiveDateTime) -> DateTime<Utc> {
    match Berlin.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps in Europe/Berlin are at most two hours long, so three hours earlier the
            // old offset is in force.
            let before = naive
                .checked_sub_signed(Duration::hours(3))
                .unwrap_or(naive);
            let offset_secs = match Berlin.from_local_datetime(&before) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                    t.offset().fix().local_minus_utc()
                }
                LocalResult::None => 3600,
            };
            let utc = naive
                .checked_sub_signed(Duration::seconds(i64::from(offset_secs)))
                .unwrap_or(naive);
            utc.and_utc()
        }
    }
}

/// Parses a date or date-time in any form listed in the module docs into UTC.
pub fn parse_datetime(s: &str, naive: NaiveAs) -> Result<DateTime<Utc>, TimeError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TimeError::Empty);
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let (ny, year) = c.digits(4);
    if ny != 4 || !c.eat(b'-') {
        if parse_time_of_day(t).is_ok() {
            return Err(TimeError::TimeOnly(s.to_string()));
        }
        return Err(TimeError::Format(s.to_string()));
    }
    let (nm, month) = c.digits(2);
    let ok_month = nm == 2 && c.eat(b'-');
    let (nd, day) = c.digits(2);
    if !ok_month || nd != 2 {
        return Err(TimeError::Format(s.to_string()));
    }
    // Four and two digits: all fit their integer types.
    let date = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)
        .ok_or_else(|| TimeError::OutOfRange(s.to_string()))?;
    let has_time = if c.eat(b'T') || c.eat(b't') {
        true
    } else if c.peek() == Some(b' ') && matches!(c.s.get(c.pos + 1), Some(b'0'..=b'9')) {
        c.pos += 1;
        true
    } else {
        false
    };
    let naive_dt = if has_time {
        let raw = parse_time_fields(&mut c, s)?;
        build_naive(date, &raw, s)?
    } else {
        date.and_time(NaiveTime::MIN)
    };
    let zone = parse_zone(&mut c, s)?;
    resolve(naive_dt, zone, naive)
}

/// Parses a bare time of day `hh:mm[:ss[.fff]]` with optional zone (`Z`, `+1:00`, …).
pub fn parse_time_of_day(s: &str) -> Result<TimeOfDay, TimeError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TimeError::Empty);
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let raw = parse_time_fields(&mut c, s)?;
    if raw.hour > 23 || raw.second > 59 {
        return Err(TimeError::OutOfRange(s.to_string()));
    }
    let time = NaiveTime::from_hms_nano_opt(raw.hour, raw.minute, raw.second, raw.nanos)
        .ok_or_else(|| TimeError::OutOfRange(s.to_string()))?;
    let offset = parse_zone(&mut c, s)?;
    Ok(TimeOfDay { time, offset })
}

/// Parses the German display form `29.10.2017 02:45[:ss] [MEZ|MESZ]` or a date
/// `29.10.2017` (00:00). Without a suffix the Berlin policy applies (earlier instant in the
/// repeated hour, error in the skipped hour); with `MEZ`/`MESZ` the offset is +01:00/+02:00.
pub fn parse_german(s: &str) -> Result<DateTime<Utc>, TimeError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TimeError::Empty);
    }
    let bad = || TimeError::Format(s.to_string());
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let (nd, day) = c.digits(2);
    if nd == 0 || !c.eat(b'.') {
        return Err(bad());
    }
    let (nm, month) = c.digits(2);
    if nm == 0 || !c.eat(b'.') {
        return Err(bad());
    }
    let (ny, year) = c.digits(4);
    if ny != 4 {
        return Err(bad());
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)
        .ok_or_else(|| TimeError::OutOfRange(s.to_string()))?;
    c.skip_spaces();
    let naive = if matches!(c.peek(), Some(b'0'..=b'9')) {
        let raw = parse_time_fields(&mut c, s)?;
        build_naive(date, &raw, s)?
    } else {
        date.and_time(NaiveTime::MIN)
    };
    c.skip_spaces();
    let suffix = std::str::from_utf8(c.rest()).map_err(|_| bad())?;
    let offset_hours = match suffix.to_ascii_uppercase().as_str() {
        "" => return local_to_utc(naive, NaiveAs::Berlin),
        "MEZ" | "CET" => 1,
        "MESZ" | "CEST" => 2,
        _ => return Err(bad()),
    };
    let offset = FixedOffset::east_opt(offset_hours * 3600);
    resolve(naive, offset, NaiveAs::Berlin)
}

/// The wire form `YYYY-MM-DDThh:mm:ssZ` (whole seconds; fractions are dropped).
pub fn format_wire(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The instant in German local time.
pub fn to_berlin(t: DateTime<Utc>) -> DateTime<Tz> {
    t.with_timezone(&Berlin)
}

/// Local time with offset, as in AR 2418-6 files: `2017-10-29T02:45:00+02:00`.
pub fn format_berlin_rfc3339(t: DateTime<Utc>) -> String {
    to_berlin(t).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The German abbreviation of the zone in force at `t`: `MEZ` (+01:00), `MESZ` (+02:00),
/// or the offset itself for historical exceptions (e.g. `+03:00` in 1945–1947).
pub fn berlin_zone_name(t: DateTime<Utc>) -> String {
    let offset = to_berlin(t).offset().fix().local_minus_utc();
    match offset {
        3600 => "MEZ".to_string(),
        7200 => "MESZ".to_string(),
        _ => to_berlin(t).format("%:z").to_string(),
    }
}

/// True if the Berlin wall-clock time of `t` occurs twice (the repeated autumn hour).
pub fn is_ambiguous_in_berlin(t: DateTime<Utc>) -> bool {
    matches!(
        Berlin.from_local_datetime(&to_berlin(t).naive_local()),
        LocalResult::Ambiguous(..)
    )
}

fn german_core(t: DateTime<Utc>) -> String {
    let local = to_berlin(t);
    if local.second() == 0 && local.nanosecond() == 0 {
        local.format("%d.%m.%Y %H:%M").to_string()
    } else {
        local.format("%d.%m.%Y %H:%M:%S").to_string()
    }
}

/// The unit a clock difference is told in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceUnit {
    /// Below two minutes.
    Seconds,
    /// Below two hours.
    Minutes,
    /// Below two days.
    Hours,
    /// Two days or more.
    Days,
}

/// The size of a clock difference in the largest sensible unit, rounded down:
/// `(3, Minutes)` for 3 min 59 s.
pub fn in_largest_unit(d: Duration) -> (u64, DifferenceUnit) {
    let a = d.num_seconds().unsigned_abs();
    match a {
        0..=119 => (a, DifferenceUnit::Seconds),
        120..=7_199 => (a / 60, DifferenceUnit::Minutes),
        7_200..=172_799 => (a / 3_600, DifferenceUnit::Hours),
        _ => (a / 86_400, DifferenceUnit::Days),
    }
}

/// A clock difference for people, signed, in the largest sensible unit (`+3 s`,
/// `−12 min`, `+5 h`, `−13 d`).
pub fn signed_difference(d: Duration) -> String {
    let sign = if d < Duration::zero() { '−' } else { '+' };
    let (n, unit) = in_largest_unit(d);
    let symbol = match unit {
        DifferenceUnit::Seconds => "s",
        DifferenceUnit::Minutes => "min",
        DifferenceUnit::Hours => "h",
        DifferenceUnit::Days => "d",
    };
    format!("{sign}{n} {symbol}")
}

/// German display form `29.10.2017 02:45` (seconds only when not zero). In the repeated
/// autumn hour the zone is appended (`29.10.2017 02:45 MESZ` / `… MEZ`) so that the two
/// instants stay distinguishable; elsewhere it is left out to keep tables calm.
pub fn format_german(t: DateTime<Utc>) -> String {
    if is_ambiguous_in_berlin(t) {
        format_german_with_zone(t)
    } else {
        german_core(t)
    }
}

/// German display form that always names the zone: `04.11.2017 00:00 MEZ`.
pub fn format_german_with_zone(t: DateTime<Utc>) -> String {
    format!("{} {}", german_core(t), berlin_zone_name(t))
}

/// The German local date of an instant.
pub fn berlin_date(t: DateTime<Utc>) -> NaiveDate {
    to_berlin(t).date_naive()
}

/// Start (inclusive) and end (exclusive) of a German local day in UTC.
pub fn berlin_day_bounds(date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = berlin_to_utc_lenient(date.and_time(NaiveTime::MIN));
    let end = match date.succ_opt() {
        Some(next) => berlin_to_utc_lenient(next.and_time(NaiveTime::MIN)),
        // Only at chrono's last representable date; a 24-hour day is the honest guess.
        None => start + Duration::days(1),
    };
    (start, end)
}

/// Length of a German local day: 23 h on the spring change day, 25 h in autumn, else 24 h.
pub fn berlin_day_length(date: NaiveDate) -> Duration {
    let (start, end) = berlin_day_bounds(date);
    end - start
}

/// Number of 15-minute slots of a German local day: 92 (spring change), 100 (autumn
/// change) or 96.
pub fn quarter_hours_in_day(date: NaiveDate) -> u32 {
    (berlin_day_length(date).num_minutes() / 15).max(0) as u32
}

/// Number of measuring periods in a German local day (e.g. 30 minutes: 46, 48 or 50);
/// `None` for a period below one second or one that does not divide the day evenly.
pub fn periods_in_day(date: NaiveDate, period: Duration) -> Option<u32> {
    let len = berlin_day_length(date).num_seconds();
    let p = period.num_seconds();
    if p <= 0 || len % p != 0 {
        return None;
    }
    u32::try_from(len / p).ok()
}

/// The tolerance for "on the raster": 1 % of the period (9 s for 15 minutes).
pub fn raster_tolerance(period: Duration) -> Duration {
    period / 100
}

/// How raster points of a period are laid out.
enum Raster {
    /// Every `n` seconds since the Unix epoch. Used for periods dividing an hour (there UTC
    /// and German local rasters coincide, as German offsets are whole hours) and for
    /// periods that fit no day raster.
    Utc(i64),
    /// Every `n` seconds of German wall-clock time from local midnight (periods dividing a
    /// day but not an hour, e.g. 2 h, 1 day).
    LocalDay(i64),
    /// Local midnight every `n` days, counted from 1970-01-01 (multi-day periods).
    LocalDays(i64),
}

fn raster_of(period: Duration) -> Option<Raster> {
    let p = period.num_seconds();
    if p <= 0 {
        return None;
    }
    Some(if 3600 % p == 0 {
        Raster::Utc(p)
    } else if 86_400 % p == 0 {
        Raster::LocalDay(p)
    } else if p % 86_400 == 0 {
        Raster::LocalDays(p / 86_400)
    } else {
        Raster::Utc(p)
    })
}

fn local_midnight(date: NaiveDate) -> DateTime<Utc> {
    berlin_to_utc_lenient(date.and_time(NaiveTime::MIN))
}

/// Raster points around `t`: at least one at or before and one after it, sorted.
fn points_around(t: DateTime<Utc>, raster: &Raster) -> Vec<DateTime<Utc>> {
    match *raster {
        Raster::Utc(p) => {
            let floor = t.timestamp() - t.timestamp().rem_euclid(p);
            [floor - p, floor, floor + p]
                .iter()
                .filter_map(|&s| DateTime::from_timestamp(s, 0))
                .collect()
        }
        Raster::LocalDay(p) => {
            let d = berlin_date(t);
            let mut pts: Vec<DateTime<Utc>> = [d.pred_opt(), Some(d), d.succ_opt()]
                .into_iter()
                .flatten()
                .flat_map(|day| {
                    (0..86_400 / p).filter_map(move |k| {
                        let wall = day
                            .and_time(NaiveTime::MIN)
                            .checked_add_signed(Duration::seconds(k * p))?;
                        Some(berlin_to_utc_lenient(wall))
                    })
                })
                .collect();
            pts.sort();
            pts.dedup();
            pts
        }
        Raster::LocalDays(n) => {
            let d = berlin_date(t);
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
            let idx = (d - epoch).num_days();
            let start = idx - idx.rem_euclid(n);
            [start - n, start, start + n, start + 2 * n]
                .iter()
                .filter_map(|&i| epoch.checked_add_signed(Duration::days(i)))
                .map(local_midnight)
                .collect()
        }
    }
}

/// The raster point nearest to `t`, or `None` for a period below one second.
pub fn nearest_raster_point(t: DateTime<Utc>, period: Duration) -> Option<DateTime<Utc>> {
    let raster = raster_of(period)?;
    points_around(t, &raster)
        .into_iter()
        .min_by_key(|p| (*p - t).abs())
}

/// True if `t` lies within 1 % of the period of a raster point.
///
/// The raster: for periods dividing one hour (15 min, 1 h …) multiples since the epoch,
/// equal to German wall-clock multiples; for other periods dividing a day (2 h, 1 day) the
/// German wall clock from local midnight, so daily values sit at local midnight across
/// daylight-saving changes.
pub fn is_on_raster(t: DateTime<Utc>, period: Duration) -> bool {
    match nearest_raster_point(t, period) {
        Some(p) => (p - t).abs() <= raster_tolerance(period),
        None => false,
    }
}

/// The first raster point strictly after `t`, or `None` for a period below one second.
pub fn next_raster_point(t: DateTime<Utc>, period: Duration) -> Option<DateTime<Utc>> {
    let raster = raster_of(period)?;
    points_around(t, &raster).into_iter().find(|p| *p > t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn clock_differences_in_the_largest_sensible_unit() {
        let d = |s: i64| signed_difference(Duration::seconds(s));
        assert_eq!(d(0), "+0 s");
        assert_eq!(d(-119), "−119 s");
        assert_eq!(d(120), "+2 min");
        assert_eq!(d(-7_199), "−119 min");
        assert_eq!(d(7_200), "+2 h");
        assert_eq!(d(-13 * 86_400 - 5), "−13 d");
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_range_of_wall_clock_times_holds_every_instant_showing_one_of_them() {
        let wall = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let edge = |s: &str, e| berlin_range_edge(wall(s), e);
        use RangeEdge::{End, Start};
        // An ordinary winter and summer time.
        assert_eq!(edge("2026-11-20 10:00", Start), utc("2026-11-20T09:00:00Z"));
        assert_eq!(edge("2026-07-01 10:00", End), utc("2026-07-01T08:00:00Z"));
        // 02:30 happens twice on 25 October 2026: from the first, up to the second.
        assert_eq!(edge("2026-10-25 02:30", Start), utc("2026-10-25T00:30:00Z"));
        assert_eq!(edge("2026-10-25 02:30", End), utc("2026-10-25T01:30:00Z"));
        // 02:30 never happens on 29 March 2026: both edges are the jump's end, 03:00
        // summer time, so a range from 02:30 starts with 03:00 and one up to 02:30 ends
        // after 01:59 winter time.
        for e in [Start, End] {
            assert_eq!(edge("2026-03-29 02:30", e), utc("2026-03-29T01:00:00Z"));
            assert_eq!(edge("2026-03-29 02:00", e), utc("2026-03-29T01:00:00Z"));
        }
        assert_eq!(edge("2026-03-29 01:59", End), utc("2026-03-29T00:59:00Z"));
        assert_eq!(edge("2026-03-29 03:00", Start), utc("2026-03-29T01:00:00Z"));
    }

    #[test]
    fn parses_all_wire_forms() {
        let want = utc("2017-10-29T01:45:00Z");
        for s in [
            "2017-10-29T01:45:00Z",
            "2017-10-29t01:45:00z",
            "2017-10-29T01:45:00",
            "2017-10-29 01:45:00",
            "2017-10-29T01:45",
            "2017-10-29T02:45:00+01:00",
            "2017-10-29T02:45:00+0100",
            "2017-10-29T02:45:00+1:00",
            "2017-10-29T02:45:00+01",
            "2017-10-29T02:45:00 +01:00",
            "2017-10-29T00:45:00-01:00",
            "2017-10-29T01:45:00UTC",
            " 2017-10-29T01:45:00.000Z ",
        ] {
            assert_eq!(parse_datetime(s, NaiveAs::Utc), Ok(want), "{s}");
        }
        // The .NET form in TRuDI files with seven fraction digits.
        let t = parse_datetime("2017-07-01T00:00:00.1234567+02:00", NaiveAs::Utc).unwrap();
        assert_eq!(t, utc("2017-06-30T22:00:00.1234567Z"));
        assert_eq!(t.nanosecond(), 123_456_700);
        assert_eq!(
            parse_datetime("2017-07-01T00:00:00,5Z", NaiveAs::Utc)
                .unwrap()
                .nanosecond(),
            500_000_000
        );
        let long = parse_datetime(
            "2017-07-01T00:00:00.123456789012345678901234567890Z",
            NaiveAs::Utc,
        )
        .unwrap();
        assert_eq!(
            long.nanosecond(),
            123_456_789,
            "digits beyond nanoseconds are dropped"
        );
    }

    #[test]
    fn date_only_and_24h() {
        assert_eq!(
            parse_datetime("2017-03-26", NaiveAs::Utc),
            Ok(utc("2017-03-26T00:00:00Z"))
        );
        assert_eq!(
            parse_datetime("2017-03-26", NaiveAs::Berlin),
            Ok(utc("2017-03-25T23:00:00Z"))
        );
        assert_eq!(
            parse_datetime("2017-03-26Z", NaiveAs::Berlin),
            Ok(utc("2017-03-26T00:00:00Z"))
        );
        assert_eq!(
            parse_datetime("2017-12-31T24:00:00Z", NaiveAs::Utc),
            Ok(utc("2018-01-01T00:00:00Z"))
        );
        assert!(matches!(
            parse_datetime("2017-12-31T24:00:01Z", NaiveAs::Utc),
            Err(TimeError::OutOfRange(_))
        ));
    }

    #[test]
    fn naive_policy_and_dst_edges() {
        // Repeated autumn hour: the earlier (summer time) instant.
        assert_eq!(
            parse_datetime("2017-10-29T02:30:00", NaiveAs::Berlin),
            Ok(utc("2017-10-29T00:30:00Z"))
        );
        // Skipped spring hour: an error for user input …
        let gap = parse_datetime("2017-03-26T02:30:00", NaiveAs::Berlin);
        assert!(
            matches!(gap, Err(TimeError::NonexistentLocal(_))),
            "{gap:?}"
        );
        // … but fine with an offset or as UTC.
        assert_eq!(
            parse_datetime("2017-03-26T02:30:00+01:00", NaiveAs::Berlin),
            Ok(utc("2017-03-26T01:30:00Z"))
        );
        assert_eq!(
            parse_datetime("2017-03-26T02:30:00", NaiveAs::Utc),
            Ok(utc("2017-03-26T02:30:00Z"))
        );
        let lenient = berlin_to_utc_lenient(
            NaiveDate::from_ymd_opt(2017, 3, 26)
                .unwrap()
                .and_hms_opt(2, 30, 0)
                .unwrap(),
        );
        assert_eq!(lenient, utc("2017-03-26T01:30:00Z"));
        assert_eq!(format_berlin_rfc3339(lenient), "2017-03-26T03:30:00+02:00");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_datetime("", NaiveAs::Utc), Err(TimeError::Empty));
        assert!(matches!(
            parse_datetime("12:00:00", NaiveAs::Utc),
            Err(TimeError::TimeOnly(_))
        ));
        for bad in [
            "2017-1-29",
            "2017/10/29",
            "2017-10-29T1",
            "2017-10-29T01:45:0",
            "2017-10-29T01:45:00+",
            "2017-10-29T01:45:00+01:0",
            "2017-10-29T01:45:00.Z",
            "2017-10-29X",
            "yesterday",
            "2017-10-29T01:45:00+12345",
        ] {
            assert!(
                matches!(parse_datetime(bad, NaiveAs::Utc), Err(TimeError::Format(_))),
                "{bad}"
            );
        }
        for bad in [
            "2017-13-01",
            "2017-02-30",
            "2017-10-29T25:00:00",
            "2017-10-29T01:60:00",
            "2017-10-29T01:00:60",
            "2017-10-29T01:00:00+24:00",
        ] {
            assert!(
                matches!(
                    parse_datetime(bad, NaiveAs::Utc),
                    Err(TimeError::OutOfRange(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn time_of_day() {
        let t = parse_time_of_day("02:45:00+1:00").unwrap();
        assert_eq!(t.time, NaiveTime::from_hms_opt(2, 45, 0).unwrap());
        assert_eq!(t.offset, FixedOffset::east_opt(3600));
        let day = NaiveDate::from_ymd_opt(2017, 10, 29).unwrap();
        assert_eq!(t.on(day, NaiveAs::Utc), Ok(utc("2017-10-29T01:45:00Z")));
        let bare = parse_time_of_day("06:00:00").unwrap();
        assert_eq!(bare.offset, None);
        assert_eq!(
            bare.on(day, NaiveAs::Berlin),
            Ok(utc("2017-10-29T05:00:00Z"))
        );
        assert_eq!(
            parse_time_of_day("12:00:00Z").unwrap().offset,
            FixedOffset::east_opt(0)
        );
        assert!(parse_time_of_day("24:00:00").is_err());
        assert!(parse_time_of_day("2017-10-29").is_err());
    }

    #[test]
    fn formatting() {
        // First value of result_DrNeuhausBugNo10.xml.
        let first = utc("2017-10-29T00:45:00Z");
        assert_eq!(format_berlin_rfc3339(first), "2017-10-29T02:45:00+02:00");
        assert_eq!(format_wire(first), "2017-10-29T00:45:00Z");
        assert_eq!(format_german(first), "29.10.2017 02:45 MESZ");
        assert_eq!(
            format_german(utc("2017-10-29T01:45:00Z")),
            "29.10.2017 02:45 MEZ"
        );
        assert_eq!(
            format_german(utc("2017-11-04T06:00:00Z")),
            "04.11.2017 07:00"
        );
        assert_eq!(
            format_german(utc("2017-07-10T06:48:22Z")),
            "10.07.2017 08:48:22"
        );
        assert_eq!(
            format_german_with_zone(utc("2017-07-10T06:48:00Z")),
            "10.07.2017 08:48 MESZ"
        );
        assert_eq!(
            format_wire(utc("2017-07-10T06:48:22.9Z")),
            "2017-07-10T06:48:22Z"
        );
        for s in [
            "2017-10-29T00:45:00Z",
            "2017-10-29T01:45:00Z",
            "2017-07-10T06:48:22Z",
            "2017-03-26T01:00:00Z",
        ] {
            assert_eq!(parse_german(&format_german(utc(s))), Ok(utc(s)), "{s}");
            assert_eq!(
                parse_datetime(&format_berlin_rfc3339(utc(s)), NaiveAs::Utc),
                Ok(utc(s))
            );
        }
    }

    #[test]
    fn german_input() {
        assert_eq!(parse_german("29.10.2017"), Ok(utc("2017-10-28T22:00:00Z")));
        assert_eq!(
            parse_german("29.10.2017 02:45"),
            Ok(utc("2017-10-29T00:45:00Z"))
        );
        assert_eq!(
            parse_german("29.10.2017 02:45 mez"),
            Ok(utc("2017-10-29T01:45:00Z"))
        );
        assert!(matches!(
            parse_german("26.03.2017 02:30"),
            Err(TimeError::NonexistentLocal(_))
        ));
        assert!(parse_german("29.10.17").is_err());
        assert!(parse_german("29.10.2017 02:45 PST").is_err());
        assert!(matches!(
            parse_german("31.02.2017"),
            Err(TimeError::OutOfRange(_))
        ));
    }

    #[test]
    fn local_days() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(quarter_hours_in_day(d(2017, 3, 26)), 92);
        assert_eq!(quarter_hours_in_day(d(2017, 10, 29)), 100);
        assert_eq!(quarter_hours_in_day(d(2017, 11, 4)), 96);
        assert_eq!(quarter_hours_in_day(d(2017, 6, 26)), 96);
        let half = Duration::minutes(30);
        assert_eq!(periods_in_day(d(2017, 3, 26), half), Some(46));
        assert_eq!(periods_in_day(d(2017, 10, 29), half), Some(50));
        assert_eq!(periods_in_day(d(2017, 11, 1), Duration::hours(1)), Some(24));
        assert_eq!(periods_in_day(d(2017, 11, 1), Duration::minutes(7)), None);
        assert_eq!(periods_in_day(d(2017, 11, 1), Duration::zero()), None);
        assert_eq!(
            berlin_day_bounds(d(2017, 11, 4)),
            (utc("2017-11-03T23:00:00Z"), utc("2017-11-04T23:00:00Z"))
        );
        assert_eq!(
            berlin_day_bounds(d(2017, 3, 26)),
            (utc("2017-03-25T23:00:00Z"), utc("2017-03-26T22:00:00Z"))
        );
        assert_eq!(berlin_date(utc("2017-11-03T23:00:00Z")), d(2017, 11, 4));
        // Extreme dates must not panic.
        let _ = berlin_day_bounds(NaiveDate::MAX);
        let _ = berlin_day_bounds(NaiveDate::MIN);
    }

    #[test]
    fn rasters() {
        let q = Duration::minutes(15);
        assert_eq!(raster_tolerance(q), Duration::seconds(9));
        assert!(is_on_raster(utc("2017-06-26T09:30:00Z"), q));
        assert!(is_on_raster(utc("2017-06-26T09:30:09Z"), q));
        assert!(is_on_raster(utc("2017-06-26T09:29:51Z"), q));
        assert!(!is_on_raster(utc("2017-06-26T09:30:10Z"), q));
        assert!(!is_on_raster(utc("2017-06-26T12:24:39Z"), q));
        assert_eq!(
            next_raster_point(utc("2017-06-26T12:24:39Z"), q),
            Some(utc("2017-06-26T12:30:00Z"))
        );
        assert_eq!(
            next_raster_point(utc("2017-06-26T12:30:00Z"), q),
            Some(utc("2017-06-26T12:45:00Z"))
        );
        assert_eq!(
            nearest_raster_point(utc("2017-06-26T12:29:59Z"), q),
            Some(utc("2017-06-26T12:30:00Z"))
        );
        // Daily raster follows local midnight across the autumn change (a 25-hour step).
        let day = Duration::days(1);
        let oct29 = utc("2017-10-28T22:00:00Z");
        assert!(is_on_raster(oct29, day));
        assert!(!is_on_raster(utc("2017-10-29T22:00:00Z"), day));
        assert_eq!(
            next_raster_point(oct29, day),
            Some(utc("2017-10-29T23:00:00Z"))
        );
        // Daily values of taf7_oml_1day_values_1.xml are captured minutes after local
        // midnight: within 1 % of a day (14.4 min), so on the raster; the first capture at
        // 16:21:45 is not.
        assert_eq!(raster_tolerance(day), Duration::seconds(864));
        assert!(is_on_raster(utc("2017-10-25T22:06:17Z"), day));
        assert!(!is_on_raster(utc("2017-10-25T22:14:25Z"), day));
        assert!(!is_on_raster(utc("2017-10-25T14:21:45Z"), day));
        // Two-hour raster on the spring day: 02:00 does not exist and maps to 03:00 CEST.
        let two = Duration::hours(2);
        assert_eq!(
            next_raster_point(utc("2017-03-26T00:30:00Z"), two),
            Some(utc("2017-03-26T01:00:00Z"))
        );
        assert_eq!(
            next_raster_point(utc("2017-03-26T01:00:00Z"), two),
            Some(utc("2017-03-26T02:00:00Z"))
        );
        // Degenerate periods give None / false, not a panic.
        assert_eq!(next_raster_point(oct29, Duration::zero()), None);
        assert!(!is_on_raster(oct29, Duration::milliseconds(500)));
        // Weekly raster: local midnights every 7 days from 1970-01-01, a Thursday.
        assert_eq!(
            next_raster_point(oct29, Duration::days(7)).map(|t| to_berlin(t).weekday()),
            Some(chrono::Weekday::Thu)
        );
    }
}
