// Errors as values in the core: a call either succeeds with a value or reverts with ABI-encoded
// revert data (a custom error or Error(string)). Nothing in the core throws.
#pragma once

#include <optional>
#include <utility>
#include <variant>

#include "stoa/common/bytes.h"

namespace stoa::core {

// Revert data exactly as a Solidity contract would return it.
struct Revert {
  Bytes data;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Revert r) : v_(std::move(r)) {}     // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  const T& value() const { return std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const Revert& revert() const { return std::get<1>(v_); }
  Revert take_revert() { return std::move(std::get<1>(v_)); }

 private:
  std::variant<T, Revert> v_;
};

// A Result without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Revert r) : r_(std::move(r)) {}  // NOLINT(google-explicit-constructor)
  static Status Ok() { return {}; }
  bool ok() const { return !r_.has_value(); }
  const Revert& revert() const { return *r_; }
  Revert take_revert() { return std::move(*r_); }

 private:
  std::optional<Revert> r_;
};

#define STOA_TRY(expr)                                                 \
  do {                                                                 \
    ::stoa::core::Status stoa_try_status_ = (expr);                    \
    if (!stoa_try_status_.ok()) return stoa_try_status_.take_revert(); \
  } while (0)

}  // namespace stoa::core
