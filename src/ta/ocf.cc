// The Open Cap Table Format v1.2.0 (include/stoa/ta/ocf.h).
#include "stoa/ta/ocf.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/ta/control_book.h"
#include "stoa/ta/form_d.h"
#include "stoa/ta/reports.h"

namespace stoa::ta {
namespace {

constexpr const char* kWalletTag = "stoa-wallet:";

std::string md5_hex(const std::string& s) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(s.data(), s.size(), out, &n, EVP_md5(), nullptr) != 1) {
    throw OcfError("md5 failed");
  }
  return to_hex(BytesView(out, n));
}

// An amount in the smallest unit as OCF Numeric with `decimals` (at most 10 places, trailing
// zeros dropped). Throws OcfError if it cannot be written exactly.
std::string quantity_of(const U256& v, int64_t decimals) {
  std::string d = v.to_dec();
  if (decimals == 0) return d;
  const auto dec = static_cast<size_t>(decimals);
  if (d.size() <= dec) d = std::string(dec + 1 - d.size(), '0') + d;
  std::string whole = d.substr(0, d.size() - dec);
  std::string frac = d.substr(d.size() - dec);
  while (!frac.empty() && frac.back() == '0')
    frac.pop_back();
  if (frac.size() > 10) throw OcfError("an amount needs more than OCF's 10 decimal places");
  return frac.empty() ? whole : whole + "." + frac;
}

U256 amount_of(const std::string& quantity, int64_t decimals) {
  const size_t dot = quantity.find('.');
  const std::string whole = quantity.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : quantity.substr(dot + 1);
  const auto dec = static_cast<size_t>(decimals);
  if (frac.size() > dec) throw OcfError("quantity " + quantity + " is finer than the token's unit");
  frac += std::string(dec - frac.size(), '0');
  const auto v = U256::from_dec(whole + frac);
  if (whole.empty() || !v) throw OcfError("a bad quantity " + quantity);
  return *v;
}

nlohmann::json issuer_object(const CapTable& t, const nlohmann::json& given, Db& db) {
  nlohmann::json issuer = given;
  issuer["object_type"] = "ISSUER";
  issuer["id"] = t.issuer.empty() ? "issuer" : "issuer-" + t.issuer;
  if (!issuer.contains("legal_name")) issuer["legal_name"] = t.name;
  if (!issuer.contains("formation_date")) {
    const auto r = db.query_one(
        "SELECT b.timestamp FROM securities s JOIN register_blocks b ON b.number = "
        "s.created_block WHERE s.token = ?",
        {t.token});
    issuer["formation_date"] = r ? utc_date(static_cast<uint64_t>(r->i64(0))) : t.date;
  }
  if (!issuer.contains("country_of_formation")) issuer["country_of_formation"] = "US";
  return issuer;
}

nlohmann::json stock_class_object(const CapTable& t, const ControlBook& book,
                                  const std::string& class_id) {
  return {
      {"object_type", "STOCK_CLASS"},
      {"id", class_id},
      {"name", t.name},
      {"class_type", "COMMON"},
      {"default_id_prefix", t.symbol + "-"},
      {"initial_shares_authorized",
       quantity_of(book.authorized.value_or(book.outstanding), t.decimals)},
      {"votes_per_share", "1"},
      {"seniority", "1"},
      {"comments",
       {"stoa-token:" + t.token, "stoa-symbol:" + t.symbol,
        "stoa-decimals:" + std::to_string(t.decimals), "stoa-block:" + std::to_string(t.block)}}};
}

nlohmann::json file_of(const char* type, nlohmann::json items) {
  return {{"file_type", type}, {"items", std::move(items)}};
}

}  // namespace

