//! SVG charts: load curve, daily and monthly consumption, import vs. export.
//!
//! Pure functions from values to an SVG string, used by the app and by the exports alike.
//! Consumption and power are computed exactly ([`ScaledValue`] arithmetic); floating point
//! is used only for drawing. Text is written as SVG `<text>` elements (plotters without its
//! `ttf` feature), so the viewer's fonts render it. Axis labels are in German local time.
//!
//! A load curve is downsampled with [`lttb`] to at most [`ChartOptions::max_points`]
//! points: a year of 15-minute values (35,000) drawn as such would make a heavy SVG and
//! show nothing more than 2,000 well-chosen points do.

use std::collections::BTreeMap;

use chrono::{
    DateTime, Datelike, Days, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc,
};
use plotters::coord::combinators::{BindKeyPoints, WithKeyPoints};
use plotters::coord::types::RangedCoordi64;
use plotters::prelude::*;
use smgw_model::time::{berlin_date, berlin_day_bounds, berlin_to_utc_lenient, to_berlin};
use smgw_model::{Lang, ScaledValue, Unit, ValueError};

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// Fewer values than the chart needs (two register readings for a load curve or a
    /// consumption bar).
    #[error("not enough values for a chart (need at least {needed}, got {got})")]
    TooFewValues {
        /// How many are needed.
        needed: usize,
        /// How many there were.
        got: usize,
    },
    /// Width or height is zero or absurdly large.
    #[error("chart size {width}×{height} is not usable")]
    Size {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Exact arithmetic on the values failed (overflow).
    #[error("value arithmetic: {0}")]
    Value(#[from] ValueError),
    /// The drawing library reported an error.
    #[error("drawing failed: {0}")]
    Draw(String),
}

/// How a chart is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    /// Language of axis descriptions, legends and number formats.
    pub lang: Lang,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Caption above the chart.
    pub title: Option<String>,
    /// Most points a line is drawn with; more are downsampled with [`lttb`]. Clamped to
    /// 3–[`MAX_DRAWN_POINTS`].
    pub max_points: usize,
}

impl Default for ChartOptions {
    fn default() -> ChartOptions {
        ChartOptions {
            lang: Lang::De,
            width: 1000,
            height: 420,
            title: None,
            max_points: 2000,
        }
    }
}

/// Upper bound of [`ChartOptions::max_points`]: a line never has more points than this.
pub const MAX_DRAWN_POINTS: usize = 5000;

/// Periods of consumption bars and sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BarPeriod {
    /// German local calendar days.
    Day,
    /// ISO weeks (Monday to Sunday) of German local days, keyed by their Monday.
    Week,
    /// German local calendar months, keyed by their first day.
    Month,
    /// German local calendar years, keyed by 1 January.
    Year,
}

impl BarPeriod {
    /// The period that contains `day`, as its key (first day).
    pub fn key(self, day: NaiveDate) -> NaiveDate {
        match self {
            BarPeriod::Day => day,
            BarPeriod::Week => day
                .checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
                .unwrap_or(day),
            BarPeriod::Month => day.with_day(1).unwrap_or(day),
            BarPeriod::Year => day.with_ordinal(1).unwrap_or(day),
        }
    }

    /// Start (inclusive) and end (exclusive) in UTC of the period keyed `key`: German
    /// local midnights, so a day is 23 or 25 hours long on clock-change days.
    pub fn bounds(self, key: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let next = match self {
            BarPeriod::Day => key.checked_add_days(Days::new(1)),
            BarPeriod::Week => key.checked_add_days(Days::new(7)),
            BarPeriod::Month => key.checked_add_months(Months::new(1)),
            BarPeriod::Year => key.checked_add_months(Months::new(12)),
        };
        let last_day = next.and_then(|n| n.pred_opt()).unwrap_or(key);
        (berlin_day_bounds(key).0, berlin_day_bounds(last_day).1)
    }

