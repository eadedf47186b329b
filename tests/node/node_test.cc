// The node end to end: a real server on 127.0.0.1 (ephemeral port) in-process, talked to with
// httplib::Client over loopback. No mocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "stoa/abi/abi.h"
#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/crypto/secp256k1.h"
#include "stoa/node/node.h"
#include "test_util.h"

namespace stoa::node {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

using testing::calldata;
using testing::dev;
std::string temp_dir() {
  return testing::temp_dir("stoa-node-test");
}

std::string raw_tx(const crypto::PrivateKey& key, uint64_t nonce, const Address& to, Bytes data,
                   uint64_t chain_id = kDefaultChainId) {
  chain::Transaction tx;
  tx.chain_id = chain_id;
  tx.nonce = nonce;
  tx.gas_limit = std::max<uint64_t>(1'000'000, chain::intrinsic_gas(data));
  tx.to = to;
  tx.data = std::move(data);
  return to_hex_prefixed(chain::sign_transaction(tx, key).raw);
}

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeOptions o;
    o.data_dir = temp_dir();
    o.port = 0;
    o.dev = true;
    node_ = std::make_unique<Node>(o);
    node_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
    client_->set_read_timeout(30, 0);
  }
  void TearDown() override {
    const std::string dir = node_->options().data_dir;
    node_.reset();
    fs::remove_all(dir);
  }

  json post(const std::string& body, int expect_status = 200) {
    auto res = client_->Post("/", body, "application/json");
    EXPECT_TRUE(res);
    if (!res) return nullptr;
    EXPECT_EQ(res->status, expect_status) << res->body;
    return res->body.empty() ? json(nullptr) : json::parse(res->body);
  }
  json rpc(const std::string& method, json params = json::array()) {
    return post(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}}.dump());
  }
  json result(const std::string& method, json params = json::array()) {
    json r = rpc(method, params);
    EXPECT_TRUE(r.contains("result")) << method << ": " << r.dump();
    return r.value("result", json());
  }
  int error_code(const json& r) { return r.contains("error") ? r["error"]["code"].get<int>() : 0; }
  json get(const std::string& path, int expect_status = 200) {
    auto res = client_->Get(path.c_str());
    EXPECT_TRUE(res) << path;
    if (!res) return nullptr;
    EXPECT_EQ(res->status, expect_status) << path << ": " << res->body;
    return json::parse(res->body);
  }
  // Sends and waits for the receipt.
  json send(const crypto::PrivateKey& key, const Address& to, Bytes data) {
    const uint64_t nonce =
        std::stoull(result("eth_getTransactionCount", {key.address().checksum_hex(), "pending"})
                        .get<std::string>(),
                    nullptr, 16);
    const json h = result("eth_sendRawTransaction", {raw_tx(key, nonce, to, std::move(data))});
    for (int i = 0; i < 500; ++i) {
      json r = result("eth_getTransactionReceipt", {h});
      if (!r.is_null()) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "no receipt for " << h;
    return nullptr;
  }

  // Onboards alice (accredited), bob (QIB) and carol (none) in the US in one batch, then mints
  // 1,000 to alice; returns the mint's receipt (the onboarding's must succeed).
  json onboard_three_and_mint(const crypto::PrivateKey& officer, const crypto::PrivateKey& issuer,
                              const Address& registry, const Address& token,
                              const crypto::PrivateKey& alice, const crypto::PrivateKey& bob,
                              const crypto::PrivateKey& carol) {
    const abi::Value us(Bytes{'U', 'S'});
    const json rc = send(
        officer, registry,
        calldata("batchOnboard(address[],bytes2[],uint8[],uint256[])",
                 {abi::ValueList{alice.address(), bob.address(), carol.address()},
                  abi::ValueList{us, us, us}, abi::ValueList{1, 2, 0}, abi::ValueList{0, 0, 0}}));
    EXPECT_EQ(rc["status"], "0x1") << rc.dump();
    return send(issuer, token, calldata("mint(address,uint256)", {alice.address(), 1000}));
  }

  std::unique_ptr<Node> node_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(NodeTest, IdentifiesItselfLikeAnEthereumClient) {
  EXPECT_EQ(result("eth_chainId"), "0x539");
  EXPECT_EQ(result("net_version"), "1337");
  EXPECT_EQ(result("web3_clientVersion").get<std::string>().rfind("stoa/", 0), 0u);
  EXPECT_EQ(result("eth_blockNumber"), "0x0");
  EXPECT_EQ(result("eth_gasPrice"), "0x0");
  EXPECT_EQ(result("eth_maxPriorityFeePerGas"), "0x0");
  const json accounts = result("eth_accounts");
  ASSERT_EQ(accounts.size(), 10u);
  EXPECT_EQ(accounts[0], "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  const json genesis = result("eth_getBlockByNumber", {"0x0", true});
  EXPECT_EQ(genesis["number"], "0x0");
  EXPECT_EQ(result("eth_getBlockByHash", {genesis["hash"], false})["hash"], genesis["hash"]);
  EXPECT_TRUE(result("eth_getBlockByNumber", {"0x5", false}).is_null());
  EXPECT_EQ(result("eth_getCode", {"0x5704000000000000000000000000000000000001", "latest"}),
            std::string(kNativeCodeMarker));
  EXPECT_EQ(result("eth_getCode", {"0x0000000000000000000000000000000000000abc"}), "0x");
  EXPECT_EQ(result("eth_getBalance", {"0x0000000000000000000000000000000000000abc", "latest"}),
            "0x0");
  const json fh = result("eth_feeHistory", {"0x4", "latest", {25, 75}});
  EXPECT_EQ(fh["baseFeePerGas"].size(), 2u);  // one block exists, plus the next
  EXPECT_EQ(fh["reward"][0].size(), 2u);
  // The genesis file is written and reused.
  std::ifstream in(node_->options().data_dir + "/genesis.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const json g = json::parse(ss.str());
  EXPECT_EQ(g["chainId"], 1337);
  EXPECT_EQ(g["operator"], "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
}

TEST_F(NodeTest, RefusesBadInputWithEip1474Errors) {
  EXPECT_EQ(error_code(post("{not json")), -32700);
  // Found by fuzz/jsonrpc_decode_fuzz.cc: a body that is not UTF-8 made the parse-error message
  // itself unserializable, and the framing threw instead of answering.
  EXPECT_EQ(error_code(post("\xf3\n")), -32700);
  EXPECT_EQ(error_code(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}")), -32700);
  // Also found by the fuzzer: a number too large for a double is out_of_range, not a parse error.
  EXPECT_EQ(error_code(post("90e990")), -32700);
  EXPECT_EQ(error_code(post(R"({"id":1,"method":"eth_chainId"})")), -32600);  // no jsonrpc
  EXPECT_EQ(error_code(post(R"({"jsonrpc":"1.0","id":1,"method":"eth_chainId"})")), -32600);
  EXPECT_EQ(error_code(post(R"({"jsonrpc":"2.0","id":{},"method":"eth_chainId"})")), -32600);
  EXPECT_EQ(error_code(post(R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":{}})")),
            -32600);
  EXPECT_EQ(error_code(post(R"({"jsonrpc":"2.0","id":1,"method":7})")), -32600);
  EXPECT_EQ(error_code(post("[]")), -32600);
  EXPECT_EQ(error_code(rpc("no_such_method")), -32601);
  // Strict hex.
  json r = rpc("eth_getBlockByNumber", {"0x01", false});
  EXPECT_EQ(error_code(r), -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("leading zeros"), std::string::npos);
  r = rpc("eth_getCode", {"0xabc"});
  EXPECT_EQ(error_code(r), -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("odd"), std::string::npos);
  r = rpc("eth_getTransactionCount", {"0x1234", "latest"});
  EXPECT_NE(r["error"]["message"].get<std::string>().find("20 bytes"), std::string::npos);
  EXPECT_EQ(error_code(rpc("eth_getTransactionReceipt", {"0x12"})), -32602);
  EXPECT_EQ(error_code(rpc("eth_getBlockByNumber", {"soon", false})), -32602);
  EXPECT_EQ(error_code(rpc("eth_chainId", {1})), -32602);
  EXPECT_EQ(error_code(rpc("eth_getLogs", {{{"topics", {1}}}})), -32602);
  // eth_estimateGas runs on the head state only (eth_call reads past blocks: PastBlockReads).
  result("evm_mine");
  r = rpc("eth_estimateGas", {{{"to", "0x5704000000000000000000000000000000000001"}}, "0x0"});
  EXPECT_EQ(error_code(r), -32000);
  EXPECT_EQ(r["error"]["message"],
            "eth_estimateGas runs on the head state only (block 1); eth_call reads at past blocks");
  // Transactions.
  r = rpc("eth_sendRawTransaction", {"0x02deadbeef"});
  EXPECT_EQ(error_code(r), -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("invalid transaction"),
            std::string::npos);
  const Address factory = *Address::parse("0x5704000000000000000000000000000000000001");
  r = rpc("eth_sendRawTransaction", {raw_tx(dev(0), 0, factory, {}, 1)});
  EXPECT_EQ(error_code(r), -32000);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("signed for chain 1, this chain is 1337"),
            std::string::npos);
  // (a call that can run: admission refuses one that cannot before it looks at the nonce)
  r = rpc("eth_sendRawTransaction", {raw_tx(dev(0), 5, factory, calldata("securityCount()", {}))});
  EXPECT_EQ(r["error"]["message"].get<std::string>().rfind("nonce too high: next nonce is 0", 0),
            0u);
  // Batches: mixed, limit.
  json batch = json::array();
  batch.push_back({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "eth_chainId"}});
  batch.push_back({{"jsonrpc", "2.0"}, {"id", "two"}, {"method", "nope"}});
  batch.push_back({{"jsonrpc", "2.0"}, {"method", "eth_chainId"}});  // notification
  r = post(batch.dump());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["result"], "0x539");
  EXPECT_EQ(r[1]["id"], "two");
  EXPECT_EQ(error_code(r[1]), -32601);
  json big = json::array();
  for (size_t i = 0; i <= kMaxBatchRequests; ++i) {
    big.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "eth_chainId"}});
  }
  EXPECT_EQ(error_code(post(big.dump())), -32005);
  // Oversized body: HTTP 413 with a JSON-RPC error.
  const std::string huge = R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[")" +
                           std::string(kMaxBodyBytes, 'a') + "\"]}";
  auto res = client_->Post("/", huge, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], -32005);
  // Nothing was written.
  EXPECT_EQ(result("eth_getTransactionCount", {dev(0).address().checksum_hex(), "pending"}), "0x0");
}

