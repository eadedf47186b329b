#!/usr/bin/env bash
# Soak: starts `stoa serve --dev` on a free loopback port, runs stoa_soak against it for SECONDS
# (normal load + hostile clients; see bench/soak/stoa_soak.cc), then stops the node with SIGTERM
# and requires exit status 0.
# Usage: soak.sh STOA_BIN STOA_SOAK_BIN SECONDS
set -euo pipefail
stoa=$1
soak=$2
seconds=${3:-600}
work=$(mktemp -d)
node_pid=""
cleanup() {
  [[ -n $node_pid ]] && kill -9 "$node_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
"$stoa" serve --dev --data "$work/data" --listen "127.0.0.1:$port" >"$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 300); do
  curl -sf "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$node_pid" 2>/dev/null || { echo "FAIL: stoa serve exited"; tail -20 "$work/node.log"; exit 1; }
  sleep 0.05
done
status=0
"$soak" "$url" "$node_pid" "$seconds" || status=$?
kill -0 "$node_pid" 2>/dev/null || { echo "FAIL: the node died"; tail -20 "$work/node.log"; exit 1; }
kill -TERM "$node_pid"
node_status=0
wait "$node_pid" || node_status=$?
node_pid=""
if ((node_status != 0)); then echo "FAIL: stoa serve exited with $node_status"; exit 1; fi
exit "$status"
