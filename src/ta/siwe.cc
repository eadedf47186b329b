// EIP-4361 messages (include/stoa/ta/siwe.h).
#include "stoa/ta/siwe.h"

#include <cctype>
#include <ctime>

namespace stoa::ta {
namespace {

constexpr std::string_view kPreamble = " wants you to sign in with your Ethereum account:";

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
  }
}

bool digits(std::string_view s, size_t at, size_t n, int* v) {
  if (at + n > s.size()) return false;
  int x = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return true;
}

// The field "Key: value" at line `i`, if the line is that key's.
std::optional<std::string_view> field(const std::vector<std::string_view>& lines, size_t i,
                                      std::string_view key) {
  if (i >= lines.size()) return std::nullopt;
  const std::string_view l = lines[i];
  if (!l.starts_with(key) || l.size() < key.size() + 2 || l.substr(key.size(), 2) != ": ") {
    return std::nullopt;
  }
  return l.substr(key.size() + 2);
}

std::string_view required(const std::vector<std::string_view>& lines, size_t* i,
                          std::string_view key) {
  const auto v = field(lines, *i, key);
  if (!v || v->empty())
    throw SiweError("expected \"" + std::string(key) + ": ...\" on line " + std::to_string(*i + 1));
  ++*i;
  return *v;
}

std::optional<int64_t> optional_time(const std::vector<std::string_view>& lines, size_t* i,
                                     std::string_view key) {
  const auto v = field(lines, *i, key);
  if (!v) return std::nullopt;
  ++*i;
  const auto t = parse_rfc3339(*v);
  if (!t) throw SiweError(std::string(key) + ": not an RFC 3339 date-time");
  return t;
}

void parse_header(const std::vector<std::string_view>& lines, SiweMessage* m) {
  if (lines.size() < 4 || !lines[0].ends_with(kPreamble)) {
    throw SiweError("not a Sign-In with Ethereum message (EIP-4361)");
  }
  std::string_view origin = lines[0].substr(0, lines[0].size() - kPreamble.size());
  if (const size_t sep = origin.find("://"); sep != std::string_view::npos) {
    m->scheme = origin.substr(0, sep);
    origin = origin.substr(sep + 3);
  }
  if (origin.empty() || origin.find_first_of(" /") != std::string_view::npos) {
    throw SiweError("the domain is not an RFC 3986 authority");
  }
  m->domain = origin;
  const auto a = Address::parse(lines[1]);
  if (!a || a->checksum_hex() != lines[1]) {
    throw SiweError("line 2: expected an address in EIP-55 checksum form");
  }
  m->address = *a;
}

void parse_nonce_and_chain(std::string_view chain, std::string_view nonce, SiweMessage* m) {
  if (chain.size() > 19 || chain.find_first_not_of("0123456789") != std::string_view::npos) {
    throw SiweError("Chain ID: expected a number");
  }
  m->chain_id = std::stoull(std::string(chain));
  if (nonce.size() < 8) throw SiweError("Nonce: at least 8 characters");
  for (const char c : nonce) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) throw SiweError("Nonce: alphanumeric");
  }
  m->nonce = nonce;
}

}  // namespace

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, &mo) ||
      s[7] != '-' || !digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2, &h) || s[13] != ':' || !digits(s, 14, 2, &mi) || s[16] != ':' ||
      !digits(s, 17, 2, &se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0)
      ++i;
    if (i == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
  } else if (int oh = 0, om = 0; i + 6 == s.size() && (s[i] == '+' || s[i] == '-') &&
                                 digits(s, i + 1, 2, &oh) && s[i + 3] == ':' &&
                                 digits(s, i + 4, 2, &om)) {
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

SiweMessage parse_siwe(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  SiweMessage m;
  parse_header(lines, &m);
  if (!lines[2].empty()) throw SiweError("line 3: expected an empty line");
  size_t i = 3;
  if (!lines[3].empty()) {  // a statement, then an empty line
    m.statement = lines[3];
    if (lines.size() < 5 || !lines[4].empty())
      throw SiweError("expected an empty line after the statement");
    i = 5;
  } else {
    i = 4;
  }
  m.uri = required(lines, &i, "URI");
  m.version = required(lines, &i, "Version");
  if (m.version != "1") throw SiweError("Version: only 1 is defined");
  const std::string_view chain = required(lines, &i, "Chain ID");
  parse_nonce_and_chain(chain, required(lines, &i, "Nonce"), &m);
  const auto issued = parse_rfc3339(required(lines, &i, "Issued At"));
  if (!issued) throw SiweError("Issued At: not an RFC 3339 date-time");
  m.issued_at = *issued;
  m.expiration_time = optional_time(lines, &i, "Expiration Time");
  m.not_before = optional_time(lines, &i, "Not Before");
  if (const auto r = field(lines, i, "Request ID")) {
    m.request_id = *r;
    ++i;
  }
  if (i < lines.size() && lines[i] == "Resources:") {
    for (++i; i < lines.size() && lines[i].starts_with("- "); ++i)
      m.resources.emplace_back(lines[i].substr(2));
  }
  if (i != lines.size()) throw SiweError("unexpected text on line " + std::to_string(i + 1));
  return m;
}

}  // namespace stoa::ta
