// Starts a real `stoa serve --dev` on a free loopback port for a test file, and stops it.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { ethers } from "ethers";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../..");
export const stoaBin = process.env.STOA_BIN || path.join(repo, "build", "stoa");
export const devMnemonic = "test test test test test test test test test test test junk";

export function abi(name) {
  return JSON.parse(readFileSync(path.join(repo, "docs", "abi", `${name}.json`), "utf8"));
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function startNode(extraArgs = [], extraEnv = {}) {
  const port = await freePort();
  // STOA_E2E_DATA_DIR: one data directory for every node the suite starts (the golden data
  // directory is made this way: tests/golden/make.sh); STOA_E2E_SERVE_ARGS: more serve flags.
  const data = process.env.STOA_E2E_DATA_DIR || mkdtempSync(path.join(tmpdir(), "stoa-e2e-"));
  const serveArgs = (process.env.STOA_E2E_SERVE_ARGS || "").split(" ").filter((a) => a !== "");
  const child = spawn(stoaBin, ["serve", "--dev", "--data", data, "--listen", `127.0.0.1:${port}`, ...serveArgs, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...extraEnv },
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stoa serve exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`stoa serve did not become healthy within 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    data,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Shared by the ethers suites: a dev-mnemonic wallet, a mined transaction that must succeed, the
// events a receipt holds from one contract, and the custom error a refused call carries.
export function devWallet(i, provider) {
  return ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
}

export async function mined(p) {
  const receipt = await (await p).wait();
  assert.equal(receipt.status, 1);
  return receipt;
}

export function eventsOf(receipt, contract) {
  return receipt.logs
    .filter((l) => l.address.toLowerCase() === contract.target.toLowerCase())
    .map((l) => contract.interface.parseLog(l))
    .filter((e) => e !== null);
}

export function revertOf(err, contract) {
  if (err.revert) return err.revert;
  const data = err.data ?? err.info?.error?.data ?? err.error?.data;
  assert.ok(data, `no revert data in: ${err.message}`);
  return contract.interface.parseError(data);
}
