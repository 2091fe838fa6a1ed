//! DLMS/COSEM unit codes (IEC 62056-62, the `unit` enumeration of register scaler/unit).
//!
//! The gateway reports a channel's unit as this code (`"unit": "30"` = Wh).
//! Codes this crate has no variant for are kept as [`Unit::Other`]; [`Unit::from_code`]
//! never produces `Other` for a known code, so equality on `Unit` is equality on the code.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lang::Lang;

/// A DLMS unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// 1: year.
    Year,
    /// 2: month.
    Month,
    /// 3: week.
    Week,
    /// 4: day.
    Day,
    /// 5: hour.
    Hour,
    /// 6: minute.
    Minute,
    /// 7: second.
    Second,
    /// 8: angle in degrees.
    Degree,
    /// 9: temperature in degrees Celsius.
    Celsius,
    /// 13: volume at metering conditions, m³.
    CubicMetre,
    /// 14: corrected volume (converted to base conditions), m³.
    CubicMetreCorrected,
    /// 15: volume flux, m³/h.
    CubicMetrePerHour,
    /// 25: energy, J.
    Joule,
    /// 27: active power, W.
    Watt,
    /// 28: apparent power, VA.
    VoltAmpere,
    /// 29: reactive power, var.
    Var,
    /// 30: active energy, Wh.
    WattHour,
    /// 31: apparent energy, VAh.
    VoltAmpereHour,
    /// 32: reactive energy, varh.
    VarHour,
    /// 33: current, A.
    Ampere,
    /// 35: voltage, V.
    Volt,
    /// 44: frequency, Hz.
    Hertz,
    /// 52: temperature, K.
    Kelvin,
    /// 56: percentage.
    Percent,
    /// 255: a count or a quantity without unit.
    Count,
    /// Any other code (kept so nothing is lost).
    Other(u8),
}

impl Unit {
    /// Maps a DLMS unit code to the unit.
    pub fn from_code(code: u8) -> Unit {
        match code {
            1 => Unit::Year,
            2 => Unit::Month,
            3 => Unit::Week,
            4 => Unit::Day,
            5 => Unit::Hour,
            6 => Unit::Minute,
            7 => Unit::Second,
            8 => Unit::Degree,
            9 => Unit::Celsius,
            13 => Unit::CubicMetre,
            14 => Unit::CubicMetreCorrected,
            15 => Unit::CubicMetrePerHour,
            25 => Unit::Joule,
            27 => Unit::Watt,
            28 => Unit::VoltAmpere,
            29 => Unit::Var,
            30 => Unit::WattHour,
            31 => Unit::VoltAmpereHour,
            32 => Unit::VarHour,
            33 => Unit::Ampere,
            35 => Unit::Volt,
            44 => Unit::Hertz,
            52 => Unit::Kelvin,
            56 => Unit::Percent,
            255 => Unit::Count,
            other => Unit::Other(other),
        }
    }

    /// The DLMS unit code.
    pub fn code(self) -> u8 {
        match self {
            Unit::Year => 1,
            Unit::Month => 2,
            Unit::Week => 3,
            Unit::Day => 4,
            Unit::Hour => 5,
            Unit::Minute => 6,
            Unit::Second => 7,
            Unit::Degree => 8,
            Unit::Celsius => 9,
            Unit::CubicMetre => 13,
            Unit::CubicMetreCorrected => 14,
            Unit::CubicMetrePerHour => 15,
            Unit::Joule => 25,
            Unit::Watt => 27,
            Unit::VoltAmpere => 28,
            Unit::Var => 29,
            Unit::WattHour => 30,
            Unit::VoltAmpereHour => 31,
            Unit::VarHour => 32,
            Unit::Ampere => 33,
            Unit::Volt => 35,
            Unit::Hertz => 44,
            Unit::Kelvin => 52,
            Unit::Percent => 56,
            Unit::Count => 255,
            Unit::Other(code) => code,
        }
    }

