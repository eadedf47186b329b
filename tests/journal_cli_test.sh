#!/usr/bin/env bash
# The journal through the binary: a node writes blocks; `stoa verify` passes and `stoa
# export-blocks` prints one JSON line per block; then each damage ends in its documented
# behaviour (docs/journal-format.md): a flipped bit in the middle stops the node and fails
# verify naming segment, offset and block; a missing segment does too; a torn tail is truncated
# and reported; a corrupt state image is skipped with a warning; a journal that ends before the
# head DIR/HEAD records (a cut last record, a deleted last segment) stops the node unless
# --accept-truncation, and fails `stoa verify` and `stoa verify --expect-head`. State images are
# taken where --image-every (blocks) and --image-every-tx (transactions) say, and the deprecated
# --snapshot-every still works, with a warning. (State images live in DIR/snapshots/*.snap, their
# historical names: docs/journal-format.md, "State images".)
# Usage: journal_cli_test.sh STOA_BIN CRASH_LOAD_BIN
set -euo pipefail
stoa=$1
load=$2
work=$(mktemp -d)
node_pid=""
trap '[[ -n $node_pid ]] && kill -9 $node_pid 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
fail() { echo "FAIL: $*"; exit 1; }

start_node() {  # DATA LOG [EXTRA FLAG] -> 0 if healthy, 1 if it exited; IMAGE_FLAGS overrides
  # shellcheck disable=SC2086
  "$stoa" serve --dev --data "$1" --listen "127.0.0.1:$port" ${IMAGE_FLAGS:---image-every 4} \
    --segment-bytes 3000 ${3:-} >"$2" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 200); do
    curl -sf "$url/healthz" >/dev/null 2>&1 && return 0
    if ! kill -0 "$node_pid" 2>/dev/null; then wait "$node_pid" || true; node_pid=""; return 1; fi
    sleep 0.05
  done
  fail "node neither healthy nor exited"
}
stop_node() { kill -TERM "$node_pid"; wait "$node_pid" || true; node_pid=""; }

# A clean directory: 15 blocks of set-up transactions, several segments and state images, written
# with the deprecated flag: it warns and works as --image-every (images at 4, 8, 12: the newest two
# are kept).
IMAGE_FLAGS="--snapshot-every 4" start_node "$work/good" "$work/good.log" || fail "first start"
"$load" setup "$url"
stop_node
grep -q 'warning: --snapshot-every is deprecated; use --image-every' "$work/good.log" ||
  { cat "$work/good.log"; fail "no deprecation warning for --snapshot-every"; }
[[ "$(cd "$work/good/snapshots" && echo *.snap)" == "00000000000000000008.snap 00000000000000000012.snap" ]] ||
  { ls "$work/good/snapshots"; fail "--snapshot-every 4: images not at blocks 8 and 12"; }
if timeout 10 "$stoa" serve --dev --data "$work/both" --listen 127.0.0.1:0 --snapshot-every 4 \
  --image-every 4 >"$work/both.log" 2>&1; then
  fail "serve accepted both --snapshot-every and --image-every"
