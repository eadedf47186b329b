// docs/abi/*.json are produced from the tables the dispatcher uses; this proves the committed
// files agree with them, and that every function entry's selector dispatches.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "stoa/core/factory.h"
#include "stoa/core/state.h"
#include "stoa/doc/abi_json.h"

namespace stoa::doc {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AbiDocuments, CommittedFilesMatchTheDispatchTables) {
  auto docs = all_abi_documents();
  // Seven security contracts, six identity contracts, KycEventLog, Multicall3, PaymentToken,
  // DividendDistributor, MultisigAdmin.
  EXPECT_EQ(docs.size(), 18u);
  for (const auto& [name, doc] : docs) {
    const std::string path = std::string(STOA_SOURCE_DIR) + "/docs/abi/" + name + ".json";
    EXPECT_EQ(read(path), abi_file_text(doc))
        << path << " is out of date: run ./build/stoa abi --out docs/abi";
  }
}

TEST(AbiDocuments, EveryFunctionEntryDispatches) {
  auto docs = all_abi_documents();
  const auto& token = docs.at("SecurityToken");
  size_t functions = 0;
  for (const auto& entry : token) {
    if (entry["type"] != "function") continue;
    ++functions;
    std::string sig = entry["name"].get<std::string>() + "(";
    for (size_t i = 0; i < entry["inputs"].size(); ++i) {
      if (i) sig += ",";
      std::string t = entry["inputs"][i]["type"];
      EXPECT_EQ(t.find("tuple"), std::string::npos);  // no tuple inputs in this ABI
      sig += t;
    }
    sig += ")";
    auto parsed = abi::parse_signature(sig);
    ASSERT_TRUE(parsed.has_value()) << sig;
  }
  EXPECT_GT(functions, 30u);
  // Events carry `indexed`, errors have names.
  bool saw_transfer = false;
  for (const auto& entry : token) {
    if (entry["type"] == "event" && entry["name"] == "Transfer") {
      saw_transfer = true;
      EXPECT_TRUE(entry["inputs"][0]["indexed"].get<bool>());
      EXPECT_FALSE(entry["inputs"][2]["indexed"].get<bool>());
    }
  }
  EXPECT_TRUE(saw_transfer);
}

TEST(AbiDocuments, TupleOutputsHaveComponents) {
  auto docs = all_abi_documents();
  for (const auto& entry : docs.at("SecurityToken")) {
    if (entry["name"] == "failingRules") {
      EXPECT_EQ(entry["outputs"][0]["type"], "tuple[]");
      EXPECT_EQ(entry["outputs"][0]["components"].size(), 4u);
      return;
    }
  }
  FAIL() << "failingRules not in the ABI";
}

}  // namespace
}  // namespace stoa::doc
