// Smaller Ethereum behaviours tools rely on (issue 13, item 8), through ethers v6 and raw
// JSON-RPC: calls to an address without code, effectiveGasPrice, eth_getStorageAt, the block
// transaction count/index methods, eth_coinbase, and ethers' 250 ms request cache with
// back-to-back transactions of one sender (README, "ethers v6 and nonces").
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const ZERO_WORD = `0x${"0".repeat(64)}`;

let node;
let provider;
let receipt;

function wallet(i, p = provider) {
  return ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(p);
}

async function rpc(method, params) {
  const res = await fetch(node.url, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return res.json();
}

before(async () => {
  node = await startNode();
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), wallet(0));
  const tx = await factory.createSecurity("Compat Co", "CMPT", 0, 1, wallet(1).address, wallet(2).address);
  receipt = await tx.wait();
});

after(async () => {
  await node?.stop();
});

test("eth_call and eth_estimateGas to an address without code: 0x and 21000", async () => {
  const eoa = wallet(5).address;
  assert.equal(await provider.call({ to: eoa, data: "0x" }), "0x");
  assert.equal(await provider.call({ to: eoa, data: "0x12345678" }), "0x");
  assert.equal(await provider.estimateGas({ from: wallet(0).address, to: eoa }), 21000n);
  // Calldata costs its intrinsic gas (4 per zero byte, 16 per other byte), as on Ethereum.
  assert.equal(await provider.estimateGas({ from: wallet(0).address, to: eoa, data: "0x0001" }), 21020n);
  // Such a transaction is still refused at admission: it would do nothing.
  const err = await wallet(0).sendTransaction({ to: eoa, gasLimit: 21000 }).catch((e) => e);
  assert.ok(err instanceof Error);
  assert.match(err.message, /no contract at/);
});

test("receipts: effectiveGasPrice is 0 (nothing is charged)", async () => {
  assert.equal(receipt.gasPrice, 0n);
  const raw = (await rpc("eth_getTransactionReceipt", [receipt.hash])).result;
  assert.equal(raw.effectiveGasPrice, "0x0");
});

test("eth_getStorageAt reads zero; eth_coinbase is the zero address", async () => {
  assert.equal(await provider.getStorage(FACTORY, 0), ZERO_WORD);
  assert.equal(await provider.getStorage(wallet(3).address, 7n), ZERO_WORD);
  assert.equal((await rpc("eth_coinbase", [])).result.toLowerCase(), ethers.ZeroAddress);
  assert.equal((await rpc("eth_getStorageAt", [FACTORY])).error.code, -32602);
});

test("block transaction counts and transactions by block and index", async () => {
  const block = await provider.getBlock(receipt.blockNumber);
  const n = ethers.toQuantity(receipt.blockNumber);
  const count = (await rpc("eth_getBlockTransactionCountByNumber", [n])).result;
  assert.equal(count, ethers.toQuantity(block.transactions.length));
  assert.equal((await rpc("eth_getBlockTransactionCountByHash", [block.hash])).result, count);
  const idx = ethers.toQuantity(receipt.index);
  const byNumber = (await rpc("eth_getTransactionByBlockNumberAndIndex", [n, idx])).result;
  const byHash = (await rpc("eth_getTransactionByBlockHashAndIndex", [block.hash, idx])).result;
  assert.equal(byNumber.hash, receipt.hash);
  assert.deepEqual(byHash, byNumber);
  assert.equal(byNumber.blockHash, block.hash);
  // Out of range, or an unknown block: null (as geth answers).
  assert.equal((await rpc("eth_getTransactionByBlockHashAndIndex", [block.hash, "0x3e8"])).result, null);
  assert.equal((await rpc("eth_getBlockTransactionCountByHash", [ZERO_WORD])).result, null);
  assert.equal((await rpc("eth_getBlockTransactionCountByNumber", ["latest"])).error, undefined);
  // ethers' own helpers.
  const tx = await block.getTransaction(receipt.index);
  assert.equal(tx.hash, receipt.hash);
});

test("back-to-back transactions of one sender with ethers: cacheTimeout -1 or NonceManager", async () => {
  // ethers v6 answers an identical request from a 250 ms cache, so a second sendTransaction right
  // after the first can reuse its pending nonce. Either remedy from the README works.
  const uncached = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  uncached.pollingInterval = 50;
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), wallet(0, uncached));
  const sent = [];
  for (const s of ["NC1", "NC2", "NC3"]) {
    sent.push(await factory.createSecurity(s, s, 0, 1, wallet(1).address, wallet(2).address));
  }
  assert.deepEqual(new Set(sent.map((t) => t.nonce)).size, 3);
  for (const t of sent) assert.equal((await t.wait()).status, 1);
  const managed = new ethers.NonceManager(wallet(0));
  const f2 = new ethers.Contract(FACTORY, abi("SecurityFactory"), managed);
  const more = [];
  for (const s of ["NM1", "NM2", "NM3"]) {
    more.push(await f2.createSecurity(s, s, 0, 1, wallet(1).address, wallet(2).address));
  }
  for (const t of more) assert.equal((await t.wait()).status, 1);
  uncached.destroy();
});

test("the REST block route takes block numbers as JSON-RPC users write them", async () => {
  const get = async (n) => {
    const r = await fetch(`${node.url}/v1/blocks/${n}`);
    return { status: r.status, body: await r.json() };
  };
  const head = Number((await rpc("eth_blockNumber", [])).result);
  const latest = await get("latest");
  assert.equal(latest.status, 200);
  assert.equal(latest.body.number, head);
  const n = receipt.blockNumber;
  const dec = await get(String(n));
  assert.equal((await get(ethers.toQuantity(n))).body.hash, dec.body.hash);
  assert.equal((await get("earliest")).body.number, 0);
  assert.equal((await get("finalized")).body.number, head);
  for (const bad of ["0x01", "0x", "abc", "-1", "0xzz"]) {
    const r = await get(bad);
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error.code, "bad_request");
  }
  assert.equal((await get("0xffffff")).status, 404);
});
