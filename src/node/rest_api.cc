// REST views: read-only JSON over the head state and the blocks in memory.
#include "stoa/node/rest_api.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>

#include "stoa/abi/abi.h"
#include "stoa/common/keccak.h"
#include "stoa/core/codes.h"
#include "stoa/core/errors.h"
#include "stoa/core/factory.h"
#include "stoa/core/presets.h"
#include "stoa/node/rpc.h"
#include "stoa/node/views.h"

namespace stoa::app {
extern const char kOpenApiJson[];  // generated from docs/openapi.json (CMakeLists.txt)
}

namespace stoa::node {
namespace {

using nlohmann::json;

[[noreturn]] void fail(int status, const std::string& code, const std::string& message) {
  throw RestError{status, code, message};
}

Address parse_address_param(const std::string& text, const std::string& what) {
  auto a = Address::parse(text);
  if (!a || text.size() != 42) fail(400, "bad_request", what + ": not an address: " + text);
  return *a;
}

size_t parse_limit(const HttpRequest& req, const std::string& name, size_t fallback, size_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), ::isdigit)) {
    fail(400, "bad_request", name + ": expected a non-negative integer");
  }
  const size_t n = std::stoull(v);
  if (n > max) fail(400, "bad_request", name + ": at most " + std::to_string(max));
  return n;
}

std::string rule_name(const core::State& state, const Address& rule) {
  if (rule.is_zero()) return "";
  const core::Contract* c = state.contract(rule);
  return c == nullptr ? "" : std::string(c->abi().contract_name());
}

const core::SecuritySet& resolve(const core::State& state, const std::string& key) {
  const core::Factory& f = state.factory();
  const core::SecuritySet* s = nullptr;
  if (key.starts_with("0x") || key.starts_with("0X")) {
    s = f.find(parse_address_param(key, "token"));
  } else {
    s = f.find_by_symbol(key);
  }
  if (s == nullptr) fail(404, "not_found", "no security " + key);
  return *s;
}

json security_json(const core::State& state, const core::SecuritySet& s) {
  const auto* t = state.contract_as<core::SecurityToken>(s.token);
  json j = {{"token", s.token.checksum_hex()},
            {"registry", s.registry.checksum_hex()},
            {"restriction", s.restriction.checksum_hex()},
            {"whitelistModule", s.whitelist_module.checksum_hex()},
            {"lockupModule", s.lockup_module.checksum_hex()},
            {"jurisdictionModule", s.jurisdiction_module.checksum_hex()},
            {"presetId", s.preset}};
  if (const core::PresetRules* p = core::find_preset(s.preset)) {
    j["preset"] = std::string(p->key);
    j["presetName"] = std::string(p->name);
  }
  if (t != nullptr) {
    j["name"] = t->config().name;
    j["symbol"] = t->config().symbol;
    j["decimals"] = t->config().decimals;
    j["totalSupply"] = t->total_supply().to_dec();
    j["holderCount"] = t->holder_count();
    j["paused"] = t->paused();
  }
  return j;
}

const core::SecurityToken& token_of(const core::State& state, const core::SecuritySet& s) {
  const auto* t = state.contract_as<core::SecurityToken>(s.token);
  if (t == nullptr) fail(500, "internal", "security token missing");
  return *t;
}

struct CallDecoding {
  std::optional<Address> from;  // nullopt: the sender
  Address to;
  U256 amount;
};

// The recipient and amount of a token call that moves balance (transfer, transferFrom, mint).
std::optional<CallDecoding> decode_movement(BytesView data) {
  static const struct {
    abi::Signature sig;
    uint32_t selector;
  } kCalls[] = {
      {*abi::parse_signature("transfer(address,uint256)"),
       selector_of("transfer(address,uint256)")},
      {*abi::parse_signature("transferFrom(address,address,uint256)"),
       selector_of("transferFrom(address,address,uint256)")},
      {*abi::parse_signature("mint(address,uint256)"), selector_of("mint(address,uint256)")},
  };
  if (data.size() < 4) return std::nullopt;
  const uint32_t sel = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                       (uint32_t{data[2]} << 8) | uint32_t{data[3]};
  for (size_t i = 0; i < 3; ++i) {
    if (kCalls[i].selector != sel) continue;
    auto v = abi::decode(kCalls[i].sig.inputs, data.subspan(4));
    if (v.index() != 0) return std::nullopt;
    const abi::ValueList& args = std::get<abi::ValueList>(v);
    CallDecoding d;
    if (i == 1) {
      d.from = args[0].address();
      d.to = args[1].address();
      d.amount = args[2].u256();
    } else {
      if (i == 2) d.from = Address{};
      d.to = args[0].address();
      d.amount = args[1].u256();
    }
    return d;
  }
  return std::nullopt;
}

