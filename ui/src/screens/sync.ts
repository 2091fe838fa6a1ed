// The sync and archive screen.
import { api, asUiError, type UiError, type ArchivedConsumer, type ArchiveView, type SyncProgress, type SyncDone } from "../api";
import { h } from "../dom";
import { counted, num, pick, t } from "../i18n";
import { state, render } from "../store";
import { errorBox, busyBox, run, warningsNotice } from "../ui";

export async function loadArchive(): Promise<void> {
  try {
    state.archive = await api.archiveStatus();
  } catch (e) {
    state.error = asUiError(e);
  }
  render();
}

export async function chooseArchive(): Promise<void> {
  // Rust opens the dialog and keeps the choice: the window names it by its token only.
  const chosen = await run(() => api.choosePlace({ kind: "archive" }, t("chooseArchive")));
  if (!chosen) return;
  const view = await run(() => api.chooseArchive(chosen.token));
  if (view) {
    state.archive = view;
    render();
  }
}

export async function useDefaultArchive(): Promise<void> {
  const view = await run(() => api.useDefaultArchive());
  if (view) {
    state.archive = view;
    render();
  }
}

export async function startSync(): Promise<void> {
  const session = state.session;
  state.syncing = true;
  state.syncProgress = null;
  state.synced = null;
  state.error = null;
  render();
  // The start button is disabled now: keyboard focus goes to the one that can stop it.
  document.getElementById("sync-cancel")?.focus();
  let done: SyncDone | null = null;
  let error: UiError | null = null;
  try {
    done = await api.sync();
  } catch (e) {
    error = asUiError(e);
  } finally {
    state.syncing = false;
    state.syncProgress = null;
  }
  // A sync cut short by a disconnect has nothing to say to the next session.
  if (state.session !== session) return;
  state.synced = done;
  state.error = error;
  await loadArchive();
  document.getElementById(done ? "sync-done" : "sync-start")?.focus();
}

export function syncFigures(p: SyncProgress | null): string {
  if (!p) return t("loading");
  const left = p.seconds_left;
  return [
    `${num(p.calls_done)} / ${counted(p.calls_planned, "call")}`,
    counted(p.values, "value"),
    counted(p.log_entries, "logEntry"),
    // Under a second is no estimate worth showing.
    left ? `${t("timeLeft")} ${left < 90 ? `${left} s` : `${Math.round(left / 60)} min`}` : null,
  ]
    .filter((x) => x !== null)
    .join(" · ");
}

export function syncProgressBox(): HTMLElement | null {
  if (!state.syncing) return null;
  const p = state.syncProgress;
  // Screen readers hear the phase when it changes, not every figure of every call.
  return h(
    "div",
    { class: "panel sync-progress", id: "sync-progress" },
    h("progress", { max: p?.calls_planned || 1, value: p ? p.calls_done : undefined, "aria-label": t("progress") }),
    h("p", { id: "sync-figures" }, syncFigures(p)),
    h("p", { class: "muted", id: "sync-phase", role: "status", "aria-live": "polite" }, p ? pick(p.phase) : ""),
    h("button", { id: "sync-cancel", onclick: () => void api.cancelSync() }, t("cancel")),
  );
}

/** Updates the progress panel in place: the cancel button must stay put to be clicked. */
export function showSyncProgress(p: SyncProgress): void {
  const bar = document.querySelector("#sync-progress progress") as HTMLProgressElement | null;
  const figures = document.getElementById("sync-figures");
  const phase = document.getElementById("sync-phase");
  if (!bar || !figures || !phase) {
    if (state.screen === "sync") render();
    return;
  }
  bar.max = p.calls_planned || 1;
  bar.value = p.calls_done;
  figures.textContent = syncFigures(p);
  const words = pick(p.phase);
  if (phase.textContent !== words) phase.textContent = words;
}

