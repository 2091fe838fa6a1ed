#!/usr/bin/env bash
# Builds the Linux packages (scripts/package.sh: release build, .deb and .rpm) and checks
# that each holds both programs, the man page, completions, desktop entry and icons, has a
# real description and stays within 15 MiB. The .deb is then installed (as root: dpkg -i,
# removed again afterwards; otherwise unpacked with dpkg-deb -x) and the installed
# `durchblick --version` must name the SHA-256 of the file it runs from.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=$((15 * 1024 * 1024))
started=$SECONDS
scripts/package.sh deb,rpm
bundle_dir="${CARGO_TARGET_DIR:-target}/release/bundle"
deb="$(ls -t "$bundle_dir"/deb/*.deb | head -n 1)"
rpm_file="$(ls -t "$bundle_dir"/rpm/*.rpm | head -n 1)"

fail() { echo "check-packages: $*" >&2; exit 1; }

# Files both packages must hold (paths as dpkg-deb -c and rpm -qlp print them, without
# the leading dot).
must_hold=(/usr/bin/durchblick /usr/bin/durchblick-app /usr/share/man/man1/durchblick.1.gz
    /usr/share/man/man1/durchblick-sync.1.gz /usr/share/bash-completion/completions/durchblick
    /usr/share/fish/vendor_completions.d/durchblick.fish
    /usr/share/icons/hicolor/128x128/apps/durchblick-app.png)

check_listing() { # name, listing
    local name="$1" listing="$2" file
    for file in "${must_hold[@]}"; do
        grep -qx "$file" <<<"$listing" || fail "$name lacks $file"
    done
    grep -q '^/usr/share/applications/.*\.desktop$' <<<"$listing" || fail "$name lacks a desktop entry"
    grep -Eq '_durchblick$' <<<"$listing" || fail "$name lacks the zsh completion"
}

check_size() { # file
    local size
    size=$(wc -c <"$1")
    [ "$size" -le "$limit" ] || fail "$1 is $size bytes, more than 15 MiB"
    awk -v f="$(basename "$1")" -v n="$size" 'BEGIN { printf "  %-50s %5.1f MiB (limit 15)\n", f, n / 1048576 }'
}

echo "check-packages: contents"
# dpkg-deb prints `./usr/bin/x` or `usr/bin/x` depending on how the archive was made.
check_listing "$deb" "$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|^\([^/]\)|/\1|; s|/$||')"
check_listing "$rpm_file" "$(rpm -qlp "$rpm_file" 2>/dev/null)"
description="$(dpkg-deb -f "$deb" Description)"
grep -q 'Smart Meter Gateway' <<<"$description" || fail "the .deb's description is '$description'"
rpm -qip "$rpm_file" 2>/dev/null | grep -q 'Smart Meter Gateway' || fail "the .rpm has no real description"
# Member names come with or without a leading `./`, as for the listing above.
desktop="$(dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*usr/share/applications/*.desktop')"
grep -q '^Exec=durchblick-app' <<<"$desktop" || fail "the desktop entry does not start the window: $desktop"
echo "  both hold durchblick, durchblick-app, man pages, completions, desktop entry, icons"
echo "  description: $(head -n 1 <<<"$description")"

echo "check-packages: sizes"
check_size "$deb"
check_size "$rpm_file"

echo "check-packages: installing the .deb"
package="$(dpkg-deb -f "$deb" Package)"
if [ "$(id -u)" -eq 0 ] && [ -z "${DURCHBLICK_NO_INSTALL:-}" ]; then
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        fail "$package is installed already; remove it first (dpkg -r $package) so that this checks the new one"
    fi
    dpkg -i "$deb" >/dev/null
    trap 'dpkg -r "$package" >/dev/null || true' EXIT
    root=""
    how="installed with dpkg -i (removed again at the end)"
else
    root="$(mktemp -d)"
    trap 'rm -rf "$root"' EXIT
    dpkg-deb -x "$deb" "$root"
    how="unpacked with dpkg-deb -x (not root)"
fi
cli="$root/usr/bin/durchblick"
[ -x "$root/usr/bin/durchblick-app" ] || fail "durchblick-app is not executable"
if [ -z "$root" ]; then
    command -v durchblick >/dev/null || fail "durchblick is not on the PATH after installing"
    missing="$(ldd /usr/bin/durchblick-app | grep 'not found' || true)"
    [ -z "$missing" ] || fail "durchblick-app misses libraries: $missing"
fi
version="$("$cli" --version)"
echo "$version" | sed 's/^/  /'
sum="$(sha256sum "$cli" | cut -d' ' -f1)"
grep -q "^sha256  $sum\$" <<<"$version" || fail "--version does not show the SHA-256 of $cli ($sum)"
grep -q "^commit  $(git rev-parse HEAD 2>/dev/null || echo unknown)\$" <<<"$version" \
    || fail "--version does not name the commit $(git rev-parse HEAD)"
"$cli" completions bash | grep -q '_durchblick' || fail "durchblick completions bash printed no script"
echo "check-packages: ok ($how; $((SECONDS - started)) s including the release build)"
