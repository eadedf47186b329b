// A security's documents (ERC-1643; docs/documents.md): served by the token itself at the
// standard's signatures, with every version kept and readable, and a view of the documents its
// offering preset needs that are not on file.
#include "stoa/core/abi_registry.h"
#include "stoa/core/presets.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {

Status SecurityToken::set_document(CallContext& ctx, const Bytes32& name, const std::string& uri,
                                   const Bytes32& hash) {
  STOA_TRY(access_.require(roles::document_admin(), ctx.sender));
  if (name.is_zero()) return make_revert(ErrorId::kDocumentNameRequired);
  if (uri.empty() || uri.size() > kMaxDocumentUriBytes) {
    return make_revert(ErrorId::kDocumentUriRequired);
  }
  DocumentHead head = documents_.get(name);
  if (head.versions == 0 && documents_.size() >= kMaxDocumentNames) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("document names"), U256(kMaxDocumentNames)});
  }
  if (head.versions >= kMaxDocumentVersions) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("document versions"), U256(kMaxDocumentVersions)});
  }
  document_versions_.set(DocumentKey{name, head.versions},
                         DocumentVersion{uri, hash, ctx.block.timestamp, false});
  head.versions += 1;
  head.live = true;
  documents_.set(name, head);
  emit(ctx, "DocumentUpdated", {abi::Value::bytes32(name), uri, abi::Value::bytes32(hash)});
  return Status::Ok();
}

// A removal is a version too: the name's history stays readable (getDocumentVersion).
Status SecurityToken::remove_document(CallContext& ctx, const Bytes32& name) {
  STOA_TRY(access_.require(roles::document_admin(), ctx.sender));
  DocumentHead head = documents_.get(name);
  if (!head.live) return make_revert(ErrorId::kDocumentNotFound, {abi::Value::bytes32(name)});
  if (head.versions >= kMaxDocumentVersions) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("document versions"), U256(kMaxDocumentVersions)});
  }
  const DocumentVersion last = document_versions_.get(DocumentKey{name, head.versions - 1});
  document_versions_.set(DocumentKey{name, head.versions},
                         DocumentVersion{last.uri, last.hash, ctx.block.timestamp, true});
  head.versions += 1;
  head.live = false;
  documents_.set(name, head);
  emit(ctx, "DocumentRemoved",
       {abi::Value::bytes32(name), last.uri, abi::Value::bytes32(last.hash)});
  return Status::Ok();
}

std::tuple<std::string, Bytes32, U256> SecurityToken::get_document(const Bytes32& name) const {
  const DocumentHead head = documents_.get(name);
  if (!head.live) return {std::string(), Bytes32{}, U256(0)};
  const DocumentVersion v = document_versions_.get(DocumentKey{name, head.versions - 1});
  return {v.uri, v.hash, U256(v.timestamp)};
}

std::vector<Bytes32> SecurityToken::all_documents() const {
  std::vector<Bytes32> out;
  for (const Bytes32& name : documents_.sorted_keys()) {
    if (documents_.get(name).live) out.push_back(name);
  }
  return out;
}

Result<DocumentVersion> SecurityToken::document_version(const Bytes32& name, uint64_t index) const {
  const DocumentHead head = documents_.get(name);
  if (index >= head.versions) {
    return make_revert(ErrorId::kDocumentNotFound, {abi::Value::bytes32(name)});
  }
  return document_versions_.get(DocumentKey{name, index});
}

std::vector<Bytes32> SecurityToken::missing_documents() const {
  std::vector<Bytes32> out;
  for (std::string_view label : required_documents(config().preset)) {
    const Bytes32 name = document_name(label);
    if (!documents_.get(name).live) out.push_back(name);
  }
  return out;
}

namespace {
std::string missing_message(const SecurityToken& t, const std::vector<Bytes32>& missing) {
  const PresetRules* p = find_preset(t.config().preset);
  const std::string offering = p == nullptr ? std::string("the offering") : std::string(p->name);
  if (missing.empty()) return "every document " + offering + " needs is on file";
  std::string s = offering + " needs, not on file: ";
  for (size_t i = 0; i < missing.size(); ++i)
    s += (i ? ", " : "") + document_label(missing[i]);
  return s;
}
}  // namespace

