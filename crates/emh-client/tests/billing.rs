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
