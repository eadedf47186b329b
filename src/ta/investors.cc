// Investor records (include/stoa/ta/investors.h).
#include "stoa/ta/investors.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>

#include <nlohmann/json.hpp>

namespace stoa::ta {
namespace {

constexpr uint8_t kSealVersion = 1;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string tax_id_aad(int64_t id) {
  return "stoa-ta/stakeholders/" + std::to_string(id) + "/tax_id";
}

void validate(const Stakeholder& s) {
  if (s.kind != "individual" && s.kind != "entity" && s.kind != "trust") {
    throw RecordError("kind must be individual, entity or trust, got \"" + s.kind + "\"");
  }
  if (s.legal_name.empty() || s.legal_name.size() > 200) {
    throw RecordError("a legal name of 1 to 200 bytes is required");
  }
  if (!s.tax_residency.empty() && (s.tax_residency.size() != 2 ||
                                   !std::isupper(static_cast<unsigned char>(s.tax_residency[0])) ||
                                   !std::isupper(static_cast<unsigned char>(s.tax_residency[1])))) {
    throw RecordError("tax residency must be an ISO 3166-1 alpha-2 code such as US");
  }
  if (!s.tax_id.empty() && s.tax_id_type.empty()) {
    throw RecordError("a tax id needs its type (e.g. SSN, EIN, ITIN)");
  }
  if (!s.accreditation_expiry.empty() && !is_iso_date(s.accreditation_expiry)) {
    throw RecordError("accreditation expiry must be a date YYYY-MM-DD");
  }
  if (!s.accreditation_expiry.empty() && s.accreditation_basis.empty()) {
    throw RecordError("an accreditation expiry needs an accreditation basis");
  }
}

}  // namespace

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  const int y = std::stoi(s.substr(0, 4));
  const int m = std::stoi(s.substr(5, 2));
  const int d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

TaxIdKey TaxIdKey::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RecordError("--ta-key: cannot read " + path);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::array<uint8_t, 32> k{};
  if (raw.size() == 32) {
    std::copy(raw.begin(), raw.end(), k.begin());
    return TaxIdKey(k);
  }
  std::string hex;
  for (char c : raw) {
    if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
  }
  if (hex.starts_with("0x")) hex.erase(0, 2);
  const auto b = Bytes32::from_hex(hex);
  if (hex.size() != 64 || !b) {
    throw RecordError("--ta-key: " + path + " must hold 64 hex digits or 32 raw bytes");
  }
  std::copy(b->b.begin(), b->b.end(), k.begin());
  return TaxIdKey(k);
}

Bytes TaxIdKey::seal(const std::string& plaintext, const std::string& aad) const {
  Bytes out(1 + kNonceBytes + plaintext.size() + kTagBytes);
  out[0] = kSealVersion;
  uint8_t* nonce = out.data() + 1;
  if (RAND_bytes(nonce, kNonceBytes) != 1) throw RecordError("no randomness for a nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  uint8_t* ct = nonce + kNonceBytes;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const uint8_t*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), ct, &len, reinterpret_cast<const uint8_t*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plaintext.size()) == 1;
  if (!ok) throw RecordError("AES-256-GCM encryption failed");
  return out;
}

std::string TaxIdKey::open(const Bytes& sealed, const std::string& aad) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes || sealed[0] != kSealVersion) {
    throw RecordError("an encrypted tax id is malformed");
  }
  const uint8_t* nonce = sealed.data() + 1;
  const uint8_t* ct = nonce + kNonceBytes;
  const size_t n = sealed.size() - 1 - kNonceBytes - kTagBytes;
  std::string plain(n, '\0');
  Bytes tag(ct + n, ct + n + kTagBytes);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const uint8_t*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<uint8_t*>(plain.data()), &len, ct,
                        static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<uint8_t*>(plain.data()) + len, &len) == 1;
  if (!ok) throw RecordError("an encrypted tax id does not verify (wrong key or tampered)");
  return plain;
}

bool HolderProfile::accredited_on(const std::string& date) const {
  if (accreditation_basis.empty()) return false;
  return accreditation_expiry.empty() || accreditation_expiry >= date;
}

const TaxIdKey& InvestorRecords::key() const {
  if (!key_) throw RecordError("tax ids need the key: --ta-key FILE");
  return *key_;
}

void InvestorRecords::audit(const std::string& actor, const std::string& action,
                            std::optional<int64_t> stakeholder, const std::string& detail) {
  db_.exec(
      "INSERT INTO audit_log (at, actor, action, stakeholder_id, detail) VALUES (?, ?, ?, ?, ?)",
      {utc_now(), actor, action, stakeholder ? DbValue(*stakeholder) : DbValue(std::monostate{}),
       detail});
}

