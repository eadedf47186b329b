// Decoding the canonical state encoding (State::encode) back into a State: state images.
//
// Every contract kind has a decoder next to its encode_state (a static decode_state); the
// registration table (src/core/contract_kinds.cc) maps kinds to decoders and refuses to compile
// without an entry for every kind, and tests/core/state_decode_test.cc checks every named kind
// at run time too.
#include <string>

#include "stoa/core/bytes_sink.h"
#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/kyc_events.h"
#include "stoa/core/modules.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/core/transfer_restriction.h"

namespace stoa::core {

const uint8_t* StateDecoder::take(size_t n) {
  if (!ok()) return nullptr;
  if (in_.size() - pos_ < n) {
    fail("unexpected end of input (needed " + std::to_string(n) + " bytes)");
    return nullptr;
  }
  const uint8_t* p = in_.data() + pos_;
  pos_ += n;
  return p;
}

void StateDecoder::fail(std::string what) {
  if (ok()) error_ = std::move(what) + " at byte " + std::to_string(pos_);
}

uint8_t StateDecoder::u8() {
  const uint8_t* p = take(1);
  return p ? *p : 0;
}

uint64_t StateDecoder::u64() {
  const uint8_t* p = take(8);
  if (!p) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}

U256 StateDecoder::u256() {
  const uint8_t* p = take(32);
  if (!p) return U256(0);
  return U256::from_be(BytesView(p, 32));
}

Address StateDecoder::address() {
  Address a;
  if (const uint8_t* p = take(20)) std::copy(p, p + 20, a.b.begin());
  return a;
}

Bytes32 StateDecoder::b32() {
  Bytes32 b;
  if (const uint8_t* p = take(32)) std::copy(p, p + 32, b.b.begin());
  return b;
}

Bytes StateDecoder::bytes() {
  const uint64_t n = u64();
  if (n > in_.size() - pos_) {
    fail("byte string of " + std::to_string(n) + " bytes exceeds the input");
    return {};
  }
  const uint8_t* p = take(n);
  return p ? Bytes(p, p + n) : Bytes{};
}

std::string StateDecoder::str() {
  const uint64_t n = u64();
  if (n > in_.size() - pos_) {
    fail("string of " + std::to_string(n) + " bytes exceeds the input");
    return {};
  }
  const uint8_t* p = take(n);
  return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string{};
}

bool StateDecoder::boolean() {
  const uint8_t v = u8();
  if (v > 1) fail("boolean byte " + std::to_string(v));
  return v == 1;
}

uint64_t StateDecoder::count(size_t min_entry_bytes) {
  const uint64_t n = u64();
  if (!ok()) return 0;
  if (min_entry_bytes > 0 && n > (in_.size() - pos_) / min_entry_bytes) {
    fail("count " + std::to_string(n) + " exceeds what the input can hold");
    return 0;
  }
  return n;
}

namespace {
// What decoding writes is the state image, not a block's delta nor a block's undo records: block
// tracking and block undo are off while it lives.
class RecordingOff {
 public:
  explicit RecordingOff(UndoLog& j) : j_(j), tracking_(j.block_tracking()), undo_(j.block_undo()) {
    j_.set_block_tracking(false);
    j_.set_block_undo(false);
  }
  RecordingOff(const RecordingOff&) = delete;
  RecordingOff& operator=(const RecordingOff&) = delete;
  ~RecordingOff() {
    j_.set_block_tracking(tracking_);
    j_.set_block_undo(undo_);
  }

