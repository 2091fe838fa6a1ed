// The contracts screen.
import { api, type TariffProfileView } from "../api";
import { h } from "../dom";
import { pick, t } from "../i18n";
import { state, render } from "../store";
import { errorBox, busyBox, run } from "../ui";
import { selectContract } from "./values";

export async function loadContracts(): Promise<void> {
  const c = await run(() => api.contracts());
  if (c) {
    state.contracts = c;
    const first = c.find((x) => x.stores_values && x.databases.length);
    if (first && !state.sel.contract) selectContract(first.usage_point_id);
    render();
  }
}

export function contractsView(): HTMLElement {
  const list = state.contracts;
  return h(
    "section",
    {},
    h("h1", {}, t("navContracts")),
    errorBox(),
    busyBox(),
    list && !list.length ? h("p", {}, t("contractsNone")) : null,
    (list ?? []).map((c) =>
      h("article", { class: "panel contract", "aria-labelledby": `c-${c.usage_point_id}` },
        h("h2", { id: `c-${c.usage_point_id}` }, `${c.name} `, h("span", { class: "muted mono" }, c.usage_point_id)),
        h("dl", { class: "kv" },
          h("dt", {}, t("taf")), h("dd", {}, pick(c.taf_name)),
          h("dt", {}, t("state")), h("dd", {}, pick(c.state)),
          h("dt", {}, t("start")), h("dd", {}, c.start?.local ?? "–"),
          h("dt", {}, t("end")), h("dd", {}, c.end?.local ?? t("open")),
          h("dt", {}, t("billingPeriods")), h("dd", {}, c.billing_periods.length ? h("ul", {}, c.billing_periods.map((p) => h("li", {}, `${p.start.local} – ${p.end?.local ?? t("open")}`))) : "–"),
          h("dt", {}, t("meters")), h("dd", { class: "mono" }, c.meters.join(", ") || "–"),
          h("dt", {}, t("meteringPoint")), h("dd", { class: "mono" }, c.metering_point_id ?? "–"),
          h("dt", {}, t("emts")), h("dd", {}, c.emts.join(", ") || "–"),
          h("dt", {}, t("transparency")), h("dd", {}, c.transparency_bit ? t("yes") : t("no")),
        ),
        h("table", {},
          h("caption", {}, t("valueLists")),
          h("thead", {}, h("tr", {}, [t("valueList"), "OBIS", t("meaning"), t("unit"), "Scaler"].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, c.databases.flatMap((db) => db.channels.map((ch) =>
            h("tr", {}, h("td", {}, `${db.database} (${pick(db.name)})`), h("td", { class: "mono" }, ch.obis), h("td", {}, pick(ch.name)), h("td", {}, ch.unit), h("td", { class: "num" }, ch.scaler)),
          ))),
        ),
        c.no_export_hint ? h("p", { class: "note hint", role: "note" }, pick(c.no_export_hint)) : null,
        tariffProfile(c.usage_point_id, c.tariff_profile),
      ),
    ),
  );
}

/** The contract's tariff profile: what the gateway sent, as decoded in Rust; elements
 * the reader does not interpret are listed as sent. Every text is set as text. */
function tariffProfile(id: string, p: TariffProfileView | null): HTMLElement {
  const headingId = `tp-${id}`;
  const section = (...children: (HTMLElement | null)[]) =>
    h("section", { class: "tariff", "aria-labelledby": headingId }, h("h3", { id: headingId }, t("tariffProfile")), ...children);
  if (!p) return section(h("p", { class: "muted" }, t("tariffProfileNone")));
  const verdict = p.signature === "valid" ? "ok" : p.signature === "invalid" ? "bad" : "warn";
  return section(
    h("dl", { class: "kv" },
      h("dt", {}, t("tariffSignature")), h("dd", { class: `signature ${verdict}` }, pick(p.signature_text)),
      p.error ? [h("dt", {}, t("tariffUnreadable")), h("dd", { class: "mono" }, p.error)] : null,
      p.taf ? [h("dt", {}, t("taf")), h("dd", {}, p.taf)] : null,
      p.valid_from ? [h("dt", {}, t("tariffValidFrom")), h("dd", {}, p.valid_from)] : null,
      p.valid_to ? [h("dt", {}, t("tariffValidTo")), h("dd", {}, p.valid_to)] : null,
    ),
    p.raw ? h("div", {}, h("p", {}, t("tariffRaw")), h("pre", { class: "mono raw" }, p.raw)) : null,
    p.stages.length
      ? h("table", { class: "tariff-stages" },
          h("caption", {}, t("tariffStages")),
          h("thead", {}, h("tr", {}, [t("tariffStage"), t("tariffName"), t("tariffRegister")].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, p.stages.map((s) => h("tr", {}, h("td", { class: "mono" }, s.id), h("td", {}, s.name ?? "–"), h("td", { class: "mono" }, s.register ?? "–")))),
        )
      : null,
    p.day_profiles.length
      ? h("table", { class: "day-profiles" },
          h("caption", {}, t("dayProfiles")),
          h("thead", {}, h("tr", {}, [t("dayProfile"), t("switchTime"), t("tariffStage")].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, p.day_profiles.flatMap((d) => d.switches.length
            ? d.switches.map((s) => h("tr", {}, h("td", { class: "mono" }, d.id), h("td", { class: "mono" }, s.time), h("td", { class: "mono" }, s.stage)))
            : [h("tr", {}, h("td", { class: "mono" }, d.id), h("td", {}, "–"), h("td", {}, "–"))])),
        )
      : null,
    p.unknown.length
      ? h("table", { class: "tariff-unknown" },
          h("caption", {}, t("tariffUnknown")),
          h("thead", {}, h("tr", {}, [t("tariffPath"), t("tariffText")].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, p.unknown.map((u) => h("tr", {}, h("td", { class: "mono" }, u.path), h("td", { class: "mono" }, u.text)))),
        )
      : null,
  );
}
