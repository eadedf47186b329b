// The scenario parser and runner: malformed lines give file:line errors, and the runner fails
// when an expectation does not hold (so a passing scenario means something).
#include <gtest/gtest.h>

#include <string>

#include "stoa/scenario/scenario.h"

namespace stoa::scenario {
namespace {

// The error message of parsing `text` as file "t.scn" ("" if it parses).
std::string parse_error(const std::string& text) {
  try {
    parse(text, "t.scn");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kPrelude =
    "accounts issuer officer alice bob\n"
    "security ACME preset reg-d-506c admin issuer compliance officer name \"Acme\"\n"
    "officer ACME.registry.onboard(alice, US, 1, 0)\n"
    "issuer ACME.token.mint(alice, 1000)\n";  // lines 1-4

Report run_with(const std::string& tail) {
  return run_text(std::string(kPrelude) + tail, "t.scn");
}

TEST(ScenarioParse, ParsesEveryStatement) {
  Scenario s = parse(
      "# comment\n"
      "scenario \"Title # not a comment\"\n"
      "genesis chain-id 7 allow-role-overlap\n"
      "accounts a b\n"
      "time 2026-01-01T09:30:00Z\n"
      "advance 2 days   # trailing comment\n"
      "security X preset reg-s admin a compliance b decimals 2\n"
      "a X.token.transfer(b, 10) -> revert TransferRestricted(2)\n"
      "  emits X.token.Transfer(a, b, 10)\n"
      "expect X.token.balanceOf(a) == 5\n"
      "a X.token.batchTransfer([b, b], \\\n"
      "    [1, 2]) -> ok\n"
      "a X.token.approve(b, 1) -> returns true\n"
      "a X.token.mint(b, 1) -> revert \"message, with comma\"\n",
      "t.scn");
  EXPECT_EQ(s.title, "Title # not a comment");
  ASSERT_EQ(s.steps.size(), 11u);
  EXPECT_EQ(s.steps[0].kind, Step::Kind::kGenesis);
  EXPECT_EQ(s.steps[0].chain_id, 7u);
  EXPECT_TRUE(s.steps[0].allow_role_overlap);
  EXPECT_EQ(s.steps[2].timestamp, 1767259800u);
  EXPECT_EQ(s.steps[3].seconds, 2u * 86400);
  EXPECT_EQ(s.steps[4].security.decimals, 2u);
  EXPECT_EQ(s.steps[4].security.name, "X");
  const Step& call = s.steps[5];
  EXPECT_EQ(call.sender, "a");
  EXPECT_EQ(call.call.target, "X.token");
  EXPECT_EQ(call.call.function, "transfer");
  EXPECT_EQ(call.call.args, (std::vector<std::string>{"b", "10"}));
  EXPECT_EQ(call.outcome.kind, Outcome::Kind::kRevertError);
  EXPECT_EQ(call.outcome.error_name, "TransferRestricted");
  EXPECT_EQ(call.outcome.values, (std::vector<std::string>{"2"}));
  EXPECT_EQ(s.steps[6].kind, Step::Kind::kEmits);
  EXPECT_EQ(s.steps[7].outcome.values, (std::vector<std::string>{"5"}));
  EXPECT_EQ(s.steps[8].line, 11);  // a continued line keeps its first line number
  EXPECT_EQ(s.steps[8].call.args, (std::vector<std::string>{"[b, b]", "[1, 2]"}));
  EXPECT_EQ(s.steps[9].outcome.kind, Outcome::Kind::kReturns);
  EXPECT_EQ(s.steps[10].outcome.kind, Outcome::Kind::kRevertMessage);
  EXPECT_EQ(s.steps[10].outcome.message, "message, with comma");
}

TEST(ScenarioParse, MalformedLinesGiveFileAndLine) {
  EXPECT_EQ(parse_error("accounts a\n\nfrobnicate\n"),
            "t.scn:3: 'frobnicate' is not a keyword; a call is written <sender> "
            "<target>.<function>(arguments)");
  EXPECT_NE(parse_error("acounts a b\n").find("did you mean 'accounts'"), std::string::npos);
  EXPECT_EQ(parse_error("a X.token.transfer(b, 10\n"),
            "t.scn:1: missing ')' at the end of the arguments");
  EXPECT_EQ(parse_error("a transfer(b)\n").rfind("t.scn:1: expected target.function", 0), 0u);
  EXPECT_EQ(parse_error("a X.token.f(\"abc)\n"),
            "t.scn:1: unterminated quoted string in the arguments");
  EXPECT_EQ(parse_error("a X.token.f(b,, c)\n").rfind("t.scn:1: empty argument", 0), 0u);
  EXPECT_EQ(parse_error("a X.token.f(b) => ok\n").rfind("t.scn:1: unexpected text", 0), 0u);
  EXPECT_EQ(parse_error("a X.token.f(b) -> maybe\n").rfind("t.scn:1: after '->'", 0), 0u);
  EXPECT_EQ(parse_error("expect X.token.balanceOf(a)\n"),
            "t.scn:1: expect needs '== value' or '-> revert …' after the view");
  EXPECT_EQ(parse_error("time 2026-02-30\n").rfind("t.scn:1: invalid time", 0), 0u);
  EXPECT_EQ(parse_error("advance 3 fortnights\n").rfind("t.scn:1: unknown unit", 0), 0u);
  EXPECT_EQ(parse_error("accounts alice alice\n"), "t.scn:1: account 'alice' is declared twice");
  EXPECT_EQ(parse_error("accounts operator\n"),
            "t.scn:1: 'operator' is a reserved word and cannot name an account");
  EXPECT_EQ(parse_error("\nemits X.token.Transfer(a, b, 1)\n"),
            "t.scn:2: emits must follow a call (it checks that call's events)");
  EXPECT_NE(parse_error("security X preset reg-z admin a compliance b\n")
                .find("t.scn:1: unknown preset 'reg-z'"),
            std::string::npos);
  EXPECT_EQ(parse_error("security X preset reg-s admin a\n").rfind("t.scn:1: expected security", 0),
            0u);
  EXPECT_EQ(parse_error("time 2026-01-01\ngenesis chain-id 5\n"),
            "t.scn:2: genesis must come once, before any time, call or expect");
  EXPECT_EQ(parse_error("scenario untitled\n"), "t.scn:1: expected scenario \"title\"");
}

TEST(ScenarioParse, Times) {
  EXPECT_EQ(parse_time("1970-01-01"), 0u);
  EXPECT_EQ(parse_time("2026-01-01"), 1767225600u);
  EXPECT_EQ(parse_time("2024-02-29 12:00"), 1709208000u);
  EXPECT_EQ(parse_time("@42"), 42u);
  EXPECT_FALSE(parse_time("2025-02-29").has_value());
  EXPECT_FALSE(parse_time("2026-1-1").has_value());
  EXPECT_FALSE(parse_time("2026-01-01T25:00").has_value());
  EXPECT_EQ(format_time(1767259800), "2026-01-01T09:30:00Z");
}

TEST(ScenarioRun, PassesAndReports) {
  Report r = run_with(
      "alice ACME.token.transfer(bob, 10) -> revert TransferRestricted(RECEIVER_NOT_WHITELISTED)\n"
      "expect ACME.token.balanceOf(alice) == 1000\n");
  ASSERT_TRUE(r.passed) << format_failure(*r.failure);
  EXPECT_EQ(r.steps, 6u);
  ASSERT_EQ(r.securities.size(), 1u);
  const SecurityReport& s = r.securities[0];
  EXPECT_EQ(s.symbol, "ACME");
  EXPECT_EQ(s.preset_key, "reg-d-506c");
  ASSERT_EQ(s.cap_table.size(), 1u);
  EXPECT_EQ(s.cap_table[0].holder, "alice");
  EXPECT_EQ(s.cap_table[0].percent, "100.00%");
  ASSERT_EQ(s.refusals.size(), 1u);
  EXPECT_EQ(s.refusals[0].line, 5);
  EXPECT_EQ(s.refusals[0].sender, "alice");
  EXPECT_EQ(s.refusals[0].call, "ACME.token.transfer(bob, 10)");
  EXPECT_EQ(s.refusals[0].revert, "TransferRestricted(2)");
  EXPECT_EQ(s.refusals[0].code, 2);
  EXPECT_EQ(s.refusals[0].code_message, "Receiver is not on the KYC whitelist");
  EXPECT_TRUE(s.refusals[0].expected);
  EXPECT_NE(format_report(r).find("alice"), std::string::npos);
}

TEST(ScenarioRun, AWrongExpectationFails) {
  Report r = run_with("expect ACME.token.balanceOf(alice) == 999\n");
  ASSERT_FALSE(r.passed);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_FALSE(r.failure->scenario_error);
  EXPECT_EQ(r.failure->line, 5);
  EXPECT_EQ(r.failure->expected, "999");
  EXPECT_EQ(r.failure->actual, "1000");
  EXPECT_EQ(format_failure(*r.failure).rfind("FAIL t.scn:5: ", 0), 0u);
}

TEST(ScenarioRun, WrongRevertCodeFails) {
  Report r = run_with("alice ACME.token.transfer(bob, 10) -> revert TransferRestricted(3)\n");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure->expected, "revert TransferRestricted(3)");
  EXPECT_EQ(r.failure->actual, "revert TransferRestricted(2)");
}

TEST(ScenarioRun, UnexpectedRefusalFails) {
  Report r = run_with("alice ACME.token.transfer(bob, 10)\n");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure->line, 5);
  EXPECT_EQ(r.failure->expected, "success");
  EXPECT_EQ(r.failure->actual, "revert TransferRestricted(2)");
  ASSERT_EQ(r.securities.size(), 1u);
  ASSERT_EQ(r.securities[0].refusals.size(), 1u);
  EXPECT_FALSE(r.securities[0].refusals[0].expected);
}

TEST(ScenarioRun, UnexpectedSuccessFails) {
  Report r = run_with("issuer ACME.token.mint(alice, 1) -> revert\n");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure->actual, "success");
}

TEST(ScenarioRun, MissingEventFails) {
  Report r =
      run_with("issuer ACME.token.mint(alice, 5)\n  emits ACME.token.Transfer(zero, bob, 5)\n");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure->line, 6);
  EXPECT_EQ(r.failure->expected, "ACME.token.Transfer(zero, bob, 5)");
  EXPECT_NE(r.failure->actual.find("ACME.token.Transfer(zero, alice, 5)"), std::string::npos);
}

