// Checks that ui/package-lock.json is complete for every platform: each optional package
// any locked package asks for (the Tauri CLI's, rollup's and esbuild's per-platform
// binaries) is in the lock with its integrity hash. npm records only the current
// platform's optional packages in some situations, and `npm ci` then fails on the others
// (macOS and Windows CI), so this runs in scripts/test.sh on Linux.
import { readFileSync } from "node:fs";

const lockPath = process.argv[2] ?? new URL("../ui/package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages ?? {};
const problems = [];

// npm resolves a dependency from the nearest node_modules up the tree.
function resolve(from, name) {
  let base = from;
  for (;;) {
    const key = (base ? `${base}/` : "") + `node_modules/${name}`;
    if (packages[key]) return packages[key];
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

for (const [path, pkg] of Object.entries(packages)) {
  const wanted = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.devDependencies };
  for (const name of Object.keys(wanted)) {
    const found = resolve(path, name);
    if (!found) problems.push(`${path || "(root)"} needs ${name}, which is not in the lock`);
    else if (!found.link && !found.integrity) problems.push(`${name} has no integrity hash`);
  }
}

// The platforms the workflows build on must find their Tauri CLI binary.
for (const platform of ["linux-x64-gnu", "win32-x64-msvc", "darwin-arm64", "darwin-x64"]) {
  if (!packages[`node_modules/@tauri-apps/cli-${platform}`]) {
    problems.push(`@tauri-apps/cli-${platform} is missing`);
  }
}

if (problems.length > 0) {
  console.error("ui/package-lock.json is incomplete:\n  " + problems.join("\n  "));
  console.error(
    "Regenerate it in ui/ without node_modules (`rm -rf node_modules package-lock.json && " +
      "npm install --package-lock-only`: without an installed tree npm records every " +
      "platform's optional packages), check it with this script and commit it.",
  );
  process.exit(1);
}
console.log(`ui/package-lock.json: ${Object.keys(packages).length - 1} packages, complete for every platform`);
