//! A supplier's tariff file for tests: one day of TAF 2 with low tariff (1) at night and
//! high tariff (2) from 06:00 to 22:00 local time.

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Europe::Berlin;

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
