// The contracts screen.
import { api } from "../api";
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
      ),
    ),
  );
}
