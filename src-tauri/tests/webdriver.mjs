// End-to-end check of the real Durchblick window through WebDriver.
//
// Talks the W3C WebDriver HTTP protocol (plain fetch, no npm packages) to tauri-driver,
// which starts WebKitWebDriver, which starts the app binary with `--demo`. The flow:
//   1. the demo gateway screen shows the expected gateway id,
//   2. the archive screen syncs the demo gateway into the (fresh) demo archive,
//   3. the German summary appears and the archive table has rows,
//   4. the language switch turns the summary into English,
//   5. a screenshot of the window is saved as PNG.
//
// Usage: src-tauri/tests/webdriver.sh (which starts tauri-driver under Xvfb and runs this)
// Environment:
//   DURCHBLICK_APP_BIN  app binary (default: target/debug/durchblick-app, relative to the cwd)
//   WEBDRIVER_URL       tauri-driver's address (default: http://127.0.0.1:4444)
//   SCREENSHOT          where to write the PNG (default: artifacts/screenshots/webdriver-sync.png)
// The caller starts tauri-driver (inside an X server) and gives the app a fresh
// XDG_CACHE_HOME: the demo archive lives in <cache dir>/durchblick/demo-archive.sqlite,
// and the checks below expect the first sync into an empty archive.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

const APP = resolve(process.env.DURCHBLICK_APP_BIN ?? "target/debug/durchblick-app");
const BASE = (process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444").replace(/\/$/, "");
const SCREENSHOT = process.env.SCREENSHOT ?? "artifacts/screenshots/webdriver-sync.png";

const GATEWAY_ID = "ETHE0310486901"; // the demo scenario's gateway
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf"; // W3C key of an element reference

const started = Date.now();
const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`webdriver [${since()}]: ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A WebDriver error response; `error` is the W3C error code, e.g. "no such element". */
class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} -> HTTP ${status}: ${value?.error ?? "?"}: ${value?.message ?? JSON.stringify(value)}`);
    this.code = value?.error;
  }
}

/** One WebDriver command; returns the response's `value`. */
async function wd(method, path, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} -> HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (!res.ok) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}

/**
 * Polls `fn` until it returns something truthy. Errors from elements that are missing or
 * were just replaced count as "not yet": the UI re-renders whole screens, so a
 * reference found a moment ago can go stale.
 */
async function waitFor(what, fn, timeoutMs = 30_000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (!(e instanceof WebDriverError) || !["no such element", "stale element reference"].includes(e.code)) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last: ${last.message})` : ""}`);
    }
    await sleep(everyMs);
  }
}

function check(ok, msg) {
  if (!ok) throw new Error(`check failed: ${msg}`);
  log(`ok: ${msg}`);
}

let session = null;
const s = (path) => `/session/${session}${path}`;

const find = async (css) => (await wd("POST", s("/element"), { using: "css selector", value: css }))[ELEMENT];
const findAll = async (css) => (await wd("POST", s("/elements"), { using: "css selector", value: css })).map((e) => e[ELEMENT]);
const text = async (css) => wd("GET", s(`/element/${await find(css)}/text`));
const enabled = async (css) => wd("GET", s(`/element/${await find(css)}/enabled`));
const script = (js, args = []) => wd("POST", s("/execute/sync"), { script: js, args });

/** Clicks an element once it is there and enabled (retrying if it is re-rendered meanwhile). */
async function click(css) {
  await waitFor(`${css} to be clickable`, async () => {
    if (!(await enabled(css))) return false;
    await wd("POST", s(`/element/${await find(css)}/click`), {});
    return true;
  });
}

/** Puts the UI into `lang` ("de"/"en") with the header's switch, if it is not already. */
async function ensureLang(lang) {
  const now = await script("return document.documentElement.lang");
  if (now === lang) return;
  log(`switching language ${now} -> ${lang}`);
  await click("#lang-switch");
  await waitFor(`language ${lang}`, async () => (await script("return document.documentElement.lang")) === lang, 5_000);
}

