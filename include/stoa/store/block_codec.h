// The journal's encoding of a block (docs/journal-format.md, "Block payload"): the header's
// fields, each transaction's signed envelope with its recovered sender, and the receipts.
#pragma once

#include <string>

#include "stoa/chain/block.h"

namespace stoa::store {

void encode_block(const chain::Block& block, Bytes& out);  // appends to out
// Decodes a payload. The transactions are decoded with the stored senders (no signature
// recovery) unless `recover_senders`, which recovers them and requires they match. The block's
// hash is computed from the decoded header. Returns "" or what is wrong (with a byte offset).
std::string decode_block(BytesView payload, uint64_t chain_id, bool recover_senders,
                         chain::Block* out);

}  // namespace stoa::store