std::map<std::string, std::string> ocf_export(Db& db, InvestorRecords& records,
                                              const OcfExportQuery& q) {
  CapTableQuery cq = q.cap_table;
  cq.purpose = "ocf export";
  const CapTable t = cap_table(db, &records, cq);
  const ControlBook book = control_book(db, {t.token, t.block, std::nullopt});
  const std::string price = format_dollars(parse_dollars(q.price_per_share));
  const std::string class_id = "class-" + t.token;
  nlohmann::json stakeholders = nlohmann::json::array();
  nlohmann::json issuances = nlohmann::json::array();
  std::map<std::string, size_t> seen;  // OCF stakeholder id -> index in `stakeholders`
  size_t n = 0;
  for (const CapTableHolder& h : t.holders) {
    const std::string sid =
        h.stakeholder ? "stakeholder-" + std::to_string(*h.stakeholder) : "wallet-" + h.holder;
    if (!seen.contains(sid)) {
      seen[sid] = stakeholders.size();
      stakeholders.push_back(
          {{"object_type", "STAKEHOLDER"},
           {"id", sid},
           {"name", {{"legal_name", h.legal_name.empty() ? h.holder : h.legal_name}}},
           {"stakeholder_type", h.kind == "individual" ? "INDIVIDUAL" : "INSTITUTION"},
           {"issuer_assigned_id", h.stakeholder ? std::to_string(*h.stakeholder) : h.holder}});
    }
    const std::string security = t.symbol + "-" + std::to_string(++n);
    issuances.push_back({{"object_type", "TX_STOCK_ISSUANCE"},
                         {"id", "issuance-" + std::to_string(n)},
                         {"security_id", security},
                         {"custom_id", security},
                         {"date", t.date},
                         {"stakeholder_id", sid},
                         {"stock_class_id", class_id},
                         {"share_price", {{"amount", price}, {"currency", "USD"}}},
                         {"quantity", quantity_of(h.balance, t.decimals)},
                         {"stock_legend_ids", nlohmann::json::array()},
                         {"security_law_exemptions", nlohmann::json::array()},
                         {"comments", {std::string(kWalletTag) + h.holder}}});
  }
  const nlohmann::json stock_class = stock_class_object(t, book, class_id);
  std::map<std::string, std::string> files;
  files["Stakeholders.ocf.json"] =
      file_of("OCF_STAKEHOLDERS_FILE", std::move(stakeholders)).dump(2) + "\n";
  files["StockClasses.ocf.json"] =
      file_of("OCF_STOCK_CLASSES_FILE", nlohmann::json::array({stock_class})).dump(2) + "\n";
  files["Transactions.ocf.json"] =
      file_of("OCF_TRANSACTIONS_FILE", std::move(issuances)).dump(2) + "\n";
  const auto ref = [&](const char* name) {
    return nlohmann::json::array(
        {{{"filepath", std::string("./") + name}, {"md5", md5_hex(files.at(name))}}});
  };
  const nlohmann::json manifest = {
      {"ocf_version", "1.2.0"},
      {"file_type", "OCF_MANIFEST_FILE"},
      {"issuer", issuer_object(t, q.issuer, db)},
      {"as_of", t.date},
      {"generated_at", q.generated_at.empty() ? utc_time(t.block_timestamp) : q.generated_at},
      {"comments", {"stoa cap table of " + t.token + " at block " + std::to_string(t.block)}},
      {"stock_plans_files", nlohmann::json::array()},
      {"stock_legend_templates_files", nlohmann::json::array()},
      {"stock_classes_files", ref("StockClasses.ocf.json")},
      {"vesting_terms_files", nlohmann::json::array()},
      {"valuations_files", nlohmann::json::array()},
      {"transactions_files", ref("Transactions.ocf.json")},
      {"stakeholders_files", ref("Stakeholders.ocf.json")}};
  files["Manifest.ocf.json"] = manifest.dump(2) + "\n";
  return files;
}

