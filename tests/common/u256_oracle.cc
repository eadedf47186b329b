// The C++ side of the U256 oracle test (tests/common/u256_oracle.py): reads one operation per line
// from stdin, `OP A B [C]` with 0x-hex operands, and prints the result as 0x-hex, or `none` when
// the checked operation refuses (overflow, underflow, division by zero). The Python script
// computes the same operations with its own big integers and compares line by line.
//   add sub mul div mod   A op B
//   muldiv                floor(A * B / C)
//   dec                   A printed in decimal, parsed back (must round-trip)
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "stoa/common/u256.h"

namespace {

using stoa::U256;

std::string show(const std::optional<U256>& v) {
  return v ? v->to_hex() : "none";
}

std::string run(const std::string& op, const U256& a, const U256& b, const U256& c) {
  if (op == "add") return show(a.checked_add(b));
  if (op == "sub") return show(a.checked_sub(b));
  if (op == "mul") return show(a.checked_mul(b));
  if (op == "div") return show(a.checked_div(b));
  if (op == "mod") return show(a.checked_mod(b));
  if (op == "muldiv") return show(a.mul_div_floor(b, c));
  if (op == "dec") {
    const std::string d = a.to_dec();
    const auto back = U256::from_dec(d);
    return back && *back == a ? d : "roundtrip-failed:" + d;
  }
  return "unknown-op:" + op;
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string op;
    std::string args[3] = {"0x0", "0x0", "0x0"};
    in >> op >> args[0] >> args[1] >> args[2];
    U256 v[3];
    for (int i = 0; i < 3; ++i) {
      const auto p = U256::from_hex(args[i]);
      if (!p) {
        std::cout << "bad-operand:" << args[i] << '\n';
        return 2;
      }
      v[i] = *p;
    }
    std::cout << run(op, v[0], v[1], v[2]) << '\n';
  }
  return 0;
}
