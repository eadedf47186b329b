#!/usr/bin/env bash
# The transfer agent's access, documents, 17Ad-17 and statement commands on a fresh SQLite
# register (docs/transfer-agent.md): `stoa apikey`, `stoa document`, `stoa lost-holder`,
# `stoa statement`, with their outputs checked and bad input refused (exit 1, nothing written).
# Usage: ta_access_cli_test.sh STOA_BIN
set -euo pipefail
stoa=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir d
fail() { echo "FAIL: $*" >&2; exit 1; }
head -c 32 /dev/urandom > ta.key
printf '123-45-6789' > tin
id=$("$stoa" investor add --kind individual --name "Ada Lovelace" --tax-id-file tin \
  --tax-id-type SSN --residency US --ta-key ta.key --data d)
[[ $id == 1 ]] || fail "investor id $id"

# API keys: printed once, listed without the secret, revoked.
out=$("$stoa" apikey create --role compliance-officer --label "compliance desk" --data d)
key=$(sed -n 's/^key (shown once): //p' <<<"$out")
kid=$(sed -n 's/^key id: //p' <<<"$out")
[[ $key == stoa_k_${kid}_* && ${#key} == 88 ]] || fail "key format: $key"
list=$("$stoa" apikey list --data d)
grep -q "^$kid,compliance-officer,\*,compliance desk," <<<"$list" || fail "key list: $list"
! grep -q "${key:24}" <<<"$list" || fail "the secret is listed"
! grep -qr --text "${key:24}" d || fail "the secret is stored"
"$stoa" apikey revoke "$kid" --data d >/dev/null
"$stoa" apikey list --data d | grep -q "^$kid,.*,20[0-9-]*T[0-9:]*Z$" || fail "not revoked"
if "$stoa" apikey revoke "$kid" --data d 2>/dev/null; then fail "revoked twice"; fi
if "$stoa" apikey create --role janitor --label x --data d 2>/dev/null; then fail "bad role"; fi

# A document: its SHA-256, a grant, the bytes back, the ERC-1643 call data.
printf 'hello\n' > f.txt
doc=$("$stoa" document add f.txt --name PPM --media-type text/plain --data d)
[[ $doc == "1,PPM,,text/plain,0x$(sha256sum f.txt | cut -c1-64),6," ]] || fail "document: $doc"
grant=$("$stoa" document grant 1 --to 0x00000000000000000000000000000000000000AA \
  --permission view --data d)
"$stoa" document grants 1 --data d | grep -q "^$grant,0x0*aa,view,," || fail "grant"
"$stoa" document get 1 --out g.txt --data d >/dev/null
cmp f.txt g.txt || fail "content differs"
"$stoa" document calldata 1 --data d | grep -q "^0x010648ca" || fail "setDocument selector"
if "$stoa" document grant 1 --to nobody --permission view --data d 2>/dev/null; then
  fail "bad grantee"
fi

# 17Ad-17: marked, due between 3 and 12 months, the first search recorded.
"$stoa" lost-holder mark 1 --returned 2026-01-10 --data d >/dev/null
[[ $("$stoa" lost-holder due --on 2026-05-01 --data d | tail -1) == "1,1,1,2026-04-10,2027-01-10,due" ]] ||
  fail "due"
[[ $("$stoa" lost-holder due --on 2026-02-01 --data d | wc -l) == 1 ]] || fail "due too early"
"$stoa" lost-holder search 1 1 --on 2026-05-01 --result not-found --data d | grep -q "^recorded$"
[[ $("$stoa" lost-holder due --on 2026-11-01 --data d | tail -1) == "1,1,2,2026-11-01,2027-05-01,due" ]] ||
  fail "second search"
if "$stoa" lost-holder mark 1 --returned 2026-02-01 --data d 2>/dev/null; then fail "lost twice"; fi

# A statement as PDF and JSON.
"$stoa" statement 1 --year 2026 --out s.pdf --ta-key ta.key --data d
[[ $(head -c 5 s.pdf) == "%PDF-" ]] || fail "not a PDF"
"$stoa" statement 1 --year 2026 --format json --out s.json --ta-key ta.key --data d
grep -q '"taxId": "\*\*\*-\*\*-6789"' s.json || fail "the tax id is not masked"
echo OK
