#!/usr/bin/env bash
# The golden data directory test: a data directory written by an older stoa (tests/golden/data,
# made once by tests/golden/make.sh) must open, replay and verify with this build to the head,
# state root and state content digest recorded in tests/golden/EXPECTED, and `stoa serve` must
# start on it and serve that head. A change that alters how old blocks replay (a rule, an
# encoding, a container's identity) fails here: rules change from a block height, never for
# blocks already written (docs/journal-format.md, "Versions").
# Usage: tests/golden/check.sh [path/to/stoa]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
STOA=${1:-${STOA_BIN:-$HERE/../../build/stoa}}
WORK=$(mktemp -d)
PID=
cleanup() {
  [[ -n $PID ]] && kill -9 "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "golden: FAIL: $*" >&2; exit 1; }

cp -r "$HERE/data" "$WORK/data"
chmod -R u+w "$WORK/data"
"$STOA" verify --data "$WORK/data" >"$WORK/verify.txt" 2>&1 || { cat "$WORK/verify.txt"; fail "stoa verify failed"; }
cat "$WORK/verify.txt"
while IFS= read -r line; do
  [[ $line == \#* || -z $line ]] && continue
  grep -qxF -- "$line" "$WORK/verify.txt" || fail "verify did not print the recorded '$line'"
done <"$HERE/EXPECTED"

head_line=$(grep '^head:' "$HERE/EXPECTED")          # head: block N 0xHASH
want_number=$(awk '{print $3}' <<<"$head_line")
want_hash=$(awk '{print $4}' <<<"$head_line")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$STOA" serve --dev --data "$WORK/data" --listen "127.0.0.1:$PORT" >"$WORK/node.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/node.log"; fail "stoa serve exited on the golden directory"; }
  sleep 0.1
done
rpc() {
  curl -fsS -H 'Content-Type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "http://127.0.0.1:$PORT/"
}
got=$(rpc eth_getBlockByNumber '["latest",false]') || fail "eth_getBlockByNumber failed"
got_number=$(jq -r '.result.number' <<<"$got")
got_hash=$(jq -r '.result.hash' <<<"$got")
[[ $((got_number)) == "$want_number" ]] || fail "the node serves head $((got_number)), expected $want_number"
[[ ${got_hash,,} == "${want_hash,,}" ]] || fail "the node serves head hash $got_hash, expected $want_hash"
# Written before rules versions, the directory runs version 1 up to its head and this stoa's
# latest version from the block after it: the first start records that, durably, before sealing
# anything (docs/journal-format.md, "Versions").
jq -e --argjson next $((want_number + 1)) \
  '.rules[-1].version >= 3 and .rules == [{"version": 1, "from": 0}, {"version": .rules[-1].version, "from": $next}]' \
  "$WORK/data/genesis.json" >/dev/null ||
  fail "genesis.json rules are $(jq -c .rules "$WORK/data/genesis.json"), expected version 1 from 0 and the latest (>= 3) from $((want_number + 1))"
# An old block, served from the journal through the block index (rebuilt on this first start: the
# directory was written before the index existed).
old=$(rpc eth_getBlockByNumber '["0x1",true]') || fail "eth_getBlockByNumber 0x1 failed"
[[ $(jq -r '.result.number' <<<"$old") == "0x1" ]] || fail "block 1 not served: $old"
kill -TERM "$PID"
wait "$PID" || fail "stoa serve exited non-zero on SIGTERM"
PID=
# Verified again with the height recorded: the old blocks still replay as written.
"$STOA" verify --data "$WORK/data" >"$WORK/verify2.txt" 2>&1 || { cat "$WORK/verify2.txt"; fail "stoa verify failed after the rules upgrade was recorded"; }
grep -qxF -- "$head_line" "$WORK/verify2.txt" || fail "verify after recording the rules upgrade did not print '$head_line'"
echo "golden: OK (head $want_number $want_hash)"