    /// A period's name from its key: `03.06.2025`, `KW 23/2025`, `06.2025`, `2025` in
    /// German; ISO forms in English.
    pub fn label(self, key: NaiveDate, lang: Lang) -> String {
        let pattern = match (self, lang) {
            (BarPeriod::Day, Lang::De) => "%d.%m.%Y",
            (BarPeriod::Day, _) => "%Y-%m-%d",
            (BarPeriod::Week, Lang::De) => "KW %V/%G",
            (BarPeriod::Week, _) => "%G-W%V",
            (BarPeriod::Month, Lang::De) => "%m.%Y",
            (BarPeriod::Month, _) => "%Y-%m",
            (BarPeriod::Year, _) => "%Y",
        };
        key.format(pattern).to_string()
    }
}

/// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the first and last
/// point and, from each of `threshold − 2` buckets in between, the point that spans the
/// largest triangle with the previously kept point and the next bucket's average. The
/// shape of the curve (peaks included) survives far better than with averaging.
///
/// Returns the input unchanged if it has at most `threshold` points or if `threshold` is
/// below 3; otherwise exactly `threshold` points in input order. `data` must be sorted by x.
pub fn lttb(data: &[(f64, f64)], threshold: usize) -> Vec<(f64, f64)> {
    let n = data.len();
    let (Some(&first), Some(&last)) = (data.first(), data.last()) else {
        return Vec::new();
    };
    if threshold >= n || threshold < 3 {
        return data.to_vec();
    }
    // From here on n > threshold >= 3.
    let mut out = Vec::with_capacity(threshold);
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut a = first;
    out.push(first);
    for i in 0..threshold - 2 {
        let avg_start = ((i + 1) as f64 * every) as usize + 1;
        let avg_end = (((i + 2) as f64 * every) as usize + 1).min(n);
        let bucket = data.get(avg_start..avg_end).unwrap_or_default();
        let (avg_x, avg_y) = if bucket.is_empty() {
            last
        } else {
            let (sx, sy) = bucket
                .iter()
                .fold((0.0, 0.0), |(sx, sy), p| (sx + p.0, sy + p.1));
            (sx / bucket.len() as f64, sy / bucket.len() as f64)
        };
        let range_start = (i as f64 * every) as usize + 1;
        let range_end = (((i + 1) as f64 * every) as usize + 1).min(n - 1);
        let (ax, ay) = a;
        let mut best = data.get(range_start).copied();
        let mut best_area = -1.0;
        for p in data.iter().take(range_end).skip(range_start) {
            let area = ((ax - avg_x) * (p.1 - ay) - (ax - p.0) * (avg_y - ay)).abs();
            if area > best_area {
                best_area = area;
                best = Some(*p);
            }
        }
        // range_start < range_end for every bucket while n > threshold, so one is chosen.
        if let Some(p) = best {
            out.push(p);
            a = p;
        }
    }
    out.push(last);
    out
}

/// The unit of the rate of change of a register in `unit` (Wh → W, m³ → m³/h).
pub fn rate_unit(unit: Unit) -> String {
    match unit {
        Unit::WattHour => "W".into(),
        Unit::VarHour => "var".into(),
        Unit::VoltAmpereHour => "VA".into(),
        Unit::Count | Unit::Other(_) => "1/h".into(),
        u => format!("{}/h", u.symbol()),
    }
}

/// Average power (rate per hour) of each interval between consecutive register readings,
/// at the interval's end. Readings are sorted first; readings with the same time as their
/// predecessor are skipped. The differences are exact; only the division is done in `f64`.
pub fn load_curve(
    series: &[(DateTime<Utc>, ScaledValue)],
) -> Result<Vec<(DateTime<Utc>, f64)>, ChartError> {
    let mut sorted = series.to_vec();
    sorted.sort_by_key(|(t, _)| *t);
    if sorted.len() < 2 {
        return Err(ChartError::TooFewValues {
            needed: 2,
            got: sorted.len(),
        });
    }
    let mut out = Vec::with_capacity(sorted.len() - 1);
    for (&(t0, v0), &(t1, v1)) in sorted.iter().zip(sorted.iter().skip(1)) {
        let secs = (t1 - t0).num_seconds();
        if secs <= 0 {
            continue;
        }
        let delta = v1.checked_sub(v0)?;
        out.push((t1, delta.to_f64() * 3600.0 / secs as f64));
    }
    Ok(out)
}

