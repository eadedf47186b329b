// Reads at past blocks through ethers v6 (docs/NODE.md, "Reads at past blocks"), as an indexer
// replays calls at receipt blocks: balanceOf with { blockTag: n } at several past blocks answers
// what it answered when each was the head, and a block beyond the node's window (here
// --past-blocks 4) is refused with -32000 naming the window.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const REG_A_PLUS = 3;
const WINDOW = 4;

let node;
let provider;
let token;
let alice;
let bob;
let createdBlock;

function wallet(i) {
  const w = ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
  return new ethers.NonceManager(w);
}

async function send(p) {
  const receipt = await (await p).wait();
  assert.equal(receipt.status, 1);
  return receipt;
}

before(async () => {
  node = await startNode(["--past-blocks", String(WINDOW)]);
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  const [operator, issuer, officer] = [wallet(0), wallet(1), wallet(2)];
  alice = wallet(3);
  bob = wallet(4);
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), operator);
  const receipt = await send(factory.createSecurity("History Co", "HIST", 0, REG_A_PLUS, await issuer.getAddress(), await officer.getAddress()));
  createdBlock = receipt.blockNumber;
  const created = receipt.logs.map((l) => factory.interface.parseLog(l)).find((e) => e?.name === "SecurityCreated");
  const set = await factory.getSecurity(created.args.token);
  token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  const registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), officer);
  const de = ethers.hexlify(ethers.toUtf8Bytes("DE"));
  await send(registry.batchOnboard([await alice.getAddress(), await bob.getAddress()], [de, de], [0, 0], [0, 0]));
  await send(token.connect(issuer).mint(await alice.getAddress(), 1000));
});

after(async () => {
  await node?.stop();
});

test("balanceOf at past blocks answers as when each block was the head", async () => {
  const a = await alice.getAddress();
  const seen = []; // [block number, alice's balance then, alice's nonce then]
  for (const amount of [100, 20, 3, 7]) {
    const r = await send(token.connect(alice).transfer(await bob.getAddress(), amount));
    // Raw requests: ethers answers a repeated identical request from its cache for 250 ms.
    seen.push([r.blockNumber, await token.balanceOf(a), Number(await provider.send("eth_getTransactionCount", [a, "latest"]))]);
  }
  assert.deepEqual(
    seen.map(([, b]) => b),
    [900n, 880n, 877n, 870n],
  );
  assert.deepEqual(
    seen.map(([, , n]) => n),
    [1, 2, 3, 4],
  );
  for (const [n, balance, nonce] of seen) {
    assert.equal(await token.balanceOf(a, { blockTag: n }), balance, `balanceOf at block ${n}`);
    assert.equal(await provider.getTransactionCount(a, n), nonce, `nonce at block ${n}`);
  }
  // The same read by block hash (EIP-1898 through a raw request).
  const [n0, b0] = seen[0];
  const hash = (await provider.getBlock(n0)).hash;
  const data = token.interface.encodeFunctionData("balanceOf", [a]);
  const raw = await provider.send("eth_call", [{ to: await token.getAddress(), data }, { blockHash: hash }]);
  assert.equal(BigInt(raw), b0);
  // The head state is untouched by the reads.
  assert.equal(await token.balanceOf(a), 870n);
});

test("a block beyond the window is refused with -32000 naming the window", async () => {
  const a = await alice.getAddress();
  const head = Number(await provider.send("eth_blockNumber", [])); // not ethers' cached number
  assert.ok(createdBlock < head - WINDOW, `block ${createdBlock} should be out of the window (head ${head})`);
  await assert.rejects(token.balanceOf(a, { blockTag: createdBlock }), (err) => {
    const e = err.error ?? err.info?.error;
    assert.equal(e?.code, -32000, err.message);
    assert.match(e.message, new RegExp(`state at block ${createdBlock} is beyond the window of reads at past blocks: this node keeps the last ${WINDOW} blocks' state`));
    assert.match(e.message, new RegExp(`now blocks ${head - WINDOW} to ${head}`));
    return true;
  });
  // A block after the head: not found.
  await assert.rejects(provider.send("eth_call", [{ to: await token.getAddress(), data: "0x" }, ethers.toQuantity(head + 10)]), (err) => {
    assert.equal((err.error ?? err.info?.error)?.code, -32001, err.message);
    return true;
  });
});
