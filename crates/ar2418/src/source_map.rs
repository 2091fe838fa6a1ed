//! Lines of elements in the source file, to give findings a line number.

use serde::Serialize;

use crate::validate::{Finding, Location};

/// Start lines (1-based) of the elements of a document, in document order, as recorded by
/// [`crate::read_with_source_map`]. Indexes match those of the document and of
/// [`Location`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceMap {
    /// One entry per `UsagePoint`.
    pub usage_points: Vec<UsagePointLines>,
}

/// Lines within one `UsagePoint`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UsagePointLines {
    /// The `UsagePoint` element.
    pub line: u32,
    /// `Certificate` elements.
    pub certificates: Vec<u32>,
    /// `LogEntry` elements.
    pub log_entries: Vec<u32>,
    /// `TariffStage` elements.
    pub tariff_stages: Vec<u32>,
    /// `DayProfile` elements.
    pub day_profiles: Vec<u32>,
    /// `SpecialDayProfile` elements.
    pub special_day_profiles: Vec<u32>,
    /// `MeterReading` elements.
    pub meter_readings: Vec<MeterReadingLines>,
}

/// Lines within one `MeterReading`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MeterReadingLines {
    /// The `MeterReading` element.
    pub line: u32,
    /// `IntervalBlock` elements.
    pub interval_blocks: Vec<u32>,
    /// `IntervalReading` elements over all blocks (as [`crate::MeterReading::readings`]).
    pub readings: Vec<u32>,
}

impl SourceMap {
    /// The line of the most specific element a location names.
    pub fn line(&self, loc: &Location) -> Option<u32> {
        let up = self.usage_points.get(loc.usage_point?)?;
        if let Some(m) = loc.meter_reading {
            let mr = up.meter_readings.get(m)?;
            if let Some(r) = loc.reading.and_then(|r| mr.readings.get(r)) {
                return Some(*r);
            }
            if let Some(b) = loc.interval_block.and_then(|b| mr.interval_blocks.get(b)) {
                return Some(*b);
            }
            return Some(mr.line);
        }
        let list = match loc.element {
            Some("Certificate") => Some(&up.certificates),
            Some("LogEntry") => Some(&up.log_entries),
            Some("TariffStage") => Some(&up.tariff_stages),
            Some("DayProfile") => Some(&up.day_profiles),
            Some("SpecialDayProfile") => Some(&up.special_day_profiles),
            _ => None,
        };
        if let (Some(list), Some(i)) = (list, loc.index) {
            if let Some(l) = list.get(i) {
                return Some(*l);
            }
        }
        Some(up.line)
    }

    /// Fills `Finding::line` from this map.
    pub fn annotate(&self, findings: &mut [Finding]) {
        for f in findings {
            f.line = self.line(&f.location);
        }
    }
}
