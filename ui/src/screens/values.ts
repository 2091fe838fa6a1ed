// The values screen: choice of contract, list, channel and period; chart, consumption
// and the table of values; current values of contracts without lists.
import { api, asUiError, type PeriodKind, type ValueRow, type Consumption, type ValuesView } from "../api";
import type { ChannelValues, PeriodAmount } from "../generated/views";
import { field, h } from "../dom";
import { counted, lang, pick, t } from "../i18n";
import { virtualTable, type RowSource } from "../vtable";
import { loadCurve, type ChartHandle } from "../chart";
import { state, render, type ConsumptionPeriod } from "../store";
import { errorBox, busyBox, run, input, select, radioGroup, warningsNotice } from "../ui";

export function selectContract(id: string): void {
  const c = state.contracts?.find((x) => x.usage_point_id === id);
  state.sel.contract = id;
  state.sel.database = c?.databases[0]?.database ?? "";
  state.sel.channel = c?.databases[0]?.channels[0]?.hex ?? "";
}

/** The gateway's clock as the window last heard it: the periods end there. */
export function gatewayClock(): string | null {
  return state.gateway?.gateway.time?.utc ?? null;
}

export async function loadValues(): Promise<void> {
  const s = state.sel;
  // The command's share of the time from the click to the drawn chart, for the window
  // test (src-tauri/tests/webdriver.mjs); a standard User Timing mark, nothing else.
  for (const m of ["values:asked", "values:answered", "values:chart-start", "values:chart-made"]) performance.clearMarks(m);
  // One call from the click to the answer, so that the window is drawn once when it
  // starts (busy) and once with the answer, and the answer is kept inside the call.
  await run(async () => {
    // The period is worked out in Rust (German time); a custom one is the user's dates.
    const { from, to } = s.range === "custom" ? { from: s.from, to: s.to } : await api.period(s.range as PeriodKind, gatewayClock());
    performance.mark("values:asked");
    const v = await api.values({ usage_point_id: s.contract, database: s.database, channels: s.channel ? [s.channel] : [], from, to });
    performance.mark("values:answered");
    state.values = v;
  }, true);
}

export async function loadCurrent(id: string): Promise<void> {
  const v = await run(() => api.currentValues(id));
  if (v) {
    state.current.set(id, v);
    render();
  }
}

/** The PTB status in words with the set status bits; without a PTB status (not sent, or
 * a word without identification) what the gateway's words say, else "–". */
export function statusText(r: ValueRow, words: Map<number, { de: string; en: string }>, withCode: boolean): string {
  const bits = lang() === "de" ? r.sde : r.sen;
  if (r.s === undefined) return bits ?? "–";
  const ptb = withCode ? `${r.s} – ${pick(words.get(r.s))}` : pick(words.get(r.s));
  return bits ? `${ptb} (${bits})` : ptb;
}

export function consumptionPanel(c: Consumption, n: number): HTMLElement {
  // Days for up to two months of values, months beyond, unless the user chose. The first
  // channel's ids carry no number, so that tests and labels stay simple.
  const period: ConsumptionPeriod = state.usePeriod ?? (c.day.length > 62 ? "month" : "day");
  const suffix = n === 0 ? "" : `-${n}`;
  const periods: ConsumptionPeriod[] = ["day", "week", "month", "year"];
  return h("div", { class: "panel consumption" },
    h("h3", {}, t("consumption")),
    radioGroup(`use${suffix}`, t("perPeriod"), periods.map((p) => [p, t(`per_${p}`)]), period, (p) => { state.usePeriod = p; render(); }),
    h("div", { class: "table-scroll consumption-scroll", tabindex: 0, role: "region", "aria-label": t("consumption") },
      h("table", { id: `consumption-table${suffix}` },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("period")), h("th", { scope: "col" }, t("consumption")))),
        h("tbody", {}, c[period].map((r) =>
          h("tr", { class: r.partial ? "partial" : "" },
            h("td", {}, pick(r.period), r.partial ? h("span", { class: "muted" }, ` (${t("partialPeriod")})`) : null),
            h("td", { class: "num" }, pick(r.amount)),
          ))),
      ),
    ),
    c.day.some((r) => r.partial) ? h("p", { class: "hint" }, t("partialHint")) : null,
  );
}

/** The chart of the shown values: made once per answer and language, kept across
 * re-renders so zoom and the chosen value survive a click elsewhere on the screen. */
let charts: { values: ValuesView; lang: string; handles: Map<number, ChartHandle> } | null = null;