// Reads at past blocks (docs/NODE.md): eth_call, eth_getTransactionCount, eth_getCode and
// eth_getBalance at a block of the window — by number, EIP-1898 object or hash — answer as when
// that block was the head; beyond the window -32000 names it, after the head -32001.
TEST_F(NodeTest, PastBlockReads) {
  NodeOptions o = node_->options();  // a node that keeps 4 past blocks
  o.past_blocks = 4;
  node_.reset();
  fs::remove_all(o.data_dir);
  node_ = std::make_unique<Node>(o);
  node_->start();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
  const Address factory = *Address::parse("0x5704000000000000000000000000000000000001");
  const auto op = dev(0), issuer = dev(1), officer = dev(2), alice = dev(3), bob = dev(4),
             carol = dev(5);
  json rc = send(op, factory,
                 calldata("createSecurity(string,string,uint8,uint8,address,address)",
                          {"Past Co", "PAST", 0, 1, issuer.address(), officer.address()}));
  ASSERT_EQ(rc["status"], "0x1") << rc.dump();
  const std::string created = rc["blockNumber"].get<std::string>();
  const json sec = get("/v1/securities/PAST");
  const std::string token = sec["token"].get<std::string>();
  const Address registry = *Address::parse(sec["registry"].get<std::string>());
  // The block before the creation: no code at the token's address then.
  const std::string before = quantity(std::stoull(created, nullptr, 16) - 1);
  EXPECT_EQ(result("eth_getCode", {token, before}), "0x");
  EXPECT_EQ(result("eth_call", {{{"to", token}, {"data", "0x70a08231"}}, before}), "0x");
  EXPECT_NE(result("eth_getCode", {token, created}), "0x");
  ASSERT_EQ(onboard_three_and_mint(officer, issuer, registry, *Address::parse(token), alice, bob,
                                   carol)["status"],
            "0x1");
  const std::string balance_of = to_hex_prefixed(calldata("balanceOf(address)", {alice.address()}));
  const json call = {{"to", token}, {"data", balance_of}};
  result("evm_increaseTime", {400 * 86400});  // past Reg D's holding period
  struct Head {
    std::string number, hash, balance, nonce;
  };
  std::vector<Head> heads;  // recorded while each block was the head
  for (int i = 1; i <= 3; ++i) {
    rc = send(alice, *Address::parse(token),
              calldata("transfer(address,uint256)", {bob.address(), 10 * i}));
    ASSERT_EQ(rc["status"], "0x1") << rc.dump();
    heads.push_back({rc["blockNumber"].get<std::string>(), rc["blockHash"].get<std::string>(),
                     result("eth_call", {call, "latest"}).get<std::string>(),
                     result("eth_getTransactionCount", {alice.address().checksum_hex(), "latest"})
                         .get<std::string>()});
  }
  for (const Head& h : heads) {
    EXPECT_EQ(result("eth_call", {call, h.number}), h.balance) << h.number;
    EXPECT_EQ(result("eth_call", {call, {{"blockNumber", h.number}}}), h.balance) << h.number;
    EXPECT_EQ(result("eth_call", {call, {{"blockHash", h.hash}}}), h.balance) << h.number;
    EXPECT_EQ(result("eth_getTransactionCount", {alice.address().checksum_hex(), h.number}),
              h.nonce);
    EXPECT_EQ(result("eth_getBalance", {alice.address().checksum_hex(), h.number}), "0x0");
    EXPECT_EQ(result("eth_getStorageAt", {token, "0x0", h.number}), "0x" + std::string(64, '0'));
  }
  EXPECT_NE(heads[0].balance, heads[2].balance);
  // Beyond the window: 4 blocks kept, so the creation's block is out of reach now.
  const uint64_t head = std::stoull(result("eth_blockNumber").get<std::string>(), nullptr, 16);
  json r = rpc("eth_call", {call, created});
  EXPECT_EQ(error_code(r), -32000);
  EXPECT_EQ(r["error"]["message"],
            "state at block " + std::to_string(std::stoull(created, nullptr, 16)) +
                " is beyond the window of reads at past blocks: this node keeps the last 4 "
                "blocks' state (serve --past-blocks), now blocks " +
                std::to_string(head - 4) + " to " + std::to_string(head));
  EXPECT_EQ(error_code(rpc("eth_getTransactionCount", {alice.address().checksum_hex(), "0x1"})),
            -32000);
  EXPECT_EQ(error_code(rpc("eth_getBalance", {alice.address().checksum_hex(), "earliest"})),
            -32000);
  EXPECT_EQ(error_code(rpc("eth_getCode", {token, "0x1"})), -32000);
  // After the head, and an unknown hash.
  r = rpc("eth_call", {call, quantity(head + 5)});
  EXPECT_EQ(error_code(r), -32001);
  EXPECT_EQ(r["error"]["message"], "block " + std::to_string(head + 5) +
                                       " not found: the head is block " + std::to_string(head));
  EXPECT_EQ(error_code(rpc("eth_call", {call, {{"blockHash", "0x" + std::string(64, '1')}}})),
            -32001);
  // The head state is as it was: reads changed nothing.
  EXPECT_EQ(result("eth_call", {call, "latest"}), heads.back().balance);
  // The window on /metrics: 4 blocks, their records' memory.
  auto m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("stoa_past_window_blocks 4\n"), std::string::npos) << m->body;
  EXPECT_EQ(m->body.find("stoa_past_window_bytes 0\n"), std::string::npos) << m->body;
}

