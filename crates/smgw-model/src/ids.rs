//! Cross-vendor device ids of gateways and meters (DIN 43863-5).
//!
//! Text form: 14 characters `S MMM BB NNNNNNNN` (usually written without spaces):
//! - `S`: one hex digit for the medium ("Sparte"): `E` for a Smart Meter Gateway (as in
//!   `EPPC0210486901`, `ethe0300004261`), otherwise the OBIS medium code A (`1` electricity,
//!   `7` gas, …) as in `1ESY1160449476`;
//! - `MMM`: the maker's three-letter FLAG code (`PPC`, `THE`, `ESY`, …);
//! - `BB`: two decimal digits, the fabrication block;
//! - `NNNNNNNN`: eight decimal digits, the serial number.
//!
//! Hex form, 10 bytes / 20 hex digits, worked out from the reference example
//! `EPPC0210486901` ⇄ `0A0E5050430200A00475`:
//!
//! | bytes | example | meaning |
//! |-------|---------|---------|
//! | 0     | `0A`    | type tag of this id format (also its length, 10 bytes) |
//! | 1     | `0E`    | medium as a number (`E` = 14) |
//! | 2–4   | `505043`| maker code in ASCII (`PPC`) |
//! | 5     | `02`    | fabrication block as a binary number |
//! | 6–9   | `00A00475` | serial number, big-endian binary (0xA00475 = 10486901) |
//!
//! The example's block `02` reads the same in binary and BCD; binary is assumed because the
//! serial number is binary too.
//!
//! The gateway reports its own id in lower case (`ethe0300004261`); [`DeviceId`] normalises
//! to upper case for display and comparison and offers [`DeviceId::to_lowercase_form`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lang::Lang;
use crate::obis::Medium;

/// Why a device id could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The input was empty.
    #[error("empty device id")]
    Empty,
    /// Neither 14 characters (text) nor 20 hex digits (hex form).
    #[error("{0:?} is not a device id (expected 14 characters like EPPC0210486901 or 20 hex digits like 0A0E5050430200A00475)")]
    Length(String),
    /// The first character is not a hex digit.
    #[error("{0:?}: the first character (medium) must be a hex digit such as E or 1")]
    Medium(String),
    /// Characters 2–4 are not three letters.
    #[error("{0:?}: characters 2 to 4 must be the maker's three-letter code")]
    Maker(String),
    /// Characters 5–14 are not ten decimal digits.
    #[error("{0:?}: the last ten characters must be digits (block and serial number)")]
    Digits(String),
    /// The hex form does not start with `0A` or its fields are out of range.
    #[error("{0:?} is not a valid hex device id (expected 0A, medium, 3 ASCII letters, block ≤ 99, number ≤ 99999999)")]
    Hex(String),
}

/// What kind of device the medium digit says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    /// `E`: a Smart Meter Gateway.
    Gateway,
    /// A meter of the given medium (digits 0–9 follow OBIS value group A).
    Meter(Medium),
    /// `A`–`D`, `F`: not assigned in the documents this project has.
    Other(u8),
}

/// A maker known by its FLAG code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Maker {
    /// Three-letter code.
    pub code: &'static str,
    /// Company name.
    pub name: &'static str,
}

/// Makers of German smart metering devices whose codes are certain (from device ids on
/// real equipment and the FLAG register).
pub const KNOWN_MAKERS: &[Maker] = &[
    Maker {
        code: "DZG",
        name: "DZG Metering GmbH",
    },
    Maker {
        code: "EBZ",
        name: "eBZ GmbH",
    },
    Maker {
        code: "EMH",
        name: "EMH metering GmbH & Co. KG",
    },
    Maker {
        code: "ESY",
        name: "EasyMeter GmbH",
    },
    Maker {
        code: "ISK",
        name: "Iskraemeco",
    },
    Maker {
        code: "ITF",
        name: "ITF-Fröschl GmbH",
    },
    Maker {
        code: "LGZ",
        name: "Landis+Gyr",
    },
    Maker {
        code: "PPC",
        name: "Power Plus Communications AG",
    },
    Maker {
        code: "THE",
        name: "Theben AG",
    },
];

/// A DIN 43863-5 device id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId {
    medium: u8,
    maker: [u8; 3],
    block: u8,
    number: u32,
}

