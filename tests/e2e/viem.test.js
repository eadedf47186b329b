// viem against `stoa serve --dev` (issue 13, items 4 and 6): Multicall3 at its canonical address
// through viem's own `multicall` (and the other Multicall3 functions through viem's ABI), and the
// `webSocket` transport's subscriptions (newHeads, logs, newPendingTransactions) and
// eth_unsubscribe. The same calls ethers makes are in ethers.test.js and websocket.test.js.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  createPublicClient, createWalletClient, decodeFunctionResult, defineChain, encodeFunctionData,
  http, parseAbi, webSocket,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
const factoryAbi = abi("SecurityFactory");
const tokenAbi = abi("SecurityToken");
const multicallAbi = abi("Multicall3");

let node;
let chain;
let pub;
let wsClient;
let token;

const account = (i) => mnemonicToAccount(devMnemonic, { addressIndex: i });

function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function createSecurity(symbol) {
  const wallet = createWalletClient({ chain, transport: http(node.url), account: account(0) });
  const hash = await wallet.writeContract({
    address: FACTORY, abi: factoryAbi, functionName: "createSecurity",
    args: [`${symbol} Inc`, symbol, 0, 1, account(1).address, account(2).address],
  });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success");
  return { hash, receipt };
}

before(async () => {
  node = await startNode();
  chain = defineChain({
    id: 1337, name: "stoa dev", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [node.url], webSocket: [node.url.replace("http://", "ws://")] } },
    contracts: { multicall3: { address: MULTICALL3 } },
  });
  pub = createPublicClient({ chain, transport: http(node.url), pollingInterval: 50 });
  const { receipt } = await createSecurity("MULT");
  const created = receipt.logs.find((l) => l.address.toLowerCase() === FACTORY.toLowerCase());
  token = `0x${created.topics[1].slice(26)}`;
});

after(async () => {
  await wsClient?.transport.getRpcClient().then((c) => c.close()).catch(() => {});
  await node?.stop();
});

test("viem's multicall batches reads through Multicall3, failures included", async () => {
  const holder = account(3).address;
  const [name, symbol, balance, bad] = await pub.multicall({
    contracts: [
      { address: token, abi: tokenAbi, functionName: "name" },
      { address: token, abi: tokenAbi, functionName: "symbol" },
      { address: token, abi: tokenAbi, functionName: "balanceOf", args: [holder] },
      // A call that reverts: allowFailure (viem's default) reports it in place.
      { address: holder, abi: tokenAbi, functionName: "symbol" },
    ],
  });
  assert.deepEqual(name, { status: "success", result: "MULT Inc" });
  assert.deepEqual(symbol, { status: "success", result: "MULT" });
  assert.deepEqual(balance, { status: "success", result: 0n });
  assert.equal(bad.status, "failure");
  // allowFailure: false throws on the failing call.
  await assert.rejects(pub.multicall({
    allowFailure: false,
    contracts: [{ address: holder, abi: tokenAbi, functionName: "symbol" }],
  }));
  // The same answers as one eth_call each.
  assert.equal(await pub.readContract({ address: token, abi: tokenAbi, functionName: "symbol" }), "MULT");
  assert.notEqual(await pub.getCode({ address: MULTICALL3 }), undefined);
});

