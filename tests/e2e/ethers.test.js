// A Reg D 506(c) offering driven entirely through ethers v6 against `stoa serve --dev`, the way
// any wallet or dapp would: the factory ABI, signed transactions, receipts, revert decoding, logs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const REG_D_506C = 1;
const DAY = 24 * 3600;

let node;
let provider;
let w; // dev wallets by role
let token;
let registry;

// The custom error in a refusal: ethers' own decoding when it did it, else the revert data.
function revertOf(err, contract) {
  if (err.revert) return err.revert;
  const data = err.data ?? err.info?.error?.data ?? err.error?.data;
  assert.ok(data, `no revert data in: ${err.message}`);
  return contract.interface.parseError(data);
}

function wallet(i) {
  return ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
}

before(async () => {
  node = await startNode();
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  w = {
    operator: wallet(0),
    issuer: wallet(1),
    officer: wallet(2),
    alice: wallet(3),
    bob: wallet(4),
    carol: wallet(5), // not accredited
    dave: wallet(6), // outside the US
  };
});

after(async () => {
  await node?.stop();
});

test("the node identifies itself like an Ethereum client", async () => {
  const net = await provider.getNetwork();
  assert.equal(typeof net.chainId, "bigint");
  assert.ok((await provider.getBlockNumber()) >= 0);
  const code = await provider.getCode(FACTORY);
  assert.notEqual(code, "0x", "native contracts have a non-empty code marker");
  assert.equal(await provider.getCode(w.alice.address), "0x");
});

test("the operator creates a Reg D 506(c) security through the factory ABI", async () => {
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), w.operator);
  const predicted = await factory.createSecurity.staticCall(
    "Acme Robotics", "ACME", 0, REG_D_506C, w.issuer.address, w.officer.address);
  const tx = await factory.createSecurity("Acme Robotics", "ACME", 0, REG_D_506C, w.issuer.address, w.officer.address);
  const receipt = await tx.wait();
  assert.equal(receipt.status, 1);
  const created = receipt.logs.map((l) => factory.interface.parseLog(l)).find((e) => e?.name === "SecurityCreated");
  assert.ok(created, "SecurityCreated emitted");
  assert.equal(created.args.token, predicted);
  const set = await factory.getSecurity(predicted);
  token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), provider);
  assert.equal(await token.symbol(), "ACME");
  assert.equal(await token.offeringPreset(), BigInt(REG_D_506C));
  assert.equal(await registry.requiredAccreditation(), 1n);
});

test("the compliance officer onboards investors in one batch", async () => {
  const us = ethers.hexlify(ethers.toUtf8Bytes("US"));
  const gb = ethers.hexlify(ethers.toUtf8Bytes("GB"));
  const tx = await registry.connect(w.officer).batchOnboard(
    [w.alice.address, w.bob.address, w.carol.address, w.dave.address],
    [us, us, us, gb],
    [1, 2, 0, 1],
    [0, 0, 0, 0]);
  await tx.wait();
  assert.equal(await registry.isWhitelisted(w.alice.address), true);
  assert.equal(await registry.accreditationStatus(w.bob.address), 2n);
});

test("the issuer mints; issuance checks the receiver", async () => {
  await (await token.connect(w.issuer).mint(w.alice.address, 1000)).wait();
  assert.equal(await token.balanceOf(w.alice.address), 1000n);
  assert.equal(await token.totalSupply(), 1000n);
  assert.equal(await token.holderCount(), 1n);
  // Carol is not accredited: the estimate reverts with the custom error, decoded by ethers.
  await assert.rejects(token.connect(w.issuer).mint(w.carol.address, 1), (err) => {
    const revert = revertOf(err, token);
    assert.equal(revert?.name, "TransferRestricted");
    assert.equal(revert.args[0], 7n);
    return true;
  });
});

