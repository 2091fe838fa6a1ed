//! Charts are well-formed SVG with their labels and a bounded number of points.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use chrono::Datelike;
use common::{synthetic_set, t};
use export::chart::{consumption_by, load_curve};
use export::{
    daily_bars_svg, import_export_svg, load_curve_svg, monthly_bars_svg, BarPeriod, ChartError,
    ChartOptions,
};
use quick_xml::events::Event;
use smgw_model::{Lang, Unit};

/// Parsed essentials of an SVG document.
#[derive(Debug, Default)]
struct Svg {
    texts: Vec<String>,
    polyline_points: Vec<usize>,
    rects: usize,
}

fn parse_svg(svg: &str) -> Svg {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut out = Svg::default();
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut in_text = false;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("SVG not well-formed: {e}"))
        {
            Event::Start(e) => {
                if depth == 0 {
                    assert_eq!(e.name().as_ref(), b"svg", "root element");
                    root_seen = true;
                }
                depth += 1;
                in_text = e.name().as_ref() == b"text";
                if in_text {
                    out.texts.push(String::new());
                }
            }
            Event::End(_) => {
                depth -= 1;
                if in_text {
                    if let Some(last) = out.texts.last_mut() {
                        *last = last.trim().to_string();
                    }
                }
                in_text = false;
            }
            Event::Empty(e) => match e.name().as_ref() {
                // Axes and ticks are black polylines too; the data line is blue.
                b"polyline"
                    if e.try_get_attribute("stroke")
                        .unwrap()
                        .is_some_and(|a| a.value.as_ref() == b"#0000FF") =>
                {
                    let pts = e
                        .try_get_attribute("points")
                        .unwrap()
                        .expect("polyline has points");
                    let v = pts.unescape_value().unwrap();
                    out.polyline_points.push(v.split_whitespace().count());
                }
                b"rect" => out.rects += 1,
                _ => {}
            },
            Event::Text(txt) if in_text => {
                if let Some(last) = out.texts.last_mut() {
                    last.push_str(&txt.decode().unwrap());
                }
            }
            Event::GeneralRef(r) if in_text => {
                // Entity references such as &amp; arrive separately in quick-xml 0.38.
                let name = r.decode().unwrap();
                let ch = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                if let Some(last) = out.texts.last_mut() {
                    last.push_str(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(root_seen && depth == 0, "document closed");
    out
}

fn year() -> export::ExportSet {
    synthetic_set(t("2017-01-01T00:00:00+01:00"), 35_040, 0)
}

#[test]
fn load_curve_of_a_year_is_downsampled_and_labelled() {
    let set = year();
    let series = set.contracts[0].value_lists[0].series();
    assert_eq!(series.len(), 35_040);
    let opts = ChartOptions {
        title: Some("Lastgang <Haushalt> & Co".into()),
        ..ChartOptions::default()
    };
    let svg = load_curve_svg(&series, Unit::WattHour, &opts).unwrap();
    let parsed = parse_svg(&svg);
    assert_eq!(
        parsed.polyline_points,
        vec![2000],
        "one line of max_points points"
    );
    let all = parsed.texts.join("|");
    assert!(
        parsed.texts.iter().any(|s| s == "Lastgang <Haushalt> & Co"),
        "{all}"
    );
    assert!(
        parsed.texts.iter().any(|s| s.starts_with("Leistung (")),
        "{all}"
    );
    assert!(
        parsed.texts.iter().any(|s| s == "Zeit (deutsche Ortszeit)"),
        "{all}"
    );
    // Month ticks in German form, e.g. 03.2017.
    assert!(parsed.texts.iter().any(|s| s == "07.2017"), "{all}");

    let en = ChartOptions {
        lang: Lang::En,
        max_points: 500,
        ..ChartOptions::default()
    };
    let parsed = parse_svg(&load_curve_svg(&series, Unit::WattHour, &en).unwrap());
    assert_eq!(parsed.polyline_points, vec![500]);
    assert!(parsed.texts.iter().any(|s| s == "Time (German local time)"));
    assert!(parsed.texts.iter().any(|s| s == "2017-07"));

    // However many points are asked for, a line never gets more than a few thousand.
    let greedy = ChartOptions {
        max_points: 1_000_000,
        ..ChartOptions::default()
    };
    let parsed = parse_svg(&load_curve_svg(&series, Unit::WattHour, &greedy).unwrap());
    assert_eq!(
        parsed.polyline_points,
        vec![export::chart::MAX_DRAWN_POINTS]
    );

    // A gap is not bridged by a line: two lines, the second starting after the gap.
    let mut gappy = series[..200].to_vec();
    gappy.drain(80..100);
    let parsed = parse_svg(&load_curve_svg(&gappy, Unit::WattHour, &opts).unwrap());
    assert_eq!(
        parsed.polyline_points,
        vec![79, 100],
        "79 intervals before the gap; the averaged gap interval starts the second line"
    );

    // Few values are drawn as they are.
    let short = &series[..50];
    let parsed = parse_svg(&load_curve_svg(short, Unit::WattHour, &opts).unwrap());
    assert_eq!(
        parsed.polyline_points,
        vec![49],
        "49 intervals between 50 readings"
    );
    assert!(matches!(
        load_curve_svg(&series[..1], Unit::WattHour, &opts),
        Err(ChartError::TooFewValues { .. })
    ));
    let bad = ChartOptions {
        width: 0,
        ..ChartOptions::default()
    };
    assert!(matches!(
        load_curve_svg(short, Unit::WattHour, &bad),
        Err(ChartError::Size { .. })
    ));
}

#[test]
fn load_curve_values_are_average_power() {
    let set = year();
    let series = set.contracts[0].value_lists[0].series();
    let curve = load_curve(&series).unwrap();
    assert_eq!(curve.len(), series.len() - 1);
    // Each point: (Δ raw × 10^-1 Wh) / 0.25 h.
    for (i, (time, p)) in curve.iter().enumerate().step_by(997) {
        let d = series[i + 1].1.raw - series[i].1.raw;
        assert_eq!(*time, series[i + 1].0);
        assert!((p - d as f64 * 0.1 * 4.0).abs() < 1e-9, "{p} vs {d}");
    }
}

#[test]
fn consumption_per_week_and_year_adds_up_and_is_labelled() {
    let set = year();
    let series = set.contracts[0].value_lists[0].series();
    let expected = series[series.len() - 1].1.checked_sub(series[0].1).unwrap();
    for period in [BarPeriod::Week, BarPeriod::Year] {
        let sums = consumption_by(&series, period).unwrap();
        let total = sums
            .iter()
            .fold(smgw_model::ScaledValue::new(0, -1), |a, (_, v)| {
                a.checked_add(*v).unwrap()
            });
        assert_eq!(total, expected, "{period:?}");
    }
    let weeks = consumption_by(&series, BarPeriod::Week).unwrap();
    // 365 days touch 53 or 54 ISO weeks; every key is a Monday.
    assert!((53..=54).contains(&weeks.len()), "{}", weeks.len());
    assert!(weeks
        .iter()
        .all(|(d, _)| d.weekday() == chrono::Weekday::Mon));
    let monday = chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
    assert_eq!(
        BarPeriod::Week.key(monday + chrono::Duration::days(6)),
        monday
    );
    assert_eq!(
        BarPeriod::Week.label(monday, smgw_model::Lang::De),
        "KW 23/2025"
    );
    assert_eq!(
        BarPeriod::Week.label(monday, smgw_model::Lang::En),
        "2025-W23"
    );
    assert_eq!(
        BarPeriod::Year.key(monday),
        chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
    );
    // ISO week 1 of 2026 starts on Monday 29 December 2025.
    let new_year = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let key = BarPeriod::Week.key(new_year);
    assert_eq!(key, chrono::NaiveDate::from_ymd_opt(2025, 12, 29).unwrap());
    assert_eq!(
        BarPeriod::Week.label(key, smgw_model::Lang::De),
        "KW 01/2026"
    );
}

#[test]
fn consumption_bars_per_day_and_month() {
    let set = year();
    let series = set.contracts[0].value_lists[0].series();
    let days = consumption_by(&series, BarPeriod::Day).unwrap();
    assert_eq!(days.len(), 365);
    let months = consumption_by(&series, BarPeriod::Month).unwrap();
    assert_eq!(months.len(), 12);
    // Exact: the sum of all months is last minus first reading.
    let total = months
        .iter()
        .fold(smgw_model::ScaledValue::new(0, -1), |a, (_, v)| {
            a.checked_add(*v).unwrap()
        });
    let expected = series[series.len() - 1].1.checked_sub(series[0].1).unwrap();
    assert_eq!(total, expected);

    let opts = ChartOptions::default();
    let daily = parse_svg(&daily_bars_svg(&series, Unit::WattHour, &opts).unwrap());
    // One rect per bar plus the background and the plotting area.
    assert!(
        daily.rects >= 365 && daily.rects <= 365 + 4,
        "{}",
        daily.rects
    );
    assert!(daily.texts.iter().any(|s| s == "Tag"));
    assert!(
        daily
            .texts
            .iter()
            .any(|s| s.starts_with("Verbrauch (") && s.ends_with("Wh)")),
        "{:?}",
        daily.texts
    );
    let monthly = parse_svg(&monthly_bars_svg(&series, Unit::WattHour, &opts).unwrap());
    assert!(monthly.rects >= 12 && monthly.rects <= 12 + 4);
    for m in ["01.2017", "06.2017", "12.2017"] {
        assert!(
            monthly.texts.iter().any(|s| s == m),
            "{m} in {:?}",
            monthly.texts
        );
    }
}

#[test]
fn import_export_has_both_series_and_a_legend() {
    let set = year();
    let lists = &set.contracts[0].value_lists;
    let (imp, exp) = (lists[0].series(), lists[1].series());
    for (lang, names) in [
        (Lang::De, ["Bezug", "Einspeisung"]),
        (Lang::En, ["Import", "Export"]),
    ] {
        let opts = ChartOptions {
            lang,
            ..ChartOptions::default()
        };
        let svg = import_export_svg(&imp, &exp, Unit::WattHour, BarPeriod::Month, &opts).unwrap();
        let parsed = parse_svg(&svg);
        for n in names {
            assert!(
                parsed.texts.iter().any(|s| s == n),
                "{n} in {:?}",
                parsed.texts
            );
        }
        // 12 months × 2 series, background, plot area, legend box and 2 legend swatches.
        assert!(
            parsed.rects >= 24 && parsed.rects <= 24 + 6,
            "{}",
            parsed.rects
        );
    }
}
