// The golden data directory's story: one offering's life driven through `stoa serve` with ethers,
// touching every contract kind and most mutating functions — accepted and refused — so that the
// journal it leaves exercises every container of the state. tests/golden/make.sh runs it once, with
// an older stoa; tests/golden/check.sh replays the result with every build.
// Usage (make.sh does this): STOA_BIN=... STOA_GOLDEN_DATA=DIR node tests/e2e/golden_story.mjs
import { createHmac } from "node:crypto";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const IDENTITY_FACTORY = "0x5704000000000000000000000000000000000002";
const PRESET = { regD506c: 1, regS: 2, regAPlus: 3, regCf: 4, global: 5 };
const SECRET = "golden-story-kyc-secret-not-a-real-one";
const DAY = 24 * 3600;
const b2 = (s) => ethers.hexlify(ethers.toUtf8Bytes(s));

process.env.STOA_E2E_DATA_DIR = process.env.STOA_GOLDEN_DATA;
// --snapshot-every, not --image-every: the old name on purpose (a deprecated alias now), so the
// story still runs on the stoa that wrote tests/golden/data (commit 6a28b30), the only one that
// may make a golden directory (make.sh), which knows no other name.
process.env.STOA_E2E_SERVE_ARGS = "--snapshot-every 25 --segment-bytes 32768";
const node = await startNode(["--kyc-secret-file", "env:STOA_GOLDEN_KYC_SECRET"], { STOA_GOLDEN_KYC_SECRET: SECRET });
const provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
provider.pollingInterval = 20;

const nonces = new Map();
function wallet(i) {
  return ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
}
const w = {
  operator: wallet(0), issuer: wallet(1), officer: wallet(2), alice: wallet(3), bob: wallet(4),
  carol: wallet(5), dave: wallet(6), erin: wallet(7), frank: wallet(8), agent: wallet(9),
};
let sent = 0;
let refused = 0;

