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
//! # Bit numbering
//!
//! Each 32-bit word is read least-significant bit first: **bit n is the bit with mask
//! `0x80 >> (n % 8)` in byte `n / 8` of the hex text**. So the leftmost written bit is
//! bit 0. Internally a word is kept as a `u32` with bit n = `1 << n`
//! (`u32::from_be_bytes(bytes).reverse_bits()`).
//!
//! # The bit tables (FNN Lastenheft SMGW, as the reference display program TRuDI reads them)
//!
//! Source: `../shared/reference/status-words.md`, the project's authority for these tables.
//!
//! Gateway word ([`GatewayBit`]):
//!
//! | bit | meaning | PTB |
//! |-----|---------|-----|
//! | 0, 2 | identification, both set in every gateway word (`A…`) | – |
//! | 1   | transparency bit | – |
//! | 8   | fatal error | 4 |
//! | 9   | system time invalid | 3 |
//! | 12  | PTB warning | 1 |
//! | 13  | PTB temporary error (value invalid, signed value usable as substitute) | 2 |
//! | 14  | PTB critical temporary error (value invalid) | 3 |
//!
//! Meter word ([`MeterBit`]):
//!
//! | bit | meaning | PTB |
//! |-----|---------|-----|
//! | 2   | identification, set in every meter word in this layout (`…2…`) | – |
//! | 8   | start-up: load above the start-up threshold | – |
//! | 9   | magnetically influenced | 3 |
//! | 10  | manipulation (terminal cover / parameter switch opened) | 3 |
//! | 11  | energy direction of the sum negative (export) | – |
//! | 12–14 | energy direction L1 / L2 / L3 negative | – |
//! | 15  | phase sequence (rotating field) not L1-L2-L3 | – |
//! | 16  | backstop active | – |
//! | 17  | fatal error | 4 |
//! | 18–20 | voltage present on L1 / L2 / L3 | – |
//!
//! The PTB status ([`ptb_of_words`]): the first rule that matches wins — 4 if meter bit 17
//! or gateway bit 8; 3 if gateway bit 9 or 14, or meter bit 10 or 9; 2 if gateway bit 13;
//! 1 if gateway bit 12; else 0.
//!
//! A word pair is **well-formed** when the gateway word has bits 0 and 2 and the meter word
//! bit 2. A word lacking its identification bits is in another (or no) layout: its bits
//! are not named and no PTB status is derived from it ([`NotIdentified`]); the word is
//! shown as such with its hex digits. The older TRuDI sample files' `0000010500100504`
//! (paired there with `statusPTB` 0) is such a pair.
//!
//! [`CombinedStatus::ptb`] and [`GatewayStatus::ptb`] apply the table to the bits without
//! that check (kept for callers that need a number for any word); everything shown to
//! people uses the checked [`StatusWords::ptb`] / [`CombinedStatus::ptb_checked`].

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

/// Bit positions of the gateway status word (see the module docs).
pub mod gateway_bits {
    /// Bits 0 and 2: identification, both set in every gateway word.
    pub const IDENTIFICATION_MASK: u32 = 0b0101;
    /// Bit 1: transparency bit.
    pub const TRANSPARENCY: u32 = 1;
    /// Bit 8: fatal error (PTB 4).
    pub const FATAL_ERROR: u32 = 8;
    /// Bit 9: system time invalid (PTB 3).
    pub const SYSTEM_TIME_INVALID: u32 = 9;
    /// Bit 12: PTB warning (PTB 1).
    pub const PTB_WARNING: u32 = 12;
    /// Bit 13: PTB temporary error, value usable as substitute (PTB 2).
    pub const PTB_TEMPORARY_ERROR: u32 = 13;
    /// Bit 14: PTB critical temporary error (PTB 3).
    pub const PTB_CRITICAL_TEMPORARY_ERROR: u32 = 14;
}

