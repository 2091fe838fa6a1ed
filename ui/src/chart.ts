// The interactive load curve of the values screen, drawn by uPlot (canvas). The exported
// SVG stays the export library's; both plot the same numbers. The answer carries the
// chart's points (`points`: row, time, value, status per point; for a long period only the
// rows that shape the line, thinned in Rust), and a zoomed view asks the backend for its
// detail (`detail`), so a year of quarter hours draws as fast as a day. The words of the
// chosen value come from the table's rows, fetched when not there yet.
//
// Gaps are `null` in `y`, so the line breaks there. Values with a PTB status of 2 or more
// (invalid) get a second series of red dots. Zoom: drag across the chart, the mouse wheel
// or a touchpad pinch (wheel with Ctrl); pan: horizontal touchpad swipe or Shift+wheel.
// Keyboard (the chart is focusable): ←/→ step through the values (every row, also where
// the overview leaves rows out; Ctrl: a day), +/− zoom around the chosen value,
// Shift+←/→ pan, 0 or Home shows everything. The chosen value is read out in
// `#chart-readout` (value with unit, local time, PTB status); its `data-index` is the
// table row.
import { berlinWallClock } from "./berlin";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChannelValues, ChartPoints, StagesView, StatusWords, ValueRow } from "./generated/views";
import type { RowSource } from "./vtable";
import { h } from "./dom";
import { lang, pick, t } from "./i18n";

/** The PTB status from which a value is invalid (2: temporary error and worse). */
const INVALID_FROM = 2;

export type ChartHandle = { el: HTMLElement; destroy: () => void };

/** The status of a row in words, as the table shows it. */
function statusWords(r: ValueRow, words: Map<number, StatusWords["text"]>): string {
  const bits = lang() === "de" ? r.sde : r.sen;
  if (r.s === undefined) return bits ?? "–";
  const ptb = `${r.s} – ${pick(words.get(r.s))}`;
  return bits ? `${ptb} (${bits})` : ptb;
}

function locale(): string {
  return lang() === "de" ? "de-DE" : "en-GB";
}

/** The series uPlot draws from the points: time, value, and the invalid values again. */
function series(p: ChartPoints): uPlot.AlignedData {
  return [p.x, p.y, p.s.map((s, k) => (s !== null && s >= INVALID_FROM ? p.y[k] : null))];
}

