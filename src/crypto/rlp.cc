#include "stoa/crypto/rlp.h"

#include <utility>

#include "stoa/common/assert.h"

namespace stoa::rlp {
namespace {

constexpr uint8_t kStringOffset = 0x80;
constexpr uint8_t kListOffset = 0xc0;
constexpr size_t kShortLimit = 56;  // payloads shorter than this use the one-byte header

// Minimal big-endian bytes of `v` (empty for zero).
Bytes be_bytes(uint64_t v) {
  Bytes out;
  for (; v != 0; v >>= 8)
    out.insert(out.begin(), static_cast<uint8_t>(v & 0xff));
  return out;
}

// Appends the header of a string (offset 0x80) or list (offset 0xc0) payload of `len` bytes.
void append_header(Bytes& out, size_t len, uint8_t offset) {
  if (len < kShortLimit) {
    out.push_back(static_cast<uint8_t>(offset + len));
    return;
  }
  Bytes len_be = be_bytes(len);
  out.push_back(static_cast<uint8_t>(offset + 55 + len_be.size()));
  out.insert(out.end(), len_be.begin(), len_be.end());
}

void encode_into(const Item& item, Bytes& out) {
  if (!item.is_list) {
    Bytes enc = encode_bytes(item.bytes);
    out.insert(out.end(), enc.begin(), enc.end());
    return;
  }
  Bytes payload;
  for (const Item& child : item.items)
    encode_into(child, payload);
  append_header(out, payload.size(), kListOffset);
  out.insert(out.end(), payload.begin(), payload.end());
}

}  // namespace

size_t header_size(size_t payload_size) {
  size_t n = 1;
  if (payload_size >= kShortLimit) {
    for (size_t v = payload_size; v != 0; v >>= 8)
      ++n;
  }
  return n;
}

size_t encoded_size(BytesView b) {
  if (b.size() == 1 && b[0] < kStringOffset) return 1;
  return header_size(b.size()) + b.size();
}

void append_list_header(Bytes& out, size_t payload_size) {
  append_header(out, payload_size, kListOffset);
}

void append_bytes(Bytes& out, BytesView b) {
  if (b.size() == 1 && b[0] < kStringOffset) {
    out.push_back(b[0]);
    return;
  }
  append_header(out, b.size(), kStringOffset);
  out.insert(out.end(), b.begin(), b.end());
}

namespace {

// A recursive-descent decoder over data[pos, limit). Depth is bounded by kMaxDepth, so the
// recursion is too.
class Decoder {
 public:
  explicit Decoder(BytesView data) : data_(data) {}

  // Decodes one item starting at `pos` that must end at or before `limit`; advances `pos`.
  // `depth` is the number of lists enclosing the item.
  Error decode_item(size_t& pos, size_t limit, size_t depth, Item& out) {
    if (pos >= limit) return Error::kTruncated;
    const uint8_t prefix = data_[pos];
    if (prefix < kStringOffset) {
      out.is_list = false;
      out.bytes.assign(1, prefix);
      pos += 1;
      return Error::kOk;
    }
    const bool is_list = prefix >= kListOffset;
    size_t header_len = 0;
    size_t payload_len = 0;
    if (Error e =
            read_header(pos, limit, is_list ? kListOffset : kStringOffset, header_len, payload_len);
        e != Error::kOk) {
      return e;
    }
    const size_t start = pos + header_len;
    const size_t end = start + payload_len;  // read_header checked end <= limit
    if (!is_list) {
      if (payload_len == 1 && data_[start] < kStringOffset) return Error::kNonCanonicalByte;
      out.is_list = false;
      out.bytes.assign(data_.begin() + static_cast<std::ptrdiff_t>(start),
                       data_.begin() + static_cast<std::ptrdiff_t>(end));
      pos = end;
      return Error::kOk;
    }
    if (depth + 1 > kMaxDepth) return Error::kTooDeep;
    out.is_list = true;
    out.items.clear();
    size_t p = start;
    while (p < end) {
      Item child;
      if (Error e = decode_item(p, end, depth + 1, child); e != Error::kOk) return e;
      out.items.push_back(std::move(child));
    }
    STOA_ASSERT(p == end);
    pos = end;
    return Error::kOk;
  }

