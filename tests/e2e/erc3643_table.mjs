#!/usr/bin/env node
// The ERC-3643 selector table: every function and event of T-REX v4 (Token, IdentityRegistry,
// IdentityRegistryStorage, TrustedIssuersRegistry, ClaimTopicsRegistry, ModularCompliance — the
// implementations' artifacts, so Ownable and AgentRole are included) and of ONCHAINID (IIdentity,
// IClaimIssuer) against stoa's ABI documents (docs/abi), matched by selector for functions and by
// signature and indexed pattern for events.
//
//   node tests/e2e/erc3643_table.mjs --write   regenerates docs/erc3643-compatibility.md
//   node tests/e2e/erc3643_table.mjs --check   fails if a T-REX selector or event is missing from
//                                              docs/abi (other than the deliberate differences
//                                              below) or the document is stale (ctest
//                                              lint.erc3643_table)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ethers } from "ethers";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const trex = join(here, "node_modules/@tokenysolutions/t-rex/artifacts/contracts");
const oid = join(here, "node_modules/@onchain-id/solidity/artifacts/contracts/interface");
const DOC = join(root, "docs/erc3643-compatibility.md");

// T-REX artifact -> the stoa contract that answers its ABI.
const PAIRS = [
  ["Token", `${trex}/token/Token.sol/Token.json`, "SecurityToken"],
  ["IdentityRegistry", `${trex}/registry/implementation/IdentityRegistry.sol/IdentityRegistry.json`, "IdentityRegistry"],
  ["IdentityRegistryStorage", `${trex}/registry/implementation/IdentityRegistryStorage.sol/IdentityRegistryStorage.json`, "IdentityRegistryStorage"],
  ["TrustedIssuersRegistry", `${trex}/registry/implementation/TrustedIssuersRegistry.sol/TrustedIssuersRegistry.json`, "TrustedIssuersRegistry"],
  ["ClaimTopicsRegistry", `${trex}/registry/implementation/ClaimTopicsRegistry.sol/ClaimTopicsRegistry.json`, "ClaimTopicsRegistry"],
  ["ModularCompliance", `${trex}/compliance/modular/ModularCompliance.sol/ModularCompliance.json`, "ComplianceRegistry"],
  ["IIdentity (ONCHAINID)", `${oid}/IIdentity.sol/IIdentity.json`, "Identity"],
  ["IClaimIssuer (ONCHAINID)", `${oid}/IClaimIssuer.sol/IClaimIssuer.json`, "Identity"],
];

// Deliberate differences: T-REX entries stoa does not have, with the reason. The check fails if
// one of these appears in stoa (then remove it here) or if any other entry is missing.
const DELIBERATE = {
  "init(address,address,string,string,uint8,address)":
    "proxy initializer: stoa creates the suite natively in one factory call (SecurityFactory.createSecurity)",
  "init(address,address,address)": "proxy initializer: created by the factory",
  "init()": "proxy initializer: created by the factory",
  "Initialized(uint8)": "the proxy initializer's event: nothing is initialized after creation",
  "setName(string)":
    "the name is fixed at creation: it is part of the EIP-712 domain of permit (ERC-2612), so renaming would void signed permits",
  "setSymbol(string)": "the symbol is fixed at creation: the factory indexes securities by symbol (securityBySymbol)",
  "callModuleFunction(bytes,address)":
    "module settings are called on the module contracts directly, guarded by the security's roles",
  "ModuleInteraction(address,bytes4)": "callModuleFunction's event (see callModuleFunction)",
  "execute(address,uint256,bytes)":
    "no execution queue: stoa identities act through their keys directly (addKey, addClaim, removeClaim by a management or claim key)",
  "approve(uint256,bool)": "no execution queue (see execute)",
  "ExecutionRequested(uint256,address,uint256,bytes)": "no execution queue (see execute)",
  "Executed(uint256,address,uint256,bytes)": "no execution queue (see execute)",
  "ExecutionFailed(uint256,address,uint256,bytes)": "no execution queue (see execute)",
  "Approved(uint256,bool)": "no execution queue (see execute)",
};

function stoaAbi(name) {
  return JSON.parse(readFileSync(join(root, "docs/abi", `${name}.json`), "utf8"));
}

