//! The optional lists below an EMH contract against the mock over real TLS: daily values
//! (`derived/{id}/daily`), the signed tariff profile (`…/signedprofile`); absent (404) and
//! broken answers. Billing-period values are in `billing.rs`.

// Test code: a panic here is a failed test. clippy.toml exempts `#[test]` functions;
// this covers the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use emh_client::EmhGateway;
use gateway::{Gateway, Period};
use mock_smgw::EmhFaults;
use smgw_model::records::{Certificate, CertificateKind, ContractDetail, Database};
use smgw_model::{ScaledValue, Unit, WarningKind};

async fn detail(g: &mut EmhGateway, id: &str) -> ContractDetail {
    g.contract_detail(id)
        .await
        .expect("detail")
        .into_value()
        .expect("decoded")
}

fn lists(d: &ContractDetail) -> Vec<Database> {
    d.databases.iter().map(|l| l.database.clone()).collect()
}

/// Every value the scenario holds for a contract's register at local midnight: what the
/// gateway's daily list is.
fn expected_daily(mock: &mock_smgw::RunningMock, id: &str) -> Vec<mock_smgw::Reading> {
    mock.scenario()
        .expected_readings("demo", id, "origin", OBIS)
        .unwrap()
        .into_iter()
        .filter(|r| mock_smgw::time::local_midnight(r.target_time) == r.target_time)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daily_values_come_back_exactly_as_the_mock_holds_them_and_are_asked_once() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    for (id, scaler) in [(TAF7, -1i8), (TAF1, 0)] {
        let d = detail(&mut g, id).await;
        assert!(
            lists(&d).contains(&Database::Daily),
            "{id}: {:?}",
            lists(&d)
        );
        let daily = d
            .databases
            .iter()
            .find(|l| l.database == Database::Daily)
            .unwrap();
        assert_eq!(daily.channels.len(), 1);
        assert_eq!(daily.channels[0].obis.to_hex(), OBIS);
        assert_eq!(daily.channels[0].scaler, scaler);
        assert_eq!(daily.channels[0].unit, Unit::WattHour);

        let want = expected_daily(&mock, id);
        assert!(want.len() > 60, "{id}: {} days", want.len());
        let before = mock.emh_stats().authenticated;
        let all = Period {
            from: t("2026-07-01T00:00:00Z"),
            to: t("2026-11-20T09:00:00Z"),
        };
        let got = g
            .values(&d, &Database::Daily, all)
            .await
            .unwrap()
            .into_value()
            .unwrap();
        // The detail's answer serves the whole session: nothing is asked again.
        assert_eq!(mock.emh_stats().authenticated, before);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].channel, format!("{OBIS}.{}.sm", &id[5..]));
        let readings = &got[0].readings;
        assert_eq!(readings.len(), want.len(), "{id}");
        for (r, w) in readings.iter().zip(&want) {
            assert_eq!(r.target_time, unix(w.target_time));
            assert_eq!(r.value, ScaledValue::new(i128::from(w.value), scaler));
            assert_eq!(
                r.cosem_status.map(|s| s.to_hex()).as_deref(),
                Some(w.cosem_status.as_str())
            );
            assert_eq!(r.signature.as_ref().map(hex::encode), w.signature);
        }

        // A window holds only its values, `(from, to]`.
        let window = Period {
            from: unix(want[10].target_time),
            to: unix(want[20].target_time),
        };
        let got = g
            .values(&d, &Database::Daily, window)
            .await
            .unwrap()
            .into_value()
            .unwrap();
        let times: Vec<_> = got[0].readings.iter().map(|r| r.target_time).collect();
        let want_times: Vec<_> = want[11..=20].iter().map(|r| unix(r.target_time)).collect();
        assert_eq!(times, want_times);
    }
    assert!(g.warnings().is_empty(), "{:?}", g.warnings());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signed_tariff_profile_is_real_cms_that_verifies_downstream() {
    let mock = start().await;
    let mut g = connect(&mock).await;
    let han =
        Certificate::from_pem(CertificateKind::Tls, None, mock.scenario().han_cert_pem()).unwrap();
    for (id, taf) in [(TAF7, "7"), (TAF1, "1")] {
        let d = detail(&mut g, id).await;
        let der = d.taf_profile.as_deref().expect("a tariff profile");
        let p = smgw_model::read_taf_profile(der, Some(&han.der));
        assert!(p.signature.is_valid(), "{id}: {:?}", p.signature);
        let profile = p.profile.expect("the DKE XML reads");
        assert_eq!(profile.taf.as_deref(), Some(taf));
        assert_eq!(profile.usage_point_id.as_deref(), Some(id));
        // A profile changed after signing does not verify: the check can fail.
        let at = der
            .windows(11)
            .position(|w| w == b"<TAFNumber>")
            .expect("the XML inside")
            + 11;
        let mut changed = der.to_vec();
        changed[at] ^= 0x01;
        let p = smgw_model::read_taf_profile(&changed, Some(&han.der));
        assert!(!p.signature.is_valid(), "{:?}", p.signature);
    }
    assert!(g.warnings().is_empty(), "{:?}", g.warnings());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_without_the_optional_lists_reads_its_contracts_without_them() {
    let emh = EmhFaults {
        no_daily: true,
        no_signed_profile: true,
        no_billing_values: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let mut g = connect(&mock).await;
    let contracts = g.contracts().await.unwrap().into_value().unwrap();
    assert_eq!(contracts.len(), 2);
    for id in [TAF7, TAF1] {
        let (d, warned) = g.contract_detail(id).await.unwrap().into_warned().unwrap();
        assert_eq!(lists(&d), [Database::Origin], "{id}");
        assert_eq!(d.taf_profile, None);
        assert!(warned.is_empty(), "404 means not offered: {warned:?}");
        let values = g
            .values(
                &d,
                &Database::Origin,
                Period {
                    from: t("2026-10-01T00:00:00Z"),
                    to: t("2026-10-02T00:00:00Z"),
                },
            )
            .await
            .unwrap()
            .into_value()
            .unwrap();
        assert_eq!(values[0].readings.len(), 96);
    }
    assert!(g.warnings().is_empty(), "{:?}", g.warnings());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_optional_answers_are_warnings_and_the_contract_still_reads() {
    let emh = EmhFaults {
        broken_extras: true,
        ..EmhFaults::default()
    };
    let mock = start_with(Some(faults(emh, 0))).await;
    let mut g = connect(&mock).await;
    g.contracts().await.unwrap().into_value().unwrap();
    let (d, warned) = g
        .contract_detail(TAF1)
        .await
        .unwrap()
        .into_warned()
        .unwrap();
    assert_eq!(lists(&d), [Database::Origin]);
    assert_eq!(d.taf_profile, None);
    assert!(
        warned.iter().all(|w| w.kind == WarningKind::FieldLeftOut),
        "{warned:?}"
    );
    let at = |part: &str| {
        warned
            .iter()
            .find(|w| w.path.contains(part))
            .unwrap_or_else(|| panic!("no warning about {part}: {warned:?}"))
    };
    assert_eq!(warned.len(), 3, "{warned:?}");
    assert!(at("/signedprofile").raw.contains("kein Profil hinterlegt"));
    assert!(at("/daily").raw.contains("Tageswerte"));
    let billing = at("/billingperiods/1/extended");
    assert!(
        billing.path.ends_with("readings[0].timestamp"),
        "{billing:?}"
    );
    // The rest of the contract stands: its own values read.
    let values = g
        .values(
            &d,
            &Database::Origin,
            Period {
                from: t("2026-10-01T00:00:00Z"),
                to: t("2026-10-02T00:00:00Z"),
            },
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(values[0].readings.len(), 96);
    // The raw answer keeps what could not be read, as evidence.
    let (raw, _) = g.contract_detail(TAF1).await.unwrap().decode();
    assert!(String::from_utf8_lossy(&raw.body).contains("kein Profil hinterlegt"));
}
