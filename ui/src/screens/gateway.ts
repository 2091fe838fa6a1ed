// The gateway screen: identity, clock, firmware, certificates, self-test.
import { api } from "../api";
import { h } from "../dom";
import { pick, t } from "../i18n";
import { state, render } from "../store";
import { errorBox, busyBox, run, certDetails } from "../ui";

export async function loadGateway(): Promise<void> {
  const g = await run(() => api.gateway());
  if (g) {
    state.gateway = g;
    if (g.self_test_lock_seconds > 0) state.selfTestUntil = Date.now() + g.self_test_lock_seconds * 1000;
    render();
  }
}

export function gatewayView(): HTMLElement {
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
              // Both clocks at the moment of the read, and their difference (from Rust).
              h("dt", {}, t("gatewayTime")),
              h("dd", {}, g.time?.local ?? "–", g.clock_note ? h("span", { class: "muted", id: "clock-note" }, ` (${pick(g.clock_note)})`) : null),
              h("dt", {}, t("laptopTime")), h("dd", { id: "laptop-time" }, g.read_at.local),
              g.difference ? [h("dt", {}, t("difference")), h("dd", { id: "clock-difference" }, g.difference)] : null,
              g.han_certificate_matches !== null
                ? [h("dt", {}, "HAN"), h("dd", { class: g.han_certificate_matches ? "ok" : "bad" }, g.han_certificate_matches ? t("hanMatches") : t("hanMismatch"))]
                : null,
            ),
            g.clock_warning ? h("p", { class: "warn", id: "clock-warning", role: "alert" }, pick(g.clock_warning)) : null,
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

export async function startSelfTest(): Promise<void> {
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

// Keep the self-test countdown moving.
setInterval(() => {
  if (state.screen !== "gateway") return;
  const lock = document.getElementById("self-test-lock");
  if (lock || (state.selfTestUntil && state.selfTestUntil < Date.now() && (document.getElementById("self-test") as HTMLButtonElement | null)?.disabled)) {
    render();
  }
}, 1000);