json block_summary(const chain::Block& b) {
  return {{"number", b.header.number},
          {"hash", b.hash.hex()},
          {"parentHash", b.header.parent_hash.hex()},
          {"timestamp", b.header.timestamp},
          {"stateRoot", b.header.state_root.hex()},
          {"transactionCount", b.transactions.size()},
          {"gasUsed", b.header.gas_used}};
}

}  // namespace

std::string_view openapi_document() {
  return app::kOpenApiJson;
}

void send_json(HttpResponse& res, const json& body, int status) {
  res.status = status;
  res.set_content(to_wire(body), "application/json");
}

void send_rest_error(HttpResponse& res, int status, const std::string& code,
                     const std::string& message) {
  send_json(res, {{"error", {{"code", code}, {"message", message}}}}, status);
}

std::vector<RestRoute> RestApi::routes() {
  auto route = [this](std::string pattern, std::string path,
                      json (RestApi::*fn)(const HttpRequest&)) {
    return RestRoute{std::move(pattern), std::move(path),
                     [this, fn](const HttpRequest& req, HttpResponse& res) {
                       send_json(res, (this->*fn)(req));
                     }};
  };
  const std::string seg = "([^/]+)";
  std::vector<RestRoute> r = {
      route("/v1/securities", "/v1/securities", &RestApi::securities),
      route("/v1/securities/" + seg, "/v1/securities/{token}", &RestApi::security),
      route("/v1/securities/" + seg + "/holders", "/v1/securities/{token}/holders",
            &RestApi::holders),
      route("/v1/securities/" + seg + "/check", "/v1/securities/{token}/check", &RestApi::check),
      route("/v1/securities/" + seg + "/transfers", "/v1/securities/{token}/transfers",
            &RestApi::transfers),
      route("/v1/accounts/" + seg + "/positions", "/v1/accounts/{address}/positions",
            &RestApi::positions),
      route("/v1/blocks", "/v1/blocks", &RestApi::blocks),
      route("/v1/blocks/" + seg, "/v1/blocks/{number}", &RestApi::block),
      route("/v1/transactions/" + seg, "/v1/transactions/{hash}", &RestApi::transaction),
      route("/healthz", "/healthz", &RestApi::healthz),
  };
  r.push_back({"/v1/openapi.json", "/v1/openapi.json", [](const HttpRequest&, HttpResponse& res) {
                 res.set_content(std::string(openapi_document()), "application/json");
               }});
  r.push_back({"/metrics", "/metrics", [this](const HttpRequest&, HttpResponse& res) {
                 PastWindowGauge past;
                 {
                   std::shared_lock lock = ledger_.read_lock();
                   past.blocks = ledger_.chain().state().past_depth();
                   past.bytes = ledger_.chain().state().past_bytes();
                 }
                 res.set_content(metrics_.render(ledger_.sequencer().queued(), past),
                                 "text/plain; version=0.0.4; charset=utf-8");
               }});
  return r;
}

json RestApi::securities(const HttpRequest&) {
  std::shared_lock lock = ledger_.read_lock();
  const core::State& state = ledger_.chain().state();
  json list = json::array();
  for (const core::SecuritySet& s : state.factory().securities()) {
    list.push_back(security_json(state, s));
  }
  return {{"securities", list}};
}

json RestApi::security(const HttpRequest& req) {
  std::shared_lock lock = ledger_.read_lock();
  const core::State& state = ledger_.chain().state();
  return security_json(state, resolve(state, req.matches[1]));
}

json RestApi::holders(const HttpRequest& req) {
  const size_t offset = parse_limit(req, "offset", 0, SIZE_MAX >> 8);
  const size_t limit = parse_limit(req, "limit", kDefaultHoldersPage, kMaxHoldersPage);
  std::shared_lock lock = ledger_.read_lock();
  const core::State& state = ledger_.chain().state();
  const core::SecuritySet& s = resolve(state, req.matches[1]);
  const core::SecurityToken& t = token_of(state, s);
  auto all = t.holders();
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  json list = json::array();
  for (size_t i = offset; i < all.size() && list.size() < limit; ++i) {
    list.push_back({{"address", all[i].first.checksum_hex()}, {"balance", all[i].second.to_dec()}});
  }
  return {{"token", s.token.checksum_hex()},
          {"symbol", t.config().symbol},
          {"total", all.size()},
          {"offset", offset},
          {"limit", limit},
          {"holders", list}};
}

