// The export screen: source, period, formats.
import { api, asUiError, type ExportFormat, type ArchivedConsumer } from "../api";
import { gatewayClock } from "./values";
import { field, h } from "../dom";
import { counted, lang, pick, t, type Key } from "../i18n";
import { state, render } from "../store";
import { errorBox, busyBox, run, input, select, warningsNotice } from "../ui";

export const EXPORTS: [ExportFormat, Key, string, string][] = [
  ["xml", "fmtXml", "durchblick.xml", "xml"],
  ["csv_german", "fmtCsvDe", "durchblick-messwerte.csv", "csv"],
  ["csv_international", "fmtCsvIntl", "durchblick-values.csv", "csv"],
  ["log_csv_german", "fmtLogDe", "durchblick-logbuch.csv", "csv"],
  ["log_csv_international", "fmtLogIntl", "durchblick-logbook.csv", "csv"],
  ["json", "fmtJson", "durchblick.json", "json"],
  ["bundle_zip", "fmtBundleZip", "durchblick-paket.zip", "zip"],
];

/** Formats written into a folder the user picks, as the command line's `--out DIR`. */
export const FOLDER_EXPORTS: [ExportFormat, Key][] = [
  ["bundle", "fmtBundle"],
  ["csv_folder_german", "fmtCsvFolderDe"],
  ["csv_folder_international", "fmtCsvFolderIntl"],
  ["charts", "fmtCharts"],
];

/** Asks Rust for the export's default days (the last 31 German days up to the
 * gateway's clock) once; the buttons wait for them. */
function askDefaultRange(): void {
  if (state.exportRange.from || askedRange) return;
  askedRange = true;
  void api.period("export", gatewayClock()).then(
    (p) => {
      if (!state.exportRange.from) state.exportRange = p;
      render();
    },
    (e) => {
      askedRange = false;
      state.error = asUiError(e);
      render();
    },
  );
}
let askedRange = false;

export type Source = { key: string; label: string; archived: { consumer: ArchivedConsumer; smgwId: string } | null };

/** The export sources on offer: the connected gateway, and every consumer in the archive. */
export function exportSources(): Source[] {
  const out: Source[] = [];
  if (state.session) out.push({ key: "gateway", label: `${t("sourceGateway")} ${state.session.host}`, archived: null });
  for (const g of state.archive?.gateways ?? []) {
    for (const c of g.consumers) {
      out.push({
        key: `${g.smgw_id}|${c.user_id}`,
        label: `${t("sourceArchive")}: ${g.smgw_id} · ${c.user_id}`,
        archived: { consumer: c, smgwId: g.smgw_id },
      });
    }
  }
  return out;
}

export function chosenSource(): Source | undefined {
  const sources = exportSources();
  return sources.find((s) => s.key === state.exportSource) ?? sources[0];
}

export async function doExport(format: ExportFormat, fileName: string, ext: string): Promise<void> {
  const folder = FOLDER_EXPORTS.find(([f]) => f === format);
  // Rust opens the dialog and keeps the choice: the window names it by its token only.
  const chosen = await run(() =>
    folder ? api.choosePlace({ kind: "folder" }, t(folder[1])) : api.choosePlace({ kind: "file", suggested: fileName, extension: ext }),
  );
  if (!chosen) return;
  const { from, to } = state.exportRange;
  const archived = chosenSource()?.archived;
  if (archived === undefined) return;
  const source = archived
    ? { kind: "archive" as const, smgw_id: archived.smgwId, user_id: archived.consumer.user_id }
    : { kind: "gateway" as const };
  state.exported = null;
  // Reading the archive takes seconds and cannot be cancelled; reading the gateway can.
  const done = await run(() => api.export({ source, format, from, to, place: chosen.token, lang: lang() }), source.kind === "gateway");
  if (done) {
    state.exported = done;
    render();
  }
}

export async function saveChart(): Promise<void> {
  const chart = state.values?.channels[0]?.chart;
  if (!chart) return;
  const chosen = await run(() => api.choosePlace({ kind: "file", suggested: "durchblick-diagramm.svg", extension: "svg" }));
  if (!chosen) return;
  const ok = await run(async () => {
    await api.saveChart(chosen.token, pick(chart));
    return true;
  });
  if (ok) {
    state.exported = { path: chosen.path, values: state.values?.channels[0]?.values ?? 0, log_entries: 0, files: 1 };
    render();
  }
}

export function exportView(): HTMLElement {
  askDefaultRange();
  const r = state.exportRange;
  const done = state.exported;
  const chart = state.values?.channels[0]?.chart;
  const sources = exportSources();
  const chosen = chosenSource();
  if (!chosen) {
    return h("section", { class: "export" }, h("h1", {}, t("exportTitle")), errorBox(), h("p", { class: "note" }, t("exportNothing")));
  }
  // The days that hold every archived value, computed in Rust in German local time.
  const whole = chosen.archived?.consumer.whole_range ?? null;
  return h(
    "section",
    { class: "export" },
    h("h1", {}, t("exportTitle")),
    h("p", {}, t("exportIntro")),
    errorBox(),
    busyBox(),
    h("div", { class: "panel controls" },
      select("export-source", t("source"), sources.map((s) => [s.key, s.label]), chosen.key, (v) => { state.exportSource = v; render(); }),
      field(t("from"), input("export-from", r.from, (v) => (r.from = v), { type: "date" })),
      field(t("to"), input("export-to", r.to, (v) => (r.to = v), { type: "date" })),
      whole
        ? h("button", { type: "button", id: "export-whole", onclick: () => { state.exportRange = { ...whole }; render(); } }, t("wholeArchive"))
        : null,
    ),
    h("div", { class: "panel export-buttons" },
      EXPORTS.map(([format, key, file, ext]) =>
        h("button", { id: `export-${format}`, disabled: state.busy || !r.from, onclick: () => void doExport(format, file, ext) }, t(key)),
      ),
      FOLDER_EXPORTS.map(([format, key]) =>
        h("button", { id: `export-${format}`, disabled: state.busy || !r.from, onclick: () => void doExport(format, "", "") }, t(key)),
      ),
      h("button", { id: "export-chart", disabled: state.busy || !chart, onclick: () => void saveChart() }, t("fmtChart")),
      chart ? null : h("p", { class: "hint" }, t("chartFirst")),
    ),
    done
      ? h("p", { class: "ok", role: "status", id: "export-done" },
          `${t("saved")}: ${done.path} (${counted(done.values, "value")}, ${counted(done.log_entries, "logEntry")}, ${counted(done.files, "file")})`)
      : null,
    warningsNotice(done?.warnings, "export-warnings"),
  );
}
