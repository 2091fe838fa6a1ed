//! Status words of readings and of the gateway, and the PTB status derived from them.
//!
//! # The words
//!
//! - **Gateway status word** (`smgw-status`, 4 bytes, 8 hex digits, e.g. `a0840000`).
//! - **Meter status word** (`meter-status`, 4 bytes, e.g. `20000000`).
//! - **Combined status**: gateway word followed by meter word, 8 bytes / 16 hex digits.
//!   The gateway's `cosem-status` (`a0000000208c3800`) and the `statusFNN` element of
//!   AR 2418-6 files (`A084000020000000`) share this layout ([`CombinedStatus`]).
//!
//! # Bit numbering (worked out from the reference vectors)
//!
//! Each 32-bit word is read least-significant bit first: **bit n is the bit with mask
//! `0x80 >> (n % 8)` in byte `n / 8` of the hex text**. So the leftmost written bit is
//! bit 0. Internally a word is kept as a `u32` with bit n = `1 << n`
//! (`u32::from_be_bytes(bytes).reverse_bits()`).
//!
//! Under this reading the five TRuDI reference vectors map to their PTB status with one
//! flag per status, the three PTB bits lie side by side (12, 13, 14), and the constant
//! pattern at the start of every gateway word (`A…` = bits 0 and 2, `0101` in bits 0–3)
//! matches the older TRuDI sample files, which wrote the gateway word as a plain
//! big-endian number (`00000105`: bits 0 and 2 again). Those old files cannot confirm more:
//! read as a plain number their word also has bit 8 set while their `statusPTB` is 0, and
//! read the new way it sets no PTB bit at all. They are decoded the new way here.
//!
//! Gateway word, named bits:
//!
//! | bit | hex (byte 1) | name | PTB status | source |
//! |-----|--------------|------|------------|--------|
//! | 0–3 | `A…` in byte 0 | identification, `0101` in every gateway word seen | – | observed |
//! | 8   | `x80`        | fatal error                         | 4 | reference vector `A084…` |
//! | 12  | `x08`        | PTB warning                         | 1 | reference vector `A008…` |
//! | 13  | `x04`        | PTB temporary error (value signed but invalid, usable as substitute) | 2 | reference vector `A004…` |
//! | 14  | `x02`        | PTB critical temporary error (value invalid) | 3 | reference vector `A002…` |
//!
//! The FNN Lastenheft SMGW also defines bits such as "system time invalid" and the
//! transparency bit; their positions are not in the documents this project has, so they
//! are **not named** here. They stay available through [`GatewayStatus::unknown_bits`] and
//! [`GatewayStatus::bit`]. The gateway folds such conditions into the PTB bits above
//! (e.g. an invalid system time makes values "temporary error"), so the PTB status does
//! not depend on the unnamed bits.
//!
//! Meter word (the FNN basic meter's status word, the same as its OBIS 1-0:96.5.0 value):
//!
//! | bit | hex (byte 0/1) | name | source |
//! |-----|----------------|------|--------|
//! | 2   | `2…` in byte 0 | identification of the FNN layout, set in every gateway meter word seen | observed |
//! | 8   | `x80` in byte 1 | load: power above the meter's start-up threshold | DZG DVS74 manual as cited by PyPI `pysml` 0.1.9; real captures |
//! | 11  | `x10` in byte 1 | energy direction: 1 = export (feeding into the grid) | same manual via `pysml`; real captures |
//!
//! The real captures are the SML files of the `libsml-testing` collection (shipped with the
//! `sml-rs` 0.4.0 crate), where meters send this word as a plain integer whose bit n is
//! bit n here: all DZG, Holley, ISKRA MT631/MT691, Itron and EMH mME40 words have bit 2; bit
//! 11 is set exactly in the two captures with negative total power (−105.5 W, −310.6 W);
//! bit 8 is set at 216 W and clear at 6.2 W and 6.8 W. Older eHZ/EDL21 meters use another
//! layout without bit 2 (export is bit 5 there), so the named flags are only read from
//! words with the identification bit ([`MeterStatus::flags`]). The rest of the meter status
//! (fatal error, manipulation, magnetic influence, phase voltages …) has no source here and
//! is kept raw ([`MeterStatus::logical`], [`MeterStatus::bit`]): guessing positions would
//! show wrong alarms to consumers. The PTB status is taken from the gateway word only,
//! since the gateway already evaluates the meter's status into it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lang::Lang;