impl DeviceId {
    /// Builds an id from its fields; `None` if a field is out of range (medium > 15, maker
    /// not three ASCII letters, block > 99, number > 99999999).
    pub fn new(medium: u8, maker: &str, block: u8, number: u32) -> Option<DeviceId> {
        let bytes: [u8; 3] = maker.as_bytes().try_into().ok()?;
        if medium > 0x0f
            || block > 99
            || number > 99_999_999
            || !bytes.iter().all(u8::is_ascii_alphabetic)
        {
            return None;
        }
        Some(DeviceId {
            medium,
            maker: bytes.map(|b| b.to_ascii_uppercase()),
            block,
            number,
        })
    }

    /// Parses the text form (spaces allowed anywhere, any case).
    pub fn parse_text(s: &str) -> Result<DeviceId, IdError> {
        let compact: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if compact.is_empty() {
            return Err(IdError::Empty);
        }
        // One medium digit, three maker letters, two block and eight number digits.
        let Ok::<[u8; 14], _>([medium, m0, m1, m2, b0, b1, number @ ..]) = compact.try_into()
        else {
            return Err(IdError::Length(s.to_string()));
        };
        let medium = (medium as char)
            .to_digit(16)
            .ok_or_else(|| IdError::Medium(s.to_string()))?;
        let maker = [m0, m1, m2];
        if !maker.iter().all(u8::is_ascii_alphabetic) {
            return Err(IdError::Maker(s.to_string()));
        }
        let block = [b0, b1];
        if !block.iter().chain(&number).all(u8::is_ascii_digit) {
            return Err(IdError::Digits(s.to_string()));
        }
        let num = |d: &[u8]| d.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        Ok(DeviceId {
            medium: medium as u8,
            maker: maker.map(|b| b.to_ascii_uppercase()),
            // Two and eight decimal digits: at most 99 and 99999999.
            block: num(&block) as u8,
            number: num(&number),
        })
    }

    /// Parses the 20-hex-digit form (spaces allowed, any case).
    pub fn parse_hex(s: &str) -> Result<DeviceId, IdError> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(IdError::Empty);
        }
        let mut b = [0u8; 10];
        hex::decode_to_slice(&compact, &mut b).map_err(|_| IdError::Hex(s.to_string()))?;
        if b[0] != 0x0a {
            return Err(IdError::Hex(s.to_string()));
        }
        let maker = std::str::from_utf8(&b[2..5]).map_err(|_| IdError::Hex(s.to_string()))?;
        DeviceId::new(
            b[1],
            maker,
            b[5],
            u32::from_be_bytes([b[6], b[7], b[8], b[9]]),
        )
        .ok_or_else(|| IdError::Hex(s.to_string()))
    }

    /// The medium digit as a number (14 for `E`).
    pub fn medium_code(self) -> u8 {
        self.medium
    }

    /// What kind of device this is.
    pub fn kind(self) -> DeviceKind {
        match self.medium {
            0x0e => DeviceKind::Gateway,
            m @ 0..=9 => DeviceKind::Meter(Medium::from_code(m)),
            m => DeviceKind::Other(m),
        }
    }

    /// True for gateway ids (medium `E`).
    pub fn is_gateway(self) -> bool {
        self.kind() == DeviceKind::Gateway
    }

    /// The maker's three-letter code, upper case.
    pub fn maker_code(&self) -> &str {
        // Only ASCII letters are ever stored, so this is valid UTF-8.
        std::str::from_utf8(&self.maker).unwrap_or("???")
    }

    /// The maker, if in [`KNOWN_MAKERS`].
    pub fn maker(&self) -> Option<Maker> {
        KNOWN_MAKERS
            .iter()
            .copied()
            .find(|m| m.code == self.maker_code())
    }

    /// Fabrication block (0–99).
    pub fn block(self) -> u8 {
        self.block
    }

    /// Serial number (0–99999999).
    pub fn number(self) -> u32 {
        self.number
    }

    /// Spaced form for reading aloud: `E PPC 02 10486901`.
    pub fn spaced(&self) -> String {
        format!(
            "{:X} {} {:02} {:08}",
            self.medium,
            self.maker_code(),
            self.block,
            self.number
        )
    }

    /// The hex form in upper case: `0A0E5050430200A00475`.
    pub fn to_hex(&self) -> String {
        let mut b = [0u8; 10];
        b[0] = 0x0a;
        b[1] = self.medium;
        b[2..5].copy_from_slice(&self.maker);
        b[5] = self.block;
        b[6..].copy_from_slice(&self.number.to_be_bytes());
        hex::encode_upper(b)
    }

    /// The lower-case text form the gateway uses for itself: `ethe0300004261`.
    pub fn to_lowercase_form(&self) -> String {
        self.to_string().to_ascii_lowercase()
    }

    /// A short description for people: "Smart-Meter-Gateway von Theben AG".
    pub fn describe(&self, lang: Lang) -> String {
        let what = match self.kind() {
            DeviceKind::Gateway => lang
                .pick("Smart-Meter-Gateway", "smart meter gateway")
                .to_string(),
            DeviceKind::Meter(m) => format!("{} ({})", lang.pick("Zähler", "meter"), m.name(lang)),
            DeviceKind::Other(_) => lang.pick("Gerät", "device").to_string(),
        };
        let maker = self
            .maker()
            .map(|m| m.name)
            .unwrap_or_else(|| self.maker_code());
        format!("{what} {} {maker}", lang.pick("von", "by"))
    }
}