json RestApi::positions(const HttpRequest& req) {
  const Address who = parse_address_param(req.matches[1], "address");
  std::shared_lock lock = ledger_.read_lock();
  const core::State& state = ledger_.chain().state();
  json list = json::array();
  for (const core::SecuritySet& s : state.factory().securities()) {
    const auto* t = state.contract_as<core::SecurityToken>(s.token);
    if (t == nullptr) continue;
    const U256 b = t->balance_of(who);
    if (b.is_zero()) continue;
    list.push_back({{"token", s.token.checksum_hex()},
                    {"symbol", t->config().symbol},
                    {"name", t->config().name},
                    {"decimals", t->config().decimals},
                    {"balance", b.to_dec()}});
  }
  return {{"address", who.checksum_hex()}, {"positions", list}};
}

json RestApi::check(const HttpRequest& req) {
  for (const char* p : {"from", "to", "amount"}) {
    if (!req.has_param(p)) fail(400, "bad_request", std::string("missing query parameter ") + p);
  }
  const Address from = parse_address_param(req.get_param_value("from"), "from");
  const Address to = parse_address_param(req.get_param_value("to"), "to");
  const std::string amount_text = req.get_param_value("amount");
  const bool digits =
      !amount_text.empty() && std::all_of(amount_text.begin(), amount_text.end(), ::isdigit);
  const auto amount = digits ? U256::from_dec(amount_text) : std::nullopt;
  if (!amount) {
    fail(400, "bad_request",
         "amount: expected a decimal integer that fits in uint256, got \"" + amount_text + "\"");
  }
  const uint64_t now = ledger_.now();
  std::shared_lock lock = ledger_.read_lock();
  const core::State& state = ledger_.chain().state();
  const core::SecuritySet& s = resolve(state, req.matches[1]);
  const core::SecurityToken& t = token_of(state, s);
  const auto e =
      t.explain(from, to, *amount, std::max(now, ledger_.chain().head().header.timestamp));
  const core::CodeInfo* info = core::find_code(e.code);
  char status[8];
  std::snprintf(status, sizeof status, "0x%02x", info != nullptr ? info->erc1066 : 0);
  return {{"token", s.token.checksum_hex()},
          {"from", from.checksum_hex()},
          {"to", to.checksum_hex()},
          {"amount", amount->to_dec()},
          {"allowed", e.code == 0},
          {"code", e.code},
          {"constant", info != nullptr ? std::string(info->constant) : ""},
          {"message", info != nullptr ? std::string(info->message) : ""},
          {"erc1066", status},
          {"rule", e.rule.is_zero() ? json(nullptr) : json(e.rule.checksum_hex())},
          {"ruleName", rule_name(state, e.rule)},
          {"maxAmount", e.max_amount.to_dec()}};
}

json RestApi::transfers(const HttpRequest& req) {
  const size_t limit = parse_limit(req, "limit", kDefaultTransfersPage, kMaxTransfersPage);
  static const Bytes32 kTransferTopic =
      keccak256(std::string_view("Transfer(address,address,uint256)"));
  std::shared_lock lock = ledger_.read_lock();
  const chain::Chain& c = ledger_.chain();
  const core::SecuritySet& s = resolve(c.state(), req.matches[1]);
  json list = json::array();
  for (uint64_t n = c.height() + 1; n-- > 0 && list.size() < limit;) {
    const std::shared_ptr<const chain::Block> block = c.block_by_number(n);
    const chain::Block& b = *block;
    for (size_t i = b.receipts.size(); i-- > 0 && list.size() < limit;) {
      const chain::Receipt& r = b.receipts[i];
      const chain::SignedTransaction& tx = b.transactions[i];
      if (r.success) {
        for (size_t k = r.logs.size(); k-- > 0 && list.size() < limit;) {
          const core::Log& l = r.logs[k];
          if (l.address != s.token || l.topics.size() != 3 || l.topics[0] != kTransferTopic ||
              l.data.size() != 32) {
            continue;
          }
          list.push_back({{"status", "transferred"},
                          {"blockNumber", b.header.number},
                          {"timestamp", b.header.timestamp},
                          {"transactionHash", tx.hash.hex()},
                          {"from", Address::from_word(l.topics[1]).checksum_hex()},
                          {"to", Address::from_word(l.topics[2]).checksum_hex()},
                          {"amount", U256::from_be(l.data).to_dec()}});
        }
        continue;
      }
      if (!r.to || *r.to != s.token) continue;
      const int code = transfer_restricted_code(r.revert_data);
      if (code < 0) continue;
      const core::CodeInfo* info = core::find_code(static_cast<uint8_t>(code));
      json e = {{"status", "refused"},
                {"blockNumber", b.header.number},
                {"timestamp", b.header.timestamp},
                {"transactionHash", tx.hash.hex()},
                {"sender", tx.sender.checksum_hex()},
                {"code", code},
                {"message", info != nullptr ? std::string(info->message) : ""}};
      if (auto d = decode_movement(tx.tx.data)) {
        e["from"] = d->from.value_or(tx.sender).checksum_hex();
        e["to"] = d->to.checksum_hex();
        e["amount"] = d->amount.to_dec();
      }
      list.push_back(std::move(e));
    }
  }
  return {{"token", s.token.checksum_hex()}, {"transfers", list}};
}

