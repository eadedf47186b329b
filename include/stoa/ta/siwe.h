// Sign-In with Ethereum (EIP-4361) messages (docs/transfer-agent.md, "REST access control"): the
// text a wallet signs with personal_sign (EIP-191), parsed field by field in the order the EIP's
// ABNF fixes, and the RFC 3339 times it carries. Verification (domain, chain, nonce, times,
// signature) is Access::sign_in's (access.h).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/common/address.h"

namespace stoa::ta {

// A message that is not an EIP-4361 message, or a field that does not parse (a clear message).
struct SiweError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SiweMessage {
  std::string scheme;  // "" when absent
  std::string domain;  // RFC 3986 authority: host[:port]
  Address address;     // given in EIP-55 checksum form (required)
  std::string statement;
  std::string uri;
  std::string version;  // "1"
  uint64_t chain_id = 0;
  std::string nonce;      // at least 8 alphanumeric characters
  int64_t issued_at = 0;  // seconds since the epoch
  std::optional<int64_t> expiration_time;
  std::optional<int64_t> not_before;
  std::string request_id;
  std::vector<std::string> resources;
};

// Parses an EIP-4361 message. Throws SiweError.
SiweMessage parse_siwe(std::string_view text);
// An RFC 3339 date-time ("2026-12-06T02:10:00.000Z", "...+01:00") as seconds since the epoch
// (fractions dropped); nullopt if malformed.
std::optional<int64_t> parse_rfc3339(std::string_view s);

}  // namespace stoa::ta