test("detectTransferRestriction and messageForTransferRestriction explain a refusal", async () => {
  // Reg D 506(c) starts a 12-month holding period at issuance (code 18).
  assert.equal(await token.detectTransferRestriction(w.alice.address, w.bob.address, 10), 18n);
  assert.equal(await token.messageForTransferRestriction(18), "Sender's Rule 144 holding period has not ended");
  await provider.send("evm_increaseTime", [366 * DAY]);
  await provider.send("evm_mine", []);
  assert.equal(await token.detectTransferRestriction(w.alice.address, w.bob.address, 10), 0n);
  assert.equal(await token.detectTransferRestriction(w.alice.address, w.carol.address, 10), 7n);
  assert.equal(await token.detectTransferRestriction(w.alice.address, w.dave.address, 10), 20n);
  assert.equal(await token.messageForTransferRestriction(7), "Receiver does not have the accreditation this offering requires");
  const why = await token.explainTransfer(w.alice.address, w.dave.address, 10);
  assert.equal(why.code, 20n);
  assert.equal(why.ruleName, "JurisdictionModule");
});

test("a compliant transfer succeeds and its receipt carries the Transfer log", async () => {
  const tx = await token.connect(w.alice).transfer(w.bob.address, 250);
  const receipt = await tx.wait();
  assert.equal(receipt.status, 1);
  const parsed = receipt.logs.map((l) => token.interface.parseLog(l));
  assert.deepEqual(parsed.map((p) => p.name), ["Transfer"]);
  assert.equal(parsed[0].args.from, w.alice.address);
  assert.equal(parsed[0].args.to, w.bob.address);
  assert.equal(parsed[0].args.value, 250n);
  assert.equal(await token.balanceOf(w.bob.address), 250n);
  assert.equal(await token.holderCount(), 2n);
});

test("a refused transfer is caught and TransferRestricted(uint8) decoded", async () => {
  await assert.rejects(token.connect(w.alice).transfer(w.carol.address, 5), (err) => {
    const revert = revertOf(err, token);
    assert.equal(revert?.name, "TransferRestricted");
    assert.equal(revert.args[0], 7n);
    return true;
  });
  // Sent anyway (explicit gas limit, so no estimate): mined with status 0, nothing moved.
  const before = await token.balanceOf(w.alice.address);
  // The nonce from the node itself: ethers caches identical RPC answers for 250 ms, longer than a
  // block takes here, so its own lookup can return the count from before Alice's last transfer.
  const nonce = Number(await provider.send("eth_getTransactionCount", [w.alice.address, "pending"]));
  const tx = await token.connect(w.alice).transfer(w.carol.address, 5, { gasLimit: 100000, nonce });
  await assert.rejects(tx.wait(), (err) => {
    assert.equal(err.code, "CALL_EXCEPTION");
    assert.equal(err.receipt.status, 0);
    return true;
  });
  assert.equal(await token.balanceOf(w.alice.address), before);
  // The nonce was used all the same, as on Ethereum.
  assert.equal(await provider.getTransactionCount(w.alice.address), 2);
});

test("logs filter by topic through eth_getLogs", async () => {
  const toBob = await token.queryFilter(token.filters.Transfer(null, w.bob.address), 0, "latest");
  assert.equal(toBob.length, 1);
  assert.equal(toBob[0].args.value, 250n);
  const mints = await token.queryFilter(token.filters.Transfer(ethers.ZeroAddress), 0, "latest");
  assert.equal(mints.length, 1);
  const transferTopic = ethers.id("Transfer(address,address,uint256)");
  const raw = await provider.getLogs({ address: await token.getAddress(), topics: [transferTopic], fromBlock: 0, toBlock: "latest" });
  assert.equal(raw.length, 2);
  for (const log of raw) {
    assert.equal(log.topics[0], transferTopic);
    assert.equal(typeof log.blockNumber, "number");
    assert.equal(typeof log.index, "number");
  }
  const none = await provider.getLogs({ address: await token.getAddress(), topics: [ethers.id("Nothing()")], fromBlock: 0 });
  assert.equal(none.length, 0);
});

test("bad input is refused with a clear JSON-RPC error", async () => {
  await assert.rejects(provider.send("eth_sendRawTransaction", ["0x02deadbeef"]), /invalid|rlp|transaction/i);
  await assert.rejects(provider.send("no_such_method", []), /does not exist|not supported|unsupported/i);
  const res = await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
  const body = await res.json();
  assert.equal(body.error.code, -32700);
});