int64_t InvestorRecords::add(const Stakeholder& s, const std::string& actor) {
  validate(s);
  if (actor.empty()) throw RecordError("an actor is required (audit log)");
  DbTransaction tx(db_);
  const auto row = db_.query_one(
      "INSERT INTO stakeholders (kind, legal_name, addresses, tax_id_type, tax_residency, "
      "accreditation_basis, accreditation_expiry, contacts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {s.kind, s.legal_name, nlohmann::json(s.addresses).dump(), s.tax_id_type, s.tax_residency,
       s.accreditation_basis, s.accreditation_expiry, nlohmann::json(s.contacts).dump()});
  const int64_t id = row->i64(0);
  if (!s.tax_id.empty()) {
    db_.exec("UPDATE stakeholders SET tax_id = ? WHERE id = ?",
             {key().seal(s.tax_id, tax_id_aad(id)), id});
  }
  audit(actor, "create", id, "stakeholder");
  tx.commit();
  return id;
}

std::optional<Stakeholder> InvestorRecords::read(int64_t id, const std::string& actor) {
  if (actor.empty()) throw RecordError("an actor is required (audit log)");
  DbTransaction tx(db_);
  audit(actor, "read", id, "stakeholder");
  const auto row = db_.query_one(
      "SELECT kind, legal_name, addresses, tax_id, tax_id_type, tax_residency, "
      "accreditation_basis, accreditation_expiry, contacts FROM stakeholders WHERE id = ?",
      {id});
  tx.commit();  // the audit row stays even if the record is missing
  if (!row) return std::nullopt;
  Stakeholder s;
  s.id = id;
  s.kind = row->text(0);
  s.legal_name = row->text(1);
  s.addresses = nlohmann::json::parse(row->text(2)).get<std::vector<std::string>>();
  if (!row->is_null(3)) s.tax_id = key().open(row->blob(3), tax_id_aad(id));
  s.tax_id_type = row->text(4);
  s.tax_residency = row->text(5);
  s.accreditation_basis = row->text(6);
  s.accreditation_expiry = row->text(7);
  s.contacts = nlohmann::json::parse(row->text(8)).get<std::map<std::string, std::string>>();
  return s;
}

void InvestorRecords::link_wallet(int64_t stakeholder_id, const Address& wallet,
                                  const std::optional<Address>& identity,
                                  const std::string& actor) {
  if (wallet.is_zero()) throw RecordError("the zero address is not a wallet");
  DbTransaction tx(db_);
  if (!db_.query_one("SELECT id FROM stakeholders WHERE id = ?", {stakeholder_id})) {
    throw RecordError("no stakeholder " + std::to_string(stakeholder_id));
  }
  if (auto other = stakeholder_of(wallet); other && *other != stakeholder_id) {
    throw RecordError("wallet " + wallet.checksum_hex() + " belongs to stakeholder " +
                      std::to_string(*other));
  }
  db_.exec(
      "INSERT INTO stakeholder_wallets (wallet, stakeholder_id, identity) VALUES (?, ?, ?) "
      "ON CONFLICT (wallet) DO UPDATE SET identity = excluded.identity",
      {wallet.lower_hex(), stakeholder_id, identity ? identity->lower_hex() : std::string()});
  audit(actor, "link-wallet", stakeholder_id, wallet.lower_hex());
  tx.commit();
}

std::optional<int64_t> InvestorRecords::stakeholder_of(const Address& wallet) {
  const auto row = db_.query_one("SELECT stakeholder_id FROM stakeholder_wallets WHERE wallet = ?",
                                 {wallet.lower_hex()});
  if (!row) return std::nullopt;
  return row->i64(0);
}

std::map<std::string, HolderProfile> InvestorRecords::profiles(
    const std::vector<std::string>& wallets, const std::string& actor, const std::string& purpose) {
  std::map<std::string, HolderProfile> out;
  DbTransaction tx(db_);
  for (const std::string& w : wallets) {
    const auto row = db_.query_one(
        "SELECT s.id, s.kind, s.legal_name, s.tax_residency, s.accreditation_basis, "
        "s.accreditation_expiry "
        "FROM stakeholder_wallets w JOIN stakeholders s ON s.id = w.stakeholder_id "
        "WHERE w.wallet = ?",
        {w});
    if (!row) continue;
    out[w] = HolderProfile{row->i64(0),  row->text(1), row->text(2),
                           row->text(3), row->text(4), row->text(5)};
  }
  audit(actor, "read-profiles", std::nullopt,
        purpose + ": " + std::to_string(out.size()) + " records");
  tx.commit();
  return out;
}

std::vector<AuditEntry> InvestorRecords::audit_log() {
  std::vector<AuditEntry> out;
  for (const DbRow& r : db_.query(
           "SELECT id, at, actor, action, stakeholder_id, detail FROM audit_log ORDER BY id", {})) {
    AuditEntry e;
    e.id = r.i64(0);
    e.at = r.text(1);
    e.actor = r.text(2);
    e.action = r.text(3);
    if (!r.is_null(4)) e.stakeholder_id = r.i64(4);
    e.detail = r.text(5);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace stoa::ta