/// Why a status word could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// Wrong number of hex digits or a non-hex character.
    #[error("{input:?} is not a status word (expected {expected} hex digits)")]
    Format {
        /// The input.
        input: String,
        /// The expected number of hex digits.
        expected: usize,
    },
    /// A PTB status outside 0–4.
    #[error("PTB status {0} is not one of 0 to 4")]
    UnknownPtb(i64),
}

fn parse_word(s: &str) -> Result<u32, StatusError> {
    let t = s.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let mut bytes = [0u8; 4];
    if t.len() != 8 {
        return Err(StatusError::Format {
            input: s.to_string(),
            expected: 8,
        });
    }
    hex::decode_to_slice(t, &mut bytes).map_err(|_| StatusError::Format {
        input: s.to_string(),
        expected: 8,
    })?;
    Ok(u32::from_be_bytes(bytes).reverse_bits())
}

fn word_hex(logical: u32) -> String {
    hex::encode(logical.reverse_bits().to_be_bytes())
}

/// The PTB status of a value (0–4), as in `statusPTB` of AR 2418-6 files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PtbStatus {
    /// 0: no error.
    NoError,
    /// 1: warning; the value is valid.
    Warning,
    /// 2: temporary error; the value is invalid but may serve as a substitute value.
    Temporary,
    /// 3: critical temporary error; the value is invalid.
    CriticalTemporary,
    /// 4: fatal error; this and all later values of the meter are invalid.
    Fatal,
}

impl PtbStatus {
    /// The status for a code 0–4.
    pub fn from_code(code: u8) -> Option<PtbStatus> {
        Some(match code {
            0 => PtbStatus::NoError,
            1 => PtbStatus::Warning,
            2 => PtbStatus::Temporary,
            3 => PtbStatus::CriticalTemporary,
            4 => PtbStatus::Fatal,
            _ => return None,
        })
    }

    /// The code 0–4.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// True for 0 and 1: the value may be used, e.g. for billing.
    pub fn is_valid(self) -> bool {
        matches!(self, PtbStatus::NoError | PtbStatus::Warning)
    }

    /// True for 2: invalid, but usable as a substitute value.
    pub fn usable_as_substitute(self) -> bool {
        self == PtbStatus::Temporary
    }

    /// A short text for people.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            PtbStatus::NoError => lang.pick("kein Fehler", "no error"),
            PtbStatus::Warning => lang.pick("Warnung (Wert gültig)", "warning (value valid)"),
            PtbStatus::Temporary => lang.pick(
                "vorübergehender Fehler (Wert ungültig, als Ersatzwert nutzbar)",
                "temporary error (value invalid, usable as substitute)",
            ),
            PtbStatus::CriticalTemporary => lang.pick(
                "kritischer vorübergehender Fehler (Wert ungültig)",
                "critical temporary error (value invalid)",
            ),
            PtbStatus::Fatal => lang.pick(
                "fataler Fehler (dieser und alle folgenden Werte ungültig)",
                "fatal error (this and all later values invalid)",
            ),
        }
    }
}

impl fmt::Display for PtbStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl Serialize for PtbStatus {
    /// Serialized as the number 0–4.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for PtbStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PtbStatus, D::Error> {
        let code = i64::deserialize(deserializer)?;
        u8::try_from(code)
            .ok()
            .and_then(PtbStatus::from_code)
            .ok_or_else(|| serde::de::Error::custom(StatusError::UnknownPtb(code)))
    }
}

