// Typed registration of a contract's methods: a method is registered from a C++ member function
// or a captureless lambda, its ABI parameter and return types are deduced from the C++ types, and
// the decoding of its arguments and the encoding of its results are generated (as DuckDB
// registers scalar functions from typed C++ functions). The result is the same MethodSpec table
// ContractAbi has always taken, so plain MethodSpec entries can be appended for irregular methods.
//
//   AbiRegistry<SecurityToken> reg;
//   reg.view<&SecurityToken::balance_of>("balanceOf", {"account"}, "ERC-20: ...");
//   reg.call_true<&SecurityToken::transfer>("transfer", {"to", "value"}, "ERC-20 ...");
//   reg.view("messageForTransferRestriction", {"restrictionCode"}, "ERC-1404: ...",
//            [](const SecurityToken&, uint8_t code) -> Result<std::string> { ... });
//
// C++ type -> ABI type: Address address, U256 uint256, bool bool, std::string and
// std::string_view string, Bytes bytes, Bytes32 bytes32, uint8_t/uint16_t/uint32_t/uint64_t
// uint8/16/32/64, std::vector<T> T[], std::tuple<T...> (T,...). (std::vector<uint8_t> is Bytes,
// so a uint8[] is a std::vector<U256> named {"x", "uint8[]"}.) A parameter or result may name
// its ABI type explicitly ({"code", "uint8"}): it must be one the C++ type can hold (a narrower
// uint for U256, bytesN for Bytes, any type for abi::Value / abi::ValueList, which are passed
// through as decoded). The callable takes the contract (const C& or C&) first (a member function
// takes it as `this`), then optionally CallContext&, then one parameter per ABI input. It returns
// void, Status, T or Result<T>; a std::tuple<T...> result is several outputs. call_true registers
// a Status method whose ABI returns bool true on success (ERC-20's transfer, approve, ...).
//
// The decoder (State::dispatch) has already checked the calldata against the ABI types before a
// handler runs, so the generated conversions cannot fail: every error for bad calldata is the
// decoder's, exactly as before.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "stoa/abi/abi.h"
#include "stoa/core/contract.h"

