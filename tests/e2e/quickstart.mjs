// Quickstart: a Reg D 506(c) offering on a running `stoa serve --dev` (`make run`), with ethers v6
// and nothing else — the way a dapp, wallet or back office reaches stoa.
//
//   make run                             # in one terminal
//   node tests/e2e/quickstart.mjs        # in another (STOA_RPC=http://host:port to change)
//
// It creates a security through the factory ABI, onboards four investors, mints, reads
// detectTransferRestriction / messageForTransferRestriction, transfers, catches a refused transfer
// and decodes TransferRestricted(uint8), and reads the Transfer logs. It can be run repeatedly
// against the same node (each run creates a security with a fresh symbol and fresh investors).
import { ethers } from "ethers";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const abi = (name) => JSON.parse(readFileSync(path.join(here, "..", "..", "docs", "abi", `${name}.json`), "utf8"));
const rpc = process.env.STOA_RPC || "http://127.0.0.1:8545";
const FACTORY = "0x5704000000000000000000000000000000000001";
const REG_D_506C = 1;
const mnemonic = "test test test test test test test test test test test junk";

const provider = new ethers.JsonRpcProvider(rpc, undefined, { staticNetwork: true });
provider.pollingInterval = 50;
const dev = (i) => ethers.HDNodeWallet.fromPhrase(mnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
const operator = dev(0), issuer = dev(1), officer = dev(2);
// Fresh investors for each run, funded with nothing: fees are zero on stoa.
const [alice, bob, carol, dave] = [0, 1, 2, 3].map(() => ethers.Wallet.createRandom().connect(provider));
const say = (...a) => console.log(...a);

const symbol = `QS${Date.now().toString(36).toUpperCase().slice(-6)}`;
const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), operator);
const tokenAddress = await factory.createSecurity.staticCall(`Quickstart ${symbol}`, symbol, 0, REG_D_506C, issuer.address, officer.address);
await (await factory.createSecurity(`Quickstart ${symbol}`, symbol, 0, REG_D_506C, issuer.address, officer.address)).wait();
const set = await factory.getSecurity(tokenAddress);
const token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
const registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), officer);
say(`created ${symbol} (Reg D 506(c)): token ${set.token}, registry ${set.registry}`);

const US = ethers.hexlify(ethers.toUtf8Bytes("US")), GB = ethers.hexlify(ethers.toUtf8Bytes("GB"));
// Alice and Bob accredited US investors, Carol not accredited, Dave outside the US.
await (await registry.batchOnboard([alice.address, bob.address, carol.address, dave.address], [US, US, US, GB], [1, 2, 0, 1], [0, 0, 0, 0])).wait();
say("onboarded 4 investors");

await (await token.connect(issuer).mint(alice.address, 1000)).wait();
say(`minted 1000 to alice; supply ${await token.totalSupply()}, holders ${await token.holderCount()}`);

const explain = async (from, to, amount) => {
  const code = await token.detectTransferRestriction(from.address, to.address, amount);
  return `${code} (${await token.messageForTransferRestriction(code)})`;
};
say(`alice -> bob 10 now: ${await explain(alice, bob, 10)}`);
await provider.send("evm_increaseTime", [366 * 24 * 3600]); // --dev only: past the 12-month hold
await provider.send("evm_mine", []);
say(`alice -> bob 10 a year later: ${await explain(alice, bob, 10)}`);
say(`alice -> carol 10: ${await explain(alice, carol, 10)}`);
say(`alice -> dave 10: ${await explain(alice, dave, 10)}`);

const receipt = await (await token.connect(alice).transfer(bob.address, 250)).wait();
say(`transferred 250 alice -> bob in block ${receipt.blockNumber} (status ${receipt.status})`);

let refusedCode = null;
try {
  await token.connect(alice).transfer(carol.address, 5);
} catch (err) {
  const data = err.data ?? err.info?.error?.data;
  const revert = err.revert ?? token.interface.parseError(data);
  refusedCode = Number(revert.args[0]);
  say(`refused: ${revert.name}(${refusedCode})`);
}
if (refusedCode !== 7) throw new Error(`expected TransferRestricted(7), got ${refusedCode}`);

const toBob = await token.queryFilter(token.filters.Transfer(null, bob.address), 0, "latest");
say(`Transfer logs to bob: ${toBob.map((e) => `${e.args.value} in block ${e.blockNumber}`).join(", ")}`);
const balances = await Promise.all([alice, bob].map((w) => token.balanceOf(w.address)));
if (balances[0] !== 750n || balances[1] !== 250n || toBob.length !== 1) throw new Error(`unexpected end state: ${balances}`);
say(`balances: alice ${balances[0]}, bob ${balances[1]}`);
say("quickstart: ok");