 private:
  // Parses the header at `pos` (whose first byte is >= offset) and checks that the payload lies
  // within `limit`.
  Error read_header(size_t pos, size_t limit, uint8_t offset, size_t& header_len,
                    size_t& payload_len) const {
    const uint8_t prefix = data_[pos];
    const size_t available = limit - pos;  // >= 1
    const size_t short_max = static_cast<size_t>(offset) + 55;
    if (prefix <= short_max) {
      header_len = 1;
      payload_len = prefix - offset;
    } else {
      const size_t len_of_len = prefix - short_max;  // 1..8
      if (available < 1 + len_of_len) return Error::kTruncated;
      if (data_[pos + 1] == 0) return Error::kNonCanonicalSize;
      uint64_t len = 0;
      for (size_t i = 0; i < len_of_len; ++i)
        len = (len << 8) | data_[pos + 1 + i];
      if (len < kShortLimit) return Error::kNonCanonicalSize;
      header_len = 1 + len_of_len;
      if (len > available - header_len) return Error::kTruncated;
      payload_len = static_cast<size_t>(len);
    }
    if (payload_len > available - header_len) return Error::kTruncated;
    return Error::kOk;
  }

  BytesView data_;
};

}  // namespace

std::string_view to_string(Error e) {
  switch (e) {
    case Error::kOk:
      return "ok";
    case Error::kTruncated:
      return "truncated";
    case Error::kNonCanonicalSize:
      return "non-canonical size";
    case Error::kNonCanonicalByte:
      return "non-canonical single byte";
    case Error::kTrailingBytes:
      return "trailing bytes";
    case Error::kTooDeep:
      return "too deep";
    case Error::kNotAList:
      return "not a list";
    case Error::kNotAString:
      return "not a string";
    case Error::kLeadingZeroInteger:
      return "integer with leading zero";
    case Error::kIntegerTooLarge:
      return "integer too large";
  }
  return "unknown";
}

Bytes encode(const Item& item) {
  Bytes out;
  encode_into(item, out);
  return out;
}

Bytes encode_bytes(BytesView b) {
  Bytes out;
  out.reserve(encoded_size(b));
  append_bytes(out, b);
  return out;
}

Bytes encode_uint(const U256& v) {
  uint8_t be[32];
  v.to_be(be);
  size_t first = 0;
  while (first < 32 && be[first] == 0)
    ++first;
  return encode_bytes(BytesView(be + first, 32 - first));
}

Bytes encode_list(const std::vector<Bytes>& encoded_items) {
  size_t len = 0;
  for (const Bytes& e : encoded_items)
    len += e.size();
  Bytes out;
  out.reserve(len + 9);
  append_header(out, len, kListOffset);
  for (const Bytes& e : encoded_items)
    out.insert(out.end(), e.begin(), e.end());
  return out;
}

std::variant<Item, Error> decode(BytesView data) {
  Decoder decoder(data);
  Item item;
  size_t pos = 0;
  if (Error e = decoder.decode_item(pos, data.size(), 0, item); e != Error::kOk) return e;
  if (pos != data.size()) return Error::kTrailingBytes;
  return item;
}

std::variant<U256, Error> to_uint(const Item& item) {
  if (item.is_list) return Error::kNotAString;
  const Bytes& b = item.bytes;
  if (!b.empty() && b[0] == 0) return Error::kLeadingZeroInteger;
  if (b.size() > 32) return Error::kIntegerTooLarge;
  uint8_t be[32] = {};
  for (size_t i = 0; i < b.size(); ++i)
    be[32 - b.size() + i] = b[i];
  return U256::from_be(BytesView(be, 32));
}

std::variant<uint64_t, Error> to_u64(const Item& item) {
  if (item.is_list) return Error::kNotAString;
  const Bytes& b = item.bytes;
  if (!b.empty() && b[0] == 0) return Error::kLeadingZeroInteger;
  if (b.size() > 8) return Error::kIntegerTooLarge;
  uint64_t v = 0;
  for (uint8_t x : b)
    v = (v << 8) | x;
  return v;
}

}  // namespace stoa::rlp
