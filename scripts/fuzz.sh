#!/usr/bin/env bash
# Builds a libFuzzer target with clang (ASan + UBSan) and runs it for a bounded time.
#   scripts/fuzz.sh TARGET [SECONDS]     e.g. scripts/fuzz.sh rlp_decode 30
# CI runs each target briefly (tests/fuzz.cmake); for a long run:  scripts/fuzz.sh abi_decode 3600
# The corpus is kept in build/fuzz/<target>-corpus so later runs start from what was found.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-20}
src="fuzz/${target}_fuzz.cc"
[ -f "$src" ] || { echo "fuzz.sh: no such target: $src" >&2; exit 2; }
out=build/fuzz
mkdir -p "$out/${target}-corpus"
bin="$out/${target}_fuzz"
libs="$(pkg-config --cflags --libs libcrypto++ libsecp256k1) -lcrypto"
sources=(src/common/*.cc src/abi/*.cc src/crypto/*.cc)
if [ "$target" = tx_decode ]; then sources+=(src/chain/transaction.cc); fi
if [ "$target" = jsonrpc_decode ]; then sources+=(src/node/rpc.cc src/node/log.cc); fi
if [ ! -x "$bin" ] || [ -n "$(find "$src" src include -newer "$bin" -print -quit)" ]; then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Iinclude "$src" "${sources[@]}" $libs -o "$bin"
fi
exec "$bin" -max_total_time="$seconds" -timeout=10 -artifact_prefix="$out/${target}-" -rss_limit_mb=2048 -print_final_stats=1 \
  "$out/${target}-corpus"
