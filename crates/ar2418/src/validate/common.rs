//! Helpers shared by several check modules: locations, string lengths, time format.

use chrono::{DateTime, FixedOffset};

use super::{Location, Out, Severity};

pub(super) fn el(u: usize, element: &'static str) -> Location {
    Location {
        usage_point: Some(u),
        element: Some(element),
        ..Location::default()
    }
}

pub(super) fn mr_loc(u: usize, m: usize, element: Option<&'static str>) -> Location {
    Location {
        usage_point: Some(u),
        meter_reading: Some(m),
        element,
        ..Location::default()
    }
}

pub(super) fn ap_loc(u: usize, element: &'static str, index: Option<usize>) -> Location {
    Location {
        usage_point: Some(u),
        index,
        element: Some(element),
        ..Location::default()
    }
}

pub(super) fn check_len(
    out: &mut Out,
    loc: Location,
    name: &'static str,
    value: Option<&str>,
    max: usize,
) {
    if let Some(v) = value {
        let n = v.chars().count();
        if n > max {
            out.push(
                Severity::Error,
                "STRING_TOO_LONG",
                loc,
                format!("<{name}> hat {n} Zeichen, erlaubt sind höchstens {max}"),
                format!("<{name}> has {n} characters, at most {max} are allowed"),
            );
        }
    }
}

pub(super) fn fmt_time(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}
