// Signed Ethereum transactions: strict decoding, signing hashes, encoding and signing.
//
// Order of the checks (the order of TxError): size; the envelope's RLP (the rlp layer's strict
// canonical decoder over the whole input, so trailing bytes are refused); the envelope type; the
// field count; each field's shape (integers canonical and within width, `to` empty or 20 bytes,
// access list shape); chain id (legacy: v = 27/28 has none); the signature; then the rules of a
// ledger without an EVM or a native coin (no contract creation, zero value) and the shape of the
// gas fields. A leading zero in an integer field is non-canonical RLP (kMalformedRlp); an
// integer wider than its field is kBadField.
#include "stoa/chain/transaction.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "stoa/common/keccak.h"
#include "stoa/crypto/rlp.h"

namespace stoa::chain {
namespace {

constexpr size_t kLegacyFieldCount = 9;
constexpr size_t kAccessListFieldCount = 11;
constexpr size_t kDynamicFeeFieldCount = 12;

struct Failure {
  TxError error;
  std::string detail;
};

void set_detail(std::string* out, std::string text) {
  if (out != nullptr) *out = std::move(text);
}

Bytes encode_to(const std::optional<Address>& to) {
  if (!to.has_value()) return rlp::encode_bytes(BytesView{});
  return rlp::encode_bytes(to->view());
}

Bytes encode_access_list(const std::vector<AccessListEntry>& list) {
  std::vector<Bytes> entries;
  entries.reserve(list.size());
  for (const AccessListEntry& e : list) {
    std::vector<Bytes> keys;
    keys.reserve(e.storage_keys.size());
    for (const Bytes32& k : e.storage_keys)
      keys.push_back(rlp::encode_bytes(k.view()));
    entries.push_back(
        rlp::encode_list({rlp::encode_bytes(e.address.view()), rlp::encode_list(keys)}));
  }
  return rlp::encode_list(entries);
}

// The unsigned fields of a typed transaction, in envelope order.
std::vector<Bytes> typed_fields(const Transaction& tx) {
  std::vector<Bytes> f;
  f.push_back(rlp::encode_uint(U256(tx.chain_id)));
  f.push_back(rlp::encode_uint(U256(tx.nonce)));
  if (tx.type == TxType::kDynamicFee) {
    f.push_back(rlp::encode_uint(tx.max_priority_fee_per_gas));
    f.push_back(rlp::encode_uint(tx.max_fee_per_gas));
  } else {
    f.push_back(rlp::encode_uint(tx.gas_price));
  }
  f.push_back(rlp::encode_uint(U256(tx.gas_limit)));
  f.push_back(encode_to(tx.to));
  f.push_back(rlp::encode_uint(tx.value));
  f.push_back(rlp::encode_bytes(tx.data));
  f.push_back(encode_access_list(tx.access_list));
  return f;
}

std::vector<Bytes> legacy_fields(const Transaction& tx) {
  return {rlp::encode_uint(U256(tx.nonce)),     rlp::encode_uint(tx.gas_price),
          rlp::encode_uint(U256(tx.gas_limit)), encode_to(tx.to),
          rlp::encode_uint(tx.value),           rlp::encode_bytes(tx.data)};
}

Bytes with_type(TxType type, const Bytes& payload) {
  Bytes out;
  out.reserve(payload.size() + 1);
  out.push_back(static_cast<uint8_t>(type));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// EIP-155's v: chainId * 2 + 35 + recovery id (computed in 256 bits: chainId is 64-bit).
U256 legacy_v(uint64_t chain_id, uint8_t recovery_id) {
  const U256 doubled = *U256(chain_id).checked_mul(U256(2));
  return *doubled.checked_add(U256(35u + recovery_id));
}

// Maps an rlp integer error to the transaction error: a leading zero is non-canonical RLP, an
// integer wider than its field is a bad field.
Failure int_failure(rlp::Error e, std::string_view field) {
  std::string detail = std::string(field) + ": " + std::string(rlp::to_string(e));
  if (e == rlp::Error::kLeadingZeroInteger) return {TxError::kMalformedRlp, std::move(detail)};
  if (e == rlp::Error::kNotAString) return {TxError::kBadField, std::string(field) + ": a list"};
  return {TxError::kBadField, std::move(detail)};
}

bool read_u64(const rlp::Item& item, std::string_view field, uint64_t& out,
              std::optional<Failure>& fail) {
  auto v = rlp::to_u64(item);
  if (auto* e = std::get_if<rlp::Error>(&v)) {
    fail = int_failure(*e, field);
    return false;
  }
  out = std::get<uint64_t>(v);
  return true;
}

bool read_u256(const rlp::Item& item, std::string_view field, U256& out,
               std::optional<Failure>& fail) {
  auto v = rlp::to_uint(item);
  if (auto* e = std::get_if<rlp::Error>(&v)) {
    fail = int_failure(*e, field);
    return false;
  }
  out = std::get<U256>(v);
  return true;
}

bool read_to(const rlp::Item& item, std::optional<Address>& out, std::optional<Failure>& fail) {
  if (item.is_list) {
    fail = Failure{TxError::kBadField, "to: a list"};
    return false;
  }
  if (item.bytes.empty()) {
    out.reset();
    return true;
  }
  if (item.bytes.size() != 20) {
    fail = Failure{TxError::kBadField,
                   "to: " + std::to_string(item.bytes.size()) + " bytes, an address has 20"};
    return false;
  }
  out = Address::from_view(item.bytes);
  return true;
}

bool read_data(const rlp::Item& item, Bytes& out, std::optional<Failure>& fail) {
  if (item.is_list) {
    fail = Failure{TxError::kBadField, "data: a list"};
    return false;
  }
  out = item.bytes;
  return true;
}

bool read_access_list(const rlp::Item& item, std::vector<AccessListEntry>& out,
                      std::optional<Failure>& fail) {
  if (!item.is_list) {
    fail = Failure{TxError::kBadField, "accessList: not a list"};
    return false;
  }
  if (item.items.size() > kMaxAccessListEntries) {
    fail = Failure{TxError::kBadField, "accessList: " + std::to_string(item.items.size()) +
                                           " entries, at most " +
                                           std::to_string(kMaxAccessListEntries)};
    return false;
  }
  out.clear();
  out.reserve(item.items.size());
  for (const rlp::Item& entry : item.items) {
    if (!entry.is_list || entry.items.size() != 2) {
      fail = Failure{TxError::kBadField, "accessList: an entry is not [address, storageKeys]"};
      return false;
    }
    const rlp::Item& a = entry.items[0];
    const rlp::Item& keys = entry.items[1];
    if (a.is_list || a.bytes.size() != 20) {
      fail = Failure{TxError::kBadField, "accessList: an address is not 20 bytes"};
      return false;
    }
    if (!keys.is_list) {
      fail = Failure{TxError::kBadField, "accessList: storageKeys is not a list"};
      return false;
    }
    AccessListEntry e;
    e.address = Address::from_view(a.bytes);
    e.storage_keys.reserve(keys.items.size());
    for (const rlp::Item& k : keys.items) {
      if (k.is_list || k.bytes.size() != 32) {
        fail = Failure{TxError::kBadField, "accessList: a storage key is not 32 bytes"};
        return false;
      }
      e.storage_keys.push_back(Bytes32::from_view(k.bytes));
    }
    out.push_back(std::move(e));
  }
  return true;
}

// r and s: integers of at most 32 bytes (range checks against n are the recovery's).
bool read_rs(const rlp::Item& r_item, const rlp::Item& s_item, crypto::Signature& sig,
             std::optional<Failure>& fail) {
  U256 r;
  U256 s;
  if (!read_u256(r_item, "r", r, fail) || !read_u256(s_item, "s", s, fail)) return false;
  sig.r = r.to_bytes32();
  sig.s = s.to_bytes32();
  return true;
}

struct Parsed {
  Transaction tx;
  crypto::Signature sig;
  // Legacy only: v as read (chain id derived from it after the field checks).
  U256 legacy_v;
  uint64_t y_parity = 0;
};

bool parse_legacy(const rlp::Item& list, Parsed& p, std::optional<Failure>& fail) {
  const auto& f = list.items;
  Transaction& tx = p.tx;
  tx.type = TxType::kLegacy;
  return read_u64(f[0], "nonce", tx.nonce, fail) &&
         read_u256(f[1], "gasPrice", tx.gas_price, fail) &&
         read_u64(f[2], "gasLimit", tx.gas_limit, fail) && read_to(f[3], tx.to, fail) &&
         read_u256(f[4], "value", tx.value, fail) && read_data(f[5], tx.data, fail) &&
         read_u256(f[6], "v", p.legacy_v, fail) && read_rs(f[7], f[8], p.sig, fail);
}

bool parse_typed(TxType type, const rlp::Item& list, Parsed& p, std::optional<Failure>& fail) {
  const auto& f = list.items;
  Transaction& tx = p.tx;
  tx.type = type;
  size_t i = 0;
  if (!read_u64(f[i++], "chainId", tx.chain_id, fail)) return false;
  if (!read_u64(f[i++], "nonce", tx.nonce, fail)) return false;
  if (type == TxType::kDynamicFee) {
    if (!read_u256(f[i++], "maxPriorityFeePerGas", tx.max_priority_fee_per_gas, fail)) return false;
    if (!read_u256(f[i++], "maxFeePerGas", tx.max_fee_per_gas, fail)) return false;
  } else {
    if (!read_u256(f[i++], "gasPrice", tx.gas_price, fail)) return false;
  }
  if (!read_u64(f[i++], "gasLimit", tx.gas_limit, fail)) return false;
  if (!read_to(f[i++], tx.to, fail)) return false;
  if (!read_u256(f[i++], "value", tx.value, fail)) return false;
  if (!read_data(f[i++], tx.data, fail)) return false;
  if (!read_access_list(f[i++], tx.access_list, fail)) return false;
  if (!read_u64(f[i++], "yParity", p.y_parity, fail)) return false;
  return read_rs(f[i], f[i + 1], p.sig, fail);
}

std::variant<SignedTransaction, Failure> decode(BytesView raw, uint64_t chain_id,
                                                const Address* known_sender) {
  if (raw.size() > kMaxRawTransactionBytes) {
    return Failure{TxError::kTooLarge, std::to_string(raw.size()) + " bytes, at most " +
                                           std::to_string(kMaxRawTransactionBytes)};
  }
  if (raw.empty()) return Failure{TxError::kMalformedRlp, "empty transaction"};

  // A list (first byte >= 0xc0) is a legacy transaction; a first byte below 0x80 is the type of
  // an EIP-2718 envelope; anything else is an RLP string, which no transaction is.
  const bool typed = raw[0] < 0x80;
  const BytesView payload = typed ? raw.subspan(1) : raw;
  auto decoded = rlp::decode(payload);
  if (auto* e = std::get_if<rlp::Error>(&decoded)) {
    return Failure{TxError::kMalformedRlp, "rlp: " + std::string(rlp::to_string(*e))};
  }
  const rlp::Item& list = std::get<rlp::Item>(decoded);
  TxType type = TxType::kLegacy;
  if (typed) {
    if (raw[0] != 0x01 && raw[0] != 0x02) {
      return Failure{TxError::kUnsupportedType,
                     "transaction type 0x" + to_hex(raw.first(1)) +
                         " is not supported (0x01, 0x02 and legacy are)"};
    }
    type = raw[0] == 0x01 ? TxType::kAccessList : TxType::kDynamicFee;
  }
  if (!list.is_list) return Failure{TxError::kMalformedRlp, "rlp: not a list"};
  const size_t expected = type == TxType::kLegacy       ? kLegacyFieldCount
                          : type == TxType::kAccessList ? kAccessListFieldCount
                                                        : kDynamicFeeFieldCount;
  if (list.items.size() != expected) {
    return Failure{TxError::kWrongFieldCount, std::to_string(list.items.size()) +
                                                  " fields, expected " + std::to_string(expected)};
  }

  Parsed p;
  std::optional<Failure> fail;
  const bool ok =
      type == TxType::kLegacy ? parse_legacy(list, p, fail) : parse_typed(type, list, p, fail);
  if (!ok) return std::move(*fail);

  if (type == TxType::kLegacy) {
    const U256& v = p.legacy_v;
    if (v == U256(27) || v == U256(28)) {
      return Failure{TxError::kMissingChainId,
                     "legacy transaction without EIP-155 chain id (v = " + v.to_dec() +
                         "): it could be replayed on any chain"};
    }
    if (v < U256(35)) {
      return Failure{TxError::kInvalidSignature,
                     "v = " + v.to_dec() + " is neither 27/28 nor EIP-155's"};
    }
    const U256 w = *v.checked_sub(U256(35));
    const U256 id = *w.checked_div(U256(2));
    if (!id.fits_u64()) return Failure{TxError::kBadField, "v: chain id wider than 64 bits"};
    p.tx.chain_id = id.low64();
    p.sig.recovery_id = static_cast<uint8_t>(w.low64() & 1);
  } else {
    if (p.y_parity > 1) {
      return Failure{TxError::kInvalidSignature,
                     "yParity = " + std::to_string(p.y_parity) + ", must be 0 or 1"};
    }
    p.sig.recovery_id = static_cast<uint8_t>(p.y_parity);
  }
  if (p.tx.chain_id != chain_id) {
    return Failure{TxError::kWrongChainId, "transaction signed for chain " +
                                               std::to_string(p.tx.chain_id) + ", this chain is " +
                                               std::to_string(chain_id)};
  }
  const std::optional<Address> sender = known_sender != nullptr
                                            ? std::optional<Address>(*known_sender)
                                            : crypto::recover_address(signing_hash(p.tx), p.sig);
  if (!sender.has_value()) {
    return Failure{TxError::kInvalidSignature,
                   "no signer recovered (r or s zero or out of range, s high, or bad recovery id)"};
  }
  if (!p.tx.to.has_value()) {
    return Failure{TxError::kContractCreation,
                   "contract creation is not supported: contracts are native, there is no EVM"};
  }
  if (!p.tx.value.is_zero()) {
    return Failure{
        TxError::kValueNotSupported,
        "value must be 0: the ledger has no native coin (value " + p.tx.value.to_dec() + ")"};
  }
  const uint64_t intrinsic = intrinsic_gas(p.tx.data);
  if (p.tx.gas_limit < intrinsic) {
    return Failure{TxError::kGasLimitTooLow, "gas limit " + std::to_string(p.tx.gas_limit) +
                                                 " is below the intrinsic gas " +
                                                 std::to_string(intrinsic)};
  }
  if (p.tx.gas_limit > std::max(kBlockGasLimit, kMeteredBlockGasLimit)) {
    return Failure{TxError::kGasLimitTooHigh,
                   "gas limit " + std::to_string(p.tx.gas_limit) +
                       " is above the block gas limit " +
                       std::to_string(std::max(kBlockGasLimit, kMeteredBlockGasLimit))};
  }
  if (p.tx.type == TxType::kDynamicFee && p.tx.max_fee_per_gas < p.tx.max_priority_fee_per_gas) {
    return Failure{TxError::kFeeCapBelowTip, "maxFeePerGas " + p.tx.max_fee_per_gas.to_dec() +
                                                 " is below maxPriorityFeePerGas " +
                                                 p.tx.max_priority_fee_per_gas.to_dec()};
  }
  SignedTransaction out;
  out.tx = std::move(p.tx);
  out.signature = p.sig;
  out.sender = *sender;
  out.hash = keccak256(raw);
  out.raw.assign(raw.begin(), raw.end());
  return out;
}

}  // namespace

std::string_view to_string(TxError e) {
  switch (e) {
    case TxError::kOk:
      return "ok";
    case TxError::kTooLarge:
      return "transaction too large";
    case TxError::kMalformedRlp:
      return "malformed RLP";
    case TxError::kUnsupportedType:
      return "unsupported transaction type";
    case TxError::kWrongFieldCount:
      return "wrong number of fields";
    case TxError::kBadField:
      return "malformed field";
    case TxError::kMissingChainId:
      return "missing chain id (EIP-155)";
    case TxError::kWrongChainId:
      return "wrong chain id";
    case TxError::kInvalidSignature:
      return "invalid signature";
    case TxError::kContractCreation:
      return "contract creation not supported";
    case TxError::kValueNotSupported:
      return "non-zero value not supported";
    case TxError::kGasLimitTooLow:
      return "intrinsic gas too low";
    case TxError::kGasLimitTooHigh:
      return "gas limit exceeds block gas limit";
    case TxError::kFeeCapBelowTip:
      return "max fee per gas less than max priority fee per gas";
  }
  return "unknown";
}

std::variant<SignedTransaction, TxError> decode_transaction(BytesView raw, uint64_t chain_id,
                                                            std::string* detail) {
  auto r = decode(raw, chain_id, nullptr);
  if (auto* f = std::get_if<Failure>(&r)) {
    set_detail(detail, std::move(f->detail));
    return f->error;
  }
  set_detail(detail, "");
  return std::move(std::get<SignedTransaction>(r));
}

std::variant<SignedTransaction, TxError> decode_transaction_with_sender(BytesView raw,
                                                                        uint64_t chain_id,
                                                                        const Address& sender,
                                                                        std::string* detail) {
  auto r = decode(raw, chain_id, &sender);
  if (auto* f = std::get_if<Failure>(&r)) {
    set_detail(detail, std::move(f->detail));
    return f->error;
  }
  set_detail(detail, "");
  return std::move(std::get<SignedTransaction>(r));
}

Bytes32 signing_hash(const Transaction& tx) {
  if (tx.type == TxType::kLegacy) {
    std::vector<Bytes> f = legacy_fields(tx);
    f.push_back(rlp::encode_uint(U256(tx.chain_id)));
    f.push_back(rlp::encode_uint(U256(0)));
    f.push_back(rlp::encode_uint(U256(0)));
    return keccak256(rlp::encode_list(f));
  }
  return keccak256(with_type(tx.type, rlp::encode_list(typed_fields(tx))));
}

Bytes encode_signed(const Transaction& tx, const crypto::Signature& sig) {
  const Bytes r = rlp::encode_uint(U256::from_bytes32(sig.r));
  const Bytes s = rlp::encode_uint(U256::from_bytes32(sig.s));
  if (tx.type == TxType::kLegacy) {
    std::vector<Bytes> f = legacy_fields(tx);
    f.push_back(rlp::encode_uint(legacy_v(tx.chain_id, sig.recovery_id)));
    f.push_back(r);
    f.push_back(s);
    return rlp::encode_list(f);
  }
  std::vector<Bytes> f = typed_fields(tx);
  f.push_back(rlp::encode_uint(U256(sig.recovery_id)));
  f.push_back(r);
  f.push_back(s);
  return with_type(tx.type, rlp::encode_list(f));
}

SignedTransaction sign_transaction(const Transaction& tx, const crypto::PrivateKey& key) {
  return sign_transaction(tx, key, key.address());
}

SignedTransaction sign_transaction(const Transaction& tx, const crypto::PrivateKey& key,
                                   const Address& sender) {
  SignedTransaction out;
  out.tx = tx;
  out.signature = crypto::sign(key, signing_hash(tx));
  out.sender = sender;
  out.raw = encode_signed(tx, out.signature);
  out.hash = keccak256(out.raw);
  return out;
}

uint64_t intrinsic_gas(BytesView data) {
  // Zero bytes counted eight at a time: a byte's high bit in `z` is set exactly when the byte is
  // zero (the low seven bits cannot carry into it; or-ing the byte clears it for 0x80..0xff);
  // the multiply sums the eight 0/1 bytes of z >> 7 into the top byte.
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  size_t zeros = 0;
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t w = 0;
    std::memcpy(&w, data.data() + i, 8);
    const uint64_t z = ~(((w & kLow7) + kLow7) | w) & ~kLow7;
    zeros += static_cast<size_t>(((z >> 7) * kOnes) >> 56);
  }
  for (; i < data.size(); ++i)
    zeros += data[i] == 0 ? 1 : 0;
  return 21'000 + 4 * uint64_t{zeros} + 16 * uint64_t{data.size() - zeros};
}

}  // namespace stoa::chain