function chartFor(v: ValuesView, n: number, label: string): HTMLElement {
  if (!charts || charts.values !== v || charts.lang !== lang()) {
    charts?.handles.forEach((c) => c.destroy());
    charts = { values: v, lang: lang(), handles: new Map() };
  }
  let handle = charts.handles.get(n);
  if (!handle) {
    performance.mark("values:chart-start");
    handle = loadCurve(v.channels[n], valueRows(v, n), v.statuses, label, n === 0 ? "" : `-${n}`, (from, to) =>
      api.chartPoints(v.answer, n, Math.floor(from), Math.ceil(to)), v.stages,
    );
    performance.mark("values:chart-made");
    charts.handles.set(n, handle);
  }
  return handle.el;
}

/** Rows per request for the values table (as many as the answer carries first). */
const PAGE = 200;

/** The rows of a channel's table: the first ones from the answer, the rest fetched from
 * the backend page by page as they come into view, and kept per answer. */
const pages = new WeakMap<ValuesView, Map<number, RowSource<ValueRow>>>();

export function valueRows(v: ValuesView, n: number): RowSource<ValueRow> {
  let perChannel = pages.get(v);
  if (!perChannel) pages.set(v, (perChannel = new Map()));
  const known = perChannel.get(n);
  if (known) return known;
  const ch = v.channels[n];
  const got = new Map<number, ValueRow[]>([[0, ch.rows]]);
  const asked = new Map<number, Promise<void>>();
  const page = (p: number): Promise<void> => {
    let pending = asked.get(p);
    if (!pending) {
      pending = api.valueRows(v.answer, n, p * PAGE, PAGE).then(
        (rows) => { got.set(p, rows); },
        (e) => {
          // Asked again when next needed; the error says what to do.
          asked.delete(p);
          state.error = asUiError(e);
          render();
          throw e;
        },
      );
      asked.set(p, pending);
    }
    return pending;
  };
  const source: RowSource<ValueRow> = {
    count: ch.row_count,
    row: (i) => (i < ch.rows.length ? ch.rows[i] : got.get(Math.floor(i / PAGE))?.[i % PAGE]),
    fetch: async (from, to) => {
      const wanted: Promise<void>[] = [];
      for (let p = Math.floor(from / PAGE); p * PAGE < to; p++) if (!got.has(p)) wanted.push(page(p));
      await Promise.all(wanted);
    },
  };
  perChannel.set(n, source);
  return source;
}

export function valueTable(v: ValuesView): HTMLElement[] {
  const words = new Map(v.statuses.map((s) => [s.code, s.text]));
  return v.channels.map((ch, n) => {
    const unitLabel = ch.info ? `${ch.info.obis} ${pick(ch.info.name)} [${ch.info.unit}]` : ch.channel;
    return h(
      "div",
      { class: "channel-values" },
      h("h2", {}, unitLabel),
      h("p", { id: "values-summary" }, `${counted(ch.values, "value")}, ${counted(ch.gaps, "gap")}`),
      // The interactive chart; the export library's SVG (`ch.chart`) is what "save chart"
      // writes. Only a period (not the newest value alone) makes a chart.
      ch.chart && ch.points.x.length > 1 ? chartFor(v, n, unitLabel) : null,
      ch.consumption ? consumptionPanel(ch.consumption, n) : null,
      ch.row_count
        ? virtualTable<ValueRow>(
            unitLabel,
            [
              { title: t("targetTime"), width: "15rem", cell: (r) => r.t },
              { title: t("captureTime"), width: "17rem", cell: (r) => (r.gap ? "" : `${r.c ?? "–"}${r.d ? ` (${r.d > 0 ? "+" : ""}${r.d} s)` : ""}`) },
              { title: t("value"), width: "minmax(10rem,1fr)", align: "right", cell: (r) => (r.gap ? t("gapRow") : `${pick({ de: r.de ?? "", en: r.en ?? "" })}${r.sig ? " ✓" : ""}`) },
              { title: t("status"), width: "minmax(12rem,1.4fr)", cell: (r) => (r.gap ? "" : statusText(r, words, true)) },
            ],
            valueRows(v, n),
            (r) => (r.gap ? "gap" : `st-${r.s ?? "x"}`),
          )
        : h("p", {}, t("noValues")),
    );
  });
}

/** Lays out and draws the results of a small made-up answer once, off screen, while the
 * user still chooses what to show. In a fresh web view the first chart, table and
 * consumption panel cost WebKit and uPlot two to three times what every later one does (first
 * layout of these elements, first glyphs of their digits, uPlot's code compiled); this
 * way the user's first answer does not pay that. Nothing of it stays. */
