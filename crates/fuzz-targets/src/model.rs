//! The vocabulary's text parsers (`smgw-model` and the adapters' time forms) and the
//! tariff profile (`taf-profile`).

use std::str::FromStr;

use chrono::{DateTime, Datelike, Timelike, Utc};
use smgw_model::time::{format_german, format_wire, parse_datetime, parse_german, NaiveAs};
use smgw_model::{
    ChannelName, CombinedStatus, DeviceId, GatewayStatus, Lang, MeterStatus, MeteringPointId, Obis,
    ScaledValue, SmgwState,
};

/// Each line of the input through every text parser; what parses and has a written form
/// reads back as the same value.
pub fn text(data: &[u8]) {
    let Ok(all) = std::str::from_utf8(data) else {
        return;
    };
    for s in all.lines().chain([all]) {
        one_line(s);
    }
}

fn one_line(s: &str) {
    if let Ok(o) = Obis::from_str(s) {
        assert_eq!(Obis::from_str(&o.to_string()), Ok(o), "OBIS {o}");
        assert_eq!(Obis::from_str(&o.to_hex()), Ok(o), "OBIS {}", o.to_hex());
        let _ = (o.name(Lang::De), o.name(Lang::En), o.short(), o.medium());
    }
    if let Ok(c) = ChannelName::from_str(s) {
        assert_eq!(ChannelName::from_str(&c.to_string()).as_ref(), Ok(&c));
        let _ = ChannelName::obis_of(s);
    }
    if let Ok(d) = DeviceId::from_str(s) {
        assert_eq!(DeviceId::from_str(&d.to_string()).as_ref(), Ok(&d));
    }
    let _ = (DeviceId::parse_text(s), DeviceId::parse_hex(s));
    if let Ok(m) = MeteringPointId::parse(s) {
        assert_eq!(MeteringPointId::parse(&m.to_string()).as_ref(), Ok(&m));
    }
    if let Ok(w) = GatewayStatus::from_hex(s) {
        assert_eq!(GatewayStatus::from_hex(&w.to_hex()), Ok(w));
        let _ = SmgwState::from_hex(s).map(|st| st.state());
    }
    if let Ok(w) = MeterStatus::from_hex(s) {
        assert_eq!(MeterStatus::from_hex(&w.to_hex()), Ok(w));
    }
    if let Ok(w) = CombinedStatus::from_hex(s) {
        assert_eq!(CombinedStatus::from_hex(&w.to_hex()), Ok(w));
    }
    if let Ok(v) = ScaledValue::from_decimal_str(s) {
        // Written and read again: the same number (the form may differ: `1.50` → `1.5`).
        let again = ScaledValue::from_decimal_str(&v.to_string());
        assert!(
            again.as_ref().is_ok_and(|a| same_number(*a, v)),
            "{s:?} → {v} → {again:?}"
        );
    }
    for scaler in [-3, 0, 3] {
        if let Ok(v) = ScaledValue::parse_raw(s, scaler) {
            assert_eq!(v.scaler, scaler);
        }
    }
    for naive in [NaiveAs::Utc, NaiveAs::Berlin] {
        if let Ok(t) = parse_datetime(s, naive) {
            wire_round_trip(t);
        }
    }
    if let Ok(t) = parse_german(s) {
        wire_round_trip(t);
        german_round_trip(t);
    }
    let _ = smgw_model::time::parse_time_of_day(s);
    if let Some(t) = han_protocol::time::parse_wire_time(s) {
        wire_round_trip(t);
    }
    let _ = emh_client::wire::time(s);
    let _ = ppc_client::table::parse_local(s);
    let _ = ar2418::parse_xs_datetime(s);
}

/// Equal as numbers: raw and scaler may differ by trailing zeros.
fn same_number(a: ScaledValue, b: ScaledValue) -> bool {
    let (lo, hi) = if a.scaler <= b.scaler { (a, b) } else { (b, a) };
    let shift = u32::from((i16::from(hi.scaler) - i16::from(lo.scaler)).unsigned_abs());
    match 10i128
        .checked_pow(shift)
        .and_then(|p| hi.raw.checked_mul(p))
    {
        Some(scaled) => scaled == lo.raw,
        None => false,
    }
}

/// The wire form (whole seconds, four-digit years) reads back as the same second.
fn wire_round_trip(t: DateTime<Utc>) {
    if !(1..=9999).contains(&t.year()) {
        return;
    }
    let Some(whole) = t.with_nanosecond(0) else {
        return;
    };
    let text = format_wire(t);
    assert_eq!(parse_datetime(&text, NaiveAs::Utc), Ok(whole), "{text}");
    assert_eq!(han_protocol::time::parse_wire_time(&text), Some(whole));
}

/// The German display form (zone named in the repeated hour) reads back as the same
/// instant, in the years of today's summer time rules.
fn german_round_trip(t: DateTime<Utc>) {
    if !(1996..=2099).contains(&t.year()) {
        return;
    }
    let Some(whole) = t.with_nanosecond(0) else {
        return;
    };
    let text = format_german(t);
    assert_eq!(parse_german(&text), Ok(whole), "{text}");
}

/// A `taf-profile` (CMS, first part) with a seal certificate (DER, second part; parts as
/// in `split_len`): a
/// report, never a panic; a signature reported as checked needs a certificate.
pub fn taf_profile(data: &[u8]) {
    let parts = crate::split_len(data, 2);
    let with_seal = smgw_model::read_taf_profile(parts[0], Some(parts[1]));
    let _ = with_seal.describe(Lang::De);
    let without = smgw_model::read_taf_profile(parts[0], None);
    assert_eq!(
        with_seal.xml, without.xml,
        "the content depends on the seal"
    );
    assert_eq!(with_seal.profile, without.profile);
}

/// The DKE XML inside a `taf-profile`.
pub fn taf_xml(data: &[u8]) {
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = smgw_model::tariff::parse_xml(xml);
    }
}
