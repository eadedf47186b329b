#!/usr/bin/env bash
# Shutdown with idle keep-alive clients (issue 12, item 11): SIGTERM used to take 5-10 s while
# idle keep-alive connections sat in the server's reads. Starts `stoa serve --dev` (without
# --sync-submit: an acknowledged transaction is admitted, not yet sealed), runs signed load
# (crash_load) and holds idle keep-alive connections open, then sends SIGTERM and asserts:
#   - the node exits with status 0, before the 5 s that idle connections used to hold it (the
#     bound is 4 s: the target is 1 s, the margin is for a loaded machine; the time is printed);
#   - every transaction acknowledged before the signal has a receipt after a restart (what was
#     admitted was sealed and made durable before the exit).
# Usage: shutdown_test.sh STOA_BIN CRASH_LOAD_BIN
set -euo pipefail
stoa=$1
load=$2
work=$(mktemp -d)
data=$work/data
node_pid=""
load_pid=""
idle_pid=""
cleanup() {
  [[ -n $load_pid ]] && kill "$load_pid" 2>/dev/null || true
  [[ -n $idle_pid ]] && kill "$idle_pid" 2>/dev/null || true
  [[ -n $node_pid ]] && kill -9 "$node_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port

start_node() {
  "$stoa" serve --dev --data "$data" --listen "127.0.0.1:$port" >>"$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 300); do
    if curl -sf "$url/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$node_pid" 2>/dev/null; then
      echo "FAIL: stoa serve exited:"; tail -20 "$work/node.log"; exit 1
    fi
    sleep 0.05
  done
  echo "FAIL: stoa serve did not become healthy"; tail -20 "$work/node.log"; exit 1
}

start_node
"$load" setup "$url" >/dev/null
"$load" load "$url" "$work/acks" "$work/stop" >"$work/load.out" 2>&1 &
load_pid=$!

# 100 idle keep-alive clients: one request each, then they hold the connection open.
python3 - "$port" "$work/idle-ready" <<'PY' &
import http.client, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
conns = []
for _ in range(100):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/healthz")
    c.getresponse().read()
    conns.append(c)
open(ready, "w").close()
time.sleep(60)
PY
idle_pid=$!
for _ in $(seq 1 200); do [[ -f $work/idle-ready ]] && break; sleep 0.05; done
[[ -f $work/idle-ready ]] || { echo "FAIL: the idle clients did not connect"; exit 1; }
sleep 1.5  # load running

start=$(date +%s%N)
kill -TERM "$node_pid"
status=0
wait "$node_pid" || status=$?
end=$(date +%s%N)
node_pid=""
touch "$work/stop"
wait "$load_pid" || true
load_pid=""
kill "$idle_pid" 2>/dev/null || true
wait "$idle_pid" 2>/dev/null || true
idle_pid=""
echo "SIGTERM to exit with 100 idle keep-alive clients and signed load: $(((end - start) / 1000000)) ms (status $status)"
if ((status != 0)); then
  echo "FAIL: stoa serve exited with status $status"; tail -20 "$work/node.log"; exit 1
fi
grep -q '"event":"stopped"' "$work/node.log" || { echo "FAIL: no stopped event"; exit 1; }
if (((end - start) / 1000000 >= 4000)); then
  echo "FAIL: SIGTERM took $(((end - start) / 1000000)) ms: idle connections held the shutdown"; exit 1
fi

start_node
python3 - "$url" "$work/acks" <<'PY'
import json, sys, urllib.request
url, path = sys.argv[1], sys.argv[2]
hashes = [l.strip() for l in open(path) if l.strip()]
if not hashes:
    sys.exit("FAIL: no transaction was acknowledged: the load did not run")
for i in range(0, len(hashes), 500):
    chunk = hashes[i:i + 500]
    body = [{"jsonrpc": "2.0", "id": k, "method": "eth_getTransactionReceipt", "params": [h]}
            for k, h in enumerate(chunk)]
    req = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    answers = {a["id"]: a for a in json.load(urllib.request.urlopen(req, timeout=60))}
    for k, h in enumerate(chunk):
        if answers[k].get("result") is None:
            sys.exit(f"FAIL: acknowledged transaction {h} has no receipt after restart")
print(f"PASS: all {len(hashes)} acknowledged transactions are durable after the restart")
PY
kill -TERM "$node_pid"; wait "$node_pid" || true
node_pid=""
