//! OBIS identifiers (IEC 62056-61) and the gateway's channel names built from them.
//!
//! An OBIS id has six value groups `A-B:C.D.E*F`: A = medium, B = channel,
//! C = physical quantity (1 = active power import, 2 = export, …), D = processing
//! (7 = instantaneous, 8 = cumulative register, …), E = tariff (0 = total, 63 = error
//! register in the German TAF profiles), F = billing period (255 = current / not used).
//!
//! Accepted text forms (see [`Obis::from_str`]):
//! - 12 hex digits, any case: `0100010800ff`
//! - `A-B:C.D.E*F`: `1-0:1.8.0*255` (`&` is accepted instead of `*`, as some meters print it)
//! - `A-B:C.D.E`: F defaults to 255
//! - `C.D.E` or `C.D.E*F`: A defaults to 1 (electricity), B to 0, F to 255. The short form
//!   is what meters print on their display; it always means electricity.
//!
//! The gateway names its channels `<OBIS hex>.<meter id>.sm`
//! (`0100010800ff.0551010038180402.sm`), parsed by [`ChannelName`]. Usage points use the same
//! pattern (`01005e318021.taf1-1.sm`, `01005e318011.consumer1.sm`), so [`ChannelName`] parses
//! those too; their middle part is then a TAF or consumer name instead of a meter id.
//!
//! With serde an [`Obis`] is the hex string (`"0100010800ff"`); a field marked
//! `#[serde(with = "smgw_model::obis::serde_display")]` is written `"1-0:1.8.0*255"` instead.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lang::Lang;

/// An OBIS identifier: six value groups of one byte each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Obis {
    /// Medium (1 = electricity, 7 = gas, …).
    pub a: u8,
    /// Channel.
    pub b: u8,
    /// Measured quantity (1 = active import, 2 = active export, …).
    pub c: u8,
    /// Processing of the quantity (7 = instantaneous value, 8 = cumulative register, …).
    pub d: u8,
    /// Tariff rate (0 = total, 1… = tariff registers, 63 = error register).
    pub e: u8,
    /// Billing period / historical value (255 = current value).
    pub f: u8,
}

/// Why an OBIS id or channel name could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObisError {
    /// The input was empty.
    #[error("empty OBIS id")]
    Empty,
    /// The input matches none of the accepted forms.
    #[error("{0:?} is not an OBIS id (expected 12 hex digits like 0100010800ff or A-B:C.D.E*F like 1-0:1.8.0*255)")]
    Format(String),
    /// A value group is larger than 255.
    #[error("value group {group:?} in OBIS id {input:?} is larger than 255")]
    OutOfRange {
        /// The whole input.
        input: String,
        /// The offending group.
        group: String,
    },
    /// A channel name does not have the form `<OBIS hex>.<id>.sm`.
    #[error("{0:?} is not a channel name (expected <OBIS hex>.<meter id>.sm like 0100010800ff.1ESY1160449476.sm)")]
    ChannelFormat(String),
}

/// Medium of an OBIS id (value group A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Medium {
    /// 0: abstract objects (clock, device ids, …).
    Abstract,
    /// 1: electricity.
    Electricity,
    /// 4: heat cost allocator.
    HeatCostAllocator,
    /// 5: cooling.
    Cooling,
    /// 6: heat.
    Heat,
    /// 7: gas.
    Gas,
    /// 8: cold water.
    ColdWater,
    /// 9: hot water.
    HotWater,
    /// Any other A value.
    Other(u8),
}

impl Medium {
    /// Maps value group A to the medium.
    pub fn from_code(a: u8) -> Medium {
        match a {
            0 => Medium::Abstract,
            1 => Medium::Electricity,
            4 => Medium::HeatCostAllocator,
            5 => Medium::Cooling,
            6 => Medium::Heat,
            7 => Medium::Gas,
            8 => Medium::ColdWater,
            9 => Medium::HotWater,
            other => Medium::Other(other),
        }
    }

    /// Value group A of this medium.
    pub fn code(self) -> u8 {
        match self {
            Medium::Abstract => 0,
            Medium::Electricity => 1,
            Medium::HeatCostAllocator => 4,
            Medium::Cooling => 5,
            Medium::Heat => 6,
            Medium::Gas => 7,
            Medium::ColdWater => 8,
            Medium::HotWater => 9,
            Medium::Other(a) => a,
        }
    }