/// Bit positions of the meter status word (see the module docs).
pub mod meter_bits {
    /// Bit 2: identification of the FNN layout.
    pub const IDENTIFICATION: u32 = 2;
    /// Bit 8: start-up, load above the start-up threshold.
    pub const START_UP: u32 = 8;
    /// Bit 9: magnetically influenced (PTB 3).
    pub const MAGNETIC_INFLUENCE: u32 = 9;
    /// Bit 10: manipulation, terminal cover or parameter switch opened (PTB 3).
    pub const MANIPULATION: u32 = 10;
    /// Bit 11: energy direction of the sum negative (export).
    pub const SUM_DIRECTION_NEGATIVE: u32 = 11;
    /// Bit 12: energy direction L1 negative.
    pub const L1_DIRECTION_NEGATIVE: u32 = 12;
    /// Bit 13: energy direction L2 negative.
    pub const L2_DIRECTION_NEGATIVE: u32 = 13;
    /// Bit 14: energy direction L3 negative.
    pub const L3_DIRECTION_NEGATIVE: u32 = 14;
    /// Bit 15: phase sequence (rotating field) not L1-L2-L3.
    pub const PHASE_SEQUENCE: u32 = 15;
    /// Bit 16: backstop active.
    pub const BACKSTOP: u32 = 16;
    /// Bit 17: fatal error (PTB 4).
    pub const FATAL_ERROR: u32 = 17;
    /// Bit 18: voltage present on L1.
    pub const VOLTAGE_L1: u32 = 18;
    /// Bit 19: voltage present on L2.
    pub const VOLTAGE_L2: u32 = 19;
    /// Bit 20: voltage present on L3.
    pub const VOLTAGE_L3: u32 = 20;
}

/// The identification pattern of every gateway word: bits 0 and 2 (`A…` in hex), as
/// [`GatewayStatus::identification`] returns it.
pub const GATEWAY_IDENTIFICATION: u8 = 0b0101;

/// A named bit of the gateway status word (identification excluded: see
/// [`GatewayStatus::is_identified`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayBit {
    /// Bit 1: transparency bit.
    Transparency,
    /// Bit 8: fatal error.
    FatalError,
    /// Bit 9: system time invalid.
    SystemTimeInvalid,
    /// Bit 12: PTB warning.
    PtbWarning,
    /// Bit 13: PTB temporary error (value invalid, signed value usable as substitute).
    PtbTemporaryError,
    /// Bit 14: PTB critical temporary error (value invalid).
    PtbCriticalTemporaryError,
}

impl GatewayBit {
    /// All named bits, in bit order.
    pub const ALL: [GatewayBit; 6] = [
        GatewayBit::Transparency,
        GatewayBit::FatalError,
        GatewayBit::SystemTimeInvalid,
        GatewayBit::PtbWarning,
        GatewayBit::PtbTemporaryError,
        GatewayBit::PtbCriticalTemporaryError,
    ];

    /// The bit number (bit n = `1 << n` of [`GatewayStatus::logical`]).
    pub fn position(self) -> u32 {
        match self {
            GatewayBit::Transparency => gateway_bits::TRANSPARENCY,
            GatewayBit::FatalError => gateway_bits::FATAL_ERROR,
            GatewayBit::SystemTimeInvalid => gateway_bits::SYSTEM_TIME_INVALID,
            GatewayBit::PtbWarning => gateway_bits::PTB_WARNING,
            GatewayBit::PtbTemporaryError => gateway_bits::PTB_TEMPORARY_ERROR,
            GatewayBit::PtbCriticalTemporaryError => gateway_bits::PTB_CRITICAL_TEMPORARY_ERROR,
        }
    }

    /// The bit's meaning in words.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            GatewayBit::Transparency => lang.pick("Transparenzbit", "transparency bit"),
            GatewayBit::FatalError => lang.pick("Gateway: fataler Fehler", "gateway: fatal error"),
            GatewayBit::SystemTimeInvalid => {
                lang.pick("Systemzeit ungültig", "system time invalid")
            }
            GatewayBit::PtbWarning => lang.pick("PTB-Warnung", "PTB warning"),
            GatewayBit::PtbTemporaryError => lang.pick(
                "PTB: vorübergehender Fehler (signierter Wert als Ersatzwert nutzbar)",
                "PTB: temporary error (signed value usable as substitute)",
            ),
            GatewayBit::PtbCriticalTemporaryError => lang.pick(
                "PTB: kritischer vorübergehender Fehler (Wert ungültig)",
                "PTB: critical temporary error (value invalid)",
            ),
        }
    }
}

/// A named bit of the meter status word (identification excluded: see
/// [`MeterStatus::is_identified`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeterBit {
    /// Bit 8: start-up, load above the start-up threshold.
    StartUp,
    /// Bit 9: magnetically influenced.
    MagneticInfluence,
    /// Bit 10: manipulation (terminal cover / parameter switch opened).
    Manipulation,
    /// Bit 11: energy direction of the sum negative (export).
    SumDirectionNegative,
    /// Bit 12: energy direction L1 negative.
    L1DirectionNegative,
    /// Bit 13: energy direction L2 negative.
    L2DirectionNegative,
    /// Bit 14: energy direction L3 negative.
    L3DirectionNegative,
    /// Bit 15: phase sequence (rotating field) not L1-L2-L3.
    PhaseSequence,
    /// Bit 16: backstop active.
    Backstop,
    /// Bit 17: fatal error.
    FatalError,
    /// Bit 18: voltage present on L1.
    VoltageL1,
    /// Bit 19: voltage present on L2.
    VoltageL2,
    /// Bit 20: voltage present on L3.
    VoltageL3,
}