namespace stoa::core {

// A parameter or result of a registered method: its name and, if the C++ type does not say it,
// its ABI type.
struct AbiArg {
  AbiArg(const char* n) : name(n) {}  // NOLINT(google-explicit-constructor)
  AbiArg(std::string_view n, std::string_view t) : name(n), type(t) {}
  std::string_view name;
  std::string_view type;  // empty: deduced
};
using AbiArgs = std::initializer_list<AbiArg>;

namespace abi_registry {

template <class T>
struct Conv;  // C++ type <-> abi::Value, and its ABI type name ("" if it cannot be deduced)

template <>
struct Conv<Address> {
  static std::string name() { return "address"; }
  static const Address& from(const abi::Value& v) { return v.address(); }
  static abi::Value to(const Address& x) { return x; }
};
template <>
struct Conv<U256> {
  static std::string name() { return "uint256"; }
  static const U256& from(const abi::Value& v) { return v.u256(); }
  static abi::Value to(const U256& x) { return x; }
};
template <>
struct Conv<bool> {
  static std::string name() { return "bool"; }
  static bool from(const abi::Value& v) { return v.boolean(); }
  static abi::Value to(bool x) { return x; }
};
template <>
struct Conv<std::string> {
  static std::string name() { return "string"; }
  static const std::string& from(const abi::Value& v) { return v.str(); }
  static abi::Value to(std::string x) { return abi::Value(std::move(x)); }
};
template <>
struct Conv<std::string_view> {
  static std::string name() { return "string"; }
  static std::string_view from(const abi::Value& v) { return v.str(); }
  static abi::Value to(std::string_view x) { return std::string(x); }
};
template <>
struct Conv<Bytes> {
  static std::string name() { return "bytes"; }
  static const Bytes& from(const abi::Value& v) { return v.bytes(); }
  static abi::Value to(Bytes x) { return abi::Value(std::move(x)); }
};
template <>
struct Conv<Bytes32> {
  static std::string name() { return "bytes32"; }
  static Bytes32 from(const abi::Value& v) { return v.as_bytes32(); }
  static abi::Value to(const Bytes32& x) { return abi::Value::bytes32(x); }
};
template <class T>
requires(std::is_unsigned_v<T> && !std::is_same_v<T, bool> && sizeof(T) <= 8) struct Conv<T> {
  static std::string name() { return "uint" + std::to_string(8 * sizeof(T)); }
  // The decoder has checked the value fits the declared uintN (N <= the C++ width).
  static T from(const abi::Value& v) { return static_cast<T>(v.u256().low64()); }
  static abi::Value to(T x) { return U256(static_cast<uint64_t>(x)); }
};
template <>
struct Conv<abi::Value> {  // passed through; the ABI type is named explicitly
  static std::string name() { return ""; }
  static const abi::Value& from(const abi::Value& v) { return v; }
  static abi::Value to(abi::Value x) { return x; }
};
template <>
struct Conv<abi::ValueList> {  // an array or tuple passed through; its ABI type named explicitly
  static std::string name() { return ""; }
  static const abi::ValueList& from(const abi::Value& v) { return v.list(); }
  static abi::Value to(abi::ValueList x) { return abi::Value(std::move(x)); }
};
template <class T>
struct Conv<std::vector<T>> {
  static std::string name() {
    std::string e = Conv<T>::name();
    return e.empty() ? e : e + "[]";
  }
  static std::vector<T> from(const abi::Value& v) {
    std::vector<T> out;
    out.reserve(v.list().size());
    for (const abi::Value& e : v.list())
      out.push_back(Conv<T>::from(e));
    return out;
  }
  static abi::Value to(const std::vector<T>& xs) {
    abi::ValueList out;
    out.reserve(xs.size());
    for (const T& x : xs)
      out.push_back(Conv<T>::to(x));
    return out;
  }
};
template <class... T>
struct Conv<std::tuple<T...>> {
  static std::string name() {
    std::vector<std::string> parts = {Conv<T>::name()...};
    std::string s = "(";
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].empty()) return "";
      s += (i ? "," : "") + parts[i];
    }
    return s + ")";
  }
  static std::tuple<T...> from(const abi::Value& v) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return std::tuple<T...>(Conv<T>::from(v.list()[I])...);
    }
    (std::index_sequence_for<T...>{});
  }
  static abi::Value to(const std::tuple<T...>& x) {
    return std::apply([](const T&... e) { return abi::ValueList{Conv<T>::to(e)...}; }, x);
  }
};

// The ABI type name of a C++ type, with storage that lives as long as the program (MethodSpec
// holds string_views).
template <class T>
std::string_view type_name() {
  static const std::string kName = Conv<T>::name();
  return kName;
}

template <class... T>
struct TypeList {};

// A callable's return type and parameters.
template <class F>
struct Callable;
template <class R, class K, class... P>
struct Callable<R (K::*)(P...)> {
  using Ret = R;
  using Params = TypeList<P...>;
};
template <class R, class K, class... P>
struct Callable<R (K::*)(P...) const> : Callable<R (K::*)(P...)> {};
template <class R, class K, class... P>
struct Callable<R (K::*)(P...) noexcept> : Callable<R (K::*)(P...)> {};
template <class R, class K, class... P>
struct Callable<R (K::*)(P...) const noexcept> : Callable<R (K::*)(P...)> {};

template <class L>
struct DropFirst;
template <class First, class... P>
struct DropFirst<TypeList<First, P...>> {
  using Type = TypeList<P...>;
};

template <class T>
struct IsResult : std::false_type {};
template <class T>
struct IsResult<Result<T>> : std::true_type {
  using Value = T;
};
template <class T>
struct IsTuple : std::false_type {};
template <class... T>
struct IsTuple<std::tuple<T...>> : std::true_type {};

template <class T>
using Bare = std::remove_cvref_t<T>;

// The outputs a returned value makes.
template <class T>
Outputs to_outputs(T&& x) {
  using V = Bare<T>;
  if constexpr (IsTuple<V>::value) {
    return std::apply([](auto&&... e) { return Outputs{Conv<Bare<decltype(e)>>::to(e)...}; }, x);
  } else {
    return Outputs{Conv<V>::to(std::forward<T>(x))};
  }
}

