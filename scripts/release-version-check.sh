#!/usr/bin/env bash
# The release workflow's guard: a tag `vX.Y.Z` must name the workspace version, or the
# installers would carry another version than the release says. Without a tag (manual
# runs) there is nothing to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-}"
case "$tag" in
    v[0-9]*) ;;
    *) echo "release: no version tag ($tag), nothing to compare"; exit 0 ;;
esac
version="$(sed -n '/^\[workspace.package\]/,/^\[/{s/^version *= *"\(.*\)"/\1/p;}' Cargo.toml)"
if [ "${tag#v}" != "$version" ]; then
    echo "release: the tag $tag does not match the workspace version $version (Cargo.toml)" >&2
    exit 1
fi
echo "release: $tag = workspace version $version"
