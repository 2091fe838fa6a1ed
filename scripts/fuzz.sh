#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each, one after another, and prints the executions per
# target. Usage: scripts/fuzz.sh SECONDS [TARGET...]
#
# cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP=1 lets libfuzzer-sys use its nightly
# flags; no sanitizer, which needs a nightly std). Builds and working corpora live outside
# the work tree (FUZZ_DIR, default /work/target-fuzz-run), so the checked-in seeds in
# fuzz/corpus/ are only read. A crash is kept in FUZZ_DIR/artifacts/<target>/; minimise it
# with `cargo fuzz tmin`, add it to fuzz/corpus/<target>/ and fix the parser. An input that
# takes over 10 s is a finding too (timeout-* artifact): a file must not stall the program.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
run_dir=${FUZZ_DIR:-/work/target-fuzz-run}
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

echo "== building ${#targets[@]} targets"
cargo fuzz build -s none --target-dir "$run_dir" || exit 1

summary=()
failed=0
for t in "${targets[@]}"; do
    mkdir -p "$run_dir/corpus/$t" "$run_dir/artifacts/$t"
    log="$run_dir/logs/$t.log"
    mkdir -p "$(dirname "$log")"
    echo "== $t for ${seconds}s (log: $log)"
    # First corpus folder: where libFuzzer adds new inputs; the seeds are only read.
    cargo fuzz run -s none --target-dir "$run_dir" "$t" \
        "$run_dir/corpus/$t" "fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$run_dir/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -eq 0 ]; then verdict="no crash"; else verdict="FINDING (exit $rc, see $log)"; failed=1; fi
    line="$t: ${execs:-?} executions (${rate:-?}/s, ${cov:-cov: ?}) in ${seconds}s: $verdict"
    echo "$line"
    summary+=("$line")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit $failed
