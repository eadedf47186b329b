// Documents and data rooms (include/stoa/ta/documents.h).
#include "stoa/ta/documents.h"

#include <algorithm>
#include <ctime>

#include "stoa/abi/abi.h"
#include "stoa/common/keccak.h"
#include "stoa/ta/access.h"
#include "stoa/ta/investors.h"

namespace stoa::ta {
namespace {

std::string utc_now_text() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Document document_of(const DbRow& r) {
  Document d;
  d.id = r.i64(0);
  d.name = r.text(1);
  d.security = r.text(2);
  d.media_type = r.text(3);
  d.sha256 = r.text(4);
  d.size = r.i64(5);
  d.uploaded_at = r.text(6);
  d.uploaded_by = r.text(7);
  d.registry_tx = r.opt_text(8);
  return d;
}

constexpr const char* kDocumentColumns =
    "id, name, security, media_type, sha256, size, uploaded_at, uploaded_by, registry_tx";

bool valid_grantee(const std::string& g) {
  if (g.starts_with("apikey:")) return g.size() == 7 + 16;
  const auto a = Address::parse(g);
  return a && a->lower_hex() == g;
}

}  // namespace

Documents::Documents(Db& db, std::function<int64_t()> now) : db_(db), now_(std::move(now)) {
  if (!now_) now_ = [] { return static_cast<int64_t>(std::time(nullptr)); };
}

void Documents::audit(const std::string& actor, const std::string& action,
                      const std::string& detail) {
  db_.exec(
      "INSERT INTO audit_log (at, actor, action, stakeholder_id, detail) VALUES (?, ?, ?, ?, ?)",
      {utc_now_text(), actor, action, DbValue(std::monostate{}), detail});
}

Document Documents::add(const std::string& name, const std::string& security,
                        const std::string& media_type, const Bytes& content,
                        const std::string& actor) {
  if (name.empty() || name.size() > 200) throw RecordError("a document needs a name (1-200 bytes)");
  if (!security.empty() && !valid_grantee(security)) {
    throw RecordError("the document's security: a lowercase token address");
  }
  if (media_type.empty() || media_type.find('/') == std::string::npos) {
    throw RecordError("a media type such as application/pdf");
  }
  if (content.size() > kMaxDocumentBytes) {
    throw RecordError("a document is at most " + std::to_string(kMaxDocumentBytes) + " bytes");
  }
  const std::string hash =
      "0x" +
      sha256_hex(std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
  DbTransaction tx(db_);
  const auto row = db_.query_one(
      "INSERT INTO documents (name, security, media_type, sha256, size, content, uploaded_at, "
      "uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {name, security, media_type, hash, static_cast<int64_t>(content.size()), content,
       utc_now_text(), actor});
  const int64_t id = row->i64(0);
  audit(actor, "document-add", std::to_string(id) + " " + hash + " " + name);
  tx.commit();
  return *find(id);
}

std::optional<Document> Documents::find(int64_t id) {
  const auto row = db_.query_one(
      std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return document_of(*row);
}

std::vector<Document> Documents::list(const std::string& security) {
  std::vector<Document> out;
  const std::string sql = std::string("SELECT ") + kDocumentColumns + " FROM documents" +
                          (security.empty() ? "" : " WHERE security = ?") + " ORDER BY id";
  for (const DbRow& r :
       db_.query(sql, security.empty() ? std::vector<DbValue>{} : std::vector<DbValue>{security}))
    out.push_back(document_of(r));
  return out;
}

int64_t Documents::grant(int64_t document, const std::string& grantee,
                         const std::string& permission, std::optional<int64_t> expires_at,
                         const std::string& actor) {
  if (!find(document)) throw RecordError("no document " + std::to_string(document));
  if (!valid_grantee(grantee)) {
    throw RecordError("a grantee is a lowercase wallet address or apikey:KEYID");
  }
  if (permission != "view" && permission != "download") {
    throw RecordError("a permission is view or download");
  }
  if (expires_at && *expires_at <= now_()) throw RecordError("the expiry is in the past");
  DbTransaction tx(db_);
  const auto row = db_.query_one(
      "INSERT INTO document_grants (document_id, grantee, permission, expires_at, granted_at, "
      "granted_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {document, grantee, permission, expires_at ? DbValue(*expires_at) : DbValue(std::monostate{}),
       utc_now_text(), actor});
  const int64_t id = row->i64(0);
  audit(actor, "document-grant",
        std::to_string(document) + " grant " + std::to_string(id) + " " + permission + " to " +
            grantee + (expires_at ? " until " + std::to_string(*expires_at) : ""));
  tx.commit();
  return id;
}

void Documents::revoke(int64_t grant, const std::string& actor) {
  DbTransaction tx(db_);
  const auto row =
      db_.query_one("SELECT document_id, revoked_at FROM document_grants WHERE id = ?", {grant});
  if (!row) throw RecordError("no grant " + std::to_string(grant));
  if (!row->is_null(1)) throw RecordError("grant " + std::to_string(grant) + " is already revoked");
  db_.exec("UPDATE document_grants SET revoked_at = ? WHERE id = ?", {utc_now_text(), grant});
  audit(actor, "document-revoke", std::to_string(row->i64(0)) + " grant " + std::to_string(grant));
  tx.commit();
}

std::vector<DocumentGrant> Documents::grants(int64_t document) {
  std::vector<DocumentGrant> out;
  for (const DbRow& r :
       db_.query("SELECT id, document_id, grantee, permission, expires_at, granted_at, granted_by, "
                 "revoked_at FROM document_grants WHERE document_id = ? ORDER BY id",
                 {document})) {
    DocumentGrant g;
    g.id = r.i64(0);
    g.document_id = r.i64(1);
    g.grantee = r.text(2);
    g.permission = r.text(3);
    if (!r.is_null(4)) g.expires_at = r.i64(4);
    g.granted_at = r.text(5);
    g.granted_by = r.text(6);
    g.revoked_at = r.opt_text(7);
    out.push_back(std::move(g));
  }
  return out;
}

bool Documents::granted(int64_t document, const std::vector<std::string>& names,
                        const std::string& permission) {
  const int64_t now = now_();
  for (const DocumentGrant& g : grants(document)) {
    if (g.revoked_at || (g.expires_at && *g.expires_at <= now)) continue;
    if (std::find(names.begin(), names.end(), g.grantee) == names.end()) continue;
    if (g.permission == "download" || permission == "view") return true;
  }
  return false;
}

Document Documents::read_metadata(int64_t id, const std::string& actor,
                                  const std::vector<std::string>& names, bool manager) {
  const auto d = find(id);
  const bool ok = d && (manager || granted(id, names, "view"));
  audit(actor, ok ? "document-view" : "document-refused", std::to_string(id) + " metadata");
  if (!d) throw AccessDenied(404, "no document " + std::to_string(id));
  if (!ok) throw AccessDenied(403, "no view grant on document " + std::to_string(id));
  return *d;
}

Bytes Documents::read_content(int64_t id, const std::string& actor,
                              const std::vector<std::string>& names, bool manager, Document* meta) {
  const auto d = find(id);
  const bool ok = d && (manager || granted(id, names, "download"));
  audit(actor, ok ? "document-download" : "document-refused", std::to_string(id) + " content");
  if (!d) throw AccessDenied(404, "no document " + std::to_string(id));
  if (!ok) throw AccessDenied(403, "no download grant on document " + std::to_string(id));
  if (meta != nullptr) *meta = *d;
  return db_.query_one("SELECT content FROM documents WHERE id = ?", {id})->blob(0);
}

void Documents::record_registry_tx(int64_t id, const std::string& tx_hash,
                                   const std::string& actor) {
  const auto h = Bytes32::from_hex(tx_hash);
  if (!h || !tx_hash.starts_with("0x")) throw RecordError("a transaction hash: 0x + 64 hex digits");
  if (!find(id)) throw RecordError("no document " + std::to_string(id));
  DbTransaction tx(db_);
  db_.exec("UPDATE documents SET registry_tx = ? WHERE id = ?", {h->hex(), id});
  audit(actor, "document-registered", std::to_string(id) + " " + h->hex());
  tx.commit();
}

Bytes erc1643_set_document_call(const Document& d, const std::string& uri) {
  Bytes32 name;
  if (d.name.size() <= 32) {
    std::copy(d.name.begin(), d.name.end(), name.b.begin());
  } else {
    name = keccak256(std::string_view(d.name));
  }
  const auto hash = Bytes32::from_hex(d.sha256);
  const auto sig = abi::parse_signature("setDocument(bytes32,string,bytes32)");
  auto data = abi::encode_call(*sig, {abi::Value::bytes32(name), uri, abi::Value::bytes32(*hash)});
  return std::get<Bytes>(data);
}

}  // namespace stoa::ta
