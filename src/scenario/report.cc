// Rendering of scenario reports for people: failures, cap tables, refused calls.
#include <algorithm>

#include "stoa/scenario/scenario.h"

namespace stoa::scenario {
namespace {

std::string pad_right(const std::string& s, size_t w) {
  return s.size() >= w ? s : s + std::string(w - s.size(), ' ');
}
std::string pad_left(const std::string& s, size_t w) {
  return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
}

void refusal_lines(std::string& out, const std::vector<Refusal>& refusals, const char* indent) {
  size_t sender_w = 0;
  for (const Refusal& r : refusals)
    sender_w = std::max(sender_w, r.sender.size());
  for (const Refusal& r : refusals) {
    out += indent;
    out += pad_left("line " + std::to_string(r.line), 9) + "  " + pad_right(r.sender, sender_w) +
           "  " + r.call + "\n";
    out += indent;
    out += std::string(9 + 2 + sender_w + 2, ' ') + "refused: ";
    if (r.code) {
      out += "code " + std::to_string(*r.code);
      if (!r.code_constant.empty()) out += " " + r.code_constant;
      if (!r.code_message.empty()) out += " — " + r.code_message;
    } else {
      out += r.revert;
    }
    if (!r.expected) out += "  [not expected by the scenario]";
    out += "\n";
  }
}

}  // namespace

namespace {
// A partition for people: its name when it is printable ASCII (bytes32("PREF")), else its hex.
std::string partition_label(const Bytes32& p) {
  if (p.is_zero()) return "the default partition";
  std::string name;
  for (uint8_t c : p.b) {
    if (c == 0) break;
    if (c < 0x20 || c > 0x7e) return "partition 0x" + to_hex(p.view());
    name += static_cast<char>(c);
  }
  const size_t n = name.size();
  for (size_t i = n; i < p.b.size(); ++i) {
    if (p.b[i] != 0) return "partition 0x" + to_hex(p.view());
  }
  return "partition " + name;
}
}  // namespace

std::string format_dividend_round(const DividendRoundReport& d) {
  const std::string unit = " " + d.payment_token;
  const std::string of = d.partition ? " of " + partition_label(*d.partition) : "";
  const std::string payments = std::to_string(d.payments) + " payment" +
                               (d.payments == 1 ? "" : "s") + ", net " +
                               format_amount(d.paid, d.decimals) + unit;
  std::string out =
      "round " + std::to_string(d.round) + ": " + format_amount(d.amount, d.decimals) + unit;
  if (d.split != 0) {  // cash in lieu: sale proceeds, nothing withheld
    out += " cash in lieu of split " + std::to_string(d.split) + "'s fractions — " + payments;
  } else {
    out += " to the holders of record" + of + " at checkpoint " + std::to_string(d.checkpoint) +
           " — " + payments + ", withheld " + format_amount(d.withheld, d.decimals) + unit;
  }
  if (d.closed) {
    out += ", reclaimed " + format_amount(d.reclaimed, d.decimals) + unit + " (closed)";
  } else {
    out += " (open)";
  }
  return out;
}

std::string format_split(const SplitReport& s, uint8_t decimals) {
  const bool forward = s.numerator > s.denominator;
  std::string out = "split " + std::to_string(s.id) + ": " + (forward ? "" : "reverse ") +
                    s.numerator.to_dec() + "-for-" + s.denominator.to_dec() + " on " +
                    format_time(s.timestamp).substr(0, 10) + " — supply " +
                    format_amount(s.supply_before, decimals) + " → " +
                    format_amount(s.supply_after, decimals);
  // The fractions, in the smallest unit: fraction_numerator / denominator.
  const U256 whole = s.fraction_numerator.checked_div(s.denominator).value();
  const U256 rest = s.fraction_numerator.checked_mod(s.denominator).value();
  if (s.fraction_numerator.is_zero()) return out + "; no fractions";
  std::string amount;
  if (rest.is_zero()) {
    amount =
        format_amount(whole, decimals) + (decimals == 0 && whole == U256(1) ? " share" : " shares");
  } else if (decimals == 0) {  // e.g. "1 1/2 shares", "1/2 of a share"
    const std::string part = rest.to_dec() + "/" + s.denominator.to_dec();
    amount =
        whole.is_zero() ? part + " of a share" : format_amount(whole, 0) + " " + part + " shares";
  } else {
    amount = "about " + format_amount(whole, decimals) + " shares";
  }
  out += "; " + amount + " in fractions, " +
         (s.cash_in_lieu_round != 0
              ? "paid as cash in lieu by round " + std::to_string(s.cash_in_lieu_round)
              : "owed to holders as cash in lieu");
  return out;
}

std::string format_amount(const U256& v, uint8_t decimals) {
  std::string digits = v.to_dec();
  std::string frac;
  if (decimals > 0) {
    if (digits.size() <= decimals) digits = std::string(decimals - digits.size() + 1, '0') + digits;
    frac = digits.substr(digits.size() - decimals);
    digits = digits.substr(0, digits.size() - decimals);
  }
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return frac.empty() ? grouped : grouped + "." + frac;
}

std::string format_failure(const Failure& f) {
  std::string out = "FAIL " + f.file;
  if (f.line > 0) out += ":" + std::to_string(f.line);
  out += ": ";
  if (f.scenario_error) out += "error in the scenario: ";
  out += f.message + "\n";
  if (!f.source.empty()) out += "  line:     " + f.source + "\n";
  if (!f.expected.empty() || !f.actual.empty()) {
    out += "  expected: " + f.expected + "\n";
    out += "  actual:   " + f.actual + "\n";
  }
  return out;
}

std::string format_report(const Report& r) {
  std::string out;
  out += "Scenario: " + (r.title.empty() ? r.file : r.title + "  (" + r.file + ")") + "\n";
  out += "Result:   ";
  out += r.passed ? "PASS" : "FAIL";
  out += ", " + std::to_string(r.steps) + " steps, ledger time " + format_time(r.final_timestamp) +
         "\n";
  for (const SecurityReport& s : r.securities) {
    out += "\n" + s.symbol + " — " + s.name;
    if (!s.preset_name.empty()) out += " (" + s.preset_name + ", preset " + s.preset_key + ")";
    out += "\n";
    out += "  token " + s.token.checksum_hex() + ", total supply " +
           format_amount(s.total_supply, s.decimals) + ", " + std::to_string(s.holder_count) +
           " holder" + (s.holder_count == 1 ? "" : "s") + (s.paused ? ", PAUSED" : "") + "\n";
    out += "  Cap table\n";
    if (s.cap_table.empty()) {
      out += "    (no holders)\n";
    } else {
      size_t name_w = std::string("Holder").size();
      size_t bal_w = std::string("Balance").size();
      for (const Holding& h : s.cap_table) {
        name_w = std::max(name_w, h.holder.size());
        bal_w = std::max(bal_w, format_amount(h.balance, s.decimals).size());
      }
      bal_w = std::max(bal_w, format_amount(s.total_supply, s.decimals).size());
      out += "    " + pad_right("Holder", name_w) + "  " + pad_left("Balance", bal_w) + "  " +
             pad_left("% of supply", 11) + "\n";
      for (const Holding& h : s.cap_table) {
        out += "    " + pad_right(h.holder, name_w) + "  " +
               pad_left(format_amount(h.balance, s.decimals), bal_w) + "  " +
               pad_left(h.percent, 11) + "\n";
      }
      out += "    " + pad_right("Total", name_w) + "  " +
             pad_left(format_amount(s.total_supply, s.decimals), bal_w) + "  " +
             pad_left("100.00%", 11) + "\n";
    }
    if (!s.dividends.empty()) {
      out += "  Dividends (" + s.dividends.front().distributor + ")\n";
      for (const DividendRoundReport& d : s.dividends)
        out += "    " + format_dividend_round(d) + "\n";
    }
    if (!s.splits.empty()) {
      out += "  Splits\n";
      for (const SplitReport& x : s.splits)
        out += "    " + format_split(x, s.decimals) + "\n";
    }
    out += "  Refused calls";
    if (s.refusals.empty()) {
      out += ": none\n";
    } else {
      out += " (" + std::to_string(s.refusals.size()) + ")\n";
      refusal_lines(out, s.refusals, "  ");
    }
  }
  if (!r.other_refusals.empty()) {
    out += "\nRefused calls to the factory and other contracts (" +
           std::to_string(r.other_refusals.size()) + ")\n";
    refusal_lines(out, r.other_refusals, "  ");
  }
  if (r.failure) out += "\n" + format_failure(*r.failure);
  return out;
}

}  // namespace stoa::scenario
