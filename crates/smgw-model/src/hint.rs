//! Hints: what a consumer's data alone does not tell, shown only where it helps (the
//! command line and the window show the same words).
//!
//! Field failure 29: many meter operators issue one login per energy direction, so a
//! prosumer's first login shows import (OBIS C = 1) but no export (C = 2) and nothing says
//! why. Where an electricity meter has an import register and no export register, the
//! hint says that export is usually a second login. A login with export, or without any
//! energy register, gets no hint.

use std::collections::BTreeMap;

use crate::{Lang, Obis};

/// The meters (in order of their ids) whose channels include an import register but no
/// export register. `channels` are (OBIS, meter id); a channel without a meter id counts
/// for the meter `""` (one contract's channels, where the gateway names no meter).
pub fn meters_without_export<'a>(
    channels: impl IntoIterator<Item = (Obis, &'a str)>,
) -> Vec<String> {
    let mut by_meter: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for (obis, meter) in channels {
        let seen = by_meter.entry(meter).or_default();
        seen.0 |= obis.is_import();
        seen.1 |= obis.is_export();
    }
    by_meter
        .into_iter()
        .filter(|(_, (import, export))| *import && !*export)
        .map(|(meter, _)| meter.to_owned())
        .collect()
}

/// The hint in words; `meters` as returned by [`meters_without_export`] (empty ids are
/// not named).
pub fn no_export_text(meters: &[String], lang: Lang) -> String {
    let named: Vec<&str> = meters
        .iter()
        .map(String::as_str)
        .filter(|m| !m.is_empty())
        .collect();
    let which = if named.is_empty() {
        String::new()
    } else {
        format!(" ({})", named.join(", "))
    };
    match lang {
        Lang::De => format!(
            "Hinweis: Bezug (1.8.x) ist da, aber kein Einspeisekanal (2.8.x){which}. \
             Viele Messstellenbetreiber geben für die Einspeisung einen zweiten Zugang \
             (eigener Benutzer oder eigene Schlüsseldatei): Wenn Sie einspeisen (z. B. mit \
             einer PV-Anlage), fragen Sie Ihren Messstellenbetreiber danach und gleichen Sie \
             ihn ins selbe Archiv ab. Ohne Einspeisung ist nichts zu tun."
        ),
        Lang::En => format!(
            "Note: import (1.8.x) is there, but no export channel (2.8.x){which}. Many \
             meter operators give export a second login (its own user or key file): if you \
             feed energy into the grid (e.g. solar panels), ask your meter operator for it \
             and sync it into the same archive. Without export there is nothing to do."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obis(s: &str) -> Obis {
        s.parse().unwrap()
    }

    #[test]
    fn import_without_export_is_named_per_meter() {
        let chans = [
            (obis("1-0:1.8.0*255"), "1ESY1"),
            (obis("1-0:2.8.0*255"), "1ESY1"),
            (obis("1-0:1.8.0*255"), "1ESY2"),
            (obis("1-0:1.8.1*255"), "1ESY2"),
            // Gas and power channels are no energy registers of electricity.
            (obis("7-0:3.0.0*255"), "7GAS"),
            (obis("1-0:16.7.0*255"), "1ESY3"),
        ];
        assert_eq!(meters_without_export(chans), vec!["1ESY2".to_owned()]);
    }

    #[test]
    fn no_hint_with_export_or_without_import() {
        assert!(
            meters_without_export([(obis("1-0:1.8.0*255"), ""), (obis("1-0:2.8.0*255"), ""),])
                .is_empty()
        );
        assert!(meters_without_export([(obis("1-0:2.8.0*255"), "")]).is_empty());
        assert!(meters_without_export(std::iter::empty()).is_empty());
    }

    #[test]
    fn texts_name_the_meters_and_the_second_login() {
        let meters = vec!["1ESY2".to_owned()];
        let de = no_export_text(&meters, Lang::De);
        assert!(
            de.contains("(1ESY2)") && de.contains("zweiten Zugang"),
            "{de}"
        );
        let en = no_export_text(&[String::new()], Lang::En);
        assert!(en.contains("second login") && !en.contains("()"), "{en}");
    }
}
