// The KYC flow of ERC-3643 through the node's intake, as a KYC provider and a dapp would see it:
// the provider posts signed verification results (HMAC-SHA256 over "timestamp.body", node's
// crypto), the node adds its claims on the investor's identity, the investor can receive; a
// rejection removes them and the token refuses the transfer with TransferRestricted(12).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const IDENTITY_FACTORY = "0x5704000000000000000000000000000000000002";
const REG_A_PLUS = 3;
const RECEIVER_NOT_VERIFIED = 12;
const SECRET = randomBytes(32).toString("hex");

let node;
let provider;
let w;
let token;
let identityRegistry;
let issuerIdentity;

// Nonces counted locally: ethers caches identical RPC answers for 250 ms, longer than this node
// takes to seal a block, so back-to-back transactions of one sender would reuse a nonce.
function wallet(i) {
  const base = ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
  const signer = new ethers.NonceManager(base);
  signer.address = base.address;
  return signer;
}

function revertOf(err, contract) {
  if (err.revert) return err.revert;
  const data = err.data ?? err.info?.error?.data ?? err.error?.data;
  assert.ok(data, `no revert data in: ${err.message}`);
  return contract.interface.parseError(data);
}

// Posts a verification result as the provider does: signature = HMAC-SHA256(secret, ts + "." + body).
async function webhook(result, { secret = SECRET, ts = Math.floor(Date.now() / 1000) } = {}) {
  const body = JSON.stringify(result);
  const signature = "sha256=" + createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex");
  const res = await fetch(`${node.url}/v1/kyc/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Stoa-Timestamp": String(ts), "X-Stoa-Signature": signature },
    body,
  });
  return { status: res.status, body: await res.json() };
}

function result(walletAddress, eventId, verdict, extra = {}) {
  return {
    provider: "acme-kyc",
    eventId,
    wallet: walletAddress,
    security: "KYCE",
    result: verdict,
    topics: [1, 2],
    country: 840,
    amlScore: 5,
    providerRef: `case-${eventId}`,
    ...extra,
  };
}

before(async () => {
  node = await startNode(["--kyc-secret-file", "env:STOA_E2E_KYC_SECRET"], { STOA_E2E_KYC_SECRET: SECRET });
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  w = { operator: wallet(0), issuer: wallet(1), officer: wallet(2), alice: wallet(3), bob: wallet(4) };
});

after(async () => {
  await node?.stop();
});

test("the node announces a development KYC provider and never prints the secret", async () => {
  assert.match(node.output(), /DEVELOPMENT provider/);
  assert.ok(!node.output().includes(SECRET), "the HMAC secret is not printed");
  const info = await (await fetch(`${node.url}/v1/kyc`)).json();
  assert.equal(info.enabled, true);
  assert.ok(ethers.isAddress(info.issuerIdentity));
  issuerIdentity = info.issuerIdentity;
});

test("a Reg A+ security takes its eligibility from identities and trusts the provider", async () => {
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), w.operator);
  const set = await factory.createSecurity.staticCall("Kyc Equity", "KYCE", 0, REG_A_PLUS, w.issuer.address, w.officer.address);
  await (await factory.createSecurity("Kyc Equity", "KYCE", 0, REG_A_PLUS, w.issuer.address, w.officer.address)).wait();
  const s = await factory.getSecurity(set);
  token = new ethers.Contract(s.token, abi("SecurityToken"), w.issuer);
  const registry = new ethers.Contract(s.registry, abi("ComplianceRegistry"), w.officer);
  const idFactory = new ethers.Contract(IDENTITY_FACTORY, abi("IdentityFactory"), w.issuer);
  await (await idFactory.createIdentityRegistry(s.token, ethers.ZeroAddress)).wait();
  identityRegistry = new ethers.Contract(await token.identityRegistry(), abi("IdentityRegistry"), provider);
  const trusted = new ethers.Contract(await identityRegistry.issuersRegistry(), abi("TrustedIssuersRegistry"), w.issuer);
  await (await trusted.addTrustedIssuer(issuerIdentity, [1, 2, 3])).wait();
  const info = await (await fetch(`${node.url}/v1/kyc`)).json();
  await (await token.grantRole(ethers.id("COMPLIANCE_ROLE"), info.issuerKey)).wait();
  const us = ethers.hexlify(ethers.toUtf8Bytes("US"));
  await (await registry.batchSetJurisdiction([w.alice.address, w.bob.address], [us, us])).wait();
  await (await token.setEligibilityMode(1)).wait();
  assert.equal(await token.amlThreshold(), 70n);
  assert.equal(await identityRegistry.isVerified(w.alice.address), false);
});

test("a badly signed webhook is refused and changes nothing", async () => {
  const height = await provider.getBlockNumber();
  const bad = await webhook(result(w.alice.address, "evt-forged", "approved"), { secret: "not-the-secret" });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error.code, "unauthorized");
  const stale = await webhook(result(w.alice.address, "evt-stale", "approved"), { ts: Math.floor(Date.now() / 1000) - 600 });
  assert.equal(stale.status, 401);
  assert.equal(await provider.getBlockNumber(), height);
});

test("approval webhooks → claims → the investor can receive", async () => {
  for (const [who, id] of [[w.alice, "evt-alice-1"], [w.bob, "evt-bob-1"]]) {
    const r = await webhook(result(who.address, id, "approved"));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.verified, true);
    assert.equal(r.body.claims.length, 2);
    assert.equal(await identityRegistry.isVerified(who.address), true);
  }
  // The claims are on the identity, from the provider's issuer identity, valid (status 0).
  assert.equal(await identityRegistry.claimStatus(w.bob.address, 1), 0n);
  const identity = new ethers.Contract(await identityRegistry.identity(w.bob.address), abi("Identity"), provider);
  const claimId = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [issuerIdentity, 1]));
  const claim = await identity.getClaim(claimId);
  assert.equal(claim.issuer, issuerIdentity);
  assert.equal(claim.scheme, 712n);

  await (await token.mint(w.alice.address, 100)).wait();
  const tx = await token.connect(w.alice).transfer(w.bob.address, 10);
  assert.equal((await tx.wait()).status, 1);
  assert.equal(await token.balanceOf(w.bob.address), 10n);

  // A replayed event: the same answer, no new transaction.
  const height = await provider.getBlockNumber();
  const again = await webhook(result(w.bob.address, "evt-bob-1", "approved"));
  assert.equal(again.status, 200);
  assert.equal(await provider.getBlockNumber(), height);
});

test("rejection webhook → claims revoked → the investor can no longer receive", async () => {
  const r = await webhook(result(w.bob.address, "evt-bob-2", "rejected", { topics: [] }));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.verified, false);
  assert.equal(await identityRegistry.isVerified(w.bob.address), false);
  assert.equal(await token.detectTransferRestriction(w.alice.address, w.bob.address, 10), BigInt(RECEIVER_NOT_VERIFIED));
  await assert.rejects(
    () => token.connect(w.alice).transfer.staticCall(w.bob.address, 10),
    (err) => {
      const e = revertOf(err, token);
      assert.equal(e.name, "TransferRestricted");
      assert.equal(e.args[0], BigInt(RECEIVER_NOT_VERIFIED));
      return true;
    },
  );
  await assert.rejects(
    async () => (await token.connect(w.alice).transfer(w.bob.address, 10, { gasLimit: 200000 })).wait(),
    (err) => {
      assert.equal(err.receipt?.status, 0);
      return true;
    },
  );
  assert.equal(await token.balanceOf(w.bob.address), 10n);
});