TEST_F(NodeTest, SecurityLifecycleThroughSignedTransactions) {
  const Address factory = *Address::parse("0x5704000000000000000000000000000000000001");
  const auto op = dev(0), issuer = dev(1), officer = dev(2), alice = dev(3), bob = dev(4),
             carol = dev(5);
  json rc = send(op, factory,
                 calldata("createSecurity(string,string,uint8,uint8,address,address)",
                          {"Acme Robotics", "ACME", 0, 1, issuer.address(), officer.address()}));
  ASSERT_EQ(rc["status"], "0x1") << rc.dump();
  const json sec = get("/v1/securities/ACME");
  const Address token = *Address::parse(sec["token"].get<std::string>());
  const Address registry = *Address::parse(sec["registry"].get<std::string>());
  EXPECT_EQ(sec["preset"], "reg-d-506c");
  EXPECT_EQ(get("/v1/securities")["securities"].size(), 1u);
  EXPECT_EQ(get("/v1/securities/" + token.lower_hex())["symbol"], "ACME");

  rc = onboard_three_and_mint(officer, issuer, registry, token, alice, bob, carol);
  ASSERT_EQ(rc["status"], "0x1") << rc.dump();
  const uint64_t mint_block = std::stoull(rc["blockNumber"].get<std::string>(), nullptr, 16);

  // eth_call of a view.
  const json bal = result(
      "eth_call", {{{"to", token.checksum_hex()},
                    {"data", to_hex_prefixed(calldata("balanceOf(address)", {alice.address()}))}},
                   "latest"});
  EXPECT_EQ(U256::from_hex(bal.get<std::string>()), U256(1000));

  // Minting to Carol (not accredited) is refused: the estimate carries the revert data.
  Bytes refused = calldata("mint(address,uint256)", {carol.address(), 1});
  const std::string expected_data =
      to_hex_prefixed(abi::encode_error(*abi::parse_signature("TransferRestricted(uint8)"), {7}));
  json r = rpc("eth_estimateGas", {{{"from", issuer.address().checksum_hex()},
                                    {"to", token.checksum_hex()},
                                    {"data", to_hex_prefixed(refused)}}});
  EXPECT_EQ(error_code(r), 3);
  EXPECT_EQ(r["error"]["data"], expected_data);
  EXPECT_EQ(r["error"]["message"].get<std::string>().rfind("execution reverted: ", 0), 0u);
  r = rpc("eth_call", {{{"from", issuer.address().checksum_hex()},
                        {"to", token.checksum_hex()},
                        {"input", to_hex_prefixed(refused)}}});
  EXPECT_EQ(error_code(r), 3);
  // Sent anyway: status 0, the nonce used.
  rc = send(issuer, token, refused);
  EXPECT_EQ(rc["status"], "0x0");
  EXPECT_EQ(rc["revertData"], expected_data);
  EXPECT_EQ(result("eth_getTransactionCount", {issuer.address().checksum_hex(), "latest"}), "0x2");
  // eth_estimateGas answers the metered figure: exactly the gas the transaction then uses.
  const Bytes more = calldata("approve(address,uint256)", {bob.address(), 7});
  const json estimate = result("eth_estimateGas", {{{"from", issuer.address().checksum_hex()},
                                                    {"to", token.checksum_hex()},
                                                    {"data", to_hex_prefixed(more)}}});
  EXPECT_GT(std::stoull(estimate.get<std::string>(), nullptr, 16), chain::intrinsic_gas(more));
  rc = send(issuer, token, more);
  EXPECT_EQ(rc["status"], "0x1");
  EXPECT_EQ(rc["gasUsed"], estimate);
  const json tx = result("eth_getTransactionByHash", {rc["transactionHash"]});
  EXPECT_EQ(tx["from"], issuer.address().checksum_hex());

  // Lockup (Reg D 506(c) 12 months) passes with the dev clock.
  const json filter = result("eth_newFilter", {{{"address", token.checksum_hex()}}});
  const json block_filter = result("eth_newBlockFilter");
  result("evm_increaseTime", {366 * 24 * 3600});
  result("evm_mine");
  rc = send(alice, token, calldata("transfer(address,uint256)", {bob.address(), 250}));
  ASSERT_EQ(rc["status"], "0x1") << rc.dump();
  ASSERT_EQ(rc["logs"].size(), 1u);

  // Logs by topic: OR-arrays, nulls, ranges, block hash.
  const std::string transfer_topic =
      keccak256(std::string_view("Transfer(address,address,uint256)")).hex();
  json logs = result("eth_getLogs", {{{"address", token.checksum_hex()},
                                      {"topics", {transfer_topic}},
                                      {"fromBlock", "0x0"},
                                      {"toBlock", "latest"}}});
  EXPECT_EQ(logs.size(), 2u);
  logs =
      result("eth_getLogs", {{{"topics", {transfer_topic, nullptr, bob.address().to_word().hex()}},
                              {"fromBlock", "earliest"}}});
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0]["transactionHash"], rc["transactionHash"]);
  json or_query = json::object();
  or_query["topics"] = json::array();
  or_query["topics"].push_back(
      json::array({keccak256(std::string_view("Nothing()")).hex(), transfer_topic}));
  or_query["fromBlock"] = "0x0";
  logs = result("eth_getLogs", json::array({or_query}));
  EXPECT_EQ(logs.size(), 2u);
  logs = result("eth_getLogs", {{{"blockHash", rc["blockHash"]}}});
  EXPECT_EQ(logs.size(), 1u);
  logs = result("eth_getLogs", {{{"address", token.checksum_hex()},
                                 {"fromBlock", quantity(mint_block)},
                                 {"toBlock", quantity(mint_block)}}});
  EXPECT_EQ(logs.size(), 1u);
  EXPECT_EQ(
      error_code(rpc("eth_getLogs", {{{"blockHash", rc["blockHash"]}, {"fromBlock", "0x0"}}})),
      -32602);
  // Filters.
  json changes = result("eth_getFilterChanges", {filter});
  EXPECT_EQ(changes.size(), 1u);  // the transfer to Bob (the failed mint logged nothing)
  EXPECT_EQ(result("eth_getFilterChanges", {filter}).size(), 0u);
  EXPECT_EQ(result("eth_getFilterLogs", {filter}).size(), 1u);  // fromBlock: latest
  EXPECT_GE(result("eth_getFilterChanges", {block_filter}).size(), 2u);
  EXPECT_EQ(result("eth_uninstallFilter", {filter}), true);
  EXPECT_EQ(result("eth_uninstallFilter", {filter}), false);
  EXPECT_EQ(error_code(rpc("eth_getFilterChanges", {filter})), -32000);

  // REST views.
  json holders = get("/v1/securities/ACME/holders?limit=10");
  ASSERT_EQ(holders["holders"].size(), 2u);
  EXPECT_EQ(holders["holders"][0]["address"], alice.address().checksum_hex());
  EXPECT_EQ(holders["holders"][0]["balance"], "750");
  EXPECT_EQ(holders["holders"][1]["balance"], "250");
  EXPECT_EQ(get("/v1/securities/ACME/holders?offset=1&limit=1")["holders"][0]["balance"], "250");
  EXPECT_EQ(get("/v1/securities/ACME/holders?limit=1001", 400)["error"]["code"], "bad_request");
  json pos = get("/v1/accounts/" + bob.address().lower_hex() + "/positions");
  ASSERT_EQ(pos["positions"].size(), 1u);
  EXPECT_EQ(pos["positions"][0]["balance"], "250");
  json check = get("/v1/securities/ACME/check?from=" + alice.address().checksum_hex() +
                   "&to=" + carol.address().checksum_hex() + "&amount=5");
  EXPECT_EQ(check["code"], 7);
  EXPECT_EQ(check["allowed"], false);
  EXPECT_FALSE(check["message"].get<std::string>().empty());
  EXPECT_EQ(check["ruleName"], "ComplianceRegistry");
  check = get("/v1/securities/ACME/check?from=" + alice.address().checksum_hex() +
              "&to=" + bob.address().checksum_hex() + "&amount=5");
  EXPECT_EQ(check["code"], 0);
  EXPECT_EQ(check["maxAmount"], "750");
  EXPECT_EQ(get("/v1/securities/ACME/check?from=x&to=y&amount=1", 400)["error"]["code"],
            "bad_request");
  json transfers = get("/v1/securities/ACME/transfers?limit=10")["transfers"];
  ASSERT_EQ(transfers.size(), 3u);  // transfer, refused mint, mint (newest first)
  EXPECT_EQ(transfers[0]["status"], "transferred");
  EXPECT_EQ(transfers[1]["status"], "refused");
  EXPECT_EQ(transfers[1]["code"], 7);
  EXPECT_EQ(transfers[1]["to"], carol.address().checksum_hex());
  EXPECT_EQ(transfers[2]["from"], Address{}.checksum_hex());
  json blocks = get("/v1/blocks?limit=2");
  EXPECT_EQ(blocks["blocks"].size(), 2u);
  EXPECT_EQ(get("/v1/blocks/0")["number"], 0);
  EXPECT_EQ(get("/v1/blocks/99999", 404)["error"]["code"], "not_found");
  json t = get("/v1/transactions/" + rc["transactionHash"].get<std::string>());
  EXPECT_EQ(t["status"], 1);
  EXPECT_EQ(get("/v1/securities/0x0000000000000000000000000000000000000bad", 404)["error"]["code"],
            "not_found");
  EXPECT_EQ(get("/v1/nothing", 404)["error"]["code"], "not_found");

  // Health and metrics.
  json health = get("/healthz");
  EXPECT_EQ(health["status"], "ok");
  EXPECT_GE(health["head"]["number"].get<uint64_t>(), 5u);
  auto m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("stoa_reverts_total{code=\"7\"} 1"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("stoa_transactions_total 6"), std::string::npos)
      << m->body;  // + the approve
  EXPECT_NE(m->body.find("stoa_rpc_requests_total{method=\"eth_sendRawTransaction\"}"),
            std::string::npos);
  EXPECT_NE(m->body.find("stoa_http_request_duration_seconds_bucket{handler=\"rpc\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(m->body.find("stoa_queue_depth 0"), std::string::npos);
}

// Batches of eth_sendRawTransaction and eth_getTransactionReceipt take the fast path (rpc.h);
// the same request with a key the fast path does not read takes the full parser. Both must give
// the same bytes, for receipts with logs and with revert data, and for every refusal.
TEST_F(NodeTest, FastPathAnswersAsTheFullParser) {
  const Address factory = *Address::parse("0x5704000000000000000000000000000000000001");
  const auto op = dev(0), issuer = dev(1), officer = dev(2), alice = dev(3), bob = dev(4),
             carol = dev(5);
  auto raw_post = [&](const std::string& body) {
    auto res = client_->Post("/", body, "application/json");
    EXPECT_TRUE(res);
    return res ? std::to_string(res->status) + " " + res->body : std::string();
  };
  auto request = [](const std::string& id, const std::string& method, const std::string& param,
                    bool full) {
    return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":")" + method + R"(","params":[")" +
           param + R"("])" + (full ? R"(,"full":true})" : "}");
  };
  auto both = [&](const std::string& method, const std::string& param) {
    const std::string fast = raw_post(request("7", method, param, false));
    EXPECT_EQ(fast, raw_post(request("7", method, param, true))) << method << " " << param;
    return fast;
  };

  json rc = send(op, factory,
                 calldata("createSecurity(string,string,uint8,uint8,address,address)",
                          {"Acme Robotics", "ACME", 0, 1, issuer.address(), officer.address()}));
  ASSERT_EQ(rc["status"], "0x1") << rc.dump();
  EXPECT_GT(rc["logs"].size(), 0u);
  both("eth_getTransactionReceipt", rc["transactionHash"].get<std::string>());
  const json sec = get("/v1/securities/ACME");
  const Address token = *Address::parse(sec["token"].get<std::string>());
  const Address registry = *Address::parse(sec["registry"].get<std::string>());
  rc = onboard_three_and_mint(officer, issuer, registry, token, alice, bob, carol);
  ASSERT_EQ(rc["status"], "0x1") << rc.dump();
  const std::string mint_hash = rc["transactionHash"].get<std::string>();
  EXPECT_EQ(json::parse(both("eth_getTransactionReceipt", mint_hash).substr(4))["result"], rc);
  rc = send(issuer, token, calldata("mint(address,uint256)", {carol.address(), 1}));
  ASSERT_EQ(rc["status"], "0x0") << rc.dump();
  const std::string refused = both("eth_getTransactionReceipt", rc["transactionHash"]);
  EXPECT_NE(refused.find("\"revertData\":\"0x"), std::string::npos) << refused;
  // Upper-case hex is read the same; a hash nobody sent is null; malformed hashes are refused.
  std::string upper = mint_hash;
  for (size_t i = 2; i < upper.size(); ++i)
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  EXPECT_EQ(both("eth_getTransactionReceipt", upper), both("eth_getTransactionReceipt", mint_hash));
  EXPECT_EQ(both("eth_getTransactionReceipt", Bytes32{}.hex()),
            R"(200 {"id":7,"jsonrpc":"2.0","result":null})");
  for (const std::string& bad :
       std::vector<std::string>{"0x12", "0xzz", "12", "0x" + std::string(65, '1')}) {
    EXPECT_NE(both("eth_getTransactionReceipt", bad).find("-32602"), std::string::npos) << bad;
  }

  // Refused transactions: the same error either way, and nothing admitted.
  const std::string transfer =
      to_hex_prefixed(chain::sign_transaction(
                          [&] {
                            chain::Transaction tx;
                            tx.chain_id = kDefaultChainId;
                            tx.nonce = 0;
                            tx.gas_limit = 1'000'000;
                            tx.to = token;
                            tx.data = calldata("transfer(address,uint256)", {bob.address(), 1});
                            return tx;
                          }(),
                          alice)
                          .raw);
  for (const std::string& bad :
       {std::string("0x02deadbeef"), std::string("0xzz"), std::string("0xabc"), std::string("12"),
        std::string("0x"), raw_tx(alice, 0, token, {}, 1), raw_tx(alice, 5, token, {}),
        raw_tx(issuer, 0, token, {})}) {
    const std::string answer = both("eth_sendRawTransaction", bad);
    EXPECT_NE(answer.find("\"error\""), std::string::npos) << bad << ": " << answer;
  }
  EXPECT_EQ(result("eth_getTransactionCount", {alice.address().checksum_hex(), "pending"}), "0x0");

  // A batch: each answer in order, a replay in the same batch refused as already known.
  const std::string batch = "[" + request("1", "eth_sendRawTransaction", transfer, false) + "," +
                            request("\"two\"", "eth_sendRawTransaction", transfer, false) + "]";
  const json answers = json::parse(raw_post(batch).substr(4));
  ASSERT_EQ(answers.size(), 2u) << answers.dump();
  const std::string hash = keccak256(*from_hex(transfer)).hex();
  EXPECT_EQ(answers[0], json({{"jsonrpc", "2.0"}, {"id", 1}, {"result", hash}}));
  EXPECT_EQ(answers[1]["id"], "two");
  EXPECT_EQ(answers[1]["error"]["code"], -32000);
  EXPECT_EQ(answers[1]["error"]["message"], "already known");
  for (int i = 0; i < 500; ++i) {
    if (!result("eth_getTransactionReceipt", {hash}).is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Included now: a replay is still refused, the same way by both paths.
  EXPECT_NE(both("eth_sendRawTransaction", transfer).find("already known"), std::string::npos);
  // (refused: the Reg D lockup has not passed; the receipt is there either way)
  EXPECT_EQ(json::parse(both("eth_getTransactionReceipt", hash).substr(4))["result"]["status"],
            "0x0");
  // Over the batch limit: refused as a whole, nothing admitted.
  std::string big = "[";
  for (size_t i = 0; i <= kMaxBatchRequests; ++i) {
    if (i > 0) big += ',';
    big += request(std::to_string(i), "eth_sendRawTransaction", raw_tx(bob, i, token, {}), false);
  }
  big += "]";
  EXPECT_EQ(error_code(post(big)), -32005);
  EXPECT_EQ(result("eth_getTransactionCount", {bob.address().checksum_hex(), "pending"}), "0x0");
  auto m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("stoa_rpc_requests_total{method=\"eth_getTransactionReceipt\"}"),
            std::string::npos);
}