impl fmt::Display for DeviceId {
    /// The canonical text form: `EPPC0210486901`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:X}{}{:02}{:08}",
            self.medium,
            self.maker_code(),
            self.block,
            self.number
        )
    }
}

impl FromStr for DeviceId {
    type Err = IdError;

    /// Accepts the text form (any case, spaces allowed) and the 20-hex-digit form. A
    /// trailing `.sm` is ignored: some gateways report their id as a logical name
    /// (`elgz0012345678.sm` in a TRuDI test file).
    fn from_str(s: &str) -> Result<DeviceId, IdError> {
        let t = s.trim();
        let t = match t.len().checked_sub(3) {
            Some(cut) if t.is_char_boundary(cut) && t[cut..].eq_ignore_ascii_case(".sm") => {
                &t[..cut]
            }
            _ => t,
        };
        let compact_len = t.chars().filter(|c| !c.is_whitespace()).count();
        let parsed = if compact_len == 20 {
            DeviceId::parse_hex(t)
        } else {
            DeviceId::parse_text(t)
        };
        // Report errors against the caller's input, not the trimmed rest.
        parsed.map_err(|e| match e {
            IdError::Empty => IdError::Empty,
            IdError::Length(_) => IdError::Length(s.to_string()),
            IdError::Medium(_) => IdError::Medium(s.to_string()),
            IdError::Maker(_) => IdError::Maker(s.to_string()),
            IdError::Digits(_) => IdError::Digits(s.to_string()),
            IdError::Hex(_) => IdError::Hex(s.to_string()),
        })
    }
}

impl Serialize for DeviceId {
    /// Serialized as the canonical text form.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeviceId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DeviceId, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The consumer's user id as the gateway names it, e.g. `01005e318011.consumer1.sm` (from
/// the 307 redirect), kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(String);

impl UserId {
    /// The id as sent.
    pub fn new(id: impl Into<String>) -> UserId {
        UserId(id.into())
    }

    /// The id as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The customer id AR 2418-6 files carry: the user id without its `.sm` suffix.
    pub fn customer_id(&self) -> &str {
        customer_id(&self.0)
    }
}

/// The customer id of a user id as sent (see [`UserId::customer_id`]).
pub fn customer_id(user_id: &str) -> &str {
    user_id.strip_suffix(".sm").unwrap_or(user_id)
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_id_and_its_customer_id() {
        let u = UserId::new("01005e318011.consumer1.sm");
        assert_eq!(u.as_str(), "01005e318011.consumer1.sm");
        assert_eq!(u.customer_id(), "01005e318011.consumer1");
        assert_eq!(customer_id("plain"), "plain");
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            "\"01005e318011.consumer1.sm\""
        );
    }

