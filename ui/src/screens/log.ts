// The logbook screen.
import { api, asUiError, type LogView } from "../api";
import { field, h } from "../dom";
import { counted, num, pick, t } from "../i18n";
import { allRows, virtualTable } from "../vtable";
import { state, render } from "../store";
import { errorBox, busyBox, run, input, select, warningsNotice } from "../ui";

export async function loadLog(): Promise<void> {
  const l = await run(() => api.logbook(), true);
  if (l) {
    state.log = l.entries;
    state.logWarnings = l.warnings ?? [];
    render();
  }
}

/** Asks Rust for the instants of the typed from/to; the answer to the newest question
 * wins, so a late answer to an older one cannot undo a newer input. */
let rangeAsked = 0;
async function askRange(then: () => void): Promise<void> {
  const f = state.logFilter;
  const asked = ++rangeAsked;
  try {
    const range = await api.wallClockRange(f.from, f.to);
    if (asked !== rangeAsked) return;
    state.logRange = range;
  } catch (e) {
    if (asked !== rangeAsked) return;
    state.error = asUiError(e);
  }
  then();
}

export function filteredLog(): LogView[] {
  const f = state.logFilter;
  // Instants from Rust, compared as instants: no time zone of this computer is involved.
  const from = state.logRange.from ? Date.parse(state.logRange.from.utc) : null;
  const to = state.logRange.to ? Date.parse(state.logRange.to.utc) : null;
  const text = f.text.trim().toLowerCase();
  return (state.log ?? []).filter((e) => {
    const at = e.time ? Date.parse(e.time.utc) : null;
    if (from !== null && (at === null || at < from)) return false;
    if (to !== null && (at === null || at >= to)) return false;
    if (f.level !== "" && String(e.level) !== f.level) return false;
    if (text && !`${e.message} ${e.event_id} ${e.outcome ?? ""}`.toLowerCase().includes(text)) return false;
    return true;
  });
}

/** The filtered entries in the chosen order (the gateway's order is oldest first). */
function orderedLog(): LogView[] {
  const rows = filteredLog();
  return state.logFilter.newestFirst ? rows.reverse() : rows;
}

export function logView(): HTMLElement {
  const all = state.log ?? [];
  const levels = new Map<number, string>();
  for (const e of all) levels.set(e.level, pick(e.level_text));
  const rows = orderedLog();
  const f = state.logFilter;
  const refilter = () => {
    const id = document.activeElement?.id;
    render();
    if (id) document.getElementById(id)?.focus();
  };
  return h(
    "section",
    { class: "log" },
    h("h1", {}, t("navLog")),
    errorBox(),
    busyBox(),
    warningsNotice(state.logWarnings, "log-warnings"),
    h("form", { class: "panel controls", onsubmit: (e: Event) => e.preventDefault() },
      field(t("logFilterFrom"), input("log-from", f.from, (v) => { f.from = v; void askRange(refilter); }, { type: "datetime-local" })),
      field(t("logFilterTo"), input("log-to", f.to, (v) => { f.to = v; void askRange(refilter); }, { type: "datetime-local" })),
      select("log-level", t("level"), [["", t("allLevels")], ...[...levels.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v] as [string, string])], f.level, (v) => { f.level = v; refilter(); }),
      field(t("search"), input("log-text", f.text, (v) => { f.text = v; refilter(); }, { type: "search" })),
      h("label", { class: "check" },
        (() => {
          const c = h("input", { type: "checkbox", id: "log-newest-first" }) as HTMLInputElement;
          c.checked = f.newestFirst;
          c.addEventListener("change", () => { f.newestFirst = c.checked; refilter(); });
          return c;
        })(),
        t("newestFirst"),
      ),
      h("button", { type: "button", onclick: loadLog, id: "log-reload" }, t("reload")),
    ),
    h("p", { id: "log-count", "aria-live": "polite" }, `${num(rows.length)} / ${counted(all.length, "entry")}`),
    virtualTable<LogView>(
      t("navLog"),
      [
        { title: "#", width: "5rem", align: "right", cell: (e) => String(e.index) },
        { title: t("time"), width: "15rem", cell: (e) => e.time?.local ?? "–" },
        { title: t("level"), width: "9rem", cell: (e) => pick(e.level_text) },
        { title: t("message"), width: "minmax(20rem,1fr)", cell: (e) => e.message },
      ],
      allRows(rows),
      (e) => `lvl-${e.level}`,
    ),
  );
}