/** The index of the last point whose row is at most `row` (0 if none). */
function pointAtOrBefore(p: ChartPoints, row: number): number {
  let lo = 0;
  let hi = p.i.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.i[mid] <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Background colours of the tariff stages (TAF 2), in the profile's order: light enough
 * for the line and the red marks to stay readable on them. */
export const STAGE_COLOURS = ["rgba(255, 200, 0, 0.22)", "rgba(40, 120, 220, 0.16)", "rgba(0, 160, 90, 0.16)", "rgba(160, 60, 200, 0.14)"];

/** Paints the tariff stages behind the curve. */
function paintStages(u: uPlot, stages: StagesView): void {
  const { left, top, width, height } = u.bbox;
  const [min, max] = [u.scales.x.min ?? 0, u.scales.x.max ?? 0];
  const ctx = u.ctx;
  ctx.save();
  for (const b of stages.bands) {
    if (b.to < min || b.from > max) continue;
    const x0 = Math.max(left, u.valToPos(b.from, "x", true));
    const x1 = Math.min(left + width, u.valToPos(b.to, "x", true));
    ctx.fillStyle = STAGE_COLOURS[b.n % STAGE_COLOURS.length];
    ctx.fillRect(x0, top, Math.max(0, x1 - x0), height);
  }
  ctx.restore();
}

/** The width the chart's box will have: the screen's column, which the box fills but for
 * its border (style.css), read from the screen shown now. So the chart is drawn once, at
 * its size, rather than at a guess and again when the ResizeObserver reports the size. */
function expectedWidth(): number {
  const column = document.querySelector("main > section");
  return Math.max(300, (column?.clientWidth ?? 802) - 2);
}

/** How long the view must stay still before its detail is asked for (ms). */
const DETAIL_DELAY = 60;

/** The chart of one channel; `suffix` keeps element ids unique with several channels.
 * `detail` asks the backend for the points of a zoomed view (Unix seconds). */
export function loadCurve(
  ch: ChannelValues,
  rows: RowSource<ValueRow>,
  statuses: StatusWords[],
  label: string,
  suffix = "",
  detail?: (from: number, to: number) => Promise<ChartPoints>,
  stages?: StagesView,
): ChartHandle {
  const words = new Map(statuses.map((s) => [s.code, s.text]));
  const unit = ch.info?.unit ?? "";
  const overview = ch.points;
  // The points drawn now: the overview, or a zoomed view's detail.
  let pts = overview;
  const first = overview.x[0];
  const last = overview.x[overview.x.length - 1];
  const lastRow = ch.row_count - 1;
  const num = new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 });
  const dayFmt = new Intl.DateTimeFormat(locale(), { timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "2-digit" });
  const hourFmt = new Intl.DateTimeFormat(locale(), { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" });
  const readout = h("p", { id: `chart-readout${suffix}`, class: "chart-readout", "aria-live": "polite" }, t("chartHint"));
  const box = h("div", {
    id: `values-chart${suffix}`,
    class: "chart-box",
    tabindex: 0,
    role: "img",
    "aria-label": `${t("chartOf")} ${label}. ${t("chartKeys")}`,
    "aria-describedby": `chart-readout${suffix}`,
  });
  // What the chart shows now, in words: screen readers cannot see a canvas' axis.
  const range = h("p", { id: `chart-range${suffix}`, class: "muted chart-range", "aria-live": "polite" });
  // Which background is which tariff stage (TAF 2).
  const legend = stages
    ? h("p", { id: `chart-stages${suffix}`, class: "chart-stages" }, `${t("chartStages")}: `,
        stages.names.map((name, n) => h("span", { class: "stage-key" }, h("span", { class: "stage-swatch", style: `background:${STAGE_COLOURS[n % STAGE_COLOURS.length]}` }), name)))
    : null;
  const el = h("div", { class: "chart-wrap" }, box, legend, range, readout);
  const rangeFmt = new Intl.DateTimeFormat(locale(), { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });
  const showRange = (min: number | undefined, max: number | undefined) => {
    if (min === undefined || max === undefined) return;
    range.textContent = `${t("chartShows")} ${rangeFmt.format(min * 1e3)} – ${rangeFmt.format(max * 1e3)}`;
  };

  /** Reads out table row `i`. */
  const show = (i: number) => {
    if (i < 0 || i > lastRow) return;
    const r = rows.row(i);
    readout.dataset.index = String(i);
    if (r === undefined) {
      // Words for this row are fetched; shown if it is still the chosen one by then.
      void rows.fetch?.(i, i + 1).then(() => { if (readout.dataset.index === String(i)) show(i); }, () => {});
      return;
    }
    const value = r.gap ? t("gapRow") : `${pick({ de: r.de ?? "", en: r.en ?? "" })}`;
    const status = r.gap ? "" : ` · ${t("status")}: ${statusWords(r, words)}`;
    readout.textContent = `${r.t} · ${value}${status}`;
  };

  /** The time of table row `row`: its point's, or between the drawn neighbours (rows
   * follow each other at the raster, gaps included). */
  const timeOf = (row: number): number => {
    const k = pointAtOrBefore(pts, row);
    if (pts.i[k] === row || k + 1 >= pts.i.length) return pts.x[k];
    const [ia, ib, xa, xb] = [pts.i[k], pts.i[k + 1], pts.x[k], pts.x[k + 1]];
    return xa + ((row - ia) * (xb - xa)) / (ib - ia || 1);
  };

  // The shown time range as last set: uPlot applies a new scale only at its next commit,
  // so steps in quick succession (key repeat) must build on this, not on `plot.scales`.
  let view = { min: first, max: last };
  // The table row chosen by keyboard or mouse (the newest at first).
  let focus = lastRow;
  const setView = (min: number, max: number) => {
    view = { min, max };
    plot.setScale("x", { min, max });
  };

  // The detail of a zoomed view, asked once the view stood still for a moment; an answer
  // for a view that changed meanwhile is dropped.
  let asked = { min: first, max: last };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const draw = (p: ChartPoints) => {
    pts = p;
    plot.setData(series(p), false);
    box.dataset.points = String(p.x.length);
    box.dataset.detail = p === overview ? "overview" : "ready";
  };
  const askDetail = () => {
    if (!overview.thinned || !detail) return;
    if (view.min === asked.min && view.max === asked.max) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const want = { ...view };
      asked = want;
      const mine = ++generation;
      if (want.min <= first && want.max >= last) {
        draw(overview);
        return;
      }
      box.dataset.detail = "loading";
      detail(want.min, want.max).then(
        (p) => { if (mine === generation) draw(p); },
        // Without the detail the overview stays: it shows the same line, coarser.
        () => { if (mine === generation) box.dataset.detail = "overview"; asked = { min: first, max: last }; },
      );
    }, DETAIL_DELAY);
  };

  const opts: uPlot.Options = {
    width: expectedWidth(),
    height: 320,
    // Berlin time on the axis, whatever zone this computer is set to.
    tzDate: (ts) => berlinWallClock(ts * 1e3),
    scales: { x: { time: true } },
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 8 } },
    axes: [
      {
        font: "12px system-ui, sans-serif",
        stroke: "#333",
        // Berlin time the way the language writes it: hours within a day, dates beyond.
        values: (_u, splits, _axis, _space, incr) => splits.map((ts) => (incr >= 86400 ? dayFmt : hourFmt).format(ts * 1e3)),
      },
      {
        font: "12px system-ui, sans-serif",
        stroke: "#333",
        size: 80,
        label: unit,
        labelFont: "12px system-ui, sans-serif",
        values: (_u, splits) => splits.map((v) => num.format(v)),
      },
    ],
    series: [
      {},
      { label, stroke: "#1f5fa8", width: 1.5, spanGaps: false, points: { show: false } },
      { label: t("invalidValues"), stroke: "#c62828", width: 0, paths: () => null, points: { show: true, size: 6, fill: "#c62828" } },
    ],
    hooks: {
      drawClear: stages ? [(u) => paintStages(u, stages)] : [],
      // The keyboard goes on from the value the mouse pointed at.
      setCursor: [
        (u) => {
          const k = u.cursor.idx;
          if (k === null || k === undefined || k >= pts.i.length) return;
          focus = pts.i[k];
          show(focus);
        },
      ],
      setScale: [
        (u, key) => {
          if (key !== "x") return;
          view = { min: u.scales.x.min ?? view.min, max: u.scales.x.max ?? view.max };
          showRange(view.min, view.max);
          askDetail();
        },
      ],
    },
  };
  const plot = new uPlot(opts, series(overview), box);
  box.dataset.points = String(overview.x.length);
  box.dataset.rows = String(ch.row_count);
  box.dataset.detail = "overview";

  const full = () => setView(first, last);
  /** Zooms by `factor` (< 1 in) around the time `at`. */
  const zoom = (factor: number, at: number) => {
    const { min, max } = view;
    const span = Math.max((max - min) * factor, (ch.period_seconds ?? 900) * 4);
    const left = (at - min) / (max - min || 1);
    const lo = Math.max(first, at - span * left);
    setView(lo, Math.min(last, lo + span));
  };
  const pan = (fraction: number) => {
    const { min, max } = view;
    const d = (max - min) * fraction;
    const lo = Math.min(Math.max(first, min + d), last - (max - min));
    setView(lo, lo + (max - min));
  };

  box.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const rect = plot.over.getBoundingClientRect();
      const at = plot.posToVal(e.clientX - rect.left, "x");
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) pan((e.shiftKey ? e.deltaY : e.deltaX) / 500);
      else zoom(e.deltaY < 0 ? 0.8 : 1.25, at);
    },
    { passive: false },
  );

  /** Chooses table row `row`: the cursor goes to its time (and its value, when drawn). */
  const moveTo = (row: number) => {
    const chosen = Math.max(0, Math.min(lastRow, row));
    const x = timeOf(chosen);
    const { min, max } = view;
    if (x < min || x > max) pan((x - (min + max) / 2) / (max - min || 1));
    const k = pointAtOrBefore(pts, chosen);
    const y = pts.i[k] === chosen ? pts.y[k] : null;
    const left = plot.valToPos(x, "x");
    const top = y === null ? plot.bbox.height / devicePixelRatio / 2 : plot.valToPos(y, "y");
    plot.setCursor({ left, top });
    // The cursor snaps to the nearest drawn point; the chosen row is what is read out.
    focus = chosen;
    show(chosen);
  };
  box.addEventListener("keydown", (e) => {
    const step = e.ctrlKey ? 96 : 1;
    if (e.key === "ArrowLeft" && e.shiftKey) pan(-0.25);
    else if (e.key === "ArrowRight" && e.shiftKey) pan(0.25);
    else if (e.key === "ArrowLeft") moveTo(focus - step);
    else if (e.key === "ArrowRight") moveTo(focus + step);
    else if (e.key === "+" || e.key === "=") zoom(0.5, timeOf(focus));
    else if (e.key === "-") zoom(2, timeOf(focus));
    else if (e.key === "0" || e.key === "Home" || e.key === "Escape") full();
    else return;
    e.preventDefault();
  });
  box.addEventListener("focus", () => show(focus));

  const resize = new ResizeObserver(() => {
    const w = Math.max(300, box.clientWidth);
    if (w !== plot.width) plot.setSize({ width: w, height: 320 });
  });
  resize.observe(box);
  return {
    el,
    destroy: () => {
      clearTimeout(timer);
      generation += 1;
      resize.disconnect();
      plot.destroy();
    },
  };
}
