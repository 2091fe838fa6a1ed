#!/usr/bin/env bash
# Installs what building and testing Durchblick needs on a Debian/Ubuntu machine, and only
# what is missing, so running it again costs seconds. Used by demo.sh, test.sh and .ci/run.
set -euo pipefail

# Debian packages: xmllint validates exported XML against the AR 2418-6 schema; openssl and
# curl let the mock gateway's tests show its TLS policy with independent clients.
APT_PACKAGES=(libxml2-utils openssl curl ca-certificates pkg-config)

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
