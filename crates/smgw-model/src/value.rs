//! Exact decimal values: a raw integer register value times a power of ten.
//!
//! The gateway sends register values as decimal strings (`"value": "171165808"`) and
//! the channel's scaler separately (`-4`), so the value is 171165808 × 10⁻⁴ = 17116.5808.
//! Billing must never round, so values stay integers here and are formatted exactly;
//! floating point ([`ScaledValue::to_f64`]) is only for charts.
//!
//! The raw value is an `i128`: the gateway's registers are unsigned 64-bit at most, and
//! differences of two of them (which can be negative) also fit, so realistic data cannot
//! overflow. In serde the raw value is written as a decimal **string**, because JSON
//! consumers such as JavaScript lose precision above 2⁵³.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::unit::Unit;

/// Errors of parsing and arithmetic on [`ScaledValue`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The text is not a decimal integer (or decimal number, for
    /// [`ScaledValue::from_decimal_str`]).
    #[error("{0:?} is not a decimal number")]
    NotANumber(String),
    /// The number has more digits than fit (about 38).
    #[error("{0:?} is too large")]
    TooLarge(String),
    /// An operation that needs equal scalers got different ones.
    #[error("scalers differ ({left} and {right})")]
    ScalerMismatch {
        /// Scaler of the left operand.
        left: i8,
        /// Scaler of the right operand.
        right: i8,
    },
    /// The result does not fit into the value range.
    #[error("arithmetic overflow")]
    Overflow,
    /// Rescaling would drop non-zero digits.
    #[error("{value} cannot be written with scaler {scaler} without losing digits")]
    Inexact {
        /// The value, formatted.
        value: String,
        /// The requested scaler.
        scaler: i8,
    },
}

/// An exact decimal value `raw × 10^scaler`.
///
/// Equality (`==`) compares raw and scaler as stored, so `10 × 10⁻¹ != 1 × 10⁰`;
/// use [`ScaledValue::cmp_value`] to compare the numbers they stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScaledValue {
    /// The register value as sent by the gateway.
    #[serde(with = "raw_as_string")]
    pub raw: i128,
    /// Power of ten to multiply `raw` with.
    pub scaler: i8,
}

fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

fn parse_integer(original: &str, digits: &str, negative: bool) -> Result<i128, ValueError> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::NotANumber(original.to_string()));
    }
    // Only digits remain, so the only possible parse failure is overflow.
    let magnitude: i128 = digits
        .parse()
        .map_err(|_| ValueError::TooLarge(original.to_string()))?;
    Ok(if negative { -magnitude } else { magnitude })
}

fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else {
        (false, s.strip_prefix('+').unwrap_or(s))
    }
}

impl ScaledValue {
    /// A value from its raw integer and scaler.
    pub const fn new(raw: i128, scaler: i8) -> ScaledValue {
        ScaledValue { raw, scaler }
    }

    /// Parses the gateway's raw register value (a decimal integer string, optionally signed,
    /// surrounding whitespace ignored) and pairs it with the channel's scaler.
    pub fn parse_raw(raw: &str, scaler: i8) -> Result<ScaledValue, ValueError> {
        let (negative, digits) = split_sign(raw.trim());
        Ok(ScaledValue {
            raw: parse_integer(raw, digits, negative)?,
            scaler,
        })
    }

