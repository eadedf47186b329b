// Sign-In with Ethereum against `stoa serve --dev` with viem (issue 17 item 6): viem writes the
// EIP-4361 message (viem/siwe) and signs it with a dev account (personal_sign); the node
// verifies it, opens a session and maps the signer to its roles on the ledger. The operator
// (dev #0, the factory's deployer) is the transfer agent; the security's admin (dev #1) its
// issuer; an account without a role is refused what needs one.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
let node;
let chain;

const account = (i) => mnemonicToAccount(devMnemonic, { addressIndex: i });
const post = (path, body, headers = {}) =>
  fetch(`${node.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

// Signs in as `signer`; returns the Authorization header.
async function signIn(signer, overrides = {}) {
  const { nonce, chainId } = await (await post("/v1/auth/siwe/nonce", {})).json();
  const message = createSiweMessage({
    domain: new URL(node.url).host,
    address: signer.address,
    statement: "Sign in to the transfer agent.",
    uri: node.url,
    version: "1",
    chainId,
    nonce,
    expirationTime: new Date(Date.now() + 10 * 60 * 1000),
    ...overrides,
  });
  const signature = await signer.signMessage({ message });
  const r = await post("/v1/auth/siwe/verify", { message, signature });
  const body = await r.json();
  return { status: r.status, body, auth: { Authorization: `Bearer ${body.token}` } };
}

before(async () => {
  node = await startNode();
  chain = defineChain({
    id: 1337, name: "stoa dev", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [node.url] } },
  });
  const pub = createPublicClient({ chain, transport: http(node.url), pollingInterval: 50 });
  const wallet = createWalletClient({ chain, transport: http(node.url), account: account(0) });
  const hash = await wallet.writeContract({
    address: FACTORY, abi: abi("SecurityFactory"), functionName: "createSecurity",
    args: ["Siwe Inc", "SIWE", 0, 1, account(1).address, account(2).address],
  });
  assert.equal((await pub.waitForTransactionReceipt({ hash })).status, "success");
});

after(async () => {
  await node?.stop();
});

test("a viem-signed SIWE message opens a session with the signer's ledger roles", async () => {
  const agent = await signIn(account(0));
  assert.equal(agent.status, 200, JSON.stringify(agent.body));
  assert.equal(agent.body.address, account(0).address);
  assert.ok(agent.body.token.startsWith("stoa_s_"));
  let who = await (await fetch(`${node.url}/v1/auth/whoami`, { headers: agent.auth })).json();
  assert.deepEqual(who.roles, ["transfer-agent"]);
  assert.ok(who.permissions.includes("lost-holders"));
  assert.equal((await fetch(`${node.url}/v1/lost-holders`, { headers: agent.auth })).status, 200);

  // The issuer of SIWE (dev #1): its cap table without personal data, not the 17Ad-17 records.
  const issuer = await signIn(account(1));
  who = await (await fetch(`${node.url}/v1/auth/whoami?security=SIWE`, { headers: issuer.auth })).json();
  assert.deepEqual(who.roles, ["issuer"]);
  let r = await fetch(`${node.url}/v1/register/securities/SIWE/cap-table`, { headers: issuer.auth });
  for (let i = 0; i < 50 && r.status === 404; ++i) {  // the register catching up with the block
    await new Promise((res) => setTimeout(res, 100));
    r = await fetch(`${node.url}/v1/register/securities/SIWE/cap-table`, { headers: issuer.auth });
  }
  assert.equal(r.status, 200);
  assert.equal((await r.json()).byJurisdiction, undefined);
  assert.equal((await fetch(`${node.url}/v1/lost-holders`, { headers: issuer.auth })).status, 403);

  // No credentials, or a role-less account: refused.
  assert.equal((await fetch(`${node.url}/v1/register/securities/SIWE/cap-table`)).status, 401);
  const nobody = await signIn(account(7));
  assert.equal(nobody.status, 200);
  r = await fetch(`${node.url}/v1/register/securities/SIWE/cap-table`, { headers: nobody.auth });
  assert.equal(r.status, 403);
});

test("the node refuses a message for another domain, another chain, or signed by another key", async () => {
  let r = await signIn(account(0), { domain: "evil.example.com" });
  assert.equal(r.status, 401);
  assert.match(r.body.error.message, /evil\.example\.com/);
  r = await signIn(account(0), { chainId: 1 });
  assert.equal(r.status, 401);
  // A message naming dev #0, signed by dev #3.
  const { nonce } = await (await post("/v1/auth/siwe/nonce", {})).json();
  const message = createSiweMessage({
    domain: new URL(node.url).host, address: account(0).address, uri: node.url, version: "1",
    chainId: 1337, nonce,
  });
  const signature = await account(3).signMessage({ message });
  r = await post("/v1/auth/siwe/verify", { message, signature });
  assert.equal(r.status, 401);
  // The nonce was spent by that attempt: the right signature cannot use it now.
  r = await post("/v1/auth/siwe/verify", { message, signature: await account(0).signMessage({ message }) });
  assert.equal(r.status, 401);
  assert.match((await r.json()).error.message, /nonce/);
});
