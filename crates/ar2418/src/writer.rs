//! Writer: [`UsagePoints`] → AR 2418-6 XML (valid against `AR_2418-6.xsd`, elements in the
//! schema's sequence order). Reading the output gives back the same data.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use quick_xml::escape::escape;

use crate::error::{AR_NS, ESPI_NS};
use crate::model::*;

/// `GeneratorVersion` written when the document carries none.
pub const GENERATOR_VERSION: &str = concat!("Durchblick ar2418 ", env!("CARGO_PKG_VERSION"));

/// Writes a document as AR 2418-6 XML. A missing `GeneratorVersion` is filled with
/// [`GENERATOR_VERSION`]; everything else (signatures, status words, offsets of times) is
/// written as it is in the document.
pub fn write(doc: &UsagePoints, out: impl Write) -> io::Result<()> {
    let mut w = Out {
        w: BufWriter::new(out),
        depth: 0,
    };
    w.document(doc)?;
    w.w.flush()
}

/// Writes a document to a file (see [`write`]).
pub fn write_file(doc: &UsagePoints, path: impl AsRef<Path>) -> io::Result<()> {
    write(doc, File::create(path)?)
}

/// Writes a document into a string (see [`write`]).
pub fn to_xml_string(doc: &UsagePoints) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(doc, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

struct Out<W: Write> {
    w: BufWriter<W>,
    depth: usize,
}

fn time(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

impl<W: Write> Out<W> {
    fn indent(&mut self) -> io::Result<()> {
        for _ in 0..self.depth {
            self.w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open(&mut self, name: &str) -> io::Result<()> {
        self.indent()?;
        writeln!(self.w, "<{name}>")?;
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth -= 1;
        self.indent()?;
        writeln!(self.w, "</{name}>")
    }

    fn leaf(&mut self, name: &str, value: &str) -> io::Result<()> {
        self.indent()?;
        let escaped = escape(value);
        if escaped.contains('\r') {
            // A literal CR would be turned into LF by the next reader.
            let kept = escaped.replace('\r', "&#13;");
            writeln!(self.w, "<{name}>{kept}</{name}>")
        } else {
            writeln!(self.w, "<{name}>{escaped}</{name}>")
        }
    }

    fn opt<T: ToString>(&mut self, name: &str, value: &Option<T>) -> io::Result<()> {
        match value {
            Some(v) => self.leaf(name, &v.to_string()),
            None => Ok(()),
        }
    }

    fn opt_time(&mut self, name: &str, value: &Option<DateTime<FixedOffset>>) -> io::Result<()> {
        match value {
            Some(t) => self.leaf(name, &time(t)),
            None => Ok(()),
        }
    }

    fn opt_hex(&mut self, name: &str, value: &Option<Vec<u8>>) -> io::Result<()> {
        match value {
            Some(b) => self.leaf(name, &hex::encode_upper(b)),
            None => Ok(()),
        }
    }

    fn interval(&mut self, name: &str, iv: &TimeInterval) -> io::Result<()> {
        self.open(name)?;
        self.opt("duration", &iv.duration)?;
        self.opt_time("start", &iv.start)?;
        self.close(name)
    }

    fn document(&mut self, doc: &UsagePoints) -> io::Result<()> {
        writeln!(self.w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.w,
            "<UsagePoints xmlns=\"{AR_NS}\" xmlns:espi=\"{ESPI_NS}\">"
        )?;
        self.depth = 1;
        let generator = doc
            .generator_version
            .clone()
            .unwrap_or_else(|| GENERATOR_VERSION.to_string());
        self.leaf("GeneratorVersion", &generator)?;
        for up in &doc.usage_points {
            self.usage_point(up)?;
        }
        self.depth = 0;
        writeln!(self.w, "</UsagePoints>")
    }

    fn usage_point(&mut self, up: &UsagePoint) -> io::Result<()> {
        self.open("UsagePoint")?;
        if let Some(kind) = up.service_category_kind {
            self.open("espi:ServiceCategory")?;
            self.leaf("espi:kind", &kind.to_string())?;
            self.close("espi:ServiceCategory")?;
        }
        self.opt("usagePointId", &up.usage_point_id)?;
        if let Some(c) = &up.customer_id {
            self.open("Customer")?;
            self.leaf("customerId", c)?;
            self.close("Customer")?;
        }
        if let Some(i) = &up.invoicing_party_id {
            self.open("InvoicingParty")?;
            self.leaf("invoicingPartyId", i)?;
            self.close("InvoicingParty")?;
        }
        if let Some(g) = &up.smgw {
            self.smgw(g)?;
        }
        for c in &up.certificates {
            self.open("Certificate")?;
            self.leaf("certId", &c.cert_id.to_string())?;
            self.leaf("certType", &c.cert_type.to_string())?;
            self.opt("parentCertId", &c.parent_cert_id)?;
            self.leaf("certContent", &hex::encode_upper(&c.content))?;
            self.close("Certificate")?;
        }
        self.opt("tariffName", &up.tariff_name)?;
        if let Some(ap) = &up.analysis_profile {
            self.analysis_profile(ap)?;
        }
        for e in &up.log_entries {
            self.log_entry(e)?;
        }
        for m in &up.meter_readings {
            self.meter_reading(m)?;
        }
        self.close("UsagePoint")
    }

    fn smgw(&mut self, g: &Smgw) -> io::Result<()> {
        self.open("SMGW")?;
        for id in &g.cert_ids {
            self.leaf("certId", &id.to_string())?;
        }
        self.leaf("smgwId", &g.smgw_id)?;
        self.opt("Manufacturer", &g.manufacturer)?;
        self.opt("FirmwareVersion", &g.firmware_version)?;
        for fc in &g.firmware_components {
            self.open("FirmwareComponent")?;
            self.leaf("name", &fc.name)?;
            self.opt("version", &fc.version)?;
            self.opt("checksum", &fc.checksum)?;
            self.close("FirmwareComponent")?;
        }
        self.opt_time("SystemTime", &g.system_time)?;
        self.close("SMGW")
    }

    fn analysis_profile(&mut self, ap: &AnalysisProfile) -> io::Result<()> {
        self.open("AnalysisProfile")?;
        self.leaf("tariffUseCase", &ap.tariff_use_case.to_string())?;
        self.leaf("tariffId", &ap.tariff_id)?;
        self.opt("description", &ap.description)?;
        self.interval("billingPeriod", &ap.billing_period)?;
        for s in &ap.tariff_stages {
            self.open("TariffStage")?;
            self.leaf("tariffNumber", &s.tariff_number.to_string())?;
            self.opt("description", &s.description)?;
            self.leaf("obisCode", &s.obis)?;
            self.close("TariffStage")?;
        }
        self.leaf("defaultTariffNumber", &ap.default_tariff_number.to_string())?;
        // The XSD requires at least one DayProfile in a TimeTrigger; without day profiles
        // no trigger is written (special days alone cannot be expressed).
        if !ap.day_profiles.is_empty() {
            self.open("TariffChangeTrigger")?;
            self.open("TimeTrigger")?;
            for dp in &ap.day_profiles {
                self.open("DayProfile")?;
                for id in &dp.day_ids {
                    self.leaf("dayId", id)?;
                }
                for e in &dp.entries {
                    self.open("DayTimeProfile")?;
                    self.open("startTime")?;
                    self.leaf("hour", &e.hour.to_string())?;
                    self.leaf("minute", &e.minute.to_string())?;
                    if e.second != 0 {
                        self.leaf("second", &e.second.to_string())?;
                    }
                    self.close("startTime")?;
                    self.leaf("tariffNumber", &e.tariff_number.to_string())?;
                    self.close("DayTimeProfile")?;
                }
                self.close("DayProfile")?;
            }
            for sd in &ap.special_day_profiles {
                self.open("SpecialDayProfile")?;
                self.open("specialDayDate")?;
                self.opt("year", &sd.date.year)?;
                self.opt("month", &sd.date.month)?;
                self.opt("day_of_week", &sd.date.day_of_week)?;
                self.opt("day_of_month", &sd.date.day_of_month)?;
                self.close("specialDayDate")?;
                self.leaf("dayId", &sd.day_id)?;
                self.close("SpecialDayProfile")?;
            }
            self.close("TimeTrigger")?;
            self.close("TariffChangeTrigger")?;
        }
        self.close("AnalysisProfile")
    }

    fn log_entry(&mut self, e: &LogEntry) -> io::Result<()> {
        self.open("LogEntry")?;
        self.opt("parentRecordNumber", &e.parent_record_number)?;
        self.opt("recordNumber", &e.record_number)?;
        self.opt("repetitionCounter", &e.repetition_counter)?;
        for ev in &e.events {
            self.open("LogEvent")?;
            self.opt_hex("evidence", &ev.evidence)?;
            self.opt("level", &ev.level)?;
            self.opt("messageExtensions", &ev.message_extensions)?;
            self.opt("text", &ev.text)?;
            self.opt("outcome", &ev.outcome)?;
            self.opt("secondsIndex", &ev.seconds_index)?;
            self.opt("subjectIdentity", &ev.subject_identity)?;
            self.opt_time("timestamp", &ev.timestamp)?;
            self.opt("destination", &ev.destination)?;
            self.opt("userIdentity", &ev.user_identity)?;
            self.opt("eventKindVendor", &ev.event_kind_vendor)?;
            self.close("LogEvent")?;
        }
        self.close("LogEntry")
    }

    fn meter_reading(&mut self, m: &MeterReading) -> io::Result<()> {
        self.open("MeterReading")?;
        if let Some(id) = &m.meter_id {
            self.open("Meter")?;
            self.leaf("meterId", id)?;
            self.close("Meter")?;
        }
        self.opt("meterReadingId", &m.meter_reading_id)?;
        if let Some(rt) = &m.reading_type {
            self.open("ReadingType")?;
            self.opt("espi:powerOfTenMultiplier", &rt.power_of_ten_multiplier)?;
            self.opt("espi:uom", &rt.uom)?;
            self.opt("scaler", &rt.scaler)?;
            self.opt("obisCode", &rt.obis)?;
            self.opt("qualifiedLogicalName", &rt.qualified_logical_name)?;
            self.opt("measurementPeriod", &rt.measurement_period)?;
            self.close("ReadingType")?;
        }
        for b in &m.interval_blocks {
            self.open("IntervalBlock")?;
            if let Some(iv) = &b.interval {
                self.interval("interval", iv)?;
            }
            for r in &b.readings {
                self.reading(r)?;
            }
            self.close("IntervalBlock")?;
        }
        self.close("MeterReading")
    }

    fn reading(&mut self, r: &IntervalReading) -> io::Result<()> {
        self.open("IntervalReading")?;
        self.opt("espi:value", &r.value)?;
        if let Some(tp) = &r.time_period {
            self.interval("timePeriod", tp)?;
        }
        self.opt_time("targetTime", &r.target_time)?;
        self.opt_time("measurementTimeMeter", &r.measurement_time_meter)?;
        self.opt("certId", &r.cert_id)?;
        self.opt_hex("meterSig", &r.meter_signature)?;
        self.opt_hex("signature", &r.signature)?;
        self.opt("statusFNN", &r.status_fnn)?;
        self.opt("statusPTB", &r.status_ptb)?;
        self.opt("statusVendor", &r.status_vendor)?;
        self.close("IntervalReading")
    }
}
