#!/usr/bin/env bash
# Runs a libFuzzer target (clang, ASan + UBSan) for a bounded time.
#   scripts/fuzz.sh TARGET [SECONDS]     e.g. scripts/fuzz.sh rlp_decode 3600
# The targets are built by CMake (fuzz/CMakeLists.txt, the external project `stoa_fuzzers` of the
# main build, binaries in BUILD_DIR/fuzz-build/); this script brings them up to date first
# (`cmake --build BUILD_DIR --target stoa_fuzzers`) unless FUZZ_NO_BUILD=1, which is how ctest's
# 10-second fuzz.* runs call it. The corpus is kept in BUILD_DIR/fuzz/<target>-corpus so later
# runs start from what was found; a crashing input is written next to it.
#   BUILD_DIR   the main build directory (default: build, configured with the release preset)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-20}
[ -f "fuzz/${target}_fuzz.cc" ] || { echo "fuzz.sh: no such target: fuzz/${target}_fuzz.cc" >&2; exit 2; }
build=${BUILD_DIR:-build}
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  if [ ! -f "$build/CMakeCache.txt" ]; then
    [ "$build" = build ] || { echo "fuzz.sh: $build is not a configured build directory" >&2; exit 2; }
    cmake --preset release >/dev/null
  fi
  cmake --build "$build" --target stoa_fuzzers
fi
bin="$build/fuzz-build/${target}_fuzz"
[ -x "$bin" ] || { echo "fuzz.sh: $bin is not built (configure with -DSTOA_FUZZ=ON)" >&2; exit 2; }
out="$build/fuzz"
mkdir -p "$out/${target}-corpus"
exec "$bin" -max_total_time="$seconds" -timeout=10 -artifact_prefix="$out/${target}-" -rss_limit_mb=2048 -print_final_stats=1 \
  "$out/${target}-corpus"
