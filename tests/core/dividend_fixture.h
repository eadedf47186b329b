// The dividend tests' pre-state (dividend_distributor_test.cc, dividend_partitions_test.cc): a
// Reg A+ security (no holding period, so holders trade), DIVIDEND_ADMIN_ROLE for "divs", a payment
// token (2 decimals) minted to "divs" and approved to a DividendDistributor paying withholding to
// "taxman".
#pragma once

#include <string>

#include "core/ledger_fixture.h"

namespace stoa::core::testing {

class DividendFixture : public LedgerTest {
 protected:
  void set_up(const std::string& symbol) {
    s_ = create(symbol, 3);
    expect_ok(call(addr("issuer"), s_.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::dividend_admin()), addr("divs")}));
    usd_ = address_of(call(addr("operator"), factory_address(),
                           "createPaymentToken(string,string,uint8,address)",
                           {std::string("Dollar"), std::string("USD"), 2, addr("divs")}));
    dist_ =
        address_of(call(addr("issuer"), factory_address(),
                        "createDividendDistributor(address,address)", {s_.token, addr("taxman")}));
    expect_ok(call(addr("divs"), usd_, "mint(address,uint256)", {addr("divs"), 1'000'000}));
    expect_ok(call(addr("divs"), usd_, "approve(address,uint256)", {dist_, U256::max()}));
  }
  Address address_of(const CallResult& r) {
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    return r.success ? Address::from_word(Bytes32::from_view(r.output)) : Address{};
  }

  SecuritySet s_;
  Address usd_;
  Address dist_;
};

}  // namespace stoa::core::testing
