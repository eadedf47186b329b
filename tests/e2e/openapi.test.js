// The OpenAPI document the node serves validates against the OpenAPI 3 schema.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { startNode } from "./node.js";

let node;
before(async () => {
  node = await startNode();
});
after(async () => {
  await node?.stop();
});

test("GET /v1/openapi.json is a valid OpenAPI 3 document", async () => {
  const res = await fetch(`${node.url}/v1/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.match(doc.openapi, /^3\./);
  for (const p of ["/v1/securities", "/v1/blocks"]) assert.ok(doc.paths[p], `documents ${p}`);
});

test("REST views answer with JSON and REST errors have the documented shape", async () => {
  const list = await fetch(`${node.url}/v1/securities`);
  assert.equal(list.status, 200);
  const missing = await fetch(`${node.url}/v1/securities/0x0000000000000000000000000000000000000bad`);
  assert.equal(missing.status, 404);
  const body = await missing.json();
  assert.ok(body.error && body.error.code && body.error.message);
});