// Issue 12 item 12: fees are zero and admission was open, so any fresh key could fill the journal
// with mined garbage (calls to non-contracts, 127 KiB of junk calldata). Now a transaction is
// admitted only from an account with a standing on the ledger (or on the operator's allow-list),
// and a call that cannot run is refused with eth_call's error, never mined.
TEST_F(NodeTest, FreeJunkFromFreshKeysAndUnexecutableCallsIsRefusedAtAdmission) {
  const crypto::PrivateKey stranger = crypto::key_for_label("admission.stranger");
  const crypto::PrivateKey investor = crypto::key_for_label("admission.investor");
  const Address factory = core::factory_address();
  const uint64_t height = node_->ledger().chain().height();
  auto nonce_of = [&](const Address& a) {
    return result("eth_getTransactionCount", {a.checksum_hex(), "pending"}).get<std::string>();
  };
  // A fresh key, even with a valid call: no standing.
  json r = rpc("eth_sendRawTransaction",
               {raw_tx(stranger, 0, factory, calldata("securityCount()", {}))});
  EXPECT_EQ(error_code(r), -32003) << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find("no standing"), std::string::npos);
  // A fresh key's 127 KiB of junk to a non-contract.
  r = rpc("eth_sendRawTransaction",
          {raw_tx(stranger, 0, stranger.address(), Bytes(127 * 1024, 0x5a))});
  EXPECT_EQ(error_code(r), -32003) << r.dump();
  EXPECT_EQ(nonce_of(stranger.address()), "0x0");

  // An account with standing (a dev account: on the allow-list) still cannot send calls that
  // cannot run; each is refused with exactly what eth_call answers for it.
  const crypto::PrivateKey operator_key = dev(0);
  struct Junk {
    Address to;
    Bytes data;
  };
  const std::vector<Junk> junk = {
      {stranger.address(), {}},                       // a plain transfer to an EOA
      {stranger.address(), Bytes(127 * 1024, 0x5a)},  // junk to a non-contract
      {factory, {0x01, 0x02}},                        // shorter than a selector
      {factory, {0xde, 0xad, 0xbe, 0xef}},            // unknown selector
      {factory, calldata("securityCount()", {})},     // fine (the control)
  };
  Bytes malformed =
      calldata("grantRole(bytes32,address)", {abi::Value::bytes32(Bytes32{}), factory});
  malformed.resize(malformed.size() - 1);  // malformed ABI arguments
  std::vector<Junk> all = junk;
  all.insert(all.end() - 1, Junk{factory, malformed});
  for (size_t i = 0; i < all.size(); ++i) {
    const Junk& j = all[i];
    const json call = rpc("eth_call", {{{"from", operator_key.address().checksum_hex()},
                                        {"to", j.to.checksum_hex()},
                                        {"data", to_hex_prefixed(j.data)}},
                                       "latest"});
    const std::string before = nonce_of(operator_key.address());
    const json sent = rpc("eth_sendRawTransaction",
                          {raw_tx(operator_key, std::stoull(before, nullptr, 16), j.to, j.data)});
    if (i + 1 == all.size()) {
      EXPECT_TRUE(call.contains("result")) << call.dump();
      EXPECT_TRUE(sent.contains("result")) << sent.dump();
      continue;
    }
    if (j.to == stranger.address()) {
      // As on Ethereum, eth_call to an account without code runs nothing and answers 0x (issue
      // 13 #8); the transaction is still refused at admission, naming why.
      EXPECT_EQ(call["result"], "0x") << call.dump();
      EXPECT_EQ(error_code(sent), 3) << sent.dump();
      EXPECT_NE(sent["error"]["message"].get<std::string>().find("no contract at"),
                std::string::npos)
          << sent.dump();
      EXPECT_EQ(nonce_of(operator_key.address()), before) << "case " << i << " was admitted";
      continue;
    }
    ASSERT_TRUE(call.contains("error")) << call.dump();
    EXPECT_EQ(error_code(sent), 3) << sent.dump();
    EXPECT_EQ(sent["error"], call["error"]) << "admission and eth_call disagree on case " << i;
    EXPECT_EQ(nonce_of(operator_key.address()), before) << "case " << i << " was admitted";
  }
  for (int i = 0; i < 500 && node_->ledger().sequencer().queued() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  {
    std::shared_lock lock = node_->ledger().read_lock();
    EXPECT_LE(node_->ledger().chain().height(), height + 1);  // the one good call at most
  }

  // A new investor gains standing when the compliance officer registers it, then may send.
  const crypto::PrivateKey issuer = dev(1), officer = dev(2);
  ASSERT_EQ(
      send(operator_key, factory,
           calldata("createSecurity(string,string,uint8,uint8,address,address)",
                    {"Admission Co", "ADM", 0, 5, issuer.address(), officer.address()}))["status"],
      "0x1");
  const json sec = get("/v1/securities/ADM");
  const Address token = *Address::parse(sec["token"].get<std::string>());
  const Address registry = *Address::parse(sec["registry"].get<std::string>());
  r = rpc(
      "eth_sendRawTransaction",
      {raw_tx(investor, 0, token, calldata("transfer(address,uint256)", {stranger.address(), 1}))});
  EXPECT_EQ(error_code(r), -32003) << r.dump();
  ASSERT_EQ(send(officer, registry,
                 calldata("onboard(address,bytes2,uint8,uint256)",
                          {investor.address(), abi::Value(Bytes{'U', 'S'}), 1, 0}))["status"],
            "0x1");
  const json rc =
      send(investor, token, calldata("transfer(address,uint256)", {stranger.address(), 1}));
  EXPECT_EQ(rc["status"], "0x0")
      << rc.dump();  // admitted and mined; refused by the rules (no balance)
}

