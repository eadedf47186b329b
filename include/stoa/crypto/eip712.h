// EIP-191 and EIP-712 hashing.
#pragma once

#include <cstdint>
#include <string_view>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"

namespace stoa::crypto {

// keccak256("\x19Ethereum Signed Message:\n" + decimal(len) + message)  (personal_sign).
Bytes32 eip191_hash(BytesView message);

// keccak256(abi.encode(keccak256("EIP712Domain(string name,string version,uint256 chainId,
// address verifyingContract)"), keccak256(name), keccak256(version), chainId, verifyingContract))
Bytes32 eip712_domain_separator(std::string_view name, std::string_view version, uint64_t chain_id,
                                const Address& verifying_contract);

// keccak256(0x1901 || domain_separator || struct_hash)
Bytes32 eip712_digest(const Bytes32& domain_separator, const Bytes32& struct_hash);

}  // namespace stoa::crypto
