// The side-by-side load run: the same workload on stoa and on the ERC-3643 reference (T-REX 4.1.6
// on Hardhat's in-process EVM), driven by the same JSON-RPC client (the C++ stoa_load), in one
// run. Prints each run's figures, the medians with min-max, the ratio and the reference's gas per
// transfer; `--json FILE` writes them all. Exit status 1 if any check fails on either side.
//
//   node bench/load/run.mjs [--investors N] [--transfers M] [--reference-transfers M2]
//        [--runs R] [--concurrency C] [--batch B] [--json FILE] [--no-reference]
//
// Set-up (untimed, identical investors on both sides; the layout is stoa_load.cc's `Layout`):
//   index [0, normal)     eligible, minted 1,000,000
//   next per = max(1, N/50): blacklisted after minting (stoa) / wallet frozen (T-REX)
//   next per:             locked after minting: lockup expiry in 2100 (stoa) / whole balance frozen (T-REX)
//   next per:             onboarded in Iran (IR / 364), a blocked jurisdiction, never minted
//   cap: stoa maxTransferAmount 500,000 / T-REX MaxBalanceModule 1,500,000
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { ethers } from "ethers";
import { freePort } from "../../tests/e2e/node.js"; // node builtins only

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const require = createRequire(import.meta.url);

// ---- options
const opts = {
  investors: 1000,
  transfers: 10000,
  referenceTransfers: 0, // 0 = same as --transfers
  runs: 3,
  concurrency: 4,
  batch: 100,
  json: "",
  reference: true,
  stoa: true,
  stoaBin: process.env.STOA_BIN || path.join(repo, "build", "stoa"),
  loadBin: process.env.STOA_LOAD_BIN || path.join(repo, "build", "bench", "stoa_load"),
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const next = () => process.argv[++i];
  if (a === "--investors") opts.investors = Number(next());
  else if (a === "--transfers") opts.transfers = Number(next());
  else if (a === "--reference-transfers") opts.referenceTransfers = Number(next());
  else if (a === "--runs") opts.runs = Number(next());
  else if (a === "--concurrency") opts.concurrency = Number(next());
  else if (a === "--batch") opts.batch = Number(next());
  else if (a === "--json") opts.json = next();
  else if (a === "--no-reference") opts.reference = false;
  else if (a === "--no-stoa") opts.stoa = false; // the reference alone (e.g. to time its set-up)
  else if (a === "--stoa-bin") opts.stoaBin = next();
  else if (a === "--load-bin") opts.loadBin = next();
  else {
    console.error(`unknown option ${a}`);
    process.exit(2);
  }
}
if (!opts.referenceTransfers) opts.referenceTransfers = opts.transfers;

const INITIAL = 1_000_000n;
const TRANSFER_CAP = 500_000n;
const MAX_BALANCE = 1_500_000n;
const LOCK_UNTIL = 4_102_444_800n; // 2100-01-01
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const log = (...a) => console.error("[run]", ...a);

function layout(n) {
  const per = Math.max(1, Math.floor(n / 50));
  const normal = n - 3 * per;
  if (normal < 2) throw new Error("at least 5 investors");
  const range = (a, b) => Array.from({ length: b - a }, (_, k) => a + k);
  return {
    normal: range(0, normal),
    blacklisted: range(normal, normal + per),
    locked: range(normal + per, normal + 2 * per),
    blocked: range(normal + 2 * per, normal + 3 * per),
  };
}
// crypto::key_for_label("load.investor.<i>") = keccak256("stoa.key.load.investor.<i>")
function investorWallet(i) {
  return new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`stoa.key.load.investor.${i}`)));
}
function devWallet(i) {
  return ethers.HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
}

// ---- a minimal JSON-RPC client (batched) for the set-up
async function rpc(url, calls) {
  const body = calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!Array.isArray(out)) throw new Error(`${calls[0][0]}: ${JSON.stringify(out)}`);
  out.sort((a, b) => a.id - b.id);
  for (const r of out) if (r.error) throw new Error(`${calls[r.id][0]}: ${JSON.stringify(r.error)}`);
  return out.map((r) => r.result);
}
const rpc1 = async (url, method, params = []) => (await rpc(url, [[method, params]]))[0];