TEST_F(NodeTest, LogQueriesAreBounded) {
  for (uint64_t i = 0; i <= kMaxLogBlockRange; ++i)
    node_->ledger().mine();
  json r = rpc("eth_getLogs", {{{"fromBlock", "0x0"}, {"toBlock", "latest"}}});
  EXPECT_EQ(error_code(r), -32005) << r.dump();
  r = rpc("eth_getLogs", {{{"fromBlock", "0x1"}, {"toBlock", quantity(kMaxLogBlockRange)}}});
  EXPECT_EQ(r["result"], json::array());
}

TEST_F(NodeTest, OpenApiDocumentsEveryRoute) {
  std::ifstream in(std::string(STOA_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const json file = json::parse(ss.str());  // well-formed
  EXPECT_EQ(file["openapi"].get<std::string>().rfind("3.0.", 0), 0u);
  auto res = client_->Get("/v1/openapi.json");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body), file);  // served from the embedded copy
  for (const std::string& path : node_->rest_paths()) {
    EXPECT_TRUE(file["paths"].contains(path)) << path << " is not documented";
  }
}

// Blocks are journaled: a node restarted on the same directory has the same head, state root
// and receipts (recovered by replay, or from a state image).
TEST_F(NodeTest, BlocksSurviveARestart) {
  const auto keys = dev_keys(3);
  json r =
      rpc("eth_sendRawTransaction",
          {raw_tx(keys[0], 0, core::factory_address(),
                  calldata("createSecurity(string,string,uint8,uint8,address,address)",
                           {"Restart Co", "RST", 0, 5, keys[1].address(), keys[2].address()}))});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  const std::string hash = r["result"];
  json receipt;
  for (int i = 0; i < 500 && receipt.is_null(); ++i) {
    receipt = result("eth_getTransactionReceipt", {hash});
    if (receipt.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(receipt.is_null());
  result("evm_mine");
  const json head = result("eth_getBlockByNumber", {"latest", false});
  const std::string dir = node_->options().data_dir;
  node_.reset();
  NodeOptions o;
  o.data_dir = dir;
  o.port = 0;
  o.dev = true;
  o.image_every = 1;
  node_ = std::make_unique<Node>(o);
  EXPECT_EQ(node_->recovery().head, std::stoull(head["number"].get<std::string>(), nullptr, 16));
  EXPECT_EQ(node_->recovery().replayed_blocks, node_->recovery().head);
  node_->start();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
  EXPECT_EQ(result("eth_getBlockByNumber", {"latest", false}), head);
  EXPECT_EQ(result("eth_getTransactionReceipt", {hash}), receipt);
  // With a state image at every block, the next restart starts from the newest one.
  result("evm_mine");
  node_.reset();
  node_ = std::make_unique<Node>(o);
  ASSERT_TRUE(node_->recovery().image_block.has_value());
  EXPECT_EQ(*node_->recovery().image_block, node_->recovery().head);
  EXPECT_EQ(node_->recovery().replayed_blocks, 0u);
  node_->start();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
  EXPECT_EQ(result("eth_getTransactionReceipt", {hash}), receipt);
}

// The durable block stream: a subscriber that persists its cursor gets every block once, in
// order, across its own stop and a restart of the node (from a state image, so the older blocks
// come from the journal on demand) — no gap, no duplicate.
TEST_F(NodeTest, BlockStreamResumesFromItsCursorAfterARestart) {
  const std::string dir = node_->options().data_dir;
  const std::string cursor_file = dir + "/subscriber-cursor";
  std::mutex mu;
  std::vector<std::pair<uint64_t, std::string>> seen;  // number, hash
  // The subscriber handles a block, then persists the cursor (the next block it needs).
  auto deliver = [&](const chain::Block& b) {
    std::lock_guard lock(mu);
    seen.emplace_back(b.header.number, b.hash.hex());
    std::ofstream(cursor_file, std::ios::trunc) << b.header.number + 1;
    return true;
  };
  auto wait_for = [&](uint64_t n) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(mu);
        if (!seen.empty() && seen.back().first >= n) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "block " << n << " not delivered";
  };
  auto sub = node_->ledger().subscribe(1, deliver);
  for (int i = 0; i < 3; ++i)
    result("evm_mine");
  wait_for(3);
  sub.reset();  // the subscriber stops; blocks go on
  for (int i = 0; i < 6; ++i)
    result("evm_mine");
  std::vector<std::string> hashes{""};  // hashes[n]: block n's, from the node
  for (uint64_t n = 1; n <= 9; ++n)
    hashes.push_back(result("eth_getBlockByNumber", {"0x" + std::to_string(n), false})["hash"]);
  node_.reset();
  NodeOptions o;
  o.data_dir = dir;
  o.port = 0;
  o.dev = true;
  o.image_every = 1;
  {
    // A first restart takes a state image at the next block; the second starts from it.
    node_ = std::make_unique<Node>(o);
    node_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
    result("evm_mine");
    hashes.push_back(result("eth_getBlockByNumber", {"latest", false})["hash"]);
    node_.reset();
  }
  node_ = std::make_unique<Node>(o);
  ASSERT_TRUE(node_->recovery().image_block.has_value());
  EXPECT_EQ(*node_->recovery().image_block, 10u);
  node_->start();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
  uint64_t cursor = 0;
  std::ifstream(cursor_file) >> cursor;
  EXPECT_EQ(cursor, 4u);
  sub = node_->ledger().subscribe(cursor, deliver);
  wait_for(10);        // the blocks it missed, read from the journal
  result("evm_mine");  // then live ones
  hashes.push_back(result("eth_getBlockByNumber", {"latest", false})["hash"]);
  wait_for(11);
  sub.reset();
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 11u);
  for (uint64_t n = 1; n <= 11; ++n) {
    EXPECT_EQ(seen[n - 1].first, n);
    EXPECT_EQ(seen[n - 1].second, hashes[n]) << n;
  }
}