test("Multicall3's other functions answer as on Ethereum", async () => {
  const read = (functionName, args = []) =>
    pub.readContract({ address: MULTICALL3, abi: multicallAbi, functionName, args });
  const head = await pub.getBlock();
  assert.equal(await read("getChainId"), 1337n);
  // Calls run in the block after the head (as every eth_call on stoa).
  assert.equal(await read("getBlockNumber"), head.number + 1n);
  assert.equal(await read("getLastBlockHash"), head.hash);
  assert.equal(await read("getBlockHash", [head.number]), head.hash);
  assert.equal(await read("getBlockHash", [head.number + 1n]), `0x${"0".repeat(64)}`);
  assert.ok((await read("getCurrentBlockTimestamp")) >= head.timestamp);
  assert.equal(await read("getEthBalance", [account(0).address]), 0n);
  assert.equal(await read("getBasefee"), 0n);
  const symbolCall = encodeFunctionData({ abi: tokenAbi, functionName: "symbol" });
  const [number, data] = await read("aggregate", [[[token, symbolCall], [token, symbolCall]]]);
  assert.equal(number, head.number + 1n);
  assert.equal(decodeFunctionResult({ abi: tokenAbi, functionName: "symbol", data: data[1] }), "MULT");
  const tried = await read("tryAggregate", [false, [[token, symbolCall], [MULTICALL3, "0x12345678"]]]);
  assert.deepEqual(tried.map((r) => r[0]), [true, false]);
  await assert.rejects(read("aggregate", [[[account(3).address, symbolCall]]]), /Multicall3: call failed/);
  const [n2, hash2, results] = await read("tryBlockAndAggregate", [true, [[token, symbolCall]]]);
  assert.equal(n2, head.number + 1n);
  assert.equal(hash2, head.hash);
  assert.equal(results[0][0], true);
  // Sub-calls may only read: a state-changing function fails in place.
  const write = encodeFunctionData({
    abi: factoryAbi, functionName: "createSecurity",
    args: ["X", "X", 0, 1, account(1).address, account(2).address],
  });
  const [w] = await read("aggregate3", [[[FACTORY, true, write]]]);
  assert.equal(w[0], false);
  // A transaction to Multicall3 is refused at admission (eth_call only).
  const wallet = createWalletClient({ chain, transport: http(node.url), account: account(0) });
  await assert.rejects(
    wallet.sendTransaction({ to: MULTICALL3, data: symbolCall, gas: 1_000_000n }),
    /answers eth_call only/);
  // Its ABI (docs/abi/Multicall3.json) has the canonical selectors viem uses.
  for (const f of parseAbi([
    "function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)",
    "function getCurrentBlockTimestamp() view returns (uint256 timestamp)",
  ])) {
    const ours = multicallAbi.find((x) => x.name === f.name);
    assert.equal(encodeFunctionData({ abi: [ours], functionName: f.name, args: f.name === "aggregate3" ? [[]] : [] }),
      encodeFunctionData({ abi: [f], functionName: f.name, args: f.name === "aggregate3" ? [[]] : [] }));
  }
});

test("viem's webSocket transport: newHeads, logs, newPendingTransactions and eth_unsubscribe", async () => {
  wsClient = createPublicClient({ chain, transport: webSocket(node.url.replace("http://", "ws://")) });
  assert.equal(await wsClient.getChainId(), 1337);
  const heads = [];
  const logs = [];
  const pending = [];
  let gotHead;
  let gotLog;
  let gotPending;
  const headP = new Promise((r) => (gotHead = r));
  const logP = new Promise((r) => (gotLog = r));
  const pendingP = new Promise((r) => (gotPending = r));
  const unwatchBlocks = wsClient.watchBlockNumber({
    poll: false, onBlockNumber: (n) => { heads.push(n); gotHead(); },
  });
  const unwatchEvents = wsClient.watchContractEvent({
    address: FACTORY, abi: factoryAbi, eventName: "SecurityCreated", poll: false,
    onLogs: (l) => { logs.push(...l); gotLog(); },
  });
  const unwatchPending = wsClient.watchPendingTransactions({
    poll: false, onTransactions: (h) => { pending.push(...h); gotPending(); },
  });
  await new Promise((r) => setTimeout(r, 300)); // the subscriptions are installed
  const { hash, receipt } = await createSecurity("WSV");
  await within(Promise.all([headP, logP, pendingP]), 10000, "notification");
  assert.ok(heads.some((n) => n >= receipt.blockNumber - 1n), `heads ${heads}`);
  const ev = logs.find((l) => l.transactionHash === hash);
  assert.ok(ev, "SecurityCreated of the transaction");
  assert.equal(ev.eventName, "SecurityCreated");
  assert.equal(ev.blockNumber, receipt.blockNumber);
  assert.ok(pending.includes(hash), "the transaction's hash announced as pending");
  unwatchBlocks();
  unwatchEvents();
  unwatchPending();
  // The transport's own subscribe/unsubscribe: eth_unsubscribe answers true once, then false.
  const sub = await wsClient.transport.subscribe({ params: ["newHeads"], onData: () => {} });
  assert.match(sub.subscriptionId, /^0x[0-9a-f]{32}$/);
  assert.equal((await sub.unsubscribe()).result, true);
  assert.equal((await sub.unsubscribe()).result, false);
});
