// Investor records, off the ledger (docs/transfer-agent.md, "Investor records"): stakeholders
// (individuals, entities, trusts) with their legal name, addresses, tax id and type, tax
// residency, accreditation basis and expiry and contacts, linked to the wallets (and identities)
// they hold through. Tax ids are encrypted at rest with AES-256-GCM under a key from a file
// (--ta-key FILE), bound to their row; they are never logged. Every read of personal data writes
// a row to the audit log (who, when, what) in the same transaction as the read.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/ta/db.h"

namespace stoa::ta {

// Bad input to the records (a clear message; nothing written).
struct RecordError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The AES-256-GCM key of the tax ids.
class TaxIdKey {
 public:
  // A file holding 64 hex digits (surrounding whitespace ignored) or exactly 32 raw bytes.
  // Errors name the file, never its content.
  static TaxIdKey from_file(const std::string& path);
  static TaxIdKey from_bytes(const std::array<uint8_t, 32>& k) { return TaxIdKey(k); }
  // 0x01 || 12-byte random nonce || ciphertext || 16-byte tag; `aad` binds it to its row.
  Bytes seal(const std::string& plaintext, const std::string& aad) const;
  // Throws RecordError if the tag does not verify (wrong key, tampered, another row's).
  std::string open(const Bytes& sealed, const std::string& aad) const;

 private:
  explicit TaxIdKey(const std::array<uint8_t, 32>& k) : key_(k) {}
  std::array<uint8_t, 32> key_{};
};

struct Stakeholder {
  int64_t id = 0;
  std::string kind;  // "individual", "entity" or "trust"
  std::string legal_name;
  std::vector<std::string> addresses;           // postal addresses, one string each
  std::string tax_id;                           // in memory only; encrypted in the database
  std::string tax_id_type;                      // e.g. SSN, EIN, ITIN, foreign TIN
  std::string tax_residency;                    // ISO 3166-1 alpha-2 ("US"), or ""
  std::string accreditation_basis;              // e.g. "income", "net worth", "entity"; "" = none
  std::string accreditation_expiry;             // YYYY-MM-DD, or "" (no expiry)
  std::map<std::string, std::string> contacts;  // e.g. email, phone
};

// What the cap table needs of a holder (reading it is audited).
struct HolderProfile {
  int64_t stakeholder_id = 0;
  std::string kind;
  std::string legal_name;
  std::string tax_residency;
  std::string accreditation_basis;
  std::string accreditation_expiry;
  // Accredited on `date` (YYYY-MM-DD): a basis, and no expiry or an expiry on or after it.
  bool accredited_on(const std::string& date) const;
};

struct AuditEntry {
  int64_t id = 0;
  std::string at;  // UTC, ISO 8601
  std::string actor;
  std::string action;
  std::optional<int64_t> stakeholder_id;
  std::string detail;
};

class InvestorRecords {
 public:
  // The database must be migrated (schema.h). Without a key, records with a tax id can be
  // neither added nor read whole (profiles() needs none).
  InvestorRecords(Db& db, std::optional<TaxIdKey> key) : db_(db), key_(key) {}

  // Validates and stores a stakeholder; returns its id. Audited ("create").
  int64_t add(const Stakeholder& s, const std::string& actor);
  // The whole record, tax id decrypted; nullopt if unknown. Audited ("read"), found or not.
  std::optional<Stakeholder> read(int64_t id, const std::string& actor);
  // Links a wallet (and its identity, if any) to a stakeholder; a wallet has one stakeholder.
  void link_wallet(int64_t stakeholder_id, const Address& wallet,
                   const std::optional<Address>& identity, const std::string& actor);
  // The stakeholder a wallet belongs to (no personal data: not audited).
  std::optional<int64_t> stakeholder_of(const Address& wallet);
  // The profiles of the wallets that have a stakeholder, by wallet (lowercase hex). Audited once
  // ("read-profiles", with `purpose` and the number of records read).
  std::map<std::string, HolderProfile> profiles(const std::vector<std::string>& wallets,
                                                const std::string& actor,
                                                const std::string& purpose);
  std::vector<AuditEntry> audit_log();

 private:
  void audit(const std::string& actor, const std::string& action,
             std::optional<int64_t> stakeholder, const std::string& detail);
  const TaxIdKey& key() const;
  Db& db_;
  std::optional<TaxIdKey> key_;
};

// "YYYY-MM-DD" with a real calendar date.
bool is_iso_date(const std::string& s);

}  // namespace stoa::ta
