// A browser dapp against stoa (issue 13, item 5): Debian's headless Chromium, driven by
// playwright-core, loads a page served from another origin (a static server on another loopback
// port) whose script (browser/app.js, bundled with viem by esbuild) reads a balance and sends a
// transaction signed in the page. The node allows that origin with --cors; a page from an origin
// it does not allow cannot read its answers (the browser's CORS check refuses them).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { devMnemonic, freePort, startNode } from "./node.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.STOA_CHROMIUM || "/usr/bin/chromium";

let node;
let allowed; // the page's static server, on the origin the node allows
let refused; // the same page on an origin the node does not allow
let context;
let profile;

// A static server for the page: index.html and the bundled script.
async function servePage(bundle) {
  const port = await freePort();
  const html = '<!doctype html><meta charset="utf-8"><title>stoa dapp</title>' +
    '<script type="module" src="/app.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle);
    } else if (req.url === "/" || req.url === "/index.html") {
      res.writeHead(200, { "Content-Type": "text/html" }).end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${port}` };
}

async function openPage(site) {
  const page = await context.newPage();
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => window.stoaReady === true, null, { timeout: 10000 });
  return page;
}

before(async () => {
  const out = await build({
    entryPoints: [path.join(here, "browser", "app.js")],
    bundle: true, format: "esm", platform: "browser", write: false, logLevel: "silent",
  });
  const bundle = out.outputFiles[0].text;
  allowed = await servePage(bundle);
  refused = await servePage(bundle);
  node = await startNode(["--cors", allowed.url]);
  profile = mkdtempSync(path.join(tmpdir(), "stoa-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await context?.close();
  await node?.stop();
  allowed?.server.close();
  refused?.server.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("a page on an allowed origin reads a balance and sends a signed transaction with viem", async () => {
  const page = await openPage(allowed);
  const r = await page.evaluate(([url, m]) => window.stoaDemo(url, m), [node.url, devMnemonic]);
  assert.equal(r.origin, allowed.url);
  assert.equal(r.balance, "0");
  assert.equal(r.status, "success");
  assert.equal(r.from.toLowerCase(), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  // The node sees the same transaction, sealed in a block.
  const res = await fetch(node.url, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getTransactionReceipt", params: [r.hash] }),
  });
  const receipt = (await res.json()).result;
  assert.equal(receipt.status, "0x1");
  assert.equal(BigInt(receipt.blockNumber).toString(), r.blockNumber);
  await page.close();
});

test("a page on an origin the node does not allow cannot read its answers", async () => {
  const page = await openPage(refused);
  const err = await page.evaluate(async ([url, m]) => {
    try {
      await window.stoaDemo(url, m);
      return null;
    } catch (e) {
      return String(e.message);
    }
  }, [node.url, devMnemonic]);
  assert.ok(err !== null, "the refused origin's request succeeded");
  assert.match(err, /Failed to fetch/, err);
  await page.close();
});
