#!/usr/bin/env bash
# Starts the real window (debug build, demo mode) under Xvfb, waits until it shows the
# demo gateway, takes a screenshot of the screen and checks it is not blank.
# Usage: src-tauri/tests/window.sh [screenshot.png]
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-artifacts/screenshots/window-demo.png}"
mkdir -p "$(dirname "$out")"
target="${CARGO_TARGET_DIR:-target}"

if [ -n "${DURCHBLICK_APP_BIN:-}" ]; then
    # A binary built elsewhere (e.g. by `cargo test -p durchblick-app`).
    app="$DURCHBLICK_APP_BIN"
else
    # The same package selection as scripts/test.sh, so that after the tests this builds
    # nothing new (a different selection would unify features differently and rebuild Tauri).
    cargo test --workspace --locked --no-run
    app="$target/debug/durchblick-app"
fi

config="$(mktemp -d)"
trap 'rm -rf "$config"' EXIT

# Inside Xvfb: start the app, poll screenshots until the window has drawn the gateway
# screen (many colours), then stop the app. WebKit's compositing needs a GPU, so it is
# switched off; software rendering is what a headless machine has.
DURCHBLICK_CONFIG_DIR="$config" DURCHBLICK_WINDOW_APP="$app" DURCHBLICK_WINDOW_OUT="$out" \
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    set -u
    WEBKIT_DISABLE_COMPOSITING_MODE=1 DURCHBLICK_DEMO=1 "$DURCHBLICK_WINDOW_APP" >"$DURCHBLICK_CONFIG_DIR/app.log" 2>&1 &
    pid=$!
    colours=0
    for i in $(seq 1 90); do
        sleep 1
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "window test: the app exited early" >&2
            cat "$DURCHBLICK_CONFIG_DIR/app.log" >&2
            exit 1
        fi
        import -window root "$DURCHBLICK_WINDOW_OUT" 2>/dev/null || continue
        colours=$(identify -format %k "$DURCHBLICK_WINDOW_OUT")
        # The connected gateway screen has text in several colours; a blank or
        # half-drawn window has a handful. Wait one more second for the data to land.
        if [ "$colours" -gt 200 ]; then
            sleep 2
            import -window root "$DURCHBLICK_WINDOW_OUT"
            colours=$(identify -format %k "$DURCHBLICK_WINDOW_OUT")
            break
        fi
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "window test: $colours distinct colours after ${i} s, screenshot $DURCHBLICK_WINDOW_OUT"
    [ "$colours" -gt 200 ] || { cat "$DURCHBLICK_CONFIG_DIR/app.log" >&2; exit 1; }
'
