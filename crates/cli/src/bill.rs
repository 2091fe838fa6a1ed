//! `durchblick bill`: the transparency function on files.

use std::path::Path;

use smgw_model::{Lang, Obis, Quantity, ScaledValue, Unit};
use tariff::Evaluation;

use crate::failure::{code, CliProblem, Failure};
use crate::table::Table;

fn tariff_failure(e: tariff::from_ar2418::AdapterError, lang: Lang) -> Failure {
    Failure {
        code: code::DATA,
        message: match lang {
            Lang::De => e.message_de(),
            Lang::En => e.message_en(),
        },
    }
}

/// Which archived contract a bill from the archive was checked against, when it was named
/// with `--contract` rather than found by the tariff file's metering point.
struct NamedContract {
    contract: String,
    supplier_point: Option<String>,
}

/// The supplier file's metering point (`usagePointId` of the usage point with the
/// `AnalysisProfile`).
fn supplier_point(doc: &archive_io::ar2418::UsagePoints) -> Option<String> {
    doc.usage_points
        .iter()
        .find(|u| u.analysis_profile.is_some())
        .or_else(|| doc.usage_points.first())
        .and_then(|u| u.usage_point_id.clone())
}

/// The original value list of the archived contract `contract`.
async fn device_for_contract(
    archive: Option<&Path>,
    contract: &str,
    lang: Lang,
) -> Result<archive_io::ar2418::UsagePoints, Failure> {
    use chrono::SubsecRound;
    let path = crate::archive_path(archive, lang)?;
    let db = archive::Archive::open_existing(&path)
        .await
        .map_err(|e| Failure::archive(&e, lang))?;
    let doc = archive_io::device_for_contract(
        &db,
        contract,
        None,
        None,
        chrono::Utc::now().trunc_subsecs(0),
    )
    .await;
    db.close().await;
    doc.map_err(|e| Failure {
        code: code::DATA,
        message: e.message(lang),
    })
}

/// Recomputes the bill and prints it (or its JSON document). The meter's values come from
/// a device file, or from the archive (`archive`): the contract named with `--contract`,
/// or else the one of the tariff file's metering point.
pub async fn run(
    device: Option<&Path>,
    archive: Option<&Path>,
    supplier: &crate::args::BillSupplier,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let supplier_path = supplier.file.as_path();
    if let (Some(contract), Some(_)) = (supplier.contract.as_deref(), device) {
        return Err(Failure {
            code: code::USAGE,
            message: match lang {
                Lang::De => format!(
                    "--contract {contract} wählt einen Vertrag im Archiv: bitte mit --archive statt --device verwenden."
                ),
                Lang::En => format!(
                    "--contract {contract} chooses a contract in the archive: use it with --archive instead of --device."
                ),
            },
        });
    }
    let mut named = None;
    let result = match (device, archive) {
        (Some(device), _) => tariff::from_ar2418::check_bill(device, supplier_path)
            .map_err(|e| tariff_failure(e, lang))?,
        (None, archive) => {
            let profile = tariff::from_ar2418::supplier_file(supplier_path)
                .map_err(|e| tariff_failure(e, lang))?;
            let supplier_doc = archive_io::ar2418::read_file(supplier_path).map_err(|e| {
                CliProblem::TariffUnreadable {
                    reason: e.to_string(),
                }
                .failure(lang)
            })?;

            let doc = match supplier.contract.as_deref() {
                Some(contract) => {
                    named = Some(NamedContract {
                        contract: contract.trim().to_owned(),
                        supplier_point: supplier_point(&supplier_doc),
                    });
                    device_for_contract(archive, contract, lang).await?
                }
                None => {
                    crate::export_cmd::device_from_archive(archive, &supplier_doc, lang).await?
                }
            };
            let series =
                tariff::from_ar2418::device_series(&doc).map_err(|e| tariff_failure(e, lang))?;
            tariff::evaluate(&profile, &series).map_err(|e| Failure {
                code: code::DATA,
                message: match lang {
                    Lang::De => e.message_de(),
                    Lang::En => e.message_en(),
                },
            })?
        }
    };
    if json {
        let mut doc: serde_json::Value =
            serde_json::from_str(&result.to_json()).unwrap_or_default();
        if let (Some(named), Some(map)) = (&named, doc.as_object_mut()) {
            map.insert(
                "contract".into(),
                serde_json::json!({
                    "usage_point_id": named.contract,
                    "supplier_metering_point": named.supplier_point,
                    "metering_point_matched": false,
                }),
            );
        }
        println!("{doc:#}");
    } else {
        if let Some(named) = &named {
            print!("{}", contract_note(named, lang));
        }
        print!("{}", render(&result, lang));
    }
    Ok(())
}

