#!/usr/bin/env bash
# The holder list as XLSX (libxlsxwriter) read back by an independent reader (exceljs, npm): the
# golden-report test writes it (STOA_TA_XLSX_OUT), tests/e2e/ta_xlsx_check.mjs compares it with
# the golden CSV cell by cell. Usage: ta_xlsx_test.sh TA_TESTS SOURCE_DIR
set -euo pipefail
ta_tests=$1
src=$2
dir=$(mktemp -d /tmp/stoa-ta-xlsx-XXXXXX)
trap 'rm -rf "$dir"' EXIT
STOA_TA_XLSX_OUT=$dir "$ta_tests" --gtest_filter='Backends/GoldenReports.*/Sqlite' >"$dir/log" 2>&1 || {
  cat "$dir/log"
  exit 1
}
test -s "$dir/holders.xlsx"
cd "$src/tests/e2e"
node ta_xlsx_check.mjs "$dir/holders.xlsx" "$src/tests/ta/golden/holders.csv"
