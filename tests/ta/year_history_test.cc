// A year of a realistic history (tests/ta/history.h, make_year_history: two classes of one
// issuer, 200 investors, an offering, daily transfers with refusals, freezes, a forced transfer,
// a cancellation, a second round) projected into the register on both back ends; the cap table,
// the issuer's cap table and the control book at past dates and blocks are checked against
// values the test computes itself from the blocks' Transfer events (a fold written here, not the
// register's code) and against the ledger's own state after each block.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "backends.h"
#include "chain/chain_test_util.h"
#include "history.h"
#include "stoa/common/keccak.h"
#include "stoa/core/state.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/control_book.h"
#include "stoa/ta/form_d.h"
#include "stoa/ta/issuer_cap_table.h"
#include "stoa/ta/register.h"
#include "stoa/ta/reports.h"
#include "stoa/ta/tax_forms.h"

namespace stoa::ta {
namespace {

using testing::Backend;
using testing::History;

const History& year() {
  static const History h = testing::make_year_history();
  return h;
}

// The expected state of one security after a block, folded from the Transfer events.
struct Model {
  std::map<Address, U256> balances;  // non-zero
  U256 issued, cancelled;
  size_t issuances = 0, cancellations = 0, splits = 0;
  // Sales: issuances by a mint(address,uint256) call to the token (not a distribution in kind
  // or a conversion); purchaser, block time.
  std::vector<std::pair<Address, uint64_t>> mints;
};

// A Split(splitId, numerator, denominator, supplyBefore, supplyAfter) applied to the fold: every
// balance floor(balance × numerator / denominator) (docs/balance-model.md, "Splits").
void apply_split(Model& m, const core::Log& l) {
  const U256 n = U256::from_be(BytesView(l.data.data(), 32));
  const U256 d = U256::from_be(BytesView(l.data.data() + 32, 32));
  for (auto it = m.balances.begin(); it != m.balances.end();) {
    it->second = *it->second.mul_div_floor(n, d);
    it = it->second.is_zero() ? m.balances.erase(it) : std::next(it);
  }
  ++m.splits;
}

// models[n] = the state after block n.
std::vector<Model> fold(const History& h, const Address& token) {
  const Bytes32 transfer = keccak256(std::string_view("Transfer(address,address,uint256)"));
  const Bytes32 split =
      keccak256(std::string_view("Split(uint256,uint256,uint256,uint256,uint256)"));
  const Bytes32 mint = keccak256(std::string_view("mint(address,uint256)"));
  std::vector<Model> out;
  Model m;
  for (uint64_t n = 0; n <= h.chain->height(); ++n) {
    const auto b = h.chain->block_by_number(n);
    for (size_t i = 0; i < b->receipts.size(); ++i) {
      const chain::Receipt& r = b->receipts[i];
      const chain::Transaction& tx = b->transactions[i].tx;
      const bool sale = tx.to == token && tx.data.size() >= 4 &&
                        std::equal(tx.data.begin(), tx.data.begin() + 4, mint.b.begin());
      for (const core::Log& l : r.logs) {
        if (r.success && l.address == token && l.topics[0] == split) apply_split(m, l);
        if (!r.success || l.address != token || l.topics[0] != transfer) continue;
        const Address from = Address::from_word(l.topics[1]);
        const Address to = Address::from_word(l.topics[2]);
        const U256 v = U256::from_be(BytesView(l.data.data(), 32));
        if (from == Address{}) {
          m.issued = *m.issued.checked_add(v);
          ++m.issuances;
          if (sale) m.mints.emplace_back(to, b->header.timestamp);
        } else {
          m.balances[from] = *m.balances[from].checked_sub(v);
          if (m.balances[from].is_zero()) m.balances.erase(from);
        }
        if (to == Address{}) {
          m.cancelled = *m.cancelled.checked_add(v);
          ++m.cancellations;
        } else {
          m.balances[to] = *m.balances[to].checked_add(v);
        }
      }
    }
    out.push_back(m);
  }
  return out;
}

// The investor records the test gives the investors, and what it expects of them.
struct Person {
  int64_t id = 0;
  std::string residency, basis, expiry;
};

std::string date_of(uint64_t ts) {
  const auto t = static_cast<std::time_t>(ts);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string percent(const U256& b, const U256& total) {
  // The balances of this history are small: 64-bit arithmetic is exact here.
  const uint64_t p = b.low64() * 1000000 / total.low64();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%04llu", static_cast<unsigned long long>(p / 10000),
                static_cast<unsigned long long>(p % 10000));
  return buf;
}

// The register of the year and its investor records, built once per back end (projecting 365
// blocks is the slow part); each test reads it (the control book test adds authorized shares,
// which no other test reads).
struct YearRegister {
  std::unique_ptr<Db> db;
  std::unique_ptr<InvestorRecords> records;
  std::map<Address, Person> people;
};

YearRegister build_year_register(Backend backend) {
  YearRegister y;
  y.db = testing::fresh_db(backend);
  y.db->relax_commit_durability();
  Register reg(*y.db);
  for (uint64_t n = 0; n <= year().chain->height(); ++n)
    reg.apply(*year().chain->block_by_number(n));
  y.records = std::make_unique<InvestorRecords>(*y.db, std::nullopt);
  const char* const countries[] = {"US", "GB", "DE", "SG"};
  for (size_t i = 0; i < 190; ++i) {  // 190..199 have no record
    const Address w = year().investors[i];
    if (i == 11) {  // the second wallet of investor 10's stakeholder
      y.records->link_wallet(y.people[year().investors[10]].id, w, std::nullopt, "t");
      y.people[w] = y.people[year().investors[10]];
      continue;
    }
    Stakeholder s;
    s.kind = i % 5 == 0 ? "entity" : "individual";
    s.legal_name = "Investor " + std::to_string(i);
    s.tax_residency = countries[(i / 2) % 4];
    if (i % 3 != 0) s.accreditation_basis = "income";
    if (i % 3 != 0 && i % 7 == 0) s.accreditation_expiry = "2026-06-30";
    const int64_t id = y.records->add(s, "t");
    y.records->link_wallet(id, w, std::nullopt, "t");
    y.people[w] = {id, s.tax_residency, s.accreditation_basis, s.accreditation_expiry};
  }
  return y;
}

class YearHistoryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    static std::map<Backend, YearRegister> built;
    if (!built.contains(GetParam())) built.emplace(GetParam(), build_year_register(GetParam()));
    YearRegister& y = built.at(GetParam());
    db_ = y.db.get();
    records_ = y.records.get();
    people_ = &y.people;
  }