/// Consumption per German local day, week, month or year: the exact sum of the register
/// differences of all intervals ending in it. An interval ending at midnight belongs to
/// the day before (its readings stand for the period that ends then). Periods are keyed
/// by their first day ([`BarPeriod::key`]).
pub fn consumption_by(
    series: &[(DateTime<Utc>, ScaledValue)],
    period: BarPeriod,
) -> Result<Vec<(NaiveDate, ScaledValue)>, ChartError> {
    let mut sorted = series.to_vec();
    sorted.sort_by_key(|(t, _)| *t);
    if sorted.len() < 2 {
        return Err(ChartError::TooFewValues {
            needed: 2,
            got: sorted.len(),
        });
    }
    let mut sums: BTreeMap<NaiveDate, ScaledValue> = BTreeMap::new();
    for (&(t0, v0), &(t1, v1)) in sorted.iter().zip(sorted.iter().skip(1)) {
        if t1 <= t0 {
            continue;
        }
        let delta = v1.checked_sub(v0)?;
        let key = period.key(berlin_date(t1 - Duration::seconds(1)));
        let sum = match sums.get(&key) {
            Some(s) => s.checked_add(delta)?,
            None => delta,
        };
        sums.insert(key, sum);
    }
    Ok(sums.into_iter().collect())
}

/// The consumption of one period ([`consumption_periods`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodSum {
    /// The period's first day ([`BarPeriod::key`]).
    pub key: NaiveDate,
    /// The exact sum of the register differences of the intervals ending in it.
    pub amount: ScaledValue,
    /// Whether the values cover the whole period: a value at (or before) its start, one
    /// at (or after) its end, and no gap in between. Otherwise `amount` is only the
    /// consumption of the part with values.
    pub complete: bool,
}

/// [`consumption_by`] with each period marked complete or not. Gaps are steps between
/// values longer than the raster ([`smgw_model::detect_period`]).
pub fn consumption_periods(
    series: &[(DateTime<Utc>, ScaledValue)],
    period: BarPeriod,
) -> Result<Vec<PeriodSum>, ChartError> {
    let sums = consumption_by(series, period)?;
    let mut times: Vec<DateTime<Utc>> = series.iter().map(|(t, _)| *t).collect();
    times.sort();
    let (first, last) = match (times.first(), times.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return Ok(Vec::new()),
    };
    // Steps longer than the raster (plus its tolerance), as in smgw_model::find_gaps.
    let gaps: Vec<(DateTime<Utc>, DateTime<Utc>)> = match smgw_model::detect_period(&times) {
        Some(raster) => {
            let longest = raster + smgw_model::time::raster_tolerance(raster);
            times
                .iter()
                .zip(times.iter().skip(1))
                .filter(|(a, b)| **b - **a > longest)
                .map(|(a, b)| (*a, *b))
                .collect()
        }
        None => Vec::new(),
    };
    Ok(sums
        .into_iter()
        .map(|(key, amount)| {
            let (start, end) = period.bounds(key);
            let gap_inside = gaps.iter().any(|(a, b)| *a < end && *b > start);
            PeriodSum {
                key,
                amount,
                complete: first <= start && end <= last && !gap_inside,
            }
        })
        .collect())
}