 private:
  UndoLog& j_;
  bool tracking_;
  bool undo_;
};
}  // namespace

bool State::restore(BytesView encoding, std::string* error) {
  STOA_ASSERT(!undo_log_.open());
  StateDecoder dec(encoding);
  auto failed = [&](const std::string& what) {
    if (error != nullptr) *error = what;
    return false;
  };
  if (dec.str() != "stoa.state.v1") return failed("not a stoa.state.v1 encoding");
  const uint64_t chain_id = dec.u64();
  const Address op = dec.address();
  const bool overlap = dec.boolean();
  if (!dec.ok()) return failed(dec.error());
  if (chain_id != genesis_.chain_id || op != genesis_.operator_account ||
      overlap != genesis_.allow_role_overlap) {
    return failed("the encoding's genesis (chain id " + std::to_string(chain_id) + ", operator " +
                  op.checksum_hex() + ") differs from this state's (chain id " +
                  std::to_string(genesis_.chain_id) + ", operator " +
                  genesis_.operator_account.checksum_hex() + ")");
  }
  discard_block_delta();  // before the contracts whose containers it lists are dropped
  clear_past();           // the same: past blocks' records name containers about to go
  const RecordingOff recording_off(undo_log_);
  contracts_.clear();
  factory_ = nullptr;
  create_nonces_.clear();
  account_nonces_.clear();
  for (uint64_t n = dec.count(20 + 8); n > 0 && dec.ok(); --n) {
    const Address a = dec.address();
    create_nonces_.set(a, dec.u64());
  }
  for (uint64_t n = dec.count(20 + 8); n > 0 && dec.ok(); --n) {
    const Address a = dec.address();
    account_nonces_.set(a, dec.u64());
  }
  DecodeContext ctx{*this, {}};
  Address previous;
  bool first = true;
  for (uint64_t n = dec.count(20 + 1); n > 0 && dec.ok(); --n) {
    const Address a = dec.address();
    const uint8_t kind = dec.u8();
    if (!dec.ok()) break;
    if (!first && !(previous < a)) {
      dec.fail("contract " + a.checksum_hex() + " is out of address order");
      break;
    }
    first = false;
    previous = a;
    ContractDecoder decode = contract_decoder(static_cast<ContractKind>(kind));
    if (decode == nullptr) {
      dec.fail("no decoder for contract kind " + std::to_string(kind) + " at " + a.checksum_hex());
      break;
    }
    std::unique_ptr<Contract> c;
    {
      OwnerScope scope(undo_log_, a);  // the same slots as when the contract was created
      c = decode(ctx, a, dec);
    }
    if (c == nullptr) {
      if (dec.ok()) dec.fail("cannot decode contract at " + a.checksum_hex());
      break;
    }
    contracts_.emplace(a, std::move(c));
  }
  if (!dec.ok()) return failed(dec.error());
  if (!dec.at_end()) {
    return failed(std::to_string(encoding.size() - dec.offset()) +
                  " trailing bytes after the state at byte " + std::to_string(dec.offset()));
  }
  factory_ = contract_as<Factory>(factory_address());
  if (factory_ == nullptr) return failed("no factory at " + factory_address().checksum_hex());
  for (const auto& fix : ctx.fixups) {
    std::string e;
    if (!fix(&e)) return failed(e);
  }
  return true;
}

std::string check_state_image_round_trip(const State& state) {
  BytesSink a;
  state.encode(a);
  State fresh(state.genesis());
  std::string error;
  if (!fresh.restore(a.out, &error)) return "restore failed: " + error;
  BytesSink b;
  fresh.encode(b);
  if (a.out != b.out) return "the restored state encodes differently";
  if (fresh.digest() != state.digest()) return "the restored state has another digest";
  // Same containers in the same slots with the same content: block deltas taken after a restore
  // name the same (owner, ordinal) as they would have without it.
  const ContainerFingerprints x = state.container_fingerprints();
  const ContainerFingerprints y = fresh.container_fingerprints();
  if (x.size() != y.size()) {
    return "the restored state has " + std::to_string(y.size()) + " containers, the original " +
           std::to_string(x.size());
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].first != y[i].first || x[i].second != y[i].second) {
      return "container " + std::to_string(x[i].first.ordinal) + " of " +
             x[i].first.owner.checksum_hex() + " differs in slot or content after a restore";
    }
  }
  return "";
}

}  // namespace stoa::core
