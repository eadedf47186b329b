#!/usr/bin/env bash
# End-to-end flow of the node-facing CLI against a real `stoa serve --dev`: keystore accounts,
# creating a security from a preset, onboarding from CSV (a bad file sends nothing), whitelist,
# blacklist, lockup and jurisdiction changes seen through `stoa check`, minting, transfers signed
# with a dev account and with a keystore key, a refused transfer explained and not sent,
# `stoa call`/`stoa send`, the cap table, and clear errors when the node is unreachable.
# Usage: tests/cli_flow.sh [path/to/stoa]   (default: $STOA_BIN or build/stoa)
set -euo pipefail

STOA=${1:-${STOA_BIN:-$(dirname "$0")/../build/stoa}}
[[ -x $STOA ]] || { echo "cli_flow: no stoa binary at $STOA" >&2; exit 1; }
WORK=$(mktemp -d)
NODE_PID=
cleanup() {
  if [[ -n $NODE_PID ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "cli_flow: FAIL: $*" >&2
  [[ -f $WORK/out ]] && { echo "--- stdout" >&2; cat "$WORK/out" >&2; }
  [[ -f $WORK/err ]] && { echo "--- stderr" >&2; cat "$WORK/err" >&2; }
  [[ -f $WORK/node.log ]] && { echo "--- node log (tail)" >&2; tail -20 "$WORK/node.log" >&2; }
  exit 1
}
# run EXPECTED_STATUS stoa-args...: runs stoa, keeps stdout/stderr in $WORK/out, $WORK/err.
run() {
  local want=$1
  shift
  local got=0
  "$STOA" "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  [[ $got == "$want" ]] || fail "stoa $* exited $got, expected $want"
}
expect_out() { grep -qF -- "$1" "$WORK/out" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" "$WORK/err" || fail "stderr lacks: $1"; }
json_field() { jq -r "$1" "$WORK/out"; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RPC=http://127.0.0.1:$PORT
"$STOA" serve --dev --data "$WORK/data" --listen "127.0.0.1:$PORT" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 200); do
  curl -fsS "$RPC/healthz" >/dev/null 2>&1 && break
  kill -0 "$NODE_PID" 2>/dev/null || fail "stoa serve exited"
  sleep 0.1
done
curl -fsS "$RPC/healthz" >/dev/null || fail "stoa serve did not become healthy"

R=(--rpc "$RPC")
# Dev accounts (the public development mnemonic): 0 operator, 1 issuer, 2 compliance officer,
# 3 alice, 4 bob, 5 carol (never onboarded), 6 dave (imported into the keystore).
ISSUER=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
OFFICER=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
ALICE=0x90F79bf6EB2c4f870365E785982E1f101E93b906
BOB=0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65
CAROL=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc
DAVE=0x976EA74026E726554dB657fA54763abd0C3a0aa9
DAVE_KEY=92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e

# --- keystore
echo "correct horse battery" >"$WORK/pw"
KS=(--keystore "$WORK/ks" --password-file "$WORK/pw")
run 0 account new "${KS[@]}" --scrypt-n 1024 --json
NEW=$(json_field .address)
[[ $NEW == 0x* ]] || fail "account new printed no address"
run 2 account import "${KS[@]}" --private-key "$DAVE_KEY"
expect_err "refused"
echo "$DAVE_KEY" >"$WORK/dave.key"
run 0 account import "${KS[@]}" --scrypt-n 1024 --private-key-file "$WORK/dave.key"
expect_out "$DAVE"
grep -qF "$DAVE_KEY" "$WORK/out" "$WORK/err" && fail "the private key was printed"
run 1 account import "${KS[@]}" --scrypt-n 1024 --private-key-file "$WORK/dave.key"
expect_err "already in"
run 0 account list --keystore "$WORK/ks" --json
[[ $(json_field 'length') == 2 ]] || fail "account list should show 2 keys"
: >"$WORK/empty"
run 1 account new --keystore "$WORK/ks" --password-file "$WORK/empty"
expect_err "empty"

# --- node unreachable: one clear line
run 1 call --rpc http://127.0.0.1:1 0x5704000000000000000000000000000000000001 "securityCount()(uint256)"
expect_err "cannot reach the node"

# --- create a Reg A+ security (no holding period, so transfers work right away) and a 506(c)
run 0 security create "${R[@]}" --dev-account 0 --preset reg-a-plus --name "Open Co" --symbol OPEN \
  --admin "$ISSUER" --compliance "$OFFICER"
expect_out "created OPEN"
expect_err "development only"
run 0 security create "${R[@]}" --dev-account 0 --preset reg-d-506c --name "Acme Robotics" \
  --symbol ACME --decimals 0 --admin "$ISSUER" --compliance "$OFFICER" --json
[[ $(json_field .security.symbol) == ACME ]] || fail "security create --json lacks the symbol"
run 1 security create "${R[@]}" --dev-account 0 --preset reg-a-plus --name Dup --symbol OPEN \
  --admin "$ISSUER" --compliance "$OFFICER"
expect_err "SymbolTaken"
run 2 security create "${R[@]}" --dev-account 0 --preset reg-z --name X --symbol X \
  --admin "$ISSUER" --compliance "$OFFICER"
expect_err "unknown preset"
run 0 security list "${R[@]}"
expect_out "OPEN"
expect_out "reg-d-506c"

# --- onboarding: a bad file sends nothing; a good one is sent with progress
cat >"$WORK/bad.csv" <<CSV
address,jurisdiction,accreditation,lockupExpiry
$ALICE,US,1,0
0x1234,US,1,0
$BOB,USA,1,0
CSV
run 1 onboard OPEN --file "$WORK/bad.csv" "${R[@]}" --dev-account 2
expect_err "bad.csv:3:"
expect_err "bad.csv:4:"
expect_err "nothing sent"
run 0 call "${R[@]}" OPEN "balanceOf(address)(uint256)" "$ALICE"  # resolves a symbol too
REG=$("$STOA" security list "${R[@]}" --json | jq -r '.[] | select(.symbol=="OPEN") | .registry')
run 0 call "${R[@]}" "$REG" "isWhitelisted(address)(bool)" "$ALICE"
expect_out "false"
cat >"$WORK/investors.csv" <<CSV
address,jurisdiction,accreditation,lockupExpiry
$ALICE,US,1,0
$BOB,US,2,
$DAVE,GB,0,0
CSV
run 0 onboard OPEN --file "$WORK/investors.csv" --chunk 2 "${R[@]}" --dev-account 2
expect_err "onboarded 2/3"
expect_err "onboarded 3/3"
expect_out "onboarded 3 investor(s) to OPEN in 2 transaction(s)"
run 0 call "${R[@]}" "$REG" "isWhitelisted(address)(bool)" "$ALICE"
expect_out "true"
# Without the compliance role the first chunk's estimate is refused: nothing is sent.
run 1 onboard OPEN --file "$WORK/investors.csv" "${R[@]}" --dev-account 3
expect_err "AccessControlUnauthorizedAccount"
expect_err "nothing sent"

# --- issuance and transfers
run 0 mint OPEN "$ALICE" 1000 "${R[@]}" --dev-account 1
expect_out "success"
expect_out "Transfer(from=0x0000000000000000000000000000000000000000, to=$ALICE, value=1000)"
run 1 mint OPEN "$CAROL" 5 "${R[@]}" --dev-account 1
expect_err "TransferRestricted(2): Receiver is not on the KYC whitelist"
run 1 check OPEN "$ALICE" "$CAROL" 10 "${R[@]}"
expect_out "REFUSED"
expect_out "code        2"
run 1 check OPEN "$ALICE" "$CAROL" 10 "${R[@]}" --json
[[ $(json_field .code) == 2 && $(json_field .allowed) == false ]] || fail "check --json"
NONCE_BEFORE=$(curl -fsS -H 'content-type: application/json' "$RPC" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getTransactionCount\",\"params\":[\"$ALICE\",\"pending\"]}" | jq -r .result)
run 1 transfer OPEN "$CAROL" 10 "${R[@]}" --dev-account 3
expect_err "refused, nothing sent: TransferRestricted(2): Receiver is not on the KYC whitelist"
NONCE_AFTER=$(curl -fsS -H 'content-type: application/json' "$RPC" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getTransactionCount\",\"params\":[\"$ALICE\",\"pending\"]}" | jq -r .result)
[[ $NONCE_BEFORE == "$NONCE_AFTER" ]] || fail "a refused transfer was sent"
run 0 check OPEN "$ALICE" "$BOB" 250 "${R[@]}"
expect_out "ALLOWED"
run 0 transfer OPEN "$BOB" 250 "${R[@]}" --dev-account 3 --json
[[ $(json_field .status) == 1 ]] || fail "transfer --json status"
[[ $(json_field '.logs[0].event') == Transfer ]] || fail "transfer --json logs"
# A key from the keystore signs.
run 0 mint OPEN "$DAVE" 100 "${R[@]}" --dev-account 1
run 0 transfer OPEN "$BOB" 40 "${R[@]}" --from "$DAVE" "${KS[@]}"
expect_out "success"
echo "wrong" >"$WORK/wrongpw"
run 1 transfer OPEN "$BOB" 1 "${R[@]}" --from "$DAVE" --keystore "$WORK/ks" --password-file "$WORK/wrongpw"
expect_err "MAC mismatch"
# call/send by signature.
run 0 send "${R[@]}" OPEN "transfer(address,uint256)" "$BOB" 10 --dev-account 3
expect_out "success"
run 0 call "${R[@]}" OPEN "balanceOf(address)(uint256)" "$BOB"
[[ $(cat "$WORK/out") == 300 ]] || fail "bob should hold 300"
run 2 call "${R[@]}" OPEN "balanceOf(address)(uint256)" notanaddress
expect_err "argument 1"

# --- compliance changes, seen through check
run 0 blacklist add OPEN "$BOB" "${R[@]}" --dev-account 2
run 1 check OPEN "$ALICE" "$BOB" 1 "${R[@]}"
expect_out "code        4"
run 0 blacklist remove OPEN "$BOB" "${R[@]}" --dev-account 2
run 0 lockup set OPEN "$ALICE" 2099-01-01 "${R[@]}" --dev-account 2
run 1 check OPEN "$ALICE" "$BOB" 1 "${R[@]}"
expect_out "code        5"
run 0 lockup set OPEN "$ALICE" 0 "${R[@]}" --dev-account 2
run 0 jurisdiction set OPEN "$BOB" KP "${R[@]}" --dev-account 2
run 1 check OPEN "$ALICE" "$BOB" 1 "${R[@]}"
expect_out "code        6"
run 0 jurisdiction set OPEN "$BOB" US "${R[@]}" --dev-account 2
run 0 check OPEN "$ALICE" "$BOB" 1 "${R[@]}"
run 0 whitelist add OPEN "$CAROL" "$NEW" "${R[@]}" --dev-account 2
run 0 call "${R[@]}" "$REG" "isWhitelisted(address)(bool)" "$CAROL"
expect_out "true"
run 0 whitelist remove OPEN "$CAROL" "${R[@]}" --dev-account 2
run 0 call "${R[@]}" "$REG" "isWhitelisted(address)(bool)" "$CAROL"
expect_out "false"

# --- Reg D 506(c): the holding period from issuance (code 18)
cat >"$WORK/acme.csv" <<CSV
$ALICE,US,1,0
$BOB,US,2,0
CSV
run 0 onboard ACME --file "$WORK/acme.csv" "${R[@]}" --dev-account 2
run 0 mint ACME "$ALICE" 500 "${R[@]}" --dev-account 1
run 1 check ACME "$ALICE" "$BOB" 10 "${R[@]}"
expect_out "code        18"
expect_out "LockupModule"

# --- cap table
run 0 cap-table OPEN "${R[@]}" --json
[[ $(json_field .total) == 1100 ]] || fail "cap table total"
[[ $(json_field '.holders[0].address') == "$ALICE" ]] || fail "largest holder first"
[[ $(json_field '.holders[0].balance') == 740 ]] || fail "alice's balance"
[[ $(json_field '.holders[0].percent') == "67.27%" ]] || fail "alice's percentage"
[[ $(json_field '.holders | length') == 3 ]] || fail "three holders"
run 0 cap-table OPEN "${R[@]}"
expect_out "OPEN cap table (3 holder(s), total 1100"

echo "cli_flow: all checks passed"