  // The holder's key (its stakeholder, or the wallet) and profile on `date`.
  std::string key(const Address& a) const {
    const auto it = people_->find(a);
    return it == people_->end() ? a.lower_hex() : "#" + std::to_string(it->second.id);
  }
  std::string jurisdiction(const Address& a) const {
    const auto it = people_->find(a);
    return it == people_->end() ? "unknown" : it->second.residency;
  }
  std::string accreditation(const Address& a, const std::string& date) const {
    const auto it = people_->find(a);
    if (it == people_->end()) return "unknown";
    const Person& p = it->second;
    return !p.basis.empty() && (p.expiry.empty() || p.expiry >= date) ? "accredited"
                                                                      : "non-accredited";
  }

  // The last block stamped before the end of `date`, from the chain's headers.
  static uint64_t block_of(const std::string& date) {
    uint64_t b = 0;
    for (uint64_t n = 0; n <= year().chain->height(); ++n) {
      if (date_of(year().chain->block_by_number(n)->header.timestamp) <= date) b = n;
    }
    return b;
  }

  void expect_cap_table(const CapTable& t, const Model& m, const std::string& date);

  Db* db_ = nullptr;
  InvestorRecords* records_ = nullptr;
  const std::map<Address, Person>* people_ = nullptr;
};

void YearHistoryTest::expect_cap_table(const CapTable& t, const Model& m, const std::string& date) {
  U256 total;
  for (const auto& [a, v] : m.balances)
    total = *total.checked_add(v);
  EXPECT_EQ(t.total, total) << date;
  ASSERT_EQ(t.holders.size(), m.balances.size()) << date;
  std::set<std::string> seen;
  std::map<std::string, size_t> by_j, by_a;
  size_t non_accredited = 0;
  for (const CapTableHolder& h : t.holders) {
    const Address a = *Address::parse(h.holder);
    const auto it = m.balances.find(a);
    ASSERT_NE(it, m.balances.end()) << h.holder << " on " << date;
    EXPECT_EQ(h.balance, it->second) << h.holder << " on " << date;
    EXPECT_EQ(h.percent, percent(it->second, total)) << h.holder << " on " << date;
    EXPECT_EQ(h.jurisdiction, jurisdiction(a));
    EXPECT_EQ(h.accreditation, accreditation(a, date)) << h.holder << " on " << date;
    if (!seen.insert(key(a)).second) continue;
    ++by_j[jurisdiction(a)];
    ++by_a[accreditation(a, date)];
    non_accredited += accreditation(a, date) == "accredited" ? 0 : 1;
  }
  EXPECT_EQ(t.holders_of_record, seen.size()) << date;
  EXPECT_EQ(t.by_jurisdiction, by_j) << date;
  EXPECT_EQ(t.by_accreditation, by_a) << date;
  EXPECT_EQ(t.non_accredited_holders, non_accredited) << date;
  std::set<std::string> purchasers;
  for (const auto& [a, ts] : m.mints) {
    if (accreditation(a, date_of(ts)) != "accredited") purchasers.insert(key(a));
  }
  EXPECT_EQ(t.non_accredited_purchasers, purchasers.size()) << date;
  const bool flag506 = purchasers.size() > 35;
  EXPECT_EQ(std::count(t.flags.begin(), t.flags.end(), "506b-non-accredited-purchasers"),
            flag506 ? 1 : 0);
  EXPECT_EQ(std::count(t.flags.begin(), t.flags.end(), "12g-holders-of-record"),
            seen.size() >= 2000 ? 1 : 0);
  EXPECT_EQ(std::count(t.flags.begin(), t.flags.end(), "12g-non-accredited"),
            non_accredited >= 500 ? 1 : 0);
}

