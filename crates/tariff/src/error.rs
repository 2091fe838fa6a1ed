//! Why a bill cannot be recomputed. Every error has a stable code and a German and an
//! English message, because the user interface is bilingual.

use chrono::{DateTime, FixedOffset, NaiveDate};
use smgw_model::Obis;

/// A precondition of the transparency function is not met.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TariffError {
    /// The profile's use case is neither TAF-1 nor TAF-2.
    #[error("tariff use case {0} is not supported (only TAF-1 and TAF-2)")]
    UnsupportedUseCase(u16),
    /// The device file holds no original value list.
    #[error("the device data contain no original value list")]
    NoOriginalValueList,
    /// TAF-1 allows at most three original value lists.
    #[error("{0} original value lists found; TAF-1 allows at most 3")]
    TooManyOriginalValueLists(usize),
    /// A value list is a derived register, not an original value list.
    #[error("value list {obis} of meter {meter_id} is not an original value list")]
    NotAnOriginalValueList {
        /// OBIS id of the list.
        obis: Obis,
        /// Meter id of the list.
        meter_id: String,
    },
    /// The tariff has more stages than there are value lists to fill them.
    #[error("the tariff has {stages} tariff stages but only {lists} original value lists")]
    MoreStagesThanLists {
        /// Number of tariff stages.
        stages: usize,
        /// Number of original value lists.
        lists: usize,
    },
    /// The billing period is empty or ends before it starts.
    #[error("the billing period {start} .. {end} is empty")]
    EmptyBillingPeriod {
        /// Start.
        start: DateTime<FixedOffset>,
        /// End.
        end: DateTime<FixedOffset>,
    },
    /// TAF-1: the billing period must start on the 1st of a month at midnight (local).
    #[error("the billing period must start on the 1st of a month at 00:00, not {0}")]
    PeriodNotOnFirst(DateTime<FixedOffset>),
    /// TAF-1: the billing period must last 1, 2, 3, 6 or 12 whole months.
    #[error("the billing period {start} .. {end} is not 1, 2, 3, 6 or 12 whole months")]
    InvalidPeriodLength {
        /// Start.
        start: DateTime<FixedOffset>,
        /// End.
        end: DateTime<FixedOffset>,
    },
    /// TAF-1: the special-day count is not a multiple of the period's days.
    #[error("{count} special days do not fit a billing period of {days} days")]
    SpecialDayCount {
        /// Number of special-day entries.
        count: usize,
        /// Number of days of the billing period.
        days: i64,
    },
    /// TAF-1: no valid value at the start of the billing period.
    #[error("value list {obis} of meter {meter_id} has no valid value at the period start {at}")]
    MissingStartValue {
        /// OBIS id of the list.
        obis: Obis,
        /// Meter id of the list.
        meter_id: String,
        /// Start of the billing period.
        at: DateTime<FixedOffset>,
    },
    /// TAF-1: no valid value at the end of the billing period.
    #[error("value list {obis} of meter {meter_id} has no valid value at the period end {at}")]
    MissingEndValue {
        /// OBIS id of the list.
        obis: Obis,
        /// Meter id of the list.
        meter_id: String,
        /// End of the billing period.
        at: DateTime<FixedOffset>,
    },
    /// No tariff stage counts the quantity of a value list.
    #[error("no tariff stage of the tariff books value list {0}")]
    NoStageForList(Obis),
    /// Two tariff stages use the same tariff number.
    #[error("tariff number {0} is used by more than one tariff stage")]
    DuplicateTariff(u16),
    /// A day profile (or the default) names a tariff number without a tariff stage.
    #[error("day profile {day_id:?} uses tariff {tariff}, which has no tariff stage")]
    UnknownTariff {
        /// Day profile id ("" for the default tariff).
        day_id: String,
        /// Tariff number.
        tariff: u16,
    },
    /// The calendar names a day profile that does not exist.
    #[error("the calendar entry for {date} names the unknown day profile {day_id:?}")]
    UnknownDayProfile {
        /// Date of the calendar entry.
        date: NaiveDate,
        /// Day profile id.
        day_id: String,
    },
    /// A day profile has no switching points or an impossible time.
    #[error("day profile {0:?} has no switching points or an invalid time")]
    InvalidDayProfile(String),
    /// TAF-2: no day profile fits a value list on a date of the billing period.
    #[error("no day profile for value list {obis} on {date}")]
    NoDayProfile {
        /// Date.
        date: NaiveDate,
        /// OBIS id of the list.
        obis: Obis,
    },
    /// TAF-2: fewer than two valid values of a value list fall into the billing period.
    #[error("value list {obis} of meter {meter_id} has fewer than two valid values in the billing period")]
    NoValuesInPeriod {
        /// OBIS id of the list.
        obis: Obis,
        /// Meter id of the list.
        meter_id: String,
    },
}