/// A load curve: average power per interval from cumulative register values of `unit`,
/// downsampled to at most `opts.max_points` points.
pub fn load_curve_svg(
    series: &[(DateTime<Utc>, ScaledValue)],
    unit: Unit,
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    check_size(opts)?;
    let curve = load_curve(series)?;
    if curve.is_empty() {
        return Err(ChartError::TooFewValues { needed: 2, got: 1 });
    }
    let data: Vec<(f64, f64)> = curve
        .iter()
        .map(|(t, p)| (t.timestamp() as f64, *p))
        .collect();
    let budget = opts.max_points.clamp(3, MAX_DRAWN_POINTS);
    let mut runs: Vec<Vec<(f64, f64)>> = split_at_gaps(&data)
        .into_iter()
        .map(|run| {
            // Each line gets its share of the point budget, at least its two ends.
            let share = (budget * run.len()).div_ceil(data.len()).max(2);
            lttb(run, share)
        })
        .collect();
    let (scale, unit_label) = display_scale(
        unit.takes_prefix(),
        &rate_unit(unit),
        runs.iter().flatten().map(|p| p.1),
    );
    for p in runs.iter_mut().flatten() {
        p.1 /= scale;
    }
    let mut xs = runs.iter().flatten().map(|p| p.0 as i64);
    // `curve` is not empty, so there is at least one run with at least one point.
    let x0 = xs.next().unwrap_or(0);
    let mut x1 = xs.next_back().unwrap_or(x0);
    if x1 <= x0 {
        x1 = x0 + 3600;
    }
    let (y0, y1) = y_range(runs.iter().flatten().map(|p| p.1));
    let lang = opts.lang;
    let (ticks, kind) = time_ticks(x0, x1);
    let y_desc = format!("{} ({unit_label})", lang.pick("Leistung", "Power"));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (opts.width, opts.height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw)?;
        let mut chart = builder(&root, opts)
            .build_cartesian_2d((x0..x1).with_key_points(ticks), y0..y1)
            .map_err(draw)?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .light_line_style(RGBColor(242, 242, 242))
            .x_label_formatter(&|x| format_tick(*x, kind, lang))
            .y_label_formatter(&|y| format_number(*y, y1 - y0, lang))
            .x_desc(time_desc(lang))
            .y_desc(y_desc)
            .draw()
            .map_err(draw)?;
        for run in &runs {
            chart
                .draw_series(LineSeries::new(
                    run.iter().map(|&(x, y)| (x as i64, y)),
                    &BLUE,
                ))
                .map_err(draw)?;
        }
        root.present().map_err(draw)?;
    }
    Ok(svg)
}

/// Splits a load curve where values are missing, so that no line is drawn across a gap
/// (it would show an average over hours as if it had been measured). A gap is a step more
/// than 1.5 times the most common step; the point after a gap (the average over the gap)
/// starts the next line.
fn split_at_gaps(data: &[(f64, f64)]) -> Vec<&[(f64, f64)]> {
    let mut steps: Vec<i64> = data
        .iter()
        .zip(data.iter().skip(1))
        .map(|(a, b)| (b.0 - a.0) as i64)
        .collect();
    steps.sort_unstable();
    let mut typical = 0;
    let mut best = 0;
    for run in steps.chunk_by(|a, b| a == b) {
        if run.len() > best {
            best = run.len();
            typical = run.first().copied().unwrap_or(0);
        }
    }
    if typical <= 0 {
        return vec![data];
    }
    let limit = typical as f64 * 1.5;
    let mut out = Vec::new();
    let mut rest = data;
    loop {
        let gap = rest
            .iter()
            .zip(rest.iter().skip(1))
            .position(|(a, b)| b.0 - a.0 > limit);
        match gap.and_then(|k| rest.split_at_checked(k + 1)) {
            Some((line, after)) => {
                out.push(line);
                rest = after;
            }
            None => {
                out.push(rest);
                return out;
            }
        }
    }
}

/// Consumption per German local day as bars.
pub fn daily_bars_svg(
    series: &[(DateTime<Utc>, ScaledValue)],
    unit: Unit,
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    let bars = consumption_by(series, BarPeriod::Day)?;
    bars_svg(&[(None, &bars)], BarPeriod::Day, unit, opts)
}

/// Consumption per German local month as bars.
pub fn monthly_bars_svg(
    series: &[(DateTime<Utc>, ScaledValue)],
    unit: Unit,
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    let bars = consumption_by(series, BarPeriod::Month)?;
    bars_svg(&[(None, &bars)], BarPeriod::Month, unit, opts)
}

