#include "stoa/crypto/eip712.h"

#include <string>

#include "stoa/common/keccak.h"

namespace stoa::crypto {

Bytes32 eip191_hash(BytesView message) {
  static constexpr std::string_view kPrefix =
      "\x19"
      "Ethereum Signed Message:\n";
  const std::string len = std::to_string(message.size());
  Keccak256 h;
  h.update(kPrefix.data(), kPrefix.size());
  h.update(len.data(), len.size());
  h.update(message);
  return h.finish();
}

Bytes32 eip712_domain_separator(std::string_view name, std::string_view version, uint64_t chain_id,
                                const Address& verifying_contract) {
  static const Bytes32 kTypeHash = keccak256(std::string_view(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
  // abi.encode of five static 32-byte words.
  Keccak256 h;
  h.update(kTypeHash.view());
  h.update(keccak256(name).view());
  h.update(keccak256(version).view());
  h.update(U256(chain_id).to_bytes32().view());
  h.update(verifying_contract.to_word().view());
  return h.finish();
}

Bytes32 eip712_digest(const Bytes32& domain_separator, const Bytes32& struct_hash) {
  static constexpr uint8_t kPrefix[2] = {0x19, 0x01};
  Keccak256 h;
  h.update(kPrefix, sizeof kPrefix);
  h.update(domain_separator.view());
  h.update(struct_hash.view());
  return h.finish();
}

}  // namespace stoa::crypto