    /// Name of the medium for people.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Medium::Abstract => lang.pick("allgemein", "abstract"),
            Medium::Electricity => lang.pick("Strom", "electricity"),
            Medium::HeatCostAllocator => lang.pick("Heizkostenverteiler", "heat cost allocator"),
            Medium::Cooling => lang.pick("Kälte", "cooling"),
            Medium::Heat => lang.pick("Wärme", "heat"),
            Medium::Gas => lang.pick("Gas", "gas"),
            Medium::ColdWater => lang.pick("Kaltwasser", "cold water"),
            Medium::HotWater => lang.pick("Warmwasser", "hot water"),
            Medium::Other(_) => lang.pick("unbekanntes Medium", "unknown medium"),
        }
    }
}

/// Tariff number E of the error register in the TAF tariff profiles.
pub const ERROR_REGISTER_TARIFF: u8 = 63;

impl Obis {
    /// Builds an OBIS id from its six value groups.
    pub const fn new(a: u8, b: u8, c: u8, d: u8, e: u8, f: u8) -> Obis {
        Obis { a, b, c, d, e, f }
    }

    /// Builds an OBIS id from 6 bytes in wire order.
    pub const fn from_bytes(bytes: [u8; 6]) -> Obis {
        Obis::new(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5])
    }

    /// The 6 bytes in wire order.
    pub const fn to_bytes(self) -> [u8; 6] {
        [self.a, self.b, self.c, self.d, self.e, self.f]
    }

    /// The 12-hex-digit form in lower case, as the gateway sends it: `0100010800ff`.
    pub fn to_hex(self) -> String {
        hex::encode(self.to_bytes())
    }

    /// The short form `C.D.E` (how meters label their displays), e.g. `1.8.0`.
    pub fn short(self) -> String {
        format!("{}.{}.{}", self.c, self.d, self.e)
    }

    /// Medium (value group A).
    pub fn medium(self) -> Medium {
        Medium::from_code(self.a)
    }

    /// Channel (value group B).
    pub fn channel(self) -> u8 {
        self.b
    }

    /// Tariff (value group E): 0 = total, 1.. = tariff register, 63 = error register.
    pub fn tariff(self) -> u8 {
        self.e
    }

    /// True for the error register (E = 63) into which TAF tariffs book consumption that
    /// cannot be assigned to a tariff stage.
    pub fn is_error_register(self) -> bool {
        self.e == ERROR_REGISTER_TARIFF
    }

    /// True for an electricity energy quantity: D = 8 (cumulative register),
    /// 9 (register over a recording interval) or 29 (energy over a load-profile period).
    pub fn is_energy_register(self) -> bool {
        self.a == 1 && matches!(self.d, 8 | 9 | 29)
    }

    /// True for an active energy import register (C = 1, e.g. 1.8.0, 1.8.1, 1.8.63).
    pub fn is_import(self) -> bool {
        self.is_energy_register() && self.c == 1
    }

    /// True for an active energy export register (C = 2, e.g. 2.8.0, 2.8.1, 2.8.63).
    pub fn is_export(self) -> bool {
        self.is_energy_register() && self.c == 2
    }

    /// The same id with a different tariff E, e.g. 1.8.0 → 1.8.63.
    pub fn with_tariff(self, e: u8) -> Obis {
        Obis { e, ..self }
    }

    /// A name for people, or `None` for codes this crate does not know.
    ///
    /// The channel B and the billing period F do not change the name.
    pub fn name(self, lang: Lang) -> Option<String> {
        match self.medium() {
            Medium::Electricity => electricity_name(self, lang),
            Medium::Gas => match (self.c, self.d, self.e) {
                (3, 0, 0) => Some(
                    lang.pick(
                        "Gasvolumen (aktueller Zählerstand)",
                        "gas volume (current meter index)",
                    )
                    .into(),
                ),
                (3, 1, 0) => Some(
                    lang.pick("Gasvolumen (Zählerstand)", "gas volume (meter index)")
                        .into(),
                ),
                _ => None,
            },
            _ => None,
        }
    }
}

