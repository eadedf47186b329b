#!/usr/bin/env bash
# OCF import into a new security on a real node (docs/transfer-agent.md, "OCF"): a security with
# five holders (two stakeholders in the records, one of them with two wallets; two wallets
# without a record) and authorized shares is exported as an OCF package; a second security is
# created and its wallets onboarded; `stoa investor import-ocf DIR --mint NEW` replays the
# issuances as batchMint transactions signed with a keystore key. The register's cap tables of
# both must be equal (holders, balances, percentages, stakeholders, holders of record) and the
# control book must carry the package's authorized shares. Refused with nothing recorded and
# nothing sent: a wallet not onboarded (named), wrong decimals and a signer without
# MINTER_ROLE, and a second import into the now non-empty security.
# Usage: ta_ocf_import_test.sh STOA_BIN
set -euo pipefail
stoa=$(realpath "$1")
work=$(mktemp -d)
data=$work/data
node_pid=""
cleanup() {
  [[ -n $node_pid ]] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [[ -n ${KEEP:-} ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in out err; do [[ -f $work/$f ]] && { echo "--- $f" >&2; cat "$work/$f" >&2; }; done
  tail -5 "$work/node.log" >&2 || true
  exit 1
}
# run EXPECTED_STATUS stoa-args...: stdout and stderr in $work/out, $work/err.
run() {
  local want=$1 got=0
  shift
  "$stoa" "$@" >"$work/out" 2>"$work/err" || got=$?
  { echo "\$ stoa $* -> $got"; cat "$work/out" "$work/err"; } >>"$work/transcript"
  [[ $got == "$want" ]] || fail "stoa $* exited $got, expected $want"
}
expect_err() { grep -qF -- "$1" "$work/err" || fail "stderr lacks: $1"; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rpc=http://127.0.0.1:$port
"$stoa" serve --dev --sync-submit --data "$data" --listen "127.0.0.1:$port" >"$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 200); do
  curl -fsS "$rpc/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fsS "$rpc/healthz" >/dev/null || fail "the node did not start"
R=(--rpc "$rpc")
D=(--data "$data")
# Dev accounts: 1 the issuer (admin, minter), 2 the compliance officer, 3..7 the holders.
ISSUER=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
OFFICER=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
W=(0x90F79bf6EB2c4f870365E785982E1f101E93b906 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65
  0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc 0x976EA74026E726554dB657fA54763abd0C3a0aa9
  0x14dC79964da2C08b23698B3D3cc7Ca32193d9955)
# The issuer's key in a keystore: the import signs with --from, as an issuer would.
echo "correct horse battery" >"$work/pw"
echo 59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d >"$work/issuer.key"
KS=(--keystore "$work/ks" --password-file "$work/pw")
run 0 account import "${KS[@]}" --scrypt-n 1024 --private-key-file "$work/issuer.key"
SIGN=(--from "$ISSUER" "${KS[@]}")

create() {  # SYMBOL DECIMALS
  run 0 security create "${R[@]}" --dev-account 0 --preset reg-a-plus --name "$1 Inc" \
    --symbol "$1" --decimals "$2" --admin "$ISSUER" --compliance "$OFFICER"
}
onboard() {  # SYMBOL WALLET...
  local sym=$1
  shift
  { echo "address,jurisdiction,accreditation,lockupExpiry"; for w in "$@"; do echo "$w,US,1,0"; done; } \
    >"$work/onboard.csv"
  run 0 onboard "$sym" --file "$work/onboard.csv" "${R[@]}" --dev-account 2
}
supply() { "$stoa" call "${R[@]}" "$1" "totalSupply()(uint256)"; }
head_block() {
  curl -fsS -X POST -H 'Content-Type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "$rpc" |
    python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"], 16))'
}
# Waits until the register has projected the node's head.
caught_up() {
  local want
  want=$(head_block)
  for _ in $(seq 1 200); do
    [[ $("$stoa" report cap-table "${D[@]}" --security ORIG --format json 2>/dev/null |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["block"])' 2>/dev/null) == "$want" ]] &&
      return 0
    sleep 0.05
  done
  fail "the register did not reach block $want"
}
stakeholders() {
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM stakeholders").fetchone()[0])' \
    "$data/ta.sqlite"
}

# --- the original security: five holders, two stakeholders on record, authorized shares
create ORIG 0
onboard ORIG "${W[@]}"
amounts=(1000 2500 400 7 3333)
for i in 0 1 2 3 4; do run 0 mint ORIG "${W[$i]}" "${amounts[$i]}" "${R[@]}" --dev-account 1; done
head -c 32 /dev/urandom >"$work/ta.key"
run 0 investor add --kind individual --name "Ada Lovelace" --residency GB \
  --wallets "${W[0]},${W[1]}" --ta-key "$work/ta.key" "${D[@]}"
run 0 investor add --kind entity --name "Babbage Engines LLC" --residency US --wallets "${W[2]}" \
  --ta-key "$work/ta.key" "${D[@]}"
caught_up
run 0 register set-authorized "${D[@]}" --security ORIG --authorized 100000 --note charter
run 0 report ocf "${D[@]}" --security ORIG --out "$work/ocf"

# --- the new security: onboarded but for the last wallet, so the import is refused
create NEW 0
onboard NEW "${W[0]}" "${W[1]}" "${W[2]}" "${W[3]}"
caught_up
before=$(stakeholders)
block=$(head_block)
run 1 investor import-ocf "$work/ocf" "${D[@]}" --mint NEW "${SIGN[@]}" "${R[@]}" --chunk 2
expect_err "wallet ${W[4]} (wallet-$(tr 'A-F' 'a-f' <<<"${W[4]}"), 3333)"
expect_err "not on the KYC whitelist"
expect_err "nothing recorded, nothing sent"
[[ $(supply NEW) == 0 && $(head_block) == "$block" && $(stakeholders) == "$before" ]] ||
  fail "a refused import changed something"
# Wrong decimals and a signer without MINTER_ROLE: both named, nothing sent.
create DEC2 2
run 1 investor import-ocf "$work/ocf" "${D[@]}" --mint DEC2 --dev-account 3 "${R[@]}"
expect_err "DEC2 has 2 decimals, the package 0"
expect_err "does not hold MINTER_ROLE on DEC2"
run 2 investor import-ocf "$work/ocf" "${D[@]}" --chunk 2
expect_err "--chunk goes with --mint"

# --- onboarded: imported in three transactions of two mints
onboard NEW "${W[4]}"
block=$(head_block)
run 0 investor import-ocf "$work/ocf" "${D[@]}" --mint NEW "${SIGN[@]}" "${R[@]}" --chunk 2 \
  --plan-out "$work/plan.json"
grep -qF "imported 5 issuance(s), 7240 in all, into NEW" "$work/out" || fail "summary"
grep -qF "in 3 transaction(s)" "$work/out" || fail "three transactions"
grep -qF "stakeholders: 0 recorded, 2 already in the records" "$work/out" || fail "records kept"
grep -qF "authorized shares 100000 recorded" "$work/out" || fail "authorized shares"
expect_err "minted 2/5 (transaction 1 of 3"
expect_err "minted 5/5 (transaction 3 of 3"
[[ $(supply NEW) == 7240 && $(stakeholders) == "$before" ]] || fail "after the import"

# --- a second run: refused, nothing sent
block=$(head_block)
run 1 investor import-ocf "$work/ocf" "${D[@]}" --mint NEW "${SIGN[@]}" "${R[@]}"
expect_err "NEW already has a supply of 7240"
expect_err "nothing sent"
[[ $(supply NEW) == 7240 && $(head_block) == "$block" ]] || fail "the second import sent"

# --- the register: the same cap table, the package's authorized shares
caught_up
for s in ORIG NEW; do
  "$stoa" report cap-table "${D[@]}" --security "$s" --format json >"$work/cap-$s.json"
done
"$stoa" report control-book "${D[@]}" --security NEW --format json >"$work/book.json"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
a, b = (json.load(open(f"{w}/cap-{s}.json")) for s in ("ORIG", "NEW"))
for k in ("total", "holderCount", "holdersOfRecord", "byJurisdiction", "byAccreditation"):
    assert a[k] == b[k], (k, a[k], b[k])
assert a["total"] == "7240" and a["holderCount"] == 5 and a["holdersOfRecord"] == 4, a
assert a["holders"] == b["holders"], (a["holders"], b["holders"])
assert [h["stakeholderId"] for h in a["holders"]].count(None) == 2
book = json.load(open(f"{w}/book.json"))
assert book["authorized"] == "100000" and book["outstanding"] == "7240", book
plan = json.load(open(f"{w}/plan.json"))
assert [int(m["amount"]) for m in plan["mints"]] == [3333, 2500, 1000, 400, 7], plan["mints"]
PY
# The plan alone into a fresh register: the two stakeholders recorded, the plan on stdout.
mkdir "$work/fresh"
run 0 investor import-ocf "$work/ocf" --data "$work/fresh"
expect_err "2 stakeholders recorded, 0 already in the records; 5 mints to send"
python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["mints"]) == 5' "$work/out"
echo "OK: imported 5 issuances into NEW, the same cap table as ORIG; refusals sent nothing"