// Mid-offering, a month in, the partial freeze, the forced transfer, the eve and the day of
// accreditations expiring, the cancellation, the preferred round, the eve and the day of the
// split, the year's end.
const char* const kDates[] = {"2026-01-03", "2026-01-31", "2026-04-11", "2026-05-31",
                              "2026-06-30", "2026-07-01", "2026-07-20", "2026-09-08",
                              "2026-12-06", "2026-12-07", "2026-12-31"};

TEST_P(YearHistoryTest, CapTableAtPastDatesEqualsTheEventsFoldedIndependently) {
  const History& h = year();
  ASSERT_GT(h.chain->height(), 360u);
  ASSERT_GT(h.refused, 50u);  // refusals leave no trace
  const std::vector<Model> models = fold(h, h.token);
  ASSERT_EQ(models.back().mints.size(), 200u);  // the offering's sales
  // And 2 distributions in kind and the preferred holders' conversions; a cancellation, a
  // controller redemption and two redemptions.
  ASSERT_GT(models.back().issuances, 200u + 2u + 20u);
  ASSERT_EQ(models.back().cancellations, 4u);
  ASSERT_EQ(models.back().splits, 1u);  // the 3-for-2 of day 340
  for (const char* date : kDates) {
    const uint64_t b = block_of(date);
    const CapTable t = cap_table(*db_, records_, {"ACME", std::nullopt, date, "test"});
    EXPECT_EQ(t.block, b) << date;
    EXPECT_EQ(t.date, date);
    expect_cap_table(t, models[b], date);
    EXPECT_EQ(t.total, h.at_block[b].total_supply) << date;  // and the ledger's own state
  }
  // At blocks, against the ledger's state after each (every 15th block).
  for (uint64_t n = 1; n <= h.chain->height(); n += 15) {
    const CapTable t = cap_table(*db_, nullptr, {"ACME", n, std::nullopt, "test"});
    ASSERT_EQ(t.holders.size(), h.at_block[n].holders.size()) << n;
    for (const CapTableHolder& row : t.holders)
      EXPECT_EQ(row.balance, h.at_block[n].holders.at(*Address::parse(row.holder))) << n;
  }
}

TEST_P(YearHistoryTest, TheIssuerCountsAStakeholderOnceAcrossItsClasses) {
  const History& h = year();
  const std::vector<Model> common = fold(h, h.token);
  const std::vector<Model> preferred = fold(h, h.second_token);
  for (const char* date : {"2026-09-07", "2026-09-08", "2026-12-31"}) {  // the round: 09-08
    const uint64_t b = block_of(date);
    const IssuerCapTable t =
        issuer_cap_table(*db_, records_, h.issuer.checksum_hex(), {"", std::nullopt, date});
    ASSERT_EQ(t.securities.size(), 2u);
    EXPECT_EQ(t.securities[0].symbol, "ACME");
    EXPECT_EQ(t.securities[1].symbol, "ACMP");
    EXPECT_EQ(t.block, b);
    std::set<std::string> keys, non_accredited;
    for (const Model* m : {&common[b], &preferred[b]}) {
      for (const auto& [a, v] : m->balances) {
        if (keys.insert(key(a)).second && accreditation(a, date) != "accredited") {
          non_accredited.insert(key(a));
        }
      }
    }
    EXPECT_EQ(t.holders_of_record, keys.size()) << date;
    EXPECT_EQ(t.non_accredited_holders, non_accredited.size()) << date;
    EXPECT_EQ(t.securities[1].holders.size(), preferred[b].balances.size()) << date;
  }
  EXPECT_THROW(issuer_cap_table(*db_, nullptr, h.investors[0].checksum_hex(), {}), QueryError);
  EXPECT_THROW(issuer_cap_table(*db_, nullptr, "ACME", {}), QueryError);
}

TEST_P(YearHistoryTest, TheControlBookFollowsIssuancesCancellationsAndAuthorizedShares) {
  const History& h = year();
  const std::vector<Model> models = fold(h, h.token);
  const uint64_t change = block_of("2026-07-01");
  set_authorized(*db_, "ACME", U256(1000000), 0, "charter");
  set_authorized(*db_, "ACME", U256(900000), change, "amendment (below outstanding)");
  EXPECT_THROW(set_authorized(*db_, "NOPE", U256(1), 0, ""), QueryError);
  for (const char* date : kDates) {
    const uint64_t b = block_of(date);
    const ControlBook c = control_book(*db_, {"ACME", std::nullopt, date});
    const Model& m = models[b];
    EXPECT_EQ(c.issued, m.issued) << date;
    EXPECT_EQ(c.cancelled, m.cancelled) << date;
    EXPECT_EQ(c.outstanding, h.at_block[b].total_supply) << date;
    EXPECT_EQ(c.issuances, m.issuances) << date;
    EXPECT_EQ(c.cancellations, m.cancellations) << date;
    EXPECT_EQ(c.holders, m.balances.size()) << date;
    const U256 authorized(b >= change ? 900000 : 1000000);
    EXPECT_EQ(c.authorized, authorized) << date;
    ASSERT_EQ(c.outstanding > authorized, b >= change) << date;  // both sides are tested
    if (c.outstanding > authorized) {
      EXPECT_FALSE(c.unissued.has_value());
      EXPECT_EQ(c.flags, std::vector<std::string>{"outstanding-exceeds-authorized"});
    } else {
      EXPECT_EQ(c.unissued, *authorized.checked_sub(c.outstanding)) << date;
      EXPECT_TRUE(c.flags.empty());
    }
  }
}