// Signs and sends transactions from one wallet with consecutive nonces (in batches, in order),
// then waits for every receipt; throws if any failed. Returns the receipts.
class Sender {
  // `perBatch`: Hardhat answers a batch's requests concurrently (out of nonce order, which it
  // refuses when automining), so one sender's transactions go one per request there.
  constructor(url, wallet, chainId, gasPrice, perBatch = 100) {
    Object.assign(this, { url, wallet, chainId, gasPrice, perBatch, nonce: null });
  }
  async send(txs, what) {
    const tStart = Date.now();
    if (this.nonce === null) this.nonce = Number(await rpc1(this.url, "eth_getTransactionCount", [this.wallet.address, "pending"]));
    // Signed one request's worth at a time: signing everything first (500 large deployments take
    // seconds on a busy machine) left the connection idle past the server's keep-alive timeout,
    // and the next request then failed with ECONNRESET.
    const hashes = [];
    for (let i = 0; i < txs.length; i += this.perBatch) {
      const raws = [];
      for (const t of txs.slice(i, i + this.perBatch)) {
        raws.push(await this.wallet.signTransaction({
          type: 2, chainId: this.chainId, nonce: this.nonce++, to: t.to ?? null, data: t.data, value: 0,
          gasLimit: t.gasLimit ?? 10_000_000, maxFeePerGas: this.gasPrice, maxPriorityFeePerGas: this.gasPrice,
        }));
      }
      hashes.push(...(await rpc(this.url, raws.map((r) => ["eth_sendRawTransaction", [r]]))));
    }
    const receipts = [];
    for (let i = 0; i < hashes.length; i += 200) {
      const part = hashes.slice(i, i + 200);
      for (;;) {
        const got = await rpc(this.url, part.map((h) => ["eth_getTransactionReceipt", [h]]));
        if (got.every((r) => r)) {
          receipts.push(...got);
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    receipts.forEach((r, k) => {
      if (r.status !== "0x1") throw new Error(`${what}: transaction ${k} failed: ${JSON.stringify(r).slice(0, 400)}`);
    });
    if (process.env.STOA_LOAD_VERBOSE) log(`${what}: ${txs.length} tx in ${Date.now() - tStart} ms`);
    return receipts;
  }
  async deploy(artifact, args, what) {
    const f = new ethers.ContractFactory(artifact.abi, artifact.bytecode);
    const tx = await f.getDeployTransaction(...args);
    const [r] = await this.send([{ data: tx.data, gasLimit: 29_000_000 }], what);
    return new ethers.Contract(r.contractAddress, artifact.abi);
  }
}
const call = (c, fn, args, extra = {}) => ({ to: c.target, data: c.interface.encodeFunctionData(fn, args), ...extra });
const chunks = (xs, n) => Array.from({ length: Math.ceil(xs.length / n) }, (_, k) => xs.slice(k * n, (k + 1) * n));

// ---- stoa
async function startStoa() {
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), "stoa-load-"));
  const child = spawn(opts.stoaBin, ["serve", "--dev", "--data", data, "--listen", `127.0.0.1:${port}`, "--log-level", "warn"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stoa serve exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("stoa serve did not become healthy within 20 s");
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function stoaAbi(name) {
  return JSON.parse(readFileSync(path.join(repo, "docs", "abi", `${name}.json`), "utf8"));
}

async function setupStoa(url, investors) {
  const chainId = Number(await rpc1(url, "eth_chainId"));
  const [operator, issuer, officer] = [0, 1, 2].map((i) => new Sender(url, devWallet(i), chainId, 0n));
  const factory = new ethers.Contract("0x5704000000000000000000000000000000000001", stoaAbi("SecurityFactory"));
  const GLOBAL = 5;
  const create = call(factory, "createSecurity", ["Load Test", "LOAD", 0, GLOBAL, issuer.wallet.address, officer.wallet.address]);
  const created = await rpc1(url, "eth_call", [{ from: operator.wallet.address, to: create.to, data: create.data }, "latest"]);
  const tokenAddr = factory.interface.decodeFunctionResult("createSecurity", created)[0];
  await operator.send([create], "createSecurity");
  const set = factory.interface.decodeFunctionResult("getSecurity",
    await rpc1(url, "eth_call", [{ to: factory.target, data: factory.interface.encodeFunctionData("getSecurity", [tokenAddr]) }, "latest"]));
  const token = new ethers.Contract(tokenAddr, stoaAbi("SecurityToken"));
  const registry = new ethers.Contract(set.registry, stoaAbi("ComplianceRegistry"));
  const restriction = new ethers.Contract(set.restriction, stoaAbi("TransferRestriction"));
  const L = layout(investors.length);
  const US = ethers.hexlify(ethers.toUtf8Bytes("US"));
  const IR = ethers.hexlify(ethers.toUtf8Bytes("IR"));
  const blocked = new Set(L.blocked);
  await officer.send(chunks(investors.map((_, i) => i), 200).map((ids) => call(registry, "batchOnboard", [
    ids.map((i) => investors[i]), ids.map((i) => (blocked.has(i) ? IR : US)), ids.map(() => 0), ids.map(() => 0)])), "batchOnboard");
  const minted = [...L.normal, ...L.blacklisted, ...L.locked];
  await issuer.send(minted.map((i) => call(token, "mint", [investors[i], INITIAL])), "mint");
  await officer.send([
    call(registry, "batchBlacklistAdd", [L.blacklisted.map((i) => investors[i])]),
    call(registry, "batchSetLockupExpiry", [L.locked.map((i) => investors[i]), L.locked.map(() => LOCK_UNTIL)]),
  ], "blacklist and lockups");
  await issuer.send([call(restriction, "setMaxTransferAmount", [TRANSFER_CAP])], "setMaxTransferAmount");
  return tokenAddr;
}

// ---- the reference: T-REX on Hardhat's in-process EVM
async function startHardhat() {
  process.chdir(here);
  process.env.HARDHAT_CONFIG = path.join(here, "hardhat.config.cjs");
  const hre = require("hardhat");
  const { TASK_NODE_CREATE_SERVER } = require("hardhat/builtin-tasks/task-names");
  const server = await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: await freePort(), provider: hre.network.provider });
  const { port } = await server.listen();
  return { url: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

function trex(name) {
  const t = require("@tokenysolutions/t-rex");
  if (t.contracts[name]) return t.contracts[name];
  return require(`@tokenysolutions/t-rex/artifacts/@onchain-id/solidity/contracts/${name}.sol/${name}.json`);
}

async function setupReference(url, investors) {
  const chainId = Number(await rpc1(url, "eth_chainId"));
  const gasPrice = BigInt(await rpc1(url, "eth_gasPrice"));
  const deployer = new Sender(url, devWallet(0), chainId, gasPrice, 1);
  const claimSigner = devWallet(1);
  const d = (name, args = []) => deployer.deploy(trex(name), args, `deploy ${name}`);
  // The full suite as T-REX's own test fixture deploys it: implementations behind an
  // implementation authority, every contract a proxy.
  const impl = {};
  for (const [k, n] of [["tokenImplementation", "Token"], ["ctrImplementation", "ClaimTopicsRegistry"],
    ["irImplementation", "IdentityRegistry"], ["irsImplementation", "IdentityRegistryStorage"],
    ["tirImplementation", "TrustedIssuersRegistry"], ["mcImplementation", "ModularCompliance"]]) {
    impl[k] = (await d(n)).target;
  }
  const ia = await d("TREXImplementationAuthority", [true, ethers.ZeroAddress, ethers.ZeroAddress]);
  await deployer.send([call(ia, "addAndUseTREXVersion", [{ major: 4, minor: 0, patch: 0 }, impl])], "addAndUseTREXVersion");
  const at = (addr, name) => new ethers.Contract(addr, trex(name).abi);
  const ctr = at((await d("ClaimTopicsRegistryProxy", [ia.target])).target, "ClaimTopicsRegistry");
  const tir = at((await d("TrustedIssuersRegistryProxy", [ia.target])).target, "TrustedIssuersRegistry");
  const irs = at((await d("IdentityRegistryStorageProxy", [ia.target])).target, "IdentityRegistryStorage");
  const ir = at((await d("IdentityRegistryProxy", [ia.target, tir.target, ctr.target, irs.target])).target, "IdentityRegistry");
  const mc = at((await d("ModularComplianceProxy", [ia.target])).target, "ModularCompliance");
  const token = at((await d("TokenProxy", [ia.target, ir.target, mc.target, "Load Test", "LOAD", 0, ethers.ZeroAddress])).target, "Token");
  const TOPIC = ethers.id("KYC");
  const claimIssuer = await d("ClaimIssuer", [deployer.wallet.address]);
  const signerKey = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [claimSigner.address]));
  await deployer.send([
    call(irs, "bindIdentityRegistry", [ir.target]),
    call(token, "addAgent", [deployer.wallet.address]),
    call(ir, "addAgent", [deployer.wallet.address]),
    call(ctr, "addClaimTopic", [TOPIC]),
    call(claimIssuer, "addKey", [signerKey, 3, 1]),
    call(tir, "addTrustedIssuer", [claimIssuer.target, [TOPIC]]),
  ], "suite wiring");
  // Compliance modules (upgradeable, behind ModuleProxy like T-REX deploys them).
  const module = async (name) => {
    const m = await d(name);
    const proxy = await deployer.deploy(trex("ModuleProxy"), [m.target, m.interface.encodeFunctionData("initialize")], `proxy ${name}`);
    return at(proxy.target, name);
  };
  const countries = await module("CountryRestrictModule");
  const maxBalance = await module("MaxBalanceModule");
  await deployer.send([
    call(mc, "addModule", [countries.target]),
    call(mc, "addModule", [maxBalance.target]),
    call(mc, "callModuleFunction", [countries.interface.encodeFunctionData("addCountryRestriction", [364]), countries.target]),
    call(mc, "callModuleFunction", [maxBalance.interface.encodeFunctionData("setMaxBalance", [MAX_BALANCE]), maxBalance.target]),
  ], "compliance modules");
  // One ONCHAINID per investor with a KYC claim signed by the trusted issuer's key.
  const idArt = trex("Identity");
  const idFactory = new ethers.ContractFactory(idArt.abi, idArt.bytecode);
  const idDeploy = (await idFactory.getDeployTransaction(deployer.wallet.address, false)).data;
  const idReceipts = await deployer.send(investors.map(() => ({ data: idDeploy, gasLimit: 5_000_000 })), "deploy identities");
  const identities = idReceipts.map((r) => new ethers.Contract(r.contractAddress, idArt.abi));
  const claimData = ethers.hexlify(ethers.toUtf8Bytes("KYC passed"));
  const claims = [];
  for (const id of identities) {
    const digest = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256", "bytes"], [id.target, TOPIC, claimData]));
    const sig = await claimSigner.signMessage(ethers.getBytes(digest));
    claims.push(call(id, "addClaim", [TOPIC, 1, claimIssuer.target, sig, claimData, ""], { gasLimit: 1_000_000 }));
  }
  await deployer.send(claims, "addClaim");
  const L = layout(investors.length);
  const blocked = new Set(L.blocked);
  await deployer.send(chunks(investors.map((_, i) => i), 50).map((ids) => call(ir, "batchRegisterIdentity", [
    ids.map((i) => investors[i]), ids.map((i) => identities[i].target), ids.map((i) => (blocked.has(i) ? 364 : 840))])), "batchRegisterIdentity");
  await deployer.send([call(token, "unpause", [])], "unpause");
  const minted = [...L.normal, ...L.blacklisted, ...L.locked];
  await deployer.send(chunks(minted, 40).map((ids) => call(token, "batchMint", [ids.map((i) => investors[i]), ids.map(() => INITIAL)])), "batchMint");
  await deployer.send([
    call(token, "batchSetAddressFrozen", [L.blacklisted.map((i) => investors[i]), L.blacklisted.map(() => true)]),
    call(token, "batchFreezePartialTokens", [L.locked.map((i) => investors[i]), L.locked.map(() => INITIAL)]),
  ], "freezes");
  // Gas is priced on the reference (not on stoa): give every investor ether for it.
  await rpc(url, investors.map((a) => ["hardhat_setBalance", [a, "0x56bc75e2d63100000"]]));
  return token.target;
}

// ---- the measured runs
function runLoad(label, url, token, transfers, seed) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "stoa-load-res-")), "result.json");
  const args = ["--url", url, "--token", token, "--investors", String(opts.investors), "--transfers", String(transfers),
    "--seed", String(seed), "--concurrency", String(opts.concurrency), "--batch", String(opts.batch), "--label", label, "--json", out];
  return new Promise((resolve, reject) => {
    // Asynchronous: Hardhat's server runs on this process's event loop.
    const child = spawn(opts.loadBin, args, { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => {
      let result = null;
      try {
        result = JSON.parse(readFileSync(out, "utf8"));
      } catch {
        // no result written
      }
      if (code !== 0) reject(new Error(`${label}: stoa_load exited with ${code}`));
      else resolve(result);
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs });

async function main() {
  const investors = Array.from({ length: opts.investors }, (_, i) => investorWallet(i).address);
  const t0 = Date.now();
  const stoa = opts.stoa ? await startStoa() : null;
  let hh = null;
  const results = { options: { ...opts, stoaBin: undefined, loadBin: undefined }, stoa: [], reference: [] };
  try {
    const stoaToken = stoa ? await setupStoa(stoa.url, investors) : null;
    if (stoa) log(`stoa set up: token ${stoaToken}, ${opts.investors} investors (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    let refToken = null;
    if (opts.reference) {
      const t1 = Date.now();
      hh = await startHardhat();
      refToken = await setupReference(hh.url, investors);
      log(`reference set up: T-REX token ${refToken} on Hardhat (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
    }
    // STOA_LOAD_PERF=FILE: a cpu-clock profile of the node during its runs (scripts/bench.sh).
    let perf = null;
    if (stoa && process.env.STOA_LOAD_PERF) {
      perf = spawn("perf", ["record", "-q", "-e", "cpu-clock", "-F", "999", "-g", "-p", String(stoa.pid), "-o", process.env.STOA_LOAD_PERF],
        { stdio: ["ignore", "ignore", "inherit"] });
      await new Promise((r) => setTimeout(r, 500));
    }
    for (let r = 1; r <= opts.runs; r++) {
      if (stoa) results.stoa.push(await runLoad("stoa", stoa.url, stoaToken, opts.transfers, r));
      if (opts.reference) results.reference.push(await runLoad("erc3643-reference", hh.url, refToken, opts.referenceTransfers, r));
    }
    if (perf) {
      const exited = new Promise((r) => perf.once("exit", r));
      perf.kill("SIGINT");
      await exited;
    }
  } finally {
    if (stoa) await stoa.stop();
    if (hh) await hh.stop();
  }
  const pick = (rs, f) => rs.map(f);
  const agg = {};
  for (const side of ["stoa", "reference"]) {
    const rs = results[side];
    if (!rs.length) continue;
    agg[side] = {
      transfersPerSecond: summary(pick(rs, (r) => r.transfersPerSecond)),
      acceptedPerSecond: summary(pick(rs, (r) => r.acceptedPerSecond)),
      p50: summary(pick(rs, (r) => r.latencyMs.p50)),
      p90: summary(pick(rs, (r) => r.latencyMs.p90)),
      p99: summary(pick(rs, (r) => r.latencyMs.p99)),
      gasPerAcceptedTransfer: summary(pick(rs, (r) => r.gasPerAcceptedTransfer)),
      gasPerRefusedTransfer: summary(pick(rs, (r) => r.gasPerRefusedTransfer)),
      refused: pick(rs, (r) => `${r.refused}/${r.expectedRefused}`),
      transfers: rs[0].transfers,
    };
  }
  if (agg.reference && agg.stoa) {
    const ratios = results.stoa.map((s, k) => s.acceptedPerSecond / results.reference[k].acceptedPerSecond);
    agg.ratio = summary(ratios);
  }
  results.aggregate = agg;
  const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  for (const side of Object.keys(agg).filter((k) => k !== "ratio")) {
    const a = agg[side];
    console.log(`${side}: accepted ${f(a.acceptedPerSecond.median)}/s (min ${f(a.acceptedPerSecond.min)}, max ${f(a.acceptedPerSecond.max)}), ` +
      `p50 ${a.p50.median.toFixed(1)} ms, p99 ${a.p99.median.toFixed(1)} ms, refused ${a.refused.join(" ")}, gas/transfer ${a.gasPerAcceptedTransfer.median.toFixed(0)}`);
  }
  if (agg.ratio) console.log(`ratio stoa/reference (accepted transfers/s): ${agg.ratio.median.toFixed(1)}x (min ${agg.ratio.min.toFixed(1)}, max ${agg.ratio.max.toFixed(1)})`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2) + "\n");
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`run.mjs: ${e.stack || e.message}`);
    process.exit(1);
  },
);
