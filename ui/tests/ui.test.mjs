// Browser tests of the built window (ui/dist) in Debian's Chromium, driven by
// playwright-core. The Tauri IPC is mocked with @tauri-apps/api/mocks answering with the
// commands' recorded answers (tests/fixtures/, see src-tauri/tests/fixtures.rs).
// Screenshots of every screen go to artifacts/screenshots/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const ui = path.resolve(here, "..");
const dist = path.join(ui, "dist");
const fixtures = path.join(here, "fixtures");
const shots = path.resolve(ui, "../artifacts/screenshots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml" };

let server;
let base;
let browser;
let mockScript;

function fixtureBody(name) {
  const plain = path.join(fixtures, `${name}.json`);
  if (fs.existsSync(plain)) return fs.readFileSync(plain);
  const gz = path.join(fixtures, `${name}.json.gz`);
  if (fs.existsSync(gz)) return zlib.gunzipSync(fs.readFileSync(gz));
  return null;
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, "index.html")), "build the UI first (npm run build)");
  const bundle = await build({
    entryPoints: [path.join(here, "mock-entry.ts")],
    bundle: true,
    format: "iife",
    write: false,
    target: "es2022",
  });
  mockScript = bundle.outputFiles[0].text;
  server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname.startsWith("/__fixtures/")) {
      const body = fixtureBody(path.basename(url.pathname));
      res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
      res.end(body ?? "{}");
      return;
    }
    const rel = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    const file = path.join(dist, path.normalize(rel));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  fs.mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

/** A fresh page at 1280×720 with the mocked IPC; `pin` is what the fake pin store knows. */
async function open({ lang = "de-DE", pin = "unknown", broken = false, timezoneId = undefined } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: lang, timezoneId });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.addInitScript(`window.__PIN_STATE__ = ${JSON.stringify(pin)}; window.__BROKEN__ = ${broken};`);
  await page.addInitScript(mockScript);
  await page.goto(base);
  await page.waitForSelector("#connect-form");
  page.errors = errors;
  return page;
}

/** A screenshot of the screen, and axe-core's check of it (every screen gets both). */
/** The chart canvas's pixels (RGBA) in the column of time `t` on an axis from `x0` to
 * `x1`, top to bottom of the plot. */
function chartColumn(page, t, x0, x1) {
  return page.evaluate(([t, x0, x1]) => {
    const over = document.querySelector("#values-chart .u-over");
    const canvas = document.querySelector("#values-chart canvas");
    const dpr = canvas.width / canvas.getBoundingClientRect().width;
    const x = Math.round((over.offsetLeft + ((t - x0) / (x1 - x0)) * over.clientWidth) * dpr);
    return [...canvas.getContext("2d").getImageData(x, Math.round(over.offsetTop * dpr), 1, Math.round(over.clientHeight * dpr)).data];
  }, [t, x0, x1]);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
  await axe(page, name);
}

async function noHorizontalScroll(page) {
  const [scroll, width, wide] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
    // What sticks out, to name in the message.
    [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth)
      // The innermost ones: their parents only grew with them.
      .filter((el, _, all) => !all.some((other) => other !== el && el.contains(other)))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
  ]);
  assert.ok(scroll <= width, `page scrolls sideways at 1280×720: ${scroll} > ${width} (${wide.join(", ")})`);
}

/** Starts the demo: the window opens on the overview; then to the gateway screen. */
async function demo(page) {
  await page.click("#demo");
  await page.waitForSelector("#overview");
  await page.click("#nav-gateway");
  await page.waitForSelector("#gw-id");
}

/** A count as the English window writes it. */
const en = (n) => n.toLocaleString("en-GB");

const axeSource = fs.readFileSync(path.join(ui, "node_modules/axe-core/axe.min.js"), "utf8");

/** axe-core on the page as it is now: no serious or critical finding. */
async function axe(page, screen) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(found, [], `axe on ${screen}`);
}

const calls = (page, cmd) => page.evaluate((c) => window.__CALLS__.filter((x) => x.cmd === c), cmd);

