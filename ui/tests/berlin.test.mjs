// The chart's Berlin wall clock (src/berlin.ts) against the formula of uPlot's own tzDate
// and against known instants around both clock changes, in this process's time zone
// and in one far from Berlin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

async function berlinModule() {
  const out = await build({ entryPoints: [path.join(here, "../src/berlin.ts")], bundle: true, format: "esm", write: false });
  return out.outputFiles[0].text;
}

// Each: the UTC instant and Berlin's wall clock then.
const KNOWN = [
  ["2026-03-29T00:59:59Z", "2026-03-29 01:59:59"],
  ["2026-03-29T01:00:00Z", "2026-03-29 03:00:00"],
  ["2026-10-25T00:30:00Z", "2026-10-25 02:30:00"], // summer time, first pass
  ["2026-10-25T01:30:00Z", "2026-10-25 02:30:00"], // winter time, second pass
  ["2026-12-31T23:15:00Z", "2027-01-01 00:15:00"],
  ["2025-06-30T22:00:00.250Z", "2025-07-01 00:00:00"],
];

const CHECK = (code) => `${code}
const pad = (n) => String(n).padStart(2, "0");
const wall = (d) => d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
const known = ${JSON.stringify(KNOWN)};
const out = [];
for (const [utc, want] of known) {
  const ms = Date.parse(utc);
  const got = berlinWallClock(ms);
  // uPlot.tzDate's formula, which this replaces.
  const ref = new Date(new Date(ms).toLocaleString("en-US", { timeZone: "Europe/Berlin" }));
  ref.setMilliseconds(new Date(ms).getMilliseconds());
  out.push([utc, wall(got), want, got.getTime() === ref.getTime()]);
}
console.log(JSON.stringify(out));
`;

for (const tz of ["UTC", "America/New_York", "Europe/Berlin"]) {
  test(`the chart's Berlin wall clock with the computer in ${tz}`, async () => {
    const code = CHECK(await berlinModule());
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { env: { ...process.env, TZ: tz } }).toString());
    for (const [utc, got, want, sameAsUplot] of out) {
      assert.equal(got, want, `${utc} in Berlin`);
      assert.ok(sameAsUplot, `${utc}: the same Date as uPlot.tzDate`);
    }
  });
}