TEST_P(YearHistoryTest, FormDDerivesTheOfferingFromTheLedger) {
  const History& h = year();
  const std::vector<Model> models = fold(h, h.token);  // kept: m refers into it
  const Model& m = models.back();
  FormDQuery q;
  q.security = "ACME";
  q.price_per_share = "2.50";
  q.issuer_items = {{"1", {{"issuerName", "Acme Holdings, Inc."}}},
                    {"13", {{"totalOfferingAmount", "1000000.00"}}}};
  const nlohmann::json f = form_d(*db_, records_, q);
  // The first subscription was on 2026-01-03 (a Saturday): 15 days later is Sunday the 18th.
  EXPECT_EQ(f["dateOfFirstSale"], "2026-01-03");
  EXPECT_EQ(f["filingDeadline"], "2026-01-19");
  U256 shares;
  std::set<std::string> investors, non_accredited;
  U256 min = m.issued;
  for (size_t i = 0; i < 200; ++i) {
    shares = *shares.checked_add(U256(1000 + 37 * i));
    if (U256(1000 + 37 * i) < min) min = U256(1000 + 37 * i);
  }
  for (const auto& [a, ts] : m.mints) {
    investors.insert(key(a));
    if (accreditation(a, date_of(ts)) != "accredited") non_accredited.insert(key(a));
  }
  EXPECT_EQ(f["items"]["13"]["sharesSold"], shares.to_dec());
  EXPECT_EQ(f["items"]["13"]["totalAmountSold"], format_dollars(*shares.checked_mul(U256(250))));
  EXPECT_EQ(f["items"]["11"]["minimumInvestmentAccepted"],
            format_dollars(*min.checked_mul(U256(250))));
  EXPECT_EQ(f["items"]["14"]["totalNumberAlreadyInvested"], investors.size());
  EXPECT_EQ(f["items"]["14"]["numberNonAccreditedInvestors"], non_accredited.size());
  EXPECT_EQ(f["items"]["1"]["issuerName"], "Acme Holdings, Inc.");
  EXPECT_EQ(f["missing"].size(), 16u - 2u - 4u);  // 1 and 13 given; 7, 9, 11, 14 derived
  q.price_per_share = "2.505";
  EXPECT_THROW(form_d(*db_, records_, q), QueryError);
}

TEST_P(YearHistoryTest, TheJournalOfAQuarterIsEveryMovementWithItsReason) {
  const History& h = year();
  const Bytes32 transfer = keccak256(std::string_view("Transfer(address,address,uint256)"));
  size_t expect = 0;
  for (uint64_t n = 1; n <= h.chain->height(); ++n) {
    const auto b = h.chain->block_by_number(n);
    const std::string d = date_of(b->header.timestamp);
    if (d < "2026-04-01" || d > "2026-06-30") continue;
    for (const chain::Receipt& r : b->receipts) {
      for (const core::Log& l : r.logs)
        expect += r.success && l.address == h.token && l.topics[0] == transfer ? 1 : 0;
    }
  }
  const auto j = transfer_journal(*db_, "ACME", "2026-04-01", "2026-06-30");
  EXPECT_EQ(j.size(), expect);
  size_t forced = 0;
  for (const JournalEntry& e : j) {
    if (e.kind != "forced") continue;
    ++forced;
    EXPECT_EQ(e.reason, "court order 2026-150");
    EXPECT_EQ(e.amount, U256(500));
  }
  EXPECT_EQ(forced, 1u);
}