    /// The symbol shown after a number. Empty for [`Unit::Count`] and unknown codes.
    ///
    /// Corrected gas volume is shown as `Nm³` (German "Normkubikmeter") so that it cannot
    /// be confused with volume at metering conditions.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Year => "a",
            Unit::Month => "mo",
            Unit::Week => "wk",
            Unit::Day => "d",
            Unit::Hour => "h",
            Unit::Minute => "min",
            Unit::Second => "s",
            Unit::Degree => "°",
            Unit::Celsius => "°C",
            Unit::CubicMetre => "m³",
            Unit::CubicMetreCorrected => "Nm³",
            Unit::CubicMetrePerHour => "m³/h",
            Unit::Joule => "J",
            Unit::Watt => "W",
            Unit::VoltAmpere => "VA",
            Unit::Var => "var",
            Unit::WattHour => "Wh",
            Unit::VoltAmpereHour => "VAh",
            Unit::VarHour => "varh",
            Unit::Ampere => "A",
            Unit::Volt => "V",
            Unit::Hertz => "Hz",
            Unit::Kelvin => "K",
            Unit::Percent => "%",
            Unit::Count | Unit::Other(_) => "",
        }
    }

    /// What the unit measures, for people (e.g. "Energie" / "energy").
    pub fn quantity_name(self, lang: Lang) -> &'static str {
        match self {
            Unit::Year
            | Unit::Month
            | Unit::Week
            | Unit::Day
            | Unit::Hour
            | Unit::Minute
            | Unit::Second => lang.pick("Zeit", "time"),
            Unit::Degree => lang.pick("Winkel", "angle"),
            Unit::Celsius | Unit::Kelvin => lang.pick("Temperatur", "temperature"),
            Unit::CubicMetre => lang.pick("Volumen", "volume"),
            Unit::CubicMetreCorrected => lang.pick("Normvolumen", "corrected volume"),
            Unit::CubicMetrePerHour => lang.pick("Durchfluss", "flow"),
            Unit::Joule => lang.pick("Energie", "energy"),
            Unit::Watt => lang.pick("Wirkleistung", "active power"),
            Unit::VoltAmpere => lang.pick("Scheinleistung", "apparent power"),
            Unit::Var => lang.pick("Blindleistung", "reactive power"),
            Unit::WattHour => lang.pick("Wirkarbeit", "active energy"),
            Unit::VoltAmpereHour => lang.pick("Scheinarbeit", "apparent energy"),
            Unit::VarHour => lang.pick("Blindarbeit", "reactive energy"),
            Unit::Ampere => lang.pick("Strom", "current"),
            Unit::Volt => lang.pick("Spannung", "voltage"),
            Unit::Hertz => lang.pick("Frequenz", "frequency"),
            Unit::Percent => lang.pick("Anteil", "percentage"),
            Unit::Count => lang.pick("Anzahl", "count"),
            Unit::Other(_) => lang.pick("unbekannte Einheit", "unknown unit"),
        }
    }

    /// True for units of cumulative registers (energy, volume): consumption over a
    /// period is the difference of two readings.
    pub fn is_cumulative(self) -> bool {
        matches!(
            self,
            Unit::WattHour
                | Unit::VarHour
                | Unit::VoltAmpereHour
                | Unit::CubicMetre
                | Unit::CubicMetreCorrected
                | Unit::Joule
        )
    }

    /// True for the electrical units that are usually shown with k/M prefixes
    /// (W, VA, var, Wh, VAh, varh, J).
    pub fn takes_prefix(self) -> bool {
        matches!(
            self,
            Unit::Watt
                | Unit::VoltAmpere
                | Unit::Var
                | Unit::WattHour
                | Unit::VoltAmpereHour
                | Unit::VarHour
                | Unit::Joule
        )
    }
}

impl fmt::Display for Unit {
    /// The symbol; unknown codes show as `unit 99` so they are not silently blank.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Other(code) => write!(f, "unit {code}"),
            u => f.write_str(u.symbol()),
        }
    }
}

impl From<u8> for Unit {
    fn from(code: u8) -> Unit {
        Unit::from_code(code)
    }
}

impl Serialize for Unit {
    /// Serialized as the numeric DLMS code, as on the wire.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Unit, D::Error> {
        u8::deserialize(deserializer).map(Unit::from_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_for_every_byte() {
        for code in 0..=255u8 {
            let u = Unit::from_code(code);
            assert_eq!(u.code(), code);
            if let Unit::Other(_) = u {
                assert_eq!(u.symbol(), "");
            }
        }
    }

    #[test]
    fn required_codes() {
        let expect = [
            (27, "W"),
            (28, "VA"),
            (29, "var"),
            (30, "Wh"),
            (31, "VAh"),
            (32, "varh"),
            (33, "A"),
            (35, "V"),
            (44, "Hz"),
            (13, "m³"),
            (14, "Nm³"),
            (1, "a"),
            (2, "mo"),
            (3, "wk"),
            (4, "d"),
            (5, "h"),
            (6, "min"),
            (7, "s"),
            (9, "°C"),
            (255, ""),
        ];
        for (code, symbol) in expect {
            let u = Unit::from_code(code);
            assert!(!matches!(u, Unit::Other(_)), "{code} should be known");
            assert_eq!(u.symbol(), symbol, "code {code}");
        }
        assert_eq!(Unit::from_code(30), Unit::WattHour);
        assert_eq!(Unit::from_code(99), Unit::Other(99));
        assert_eq!(Unit::Other(99).to_string(), "unit 99");
        assert!(Unit::WattHour.takes_prefix());
        assert!(!Unit::Volt.takes_prefix());
        assert_eq!(Unit::WattHour.quantity_name(Lang::De), "Wirkarbeit");
    }

    #[test]
    fn serde_as_code() {
        assert_eq!(serde_json::to_string(&Unit::Watt).unwrap(), "27");
        assert_eq!(serde_json::from_str::<Unit>("30").unwrap(), Unit::WattHour);
        assert_eq!(
            serde_json::from_str::<Unit>("200").unwrap(),
            Unit::Other(200)
        );
        assert!(serde_json::from_str::<Unit>("300").is_err());
    }
}
