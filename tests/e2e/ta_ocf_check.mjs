// stoa's OCF v1.2.0 export validates against the OCF JSON schemas with Ajv (npm), and its
// cross-references hold (ctest ta.ocf; docs/transfer-agent.md "OCF"). The package checked is the
// golden one (tests/ta/golden/ocf/), which GoldenReports.EveryReportEqualsItsGoldenFile proves
// the export produces byte for byte.
//   node ta_ocf_check.mjs PACKAGE_DIR SCHEMA_DIR
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [pkg, schemaDir] = process.argv.slice(2);
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
for (const f of walk(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(f, 'utf8')));
}
const base = 'https://schema.opencaptablecoalition.com/v/1.2.0/files/';
const schemaOf = {
  OCF_MANIFEST_FILE: 'OCFManifestFile',
  OCF_STAKEHOLDERS_FILE: 'StakeholdersFile',
  OCF_STOCK_CLASSES_FILE: 'StockClassesFile',
  OCF_TRANSACTIONS_FILE: 'TransactionsFile',
};
const read = (name) => readFileSync(join(pkg, name), 'utf8');
const validate = (name) => {
  const doc = JSON.parse(read(name));
  const id = schemaOf[doc.file_type];
  assert.ok(id, `${name}: unknown file_type ${doc.file_type}`);
  const v = ajv.getSchema(base + id + '.schema.json');
  assert.ok(v, `schema ${id}`);
  assert.ok(v(doc), `${name} does not validate against ${id}: ${ajv.errorsText(v.errors)}`);
  return doc;
};
const manifest = validate('Manifest.ocf.json');
const files = {};
for (const key of ['stakeholders_files', 'stock_classes_files', 'transactions_files']) {
  assert.equal(manifest[key].length, 1, key);
  const { filepath, md5 } = manifest[key][0];
  const name = filepath.replace(/^\.\//, '');
  assert.equal(createHash('md5').update(read(name)).digest('hex'), md5, `${name}: md5 as in the manifest`);
  files[key] = validate(name);
}
// Cross-references: every issuance names a defined stakeholder and stock class; ids are unique.
const stakeholders = new Set(files.stakeholders_files.items.map((s) => s.id));
const classes = new Set(files.stock_classes_files.items.map((c) => c.id));
assert.equal(stakeholders.size, files.stakeholders_files.items.length, 'unique stakeholder ids');
const txIds = new Set();
const securityIds = new Set();
let total = 0n;
for (const t of files.transactions_files.items) {
  assert.ok(stakeholders.has(t.stakeholder_id), `${t.id}: stakeholder ${t.stakeholder_id} defined`);
  assert.ok(classes.has(t.stock_class_id), `${t.id}: stock class ${t.stock_class_id} defined`);
  assert.ok(!txIds.has(t.id) && !securityIds.has(t.security_id), `${t.id}: unique ids`);
  txIds.add(t.id);
  securityIds.add(t.security_id);
  assert.equal(t.date, manifest.as_of, `${t.id}: dated as of the package`);
  total += BigInt(t.quantity);
}
const used = new Set(files.transactions_files.items.map((t) => t.stakeholder_id));
for (const s of stakeholders) assert.ok(used.has(s), `stakeholder ${s} holds something`);
assert.ok(BigInt(files.stock_classes_files.items[0].initial_shares_authorized) > 0n);
// A broken document must fail: the check can fail.
const broken = structuredClone(files.transactions_files);
delete broken.items[0].quantity;
assert.equal(ajv.getSchema(base + 'TransactionsFile.schema.json')(broken), false, 'a broken file is refused');
console.log(`ok: OCF 1.2.0 package valid, ${stakeholders.size} stakeholders, ${txIds.size} issuances, ${total} shares`);
