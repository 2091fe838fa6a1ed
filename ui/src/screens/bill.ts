// The bill check screen (TRuDI-style supplier file against the gateway's values).
import { api } from "../api";
import { field, h } from "../dom";
import { pick, t } from "../i18n";
import { state, render } from "../store";
import { errorBox, busyBox, run } from "../ui";

export function amountTable(
  id: string,
  caption: string,
  rows: { obis: string; tariff: number | null; amount: { de: string; en: string } }[],
  stages = true,
): HTMLElement {
  const head = stages ? [t("register"), t("stage"), t("amount")] : [t("register"), t("amount")];
  return h("table", { id },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((r) =>
      h("tr", {},
        h("td", { class: "mono" }, r.obis),
        stages ? h("td", {}, r.tariff === null ? t("errorRegister") : String(r.tariff)) : null,
        h("td", { class: "num" }, pick(r.amount)),
      ))),
  );
}

export function billView(): HTMLElement {
  const b = state.bill;
  // Rust opens the dialog and reads the file; the window keeps its token and name.
  const picker = (id: string, label: string, key: "supplier" | "device") => {
    const chosen = state.billFiles[key];
    const el = h("button", {
      type: "button",
      id,
      onclick: async () => {
        const picked = await run(() => api.pickFile("xml"));
        if (!picked) return;
        state.billFiles[key] = picked;
        render();
      },
    }, t("chooseFile"));
    return h("div", {}, field(label, el), chosen ? h("p", { class: "hint", id: `${id}-name` }, chosen.name) : null);
  };
  return h(
    "section",
    { class: "bill" },
    h("h1", {}, t("navBill")),
    h("p", {}, t("billIntro")),
    errorBox(),
    busyBox(),
    h("form", { class: "panel controls", onsubmit: (e: Event) => { e.preventDefault(); void checkBill(); } },
      picker("supplier-file", t("supplierFile"), "supplier"),
      picker("device-file", t("deviceFile"), "device"),
      h("button", { type: "submit", class: "primary", id: "check-bill", disabled: state.busy }, t("check")),
    ),
    b
      ? h("div", { id: "bill-result" },
          h("div", { class: "panel" },
            h("dl", { class: "kv" },
              h("dt", {}, t("useCase")), h("dd", {}, b.use_case),
              h("dt", {}, t("tariffId")), h("dd", {}, b.tariff_id),
              h("dt", {}, t("period")), h("dd", {}, `${b.begin} – ${b.end}`),
            ),
          ),
          amountTable("bill-stages", t("stages"), b.registers),
          amountTable("bill-totals", t("totals"), b.totals, false),
          b.unbilled.length ? amountTable("bill-unbilled", t("unbilled"), b.unbilled) : null,
          h("h2", {}, t("checksums")),
          h("dl", { class: "kv", id: "bill-checksums" }, Object.entries(b.checksums).flatMap(([k, v]) => [h("dt", {}, k.toUpperCase()), h("dd", { class: "mono small" }, v)])),
          b.days.length
            ? [
                h("h2", {}, t("timeline")),
                h("table", { id: "bill-days" },
                  h("thead", {}, h("tr", {}, [t("date"), t("ranges"), t("totals")].map((x) => h("th", { scope: "col" }, x)))),
                  h("tbody", {}, b.days.map((d) =>
                    h("tr", { class: d.has_error ? "day-error" : "" },
                      h("td", {}, d.date, d.has_error ? h("span", { class: "badge bad" }, t("dayError")) : null),
                      h("td", { class: "num" }, d.ranges),
                      h("td", {}, d.totals.map((r) => `${r.obis}: ${pick(r.amount)}`).join(" · ")),
                    ))),
                ),
              ]
            : null,
        )
      : null,
  );
}

export async function checkBill(): Promise<void> {
  const { supplier, device } = state.billFiles;
  if (!supplier || !device) {
    state.error = {
      kind: "local",
      de: "Bitte beide Dateien wählen: die Lieferantendatei und die Messwerte des Gateways.",
      en: "Please choose both files: the supplier file and the gateway's values.",
    };
    render();
    return;
  }
  const b = await run(() => api.checkBill(supplier.token, device.token));
  if (b) {
    state.bill = b;
    render();
  }
}
