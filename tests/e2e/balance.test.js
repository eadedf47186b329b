// The balance model through ethers v6 (docs/balance-model.md): shares moved between holders by
// partition and into another partition, a hold placed and executed by its notary, and a balance
// read at a checkpoint after it moved, with the events decoded from receipts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const REG_A_PLUS = 3;
const REG_S = ethers.encodeBytes32String("REG_S");
const DEFAULT = ethers.ZeroHash;

let node;
let provider;
let w; // dev wallets (addresses)
let s; // their signers, each counting its own nonces (ethers reuses a nonce read within 250 ms);
// calls expected to revert go through the plain wallets, so that no counter skips a nonce
let token;

function wallet(i) {
  return ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
}

function events(receipt) {
  return receipt.logs.map((l) => token.interface.parseLog(l)).filter((e) => e !== null);
}

function revertOf(err) {
  if (err.revert) return err.revert;
  const data = err.data ?? err.info?.error?.data ?? err.error?.data;
  assert.ok(data, `no revert data in: ${err.message}`);
  return token.interface.parseError(data);
}

async function send(p) {
  const receipt = await (await p).wait();
  assert.equal(receipt.status, 1);
  return receipt;
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
    notary: wallet(5),
    agent: wallet(6),
  };
  s = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new ethers.NonceManager(v)]));
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), s.operator);
  const receipt = await send(factory.createSecurity("Tranche Co", "TRN", 0, REG_A_PLUS, w.issuer.address, w.officer.address));
  const created = receipt.logs.map((l) => factory.interface.parseLog(l)).find((e) => e?.name === "SecurityCreated");
  const set = await factory.getSecurity(created.args.token);
  token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  const registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), s.officer);
  const de = ethers.hexlify(ethers.toUtf8Bytes("DE"));
  await send(registry.batchOnboard([w.alice.address, w.bob.address], [de, de], [0, 0], [0, 0]));
  const corporate = await token.CORPORATE_ACTION_ROLE();
  await send(token.connect(s.issuer).grantRole(corporate, w.agent.address));
});

after(async () => {
  await node?.stop();
});

test("shares move between holders by partition and into another partition", async () => {
  await send(token.connect(s.issuer).mint(w.alice.address, 1000));
  const issued = await send(token.connect(s.issuer).issueByPartition(REG_S, w.alice.address, 400, "0x"));
  assert.deepEqual(events(issued).map((e) => e.name).sort(), ["IssuedByPartition", "Transfer"]);
  assert.deepEqual([...(await token.partitionsOf(w.alice.address))], [DEFAULT, REG_S]);

  assert.equal(await token.transferByPartition.staticCall(REG_S, w.bob.address, 150, "0x", { from: w.alice.address }), REG_S);
  const moved = await send(token.connect(s.alice).transferByPartition(REG_S, w.bob.address, 150, "0xc0ffee"));
  const byPartition = events(moved).find((e) => e.name === "TransferByPartition");
  assert.equal(byPartition.args.fromPartition, REG_S);
  assert.equal(byPartition.args.from, w.alice.address);
  assert.equal(byPartition.args.to, w.bob.address);
  assert.equal(byPartition.args.value, 150n);
  assert.equal(byPartition.args.data, "0xc0ffee");
  assert.equal(await token.balanceOfByPartition(REG_S, w.bob.address), 150n);
  assert.equal(await token.balanceOf(w.bob.address), 150n);

  // More than the partition holds: canTransferByPartition says why, the transfer reverts so.
  const [status, reason, destination] = await token.canTransferByPartition(w.alice.address, w.bob.address, REG_S, 251, "0x");
  assert.equal(status, "0x52");
  assert.equal(BigInt(reason), 25n);
  assert.equal(destination, REG_S);
  await assert.rejects(token.connect(w.alice).transferByPartition(REG_S, w.bob.address, 251, "0x"), (err) => {
    const revert = revertOf(err);
    assert.equal(revert?.name, "TransferRestricted");
    assert.equal(revert.args[0], 25n);
    return true;
  });

  // The agent converts bob's REG_S shares into the default partition (a change of partition).
  const data = ethers.concat([ethers.toBeHex(ethers.MaxUint256, 32), DEFAULT]);
  const converted = await send(token.connect(s.agent).operatorTransferByPartition(REG_S, w.bob.address, w.bob.address, 150, data, "0x"));
  const changed = events(converted).find((e) => e.name === "ChangedPartition");
  assert.equal(changed.args.fromPartition, REG_S);
  assert.equal(changed.args.toPartition, DEFAULT);
  assert.equal(await token.balanceOfByPartition(DEFAULT, w.bob.address), 150n);
  assert.equal(await token.totalSupplyByPartition(REG_S), 250n);
});

test("a hold keeps shares in place until its notary executes it", async () => {
  const id = ethers.id("dvp-1");
  const expiration = BigInt((await provider.getBlock("latest")).timestamp + 3600);
  const held = await send(token.connect(s.alice).hold(id, w.bob.address, w.notary.address, 600, expiration));
  assert.equal(events(held)[0].name, "HoldCreated");
  assert.equal(await token.balanceOf(w.alice.address), 1250n);
  assert.equal(await token.balanceOnHold(w.alice.address), 600n);
  assert.equal(await token.spendableBalanceOf(w.alice.address), 650n);
  await assert.rejects(token.connect(w.alice).transfer(w.bob.address, 651), (err) => {
    assert.equal(revertOf(err).args[0], 15n);
    return true;
  });
  await assert.rejects(token.connect(w.bob).executeHold(id), (err) => {
    assert.equal(revertOf(err)?.name, "NotHoldNotary");
    return true;
  });
  const executed = await send(token.connect(s.notary).executeHold(id));
  const names = events(executed).map((e) => e.name);
  assert.ok(names.includes("HoldExecuted") && names.includes("Transfer") && names.includes("TransferByPartition"), names.join());
  const data = await token.retrieveHoldData(id);
  assert.equal(data.status, 2n);
  assert.equal(await token.balanceOnHold(w.alice.address), 0n);
  assert.equal(await token.balanceOf(w.bob.address), 750n);
});

test("a balance is read at a checkpoint after it moved", async () => {
  assert.equal(await token.connect(s.agent).snapshot.staticCall(), 1n);
  const taken = await send(token.connect(s.agent).snapshot());
  assert.equal(events(taken)[0].name, "Snapshot");
  assert.equal(events(taken)[0].args.id, 1n);
  await send(token.connect(s.alice).transfer(w.bob.address, 500));
  await send(token.connect(s.issuer).mint(w.alice.address, 10));
  assert.equal(await token.balanceOf(w.alice.address), 160n);
  assert.equal(await token.balanceOfAt(w.alice.address, 1), 650n);
  assert.equal(await token.balanceOfAt(w.bob.address, 1), 750n);
  assert.equal(await token.totalSupplyAt(1), 1400n);
  assert.equal(await token.balanceOfByPartitionAt(REG_S, w.alice.address, 1), 250n);
  assert.equal(await token.totalSupply(), 1410n);
  await assert.rejects(token.balanceOfAt(w.alice.address, 2), (err) => {
    assert.equal(revertOf(err)?.name, "SnapshotIdInvalid");
    return true;
  });
});
