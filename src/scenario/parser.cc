// The .scn parser: one statement per line (a trailing backslash continues a line), # comments.
#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

#include "stoa/core/presets.h"
#include "stoa/scenario/scenario.h"
#include "text.h"

namespace stoa::scenario {

ScenarioError::ScenarioError(std::string file, int line, const std::string& message)
    : std::runtime_error(file + ":" + std::to_string(line) + ": " + message),
      file_(std::move(file)),
      line_(line),
      message_(message) {}

namespace internal {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

namespace {
// Walks `s` calling `at(i, depth)` for every character outside quoted strings; returns false on
// unbalanced quotes or brackets.
template <typename F>
bool walk(std::string_view s, std::string* error, F&& at) {
  std::vector<char> stack;
  bool in_quote = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_quote) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quote = false;
      }
      continue;
    }
    if (c == '"') {
      in_quote = true;
      continue;
    }
    if (!at(i, stack.size())) return true;
    if (c == '(' || c == '[') {
      stack.push_back(c == '(' ? ')' : ']');
    } else if (c == ')' || c == ']') {
      if (stack.empty() || stack.back() != c) {
        if (error) *error = std::string("unbalanced '") + c + "'";
        return false;
      }
      stack.pop_back();
    }
  }
  if (in_quote) {
    if (error) *error = "unterminated quoted string";
    return false;
  }
  if (!stack.empty()) {
    if (error) *error = std::string("missing '") + stack.back() + "'";
    return false;
  }
  return true;
}
}  // namespace

std::optional<std::vector<std::string>> split_top(std::string_view s, char sep,
                                                  std::string* error) {
  std::vector<std::string> out;
  size_t start = 0;
  bool ok = walk(s, error, [&](size_t i, size_t depth) {
    if (depth == 0 && s[i] == sep) {
      out.emplace_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
    return true;
  });
  if (!ok) return std::nullopt;
  out.emplace_back(trim(s.substr(start)));
  return out;
}

size_t find_top(std::string_view s, std::string_view needle) {
  size_t found = std::string_view::npos;
  walk(s, nullptr, [&](size_t i, size_t depth) {
    if (depth == 0 && s.substr(i, needle.size()) == needle) {
      found = i;
      return false;
    }
    return true;
  });
  return found;
}

std::optional<std::string> unquote(std::string_view s) {
  s = trim(s);
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return std::nullopt;
    if (c == '\\') {
      if (i + 2 >= s.size()) return std::nullopt;
      c = s[++i];
      if (c != '"' && c != '\\') return std::nullopt;
    }
    out.push_back(c);
  }
  return out;
}

std::optional<uint64_t> unit_seconds(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 10> kUnits = {{
      {"second", 1},
      {"seconds", 1},
      {"minute", 60},
      {"minutes", 60},
      {"hour", 3600},
      {"hours", 3600},
      {"day", 86400},
      {"days", 86400},
      {"week", 7 * 86400},
      {"weeks", 7 * 86400},
  }};
  for (const auto& [name, secs] : kUnits) {
    if (name == unit) return secs;
  }
  return std::nullopt;
}

std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
      prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  const std::string* best = nullptr;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = &c;
    }
  }
  return best == nullptr ? "" : " (did you mean '" + *best + "'?)";
}

}  // namespace internal

// ----------------------------------------------------------------------------- time

namespace {
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}
bool digits(std::string_view s, size_t pos, size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}
}  // namespace

std::optional<uint64_t> parse_time(std::string_view s) {
  s = internal::trim(s);
  if (!s.empty() && s[0] == '@') {
    s.remove_prefix(1);
    if (s.empty() || s.size() > 19) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
  }
  unsigned y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  size_t pos = 10;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, h) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
        !digits(s, pos + 3, 2, mi)) {
      return std::nullopt;
    }
    pos += 5;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, se)) return std::nullopt;
      pos += 3;
    }
    if (pos < s.size() && s[pos] == 'Z') ++pos;
    if (pos != s.size()) return std::nullopt;
  }
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] ||
      (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 59) {
    return std::nullopt;
  }
  const int64_t days = days_from_civil(y, mo, d);
  return static_cast<uint64_t>(days) * 86400 + h * 3600 + mi * 60 + se;
}