// The dividend round of day 300 (record date: the snapshot's block): each payment computed here
// from the record-date balances folded from the Transfer events, the round's amount and the
// withholding rates by the jurisdiction each investor was onboarded with; summed per form,
// recipient (a stakeholder, wallets without a record) and jurisdiction, and compared with the
// tax report's lines, and with the DividendPaid events themselves.
TEST_P(YearHistoryTest, TaxFormsOfTheDividendEqualTheRecordDateSharesFoldedIndependently) {
  const History& h = year();
  const std::vector<Model> models = fold(h, h.token);
  const Model& record = models.at(h.dividend_block - 2);  // the snapshot's block
  U256 supply;
  for (const auto& [a, v] : record.balances)
    supply = *supply.checked_add(v);
  const U256 amount(5'000'000'00);  // make_year_history's round: $5,000,000.00
  struct Want {
    U256 gross, withheld;
    size_t payments = 0;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Want> want;
  const char* const onboarded[] = {"US", "GB", "DE", "SG"};  // make_year_history
  U256 paid_gross;
  size_t payees = 0;
  std::map<Address, U256> gross_of;
  for (size_t i = 0; i < h.investors.size(); ++i) {
    const auto it = record.balances.find(h.investors[i]);
    if (it == record.balances.end()) continue;
    const std::string j = onboarded[i % 4];
    const U256 gross = *amount.mul_div_floor(it->second, supply);
    const uint64_t bps = j == "DE" ? 2638 : j == "SG" ? 1000 : 0;
    const U256 withheld = *gross.mul_div_floor(U256(bps), U256(10000));
    const auto p = people_->find(h.investors[i]);
    const std::string recipient = p == people_->end()
                                      ? h.investors[i].lower_hex()
                                      : "stakeholder:" + std::to_string(p->second.id);
    Want& w = want[{j == "US" ? "1099-DIV" : "1042-S", recipient, j}];
    w.gross = *w.gross.checked_add(gross);
    w.withheld = *w.withheld.checked_add(withheld);
    ++w.payments;
    paid_gross = *paid_gross.checked_add(gross);
    gross_of[h.investors[i]] = gross;
    ++payees;
  }
  ASSERT_GT(payees, 150u);
  const TaxFormReport r = tax_forms(*db_, {2026, "ACME"});
  ASSERT_EQ(r.lines.size(), want.size());
  U256 reported;
  size_t forms_1099 = 0, forms_1042 = 0;
  for (const TaxFormLine& l : r.lines) {
    const auto it = want.find({l.form, l.recipient, l.jurisdiction});
    ASSERT_NE(it, want.end()) << l.form << " " << l.recipient << " " << l.jurisdiction;
    EXPECT_EQ(l.gross, it->second.gross) << l.recipient;
    EXPECT_EQ(l.withheld, it->second.withheld) << l.recipient;
    EXPECT_EQ(l.net, *l.gross.checked_sub(l.withheld));
    EXPECT_EQ(l.payments, it->second.payments);
    EXPECT_EQ(l.currency, "USD");
    EXPECT_EQ(l.decimals, 2);
    // 1042-S always; 1099-DIV from $10 (1000 cents: the token has 2 decimals) or any withholding.
    EXPECT_EQ(l.required, l.form == "1042-S" || l.gross >= U256(1000) || !l.withheld.is_zero());
    reported = *reported.checked_add(l.gross);
    (l.form == "1099-DIV" ? forms_1099 : forms_1042) += 1;
  }
  EXPECT_GT(forms_1099, 20u);
  EXPECT_GT(forms_1042, 100u);
  EXPECT_EQ(reported, paid_gross);
  // Flooring per holder: the dust is less than one cent per payee, never more than the amount.
  EXPECT_LE(paid_gross, amount);
  EXPECT_LT(*amount.checked_sub(paid_gross), U256(payees));
  // The stakeholder with two wallets (investors 10 and 11, onboarded DE and SG): one line each.
  const std::string two = "stakeholder:" + std::to_string(people_->at(h.investors[10]).id);
  size_t lines_of_two = 0;
  for (const TaxFormLine& l : r.lines)
    lines_of_two += l.recipient == two ? 1 : 0;
  EXPECT_EQ(lines_of_two, 2u);
  // Every DividendPaid event agrees with the fold (the projection read them all, once).
  const Bytes32 paid = keccak256(std::string_view(
      "DividendPaid(uint256,address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes2,"
      "uint256,address,address)"));
  size_t events = 0;
  for (const chain::Receipt& rc : h.chain->block_by_number(h.dividend_block)->receipts) {
    for (const core::Log& l : rc.logs) {
      if (!rc.success || l.address != h.distributor || l.topics[0] != paid) continue;
      ++events;
      EXPECT_EQ(U256::from_be(BytesView(l.data.data() + 3 * 32, 32)),
                gross_of.at(Address::from_word(l.topics[2])));
    }
  }
  EXPECT_EQ(events, payees);
  // The year-end statement's 1099-DIV of a US-onboarded investor paid.
  Address us;
  for (size_t i = 0; i < 190 && us == Address{}; i += 4) {
    if (gross_of.contains(h.investors[i])) us = h.investors[i];
  }
  ASSERT_NE(us, Address{});
  const Form1099Div f = form_1099_div(statement_dividends(*db_, {us.lower_hex()}, 2026));
  EXPECT_EQ(f.box_1a, static_cast<int64_t>(gross_of.at(us).low64()));
  EXPECT_EQ(f.box_4, 0);
  EXPECT_TRUE(statement_dividends(*db_, {h.investors[2].lower_hex()}, 2026).empty());  // DE
  // Other years, other securities, bad input.
  EXPECT_TRUE(tax_forms(*db_, {2025, ""}).lines.empty());
  EXPECT_TRUE(tax_forms(*db_, {2026, "ACMP"}).lines.empty());
  EXPECT_EQ(tax_forms(*db_, {2026, ""}).lines.size(), r.lines.size());
  EXPECT_THROW(tax_forms(*db_, {2026, "NOPE"}), QueryError);
  EXPECT_THROW(tax_forms(*db_, {1969, ""}), QueryError);
  EXPECT_THROW(tax_forms(*db_, {10000, ""}), QueryError);
}

// The corporate actions of days 150 (a forced transfer), 330 (seizure, ERC-1644 controller
// transfer and redemption, redemption, distribution in kind) and 355 (ACMP converted into ACME, 3
// for 2): each movement in the journal with its action, reason and document; the control book
// lists the actions and splits issued and cancelled by action, against the events folded here;
// the cap tables after them are the fold's (CapTableAtPastDates... checks 12-31 for ACME).
TEST_P(YearHistoryTest, CorporateActionsAreInTheJournalAndTheControlBook) {
  const History& h = year();
  const auto j = transfer_journal(*db_, "ACME", "2026-11-01", "2026-12-31");
  std::map<std::string, std::vector<JournalEntry>> by_action;
  for (const JournalEntry& e : j)
    by_action[e.action].push_back(e);
  ASSERT_EQ(by_action["SEIZURE"].size(), 1u);
  EXPECT_EQ(by_action["SEIZURE"][0].kind, "forced");
  EXPECT_EQ(by_action["SEIZURE"][0].to, chain::testing::dev_key(498).address().lower_hex());
  EXPECT_EQ(by_action["SEIZURE"][0].reason, "seizure order 2026-330");
  EXPECT_EQ(by_action["SEIZURE"][0].document, "0x" + std::string(64, '3'));
  ASSERT_EQ(by_action["CONTROLLER-TRANSFER"].size(), 1u);
  EXPECT_EQ(by_action["CONTROLLER-TRANSFER"][0].kind, "forced");
  EXPECT_EQ(by_action["CONTROLLER-TRANSFER"][0].amount, U256(40));
  EXPECT_EQ(by_action["CONTROLLER-TRANSFER"][0].reason, "court 331");
  std::string doc34 = "0x";
  for (int i = 0; i < 32; ++i)
    doc34 += "34";
  EXPECT_EQ(by_action["CONTROLLER-TRANSFER"][0].document, doc34);
  ASSERT_EQ(by_action["CONTROLLER-REDEMPTION"].size(), 1u);
  EXPECT_EQ(by_action["CONTROLLER-REDEMPTION"][0].kind, "burn");
  EXPECT_EQ(by_action["CONTROLLER-REDEMPTION"][0].reason, "redeem");
  ASSERT_EQ(by_action["REDEMPTION"].size(), 2u);
  ASSERT_EQ(by_action["DISTRIBUTION"].size(), 2u);
  for (const JournalEntry& e : by_action["DISTRIBUTION"]) {
    EXPECT_EQ(e.kind, "mint");
    EXPECT_EQ(e.reason, "bonus issue 2026");
  }
  // The conversion: every ACMP holder's balance burnt, floor(3/2 of it) issued in ACME.
  const std::vector<Model> pref = fold(h, h.second_token);
  const uint64_t conversion = block_of("2026-12-22");  // day 355
  const Model& before = pref.at(conversion - 1);
  ASSERT_GT(before.balances.size(), 20u);
  U256 burnt, issued;
  for (const auto& [a, v] : before.balances) {
    burnt = *burnt.checked_add(v);
    issued = *issued.checked_add(*v.mul_div_floor(U256(3), U256(2)));
  }
  ASSERT_EQ(by_action["CONVERSION"].size(), before.balances.size());
  U256 converted;
  for (const JournalEntry& e : by_action["CONVERSION"]) {
    EXPECT_EQ(e.kind, "mint");
    EXPECT_EQ(e.reason, "conversion of the preferred into common");
    converted = *converted.checked_add(e.amount);
  }
  EXPECT_EQ(converted, issued);
  EXPECT_TRUE(pref.back().balances.empty());
  const ControlBook acme = control_book(*db_, {"ACME", std::nullopt, "2026-12-31"});
  EXPECT_EQ(acme.issued_by_action.at("CONVERSION"), issued);
  EXPECT_EQ(acme.issued_by_action.at("DISTRIBUTION"), U256(16));
  EXPECT_EQ(acme.cancelled_by_action.at("REDEMPTION"), U256(45));
  EXPECT_EQ(acme.cancelled_by_action.at("CONTROLLER-REDEMPTION"), U256(30));
  EXPECT_EQ(acme.cancelled_by_action.at("ordinary"), U256(250));
  std::vector<std::string> actions;
  for (const CorporateActionEntry& a : acme.corporate_actions)
    actions.push_back(a.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"FORCED-TRANSFER", "SEIZURE", "CONTROLLER-TRANSFER",
                                               "CONTROLLER-REDEMPTION", "REDEMPTION",
                                               "DISTRIBUTION", "SPLIT"}));
  EXPECT_EQ(acme.corporate_actions[0].reason, "court order 2026-150");
  const ControlBook acmp = control_book(*db_, {"ACMP", std::nullopt, "2026-12-31"});
  ASSERT_EQ(acmp.corporate_actions.size(), 1u);
  EXPECT_EQ(acmp.corporate_actions[0].action, "CONVERSION");
  EXPECT_EQ(acmp.corporate_actions[0].target, h.token.lower_hex());
  EXPECT_EQ(acmp.cancelled_by_action.at("CONVERSION"), burnt);
  EXPECT_EQ(acmp.outstanding, U256(0));
  // Not sales: Form D and the 506(b) purchasers count the offering's mints only.
  const CapTable t = cap_table(*db_, records_, {"ACME", std::nullopt, "2026-12-31", "t"});
  const CapTable mid = cap_table(*db_, records_, {"ACME", std::nullopt, "2026-09-08", "t"});
  EXPECT_EQ(t.non_accredited_purchasers, mid.non_accredited_purchasers);
  // The cap tables right after each action equal the fold.
  const std::vector<Model> common = fold(h, h.token);
  for (const uint64_t b : {block_of("2026-11-27"), conversion}) {
    const CapTable c = cap_table(*db_, nullptr, {"ACME", b, std::nullopt, "t"});
    ASSERT_EQ(c.holders.size(), common[b].balances.size()) << b;
    for (const CapTableHolder& row : c.holders)
      EXPECT_EQ(row.balance, common[b].balances.at(*Address::parse(row.holder))) << b;
    EXPECT_EQ(c.total, h.at_block[b].total_supply);
  }
}

