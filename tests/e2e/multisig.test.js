// A 2-of-3 multisig administering a security, through ethers v6 (docs/multisig.md): the factory
// makes the multisig and a security whose admin roles it holds; two owners' keys confirm and
// execute an issuance and a seizure, each step read from the Gnosis-style events; one owner alone
// and an outsider are refused with the wallet's custom errors.
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
let wallet; // the multisig
let token;


async function refused(p, contract, name) {
  try {
    await (await p).wait();
  } catch (err) {
    const e = revertOf(err, contract);
    assert.equal(e.name, name);
    return e;
  }
  assert.fail(`expected ${name}`);
}

// Refused calls are sent from the plain wallets (w.*): a refusal at estimation uses no nonce,
// which a NonceManager (s.*) would have counted.

// Submits a call of `target` by `submitter`; returns its transaction id, read from Submission.
async function submit(submitter, target, data) {
  const r = await send(wallet.connect(submitter)["submitTransaction(address,bytes)"](target, data));
  const events = parsed(r, wallet);
  const submission = events.find((e) => e.name === "Submission");
  const confirmation = events.find((e) => e.name === "Confirmation");
  assert.equal(confirmation.args.transactionId, submission.args.transactionId);
  return submission.args.transactionId;
}

before(async () => {
  node = await startNode();
  // cacheTimeout -1: ethers otherwise answers an identical request made within 250 ms from its cache
  // (alice's refused estimate of executeTransaction(0), then the same estimate once bob confirmed).
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  w = { operator: devWallet(0, provider), officer: devWallet(2, provider), alice: devWallet(3, provider), bob: devWallet(4, provider), carol: devWallet(5, provider), dave: devWallet(6, provider), court: devWallet(7, provider), mallory: devWallet(8, provider) };
  s = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new ethers.NonceManager(v)]));
  factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), s.operator);
});

after(async () => {
  await node?.stop();
});

test("the factory makes a 2-of-3 multisig and a security it alone administers", async () => {
  const owners = [w.alice.address, w.bob.address, w.carol.address];
  const r = await send(factory.createMultisig(owners, 2));
  const made = parsed(r, factory).find((e) => e.name === "MultisigCreated");
  assert.deepEqual([...made.args.owners], owners);
  assert.equal(made.args.required, 2n);
  wallet = new ethers.Contract(made.args.multisig, abi("MultisigAdmin"), provider);
  assert.deepEqual([...(await wallet.getOwners())], owners);
  assert.equal(await wallet.required(), 2n);
  const added = parsed(r, wallet).filter((e) => e.name === "OwnerAddition").map((e) => e.args.owner);
  assert.deepEqual(added, owners);

  const c = await send(factory.createSecurityWithMultisig("Board Co", "BRDC", 0, REG_A_PLUS, wallet.target, w.officer.address));
  const sec = parsed(c, factory).find((e) => e.name === "SecurityCreated");
  assert.equal(sec.args.admin, wallet.target);
  const set = await factory.getSecurity(sec.args.token);
  token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  for (const role of ["DEFAULT_ADMIN_ROLE", "MINTER_ROLE", "CORPORATE_ACTION_ROLE", "DIVIDEND_ADMIN_ROLE", "DOCUMENT_ADMIN_ROLE"]) {
    const id = await token[role]();
    assert.equal(await token.hasRole(id, wallet.target), true, role);
    assert.equal(await token.hasRole(id, w.alice.address), false, role);
    assert.equal(await token.hasRole(id, w.operator.address), false, role);
  }
  const registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), s.officer);
  const us = ethers.hexlify(ethers.toUtf8Bytes("US"));
  await send(registry.batchOnboard([w.dave.address], [us], [0], [0]));
});

test("an issuance runs only after a second owner confirms", async () => {
  const data = token.interface.encodeFunctionData("mint", [w.dave.address, 1000]);
  await refused(token.connect(w.alice).mint(w.dave.address, 1000), token, "AccessControlUnauthorizedAccount");
  const id = await submit(s.alice, token.target, data);
  assert.equal(id, 0n);
  const short = await refused(wallet.connect(w.alice).executeTransaction(id), wallet, "MultisigThresholdNotReached");
  assert.deepEqual([short.args.confirmations, short.args.required], [1n, 2n]);
  const c = await send(wallet.connect(s.bob).confirmTransaction(id));
  const conf = parsed(c, wallet).find((e) => e.name === "Confirmation");
  assert.equal(conf.args.sender, w.bob.address);
  assert.equal(await wallet.isConfirmed(id), true);
  const x = await send(wallet.connect(s.alice).executeTransaction(id));
  assert.equal(parsed(x, wallet).find((e) => e.name === "Execution").args.transactionId, id);
  const minted = parsed(x, token).find((e) => e.name === "Transfer");
  assert.equal(minted.args.to, w.dave.address);
  assert.equal(minted.args.value, 1000n);
  assert.equal(await token.balanceOf(w.dave.address), 1000n);
  await refused(wallet.connect(w.bob).executeTransaction(id), wallet, "MultisigAlreadyExecuted");
});

test("a seizure confirmed and executed from two owners' keys, read from the events", async () => {
  const doc = ethers.keccak256(ethers.toUtf8Bytes("COURT-ORDER-9"));
  const data = token.interface.encodeFunctionData("seize", [w.dave.address, w.court.address, 250, "court order 9", doc]);
  await refused(wallet.connect(w.mallory)["submitTransaction(address,bytes)"](token.target, data), wallet, "NotMultisigOwner");
  const id = await submit(s.carol, token.target, data);
  await refused(wallet.connect(w.mallory).confirmTransaction(id), wallet, "NotMultisigOwner");
  const tx = await wallet.transactions(id);
  assert.equal(tx.destination, token.target);
  assert.equal(tx.data, data);
  assert.equal(tx.executed, false);
  await send(wallet.connect(s.bob).confirmTransaction(id));
  assert.deepEqual([...(await wallet.getConfirmations(id))], [w.bob.address, w.carol.address]);
  const x = await send(wallet.connect(s.bob).executeTransaction(id));
  const moved = parsed(x, token).find((e) => e.name === "Transfer");
  assert.deepEqual([moved.args.from, moved.args.to, moved.args.value], [w.dave.address, w.court.address, 250n]);
  const action = parsed(x, token).find((e) => e.name === "CorporateAction");
  assert.equal(action.args.operator, wallet.target);
  assert.equal(action.args.documentRef, doc);
  assert.equal(parsed(x, wallet).at(-1).name, "Execution");
  assert.equal((await wallet.transactions(id)).executed, true);
  assert.equal(await token.balanceOf(w.court.address), 250n);
  assert.equal(await wallet.getTransactionCount(false, true), 2n);
});

test("a failed call reverts with the target's error and stays pending", async () => {
  const doc = ethers.keccak256(ethers.toUtf8Bytes("COURT-ORDER-10"));
  const data = token.interface.encodeFunctionData("seize", [w.dave.address, w.court.address, 10_000, "court order 10", doc]);
  const id = await submit(s.alice, token.target, data);
  await send(wallet.connect(s.carol).confirmTransaction(id));
  await refused(wallet.connect(w.alice).executeTransaction(id), token, "ERC20InsufficientBalance");
  assert.equal((await wallet.transactions(id)).executed, false);
});