    /// Parses a decimal number such as `17116.5808` or `17116,5808` (no exponent, no
    /// thousands separators). The scaler is minus the number of fraction digits, so
    /// `17116.5808` becomes raw 171165808, scaler −4.
    pub fn from_decimal_str(s: &str) -> Result<ScaledValue, ValueError> {
        let (negative, body) = split_sign(s.trim());
        let (int_part, frac_part) = match body.split_once(['.', ',']) {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(ValueError::NotANumber(s.to_string()));
        }
        if !frac_part.bytes().all(|b| b.is_ascii_digit())
            || !int_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(ValueError::NotANumber(s.to_string()));
        }
        let scaler = i8::try_from(frac_part.len())
            .ok()
            .and_then(|n| n.checked_neg())
            .ok_or_else(|| ValueError::TooLarge(s.to_string()))?;
        let digits = format!("{int_part}{frac_part}");
        Ok(ScaledValue {
            raw: parse_integer(s, &digits, negative)?,
            scaler,
        })
    }

    /// The exact decimal text with `.` as separator: raw 171165808, scaler −4 →
    /// `17116.5808`. All fraction digits the scaler implies are kept (`10` with scaler −1
    /// is `1.0`), since they show the register's resolution.
    pub fn to_decimal_string(self) -> String {
        self.format_with(Lang::En)
    }

    /// The exact decimal text with the language's separator (`17116,5808` in German).
    pub fn format_with(self, lang: Lang) -> String {
        let digits = self.raw.unsigned_abs().to_string();
        let sign = if self.raw < 0 { "-" } else { "" };
        if self.scaler >= 0 {
            if self.raw == 0 {
                return "0".to_string();
            }
            return format!("{sign}{digits}{}", "0".repeat(self.scaler as usize));
        }
        let frac_len = usize::from(self.scaler.unsigned_abs());
        let padded = if digits.len() <= frac_len {
            format!("{}{digits}", "0".repeat(frac_len + 1 - digits.len()))
        } else {
            digits
        };
        let (int_part, frac_part) = padded.split_at(padded.len() - frac_len);
        format!("{sign}{int_part}{}{frac_part}", lang.decimal_separator())
    }

    /// The same number written with another scaler. Going to a smaller scaler is exact
    /// (more digits); a larger scaler fails with [`ValueError::Inexact`] if digits would be
    /// lost.
    pub fn rescale(self, scaler: i8) -> Result<ScaledValue, ValueError> {
        let diff = i32::from(self.scaler) - i32::from(scaler);
        if diff >= 0 {
            let factor = pow10(diff.unsigned_abs()).ok_or(ValueError::Overflow)?;
            let raw = if self.raw == 0 {
                0
            } else {
                self.raw.checked_mul(factor).ok_or(ValueError::Overflow)?
            };
            Ok(ScaledValue { raw, scaler })
        } else {
            match pow10(diff.unsigned_abs()) {
                Some(divisor) if self.raw % divisor == 0 => Ok(ScaledValue {
                    raw: self.raw / divisor,
                    scaler,
                }),
                // A divisor beyond i128 means every non-zero value loses digits.
                None if self.raw == 0 => Ok(ScaledValue { raw: 0, scaler }),
                _ => Err(ValueError::Inexact {
                    value: self.to_decimal_string(),
                    scaler,
                }),
            }
        }
    }

    /// Both values written with the smaller of their two scalers (exact).
    pub fn align(self, other: ScaledValue) -> Result<(ScaledValue, ScaledValue), ValueError> {
        let scaler = self.scaler.min(other.scaler);
        Ok((self.rescale(scaler)?, other.rescale(scaler)?))
    }

    /// `self − other` on raw values that must share a scaler (the tariff case: two readings
    /// of the same channel). Different scalers are an error, not silently converted.
    pub fn sub_same_scaler(self, other: ScaledValue) -> Result<ScaledValue, ValueError> {
        if self.scaler != other.scaler {
            return Err(ValueError::ScalerMismatch {
                left: self.scaler,
                right: other.scaler,
            });
        }
        let raw = self
            .raw
            .checked_sub(other.raw)
            .ok_or(ValueError::Overflow)?;
        Ok(ScaledValue {
            raw,
            scaler: self.scaler,
        })
    }

    /// `self − other`, converting both to the smaller scaler first.
    pub fn checked_sub(self, other: ScaledValue) -> Result<ScaledValue, ValueError> {
        let (a, b) = self.align(other)?;
        a.sub_same_scaler(b)
    }

    /// `self + other`, converting both to the smaller scaler first.
    pub fn checked_add(self, other: ScaledValue) -> Result<ScaledValue, ValueError> {
        let (a, b) = self.align(other)?;
        let raw = a.raw.checked_add(b.raw).ok_or(ValueError::Overflow)?;
        Ok(ScaledValue {
            raw,
            scaler: a.scaler,
        })
    }

    /// Compares the numbers the two values stand for, regardless of scaler.
    pub fn cmp_value(self, other: ScaledValue) -> Ordering {
        match self.align(other) {
            Ok((a, b)) => a.raw.cmp(&b.raw),
            // Only astronomically large values fail to align; f64 is good enough there.
            Err(_) => self
                .to_f64()
                .partial_cmp(&other.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }

    /// True if the value is zero.
    pub fn is_zero(self) -> bool {
        self.raw == 0
    }

    /// The value as `f64`, for charts only (never for billing). Correctly rounded.
    pub fn to_f64(self) -> f64 {
        // The text "<raw>e<scaler>" is always valid float syntax; the fallback is unreachable.
        format!("{}e{}", self.raw, self.scaler)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// Number of digits before the decimal point of |value| (0 for values below 1).
    fn integer_digits(self) -> i32 {
        if self.raw == 0 {
            return 0;
        }
        let len = self.raw.unsigned_abs().to_string().len() as i32;
        (len + i32::from(self.scaler)).max(0)
    }
}

impl fmt::Display for ScaledValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal_string())
    }
}

mod raw_as_string {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(raw: &i128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(raw)
    }

    struct RawVisitor;