impl MeterBit {
    /// All named bits, in bit order.
    pub const ALL: [MeterBit; 13] = [
        MeterBit::StartUp,
        MeterBit::MagneticInfluence,
        MeterBit::Manipulation,
        MeterBit::SumDirectionNegative,
        MeterBit::L1DirectionNegative,
        MeterBit::L2DirectionNegative,
        MeterBit::L3DirectionNegative,
        MeterBit::PhaseSequence,
        MeterBit::Backstop,
        MeterBit::FatalError,
        MeterBit::VoltageL1,
        MeterBit::VoltageL2,
        MeterBit::VoltageL3,
    ];

    /// The bit number (bit n = `1 << n` of [`MeterStatus::logical`]).
    pub fn position(self) -> u32 {
        use meter_bits as m;
        match self {
            MeterBit::StartUp => m::START_UP,
            MeterBit::MagneticInfluence => m::MAGNETIC_INFLUENCE,
            MeterBit::Manipulation => m::MANIPULATION,
            MeterBit::SumDirectionNegative => m::SUM_DIRECTION_NEGATIVE,
            MeterBit::L1DirectionNegative => m::L1_DIRECTION_NEGATIVE,
            MeterBit::L2DirectionNegative => m::L2_DIRECTION_NEGATIVE,
            MeterBit::L3DirectionNegative => m::L3_DIRECTION_NEGATIVE,
            MeterBit::PhaseSequence => m::PHASE_SEQUENCE,
            MeterBit::Backstop => m::BACKSTOP,
            MeterBit::FatalError => m::FATAL_ERROR,
            MeterBit::VoltageL1 => m::VOLTAGE_L1,
            MeterBit::VoltageL2 => m::VOLTAGE_L2,
            MeterBit::VoltageL3 => m::VOLTAGE_L3,
        }
    }

    /// The bit's meaning in words.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            MeterBit::StartUp => lang.pick(
                "Anlauf: Last über der Anlaufschwelle",
                "start-up: load above the start-up threshold",
            ),
            MeterBit::MagneticInfluence => lang.pick(
                "Zähler magnetisch beeinflusst",
                "meter magnetically influenced",
            ),
            MeterBit::Manipulation => lang.pick(
                "Manipulation (Klemmendeckel oder Parameterschalter geöffnet)",
                "manipulation (terminal cover or parameter switch opened)",
            ),
            MeterBit::SumDirectionNegative => lang.pick(
                "Energierichtung Summe negativ (Einspeisung)",
                "energy direction of the sum negative (export)",
            ),
            MeterBit::L1DirectionNegative => {
                lang.pick("Energierichtung L1 negativ", "energy direction L1 negative")
            }
            MeterBit::L2DirectionNegative => {
                lang.pick("Energierichtung L2 negativ", "energy direction L2 negative")
            }
            MeterBit::L3DirectionNegative => {
                lang.pick("Energierichtung L3 negativ", "energy direction L3 negative")
            }
            MeterBit::PhaseSequence => {
                lang.pick("Drehfeld nicht L1-L2-L3", "phase sequence not L1-L2-L3")
            }
            MeterBit::Backstop => lang.pick("Rücklaufsperre aktiv", "backstop active"),
            MeterBit::FatalError => lang.pick("Zähler: fataler Fehler", "meter: fatal error"),
            MeterBit::VoltageL1 => lang.pick("Spannung an L1", "voltage on L1"),
            MeterBit::VoltageL2 => lang.pick("Spannung an L2", "voltage on L2"),
            MeterBit::VoltageL3 => lang.pick("Spannung an L3", "voltage on L3"),
        }
    }
}

