//! Checks the model against the real TRuDI test files in `../shared/reference/`.
//!
//! The XML is scanned with plain string search (this crate has no XML reader, and the
//! few elements needed here have no attributes or nesting surprises).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::fs;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use smgw_model::time::{format_berlin_rfc3339, format_german, parse_datetime, NaiveAs};
use smgw_model::{detect_period, find_gaps, CombinedStatus, DeviceId, Obis, PtbStatus};

fn reference_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/trudi-data"
    ))
}

fn read(rel: &str) -> String {
    let path = reference_dir().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn all_xml_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["models", "taf1", "taf2", "supplier-examples"] {
        let entries = fs::read_dir(reference_dir().join(dir)).expect("reference directory");
        for e in entries {
            let p = e.expect("dir entry").path();
            if p.extension().is_some_and(|x| x == "xml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Text of every `<tag>…</tag>` in `s`, in order.
fn tag_values<'a>(s: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(after[..j].trim());
        rest = &after[j + close.len()..];
    }
    out
}

struct Interval {
    start: DateTime<Utc>,
    target: Option<DateTime<Utc>>,
    ptb: Option<u8>,
    fnn: Option<String>,
}

impl Interval {
    fn time(&self) -> DateTime<Utc> {
        self.target.unwrap_or(self.start)
    }
}

/// The interval readings of each MeterReading of a file.
fn meter_readings(xml: &str) -> Vec<Vec<Interval>> {
    tag_values(xml, "MeterReading")
        .into_iter()
        .map(|mr| {
            tag_values(mr, "IntervalReading")
                .into_iter()
                .map(|ir| {
                    let start = tag_values(ir, "start")[0];
                    Interval {
                        start: parse_datetime(start, NaiveAs::Utc).unwrap(),
                        target: tag_values(ir, "targetTime")
                            .first()
                            .map(|t| parse_datetime(t, NaiveAs::Utc).unwrap()),
                        ptb: tag_values(ir, "statusPTB")
                            .first()
                            .map(|p| p.parse().unwrap()),
                        fnn: tag_values(ir, "statusFNN").first().map(|f| f.to_string()),
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_timestamp_in_the_reference_files_parses_and_round_trips() {
    let mut count = 0;
    for file in all_xml_files() {
        let xml = fs::read_to_string(&file).unwrap();
        for tag in ["start", "targetTime", "timestamp"] {
            for text in tag_values(&xml, tag) {
                let t = parse_datetime(text, NaiveAs::Utc)
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                let again = parse_datetime(&format_berlin_rfc3339(t), NaiveAs::Utc).unwrap();
                // The Berlin form has whole seconds; the files have whole seconds too.
                assert_eq!(again, t, "{}: {text}", file.display());
                count += 1;
            }
        }
    }
    assert!(count > 10_000, "only {count} timestamps found");
}

#[test]
fn obis_codes_in_the_reference_files() {
    let mut ok = 0;
    for file in all_xml_files() {
        let xml = fs::read_to_string(&file).unwrap();
        for code in tag_values(&xml, "obisCode") {
            match code.parse::<Obis>() {
                Ok(o) => {
                    assert_eq!(o.to_hex(), code.to_ascii_lowercase());
                    ok += 1;
                }
                // One supplier file carries an 11-digit code; it must be rejected, not misread.
                Err(_) => assert_eq!(code, "010000000FF", "{}", file.display()),
            }
        }
    }
    assert!(ok > 100);
    // The error register and an export register as they appear in the files.
    assert!("010001083fff".parse::<Obis>().unwrap().is_error_register());
    assert!("0100020800FF".parse::<Obis>().unwrap().is_export());
    assert_eq!(
        "0700030100FF".parse::<Obis>().unwrap().to_string(),
        "7-0:3.1.0*255"
    );
}

#[test]
fn device_ids_in_the_reference_files() {
    // Hex meter ids: 0A, medium 01, "EMH", block 00, serial number.
    let emh: DeviceId = "0A01454D480000519725".parse().unwrap();
    assert_eq!(emh.to_string(), "1EMH0005347109");
    assert_eq!(emh.to_hex(), "0A01454D480000519725");
    let mut parsed = 0;
    let mut rejected = Vec::new();
    for file in all_xml_files() {
        let xml = fs::read_to_string(&file).unwrap();
        for tag in ["meterId", "smgwId"] {
            for id in tag_values(&xml, tag) {
                match id.parse::<DeviceId>() {
                    Ok(d) => {
                        let again: DeviceId = if id.len() == 20 {
                            d.to_hex().parse().unwrap()
                        } else {
                            d.to_string().parse().unwrap()
                        };
                        assert_eq!(again, d);
                        parsed += 1;
                    }
                    Err(_) => rejected.push(id.to_string()),
                }
            }
        }
    }
    rejected.sort();
    rejected.dedup();
    // Test files also carry placeholders and a truncated id; those must be rejected.
    assert_eq!(
        rejected,
        vec!["1XXXyyy".to_string(), "DNT0017055173".to_string()]
    );
    assert!(parsed > 100);
}

#[test]
fn fnn_status_agrees_with_ptb_status_in_the_files() {
    let mut pairs = 0;
    for file in all_xml_files() {
        let xml = fs::read_to_string(&file).unwrap();
        for mr in meter_readings(&xml) {
            for iv in mr {
                if let (Some(fnn), Some(ptb)) = (&iv.fnn, iv.ptb) {
                    let status = CombinedStatus::from_hex(fnn).unwrap();
                    assert_eq!(status.ptb().code(), ptb, "{}: {fnn}", file.display());
                    // These old sample words lack the identification bits: the file's
                    // statusPTB stands on its own, nothing is derived from the word.
                    assert!(status.ptb_checked().is_err(), "{}: {fnn}", file.display());
                    pairs += 1;
                }
            }
        }
    }
    assert_eq!(pairs, 17);
}

#[test]
fn gaps_taf7() {
    let full = meter_readings(&read("models/IF_Adapter_TRuDI_DatenTAF7.xml"));
    let times: Vec<_> = full[0].iter().map(Interval::time).collect();
    assert_eq!(times.len(), 3);
    assert_eq!(detect_period(&times), Some(Duration::minutes(15)));
    assert_eq!(find_gaps(&times, Duration::minutes(15)).gaps, 0);

    let gappy = meter_readings(&read("models/IF_Adapter_TRuDI_DatenTAF7_With_Gaps.xml"));
    let times: Vec<_> = gappy[0].iter().map(Interval::time).collect();
    assert_eq!(times.len(), 9);
    let r = find_gaps(&times, Duration::minutes(15));
    assert_eq!(r.gaps, 3);
    let missing: Vec<String> = r
        .missing
        .iter()
        .map(|t| format_berlin_rfc3339(*t)[11..16].to_string())
        .collect();
    assert_eq!(
        missing,
        ["12:15", "13:15", "13:30", "14:00", "14:15", "14:30", "14:45"]
    );
}

#[test]
fn gaps_special_lists() {
    let q = Duration::minutes(15);
    let winter = meter_readings(&read("models/result_oml_winter_to_summer_time.xml"));
    let times: Vec<_> = winter[0].iter().map(Interval::time).collect();
    assert_eq!(times.len(), 21);
    assert_eq!(find_gaps(&times, q).gaps, 0);

    let dups = meter_readings(&read("models/oml_error_dup_timestamps.xml"));
    let times: Vec<_> = dups[0].iter().map(Interval::time).collect();
    assert_eq!(times.len(), 9);
    assert_eq!(find_gaps(&times, q).gaps, 0);
    assert_eq!(
        detect_period(&times),
        Some(q),
        "jittery steps still vote for 15 minutes"
    );
    assert_eq!(format_berlin_rfc3339(times[0]), "2018-03-12T00:00:00+01:00");
    assert_eq!(format_berlin_rfc3339(times[8]), "2018-03-12T02:00:00+01:00");

    let gas = meter_readings(&read("models/result_oml_gas_0_period.xml"));
    let times: Vec<_> = gas[0].iter().map(Interval::time).collect();
    assert_eq!(times.len(), 4);
    assert_eq!(find_gaps(&times, Duration::zero()).gaps, 3);
    assert_eq!(
        detect_period(&times),
        None,
        "irregular gas readings have no period"
    );

    let taf7 = meter_readings(&read("models/taf7_oml_1.xml"));
    let times: Vec<_> = taf7[0].iter().map(Interval::time).collect();
    assert_eq!(times.len(), 97);
    assert_eq!(detect_period(&times), Some(q));
    assert_eq!(find_gaps(&times, q).gaps, 0);
}

#[test]
fn dst_day_file() {
    let neuhaus = meter_readings(&read("models/result_DrNeuhausBugNo10.xml"));
    let first = &neuhaus[0][0];
    assert_eq!(
        format_berlin_rfc3339(first.time()),
        "2017-10-29T02:45:00+02:00"
    );
    assert_eq!(format_german(first.time()), "29.10.2017 02:45 MESZ");
    let all_ptb3 = neuhaus
        .iter()
        .flatten()
        .all(|iv| iv.ptb.and_then(PtbStatus::from_code) == Some(PtbStatus::CriticalTemporary));
    assert!(all_ptb3);
}

#[test]
fn error_list_per_local_day() {
    use smgw_model::time::{berlin_date, quarter_hours_in_day};
    let file = meter_readings(&read("models/result_3_days_geterrorlist.xml"));
    let list = &file[0];
    let days: std::collections::BTreeSet<_> =
        list.iter().map(|iv| berlin_date(iv.time())).collect();
    let first_day = *days.iter().next().unwrap();
    let day1: Vec<_> = list
        .iter()
        .filter(|iv| berlin_date(iv.time()) == first_day)
        .collect();
    assert_eq!(day1.len() as u32, quarter_hours_in_day(first_day));
    assert!(day1.iter().all(|iv| iv.ptb == Some(0)));
    // Day 2: 1 gap, and per PTB status 86 ok, 1 warning, 2 temporary, 3 critical, 3 fatal.
    let second_day = *days.iter().nth(1).unwrap();
    let day2: Vec<_> = list
        .iter()
        .filter(|iv| berlin_date(iv.time()) == second_day)
        .collect();
    let count = |code| day2.iter().filter(|iv| iv.ptb == Some(code)).count();
    assert_eq!(
        [count(0), count(1), count(2), count(3), count(4)],
        [86, 1, 2, 3, 3]
    );
    let times: Vec<_> = day2.iter().map(|iv| iv.time()).collect();
    assert_eq!(find_gaps(&times, Duration::minutes(15)).gaps, 1);
}

#[test]
fn logical_names_and_metering_points_in_the_reference_files() {
    use smgw_model::{ChannelName, MeteringPointId};
    let mut names = 0;
    let mut metering_points = Vec::new();
    for file in all_xml_files() {
        let xml = fs::read_to_string(&file).unwrap();
        for name in tag_values(&xml, "qualifiedLogicalName") {
            let c: ChannelName = name
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert!(name.to_ascii_lowercase().starts_with(&c.obis.to_hex()));
            names += 1;
        }
        for id in tag_values(&xml, "usagePointId") {
            if let Ok(mp) = MeteringPointId::parse(id) {
                metering_points.push(mp.to_string());
            }
        }
    }
    assert!(names > 70);
    metering_points.sort();
    metering_points.dedup();
    // Only the two 33-character ids qualify; the test files' 32/34-character placeholders do not.
    assert_eq!(
        metering_points,
        [
            "DE00056266802AO6G56M11SN51G21M24S",
            "DEPTBKBS0000000000000000000000030"
        ]
    );
}
