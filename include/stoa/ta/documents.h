// Documents and data rooms (docs/transfer-agent.md, "Documents and data rooms"): files kept off
// the ledger, in the transfer agent's database, each with its SHA-256; access grants to a wallet
// (a SIWE session's address) or an API key: `view` (the metadata and the hash) or `download` (the
// content too), with an optional expiry, revocable. Every read goes through the grants (or the
// documents permission of access.h) and is written to the audit log, allowed or refused.
//
// ERC-1643: the hash is meant to be registered on chain in the security's DocumentRegistry
// (setDocument(bytes32 name, string uri, bytes32 documentHash)) once that contract exists (issue
// 16). The hook: erc1643_set_document_call() gives the call's data to send (e.g. `stoa call`),
// and record_registry_tx() records the transaction that registered it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stoa/common/bytes.h"
#include "stoa/ta/db.h"

namespace stoa::ta {

inline constexpr size_t kMaxDocumentBytes = 6 * 1024 * 1024;  // base64 in an 8 MiB REST body

struct Document {
  int64_t id = 0;
  std::string name;
  std::string security;  // lowercase token address, or "" (not about one security)
  std::string media_type;
  std::string sha256;  // 0x + 64 hex digits
  int64_t size = 0;
  std::string uploaded_at, uploaded_by;
  std::optional<std::string> registry_tx;  // the ERC-1643 registration's transaction, once sent
};

struct DocumentGrant {
  int64_t id = 0;
  int64_t document_id = 0;
  std::string grantee;                // a lowercase wallet address, or "apikey:KEYID"
  std::string permission;             // "view" or "download" (download includes view)
  std::optional<int64_t> expires_at;  // seconds since the epoch; none: until revoked
  std::string granted_at, granted_by;
  std::optional<std::string> revoked_at;
};

class Documents {
 public:
  // `now`: seconds since the epoch (expiry of grants); default the system clock.
  explicit Documents(Db& db, std::function<int64_t()> now = {});

  // Stores a file; returns its record. Bad input throws RecordError. Audited.
  Document add(const std::string& name, const std::string& security, const std::string& media_type,
               const Bytes& content, const std::string& actor);
  std::optional<Document> find(int64_t id);
  std::vector<Document> list(const std::string& security = "");  // "" = every document
  // Grants `permission` on a document to `grantee`; returns the grant's id. Audited.
  int64_t grant(int64_t document, const std::string& grantee, const std::string& permission,
                std::optional<int64_t> expires_at, const std::string& actor);
  void revoke(int64_t grant, const std::string& actor);  // audited
  std::vector<DocumentGrant> grants(int64_t document);
  // Whether one of `names` (a principal's: its address, its key) holds a live grant of at
  // least `permission` (download includes view).
  bool granted(int64_t document, const std::vector<std::string>& names,
               const std::string& permission);

  // The reads, enforced and audited: `manager` is true for a principal with the documents
  // permission on the document's security (it needs no grant). Throws AccessDenied (403; 404
  // for an unknown document).
  Document read_metadata(int64_t id, const std::string& actor,
                         const std::vector<std::string>& names, bool manager);
  Bytes read_content(int64_t id, const std::string& actor, const std::vector<std::string>& names,
                     bool manager, Document* meta = nullptr);

  void record_registry_tx(int64_t id, const std::string& tx_hash, const std::string& actor);

 private:
  void audit(const std::string& actor, const std::string& action, const std::string& detail);
  Db& db_;
  std::function<int64_t()> now_;
};

// The ERC-1643 setDocument(bytes32 name, string uri, bytes32 documentHash) call data for a
// document: the name as bytes32 (its UTF-8 bytes, right-padded; keccak256 of it if longer
// than 32 bytes), the URI given, the SHA-256 as documentHash.
Bytes erc1643_set_document_call(const Document& d, const std::string& uri);

}  // namespace stoa::ta