/// Bit positions of the gateway status word (see the module docs for their sources).
pub mod gateway_bits {
    /// Bits 0–3: identification pattern (`0101` for gateway words).
    pub const IDENTIFICATION_MASK: u32 = 0b1111;
    /// Bit 8: fatal error (PTB 4).
    pub const FATAL_ERROR: u32 = 8;
    /// Bit 12: PTB warning (PTB 1).
    pub const PTB_WARNING: u32 = 12;
    /// Bit 13: PTB temporary error, value usable as substitute (PTB 2).
    pub const PTB_TEMPORARY_ERROR: u32 = 13;
    /// Bit 14: PTB critical temporary error (PTB 3).
    pub const PTB_CRITICAL_TEMPORARY_ERROR: u32 = 14;
}

/// The identification pattern in bits 0–3 of every gateway word seen (`A…` in hex).
pub const GATEWAY_IDENTIFICATION: u8 = 0b0101;

/// The named flags of a gateway status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct GatewayFlags {
    /// Fatal error (bit 8).
    pub fatal_error: bool,
    /// PTB warning (bit 12).
    pub ptb_warning: bool,
    /// PTB temporary error (bit 13).
    pub ptb_temporary_error: bool,
    /// PTB critical temporary error (bit 14).
    pub ptb_critical_temporary_error: bool,
}

/// The gateway's 4-byte status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GatewayStatus {
    logical: u32,
}

impl GatewayStatus {
    /// Parses 8 hex digits (any case, optional `0x`).
    pub fn from_hex(s: &str) -> Result<GatewayStatus, StatusError> {
        parse_word(s).map(|logical| GatewayStatus { logical })
    }

    /// A word from its logical value (bit n = `1 << n`).
    pub fn from_logical(logical: u32) -> GatewayStatus {
        GatewayStatus { logical }
    }

    /// The logical value (bit n = `1 << n`).
    pub fn logical(self) -> u32 {
        self.logical
    }

    /// The 8-hex-digit wire form, lower case.
    pub fn to_hex(self) -> String {
        word_hex(self.logical)
    }

    /// Bit n (0–31) in the numbering of the module docs; false for n ≥ 32.
    pub fn bit(self, n: u32) -> bool {
        n < 32 && self.logical & (1 << n) != 0
    }

    /// Bits 0–3 (`0b0101` in every gateway word seen).
    pub fn identification(self) -> u8 {
        (self.logical & gateway_bits::IDENTIFICATION_MASK) as u8
    }

    /// The named flags.
    pub fn flags(self) -> GatewayFlags {
        GatewayFlags {
            fatal_error: self.bit(gateway_bits::FATAL_ERROR),
            ptb_warning: self.bit(gateway_bits::PTB_WARNING),
            ptb_temporary_error: self.bit(gateway_bits::PTB_TEMPORARY_ERROR),
            ptb_critical_temporary_error: self.bit(gateway_bits::PTB_CRITICAL_TEMPORARY_ERROR),
        }
    }

    /// Set bits that this crate does not name (neither identification nor a flag).
    pub fn unknown_bits(self) -> u32 {
        let known = gateway_bits::IDENTIFICATION_MASK
            | 1 << gateway_bits::FATAL_ERROR
            | 1 << gateway_bits::PTB_WARNING
            | 1 << gateway_bits::PTB_TEMPORARY_ERROR
            | 1 << gateway_bits::PTB_CRITICAL_TEMPORARY_ERROR;
        self.logical & !known
    }

    /// The PTB status: the most severe flag set wins (fatal > critical > temporary >
    /// warning > none).
    pub fn ptb(self) -> PtbStatus {
        let f = self.flags();
        if f.fatal_error {
            PtbStatus::Fatal
        } else if f.ptb_critical_temporary_error {
            PtbStatus::CriticalTemporary
        } else if f.ptb_temporary_error {
            PtbStatus::Temporary
        } else if f.ptb_warning {
            PtbStatus::Warning
        } else {
            PtbStatus::NoError
        }
    }
}

