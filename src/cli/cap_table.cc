// Cap table: the REST view, or Transfer logs.
#include "stoa/cli/cap_table.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "stoa/cli/log_decoder.h"

namespace stoa::cli {

using nlohmann::json;

namespace {

void finish(std::vector<CapTableRow>& rows) {
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](const CapTableRow& r) { return r.balance.is_zero(); }),
             rows.end());
  std::sort(rows.begin(), rows.end(), [](const CapTableRow& a, const CapTableRow& b) {
    if (a.balance != b.balance) return a.balance > b.balance;
    return a.holder < b.holder;
  });
}

std::optional<U256> json_amount(const json& v) {
  if (v.is_string()) return U256::parse(v.get<std::string>());
  if (v.is_number_unsigned()) return U256(v.get<uint64_t>());
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<CapTableRow>> parse_holders_json(const json& body) {
  const json* list = &body;
  if (body.is_object()) {
    list = nullptr;
    for (const char* key : {"holders", "items", "data"}) {
      if (body.contains(key) && body.at(key).is_array()) {
        list = &body.at(key);
        break;
      }
    }
  }
  if (list == nullptr || !list->is_array()) return std::nullopt;
  std::vector<CapTableRow> rows;
  for (const json& h : *list) {
    if (!h.is_object()) return std::nullopt;
    std::optional<Address> who;
    for (const char* key : {"address", "holder", "account"}) {
      if (h.contains(key) && h.at(key).is_string()) {
        who = Address::parse(h.at(key).get<std::string>());
        break;
      }
    }
    if (!who || !h.contains("balance")) return std::nullopt;
    auto balance = json_amount(h.at("balance"));
    if (!balance) return std::nullopt;
    rows.push_back({*who, *balance});
  }
  finish(rows);
  return rows;
}

std::vector<CapTableRow> balances_from_transfer_logs(const json& logs) {
  std::map<Address, U256> balances;
  for (const json& l : logs) {
    const DecodedLog d = decode_log(l);
    if (d.event != "Transfer" || d.values.size() != 3) continue;
    const Address from = d.values[0].address();
    const Address to = d.values[1].address();
    const U256 value = d.values[2].u256();
    if (!from.is_zero()) {
      auto left = balances[from].checked_sub(value);
      if (!left) throw std::runtime_error("Transfer logs do not add up for " + from.checksum_hex());
      balances[from] = *left;
    }
    if (!to.is_zero()) {
      auto sum = balances[to].checked_add(value);
      if (!sum) throw std::runtime_error("Transfer logs overflow for " + to.checksum_hex());
      balances[to] = *sum;
    }
  }
  std::vector<CapTableRow> rows;
  rows.reserve(balances.size());
  for (const auto& [who, bal] : balances)
    rows.push_back({who, bal});
  finish(rows);
  return rows;
}

namespace {

// Pages through the REST view (the node serves at most kRestPage holders per request);
// nullopt if the node has no such view or answers in a shape this client does not know.
std::optional<std::vector<CapTableRow>> holders_from_rest(RpcClient& rpc, const Address& token) {
  constexpr size_t kRestPage = 1000;
  std::vector<CapTableRow> all;
  for (size_t offset = 0;;) {
    auto body = rpc.get("/v1/securities/" + token.checksum_hex() + "/holders?offset=" +
                        std::to_string(offset) + "&limit=" + std::to_string(kRestPage));
    if (!body) return std::nullopt;
    auto page = parse_holders_json(*body);
    if (!page) return std::nullopt;
    const size_t got = (*body).is_object() && (*body).contains("holders")
                           ? (*body).at("holders").size()
                           : page->size();
    all.insert(all.end(), page->begin(), page->end());
    offset += got;
    const bool paged =
        body->is_object() && body->contains("total") && body->at("total").is_number_unsigned();
    if (!paged || got == 0 || offset >= body->at("total").get<size_t>()) break;
  }
  finish(all);
  return all;
}

}  // namespace

CapTable load_cap_table(RpcClient& rpc, const SecurityRef& security) {
  CapTable table;
  std::optional<std::vector<CapTableRow>> rows = holders_from_rest(rpc, security.token);
  if (rows) {
    table.source = "rest";
  } else {
    const json filter = {{"address", security.token.checksum_hex()},
                         {"fromBlock", "0x0"},
                         {"toBlock", "latest"},
                         {"topics", {event_topic("Transfer(address,address,uint256)").hex()}}};
    rows = balances_from_transfer_logs(rpc.call("eth_getLogs", {filter}));
    table.source = "logs";
  }
  table.rows = std::move(*rows);
  for (const CapTableRow& r : table.rows) {
    auto sum = table.total.checked_add(r.balance);
    if (!sum) throw std::runtime_error("balances overflow");
    table.total = *sum;
  }
  return table;
}

std::string format_percent(const U256& balance, const U256& total) {
  if (total.is_zero()) return "-";
  auto bp = balance.mul_div_floor(U256(10000), total);
  if (!bp) return "?";
  const uint64_t v = bp->low64();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%02llu%%", static_cast<unsigned long long>(v / 100),
                static_cast<unsigned long long>(v % 100));
  return buf;
}

}  // namespace stoa::cli
