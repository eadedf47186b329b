// Reads at past blocks, measured (docs/PERFORMANCE.md, "Reads at past blocks"): the latency of a
// balanceOf eth_call at the head and at blocks 1, 10, 100 and 1,000 below it (one transfer per
// block), then below a burst of transfers sealed in a few large blocks, and the memory the
// window's undo records hold (/metrics). Not a test: `node bench_past_reads.mjs [transfers]
// [burst]` from tests/e2e with STOA_BIN set or build/stoa built; prints JSON.
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const single = Number(process.argv[2] ?? 1000);
const burst = Number(process.argv[3] ?? 2000);
const samples = 200;

const node = await startNode(["--past-blocks", "1024"]);
try {
  const provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 20;
  const key = (i) => ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
  const [op, issuer, officer, alice, bob] = [0, 1, 2, 3, 4].map(key);
  const wait = async (p) => {
    const r = await (await p).wait();
    if (r.status !== 1) throw new Error("reverted");
    return r;
  };
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), op);
  const created = await wait(factory.createSecurity("Bench Co", "BNCH", 0, 3, issuer.address, officer.address));
  const ev = created.logs.map((l) => factory.interface.parseLog(l)).find((e) => e?.name === "SecurityCreated");
  const set = await factory.getSecurity(ev.args.token);
  const token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  const de = ethers.hexlify(ethers.toUtf8Bytes("DE"));
  await wait(new ethers.Contract(set.registry, abi("ComplianceRegistry"), officer).batchOnboard([alice.address, bob.address], [de, de], [0, 0], [0, 0]));
  await wait(token.connect(issuer).mint(alice.address, 10n ** 12n));

  const chainId = (await provider.getNetwork()).chainId;
  let nonce = await provider.getTransactionCount(alice.address, "pending");
  const transferData = token.interface.encodeFunctionData("transfer", [bob.address, 1]);
  const raw = (n) => alice.signTransaction({ type: 2, chainId, nonce: n, to: set.token, data: transferData, gasLimit: 1_000_000, maxFeePerGas: 0, maxPriorityFeePerGas: 0 });
  const rpc = async (method, params) => {
    const r = await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const j = await r.json();
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
    return j.result;
  };
  const receipt = async (h) => {
    for (;;) {
      const r = await rpc("eth_getTransactionReceipt", [h]);
      if (r) return r;
      await new Promise((res) => setTimeout(res, 5));
    }
  };
  const metrics = async () => {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const g = (name) => Number(text.match(new RegExp(`^${name} (\\d+)$`, "m"))[1]);
    return { blocks: g("stoa_past_window_blocks"), bytes: g("stoa_past_window_bytes") };
  };
  const call = { to: set.token, data: token.interface.encodeFunctionData("balanceOf", [alice.address]) };
  const median = async (tag) => {
    const t = [];
    for (let i = 0; i < samples; ++i) {
      const s = process.hrtime.bigint();
      await rpc("eth_call", [call, tag]);
      t.push(Number(process.hrtime.bigint() - s) / 1e3);
    }
    t.sort((a, b) => a - b);
    return Math.round(t[t.length >> 1]);
  };

  // Phase A: one transfer per block.
  for (let i = 0; i < single; ++i) await receipt(await rpc("eth_sendRawTransaction", [await raw(nonce++)]));
  const head = Number(await rpc("eth_blockNumber", []));
  const out = { single, window: await metrics(), microseconds: {} };
  out.microseconds.latest = await median("latest");
  for (const d of [0, 1, 10, 100, 1000]) {
    if (d <= single) out.microseconds[`head-${d}`] = await median(ethers.toQuantity(head - d));
  }
  // Phase B: a burst of transfers sealed in a few blocks; a read below it unwinds all of them.
  const hashes = [];
  for (let i = 0; i < burst; ++i) hashes.push(await rpc("eth_sendRawTransaction", [await raw(nonce++)]));
  const last = await receipt(hashes[hashes.length - 1]);
  const after = Number(last.blockNumber);
  out.burst = { transfers: burst, blocks: after - head, window: await metrics() };
  out.microseconds.latestAfterBurst = await median("latest");
  out.microseconds[`belowBurst(head-${after - head})`] = await median(ethers.toQuantity(head));
  console.log(JSON.stringify(out, null, 1));
} finally {
  await node.stop();
}
