// A virtualised table: only the rows in view exist in the DOM, so 100 000 rows scroll as
// smoothly as 100. Rows have one fixed height; the scroll area is focusable and scrolls
// with the keyboard (arrows, Page Up/Down, Home/End). The rows come from a source that
// may hold only some of them: rows not there yet show as empty placeholders (`vt-wait`)
// until the source has fetched them (the values table pages them from the backend).
import { h } from "./dom";

export type Column<T> = {
  title: string;
  width: string;
  cell: (row: T) => string;
  align?: "right";
};

/** Where a table's rows come from. */
export type RowSource<T> = {
  /** How many rows the table has. */
  count: number;
  /** Row `i`, or undefined while it is not fetched. */
  row: (i: number) => T | undefined;
  /** Fetches the rows `from` to `to` (exclusive) that are missing; resolves when done. */
  fetch?: (from: number, to: number) => Promise<void>;
};

/** A source of rows that are all there. */
export function allRows<T>(rows: T[]): RowSource<T> {
  return { count: rows.length, row: (i) => rows[i] };
}

const ROW_HEIGHT = 28;
const OVERSCAN = 10;

export function virtualTable<T>(
  caption: string,
  columns: Column<T>[],
  rows: RowSource<T>,
  rowClass: (row: T) => string = () => "",
): HTMLElement {
  const template = columns.map((c) => c.width).join(" ");
  const header = h(
    "div",
    { class: "vt-row vt-head", role: "row", style: `grid-template-columns:${template}` },
    columns.map((c) =>
      h("div", { role: "columnheader", class: c.align === "right" ? "num" : "" }, c.title),
    ),
  );
  // The scroll box is the body's row group (a table may only own row groups and rows);
  // the spacer that gives it its height and the positioning layer are no part of the table.
  const spacer = h("div", { class: "vt-spacer", "aria-hidden": "true", style: `height:${rows.count * ROW_HEIGHT}px` });
  const body = h("div", { class: "vt-body", role: "none" });
  const scroller = h(
    "div",
    { class: "vt-scroll", role: "rowgroup", tabindex: 0, "aria-label": caption },
    spacer,
    body,
  );
  const table = h(
    "div",
    { class: "vt", role: "table", "aria-label": caption, "aria-rowcount": rows.count + 1 },
    h("div", { role: "rowgroup" }, header),
    scroller,
  );
  let first = -1;
  let last = -1;
  const draw = () => {
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 400;
    const from = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const to = Math.min(rows.count, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    if (from === first && to === last) return;
    first = from;
    last = to;
    let missing = false;
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const row = rows.row(i);
      const style = `top:${i * ROW_HEIGHT}px;grid-template-columns:${template}`;
      if (row === undefined) {
        missing = true;
        frag.append(h("div", { class: "vt-row vt-wait", role: "row", "aria-rowindex": i + 2, "aria-busy": "true", style }));
        continue;
      }
      frag.append(
        h(
          "div",
          { class: `vt-row ${rowClass(row)}`, role: "row", "aria-rowindex": i + 2, style },
          columns.map((c) =>
            h("div", { role: "cell", class: c.align === "right" ? "num" : "" }, c.cell(row)),
          ),
        ),
      );
    }
    body.replaceChildren(frag);
    // Fetch what is missing, then draw again if the view still shows those rows.
    if (missing && rows.fetch) {
      void rows.fetch(from, to).then(() => {
        if (first <= to && last >= from) {
          first = -1;
          draw();
        }
      }, () => {});
    }
  };
  let pending = false;
  scroller.addEventListener("scroll", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  });
  scroller.addEventListener("keydown", (e) => {
    const page = Math.max(ROW_HEIGHT, scroller.clientHeight - ROW_HEIGHT);
    const moves: Record<string, number> = {
      ArrowDown: ROW_HEIGHT,
      ArrowUp: -ROW_HEIGHT,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    const d = moves[e.key];
    if (d === undefined) return;
    e.preventDefault();
    scroller.scrollTop = Number.isFinite(d) ? scroller.scrollTop + d : d > 0 ? spacer.offsetHeight : 0;
  });
  // The first rows now, for a box of the fallback height, so that they come with the
  // first frame; more once attached and sized, if the box is taller.
  draw();
  new ResizeObserver(() => draw()).observe(scroller);
  return table;
}