/// Import (1.8.x) and export (2.8.x) registers side by side per day or month, with a
/// legend.
pub fn import_export_svg(
    import: &[(DateTime<Utc>, ScaledValue)],
    export: &[(DateTime<Utc>, ScaledValue)],
    unit: Unit,
    period: BarPeriod,
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    let imp = consumption_by(import, period)?;
    let exp = consumption_by(export, period)?;
    let lang = opts.lang;
    bars_svg(
        &[
            (Some(lang.pick("Bezug", "Import")), &imp),
            (Some(lang.pick("Einspeisung", "Export")), &exp),
        ],
        period,
        unit,
        opts,
    )
}

const BAR_COLOURS: [RGBColor; 2] = [RGBColor(31, 119, 180), RGBColor(44, 160, 44)];

type BarSet<'a> = (Option<&'a str>, &'a [(NaiveDate, ScaledValue)]);

fn bars_svg(
    sets: &[BarSet<'_>],
    period: BarPeriod,
    unit: Unit,
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    check_size(opts)?;
    let lang = opts.lang;
    let mut keys: Vec<NaiveDate> = sets
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|(d, _)| *d))
        .collect();
    keys.sort();
    keys.dedup();
    let n = keys.len();
    if n == 0 {
        return Err(ChartError::TooFewValues { needed: 2, got: 0 });
    }
    let (scale, unit_label) = display_scale(
        unit.takes_prefix(),
        unit.symbol(),
        sets.iter()
            .flat_map(|(_, b)| b.iter().map(|(_, v)| v.to_f64())),
    );
    let labels: Vec<String> = keys.iter().map(|d| period.label(*d, lang)).collect();
    let ticks = bar_ticks(&keys, period);
    let (y0, mut y1) = y_range(
        sets.iter()
            .flat_map(|(_, b)| b.iter().map(|(_, v)| v.to_f64() / scale)),
    );
    if sets.len() > 1 {
        // Head room for the legend in the upper right corner.
        y1 += (y1 - y0) * 0.2;
    }
    let y_desc = format!("{} ({unit_label})", lang.pick("Verbrauch", "Consumption"));
    let x_desc = match period {
        BarPeriod::Day => lang.pick("Tag", "Day"),
        BarPeriod::Week => lang.pick("Woche", "Week"),
        BarPeriod::Month => lang.pick("Monat", "Month"),
        BarPeriod::Year => lang.pick("Jahr", "Year"),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (opts.width, opts.height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw)?;
        // Bar i spans [100 i − 40, 100 i + 40]: integer coordinates, since plotters
        // formats only those with custom key points.
        let x_range: WithKeyPoints<RangedCoordi64> =
            (-50..(n as i64 * 100 - 50)).with_key_points(ticks);
        let mut chart = builder(&root, opts)
            .build_cartesian_2d(x_range, y0..y1)
            .map_err(draw)?;
        let label_of = |x: &i64| {
            if x.rem_euclid(100) == 0 && *x >= 0 {
                labels.get((x / 100) as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .light_line_style(RGBColor(242, 242, 242))
            .x_label_formatter(&label_of)
            .y_label_formatter(&|y| format_number(*y, y1 - y0, lang))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .draw()
            .map_err(draw)?;
        let width = 80 / sets.len().max(1) as i64;
        for ((s, (name, bars)), &colour) in sets.iter().enumerate().zip(BAR_COLOURS.iter().cycle())
        {
            let rects = bars.iter().filter_map(|(d, v)| {
                let i = keys.binary_search(d).ok()? as i64;
                let left = i * 100 - 40 + s as i64 * width;
                Some(Rectangle::new(
                    [(left, 0.0), (left + width, v.to_f64() / scale)],
                    colour.filled(),
                ))
            });
            let anno = chart.draw_series(rects).map_err(draw)?;
            if let Some(name) = name {
                anno.label(*name).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
                });
            }
        }
        if sets.iter().any(|(name, _)| name.is_some()) {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()
                .map_err(draw)?;
        }
        root.present().map_err(draw)?;
    }
    Ok(svg)
}

fn draw<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