std::string format_time(uint64_t t) {
  int64_t y;
  unsigned m, d;
  civil_from_days(static_cast<int64_t>(t / 86400), y, m, d);
  const uint64_t s = t % 86400;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(y), m,
                d, static_cast<unsigned>(s / 3600), static_cast<unsigned>(s / 60 % 60),
                static_cast<unsigned>(s % 60));
  return buf;
}

// ----------------------------------------------------------------------------- parser

namespace {
using internal::find_top;
using internal::is_identifier;
using internal::split_top;
using internal::trim;

constexpr std::array<std::string_view, 8> kKeywords = {"scenario", "genesis",  "accounts", "time",
                                                       "advance",  "security", "expect",   "emits"};
// Words with a meaning in arguments; they cannot name accounts.
constexpr std::array<std::string_view, 9> kReservedNames = {
    "operator", "factory", "zero", "now", "max", "true", "false", "ok", "_"};

bool is_keyword(std::string_view w) {
  return std::find(kKeywords.begin(), kKeywords.end(), w) != kKeywords.end();
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : text_(text) { sc_.file = file; }

  Scenario parse() {
    int line_no = 0;
    size_t pos = 0;
    while (pos <= text_.size()) {
      // One logical line: physical lines joined while they end with a backslash.
      const int first = line_no + 1;
      std::string logical;
      bool more = true;
      while (more && pos <= text_.size()) {
        size_t end = text_.find('\n', pos);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view phys = text_.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!phys.empty() && phys.back() == '\r') phys.remove_suffix(1);
        std::string stripped = strip_comment(phys, first);
        std::string_view t = trim(stripped);
        more = !t.empty() && t.back() == '\\';
        if (more) t.remove_suffix(1);
        if (!logical.empty()) logical += ' ';
        logical += trim(t);
      }
      line_ = first;
      std::string_view l = trim(logical);
      if (!l.empty()) statement(l);
      if (pos > text_.size()) break;
    }
    return std::move(sc_);
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const {
    throw ScenarioError(sc_.file, line_, msg);
  }

  std::string strip_comment(std::string_view s, int line) {
    bool in_quote = false;
    for (size_t i = 0; i < s.size(); ++i) {
      if (in_quote) {
        if (s[i] == '\\') {
          ++i;
        } else if (s[i] == '"') {
          in_quote = false;
        }
      } else if (s[i] == '"') {
        in_quote = true;
      } else if (s[i] == '#') {
        return std::string(s.substr(0, i));
      }
    }
    (void)line;
    return std::string(s);
  }

  void statement(std::string_view l) {
    size_t sp = 0;
    while (sp < l.size() && !std::isspace(static_cast<unsigned char>(l[sp])))
      ++sp;
    std::string_view word = l.substr(0, sp);
    std::string_view rest = trim(l.substr(sp));
    Step st;
    st.line = line_;
    st.source = std::string(l);
    if (word == "scenario") {
      auto title = internal::unquote(rest);
      if (!title) fail("expected scenario \"title\"");
      if (!sc_.title.empty()) fail("the scenario already has a title");
      sc_.title = *title;
      return;
    }
    if (word == "genesis") {
      genesis(rest, st);
    } else if (word == "accounts") {
      accounts(rest, st);
    } else if (word == "time") {
      st.kind = Step::Kind::kTime;
      auto t = parse_time(rest);
      if (!t) {
        fail("invalid time '" + std::string(rest) +
             "' (expected a UTC date or date-time: 2026-01-01, 2026-01-01T09:30:00Z, or @unix)");
      }
      st.timestamp = *t;
      started_ = true;
    } else if (word == "advance") {
      advance(rest, st);
    } else if (word == "security") {
      security(rest, st);
    } else if (word == "expect") {
      st.kind = Step::Kind::kExpect;
      std::string tail = call_expr(rest, st.call);
      if (tail.empty()) fail("expect needs '== value' or '-> revert …' after the view");
      if (tail.rfind("==", 0) == 0) {
        st.outcome.kind = Outcome::Kind::kReturns;
        st.outcome.text = tail;
        st.outcome.values = values(trim(std::string_view(tail).substr(2)), "==");
      } else {
        st.outcome = arrow(tail);
      }
      started_ = true;
    } else if (word == "emits") {
      st.kind = Step::Kind::kEmits;
      if (!after_call_) fail("emits must follow a call (it checks that call's events)");
      std::string tail = call_expr(rest, st.call);
      if (!tail.empty()) fail("unexpected text after the event: '" + tail + "'");
    } else {
      // A call: <sender> <target>.<function>(args) [-> outcome]
      st.kind = Step::Kind::kCall;
      if (!is_identifier(word) && word.rfind("0x", 0) != 0) {
        fail("unknown statement '" + std::string(word) +
             "' (expected a keyword — scenario, genesis, accounts, time, advance, security, "
             "expect, emits — or a sender followed by a call)");
      }
      if (rest.empty() || rest.find('(') == std::string_view::npos) {
        fail("'" + std::string(word) + "' is not a keyword; a call is written " +
             "<sender> <target>.<function>(arguments)" + internal::suggest(word, keywords()));
      }
      st.sender = std::string(word);
      std::string tail = call_expr(rest, st.call);
      st.outcome = tail.empty() ? Outcome{} : arrow(tail);
      started_ = true;
    }
    after_call_ = st.kind == Step::Kind::kCall || st.kind == Step::Kind::kSecurity ||
                  st.kind == Step::Kind::kEmits;
    sc_.steps.push_back(std::move(st));
  }

  static std::vector<std::string> keywords() { return {kKeywords.begin(), kKeywords.end()}; }

  void genesis(std::string_view rest, Step& st) {
    st.kind = Step::Kind::kGenesis;
    if (started_ || have_genesis_) fail("genesis must come once, before any time, call or expect");
    have_genesis_ = true;
    auto words = split_words(rest);
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i] == "chain-id" && i + 1 < words.size()) {
        st.chain_id = number(words[++i], "chain id");
        if (st.chain_id == 0) fail("chain id must be positive");
      } else if (words[i] == "allow-role-overlap") {
        st.allow_role_overlap = true;
      } else {
        fail("unknown genesis setting '" + words[i] +
             "' (expected chain-id N and/or allow-role-overlap)");
      }
    }
  }

  void accounts(std::string_view rest, Step& st) {
    st.kind = Step::Kind::kAccounts;
    st.names = split_words(rest);
    if (st.names.empty()) fail("accounts needs at least one name");
    for (const std::string& n : st.names) {
      if (!is_identifier(n)) {
        fail("invalid account name '" + n + "' (letters, digits and _, starting with a letter)");
      }
      if (is_keyword(n) ||
          std::find(kReservedNames.begin(), kReservedNames.end(), n) != kReservedNames.end() ||
          (n.size() > 5 && n.substr(n.size() - 5) == "_ROLE")) {
        fail("'" + n + "' is a reserved word and cannot name an account");
      }
      if (std::find(declared_.begin(), declared_.end(), n) != declared_.end()) {
        fail("account '" + n + "' is declared twice");
      }
      declared_.push_back(n);
    }
  }

  void advance(std::string_view rest, Step& st) {
    st.kind = Step::Kind::kAdvance;
    auto words = split_words(rest);
    if (words.size() != 2) fail("expected advance N seconds|minutes|hours|days|weeks");
    const uint64_t n = number(words[0], "duration");
    auto unit = internal::unit_seconds(words[1]);
    if (!unit) fail("unknown unit '" + words[1] + "' (seconds, minutes, hours, days, weeks)");
    if (n > std::numeric_limits<uint64_t>::max() / *unit) fail("duration too large");
    st.seconds = n * *unit;
    started_ = true;
  }

  void security(std::string_view rest, Step& st) {
    st.kind = Step::Kind::kSecurity;
    started_ = true;
    std::string_view decl = rest;
    const size_t arrow_pos = find_top(rest, "->");
    if (arrow_pos != std::string_view::npos) {
      decl = trim(rest.substr(0, arrow_pos));
      st.outcome = arrow(std::string(trim(rest.substr(arrow_pos))));
    }
    auto words = split_words(decl);
    const char* usage =
        "expected security SYM preset KEY admin ACCOUNT compliance ACCOUNT [name \"…\"] "
        "[decimals N]";
    if (words.empty()) fail(usage);
    SecurityDecl& d = st.security;
    d.symbol = words[0];
    bool have_preset = false, have_admin = false, have_compliance = false;
    for (size_t i = 1; i < words.size(); i += 2) {
      if (i + 1 >= words.size()) fail("'" + words[i] + "' needs a value; " + usage);
      const std::string& k = words[i];
      const std::string& v = words[i + 1];
      if (k == "preset") {
        if (core::find_preset_by_key(v) == nullptr) {
          std::vector<std::string> keys;
          std::string list;
          for (const auto& p : core::all_presets()) {
            keys.emplace_back(p.key);
            list += (list.empty() ? "" : ", ") + std::string(p.key);
          }
          std::string msg = "unknown preset '" + v + "'";
          msg += internal::suggest(v, keys);
          msg += "; presets: ";
          msg += list;
          fail(msg);
        }
        d.preset = v;
        have_preset = true;
      } else if (k == "admin") {
        d.admin = v;
        have_admin = true;
      } else if (k == "compliance") {
        d.compliance = v;
        have_compliance = true;
      } else if (k == "name") {
        auto n = internal::unquote(v);
        if (!n) fail("name must be a \"quoted string\"");
        d.name = *n;
      } else if (k == "decimals") {
        d.decimals = number(v, "decimals");
      } else {
        fail("unknown security setting '" + k + "'; " + usage);
      }
    }
    if (!have_preset || !have_admin || !have_compliance) fail(usage);
    if (d.name.empty()) d.name = d.symbol;
    st.call.target = "factory";
    st.call.function = "createSecurity";
    st.call.text = "security " + std::string(decl);
  }

  // Words separated by spaces; a "quoted string" is one word (kept with its quotes).
  std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
        ++i;
      if (i >= s.size()) break;
      size_t start = i;
      if (s[i] == '"') {
        ++i;
        while (i < s.size() && s[i] != '"')
          i += (s[i] == '\\') ? 2 : 1;
        if (i >= s.size()) fail("unterminated quoted string");
        ++i;
      } else {
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
          ++i;
      }
      out.emplace_back(s.substr(start, i - start));
    }
    return out;
  }

  uint64_t number(const std::string& w, const char* what) {
    if (w.empty() || w.size() > 19 || !std::all_of(w.begin(), w.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      fail(std::string("invalid ") + what + " '" + w + "' (expected a whole number)");
    }
    return std::stoull(w);
  }

  // Parses `target.function(args)` at the start of `s`; returns the trimmed text after it.
  std::string call_expr(std::string_view s, CallExpr& out) {
    s = trim(s);
    const size_t open = s.find('(');
    const char* usage = "expected target.function(arguments), e.g. ACME.token.transfer(bob, 10)";
    if (open == std::string_view::npos) fail(usage);
    std::string_view head = trim(s.substr(0, open));
    if (head.find_first_of(" \t\"") != std::string_view::npos) fail(usage);
    const size_t dot = head.rfind('.');
    if (dot == std::string_view::npos || dot == 0) fail(usage);
    out.target = std::string(head.substr(0, dot));
    out.function = std::string(head.substr(dot + 1));
    if (!is_identifier(out.function)) fail("invalid function name '" + out.function + "'");
    // The matching ')'.
    size_t close = std::string_view::npos;
    int depth = 0;
    bool in_quote = false;
    for (size_t i = open; i < s.size(); ++i) {
      const char c = s[i];
      if (in_quote) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_quote = false;
        }
        continue;
      }
      if (c == '"') {
        in_quote = true;
      } else if (c == '(' || c == '[') {
        ++depth;
      } else if (c == ')' || c == ']') {
        if (--depth == 0) {
          if (c != ')') fail("unbalanced ']' in the arguments");
          close = i;
          break;
        }
      }
    }
    if (close == std::string_view::npos) {
      fail(in_quote ? "unterminated quoted string in the arguments"
                    : "missing ')' at the end of the arguments");
    }
    std::string_view inner = trim(s.substr(open + 1, close - open - 1));
    out.args.clear();
    if (!inner.empty()) {
      std::string err;
      auto parts = split_top(inner, ',', &err);
      if (!parts) fail(err + " in the arguments");
      for (const std::string& p : *parts) {
        if (p.empty()) fail("empty argument in " + std::string(s.substr(0, close + 1)));
      }
      out.args = std::move(*parts);
    }
    out.text = std::string(s.substr(0, close + 1));
    return std::string(trim(s.substr(close + 1)));
  }

  std::vector<std::string> values(std::string_view s, const char* after) {
    if (s.empty()) fail(std::string("expected values after '") + after + "'");
    std::string err;
    auto parts = split_top(s, ',', &err);
    if (!parts) fail(err);
    for (const std::string& p : *parts) {
      if (p.empty()) fail(std::string("empty value after '") + after + "'");
    }
    return std::move(*parts);
  }

  Outcome arrow(const std::string& tail_in) {
    std::string_view tail = trim(tail_in);
    Outcome o;
    o.text = std::string(tail);
    const char* usage =
        "after '->' expected ok, returns VALUE[, VALUE…], revert, revert ErrorName(args) or "
        "revert \"message\"";
    if (tail.rfind("->", 0) != 0) fail("unexpected text '" + std::string(tail) + "'; " + usage);
    std::string_view r = trim(tail.substr(2));
    size_t sp = 0;
    while (sp < r.size() && std::isalpha(static_cast<unsigned char>(r[sp])))
      ++sp;
    std::string_view kw = r.substr(0, sp);
    std::string_view rest = trim(r.substr(sp));
    if (kw == "ok" && rest.empty()) {
      o.kind = Outcome::Kind::kSucceed;
    } else if (kw == "returns") {
      o.kind = Outcome::Kind::kReturns;
      o.values = values(rest, "returns");
    } else if (kw == "revert") {
      if (rest.empty()) {
        o.kind = Outcome::Kind::kRevertAny;
      } else if (rest[0] == '"') {
        auto m = internal::unquote(rest);
        if (!m) fail("expected revert \"message\" with one quoted string");
        o.kind = Outcome::Kind::kRevertMessage;
        o.message = *m;
      } else {
        o.kind = Outcome::Kind::kRevertError;
        const size_t open = rest.find('(');
        o.error_name = std::string(trim(rest.substr(0, open)));
        if (!is_identifier(o.error_name)) fail("invalid error name '" + o.error_name + "'");
        if (open != std::string_view::npos) {
          if (rest.back() != ')') fail("expected revert ErrorName(arguments)");
          o.error_has_args = true;
          std::string_view inner = trim(rest.substr(open + 1, rest.size() - open - 2));
          if (!inner.empty()) {
            std::string err;
            auto parts = split_top(inner, ',', &err);
            if (!parts) fail(err + " in the error's arguments");
            o.values = std::move(*parts);
          }
        }
      }
    } else {
      fail(usage);
    }
    return o;
  }

  std::string_view text_;
  Scenario sc_;
  int line_ = 0;
  bool started_ = false;
  bool have_genesis_ = false;
  bool after_call_ = false;
  std::vector<std::string> declared_;
};
}  // namespace

Scenario parse(std::string_view text, const std::string& file) {
  return Parser(text, file).parse();
}

}  // namespace stoa::scenario