// The 3-for-2 split of day 340 (a block of its own, after the dividend's record date): every
// position before it rescaled at its block, floor(balance × 3 / 2), the fraction lost recorded
// per holder (balance × 3 mod 2, over 2); the cap tables on either side against the fold and the
// ledger's balanceOf; the journal shows each changed position as a "split" movement with the
// split's reason and document; the control book lists the split and its outstanding shares move
// by the supply's change; the partial freeze is floored with the ledger's.
TEST_P(YearHistoryTest, TheSplitRescalesEveryPositionAtItsBlock) {
  const History& h = year();
  const std::vector<Model> models = fold(h, h.token);
  const uint64_t split = block_of("2026-12-07");
  ASSERT_EQ(models[split].splits, 1u);
  ASSERT_EQ(models[split - 1].splits, 0u);  // the split's block is block_of("2026-12-07")
  const Model& before = models[split - 1];
  const Model& after = models[split];
  ASSERT_GT(before.balances.size(), 150u);
  for (const auto& [a, v] : before.balances)
    EXPECT_EQ(h.at_block[split].holders.at(a), *v.mul_div_floor(U256(3), U256(2)));  // balanceOf
  for (const uint64_t b : {split - 1, split}) {
    const CapTable t = cap_table(*db_, nullptr, {"ACME", b, std::nullopt, "t"});
    ASSERT_EQ(t.holders.size(), models[b].balances.size()) << b;
    for (const CapTableHolder& row : t.holders) {
      const Address a = *Address::parse(row.holder);
      EXPECT_EQ(row.balance, models[b].balances.at(a)) << b;
      EXPECT_EQ(row.balance, h.at_block[b].holders.at(a)) << b;
    }
    EXPECT_EQ(t.total, h.at_block[b].total_supply) << b;
  }
  // Fractions owed cash in lieu: one position per holder of record at the split.
  const std::vector<SplitFraction> f = split_fractions(*db_, "ACME", 1);
  ASSERT_EQ(f.size(), before.balances.size());
  size_t odd = 0, changed = 0;
  for (const SplitFraction& p : f) {
    const U256 v = before.balances.at(*Address::parse(p.holder));
    EXPECT_EQ(p.before, v);
    EXPECT_EQ(p.after, after.balances.at(*Address::parse(p.holder)));
    EXPECT_EQ(p.fraction, U256(v.low64() * 3 % 2)) << p.holder;
    EXPECT_EQ(p.denominator, U256(2));
    odd += p.fraction.is_zero() ? 0 : 1;
    changed += p.after != p.before ? 1 : 0;
  }
  EXPECT_GT(odd, 10u);  // both sides of the rounding are exercised
  EXPECT_LT(odd, f.size());
  EXPECT_THROW(split_fractions(*db_, "ACME", 2), QueryError);
  EXPECT_THROW(split_fractions(*db_, "ACMP", 1), QueryError);
  // The journal of the day: the day's transfers, then one "split" movement per changed position.
  std::string doc = "0x";
  for (int i = 0; i < 32; ++i)
    doc += "52";
  size_t split_entries = 0;
  for (const JournalEntry& e : transfer_journal(*db_, "ACME", "2026-12-07", "2026-12-07")) {
    if (e.kind != "split") continue;
    ++split_entries;
    EXPECT_EQ(e.block, split);
    EXPECT_EQ(e.action, "SPLIT");
    EXPECT_EQ(e.reason, "3-for-2 stock split 2026");
    EXPECT_EQ(e.document, doc);
    EXPECT_EQ(e.from, Address{}.lower_hex());
    const U256 v = before.balances.at(*Address::parse(e.to));
    EXPECT_EQ(e.amount, *after.balances.at(*Address::parse(e.to)).checked_sub(v));
  }
  EXPECT_EQ(split_entries, changed);
  // The control book: the split listed, outstanding = the ledger's supply on either side.
  const ControlBook c = control_book(*db_, {"ACME", split, std::nullopt});
  ASSERT_EQ(c.splits.size(), 1u);
  EXPECT_EQ(c.splits[0].split_id, 1u);
  EXPECT_EQ(c.splits[0].numerator, U256(3));
  EXPECT_EQ(c.splits[0].denominator, U256(2));
  EXPECT_EQ(c.splits[0].supply_before, h.at_block[split - 1].total_supply);
  EXPECT_EQ(c.splits[0].supply_after, h.at_block[split].total_supply);
  EXPECT_EQ(c.outstanding, h.at_block[split].total_supply);
  EXPECT_EQ(c.issued, after.issued);  // a split issues nothing
  EXPECT_TRUE(control_book(*db_, {"ACME", split - 1, std::nullopt}).splits.empty());
  EXPECT_EQ(control_book_json(c)["splits"][0]["supplyAfter"],
            h.at_block[split].total_supply.to_dec());
  // The partial freeze (100 shares of investor 2, day 100) floored as the ledger floors it.
  const Address frozen = h.investors[2];
  const auto row = db_->query_one(
      "SELECT frozen_amount FROM balances WHERE security = ? AND "
      "holder = ?",
      {h.token.lower_hex(), frozen.lower_hex()});
  ASSERT_TRUE(row);
  EXPECT_EQ(*decode_amount(row->text(0)), h.at_block.back().frozen_tokens.at(frozen));
  EXPECT_EQ(h.at_block[split].frozen_tokens.at(frozen),
            *h.at_block[split - 1].frozen_tokens.at(frozen).mul_div_floor(U256(3), U256(2)));
}

