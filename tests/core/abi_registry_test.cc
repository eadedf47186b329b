// The typed method registration (AbiRegistry): ABI types deduced from C++ types, explicit
// overrides and their checks, generated decoding and encoding (through the real ABI codec), and
// plain MethodSpec entries appended in order.
#include "stoa/core/abi_registry.h"

#include <gtest/gtest.h>

#include "stoa/core/state.h"

namespace stoa::core {
namespace {

// A contract with no storage of its own, whose methods the tests register.
class Probe final : public Contract {
 public:
  using Contract::Contract;
  ContractKind kind() const override { return ContractKind::kKycEventLog; }
  const ContractAbi& abi() const override { return *abi_; }
  void encode_state(StateEncoder&) const override {}
  std::vector<FieldInfo> field_info() const override { return {}; }

  U256 balance(const Address& a) const { return a == owner ? U256(7) : U256(0); }
  Status set(CallContext& ctx, const Address& a, const U256& v) {
    if (v.is_zero()) return revert_message("zero");
    owner = a;
    amount = v;
    last_sender = ctx.sender;
    return Status::Ok();
  }
  std::tuple<bool, uint8_t> verdict(uint8_t code) const { return {code == 0, code}; }
  Result<uint64_t> checked(uint64_t x) const {
    if (x == 0) return revert_message("x is zero");
    return x * 2;
  }

  const ContractAbi* abi_ = nullptr;
  Address owner;
  U256 amount;
  Address last_sender;
};

const Address kAlice = Address::parse("0x00000000000000000000000000000000000a11ce").value();
const Address kBob = Address::parse("0x0000000000000000000000000000000000000b0b").value();

std::vector<MethodSpec> probe_methods() {
  AbiRegistry<Probe> reg;
  reg.view<&Probe::balance>("balanceOf", {"account"}, "the balance");
  reg.call<&Probe::set>("set", {"to", "value"}, "sets");
  reg.call_true<&Probe::set>("setTrue", {"to", "value"}, "sets, returns true");
  reg.view<&Probe::verdict>("verdict", {"code"}, {"allowed", "code"}, "");
  reg.view<&Probe::checked>("checked", {"x"}, "");
  reg.view("lists", {"values", "roles"}, "",
           [](const Probe&, const std::vector<U256>& v,
              const std::vector<Bytes32>& roles) -> std::tuple<std::vector<Address>, U256> {
             return {std::vector<Address>(roles.size(), kBob), U256(v.size())};
           });
  reg.view("narrow", {{"code", "uint8"}}, {{"", "uint16"}}, "U256 read as uint8, written as uint16",
           [](const Probe&, const U256& code) { return code; });
  reg.view("echo", {"s", "b", {"b4", "bytes4"}, "flag"}, "",
           [](const Probe&, const std::string& s, const Bytes& b, const Bytes& b4, bool flag) {
             return std::tuple<std::string, Bytes, Bytes, bool>{s, b, b4, !flag};
           });
  reg.add(MethodSpec{"raw",
                     {{"x", "uint256"}},
                     {{"", "uint256"}},
                     Mutability::kView,
                     [](Contract&, CallContext&, const abi::ValueList& a) -> Result<Outputs> {
                       return Outputs{a[0].u256()};
                     },
                     "a plain entry"});
  EXPECT_EQ(reg.error(), "");
  return reg.take();
}

class AbiRegistryTest : public ::testing::Test {
 protected:
  AbiRegistryTest()
      : state_(GenesisConfig{1337, kAlice, false}),
        abi_("Probe", probe_methods(), {}, {}),
        probe_(state_, kBob) {
    probe_.abi_ = &abi_;
  }
  const Method& method(std::string_view name) {
    const Method* m = abi_.by_name(name);
    EXPECT_NE(m, nullptr) << name;
    return *m;
  }
  // Encodes the arguments, decodes them as State::dispatch does, runs the handler and encodes
  // what it returns with the method's output types.
  Result<abi::ValueList> run(std::string_view name, const abi::ValueList& args) {
    const Method& m = method(name);
    auto data = abi::encode(m.sig.inputs, args);
    EXPECT_EQ(data.index(), 0u);
    auto decoded = abi::decode(m.sig.inputs, std::get<0>(data), /*strict_length=*/true);
    EXPECT_EQ(decoded.index(), 0u);
    CallContext ctx{state_, kAlice, BlockContext{}, nullptr};
    Result<Outputs> out = m.spec.fn(probe_, ctx, std::get<0>(decoded));
    if (!out.ok()) return out.take_revert();
    auto enc = abi::encode(m.outputs, out.value());
    EXPECT_EQ(enc.index(), 0u) << name << ": outputs do not fit their declared types";
    return out.value();
  }
  static std::string types(const std::vector<Param>& ps) {
    std::string s;
    for (const Param& p : ps)
      s += std::string(s.empty() ? "" : ",") + std::string(p.name) + ":" + std::string(p.type);
    return s;
  }

