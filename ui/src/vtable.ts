// A virtualised table: only the rows in view exist in the DOM, so 100 000 rows scroll as
// smoothly as 100. Rows have one fixed height; the scroll area is focusable and scrolls
// with the keyboard (arrows, Page Up/Down, Home/End).
import { h } from "./dom";

export type Column<T> = {
  title: string;
  width: string;
  cell: (row: T) => string;
  align?: "right";
};

const ROW_HEIGHT = 28;
const OVERSCAN = 10;

export function virtualTable<T>(
  caption: string,
  columns: Column<T>[],
  rows: T[],
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
  const spacer = h("div", { class: "vt-spacer", "aria-hidden": "true", style: `height:${rows.length * ROW_HEIGHT}px` });
  const body = h("div", { class: "vt-body", role: "none" });
  const scroller = h(
    "div",
    { class: "vt-scroll", role: "rowgroup", tabindex: 0, "aria-label": caption },
    spacer,
    body,
  );
  const table = h(
    "div",
    { class: "vt", role: "table", "aria-label": caption, "aria-rowcount": rows.length + 1 },
    h("div", { role: "rowgroup" }, header),
    scroller,
  );
  let first = -1;
  let last = -1;
  const draw = () => {
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 400;
    const from = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const to = Math.min(rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    if (from === first && to === last) return;
    first = from;
    last = to;
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const row = rows[i];
      frag.append(
        h(
          "div",
          {
            class: `vt-row ${rowClass(row)}`,
            role: "row",
            "aria-rowindex": i + 2,
            style: `top:${i * ROW_HEIGHT}px;grid-template-columns:${template}`,
          },
          columns.map((c) =>
            h("div", { role: "cell", class: c.align === "right" ? "num" : "" }, c.cell(row)),
          ),
        ),
      );
    }
    body.replaceChildren(frag);
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
  // Draw once attached and sized.
  new ResizeObserver(() => {
    first = -1;
    draw();
  }).observe(scroller);
  return table;
}
