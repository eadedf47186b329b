// A dividend round through ethers v6 (docs/dividends.md): a payment token and a distributor made
// by the factory, a record date, a round funded into its own escrow, a claim, a push payment by
// the paying agent, a reclaim after the deadline (evm_increaseTime), each read from its events.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, startNode, devWallet, mined as send, eventsOf as parsed, revertOf } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const REG_A_PLUS = 3;

let node;
let provider;
let w; // dev wallets
let s; // their nonce-managed signers
let factory;
let token;
let usd;
let dist;

function wallet(i) {
  return devWallet(i, provider);
}

before(async () => {
  node = await startNode();
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  w = { operator: wallet(0), issuer: wallet(1), officer: wallet(2), alice: wallet(3), bob: wallet(4), agent: wallet(5), tax: wallet(6) };
  s = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new ethers.NonceManager(v)]));
  factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), s.operator);
  const created = await send(factory.createSecurity("Dividend Co", "DVD", 0, REG_A_PLUS, w.issuer.address, w.officer.address));
  const sec = parsed(created, factory).find((e) => e.name === "SecurityCreated");
  const set = await factory.getSecurity(sec.args.token);
  token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  const registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), s.officer);
  const us = ethers.hexlify(ethers.toUtf8Bytes("US"));
  const de = ethers.hexlify(ethers.toUtf8Bytes("DE"));
  await send(registry.batchOnboard([w.alice.address, w.bob.address], [us, de], [0, 0], [0, 0]));
  await send(token.connect(s.issuer).mint(w.alice.address, 700));
  await send(token.connect(s.issuer).mint(w.bob.address, 300));
  await send(token.connect(s.issuer).grantRole(await token.DIVIDEND_ADMIN_ROLE(), w.agent.address));
});

after(async () => {
  await node?.stop();
});

test("the factory makes a payment token and a distributor, each announced by an event", async () => {
  const t = await send(factory.createPaymentToken("US Dollar", "USD", 2, w.agent.address));
  const made = parsed(t, factory).find((e) => e.name === "PaymentTokenCreated");
  assert.equal(made.args.symbol, "USD");
  assert.equal(made.args.decimals, 2n);
  usd = new ethers.Contract(made.args.token, abi("PaymentToken"), provider);
  assert.equal(await usd.decimals(), 2n);
  const d = await send(factory.connect(s.issuer).createDividendDistributor(token.target, w.tax.address));
  const dm = parsed(d, factory).find((e) => e.name === "DividendDistributorCreated");
  assert.equal(dm.args.security, token.target);
  dist = new ethers.Contract(dm.args.distributor, abi("DividendDistributor"), provider);
  assert.equal(await dist.withholdingAccount(), w.tax.address);
  await send(usd.connect(s.agent).mint(w.agent.address, 1_000_000));
  await send(usd.connect(s.agent).approve(dist.target, ethers.MaxUint256));
  await send(dist.connect(s.agent).setWithholdingRate(ethers.hexlify(ethers.toUtf8Bytes("DE")), 1500));
});