describe("connect", () => {
  test("password login: first contact shows the fingerprint, confirming connects", async () => {
    const page = await open();
    const confirm = JSON.parse(fixtureBody("connect_confirm"));
    await page.fill("#user", "demo");
    await page.fill("#password", "demo");
    await page.click("#connect");
    await page.waitForSelector("#confirm");
    const shown = (await page.textContent("#confirm-fingerprint")).replaceAll(" ", "").toLowerCase();
    assert.equal(shown, confirm.fingerprint);
    await page.waitForSelector("#own-addresses");
    await shot(page, "01-connect-confirm");
    await page.click("#trust");
    await page.waitForSelector("#overview");
    const connects = await calls(page, "connect");
    assert.equal(connects.length, 2);
    assert.equal(connects[0].args.request.confirm_fingerprint, null);
    assert.equal(connects[1].args.request.confirm_fingerprint, confirm.fingerprint);
    assert.equal(connects[1].args.request.port, 443);
    assert.equal(connects[0].args.request.vendor, "auto", "the maker is found out unless chosen");
    assert.deepEqual(page.errors, []);
  });

  test("password typo hints: a trailing full stop is named as it is typed, sent as typed", async () => {
    const page = await open();
    const said = JSON.parse(fixtureBody("password_hints_full_stop"));
    assert.ok(said.hints.length > 0);
    await page.fill("#user", "demo");
    await page.fill("#password", "geheim.");
    await page.waitForSelector("#password-hints li");
    const hints = await page.locator("#password-hints li").allTextContents();
    assert.deepEqual(hints, said.hints.map((x) => x.de));
    assert.ok(hints[0].includes("Punkt"), hints[0]);
    assert.ok((await page.textContent("#password-hints")).includes(said.why.de));
    // The field keeps focus while the hints come and go.
    assert.equal(await page.evaluate(() => document.activeElement?.id), "password");
    await axe(page, "connect-password-hints");
    // What the user typed is what is sent: the hint changes nothing.
    await page.click("#connect");
    await page.waitForSelector("#error");
    const sent = (await calls(page, "connect")).at(-1).args.request.login.password;
    assert.equal(sent, "geheim.");
    // A password without anything odd: the hints go away.
    await page.fill("#password", "demo");
    await page.waitForFunction(() => document.querySelectorAll("#password-hints li").length === 0);
    assert.equal(await page.locator("#password-hints li").count(), 0);
  });

  test("maker choice: factory address, connection help, the PPC self-test needs consent", async () => {
    const page = await open({ lang: "en-US" });
    assert.equal(await page.inputValue("#host"), "192.168.1.100");
    await page.selectOption("#vendor", "ppc");
    assert.equal(await page.inputValue("#host"), "192.168.1.200", "PPC's factory address");
    assert.ok((await page.textContent("#vendor-help")).includes("One login at a time"));
    assert.equal(await page.isChecked("#allow-reboot"), false, "no reboot without consent");
    await page.check("#allow-reboot");
    await page.selectOption("#vendor", "emh");
    assert.equal(await page.inputValue("#host"), "smgw.local");
    assert.equal(await page.$("#allow-reboot"), null, "only PPC reboots for its self-test");
    await page.fill("#host", "10.0.0.7");
    await page.selectOption("#vendor", "ppc");
    assert.equal(await page.inputValue("#host"), "10.0.0.7", "an address the user typed stays");
    await page.fill("#user", "demo");
    await page.fill("#password", "demo");
    await page.click("#connect");
    await page.waitForSelector("#confirm");
    const sent = (await calls(page, "connect"))[0].args.request;
    assert.equal(sent.vendor, "ppc");
    assert.equal(sent.allow_self_test_reboot, true);
    assert.deepEqual(page.errors, []);
  });

  test("wrong password: the library's message, in German and after switching in English", async () => {
    const page = await open({ pin: "pinned" });
    const wrong = JSON.parse(fixtureBody("error_wrong_password"));
    await page.fill("#user", "demo");
    await page.fill("#password", "falsch");
    await page.press("#password", "Enter");
    await page.waitForSelector("#error");
    assert.equal(await page.textContent("#error"), wrong.de);
    assert.equal(await page.getAttribute("html", "lang"), "de");
    await shot(page, "02-connect-wrong-password");
    await page.click("#lang-switch");
    assert.equal(await page.textContent("#error"), wrong.en);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.equal(await page.textContent("#nav-values"), "Values");
    // The choice survives a reload; the OS locale only decides the first start.
    await page.reload();
    await page.waitForSelector("#connect-form");
    assert.equal(await page.textContent("#nav-values"), "Values");
  });

  test("English OS locale starts in English", async () => {
    const page = await open({ lang: "en-GB" });
    assert.equal(await page.textContent("#nav-bill"), "Check bill");
    assert.equal(await page.getAttribute("html", "lang"), "en");
  });

  test("certificate login: holder, issuer and validity before connecting", async () => {
    const page = await open({ pin: "pinned" });
    const cert = JSON.parse(fixtureBody("inspect_pkcs12"));
    const picked = JSON.parse(fixtureBody("pick_file_pkcs12"));
    await page.check("#mode-pkcs12");
    // Rust opens the native dialog and reads the file: the window shows its name only.
    await page.click("#p12-file");
    await page.waitForFunction((name) => document.querySelector("main")?.textContent?.includes(name), picked.name);
    assert.deepEqual((await calls(page, "pick_file")).map((c) => c.args.kind), ["pkcs12"]);
    await page.fill("#p12-password", "nope");
    await page.click("#show-cert");
    await page.waitForSelector("#error");
    assert.equal(await page.textContent("#error"), JSON.parse(fixtureBody("error_wrong_p12_password")).de);
    await page.fill("#p12-password", "demo");
    await page.click("#show-cert");
    await page.waitForSelector("dl.cert");
    const text = await page.textContent("dl.cert");
    assert.ok(text.includes(cert.subject), text);
    assert.ok(text.includes(cert.issuer), text);
    assert.ok(text.includes(cert.not_after.local), text);
    await shot(page, "03-connect-certificate");
    const sent = await calls(page, "inspect_pkcs12");
    assert.deepEqual(sent[1].args, { file: picked.token, password: "demo" }, "only the token crosses the IPC");
    await page.click("#connect");
    await page.waitForSelector("#overview");
    const connect = (await calls(page, "connect"))[0];
    assert.deepEqual(connect.args.request.login, { mode: "pkcs12", file: picked.token, password: "demo" });
    // No call carried a file's content.
    const all = await page.evaluate(() => JSON.stringify(window.__CALLS__));
    assert.ok(!all.includes("[48,130"), "no DER bytes in any call");
  });

  test("changed certificate: a clear warning, trusting needs an explicit confirmation", async () => {
    const page = await open({ pin: "changed" });
    const changed = JSON.parse(fixtureBody("error_certificate_changed"));
    await page.fill("#user", "demo");
    await page.fill("#password", "demo");
    await page.click("#connect");
    await page.waitForSelector("#changed");
    const text = await page.textContent("#changed");
    const compact = text.replaceAll(" ", "").toLowerCase();
    assert.ok(compact.includes(changed.pinned) && compact.includes(changed.presented), text);
    assert.ok(text.includes("Achtung"), text);
    assert.equal(await page.isDisabled("#trust-new"), true);
    await shot(page, "04-connect-certificate-changed");
    await page.check("#changed-ack");
    await page.click("#trust-new");
    await page.waitForSelector("#overview");
    const last = (await calls(page, "connect")).at(-1);
    assert.equal(last.args.request.confirm_fingerprint, changed.presented);
  });

  test("network help lists own addresses and points out a subnet mismatch", async () => {
    const page = await open();
    await page.waitForSelector("#own-addresses");
    assert.equal(await page.$("#subnet-warning"), null);
    await page.fill("#host", "10.0.0.5");
    await page.press("#host", "Tab");
    await page.waitForSelector("#subnet-warning");
    await noHorizontalScroll(page);
  });
});