function entries(abi) {
  const iface = new ethers.Interface(abi);
  const out = [];
  iface.forEachFunction((f) => out.push({ kind: "function", sig: f.format("sighash"), id: f.selector, indexed: "" }));
  iface.forEachEvent((e) =>
    out.push({
      kind: "event",
      sig: e.format("sighash"),
      id: e.topicHash.slice(0, 10),
      indexed: e.inputs.map((p) => (p.indexed ? "i" : "-")).join(""),
    }),
  );
  return out.sort((a, b) => (a.kind + a.sig).localeCompare(b.kind + b.sig));
}

function compare() {
  const rows = [];
  const problems = [];
  for (const [label, path, stoaName] of PAIRS) {
    const theirs = entries(JSON.parse(readFileSync(path, "utf8")).abi);
    const ours = entries(stoaAbi(stoaName));
    const byId = new Map(ours.map((e) => [e.kind + e.id, e]));
    for (const e of theirs) {
      const mine = byId.get(e.kind + e.id);
      let status;
      if (!mine) {
        status = DELIBERATE[e.sig] ? `deliberate: ${DELIBERATE[e.sig]}` : "MISSING";
        if (!DELIBERATE[e.sig]) problems.push(`${label}: ${e.kind} ${e.sig} missing from docs/abi/${stoaName}.json`);
      } else if (e.kind === "event" && mine.indexed !== e.indexed) {
        status = `INDEXED ${mine.indexed} (T-REX ${e.indexed})`;
        problems.push(`${label}: event ${e.sig} indexed ${mine.indexed} in stoa, ${e.indexed} in T-REX`);
      } else {
        status = "yes";
        if (DELIBERATE[e.sig]) problems.push(`${label}: ${e.sig} is listed as a deliberate difference but exists`);
      }
      rows.push({ label, stoaName, ...e, status });
    }
  }
  return { rows, problems };
}

function render(rows) {
  const lines = [
    "# ERC-3643 (T-REX v4) and ONCHAINID compatibility",
    "",
    "Generated by `node tests/e2e/erc3643_table.mjs --write` from the T-REX v4 and ONCHAINID",
    "artifacts installed from npm (`@tokenysolutions/t-rex`, `@onchain-id/solidity`) and stoa's",
    "ABI documents (docs/abi). Do not edit by hand: the test `lint.erc3643_table` fails when a",
    "T-REX function or event is missing from docs/abi or this file is stale.",
    "",
    "A function matches by its 4-byte selector; an event by its signature (topic 0) and its",
    "`indexed` pattern (`i` indexed, `-` not, per parameter). stoa's richer variants (partitions,",
    "reason codes, LP-3100 roles) are extra overloads and not listed here. How T-REX's agent and",
    "owner roles map onto stoa's LP-3100 roles: docs/identity.md, \"ERC-3643 agents and owners\".",
    "",
  ];
  let current = "";
  for (const r of rows) {
    if (r.label !== current) {
      current = r.label;
      lines.push(`## ${r.label} → stoa \`${r.stoaName}\``, "", "| kind | signature | selector / topic | indexed | in stoa |", "|---|---|---|---|---|");
    }
    lines.push(`| ${r.kind} | \`${r.sig}\` | \`${r.id}\` | ${r.indexed ? `\`${r.indexed}\`` : ""} | ${r.status} |`);
    const next = rows[rows.indexOf(r) + 1];
    if (!next || next.label !== current) lines.push("");
  }
  const total = rows.length;
  const present = rows.filter((r) => r.status === "yes").length;
  lines.push(`${present} of ${total} T-REX/ONCHAINID entries are present; the rest are the deliberate differences above.`, "");
  return lines.join("\n");
}

const { rows, problems } = compare();
const text = render(rows);
const mode = process.argv[2];
if (mode === "--write") {
  writeFileSync(DOC, text);
  for (const p of problems) console.log(p);
  console.log(`wrote ${DOC}: ${rows.length} entries, ${problems.length} problems`);
} else if (mode === "--check") {
  let stale = false;
  try {
    stale = readFileSync(DOC, "utf8") !== text;
  } catch {
    stale = true;
  }
  if (stale) problems.push("docs/erc3643-compatibility.md is stale: run node tests/e2e/erc3643_table.mjs --write");
  for (const p of problems) console.error(p);
  process.exit(problems.length ? 1 : 0);
} else {
  for (const p of problems) console.log(p);
  console.log(`${problems.length} problems`);
}
