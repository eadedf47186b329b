// stoa driven through T-REX's own ABIs (issue 13, item 3): after the one stoa-specific set-up
// (SecurityFactory.createSecurity, IdentityFactory identities and registry), every call and every
// decoded event uses the artifacts of @tokenysolutions/t-rex (Token, IdentityRegistry,
// ClaimTopicsRegistry, ModularCompliance) and @onchain-id/solidity (IIdentity), as a T-REX
// dashboard would. Covers issuance, verification, one jurisdiction (a country registered through
// ERC-3643 satisfies the Reg A+ preset's required jurisdiction), agents' freeze, pause and forced
// transfer, recovery, Ownable, and (rules V6) the proxy initializers, setName / setSymbol,
// callModuleFunction and ONCHAINID's execute / approve.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const require = createRequire(import.meta.url);
const trex = (p) => require(`@tokenysolutions/t-rex/artifacts/contracts/${p}`).abi;
const TOKEN = trex("token/Token.sol/Token.json");
const IR = trex("registry/implementation/IdentityRegistry.sol/IdentityRegistry.json");
const CTR = trex("registry/implementation/ClaimTopicsRegistry.sol/ClaimTopicsRegistry.json");
const MC = trex("compliance/modular/ModularCompliance.sol/ModularCompliance.json");
const IIDENTITY = require("@onchain-id/solidity/artifacts/contracts/interface/IIdentity.sol/IIdentity.json").abi;

const FACTORY = "0x5704000000000000000000000000000000000001";
const IDENTITY_FACTORY = "0x5704000000000000000000000000000000000002";
const REG_A_PLUS = 3;
const USA = 840;

let node;
let provider;
let w;
let token; // T-REX Token ABI
let ir; // T-REX IdentityRegistry ABI
let ids = {};
let created; // the createSecurity receipt

function wallet(i) {
  const base = ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
  const signer = new ethers.NonceManager(base);
  signer.address = base.address;
  return signer;
}

// The events of a receipt decoded with a T-REX interface (logs of other contracts skipped).
function events(receipt, iface, address) {
  return receipt.logs
    .filter((l) => l.address.toLowerCase() === address.toLowerCase())
    .map((l) => iface.parseLog(l))
    .filter(Boolean);
}

before(async () => {
  node = await startNode();
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  w = { operator: wallet(0), issuer: wallet(1), officer: wallet(2), agent: wallet(3), alice: wallet(4), bob: wallet(5), alice2: wallet(6) };
  // The stoa-specific set-up: a Reg A+ security, its identity registry, investors' identities,
  // identity-based eligibility.
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), w.operator);
  const set = await factory.createSecurity.staticCall("Trex Equity", "TRXE", 0, REG_A_PLUS, w.issuer.address, w.officer.address);
  created = await (await factory.createSecurity("Trex Equity", "TRXE", 0, REG_A_PLUS, w.issuer.address, w.officer.address)).wait();
  const s = await factory.getSecurity(set);
  const idFactory = new ethers.Contract(IDENTITY_FACTORY, abi("IdentityFactory"), w.issuer);
  await (await idFactory.createIdentityRegistry(s.token, ethers.ZeroAddress)).wait();
  for (const who of ["alice", "bob"]) {
    await (await idFactory.connect(w.operator).createIdentity(w[who].address)).wait();
    ids[who] = await idFactory.getIdentity(w[who].address);
  }
  await (await new ethers.Contract(s.token, abi("SecurityToken"), w.issuer).setEligibilityMode(1)).wait();

  token = new ethers.Contract(s.token, TOKEN, w.issuer);
  ir = new ethers.Contract(await token.identityRegistry(), IR, w.issuer);
});

after(async () => {
  await node?.stop();
});

test("Ownable and the ModularCompliance view answer with T-REX's ABI", async () => {
  assert.equal(await token.owner(), w.issuer.address);
  assert.equal(await ir.owner(), w.issuer.address);
  const compliance = new ethers.Contract(await token.compliance(), MC, provider);
  assert.equal(await compliance.getTokenBound(), await token.getAddress());
  const modules = await compliance.getModules();
  assert.equal(modules.length, 2, "the preset's LockupModule and JurisdictionModule");
  assert.equal(await compliance.isModuleBound(modules[1]), true);
  assert.equal(await compliance.isModuleBound(w.bob.address), false);
  const rcpt = await (await compliance.connect(w.issuer).bindToken(await token.getAddress())).wait();
  assert.deepEqual(events(rcpt, compliance.interface, await compliance.getAddress()).map((e) => e.name), ["TokenBound"]);
  await assert.rejects(() => compliance.connect(w.issuer).bindToken.staticCall(w.bob.address));
  assert.equal(await token.name(), "Trex Equity");
  assert.equal(await token.decimals(), 0n);
});

