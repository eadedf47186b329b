// Log decoding against the ABI documents' events.
#include "stoa/cli/log_decoder.h"

#include <map>
#include <stdexcept>

#include "stoa/common/keccak.h"
#include "stoa/doc/abi_json.h"

namespace stoa::cli {
namespace {

using nlohmann::json;

struct EventDef {
  std::string name;
  std::vector<std::string> names;
  std::vector<abi::Type> types;
  std::vector<bool> indexed;
};

std::string type_text(const json& param) {
  std::string t = param.at("type").get<std::string>();
  if (t.rfind("tuple", 0) == 0) {
    std::string inner = "(";
    const json& comps = param.at("components");
    for (size_t i = 0; i < comps.size(); ++i)
      inner += (i ? "," : "") + type_text(comps[i]);
    return inner + ")" + t.substr(5);
  }
  return t;
}

const std::map<Bytes32, EventDef>& events() {
  static const std::map<Bytes32, EventDef> table = [] {
    std::map<Bytes32, EventDef> out;
    for (const auto& [contract, doc] : doc::all_abi_documents()) {
      for (const json& e : doc) {
        if (e.value("type", "") != "event" || e.value("anonymous", false)) continue;
        EventDef def;
        def.name = e.at("name").get<std::string>();
        std::string sig = def.name + "(";
        bool ok = true;
        for (const json& in : e.at("inputs")) {
          const std::string t = type_text(in);
          auto type = abi::parse_type(t);
          if (!type) {
            ok = false;
            break;
          }
          if (!def.types.empty()) sig += ",";
          sig += t;
          def.types.push_back(*type);
          def.names.push_back(in.value("name", ""));
          def.indexed.push_back(in.value("indexed", false));
        }
        if (!ok) continue;
        out.emplace(keccak256(std::string_view(sig + ")")), std::move(def));
      }
    }
    return out;
  }();
  return table;
}

// Role ids (keccak256 of the name, DEFAULT_ADMIN_ROLE = 0) shown by name in human output.
std::string role_name(const Bytes32& id) {
  static const std::map<Bytes32, std::string> names = [] {
    std::map<Bytes32, std::string> out{{Bytes32{}, "DEFAULT_ADMIN_ROLE"}};
    for (const char* n : {"MINTER_ROLE", "PAUSER_ROLE", "COMPLIANCE_ROLE", "BRIDGE_ROLE",
                          "DIVIDEND_ADMIN_ROLE", "CORPORATE_ACTION_ROLE", "DOCUMENT_ADMIN_ROLE",
                          "RESTRICTION_ADMIN_ROLE", "DEPLOYER_ROLE"})
      out.emplace(keccak256(std::string_view(n)), n);
    return out;
  }();
  auto it = names.find(id);
  return it == names.end() ? std::string() : it->second;
}

}  // namespace

Bytes32 event_topic(std::string_view signature) {
  return keccak256(signature);
}

DecodedLog decode_log(const json& log) {
  DecodedLog out;
  if (!log.is_object() || !log.contains("address") || !log.contains("topics") ||
      !log.contains("data"))
    throw std::runtime_error("malformed log object: " + log.dump());
  auto addr = Address::parse(log.at("address").get<std::string>());
  auto data = from_hex(log.at("data").get<std::string>());
  if (!addr || !data) throw std::runtime_error("malformed log object: " + log.dump());
  out.address = *addr;
  out.data = std::move(*data);
  for (const json& t : log.at("topics")) {
    auto topic = Bytes32::from_hex(t.get<std::string>());
    if (!topic) throw std::runtime_error("malformed log topic: " + t.dump());
    out.topics.push_back(*topic);
  }
  if (out.topics.empty()) return out;
  auto it = events().find(out.topics[0]);
  if (it == events().end()) return out;
  const EventDef& def = it->second;
  std::vector<abi::Type> data_types;
  for (size_t i = 0; i < def.types.size(); ++i) {
    if (!def.indexed[i]) data_types.push_back(def.types[i]);
  }
  auto decoded = abi::decode(data_types, out.data);
  if (decoded.index() != 0) return out;
  const abi::ValueList& data_values = std::get<0>(decoded);
  abi::ValueList values;
  size_t topic = 1, next_data = 0;
  for (size_t i = 0; i < def.types.size(); ++i) {
    if (!def.indexed[i]) {
      values.push_back(data_values[next_data++]);
      continue;
    }
    if (topic >= out.topics.size()) return out;
    const Bytes32& word = out.topics[topic++];
    if (def.types[i].is_dynamic()) {
      values.push_back(abi::Value::bytes32(word));  // a hash of the value, shown as such
      continue;
    }
    auto v = abi::decode({def.types[i]}, word.view());
    if (v.index() != 0) return out;
    values.push_back(std::get<0>(v)[0]);
  }
  out.event = def.name;
  out.names = def.names;
  out.types = def.types;
  for (size_t i = 0; i < def.types.size(); ++i) {
    if (def.indexed[i] && def.types[i].is_dynamic()) out.types[i] = *abi::parse_type("bytes32");
  }
  out.values = std::move(values);
  return out;
}

std::string format_log(const DecodedLog& log) {
  if (log.event.empty()) {
    std::string s = "log " + log.address.checksum_hex() + " topics=[";
    for (size_t i = 0; i < log.topics.size(); ++i)
      s += (i ? ", " : "") + log.topics[i].hex();
    return s + "] data=" + to_hex_prefixed(log.data);
  }
  std::string s = log.event + "(";
  for (size_t i = 0; i < log.values.size(); ++i) {
    if (i) s += ", ";
    if (!log.names[i].empty()) s += log.names[i] + "=";
    std::string role;
    if (log.types[i].kind == abi::Type::Kind::FixedBytes && log.types[i].bits == 32)
      role = role_name(log.values[i].as_bytes32());
    s += role.empty() ? abi::format_value(log.types[i], log.values[i]) : role;
  }
  return s + ")";
}

json log_json(const DecodedLog& log) {
  json j = {{"address", log.address.checksum_hex()}};
  if (log.event.empty()) {
    json topics = json::array();
    for (const Bytes32& t : log.topics)
      topics.push_back(t.hex());
    j["topics"] = topics;
    j["data"] = to_hex_prefixed(log.data);
    return j;
  }
  j["event"] = log.event;
  json args = json::object();
  for (size_t i = 0; i < log.values.size(); ++i) {
    const std::string key = log.names[i].empty() ? std::to_string(i) : log.names[i];
    args[key] = abi::format_value(log.types[i], log.values[i]);
  }
  j["args"] = args;
  return j;
}

}  // namespace stoa::cli
