// Validation of the onboarding CSV, every row before any transaction.
#include "stoa/cli/onboard_csv.h"

#include <cctype>
#include <map>

#include "stoa/cli/args.h"

namespace stoa::cli {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  std::string out(s.substr(b, e - b));
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"')
    out = out.substr(1, out.size() - 2);
  return out;
}

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> cells;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    cells.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return cells;
}

bool is_header(const std::vector<std::string>& cells) {
  if (cells.empty()) return false;
  std::string first = cells[0];
  for (char& c : first)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return first == "address" || first == "account";
}

}  // namespace

OnboardFile parse_onboard_csv(std::string_view text) {
  OnboardFile out;
  std::map<Address, size_t> seen;
  size_t line_no = 0;
  size_t pos = 0;
  bool first_content = true;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::vector<std::string> cells = split(line);
    if (first_content) {
      first_content = false;
      if (is_header(cells)) continue;
    }
    auto problem = [&](std::string message) {
      out.problems.push_back({line_no, std::move(message)});
    };
    if (cells.size() != 4) {
      problem("expected 4 columns (address,jurisdiction,accreditation,lockupExpiry), found " +
              std::to_string(cells.size()));
      continue;
    }
    OnboardRow row;
    row.line = line_no;
    bool ok = true;
    try {
      row.account = parse_address_arg(cells[0], "address");
      if (row.account.is_zero()) throw UsageError("address: the zero address cannot be onboarded");
    } catch (const UsageError& e) {
      problem(e.what());
      ok = false;
    }
    try {
      row.jurisdiction = parse_jurisdiction_arg(cells[1], "jurisdiction");
    } catch (const UsageError& e) {
      problem(e.what());
      ok = false;
    }
    if (cells[2] == "0" || cells[2] == "1" || cells[2] == "2" || cells[2].empty()) {
      row.accreditation = cells[2].empty() ? 0 : static_cast<uint8_t>(cells[2][0] - '0');
    } else {
      problem("accreditation: '" + cells[2] + "' must be 0 (none), 1 (accredited) or 2 (QIB)");
      ok = false;
    }
    if (!cells[3].empty()) {
      try {
        row.lockup_expiry = parse_timestamp_arg(cells[3], "lockupExpiry");
      } catch (const UsageError& e) {
        problem(e.what());
        ok = false;
      }
    }
    if (!ok) continue;
    auto [it, inserted] = seen.emplace(row.account, line_no);
    if (!inserted) {
      problem("address " + row.account.checksum_hex() + " already appears on line " +
              std::to_string(it->second));
      continue;
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace stoa::cli
