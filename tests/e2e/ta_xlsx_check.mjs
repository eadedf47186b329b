// The holder list as XLSX, opened with an independent reader (exceljs from npm), must say what
// the golden CSV says, cell by cell (ctest ta.xlsx; docs/transfer-agent.md "Holder list").
//   node ta_xlsx_check.mjs holders.xlsx holders.csv
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

// RFC 4180 rows (quoted fields with doubled quotes; no line breaks in this report's fields).
function parseCsv(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let v = '';
        i++;
        for (;;) {
          if (line[i] === '"' && line[i + 1] === '"') { v += '"'; i += 2; }
          else if (line[i] === '"') { i++; break; }
          else { v += line[i++]; }
        }
        fields.push(v);
        i++;  // the comma
      } else {
        const end = line.indexOf(',', i) === -1 ? line.length : line.indexOf(',', i);
        fields.push(line.slice(i, end));
        i = end + 1;
      }
    }
    rows.push(fields);
  }
  return rows;
}

const [xlsxPath, csvPath] = process.argv.slice(2);
const wb = new ExcelJS.Workbook();
await wb.xlsx.readFile(xlsxPath);
const sheet = wb.getWorksheet('Holders');
assert.ok(sheet, 'a Holders sheet');
const csv = parseCsv(readFileSync(csvPath, 'utf8'));
assert.ok(csv.length > 10, 'the golden holder list has rows');
assert.equal(sheet.actualRowCount, csv.length, 'as many rows as the CSV');
const text = (cell) => (cell.value === null || cell.value === undefined ? '' : String(cell.value));
csv.forEach((fields, r) => {
  const row = sheet.getRow(r + 1);
  fields.forEach((want, c) => {
    const cell = row.getCell(c + 1);
    if (r > 0 && c === 2) {  // percent: a number shown with four decimals
      assert.equal(typeof cell.value, 'number', `row ${r + 1} percent is a number`);
      assert.equal(cell.value.toFixed(4), want, `row ${r + 1} percent`);
      assert.equal(cell.numFmt, '0.0000');
    } else if (r > 0 && c === 1) {  // balance: exact text, not a rounded double
      assert.equal(typeof cell.value, 'string', `row ${r + 1} balance is text`);
      assert.equal(cell.value, want, `row ${r + 1} balance`);
    } else {
      assert.equal(text(cell), want, `row ${r + 1} column ${c + 1}`);
    }
  });
});
const summary = wb.getWorksheet('Summary');
assert.ok(summary, 'a Summary sheet');
const facts = {};
summary.eachRow((row) => { facts[text(row.getCell(1))] = text(row.getCell(2)); });
let total = 0n;
for (const fields of csv.slice(1)) total += BigInt(fields[1]);
assert.equal(facts.total, total.toString(), 'the summary total is the sum of the balances');
assert.equal(facts.holders, String(csv.length - 1));
assert.equal(wb.creator === undefined || typeof wb.creator === 'string', true);
console.log(`ok: ${csv.length - 1} holders, total ${facts.total}, read with exceljs`);
