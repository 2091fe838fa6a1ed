// The connect screen: gateway address, login, certificate confirmation, network help.
import { api, type Vendor, type SessionView } from "../api";
import { field, groupedFingerprint, h } from "../dom";
import { pick, t, type Key } from "../i18n";
import { state, render, go, type ConnectForm } from "../store";
import { errorBox, run, input, certDetails, select } from "../ui";

export function connectView(): HTMLElement {
  const f = state.form;
  const modeRadio = (mode: ConnectForm["mode"], key: Key) =>
    h(
      "label",
      { class: "radio" },
      (() => {
        const r = h("input", { type: "radio", name: "mode", id: `mode-${mode}`, value: mode }) as HTMLInputElement;
        r.checked = f.mode === mode;
        r.addEventListener("change", () => {
          f.mode = mode;
          state.error = null;
          render();
        });
        return r;
      })(),
      t(key),
    );
  // The native dialog is opened and the file read by Rust: the key never passes
  // through the web view, only a token does.
  const fileInput = h("button", {
    type: "button",
    id: "p12-file",
    onclick: async () => {
      const picked = await run(() => api.pickFile("pkcs12"));
      if (!picked) return;
      f.p12 = picked.token;
      f.p12Name = picked.name;
      state.p12Cert = null;
      render();
    },
  }, t("chooseFile"));
  const login =
    f.mode === "password"
      ? [
          field(t("user"), input("user", f.user, (v) => (f.user = v), { autocomplete: "username" })),
          field(t("password"), input("password", f.password, (v) => { f.password = v; void checkPassword(v); }, { type: "password", autocomplete: "current-password", "aria-describedby": "password-hints" })),
          passwordHintsBox(),
        ]
      : [
          field(t("p12File"), fileInput),
          f.p12Name ? h("p", { class: "hint" }, f.p12Name) : null,
          field(t("p12Password"), input("p12-password", f.p12Password, (v) => (f.p12Password = v), { type: "password" })),
          h("button", { type: "button", id: "show-cert", onclick: showCert }, t("showCert")),
          state.p12Cert ? certDetails(state.p12Cert) : null,
        ];
  const form = h(
    "form",
    { class: "panel", id: "connect-form", onsubmit: (e: Event) => { e.preventDefault(); void doConnect(null); } },
    select("vendor", t("vendor"), VENDORS.map(([v, key]) => [v, t(key)]), f.vendor, (v) => {
      const vendor = v as Vendor;
      // The maker's factory address, unless the user typed one of their own.
      const known = Object.values(VENDOR_HOSTS);
      if (known.includes(f.host) && VENDOR_HOSTS[vendor]) f.host = VENDOR_HOSTS[vendor];
      f.vendor = vendor;
      state.error = null;
      render();
    }),
    h("p", { class: "hint", id: "vendor-help" }, t(VENDOR_HELP[f.vendor])),
    f.vendor === "ppc"
      ? h("label", { class: "check" },
          (() => {
            const c = h("input", { type: "checkbox", id: "allow-reboot" }) as HTMLInputElement;
            c.checked = f.allowReboot;
            c.addEventListener("change", () => (f.allowReboot = c.checked));
            return c;
          })(),
          t("allowReboot"),
        )
      : null,
    h("div", { class: "row" },
      field(t("host"), input("host", f.host, (v) => (f.host = v), { autocomplete: "off", onblur: "" })),
      field(t("port"), input("port", f.port, (v) => (f.port = v), { inputmode: "numeric", class: "short" })),
    ),
    h("fieldset", {}, h("legend", {}, t("loginMode")), modeRadio("password", "modePassword"), modeRadio("pkcs12", "modeCert")),
    login,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", id: "connect", disabled: state.busy }, state.busy ? t("connecting") : t("connect")),
    ),
  );
  (form.querySelector("#host") as HTMLInputElement).addEventListener("change", () => void loadNet());
  const demo = h(
    "div",
    { class: "panel" },
    h("button", { id: "demo", onclick: startDemo, disabled: state.busy }, t("demo")),
    h("p", { class: "hint" }, t("demoHint")),
  );
  return h(
    "section",
    { class: "connect" },
    h("h1", {}, t("navConnect")),
    errorBox(),
    confirmBox(),
    changedBox(),
    h("div", { class: "cols" }, h("div", {}, form, demo), netHelp()),
  );
}

