// The interactive load curve of the values screen, drawn by uPlot (canvas, fast enough for
// a year of quarter hours). The exported SVG stays the export library's; both plot the
// same numbers (`x`/`y`/`s` of the values answer, one entry per table row; the words of
// the chosen value come from the table's rows, fetched when not there yet).
//
// Gaps are `null` in `y`, so the line breaks there. Values with a PTB status of 2 or more
// (invalid) get a second series of red dots. Zoom: drag across the chart, the mouse wheel
// or a touchpad pinch (wheel with Ctrl); pan: horizontal touchpad swipe or Shift+wheel.
// Keyboard (the chart is focusable): ←/→ step through the values, +/− zoom around the
// chosen value, Shift+←/→ pan, 0 or Home shows everything. The chosen value is read out
// in `#chart-readout` (value with unit, local time, PTB status).
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChannelValues, StatusWords, ValueRow } from "./generated/views";
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

/** The chart of one channel; `suffix` keeps element ids unique with several channels. */
export function loadCurve(ch: ChannelValues, rows: RowSource<ValueRow>, statuses: StatusWords[], label: string, suffix = ""): ChartHandle {
  const words = new Map(statuses.map((s) => [s.code, s.text]));
  const unit = ch.info?.unit ?? "";
  const xs = ch.x;
  const ys = ch.y.map((v) => (v === null ? null : v));
  const invalid = ch.s.map((s, i) => (s !== null && s >= INVALID_FROM ? ys[i] : null));
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
  const el = h("div", { class: "chart-wrap" }, box, range, readout);
  const rangeFmt = new Intl.DateTimeFormat(locale(), { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });
  const showRange = (min: number | undefined, max: number | undefined) => {
    if (min === undefined || max === undefined) return;
    range.textContent = `${t("chartShows")} ${rangeFmt.format(min * 1e3)} – ${rangeFmt.format(max * 1e3)}`;
  };

  const show = (i: number | null | undefined) => {
    if (i === null || i === undefined || i < 0 || i >= xs.length) return;
    const r = rows.row(i);
    if (r === undefined) {
      // Words for this row are fetched; shown if it is still the chosen one by then.
      readout.dataset.index = String(i);
      void rows.fetch?.(i, i + 1).then(() => { if (readout.dataset.index === String(i)) show(i); }, () => {});
      return;
    }
    const value = r.gap ? t("gapRow") : `${pick({ de: r.de ?? "", en: r.en ?? "" })}`;
    const status = r.gap ? "" : ` · ${t("status")}: ${statusWords(r, words)}`;
    readout.textContent = `${r.t} · ${value}${status}`;
    readout.dataset.index = String(i);
  };

  // The shown time range as last set: uPlot applies a new scale only at its next commit,
  // so steps in quick succession (key repeat) must build on this, not on `plot.scales`.
  let view = { min: xs[0], max: xs[xs.length - 1] };
  // The value chosen by keyboard or mouse (the newest at first).
  let focus = xs.length - 1;
  const setView = (min: number, max: number) => {
    view = { min, max };
    plot.setScale("x", { min, max });
  };

  const opts: uPlot.Options = {
    width: 800,
    height: 320,
    // Berlin time on the axis, whatever zone this computer is set to.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Europe/Berlin"),
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
      // The keyboard goes on from the value the mouse pointed at.
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined) return;
          focus = i;
          show(i);
        },
      ],
      setScale: [
        (u, key) => {
          if (key !== "x") return;
          view = { min: u.scales.x.min ?? view.min, max: u.scales.x.max ?? view.max };
          showRange(view.min, view.max);
        },
      ],
    },
  };
  const plot = new uPlot(opts, [xs, ys, invalid], box);
  box.dataset.points = String(xs.length);

  const full = () => setView(xs[0], xs[xs.length - 1]);
  /** Zooms by `factor` (< 1 in) around the time `at`. */
  const zoom = (factor: number, at: number) => {
    const { min, max } = view;
    const span = Math.max((max - min) * factor, (ch.period_seconds ?? 900) * 4);
    const left = (at - min) / (max - min || 1);
    const lo = Math.max(xs[0], at - span * left);
    setView(lo, Math.min(xs[xs.length - 1], lo + span));
  };
  const pan = (fraction: number) => {
    const { min, max } = view;
    const d = (max - min) * fraction;
    const lo = Math.min(Math.max(xs[0], min + d), xs[xs.length - 1] - (max - min));
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

  const moveTo = (i: number) => {
    focus = Math.max(0, Math.min(xs.length - 1, i));
    const { min, max } = view;
    if (xs[focus] < min || xs[focus] > max) pan((xs[focus] - (min + max) / 2) / (max - min || 1));
    const left = plot.valToPos(xs[focus], "x");
    const top = ys[focus] === null ? plot.bbox.height / devicePixelRatio / 2 : plot.valToPos(ys[focus] as number, "y");
    plot.setCursor({ left, top });
    show(focus);
  };
  box.addEventListener("keydown", (e) => {
    const step = e.ctrlKey ? 96 : 1;
    if (e.key === "ArrowLeft" && e.shiftKey) pan(-0.25);
    else if (e.key === "ArrowRight" && e.shiftKey) pan(0.25);
    else if (e.key === "ArrowLeft") moveTo(focus - step);
    else if (e.key === "ArrowRight") moveTo(focus + step);
    else if (e.key === "+" || e.key === "=") zoom(0.5, xs[focus]);
    else if (e.key === "-") zoom(2, xs[focus]);
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
      resize.disconnect();
      plot.destroy();
    },
  };
}
