#!/usr/bin/env bash
# Builds the installers with both programs inside: the window (durchblick-app) and the
# `durchblick` command line as Tauri's sidecar (externalBin: /usr/bin/durchblick in the
# Linux packages, beside the window's .exe on Windows, in Durchblick.app/Contents/MacOS on
# macOS), plus the man pages and shell completions for the Linux packages.
#
#   scripts/package.sh                 # this platform's default: deb,rpm on Linux
#   scripts/package.sh deb             # only these bundles (comma separated)
#   TARGET=aarch64-apple-darwin scripts/package.sh dmg   # cross target (CI)
#
# Output: $CARGO_TARGET_DIR (or target)/[TARGET/]release/bundle/<kind>/. AppImage is not
# offered: its tools are downloaded from GitHub while bundling (README).
set -euo pipefail
cd "$(dirname "$0")/.."
# Arrays are expanded as ${a[@]+"${a[@]}"}: macOS's bash 3.2 calls an empty array unbound
# under `set -u`.

case "$(uname -s)" in
    Linux) default_bundles=deb,rpm ;;
    Darwin) default_bundles=app,dmg ;;
    MINGW* | MSYS* | CYGWIN*) default_bundles=msi,nsis ;;
    *) default_bundles=deb,rpm ;;
esac
bundles="${1:-$default_bundles}"
host="$(rustc -vV | sed -n 's/^host: //p')"
target="${TARGET:-$host}"
target_dir="${CARGO_TARGET_DIR:-target}"
exe=""
case "$target" in *windows*) exe=".exe" ;; esac
target_args=()
out_dir="$target_dir/release"
if [ "$target" != "$host" ]; then
    target_args=(--target "$target")
    out_dir="$target_dir/$target/release"
fi

echo "package: the command line (release, $target)"
cargo build --release --locked -p durchblick-cli ${target_args[@]+"${target_args[@]}"}

# Everything generated goes to src-tauri/package/, which ignores itself: tauri.package.json
# names these paths relative to src-tauri.
gen=src-tauri/package
rm -rf "$gen"
mkdir -p "$gen/man" "$gen/completions"
echo '*' >"$gen/.gitignore"
# Tauri looks for the sidecar under its name plus the target triple.
cp "$out_dir/durchblick$exe" "$gen/durchblick-$target$exe"

# Man pages and completions come from the CLI itself, so they match its options. A
# cross-built CLI cannot run here; the host's debug-free build of the same sources can.
cli="$out_dir/durchblick$exe"
if [ "$target" != "$host" ]; then
    cargo build --release --locked -p durchblick-cli
    cli="$target_dir/release/durchblick$exe"
fi
"$cli" man --out "$gen/man"
# gzip -n: no name or time stamp inside, so the same sources give the same package.
gzip -9n "$gen"/man/*.1
"$cli" completions bash >"$gen/completions/durchblick.bash"
"$cli" completions zsh >"$gen/completions/_durchblick"
"$cli" completions fish >"$gen/completions/durchblick.fish"

echo "package: the window and the bundles ($bundles)"
tauri=ui/node_modules/.bin/tauri
[ -x "$tauri" ] || { echo "package: run scripts/setup.sh first (npm ci in ui/)" >&2; exit 1; }
# PACKAGE_CONFIG: one more Tauri config (JSON text or file) merged last, e.g. the release
# workflow's signing settings.
extra_config=()
[ -z "${PACKAGE_CONFIG:-}" ] || extra_config=(--config "$PACKAGE_CONFIG")
"$tauri" build --ci --bundles "$bundles" --config src-tauri/tauri.package.json \
    ${extra_config[@]+"${extra_config[@]}"} ${target_args[@]+"${target_args[@]}"}

echo "package: built"
find "$out_dir/bundle" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.rpm' -o -name '*.dmg' \
    -o -name '*.msi' -o -name '*-setup.exe' \) -newer "$gen/.gitignore" -print | while read -r f; do
    awk -v f="$f" -v n="$(wc -c <"$f")" 'BEGIN { printf "  %-70s %6.1f MiB\n", f, n / 1048576 }'
done
