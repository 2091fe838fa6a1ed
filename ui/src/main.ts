// The window: a header with navigation and language switch, and one screen at a time.
// All data comes from the Tauri commands (src/api.ts); this file only shows it.
import "./style.css";
import {
  api,
  asUiError,
  onProgress,
  onSyncProgress,
  type ArchiveView,
  type ArchivedConsumer,
  type BillView,
  type ExportDone,
  type ExportFormat,
  type CertView,
  type ContractView,
  type GatewayScreen,
  type LogView,
  type NetworkHelp,
  type Vendor,
  type Progress,
  type SessionView,
  type Startup,
  type SyncDone,
  type SyncProgress,
  type UiError,
  type Consumption,
  type ValueRow,
  type ValuesView,
} from "./api";
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";
import { field, fileBytes, groupedFingerprint, h } from "./dom";
import { lang, osLang, pick, setLang, t, type Key, type Lang } from "./i18n";
import { virtualTable } from "./vtable";

type ConsumptionPeriod = "day" | "week" | "month" | "year";
type Screen = "connect" | "gateway" | "contracts" | "values" | "log" | "sync" | "export" | "bill";

type ConnectForm = {
  vendor: Vendor;
  allowReboot: boolean;
  host: string;
  port: string;
  mode: "password" | "pkcs12";
  user: string;
  password: string;
  p12: number[] | null;
  p12Name: string;
  p12Password: string;
};

const state = {
  screen: "connect" as Screen,
  startup: null as Startup | null,
  session: null as SessionView | null,
  busy: false,
  cancellable: true,
  error: null as UiError | null,
  form: {
    vendor: "auto",
    allowReboot: false,
    host: "192.168.1.100",
    port: "443",
    mode: "password",
    user: "",
    password: "",
    p12: null,
    p12Name: "",
    p12Password: "",
  } as ConnectForm,
  p12Cert: null as CertView | null,
  confirm: null as { fingerprint: string; subject: string } | null,
  changed: null as UiError | null,
  changedAck: false,
  net: null as NetworkHelp | null,
  gateway: null as GatewayScreen | null,
  gatewayLoadedAt: 0,
  selfTestUntil: 0,
  selfTestNote: false,
  contracts: null as ContractView[] | null,
  sel: { contract: "", database: "", channel: "", range: "day", from: "", to: "" },
  values: null as ValuesView | null,
  usePeriod: null as ConsumptionPeriod | null,
  current: new Map<string, ValuesView>(),
  progress: null as Progress | null,
  log: null as LogView[] | null,
  logFilter: { from: "", to: "", level: "", text: "" },
  bill: null as BillView | null,
  exportRange: { from: "", to: "" },
  exportSource: "gateway",
  archive: null as ArchiveView | null,
  syncing: false,
  syncProgress: null as SyncProgress | null,
  synced: null as SyncDone | null,
  exported: null as ExportDone | null,
  billFiles: { supplier: null as number[] | null, device: null as number[] | null },
};

const app = document.getElementById("app") as HTMLElement;

// ---------------------------------------------------------------------------------------
// Shell

const NAV: [Screen, Key][] = [
  ["connect", "navConnect"],
  ["gateway", "navGateway"],
  ["contracts", "navContracts"],
  ["values", "navValues"],
  ["log", "navLog"],
  ["sync", "navSync"],
  ["export", "navExport"],
  ["bill", "navBill"],
];

function render(): void {
  const focusedId = document.activeElement?.id;
  const header = h(
    "header",
    { class: "top" },
    h("div", { class: "brand" }, h("strong", {}, "Durchblick"), h("span", {}, t("appTagline"))),
    h(
      "div",
      { class: "status", role: "status" },
      state.session
        ? [
            `${t("connectedTo")} ${state.session.host}`,
            state.session.demo ? h("span", { class: "badge" }, t("demoBadge")) : null,
            h("button", { class: "link", onclick: disconnect, id: "disconnect" }, t("disconnect")),
          ]
        : t("notConnected"),
    ),
    h(
      "button",
      {
        id: "lang-switch",
        class: "lang",
        lang: lang() === "de" ? "en" : "de",
        "aria-label": `${t("language")}: ${t("switchTo")}`,
        onclick: () => switchLang(lang() === "de" ? "en" : "de"),
      },
      t("switchTo"),
    ),
  );
  const nav = h(
    "nav",
    { "aria-label": "Durchblick" },
    h(
      "ul",
      {},
      NAV.map(([screen, key]) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              id: `nav-${screen}`,
              "aria-current": state.screen === screen ? "page" : null,
              onclick: () => go(screen),
            },
            t(key),
          ),
        ),
      ),
    ),
  );
  const main = h("main", { id: "main", tabindex: -1 }, screenView());
  app.replaceChildren(header, nav, main);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function switchLang(l: Lang): void {
  setLang(l);
  localStorage.setItem("durchblick.lang", l);
  render();
}

