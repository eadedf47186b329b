// JSON-RPC over WebSocket on the node's port, with ethers v6's WebSocketProvider: eth_subscribe
// newHeads and logs (a contract event filtered by address and topic), notified when the block is
// durable; a transaction sent over HTTP produces both notifications; newPendingTransactions
// announces each transaction's hash once it is admitted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";

let node;
let http;
let ws;

function wallet(i) {
  return ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(http);
}

function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

before(async () => {
  node = await startNode();
  http = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  http.pollingInterval = 50;
  ws = new ethers.WebSocketProvider(node.url.replace("http://", "ws://"));
});

after(async () => {
  await ws?.destroy();
  await node?.stop();
});

test("every JSON-RPC method answers over WebSocket", async () => {
  assert.equal((await ws.getNetwork()).chainId, 1337n);
  assert.equal(await ws.getBlockNumber(), await http.getBlockNumber());
  assert.notEqual(await ws.getCode(FACTORY), "0x");
  const err = await ws.send("no_such_method", []).catch((e) => e);
  assert.ok(err instanceof Error);
});

test("newHeads and a contract's logs are notified for a transaction sent over HTTP", async () => {
  const factoryWs = new ethers.Contract(FACTORY, abi("SecurityFactory"), ws);
  const block = new Promise((resolve) => ws.once("block", resolve));
  const created = new Promise((resolve) =>
    factoryWs.once("SecurityCreated", (...args) => resolve(args[args.length - 1])));
  // Let both subscriptions be installed before the transaction.
  await new Promise((r) => setTimeout(r, 300));
  const operator = wallet(0);
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), operator);
  const tx = await factory.createSecurity("Beta Widgets", "BETA", 0, 1, wallet(1).address, wallet(2).address);
  const receipt = await tx.wait();
  assert.equal(receipt.status, 1);
  const n = await within(block, 10000, "newHeads notification");
  assert.ok(n >= receipt.blockNumber - 1, `block ${n}`);
  const ev = await within(created, 10000, "SecurityCreated notification");
  assert.equal(ev.log.transactionHash, receipt.hash);
  assert.equal(ev.log.blockNumber, receipt.blockNumber);
  assert.equal(ev.args.token, (await factory.getSecurity(ev.args.token)).token);
  // What is notified is durable: the block can be read at once.
  const b = await http.getBlock(ev.log.blockNumber);
  assert.equal(b.hash, ev.log.blockHash);
});

test("eth_subscribe validates and eth_unsubscribe ends a subscription", async () => {
  const id = await ws.send("eth_subscribe", ["newHeads"]);
  assert.match(id, /^0x[0-9a-f]{32}$/);
  assert.equal(await ws.send("eth_unsubscribe", [id]), true);
  assert.equal(await ws.send("eth_unsubscribe", [id]), false);
  const bad = await ws.send("eth_subscribe", ["newBadThings"]).catch((e) => e);
  assert.ok(bad instanceof Error);
  assert.match(bad.message, /unsupported subscription type/);
  const opts = await ws.send("eth_subscribe", ["newPendingTransactions", true]).catch((e) => e);
  assert.ok(opts instanceof Error);
  assert.match(opts.message, /takes no options/);
});

test("newPendingTransactions announces an admitted transaction's hash; a refused one is not", async () => {
  const seen = [];
  const listener = (hash) => seen.push(hash);
  await ws.on("pending", listener);
  await new Promise((r) => setTimeout(r, 300));
  const operator = wallet(0);
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), operator);
  const tx = await factory.createSecurity("Gamma Widgets", "GAMMA", 0, 1, wallet(1).address, wallet(2).address);
  await tx.wait();
  // Refused at admission (no contract at the address): never pending, never announced.
  const raw = await operator.signTransaction({
    type: 2, chainId: 1337, nonce: await operator.getNonce("pending"), to: wallet(9).address,
    data: "0x12345678", gasLimit: 100000, maxFeePerGas: 0, maxPriorityFeePerGas: 0,
  });
  const refused = await http.send("eth_sendRawTransaction", [raw]).catch((e) => e);
  assert.ok(refused instanceof Error);
  assert.match(refused.message, /no contract at/);
  const deadline = Date.now() + 10000;
  while (!seen.includes(tx.hash) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await ws.off("pending", listener);
  await new Promise((r) => setTimeout(r, 300)); // ethers sends eth_unsubscribe in the background
  assert.ok(seen.includes(tx.hash), `announced: ${JSON.stringify(seen)}`);
  assert.equal(seen.length, 1, `only the admitted transaction: ${JSON.stringify(seen)}`);
});
