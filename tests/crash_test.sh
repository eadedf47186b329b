#!/usr/bin/env bash
# Crash test: runs `stoa serve --dev --sync-submit` under continuous signed load (crash_load, 7
# sender threads) and kills it with SIGKILL at random moments, restarting it each time, for
# STOA_CRASH_SECONDS (default 60). Some cycles are power cuts instead: the data directory is on
# a loop-mounted ext4 image, shut down with EXT4_IOC_SHUTDOWN (NOLOGFLUSH: what was not yet
# committed is lost, as in a power cut), unmounted and mounted again (this needs root and a
# loop device; without them every cycle is a SIGKILL, and the output says so). Some cycles leave
# a torn tail: part of a record that was being written (never fsynced) after the last one.
# After every cycle, before the restart, the head the node last reported (every block it
# reports is durable; blocks with acknowledged transactions among them) must still be in the
# journal: the restarted node serves it with the same hash, and on power-cut cycles
# `stoa verify --expect-head N:HASH` checks it offline. At the end it asserts:
#   - every transaction whose eth_sendRawTransaction returned (acknowledged) has a receipt;
#   - `stoa verify` passes (checksums, hash links, signatures, every state root by replay);
#   - the last restart loaded a state image, and the node's head state root after it equals the
#     root of the clean replay from genesis that `stoa verify` computes.
# Half-applied transactions cannot exist: verify replays every block and checks each header's
# state root, and a block is either wholly in the journal or truncated as a torn tail.
# Usage: crash_test.sh STOA_BIN CRASH_LOAD_BIN     (env: STOA_CRASH_SECONDS, STOA_CRASH_SEED)
set -euo pipefail
stoa=$1
load=$2
seconds=${STOA_CRASH_SECONDS:-60}
seed=${STOA_CRASH_SEED:-$$}
RANDOM=$seed
work=$(mktemp -d)
mnt=$work/mnt
data=$mnt/data
node_pid=""
load_pid=""
mounted=0
cleanup() {
  [[ -n $load_pid ]] && kill "$load_pid" 2>/dev/null || true
  [[ -n $node_pid ]] && kill -9 "$node_pid" 2>/dev/null || true
  ((mounted)) && umount "$mnt" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
mkdir -p "$mnt"
# Power cuts need an ext4 filesystem of our own: a loop-mounted image (root only).
power=0
if [[ $(id -u) == 0 ]] && truncate -s 1G "$work/fs.img" && mkfs.ext4 -q -F "$work/fs.img" \
    && mount -o loop "$work/fs.img" "$mnt" 2>/dev/null; then
  mounted=1
  power=1
fi
echo "crash test: ${seconds}s, seed $seed, data $data, $url, power cuts: $( ((power)) && echo "on (loop-mounted ext4)" || echo "unavailable (needs root and a loop device): SIGKILL only")"

# A power cut: the filesystem stops at once, losing whatever was not committed (fsynced).
power_cut() {
  python3 -c '
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.ioctl(fd, 0x8004587D, struct.pack("I", 2))  # EXT4_IOC_SHUTDOWN, EXT4_GOING_FLAGS_NOLOGFLUSH
' "$mnt"
  kill -9 "$node_pid" 2>/dev/null || true
  wait "$node_pid" 2>/dev/null || true
  umount "$mnt"
  mount -o loop "$work/fs.img" "$mnt"
}

# What a crash mid-write leaves: the start of a record (magic, a length past the end, a few
# bytes) after the last complete one. It was never fsynced, so never acknowledged.
torn_tail() {
  python3 - "$(ls "$data"/journal/*.seg | tail -1)" "$((RANDOM % 300 + 1))" <<'PY'
import os, struct, sys
path, n = sys.argv[1], int(sys.argv[2])
rec = struct.pack(">II", 0x53544258, 100000) + os.urandom(n)
with open(path, "ab") as f:
    f.write(rec[:n])
PY
}

# The head the node reports now (number and hash); every block it reports is durable.
reported_head() {
  rpc eth_getBlockByNumber '["latest",false]' 2>/dev/null | python3 -c 'import json,sys; b=json.load(sys.stdin)["result"]; print(int(b["number"],16), b["hash"])' 2>/dev/null || true
}

# After a restart: the head reported before the crash is served with the same hash.
check_head() {  # NUMBER HASH
  local got
  got=$(rpc eth_getBlockByNumber "[\"$(printf '0x%x' "$1")\",false]" | python3 -c 'import json,sys; b=json.load(sys.stdin)["result"]; print(b["hash"] if b else "none")')
  if [[ $got != "$2" ]]; then
    echo "FAIL: block $1 ($2), reported before the crash, is $got after the restart"
    tail -20 "$work/node.log"; exit 1
  fi
}

start_node() {
  "$stoa" serve --dev --sync-submit --data "$data" --listen "127.0.0.1:$port" \
    --image-every 25 --segment-bytes 200000 >>"$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 300); do
    if curl -sf "$url/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$node_pid" 2>/dev/null; then
      echo "FAIL: stoa serve exited on restart:"; tail -20 "$work/node.log"; exit 1
    fi
    sleep 0.05
  done
  echo "FAIL: stoa serve did not become healthy"; tail -20 "$work/node.log"; exit 1
}

rpc() {
  curl -sf -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$url"
}

start_node
"$load" setup "$url"
"$load" load "$url" "$work/acks" "$work/stop" >"$work/load.out" 2>&1 &
load_pid=$!
cycles=0
cuts=0
torn=0
verified=0
end=$((SECONDS + seconds))
while ((SECONDS < end)); do
  # A random moment: 50 ms to 1.5 s of load.
  sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
  ((RANDOM % 2)) && sleep 0.5
  read -r hnum hhash <<<"$(reported_head)"
  if ((power && RANDOM % 3 == 0)); then
    power_cut
    cuts=$((cuts + 1))
    # Offline, as an operator would: the journal holds the head reported before the cut.
    if [[ -n ${hnum:-} ]]; then
      "$stoa" verify --data "$data" --expect-head "$hnum:$hhash" >"$work/cycle-verify.out" || {
        cat "$work/cycle-verify.out"; echo "FAIL: verify --expect-head $hnum:$hhash after a power cut"; exit 1; }
      verified=$((verified + 1))
    fi
  else
    kill -9 "$node_pid"
    wait "$node_pid" 2>/dev/null || true
  fi
  if ((RANDOM % 4 == 0)); then torn_tail; torn=$((torn + 1)); fi
  cycles=$((cycles + 1))
  start_node
  if [[ -n ${hnum:-} ]]; then check_head "$hnum" "$hhash"; fi
done
touch "$work/stop"
wait "$load_pid"
load_pid=""
cat "$work/load.out"
warnings=$(grep -c '"journal_warning"' "$work/node.log" || true)
truncated=$(grep -c 'was truncated; blocks after' "$work/node.log" || true)
echo "$cycles crash/restart cycles ($cuts power cuts, $verified checked offline with verify --expect-head; $torn torn tails made); $warnings recovery warnings ($truncated torn tails truncated)"
if ((truncated < torn)); then echo "FAIL: $torn torn tails made, $truncated truncated"; exit 1; fi

if ((cycles < 5)); then echo "FAIL: only $cycles cycles"; exit 1; fi

# One more kill, then a restart (from the newest state image) and the checks.
kill -9 "$node_pid"; wait "$node_pid" 2>/dev/null || true
start_node
# Every acknowledged transaction has a receipt on the restarted node (JSON-RPC batches).
python3 - "$url" "$work/acks" <<'PY'
import json, sys, urllib.request
url, path = sys.argv[1], sys.argv[2]
hashes = [l.strip() for l in open(path) if l.strip()]
if not hashes:
    sys.exit("FAIL: no transaction was acknowledged: the load did not run")
ok = refused = 0
for i in range(0, len(hashes), 500):
    chunk = hashes[i:i + 500]
    body = [{"jsonrpc": "2.0", "id": k, "method": "eth_getTransactionReceipt", "params": [h]}
            for k, h in enumerate(chunk)]
    req = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    answers = {a["id"]: a for a in json.load(urllib.request.urlopen(req, timeout=60))}
    for k, h in enumerate(chunk):
        r = answers[k].get("result")
        if r is None:
            sys.exit(f"FAIL: acknowledged transaction {h} has no receipt after restart")
        if r["status"] == "0x1":
            ok += 1
        else:
            refused += 1
print(f"all {len(hashes)} acknowledged transactions present ({ok} succeeded, {refused} refused)")
PY
head_root=$(rpc eth_getBlockByNumber '["latest",false]' | python3 -c 'import json,sys; b=json.load(sys.stdin)["result"]; print(int(b["number"],16), b["stateRoot"])')
# The last restart started from a state image (--image-every 25: the run seals hundreds of blocks).
grep '"event":"recovered"' "$work/node.log" | tail -1 | python3 -c '
import json, sys
line = sys.stdin.read()
if not line:
    sys.exit("FAIL: the node never logged its recovery")
print(line.strip())
if json.loads(line).get("image") is None:
    sys.exit("FAIL: the last restart replayed from genesis: no state image was loaded")
' 
kill -TERM "$node_pid"; wait "$node_pid" 2>/dev/null || true
node_pid=""

"$stoa" verify --data "$data" --expect-head "$(awk '{print $1}' <<<"$head_root")" | tee "$work/verify.out"
replay_head=$(awk '/^head: block/ {print $3}' "$work/verify.out")
replay_root=$(awk '/^state root:/ {print $3}' "$work/verify.out")
if [[ "$head_root" != "$replay_head $replay_root" ]]; then
  echo "FAIL: the restarted node's head ($head_root) differs from the clean replay ($replay_head $replay_root)"
  exit 1
fi
echo "PASS: $cycles crash cycles, acknowledged transactions all present, verify OK, state root $replay_root"
