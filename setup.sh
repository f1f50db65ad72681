#!/usr/bin/env bash
# saddle's one set-up script: install the Debian packages it needs, configure, build, and run.
#   ./setup.sh quickstart   install, build, train on inputs/quickstart.toml with 2 MPI ranks
#   ./setup.sh test         install, build, run the test suite (ctest)
#   ./setup.sh build        install and build only
# Environment: BUILD_DIR (default ./build), JOBS (default: nproc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${BUILD_DIR:-$here/build}"
jobs="${JOBS:-$(nproc)}"

packages=(cmake g++ make pkg-config openmpi-bin libopenmpi-dev libhdf5-openmpi-dev
  libpetsc-real3.18-dev libtrilinos-kokkos-dev libgtest-dev libbenchmark-dev
  libtomlplusplus-dev libcli11-dev librandom123-dev libfftw3-dev libsodium-dev hdf5-tools
  python3-h5py python3-matplotlib clang libclang-rt-14-dev slurmctld slurmd slurm-client munge)

install_deps() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}"
}

build() {
  install_deps
  cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSADDLE_WARNINGS_AS_ERRORS=ON
  cmake --build "$build_dir" -j "$jobs"
}

mpirun_flags() {
  local flags=(--oversubscribe)
  [ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
  echo "${flags[@]}"
}

case "${1:-}" in
  build) build ;;
  test)
    build
    cd "$build_dir"
    ctest --output-on-failure -j "$jobs" --timeout 600 -LE bench
    ;;
  quickstart)
    build
    cd "$here"
    # shellcheck disable=SC2046
    mpirun $(mpirun_flags) -n 2 "$build_dir/saddle-train" inputs/quickstart.toml
    ;;
  *)
    echo "usage: $0 quickstart|test|build" >&2
    exit 2
    ;;
esac
