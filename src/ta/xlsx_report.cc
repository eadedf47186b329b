// Reports as Excel workbooks (include/stoa/ta/xlsx_report.h).
#include "stoa/ta/xlsx_report.h"

#include <xlsxwriter.h>

#include <cstdlib>
#include <memory>

#include "stoa/common/address.h"

namespace stoa::ta {
namespace {

struct WorkbookCloser {
  void operator()(lxw_workbook* wb) const {
    if (wb != nullptr) workbook_close(wb);
  }
};

void check(lxw_error e, const char* what) {
  if (e != LXW_NO_ERROR) throw XlsxError(std::string(what) + ": " + lxw_strerror(e));
}

void summary_row(lxw_worksheet* ws, lxw_row_t row, const std::string& key,
                 const std::string& value) {
  check(worksheet_write_string(ws, row, 0, key.c_str(), nullptr), "summary");
  check(worksheet_write_string(ws, row, 1, value.c_str(), nullptr), "summary");
}

void write_summary(lxw_worksheet* ws, const CapTable& t) {
  std::string flags;
  for (const std::string& f : t.flags)
    flags += (flags.empty() ? "" : " ") + f;
  const std::pair<const char*, std::string> rows[] = {
      {"security", Address::parse(t.token)->checksum_hex()},
      {"symbol", t.symbol},
      {"name", t.name},
      {"block", std::to_string(t.block)},
      {"block hash", t.block_hash},
      {"date", t.date},
      {"total", t.total.to_dec()},
      {"holders", std::to_string(t.holders.size())},
      {"holders of record", std::to_string(t.holders_of_record)},
      {"non-accredited holders", std::to_string(t.non_accredited_holders)},
      {"non-accredited purchasers", std::to_string(t.non_accredited_purchasers)},
      {"flags", flags}};
  lxw_row_t r = 0;
  for (const auto& [k, v] : rows)
    summary_row(ws, r++, k, v);
}

void write_holders(lxw_workbook* wb, lxw_worksheet* ws, const CapTable& t,
                   const ReportProgress& progress) {
  lxw_format* pct = workbook_add_format(wb);
  format_set_num_format(pct, "0.0000");
  const char* head[] = {"holder", "balance",    "percent",      "stakeholder_id",
                        "kind",   "legal_name", "jurisdiction", "accreditation"};
  for (lxw_col_t c = 0; c < 8; ++c)
    check(worksheet_write_string(ws, 0, c, head[c], nullptr), "header");
  lxw_row_t row = 1;
  for (const CapTableHolder& h : t.holders) {
    const std::string addr = Address::parse(h.holder)->checksum_hex();
    check(worksheet_write_string(ws, row, 0, addr.c_str(), nullptr), "holder");
    check(worksheet_write_string(ws, row, 1, h.balance.to_dec().c_str(), nullptr), "balance");
    check(worksheet_write_number(ws, row, 2, std::strtod(h.percent.c_str(), nullptr), pct), "pct");
    if (h.stakeholder) {
      check(worksheet_write_number(ws, row, 3, static_cast<double>(*h.stakeholder), nullptr), "id");
    }
    const std::string* text[] = {&h.kind, &h.legal_name, &h.jurisdiction, &h.accreditation};
    for (lxw_col_t c = 0; c < 4; ++c) {
      if (!text[c]->empty()) {
        check(worksheet_write_string(ws, row, static_cast<lxw_col_t>(4 + c), text[c]->c_str(),
                                     nullptr),
              "text");
      }
    }
    if (progress && row % 100000 == 0) progress(row, t.holders.size());
    ++row;
  }
  if (progress) progress(t.holders.size(), t.holders.size());
}

}  // namespace

void write_holder_list_xlsx(const CapTable& t, const std::string& path,
                            const ReportProgress& progress) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.use_zip64 = LXW_TRUE;
  std::unique_ptr<lxw_workbook, WorkbookCloser> wb(workbook_new_opt(path.c_str(), &options));
  if (!wb) throw XlsxError("cannot create " + path);
  lxw_doc_properties props{};
  std::string title = "Holder list " + t.symbol + " at block " + std::to_string(t.block);
  props.title = title.data();
  props.created = static_cast<time_t>(t.block_timestamp);
  check(workbook_set_properties(wb.get(), &props), "properties");
  lxw_worksheet* holders = workbook_add_worksheet(wb.get(), "Holders");
  lxw_worksheet* summary = workbook_add_worksheet(wb.get(), "Summary");
  if (holders == nullptr || summary == nullptr) throw XlsxError("cannot add a worksheet");
  write_holders(wb.get(), holders, t, progress);
  write_summary(summary, t);
  const lxw_error e = workbook_close(wb.release());
  if (e != LXW_NO_ERROR) throw XlsxError("cannot write " + path + ": " + lxw_strerror(e));
}

}  // namespace stoa::ta