/// The meter's 4-byte status word. The identification, load and energy-direction bits are
/// interpreted (see the module docs); everything else is available raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeterStatus {
    logical: u32,
}

impl MeterStatus {
    /// Bit 2: identification of the FNN layout, set in every meter word a gateway sent.
    pub const IDENTIFICATION_BIT: u32 = 2;
    /// Bit 8: load above the start-up threshold.
    pub const LOAD_BIT: u32 = 8;
    /// Bit 11: energy direction, set while exporting.
    pub const EXPORT_BIT: u32 = 11;

    /// The named flags, for words in the FNN layout (identification bit set); `None` for
    /// other layouts, whose bits mean other things.
    pub fn flags(self) -> Option<MeterFlags> {
        self.bit(Self::IDENTIFICATION_BIT).then(|| {
            let load = self.bit(Self::LOAD_BIT);
            MeterFlags {
                load,
                // Without load no energy flows: the direction bit says nothing then.
                direction: load.then(|| {
                    if self.bit(Self::EXPORT_BIT) {
                        EnergyDirection::Export
                    } else {
                        EnergyDirection::Import
                    }
                }),
            }
        })
    }

    /// Parses 8 hex digits (any case, optional `0x`).
    pub fn from_hex(s: &str) -> Result<MeterStatus, StatusError> {
        parse_word(s).map(|logical| MeterStatus { logical })
    }

    /// A word from its logical value (bit n = `1 << n`).
    pub fn from_logical(logical: u32) -> MeterStatus {
        MeterStatus { logical }
    }

    /// The logical value (bit n = `1 << n`).
    pub fn logical(self) -> u32 {
        self.logical
    }

    /// The 8-hex-digit wire form, lower case.
    pub fn to_hex(self) -> String {
        word_hex(self.logical)
    }

    /// Bit n (0–31); false for n ≥ 32.
    pub fn bit(self, n: u32) -> bool {
        n < 32 && self.logical & (1 << n) != 0
    }

    /// Numbers of all set bits except the identification bit, ascending.
    pub fn other_set_bits(self) -> Vec<u32> {
        (0..32)
            .filter(|&n| n != Self::IDENTIFICATION_BIT && self.bit(n))
            .collect()
    }
}

/// Which way energy flows at the meter when it wrote its status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnergyDirection {
    /// From the grid into the building (Bezug).
    Import,
    /// From the building into the grid (Einspeisung).
    Export,
}

impl EnergyDirection {
    /// In words.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            EnergyDirection::Import => lang.pick("Bezug aus dem Netz", "import from the grid"),
            EnergyDirection::Export => lang.pick("Einspeisung ins Netz", "export to the grid"),
        }
    }
}

/// The named flags of a meter status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeterFlags {
    /// The meter measured a load above its start-up threshold.
    pub load: bool,
    /// The energy direction, while there is a load.
    pub direction: Option<EnergyDirection>,
}

impl MeterFlags {
    /// In words, e.g. "Last, Einspeisung ins Netz" or "keine Last".
    pub fn text(self, lang: Lang) -> String {
        match self.direction {
            Some(d) => format!("{}, {}", lang.pick("Last", "load"), d.text(lang)),
            None => lang.pick("keine Last", "no load").to_owned(),
        }
    }
}

/// Gateway word followed by meter word: the reading's `cosem-status` and AR 2418-6's
/// `statusFNN` (16 hex digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CombinedStatus {
    /// The first 8 hex digits.
    pub gateway: GatewayStatus,
    /// The last 8 hex digits.
    pub meter: MeterStatus,
}

/// AR 2418-6's `statusFNN` has the same layout as the gateway's `cosem-status`.
pub type FnnStatus = CombinedStatus;