export function seriesRows(c: ArchivedConsumer): HTMLElement[] {
  return c.contracts.flatMap((k) =>
    k.series.map((s) =>
      h("tr", { class: s.conflicts ? "has-conflicts" : "" },
        h("td", {}, k.name ?? k.usage_point_id, h("div", { class: "muted mono small" }, k.usage_point_id)),
        h("td", {}, pick(s.database_name)),
        h("td", {}, h("span", { class: "mono" }, s.obis), " ", pick(s.name)),
        h("td", { class: "num" }, num(s.count)),
        h("td", {}, `${s.first?.local ?? "–"} – ${s.last?.local ?? "–"}`),
        h("td", { class: s.gaps ? "num warn" : "num" }, s.gaps ? `${num(s.gaps)} (${counted(s.missing, "missingValue")})` : "0"),
        h("td", { class: s.conflicts ? "num bad" : "num" }, num(s.conflicts)),
        h("td", {}, s.synced_until?.local ?? "–"),
      ),
    ),
  );
}

export function archiveTables(a: ArchiveView): HTMLElement[] {
  return a.gateways.flatMap((g) =>
    g.consumers.map((c) =>
      h("article", { class: "panel archived" },
        h("h2", {}, `${t("gatewayId")} `, h("span", { class: "mono" }, g.smgw_id), ` · ${t("consumer")} `, h("span", { class: "mono" }, c.user_id)),
        h("p", { class: "muted" }, `${t("lastSync")}: ${c.last_seen.local}`),
        h("div", { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("archivedSeries") },
          h("table", { class: "archive-table" },
            h("caption", {}, t("archivedSeries")),
            h("thead", {}, h("tr", {}, [t("contract"), t("valueList"), t("channel"), t("valuesHeld"), t("period"), t("gapsHeader"), t("conflicts"), t("syncedUntil")].map((x) => h("th", { scope: "col" }, x)))),
            h("tbody", {}, seriesRows(c)),
          ),
        ),
        h("p", { class: "hint" }, t("syncedUntilHint")),
        h("p", { class: "archived-log" },
          `${t("navLog")}: ${counted(c.log.count, "entry")}`,
          c.log.last_index !== null ? `, ${t("lastIndex")} ${c.log.last_index}` : "",
          c.log.conflicts ? h("span", { class: "bad" }, `, ${counted(c.log.conflicts, "conflict")}`) : "",
        ),
      ),
    ),
  );
}

export function syncView(): HTMLElement {
  const a = state.archive;
  const done = state.synced;
  return h(
    "section",
    { class: "sync" },
    h("h1", {}, t("syncTitle")),
    h("p", {}, t("syncIntro")),
    errorBox(),
    busyBox(),
    h("div", { class: "panel" },
      h("dl", { class: "kv" },
        h("dt", {}, t("archiveFile")),
        h("dd", {}, h("span", { class: "mono", id: "archive-path" }, a?.path ?? "–"), a?.demo ? h("span", { class: "badge" }, t("demoArchive")) : null),
      ),
      a && !a.exists ? h("p", { class: "hint", id: "archive-new" }, t("archiveNew")) : null,
      h("div", { class: "row" },
        h("button", { class: "primary", id: "sync-start", onclick: () => void startSync(), disabled: state.syncing || state.busy || !state.session }, t("syncStart")),
        // The demo always uses its own archive.
        h("button", { id: "archive-choose", onclick: () => void chooseArchive(), disabled: state.syncing || state.busy || !!state.session?.demo }, t("chooseArchive")),
        a?.default_path
          ? h("button", { id: "archive-default", onclick: () => void useDefaultArchive(), disabled: state.syncing || state.busy }, t("defaultArchive"))
          : null,
      ),
      state.session ? null : h("p", { class: "hint" }, t("syncNeedsSession")),
    ),
    syncProgressBox(),
    done ? h("p", { class: done.conflicts_new ? "warn" : "ok", role: "status", id: "sync-done", tabindex: -1 }, pick(done.summary)) : null,
    warningsNotice(done?.warnings, "sync-warnings"),
    a && a.gateways.length ? archiveTables(a) : a?.exists ? h("p", {}, t("archiveEmpty")) : null,
  );
}
