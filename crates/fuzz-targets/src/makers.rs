//! The other makers' adapters: PPC's pages, signed exports and DKE XML (`ppc-client`),
//! EMH's JSON answers (`emh-client`).

use ppc_client::{html, signed, table};
use smgw_model::Obis;

/// A PPC page: every reading of it, and the value table as readings, which come per
/// channel in ascending order, each time once.
pub fn ppc_html(data: &[u8]) {
    let page = html::Page::parse(data);
    let text = page.text();
    let _ = (html::session_problem(&text), html::is_lockout(&text));
    let _ = html::local_time_in(&text);
    let _ = html::unescape_fully(&text);
    let _ = (page.token(), page.rows(), page.input_value("tkn"));
    let _ = html::welcome(&page);
    let _ = html::meters(&page);
    let _ = html::sw_versions(&page);
    let _ = html::log_refusal(&page);
    let (rows, _) = html::value_rows(&page);
    let mut warnings = Vec::new();
    for ch in table::readings(&rows, "1EMH0012345678", &mut warnings) {
        for pair in ch.readings.windows(2) {
            assert!(
                pair[0].target_time < pair[1].target_time,
                "{} not ascending: {:?} then {:?}",
                ch.channel,
                pair[0].target_time,
                pair[1].target_time
            );
        }
    }
    for row in &rows {
        let _ = table::value_of(&row.value, &row.unit);
    }
}

/// A PPC signed export: CMS unwrapped and its signature checked; the content read as each
/// kind of DKE XML.
pub fn ppc_signed(data: &[u8]) {
    let _ = signed::looks_like_cms(data);
    if let Ok(file) = signed::unwrap(data) {
        let _ = file.signature.label();
        dke_xml(&file.content);
    }
}

/// The DKE XML of a PPC export on its own (reached more easily than through CMS).
pub fn ppc_dke_xml(data: &[u8]) {
    dke_xml(data);
}

fn dke_xml(xml: &[u8]) {
    let _ = signed::parse_profile(xml);
    let _ = signed::parse_meter_profile(xml);
    let _ = signed::parse_logbook(xml);
}

/// Electricity channels get scaler −1, others none (then the answer must carry one).
fn default_scaler(obis: &Obis) -> Option<i8> {
    (obis.medium().code() == 1).then_some(-1)
}

/// An EMH answer read as each kind of answer.
pub fn emh_json(data: &[u8]) {
    use emh_client::wire;
    let mut warnings = Vec::new();
    let _ = wire::meter_ids(data);
    let _ = wire::contract_ids(data);
    let _ = wire::contract(data, &mut warnings);
    let _ = wire::billing_periods(data, &mut warnings);
    let _ = wire::billing_period_list(data, &mut warnings);
    // The signed tariff profile: whatever encoding is recognised must give one whole DER
    // structure, which the CMS reader then opens.
    if let Ok(der) = wire::signed_profile(data) {
        let _ = smgw_model::read_taf_profile(&der, None);
    }
    let _ = wire::logbook(data, &mut warnings);
    let _ = wire::system(data);
    for values in [
        wire::current(data, &default_scaler, &mut warnings),
        wire::stored(data, &default_scaler, &mut warnings),
    ]
    .into_iter()
    .flatten()
    {
        let _ = wire::channels(&values);
        let _ = wire::by_channel(values);
    }
}
