// A 3-for-2 split through ethers v6 (docs/balance-model.md, "Splits"): the Split and
// CorporateAction events read from the receipt, every balance and the supply rescaled with
// floors, the fractional share readable for cash in lieu, a record date before the split still
// reading pre-split shares, and whole-share transfers afterwards.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, startNode, devWallet, mined as send } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const REG_A_PLUS = 3; // no holding period: transfers right after issuance

let node;
let provider;
let w;
let s;
let token;

function wallet(i) {
  return devWallet(i, provider);
}

before(async () => {
  node = await startNode();
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  w = { operator: wallet(0), issuer: wallet(1), officer: wallet(2), alice: wallet(3), bob: wallet(4), agent: wallet(6) };
  s = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new ethers.NonceManager(v)]));
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), s.operator);
  const receipt = await send(factory.createSecurity("Split Co", "SPL", 0, REG_A_PLUS, w.issuer.address, w.officer.address));
  const created = receipt.logs.map((l) => factory.interface.parseLog(l)).find((e) => e?.name === "SecurityCreated");
  const set = await factory.getSecurity(created.args.token);
  token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  const registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), s.officer);
  const us = ethers.hexlify(ethers.toUtf8Bytes("US"));
  await send(registry.batchOnboard([w.alice.address, w.bob.address], [us, us], [1, 1], [0, 0]));
  await send(token.connect(s.issuer).grantRole(await token.CORPORATE_ACTION_ROLE(), w.agent.address));
  await send(token.connect(s.issuer).mint(w.alice.address, 1001));
  await send(token.connect(s.issuer).mint(w.bob.address, 15));
});

after(async () => {
  await node?.stop();
});

test("a 3-for-2 split read through its events, balances and checkpoints", async () => {
  await send(token.connect(s.agent).snapshot());
  const record = await token.currentSnapshotId();
  const doc = ethers.id("board resolution");
  // Refused without the role: nothing changes.
  const reverts = (name) => (e) => {
    assert.ok(String(e.data ?? e.message).includes(token.interface.getError(name).selector.slice(2)), e.message);
    return true;
  };
  await assert.rejects(token.connect(w.bob).split(3, 2, "board", doc), reverts("AccessControlUnauthorizedAccount"));
  await assert.rejects(token.connect(w.agent).split(6, 4, "board", doc), reverts("SplitRatioInvalid"));
  const receipt = await send(token.connect(s.agent).split(3, 2, "board", doc));
  const events = receipt.logs.map((l) => token.interface.parseLog(l)).filter((e) => e !== null);
  const split = events.find((e) => e.name === "Split");
  assert.equal(split.args.splitId, 1n);
  assert.equal(split.args.numerator, 3n);
  assert.equal(split.args.denominator, 2n);
  assert.equal(split.args.supplyBefore, 1016n);
  assert.equal(split.args.supplyAfter, 1501n + 22n);
  const action = events.find((e) => e.name === "CorporateAction");
  assert.equal(ethers.decodeBytes32String(action.args.action), "SPLIT");
  assert.equal(events.filter((e) => e.name === "Transfer").length, 0);

  assert.equal(await token.splitCount(), 1n);
  assert.equal(await token.balanceOf(w.alice.address), 1501n);
  assert.equal(await token.balanceOf(w.bob.address), 22n);
  assert.equal(await token.totalSupply(), 1523n);
  const [num, den] = await token.fractionalSharesOf(w.bob.address, 1);
  assert.deepEqual([num, den], [1n, 2n]);
  // The record date before the split reads pre-split shares.
  assert.equal(await token.balanceOfAt(w.alice.address, record), 1001n);
  assert.equal(await token.totalSupplyAt(record), 1016n);

  await send(token.connect(s.alice).transfer(w.bob.address, 1));
  assert.equal(await token.balanceOf(w.bob.address), 23n);
  assert.equal(await token.balanceOf(w.alice.address), 1500n);
  assert.equal(await token.balanceOfAt(w.alice.address, record), 1001n);
  const at = await token.splitAt(1);
  assert.equal(at.supplyAfter, 1523n);
});