std::vector<MethodSpec> document_methods() {
  AbiRegistry<SecurityToken> reg;
  reg.call<&SecurityToken::set_document>(
      "setDocument", {"_name", "_uri", "_documentHash"},
      "ERC-1643, DOCUMENT_ADMIN_ROLE: a new version of the named document (name non-zero, URI "
      "1-2,048 bytes); earlier versions stay readable (getDocumentVersion).");
  reg.view<&SecurityToken::get_document>(
      "getDocument", {"_name"}, {"", "", ""},
      "ERC-1643: the latest version's URI, hash and block time; empty values if the name has no "
      "live version.");
  reg.call<&SecurityToken::remove_document>(
      "removeDocument", {"_name"},
      "ERC-1643, DOCUMENT_ADMIN_ROLE: the document is no longer current; the removal is "
      "recorded as a version and the history stays readable.");
  reg.view<&SecurityToken::all_documents>("getAllDocuments", {},
                                          "ERC-1643: the names with a live version, ascending.");
  reg.view("documentVersionCount", {{"_name", "bytes32"}},
           "Versions of the name ever recorded (updates and removals).",
           [](SecurityToken& c, const Bytes32& name) -> U256 {
             return U256(c.document_version_count(name));
           });
  reg.view("getDocumentVersion", {"_name", "index"},
           {"uri", "documentHash", "timestamp", "removed"},
           "One version of a document, 0 the first: a removal carries the URI and hash it "
           "removed.",
           [](SecurityToken& c, const Bytes32& name,
              const U256& index) -> Result<std::tuple<std::string, Bytes32, U256, bool>> {
             const uint64_t i = index.fits_u64() ? index.low64() : ~uint64_t{0};
             Result<DocumentVersion> v = c.document_version(name, i);
             if (!v.ok()) return v.take_revert();
             return std::tuple<std::string, Bytes32, U256, bool>{
                 v.value().uri, v.value().hash, U256(v.value().timestamp), v.value().removed};
           });
  reg.view(
      "explainDocuments", {}, {{"required", "bytes32[]"}, {"missing", "bytes32[]"}, "message"},
      "The documents the security's offering preset needs (docs/documents.md) and those "
      "not on file, with a readable line.",
      [](SecurityToken& c) -> std::tuple<std::vector<Bytes32>, std::vector<Bytes32>, std::string> {
        std::vector<Bytes32> required;
        for (std::string_view label : required_documents(c.config().preset))
          required.push_back(document_name(label));
        std::vector<Bytes32> missing = c.missing_documents();
        std::string message = missing_message(c, missing);
        return {required, missing, message};
      });
  return reg.take();
}

std::vector<EventSpec> document_events() {
  return {
      {"DocumentUpdated",
       {{"_name", "bytes32", true}, {"_uri", "string"}, {"_documentHash", "bytes32"}},
       "ERC-1643."},
      {"DocumentRemoved",
       {{"_name", "bytes32", true}, {"_uri", "string"}, {"_documentHash", "bytes32"}},
       "ERC-1643: the URI and hash of the version removed."},
  };
}

// Documents and the conversion state: encoded only when any holds anything (the eligibility
// byte's 0x20 bit, security_token.cc), so securities that never used them encode as before.
bool SecurityToken::corporate_empty() const {
  return documents_.size() == 0 && document_versions_.size() == 0 &&
         conversion_.get() == Conversion{} && !retired_.get();
}

void SecurityToken::encode_corporate(StateEncoder& enc) const {
  documents_.encode_content(enc);
  document_versions_.encode_content(enc);
  conversion_.encode_content(enc);
  retired_.encode_content(enc);
}

void SecurityToken::decode_corporate(StateDecoder& dec) {
  for (uint64_t n = dec.count(32 + 9); n > 0 && dec.ok(); --n) {
    const Bytes32 k = dec.b32();
    DocumentHead h;
    state_get(dec, h);
    documents_.set(k, h);
  }
  for (uint64_t n = dec.count(40 + 8 + 32 + 9); n > 0 && dec.ok(); --n) {
    DocumentKey k;
    state_get(dec, k);
    DocumentVersion v;
    state_get(dec, v);
    document_versions_.set(k, v);
  }
  Conversion c;
  state_get(dec, c);
  conversion_.set(c);
  retired_.set(dec.boolean());
}

void SecurityToken::describe_corporate(std::vector<FieldInfo>& out) const {
  out.push_back(FieldInfo{"documents", &documents_, false});
  out.push_back(FieldInfo{"document_versions", &document_versions_, false});
  out.push_back(FieldInfo{"conversion", &conversion_, false});
  out.push_back(FieldInfo{"retired", &retired_, false});
}

}  // namespace stoa::core