// The 12(g) thresholds at their boundaries, on a register fed synthetic blocks (a security, then
// mints to 1,999 wallets without records, then one more): 1,999 holders of record are not
// flagged, 2,000 are; 500 holders not known accredited are; more than 35 such purchasers are.
class ThresholdTest : public ::testing::TestWithParam<Backend> {};

chain::Block synthetic_block(uint64_t n, const Bytes32& parent, std::vector<core::Log> logs) {
  chain::Block b;
  b.header.number = n;
  b.header.parent_hash = parent;
  b.header.timestamp = testing::kHistoryStart + n * testing::kDay;
  b.hash = keccak256(std::string_view("threshold block " + std::to_string(n)));
  for (core::Log& l : logs) {
    chain::Receipt r;
    r.success = true;
    r.logs.push_back(std::move(l));
    b.transactions.emplace_back();
    b.receipts.push_back(std::move(r));
  }
  return b;
}

TEST_P(ThresholdTest, TwelveGFlagsAtTwoThousandHoldersOfRecord) {
  auto db = testing::fresh_db(GetParam());
  Register reg(*db);
  Address token;
  token.b[0] = 0x77;
  core::Log created;
  created.address = core::factory_address();
  created.topics = {keccak256(std::string_view("SecurityCreated(address,address,uint8,address,"
                                               "address,address,address,address)")),
                    token.to_word(), Address{}.to_word()};
  created.data.resize(32 * 7);
  const auto mint = [&](size_t i) {
    Address to;
    to.b[0] = 0x88;
    to.b[18] = static_cast<uint8_t>(i >> 8);
    to.b[19] = static_cast<uint8_t>(i);
    core::Log l;
    l.address = token;
    l.topics = {keccak256(std::string_view("Transfer(address,address,uint256)")),
                Address{}.to_word(), to.to_word()};
    l.data.resize(32);
    U256(1).to_be(l.data.data());
    return l;
  };
  const chain::Block b0 = synthetic_block(0, Bytes32{}, {created});
  reg.apply(b0);
  std::vector<core::Log> first;
  for (size_t i = 0; i < 1999; ++i)
    first.push_back(mint(i));
  const chain::Block b1 = synthetic_block(1, b0.hash, std::move(first));
  reg.apply(b1);
  reg.apply(synthetic_block(2, b1.hash, {mint(1999)}));
  const std::string t = token.checksum_hex();
  CapTable at1 = cap_table(*db, nullptr, {t, 1, std::nullopt, "t"});
  EXPECT_EQ(at1.holders_of_record, 1999u);
  EXPECT_EQ(at1.flags,
            (std::vector<std::string>{"12g-non-accredited", "506b-non-accredited-purchasers"}));
  CapTable at2 = cap_table(*db, nullptr, {t, 2, std::nullopt, "t"});
  EXPECT_EQ(at2.holders_of_record, 2000u);
  EXPECT_EQ(at2.flags, (std::vector<std::string>{"12g-holders-of-record", "12g-non-accredited",
                                                 "506b-non-accredited-purchasers"}));
  EXPECT_EQ(cap_table(*db, nullptr, {t, 0, std::nullopt, "t"}).flags, std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Backends, ThresholdTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

INSTANTIATE_TEST_SUITE_P(Backends, YearHistoryTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
