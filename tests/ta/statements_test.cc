// Year-end statements on both back ends: holdings and movements against the ledger's own state,
// the 1099-DIV boxes and threshold, and the PDF rendered by poppler's pdftoppm (not blank, the
// holder's name and the boxes in its text).
#include "stoa/ta/statements.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "backends.h"
#include "history.h"
#include "stoa/ta/register.h"
#include "stoa/ta/schema.h"

namespace stoa::ta {
namespace {

using testing::Backend;
using testing::History;

const History& history() {
  static const History h = testing::make_history(12, 4);
  return h;
}

TaxIdKey test_key() {
  std::array<uint8_t, 32> k{};
  k.fill(9);
  return TaxIdKey::from_bytes(k);
}

DividendPayment payment(const std::string& wallet, const std::string& on, uint64_t micro) {
  DividendPayment p;
  p.security = history().token.lower_hex();
  p.wallet = wallet;
  p.paid_on = on;
  p.decimals = 6;  // a USD stablecoin's
  p.gross = U256(micro);
  p.qualified = U256(micro / 2);
  return p;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;)
    out.append(buf, n);
  pclose(f);
  return out;
}

class StatementsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::fresh_db(GetParam());
    Register reg(*db_);
    for (uint64_t n = 0; n <= history().chain->height(); ++n)
      reg.apply(*history().chain->block_by_number(n));
    migrate(*db_);
    InvestorRecords records(*db_, test_key());
    Stakeholder s;
    s.kind = "individual";
    s.legal_name = "Zoë Example";
    s.addresses = {"1 Main Street, Springfield"};
    s.tax_id = "123-45-6789";
    s.tax_id_type = "SSN";
    s.tax_residency = "US";
    id_ = records.add(s, "test");
    for (size_t i = 0; i < 2; ++i) {
      wallets_.push_back(history().investors[i].lower_hex());
      records.link_wallet(id_, history().investors[i], std::nullopt, "test");
    }
  }
  HolderStatement statement(const std::vector<DividendPayment>& d) {
    InvestorRecords records(*db_, test_key());
    return holder_statement(*db_, records, id_, 2026, d, "agent:test");
  }
  std::unique_ptr<Db> db_;
  int64_t id_ = 0;
  std::vector<std::string> wallets_;
};

TEST_P(StatementsTest, HoldingsAreTheLedgersAndTheMovementsExplainThem) {
  const History& h = history();
  const HolderStatement s = statement({});
  EXPECT_EQ(s.legal_name, "Zoë Example");
  EXPECT_EQ(s.tax_id_masked, "***-**-6789");
  EXPECT_EQ(s.as_of_block, h.chain->height());
  ASSERT_EQ(s.holdings.size(), 1u);
  const StatementHolding& hold = s.holdings[0];
  EXPECT_EQ(hold.token, h.token.lower_hex());
  // The closing balance: the token's own state after the last block (not the events).
  U256 expect;
  for (size_t i = 0; i < 2; ++i) {
    const auto it = h.at_block.back().holders.find(h.investors[i]);
    if (it != h.at_block.back().holders.end()) expect = *expect.checked_add(it->second);
  }
  EXPECT_EQ(hold.closing, expect);
  EXPECT_TRUE(hold.opening.is_zero());  // the history starts on 2026-01-01
  // The year's movements net to the change of balance.
  U256 in, out;
  for (const JournalEntry& e : hold.movements) {
    const bool to = std::find(wallets_.begin(), wallets_.end(), e.to) != wallets_.end();
    const bool from = std::find(wallets_.begin(), wallets_.end(), e.from) != wallets_.end();
    if (to && !from) in = *in.checked_add(e.amount);
    if (from && !to) out = *out.checked_add(e.amount);
  }
  EXPECT_FALSE(hold.movements.empty());
  EXPECT_EQ(*in.checked_sub(out), hold.closing);
  // The statement of 2025: nothing held, nothing moved.
  InvestorRecords records(*db_, test_key());
  EXPECT_TRUE(holder_statement(*db_, records, id_, 2025, {}, "t").holdings.empty());
  EXPECT_THROW(holder_statement(*db_, records, 999, 2026, {}, "t"), RecordError);
  // Reading the record for a statement is audited.
  EXPECT_TRUE(
      db_->query_one("SELECT id FROM audit_log WHERE actor = 'agent:test' AND action = 'read'"));
}

