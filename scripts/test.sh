#!/usr/bin/env bash
# Sets up what is missing and runs every check the project has: formatting, lints, all tests.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

# The window's front end first: tauri-build embeds ui/dist when src-tauri compiles.
echo "== UI build (tsc + vite)"
(cd ui && npm run --silent build)

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked

echo "== the real window under Xvfb (demo mode)"
src-tauri/tests/window.sh
echo "== the real window driven through WebDriver (demo: connect, sync, archive, language)"
src-tauri/tests/webdriver.sh

# Last, so that node's summary closes the output.
echo "== UI tests in Chromium (node --test)"
(cd ui && node --test tests/)
