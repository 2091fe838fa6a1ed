#!/usr/bin/env bash
# Installs what building and testing Durchblick needs on a Debian/Ubuntu machine, and only
# what is missing, so running it again costs seconds. Used by demo.sh, test.sh and .ci/run.
set -euo pipefail

# Debian packages: xmllint validates exported XML against the AR 2418-6 schema; openssl and
# curl let the mock gateway's tests show its TLS policy with independent clients.
# The desktop window: WebKitGTK headers to build Tauri; Xvfb, xauth and ImageMagick to run
# the real window headless and screenshot it; WebKitWebDriver to drive it; Chromium for the
# UI tests (playwright-core). mosquitto: the real MQTT broker `durchblick watch`'s tests
# start on a loopback port (mosquitto-clients to look at it by hand). rpm: to look into the
# .rpm that scripts/check-packages.sh builds (Tauri builds it without rpm tools). git: the build commit
# `durchblick --version` names, and test.sh's check that the tests change no tracked file.
APT_PACKAGES=(libxml2-utils openssl curl ca-certificates pkg-config
    libwebkit2gtk-4.1-dev webkit2gtk-driver xvfb xauth imagemagick chromium
    mosquitto mosquitto-clients rpm git)
# Node.js builds the window's front end; any recent one will do, so only add Debian's when
# there is none.
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: Rust is missing. Install it from your distribution or with rustup, then run this again." >&2
    exit 1
fi
# rust-toolchain.toml names rustfmt and clippy; rustup installs them on first use, but say so
# explicitly so that an offline failure shows up here and not in the middle of the tests.
if command -v rustup >/dev/null 2>&1; then
    rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

# tauri-driver bridges WebDriver to the Tauri window (src-tauri/tests/webdriver.sh); it is
# only on crates.io. A pinned version, built once (about a minute).
TAURI_DRIVER_VERSION=2.1.0
export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"
if ! cargo install --list 2>/dev/null | grep "^tauri-driver v$TAURI_DRIVER_VERSION:" >/dev/null; then
    echo "setup: installing tauri-driver $TAURI_DRIVER_VERSION (cargo install)"
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
fi

# The window's front end: exactly the locked npm packages (Vite, TypeScript, the Tauri API
# and CLI, playwright-core). Skipped when node_modules is newer than the lock file.
ui_dir="$(cd "$(dirname "$0")/../ui" && pwd)"
if [ ! -f "$ui_dir/node_modules/.package-lock.json" ] \
    || [ "$ui_dir/package-lock.json" -nt "$ui_dir/node_modules/.package-lock.json" ]; then
    echo "setup: installing the UI's npm packages (npm ci)"
    # Only `npm ci`: it installs exactly the lock file and never rewrites it. The lock holds
    # every platform's optional packages (scripts/check-npm-lock.mjs checks that), so it
    # works on Linux, macOS and Windows alike; `npm install` would rewrite the lock.
    (cd "$ui_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