export const VENDORS: [Vendor, Key][] = [
  ["auto", "vendorAuto"],
  ["conexa", "vendorConexa"],
  ["ppc", "vendorPpc"],
  ["emh", "vendorEmh"],
];
export const VENDOR_HELP: Record<Vendor, Key> = { auto: "vendorHelpAuto", conexa: "vendorHelpConexa", ppc: "vendorHelpPpc", emh: "vendorHelpEmh" };
/** Addresses the makers' gateways have out of the box. */
export const VENDOR_HOSTS: Record<Vendor, string> = { auto: "192.168.1.100", conexa: "192.168.1.100", ppc: "192.168.1.200", emh: "smgw.local" };

export function confirmBox(): HTMLElement | null {
  const c = state.confirm;
  if (!c) return null;
  return h(
    "div",
    { class: "panel confirm", role: "alertdialog", "aria-labelledby": "confirm-title", id: "confirm" },
    h("h2", { id: "confirm-title" }, t("confirmTitle")),
    h("p", {}, t("confirmText")),
    h("dl", { class: "kv" },
      h("dt", {}, t("subject")), h("dd", {}, c.subject),
      h("dt", {}, t("fingerprint")), h("dd", { class: "mono big", id: "confirm-fingerprint" }, groupedFingerprint(c.fingerprint)),
    ),
    h("div", { class: "actions" },
      h("button", { class: "primary", id: "trust", onclick: () => void doConnect(c.fingerprint) }, t("trust")),
      h("button", { id: "confirm-cancel", onclick: () => { state.confirm = null; render(); } }, t("cancel")),
    ),
  );
}

export function changedBox(): HTMLElement | null {
  const e = state.changed;
  if (!e) return null;
  const ack = h("input", { type: "checkbox", id: "changed-ack" }) as HTMLInputElement;
  ack.checked = state.changedAck;
  ack.addEventListener("change", () => { state.changedAck = ack.checked; render(); });
  return h(
    "div",
    { class: "panel danger", role: "alert", id: "changed" },
    h("h2", {}, t("changedTitle")),
    h("p", {}, pick(e)),
    h("dl", { class: "kv" },
      h("dt", {}, t("pinnedWas")), h("dd", { class: "mono" }, groupedFingerprint(e.pinned ?? "")),
      h("dt", {}, t("presentedNow")), h("dd", { class: "mono" }, groupedFingerprint(e.presented ?? "")),
    ),
    h("label", { class: "check" }, ack, t("changedConfirm")),
    h("div", { class: "actions" },
      h("button", { id: "trust-new", disabled: !state.changedAck, onclick: () => void doConnect(e.presented ?? null) }, t("trustNew")),
    ),
  );
}

export function netHelp(): HTMLElement {
  const n = state.net;
  return h(
    "aside",
    { class: "panel help", "aria-labelledby": "net-title" },
    h("h2", { id: "net-title" }, t("netHelpTitle")),
    h("ol", {}, h("li", {}, t("netHelp1")), h("li", {}, t("netHelp2")), h("li", {}, t("netHelp3"))),
    h("h3", {}, t("ownAddresses")),
    n && n.addresses.length
      ? h("ul", { id: "own-addresses", class: "mono" }, n.addresses.map((a) => h("li", {}, `${a.interface}: ${a.ip}${a.prefix !== null ? "/" + a.prefix : ""}`)))
      : h("p", {}, n ? t("noAddresses") : t("loading")),
    n && n.gateway_in_subnet === false ? h("p", { class: "warn", role: "alert", id: "subnet-warning" }, t("subnetMismatch")) : null,
    n && n.gateway_in_subnet === true ? h("p", { class: "ok" }, t("subnetOk")) : null,
  );
}