TEST(ScenarioRun, ErrorsInTheFileNameTheLine) {
  auto err = [](const std::string& tail) {
    Report r = run_with(tail);
    EXPECT_FALSE(r.passed);
    EXPECT_TRUE(r.failure && r.failure->scenario_error);
    return r.failure ? "t.scn:" + std::to_string(r.failure->line) + ": " + r.failure->message : "";
  };
  EXPECT_EQ(err("alcie ACME.token.transfer(bob, 1)\n"),
            "t.scn:5: unknown account 'alcie' (did you mean 'alice'?); declare it with an accounts "
            "line");
  EXPECT_EQ(err("alice ACME.token.transfr(bob, 1)\n"),
            "t.scn:5: SecurityToken has no function 'transfr' (did you mean 'transfer'?)");
  EXPECT_EQ(err("alice ACME.token.transfer(bob)\n"),
            "t.scn:5: transfer takes 2 arguments (address to, uint256 value), got 1");
  EXPECT_EQ(err("alice ACME.token.transfer(bob, -1)\n"),
            "t.scn:5: argument 2 (uint256 value) of transfer: value -1 does not fit uint256");
  EXPECT_EQ(err("alice ACME.token.transfer(bbo, 1)\n"),
            "t.scn:5: argument 1 (address to) of transfer: unknown account or contract 'bbo' (did "
            "you mean 'bob'?)");
  EXPECT_EQ(err("alice XYZ.token.transfer(bob, 1)\n"),
            "t.scn:5: unknown security 'XYZ' (create it first with a security line)");
  EXPECT_EQ(err("alice ACME.tokn.transfer(bob, 1)\n").rfind("t.scn:5: 'tokn' is not a part", 0),
            0u);
  EXPECT_EQ(
      err("issuer ACME.token.grantRole(MINTR_ROLE, bob)\n")
          .rfind("t.scn:5: argument 1 (bytes32 role) of grantRole: unknown role 'MINTR_ROLE'", 0),
      0u);
  EXPECT_EQ(err("alice ACME.token.transfer(bob, 1) -> revert TransferRestriced(2)\n"),
            "t.scn:5: unknown error 'TransferRestriced' (did you mean 'TransferRestricted'?) "
            "(errors are listed in docs/abi and include/stoa/core/errors.h)");
  EXPECT_EQ(err("expect ACME.token.balanceOf(alice) == 1, 2\n"),
            "t.scn:5: balanceOf has 1 value (uint256), 2 given");
  EXPECT_EQ(err("expect ACME.token.transfer(bob, 1) == true\n"),
            "t.scn:5: expect is for views; transfer changes state — write it as a call line with "
            "a sender");
  EXPECT_EQ(
      err("issuer ACME.token.mint(alice, 1)\n  emits ACME.token.Transferred(zero, alice, 1)\n")
          .rfind("t.scn:6: SecurityToken has no event 'Transferred'", 0),
      0u);
  EXPECT_EQ(err("time 2020-01-01\n").rfind("t.scn:5: time goes backwards", 0), 0u);
}