/// The named flags of a gateway status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct GatewayFlags {
    /// Transparency bit (bit 1).
    pub transparency: bool,
    /// Fatal error (bit 8).
    pub fatal_error: bool,
    /// System time invalid (bit 9).
    pub system_time_invalid: bool,
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

    /// Bits 0 and 2 (`0b0101` in every gateway word).
    pub fn identification(self) -> u8 {
        // The mask keeps bits 0 and 2 only, so the value fits a u8.
        (self.logical & gateway_bits::IDENTIFICATION_MASK) as u8
    }

    /// True if both identification bits (0 and 2) are set.
    pub fn is_identified(self) -> bool {
        self.identification() == GATEWAY_IDENTIFICATION
    }

    /// Whether a named bit is set (regardless of the identification).
    pub fn has(self, bit: GatewayBit) -> bool {
        self.bit(bit.position())
    }

    /// The named bits that are set, in bit order (regardless of the identification).
    pub fn set_bits(self) -> Vec<GatewayBit> {
        GatewayBit::ALL
            .into_iter()
            .filter(|b| self.has(*b))
            .collect()
    }

    /// The named flags.
    pub fn flags(self) -> GatewayFlags {
        GatewayFlags {
            transparency: self.has(GatewayBit::Transparency),
            fatal_error: self.has(GatewayBit::FatalError),
            system_time_invalid: self.has(GatewayBit::SystemTimeInvalid),
            ptb_warning: self.has(GatewayBit::PtbWarning),
            ptb_temporary_error: self.has(GatewayBit::PtbTemporaryError),
            ptb_critical_temporary_error: self.has(GatewayBit::PtbCriticalTemporaryError),
        }
    }

    /// Set bits that the table does not name (neither identification nor a named bit).
    pub fn unknown_bits(self) -> u32 {
        let known = GatewayBit::ALL
            .iter()
            .fold(gateway_bits::IDENTIFICATION_MASK, |m, b| {
                m | 1 << b.position()
            });
        self.logical & !known
    }

    /// The PTB status from this word alone, by the table's rules for the gateway bits
    /// (fatal 8 → 4; time invalid 9 or 14 → 3; 13 → 2; 12 → 1; else 0), without checking
    /// the identification. See [`ptb_of_words`] for the checked status of a reading.
    pub fn ptb(self) -> PtbStatus {
        ptb_from_bits(self, None)
    }
}

/// The table's mapping, applied to the bits as they are.
fn ptb_from_bits(gateway: GatewayStatus, meter: Option<MeterStatus>) -> PtbStatus {
    let g = gateway.flags();
    let m = |b: MeterBit| meter.is_some_and(|w| w.has(b));
    if m(MeterBit::FatalError) || g.fatal_error {
        PtbStatus::Fatal
    } else if g.system_time_invalid
        || g.ptb_critical_temporary_error
        || m(MeterBit::Manipulation)
        || m(MeterBit::MagneticInfluence)
    {
        PtbStatus::CriticalTemporary
    } else if g.ptb_temporary_error {
        PtbStatus::Temporary
    } else if g.ptb_warning {
        PtbStatus::Warning
    } else {
        PtbStatus::NoError
    }
}

/// Why no PTB status is derived from a word pair: a word lacks its identification bits,
/// so it is in another (or no) layout and its bits cannot be read by the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NotIdentified {
    /// The gateway word, if it lacks bits 0 and 2.
    pub gateway: Option<GatewayStatus>,
    /// The meter word, if it lacks bit 2.
    pub meter: Option<MeterStatus>,
}

impl NotIdentified {
    /// In words, naming the unreadable word(s) with their hex digits.
    pub fn text(self, lang: Lang) -> String {
        let mut parts = Vec::with_capacity(2);
        if let Some(g) = self.gateway {
            parts.push(format!(
                "{} {}",
                lang.pick(
                    "Gateway-Statuswort ohne Kennung, nicht ausgewertet:",
                    "gateway status word without identification, not interpreted:"
                ),
                g.to_hex()
            ));
        }
        if let Some(m) = self.meter {
            parts.push(format!(
                "{} {}",
                lang.pick(
                    "Zähler-Statuswort ohne Kennung, nicht ausgewertet:",
                    "meter status word without identification, not interpreted:"
                ),
                m.to_hex()
            ));
        }
        parts.join("; ")
    }
}

impl fmt::Display for NotIdentified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for NotIdentified {}

/// The PTB status of a gateway word and, if sent, the meter word, exactly by the table of
/// the module docs; [`NotIdentified`] if a word lacks its identification bits. Without a
/// meter word only the gateway rules apply.
pub fn ptb_of_words(
    gateway: GatewayStatus,
    meter: Option<MeterStatus>,
) -> Result<PtbStatus, NotIdentified> {
    let bad = NotIdentified {
        gateway: (!gateway.is_identified()).then_some(gateway),
        meter: meter.filter(|m| !m.is_identified()),
    };
    if bad.gateway.is_some() || bad.meter.is_some() {
        return Err(bad);
    }
    Ok(ptb_from_bits(gateway, meter))
}

/// The meter's 4-byte status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeterStatus {
    logical: u32,
}