let warmedUp = false;
function warmUp(): void {
  const start = 1_767_222_000; // 1 January 2026, 00:00 German time
  const n = 7 * 96;
  const x = Array.from({ length: n }, (_, k) => start + k * 900);
  const amount = (k: number): PeriodAmount => ({ period: { de: `0${k % 10}.2026`, en: `0${k % 10}/2026` }, amount: { de: "1.234,567 kWh", en: "1,234.567 kWh" }, partial: false });
  const channel: ChannelValues = {
    channel: "0100010800ff",
    info: null,
    rows: x.map((_, k) => ({ t: `0${(k % 9) + 1}.01.2026 10:${String(k % 60).padStart(2, "0")}`, c: "01.01.2026 10:00:05", d: 5, de: `${k},250 kWh`, en: `${k}.250 kWh`, s: 0 })),
    row_count: n,
    points: { i: x.map((_, k) => k), x, y: x.map((_, k) => 1000 + k / 4), s: x.map(() => 0), thinned: false },
    values: n,
    gaps: 0,
    period_seconds: 900,
    chart: { de: "", en: "" },
    consumption: { day: Array.from({ length: 13 }, (_, k) => amount(k)), week: [], month: [], year: [] },
  };
  const made: ValuesView = { usage_point_id: "", database: "", answer: -1, channels: [channel], statuses: [] };
  // Out of sight, out of reach, and without the ids the screen's own elements carry.
  const box = h("section", { class: "values", inert: true, "aria-hidden": "true", style: "position:fixed;left:-30000px;top:0;width:1200px" }, valueTable(made));
  for (const el of box.querySelectorAll("[id]")) el.removeAttribute("id");
  document.body.append(box);
  void box.offsetHeight;
  requestAnimationFrame(() => {
    if (charts?.values === made) {
      charts.handles.forEach((c) => c.destroy());
      charts = null;
    }
    box.remove();
  });
}

export function valuesView(): HTMLElement {
  if (!warmedUp) {
    warmedUp = true;
    setTimeout(warmUp, 0);
  }
  const list = state.contracts ?? [];
  const withLists = list.filter((c) => c.stores_values && c.databases.length);
  const currentOnly = list.filter((c) => !c.stores_values);
  const c = list.find((x) => x.usage_point_id === state.sel.contract);
  const db = c?.databases.find((d) => d.database === state.sel.database);
  const ranges = (["day", "week", "month", "year", "custom"] as const).map((r) => [r, t(r)] as [string, string]);
  return h(
    "section",
    { class: "values" },
    h("h1", {}, t("navValues")),
    errorBox(),
    busyBox(),
    h("form", { class: "panel controls", onsubmit: (e: Event) => { e.preventDefault(); void loadValues(); } },
      select("sel-contract", t("contract"), withLists.map((x) => [x.usage_point_id, x.name]), state.sel.contract, (v) => { selectContract(v); render(); }),
      select("sel-database", t("valueList"), (c?.databases ?? []).map((d) => [d.database, pick(d.name)]), state.sel.database, (v) => {
        state.sel.database = v;
        state.sel.channel = c?.databases.find((d) => d.database === v)?.channels[0]?.hex ?? "";
        render();
      }),
      select("sel-channel", t("channel"), (db?.channels ?? []).map((ch) => [ch.hex, `${ch.obis} ${pick(ch.name)}`]), state.sel.channel, (v) => { state.sel.channel = v; }),
      radioGroup("range", t("range"), ranges, state.sel.range, (r) => { state.sel.range = r; render(); }),
      state.sel.range === "custom"
        ? h("div", { class: "row" },
            field(t("from"), input("range-from", state.sel.from, (v) => (state.sel.from = v), { type: "date" })),
            field(t("to"), input("range-to", state.sel.to, (v) => (state.sel.to = v), { type: "date" })),
          )
        : null,
      h("button", { type: "submit", class: "primary", id: "show-values", disabled: state.busy }, t("show")),
    ),
    warningsNotice(state.values?.warnings, "values-warnings"),
    state.values ? valueTable(state.values) : null,
    currentOnly.length
      ? h("div", { class: "current" },
          h("h2", {}, t("currentValues")),
          currentOnly.map((cc) =>
            h("div", { class: "panel" },
              h("h3", {}, cc.name),
              h("button", { onclick: () => void loadCurrent(cc.usage_point_id), id: `current-${cc.taf}` }, t("show")),
              (() => {
                const v = state.current.get(cc.usage_point_id);
                if (!v) return null;
                const words = new Map(v.statuses.map((s) => [s.code, s.text]));
                return h("table", { class: "current-table" },
                  h("thead", {}, h("tr", {}, [t("channel"), t("targetTime"), t("value"), t("status")].map((x) => h("th", { scope: "col" }, x)))),
                  h("tbody", {}, v.channels.flatMap((ch) => ch.rows.map((r) =>
                    h("tr", { class: `st-${r.s ?? "x"}` },
                      h("td", {}, ch.info ? `${ch.info.obis} ${pick(ch.info.name)}` : ch.channel),
                      h("td", {}, r.t),
                      h("td", { class: "num" }, pick({ de: r.de ?? "", en: r.en ?? "" })),
                      h("td", {}, statusText(r, words, false)),
                    )))),
                );
              })(),
            ),
          ),
        )
      : null,
  );
}