json RestApi::blocks(const HttpRequest& req) {
  const size_t limit = parse_limit(req, "limit", kDefaultBlocksPage, kMaxBlocksPage);
  std::shared_lock lock = ledger_.read_lock();
  const chain::Chain& c = ledger_.chain();
  json list = json::array();
  for (uint64_t n = c.height() + 1; n-- > 0 && list.size() < limit;) {
    list.push_back(block_summary(*c.block_by_number(n)));
  }
  return {{"head", c.height()}, {"blocks", list}};
}

// A block as users write it: decimal, a JSON-RPC hex quantity ("0x1a"), or a tag: latest, safe
// and finalized (the head: blocks are final once sealed), earliest (0). nullopt for the head.
std::optional<uint64_t> RestApi::parse_block_number(const std::string& text) {
  if (text == "latest" || text == "safe" || text == "finalized") return std::nullopt;
  if (text == "earliest") return 0;
  if (text.starts_with("0x")) {
    try {
      return parse_quantity_u64(json(text), "block number");
    } catch (const RpcError& e) {
      fail(400, "bad_request", e.what());
    }
  }
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), ::isdigit)) {
    fail(400, "bad_request",
         "block number: expected a decimal integer, a hex quantity (0x...) or latest, safe, "
         "finalized, earliest");
  }
  return std::stoull(text);
}

json RestApi::block(const HttpRequest& req) {
  const std::string text = req.matches[1];
  const std::optional<uint64_t> number = parse_block_number(text);
  std::shared_lock lock = ledger_.read_lock();
  const std::shared_ptr<const chain::Block> b =
      ledger_.chain().block_by_number(number.value_or(ledger_.chain().height()));
  if (b == nullptr) fail(404, "not_found", "no block " + text);
  json j = block_summary(*b);
  json txs = json::array();
  for (uint32_t i = 0; i < b->transactions.size(); ++i) {
    txs.push_back({{"hash", b->transactions[i].hash.hex()},
                   {"from", b->transactions[i].sender.checksum_hex()},
                   {"status", b->receipts[i].success ? 1 : 0}});
  }
  j["transactions"] = txs;
  j["receiptsRoot"] = b->header.receipts_root.hex();
  j["transactionsRoot"] = b->header.transactions_root.hex();
  return j;
}

json RestApi::transaction(const HttpRequest& req) {
  const std::string text = req.matches[1];
  auto h = Bytes32::from_hex(text);
  if (!h || text.size() != 66) fail(400, "bad_request", "hash: expected 0x and 64 hex digits");
  std::shared_lock lock = ledger_.read_lock();
  const chain::Chain& c = ledger_.chain();
  auto loc = c.find_transaction(*h);
  if (!loc) fail(404, "not_found", "no transaction " + text);
  const std::shared_ptr<const chain::Block> block = c.block_by_number(loc->block_number);
  const chain::Block& b = *block;
  const chain::SignedTransaction& tx = b.transactions[loc->index];
  const chain::Receipt& r = b.receipts[loc->index];
  json logs = json::array();
  uint32_t li = first_log_index(b, loc->index);
  for (const core::Log& l : r.logs)
    logs.push_back(log_json(l, b, loc->index, li++));
  json j = {{"hash", tx.hash.hex()},
            {"blockNumber", b.header.number},
            {"blockHash", b.hash.hex()},
            {"index", loc->index},
            {"timestamp", b.header.timestamp},
            {"from", tx.sender.checksum_hex()},
            {"to", tx.tx.to ? json(tx.tx.to->checksum_hex()) : json(nullptr)},
            {"nonce", tx.tx.nonce},
            {"input", to_hex_prefixed(tx.tx.data)},
            {"status", r.success ? 1 : 0},
            {"logs", logs}};
  if (!r.success) {
    j["revertData"] = to_hex_prefixed(r.revert_data);
    j["revertReason"] = core::describe_revert(r.revert_data);
    const int code = transfer_restricted_code(r.revert_data);
    if (code >= 0) {
      j["restrictionCode"] = code;
      if (const core::CodeInfo* info = core::find_code(static_cast<uint8_t>(code))) {
        j["restrictionMessage"] = std::string(info->message);
      }
    }
  }
  return j;
}

json RestApi::healthz(const HttpRequest&) {
  std::shared_lock lock = ledger_.read_lock();
  const chain::Block& h = ledger_.chain().head();
  return {
      {"status", "ok"},
      {"chainId", ledger_.chain().chain_id()},
      {"head",
       {{"number", h.header.number}, {"hash", h.hash.hex()}, {"timestamp", h.header.timestamp}}}};
}

}  // namespace stoa::node