    #[test]
    fn reference_gateway_id() {
        let id: DeviceId = "EPPC0210486901".parse().unwrap();
        assert!(id.is_gateway());
        assert_eq!(id.maker_code(), "PPC");
        assert_eq!(
            id.maker().map(|m| m.name),
            Some("Power Plus Communications AG")
        );
        assert_eq!(id.block(), 2);
        assert_eq!(id.number(), 10486901);
        assert_eq!(id.spaced(), "E PPC 02 10486901");
        assert_eq!(id.to_hex(), "0A0E5050430200A00475");
        assert_eq!("0A0E5050430200A00475".parse::<DeviceId>(), Ok(id));
        assert_eq!("0a0e5050430200a00475".parse::<DeviceId>(), Ok(id));
        assert_eq!("E PPC 02 10486901".parse::<DeviceId>(), Ok(id));
        assert_eq!("eppc0210486901.sm".parse::<DeviceId>(), Ok(id));
        assert!(
            matches!("eppc021048690.sm".parse::<DeviceId>(), Err(IdError::Length(s)) if s == "eppc021048690.sm")
        );
        assert_eq!(".sm".parse::<DeviceId>(), Err(IdError::Empty));
    }

    #[test]
    fn lower_case_and_meter_ids() {
        let gw: DeviceId = "ethe0300004261".parse().unwrap();
        assert_eq!(gw.to_string(), "ETHE0300004261");
        assert_eq!(gw.to_lowercase_form(), "ethe0300004261");
        assert_eq!(gw.maker().map(|m| m.code), Some("THE"));
        assert_eq!(gw.describe(Lang::De), "Smart-Meter-Gateway von Theben AG");

        let meter: DeviceId = "1ESY1160449476".parse().unwrap();
        assert_eq!(meter.kind(), DeviceKind::Meter(Medium::Electricity));
        assert_eq!(meter.block(), 11);
        assert_eq!(meter.number(), 60449476);
        assert_eq!(meter.to_string(), "1ESY1160449476");
        assert_eq!(DeviceId::parse_hex(&meter.to_hex()), Ok(meter));
        assert_eq!(
            meter.describe(Lang::En),
            "meter (electricity) by EasyMeter GmbH"
        );

        let unknown: DeviceId = "7XYZ0000000001".parse().unwrap();
        assert_eq!(unknown.maker(), None);
        assert_eq!(unknown.kind(), DeviceKind::Meter(Medium::Gas));
        assert_eq!(unknown.describe(Lang::En), "meter (gas) by XYZ");
    }

    #[test]
    fn errors() {
        assert_eq!("".parse::<DeviceId>(), Err(IdError::Empty));
        assert_eq!("  ".parse::<DeviceId>(), Err(IdError::Empty));
        assert!(matches!(
            "EPPC021048690".parse::<DeviceId>(),
            Err(IdError::Length(_))
        ));
        assert!(matches!(
            "XPPC0210486901".parse::<DeviceId>(),
            Err(IdError::Medium(_))
        ));
        assert!(matches!(
            "EP1C0210486901".parse::<DeviceId>(),
            Err(IdError::Maker(_))
        ));
        assert!(matches!(
            "EPPC02104869O1".parse::<DeviceId>(),
            Err(IdError::Digits(_))
        ));
        assert!(matches!(
            "EÄPC021048690".parse::<DeviceId>(),
            Err(IdError::Length(_) | IdError::Maker(_))
        ));
        // Wrong tag, block above 99, number above 99999999, non-letters, bad hex.
        for bad in [
            "0B0E5050430200A00475",
            "0A0E5050436400A00475",
            "0A0E5050430205F5E100",
            "0A0E5050310200A00475",
            "0A1E5050430200A00475",
            "0A0E5050430200A0047G",
        ] {
            assert!(
                matches!(bad.parse::<DeviceId>(), Err(IdError::Hex(_))),
                "{bad}"
            );
        }
        assert_eq!(
            DeviceId::new(0x0e, "ppc", 2, 10486901)
                .map(|d| d.to_string())
                .as_deref(),
            Some("EPPC0210486901")
        );
        assert!(DeviceId::new(16, "PPC", 2, 1).is_none());
        assert!(DeviceId::new(1, "PP", 2, 1).is_none());
        assert!(DeviceId::new(1, "PPC", 100, 1).is_none());
        assert!(DeviceId::new(1, "PPC", 1, 100_000_000).is_none());
    }

    #[test]
    fn serde_as_text() {
        let id: DeviceId = "ethe0300004261".parse().unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"ETHE0300004261\"");
        assert_eq!(
            serde_json::from_str::<DeviceId>("\"ethe0300004261\"").unwrap(),
            id
        );
        assert!(serde_json::from_str::<DeviceId>("\"nope\"").is_err());
    }
}
