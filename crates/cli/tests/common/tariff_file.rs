//! A supplier's tariff file for tests: one day of TAF 2 with low tariff (1) at night and
//! high tariff (2) from 06:00 to 22:00 local time, and what a correct bill shows for it.

#![allow(dead_code)] // Each test binary uses a different subset.

use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use chrono_tz::Europe::Berlin;

/// The values a scenario holds for one local day of a channel, with the register reading
/// the first interval starts from.
pub fn day_values(
    scenario: &mock_smgw::Scenario,
    usage_point: &str,
    obis_hex: &str,
    day: NaiveDate,
) -> Vec<mock_smgw::Reading> {
    let start = Berlin
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("an unambiguous local midnight")
        .timestamp();
    scenario
        .expected_readings_between(
            "demo",
            usage_point,
            "origin",
            obis_hex,
            start - 1,
            start + 86_400,
        )
        .expect("the scenario's values")
}

/// The register differences of `values` in the low (22:00–06:00) and high (06:00–22:00)
/// tariff of [`one_day_taf2`]: what a correct bill shows on 1.8.1 and 1.8.2.
pub fn low_high(values: &[mock_smgw::Reading]) -> (i64, i64) {
    let (mut low, mut high) = (0i64, 0i64);
    for pair in values.windows(2) {
        let hour = Berlin
            .timestamp_opt(pair[0].target_time, 0)
            .single()
            .expect("time")
            .hour();
        let delta = pair[1].value - pair[0].value;
        if (6..22).contains(&hour) {
            high += delta;
        } else {
            low += delta;
        }
    }
    (low, high)
}

/// The amount of register `obis` in a `durchblick --json bill` document.
pub fn amount(bill: &serde_json::Value, obis: &str) -> Option<i64> {
    bill["registers"]
        .as_array()
        .expect("registers")
        .iter()
        .find(|r| r["obis"] == obis)
        .and_then(|r| r["amount"].as_i64())
}

/// The AR 2418-6 file for `date` at `metering_point` of gateway `smgw_id`.
pub fn one_day_taf2(metering_point: &str, smgw_id: &str, date: NaiveDate) -> String {
    let start = Berlin
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("an unambiguous local midnight")
        .to_rfc3339();
    let profile: String = [(0, 1), (6, 2), (22, 1)]
        .iter()
        .map(|(h, t)| {
            format!(
                "<DayTimeProfile><startTime><hour>{h}</hour><minute>0</minute></startTime>\
                 <tariffNumber>{t}</tariffNumber></DayTimeProfile>"
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<UsagePoints xmlns="http://vde.de/AR_2418-6.xsd" xmlns:espi="http://naesb.org/espi">
 <UsagePoint>
  <espi:ServiceCategory><espi:kind>0</espi:kind></espi:ServiceCategory>
  <usagePointId>{metering_point}</usagePointId>
  <InvoicingParty><invoicingPartyId>9900000000003</invoicingPartyId></InvoicingParty>
  <SMGW><smgwId>{smgw_id}</smgwId></SMGW>
  <tariffName>Zweitarif HT/NT (TAF 2)</tariffName>
  <AnalysisProfile>
   <tariffUseCase>2</tariffUseCase>
   <tariffId>HTNT</tariffId>
   <billingPeriod><duration>86400</duration><start>{start}</start></billingPeriod>
   <TariffStage><tariffNumber>1</tariffNumber><description>NT</description><obisCode>0100010801ff</obisCode></TariffStage>
   <TariffStage><tariffNumber>2</tariffNumber><description>HT</description><obisCode>0100010802ff</obisCode></TariffStage>
   <defaultTariffNumber>1</defaultTariffNumber>
   <TariffChangeTrigger><TimeTrigger>
    <DayProfile><dayId>1</dayId>{profile}</DayProfile>
    <SpecialDayProfile><specialDayDate><year>{}</year><month>{}</month><day_of_month>{}</day_of_month></specialDayDate><dayId>1</dayId></SpecialDayProfile>
   </TimeTrigger></TariffChangeTrigger>
  </AnalysisProfile>
 </UsagePoint>
</UsagePoints>
"#,
        date.year(),
        date.month(),
        date.day()
    )
}
