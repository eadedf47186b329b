// A 3-for-2 split through ethers v6 (docs/balance-model.md, "Splits"): the Split and
// CorporateAction events read from the receipt, every balance and the supply rescaled with
// floors, the fractional share readable for cash in lieu, a record date before the split still
// reading pre-split shares, and whole-share transfers afterwards; then the split's cash in lieu
// (docs/dividends.md, "Cash in lieu"): a funded round, a claim, the paying agent's push and the
// reclaim of the dust after the deadline, each read from its events.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, startNode, devWallet, mined as send, eventsOf, revertOf } from "./node.js";

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
  w = { operator: wallet(0), issuer: wallet(1), officer: wallet(2), alice: wallet(3), bob: wallet(4), agent: wallet(6), tax: wallet(7) };
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

test("the split's cash in lieu: funded round, claim, push, reclaim of the dust", async () => {
  // alice's 1001 and bob's 15 each lost half a share at split 1: Σ = 1016 × 3 − 1523 × 2 = 2 halves.
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), s.operator);
  const t = await send(factory.createPaymentToken("US Dollar", "USD", 2, w.agent.address));
  const usd = new ethers.Contract(eventsOf(t, factory).find((e) => e.name === "PaymentTokenCreated").args.token, abi("PaymentToken"), provider);
  const d = await send(factory.connect(s.issuer).createDividendDistributor(token.target, w.tax.address));
  const distAddress = eventsOf(d, factory).find((e) => e.name === "DividendDistributorCreated").args.distributor;
  const dist = new ethers.Contract(distAddress, abi("DividendDistributor"), provider);
  await send(token.connect(s.issuer).grantRole(await token.DIVIDEND_ADMIN_ROLE(), w.agent.address));
  await send(usd.connect(s.agent).mint(w.agent.address, 1_000_000));
  await send(usd.connect(s.agent).approve(dist.target, ethers.MaxUint256));
  const deadline = BigInt((await provider.getBlock("latest")).timestamp + 3600);
  const ref = ethers.id("board: cash in lieu");

  await assert.rejects(dist.connect(w.bob).createCashInLieu.staticCall(1, usd.target, 1001, deadline, ref), (err) => {
    assert.equal(revertOf(err, dist).name, "AccessControlUnauthorizedAccount");
    return true;
  });
  await assert.rejects(dist.connect(w.agent).createCashInLieu.staticCall(2, usd.target, 1001, deadline, ref), (err) => {
    assert.equal(revertOf(err, dist).name, "SplitNotFound");
    return true;
  });
  // $10.01 a share: funded floor(1001 × 2 / 2) = 1001, each half pays floor(1001 / 2) = 500.
  const created = await send(dist.connect(s.agent).createCashInLieu(1, usd.target, 1001, deadline, ref));
  const round = eventsOf(created, dist).find((e) => e.name === "CashInLieuCreated");
  assert.equal(round.args.roundId, 1n);
  assert.equal(round.args.splitId, 1n);
  assert.equal(round.args.pricePerShare, 1001n);
  assert.equal(round.args.fractionNumerator, 2n);
  assert.equal(round.args.fractionDenominator, 2n);
  assert.equal(round.args.amount, 1001n);
  assert.equal(await usd.balanceOf(round.args.escrow), 1001n);
  assert.equal(await dist.cashInLieuRound(1), 1n);
  assert.deepEqual([...(await dist.cashInLieuDue(1, w.bob.address))], [1n, 2n, 500n]);
  await assert.rejects(dist.connect(w.agent).createCashInLieu.staticCall(1, usd.target, 1001, deadline, ref), (err) => {
    const e = revertOf(err, dist);
    assert.equal(e.name, "CashInLieuExists");
    assert.deepEqual([...e.args], [1n, 1n]);
    return true;
  });

  // alice sold a share after the split: she is still the holder of record at it.
  const claimed = await send(dist.connect(s.alice).claim(1));
  const events = eventsOf(claimed, dist);
  assert.equal(events.filter((e) => e.name === "DividendPaid").length, 0); // not a dividend (1099-B)
  const paid = events.find((e) => e.name === "CashInLieuPaid");
  assert.deepEqual([paid.args.roundId, paid.args.splitId, paid.args.holder], [1n, 1n, w.alice.address]);
  assert.deepEqual([paid.args.fractionNumerator, paid.args.fractionDenominator, paid.args.amount], [1n, 2n, 500n]);
  assert.equal(await usd.balanceOf(w.alice.address), 500n);

  const pushed = await send(dist.connect(s.agent).pushPayments(1, [w.alice.address, w.bob.address]));
  const bobPaid = eventsOf(pushed, dist).filter((e) => e.name === "CashInLieuPaid");
  assert.equal(bobPaid.length, 1);
  assert.equal(bobPaid[0].args.holder, w.bob.address);
  assert.equal(await usd.balanceOf(w.tax.address), 0n); // nothing withheld
  await assert.rejects(dist.connect(w.bob).claim.staticCall(1), (err) => {
    assert.equal(revertOf(err, dist).name, "DividendAlreadyClaimed");
    return true;
  });

  await assert.rejects(dist.connect(w.agent).reclaim.staticCall(1), (err) => {
    assert.equal(revertOf(err, dist).name, "DividendClaimWindowOpen");
    return true;
  });
  await provider.send("evm_increaseTime", [3601]);
  await provider.send("evm_mine", []);
  const reclaimed = await send(dist.connect(s.agent).reclaim(1));
  const closed = eventsOf(reclaimed, dist).find((e) => e.name === "DividendReclaimed");
  assert.equal(closed.args.reclaimed, 1n); // the flooring dust
  assert.equal(closed.args.paid + closed.args.withheld + closed.args.reclaimed, 1001n);
  assert.equal(await usd.balanceOf(round.args.escrow), 0n);
  assert.equal(await usd.balanceOf(w.agent.address), 1_000_000n - 1000n);
});
