//! Billing periods of EMH contracts (`derived/{id}/billingperiods`) against the mock.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use gateway::Gateway;
use mock_smgw::EmhFaults;
use smgw_model::records::BillingPeriod;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_carry_their_billing_periods_and_a_gateway_without_them_is_fine() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    let (raw, contracts) = g.contracts().await.unwrap().decode();
    let contracts = contracts.unwrap();
    let taf1 = contracts.iter().find(|c| c.usage_point_id == TAF1).unwrap();
    assert_eq!(
        taf1.billing_periods,
        [
            BillingPeriod {
                start: t("2026-08-31T22:00:00Z"),
                end: Some(t("2026-09-30T22:00:00Z")),
            },
            BillingPeriod {
                start: t("2026-09-30T22:00:00Z"),
                end: None,
            },
        ]
    );
    let taf7 = contracts.iter().find(|c| c.usage_point_id == TAF7).unwrap();
    assert!(taf7.billing_periods.is_empty());
    // The answers are part of the evidence.
    let body = String::from_utf8(raw.body).unwrap();
    assert!(body.contains("/json/metering/derived/taf1-1emh0087654321/billingperiods"));
    assert!(g.warnings().is_empty(), "{:?}", g.warnings());

    // Without stored values the gateway answers 404 there: no periods, no warning.
    let emh = EmhFaults {
        no_history: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let mut g = connect(&mock).await;
    let contracts = g.contracts().await.unwrap().into_value().unwrap();
    assert_eq!(contracts.len(), 2);
    assert!(contracts.iter().all(|c| c.billing_periods.is_empty()));
    assert!(g.warnings().is_empty(), "{:?}", g.warnings());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billing_period_values_are_the_registers_at_each_start_and_end() {
    use gateway::Period;
    use smgw_model::records::Database;
    use smgw_model::ScaledValue;
    let mock = start().await;
    let mut g = connect(&mock).await;
    let contracts = g.contracts().await.unwrap().into_value().unwrap();
    let taf1 = contracts.iter().find(|c| c.usage_point_id == TAF1).unwrap();
    let d = g.contract_detail(TAF1).await.unwrap().into_value().unwrap();
    let derived = d
        .databases
        .iter()
        .find(|l| l.database == Database::Derived)
        .expect("the billing-period values as the derived list");
    assert_eq!(derived.channels.len(), 1);
    assert_eq!(derived.channels[0].obis.to_hex(), OBIS);

    // What the mock holds at the periods' boundaries.
    let bounds: Vec<i64> = taf1
        .billing_periods
        .iter()
        .flat_map(|p| [Some(p.start), p.end])
        .flatten()
        .map(|t| t.timestamp())
        .collect();
    let want: Vec<_> = mock
        .scenario()
        .expected_readings("demo", TAF1, "origin", OBIS)
        .unwrap()
        .into_iter()
        .filter(|r| bounds.contains(&r.target_time))
        .collect();
    assert!(!want.is_empty());
    let all = Period {
        from: t("2026-08-01T00:00:00Z"),
        to: t("2026-11-20T09:00:00Z"),
    };
    let got = g
        .values(&d, &Database::Derived, all)
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].readings.len(), want.len(), "{:?}", got[0].readings);
    for (r, w) in got[0].readings.iter().zip(&want) {
        assert_eq!(r.target_time, unix(w.target_time));
        assert_eq!(r.value, ScaledValue::new(i128::from(w.value), 0));
        assert_eq!(
            r.cosem_status.map(|s| s.to_hex()).as_deref(),
            Some(w.cosem_status.as_str())
        );
    }
    // A window without a boundary holds nothing.
    let none = g
        .values(
            &d,
            &Database::Derived,
            Period {
                from: t("2026-10-05T00:00:00Z"),
                to: t("2026-10-20T00:00:00Z"),
            },
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(none.iter().all(|c| c.readings.is_empty()), "{none:?}");

    // A contract without billing periods has no such list.
    let d7 = g.contract_detail(TAF7).await.unwrap().into_value().unwrap();
    assert!(d7.databases.iter().all(|l| l.database != Database::Derived));
    assert!(g.warnings().is_empty(), "{:?}", g.warnings());
}
