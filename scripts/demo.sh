#!/usr/bin/env bash
# Sets up what is missing and runs Durchblick against the bundled mock gateway: the window
# (connected to the demo gateway at start) when a display exists, else the CLI demo (a tour
# of everything the demo gateway holds).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    (cd ui && npm run --silent build)
    cargo build --release --locked -p durchblick-app
    exec target/release/durchblick-app --demo "$@"
fi
cargo build --release --locked -p durchblick-cli
exec target/release/durchblick demo "$@"