namespace {

nlohmann::json load(const std::map<std::string, std::string>& files, const std::string& path,
                    const std::string& md5, const char* type) {
  const std::string name = path.starts_with("./") ? path.substr(2) : path;
  const auto it = files.find(name);
  if (it == files.end()) throw OcfError("the manifest lists " + path + ", which is missing");
  if (md5_hex(it->second) != md5) throw OcfError(path + ": md5 differs from the manifest's");
  nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
  if (!j.is_object() || j.value("file_type", "") != type || !j["items"].is_array()) {
    throw OcfError(path + ": not an " + std::string(type));
  }
  return j;
}

std::vector<nlohmann::json> items(const std::map<std::string, std::string>& files,
                                  const nlohmann::json& manifest, const char* key,
                                  const char* type) {
  std::vector<nlohmann::json> out;
  if (!manifest.contains(key) || !manifest[key].is_array()) {
    throw OcfError(std::string("the manifest has no ") + key);
  }
  for (const auto& f : manifest[key]) {
    const nlohmann::json file = load(files, f.value("filepath", ""), f.value("md5", ""), type);
    for (const auto& i : file["items"])
      out.push_back(i);
  }
  return out;
}

std::string comment_value(const nlohmann::json& object, const std::string& tag) {
  for (const auto& c : object.value("comments", nlohmann::json::array())) {
    if (c.is_string() && c.get<std::string>().starts_with(tag)) {
      return c.get<std::string>().substr(tag.size());
    }
  }
  return "";
}

void read_class(OcfPlan& p, const std::vector<nlohmann::json>& classes) {
  if (classes.size() != 1) throw OcfError("a package for one security has one stock class");
  const nlohmann::json& c = classes[0];
  p.name = c.value("name", "");
  p.symbol = comment_value(c, "stoa-symbol:");
  if (p.symbol.empty()) {
    p.symbol = c.value("default_id_prefix", "");
    if (p.symbol.ends_with("-")) p.symbol.pop_back();
  }
  const std::string d = comment_value(c, "stoa-decimals:");
  p.decimals = d.empty() ? 0 : std::stoll(d);
  if (p.decimals < 0 || p.decimals > 77) throw OcfError("bad decimals");
  if (c.contains("initial_shares_authorized") && c["initial_shares_authorized"].is_string()) {
    p.authorized = amount_of(c["initial_shares_authorized"].get<std::string>(), p.decimals);
  }
}

}  // namespace

OcfPlan ocf_import(const std::map<std::string, std::string>& files) {
  const auto m = files.find("Manifest.ocf.json");
  if (m == files.end()) throw OcfError("no Manifest.ocf.json");
  const nlohmann::json manifest = nlohmann::json::parse(m->second, nullptr, false);
  if (!manifest.is_object() || manifest.value("file_type", "") != "OCF_MANIFEST_FILE" ||
      manifest.value("ocf_version", "") != "1.2.0") {
    throw OcfError("Manifest.ocf.json: not an OCF 1.2.0 manifest");
  }
  OcfPlan p;
  const auto classes = items(files, manifest, "stock_classes_files", "OCF_STOCK_CLASSES_FILE");
  read_class(p, classes);
  const std::string class_id = classes[0].value("id", "");
  std::map<std::string, size_t> by_id;
  for (const auto& s : items(files, manifest, "stakeholders_files", "OCF_STAKEHOLDERS_FILE")) {
    OcfStakeholder o;
    o.ocf_id = s.value("id", "");
    if (o.ocf_id.empty() || by_id.contains(o.ocf_id)) throw OcfError("a stakeholder id twice");
    o.record.kind = s.value("stakeholder_type", "") == "INDIVIDUAL" ? "individual" : "entity";
    o.record.legal_name = s.contains("name") ? s["name"].value("legal_name", "") : "";
    o.has_record = !Address::parse(o.record.legal_name).has_value();
    by_id[o.ocf_id] = p.stakeholders.size();
    p.stakeholders.push_back(std::move(o));
  }
  for (const auto& t : items(files, manifest, "transactions_files", "OCF_TRANSACTIONS_FILE")) {
    if (t.value("object_type", "") != "TX_STOCK_ISSUANCE") {
      throw OcfError("only stock issuances can be imported, not " + t.value("object_type", "?"));
    }
    const std::string sid = t.value("stakeholder_id", "");
    const auto it = by_id.find(sid);
    if (it == by_id.end())
      throw OcfError("issuance " + t.value("id", "?") + ": no stakeholder " + sid);
    if (t.value("stock_class_id", "") != class_id) {
      throw OcfError("issuance " + t.value("id", "?") + ": no stock class " +
                     t.value("stock_class_id", ""));
    }
    const auto wallet = Address::parse(comment_value(t, kWalletTag));
    if (!wallet) throw OcfError("issuance " + t.value("id", "?") + " names no wallet");
    OcfMint mint{wallet->lower_hex(), amount_of(t.value("quantity", ""), p.decimals), sid};
    auto& ws = p.stakeholders[it->second].wallets;
    if (std::find(ws.begin(), ws.end(), mint.wallet) == ws.end()) ws.push_back(mint.wallet);
    p.mints.push_back(std::move(mint));
  }
  return p;
}