test("a round: create, claim, push-pay, reclaim after the deadline", async () => {
  await send(token.connect(s.agent).snapshot());
  const checkpoint = await token.currentSnapshotId();
  // After the record date alice sells to bob: the round still pays 700 / 300.
  await send(token.connect(s.alice).transfer(w.bob.address, 500));
  const deadline = BigInt((await provider.getBlock("latest")).timestamp + 3600);
  const created = await send(dist.connect(s.agent).createDividend(usd.target, 10_001, checkpoint, deadline, ethers.id("board-7")));
  const round = parsed(created, dist).find((e) => e.name === "DividendCreated");
  assert.equal(round.args.roundId, 1n);
  assert.equal(round.args.eligibleSupply, 1000n);
  assert.equal(await usd.balanceOf(round.args.escrow), 10_001n);

  const claimed = await send(dist.connect(s.alice).claim(1));
  const paid = parsed(claimed, dist).find((e) => e.name === "DividendPaid");
  assert.equal(paid.args.holder, w.alice.address);
  assert.equal(paid.args.shares, 700n);
  assert.equal(paid.args.gross, 7000n);
  assert.equal(paid.args.withheld, 0n);
  assert.equal(paid.args.net, 7000n);
  assert.equal(ethers.toUtf8String(paid.args.jurisdiction), "US");

  const pushed = await send(dist.connect(s.agent).pushPayments(1, [w.alice.address, w.bob.address]));
  const bobPaid = parsed(pushed, dist).filter((e) => e.name === "DividendPaid");
  assert.equal(bobPaid.length, 1);
  assert.equal(bobPaid[0].args.holder, w.bob.address);
  assert.equal(bobPaid[0].args.shares, 300n);
  assert.equal(bobPaid[0].args.gross, 3000n);
  assert.equal(bobPaid[0].args.withheld, 450n);
  assert.equal(bobPaid[0].args.net, 2550n);
  assert.equal(bobPaid[0].args.withholdingAccount, w.tax.address);
  assert.equal(await usd.balanceOf(w.tax.address), 450n);

  await assert.rejects(dist.connect(w.agent).reclaim.staticCall(1), (err) => {
    assert.equal(revertOf(err, dist).name, "DividendClaimWindowOpen");
    return true;
  });
  await provider.send("evm_increaseTime", [3601]);
  await provider.send("evm_mine", []);
  const reclaimed = await send(dist.connect(s.agent).reclaim(1));
  const closed = parsed(reclaimed, dist).find((e) => e.name === "DividendReclaimed");
  assert.equal(closed.args.reclaimed, 1n); // the flooring dust
  assert.equal(closed.args.paid + closed.args.withheld + closed.args.reclaimed, 10_001n);
  assert.equal(await usd.balanceOf(round.args.escrow), 0n);
  await assert.rejects(dist.connect(w.alice).claim.staticCall(1), (err) => {
    assert.equal(revertOf(err, dist).name, "DividendRoundClosed");
    return true;
  });
});

test("a round by partition pays one share class only (rules version 7)", async () => {
  const classB = ethers.encodeBytes32String("CLASS_B");
  await send(token.connect(s.issuer).issueByPartition(classB, w.bob.address, 200, "0x"));
  await send(token.connect(s.agent).snapshot());
  const checkpoint = await token.currentSnapshotId();
  const deadline = BigInt((await provider.getBlock("latest")).timestamp + 3600);
  const created = await send(dist.connect(s.agent).createDividendByPartition(classB, usd.target, 1000, checkpoint, deadline, ethers.id("board-8")));
  const events = parsed(created, dist);
  const round = events.find((e) => e.name === "DividendCreated");
  assert.equal(round.args.roundId, 2n);
  assert.equal(round.args.eligibleSupply, 200n); // the class's shares, not the security's 1200
  const byPartition = events.find((e) => e.name === "DividendPartitionCreated");
  assert.equal(byPartition.args.roundId, 2n);
  assert.equal(byPartition.args.partition, classB);
  const [isByPartition, partition] = await dist.dividendPartition(2);
  assert.equal(isByPartition, true);
  assert.equal(partition, classB);
  assert.deepEqual([...(await dist.dividendPartition(1))], [false, ethers.ZeroHash]);

  // alice holds only common shares: nothing from a CLASS_B round.
  await assert.rejects(dist.connect(w.alice).claim.staticCall(2), (err) => {
    assert.equal(revertOf(err, dist).name, "NothingToClaim");
    return true;
  });
  const claimed = await send(dist.connect(s.bob).claim(2));
  const paid = parsed(claimed, dist).find((e) => e.name === "DividendPaid");
  assert.equal(paid.args.shares, 200n);
  assert.equal(paid.args.eligibleSupply, 200n);
  assert.equal(paid.args.gross, 1000n);
  assert.equal(paid.args.withheld, 150n);
  assert.equal(paid.args.net, 850n);
});