// The ABI output type names of a return type (unwrapped from Result).
template <class T>
struct OutputTypes {
  static std::vector<std::string_view> get() { return {type_name<Bare<T>>()}; }
};
template <>
struct OutputTypes<void> {
  static std::vector<std::string_view> get() { return {}; }
};
template <>
struct OutputTypes<Status> : OutputTypes<void> {};
template <class T>
struct OutputTypes<Result<T>> : OutputTypes<T> {};
template <class... E>
struct OutputTypes<std::tuple<E...>> {
  static std::vector<std::string_view> get() { return {type_name<Bare<E>>()...}; }
};

// Calls `inv` with the decoded arguments and turns what it returns into outputs.
template <bool kTrue, class Ret, class Inv>
Result<Outputs> finish(Inv&& inv) {
  if constexpr (std::is_void_v<Ret>) {
    inv();
    return kTrue ? Outputs{true} : Outputs{};
  } else if constexpr (std::is_same_v<Ret, Status>) {
    Status s = inv();
    if (!s.ok()) return s.take_revert();
    return kTrue ? Outputs{true} : Outputs{};
  } else if constexpr (IsResult<Ret>::value) {
    static_assert(!kTrue, "call_true is for methods that return Status or void");
    Ret r = inv();
    if (!r.ok()) return r.take_revert();
    return to_outputs(std::move(r.value()));
  } else {
    static_assert(!kTrue, "call_true is for methods that return Status or void");
    return to_outputs(inv());
  }
}

// The generated handler: the contract, then CallContext& if the callable takes it, then the
// arguments converted from the decoded values.
template <class C, class Invoke, bool kTrue, class Ret, class Params>
struct Thunk;
template <class C, class Invoke, bool kTrue, class Ret, class... P>
struct Thunk<C, Invoke, kTrue, Ret, TypeList<P...>> {
  static constexpr size_t kInputs = sizeof...(P);
  static std::vector<std::string_view> input_types() { return {type_name<Bare<P>>()...}; }
  static Result<Outputs> run(Contract& c, CallContext&, const abi::ValueList& a) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return finish<kTrue, Ret>(
          [&]() -> Ret { return Invoke::run(static_cast<C&>(c), Conv<Bare<P>>::from(a[I])...); });
    }
    (std::index_sequence_for<P...>{});
  }
};
template <class C, class Invoke, bool kTrue, class Ret, class... P>
struct Thunk<C, Invoke, kTrue, Ret, TypeList<CallContext&, P...>> {
  static constexpr size_t kInputs = sizeof...(P);
  static std::vector<std::string_view> input_types() { return {type_name<Bare<P>>()...}; }
  static Result<Outputs> run(Contract& c, CallContext& ctx, const abi::ValueList& a) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return finish<kTrue, Ret>([&]() -> Ret {
        return Invoke::run(static_cast<C&>(c), ctx, Conv<Bare<P>>::from(a[I])...);
      });
    }
    (std::index_sequence_for<P...>{});
  }
};

template <class C, auto Fn>
struct InvokeMember {
  template <class... X>
  static decltype(auto) run(C& c, X&&... x) {
    return (c.*Fn)(std::forward<X>(x)...);
  }
};
template <class C, class F>
struct InvokeLambda {
  template <class... X>
  static decltype(auto) run(C& c, X&&... x) {
    return F{}(c, std::forward<X>(x)...);
  }
};

// What a registration knows of its callable, before the names.
struct Shape {
  std::vector<std::string_view> inputs;
  std::vector<std::string_view> outputs;
  Handler fn;
};
template <class C, bool kTrue, auto Fn>
Shape member_shape() {
  using K = Callable<decltype(Fn)>;
  using T = Thunk<C, InvokeMember<C, Fn>, kTrue, typename K::Ret, typename K::Params>;
  return {T::input_types(),
          kTrue ? std::vector<std::string_view>{"bool"} : OutputTypes<typename K::Ret>::get(),
          &T::run};
}
template <class C, bool kTrue, class F>
Shape lambda_shape() {
  static_assert(std::is_empty_v<F> && std::is_default_constructible_v<F>,
                "register a captureless lambda");
  using K = Callable<decltype(&F::operator())>;
  using T = Thunk<C, InvokeLambda<C, F>, kTrue, typename K::Ret,
                  typename DropFirst<typename K::Params>::Type>;
  return {T::input_types(),
          kTrue ? std::vector<std::string_view>{"bool"} : OutputTypes<typename K::Ret>::get(),
          &T::run};
}

}  // namespace abi_registry