    impl Visitor<'_> for RawVisitor {
        type Value = i128;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a decimal integer string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<i128, E> {
            super::ScaledValue::parse_raw(v, 0)
                .map(|s| s.raw)
                .map_err(E::custom)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
            Ok(i128::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
            Ok(i128::from(v))
        }

        fn visit_i128<E: de::Error>(self, v: i128) -> Result<i128, E> {
            Ok(v)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i128, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

/// SI prefix for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Prefix {
    /// No prefix.
    None,
    /// k = 10³.
    Kilo,
    /// M = 10⁶.
    Mega,
}

impl Prefix {
    fn exponent(self) -> i8 {
        match self {
            Prefix::None => 0,
            Prefix::Kilo => 3,
            Prefix::Mega => 6,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Prefix::None => "",
            Prefix::Kilo => "k",
            Prefix::Mega => "M",
        }
    }
}

/// A value with its unit, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Quantity {
    /// The exact value.
    pub value: ScaledValue,
    /// The unit.
    pub unit: Unit,
}

impl Quantity {
    /// A quantity from a value and a unit.
    pub fn new(value: ScaledValue, unit: Unit) -> Quantity {
        Quantity { value, unit }
    }

    /// Exact text in the base unit: `17116.5808 Wh` (English) or `17116,5808 Wh` (German).
    pub fn format(self, lang: Lang) -> String {
        self.format_prefixed(Prefix::None, lang)
    }

    /// Exact text with a chosen prefix: `17.1165808 kWh`. The prefix only shifts the
    /// decimal point, so no digit is lost. Units without prefixes (V, A, Hz, m³ …) ignore it.
    pub fn format_prefixed(self, prefix: Prefix, lang: Lang) -> String {
        let prefix = if self.unit.takes_prefix() {
            prefix
        } else {
            Prefix::None
        };
        let (number, prefix) = match self.value.scaler.checked_sub(prefix.exponent()) {
            Some(scaler) => (
                ScaledValue {
                    raw: self.value.raw,
                    scaler,
                }
                .format_with(lang),
                prefix,
            ),
            None => (self.value.format_with(lang), Prefix::None),
        };
        let symbol = self.unit.to_string();
        if symbol.is_empty() {
            number
        } else {
            format!("{number} {}{symbol}", prefix.symbol())
        }
    }

    /// The prefix a person expects: M from 10⁶, k from 10³ (of the absolute value),
    /// none below or for units that take no prefix.
    pub fn auto_prefix(self) -> Prefix {
        if !self.unit.takes_prefix() {
            return Prefix::None;
        }
        match self.value.integer_digits() {
            d if d >= 7 => Prefix::Mega,
            d if d >= 4 => Prefix::Kilo,
            _ => Prefix::None,
        }
    }

