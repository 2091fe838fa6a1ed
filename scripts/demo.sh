#!/usr/bin/env bash
# Sets up what is missing and runs Durchblick against the bundled mock gateway:
# the CLI demo (a tour of everything the demo gateway holds).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo build --release --locked -p durchblick-cli
exec target/release/durchblick demo "$@"