// Whether a value decoded as `declared` can be held by a C++ type whose ABI type is `deduced`
// (an empty `deduced` holds anything): the same type, a narrower uint for a wider one, bytesN for
// bytes, and arrays and tuples of such.
bool abi_type_fits(std::string_view deduced, std::string_view declared);

// Collects the methods of one contract, in ABI order.
class AbiRegistryBase {
 public:
  // Appends plain entries (irregular methods, or tables written the old way).
  void add(MethodSpec spec) { methods_.push_back(std::move(spec)); }
  void add(std::vector<MethodSpec> specs);
  std::vector<MethodSpec> take();  // asserts every registration was well-formed
  // The first registration that was not (an undeducible type without an override, an override
  // the C++ type cannot hold, a count of names that differs from the parameters); empty if none.
  const std::string& error() const { return error_; }

 protected:
  void add_typed(std::string_view name, AbiArgs inputs, AbiArgs outputs, Mutability mut,
                 std::string_view doc, const abi_registry::Shape& shape);

 private:
  std::vector<Param> params(std::string_view method, std::string_view what, AbiArgs names,
                            const std::vector<std::string_view>& types);
  std::vector<MethodSpec> methods_;
  std::string error_;
};

template <class C>
class AbiRegistry : public AbiRegistryBase {
 public:
  // A view (no state change) from a member function of C.
  template <auto Fn>
  void view(std::string_view name, AbiArgs in, std::string_view doc) {
    add_typed(name, in, {}, Mutability::kView, doc, abi_registry::member_shape<C, false, Fn>());
  }
  template <auto Fn>
  void view(std::string_view name, AbiArgs in, AbiArgs out, std::string_view doc) {
    add_typed(name, in, out, Mutability::kView, doc, abi_registry::member_shape<C, false, Fn>());
  }
  // A state-changing method from a member function of C.
  template <auto Fn>
  void call(std::string_view name, AbiArgs in, std::string_view doc) {
    add_typed(name, in, {}, Mutability::kNonPayable, doc,
              abi_registry::member_shape<C, false, Fn>());
  }
  template <auto Fn>
  void call(std::string_view name, AbiArgs in, AbiArgs out, std::string_view doc) {
    add_typed(name, in, out, Mutability::kNonPayable, doc,
              abi_registry::member_shape<C, false, Fn>());
  }
  // A state-changing method returning Status, whose ABI returns bool true on success.
  template <auto Fn>
  void call_true(std::string_view name, AbiArgs in, std::string_view doc) {
    add_typed(name, in, {}, Mutability::kNonPayable, doc,
              abi_registry::member_shape<C, true, Fn>());
  }

  // The same from a captureless lambda taking the contract first.
  template <class F>
  void view(std::string_view name, AbiArgs in, std::string_view doc, F) {
    add_typed(name, in, {}, Mutability::kView, doc, abi_registry::lambda_shape<C, false, F>());
  }
  template <class F>
  void view(std::string_view name, AbiArgs in, AbiArgs out, std::string_view doc, F) {
    add_typed(name, in, out, Mutability::kView, doc, abi_registry::lambda_shape<C, false, F>());
  }
  template <class F>
  void call(std::string_view name, AbiArgs in, std::string_view doc, F) {
    add_typed(name, in, {}, Mutability::kNonPayable, doc,
              abi_registry::lambda_shape<C, false, F>());
  }
  template <class F>
  void call(std::string_view name, AbiArgs in, AbiArgs out, std::string_view doc, F) {
    add_typed(name, in, out, Mutability::kNonPayable, doc,
              abi_registry::lambda_shape<C, false, F>());
  }
  template <class F>
  void call_true(std::string_view name, AbiArgs in, std::string_view doc, F) {
    add_typed(name, in, {}, Mutability::kNonPayable, doc, abi_registry::lambda_shape<C, true, F>());
  }
};

}  // namespace stoa::core