impl CombinedStatus {
    /// Parses 16 hex digits (any case, optional `0x`).
    pub fn from_hex(s: &str) -> Result<CombinedStatus, StatusError> {
        let t = s.trim();
        let t = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .unwrap_or(t);
        let err = || StatusError::Format {
            input: s.to_string(),
            expected: 16,
        };
        if t.len() != 16 || !t.is_ascii() {
            return Err(err());
        }
        let (g, m) = t.split_at(8);
        Ok(CombinedStatus {
            gateway: GatewayStatus::from_hex(g).map_err(|_| err())?,
            meter: MeterStatus::from_hex(m).map_err(|_| err())?,
        })
    }

    /// The 16-hex-digit form, lower case.
    pub fn to_hex(self) -> String {
        // One allocation (this runs for every archived value): both words as one u64.
        let wire = (u64::from(self.gateway.logical.reverse_bits()) << 32)
            | u64::from(self.meter.logical.reverse_bits());
        hex::encode(wire.to_be_bytes())
    }

    /// The PTB status (from the gateway word, see the module docs).
    pub fn ptb(self) -> PtbStatus {
        self.gateway.ptb()
    }
}

macro_rules! hex_text_impls {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl FromStr for $t {
            type Err = StatusError;

            fn from_str(s: &str) -> Result<Self, StatusError> {
                <$t>::from_hex(s)
            }
        }

        impl Serialize for $t {
            /// Serialized as the lower-case hex wire form.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_hex())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                <$t>::from_hex(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_text_impls!(GatewayStatus);
hex_text_impls!(MeterStatus);
hex_text_impls!(CombinedStatus);

/// The gateway's operating state from `smgw-info` (`smgw-state`, e.g. `a0000000`).
///
/// What is known: the field is a 4-byte hex word, and the published example `a0000000` is
/// exactly a gateway status word with identification `0101` and no flag set, which the
/// consumer manual calls normal operation. What is guessed: that the word uses the gateway
/// status word layout, so that the fatal and PTB bits mean the same here. The manual's other
/// states (secure-state boot, application, connectivity with HAN switched off, measurement
/// with invalid time, cyclic restart) have no documented bit; a word with unknown bits is
/// reported as "unknown state" together with its hex, never as normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SmgwState {
    /// The word, read like a gateway status word.
    pub word: GatewayStatus,
}

/// The operating state, as far as [`SmgwState`] can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OperatingState {
    /// No flag set: normal operation.
    Normal,
    /// Only the PTB warning flag.
    Warning,
    /// A temporary error flag (e.g. invalid time: values are being marked).
    TemporaryError,
    /// The fatal error flag.
    FatalError,
    /// Bits this crate cannot interpret.
    Unknown,
}

impl OperatingState {
    /// Text for people.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            OperatingState::Normal => lang.pick("Normalbetrieb", "normal operation"),
            OperatingState::Warning => lang.pick("Betrieb mit Warnung", "operating with a warning"),
            OperatingState::TemporaryError => lang.pick(
                "vorübergehender Fehler (z. B. Zeit ungültig, Messwerte werden markiert)",
                "temporary error (e.g. time invalid, values are marked)",
            ),
            OperatingState::FatalError => lang.pick("fataler Fehler", "fatal error"),
            OperatingState::Unknown => lang.pick("unbekannter Zustand", "unknown state"),
        }
    }
}

impl SmgwState {
    /// Parses the 8-hex-digit word.
    pub fn from_hex(s: &str) -> Result<SmgwState, StatusError> {
        GatewayStatus::from_hex(s).map(|word| SmgwState { word })
    }

    /// The state as far as the documents support it (see the type docs).
    pub fn state(self) -> OperatingState {
        let f = self.word.flags();
        if f.fatal_error {
            OperatingState::FatalError
        } else if self.word.unknown_bits() != 0
            || self.word.identification() != GATEWAY_IDENTIFICATION
        {
            OperatingState::Unknown
        } else if f.ptb_critical_temporary_error || f.ptb_temporary_error {
            OperatingState::TemporaryError
        } else if f.ptb_warning {
            OperatingState::Warning
        } else {
            OperatingState::Normal
        }
    }

