// Blooms, receipts, headers and trie roots against Ethereum's published vectors.
#include "stoa/chain/block.h"
#include "chain_test_util.h"
#include "stoa/chain/ordered_trie.h"

namespace stoa::chain::testing {
namespace {

Bytes ascii(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

TEST(TrieTest, EmptyRootAndOmmersHash) {
  EXPECT_EQ(ordered_trie_root({}).hex(),
            "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
  EXPECT_EQ(empty_trie_root(), ordered_trie_root({}));
  EXPECT_EQ(empty_ommers_hash().hex(),
            "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
}

TEST(TrieTest, PublishedVectors) {
  // go-ethereum trie/trie_test.go (TestInsert, TestDelete / ethereum/tests trietest).
  EXPECT_EQ(trie_root({{ascii("doe"), ascii("reindeer")},
                       {ascii("dog"), ascii("puppy")},
                       {ascii("dogglesworth"), ascii("cat")}})
                .hex(),
            "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3");
  EXPECT_EQ(
      trie_root({{ascii("A"), ascii("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")}}).hex(),
      "0xd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab");
  // A key that is a prefix of others ("do" / "dog" / "doge": a branch with a value).
  EXPECT_EQ(trie_root({{ascii("do"), ascii("verb")},
                       {ascii("horse"), ascii("stallion")},
                       {ascii("doge"), ascii("coin")},
                       {ascii("dog"), ascii("puppy")}})
                .hex(),
            "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");
}

TEST(TrieTest, OrderOfInsertionDoesNotMatter) {
  std::vector<std::pair<Bytes, Bytes>> entries;
  for (uint64_t i = 0; i < 300; ++i)
    entries.emplace_back(rlp::encode_uint(U256(i * 7919 % 1000)), Bytes(i % 40 + 1, 0x5a));
  const Bytes32 a = trie_root(entries);
  std::reverse(entries.begin(), entries.end());
  EXPECT_EQ(trie_root(entries), a);
  entries.pop_back();
  EXPECT_NE(trie_root(entries), a);
}

// The ordered trie computes each leaf on its own (its shape known from the count alone); its root
// is the general trie's over keys rlp(i), at every size where the shape changes (one leaf, a
// branch of 16, keys of one, two and three bytes) and for leaves shorter and longer than a hash.
TEST(TrieTest, OrderedTrieIsTheTrieOfRlpIndexes) {
  for (const size_t n :
       {0u, 1u, 2u, 3u, 15u, 16u, 17u, 127u, 128u, 129u, 130u, 255u, 256u, 257u, 300u}) {
    for (const size_t len : {1u, 20u, 31u, 32u, 200u}) {
      std::vector<Bytes> items;
      std::vector<std::pair<Bytes, Bytes>> entries;
      for (size_t i = 0; i < n; ++i) {
        Bytes v(len + i % 3, static_cast<uint8_t>(0x40 + i % 50));
        entries.emplace_back(rlp::encode_uint(U256(static_cast<uint64_t>(i))), v);
        items.push_back(std::move(v));
      }
      const Bytes32 general = trie_root(entries);
      EXPECT_EQ(ordered_trie_root(items), general) << n << " items of " << len;
      // Leaves computed out of order and in pieces give the same root.
      const OrderedTrie trie(n);
      std::vector<BytesView> values(items.begin(), items.end());
      std::vector<Bytes> refs(n);
      for (size_t start = n; start > 0;) {
        const size_t from = start > 7 ? start - 7 : 0;
        trie.leaf_refs(from, std::span(values).subspan(from, start - from),
                       std::span(refs).subspan(from, start - from));
        start = from;
      }
      EXPECT_EQ(trie.root(refs), general) << n << " items of " << len;
    }
  }
}

// ethereum/tests BlockchainTests ValidBlocks/bcEIP4844-blobtransactions/
// blockWithAllTransactionTypes.json (also go-ethereum core/types/block_test.go): a valid block
// with one transaction of each type 0..3, all empty-data transfers that succeeded.
constexpr std::string_view kAllTypesBody =
    "f901cbf864808203e885e8d4a5100094100000000000000000000000000000000000000a01801ca09de4adda62885"
    "82a6700dbcd8eb70c0a4a7fc9487d965f7bf22424e0bd121095a01cdb078764cc3770d5db847e99e10333aa7c3562"
    "47baaf09b03eae04d64e7926b86901f86601018203e885e8d4a5100094100000000000000000000000000000000000"
    "000a0380c080a025090740da12684493e4fb466a3979e365b194e8cf462edf3c2c3be2f130bb2ea034fa18fb4c1bff"
    "4d957d72e28535d27f1352517a942aeaca0ed944085f0cd8bbb86a02f8670102018203e885e8d4a51000941000000"
    "00000000000000000000000000000000a0580c080a0352a7be5002ce111bc5167f3addf97a75e2e0b810d826af71d"
    "2caae18aed284ea065d38f8a5c8948ce706842e8861fb21020b93a4d5e489162a0e6d419a457b735b88c03f889010"
    "3018203e885e8d4a5100094100000000000000000000000000000000000000a0780c00ae1a001a915e4d060149eb4"
    "365960e6a7a45f334393093061116b197e3240065ff2d8809f638144c46d5de7a9e630c0e7c5c63ae829ecfd8cc94"
    "715d9c29fe17c464de0a06c5fc54c3aa868ba35ef31a4e12431611631ab7bcdceb4214dd273d83f73b5e1";

TEST(TrieTest, RealBlockTransactionsAndReceiptsRoots) {
  auto decoded = rlp::decode(hex(kAllTypesBody));
  ASSERT_EQ(decoded.index(), 0u);
  const rlp::Item& list = std::get<rlp::Item>(decoded);
  ASSERT_EQ(list.items.size(), 4u);
  std::vector<Bytes> txs;
  for (const rlp::Item& item : list.items)
    txs.push_back(item.is_list ? rlp::encode(item) : item.bytes);  // typed: the envelope bytes
  EXPECT_EQ(ordered_trie_root(txs).hex(),
            "0x5cb644f722e31f9792a8ef6e2a762334e1a862e8b40c1612e1e9507fd7121ef9");
  // Receipts: status 1, 21000 gas each, no logs; types 0, 1, 2 and 3 (blob; cast for the test).
  std::vector<Bytes> receipts;
  for (uint8_t type = 0; type < 4; ++type) {
    Receipt r;
    r.type = static_cast<TxType>(type);
    r.success = true;
    r.cumulative_gas_used = 21000u * (type + 1);
    receipts.push_back(encode_receipt(r));
  }
  EXPECT_EQ(receipts[0][0], 0xf9);  // legacy: not prefixed
  EXPECT_EQ(receipts[2][0], 0x02);
  EXPECT_EQ(ordered_trie_root(receipts).hex(),
            "0x0c82719448356ba6807d6edfcd8e5aea575a5e97f36038ffb3e395749b26d41c");
}

TEST(HeaderTest, LondonFieldOrderMatchesGoEthereum) {
  // go-ethereum core/types/block_test.go TestEIP1559BlockEncoding: a London header (16 fields),
  // hash 0xc725...c372.
  const std::string header_hex =
      "f901fea083cafc574e1f51ba9dc0568fc617a08ea2429fb384059c972f13b19fa1c8dd55a01dcc4de8dec75d7aab"
      "85b567b6ccd41ad312451b948a7413f0a142fd40d49347948888f1f195afa192cfee860698584c030f4c9db1a0ef"
      "1552a40b7165c3cd773806b9e0c165b75356e0314bf0706f279c729f51e017a05fe50b260da6308036625b850b5d"
      "6ced6d0a9f814c0688bc91ffb7b7a3a54b67a0bc37d79753ad738a6dac4921e57392f145d8887476de3f783dfa7e"
      "dae9283e52b90100" +
      std::string(512, '0') +
      "8302000001832fefd8825208845506eb0780a0bd4472abb6659ebe3ee06ee4d7b72a00a9f4d001caca5134200107"
      "5469aff49888a13a5a8c8f2bb1c4843b9aca00";
  const Bytes geth = hex(header_hex);
  ASSERT_EQ(keccak256(geth).hex(),
            "0xc7252048cd273fe0dac09650027d07f0e3da4ee0675ebbb26627cea92729c372");
  auto decoded = rlp::decode(geth);
  ASSERT_EQ(decoded.index(), 0u);
  rlp::Item item = std::get<rlp::Item>(decoded);
  ASSERT_EQ(item.items.size(), 16u);

  BlockHeader h;
  h.parent_hash = Bytes32::from_view(item.items[0].bytes);
  h.ommers_hash = Bytes32::from_view(item.items[1].bytes);
  h.coinbase = Address::from_view(item.items[2].bytes);
  h.state_root = Bytes32::from_view(item.items[3].bytes);
  h.transactions_root = Bytes32::from_view(item.items[4].bytes);
  h.receipts_root = Bytes32::from_view(item.items[5].bytes);
  h.number = 1;
  h.gas_limit = 3141592;
  h.gas_used = 21000;
  h.timestamp = 1426516743;
  h.base_fee_per_gas = U256(1'000'000'000);
  // stoa's header has difficulty 0, mixHash zero and nonce zero (post-merge values); with those
  // three fields set so in go-ethereum's header, the encodings are identical byte for byte.
  item.items[7].bytes.clear();
  item.items[13].bytes.assign(32, 0);
  item.items[14].bytes.assign(8, 0);
  EXPECT_EQ(to_hex(h.rlp()), to_hex(rlp::encode(item)));
  EXPECT_EQ(h.hash(), keccak256(rlp::encode(item)));
}

TEST(BloomTest, EthereumBitPositions) {
  // keccak256("") = c5d2460186f7...; its first three 11-bit indexes: 0x5d2 & 0x7ff = 1490,
  // 0x4601 & 0x7ff = 1537, 0x86f7 & 0x7ff = 1783.
  Bloom b{};
  bloom_add(b, {});
  Bloom expected{};
  for (unsigned bit : {1490u, 1537u, 1783u})
    expected[255 - bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
  EXPECT_EQ(b, expected);
  EXPECT_TRUE(bloom_may_contain(b, {}));
}

TEST(BloomTest, LogsBloomHoldsAddressesAndTopics) {
  core::Log log;
  log.address = dev_key(1).address();
  log.topics = {keccak256(std::string_view("Transfer(address,address,uint256)")),
                dev_key(2).address().to_word()};
  const Bloom b = logs_bloom({log});
  EXPECT_TRUE(bloom_may_contain(b, log.address.view()));
  EXPECT_TRUE(bloom_may_contain(b, log.topics[0].view()));
  EXPECT_TRUE(bloom_may_contain(b, log.topics[1].view()));
  EXPECT_FALSE(bloom_may_contain(b, dev_key(3).address().view()));
  EXPECT_FALSE(bloom_may_contain(b, log.data));  // data is not in the bloom (nor is "")
  EXPECT_EQ(logs_bloom({}), Bloom{});
}

TEST(ReceiptTest, ConsensusEncoding) {
  Receipt r;
  r.type = TxType::kDynamicFee;
  r.success = false;
  r.cumulative_gas_used = 0x5208;
  const Bytes enc = encode_receipt(r);
  // 0x02 || rlp([0x (status 0), 0x5208, bloom, []])
  Bytes expected =
      typed(0x02, r_list({r_bytes({}), r_uint(0x5208), r_bytes(Bytes(256, 0)), r_list({})}));
  EXPECT_EQ(enc, expected);
  r.type = TxType::kLegacy;
  r.success = true;
  core::Log log{dev_key(1).address(), {Bytes32{}}, Bytes{1, 2}};
  r.logs = {log};
  r.bloom = logs_bloom(r.logs);
  EXPECT_EQ(encode_receipt(r),
            r_list({r_uint(1), r_uint(0x5208), r_bytes(Bytes(r.bloom.begin(), r.bloom.end())),
                    r_list({r_list({r_bytes(Bytes(log.address.b.begin(), log.address.b.end())),
                                    r_list({r_bytes(Bytes(32, 0))}), r_bytes({1, 2})})})}));
}

// Receipts' blooms computed together — addresses and event topics through the block's memo, the
// other topics hashed in batches, items repeating the previous log's skipped — are the blooms
// computed item by item, whatever repeats: across logs, across receipts and across calls, with
// logs of fewer topics than the one before, none, or no logs at all.
TEST(BloomTest, ReceiptBloomsAreTheBloomsOfEachItem) {
  auto topic = [](uint8_t tag, uint8_t v) {
    Bytes32 t;
    t.b[0] = tag;
    t.b[31] = v;
    return t;
  };
  std::vector<Receipt> receipts(30);
  for (uint8_t r = 0; r < receipts.size(); ++r) {
    for (uint8_t i = 0; i < r % 7; ++i) {  // receipt 0, 7, 14...: no logs
      core::Log log;
      log.address.b[19] = static_cast<uint8_t>((r + i / 2) % 3);
      const size_t topics = (r + i) % 5 == 4 ? 0 : 1 + (r + i) % 3;
      const Bytes32 all[3] = {topic(0xdd, static_cast<uint8_t>(r % 2)),
                              topic(0xee, static_cast<uint8_t>(r % 4)),  // a sender, say
                              topic(0xff, static_cast<uint8_t>(i % 3))};
      log.topics.assign(all, all + topics);
      receipts[r].logs.push_back(std::move(log));
    }
  }
  BloomMemo memo;  // one per block: the second call finds most items learned by the first
  set_receipt_blooms(std::span(receipts).subspan(0, 11), memo);
  set_receipt_blooms(std::span(receipts).subspan(11), memo);
  size_t nonempty = 0;
  for (size_t r = 0; r < receipts.size(); ++r) {
    EXPECT_EQ(receipts[r].bloom, logs_bloom(receipts[r].logs)) << r;
    nonempty += receipts[r].bloom == Bloom{} ? 0 : 1;
  }
  EXPECT_GT(nonempty, 20u);
  std::vector<Receipt> again = receipts;  // a fresh memo gives the same
  BloomMemo fresh;
  set_receipt_blooms(again, fresh);
  for (size_t r = 0; r < receipts.size(); ++r)
    EXPECT_EQ(again[r].bloom, receipts[r].bloom) << r;
}

}  // namespace
}  // namespace stoa::chain::testing
