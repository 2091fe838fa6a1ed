//! Frozen registers (field failure 25): a defective meter or gateway went on sending the
//! same register value for weeks while the time advanced, and nobody noticed.
//!
//! Only the total active-energy import register of an electricity meter (`1-x:1.8.0`) is
//! watched: it moves whenever anything in the home draws power (fridge, standby), so a week
//! without change is worth a word. Export (`2.8.0`), tariff registers and gas legitimately
//! stand still for weeks (no sun, another tariff stage, summer), and even an import register
//! may (an empty flat), so the result is a warning phrased as a question, never a verdict.

use chrono::{DateTime, Duration, Utc};

use crate::time::berlin_date;
use crate::{Lang, Obis};

/// A register unchanged for at least this long while values kept arriving is reported.
pub const FROZEN_AFTER: Duration = Duration::days(7);

/// A register that has shown the same value for [`FROZEN_AFTER`] or longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrozenRegister {
    /// The register.
    pub obis: Obis,
    /// The first value of the unchanged run (its target time).
    pub since: DateTime<Utc>,
    /// The newest value, still the same.
    pub newest: DateTime<Utc>,
}

/// Whether a register watched for freezing (see the module comment) has stood still too
/// long: `unchanged_since` is the first target time of the newest run of equal values,
/// `newest` the newest target time.
pub fn frozen_register(
    obis: Obis,
    unchanged_since: Option<DateTime<Utc>>,
    newest: Option<DateTime<Utc>>,
) -> Option<FrozenRegister> {
    let watched = obis.a == 1 && obis.c == 1 && obis.d == 8 && obis.e == 0;
    let (since, newest) = (unchanged_since?, newest?);
    (watched && newest - since >= FROZEN_AFTER).then_some(FrozenRegister {
        obis,
        since,
        newest,
    })
}

impl FrozenRegister {
    /// Whole days the register has stood still.
    pub fn days(&self) -> i64 {
        (self.newest - self.since).num_days()
    }

    /// The warning (German/English) with what to do.
    pub fn message(&self, lang: Lang) -> String {
        let since = berlin_date(self.since);
        let (obis, days) = (self.obis, self.days());
        match lang {
            Lang::De => format!(
                "Der Zählerstand {obis} ist seit dem {} unverändert ({days} Tage), obwohl das \
                 Gateway weiter Werte liefert. Wurde in dieser Zeit Strom verbraucht, sind \
                 Zähler oder Gateway vielleicht defekt: bitte dem Messstellenbetreiber melden.",
                since.format("%d.%m.%Y")
            ),
            Lang::En => format!(
                "The register {obis} has not changed since {} ({days} days), although the \
                 gateway keeps sending values. If electricity was used in that time, the meter \
                 or the gateway may be defective: please tell your meter operator.",
                since.format("%Y-%m-%d")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 3, day, 23, 0, 0).unwrap())
    }

    const IMPORT: Obis = Obis::new(1, 0, 1, 8, 0, 255);

    #[test]
    fn a_week_without_change_of_the_import_register_is_reported() {
        let frozen = frozen_register(IMPORT, t(1), t(8)).expect("seven days");
        assert_eq!(frozen.days(), 7);
        assert!(
            frozen.message(Lang::De).contains("02.03.2026"),
            "Berlin date"
        );
        assert!(frozen.message(Lang::En).contains("2026-03-02"));
        assert!(frozen.message(Lang::En).contains("1-0:1.8.0"));
        assert!(
            frozen_register(IMPORT, t(2), t(8)).is_none(),
            "six days are not"
        );
    }

    #[test]
    fn registers_that_may_stand_still_are_not_watched() {
        for obis in [
            Obis::new(1, 0, 2, 8, 0, 255),  // export: no sun
            Obis::new(1, 0, 1, 8, 2, 255),  // a tariff stage not in use
            Obis::new(7, 0, 3, 0, 0, 255),  // gas in summer
            Obis::new(1, 0, 16, 7, 0, 255), // power, not a register
        ] {
            assert!(frozen_register(obis, t(1), t(20)).is_none(), "{obis}");
        }
        assert!(frozen_register(Obis::new(1, 1, 1, 8, 0, 255), t(1), t(20)).is_some());
    }

    #[test]
    fn nothing_known_is_nothing_reported() {
        assert!(frozen_register(IMPORT, None, t(20)).is_none());
        assert!(frozen_register(IMPORT, t(1), None).is_none());
    }
}