/// The note that the named contract was used and the tariff file's metering point was
/// not matched.
fn contract_note(named: &NamedContract, lang: Lang) -> String {
    let point = named.supplier_point.as_deref().unwrap_or("–");
    match lang {
        Lang::De => format!(
            "Vertrag (Archiv): {}\nZählpunkt der Tarifdatei: {point} (nicht abgeglichen: der Vertrag wurde mit --contract gewählt)\n\n",
            named.contract
        ),
        Lang::En => format!(
            "Contract (archive): {}\nMetering point of the tariff file: {point} (not matched: the contract was chosen with --contract)\n\n",
            named.contract
        ),
    }
}

/// The scaler and unit of the value lists that feed a register (same medium and
/// quantity), when the lists agree; otherwise the amount stays in raw units.
fn scale_of(result: &Evaluation, register: Obis) -> Option<(i8, Unit)> {
    let mut found = None;
    for s in &result.sections {
        if !tariff::same_quantity(s.obis, register) {
            continue;
        }
        let unit = match s.unit.as_str() {
            "Wh" => Unit::WattHour,
            "varh" | "VArh" => Unit::VarHour,
            "m³" | "m3" => Unit::CubicMetre,
            _ => return None,
        };
        match found {
            None => found = Some((s.scaler, unit)),
            Some(prev) if prev == (s.scaler, unit) => {}
            Some(_) => return None,
        }
    }
    found
}

fn render(result: &Evaluation, lang: Lang) -> String {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let mut out = format!(
        "{} {} – {}\n\n",
        l("Abrechnungszeitraum:", "Billing period:"),
        result.begin.format("%d.%m.%Y %H:%M %:z"),
        result.end.format("%d.%m.%Y %H:%M %:z"),
    );
    let mut table = Table::new([
        l("Register", "Register"),
        l("Bedeutung", "Meaning"),
        l("Tarif", "Tariff"),
        l("Menge (Rohwert)", "Amount (raw)"),
        l("Menge", "Amount"),
    ])
    .align_right(3)
    .align_right(4);
    for r in &result.registers {
        let obis = r.obis;
        let scaled = scale_of(result, obis)
            .map(|(scaler, unit)| {
                Quantity::new(ScaledValue::new(i128::from(r.amount), scaler), unit)
                    .format_auto(lang)
            })
            .unwrap_or_default();
        let meaning = if obis.is_error_register() {
            l(
                "Fehlerregister: Verbrauch, der keinem Tarif zugeordnet werden konnte",
                "error register: consumption that could not be assigned to a tariff",
            )
            .to_owned()
        } else {
            obis.name(lang).unwrap_or_default()
        };
        table.row([
            obis.to_string(),
            meaning,
            r.tariff
                .map(|t| t.to_string())
                .unwrap_or_else(|| "–".into()),
            r.amount.to_string(),
            scaled,
        ]);
    }
    out += &table.render();
    out += &format!(
        "\n{}\n  RIPEMD-160: {}\n  SHA-3 (Keccak-288): {}\n",
        l(
            "Prüfsummen der Tarifdatei (mit der Rechnung vergleichen):",
            "Checksums of the tariff file (compare with the bill):"
        ),
        result.checksums.ripemd160,
        result.checksums.sha3
    );
    if !result.unbilled.is_empty() {
        out += l(
            "\nHinweis: Ein Teil des Verbrauchs fällt in keine Tarifstufe der Tarifdatei (siehe --json, \"unbilled\").\n",
            "\nNote: part of the consumption falls into no tariff stage of the tariff file (see --json, \"unbilled\").\n",
        );
    }
    out
}