TEST(ScenarioRun, UnreadableFile) {
  Report r = run_file("/nonexistent/dir/x.scn");
  ASSERT_FALSE(r.passed);
  EXPECT_TRUE(r.failure->scenario_error);
  EXPECT_EQ(r.failure->message, "cannot read the file");
}

TEST(ScenarioReport, Amounts) {
  EXPECT_EQ(format_amount(U256(0), 0), "0");
  EXPECT_EQ(format_amount(U256(1234567), 0), "1,234,567");
  EXPECT_EQ(format_amount(U256(1234567), 2), "12,345.67");
  EXPECT_EQ(format_amount(U256(5), 3), "0.005");
}

// A split's line names its ratio, its supplies and the shares its flooring left to be paid in cash.
TEST(ScenarioReport, SplitsNameTheirFractions) {
  SplitReport s;
  s.id = 2;
  s.numerator = U256(3);
  s.denominator = U256(2);
  s.timestamp = 1800000000;  // 2027-01-15
  s.supply_before = U256(1001);
  s.supply_after = U256(1500);  // two holders of 500.5 and 500.5 floored: 1 share in fractions
  s.fraction_numerator = U256(2);
  EXPECT_EQ(format_split(s, 0),
            "split 2: 3-for-2 on 2027-01-15 — supply 1,001 → 1,500; 1 share in fractions, owed "
            "to holders as cash in lieu");
  s.fraction_numerator = U256(1);  // half a share
  EXPECT_NE(format_split(s, 0).find("; 1/2 of a share in fractions"), std::string::npos);
  s.fraction_numerator = U256(3);
  EXPECT_NE(format_split(s, 0).find("; 1 1/2 shares in fractions"), std::string::npos);
  EXPECT_NE(format_split(s, 2).find("; about 0.01 shares in fractions"), std::string::npos);
  s.numerator = U256(1);
  s.denominator = U256(10);
  s.supply_before = U256(1000);
  s.supply_after = U256(100);
  s.fraction_numerator = U256(0);
  EXPECT_EQ(format_split(s, 2),
            "split 2: reverse 1-for-10 on 2027-01-15 — supply 10.00 → 1.00; no fractions");
}

}  // namespace
}  // namespace stoa::scenario