fn electricity_name(o: Obis, lang: Lang) -> Option<String> {
    let direction = |c: u8| match c {
        1 => Some(lang.pick("Bezug", "import")),
        2 => Some(lang.pick("Einspeisung", "export")),
        _ => None,
    };
    let phase = |c: u8, base: u8| (c - base) / 20 + 1;
    let name: String = match (o.c, o.d, o.e) {
        (1 | 2, 8, e) => {
            let dir = direction(o.c)?;
            let what = lang.pick("Wirkarbeit", "Active energy");
            match e {
                0 => format!("{what} {dir} {}", lang.pick("gesamt", "total")),
                ERROR_REGISTER_TARIFF => format!(
                    "{what} {dir} {}",
                    lang.pick("Fehlerregister", "error register")
                ),
                t => format!("{what} {dir} {} {t}", lang.pick("Tarif", "tariff")),
            }
        }
        (3 | 4, 8, 0) => {
            let dir = if o.c == 3 {
                lang.pick("Bezug", "import")
            } else {
                lang.pick("Einspeisung", "export")
            };
            format!(
                "{} {dir} {}",
                lang.pick("Blindarbeit", "Reactive energy"),
                lang.pick("gesamt", "total")
            )
        }
        (1 | 2, 7, 0) => {
            let dir = direction(o.c)?;
            format!("{} {dir}", lang.pick("Wirkleistung", "Active power"))
        }
        (16, 7, 0) => lang
            .pick("Wirkleistung (Summe)", "Active power (sum)")
            .into(),
        (c @ (36 | 56 | 76), 7, 0) => format!(
            "{} L{}",
            lang.pick("Wirkleistung", "Active power"),
            phase(c, 36)
        ),
        (c @ (31 | 51 | 71), 7, 0) => {
            format!("{} L{}", lang.pick("Strom", "Current"), phase(c, 31))
        }
        (c @ (32 | 52 | 72), 7, 0) => {
            format!("{} L{}", lang.pick("Spannung", "Voltage"), phase(c, 32))
        }
        (14, 7, 0) => lang.pick("Netzfrequenz", "Frequency").into(),
        _ => return None,
    };
    Some(name)
}

impl fmt::Display for Obis {
    /// The full text form `A-B:C.D.E*F`, e.g. `1-0:1.8.0*255`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}:{}.{}.{}*{}",
            self.a, self.b, self.c, self.d, self.e, self.f
        )
    }
}

fn parse_group(input: &str, group: &str) -> Result<u8, ObisError> {
    if group.is_empty() || group.len() > 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ObisError::Format(input.to_string()));
    }
    // At most three digits, so the u16 parse cannot overflow; 256..999 is out of range.
    group
        .parse::<u16>()
        .ok()
        .and_then(|v| u8::try_from(v).ok())
        .ok_or_else(|| ObisError::OutOfRange {
            input: input.to_string(),
            group: group.to_string(),
        })
}

impl FromStr for Obis {
    type Err = ObisError;

    /// Parses all forms listed in the module documentation.
    fn from_str(s: &str) -> Result<Obis, ObisError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ObisError::Empty);
        }
        if t.len() == 12 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut bytes = [0u8; 6];
            hex::decode_to_slice(t, &mut bytes).map_err(|_| ObisError::Format(s.to_string()))?;
            return Ok(Obis::from_bytes(bytes));
        }
        let (ab, rest) = match t.split_once(':') {
            Some((ab, rest)) => {
                let (a, b) = ab
                    .split_once('-')
                    .ok_or_else(|| ObisError::Format(s.to_string()))?;
                (Some((parse_group(s, a)?, parse_group(s, b)?)), rest)
            }
            None => (None, t),
        };
        let (cde, f) = match rest.split_once(['*', '&']) {
            Some((cde, f)) => (cde, parse_group(s, f)?),
            None => (rest, 255),
        };
        let mut parts = cde.split('.');
        let mut next = || parts.next().ok_or_else(|| ObisError::Format(s.to_string()));
        let (c, d, e) = (
            parse_group(s, next()?)?,
            parse_group(s, next()?)?,
            parse_group(s, next()?)?,
        );
        if parts.next().is_some() {
            return Err(ObisError::Format(s.to_string()));
        }
        let (a, b) = ab.unwrap_or((1, 0));
        Ok(Obis { a, b, c, d, e, f })
    }
}