TEST(NodeGenesis, IsStableAndRefusesContradictions) {
  NodeOptions o;
  o.data_dir = temp_dir();
  EXPECT_THROW(load_or_create_genesis(o, 100), std::runtime_error);  // no --operator, no --dev
  o.dev = true;
  o.chain_id = 42;
  const GenesisFile first = load_or_create_genesis(o, 100);
  EXPECT_EQ(first.chain_id, 42u);
  o.chain_id.reset();
  const GenesisFile again = load_or_create_genesis(o, 200);
  EXPECT_EQ(again.timestamp, 100u);
  EXPECT_EQ(again.chain_id, 42u);
  EXPECT_EQ(again.operator_account, first.operator_account);
  o.chain_id = 1337;
  try {
    load_or_create_genesis(o, 300);
    ADD_FAILURE() << "a contradicting --chain-id was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("contradicts"), std::string::npos) << e.what();
  }
  fs::remove_all(o.data_dir);
}

// genesis.json carries its format version and the rules record (docs/journal-format.md,
// "Versions"); a file from before both (chain id, operator, timestamp only) still opens, under
// rules version 1 from block 0; a format or rules version this stoa does not know is refused.
TEST(NodeGenesis, RecordsItsFormatAndRulesAndReadsFilesFromBefore) {
  NodeOptions o;
  o.data_dir = temp_dir();
  o.dev = true;
  load_or_create_genesis(o, 100);
  const fs::path path = fs::path(o.data_dir) / "genesis.json";
  auto read_json = [&] {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
  };
  const json g = read_json();
  EXPECT_EQ(g["format"], kGenesisFormatVersion);
  EXPECT_EQ(g["rules"], json::parse(R"([{"version": )" +
                                    std::to_string(static_cast<uint32_t>(core::kLatestRules)) +
                                    R"(, "from": 0}])"));
  auto write = [&](const json& j) {
    std::ofstream out(path, std::ios::trunc);
    out << j.dump();
  };
  json old = {{"chainId", 1337}, {"operator", g["operator"]}, {"timestamp", 5}};
  write(old);
  const auto before = read_genesis_file(o.data_dir);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->format, 1u);
  EXPECT_EQ(before->rules.entries(), (std::vector<core::RulesActivation>{{core::Rules::kV1, 0}}));
  EXPECT_EQ(load_or_create_genesis(o, 300).timestamp, 5u);
  auto refused = [&](const json& j, const std::string& fragment) {
    write(j);
    try {
      read_genesis_file(o.data_dir);
      ADD_FAILURE() << "accepted " << j.dump();
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  json future_format = old;
  future_format["format"] = kGenesisFormatVersion + 1;
  refused(future_format, "format");
  json future_rules = old;
  future_rules["rules"] = json::parse(R"([{"version": 1, "from": 0}, {"version": 99, "from": 7}])");
  refused(future_rules, "newer than this stoa");
  json not_from_genesis = old;
  not_from_genesis["rules"] = json::parse(R"([{"version": 1, "from": 3}])");
  refused(not_from_genesis, "block 0");
  fs::remove_all(o.data_dir);
}

}  // namespace
}  // namespace stoa::node
