#!/usr/bin/env bash
# The register survives SIGKILL: `stoa serve --dev --sync-submit` (register on, SQLite in the data
# directory) under continuous signed load (crash_load), killed with SIGKILL at random moments
# while it projects blocks into the register, restarted each time. At the end, once the feed has
# caught up and the node stopped, `stoa register check` must prove the register equals the
# ledger: every balance, the sums and holder counts, the last block's hash, and exactly one
# movement per Transfer event (nothing lost, nothing twice).
# Usage: ta_register_crash_test.sh STOA_BIN CRASH_LOAD_BIN   (env: STOA_TA_KILLS, default 6)
set -euo pipefail
stoa=$1
load=$2
kills=${STOA_TA_KILLS:-6}
work=$(mktemp -d)
data=$work/data
node_pid=""
load_pid=""
cleanup() {
  [[ -n $load_pid ]] && kill "$load_pid" 2>/dev/null || true
  [[ -n $node_pid ]] && kill -9 "$node_pid" 2>/dev/null || true
  [[ -n ${KEEP:-} ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port

start_node() {
  "$stoa" serve --dev --sync-submit --data "$data" --listen "127.0.0.1:$port" "$@" \
    >>"$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 200); do
    curl -sf -X POST -H 'Content-Type: application/json' \
      --data '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "$url" \
      >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "FAIL: the node did not start"; tail -20 "$work/node.log"; exit 1
}

start_node
"$load" setup "$url" >/dev/null
"$load" load "$url" "$work/acks" "$work/stop" >"$work/load.out" 2>&1 &
load_pid=$!
for i in $(seq 1 "$kills"); do
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$node_pid"
  wait "$node_pid" 2>/dev/null || true
  echo "kill $i: register at $(grep -c register_start "$work/node.log") starts"
  start_node
done
# A kill certain to land during projection: blocks written with the register off for 3 s leave
# it thousands of transfers behind; the node started with it on is killed as soon as it answers,
# well before the feed can catch up; the start after that must resume behind the head.
kill -9 "$node_pid"
wait "$node_pid" 2>/dev/null || true
start_node --no-register
sleep 3
kill -9 "$node_pid"
wait "$node_pid" 2>/dev/null || true
start_node
kill -9 "$node_pid"
wait "$node_pid" 2>/dev/null || true
echo '{"event":"test_killed_while_catching_up"}' >>"$work/node.log"
start_node
touch "$work/stop"
wait "$load_pid" || true
load_pid=""
sleep 2  # the feed catches up with the last blocks
kill -TERM "$node_pid"
wait "$node_pid" || true
node_pid=""
grep '"register_failed"' "$work/node.log" && { echo "FAIL: the feed failed"; exit 1; }
out=$("$stoa" register check --data "$data")
echo "$out"
grep -q '^OK$' <<<"$out" || { echo "FAIL: register check"; exit 1; }
reg=$(sed -n 's/^register: block \([0-9]*\).*/\1/p' <<<"$out")
head=$(sed -n 's/^journal: head block \([0-9]*\)/\1/p' <<<"$out")
[[ $reg == "$head" ]] || { echo "FAIL: the register stopped at $reg, the journal at $head"; exit 1; }
# Restarts where the register resumed behind the recovered head: killed with blocks to project.
behind=$(python3 - "$work/node.log" <<'PY'
import json, sys
head, n, marked, forced = None, 0, False, "no start after the forced kill"
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("event") == "test_killed_while_catching_up":
        marked = True
    elif e.get("event") == "recovered":
        head = e["head"]
    elif e.get("event") == "register_start" and head is not None and head > 0:
        n += e["fromBlock"] <= head
        if marked:
            forced = "behind" if e["fromBlock"] <= head else "caught up"
            marked = False
print(n, forced)
PY
)
read -r behind forced <<<"$behind"
echo "restarts with blocks left to project: $behind of $((kills + 3)); after the forced kill: $forced"
[[ $forced == behind ]] || { echo "FAIL: the kill during catch-up did not leave blocks to project"; exit 1; }
acks=$(wc -l <"$work/acks")
((acks > 0)) || { echo "FAIL: no transaction acknowledged"; exit 1; }
"$stoa" report cap-table --data "$data" --security ACME --format json >"$work/cap.json"
python3 - "$work/cap.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
assert t["holderCount"] > 0 and sum(int(h["balance"]) for h in t["holders"]) == int(t["total"]), t
PY
# The other reports from the CLI on the same register (docs/transfer-agent.md, "Reports").
"$stoa" register set-authorized --data "$data" --security ACME --authorized 1000000000000 \
  --note charter >/dev/null
"$stoa" report control-book --data "$data" --security ACME --format json >"$work/book.json"
"$stoa" report holders --data "$data" --security ACME --format xlsx --out "$work/holders.xlsx" \
  2>/dev/null
"$stoa" report journal --data "$data" --security ACME --from 2000-01-01 --to 2199-12-31 \
  --out "$work/journal.csv"
"$stoa" report form-d --data "$data" --security ACME --price-per-share 1.25 >"$work/form-d.json"
"$stoa" report ocf --data "$data" --security ACME --out "$work/ocf" 2>/dev/null
issuer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["security"]["issuer"])' \
  "$work/cap.json")
"$stoa" report cap-table --data "$data" --issuer "$issuer" >"$work/issuer.json"
mkdir -p "$work/imported"
"$stoa" investor import-ocf "$work/ocf" --data "$work/imported" --plan-out "$work/plan.json" \
  2>/dev/null
if "$stoa" report holders --data "$data" --security ACME --format pdf 2>/dev/null; then
  echo "FAIL: an unknown format was accepted"; exit 1
fi
# The cap table by partition: every holder in the default partition, the cap table's total.
"$stoa" report partitions --data "$data" --security ACME --format json >"$work/partitions.json"
python3 - "$work/partitions.json" "$work/cap.json" <<'PY'
import json, sys
p, cap = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert p["total"] == cap["total"] and len(p["partitions"]) == 1, p["partitions"][:1]
assert p["partitions"][0]["name"] == "default" and p["partitions"][0]["total"] == cap["total"]
PY
# The tax forms (no dividend on this ledger: the header only); refusals with their exit codes.
"$stoa" report tax-forms --data "$data" --year 2026 --security ACME >"$work/tax.csv"
[ "$(head -c 21 "$work/tax.csv")" = "year,form,recipient,w" ] && [ "$(wc -l <"$work/tax.csv")" = 1 ] \
  || { echo "FAIL: tax forms"; cat "$work/tax.csv"; exit 1; }
rc=0; "$stoa" report tax-forms --data "$data" --year 26 2>/dev/null || rc=$?
[ "$rc" = 2 ] || { echo "FAIL: --year 26 gave $rc"; exit 1; }
rc=0; "$stoa" report tax-forms --data "$data" --year 2026 --security NOPE 2>"$work/tax.err" || rc=$?
[ "$rc" = 1 ] && grep -q "NOPE" "$work/tax.err" || { echo "FAIL: unknown security gave $rc"; exit 1; }
python3 - "$work" <<'PY'
import json, os, sys
w = sys.argv[1]
cap = json.load(open(f"{w}/cap.json"))
book = json.load(open(f"{w}/book.json"))
assert book["outstanding"] == cap["total"] and book["authorized"] == "1000000000000", book
assert int(book["issued"]) - int(book["cancelled"]) == int(book["outstanding"]), book
assert os.path.getsize(f"{w}/holders.xlsx") > 1000
lines = open(f"{w}/journal.csv").read().splitlines()
assert lines[0].startswith("block,time,") and len(lines) > cap["holderCount"], len(lines)
fd = json.load(open(f"{w}/form-d.json"))
assert fd["items"]["14"]["totalNumberAlreadyInvested"] > 0 and fd["filingDeadline"] > fd["dateOfFirstSale"]
issuer = json.load(open(f"{w}/issuer.json"))
assert issuer["securities"][0]["total"] == cap["total"], issuer
plan = json.load(open(f"{w}/plan.json"))
assert sum(int(m["amount"]) for m in plan["mints"]) == int(cap["total"]), plan["security"]
assert sorted(os.listdir(f"{w}/ocf")) == ["Manifest.ocf.json", "Stakeholders.ocf.json",
                                          "StockClasses.ocf.json", "Transactions.ocf.json"]
PY
echo "OK: $kills kills, $acks acknowledged transfers, register = ledger at block $reg"
