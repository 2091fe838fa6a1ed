#!/usr/bin/env bash
# Drives the real window (debug build, demo mode) through WebDriver: tauri-driver starts
# WebKitWebDriver, which starts the app; webdriver.mjs connects to the demo gateway, syncs
# it into a fresh demo archive, checks the summary and the archive table in both languages
# and saves a screenshot.
# Needs WebKitWebDriver (Debian: webkit2gtk-driver), tauri-driver (cargo install
# tauri-driver --locked), xvfb-run and node; scripts/setup.sh installs them.
# Usage: src-tauri/tests/webdriver.sh [screenshot.png]
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"

out="${1:-artifacts/screenshots/webdriver-sync.png}"
case "$out" in /*) ;; *) out="$repo/$out" ;; esac
target="${CARGO_TARGET_DIR:-target}"
if [ -n "${DURCHBLICK_APP_BIN:-}" ]; then
    app="$DURCHBLICK_APP_BIN"
else
    # The same package selection as scripts/test.sh and window.sh: builds nothing new.
    cargo test --workspace --locked --no-run
    app="$target/debug/durchblick-app"
fi
[ -x "$app" ] || { echo "webdriver: app binary $app missing" >&2; exit 1; }
app="$(cd "$(dirname "$app")" && pwd)/$(basename "$app")"
# cargo install puts tauri-driver here, which need not be on PATH.
export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"
driver="${TAURI_DRIVER:-$(command -v tauri-driver || true)}"
command -v WebKitWebDriver >/dev/null || { echo "webdriver: WebKitWebDriver missing (apt install webkit2gtk-driver)" >&2; exit 1; }
[ -n "$driver" ] && [ -x "$driver" ] || { echo "webdriver: tauri-driver missing (cargo install tauri-driver --locked)" >&2; exit 1; }
# A port for tauri-driver (and the next one for WebKitWebDriver) that differs between
# runs, unless given; a port already taken is caught below.
port="${WEBDRIVER_PORT:-$((20000 + ($$ % 10000) * 2))}"

# Everything the app writes goes into one fresh directory: the demo archive (in the XDG
# cache dir), pins, and WebKit's data (localStorage holds the chosen language) under HOME
# and the XDG dirs.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/home" "$work/config"

# tauri-driver passes its environment on to WebKitWebDriver and the app. WebKit's
# compositing needs a GPU, so it is switched off (as in window.sh).
export DURCHBLICK_APP_BIN="$app" SCREENSHOT="$out" WEBDRIVER_URL="http://127.0.0.1:$port"
export TDRIVER="$driver" TFLOW="$repo/src-tauri/tests/webdriver.mjs" TPORT="$port" TWORK="$work"
export TMPDIR="$work/tmp" HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
       XDG_DATA_HOME="$work/home/.local/share" XDG_CACHE_HOME="$work/home/.cache" \
       DURCHBLICK_CONFIG_DIR="$work/config" WEBKIT_DISABLE_COMPOSITING_MODE=1 \
       NO_AT_BRIDGE=1
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    set -u
    # tauri-driver listens on $TPORT, WebKitWebDriver on $TPORT+1, both on 127.0.0.1.
    "$TDRIVER" --port "$TPORT" --native-port "$((TPORT + 1))" >"$TWORK/driver.log" 2>&1 &
    dpid=$!
    for i in $(seq 1 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$TPORT") 2>/dev/null && break
        sleep 0.1
    done
    # Our driver must be the one listening (a port taken by another program fails here).
    if ! kill -0 "$dpid" 2>/dev/null; then
        echo "webdriver: tauri-driver did not start:" >&2; cat "$TWORK/driver.log" >&2; exit 1
    fi
    rc=0
    node "$TFLOW" || rc=$?
    kill "$dpid" 2>/dev/null || true   # SIGTERM: tauri-driver also stops WebKitWebDriver
    wait "$dpid" 2>/dev/null || true
    if [ "$rc" -ne 0 ]; then echo "--- driver/app log:" >&2; cat "$TWORK/driver.log" >&2; fi
    exit "$rc"
'