describe("screens against the recorded demo gateway", () => {
  test("gateway: state in words, clocks, certificates, self-test countdown", async () => {
    const page = await open();
    const gw = JSON.parse(fixtureBody("gateway"));
    await demo(page);
    assert.equal(await page.textContent("#gw-id"), gw.gateway.id);
    assert.equal(await page.textContent("#gw-state"), gw.gateway.state.de);
    assert.ok(gw.gateway.wan_chain.length > 0 && gw.gateway.wan_chain.every((c) => c.verdict === "ok"), "the demo's chain checks out");
    assert.ok((await page.textContent("#wan-chain")).includes(gw.gateway.wan_chain[0].summary.de));
    // Both clocks at the read and their difference, as Rust wrote them; the recorded demo
    // is pinned to its scenario's day, so its clock is behind and that is warned about.
    assert.equal(await page.textContent("#laptop-time"), gw.gateway.read_at.local);
    assert.match(gw.gateway.read_at.local, /^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d/);
    assert.equal(await page.textContent("#clock-difference"), gw.gateway.difference);
    assert.match(gw.gateway.difference, /^−\d+ d$/);
    assert.equal(await page.textContent("#clock-warning"), gw.gateway.clock_warning.de);
    await shot(page, "05-gateway");
    await page.click("#self-test");
    await page.waitForSelector("#self-test-lock");
    assert.match(await page.textContent("#self-test-lock"), /9:5\d|10:00/);
    assert.equal(await page.isDisabled("#self-test"), true);
    await noHorizontalScroll(page);
    await shot(page, "06-gateway-self-test");

    // A gateway that states no clock (EMH without system information): the estimate is
    // shown with Rust's note, neither compared nor warned about.
    const note = { de: "geschätzt – das Gateway nennt seine Uhrzeit nicht; …", en: "estimated – the gateway does not state its clock, …" };
    const estimated = await open();
    await estimated.route("**/__fixtures/gateway", (route) =>
      route.fulfill({ contentType: "application/json", body: JSON.stringify({ ...gw, gateway: { ...gw.gateway, difference: null, clock_warning: null, clock_note: note } }) }),
    );
    await demo(estimated);
    await estimated.waitForSelector("#clock-note");
    assert.equal(await estimated.textContent("#clock-note"), ` (${note.de})`);
    assert.equal(await estimated.$("#clock-difference"), null);
    assert.equal(await estimated.$("#clock-warning"), null);
    assert.deepEqual(estimated.errors, []);
  });

  test("contracts: every TAF with state, periods, meters, channels", async () => {
    const page = await open();
    const contracts = JSON.parse(fixtureBody("contracts"));
    await demo(page);
    await page.click("#nav-contracts");
    await page.waitForSelector("article.contract");
    assert.equal(await page.locator("article.contract").count(), contracts.length);
    const text = await page.textContent("main");
    for (const c of contracts) {
      assert.ok(text.includes(c.usage_point_id) && text.includes(c.taf_name.de) && text.includes(c.state.de));
    }
    await shot(page, "07-contracts");
  });

  test("contracts: the tariff profile with stages, switching times, validity and signature", async () => {
    const page = await open();
    const contracts = JSON.parse(fixtureBody("contracts"));
    const taf2 = contracts.find((c) => c.taf === 2);
    const p = taf2.tariff_profile;
    // The recorded demo answer carries the mock's signed two-stage program.
    assert.deepEqual(p.stages.map((s) => s.name), ["HT", "NT"]);
    assert.deepEqual(p.day_profiles[0].switches.map((s) => s.time), ["06:00", "22:00"]);
    await demo(page);
    await page.click("#nav-contracts");
    await page.waitForSelector("article.contract");
    const article = page.locator("article.contract", { hasText: taf2.usage_point_id });
    const section = article.locator("section.tariff");
    assert.equal(await section.locator("h3").textContent(), "Tarifprofil");
    assert.equal(await section.locator(".signature").textContent(), p.signature_text.de);
    assert.equal(await section.locator(".signature.ok").count(), p.signature === "valid" ? 1 : 0);
    const stages = await section.locator("table.tariff-stages tbody tr").allTextContents();
    assert.deepEqual(stages, p.stages.map((s) => `${s.id}${s.name}${s.register}`));
    const switches = await section.locator("table.day-profiles tbody tr").allTextContents();
    assert.deepEqual(switches, p.day_profiles.flatMap((d) => d.switches.map((s) => `${d.id}${s.time}${s.stage}`)));
    const kv = await section.locator("dl").textContent();
    assert.ok(kv.includes(`Gültig ab${p.valid_from}`), kv);
    // What the reader does not interpret is listed as sent.
    const unknown = await section.locator("table.tariff-unknown tbody tr").allTextContents();
    assert.deepEqual(unknown, p.unknown.map((u) => `${u.path}${u.text}`));
    assert.ok(unknown.length > 0);
    // The demo household imports only: the CLI's hint, under every contract with import.
    const hinted = contracts.filter((c) => c.no_export_hint);
    assert.ok(hinted.length > 0);
    assert.equal(await page.locator("article.contract p.hint").count(), hinted.length);
    assert.equal(await article.locator("p.hint").textContent(), taf2.no_export_hint.de);
    await section.scrollIntoViewIfNeeded();
    await shot(page, "07-contracts-tariff");
  });

  test("values: a year in the virtualised table, gaps as rows, current values", async () => {
    const page = await open();
    const year = JSON.parse(fixtureBody("values_year"));
    // The answer carries the first rows; the table pages the rest (the recorded pages).
    const rows = JSON.parse(fixtureBody("value_rows_year"));
    assert.equal(rows.length, year.channels[0].row_count);
    assert.deepEqual(year.channels[0].rows, rows.slice(0, year.channels[0].rows.length));
    assert.ok(year.channels[0].rows.length < rows.length / 100, "the answer carries only the first rows");
    await demo(page);
    await page.click("#nav-values");
    await page.waitForSelector("#sel-contract option", { state: "attached" });
    await page.selectOption("#sel-contract", year.usage_point_id);
    await page.check("#range-year");
    // The year's chart: from the click to the drawn chart, timed in the page.
    const loadMs = await page.evaluate(async () => {
      const t0 = performance.now();
      document.querySelector("#show-values").click();
      while (!document.querySelector("#values-chart canvas")) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    });
    assert.ok((await page.textContent("#values-summary")).startsWith(`${year.channels[0].values.toLocaleString("de-DE")} Werte`));
    const sent = (await calls(page, "values")).at(-1).args.request;
    assert.equal(sent.usage_point_id, year.usage_point_id);
    assert.equal(sent.channels[0], year.channels[0].info.hex);
    assert.ok(Date.parse(sent.to) - Date.parse(sent.from) >= 365 * 86400000);
    // Every slot of the year is in the chart; drawn are the rows that shape the line.
    assert.equal(Number(await page.getAttribute("#values-chart", "data-rows")), rows.length);
    const overviewPoints = year.channels[0].points.x.length;
    assert.equal(Number(await page.getAttribute("#values-chart", "data-points")), overviewPoints);
    assert.ok(overviewPoints < rows.length / 5, `${overviewPoints} points drawn for ${rows.length} rows`);
    // Redrawing the year (a language switch makes a new chart) and zooming by keyboard,
    // timed in the page: the window must answer within 100 ms.
    const redrawMs = await page.evaluate(async () => {
      const t0 = performance.now();
      document.querySelector("#lang-switch").click();
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    });
    await page.click("#lang-switch");
    await page.waitForSelector("#values-chart canvas");
    const axisBefore = await page.textContent("#chart-range");
    await page.focus("#values-chart");
    const zoomMs = await page.evaluate(async () => {
      const box = document.querySelector("#values-chart");
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) box.dispatchEvent(new KeyboardEvent("keydown", { key: "+", bubbles: true }));
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    });
    const axisZoomed = await page.textContent("#chart-range");
    // Zoomed in, the chart asks for the view's detail: every row in view is drawn.
    await page.waitForFunction(() => document.querySelector("#values-chart").dataset.detail === "ready");
    const zoomed = JSON.parse(fixtureBody("chart_points_year_zoomed"));
    assert.equal(Number(await page.getAttribute("#values-chart", "data-points")), zoomed.x.length);
    const inView = zoomed.i.filter((_, k) => zoomed.x[k] >= zoomed.x.at(-1) - 985_500);
    assert.ok(inView.length >= 985_500 / 900, `${inView.length} rows in the zoomed view`);
    assert.ok(inView.every((r, k) => k === 0 || r === inView[k - 1] + 1), "no row in view left out");
    assert.notEqual(axisZoomed, axisBefore, "zooming in changes the time axis");
    const span = (text) => {
      const [a, b] = text.replace(/^[^:]*: /, "").split(" – ").map((x) => {
        const m = x.match(/(\d\d)\.(\d\d)\.(\d{4}), (\d\d):(\d\d)/);
        return Date.UTC(+m[3], +m[2] - 1, +m[1], +m[4], +m[5]);
      });
      return b - a;
    };
    assert.ok(span(axisZoomed) < span(axisBefore) / 20, `5 zoom steps halve the span 5 times: ${axisBefore} → ${axisZoomed}`);
    // The mouse wheel zooms out again, and 0 shows everything.
    await page.hover("#values-chart .u-over");
    await page.mouse.wheel(0, 400);
    await page.keyboard.press("0");
    assert.equal(await page.textContent("#chart-range"), axisBefore);
    await page.waitForFunction(() => document.querySelector("#values-chart").dataset.detail === "overview");
    console.log(`# chart year: ${rows.length} rows drawn as ${overviewPoints} points, click→chart ${loadMs.toFixed(1)} ms (mocked IPC with the recorded answer), redraw ${redrawMs.toFixed(1)} ms, 5 zoom steps ${zoomMs.toFixed(1)} ms`);
    // The target (100 ms) is read from the printed figure; the bound only catches a chart
    // that stopped answering (a loaded test machine must not fail here).
    assert.ok(zoomMs < 1000, `zooming took ${zoomMs} ms`);
    // Hover shows the exact value with unit, local time and status of that slot.
    const over = await page.$eval("#values-chart .u-over", (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
    await page.$eval("#chart-readout", (e) => delete e.dataset.index);
    const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.mouse.move(over.x + over.w * 0.37, over.y + over.h / 2, { steps: 3 });
    await frames();
    await page.waitForFunction(() => document.querySelector("#chart-readout")?.dataset.index !== undefined);
    const i = Number(await page.getAttribute("#chart-readout", "data-index"));
    // The row's words are fetched when the answer did not carry them.
    await page.waitForFunction((t) => document.querySelector("#chart-readout").textContent.startsWith(t), rows[i].t);
    const readout = await page.textContent("#chart-readout");
    assert.ok(readout.startsWith(rows[i].t), `${readout} at ${i}`);
    assert.ok(rows[i].gap ? readout.includes("Lücke") : readout.includes(rows[i].de) && (rows[i].s === undefined || readout.includes(`Status: ${rows[i].s} –`)), readout);
    assert.ok(i > rows.length * 0.3 && i < rows.length * 0.45, `the hovered slot lies under the mouse: ${i}`);
    // The keyboard chooses values too.
    await page.focus("#values-chart");
    await page.keyboard.press("ArrowLeft");
    assert.equal(Number(await page.getAttribute("#chart-readout", "data-index")), i - 1);
    const inDom = await page.locator(".vt-body .vt-row").count();
    assert.ok(inDom > 10 && inDom < 200, `only visible rows exist: ${inDom} of ${rows.length}`);
    await shot(page, "08-values-year");
    // Historic consumption: months for a year, then days, weeks, years on choice.
    const use = year.channels[0].consumption;
    const consumptionRows = () => page.$$eval("#consumption-table tbody tr", (r) => r.map((x) => x.firstChild.textContent));
    const label = (m) => m.period.de + (m.partial ? " (unvollständig)" : "");
    assert.deepEqual(await consumptionRows(), use.month.map(label));
    assert.ok(use.month.some((m) => m.partial) && use.month.some((m) => !m.partial));
    for (const period of ["day", "week", "year"]) {
      await page.check(`#use-${period}`);
      assert.deepEqual(await consumptionRows(), use[period].map(label), period);
    }
    assert.equal(await page.textContent("#consumption-table tbody tr td.num"), use.year[0].amount.de);
    await page.check("#use-month");
    // Scroll through the whole year in steps and time the frames.
    const scroll = await page.evaluate(async () => {
      const el = document.querySelector(".vt-scroll");
      const times = [];
      for (let i = 1; i <= 40; i++) {
        const t0 = performance.now();
        el.scrollTop = (el.scrollHeight * i) / 40;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        times.push(performance.now() - t0);
      }
      // Rows not fetched yet are placeholders until their page arrives.
      const t0 = performance.now();
      while (document.querySelector(".vt-body .vt-wait")) await new Promise((r) => setTimeout(r, 5));
      const fetched = performance.now() - t0;
      const cells = [...document.querySelectorAll(".vt-body .vt-row")].map((r) => r.firstChild.textContent);
      return { worst: Math.max(...times), lastShown: cells.at(-1), fetched };
    });
    const paged = await calls(page, "value_rows");
    assert.ok(paged.length > 0 && paged.length < 100, `the table asked for ${paged.length} pages, not for every row`);
    assert.ok(paged.every((c) => c.args.answer === year.answer && c.args.count <= 2000));
    assert.equal(scroll.lastShown, rows.at(-1).t, "the last row is reachable");
    assert.ok(scroll.worst < 250, `a scroll step took ${scroll.worst} ms`);
    console.log(`# values year: ${rows.length} rows, load+render ${loadMs} ms, worst scroll frame ${scroll.worst.toFixed(1)} ms`);
    // Keyboard: the table scrolls with End/Home.
    await page.focus(".vt-scroll");
    await page.keyboard.press("Home");
    await page.waitForFunction(() => document.querySelector(".vt-scroll").scrollTop === 0);
    // A day with a gap: gap rows are there and say so.
    const day = JSON.parse(fixtureBody("values_day")).channels[0];
    await page.check("#range-day");
    await page.click("#show-values");
    await page.waitForFunction((n) => document.querySelector("#values-summary")?.textContent.startsWith(`${n} `), day.values);
    assert.equal(day.rows.length, day.row_count, "a day's answer carries all its rows");
    const firstGap = day.rows.findIndex((r) => r.gap);
    assert.ok(firstGap > 0, "the recorded day has a gap");
    await page.evaluate((i) => {
      document.querySelector(".vt-scroll").scrollTop = Math.max(0, (i - 3) * 28);
    }, firstGap);
    await page.waitForSelector(".vt-row.gap");
    assert.ok((await page.textContent(".vt-row.gap")).includes(day.rows[firstGap].t));
    assert.ok((await page.textContent(".vt-row.gap")).includes("Lücke"));
    // In the chart the gap is a break: no line across its middle, a line beside it.
    await page.waitForSelector("#values-chart canvas");
    const lastGap = firstGap + day.rows.slice(firstGap).findIndex((r) => !r.gap) - 1;
    const blueAt = async (t) => {
      const data = await chartColumn(page, t, day.points.x[0], day.points.x.at(-1));
      let n = 0;
      for (let p = 0; p < data.length; p += 4) if (data[p + 2] > 120 && data[p + 2] - data[p] > 60 && data[p + 3] > 100) n++;
      return n;
    };
    assert.ok(!day.points.thinned && day.points.x.length === day.row_count, "a day is drawn whole");
    const gapMiddle = (day.points.x[firstGap - 1] + day.points.x[lastGap + 1]) / 2;
    assert.equal(await blueAt(gapMiddle), 0, "no line across the gap");
    assert.ok((await blueAt((day.points.x[2] + day.points.x[3]) / 2)) > 0, "the line is drawn where values are");
    await shot(page, "09-values-day-gap");
    // TAF 2: the tariff stages colour the chart's background (HT by day, NT by night),
    // with a key; a contract with one stage has none.
    assert.equal(await page.locator("#chart-stages").count(), 0, "TAF 7 has one stage");
    const taf2 = JSON.parse(fixtureBody("values_taf2_day"));
    await page.selectOption("#sel-contract", taf2.usage_point_id);
    await page.click("#show-values");
    await page.waitForSelector("#chart-stages");
    assert.equal(await page.textContent("#chart-stages"), `Tarifstufen (Hintergrund): ${taf2.stages.names.join("")}`);
    const background = async (t) => {
      // A few pixels below the top of the plot: above the curve's values of a day.
      const column = await chartColumn(page, t, taf2.channels[0].points.x[0], taf2.channels[0].points.x.at(-1));
      const [r, g, b] = column.slice(4 * 4, 4 * 4 + 3);
      return { r, g, b };
    };
    const [nt, ht] = [taf2.stages.bands[0], taf2.stages.bands[1]];
    assert.deepEqual([nt.n, ht.n], [1, 0]);
    const night = await background((nt.from + nt.to) / 2);
    const daytime = await background((ht.from + ht.to) / 2);
    assert.ok(daytime.r > daytime.b, `HT is yellowish: ${JSON.stringify(daytime)}`);
    assert.ok(night.b > night.r, `NT is bluish: ${JSON.stringify(night)}`);
    await shot(page, "09-values-taf2-stages");
    await page.click("#current-10");
    await page.waitForSelector(".current-table");
    assert.equal(await page.locator(".current-table tbody tr").count(), 2);
    await noHorizontalScroll(page);
  });

  test("logbook: filter by text, level and time", async () => {
    // A computer in New York: the filter's times are German times all the same.
    const page = await open({ lang: "en-US", timezoneId: "America/New_York" });
    const log = JSON.parse(fixtureBody("logbook")).entries;
    await demo(page);
    await page.click("#nav-log");
    await page.waitForSelector("#log-count");
    assert.equal(await page.textContent("#log-count"), `${en(log.length)} / ${en(log.length)} entries`);
    assert.equal(await page.locator("#log-warnings").count(), 0, "the demo's logbook reads whole");
    // Newest first by default; the toggle turns to the gateway's order.
    const firstShown = () => page.$eval(".vt-body .vt-row", (r) => r.firstChild.textContent);
    const indexes = log.map((e) => e.index);
    assert.equal(await firstShown(), String(Math.max(...indexes)));
    await page.uncheck("#log-newest-first");
    assert.equal(await firstShown(), String(log[0].index));
    await page.check("#log-newest-first");
    await shot(page, "10-logbook");
    const word = log[5].message.split(/\s+/).find((w) => w.length > 5) ?? log[5].message;
    await page.fill("#log-text", word);
    const expectText = log.filter((e) => `${e.message} ${e.event_id} ${e.outcome ?? ""}`.toLowerCase().includes(word.toLowerCase())).length;
    assert.equal(await page.textContent("#log-count"), `${en(expectText)} / ${en(log.length)} entries`);
    assert.ok(expectText > 0 && expectText < log.length, `${word}: ${expectText}`);
    await page.fill("#log-text", "");
    const level = Math.max(...log.map((e) => e.level));
    await page.selectOption("#log-level", String(level));
    const expectLevel = log.filter((e) => e.level === level).length;
    assert.equal(await page.textContent("#log-count"), `${en(expectLevel)} / ${en(log.length)} entries`);
    await page.selectOption("#log-level", "");
    // From and to are German wall-clock times that Rust turns into instants. The night of
    // 25 October 2026 has 02:00–03:00 twice; the demo logged at 02:43 winter time, the
    // second 02:43, which lies between 02:30 and 02:50 all the same.
    const ranges = JSON.parse(fixtureBody("wall_clock_ranges"));
    const rangeOf = (from, to) => ranges.find((r) => r.from === from && r.to === to).range;
    const inRange = (r) =>
      log.filter((e) => e.time && (!r.from || Date.parse(e.time.utc) >= Date.parse(r.from.utc)) && (!r.to || Date.parse(e.time.utc) < Date.parse(r.to.utc))).length;
    const count = (n) => page.waitForFunction((text) => document.querySelector("#log-count")?.textContent === text, `${en(n)} / ${en(log.length)} entries`);
    await page.fill("#log-from", "2026-10-25T02:30");
    await count(inRange(rangeOf("2026-10-25T02:30", "")));
    await page.fill("#log-to", "2026-10-25T02:50");
    const night = rangeOf("2026-10-25T02:30", "2026-10-25T02:50");
    assert.deepEqual([night.from.utc, night.to.utc], ["2026-10-25T00:30:00Z", "2026-10-25T01:50:00Z"], "from the first 02:30 to the second 02:50");
    const second = log.find((e) => e.time?.local === "25.10.2026 02:43:01 MEZ");
    assert.ok(second, "the demo's entry in the repeated hour");
    await count(inRange(night));
    assert.ok((await page.textContent(".vt-body")).includes(second.time.local));
    await shot(page, "11-logbook-filtered");
    await page.fill("#log-from", "");
    await count(inRange(rangeOf("", "2026-10-25T02:50")));
    await page.fill("#log-to", "");
    await count(log.length);
    assert.deepEqual(page.errors, []);
  });

  test("warnings of a gateway with undecodable fields: in the logbook and after a live export", async () => {
    const page = await open({ lang: "en-US", broken: true });
    const log = JSON.parse(fixtureBody("logbook_warned"));
    const done = JSON.parse(fixtureBody("export_done_warned"));
    assert.ok(log.warnings.length > 0 && done.warnings.length > 0);
    await demo(page);
    await page.click("#nav-log");
    await page.waitForSelector("#log-warnings");
    assert.deepEqual(await page.locator("#log-warnings li").allTextContents(), log.warnings.map((w) => w.message.en));
    assert.equal(await page.textContent("#log-count"), `${en(log.entries.length)} / ${en(log.entries.length)} entries`);
    await axe(page, "logbook-warnings");
    await page.click("#nav-export");
    await page.click("#export-csv_german");
    await page.waitForSelector("#export-done");
    await page.waitForSelector("#export-warnings");
    assert.deepEqual(await page.locator("#export-warnings li").allTextContents(), done.warnings.map((w) => w.message.en));
    await axe(page, "export-warnings");
  });

  test("check bill: stages, checksums, totals and the per-day timeline", async () => {
    const page = await open();
    const bill = JSON.parse(fixtureBody("check_bill"));
    await page.click("#nav-bill");
    const supplier = JSON.parse(fixtureBody("pick_file_supplier"));
    const device = JSON.parse(fixtureBody("pick_file_device"));
    // Rust opens the dialog and reads each file; the window keeps tokens and names.
    const pick = async (button, which) => {
      await page.evaluate((w) => { window.__PICK__ = w; }, which);
      await page.click(button);
      await page.waitForSelector(`${button}-name`);
    };
    await pick("#supplier-file", "supplier");
    await pick("#device-file", "device");
    assert.equal(await page.textContent("#supplier-file-name"), supplier.name);
    assert.equal(await page.textContent("#device-file-name"), device.name);
    await page.click("#check-bill");
    await page.waitForSelector("#bill-result");
    assert.deepEqual((await calls(page, "check_bill")).at(-1).args, { supplier: supplier.token, device: device.token });
    assert.equal(await page.locator("#bill-stages tbody tr").count(), bill.registers.length);
    assert.equal(await page.locator("#bill-days tbody tr").count(), bill.days.length);
    assert.ok((await page.textContent("#bill-checksums")).includes(bill.checksums.ripemd160));
    assert.ok((await page.textContent("#bill-stages")).includes(bill.registers[0].amount.de));
    await shot(page, "12-check-bill");
    // Swapped files: the library's message.
    await pick("#supplier-file", "device");
    await pick("#device-file", "supplier");
    await page.click("#check-bill");
    await page.waitForSelector("#error");
    assert.equal(await page.textContent("#error"), JSON.parse(fixtureBody("error_check_bill")).de);
  });

  test("sync: progress, cancel keeps everything, a full sync fills the archive table", async () => {
    const page = await open();
    const empty = JSON.parse(fixtureBody("archive_empty"));
    const status = JSON.parse(fixtureBody("archive_status"));
    const done = JSON.parse(fixtureBody("sync_done"));
    const cancelled = JSON.parse(fixtureBody("error_sync_cancelled"));
    // Without a connection the archive can be looked at, but not synced.
    await page.click("#nav-sync");
    await page.waitForSelector("#archive-path");
    assert.equal(await page.isDisabled("#sync-start"), true);
    await page.click("#nav-connect");
    await demo(page);
    await page.click("#nav-sync");
    await page.waitForSelector("#archive-new");
    assert.equal(await page.textContent("#archive-path"), empty.path);
    assert.ok((await page.textContent("main")).includes("Demo-Archiv"));

    await page.click("#sync-start");
    await page.waitForFunction(() => document.querySelector("#sync-phase")?.textContent);
    // Wait until values arrive, so that the screenshot shows a sync in full swing.
    await page.waitForFunction(() => /^\d+ \/ \d+ Abrufe · [1-9][\d.]* Werte/.test(document.querySelector("#sync-figures")?.textContent ?? ""));
    const bar = await page.$eval("#sync-progress progress", (p) => [p.value, p.max]);
    assert.ok(bar[0] >= 1 && bar[1] >= bar[0], `progress ${bar}`);
    await shot(page, "13-sync-progress");
    await page.click("#sync-cancel");
    await page.waitForSelector("#error");
    assert.equal(await page.textContent("#error"), cancelled.de);
    assert.equal(await page.$("#sync-progress"), null, "the progress panel goes away");

    await page.click("#sync-start");
    await page.waitForSelector("#sync-done", { timeout: 20000 });
    assert.equal(await page.textContent("#sync-done"), done.summary.de);
    await page.waitForSelector(".archive-table tbody tr");
    const series = status.gateways.flatMap((g) => g.consumers).flatMap((c) => c.contracts).flatMap((k) => k.series);
    assert.equal(await page.$$eval(".archive-table tbody tr", (rows) => rows.length), series.length);
    const text = await page.textContent(".archive-table");
    const withGaps = series.find((s) => s.missing > 100);
    assert.ok(withGaps, "the demo archive has gaps");
    assert.ok(text.includes(`${withGaps.gaps} (${withGaps.missing.toLocaleString("de-DE")} fehlende Werte)`), text.slice(0, 400));
    assert.ok(text.includes("1 (1 fehlender Wert)"), "singular for one missing value");
    assert.ok((await page.textContent(".archived-log")).includes("3.000 Einträge"));
    await noHorizontalScroll(page);
    await shot(page, "13-archive");
    await page.click("#lang-switch");
    assert.ok((await page.textContent("#sync-done")).startsWith("Sync complete"));
    assert.deepEqual(page.errors, []);
  });

  test("export: every format through the save dialog, live and from the archive", async () => {
    const page = await open({ lang: "en-US" });
    const done = JSON.parse(fixtureBody("export_done"));
    const fromArchive = JSON.parse(fixtureBody("export_archive_done"));
    await demo(page);
    await page.click("#nav-export");
    await page.waitForSelector("#export-source");
    assert.equal(await page.isDisabled("#export-chart"), true, "no chart shown yet");
    const formats = ["xml", "csv_german", "csv_international", "log_csv_german", "log_csv_international", "json", "bundle_zip", "bundle", "csv_folder_german", "csv_folder_international", "charts"];
    const folders = ["bundle", "csv_folder_german", "csv_folder_international", "charts"];
    for (const [i, format] of formats.entries()) {
      await page.click(`#export-${format}`);
      await page.waitForFunction((n) => window.__CALLS__.filter((c) => c.cmd === "export").length === n, i + 1);
      await page.waitForSelector("#export-done");
      const sent = (await calls(page, "export")).at(-1).args.request;
      assert.equal(sent.format, format);
      assert.equal(sent.lang, "en", "chart labels in the window's language");
      assert.deepEqual(sent.source, { kind: "gateway" });
      // The window names the place by the token Rust gave for the user's choice, never
      // by a path of its own.
      const chosen = (await calls(page, "choose_place")).at(-1);
      assert.equal(sent.path, undefined, "no path crosses the IPC");
      assert.equal(typeof sent.place, "number");
      assert.equal(chosen.args.kind.kind, folders.includes(format) ? "folder" : "file");
      if (!folders.includes(format)) assert.ok(chosen.args.kind.suggested.startsWith("durchblick"), chosen.args.kind.suggested);
      assert.match(sent.from, /^\d{4}-\d{2}-\d{2}$/);
    }
    assert.equal((await calls(page, "choose_place")).filter((c) => c.args.kind.kind === "folder").length, folders.length, "the folder formats ask for a folder");
    assert.ok(!(await calls(page, "plugin:dialog|save")).length && !(await calls(page, "plugin:dialog|open")).length, "the web view opens no dialog itself");
    assert.ok((await page.textContent("#export-done")).includes(`${en(done.values)} values, ${en(done.log_entries)} logbook entries`));
    assert.equal(await page.locator("#export-warnings").count(), 0, "the demo's answers all read");
    await shot(page, "14-export");
    await page.click("#nav-values");
    await page.waitForSelector("#sel-contract option", { state: "attached" });
    await page.click("#show-values");
    await page.waitForSelector("#values-chart");
    await page.click("#nav-export");
    await page.click("#export-chart");
    await page.waitForFunction(() => document.querySelector("#export-done")?.textContent?.includes("durchblick-diagramm.svg"));
    const chart = (await calls(page, "save_chart")).at(-1).args;
    const chartPlace = (await calls(page, "choose_place")).at(-1).args.kind;
    assert.deepEqual([chartPlace.kind, chartPlace.extension], ["file", "svg"]);
    assert.ok(chart.svg.includes("<svg") && typeof chart.place === "number" && chart.path === undefined);

    // After disconnecting, an archive opened from disk is the only source: the whole
    // period of the archive goes into a decommissioning bundle.
    await page.click("#disconnect");
    await page.click("#nav-export");
    assert.ok((await page.textContent("main")).includes("Nothing to export"));
    await page.click("#nav-sync");
    await page.click("#archive-choose");
    await page.waitForSelector(".archive-table");
    assert.equal(await page.textContent("#archive-path"), "/home/user/archiv.sqlite");
    assert.equal((await calls(page, "choose_place")).at(-1).args.kind.kind, "archive");
    assert.ok(await page.isVisible("#archive-default"), "the way back to the default archive");
    await page.click("#nav-export");
    await page.waitForSelector("#export-whole");
    const options = await page.$$eval("#export-source option", (o) => o.map((x) => x.textContent));
    assert.deepEqual(options, ["Archive: ETHE0310486901 · 01005e318011.consumer1.sm"]);
    await page.click("#export-whole");
    assert.equal(await page.inputValue("#export-from"), "2024-10-31");
    await page.click("#export-bundle");
    await page.waitForSelector("#export-done");
    const sent = (await calls(page, "export")).at(-1).args.request;
    assert.deepEqual(sent.source, { kind: "archive", smgw_id: "ETHE0310486901", user_id: "01005e318011.consumer1.sm" });
    assert.equal(sent.format, "bundle");
    assert.ok((await page.textContent("#export-done")).includes(`${en(fromArchive.values)} values`));
    // Back to the default archive: Rust knows which file that is, the window only asks.
    await page.click("#nav-sync");
    await page.click("#archive-default");
    await page.waitForFunction(() => document.querySelector("#archive-path")?.textContent?.endsWith("durchblick/archive.sqlite"));
    assert.equal((await calls(page, "use_default_archive")).length, 1);
    assert.equal(await page.locator("#archive-default").count(), 0, "already the default");
    assert.deepEqual(page.errors, []);
  });

  test("overview: the start screen; after a sync months, year, newest value, warnings, archive state", async () => {
    const page = await open();
    const o = JSON.parse(fixtureBody("overview"));
    await page.click("#demo");
    await page.waitForSelector("#overview-empty");
    assert.equal(await page.getAttribute("#nav-overview", "aria-current"), "page", "the window opens on the overview");
    await shot(page, "00-overview-empty");
    await page.click("#overview-sync");
    await page.click("#sync-start");
    await page.waitForSelector("#sync-done");
    await page.click("#nav-overview");
    await page.waitForSelector("#overview-newest");
    assert.ok(o.has_values && o.flows.length >= 1, "the demo archive has energy values");
    const text = await page.textContent("main");
    assert.ok(text.includes(o.newest.time.local) && text.includes(o.newest.value.de), "newest value with time");
    assert.ok(text.includes(o.complete_until.local), "complete up to");
    for (const [n, flow] of o.flows.entries()) {
      assert.ok(text.includes(flow.name.de));
      if (flow.this_month) assert.ok(text.includes(flow.this_month.amount.de));
      if (flow.year) assert.ok(text.includes(flow.year.amount.de));
      assert.ok(flow.months.length > 0 && flow.months.length <= 12, `${flow.months.length} months`);
      const bars = await page.$$eval(`#overview-months-${n} tbody tr`, (rows) => rows.map((r) => r.querySelector("th").textContent));
      assert.deepEqual(bars, flow.months.map((m) => m.period.de));
    }
    const warnings = await page.$$eval("#overview-warnings li", (l) => l.map((x) => x.textContent));
    assert.deepEqual(warnings, o.warnings.map((w) => w.de));
    await shot(page, "00-overview");
    // A gateway whose clock was off at the last read: that warning comes first.
    const drift = {
      de: "Beim letzten Lesen (03.12.2026 10:15) ging die Uhr des Gateways gegenüber der Uhr dieses Rechners 3 Minuten nach. …",
      en: "At the last read (2026-12-03 10:15) the gateway's clock was 3 minutes behind this computer's. …",
    };
    const drifted = await open();
    await drifted.route("**/__fixtures/overview", (route) => route.fulfill({ contentType: "application/json", body: JSON.stringify({ ...o, clock_drift: drift }) }));
    await drifted.click("#demo");
    await drifted.click("#overview-sync");
    await drifted.click("#sync-start");
    await drifted.waitForSelector("#sync-done");
    await drifted.click("#nav-overview");
    await drifted.waitForSelector("#overview-newest");
    assert.deepEqual(await drifted.$$eval("#overview-warnings li", (l) => l.map((x) => x.textContent)), [drift.de, ...o.warnings.map((w) => w.de)]);
    assert.deepEqual(drifted.errors, []);
    await page.click("#lang-switch");
    assert.ok((await page.textContent("main")).includes(o.flows[0].name.en));
    assert.deepEqual(page.errors, []);
  });

  test("about box: version, commit and the program's checksum, loaded when opened", async () => {
    const page = await open({ lang: "en-GB" });
    assert.equal(await page.isVisible("#about-sha256"), false);
    await page.click("#about summary");
    await page.waitForSelector("#about-sha256");
    const about = await page.textContent("#about");
    assert.match(about, /Version\s*0\.1\.0/);
    assert.match(await page.textContent("#about-sha256"), /^[0-9a-f]{64}$/);
    assert.match(about, /Compare the checksum/);
    // Still open after the window renders again (a language switch rebuilds the header).
    await page.click("#lang-switch");
    assert.match(await page.textContent("#about"), /SHA-256 dieses Programms/);
  });

  test("keyboard only: tab to the demo button and start it", async () => {
    const page = await open();
    await page.focus("#demo");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#overview");
    // Every form control on the connect screen has a label.
    await page.click("#nav-connect");
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select")].filter((el) => !(el.labels && el.labels.length)).map((el) => el.id),
    );
    assert.deepEqual(unlabelled, []);
  });
});
