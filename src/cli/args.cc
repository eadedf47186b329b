// Option parsing and the argument value parsers.
#include "stoa/cli/args.h"

#include <cctype>
#include <charconv>
#include <ctime>

namespace stoa::cli {

bool ParsedArgs::flag(std::string_view name) const {
  return flags.find(name) != flags.end();
}

std::optional<std::string> ParsedArgs::get(std::string_view name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string ParsedArgs::get_or(std::string_view name, std::string fallback) const {
  auto v = get(name);
  return v ? *v : std::move(fallback);
}

std::string ParsedArgs::require(std::string_view name) const {
  auto v = get(name);
  if (!v) throw UsageError("missing " + std::string(name));
  return *v;
}

std::optional<uint64_t> ParsedArgs::get_u64(std::string_view name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  return parse_u64_arg(*v, name);
}

std::optional<Address> ParsedArgs::get_address(std::string_view name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  return parse_address_arg(*v, name);
}

ParsedArgs parse_args(const std::vector<std::string>& args, const OptionSpec& spec) {
  ParsedArgs out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 3 || a.rfind("--", 0) != 0) {
      if (!options_done && a == "--") {
        options_done = true;
        continue;
      }
      out.positional.push_back(a);
      continue;
    }
    std::string name = a;
    std::optional<std::string> inline_value;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    if (spec.flags.count(name)) {
      if (inline_value) throw UsageError(name + " takes no value");
      out.flags.insert(name);
      continue;
    }
    if (!spec.with_value.count(name)) throw UsageError("unknown option " + name);
    if (out.values.count(name)) throw UsageError(name + " given more than once");
    if (inline_value) {
      out.values[name] = *inline_value;
    } else {
      if (i + 1 >= args.size()) throw UsageError(name + " needs a value");
      out.values[name] = args[++i];
    }
  }
  return out;
}

Address parse_address_arg(std::string_view text, std::string_view what) {
  auto a = Address::parse(text);
  if (!a)
    throw UsageError(std::string(what) + ": '" + std::string(text) +
                     "' is not an address (0x + 40 hex digits, EIP-55 checksum if mixed case)");
  return *a;
}

uint64_t parse_u64_arg(std::string_view text, std::string_view what) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size())
    throw UsageError(std::string(what) + ": '" + std::string(text) +
                     "' is not a non-negative integer (up to 2^64-1)");
  return v;
}

U256 parse_amount_arg(std::string_view text, std::string_view what) {
  auto v = U256::parse(text);
  if (!v)
    throw UsageError(std::string(what) + ": '" + std::string(text) +
                     "' is not an amount (whole number of minor units, up to 2^256-1)");
  return *v;
}

std::string parse_jurisdiction_arg(std::string_view text, std::string_view what) {
  if (text.size() != 2 || !std::isalpha(static_cast<unsigned char>(text[0])) ||
      !std::isalpha(static_cast<unsigned char>(text[1])))
    throw UsageError(std::string(what) + ": '" + std::string(text) +
                     "' is not a two-letter ISO 3166-1 alpha-2 code");
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

uint64_t parse_timestamp_arg(std::string_view text, std::string_view what) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    int y = 0, m = 0, d = 0;
    auto num = [&](size_t pos, size_t len, int& out) {
      auto [p, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
      return ec == std::errc() && p == text.data() + pos + len;
    };
    if (num(0, 4, y) && num(5, 2, m) && num(8, 2, d) && y >= 1970 && m >= 1 && m <= 12 && d >= 1 &&
        d <= 31) {
      std::tm tm{};
      tm.tm_year = y - 1900;
      tm.tm_mon = m - 1;
      tm.tm_mday = d;
      const time_t t = timegm(&tm);
      // timegm normalises 2024-02-30 to March: refuse dates that do not exist.
      std::tm back{};
      gmtime_r(&t, &back);
      if (t >= 0 && back.tm_mday == d && back.tm_mon == m - 1) return static_cast<uint64_t>(t);
    }
    throw UsageError(std::string(what) + ": '" + std::string(text) + "' is not a valid date");
  }
  try {
    return parse_u64_arg(text, what);
  } catch (const UsageError&) {
    throw UsageError(std::string(what) + ": '" + std::string(text) +
                     "' is neither a Unix timestamp (seconds) nor a date YYYY-MM-DD");
  }
}

}  // namespace stoa::cli
