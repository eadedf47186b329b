// The README's quickstart script, run as a user runs it: a separate process against a node.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startNode } from "./node.js";

const here = path.dirname(fileURLToPath(import.meta.url));
let node;
before(async () => {
  node = await startNode();
});
after(async () => {
  await node?.stop();
});

test("the quickstart runs twice against one node and ends in the expected state", async () => {
  for (let run = 0; run < 2; run++) {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(here, "quickstart.mjs")], {
      env: { ...process.env, STOA_RPC: node.url },
    });
    assert.match(stdout, /alice -> bob 10 now: 18 /);
    assert.match(stdout, /alice -> bob 10 a year later: 0 /);
    assert.match(stdout, /alice -> carol 10: 7 /);
    assert.match(stdout, /alice -> dave 10: 20 /);
    assert.match(stdout, /refused: TransferRestricted\(7\)/);
    assert.match(stdout, /balances: alice 750, bob 250/);
    assert.match(stdout, /quickstart: ok/);
  }
});
