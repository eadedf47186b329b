// Reports as Excel workbooks (docs/transfer-agent.md, "Holder list"), written with libxlsxwriter
// (Debian libxlsxwriter-dev) in its constant-memory mode: rows go to the file as they are
// written, so a holder list of a million rows needs no more memory than one row. Amounts are
// text cells (a uint256 does not fit a spreadsheet's double without rounding); percentages are
// numbers with four decimals. The workbook's creation time is the block's time, so the same
// report gives the same workbook content.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>

#include "stoa/ta/cap_table.h"

namespace stoa::ta {

struct XlsxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// rows written, rows in all; called every 100,000 rows and at the end.
using ReportProgress = std::function<void(size_t done, size_t total)>;

// The holder list (a "Holders" sheet: the CSV's columns) and a "Summary" sheet (the security, the
// block, the totals, the counts and the flags). Throws XlsxError.
void write_holder_list_xlsx(const CapTable& holder_list, const std::string& path,
                            const ReportProgress& progress = {});

}  // namespace stoa::ta