  State state_;
  ContractAbi abi_;
  Probe probe_;
};

TEST_F(AbiRegistryTest, DeducesTheAbiFromTheCppTypes) {
  EXPECT_EQ(method("balanceOf").sig.canonical(), "balanceOf(address)");
  EXPECT_EQ(types(method("balanceOf").spec.outputs), ":uint256");
  EXPECT_EQ(method("balanceOf").spec.mutability, Mutability::kView);
  EXPECT_EQ(method("balanceOf").spec.doc, "the balance");
  EXPECT_EQ(types(method("set").spec.inputs), "to:address,value:uint256");
  EXPECT_EQ(types(method("set").spec.outputs), "");
  EXPECT_EQ(method("set").spec.mutability, Mutability::kNonPayable);
  EXPECT_EQ(types(method("setTrue").spec.outputs), ":bool");
  EXPECT_EQ(method("verdict").sig.canonical(), "verdict(uint8)");
  EXPECT_EQ(types(method("verdict").spec.outputs), "allowed:bool,code:uint8");
  EXPECT_EQ(method("checked").sig.canonical(), "checked(uint64)");
  EXPECT_EQ(types(method("checked").spec.outputs), ":uint64");
  EXPECT_EQ(method("lists").sig.canonical(), "lists(uint256[],bytes32[])");
  EXPECT_EQ(types(method("lists").spec.outputs), ":address[],:uint256");
  EXPECT_EQ(method("echo").sig.canonical(), "echo(string,bytes,bytes4,bool)");
  EXPECT_EQ(method("raw").sig.canonical(), "raw(uint256)");
  // Registration order is ABI order, the plain entry included.
  std::vector<std::string> names;
  for (const Method& m : abi_.methods())
    names.emplace_back(m.spec.name);
  EXPECT_EQ(names, (std::vector<std::string>{"balanceOf", "set", "setTrue", "verdict", "checked",
                                             "lists", "narrow", "echo", "raw"}));
  // The selector is the Solidity one of the deduced signature.
  EXPECT_EQ(method("balanceOf").selector, 0x70a08231u);
}

TEST_F(AbiRegistryTest, DecodesArgumentsAndEncodesResults) {
  auto r = run("set", {kBob, U256(5)});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().empty());
  EXPECT_EQ(probe_.owner, kBob);
  EXPECT_EQ(probe_.amount, U256(5));
  EXPECT_EQ(probe_.last_sender, kAlice);  // the CallContext reached the member
  EXPECT_EQ(run("balanceOf", {kBob}).value(), (abi::ValueList{U256(7)}));
  EXPECT_EQ(run("balanceOf", {kAlice}).value(), (abi::ValueList{U256(0)}));
  EXPECT_EQ(run("setTrue", {kAlice, U256(1)}).value(), (abi::ValueList{true}));
  EXPECT_EQ(run("verdict", {U256(0)}).value(), (abi::ValueList{true, U256(0)}));
  EXPECT_EQ(run("verdict", {U256(255)}).value(), (abi::ValueList{false, U256(255)}));
  EXPECT_EQ(run("checked", {U256(21)}).value(), (abi::ValueList{U256(42)}));
  const Bytes32 role = keccak256(std::string_view("ROLE"));
  auto lists = run("lists", {abi::ValueList{U256(1), U256(2), U256(3)},
                             abi::ValueList{abi::Value::bytes32(role), abi::Value::bytes32(role)}});
  EXPECT_EQ(lists.value(), (abi::ValueList{abi::ValueList{kBob, kBob}, U256(3)}));
  auto echo = run("echo", {"hi", Bytes{1, 2, 3}, Bytes{9, 8, 7, 6}, true});
  EXPECT_EQ(echo.value(), (abi::ValueList{"hi", Bytes{1, 2, 3}, Bytes{9, 8, 7, 6}, false}));
  EXPECT_EQ(run("raw", {U256(9)}).value(), (abi::ValueList{U256(9)}));
}

TEST_F(AbiRegistryTest, RevertsPassThroughUnchanged) {
  auto r = run("set", {kBob, U256(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.revert().data, revert_message("zero").data);
  EXPECT_EQ(probe_.owner, Address{});
  auto t = run("setTrue", {kBob, U256(0)});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.revert().data, revert_message("zero").data);
  auto c = run("checked", {U256(0)});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.revert().data, revert_message("x is zero").data);
}

TEST_F(AbiRegistryTest, AnOverrideNamesTheAbiTypeAndTheDecoderEnforcesIt) {
  const Method& m = method("narrow");
  EXPECT_EQ(m.sig.canonical(), "narrow(uint8)");
  EXPECT_EQ(types(m.spec.outputs), ":uint16");
  EXPECT_EQ(run("narrow", {U256(255)}).value(), (abi::ValueList{U256(255)}));
  // 256 is not a uint8: the decoder (State::dispatch's) refuses it before the handler runs.
  auto wide = abi::encode({*abi::parse_type("uint256")}, {U256(256)});
  auto d = abi::decode(m.sig.inputs, std::get<0>(wide), /*strict_length=*/true);
  ASSERT_EQ(d.index(), 1u);
  EXPECT_EQ(std::get<1>(d), abi::DecodeError::kDirtyHighBits);
  // A bool word other than 0 or 1 is refused the same way for a deduced bool.
  auto good = abi::encode(method("echo").sig.inputs, {"hi", Bytes{1}, Bytes{1, 2, 3, 4}, true});
  Bytes bad = std::get<0>(good);
  bad[3 * 32 + 31] = 2;  // the head word of `flag`
  auto e = abi::decode(method("echo").sig.inputs, bad, /*strict_length=*/true);
  ASSERT_EQ(e.index(), 1u);
  EXPECT_EQ(std::get<1>(e), abi::DecodeError::kBadBool);
}

TEST(AbiRegistry, RefusesMalformedRegistrations) {
  {
    AbiRegistry<Probe> reg;
    reg.view<&Probe::balance>("balanceOf", {{"account", "uint256"}}, "");
    EXPECT_EQ(reg.error(), "balanceOf: input 0 is uint256, which a C++ address cannot hold");
  }
  {
    AbiRegistry<Probe> reg;  // uint16 does not fit a uint8_t parameter
    reg.view<&Probe::verdict>("verdict", {{"code", "uint16"}}, "");
    EXPECT_EQ(reg.error(), "verdict: input 0 is uint16, which a C++ uint8 cannot hold");
  }
  {
    AbiRegistry<Probe> reg;
    reg.view("list", {"xs"}, "",
             [](const Probe&, const abi::ValueList& xs) { return xs.size() > 0; });
    EXPECT_EQ(reg.error(), "list: the ABI type of input 0 cannot be deduced; name it");
  }
  {
    AbiRegistry<Probe> reg;
    reg.call<&Probe::set>("set", {"to"}, "");
    EXPECT_EQ(reg.error(), "set: 1 input names for 2 inputs");
  }
  {
    AbiRegistry<Probe> reg;  // an override an abi::ValueList can hold
    reg.view("list", {{"xs", "address[]"}}, "",
             [](const Probe&, const abi::ValueList& xs) { return xs.size() > 0; });
    EXPECT_EQ(reg.error(), "");
  }
}

TEST(AbiRegistry, TypeFits) {
  EXPECT_TRUE(abi_type_fits("uint256", "uint8"));
  EXPECT_TRUE(abi_type_fits("uint64", "uint64"));
  EXPECT_FALSE(abi_type_fits("uint8", "uint16"));
  EXPECT_TRUE(abi_type_fits("bytes", "bytes2"));
  EXPECT_FALSE(abi_type_fits("bytes32", "bytes4"));
  EXPECT_TRUE(abi_type_fits("uint256[]", "uint8[]"));
  EXPECT_TRUE(abi_type_fits("(uint256,address)", "(uint16,address)"));
  EXPECT_FALSE(abi_type_fits("(uint256,address)", "(uint16,address,bool)"));
  EXPECT_TRUE(abi_type_fits("", "(uint8,string)[]"));
  EXPECT_FALSE(abi_type_fits("", "notatype"));
}

}  // namespace
}  // namespace stoa::core