impl Serialize for Obis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Obis {
    /// Accepts every text form [`Obis::from_str`] accepts.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Obis, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde helper for documents that write an OBIS id in its text form `1-0:1.8.1*255`
/// instead of [`Obis`]'s own serde form, the hex string: use it on a field with
/// `#[serde(with = "smgw_model::obis::serde_display")]`.
///
/// Reading accepts every form [`Obis::from_str`] accepts, so such a document also takes
/// the hex form.
pub mod serde_display {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Obis;

    /// Writes the id as `A-B:C.D.E*F`.
    pub fn serialize<S: Serializer>(obis: &Obis, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(obis)
    }

    /// Reads any text form of an OBIS id.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Obis, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A gateway channel name `<OBIS hex>.<meter id>.sm`, e.g. `0100010800ff.0551010038180402.sm`.
///
/// Also holds usage-point logical names (`01005e318021.taf1-1.sm`); then `obis` is the
/// logical-name prefix and `meter_id` the TAF or consumer part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChannelName {
    /// The OBIS id (first part).
    pub obis: Obis,
    /// The middle part: a meter id, or for usage points the TAF / consumer name.
    pub meter_id: String,
}

impl ChannelName {
    /// Builds a channel name.
    pub fn new(obis: Obis, meter_id: impl Into<String>) -> ChannelName {
        ChannelName {
            obis,
            meter_id: meter_id.into(),
        }
    }

    /// The OBIS id a channel is named by, from a name as a gateway or a user gives it:
    /// a whole channel name, or just its OBIS part (hex or `1-0:1.8.0*255`). Names that
    /// are no [`ChannelName`] as a whole still tell their OBIS id this way.
    pub fn obis_of(text: &str) -> Option<Obis> {
        if let Ok(name) = text.parse::<ChannelName>() {
            return Some(name.obis);
        }
        let t = text.trim();
        t.parse::<Obis>()
            .ok()
            .or_else(|| t.split('.').next()?.parse::<Obis>().ok())
    }

    /// The name without its `.sm` suffix (`<OBIS hex>.<meter id>`), as AR 2418-6 files
    /// start their meter reading ids.
    pub fn without_suffix(&self) -> String {
        format!("{}.{}", self.obis.to_hex(), self.meter_id)
    }
}

impl fmt::Display for ChannelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.sm", self.obis.to_hex(), self.meter_id)
    }
}

impl FromStr for ChannelName {
    type Err = ObisError;

    /// Parses `<12 hex>.<id>.sm`. The suffix `sm` is matched case-insensitively; the id
    /// must be non-empty and may contain letters, digits, `-` and `_`.
    fn from_str(s: &str) -> Result<ChannelName, ObisError> {
        let t = s.trim();
        let bad = || ObisError::ChannelFormat(s.to_string());
        let mut parts = t.split('.');
        let (Some(hex_part), Some(id), Some(suffix), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if !suffix.eq_ignore_ascii_case("sm")
            || hex_part.len() != 12
            || id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bad());
        }
        let obis = hex_part.parse::<Obis>().map_err(|_| bad())?;
        Ok(ChannelName {
            obis,
            meter_id: id.to_string(),
        })
    }
}

