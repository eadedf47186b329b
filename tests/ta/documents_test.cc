// Documents and data rooms on both back ends: the SHA-256, grants (view, download, expiry,
// revocation) enforced on every read, every read audited, the ERC-1643 call data.
#include "stoa/ta/documents.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "stoa/abi/abi.h"
#include "stoa/ta/access.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/schema.h"

namespace stoa::ta {
namespace {

using testing::Backend;

const std::string kAlice = "0x" + std::string(40, 'a');
const std::string kBob = "0x" + std::string(40, 'b');
const std::string kToken = "0x" + std::string(40, 'c');

class DocumentsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::fresh_db(GetParam());
    migrate(*db_);
    docs_ = std::make_unique<Documents>(*db_, [this] { return now_; });
  }
  size_t audit_rows(const std::string& action) {
    return db_->query("SELECT id FROM audit_log WHERE action = ?", {action}).size();
  }
  int64_t now_ = 1'800'000'000;
  std::unique_ptr<Db> db_;
  std::unique_ptr<Documents> docs_;
};

TEST_P(DocumentsTest, StoresTheFileWithItsSha256) {
  const Bytes content = {'a', 'b', 'c'};
  const Document d = docs_->add("PPM 2026", kToken, "application/pdf", content, "cli:op");
  // SHA-256("abc") (FIPS 180-2, appendix B.1).
  EXPECT_EQ(d.sha256, "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(d.size, 3);
  EXPECT_EQ(docs_->read_content(d.id, "cli:op", {}, true), content);
  EXPECT_EQ(docs_->list(kToken).size(), 1u);
  EXPECT_TRUE(docs_->list(kAlice).empty());
  // Bad input: nothing written.
  EXPECT_THROW(docs_->add("", kToken, "application/pdf", content, "op"), RecordError);
  EXPECT_THROW(docs_->add("x", "FEED", "application/pdf", content, "op"), RecordError);
  EXPECT_THROW(docs_->add("x", kToken, "pdf", content, "op"), RecordError);
  EXPECT_THROW(docs_->add("x", kToken, "a/b", Bytes(kMaxDocumentBytes + 1), "op"), RecordError);
  EXPECT_EQ(docs_->list().size(), 1u);
}

TEST_P(DocumentsTest, GrantsAreEnforcedOnEveryReadAndEveryReadIsAudited) {
  const Document d = docs_->add("Subscription agreement", kToken, "text/plain",
                                Bytes{'s', 'e', 'c', 'r', 'e', 't'}, "cli:op");
  // No grant: neither the metadata nor the content.
  EXPECT_THROW(docs_->read_metadata(d.id, "siwe:alice", {kAlice}, false), AccessDenied);
  EXPECT_THROW(docs_->read_content(d.id, "siwe:alice", {kAlice}, false), AccessDenied);
  // View: the metadata and the hash, not the content.
  const int64_t view = docs_->grant(d.id, kAlice, "view", std::nullopt, "cli:op");
  EXPECT_EQ(docs_->read_metadata(d.id, "siwe:alice", {kAlice}, false).sha256, d.sha256);
  EXPECT_THROW(docs_->read_content(d.id, "siwe:alice", {kAlice}, false), AccessDenied);
  EXPECT_THROW(docs_->read_metadata(d.id, "siwe:bob", {kBob}, false), AccessDenied);
  // Download (until an expiry): the content too.
  const int64_t dl = docs_->grant(d.id, kAlice, "download", now_ + 60, "cli:op");
  EXPECT_EQ(docs_->read_content(d.id, "siwe:alice", {kAlice}, false).size(), 6u);
  now_ += 60;  // expired
  EXPECT_THROW(docs_->read_content(d.id, "siwe:alice", {kAlice}, false), AccessDenied);
  EXPECT_NO_THROW(docs_->read_metadata(d.id, "siwe:alice", {kAlice}, false));
  docs_->revoke(view, "cli:op");
  EXPECT_THROW(docs_->read_metadata(d.id, "siwe:alice", {kAlice}, false), AccessDenied);
  EXPECT_THROW(docs_->revoke(view, "cli:op"), RecordError);
  EXPECT_THROW(docs_->revoke(9999, "cli:op"), RecordError);
  // An API key as grantee.
  docs_->grant(d.id, "apikey:0123456789abcdef", "download", std::nullopt, "cli:op");
  EXPECT_NO_THROW(
      docs_->read_content(d.id, "apikey:0123456789abcdef", {"apikey:0123456789abcdef"}, false));
  // An unknown document: 404, audited as well.
  try {
    docs_->read_metadata(404, "siwe:alice", {kAlice}, false);
    ADD_FAILURE();
  } catch (const AccessDenied& e) {
    EXPECT_EQ(e.status, 404);
  }
  // Bad grants.
  EXPECT_THROW(docs_->grant(d.id, "0xABC", "view", std::nullopt, "op"), RecordError);
  EXPECT_THROW(docs_->grant(d.id, kBob, "edit", std::nullopt, "op"), RecordError);
  EXPECT_THROW(docs_->grant(d.id, kBob, "view", now_ - 1, "op"), RecordError);
  EXPECT_THROW(docs_->grant(777, kBob, "view", std::nullopt, "op"), RecordError);
  EXPECT_EQ(audit_rows("document-view"), 2u);
  EXPECT_EQ(audit_rows("document-download"), 2u);
  EXPECT_EQ(audit_rows("document-refused"), 7u);
  EXPECT_EQ(audit_rows("document-grant"), 3u);
  EXPECT_EQ(audit_rows("document-revoke"), 1u);
  (void)dl;
}

TEST_P(DocumentsTest, TheErc1643CallCarriesTheNameAndTheHash) {
  const Document d = docs_->add("PPM", kToken, "application/pdf", Bytes{'x'}, "op");
  const Bytes call = erc1643_set_document_call(d, "https://ta.example/doc/1");
  const auto sig = abi::parse_signature("setDocument(bytes32,string,bytes32)");
  ASSERT_EQ(call.size(), 4u + 32 * 3 + 32 + 32);  // selector, 3 heads, the string: length, data
  const uint32_t sel = abi::selector(*sig);
  EXPECT_EQ(call[0], sel >> 24);
  EXPECT_EQ(call[3], sel & 0xff);
  EXPECT_EQ(std::string(call.begin() + 4, call.begin() + 7), "PPM");
  EXPECT_EQ(to_hex_prefixed(BytesView(call.data() + 4 + 64, 32)), d.sha256);
  docs_->record_registry_tx(d.id, "0x" + std::string(64, 'e'), "op");
  EXPECT_EQ(*docs_->find(d.id)->registry_tx, "0x" + std::string(64, 'e'));
  EXPECT_THROW(docs_->record_registry_tx(d.id, "0x12", "op"), RecordError);
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
