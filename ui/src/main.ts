// The window: a header with navigation and language switch, and one screen at a time.
// All data comes from the Tauri commands (src/api.ts); the screens live in src/screens/,
// what they show in src/store.ts. This file only wires them.
import "./locale-guard";
import "./style.css";
import { api, onProgress, onSyncProgress } from "./api";
import { h } from "./dom";
import { lang, osLang, setLang, t, type Key, type Lang } from "./i18n";
import { setShell, state, type Screen } from "./store";
import { needsSession, notYet } from "./ui";
import { connectView, loadNet, startDemo, disconnect } from "./screens/connect";
import { loadGateway, gatewayView } from "./screens/gateway";
import { loadOverview, overviewView } from "./screens/overview";
import { loadContracts, contractsView } from "./screens/contracts";
import { valuesView } from "./screens/values";
import { loadLog, logView } from "./screens/log";
import { exportView } from "./screens/export";
import { loadArchive, showSyncProgress, syncView } from "./screens/sync";
import { billView } from "./screens/bill";
import { aboutBox } from "./about";

const app = document.getElementById("app") as HTMLElement;

// ---------------------------------------------------------------------------------------
// Shell

const NAV: [Screen, Key][] = [
  ["overview", "navOverview"],
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
    aboutBox(),
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
  // The overview reads the archive afresh too: a sync may have filled it meanwhile.
  if (screen === "overview" && !state.syncing) void loadOverview();
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
    case "overview":
      return overviewView();
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

setShell(render, go);
void start();
