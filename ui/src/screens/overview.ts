// The overview: the start screen after connecting or opening an archive. Its figures
// (German local months and year, import and export, newest value, warnings, the
// archive's state) come computed from the `overview` command; this only shows them.
import { api, type FlowView, type OverviewView, type PeriodFigure } from "../api";
import { h } from "../dom";
import { pick, t } from "../i18n";
import { go, render, state } from "../store";
import { busyBox, errorBox, run } from "../ui";

export async function loadOverview(): Promise<void> {
  const o = await run(() => api.overview());
  if (o) {
    state.overview = o;
    render();
  }
}

function figure(label: string, f: PeriodFigure | null): HTMLElement[] {
  return [
    h("dt", {}, label),
    h("dd", { class: "num" }, f ? pick(f.amount) : "–", f?.partial ? h("span", { class: "muted" }, ` (${t("partialPeriod")})`) : null),
  ];
}

/** The last twelve months as bars: a table, so screen readers read period and amount. */
function monthBars(flow: FlowView, n: number): HTMLElement {
  const max = Math.max(...flow.months.map((m) => m.value), 0) || 1;
  return h("table", { class: "bars", id: `overview-months-${n}` },
    h("caption", {}, `${t("lastMonths")}: ${pick(flow.name)}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("period")), h("th", { scope: "col" }, t("consumption")))),
    h("tbody", {}, flow.months.map((m) =>
      h("tr", { class: m.partial ? "partial" : "" },
        h("th", { scope: "row" }, pick(m.period)),
        h("td", {},
          h("span", { class: "bar", style: `width:${Math.max(0, (100 * m.value) / max).toFixed(1)}%`, "aria-hidden": "true" }),
          h("span", { class: "bar-label" }, pick(m.amount), m.partial ? ` (${t("partialPeriod")})` : ""),
        ),
      ))),
  );
}

function flowPanel(flow: FlowView, n: number): HTMLElement {
  return h("article", { class: "panel flow", "aria-labelledby": `flow-${n}` },
    h("h2", { id: `flow-${n}` }, pick(flow.name)),
    h("dl", { class: "kv figures" },
      figure(t("thisMonth"), flow.this_month),
      figure(t("lastMonth"), flow.last_month),
      figure(t("yearSoFar"), flow.year),
    ),
    flow.months.length ? monthBars(flow, n) : null,
  );
}

function view(o: OverviewView): HTMLElement[] {
  if (!o.has_values) {
    return [
      h("div", { class: "panel", id: "overview-empty" },
        h("p", {}, t("overviewEmpty")),
        h("button", { class: "primary", id: "overview-sync", onclick: () => go("sync") }, t("navSync")),
      ),
    ];
  }
  const n = o.newest;
  // The clock first: it bears on every time the gateway wrote.
  const warnings = o.clock_drift ? [o.clock_drift, ...o.warnings] : o.warnings;
  return [
    h("div", { class: "cols overview-top" },
      h("div", { class: "panel", id: "overview-newest" },
        h("h2", {}, t("newestValue")),
        n
          ? h("dl", { class: "kv" },
              h("dt", {}, t("channel")), h("dd", {}, pick(n.channel)),
              h("dt", {}, t("time")), h("dd", {}, n.time.local),
              h("dt", {}, t("value")), h("dd", { class: "num" }, pick(n.value)),
              h("dt", {}, t("status")), h("dd", { class: n.invalid ? "bad" : "ok" }, n.status ? pick(n.status) : "–"),
            )
          : h("p", {}, "–"),
      ),
      h("div", { class: "panel", id: "overview-archive" },
        h("h2", {}, t("archiveState")),
        h("dl", { class: "kv" },
          h("dt", {}, t("completeUntil")), h("dd", {}, o.complete_until?.local ?? "–"),
          h("dt", {}, t("lastSync")), h("dd", {}, o.last_sync?.local ?? "–"),
          h("dt", {}, t("gatewayId")), h("dd", { class: "mono" }, o.smgw_id ?? "–"),
        ),
      ),
    ),
    h("div", { class: "panel", id: "overview-warnings", role: warnings.length ? "alert" : null },
      h("h2", {}, t("warnings")),
      warnings.length ? h("ul", {}, warnings.map((w) => h("li", { class: "warn" }, pick(w)))) : h("p", { class: "ok" }, t("noWarnings")),
    ),
    ...o.flows.map(flowPanel),
  ];
}

export function overviewView(): HTMLElement {
  const o = state.overview;
  return h(
    "section",
    { class: "overview", id: "overview" },
    h("h1", {}, t("navOverview")),
    o?.as_of ? h("p", { class: "muted", id: "overview-as-of" }, `${t("asOf")} ${o.as_of.local}`) : null,
    errorBox(),
    busyBox(),
    o ? view(o) : null,
  );
}
