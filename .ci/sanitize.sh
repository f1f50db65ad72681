#!/usr/bin/env bash
# CI stage: AddressSanitizer + UndefinedBehaviorSanitizer. Configures a separate build
# (gcc, -O1 -g1, SADDLE_SANITIZE="address;undefined"), builds everything but the benchmarks,
# and runs the unit, integration, mpi and reference tests under the sanitizers (labels bench and
# slurm excluded, and the install test, whose consumer project is built without them).
# A finding aborts the test that hit it (UBSan does not recover), so ctest fails.
# Dependencies' own leaks are suppressed by tests/sanitizers/ (one documented file each).
# Environment: SANITIZE_BUILD_DIR (default ./build-asan), JOBS (default: nproc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
build_dir="${SANITIZE_BUILD_DIR:-$root/build-asan}"
jobs="${JOBS:-$(nproc)}"
start=$(date +%s)

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DSADDLE_SANITIZE="address;undefined" -DSADDLE_ENABLE_BENCHMARKS=OFF \
  -DSADDLE_WARNINGS_AS_ERRORS=ON
cmake --build "$build_dir" -j "$jobs"
built=$(date +%s)

# Options of the sanitizer runtimes, inherited by every process the tests start (mpiexec,
# saddle-train, ...). See tests/sanitizers/README.md for each entry.
# The preloaded shim keeps Open MPI's plugins loaded so that their leaks can be named.
cc -shared -fPIC -O1 -o "$build_dir/libsaddle_keep_dlopen.so" "$root/tests/sanitizers/keep_dlopen.c"
export LD_PRELOAD="$build_dir/libsaddle_keep_dlopen.so"
export ASAN_OPTIONS="include=$root/tests/sanitizers/asan.options"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0:use_tls=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

cd "$build_dir"
ctest --output-on-failure -j "$jobs" --timeout 600 -LE 'bench|slurm' -E '^saddle_integration_install$'
end=$(date +%s)
echo "sanitize: build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s"
