//! A minimal OBIS identifier (IEC 62056-61) for tariff registers.
//!
//! The tariff computation only needs to compare quantities and derive register ids, so it
//! keeps its own small value type instead of depending on the shared model crate; the
//! adapter converts from the strings found in AR 2418-6 files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Value group E that marks the error register (consumption that could not be assigned).
pub const ERROR_TARIFF: u8 = 63;

/// An OBIS id `A-B:C.D.E*F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Obis(pub [u8; 6]);

/// Why a text is not an OBIS id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an OBIS id: {0:?} (expected 12 hex digits or A-B:C.D.E*F)")]
pub struct ObisParseError(pub String);

impl Obis {
    /// Builds an id from its six value groups.
    pub const fn new(a: u8, b: u8, c: u8, d: u8, e: u8, f: u8) -> Obis {
        Obis([a, b, c, d, e, f])
    }

    /// Value group C: the measured quantity (1 = active energy import, 2 = export).
    pub fn quantity(self) -> u8 {
        self.0[2]
    }

    /// Value group E: the tariff stage (0 = total, 63 = error register).
    pub fn tariff(self) -> u8 {
        self.0[4]
    }

    /// The same id with value group E replaced.
    pub fn with_tariff(self, e: u8) -> Obis {
        let mut v = self.0;
        v[4] = e;
        Obis(v)
    }

    /// Whether this is an error register (E = 63).
    pub fn is_error_register(self) -> bool {
        self.tariff() == ERROR_TARIFF
    }

    /// Whether both ids count the same physical quantity: medium (A), quantity (C) and
    /// processing (D) agree. Channel (B), tariff (E) and F may differ, because a tariff
    /// register `1-0:1.8.1` books energy measured by the list `1-0:1.8.0`.
    pub fn same_quantity(self, other: Obis) -> bool {
        self.0[0] == other.0[0] && self.0[2] == other.0[2] && self.0[3] == other.0[3]
    }

    /// The 12-digit upper-case hex form used in AR 2418-6 files.
    pub fn to_hex(self) -> String {
        hex::encode_upper(self.0)
    }
}

impl fmt::Display for Obis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a}-{b}:{c}.{d}.{e}*{g}")
    }
}

impl FromStr for Obis {
    type Err = ObisParseError;

    fn from_str(s: &str) -> Result<Obis, ObisParseError> {
        let t = s.trim();
        let err = || ObisParseError(s.to_owned());
        if t.len() == 12 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut v = [0u8; 6];
            hex::decode_to_slice(t, &mut v).map_err(|_| err())?;
            return Ok(Obis(v));
        }
        // Dotted form; F ("*255") may be omitted, as it often is in documents.
        let (main, f) = match t.split_once('*') {
            Some((m, f)) => (m, f.parse::<u8>().map_err(|_| err())?),
            None => (t, 255),
        };
        let (ab, cde) = main.split_once(':').ok_or_else(err)?;
        let (a, b) = ab.split_once('-').ok_or_else(err)?;
        let mut parts = cde.split('.');
        let mut next = || -> Result<u8, ObisParseError> {
            parts
                .next()
                .ok_or_else(err)?
                .parse::<u8>()
                .map_err(|_| err())
        };
        let (c, d, e) = (next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(err());
        }
        let a = a.parse::<u8>().map_err(|_| err())?;
        let b = b.parse::<u8>().map_err(|_| err())?;
        Ok(Obis([a, b, c, d, e, f]))
    }
}

impl Serialize for Obis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Obis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Obis, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_prints_dotted() {
        let h: Obis = "0100010801ff".parse().unwrap();
        let d: Obis = "1-0:1.8.1*255".parse().unwrap();
        assert_eq!(h, d);
        assert_eq!(h.to_string(), "1-0:1.8.1*255");
        assert_eq!(h.to_hex(), "0100010801FF");
        assert_eq!(
            "1-0:2.8.0".parse::<Obis>().unwrap(),
            Obis::new(1, 0, 2, 8, 0, 255)
        );
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "0100010801f",
            "1-0:1.8",
            "1-0:1.8.1.2*255",
            "x-0:1.8.1*255",
            "1-0:1.8.300",
        ] {
            assert!(s.parse::<Obis>().is_err(), "{s}");
        }
    }

    #[test]
    fn quantity_matching_ignores_tariff_and_channel() {
        let ovl = Obis::new(1, 0, 1, 8, 0, 255);
        assert!(ovl.same_quantity(Obis::new(1, 0, 1, 8, 2, 255)));
        assert!(ovl.same_quantity(Obis::new(1, 1, 1, 8, 1, 255)));
        assert!(!ovl.same_quantity(Obis::new(1, 0, 2, 8, 1, 255)));
        assert!(!ovl.same_quantity(Obis::new(7, 0, 1, 8, 1, 255)));
        assert!(ovl.with_tariff(63).is_error_register());
    }

    #[test]
    fn serde_round_trip() {
        let o = Obis::new(1, 0, 2, 8, 63, 255);
        let j = serde_json::to_string(&o).unwrap();
        assert_eq!(j, "\"1-0:2.8.63*255\"");
        assert_eq!(serde_json::from_str::<Obis>(&j).unwrap(), o);
    }
}