fn check_size(opts: &ChartOptions) -> Result<(), ChartError> {
    let ok = |v: u32| (100..=20_000).contains(&v);
    if ok(opts.width) && ok(opts.height) {
        Ok(())
    } else {
        Err(ChartError::Size {
            width: opts.width,
            height: opts.height,
        })
    }
}

fn builder<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    opts: &ChartOptions,
) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut b = ChartBuilder::on(root);
    b.margin(12)
        .margin_right(40)
        .x_label_area_size(48)
        .y_label_area_size(80);
    if let Some(t) = &opts.title {
        b.caption(t, ("sans-serif", 20));
    }
    b
}

fn time_desc(lang: Lang) -> &'static str {
    lang.pick("Zeit (deutsche Ortszeit)", "Time (German local time)")
}

/// Divides by 1000 (and prefixes `k`) when the values are large and the unit takes a
/// prefix, so that axis labels stay short. Only for display.
fn display_scale(prefixable: bool, unit: &str, values: impl Iterator<Item = f64>) -> (f64, String) {
    let max = values.fold(0.0f64, |m, v| m.max(v.abs()));
    if prefixable && max >= 10_000.0 {
        (1000.0, format!("k{unit}"))
    } else {
        (1.0, unit.to_string())
    }
}

fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo <= f64::EPSILON {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
}

