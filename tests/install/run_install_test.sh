#!/usr/bin/env bash
# Install saddle from BUILD_DIR into a scratch prefix, then configure, build and run a
# downstream project that finds it with find_package(saddle).
set -euo pipefail
build_dir="$1"; work="$2"; src="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/build" > "$work/build.log"
"$work/build/consumer"