test("agents are added with T-REX's ABI and the registry agent registers investors", async () => {
  const r1 = await (await token.addAgent(w.agent.address)).wait();
  assert.deepEqual(events(r1, token.interface, await token.getAddress()).map((e) => e.name), ["AgentAdded"]);
  assert.equal(await token.isAgent(w.agent.address), true);
  await (await ir.addAgent(w.agent.address)).wait();
  assert.equal(await ir.isAgent(w.agent.address), true);
  // No required claim topics: verified once registered (as T-REX's isVerified).
  const ctr = new ethers.Contract(await ir.topicsRegistry(), CTR, w.issuer);
  for (const t of await ctr.getClaimTopics()) await (await ctr.removeClaimTopic(t)).wait();
  const agentIr = ir.connect(w.agent);
  const rcpt = await (await agentIr.batchRegisterIdentity([w.alice.address, w.bob.address], [ids.alice, ids.bob], [USA, USA])).wait();
  const names = events(rcpt, ir.interface, await ir.getAddress()).map((e) => e.name);
  assert.deepEqual(names, ["IdentityRegistered", "IdentityRegistered"]);
  assert.equal(await ir.isVerified(w.alice.address), true);
  assert.equal(await ir.investorCountry(w.bob.address), BigInt(USA));
  assert.equal(await ir.identity(w.alice.address), ids.alice);
});

test("issuance and a transfer pass the required jurisdiction from the ERC-3643 country alone", async () => {
  const rcpt = await (await token.mint(w.alice.address, 100)).wait();
  const [t] = events(rcpt, token.interface, await token.getAddress());
  assert.equal(t.name, "Transfer");
  assert.equal(t.args.to, w.alice.address);
  await (await token.connect(w.alice).transfer(w.bob.address, 10)).wait();
  assert.equal(await token.balanceOf(w.bob.address), 10n);
  const compliance = new ethers.Contract(await token.compliance(), MC, provider);
  assert.equal(await compliance.canTransfer(w.alice.address, w.bob.address, 1), true);
});

test("the agent freezes, pauses and forces with T-REX's functions", async () => {
  const agentToken = token.connect(w.agent);
  const f = await (await agentToken.setAddressFrozen(w.bob.address, true)).wait();
  const [frozen] = events(f, token.interface, await token.getAddress());
  assert.equal(frozen.name, "AddressFrozen");
  assert.equal(frozen.args._isFrozen, true);
  assert.equal(await token.isFrozen(w.bob.address), true);
  await assert.rejects(() => token.connect(w.alice).transfer.staticCall(w.bob.address, 1));
  await (await agentToken.setAddressFrozen(w.bob.address, false)).wait();
  await (await agentToken.freezePartialTokens(w.alice.address, 5)).wait();
  assert.equal(await token.getFrozenTokens(w.alice.address), 5n);
  await (await agentToken.unfreezePartialTokens(w.alice.address, 5)).wait();

  await (await agentToken.pause()).wait();
  assert.equal(await token.paused(), true);
  await (await agentToken.unpause()).wait();

  const fr = await (await agentToken.forcedTransfer(w.bob.address, w.alice.address, 4)).wait();
  assert.ok(events(fr, token.interface, await token.getAddress()).some((e) => e.name === "Transfer" && e.args.value === 4n));
  assert.equal(await token.balanceOf(w.bob.address), 6n);
  await (await agentToken.batchForcedTransfer([w.bob.address], [w.alice.address], [1])).wait();
  assert.equal(await token.balanceOf(w.bob.address), 5n);
});

test("recovery moves balance, identity and jurisdiction: the new wallet sends at once", async () => {
  // The investor makes the new wallet a management key of its ONCHAINID identity.
  const identity = new ethers.Contract(ids.alice, IIDENTITY, w.alice);
  const key = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [w.alice2.address]));
  await (await identity.addKey(key, 1, 1)).wait();
  assert.equal(await identity.keyHasPurpose(key, 1), true);
  const purposes = await identity.getKeyPurposes(key);
  assert.deepEqual([...purposes], [1n]);

  const balance = await token.balanceOf(w.alice.address);
  const rcpt = await (await token.connect(w.agent).recoveryAddress(w.alice.address, w.alice2.address, ids.alice)).wait();
  const names = events(rcpt, token.interface, await token.getAddress()).map((e) => e.name);
  assert.ok(names.includes("RecoverySuccess"), names.join(","));
  assert.equal(await token.balanceOf(w.alice2.address), balance);
  assert.equal(await token.balanceOf(w.alice.address), 0n);
  assert.equal(await ir.isVerified(w.alice2.address), true);
  assert.equal(await ir.investorCountry(w.alice2.address), BigInt(USA));
  await (await token.connect(w.alice2).transfer(w.bob.address, 1)).wait();
  await (await token.connect(w.bob).transfer(w.alice2.address, 1)).wait();
});

test("UpdatedTokenInformation decodes with T-REX's indexing; ownership moves", async () => {
  const rcpt = await (await token.setOnchainID(ids.bob)).wait();
  const [info] = events(rcpt, token.interface, await token.getAddress());
  assert.equal(info.name, "UpdatedTokenInformation");
  assert.equal(info.args._newOnchainID, ids.bob);
  assert.equal(info.args._newDecimals, 0n);
  assert.equal(info.args._newName.hash, ethers.id("Trex Equity"));
  assert.equal(await token.onchainID(), ids.bob);

  const t = await (await token.transferOwnership(w.operator.address)).wait();
  const [moved] = events(t, token.interface, await token.getAddress()).filter((e) => e.name === "OwnershipTransferred");
  assert.equal(moved.args.previousOwner, w.issuer.address);
  assert.equal(moved.args.newOwner, w.operator.address);
  assert.equal(await token.owner(), w.operator.address);
  await assert.rejects(() => token.transferOwnership.staticCall(w.issuer.address));
});

