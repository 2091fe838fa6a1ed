// What every screen uses: the error and busy boxes, running a command, form parts.
import { api, asUiError, type CertView, type WarningView } from "./api";
import { field, groupedFingerprint, h } from "./dom";
import { counted, pick, t, type Key } from "./i18n";
import { state, render } from "./store";

/// The tolerant reader's warnings (fields of the answers that could not be decoded):
/// nothing when there are none.
export function warningsNotice(warnings: WarningView[] | undefined, id: string): HTMLElement | null {
  if (!warnings || warnings.length === 0) return null;
  return h(
    "div",
    { class: "warn", role: "status", id },
    h("p", {}, t("fieldWarnings")),
    h("ul", {}, warnings.map((w) => h("li", {}, pick(w.message)))),
  );
}

export function needsSession(view: () => HTMLElement): HTMLElement {
  if (!state.session) {
    return h("section", {}, h("p", { class: "note" }, t("connectFirst")));
  }
  return view();
}

export function notYet(title: Key, text: Key): HTMLElement {
  return h(
    "section",
    {},
    h("h1", {}, t(title)),
    h("div", { class: "panel unavailable", role: "note" }, h("p", {}, t(text))),
  );
}


export function errorBox(): HTMLElement | null {
  const e = state.error;
  if (!e) return null;
  return h("div", { class: `error kind-${e.kind}`, role: "alert", id: "error" }, pick(e));
}

export function busyBox(): HTMLElement | null {
  if (!state.busy) return null;
  const p = state.progress;
  const pct = p && p.steps ? Math.round((100 * p.step) / p.steps) : null;
  return h(
    "div",
    { class: "busy", role: "status", "aria-live": "polite" },
    h("span", {}, t("loading")),
    p
      ? h(
          "progress",
          { max: 100, value: pct ?? undefined, "aria-label": t("progress") },
        )
      : null,
    p ? h("span", {}, counted(p.items, "value")) : null,
    state.cancellable ? h("button", { onclick: () => void api.cancel(), id: "cancel" }, t("cancel")) : null,
  );
}

/** Runs a command, showing progress and turning a rejection into the error box. Only
 * the commands that read lists from the gateway (values, logbook, live export) stop on
 * `cancel`; the others get no cancel button. */
export async function run<T>(f: () => Promise<T>, cancellable = false): Promise<T | null> {
  state.busy = true;
  state.cancellable = cancellable;
  state.error = null;
  state.progress = null;
  render();
  try {
    return await f();
  } catch (e) {
    state.error = asUiError(e);
    return null;
  } finally {
    state.busy = false;
    state.progress = null;
    render();
  }
}

export function input(id: string, value: string, onInput: (v: string) => void, attrs: Record<string, string> = {}): HTMLInputElement {
  const el = h("input", { id, value, ...attrs }) as HTMLInputElement;
  el.value = value;
  el.addEventListener("input", () => onInput(el.value));
  return el;
}

export function certDetails(c: CertView): HTMLElement {
  return h(
    "dl",
    { class: "kv cert" },
    c.kind ? [h("dt", {}, t("kind")), h("dd", {}, pick(c.kind))] : null,
    h("dt", {}, t("certHolder")),
    h("dd", {}, c.subject || "–"),
    h("dt", {}, t("certIssuer")),
    h("dd", {}, c.issuer || "–"),
    h("dt", {}, t("certValidFrom")),
    h("dd", {}, c.not_before?.local ?? "–"),
    h("dt", {}, t("certValidUntil")),
    h("dd", {}, c.not_after?.local ?? "–", " ", h("span", { class: c.valid_now ? "ok" : "bad" }, c.valid_now ? t("certValidNow") : t("certNotValidNow"))),
    h("dt", {}, t("fingerprint")),
    h("dd", { class: "mono" }, groupedFingerprint(c.fingerprint)),
  );
}

export function select(id: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void): HTMLElement {
  const el = h("select", { id }, options.map(([v, text]) => h("option", { value: v }, text))) as HTMLSelectElement;
  el.value = value;
  el.addEventListener("change", () => onChange(el.value));
  return field(label, el);
}

/** Radio buttons in a fieldset; `choices` are [value, label]. */
export function radioGroup<T extends string>(name: string, legend: string, choices: [T, string][], value: T, onChange: (v: T) => void): HTMLElement {
  return h("fieldset", {}, h("legend", {}, legend),
    choices.map(([v, label]) => {
      const el = h("input", { type: "radio", name, id: `${name}-${v}`, value: v }) as HTMLInputElement;
      el.checked = value === v;
      el.addEventListener("change", () => onChange(v));
      return h("label", { class: "radio" }, el, label);
    }),
  );
}

/** Historic consumption of a register: one table, the period chosen with radio buttons. */