// Sends one call with a fixed gas limit (no estimate: refusals are mined too) and waits for it.
async function send(contract, signer, fn, ...args) {
  const from = signer.address;
  const nonce = nonces.has(from) ? nonces.get(from) : await provider.getTransactionCount(from, "pending");
  nonces.set(from, nonce + 1);
  const data = contract.interface.encodeFunctionData(fn, args);
  const tx = await signer.sendTransaction({ to: await contract.getAddress(), data, nonce, gasLimit: 10_000_000, gasPrice: 0 });
  const r = await receipt(tx.hash);
  sent++;
  if (r.status !== 1) refused++;
  return r.status;
}
// The receipt, polled (ethers' tx.wait() throws on a refusal; waitForTransaction waits on block
// events that a fast node may deliver before the transaction is looked up).
async function receipt(hash) {
  for (;;) {
    const r = await provider.send("eth_getTransactionReceipt", [hash]);
    if (r) return { status: Number(r.status), blockNumber: Number(r.blockNumber) };
    await new Promise((res) => setTimeout(res, 5));
  }
}
async function must(contract, signer, fn, ...args) {
  const s = await send(contract, signer, fn, ...args);
  if (s !== 1) throw new Error(`${fn} was refused`);
}
async function advance(seconds) {
  await provider.send("evm_increaseTime", [seconds]);
  await provider.send("evm_mine", []);
}
async function webhook(result) {
  const body = JSON.stringify(result);
  const ts = Math.floor(Date.now() / 1000);
  const signature = "sha256=" + createHmac("sha256", SECRET).update(`${ts}.${body}`).digest("hex");
  const res = await fetch(`${node.url}/v1/kyc/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Stoa-Timestamp": String(ts), "X-Stoa-Signature": signature },
    body,
  });
  if (res.status !== 200) throw new Error(`webhook ${result.eventId}: ${res.status} ${await res.text()}`);
}
const C = (address, name, signer = provider) => new ethers.Contract(address, abi(name), signer);

try {
  const factory = C(FACTORY, "SecurityFactory");
  const idFactory = C(IDENTITY_FACTORY, "IdentityFactory");
  const kycInfo = await (await fetch(`${node.url}/v1/kyc`)).json();

  // 1. Securities: one per preset, and a duplicate symbol refused.
  const sets = {};
  for (const [sym, preset] of [["GOLD", PRESET.regD506c], ["GLDS", PRESET.regS], ["GLDA", PRESET.regAPlus], ["GLDC", PRESET.regCf], ["GLDG", PRESET.global]]) {
    const predicted = await factory.createSecurity.staticCall(`Golden ${sym}`, sym, 0, preset, w.issuer.address, w.officer.address, { from: w.operator.address });
    await must(factory, w.operator, "createSecurity", `Golden ${sym}`, sym, 0, preset, w.issuer.address, w.officer.address);
    sets[sym] = await factory.getSecurity(predicted);
  }
  await send(factory, w.operator, "createSecurity", "Dup", "GOLD", 0, PRESET.regD506c, w.issuer.address, w.officer.address);
  await send(factory, w.alice, "createSecurity", "Nope", "NOPE", 0, PRESET.global, w.issuer.address, w.officer.address);

  // 2. Reg D 506(c): the registry, modules, restriction, token.
  const s = sets.GOLD;
  const token = C(s.token, "SecurityToken");
  const registry = C(s.registry, "ComplianceRegistry");
  const restriction = C(s.restriction, "TransferRestriction");
  const us = b2("US");
  const gb = b2("GB");
  await must(registry, w.officer, "batchOnboard", [w.alice.address, w.bob.address, w.carol.address, w.dave.address], [us, us, us, gb], [1, 2, 0, 1], [0, 0, 0, 0]);
  await must(registry, w.officer, "onboard", w.erin.address, us, 1, 0);
  await must(registry, w.officer, "whitelistAdd", w.frank.address);
  await must(registry, w.officer, "setJurisdiction", w.frank.address, us);
  await must(registry, w.officer, "setAccreditationStatus", w.frank.address, 1);
  await must(token, w.issuer, "mint", w.alice.address, 10_000);
  await must(token, w.issuer, "batchMint", [w.bob.address, w.erin.address, w.frank.address], [5_000, 3_000, 2_000]);
  await send(token, w.issuer, "mint", w.carol.address, 1);          // not accredited: refused (7)
  await send(token, w.alice, "transfer", w.bob.address, 10);          // holding period: refused (18)
  await advance(366 * DAY);
  await must(token, w.alice, "transfer", w.bob.address, 250);
  await must(token, w.alice, "batchTransfer", [w.bob.address, w.erin.address], [10, 20]);
  await must(token, w.alice, "approve", w.bob.address, 100);
  await must(token, w.bob, "transferFrom", w.alice.address, w.erin.address, 60);
  await send(token, w.bob, "transferFrom", w.alice.address, w.erin.address, 60);  // allowance left 40: refused
  await send(token, w.alice, "transfer", w.dave.address, 5);          // GB under a US-only allow-list: refused
  await must(registry, w.officer, "blacklistAdd", w.erin.address);
  await send(token, w.alice, "transfer", w.erin.address, 5);          // blacklisted: refused
  await must(registry, w.officer, "blacklistRemove", w.erin.address);
  await must(registry, w.officer, "batchBlacklistAdd", [w.carol.address]);
  await must(registry, w.officer, "batchBlacklistRemove", [w.carol.address]);
  await must(registry, w.officer, "setLockupExpiry", w.bob.address, (await provider.getBlock("latest")).timestamp + 30 * DAY);
  await send(token, w.bob, "transfer", w.alice.address, 1);           // locked: refused
  await must(registry, w.officer, "batchSetLockupExpiry", [w.bob.address], [0]);
  await must(registry, w.officer, "blockJurisdiction", b2("FR"));
  await must(registry, w.officer, "unblockJurisdiction", b2("FR"));
  await must(registry, w.officer, "batchSetJurisdiction", [w.carol.address], [us]);
  await must(registry, w.officer, "batchSetAccreditationStatus", [w.carol.address], [1]);
  await send(registry, w.officer, "setMaxNonAccredited", 35);
  await send(registry, w.issuer, "setMaxNonAccredited", 35);
  await send(registry, w.officer, "setAcceptSelfCertified", true);
  await send(registry, w.issuer, "setAcceptSelfCertified", true);
  await must(registry, w.officer, "whitelistRemove", w.frank.address);
  await must(registry, w.officer, "batchWhitelistAdd", [w.frank.address]);
  await must(registry, w.officer, "batchWhitelistRemove", [w.frank.address]);
  await must(registry, w.officer, "whitelistAdd", w.frank.address);
  await send(registry, w.alice, "whitelistAdd", w.alice.address);     // no role: refused
  await must(restriction, w.issuer, "setMaxHolders", 1000);
  await must(restriction, w.issuer, "setMaxTransferAmount", 5_000);
  await send(token, w.alice, "transfer", w.bob.address, 6_000);       // over the amount cap: refused (33)
  await must(restriction, w.issuer, "setMaxTransferAmount", 0);
  const lockup = C(s.lockupModule, "LockupModule");
  await send(lockup, w.officer, "setLockup", w.erin.address, (await provider.getBlock("latest")).timestamp + DAY);
  await send(lockup, w.issuer, "setHoldingPeriod", 180 * DAY);
  await send(lockup, w.officer, "batchSetLockup", [w.erin.address], [0]);
  const juris = C(s.jurisdictionModule, "JurisdictionModule");
  await send(juris, w.officer, "allowJurisdiction", gb);
  await send(token, w.alice, "transfer", w.dave.address, 5);
  await send(juris, w.officer, "disallowJurisdiction", gb);
  await send(juris, w.officer, "blockJurisdiction", b2("RU"));
  await send(juris, w.officer, "unblockJurisdiction", b2("RU"));
  await send(juris, w.officer, "setJurisdiction", w.frank.address, us);
  await send(juris, w.officer, "batchSetJurisdiction", [w.frank.address], [us]);
  const whitelistModule = C(s.whitelistModule, "WhitelistModule");
  {
    await send(whitelistModule, w.officer, "addToWhitelist", w.alice.address);
    await send(whitelistModule, w.officer, "batchAddToWhitelist", [w.bob.address, w.erin.address]);
    await send(whitelistModule, w.officer, "removeFromWhitelist", w.erin.address);
    await send(registry, w.officer, "addModule", s.whitelistModule);
    await send(token, w.alice, "transfer", w.erin.address, 1);        // not on the second list: refused
    await send(registry, w.officer, "removeModule", s.whitelistModule);
  }

  // 3. T-REX controls: pause, freezes, partial freezes, AML freeze, forced transfer, burn, agents.
  await must(token, w.issuer, "pause");
  await send(token, w.alice, "transfer", w.bob.address, 1);           // paused: refused
  await must(token, w.issuer, "unpause");
  await must(token, w.officer, "setAddressFrozen", w.bob.address, true);
  await send(token, w.bob, "transfer", w.alice.address, 1);           // frozen: refused
  await must(token, w.officer, "batchSetAddressFrozen", [w.bob.address], [false]);
  await must(token, w.officer, "freezePartialTokens", w.alice.address, 100);
  await must(token, w.officer, "batchFreezePartialTokens", [w.erin.address], [50]);
  await must(token, w.officer, "unfreezePartialTokens", w.alice.address, 40);
  await must(token, w.officer, "batchUnfreezePartialTokens", [w.erin.address], [50]);
  await send(token, w.issuer, "freezePartialTokens", w.alice.address, 1);   // no COMPLIANCE_ROLE: refused
  await must(token, w.issuer, "setAmlThreshold", 60);
  await send(token, w.officer, "amlFreeze", w.frank.address, 50, "score 50");  // not above: refused
  await must(token, w.officer, "amlFreeze", w.frank.address, 90, "score 90 from the provider");
  await must(token, w.issuer, "addAgent", w.agent.address);
  await must(token, w.agent, "forcedTransfer", w.frank.address, w.alice.address, 500, "court order 2026-17", ethers.id("order-2026-17.pdf"));
  await must(token, w.agent, "batchForcedTransfer", [w.bob.address], [w.alice.address], [5], "settlement", ethers.id("settlement.pdf"));
  await send(token, w.issuer, "forcedTransfer", w.bob.address, w.alice.address, 1, "no role", ethers.ZeroHash);  // refused
  await must(token, w.issuer, "burn", w.erin.address, 10);
  await must(token, w.issuer, "batchBurn", [w.erin.address], [10]);
  await send(token, w.issuer, "grantRole", ethers.id("PAUSER_ROLE"), w.frank.address);
  await send(token, w.issuer, "revokeRole", ethers.id("PAUSER_ROLE"), w.frank.address);
  await send(token, w.issuer, "grantRole", ethers.id("COMPLIANCE_ROLE"), w.issuer.address);  // role overlap: refused
  await send(token, w.alice, "mint", w.alice.address, 1);             // no MINTER_ROLE: refused

  // 4. Identities: an identity registry for the Reg A+ security, the KYC provider as trusted
  //    issuer, approvals through the webhook, keys, a recovery.
  const ga = sets.GLDA;
  const tokenA = C(ga.token, "SecurityToken");
  const registryA = C(ga.registry, "ComplianceRegistry");
  await must(idFactory, w.issuer, "createIdentityRegistry", ga.token, ethers.ZeroAddress);
  const idReg = C(await tokenA.identityRegistry(), "IdentityRegistry");
  const trusted = C(await idReg.issuersRegistry(), "TrustedIssuersRegistry");
  const topics = C(await idReg.topicsRegistry(), "ClaimTopicsRegistry");
  await must(trusted, w.issuer, "addTrustedIssuer", kycInfo.issuerIdentity, [1, 2, 3]);
  await must(trusted, w.issuer, "updateIssuerClaimTopics", kycInfo.issuerIdentity, [1, 2]);
  await send(topics, w.issuer, "addClaimTopic", 1);
  await send(topics, w.issuer, "addClaimTopic", 7);
  await send(topics, w.issuer, "removeClaimTopic", 7);
  await must(tokenA, w.issuer, "grantRole", ethers.id("COMPLIANCE_ROLE"), kycInfo.issuerKey);
  await must(registryA, w.officer, "batchSetJurisdiction", [w.alice.address, w.bob.address, w.carol.address], [us, us, us]);
  await must(tokenA, w.issuer, "setEligibilityMode", 1);
  const base = { provider: "golden-kyc", security: "GLDA", topics: [1, 2], country: 840, amlScore: 5 };
  for (const [who, id] of [[w.alice, "g-alice-1"], [w.bob, "g-bob-1"], [w.carol, "g-carol-1"]]) {
    await webhook({ ...base, eventId: id, wallet: who.address, result: "approved", providerRef: `case-${id}` });
  }
  await must(tokenA, w.issuer, "mint", w.alice.address, 1_000);
  await must(tokenA, w.alice, "transfer", w.bob.address, 100);
  await webhook({ ...base, eventId: "g-carol-2", wallet: w.carol.address, result: "rejected", providerRef: "case-g-carol-2" });
  await send(tokenA, w.alice, "transfer", w.carol.address, 1);        // claims revoked: refused (12)
  // Alice's own identity: a second management key added and removed by her.
  const aliceId = C(await idReg.identity(w.alice.address), "Identity");
  const key = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [w.dave.address]));
  await send(aliceId, w.alice, "addKey", key, 3, 1);
  await send(aliceId, w.alice, "removeKey", key, 3);
  await send(aliceId, w.bob, "addKey", key, 1, 1);                    // not her key: refused
  // Bob loses his wallet: a new identity-registered wallet (Frank's slot is taken; use the agent's).
  // Bob loses his wallet; his identity takes Frank's wallet as a management key, and an agent
  // of the Reg A+ token recovers Bob's position into it.
  const bobId = C(await idReg.identity(w.bob.address), "Identity");
  const frankKey = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [w.frank.address]));
  await send(bobId, w.bob, "addKey", frankKey, 1, 1);
  await must(tokenA, w.issuer, "addAgent", w.agent.address);
  await send(tokenA, w.agent, "recoveryAddress", w.bob.address, w.frank.address, await bobId.getAddress());
  await must(tokenA, w.issuer, "removeAgent", w.agent.address);
  await send(idReg, w.issuer, "updateCountry", w.alice.address, 826);
  await send(idReg, w.issuer, "updateCountry", w.alice.address, 840);

  // 5. The other presets: a little life each.
  for (const sym of ["GLDS", "GLDC", "GLDG"]) {
    const t = C(sets[sym].token, "SecurityToken");
    const r = C(sets[sym].registry, "ComplianceRegistry");
    await send(r, w.officer, "batchOnboard", [w.dave.address, w.erin.address], [gb, sym === "GLDS" ? us : gb], [1, 1], [0, 0]);
    await send(t, w.issuer, "mint", w.dave.address, 1_000);
    await send(t, w.issuer, "mint", w.erin.address, 1_000);           // Reg S: a US person refused
    await send(t, w.dave, "transfer", w.erin.address, 10);
  }
  await advance(45 * DAY);
  await send(C(sets.GLDS.token, "SecurityToken"), w.dave, "transfer", w.erin.address, 10);

  // 6. A burst of ordinary transfers across several blocks, so state images and segments roll over.
  for (let round = 0; round < 60; round++) {
    await must(token, w.alice, "batchTransfer", [w.bob.address, w.erin.address, w.carol.address], [1 + round, 2, 3]);
    await must(token, w.bob, "transfer", w.alice.address, 1);
  }
  const head = await provider.getBlockNumber();
  console.log(`golden story: ${sent} transactions (${refused} refused) in ${head} blocks`);
} finally {
  await node.stop();
}