impl MeterStatus {
    /// Bit 2: identification of the FNN layout, set in every meter word a gateway sent.
    pub const IDENTIFICATION_BIT: u32 = meter_bits::IDENTIFICATION;
    /// Bit 8: load above the start-up threshold.
    pub const LOAD_BIT: u32 = meter_bits::START_UP;
    /// Bit 11: energy direction of the sum, set while exporting.
    pub const EXPORT_BIT: u32 = meter_bits::SUM_DIRECTION_NEGATIVE;

    /// Load and energy direction, for words in the FNN layout (identification bit set);
    /// `None` for other layouts, whose bits mean other things.
    pub fn flags(self) -> Option<MeterFlags> {
        self.is_identified().then(|| {
            let load = self.has(MeterBit::StartUp);
            MeterFlags {
                load,
                // Without load no energy flows: the direction bit says nothing then.
                direction: load.then(|| {
                    if self.has(MeterBit::SumDirectionNegative) {
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

    /// True if the identification bit (2) is set.
    pub fn is_identified(self) -> bool {
        self.bit(Self::IDENTIFICATION_BIT)
    }

    /// Whether a named bit is set (regardless of the identification).
    pub fn has(self, bit: MeterBit) -> bool {
        self.bit(bit.position())
    }

    /// The named bits that are set, in bit order (regardless of the identification).
    pub fn set_bits(self) -> Vec<MeterBit> {
        MeterBit::ALL.into_iter().filter(|b| self.has(*b)).collect()
    }

    /// Set bits that the table does not name (neither identification nor a named bit).
    pub fn unknown_bits(self) -> u32 {
        let known = MeterBit::ALL
            .iter()
            .fold(1 << Self::IDENTIFICATION_BIT, |m, b| m | 1 << b.position());
        self.logical & !known
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

/// Load and energy direction from a meter status word.
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

/// The status words a value came with: the gateway word and, if sent, the meter word.
///
/// This is what people are shown: [`StatusWords::ptb`] (checked against the
/// identification bits) and [`StatusWords::texts`] (the set bits in words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWords {
    /// The gateway word.
    pub gateway: GatewayStatus,
    /// The meter word, if sent.
    pub meter: Option<MeterStatus>,
}

impl StatusWords {
    /// The PTB status by the table, or [`NotIdentified`]; see [`ptb_of_words`].
    pub fn ptb(self) -> Result<PtbStatus, NotIdentified> {
        ptb_of_words(self.gateway, self.meter)
    }

    /// The set bits in words, gateway word first, in bit order; set bits the table does not
    /// name are listed by number. A word without its identification bits is listed as such
    /// with its hex digits, its bits not named. Empty when no bit but the identification
    /// is set.
    pub fn texts(self, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        let bad = NotIdentified {
            gateway: (!self.gateway.is_identified()).then_some(self.gateway),
            meter: self.meter.filter(|m| !m.is_identified()),
        };
        if bad.gateway.is_some() {
            out.push(NotIdentified { meter: None, ..bad }.text(lang));
        } else {
            let g = self.gateway;
            out.extend(g.set_bits().into_iter().map(|b| b.text(lang).to_owned()));
            out.extend(unknown_texts(
                g.unknown_bits(),
                lang.pick("Gateway", "gateway"),
                lang,
            ));
        }
        if bad.meter.is_some() {
            out.push(
                NotIdentified {
                    gateway: None,
                    ..bad
                }
                .text(lang),
            );
        } else if let Some(m) = self.meter {
            out.extend(m.set_bits().into_iter().map(|b| b.text(lang).to_owned()));
            out.extend(unknown_texts(
                m.unknown_bits(),
                lang.pick("Zähler", "meter"),
                lang,
            ));
        }
        out
    }

    /// [`StatusWords::texts`] joined with `"; "` (empty when nothing is set).
    pub fn text(self, lang: Lang) -> String {
        self.texts(lang).join("; ")
    }
}

fn unknown_texts(bits: u32, word: &str, lang: Lang) -> impl Iterator<Item = String> + '_ {
    (0..32u32)
        .filter(move |n| bits & (1 << n) != 0)
        .map(move |n| {
            format!(
                "{} {n} ({word})",
                lang.pick("unbenanntes Bit", "unnamed bit")
            )
        })
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

    /// The PTB status by the table of the module docs (both words), applied to the bits
    /// without checking the identification; see [`CombinedStatus::ptb_checked`].
    pub fn ptb(self) -> PtbStatus {
        ptb_from_bits(self.gateway, Some(self.meter))
    }

    /// The PTB status by the table, or [`NotIdentified`] if a word lacks its
    /// identification bits.
    pub fn ptb_checked(self) -> Result<PtbStatus, NotIdentified> {
        self.words().ptb()
    }

    /// Both words, for [`StatusWords::ptb`] and [`StatusWords::texts`].
    pub fn words(self) -> StatusWords {
        StatusWords {
            gateway: self.gateway,
            meter: Some(self.meter),
        }
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
        } else if f.ptb_critical_temporary_error || f.ptb_temporary_error || f.system_time_invalid {
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

    /// Every check vector of `../shared/reference/status-words.md`, verbatim.
    const CHECK_VECTORS: [(&str, u8); 10] = [
        ("A084000020000000", 4),
        ("A004000020000000", 2),
        ("A000000020000000", 0),
        ("A008000020000000", 1),
        ("A002000020000000", 3),
        ("A000000020400000", 3),
        ("A000000020200000", 3),
        ("A040000020000000", 3),
        ("A000000020004000", 4),
        ("E000000020000000", 0),
    ];

    #[test]
    fn reference_vectors() {
        for (hex, want) in CHECK_VECTORS {
            let s = CombinedStatus::from_hex(hex).unwrap();
            let want = PtbStatus::from_code(want).unwrap();
            assert_eq!(s.ptb_checked(), Ok(want), "{hex}");
            assert_eq!(s.ptb(), want, "{hex}");
            assert_eq!(s.gateway.identification(), GATEWAY_IDENTIFICATION, "{hex}");
            assert!(
                s.gateway.is_identified() && s.meter.is_identified(),
                "{hex}"
            );
            assert_eq!(s.gateway.unknown_bits(), 0, "{hex}");
            assert_eq!(s.meter.unknown_bits(), 0, "{hex}");
            assert_eq!(s.to_hex(), hex.to_ascii_lowercase());
        }
    }

    #[test]
    fn check_vectors_name_their_bits() {
        let bits = |hex: &str| {
            let s = CombinedStatus::from_hex(hex).unwrap();
            (s.gateway.set_bits(), s.meter.set_bits())
        };
        use GatewayBit as G;
        use MeterBit as M;
        assert_eq!(
            bits("A084000020000000"),
            (vec![G::FatalError, G::PtbTemporaryError], vec![])
        );
        assert_eq!(
            bits("A004000020000000"),
            (vec![G::PtbTemporaryError], vec![])
        );
        assert_eq!(bits("A000000020000000"), (vec![], vec![]));
        assert_eq!(bits("A008000020000000"), (vec![G::PtbWarning], vec![]));
        assert_eq!(
            bits("A002000020000000"),
            (vec![G::PtbCriticalTemporaryError], vec![])
        );
        assert_eq!(
            bits("A000000020400000"),
            (vec![], vec![M::MagneticInfluence])
        );
        assert_eq!(bits("A000000020200000"), (vec![], vec![M::Manipulation]));
        assert_eq!(
            bits("A040000020000000"),
            (vec![G::SystemTimeInvalid], vec![])
        );
        assert_eq!(bits("A000000020004000"), (vec![], vec![M::FatalError]));
        assert_eq!(bits("E000000020000000"), (vec![G::Transparency], vec![]));
        let words = CombinedStatus::from_hex("A084000020000000")
            .unwrap()
            .words();
        assert_eq!(
            words.texts(Lang::De),
            vec![
                "Gateway: fataler Fehler".to_owned(),
                "PTB: vorübergehender Fehler (signierter Wert als Ersatzwert nutzbar)".to_owned()
            ]
        );
        assert_eq!(
            CombinedStatus::from_hex("A000000020400000")
                .unwrap()
                .words()
                .text(Lang::En),
            "meter magnetically influenced"
        );
        assert_eq!(
            CombinedStatus::from_hex("A000000020000000")
                .unwrap()
                .words()
                .texts(Lang::En),
            Vec::<String>::new()
        );
    }

    #[test]
    fn every_named_bit_has_its_mask_and_texts() {
        // Masks after reversal, from the tables of the reference file.
        let gateway = [
            (GatewayBit::Transparency, 0x0000_0002),
            (GatewayBit::FatalError, 0x0000_0100),
            (GatewayBit::SystemTimeInvalid, 0x0000_0200),
            (GatewayBit::PtbWarning, 0x0000_1000),
            (GatewayBit::PtbTemporaryError, 0x0000_2000),
            (GatewayBit::PtbCriticalTemporaryError, 0x0000_4000),
        ];
        assert_eq!(gateway.len(), GatewayBit::ALL.len());
        let mut texts = std::collections::HashSet::new();
        for (bit, mask) in gateway {
            assert_eq!(1u32 << bit.position(), mask, "{bit:?}");
            let w = GatewayStatus::from_logical(0b0101 | mask);
            assert_eq!(w.set_bits(), vec![bit]);
            assert_eq!(w.unknown_bits(), 0);
            assert_ne!(bit.text(Lang::De), bit.text(Lang::En));
            assert!(texts.insert(bit.text(Lang::De)) && texts.insert(bit.text(Lang::En)));
        }
        let meter = [
            (MeterBit::StartUp, 0x0000_0100),
            (MeterBit::MagneticInfluence, 0x0000_0200),
            (MeterBit::Manipulation, 0x0000_0400),
            (MeterBit::SumDirectionNegative, 0x0000_0800),
            (MeterBit::L1DirectionNegative, 0x0000_1000),
            (MeterBit::L2DirectionNegative, 0x0000_2000),
            (MeterBit::L3DirectionNegative, 0x0000_4000),
            (MeterBit::PhaseSequence, 0x0000_8000),
            (MeterBit::Backstop, 0x0001_0000),
            (MeterBit::FatalError, 0x0002_0000),
            (MeterBit::VoltageL1, 0x0004_0000),
            (MeterBit::VoltageL2, 0x0008_0000),
            (MeterBit::VoltageL3, 0x0010_0000),
        ];
        assert_eq!(meter.len(), MeterBit::ALL.len());
        for (bit, mask) in meter {
            assert_eq!(1u32 << bit.position(), mask, "{bit:?}");
            let w = MeterStatus::from_logical(0b0100 | mask);
            assert_eq!(w.set_bits(), vec![bit]);
            assert_eq!(w.unknown_bits(), 0);
            assert_ne!(bit.text(Lang::De), bit.text(Lang::En));
            assert!(texts.insert(bit.text(Lang::De)) && texts.insert(bit.text(Lang::En)));
        }
        assert_eq!(gateway_bits::IDENTIFICATION_MASK, 0x0000_0005);
        assert_eq!(1u32 << meter_bits::IDENTIFICATION, 0x0000_0004);
        // Serde names for programs.
        assert_eq!(
            serde_json::to_string(&MeterBit::L2DirectionNegative).unwrap(),
            "\"l2-direction-negative\""
        );
        assert_eq!(
            serde_json::to_string(&GatewayBit::SystemTimeInvalid).unwrap(),
            "\"system-time-invalid\""
        );
    }

    #[test]
    fn ptb_rules_in_order() {
        let g =
            |bits: &[u32]| GatewayStatus::from_logical(bits.iter().fold(0b0101, |w, b| w | 1 << b));
        let m =
            |bits: &[u32]| MeterStatus::from_logical(bits.iter().fold(0b0100, |w, b| w | 1 << b));
        let ptb = |gw: &[u32], mw: &[u32]| ptb_of_words(g(gw), Some(m(mw))).map(PtbStatus::code);
        // Fatal wins over everything, from either word.
        assert_eq!(ptb(&[8, 9, 12, 13, 14], &[9, 10]), Ok(4));
        assert_eq!(ptb(&[12, 13, 14], &[17]), Ok(4));
        // Critical: time invalid, gateway bit 14, manipulation, magnetic; over 2 and 1.
        for (gw, mw) in [
            (&[9u32][..], &[][..]),
            (&[14], &[]),
            (&[], &[10u32][..]),
            (&[], &[9]),
            (&[12, 13], &[9]),
        ] {
            assert_eq!(ptb(gw, mw), Ok(3), "{gw:?} {mw:?}");
        }
        assert_eq!(ptb(&[12, 13], &[]), Ok(2));
        assert_eq!(ptb(&[12], &[]), Ok(1));
        // Bits that do not enter the PTB status.
        assert_eq!(ptb(&[1], &[8, 11, 12, 13, 14, 15, 16, 18, 19, 20]), Ok(0));
        // Without a meter word only the gateway rules apply.
        assert_eq!(
            ptb_of_words(g(&[9]), None),
            Ok(PtbStatus::CriticalTemporary)
        );
        assert_eq!(ptb_of_words(g(&[]), None), Ok(PtbStatus::NoError));
    }

    #[test]
    fn words_without_identification_are_not_guessed() {
        // The older TRuDI sample files' word: neither half has its identification bits.
        let old = CombinedStatus::from_hex("0000010500100504").unwrap();
        let err = old.ptb_checked().unwrap_err();
        assert_eq!(err.gateway, Some(old.gateway));
        assert_eq!(err.meter, Some(old.meter));
        assert_eq!(
            old.words().texts(Lang::En),
            vec![
                "gateway status word without identification, not interpreted: 00000105".to_owned(),
                "meter status word without identification, not interpreted: 00100504".to_owned()
            ]
        );
        // Only one half lacking: the other is still named, no PTB status either way.
        let fatal_without_meter_id = CombinedStatus::from_hex("A084000000000000").unwrap();
        let err = fatal_without_meter_id.ptb_checked().unwrap_err();
        assert_eq!(
            (err.gateway, err.meter.map(|m| m.to_hex())),
            (None, Some("00000000".into()))
        );
        assert_eq!(
            fatal_without_meter_id.words().texts(Lang::De),
            vec![
                "Gateway: fataler Fehler".to_owned(),
                "PTB: vorübergehender Fehler (signierter Wert als Ersatzwert nutzbar)".to_owned(),
                "Zähler-Statuswort ohne Kennung, nicht ausgewertet: 00000000".to_owned(),
            ]
        );
        // One identification bit is not enough.
        for g in ["80000000", "20000000", "00000000", "ffffffff"] {
            let w = GatewayStatus::from_hex(g).unwrap();
            let identified = g == "ffffffff";
            assert_eq!(w.is_identified(), identified, "{g}");
            assert_eq!(ptb_of_words(w, None).is_ok(), identified, "{g}");
        }
        assert!(!MeterStatus::from_hex("dfffffff").unwrap().is_identified());
        assert_eq!(
            ptb_of_words(
                GatewayStatus::from_hex("a0000000").unwrap(),
                Some(MeterStatus::from_hex("dfffffff").unwrap())
            )
            .unwrap_err()
            .text(Lang::En),
            "meter status word without identification, not interpreted: dfffffff"
        );
    }

    #[test]
    fn edge_words_decode_totally() {
        for (g, m) in [
            (0u32, 0u32),
            (u32::MAX, u32::MAX),
            (0x5, 0x4),
            (0xAAAA_AAAA, 0x5555_5555),
            (0x5555_5555, 0xAAAA_AAAA),
            (1 << 31, 1 << 31),
        ] {
            for lang in [Lang::De, Lang::En] {
                let c = CombinedStatus {
                    gateway: GatewayStatus::from_logical(g),
                    meter: MeterStatus::from_logical(m),
                };
                let texts = c.words().texts(lang);
                let _ = c.ptb_checked();
                let _ = c.ptb();
                assert_eq!(CombinedStatus::from_hex(&c.to_hex()).unwrap(), c);
                // Every set bit is either named or listed as unnamed, unless unidentified.
                if c.gateway.is_identified() && c.meter.is_identified() {
                    let named = c.gateway.set_bits().len() + c.meter.set_bits().len();
                    let unknown = (c.gateway.unknown_bits().count_ones()
                        + c.meter.unknown_bits().count_ones())
                        as usize;
                    assert_eq!(texts.len(), named + unknown, "{g:x} {m:x}");
                }
            }
        }
        // All bits set: everything named, fatal.
        let all = CombinedStatus::from_hex("ffffffffffffffff").unwrap();
        assert_eq!(all.ptb_checked(), Ok(PtbStatus::Fatal));
        assert_eq!(all.gateway.set_bits().len(), GatewayBit::ALL.len());
        assert_eq!(all.meter.set_bits().len(), MeterBit::ALL.len());
        assert!(all
            .words()
            .texts(Lang::En)
            .contains(&"unnamed bit 3 (gateway)".to_owned()));
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
        assert_eq!(c.ptb_checked(), Ok(PtbStatus::NoError));
        assert_eq!(
            c.words().text(Lang::En),
            "start-up: load above the start-up threshold; energy direction L1 negative; \
             energy direction L2 negative; voltage on L1; voltage on L2; voltage on L3"
        );
        // Older TRuDI sample files pair this statusFNN with statusPTB 0; it has no
        // identification bits, so no status is derived from it.
        let old = CombinedStatus::from_hex("0000010500100504").unwrap();
        assert!(old.ptb_checked().is_err());
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
        let g = GatewayStatus::from_hex("a0000010").unwrap();
        assert_eq!(g.unknown_bits(), 1 << 27);
        assert_eq!(g.ptb(), PtbStatus::NoError);
        assert_eq!(g.to_hex(), "a0000010");
        // Bit 9 is named now: system time invalid.
        let t = GatewayStatus::from_hex("a0400000").unwrap();
        assert_eq!(t.unknown_bits(), 0);
        assert_eq!(t.ptb(), PtbStatus::CriticalTemporary);
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
