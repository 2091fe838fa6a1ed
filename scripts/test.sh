#!/usr/bin/env bash
# Sets up what is missing and runs every check the project has: formatting, lints, all tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tracked files as they are now (status and content of every change), to compare at
# the end: running the tests must not change them.
tree_state() {
    git status --porcelain --untracked-files=no
    git diff HEAD | sha256sum
}
in_git=""
if git rev-parse --git-dir >/dev/null 2>&1; then
    in_git=1
    tree_before="$(tree_state)"
fi

scripts/setup.sh
# A fresh machine may get git only from setup.sh (then the state is taken after it).
if [ -z "$in_git" ] && [ -e .git ] && git rev-parse --git-dir >/dev/null 2>&1; then
    in_git=1
    tree_before="$(tree_state)"
fi

echo "== the UI's npm lock file is complete for every platform"
node scripts/check-npm-lock.mjs

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

echo "== UI tests in Chromium (node --test)"
(cd ui && node --test tests/)

# Last, as it takes longest: the Linux packages. A release build of both programs, the
# .deb and .rpm, both programs, man pages, completions, desktop entry and icons inside,
# at most 15 MiB each (13.5–13.6 MiB now), the .deb installed and its `durchblick --version`
# run. On the project's 2-core machine the cold release build and the check took 1456 s,
# about 25 minutes on top of the rest (issue #16).
echo "== the Linux packages (scripts/check-packages.sh)"
scripts/check-packages.sh

# Running the tests must leave the checkout as it was: a test or setup step that rewrites a
# tracked file (a lock file, a fixture, generated docs) fails here, even when everything
# else passed. Changes made before the run are allowed; changes made by it are not.
echo "== the tests left the tracked files as they were (git status)"
if [ -n "$in_git" ]; then
    if [ "$(tree_state)" != "$tree_before" ]; then
        echo "FAILED: running the tests changed tracked files:" >&2
        git status --porcelain --untracked-files=no >&2
        exit 1
    fi
    echo "unchanged"
else
    echo "not a git checkout: skipped"
fi
