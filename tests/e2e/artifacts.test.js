// The ERC-3643 reference's own artifacts install from npm (issue 13 #3 uses them for the ABI
// parity test): T-REX's Token, IdentityRegistry and ModularCompliance, ONCHAINID's IIdentity and
// IClaimIssuer, read by path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const trex = "@tokenysolutions/t-rex/artifacts/contracts";
const onchainid = "@onchain-id/solidity/artifacts/contracts";

test("T-REX and ONCHAINID artifacts are installed with their ABIs", () => {
  const fns = (path) => new Set(require(path).abi.filter((x) => x.type === "function").map((x) => x.name));
  assert.ok(fns(`${trex}/token/Token.sol/Token.json`).has("forcedTransfer"));
  assert.ok(fns(`${trex}/registry/implementation/IdentityRegistry.sol/IdentityRegistry.json`).has("registerIdentity"));
  assert.ok(fns(`${trex}/compliance/modular/ModularCompliance.sol/ModularCompliance.json`).has("canTransfer"));
  assert.ok(fns(`${onchainid}/interface/IIdentity.sol/IIdentity.json`).has("addClaim"));
  assert.ok(fns(`${onchainid}/interface/IClaimIssuer.sol/IClaimIssuer.json`).has("isClaimValid"));
});