test("initialized proxies, setName / setSymbol and callModuleFunction with T-REX's ABI", async () => {
  // Created by the factory as T-REX's proxies are initialized: Initialized(1), and init refused.
  const tokenAddress = await token.getAddress();
  const init = events(created, token.interface, tokenAddress).filter((e) => e.name === "Initialized");
  assert.deepEqual(init.map((e) => e.args.version), [1n]);
  await assert.rejects(
    () => token.init.staticCall(ethers.ZeroAddress, ethers.ZeroAddress, "x", "x", 0, ethers.ZeroAddress),
    /Initializable: contract is already initialized/,
  );
  const compliance = new ethers.Contract(await token.compliance(), MC, w.operator);
  await assert.rejects(() => compliance.init.staticCall(), /Initializable: contract is already initialized/);
  await assert.rejects(() => ir.init.staticCall(ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress), /already initialized/);

  // The owner (the operator since the ownership test) renames the token.
  const owner = token.connect(w.operator);
  const named = await (await owner.setName("Trex Equity A")).wait();
  const [info] = events(named, token.interface, tokenAddress);
  assert.equal(info.name, "UpdatedTokenInformation");
  assert.equal(info.args._newName.hash, ethers.id("Trex Equity A"));
  assert.equal(info.args._newSymbol.hash, ethers.id("TRXE"));
  const sym = await (await owner.setSymbol("TRXA")).wait();
  assert.equal(events(sym, token.interface, tokenAddress)[0].args._newSymbol.hash, ethers.id("TRXA"));
  assert.equal(await token.name(), "Trex Equity A");
  assert.equal(await token.symbol(), "TRXA");
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), provider);
  assert.equal(await factory.securityBySymbol("TRXA"), tokenAddress);
  assert.equal(await factory.securityBySymbol("TRXE"), ethers.ZeroAddress);
  await assert.rejects(() => token.connect(w.bob).setName.staticCall("Mine"));

  // callModuleFunction: the owner sets the LockupModule's holding period through the compliance.
  const [lockup] = await compliance.getModules();
  const module = new ethers.Contract(lockup, abi("LockupModule"), provider);
  const data = module.interface.encodeFunctionData("setHoldingPeriod", [3600]);
  const rcpt = await (await compliance.callModuleFunction(data, lockup)).wait();
  const [interaction] = events(rcpt, compliance.interface, await compliance.getAddress());
  assert.equal(interaction.name, "ModuleInteraction");
  assert.equal(interaction.args.target, lockup);
  assert.equal(interaction.args.selector, data.slice(0, 10));
  assert.equal(await module.holdingPeriod(), 3600n);
  await assert.rejects(() => compliance.callModuleFunction.staticCall(data, w.bob.address));
});

test("ONCHAINID execute and approve with ONCHAINID's ABI", async () => {
  const bobId = new ethers.Contract(ids.bob, IIDENTITY, w.bob);
  const keyOf = (a) => ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [a]));
  // A management key's request runs at once.
  const addAgentKey = bobId.interface.encodeFunctionData("addKey", [keyOf(w.agent.address), 2, 1]);
  const now = await (await bobId.execute(ids.bob, 0, addAgentKey)).wait();
  assert.deepEqual(
    events(now, bobId.interface, ids.bob).map((e) => e.name),
    ["ExecutionRequested", "Approved", "KeyAdded", "Executed"],
  );
  assert.equal(await bobId.keyHasPurpose(keyOf(w.agent.address), 2), true);
  // Another wallet's request waits for a management key's approval.
  const addClaimKey = bobId.interface.encodeFunctionData("addKey", [keyOf(w.alice2.address), 3, 1]);
  const req = await (await bobId.connect(w.alice2).execute(ids.bob, 0, addClaimKey)).wait();
  const [requested] = events(req, bobId.interface, ids.bob);
  assert.equal(requested.name, "ExecutionRequested");
  assert.equal(requested.args.to, ids.bob);
  assert.equal(await bobId.keyHasPurpose(keyOf(w.alice2.address), 3), false);
  await assert.rejects(() => bobId.connect(w.agent).approve.staticCall(requested.args.executionId, true));
  const ok = await (await bobId.approve(requested.args.executionId, true)).wait();
  const names = events(ok, bobId.interface, ids.bob).map((e) => e.name);
  assert.deepEqual(names, ["Approved", "KeyAdded", "Executed"]);
  assert.equal(await bobId.keyHasPurpose(keyOf(w.alice2.address), 3), true);
  await assert.rejects(() => bobId.execute.staticCall(ids.bob, 1, addClaimKey));
});