    /// A sentence for people, naming the raw word when the state is not fully understood.
    pub fn describe(self, lang: Lang) -> String {
        match self.state() {
            OperatingState::Unknown => format!(
                "{} ({} {})",
                OperatingState::Unknown.text(lang),
                lang.pick("Statuswort", "status word"),
                self.word.to_hex()
            ),
            s => s.text(lang).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vectors() {
        let cases = [
            ("A084000020000000", PtbStatus::Fatal),
            ("A004000020000000", PtbStatus::Temporary),
            ("A000000020000000", PtbStatus::NoError),
            ("A008000020000000", PtbStatus::Warning),
            ("A002000020000000", PtbStatus::CriticalTemporary),
        ];
        for (hex, want) in cases {
            let s = CombinedStatus::from_hex(hex).unwrap();
            assert_eq!(s.ptb(), want, "{hex}");
            assert_eq!(s.gateway.identification(), GATEWAY_IDENTIFICATION, "{hex}");
            assert_eq!(s.gateway.unknown_bits(), 0, "{hex}");
            assert!(s.meter.bit(MeterStatus::IDENTIFICATION_BIT));
            assert!(s.meter.other_set_bits().is_empty());
            assert_eq!(s.to_hex(), hex.to_ascii_lowercase());
        }
    }

    #[test]
    fn bit_numbering_is_lsb_first_per_written_bit() {
        let g = GatewayStatus::from_hex("80000000").unwrap();
        assert_eq!(g.logical(), 1);
        assert!(g.bit(0) && !g.bit(31));
        assert_eq!(
            GatewayStatus::from_hex("00000001").unwrap().logical(),
            1 << 31
        );
        assert_eq!(
            GatewayStatus::from_hex("a0840000").unwrap().logical(),
            0b0101 | 1 << 8 | 1 << 13
        );
        assert_eq!(GatewayStatus::from_logical(1 << 12).to_hex(), "00080000");
        assert!(!g.bit(32));
        let flags = GatewayStatus::from_hex("a0840000").unwrap().flags();
        assert_eq!(
            flags,
            GatewayFlags {
                fatal_error: true,
                ptb_temporary_error: true,
                ..GatewayFlags::default()
            }
        );
    }

    #[test]
    fn cosem_and_old_sample_words() {
        // The cosem-status example from the interface description.
        let c = CombinedStatus::from_hex("a0000000208c3800").unwrap();
        assert_eq!(c.ptb(), PtbStatus::NoError);
        assert_eq!(c.meter.other_set_bits(), vec![8, 12, 13, 18, 19, 20]);
        // Older TRuDI sample files pair this statusFNN with statusPTB 0.
        let old = CombinedStatus::from_hex("0000010500100504").unwrap();
        assert_eq!(old.ptb(), PtbStatus::NoError);
        assert_ne!(old.gateway.identification(), GATEWAY_IDENTIFICATION);
    }

    #[test]
    fn meter_flags_of_real_meter_words() {
        // Integers as real basic meters sent them in SML (libsml-testing captures): bit n of
        // the integer is bit n here.
        let word = |n: u32| MeterStatus::from_logical(n).flags();
        let import_load = MeterFlags {
            load: true,
            direction: Some(EnergyDirection::Import),
        };
        // DZG DVS74 at 216 W; Holley, Itron, EMH mME40 likewise.
        assert_eq!(word(0x001C_0104), Some(import_load));
        // DZG DVS74 at 6.2 W: below the start-up threshold, no direction.
        let idle = MeterFlags {
            load: false,
            direction: None,
        };
        assert_eq!(word(0x001C_0004), Some(idle));
        // DZG DVS74 at −105.5 W and DZG DWSB20 at −310.6 W: exporting.
        for n in [0x001C_6904, 0x001C_7904] {
            assert_eq!(
                word(n).and_then(|f| f.direction),
                Some(EnergyDirection::Export)
            );
        }
        // An EMH ED300L (older layout, no identification bit) while exporting: its bits mean
        // something else, so nothing is claimed.
        assert_eq!(word(0x0000_01B0), None);
        // The gateway's example word: load, import.
        let c = CombinedStatus::from_hex("a0000000208c3800").unwrap();
        assert_eq!(c.meter.flags(), Some(import_load));
        assert_eq!(import_load.text(Lang::De), "Last, Bezug aus dem Netz");
        assert_eq!(idle.text(Lang::En), "no load");
    }

    #[test]
    fn unknown_bits_are_kept() {
        let g = GatewayStatus::from_hex("a0400000").unwrap();
        assert_eq!(g.unknown_bits(), 1 << 9);
        assert_eq!(g.ptb(), PtbStatus::NoError);
        assert_eq!(g.to_hex(), "a0400000");
    }

    #[test]
    fn parse_errors() {
        for bad in ["", "a000000", "a00000000", "g0000000", "a000000é"] {
            assert!(GatewayStatus::from_hex(bad).is_err(), "{bad:?}");
        }
        assert!(CombinedStatus::from_hex("A08400002000000").is_err());
        assert!(CombinedStatus::from_hex("A0840000200000000").is_err());
        assert!(CombinedStatus::from_hex("A084000020000é0").is_err());
        assert_eq!(
            CombinedStatus::from_hex("0xA084000020000000")
                .unwrap()
                .ptb(),
            PtbStatus::Fatal
        );
    }

    #[test]
    fn ptb_properties() {
        let all: Vec<_> = (0..=4).filter_map(PtbStatus::from_code).collect();
        assert_eq!(all.len(), 5);
        assert_eq!(PtbStatus::from_code(5), None);
        assert_eq!(
            all.iter()
                .filter(|p| p.is_valid())
                .map(|p| p.code())
                .collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert_eq!(
            all.iter()
                .filter(|p| p.usable_as_substitute())
                .map(|p| p.code())
                .collect::<Vec<_>>(),
            vec![2]
        );
        for p in &all {
            assert_eq!(PtbStatus::from_code(p.code()), Some(*p));
            assert_ne!(p.text(Lang::De), p.text(Lang::En));
        }
        assert!(PtbStatus::Fatal > PtbStatus::CriticalTemporary);
        assert_eq!(
            serde_json::to_string(&PtbStatus::CriticalTemporary).unwrap(),
            "3"
        );
        assert_eq!(
            serde_json::from_str::<PtbStatus>("4").unwrap(),
            PtbStatus::Fatal
        );
        assert!(serde_json::from_str::<PtbStatus>("7").is_err());
        assert!(serde_json::from_str::<PtbStatus>("-1").is_err());
    }

    #[test]
    fn serde_as_hex() {
        let c = CombinedStatus::from_hex("A008000020000000").unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, "\"a008000020000000\"");
        assert_eq!(serde_json::from_str::<CombinedStatus>(&json).unwrap(), c);
        assert_eq!(
            "a0000000".parse::<GatewayStatus>().unwrap().ptb(),
            PtbStatus::NoError
        );
    }

    #[test]
    fn smgw_state() {
        let normal = SmgwState::from_hex("a0000000").unwrap();
        assert_eq!(normal.state(), OperatingState::Normal);
        assert_eq!(normal.describe(Lang::De), "Normalbetrieb");
        assert_eq!(
            SmgwState::from_hex("a0800000").unwrap().state(),
            OperatingState::FatalError
        );
        assert_eq!(
            SmgwState::from_hex("a0040000").unwrap().state(),
            OperatingState::TemporaryError
        );
        assert_eq!(
            SmgwState::from_hex("a0080000").unwrap().state(),
            OperatingState::Warning
        );
        let odd = SmgwState::from_hex("a0000010").unwrap();
        assert_eq!(odd.state(), OperatingState::Unknown);
        assert_eq!(
            odd.describe(Lang::En),
            "unknown state (status word a0000010)"
        );
        // A word without the gateway identification is not "normal".
        assert_eq!(
            SmgwState::from_hex("00000000").unwrap().state(),
            OperatingState::Unknown
        );
    }
}