impl Serialize for ChannelName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ChannelName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ChannelName, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMPORT_TOTAL: Obis = Obis::new(1, 0, 1, 8, 0, 255);

    #[test]
    fn hex_round_trip() {
        let o: Obis = "0100010800ff".parse().unwrap();
        assert_eq!(o, IMPORT_TOTAL);
        assert_eq!(o.to_hex(), "0100010800ff");
        assert_eq!(o.to_string(), "1-0:1.8.0*255");
        assert_eq!("0100010800FF".parse::<Obis>().unwrap(), IMPORT_TOTAL);
        assert_eq!(
            "01000108003f".parse::<Obis>().unwrap().to_string(),
            "1-0:1.8.0*63"
        );
    }

    #[test]
    fn text_forms_and_defaults() {
        assert_eq!("1-0:1.8.0*255".parse::<Obis>().unwrap(), IMPORT_TOTAL);
        assert_eq!("1-0:1.8.0&255".parse::<Obis>().unwrap(), IMPORT_TOTAL);
        assert_eq!("1-0:1.8.0".parse::<Obis>().unwrap(), IMPORT_TOTAL);
        assert_eq!(" 1.8.0 ".parse::<Obis>().unwrap(), IMPORT_TOTAL);
        assert_eq!(
            "2.8.1*1".parse::<Obis>().unwrap(),
            Obis::new(1, 0, 2, 8, 1, 1)
        );
        assert_eq!(
            "7-0:3.1.0".parse::<Obis>().unwrap(),
            Obis::new(7, 0, 3, 1, 0, 255)
        );
        assert_eq!(
            "7-0:3.1.0".parse::<Obis>().unwrap().to_hex(),
            "0700030100ff"
        );
        // Channel B = 1 (field failure 28: "channel 1-1"): the same register on channel 1,
        // kept as such in every form.
        let on_channel_1 = Obis::new(1, 1, 1, 8, 0, 255);
        assert_eq!("1-1:1.8.0".parse::<Obis>().unwrap(), on_channel_1);
        assert_eq!("0101010800ff".parse::<Obis>().unwrap(), on_channel_1);
        assert_eq!(ChannelName::obis_of("1-1:1.8.0"), Some(on_channel_1));
        assert_eq!(
            ChannelName::obis_of("0101010800ff.1EMH0012345678.sm"),
            Some(on_channel_1)
        );
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!("".parse::<Obis>(), Err(ObisError::Empty));
        for bad in [
            "0100010800f",
            "0100010800ffx",
            "1-0:1.8",
            "1-0:1.8.0.0",
            "1:1.8.0",
            "a-0:1.8.0",
            "1-0:1..0",
            "1.8.0*",
            "zz00010800ff",
        ] {
            assert!(
                matches!(bad.parse::<Obis>(), Err(ObisError::Format(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            "1-0:256.8.0".parse::<Obis>(),
            Err(ObisError::OutOfRange { .. })
        ));
        assert!(matches!(
            "1-0:1.8.1000".parse::<Obis>(),
            Err(ObisError::Format(_))
        ));
    }

    #[test]
    fn accessors() {
        let err: Obis = "1-0:1.8.63".parse().unwrap();
        assert!(err.is_error_register());
        assert!(err.is_import());
        assert!(!err.is_export());
        assert_eq!(err.tariff(), 63);
        let exp: Obis = "0100020800ff".parse().unwrap();
        assert!(exp.is_export() && !exp.is_import());
        let power: Obis = "1-0:1.7.0".parse().unwrap();
        assert!(!power.is_import(), "power is not an energy register");
        let gas: Obis = "7-0:3.1.0".parse().unwrap();
        assert_eq!(gas.medium(), Medium::Gas);
        assert!(!gas.is_import());
        assert_eq!(Obis::new(1, 2, 1, 8, 0, 255).channel(), 2);
        assert_eq!(Medium::from_code(42), Medium::Other(42));
        for a in 0..=255u8 {
            assert_eq!(Medium::from_code(a).code(), a);
        }
        assert_eq!(IMPORT_TOTAL.with_tariff(63).to_string(), "1-0:1.8.63*255");
        assert_eq!(IMPORT_TOTAL.short(), "1.8.0");
    }

    #[test]
    fn names() {
        let name = |s: &str, l| s.parse::<Obis>().unwrap().name(l);
        assert_eq!(
            name("1.8.0", Lang::De).as_deref(),
            Some("Wirkarbeit Bezug gesamt")
        );
        assert_eq!(
            name("1.8.0", Lang::En).as_deref(),
            Some("Active energy import total")
        );
        assert_eq!(
            name("2.8.0", Lang::De).as_deref(),
            Some("Wirkarbeit Einspeisung gesamt")
        );
        assert_eq!(
            name("1.8.1", Lang::De).as_deref(),
            Some("Wirkarbeit Bezug Tarif 1")
        );
        assert_eq!(
            name("2.8.2", Lang::En).as_deref(),
            Some("Active energy export tariff 2")
        );
        assert_eq!(
            name("1.8.63", Lang::De).as_deref(),
            Some("Wirkarbeit Bezug Fehlerregister")
        );
        assert_eq!(
            name("16.7.0", Lang::De).as_deref(),
            Some("Wirkleistung (Summe)")
        );
        assert_eq!(name("51.7.0", Lang::De).as_deref(), Some("Strom L2"));
        assert_eq!(name("72.7.0", Lang::En).as_deref(), Some("Voltage L3"));
        assert_eq!(name("31.7.0", Lang::En).as_deref(), Some("Current L1"));
        assert_eq!(name("56.7.0", Lang::En).as_deref(), Some("Active power L2"));
        assert_eq!(name("14.7.0", Lang::De).as_deref(), Some("Netzfrequenz"));
        assert_eq!(
            name("4.8.0", Lang::En).as_deref(),
            Some("Reactive energy export total")
        );
        assert!(name("7-0:3.0.0", Lang::En).unwrap().contains("gas volume"));
        assert_eq!(name("99.99.99", Lang::De), None);
        assert_eq!(name("6-0:1.8.0", Lang::De), None, "heat is not electricity");
    }

    #[test]
    fn serde_as_hex_string() {
        assert_eq!(
            serde_json::to_string(&IMPORT_TOTAL).unwrap(),
            "\"0100010800ff\""
        );
        assert_eq!(
            serde_json::from_str::<Obis>("\"1-0:1.8.0*255\"").unwrap(),
            IMPORT_TOTAL
        );
        assert!(serde_json::from_str::<Obis>("\"nope\"").is_err());
    }

    #[test]
    fn serde_display_writes_the_dotted_form() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Doc {
            #[serde(with = "super::serde_display")]
            obis: Obis,
        }
        let doc = Doc {
            obis: IMPORT_TOTAL.with_tariff(63),
        };
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(json, r#"{"obis":"1-0:1.8.63*255"}"#);
        assert_eq!(serde_json::from_str::<Doc>(&json).unwrap(), doc);
        assert!(
            serde_json::from_str::<Doc>(r#"{"obis":"01000108003fff"}"#).is_err(),
            "14 hex digits are no OBIS id"
        );
        assert_eq!(
            serde_json::from_str::<Doc>(r#"{"obis":"010001083fff"}"#).unwrap(),
            doc
        );
    }

    #[test]
    fn channel_names() {
        let c: ChannelName = "0100010800ff.0551010038180402.sm".parse().unwrap();
        assert_eq!(c.obis, IMPORT_TOTAL);
        assert_eq!(c.meter_id, "0551010038180402");
        assert_eq!(c.to_string(), "0100010800ff.0551010038180402.sm");

        let up: ChannelName = "01005e318011.consumer1.sm".parse().unwrap();
        assert_eq!(up.obis, Obis::new(0x01, 0x00, 0x5e, 0x31, 0x80, 0x11));
        assert_eq!(up.meter_id, "consumer1");
        let taf: ChannelName = "01005e318021.taf1-1.sm".parse().unwrap();
        assert_eq!(taf.meter_id, "taf1-1");
        assert_eq!(taf.to_string(), "01005e318021.taf1-1.sm");

        for bad in [
            "0100010800ff",
            "0100010800ff..sm",
            "0100010800ff.x.sx",
            "1-0:1.8.0.x.sm",
            "0100010800ff.a b.sm",
            "0100010800ff.x.sm.y",
        ] {
            assert!(bad.parse::<ChannelName>().is_err(), "{bad}");
        }
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<ChannelName>(&json).unwrap(), c);
    }

    #[test]
    fn obis_of_any_form_of_a_channel() {
        let import = Obis::from_str("1-0:1.8.0*255").unwrap();
        for text in [
            "0100010800ff.0551010038180402.sm",
            "0100010800FF.1EMH0012345678.SM",
            "0100010800ff",
            "1-0:1.8.0*255",
            "0100010800ff.meter with spaces.sm",
        ] {
            assert_eq!(ChannelName::obis_of(text), Some(import), "{text}");
        }
        assert_eq!(ChannelName::obis_of("meter.0100010800ff"), None);
        assert_eq!(ChannelName::obis_of(""), None);
        let c: ChannelName = "0100010800ff.0551010038180402.sm".parse().unwrap();
        assert_eq!(c.without_suffix(), "0100010800ff.0551010038180402");
    }
}