fi
grep -q 'old name of --image-every' "$work/both.log" || { cat "$work/both.log"; fail "both flags: message"; }
"$stoa" verify --data "$work/good" >"$work/verify.out" || { cat "$work/verify.out"; fail "verify of a clean directory"; }
grep -q '^OK$' "$work/verify.out" || fail "verify did not say OK"
grep -q 'checked: 15 blocks' "$work/verify.out" || { cat "$work/verify.out"; fail "verify count"; }
lines=$("$stoa" export-blocks --data "$work/good" | wc -l)
[[ $lines == 16 ]] || fail "export-blocks printed $lines lines, expected 16 (genesis + 15)"
"$stoa" export-blocks --data "$work/good" --from 3 --to 4 | python3 -c '
import json, sys
blocks = [json.loads(l) for l in sys.stdin]
assert [b["number"] for b in blocks] == [3, 4], blocks
assert all(len(b["transactions"]) == len(b["receipts"]) == 1 for b in blocks)
assert blocks[1]["parentHash"] == blocks[0]["hash"]
' || fail "export-blocks content"
segs=("$work"/good/journal/*.seg)
((${#segs[@]} >= 3)) || fail "expected several segments, got ${#segs[@]}"

# The transaction trigger alone: an image once 3 transactions have been sealed since the last,
# checked against the blocks' transaction counts (export-blocks).
IMAGE_FLAGS="--image-every 0 --image-every-tx 3" start_node "$work/tx" "$work/tx.log" || fail "start (tx trigger)"
"$load" setup "$url"
stop_node
"$stoa" export-blocks --data "$work/tx" | python3 -c '
import json, os, sys
want, since = [], 0
for line in sys.stdin:
    b = json.loads(line)
    if b["number"] == 0: continue
    since += len(b["transactions"])
    if since >= 3: want.append(b["number"]); since = 0
got = sorted(int(n[:-5]) for n in os.listdir(sys.argv[1]) if n.endswith(".snap"))
assert want and got == want[-2:], (want, got)
' "$work/tx/snapshots" || fail "--image-every-tx 3: images not where the transactions put them"

# A flipped bit in the middle of the first segment: the node refuses to start, verify fails.
cp -r "$work/good" "$work/flip"
python3 - "$work/flip/journal/$(basename "${segs[0]}")" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x04
open(p, "wb").write(b)
PY
# A start reads only the blocks after the newest state image (docs/journal-format.md, "Recovery
# on start"; verify checks the rest): with the images (DIR/snapshots) set aside, it reads every
# block and refuses.
mv "$work/flip/snapshots" "$work/flip/snapshots.aside"
if start_node "$work/flip" "$work/flip.log"; then stop_node; fail "node started on a corrupt journal"; fi
mv "$work/flip/snapshots.aside" "$work/flip/snapshots"
grep -q 'segment 00000000000000000001.seg, offset [0-9]*, block [0-9]*' "$work/flip.log" || { cat "$work/flip.log"; fail "no location in the refusal"; }
if "$stoa" verify --data "$work/flip" >"$work/vflip.out"; then fail "verify passed a corrupt journal"; fi
grep -q 'FAILED: segment 00000000000000000001.seg, offset' "$work/vflip.out" || { cat "$work/vflip.out"; fail "verify location"; }

# A missing segment in the middle.
cp -r "$work/good" "$work/missing"
rm "$work/missing/journal/$(basename "${segs[1]}")"
if start_node "$work/missing" "$work/missing.log"; then stop_node; fail "node started with a segment missing"; fi
grep -q 'a segment is missing' "$work/missing.log" || { cat "$work/missing.log"; fail "missing segment message"; }
if "$stoa" verify --data "$work/missing" >/dev/null; then fail "verify passed with a segment missing"; fi

# The head file: verify reports it; --expect-head passes at or below the head, fails above it.
grep -q '^head file: block 15 0x' "$work/verify.out" || { cat "$work/verify.out"; fail "verify shows no head file"; }
head15=$(awk '/^head: block/ {print $4}' "$work/verify.out")
"$stoa" verify --data "$work/good" --expect-head 15 >/dev/null || fail "--expect-head 15"
"$stoa" verify --data "$work/good" --expect-head "15:$head15" >/dev/null || fail "--expect-head 15:HASH"
if "$stoa" verify --data "$work/good" --expect-head 16 >"$work/v16.out"; then fail "--expect-head 16 passed"; fi
grep -q 'FAILED: the journal ends at block 15 but --expect-head names block 16' "$work/v16.out" || { cat "$work/v16.out"; fail "--expect-head message"; }

# The last record cut short: block 15 was acknowledged (the head file records it), so the node
# refuses to start and says what is missing; --accept-truncation starts from block 14.
cp -r "$work/good" "$work/torn"
last=$(ls "$work"/torn/journal/*.seg | tail -1)
truncate -s -20 "$last"
if start_node "$work/torn" "$work/torn.log"; then stop_node; fail "node started with an acknowledged block damaged"; fi
grep -q 'the last record is damaged' "$work/torn.log" || { cat "$work/torn.log"; fail "damaged last record not named"; }
grep -q 'records block 15' "$work/torn.log" || fail "recorded head not named"
grep -q -- '--accept-truncation' "$work/torn.log" || fail "no way forward named"
if grep -q 'never acknowledged' "$work/torn.log"; then fail "an acknowledged block called never acknowledged"; fi
if "$stoa" verify --data "$work/torn" >"$work/vtorn.out"; then fail "verify passed a journal shorter than its head file"; fi
grep -q 'FAILED: the journal ends at block 14 but .*HEAD records block 15' "$work/vtorn.out" || { cat "$work/vtorn.out"; fail "verify truncation message"; }
start_node "$work/torn" "$work/torn2.log" --accept-truncation || { cat "$work/torn2.log"; fail "--accept-truncation refused"; }
grep -q 'accepted (--accept-truncation)' "$work/torn2.log" || fail "accepted truncation not logged"
head=$(curl -sf -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "$url" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"],16))')
[[ $head == 14 ]] || fail "head after the accepted truncation is $head, expected 14"
stop_node
"$stoa" verify --data "$work/torn" >/dev/null || fail "verify after the accepted truncation"

# The last segment deleted: refused the same way.
cp -r "$work/good" "$work/nolast"
rm "$(ls "$work"/nolast/journal/*.seg | tail -1)"
if start_node "$work/nolast" "$work/nolast.log"; then stop_node; fail "node started without its last segment"; fi
grep -q 'records block 15' "$work/nolast.log" || { cat "$work/nolast.log"; fail "deleted last segment not found"; }
if "$stoa" verify --data "$work/nolast" >/dev/null; then fail "verify passed without the last segment"; fi

# Leftover state image temporary files are removed at start, with a log line.
cp -r "$work/good" "$work/tmpsnap"
echo partial >"$work/tmpsnap/snapshots/00000000000000000016.snap.tmp"
start_node "$work/tmpsnap" "$work/tmpsnap.log" || { cat "$work/tmpsnap.log"; fail "start with a leftover .snap.tmp"; }
stop_node
[[ ! -e "$work/tmpsnap/snapshots/00000000000000000016.snap.tmp" ]] || fail ".snap.tmp not removed"
grep -q 'removed .*00000000000000000016.snap.tmp' "$work/tmpsnap.log" || fail ".snap.tmp removal not logged"

# A corrupt state image: skipped with a warning; the node starts from the older one.
cp -r "$work/good" "$work/snap"
newest=$(ls "$work"/snap/snapshots/*.snap | tail -1)
python3 - "$newest" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[120] ^= 0x01
open(p, "wb").write(b)
PY
start_node "$work/snap" "$work/snap.log" || { cat "$work/snap.log"; fail "node refused a corrupt state image"; }
grep -q 'skipped: checksum mismatch' "$work/snap.log" || { cat "$work/snap.log"; fail "state image warning"; }
stop_node
if "$stoa" verify --data "$work/snap" >/dev/null; then fail "verify passed a corrupt state image"; fi
echo "PASS"