    /// [`Quantity::format_prefixed`] with [`Quantity::auto_prefix`].
    pub fn format_auto(self, lang: Lang) -> String {
        self.format_prefixed(self.auto_prefix(), lang)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(raw: i128, scaler: i8) -> ScaledValue {
        ScaledValue::new(raw, scaler)
    }

    #[test]
    fn exact_formatting() {
        assert_eq!(sv(171165808, -4).to_string(), "17116.5808");
        assert_eq!(sv(171165808, -4).format_with(Lang::De), "17116,5808");
        assert_eq!(sv(5, -4).to_string(), "0.0005");
        assert_eq!(sv(-5, -1).to_string(), "-0.5");
        assert_eq!(sv(-12345, -2).to_string(), "-123.45");
        assert_eq!(sv(0, -2).to_string(), "0.00");
        assert_eq!(sv(0, 3).to_string(), "0");
        assert_eq!(sv(12, 3).to_string(), "12000");
        assert_eq!(sv(10, -1).to_string(), "1.0");
        assert_eq!(sv(i128::MIN, 0).to_string(), i128::MIN.to_string());
    }

    #[test]
    fn parse_raw_values() {
        assert_eq!(
            ScaledValue::parse_raw("171165808", -4),
            Ok(sv(171165808, -4))
        );
        assert_eq!(ScaledValue::parse_raw(" -42 ", 0), Ok(sv(-42, 0)));
        assert_eq!(ScaledValue::parse_raw("+7", 1), Ok(sv(7, 1)));
        // u64::MAX, beyond i64, is fine.
        assert_eq!(
            ScaledValue::parse_raw("18446744073709551615", 0)
                .unwrap()
                .raw,
            i128::from(u64::MAX)
        );
        for bad in ["", "-", "1.5", "12a", "0x10", "1 000"] {
            assert_eq!(
                ScaledValue::parse_raw(bad, 0),
                Err(ValueError::NotANumber(bad.to_string())),
                "{bad:?}"
            );
        }
        let huge = "9".repeat(40);
        assert_eq!(
            ScaledValue::parse_raw(&huge, 0),
            Err(ValueError::TooLarge(huge.clone()))
        );
    }

    #[test]
    fn parse_decimal_numbers() {
        assert_eq!(
            ScaledValue::from_decimal_str("17116.5808"),
            Ok(sv(171165808, -4))
        );
        assert_eq!(
            ScaledValue::from_decimal_str("17116,5808"),
            Ok(sv(171165808, -4))
        );
        assert_eq!(ScaledValue::from_decimal_str("-0.5"), Ok(sv(-5, -1)));
        assert_eq!(ScaledValue::from_decimal_str("42"), Ok(sv(42, 0)));
        assert_eq!(ScaledValue::from_decimal_str(".5"), Ok(sv(5, -1)));
        assert_eq!(ScaledValue::from_decimal_str("5."), Ok(sv(5, 0)));
        for bad in ["", ".", "1.2.3", "1e5", "abc", "1,2,3"] {
            assert!(ScaledValue::from_decimal_str(bad).is_err(), "{bad:?}");
        }
        for text in ["17116.5808", "0.0005", "-123.45", "12000"] {
            assert_eq!(
                ScaledValue::from_decimal_str(text).unwrap().to_string(),
                text
            );
        }
    }

    #[test]
    fn rescale_and_arithmetic() {
        assert_eq!(sv(15, -1).rescale(-3), Ok(sv(1500, -3)));
        assert_eq!(sv(1500, -3).rescale(-1), Ok(sv(15, -1)));
        assert!(matches!(
            sv(1501, -3).rescale(-1),
            Err(ValueError::Inexact { .. })
        ));
        assert_eq!(sv(0, -3).rescale(100), Ok(sv(0, 100)));
        assert_eq!(sv(1, 100).rescale(-100), Err(ValueError::Overflow));

        assert_eq!(
            sv(741092, -1).sub_same_scaler(sv(741000, -1)),
            Ok(sv(92, -1))
        );
        assert_eq!(
            sv(1, -1).sub_same_scaler(sv(1, -2)),
            Err(ValueError::ScalerMismatch {
                left: -1,
                right: -2
            })
        );
        assert_eq!(sv(1, -1).checked_sub(sv(1, -2)), Ok(sv(9, -2)));
        assert_eq!(sv(1, 0).checked_add(sv(25, -2)), Ok(sv(125, -2)));
        assert_eq!(
            sv(i128::MAX, 0).checked_add(sv(1, 0)),
            Err(ValueError::Overflow)
        );
        assert_eq!(sv(10, -1).cmp_value(sv(1, 0)), Ordering::Equal);
        assert_eq!(sv(11, -1).cmp_value(sv(1, 0)), Ordering::Greater);
        assert_eq!(sv(-1, 5).cmp_value(sv(1, -5)), Ordering::Less);
    }

    #[test]
    fn to_f64_for_charts() {
        assert_eq!(sv(171165808, -4).to_f64(), 17116.5808);
        assert_eq!(sv(-5, 2).to_f64(), -500.0);
    }

    #[test]
    fn quantity_formatting() {
        let q = Quantity::new(sv(171165808, -4), Unit::WattHour);
        assert_eq!(q.format(Lang::En), "17116.5808 Wh");
        assert_eq!(q.format(Lang::De), "17116,5808 Wh");
        assert_eq!(q.format_prefixed(Prefix::Kilo, Lang::En), "17.1165808 kWh");
        assert_eq!(
            q.format_prefixed(Prefix::Mega, Lang::De),
            "0,0171165808 MWh"
        );
        assert_eq!(q.auto_prefix(), Prefix::Kilo);
        assert_eq!(q.format_auto(Lang::De), "17,1165808 kWh");
        assert_eq!(q.to_string(), "17116.5808 Wh");

        let small = Quantity::new(sv(9999, -1), Unit::Watt);
        assert_eq!(small.auto_prefix(), Prefix::None);
        assert_eq!(
            Quantity::new(sv(12, 5), Unit::Watt).format_auto(Lang::En),
            "1.2 MW"
        );
        let volts = Quantity::new(sv(2301, -1), Unit::Volt);
        assert_eq!(volts.format_prefixed(Prefix::Kilo, Lang::En), "230.1 V");
        assert_eq!(Quantity::new(sv(3, 0), Unit::Count).format(Lang::En), "3");
        assert_eq!(
            Quantity::new(sv(3, 0), Unit::Other(99)).format(Lang::En),
            "3 unit 99"
        );
    }

    #[test]
    fn serde_keeps_raw_as_string() {
        let v = sv(18446744073709551615, -4);
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"raw":"18446744073709551615","scaler":-4}"#);
        assert_eq!(serde_json::from_str::<ScaledValue>(&json).unwrap(), v);
        assert_eq!(
            serde_json::from_str::<ScaledValue>(r#"{"raw":12,"scaler":0}"#).unwrap(),
            sv(12, 0)
        );
        assert!(serde_json::from_str::<ScaledValue>(r#"{"raw":"x","scaler":0}"#).is_err());
    }
}