async function main() {
  log(`app ${APP}, driver ${BASE}`);

  // tauri-driver maps `tauri:options` to WebKitWebDriver's `webkitgtk:browserOptions`.
  const created = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--demo"] } } },
  });
  session = created.sessionId;
  log(`session ${session} (${created.capabilities?.browserName ?? "?"} ${created.capabilities?.browserVersion ?? ""})`);
  // No implicit waits: every wait is an explicit poll below.
  await wd("POST", s("/timeouts"), { implicit: 0, script: 120_000, pageLoad: 30_000 });

  // 1. The window connects to the bundled demo gateway on its own (--demo) and opens on
  // the overview; the gateway screen is one click away.
  await waitFor("the demo session (#disconnect) and the overview", async () => (await find("#disconnect")) && (await find("#overview")), 60_000);
  await click("#nav-gateway");
  const gw = await waitFor("#gw-id", async () => (await text("#gw-id")).trim(), 60_000);
  check(gw === GATEWAY_ID, `#gw-id shows ${GATEWAY_ID} (got "${gw}")`);

  // The summary is checked in German first; the start language follows the OS locale.
  await ensureLang("de");

  // 1b. Values of a year (35,040 quarter hours) from the click to the drawn chart and the
  // table's first rows, measured in the page with performance.now() (issue #15: within
  // 100 ms). Printed as a figure, not held to a bound: a loaded test machine must not fail.
  await click("#nav-values");
  // The TAF 7 contract's original values: one value per quarter hour.
  await waitFor("the TAF 7 contract in #sel-contract", () => script(`return !!document.querySelector("#sel-contract option[value*='taf7']")`), 30_000);
  await script(`const sel = document.querySelector("#sel-contract");
    sel.value = [...sel.options].find((o) => o.value.includes("taf7")).value;
    sel.dispatchEvent(new Event("change"));`);
  await click("#range-year");
  // The time is taken from the click to the frame after the one in which chart and rows
  // were first there (that one is painted by then), split by the page's User Timing marks
  // into the period command, the values command and the page's own part. A first showing
  // in a fresh window and a second one are printed.
  const showYear = () => wd("POST", s("/execute/async"), {
    script: `const done = arguments[arguments.length - 1];
      performance.clearMarks();
      const t0 = performance.now();
      document.querySelector("#show-values").click();
      let seen = null;
      const poll = (frame) => {
        if (document.querySelector("#error")) return done(null);
        const chart = document.querySelector("#values-chart canvas");
        const row = document.querySelector(".vt-body .vt-row:not(.vt-wait)");
        const answered = performance.getEntriesByName("values:answered")[0];
        if (seen === null && chart && row && answered) seen = frame;
        else if (seen !== null) {
          const asked = performance.getEntriesByName("values:asked")[0];
          return done({ total: frame - t0, period: asked.startTime - t0, call: answered.startTime - asked.startTime,
            page: frame - answered.startTime, seen: seen - answered.startTime });
        }
        requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);`,
    args: [],
  });
  const figures = (t) => `click to painted chart and table ${t.total.toFixed(0)} ms: the period command ${t.period.toFixed(0)} ms, ` +
    `the values command (gateway read, JSON, IPC) ${t.call.toFixed(0)} ms, the page from the answer to the painted frame ` +
    `${t.page.toFixed(0)} ms (chart and rows there in the frame at ${t.seen.toFixed(0)} ms)`;
  const first = await showYear();
  check(first !== null, "the values of a year arrived without an error");
  // The chart holds every row of the year and draws the rows that shape the line (the
  // points come thinned from Rust; a zoomed view asks for its detail).
  const rowsInChart = Number(await script("return document.querySelector('#values-chart')?.dataset.rows ?? 0"));
  const points = Number(await script("return document.querySelector('#values-chart')?.dataset.points ?? 0"));
  log(`values of a year (${rowsInChart} rows drawn as ${points} points), first in this window: ${figures(first)}`);
  const again = await showYear();
  check(again !== null, "the values of a year arrived again without an error");
  log(`values of a year, again: ${figures(again)}`);
  check(rowsInChart >= 35_000, `the chart holds a year of quarter hours (${rowsInChart} rows)`);
  check(points > 1_000 && points < rowsInChart / 5, `the year is drawn as the points that shape it (${points})`);

  // 2. Archive screen: a fresh TMPDIR means a new, empty demo archive.
  await click("#nav-sync");
  // "#archive-new" appears once the archive status has arrived and says the file does
  // not exist yet.
  await waitFor("#archive-new", () => find("#archive-new"), 10_000);
  const rowsBefore = (await findAll(".archive-table tbody tr")).length;
  check(rowsBefore === 0, `the demo archive is new and empty before the sync (${rowsBefore} rows)`);

  await click("#sync-start");
  log("sync started");
  // The progress panel shows while the sync runs; on a fast machine it may already be
  // gone at the first look, so seeing it is reported, not required.
  const sawProgress = await waitFor("#sync-progress or #sync-done", async () => {
    if ((await findAll("#sync-progress")).length) return "yes";
    if ((await findAll("#sync-done")).length) return "no (sync already done)";
    return false;
  }, 10_000, 50);
  log(`progress panel seen: ${sawProgress}`);

  // 3. Summary and archive table.
  const done = await waitFor("#sync-done", async () => {
    // An error ends the wait at once, with its message.
    if ((await findAll("#error")).length) throw new Error(`the sync failed: ${await text("#error")}`);
    return (await text("#sync-done")).trim();
  }, 120_000, 250);
  log(`summary: ${done}`);
  check(done.startsWith("Abgleich abgeschlossen:"), "#sync-done has the German summary");
  check((await findAll("#sync-progress")).length === 0, "progress panel is gone");
  const rows = await waitFor("archive table rows", async () => (await findAll(".archive-table tbody tr")).length, 10_000);
  check(rows > 0, `archive table has ${rows} rows`);
  const tableGw = await script(
    "return [...document.querySelectorAll('.archived h2 .mono')].map((e) => e.textContent)",
  );
  check(tableGw.includes(GATEWAY_ID), `archive lists gateway ${GATEWAY_ID}`);

  // 4. Language switch: the same summary (from Rust, in both languages) in English.
  await ensureLang("en");
  const doneEn = await waitFor("English #sync-done", async () => {
    const t = (await text("#sync-done")).trim();
    return t.startsWith("Sync complete:") && t;
  }, 5_000);
  check(true, `summary switched to English: ${doneEn}`);
  check((await text("#nav-sync")).trim() === "Archive", "nav button is English");

  // 5. Screenshot of the window (the viewport, as PNG, base64 in the response).
  const png = Buffer.from(await wd("GET", s("/screenshot")), "base64");
  check(png.subarray(1, 4).toString() === "PNG" && png.length > 10_000, `screenshot is a PNG (${png.length} bytes)`);
  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await writeFile(SCREENSHOT, png);
  log(`screenshot ${SCREENSHOT}`);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(`webdriver [${since()}]: FAILED: ${e.stack ?? e}`);
  // Keep what the window showed when it failed.
  if (session) {
    try {
      const file = SCREENSHOT.replace(/\.png$/, "") + "-failed.png";
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, Buffer.from(await wd("GET", s("/screenshot")), "base64"));
      console.error(`webdriver: screenshot of the failure: ${file}`);
    } catch {}
  }
} finally {
  // Ending the session closes the app.
  if (session) await wd("DELETE", s("")).catch((e) => console.error(`webdriver: delete session: ${e.message}`));
}
log(failed ? "failed" : "passed");
process.exit(failed ? 1 : 0);
