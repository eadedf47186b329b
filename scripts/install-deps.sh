#!/usr/bin/env bash
# Installs what stoa needs to build, test and run, from Debian's packages and npm only.
# Idempotent: installs only what is missing. Used by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# One line per package; the reason for each is in README.md ("Dependencies").
APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libssl-dev            # SHA-2, HMAC, scrypt, AES (OpenSSL 3)
  libsecp256k1-dev      # secp256k1 signatures with public-key recovery (bitcoin-core library)
  libcrypto++-dev       # reference Keccak-256 for the Keccak tests and benchmark
  libabsl-dev           # absl::flat_hash_map for the state's hot maps
  nlohmann-json3-dev    # JSON for scenarios, ABI documents and the node
  libboost1.81-dev      # Boost.Beast/Asio (header-only): the node's HTTP and WebSocket server
  libcpp-httplib-dev    # HTTP/1.1 client for the CLI, the tests and the load generators
  libsqlite3-dev        # the transfer agent's default database (a file in the data directory)
  libpq-dev             # the transfer agent on PostgreSQL (--db postgresql://...)
  libxlsxwriter-dev     # holder lists as Excel workbooks (stoa report holders --format xlsx)
  postgresql-15         # the PostgreSQL server the transfer-agent tests start for themselves
  libhpdf-dev           # libharu: the transfer agent's year-end statements as PDF
  poppler-utils         # pdftoppm: the statement test renders the PDF to an image
  jq curl python3       # the CLI flow test, the crash and journal tests, bench.sh
  libgtest-dev libgmock-dev  # unit tests
  libbenchmark-dev      # bench/
  clang-format clang-tidy    # style and lint gates
  clang libfuzzer-14-dev     # coverage-guided fuzzing of the decoders (scripts/fuzz.sh)
  chromium              # headless browser for the browser dapp test (tests/e2e/browser.test.js)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js runs the end-to-end suite with a real Ethereum client library (ethers, from npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: installing Debian packages: nodejs npm"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
# npm packages: installed when node_modules is missing, and again (npm ci) when package-lock.json
# changed since: a stamp in node_modules holds the lock file installed (without a stamp, from an
# older install-deps: when the lock file is newer than node_modules).
npm_install() {
  local dir=$1 what=$2
  [ -f "$dir/package.json" ] || return 0
  local stamp="$dir/node_modules/.stoa-lock-installed"
  if [ -d "$dir/node_modules" ]; then
    if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then return 0; fi
    if [ ! -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
      cp "$dir/package-lock.json" "$stamp"
      return 0
    fi
  fi
  echo "install-deps: installing npm packages for $dir ($what)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
}
npm_install tests/e2e "ethers, viem, playwright-core, esbuild, @redocly/cli, T-REX, ONCHAINID"
npm_install bench/load "the ERC-3643 reference and Hardhat"