fn format_number(v: f64, span: f64, lang: Lang) -> String {
    let decimals = if span >= 50.0 {
        0
    } else if span >= 5.0 {
        1
    } else {
        2
    };
    let s = format!("{v:.decimals$}");
    let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    };
    match lang {
        Lang::De => s.replace('.', ","),
        _ => s,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TickKind {
    Hours,
    Days,
    Months,
}

const MAX_TICKS: i64 = 10;

/// Tick positions at round German local times (full hours, midnights, first days of
/// months) with at most about [`MAX_TICKS`] ticks.
fn time_ticks(x0: i64, x1: i64) -> (Vec<i64>, TickKind) {
    let span = (x1 - x0).max(1);
    let hour = 3600;
    let day = 24 * hour;
    enum Step {
        Hours(i64),
        Days(i64),
        Months(u32),
    }
    let steps = [
        Step::Hours(1),
        Step::Hours(2),
        Step::Hours(3),
        Step::Hours(6),
        Step::Hours(12),
        Step::Days(1),
        Step::Days(2),
        Step::Days(7),
        Step::Days(14),
        Step::Months(1),
        Step::Months(2),
        Step::Months(3),
        Step::Months(6),
        Step::Months(12),
        Step::Months(24),
        Step::Months(60),
    ];
    let approx = |s: &Step| match s {
        Step::Hours(h) => h * hour,
        Step::Days(d) => d * day,
        Step::Months(m) => i64::from(*m) * 30 * day,
    };
    let longest = Step::Months(60);
    let step = steps
        .iter()
        .find(|s| span / approx(s) < MAX_TICKS)
        .unwrap_or(&longest);
    let to_utc = |x: i64| DateTime::<Utc>::from_timestamp(x, 0).unwrap_or_default();
    let first_day = berlin_date(to_utc(x0));
    let mut local: NaiveDateTime = match step {
        Step::Months(_) => first_day.with_day(1).unwrap_or(first_day),
        _ => first_day,
    }
    .and_time(NaiveTime::MIN);
    let mut ticks = Vec::new();
    // The guard bounds the loop even for odd inputs; a tick list is short by design.
    for _ in 0..(MAX_TICKS * 40) {
        let t = berlin_to_utc_lenient(local).timestamp();
        if t > x1 {
            break;
        }
        if t >= x0 && ticks.last() != Some(&t) {
            ticks.push(t);
        }
        local = match step {
            Step::Hours(h) => local + Duration::hours(*h),
            Step::Days(d) => local + Duration::days(*d),
            Step::Months(m) => match local.checked_add_months(Months::new(*m)) {
                Some(l) => l,
                None => break,
            },
        };
    }
    let kind = match step {
        Step::Hours(_) => TickKind::Hours,
        Step::Days(_) => TickKind::Days,
        Step::Months(_) => TickKind::Months,
    };
    (ticks, kind)
}

fn format_tick(x: i64, kind: TickKind, lang: Lang) -> String {
    let Some(t) = DateTime::<Utc>::from_timestamp(x, 0) else {
        return String::new();
    };
    let local = to_berlin(t);
    let pattern = match (kind, lang) {
        (TickKind::Hours, Lang::De) => "%d.%m. %H:%M",
        (TickKind::Hours, _) => "%m-%d %H:%M",
        (TickKind::Days, Lang::De) => "%d.%m.%Y",
        (TickKind::Days, _) => "%Y-%m-%d",
        (TickKind::Months, Lang::De) => "%m.%Y",
        (TickKind::Months, _) => "%Y-%m",
    };
    local.format(pattern).to_string()
}

/// Bar indices that get a label: every bar when there are few, else first days of months
/// (daily bars) or every k-th bar, at most about a dozen.
fn bar_ticks(keys: &[NaiveDate], period: BarPeriod) -> Vec<i64> {
    let n = keys.len();
    if n <= 12 {
        return (0..n).map(|i| i as i64 * 100).collect();
    }
    if period == BarPeriod::Day && n > 45 {
        let firsts: Vec<usize> = keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.day() == 1)
            .map(|(i, _)| i)
            .collect();
        let k = firsts.len().div_ceil(12).max(1);
        return firsts.iter().step_by(k).map(|&i| i as i64 * 100).collect();
    }
    let k = n.div_ceil(12);
    (0..n).step_by(k).map(|i| i as i64 * 100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// Quarter-hour register values (1 Wh each) from `from` to `to` inclusive, without
    /// the times in `skip`.
    fn quarter_hours(
        from: &str,
        to: &str,
        skip: &[(&str, &str)],
    ) -> Vec<(DateTime<Utc>, ScaledValue)> {
        let (mut at, end) = (t(from), t(to));
        let mut out = Vec::new();
        let mut raw = 0;
        while at <= end {
            raw += 1;
            if !skip.iter().any(|(a, b)| t(a) < at && at < t(b)) {
                out.push((at, ScaledValue::new(raw, 0)));
            }
            at += Duration::minutes(15);
        }
        out
    }

    #[test]
    fn periods_are_complete_only_with_values_at_both_ends_and_no_gap() {
        // 1 March 2025 00:00 local = 28 Feb 23:00 UTC; three local days.
        let full = quarter_hours("2025-02-28T23:00:00Z", "2025-03-03T23:00:00Z", &[]);
        let days = consumption_periods(&full, BarPeriod::Day).unwrap();
        assert_eq!(days.len(), 3);
        assert!(days.iter().all(|d| d.complete), "{days:?}");
        assert_eq!(days[0].amount, ScaledValue::new(96, 0));

        // Starting at 00:15: the first day misses its first interval.
        let late = &full[1..];
        let days = consumption_periods(late, BarPeriod::Day).unwrap();
        assert!(!days[0].complete && days[1].complete && days[2].complete);
        assert_eq!(days[0].amount, ScaledValue::new(95, 0));

        // A gap on 2 March: that day is partial, the others are not; the month is too.
        let gap = quarter_hours(
            "2025-02-28T23:00:00Z",
            "2025-03-03T23:00:00Z",
            &[("2025-03-02T09:00:00Z", "2025-03-02T11:00:00Z")],
        );
        let days = consumption_periods(&gap, BarPeriod::Day).unwrap();
        let complete: Vec<bool> = days.iter().map(|d| d.complete).collect();
        assert_eq!(complete, [true, false, true]);
        // The sum is still exact: the interval over the gap counts on the day it ends.
        assert_eq!(days[1].amount, ScaledValue::new(96, 0));
        let months = consumption_periods(&gap, BarPeriod::Month).unwrap();
        assert!(!months[0].complete, "three days are not all of March");

        // Clock change (30 March 2025): the local day has 92 quarter hours.
        let spring = quarter_hours("2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z", &[]);
        let days = consumption_periods(&spring, BarPeriod::Day).unwrap();
        assert_eq!(days.len(), 1);
        assert!(days[0].complete);
        assert_eq!(days[0].amount, ScaledValue::new(92, 0));
    }

    #[test]
    fn lttb_keeps_ends_and_peaks() {
        let data: Vec<(f64, f64)> = (0..1000)
            .map(|i| (i as f64, if i == 500 { 100.0 } else { 1.0 }))
            .collect();
        let out = lttb(&data, 50);
        assert_eq!(out.len(), 50);
        assert_eq!(out[0], data[0]);
        assert_eq!(out[49], data[999]);
        assert!(out.contains(&(500.0, 100.0)), "the peak survives");
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0), "order kept");
        assert_eq!(lttb(&data[..10], 50).len(), 10);
        assert_eq!(
            lttb(&data, 2).len(),
            1000,
            "threshold below 3 leaves data alone"
        );
    }

    #[test]
    fn load_curve_is_average_power() {
        // 250 Wh in 15 minutes is 1 kW on average.
        let s = [
            (t("2024-01-01T00:15:00Z"), ScaledValue::new(12500, -1)),
            (t("2024-01-01T00:00:00Z"), ScaledValue::new(10000, -1)),
            (t("2024-01-01T00:30:00Z"), ScaledValue::new(12500, -1)),
        ];
        let c = load_curve(&s).unwrap();
        assert_eq!(
            c,
            vec![
                (t("2024-01-01T00:15:00Z"), 1000.0),
                (t("2024-01-01T00:30:00Z"), 0.0)
            ]
        );
        assert!(matches!(
            load_curve(&s[..1]),
            Err(ChartError::TooFewValues { needed: 2, got: 1 })
        ));
        assert_eq!(rate_unit(Unit::WattHour), "W");
        assert_eq!(rate_unit(Unit::CubicMetre), "m³/h");
    }

    #[test]
    fn consumption_days_follow_german_midnight() {
        // Berlin midnight of 2024-01-02 is 2024-01-01T23:00Z.
        let s = [
            (t("2024-01-01T22:45:00Z"), ScaledValue::new(100, 0)),
            (t("2024-01-01T23:00:00Z"), ScaledValue::new(110, 0)),
            (t("2024-01-01T23:15:00Z"), ScaledValue::new(1305, -1)),
        ];
        let days = consumption_by(&s, BarPeriod::Day).unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            days,
            vec![
                (d("2024-01-01"), ScaledValue::new(10, 0)),
                (d("2024-01-02"), ScaledValue::new(205, -1)),
            ]
        );
        let months = consumption_by(&s, BarPeriod::Month).unwrap();
        assert_eq!(months, vec![(d("2024-01-01"), ScaledValue::new(305, -1))]);
    }

    #[test]
    fn ticks_are_local_round_times() {
        // One day in summer: ticks at local full hours, 2 hours apart or more.
        let x0 = t("2024-07-01T00:00:00Z").timestamp();
        let x1 = t("2024-07-02T00:00:00Z").timestamp();
        let (ticks, kind) = time_ticks(x0, x1);
        assert_eq!(kind, TickKind::Hours);
        assert!(!ticks.is_empty() && ticks.len() <= MAX_TICKS as usize + 1);
        for x in &ticks {
            let label = format_tick(*x, kind, Lang::De);
            assert!(label.ends_with(":00"), "{label}");
        }
        // A year: ticks on first days of months.
        let x1 = t("2025-07-01T00:00:00Z").timestamp();
        let (ticks, kind) = time_ticks(x0, x1);
        assert_eq!(kind, TickKind::Months);
        for x in &ticks {
            let day = to_berlin(DateTime::from_timestamp(*x, 0).unwrap()).day();
            assert_eq!(day, 1);
        }
        assert_eq!(format_number(1234.4, 100.0, Lang::De), "1234");
        assert_eq!(format_number(1.25, 3.0, Lang::De), "1,25");
        assert_eq!(format_number(-0.0001, 3.0, Lang::En), "0.00");
    }
}