function go(screen: Screen): void {
  state.screen = screen;
  state.error = null;
  render();
  // The archive works without a gateway. Its screen reads the status afresh (another
  // program may have synced); the export screen only needs the list of consumers, which
  // changes only by a sync, a file choice or a new session, and those reload it.
  if (!state.syncing && (screen === "sync" || (screen === "export" && !state.archive))) void loadArchive();
  const needs: Partial<Record<Screen, () => Promise<void>>> = {
    gateway: loadGateway,
    contracts: loadContracts,
    values: loadContracts,
    log: loadLog,
  };
  const load = needs[screen];
  if (load && state.session) {
    const already =
      (screen === "gateway" && state.gateway) ||
      ((screen === "contracts" || screen === "values") && state.contracts) ||
      (screen === "log" && state.log);
    if (!already) void load();
  }
}

function screenView(): HTMLElement {
  switch (state.screen) {
    case "connect":
      return connectView();
    case "gateway":
      return needsSession(gatewayView);
    case "contracts":
      return needsSession(contractsView);
    case "values":
      return needsSession(valuesView);
    case "log":
      return needsSession(logView);
    case "sync":
      return state.startup?.features.sync === false ? notYet("syncTitle", "notYet") : syncView();
    case "export":
      return state.startup?.features.export === false ? notYet("exportTitle", "notYet") : exportView();
    case "bill":
      return billView();
  }
}

function needsSession(view: () => HTMLElement): HTMLElement {
  if (!state.session) {
    return h("section", {}, h("p", { class: "note" }, t("connectFirst")));
  }
  return view();
}

function notYet(title: Key, text: Key): HTMLElement {
  return h(
    "section",
    {},
    h("h1", {}, t(title)),
    h("div", { class: "panel unavailable", role: "note" }, h("p", {}, t(text))),
  );
}

/** A count with the language's thousands separator. */
function count(n: number): string {
  return n.toLocaleString(lang() === "de" ? "de-DE" : "en-GB");
}

function errorBox(): HTMLElement | null {
  const e = state.error;
  if (!e) return null;
  return h("div", { class: `error kind-${e.kind}`, role: "alert", id: "error" }, pick(e));
}

function busyBox(): HTMLElement | null {
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
    p ? h("span", {}, `${p.items} ${t("valuesCount")}`) : null,
    state.cancellable ? h("button", { onclick: () => void api.cancel(), id: "cancel" }, t("cancel")) : null,
  );
}

/** Runs a command, showing progress and turning a rejection into the error box. Only
 * the commands that read lists from the gateway (values, logbook, live export) stop on
 * `cancel`; the others get no cancel button. */
