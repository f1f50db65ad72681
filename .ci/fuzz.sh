#!/usr/bin/env bash
# CI stage: libFuzzer. Configures a separate clang build with the fuzzers (SADDLE_ENABLE_FUZZERS,
# ASan + UBSan), builds the three targets and runs each for a bounded time on a working copy of
# its seed corpus and crash regressions. A crash, a leak, a timeout or an out-of-memory fails the
# stage; the input is kept in $FUZZ_BUILD_DIR/artifacts/<target>/: add it to
# tests/fuzz/regressions/<target>/ (replayed by saddle_unit_hardening in every build) with the fix.
# Environment: FUZZ_BUILD_DIR (default ./build-fuzz), FUZZ_SECONDS (per target, default 60),
# FUZZ_TARGETS (default "deck csv checkpoint"), FUZZ_JOBS (fuzzers at a time; default all, so
# the stage takes FUZZ_SECONDS of wall time), JOBS (build jobs; default: nproc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
build_dir="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
read -r -a targets <<< "${FUZZ_TARGETS:-deck csv checkpoint}"
jobs="${JOBS:-$(nproc)}"
fuzz_jobs="${FUZZ_JOBS:-${#targets[@]}}"
start=$(date +%s)

CC="${FUZZ_CC:-clang}" CXX="${FUZZ_CXX:-clang++}" cmake -S "$root" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" -DSADDLE_SANITIZE="address;undefined" \
  -DSADDLE_ENABLE_FUZZERS=ON -DSADDLE_ENABLE_TESTS=OFF -DSADDLE_ENABLE_BENCHMARKS=OFF \
  -DSADDLE_WARNINGS_AS_ERRORS=ON
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/#/saddle-fuzz-}"
built=$(date +%s)

# The preloaded shim keeps Open MPI's plugins loaded so that their leaks can be named.
cc -shared -fPIC -O1 -o "$build_dir/libsaddle_keep_dlopen.so" "$root/tests/sanitizers/keep_dlopen.c"
export LD_PRELOAD="$build_dir/libsaddle_keep_dlopen.so"
export ASAN_OPTIONS="include=$root/tests/sanitizers/asan.options"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0:use_tls=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# One fuzzer: a fresh working corpus (the seeds and regressions are read, never written).
run_target() {
  local t="$1" work="$build_dir/corpus/$1" artifacts="$build_dir/artifacts/$1/"
  rm -rf "$work" "$artifacts"
  mkdir -p "$work" "$artifacts"
  local dict=() seeds=()
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  for d in "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t"; do
    [ -d "$d" ] && seeds+=("$d") # git keeps no empty folder; libFuzzer rejects a missing one
  done
  "$build_dir/fuzz/saddle-fuzz-$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" "$work" "${seeds[@]}" \
    > "$build_dir/fuzz-$t.log" 2>&1
}

status=0
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$fuzz_jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true
for t in "${targets[@]}"; do
  log="$build_dir/fuzz-$t.log"
  if grep -q "^Done [0-9]* runs" "$log"; then
    echo "fuzz $t: $(grep '^Done [0-9]* runs' "$log"), corpus $(find "$build_dir/corpus/$t" -type f | wc -l) inputs"
  else
    status=1
    echo "fuzz $t: FAILED; the input is in $build_dir/artifacts/$t/ (add it to"
    echo "  tests/fuzz/regressions/$t/ with the fix). The end of its log:"
    tail -n 60 "$log"
  fi
done
end=$(date +%s)
echo "fuzz: build $((built - start)) s, fuzzing $((end - built)) s, total $((end - start)) s"
exit "$status"