nlohmann::json ocf_plan_json(const OcfPlan& p) {
  nlohmann::json stakeholders = nlohmann::json::array();
  for (const OcfStakeholder& s : p.stakeholders) {
    if (!s.has_record && s.wallets.empty()) continue;
    nlohmann::json wallets = nlohmann::json::array();
    for (const std::string& w : s.wallets)
      wallets.push_back(Address::parse(w)->checksum_hex());
    stakeholders.push_back({{"ocfId", s.ocf_id},
                            {"kind", s.record.kind},
                            {"legalName", s.record.legal_name},
                            {"record", s.has_record},
                            {"wallets", wallets}});
  }
  nlohmann::json mints = nlohmann::json::array();
  for (const OcfMint& m : p.mints) {
    mints.push_back({{"to", Address::parse(m.wallet)->checksum_hex()},
                     {"amount", m.amount.to_dec()},
                     {"stakeholder", m.stakeholder_id}});
  }
  return {{"security", {{"name", p.name}, {"symbol", p.symbol}, {"decimals", p.decimals}}},
          {"authorized", p.authorized ? nlohmann::json(p.authorized->to_dec()) : nullptr},
          {"stakeholders", stakeholders},
          {"mints", mints}};
}

OcfRecordMatch match_ocf_records(InvestorRecords& records, const OcfPlan& p,
                                 const std::string& actor) {
  std::vector<std::string> wallets;
  for (const OcfStakeholder& s : p.stakeholders) {
    if (s.has_record) wallets.insert(wallets.end(), s.wallets.begin(), s.wallets.end());
  }
  const auto profiles = records.profiles(wallets, actor, "ocf import");
  OcfRecordMatch m;
  std::map<int64_t, std::string> owners;  // record -> the OCF stakeholder matched to it
  for (const OcfStakeholder& s : p.stakeholders) {
    if (!s.has_record) continue;
    for (const std::string& w : s.wallets) {
      const auto it = profiles.find(w);
      if (it == profiles.end()) continue;
      const HolderProfile& h = it->second;
      const std::string who = "stakeholder " + s.ocf_id + " (\"" + s.record.legal_name +
                              "\"): wallet " + Address::parse(w)->checksum_hex() +
                              " belongs to record " + std::to_string(h.stakeholder_id);
      const auto [at, fresh] = m.existing.emplace(s.ocf_id, h.stakeholder_id);
      const auto [owner, first] = owners.emplace(h.stakeholder_id, s.ocf_id);
      if (!fresh && at->second != h.stakeholder_id) {
        m.conflicts.push_back(who + ", another of its wallets to record " +
                              std::to_string(at->second));
      } else if (!first && owner->second != s.ocf_id) {
        m.conflicts.push_back(who + ", as does a wallet of stakeholder " + owner->second);
      } else if (h.legal_name != s.record.legal_name) {
        m.conflicts.push_back(who + ", named \"" + h.legal_name + "\"");
      }
    }
  }
  return m;
}

std::map<std::string, int64_t> import_ocf_records(InvestorRecords& records, const OcfPlan& p,
                                                  const std::string& actor, size_t* added) {
  const OcfRecordMatch match = match_ocf_records(records, p, actor);
  if (!match.conflicts.empty()) {
    throw RecordError(match.conflicts.front() + " (" + std::to_string(match.conflicts.size()) +
                      " conflict(s) with the records; nothing recorded)");
  }
  std::map<std::string, int64_t> ids;
  size_t n = 0;
  for (const OcfStakeholder& s : p.stakeholders) {
    if (!s.has_record) continue;
    const auto existing = match.existing.find(s.ocf_id);
    int64_t id = 0;
    if (existing != match.existing.end()) {
      id = existing->second;
    } else {
      id = records.add(s.record, actor);
      ++n;
    }
    for (const std::string& w : s.wallets) {
      const Address a = *Address::parse(w);
      if (records.stakeholder_of(a) != id) records.link_wallet(id, a, std::nullopt, actor);
    }
    ids[s.ocf_id] = id;
  }
  if (added != nullptr) *added = n;
  return ids;
}

std::map<std::string, std::string> read_ocf_dir(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(".ocf.json")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    files[name] =
        std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  if (ec) throw OcfError("cannot read " + dir + ": " + ec.message());
  return files;
}

void write_ocf_dir(const std::string& dir, const std::map<std::string, std::string>& files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw OcfError("cannot create " + dir + ": " + ec.message());
  for (const auto& [name, content] : files) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw OcfError("cannot write " + path);
  }
}

}  // namespace stoa::ta