export async function loadNet(): Promise<void> {
  try {
    state.net = await api.networkHelp(state.form.host);
  } catch {
    state.net = { addresses: [], gateway_in_subnet: null };
  }
  render();
}

export async function showCert(): Promise<void> {
  const f = state.form;
  if (!f.p12) {
    state.error = {
      kind: "local",
      de: "Bitte zuerst die Zertifikatsdatei wählen.",
      en: "Please choose the certificate file first.",
    };
    render();
    return;
  }
  const file = f.p12;
  state.p12Cert = await run(() => api.inspectPkcs12(file, f.p12Password));
  render();
}

/** The typo hints under the password field (field failure 17); always present, so the
 * field's `aria-describedby` has its target and screen readers hear new hints. */
function passwordHintsBox(): HTMLElement {
  const p = state.passwordHints;
  const hints = p?.hints ?? [];
  return h(
    "div",
    { id: "password-hints", class: hints.length ? "warn hints" : "hints", "aria-live": "polite" },
    hints.length ? h("ul", {}, hints.map((x) => h("li", {}, pick(x)))) : null,
    p?.why && hints.length ? h("p", { class: "hint" }, pick(p.why)) : null,
  );
}

/** Asks Rust what in the password looks odd, as it is typed; the hints box is replaced
 * in place, so the field keeps focus and caret. A hint is only said: the password is sent
 * as typed. */
async function checkPassword(password: string): Promise<void> {
  let hints;
  try {
    hints = await api.passwordHints(password);
  } catch {
    // Hints are a courtesy: without them the login works as before.
    return;
  }
  // An answer for an older keystroke is not shown.
  if (state.form.password !== password) return;
  state.passwordHints = hints;
  document.getElementById("password-hints")?.replaceWith(passwordHintsBox());
}

export async function doConnect(confirm: string | null): Promise<void> {
  const f = state.form;
  const port = Number.parseInt(f.port, 10);
  if (f.mode === "pkcs12" && !f.p12) {
    await showCert();
    return;
  }
  const login =
    f.mode === "password"
      ? { mode: "password" as const, user: f.user, password: f.password }
      : { mode: "pkcs12" as const, file: f.p12 ?? 0, password: f.p12Password };
  state.confirm = null;
  const out = await run(() =>
    api.connect({
      host: f.host,
      port: Number.isFinite(port) ? port : 443,
      login,
      confirm_fingerprint: confirm,
      vendor: f.vendor,
      allow_self_test_reboot: f.vendor === "ppc" && f.allowReboot,
    }),
  );
  if (state.error?.kind === "certificate_changed") {
    state.changed = state.error;
    state.changedAck = false;
    state.error = null;
    render();
    return;
  }
  if (!out) return;
  if (out.status === "confirm_certificate") {
    state.confirm = { fingerprint: out.fingerprint, subject: out.subject };
    render();
    document.getElementById("trust")?.focus();
    return;
  }
  state.changed = null;
  connected({ host: out.host, userid: out.userid, fingerprint: out.fingerprint, demo: out.demo, vendor: out.vendor });
}

export async function startDemo(): Promise<void> {
  const s = await run(() => api.startDemo());
  if (s) connected(s);
}

/** Forgets what belongs to the previous session (the archive view follows the session:
 * the demo has its own archive). */
export function forgetSession(): void {
  state.gateway = null;
  state.contracts = null;
  state.values = null;
  state.current.clear();
  state.log = null;
  state.logWarnings = [];
  state.archive = null;
  state.overview = null;
  state.synced = null;
  state.exportSource = "gateway";
}

export function connected(s: SessionView): void {
  state.session = s;
  forgetSession();
  state.confirm = null;
  go("overview");
}

export async function disconnect(): Promise<void> {
  await run(() => api.disconnect());
  state.session = null;
  forgetSession();
  go("connect");
}
