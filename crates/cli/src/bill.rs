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

/// Recomputes the bill and prints it (or its JSON document). The meter's values come from
/// a device file, or from the archive (`archive`).
pub async fn run(
    device: Option<&Path>,
    archive: Option<&Path>,
    supplier: &Path,
    lang: Lang,
    json: bool,
) -> Result<(), Failure> {
    let result = match (device, archive) {
        (Some(device), _) => tariff::from_ar2418::check_bill(device, supplier)
            .map_err(|e| tariff_failure(e, lang))?,
        (None, archive) => {
            let profile = tariff::from_ar2418::supplier_file(supplier)
                .map_err(|e| tariff_failure(e, lang))?;
            let supplier_doc = archive_io::ar2418::read_file(supplier).map_err(|e| {
                CliProblem::TariffUnreadable {
                    reason: e.to_string(),
                }
                .failure(lang)
            })?;

            let doc = crate::export_cmd::device_from_archive(archive, &supplier_doc, lang).await?;
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
        println!("{}", result.to_json());
    } else {
        print!("{}", render(&result, lang));
    }
    Ok(())
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
