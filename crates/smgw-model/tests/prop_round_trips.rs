//! Property tests: what the model writes, it reads back as the same value — exact values
//! in decimal form, OBIS ids in both forms, status words, times in the wire, AR 2418 and
//! German forms.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use smgw_model::time::{
    format_berlin_rfc3339, format_german, format_wire, parse_datetime, parse_german, NaiveAs,
};
use smgw_model::{CombinedStatus, GatewayStatus, MeterStatus, Obis, ScaledValue};

/// Equal as numbers: raw and scaler may differ by trailing zeros (`1.50` and `1.5`).
fn same_number(a: ScaledValue, b: ScaledValue) -> bool {
    let (lo, hi) = if a.scaler <= b.scaler { (a, b) } else { (b, a) };
    let shift = u32::from((i16::from(hi.scaler) - i16::from(lo.scaler)).unsigned_abs());
    10i128
        .checked_pow(shift)
        .and_then(|p| hi.raw.checked_mul(p))
        .is_some_and(|scaled| scaled == lo.raw)
}

/// Whole seconds between 0001-01-01 and 9999-12-31 (the four-digit years of every form).
fn instant(years: std::ops::RangeInclusive<i32>) -> impl Strategy<Value = DateTime<Utc>> {
    let from = DateTime::parse_from_rfc3339(&format!("{:04}-01-01T00:00:00Z", years.start()))
        .expect("start")
        .timestamp();
    let to = DateTime::parse_from_rfc3339(&format!("{:04}-12-31T23:59:59Z", years.end()))
        .expect("end")
        .timestamp();
    (from..=to).prop_map(|s| DateTime::from_timestamp(s, 0).expect("in range"))
}

proptest! {
    #[test]
    fn a_value_written_as_decimal_reads_back_exactly(
        raw in any::<i64>().prop_map(i128::from),
        scaler in -12i8..=6,
    ) {
        let v = ScaledValue::new(raw, scaler);
        let text = v.to_string();
        let back = ScaledValue::from_decimal_str(&text);
        prop_assert!(back.as_ref().is_ok_and(|b| same_number(*b, v)), "{v:?} → {text} → {back:?}");
    }

    #[test]
    fn the_full_range_of_raw_values_survives_parse_raw(raw in any::<i128>(), scaler in any::<i8>()) {
        prop_assert_eq!(ScaledValue::parse_raw(&raw.to_string(), scaler), Ok(ScaledValue::new(raw, scaler)));
        prop_assert_eq!(ScaledValue::parse_raw(&format!("  {raw} "), scaler), Ok(ScaledValue::new(raw, scaler)));
    }

    #[test]
    fn obis_ids_read_back_from_both_forms(bytes in any::<[u8; 6]>()) {
        let o = Obis::from_bytes(bytes);
        prop_assert_eq!(o.to_string().parse::<Obis>(), Ok(o));
        prop_assert_eq!(o.to_hex().parse::<Obis>(), Ok(o));
        prop_assert_eq!(o.to_hex().to_uppercase().parse::<Obis>(), Ok(o));
        prop_assert_eq!(o.to_bytes(), bytes);
    }

    #[test]
    fn status_words_read_back_from_hex(gw in any::<u32>(), meter in any::<u32>()) {
        let g = GatewayStatus::from_hex(&format!("{gw:08x}")).expect("8 hex digits");
        prop_assert_eq!(GatewayStatus::from_hex(&g.to_hex()), Ok(g));
        let m = MeterStatus::from_hex(&format!("{meter:08X}")).expect("8 hex digits");
        prop_assert_eq!(MeterStatus::from_hex(&m.to_hex()), Ok(m));
        let c = CombinedStatus::from_hex(&format!("{gw:08x}{meter:08x}")).expect("16 hex digits");
        prop_assert_eq!(CombinedStatus::from_hex(&c.to_hex()), Ok(c));
    }

    #[test]
    fn wire_times_read_back(t in instant(1..=9999)) {
        prop_assert_eq!(parse_datetime(&format_wire(t), NaiveAs::Utc), Ok(t));
        prop_assert_eq!(han_protocol_free_wire(&format_wire(t)), Some(t));
    }

    #[test]
    fn ar2418_times_with_berlin_offsets_read_back(t in instant(1900..=2200)) {
        let text = format_berlin_rfc3339(t);
        prop_assert_eq!(parse_datetime(&text, NaiveAs::Utc), Ok(t), "{}", text);
        prop_assert_eq!(parse_datetime(&text, NaiveAs::Berlin), Ok(t), "{}", text);
    }

    #[test]
    fn german_display_times_read_back(t in instant(1996..=2099)) {
        let text = format_german(t);
        prop_assert_eq!(parse_german(&text), Ok(t), "{}", text);
    }
}

/// The wire form read with chrono's own RFC 3339 parser, as a second opinion.
fn han_protocol_free_wire(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.to_utc())
}
