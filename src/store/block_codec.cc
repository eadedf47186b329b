#include "stoa/store/block_codec.h"

#include <variant>

namespace stoa::store {
namespace {

void put_u8(Bytes& o, uint8_t v) {
  o.push_back(v);
}
void put_u32(Bytes& o, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8)
    o.push_back(static_cast<uint8_t>(v >> s));
}
void put_u64(Bytes& o, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8)
    o.push_back(static_cast<uint8_t>(v >> s));
}
void put_raw(Bytes& o, const uint8_t* p, size_t n) {
  o.insert(o.end(), p, p + n);
}
void put_b32(Bytes& o, const Bytes32& b) {
  put_raw(o, b.b.data(), 32);
}
void put_addr(Bytes& o, const Address& a) {
  put_raw(o, a.b.data(), 20);
}
void put_bytes(Bytes& o, BytesView b) {
  put_u32(o, static_cast<uint32_t>(b.size()));
  put_raw(o, b.data(), b.size());
}

class Reader {
 public:
  explicit Reader(BytesView in) : in_(in) {}
  const uint8_t* take(size_t n) {
    if (!error_.empty()) return nullptr;
    if (in_.size() - pos_ < n) {
      error_ = "payload ends early at byte " + std::to_string(pos_);
      return nullptr;
    }
    const uint8_t* p = in_.data() + pos_;
    pos_ += n;
    return p;
  }
  uint8_t u8() {
    const uint8_t* p = take(1);
    return p ? *p : 0;
  }
  uint32_t u32() {
    const uint8_t* p = take(4);
    if (!p) return 0;
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  uint64_t u64() {
    const uint8_t* p = take(8);
    if (!p) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v = (v << 8) | p[i];
    return v;
  }
  Bytes32 b32() {
    Bytes32 b;
    if (const uint8_t* p = take(32)) std::copy(p, p + 32, b.b.begin());
    return b;
  }
  Address addr() {
    Address a;
    if (const uint8_t* p = take(20)) std::copy(p, p + 20, a.b.begin());
    return a;
  }
  BytesView bytes() {
    const uint32_t n = u32();
    const uint8_t* p = take(n);
    return p ? BytesView(p, n) : BytesView();
  }
  void fail(std::string e) {
    if (error_.empty()) error_ = std::move(e) + " at byte " + std::to_string(pos_);
  }
  const std::string& error() const { return error_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  BytesView in_;
  size_t pos_ = 0;
  std::string error_;
};

constexpr uint8_t kPayloadVersion = 1;

}  // namespace

void encode_block(const chain::Block& block, Bytes& o) {
  const chain::BlockHeader& h = block.header;
  put_u8(o, kPayloadVersion);
  put_b32(o, h.parent_hash);
  put_b32(o, h.ommers_hash);
  put_addr(o, h.coinbase);
  put_b32(o, h.state_root);
  put_b32(o, h.transactions_root);
  put_b32(o, h.receipts_root);
  put_raw(o, h.logs_bloom.data(), h.logs_bloom.size());
  put_u64(o, h.number);
  put_u64(o, h.gas_limit);
  put_u64(o, h.gas_used);
  put_u64(o, h.timestamp);
  put_bytes(o, h.extra_data);
  put_b32(o, h.base_fee_per_gas.to_bytes32());
  put_u32(o, static_cast<uint32_t>(block.transactions.size()));
  for (const chain::SignedTransaction& tx : block.transactions) {
    put_addr(o, tx.sender);
    put_bytes(o, tx.raw);
  }
  for (const chain::Receipt& r : block.receipts) {
    put_u8(o, r.success ? 1 : 0);
    put_u64(o, r.gas_used);
    put_bytes(o, r.revert_data);
    put_u32(o, static_cast<uint32_t>(r.logs.size()));
    for (const core::Log& l : r.logs) {
      put_addr(o, l.address);
      put_u8(o, static_cast<uint8_t>(l.topics.size()));
      for (const Bytes32& t : l.topics)
        put_b32(o, t);
      put_bytes(o, l.data);
    }
  }
}

std::string decode_block(BytesView payload, uint64_t chain_id, bool recover_senders,
                         chain::Block* out) {
  Reader r(payload);
  chain::Block b;
  chain::BlockHeader& h = b.header;
  const uint8_t version = r.u8();
  if (r.error().empty() && version != kPayloadVersion) {
    return "unknown block payload version " + std::to_string(version);
  }
  h.parent_hash = r.b32();
  h.ommers_hash = r.b32();
  h.coinbase = r.addr();
  h.state_root = r.b32();
  h.transactions_root = r.b32();
  h.receipts_root = r.b32();
  if (const uint8_t* p = r.take(h.logs_bloom.size())) {
    std::copy(p, p + h.logs_bloom.size(), h.logs_bloom.begin());
  }
  h.number = r.u64();
  h.gas_limit = r.u64();
  h.gas_used = r.u64();
  h.timestamp = r.u64();
  const BytesView extra = r.bytes();
  h.extra_data.assign(extra.begin(), extra.end());
  h.base_fee_per_gas = U256::from_bytes32(r.b32());
  const uint32_t n = r.u32();
  if (!r.error().empty()) return r.error();
  if (n > payload.size() / 21) return "transaction count " + std::to_string(n) + " is impossible";
  b.transactions.reserve(n);
  for (uint32_t i = 0; i < n && r.error().empty(); ++i) {
    const Address sender = r.addr();
    const BytesView raw = r.bytes();
    if (!r.error().empty()) break;
    std::string detail;
    auto d = recover_senders
                 ? chain::decode_transaction(raw, chain_id, &detail)
                 : chain::decode_transaction_with_sender(raw, chain_id, sender, &detail);
    if (auto* e = std::get_if<chain::TxError>(&d)) {
      return "transaction " + std::to_string(i) + ": " + std::string(chain::to_string(*e)) +
             (detail.empty() ? "" : ": " + detail);
    }
    chain::SignedTransaction tx = std::move(std::get<chain::SignedTransaction>(d));
    if (tx.sender != sender) {
      return "transaction " + std::to_string(i) + ": the journal names sender " +
             sender.checksum_hex() + ", the signature recovers " + tx.sender.checksum_hex();
    }
    b.transactions.push_back(std::move(tx));
  }
  if (!r.error().empty()) return r.error();
  b.hash = h.hash();
  uint64_t cumulative = 0;
  b.receipts.reserve(n);
  for (uint32_t i = 0; i < n && r.error().empty(); ++i) {
    chain::Receipt rc;
    const chain::SignedTransaction& tx = b.transactions[i];
    rc.transaction_hash = tx.hash;
    rc.transaction_index = i;
    rc.block_number = h.number;
    rc.block_hash = b.hash;
    rc.from = tx.sender;
    rc.to = tx.tx.to;
    rc.type = tx.tx.type;
    const uint8_t status = r.u8();
    if (status > 1) r.fail("receipt status " + std::to_string(status));
    rc.success = status == 1;
    rc.gas_used = r.u64();
    cumulative += rc.gas_used;
    rc.cumulative_gas_used = cumulative;
    const BytesView revert = r.bytes();
    rc.revert_data.assign(revert.begin(), revert.end());
    const uint32_t nlogs = r.u32();
    if (nlogs > payload.size() / 25) r.fail("log count " + std::to_string(nlogs));
    for (uint32_t k = 0; k < nlogs && r.error().empty(); ++k) {
      core::Log l;
      l.address = r.addr();
      const uint8_t nt = r.u8();
      if (nt > 4) r.fail("log with " + std::to_string(nt) + " topics");
      for (uint8_t t = 0; t < nt && r.error().empty(); ++t)
        l.topics.push_back(r.b32());
      const BytesView data = r.bytes();
      l.data.assign(data.begin(), data.end());
      rc.logs.push_back(std::move(l));
    }
    rc.bloom = chain::logs_bloom(rc.logs);
    b.receipts.push_back(std::move(rc));
  }
  if (!r.error().empty()) return r.error();
  if (!r.at_end()) return "trailing bytes after the block payload";
  *out = std::move(b);
  return "";
}

}  // namespace stoa::store