impl TariffError {
    /// A stable identifier for programs and translations.
    pub fn code(&self) -> &'static str {
        match self {
            TariffError::UnsupportedUseCase(_) => "TARIFF_UNSUPPORTED_USE_CASE",
            TariffError::NoOriginalValueList => "TARIFF_NO_OVL",
            TariffError::TooManyOriginalValueLists(_) => "TARIFF_TOO_MANY_OVL",
            TariffError::NotAnOriginalValueList { .. } => "TARIFF_NOT_AN_OVL",
            TariffError::MoreStagesThanLists { .. } => "TARIFF_MORE_STAGES_THAN_OVL",
            TariffError::EmptyBillingPeriod { .. } => "TARIFF_EMPTY_PERIOD",
            TariffError::PeriodNotOnFirst(_) => "TARIFF_PERIOD_NOT_ON_FIRST",
            TariffError::InvalidPeriodLength { .. } => "TARIFF_PERIOD_LENGTH",
            TariffError::SpecialDayCount { .. } => "TARIFF_SPECIAL_DAY_COUNT",
            TariffError::MissingStartValue { .. } => "TARIFF_NO_START_VALUE",
            TariffError::MissingEndValue { .. } => "TARIFF_NO_END_VALUE",
            TariffError::NoStageForList(_) => "TARIFF_NO_STAGE_FOR_OVL",
            TariffError::DuplicateTariff(_) => "TARIFF_DUPLICATE_TARIFF",
            TariffError::UnknownTariff { .. } => "TARIFF_UNKNOWN_TARIFF",
            TariffError::UnknownDayProfile { .. } => "TARIFF_UNKNOWN_DAY_PROFILE",
            TariffError::InvalidDayProfile(_) => "TARIFF_INVALID_DAY_PROFILE",
            TariffError::NoDayProfile { .. } => "TARIFF_NO_DAY_PROFILE",
            TariffError::NoValuesInPeriod { .. } => "TARIFF_NO_VALUES_IN_PERIOD",
        }
    }

    /// The English message (same as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }

    /// The German message.
    pub fn message_de(&self) -> String {
        match self {
            TariffError::UnsupportedUseCase(n) => {
                format!("Tarifanwendungsfall {n} wird nicht unterstützt (nur TAF-1 und TAF-2)")
            }
            TariffError::NoOriginalValueList => {
                "Die Gerätedaten enthalten keine originäre Messwertliste".to_owned()
            }
            TariffError::TooManyOriginalValueLists(n) => {
                format!("{n} originäre Messwertlisten gefunden; TAF-1 erlaubt höchstens 3")
            }
            TariffError::NotAnOriginalValueList { obis, meter_id } => format!(
                "Die Werteliste {obis} des Zählers {meter_id} ist keine originäre Messwertliste"
            ),
            TariffError::MoreStagesThanLists { stages, lists } => format!(
                "Der Tarif hat {stages} Tarifstufen, aber nur {lists} originäre Messwertlisten"
            ),
            TariffError::EmptyBillingPeriod { start, end } => {
                format!("Der Abrechnungszeitraum {start} .. {end} ist leer")
            }
            TariffError::PeriodNotOnFirst(start) => format!(
                "Der Abrechnungszeitraum muss am 1. eines Monats um 00:00 Uhr beginnen, nicht {start}"
            ),
            TariffError::InvalidPeriodLength { start, end } => format!(
                "Der Abrechnungszeitraum {start} .. {end} umfasst nicht 1, 2, 3, 6 oder 12 ganze Monate"
            ),
            TariffError::SpecialDayCount { count, days } => format!(
                "{count} Sondertage passen nicht zu einem Abrechnungszeitraum von {days} Tagen"
            ),
            TariffError::MissingStartValue { obis, meter_id, at } => format!(
                "Die Werteliste {obis} des Zählers {meter_id} hat zu Beginn des Abrechnungszeitraums ({at}) keinen gültigen Wert"
            ),
            TariffError::MissingEndValue { obis, meter_id, at } => format!(
                "Die Werteliste {obis} des Zählers {meter_id} hat am Ende des Abrechnungszeitraums ({at}) keinen gültigen Wert"
            ),
            TariffError::NoStageForList(obis) => {
                format!("Keine Tarifstufe des Tarifs verbucht die Werteliste {obis}")
            }
            TariffError::DuplicateTariff(t) => {
                format!("Die Tarifnummer {t} wird von mehreren Tarifstufen verwendet")
            }
            TariffError::UnknownTariff { day_id, tariff } => format!(
                "Das Tagesprofil {day_id:?} verwendet den Tarif {tariff}, zu dem es keine Tarifstufe gibt"
            ),
            TariffError::UnknownDayProfile { date, day_id } => format!(
                "Der Kalendereintrag für den {date} nennt das unbekannte Tagesprofil {day_id:?}"
            ),
            TariffError::InvalidDayProfile(id) => format!(
                "Das Tagesprofil {id:?} hat keine Schaltzeitpunkte oder eine ungültige Uhrzeit"
            ),
            TariffError::NoDayProfile { date, obis } => {
                format!("Für die Werteliste {obis} gibt es am {date} kein Tagesprofil")
            }
            TariffError::NoValuesInPeriod { obis, meter_id } => format!(
                "Die Werteliste {obis} des Zählers {meter_id} hat weniger als zwei gültige Werte im Abrechnungszeitraum"
            ),
        }
    }
}