async function run<T>(f: () => Promise<T>, cancellable = false): Promise<T | null> {
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

// ---------------------------------------------------------------------------------------
// Connect

function input(id: string, value: string, onInput: (v: string) => void, attrs: Record<string, string> = {}): HTMLInputElement {
  const el = h("input", { id, value, ...attrs }) as HTMLInputElement;
  el.value = value;
  el.addEventListener("input", () => onInput(el.value));
  return el;
}

function certDetails(c: CertView): HTMLElement {
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

function connectView(): HTMLElement {
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
  const fileInput = h("input", { type: "file", id: "p12-file", accept: ".p12,.pfx,application/x-pkcs12" }) as HTMLInputElement;
  fileInput.addEventListener("change", async () => {
    f.p12 = await fileBytes(fileInput);
    f.p12Name = fileInput.files?.[0]?.name ?? "";
    state.p12Cert = null;
    render();
  });
  const login =
    f.mode === "password"
      ? [
          field(t("user"), input("user", f.user, (v) => (f.user = v), { autocomplete: "username" })),
          field(t("password"), input("password", f.password, (v) => (f.password = v), { type: "password", autocomplete: "current-password" })),
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

const VENDORS: [Vendor, Key][] = [
  ["auto", "vendorAuto"],
  ["conexa", "vendorConexa"],
  ["ppc", "vendorPpc"],
  ["emh", "vendorEmh"],
];
const VENDOR_HELP: Record<Vendor, Key> = { auto: "vendorHelpAuto", conexa: "vendorHelpConexa", ppc: "vendorHelpPpc", emh: "vendorHelpEmh" };
/** Addresses the makers' gateways have out of the box. */
const VENDOR_HOSTS: Record<Vendor, string> = { auto: "192.168.1.100", conexa: "192.168.1.100", ppc: "192.168.1.200", emh: "smgw.local" };

function confirmBox(): HTMLElement | null {
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

function changedBox(): HTMLElement | null {
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

function netHelp(): HTMLElement {
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

async function loadNet(): Promise<void> {
  try {
    state.net = await api.networkHelp(state.form.host);
  } catch {
    state.net = { addresses: [], gateway_in_subnet: null };
  }
  render();
}

async function showCert(): Promise<void> {
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
  const data = f.p12;
  state.p12Cert = await run(() => api.inspectPkcs12(data, f.p12Password));
  render();
}

async function doConnect(confirm: string | null): Promise<void> {
  const f = state.form;
  const port = Number.parseInt(f.port, 10);
  if (f.mode === "pkcs12" && !f.p12) {
    await showCert();
    return;
  }
  const login =
    f.mode === "password"
      ? { mode: "password" as const, user: f.user, password: f.password }
      : { mode: "pkcs12" as const, data: f.p12 ?? [], password: f.p12Password };
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

async function startDemo(): Promise<void> {
  const s = await run(() => api.startDemo());
  if (s) connected(s);
}

/** Forgets what belongs to the previous session (the archive view follows the session:
 * the demo has its own archive). */
function forgetSession(): void {
  state.gateway = null;
  state.contracts = null;
  state.values = null;
  state.current.clear();
  state.log = null;
  state.archive = null;
  state.synced = null;
  state.exportSource = "gateway";
}

function connected(s: SessionView): void {
  state.session = s;
  forgetSession();
  state.confirm = null;
  go("gateway");
}

async function disconnect(): Promise<void> {
  await run(() => api.disconnect());
  state.session = null;
  forgetSession();
  go("connect");
}

// ---------------------------------------------------------------------------------------
// Gateway

async function loadGateway(): Promise<void> {
  const g = await run(() => api.gateway());
  if (g) {
    state.gateway = g;
    state.gatewayLoadedAt = Date.now();
    if (g.self_test_lock_seconds > 0) state.selfTestUntil = Date.now() + g.self_test_lock_seconds * 1000;
    render();
  }
}

function skew(ms: number): string {
  const s = Math.round(ms / 1000);
  const sign = s >= 0 ? "+" : "−";
  const a = Math.abs(s);
  if (a < 120) return `${sign}${a} s`;
  if (a < 7200) return `${sign}${Math.round(a / 60)} min`;
  if (a < 172800) return `${sign}${Math.round(a / 3600)} h`;
  return `${sign}${Math.round(a / 86400)} d`;
}

function laptopTime(): string {
  // The same German notation as the gateway time above, so the two compare at a glance.
  return new Date().toLocaleString("de-DE", { timeZone: "Europe/Berlin" });
}

function gatewayView(): HTMLElement {
  const g = state.gateway?.gateway;
  const lockLeft = Math.max(0, Math.ceil((state.selfTestUntil - Date.now()) / 1000));
  return h(
    "section",
    {},
    h("h1", {}, t("navGateway")),
    errorBox(),
    busyBox(),
    g
      ? [
          h("div", { class: "panel" },
            h("dl", { class: "kv" },
              h("dt", {}, t("gatewayId")), h("dd", { class: "mono", id: "gw-id" }, g.id),
              h("dt", {}, t("maker")), h("dd", {}, g.maker ?? "–"),
              h("dt", {}, t("state")), h("dd", { id: "gw-state" }, pick(g.state)),
              h("dt", {}, t("gatewayTime")), h("dd", {}, g.time?.local ?? "–"),
              h("dt", {}, t("laptopTime")), h("dd", { id: "laptop-time" }, laptopTime()),
              g.time
                ? [h("dt", {}, t("difference")), h("dd", {}, skew(Date.parse(g.time.utc) - state.gatewayLoadedAt))]
                : null,
              g.han_certificate_matches !== null
                ? [h("dt", {}, "HAN"), h("dd", { class: g.han_certificate_matches ? "ok" : "bad" }, g.han_certificate_matches ? t("hanMatches") : t("hanMismatch"))]
                : null,
            ),
          ),
          h("h2", {}, t("firmware")),
          h("table", {},
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("firmware")), h("th", { scope: "col" }, t("version")), h("th", { scope: "col" }, t("hash")))),
            h("tbody", {}, g.firmware.map((fw) => h("tr", {}, h("td", {}, fw.component), h("td", {}, fw.version), h("td", { class: "mono small" }, fw.hash)))),
          ),
          h("h2", {}, t("certificates")),
          g.wan_chain.length
            ? h("div", { class: "panel", id: "wan-chain" },
                h("h3", {}, t("wanChain")),
                g.wan_chain.map((c) =>
                  h("div", { class: "chain" },
                    h("p", { class: c.verdict === "ok" ? "ok" : c.verdict === "failed" ? "bad" : "hint" },
                      `#${c.index ?? "?"}: ${pick(c.summary)}`),
                    h("ul", {}, c.findings.map((f) => h("li", {}, pick(f)))),
                  ),
                ),
              )
            : null,
          h("div", { class: "certs" }, g.certificates.map((c) => h("div", { class: "panel" }, certDetails(c)))),
          h("h2", {}, t("selfTest")),
          h("div", { class: "panel" },
            h("button", { id: "self-test", onclick: startSelfTest, disabled: lockLeft > 0 || state.busy }, t("selfTestStart")),
            lockLeft > 0
              ? h("p", { id: "self-test-lock", role: "timer", "aria-live": "off" }, `${t("selfTestLocked")} ${Math.floor(lockLeft / 60)}:${String(lockLeft % 60).padStart(2, "0")}`)
              : null,
            state.selfTestNote ? h("p", { class: "ok" }, t("selfTestStarted")) : null,
          ),
          h("button", { onclick: loadGateway, id: "gw-reload" }, t("reload")),
        ]
      : null,
  );
}

async function startSelfTest(): Promise<void> {
  // A PPC gateway reboots for its self-test: the HAN port is gone for minutes.
  if (state.session?.vendor === "ppc" && !window.confirm(t("rebootWarning"))) return;
  const r = await run(() => api.selfTest());
  if (r) {
    state.selfTestUntil = Date.now() + r.lock_seconds * 1000;
    state.selfTestNote = true;
  } else if (state.error?.kind === "self_test_locked" && state.selfTestUntil < Date.now()) {
    // Started elsewhere: the gateway only says "locked", so assume the full lock.
    state.selfTestUntil = Date.now() + 600 * 1000;
  }
  render();
}

// Keep the clocks and the countdown moving without re-rendering everything else.
setInterval(() => {
  if (state.screen !== "gateway") return;
  const lt = document.getElementById("laptop-time");
  if (lt) lt.textContent = laptopTime();
  const lock = document.getElementById("self-test-lock");
  if (lock || (state.selfTestUntil && state.selfTestUntil < Date.now() && (document.getElementById("self-test") as HTMLButtonElement | null)?.disabled)) {
    render();
  }
}, 1000);

// ---------------------------------------------------------------------------------------
// Contracts

async function loadContracts(): Promise<void> {
  const c = await run(() => api.contracts());
  if (c) {
    state.contracts = c;
    const first = c.find((x) => x.stores_values && x.databases.length);
    if (first && !state.sel.contract) selectContract(first.usage_point_id);
    render();
  }
}

function contractsView(): HTMLElement {
  const list = state.contracts;
  return h(
    "section",
    {},
    h("h1", {}, t("navContracts")),
    errorBox(),
    busyBox(),
    list && !list.length ? h("p", {}, t("contractsNone")) : null,
    (list ?? []).map((c) =>
      h("article", { class: "panel contract", "aria-labelledby": `c-${c.usage_point_id}` },
        h("h2", { id: `c-${c.usage_point_id}` }, `${c.name} `, h("span", { class: "muted mono" }, c.usage_point_id)),
        h("dl", { class: "kv" },
          h("dt", {}, t("taf")), h("dd", {}, pick(c.taf_name)),
          h("dt", {}, t("state")), h("dd", {}, pick(c.state)),
          h("dt", {}, t("start")), h("dd", {}, c.start?.local ?? "–"),
          h("dt", {}, t("end")), h("dd", {}, c.end?.local ?? t("open")),
          h("dt", {}, t("billingPeriods")), h("dd", {}, c.billing_periods.length ? h("ul", {}, c.billing_periods.map((p) => h("li", {}, `${p.start.local} – ${p.end?.local ?? t("open")}`))) : "–"),
          h("dt", {}, t("meters")), h("dd", { class: "mono" }, c.meters.join(", ") || "–"),
          h("dt", {}, t("meteringPoint")), h("dd", { class: "mono" }, c.metering_point_id ?? "–"),
          h("dt", {}, t("emts")), h("dd", {}, c.emts.join(", ") || "–"),
          h("dt", {}, t("transparency")), h("dd", {}, c.transparency_bit ? t("yes") : t("no")),
        ),
        h("table", {},
          h("caption", {}, t("valueLists")),
          h("thead", {}, h("tr", {}, [t("valueList"), "OBIS", t("meaning"), t("unit"), "Scaler"].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, c.databases.flatMap((db) => db.channels.map((ch) =>
            h("tr", {}, h("td", {}, `${db.database} (${pick(db.name)})`), h("td", { class: "mono" }, ch.obis), h("td", {}, pick(ch.name)), h("td", {}, ch.unit), h("td", { class: "num" }, ch.scaler)),
          ))),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Values

function selectContract(id: string): void {
  const c = state.contracts?.find((x) => x.usage_point_id === id);
  state.sel.contract = id;
  state.sel.database = c?.databases[0]?.database ?? "";
  state.sel.channel = c?.databases[0]?.channels[0]?.hex ?? "";
}

function rangeFor(kind: string): { from: string; to: string } {
  const end = state.gateway?.gateway.time ? new Date(state.gateway.gateway.time.utc) : new Date();
  const days: Record<string, number> = { day: 1, week: 7, month: 31, year: 365 };
  if (kind === "custom") return { from: state.sel.from, to: state.sel.to };
  const start = new Date(end.getTime() - (days[kind] ?? 1) * 86400000);
  return { from: start.toISOString(), to: end.toISOString() };
}

async function loadValues(): Promise<void> {
  const s = state.sel;
  const { from, to } = rangeFor(s.range);
  const v = await run(
    () => api.values({ usage_point_id: s.contract, database: s.database, channels: s.channel ? [s.channel] : [], from, to }),
    true,
  );
  if (v) {
    state.values = v;
    render();
  }
}

async function loadCurrent(id: string): Promise<void> {
  const v = await run(() => api.currentValues(id));
  if (v) {
    state.current.set(id, v);
    render();
  }
}

/** The PTB status in words with the set status bits; without a PTB status (not sent, or
 * a word without identification) what the gateway's words say, else "–". */
function statusText(r: ValueRow, words: Map<number, { de: string; en: string }>, withCode: boolean): string {
  const bits = lang() === "de" ? r.sde : r.sen;
  if (r.s === undefined) return bits ?? "–";
  const ptb = withCode ? `${r.s} – ${pick(words.get(r.s))}` : pick(words.get(r.s));
  return bits ? `${ptb} (${bits})` : ptb;
}

function select(id: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void): HTMLElement {
  const el = h("select", { id }, options.map(([v, text]) => h("option", { value: v }, text))) as HTMLSelectElement;
  el.value = value;
  el.addEventListener("change", () => onChange(el.value));
  return field(label, el);
}

/** Radio buttons in a fieldset; `choices` are [value, label]. */
function radioGroup<T extends string>(name: string, legend: string, choices: [T, string][], value: T, onChange: (v: T) => void): HTMLElement {
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
function consumptionPanel(c: Consumption, n: number): HTMLElement {
  // Days for up to two months of values, months beyond, unless the user chose. The first
  // channel's ids carry no number, so that tests and labels stay simple.
  const period: ConsumptionPeriod = state.usePeriod ?? (c.day.length > 62 ? "month" : "day");
  const suffix = n === 0 ? "" : `-${n}`;
  const periods: ConsumptionPeriod[] = ["day", "week", "month", "year"];
  return h("div", { class: "panel consumption" },
    h("h3", {}, t("consumption")),
    radioGroup(`use${suffix}`, t("perPeriod"), periods.map((p) => [p, t(`per_${p}`)]), period, (p) => { state.usePeriod = p; render(); }),
    h("div", { class: "table-scroll consumption-scroll" },
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

function valueTable(v: ValuesView): HTMLElement[] {
  const words = new Map(v.statuses.map((s) => [s.code, s.text]));
  return v.channels.map((ch, n) => {
    const unitLabel = ch.info ? `${ch.info.obis} ${pick(ch.info.name)} [${ch.info.unit}]` : ch.channel;
    return h(
      "div",
      { class: "channel-values" },
      h("h2", {}, unitLabel),
      h("p", { id: "values-summary" }, `${ch.values} ${t("valuesCount")}, ${ch.gaps} ${t("gapsCount")}`),
      // The SVG comes from the export library; as an image it cannot run anything.
      ch.chart
        ? h("img", {
            class: "chart",
            id: "values-chart",
            alt: `${t("chartOf")} ${unitLabel}`,
            src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(pick(ch.chart))}`,
          })
        : null,
      ch.consumption ? consumptionPanel(ch.consumption, n) : null,
      ch.rows.length
        ? virtualTable<ValueRow>(
            unitLabel,
            [
              { title: t("targetTime"), width: "15rem", cell: (r) => r.t },
              { title: t("captureTime"), width: "17rem", cell: (r) => (r.gap ? "" : `${r.c ?? "–"}${r.d ? ` (${r.d > 0 ? "+" : ""}${r.d} s)` : ""}`) },
              { title: t("value"), width: "minmax(10rem,1fr)", align: "right", cell: (r) => (r.gap ? t("gapRow") : `${pick({ de: r.de ?? "", en: r.en ?? "" })}${r.sig ? " ✓" : ""}`) },
              { title: t("status"), width: "minmax(12rem,1.4fr)", cell: (r) => (r.gap ? "" : statusText(r, words, true)) },
            ],
            ch.rows,
            (r) => (r.gap ? "gap" : `st-${r.s ?? "x"}`),
          )
        : h("p", {}, t("noValues")),
    );
  });
}

function valuesView(): HTMLElement {
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

// ---------------------------------------------------------------------------------------
// Logbook

async function loadLog(): Promise<void> {
  const l = await run(() => api.logbook(), true);
  if (l) {
    state.log = l;
    render();
  }
}

function filteredLog(): LogView[] {
  const f = state.logFilter;
  const from = f.from ? Date.parse(f.from) : null;
  const to = f.to ? Date.parse(f.to) : null;
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

function logView(): HTMLElement {
  const all = state.log ?? [];
  const levels = new Map<number, string>();
  for (const e of all) levels.set(e.level, pick(e.level_text));
  const rows = filteredLog();
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
    h("form", { class: "panel controls", onsubmit: (e: Event) => e.preventDefault() },
      field(t("logFilterFrom"), input("log-from", f.from, (v) => { f.from = v; refilter(); }, { type: "datetime-local" })),
      field(t("logFilterTo"), input("log-to", f.to, (v) => { f.to = v; refilter(); }, { type: "datetime-local" })),
      select("log-level", t("level"), [["", t("allLevels")], ...[...levels.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v] as [string, string])], f.level, (v) => { f.level = v; refilter(); }),
      field(t("search"), input("log-text", f.text, (v) => { f.text = v; refilter(); }, { type: "search" })),
      h("button", { type: "button", onclick: loadLog, id: "log-reload" }, t("reload")),
    ),
    h("p", { id: "log-count", "aria-live": "polite" }, `${rows.length} / ${all.length} ${t("entries")}`),
    virtualTable<LogView>(
      t("navLog"),
      [
        { title: "#", width: "5rem", align: "right", cell: (e) => String(e.index) },
        { title: t("time"), width: "13rem", cell: (e) => e.time?.local ?? "–" },
        { title: t("level"), width: "9rem", cell: (e) => pick(e.level_text) },
        { title: t("message"), width: "minmax(20rem,1fr)", cell: (e) => e.message },
      ],
      rows,
      (e) => `lvl-${e.level}`,
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Export

const EXPORTS: [ExportFormat, Key, string, string][] = [
  ["xml", "fmtXml", "durchblick.xml", "xml"],
  ["csv_german", "fmtCsvDe", "durchblick-messwerte.csv", "csv"],
  ["csv_international", "fmtCsvIntl", "durchblick-values.csv", "csv"],
  ["log_csv_german", "fmtLogDe", "durchblick-logbuch.csv", "csv"],
  ["log_csv_international", "fmtLogIntl", "durchblick-logbook.csv", "csv"],
  ["json", "fmtJson", "durchblick.json", "json"],
  ["bundle_zip", "fmtBundleZip", "durchblick-paket.zip", "zip"],
];

/** Formats written into a folder the user picks, as the command line's `--out DIR`. */
const FOLDER_EXPORTS: [ExportFormat, Key][] = [
  ["bundle", "fmtBundle"],
  ["csv_folder_german", "fmtCsvFolderDe"],
  ["csv_folder_international", "fmtCsvFolderIntl"],
  ["charts", "fmtCharts"],
];

function defaultExportRange(): { from: string; to: string } {
  const end = state.gateway?.gateway.time ? new Date(state.gateway.gateway.time.utc) : new Date();
  const start = new Date(end.getTime() - 31 * 86400000);
  return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
}

type Source = { key: string; label: string; archived: { consumer: ArchivedConsumer; smgwId: string } | null };

/** The export sources on offer: the connected gateway, and every consumer in the archive. */
function exportSources(): Source[] {
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

function chosenSource(): Source | undefined {
  const sources = exportSources();
  return sources.find((s) => s.key === state.exportSource) ?? sources[0];
}

/** A period of whole local days that holds every value of the consumer in the archive. */
function wholeArchiveRange(c: ArchivedConsumer): { from: string; to: string } | null {
  const times = c.contracts.flatMap((k) => k.series).flatMap((s) => [s.first, s.last]).filter((x) => x !== null);
  if (!times.length) return null;
  const ms = times.map((x) => Date.parse(x.utc));
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  // Local midnight of a value's UTC date lies before it (Berlin is ahead of UTC), so the
  // exclusive start keeps the first value; the inclusive end needs two days of margin.
  return { from: day(Math.min(...ms)), to: day(Math.max(...ms) + 2 * 86400000) };
}

async function doExport(format: ExportFormat, fileName: string, ext: string): Promise<void> {
  const folder = FOLDER_EXPORTS.find(([f]) => f === format);
  const path = folder
    ? await openDialog({ directory: true, multiple: false, title: t(folder[1]) })
    : await saveDialog({ defaultPath: fileName, filters: [{ name: ext.toUpperCase(), extensions: [ext] }] });
  if (typeof path !== "string") return;
  const { from, to } = state.exportRange;
  const archived = chosenSource()?.archived;
  if (archived === undefined) return;
  const source = archived
    ? { kind: "archive" as const, smgw_id: archived.smgwId, user_id: archived.consumer.user_id }
    : { kind: "gateway" as const };
  state.exported = null;
  // Reading the archive takes seconds and cannot be cancelled; reading the gateway can.
  const done = await run(() => api.export({ source, format, from, to, path, lang: lang() }), source.kind === "gateway");
  if (done) {
    state.exported = done;
    render();
  }
}

async function saveChart(): Promise<void> {
  const chart = state.values?.channels[0]?.chart;
  if (!chart) return;
  const path = await saveDialog({ defaultPath: "durchblick-diagramm.svg", filters: [{ name: "SVG", extensions: ["svg"] }] });
  if (typeof path !== "string") return;
  const ok = await run(async () => {
    await api.saveChart(path, pick(chart));
    return true;
  });
  if (ok) {
    state.exported = { path, values: state.values?.channels[0]?.values ?? 0, log_entries: 0, files: 1 };
    render();
  }
}

function exportView(): HTMLElement {
  if (!state.exportRange.from) state.exportRange = defaultExportRange();
  const r = state.exportRange;
  const done = state.exported;
  const chart = state.values?.channels[0]?.chart;
  const sources = exportSources();
  const chosen = chosenSource();
  if (!chosen) {
    return h("section", { class: "export" }, h("h1", {}, t("exportTitle")), errorBox(), h("p", { class: "note" }, t("exportNothing")));
  }
  const whole = chosen.archived ? wholeArchiveRange(chosen.archived.consumer) : null;
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
        ? h("button", { type: "button", id: "export-whole", onclick: () => { state.exportRange = whole; render(); } }, t("wholeArchive"))
        : null,
    ),
    h("div", { class: "panel export-buttons" },
      EXPORTS.map(([format, key, file, ext]) =>
        h("button", { id: `export-${format}`, disabled: state.busy, onclick: () => void doExport(format, file, ext) }, t(key)),
      ),
      FOLDER_EXPORTS.map(([format, key]) =>
        h("button", { id: `export-${format}`, disabled: state.busy, onclick: () => void doExport(format, "", "") }, t(key)),
      ),
      h("button", { id: "export-chart", disabled: state.busy || !chart, onclick: () => void saveChart() }, t("fmtChart")),
      chart ? null : h("p", { class: "hint" }, t("chartFirst")),
    ),
    done
      ? h("p", { class: "ok", role: "status", id: "export-done" },
          `${t("saved")}: ${done.path} (${done.values} ${t("valuesCount")}, ${done.log_entries} ${t("logEntries")}, ${done.files} ${t("files")})`)
      : null,
  );
}

// ---------------------------------------------------------------------------------------
// Sync and archive

async function loadArchive(): Promise<void> {
  try {
    state.archive = await api.archiveStatus();
  } catch (e) {
    state.error = asUiError(e);
  }
  render();
}

async function chooseArchive(given?: string): Promise<void> {
  const path = given ?? (await openDialog({ multiple: false, directory: false, title: t("chooseArchive"), filters: [{ name: "SQLite", extensions: ["sqlite", "db"] }] }));
  if (typeof path !== "string") return;
  const view = await run(() => api.chooseArchive(path));
  if (view) {
    state.archive = view;
    render();
  }
}

async function startSync(): Promise<void> {
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

function syncFigures(p: SyncProgress | null): string {
  if (!p) return t("loading");
  const left = p.seconds_left;
  return [
    `${p.calls_done} / ${p.calls_planned} ${t("calls")}`,
    `${count(p.values)} ${t("valuesCount")}`,
    `${count(p.log_entries)} ${t("logEntries")}`,
    // Under a second is no estimate worth showing.
    left ? `${t("timeLeft")} ${left < 90 ? `${left} s` : `${Math.round(left / 60)} min`}` : null,
  ]
    .filter((x) => x !== null)
    .join(" · ");
}

function syncProgressBox(): HTMLElement | null {
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
function showSyncProgress(p: SyncProgress): void {
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

function seriesRows(c: ArchivedConsumer): HTMLElement[] {
  return c.contracts.flatMap((k) =>
    k.series.map((s) =>
      h("tr", { class: s.conflicts ? "has-conflicts" : "" },
        h("td", {}, k.name ?? k.usage_point_id, h("div", { class: "muted mono small" }, k.usage_point_id)),
        h("td", {}, pick(s.database_name)),
        h("td", {}, h("span", { class: "mono" }, s.obis), " ", pick(s.name)),
        h("td", { class: "num" }, count(s.count)),
        h("td", {}, `${s.first?.local ?? "–"} – ${s.last?.local ?? "–"}`),
        h("td", { class: s.gaps ? "num warn" : "num" }, s.gaps ? `${count(s.gaps)} (${count(s.missing)} ${t(s.missing === 1 ? "missingValue" : "missingValues")})` : "0"),
        h("td", { class: s.conflicts ? "num bad" : "num" }, count(s.conflicts)),
        h("td", {}, s.synced_until?.local ?? "–"),
      ),
    ),
  );
}

function archiveTables(a: ArchiveView): HTMLElement[] {
  return a.gateways.flatMap((g) =>
    g.consumers.map((c) =>
      h("article", { class: "panel archived" },
        h("h2", {}, `${t("gatewayId")} `, h("span", { class: "mono" }, g.smgw_id), ` · ${t("consumer")} `, h("span", { class: "mono" }, c.user_id)),
        h("p", { class: "muted" }, `${t("lastSync")}: ${c.last_seen.local}`),
        h("div", { class: "table-scroll" },
          h("table", { class: "archive-table" },
            h("caption", {}, t("archivedSeries")),
            h("thead", {}, h("tr", {}, [t("contract"), t("valueList"), t("channel"), t("valuesHeld"), t("period"), t("gapsHeader"), t("conflicts"), t("syncedUntil")].map((x) => h("th", { scope: "col" }, x)))),
            h("tbody", {}, seriesRows(c)),
          ),
        ),
        h("p", { class: "hint" }, t("syncedUntilHint")),
        h("p", { class: "archived-log" },
          `${t("navLog")}: ${count(c.log.count)} ${t("entries")}`,
          c.log.last_index !== null ? `, ${t("lastIndex")} ${c.log.last_index}` : "",
          c.log.conflicts ? h("span", { class: "bad" }, `, ${count(c.log.conflicts)} ${t("conflicts")}`) : "",
        ),
      ),
    ),
  );
}

function syncView(): HTMLElement {
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
          ? h("button", { id: "archive-default", onclick: () => void chooseArchive(a.default_path ?? undefined), disabled: state.syncing || state.busy }, t("defaultArchive"))
          : null,
      ),
      state.session ? null : h("p", { class: "hint" }, t("syncNeedsSession")),
    ),
    syncProgressBox(),
    done ? h("p", { class: done.conflicts_new ? "warn" : "ok", role: "status", id: "sync-done", tabindex: -1 }, pick(done.summary)) : null,
    a && a.gateways.length ? archiveTables(a) : a?.exists ? h("p", {}, t("archiveEmpty")) : null,
  );
}

// ---------------------------------------------------------------------------------------
// Check bill

function amountTable(
  id: string,
  caption: string,
  rows: { obis: string; tariff: number | null; amount: { de: string; en: string } }[],
  stages = true,
): HTMLElement {
  const head = stages ? [t("register"), t("stage"), t("amount")] : [t("register"), t("amount")];
  return h("table", { id },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((r) =>
      h("tr", {},
        h("td", { class: "mono" }, r.obis),
        stages ? h("td", {}, r.tariff === null ? t("errorRegister") : String(r.tariff)) : null,
        h("td", { class: "num" }, pick(r.amount)),
      ))),
  );
}

function billView(): HTMLElement {
  const b = state.bill;
  const picker = (id: string, label: string, key: "supplier" | "device") => {
    const el = h("input", { type: "file", id, accept: ".xml,text/xml,application/xml" }) as HTMLInputElement;
    el.addEventListener("change", async () => { state.billFiles[key] = await fileBytes(el); });
    return field(label, el);
  };
  return h(
    "section",
    { class: "bill" },
    h("h1", {}, t("navBill")),
    h("p", {}, t("billIntro")),
    errorBox(),
    busyBox(),
    h("form", { class: "panel controls", onsubmit: (e: Event) => { e.preventDefault(); void checkBill(); } },
      picker("supplier-file", t("supplierFile"), "supplier"),
      picker("device-file", t("deviceFile"), "device"),
      h("button", { type: "submit", class: "primary", id: "check-bill", disabled: state.busy }, t("check")),
    ),
    b
      ? h("div", { id: "bill-result" },
          h("div", { class: "panel" },
            h("dl", { class: "kv" },
              h("dt", {}, t("useCase")), h("dd", {}, b.use_case),
              h("dt", {}, t("tariffId")), h("dd", {}, b.tariff_id),
              h("dt", {}, t("period")), h("dd", {}, `${b.begin} – ${b.end}`),
            ),
          ),
          amountTable("bill-stages", t("stages"), b.registers),
          amountTable("bill-totals", t("totals"), b.totals, false),
          b.unbilled.length ? amountTable("bill-unbilled", t("unbilled"), b.unbilled) : null,
          h("h2", {}, t("checksums")),
          h("dl", { class: "kv", id: "bill-checksums" }, Object.entries(b.checksums).flatMap(([k, v]) => [h("dt", {}, k.toUpperCase()), h("dd", { class: "mono small" }, v)])),
          b.days.length
            ? [
                h("h2", {}, t("timeline")),
                h("table", { id: "bill-days" },
                  h("thead", {}, h("tr", {}, [t("date"), t("ranges"), t("totals")].map((x) => h("th", { scope: "col" }, x)))),
                  h("tbody", {}, b.days.map((d) =>
                    h("tr", { class: d.has_error ? "day-error" : "" },
                      h("td", {}, d.date, d.has_error ? h("span", { class: "badge bad" }, t("dayError")) : null),
                      h("td", { class: "num" }, d.ranges),
                      h("td", {}, d.totals.map((r) => `${r.obis}: ${pick(r.amount)}`).join(" · ")),
                    ))),
                ),
              ]
            : null,
        )
      : null,
  );
}

async function checkBill(): Promise<void> {
  const { supplier, device } = state.billFiles;
  if (!supplier || !device) {
    state.error = {
      kind: "local",
      de: "Bitte beide Dateien wählen: die Lieferantendatei und die Messwerte des Gateways.",
      en: "Please choose both files: the supplier file and the gateway's values.",
    };
    render();
    return;
  }
  const b = await run(() => api.checkBill(supplier, device));
  if (b) {
    state.bill = b;
    render();
  }
}

// ---------------------------------------------------------------------------------------
// Start

async function start(): Promise<void> {
  const saved = localStorage.getItem("durchblick.lang");
  setLang(saved === "de" || saved === "en" ? saved : osLang());
  void onProgress((p) => {
    state.progress = p;
    const bar = document.querySelector(".busy progress") as HTMLProgressElement | null;
    if (bar && p.steps) bar.value = Math.round((100 * p.step) / p.steps);
    else if (state.busy) render();
  });
  void onSyncProgress((p) => {
    state.syncProgress = p;
    showSyncProgress(p);
  });
  render();
  void loadNet();
  try {
    state.startup = await api.startup();
  } catch {
    state.startup = null;
  }
  if (state.startup?.demo) await startDemo();
}

void start();