TEST_P(StatementsTest, Form1099DivBoxesAndTheTenDollarThreshold) {
  const std::string w = wallets_[0];
  // $9.999999 in the year: under the threshold (truncated to $9.99, never rounded up).
  HolderStatement s = statement({payment(w, "2026-03-31", 9'999'999),
                                 payment(w, "2025-12-31", 50'000'000),  // another year
                                 payment("0x" + std::string(40, '7'), "2026-03-31", 50'000'000)});
  ASSERT_EQ(s.dividends.size(), 1u);
  EXPECT_EQ(format_cents(s.form_1099_div.box_1a), "9.99");
  EXPECT_EQ(format_cents(s.form_1099_div.box_1b), "4.99");
  EXPECT_FALSE(s.form_1099_div.required);
  // One more cent (summed exactly before truncation: 9.999999 + 0.000001 = 10.00).
  s = statement({payment(w, "2026-03-31", 9'999'999), payment(wallets_[1], "2026-06-30", 1)});
  EXPECT_EQ(format_cents(s.form_1099_div.box_1a), "10.00");
  EXPECT_TRUE(s.form_1099_div.required);
  // Any tax withheld makes the form required, whatever the amount.
  DividendPayment small = payment(w, "2026-03-31", 1'000'000);
  small.federal_withheld = U256(240'000);
  small.foreign_tax_paid = U256(15'000);
  s = statement({small});
  EXPECT_EQ(format_cents(s.form_1099_div.box_4), "0.24");
  EXPECT_EQ(format_cents(s.form_1099_div.box_7), "0.01");
  EXPECT_TRUE(s.form_1099_div.required);
  const nlohmann::json j = statement_json(s);
  EXPECT_EQ(j["form1099Div"]["box1a"], "1.00");
  EXPECT_EQ(j["form1099Div"]["thresholdUsd"], "10.00");
  // Not dollars, or qualified above gross: refused.
  DividendPayment eur = small;
  eur.currency = "EUR";
  EXPECT_THROW(statement({eur}), QueryError);
  DividendPayment odd = small;
  odd.qualified = U256(2'000'000);
  EXPECT_THROW(statement({odd}), QueryError);
}

TEST_P(StatementsTest, ThePdfRendersToAPageThatIsNotBlank) {
  const HolderStatement s = statement({payment(wallets_[0], "2026-03-31", 12'340'000)});
  const Bytes pdf = statement_pdf(s);
  ASSERT_GT(pdf.size(), 500u);
  EXPECT_EQ(std::string(pdf.begin(), pdf.begin() + 5), "%PDF-");
  const std::string dir = testing::temp_dir();
  {
    std::ofstream f(dir + "/s.pdf", std::ios::binary);
    f.write(reinterpret_cast<const char*>(pdf.data()), static_cast<std::streamsize>(pdf.size()));
  }
  // PNG, as a reader would see it; and the same rendering in grey (PGM) to count ink.
  ASSERT_EQ(std::system(("pdftoppm -r 40 -f 1 -l 1 -png " + dir + "/s.pdf " + dir + "/p").c_str()),
            0);
  std::ifstream png(dir + "/p-1.png", std::ios::binary);
  const std::string png_bytes((std::istreambuf_iterator<char>(png)),
                              std::istreambuf_iterator<char>());
  ASSERT_GT(png_bytes.size(), 8u);
  EXPECT_EQ(png_bytes.substr(1, 3), "PNG");
  ASSERT_EQ(std::system(("pdftoppm -r 40 -f 1 -l 1 -gray " + dir + "/s.pdf " + dir + "/g").c_str()),
            0);
  std::ifstream pgm(dir + "/g-1.pgm", std::ios::binary);
  std::string magic;
  int w = 0, h = 0, max = 0;
  pgm >> magic >> w >> h >> max;
  pgm.get();
  ASSERT_EQ(magic, "P5");
  ASSERT_EQ(w, 340);  // US Letter at 40 dpi: 8.5 x 11 in
  ASSERT_EQ(h, 440);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h);
  pgm.read(reinterpret_cast<char*>(px.data()), static_cast<std::streamsize>(px.size()));
  ASSERT_TRUE(pgm);
  size_t dark = 0;
  for (unsigned char p : px)
    dark += p < 128 ? 1 : 0;
  EXPECT_GT(dark, px.size() / 200) << "the page is (nearly) blank";
  // The text is there: the holder's name (Latin-1 ë kept), the boxes, the amount.
  const std::string text = run("pdftotext -enc UTF-8 " + dir + "/s.pdf -");
  EXPECT_NE(text.find("Zoë Example"), std::string::npos) << text;
  EXPECT_NE(text.find("1a Total ordinary dividends"), std::string::npos);
  EXPECT_NE(text.find("$12.34"), std::string::npos);
  EXPECT_NE(text.find("A Form 1099-DIV is required"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, StatementsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
