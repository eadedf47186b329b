// Documents (ERC-1643) and the controller (ERC-1644) through ethers v6, with the standards' own
// human-readable ABIs (not stoa's docs/abi), so the signatures and events are the standards':
// a document set, replaced and removed with its history read back, and a controllerTransfer of a
// holder's shares without any approval of the holder, reading the events from the receipts
// (docs/documents.md, docs/corporate-actions.md).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { abi, devMnemonic, startNode } from "./node.js";

const FACTORY = "0x5704000000000000000000000000000000000001";
const REG_D_506C = 1;

const ERC1643 = [
  "function getDocument(bytes32 _name) view returns (string, bytes32, uint256)",
  "function setDocument(bytes32 _name, string _uri, bytes32 _documentHash)",
  "function removeDocument(bytes32 _name)",
  "function getAllDocuments() view returns (bytes32[])",
  "event DocumentRemoved(bytes32 indexed _name, string _uri, bytes32 _documentHash)",
  "event DocumentUpdated(bytes32 indexed _name, string _uri, bytes32 _documentHash)",
];
const ERC1644 = [
  "function isControllable() view returns (bool)",
  "function controllerTransfer(address _from, address _to, uint256 _value, bytes _data, bytes _operatorData)",
  "function controllerRedeem(address _tokenHolder, uint256 _value, bytes _data, bytes _operatorData)",
  "event ControllerTransfer(address _controller, address indexed _from, address indexed _to, uint256 _value, bytes _data, bytes _operatorData)",
  "event ControllerRedemption(address _controller, address indexed _tokenHolder, uint256 _value, bytes _data, bytes _operatorData)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
];

let node;
let provider;
let w;
let s;
let token; // stoa's full ABI
let docs; // ERC-1643 only
let controller; // ERC-1644 only

function wallet(i) {
  return ethers.HDNodeWallet.fromPhrase(devMnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
}

function parsed(contract, receipt) {
  return receipt.logs.map((l) => contract.interface.parseLog(l)).filter((e) => e !== null);
}

async function send(p) {
  const receipt = await (await p).wait();
  assert.equal(receipt.status, 1);
  return receipt;
}

before(async () => {
  node = await startNode();
  provider = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  provider.pollingInterval = 50;
  w = { operator: wallet(0), issuer: wallet(1), officer: wallet(2), alice: wallet(3), bob: wallet(4), legal: wallet(5), agent: wallet(6) };
  s = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new ethers.NonceManager(v)]));
  const factory = new ethers.Contract(FACTORY, abi("SecurityFactory"), s.operator);
  const receipt = await send(factory.createSecurity("Filed Co", "FIL", 0, REG_D_506C, w.issuer.address, w.officer.address));
  const created = receipt.logs.map((l) => factory.interface.parseLog(l)).find((e) => e?.name === "SecurityCreated");
  const set = await factory.getSecurity(created.args.token);
  token = new ethers.Contract(set.token, abi("SecurityToken"), provider);
  docs = new ethers.Contract(set.token, ERC1643, provider);
  controller = new ethers.Contract(set.token, ERC1644, provider);
  const registry = new ethers.Contract(set.registry, abi("ComplianceRegistry"), s.officer);
  const us = ethers.hexlify(ethers.toUtf8Bytes("US"));
  await send(registry.batchOnboard([w.alice.address, w.bob.address], [us, us], [1, 1], [0, 0]));
  await send(token.connect(s.issuer).grantRole(await token.DOCUMENT_ADMIN_ROLE(), w.legal.address));
  await send(token.connect(s.issuer).grantRole(await token.CORPORATE_ACTION_ROLE(), w.agent.address));
  await send(token.connect(s.issuer).mint(w.alice.address, 1000));
});

after(async () => {
  await node?.stop();
});

test("ERC-1643: a document set, replaced and removed, every version readable", async () => {
  const name = ethers.encodeBytes32String("OFFERING_MEMORANDUM");
  const h1 = ethers.id("memorandum v1");
  const h2 = ethers.id("memorandum v2");
  const first = await send(docs.connect(s.legal).setDocument(name, "ipfs://memo-1", h1));
  const [updated] = parsed(docs, first);
  assert.equal(updated.name, "DocumentUpdated");
  assert.deepEqual([updated.args._name, updated.args._uri, updated.args._documentHash], [name, "ipfs://memo-1", h1]);
  await send(docs.connect(s.legal).setDocument(name, "ipfs://memo-2", h2));
  const [uri, hash, when] = await docs.getDocument(name);
  assert.deepEqual([uri, hash], ["ipfs://memo-2", h2]);
  assert.ok(when > 0n);
  assert.deepEqual([...(await docs.getAllDocuments())], [name]);
  const [, missing, message] = await token.explainDocuments();
  assert.equal(missing.length, 4);
  assert.match(message, /^Reg D 506\(c\) needs, not on file: SUBSCRIPTION_AGREEMENT/);

  const removed = await send(docs.connect(s.legal).removeDocument(name));
  const [gone] = parsed(docs, removed);
  assert.equal(gone.name, "DocumentRemoved");
  assert.deepEqual([gone.args._uri, gone.args._documentHash], ["ipfs://memo-2", h2]);
  assert.deepEqual([...(await docs.getAllDocuments())], []);
  assert.equal((await docs.getDocument(name))[0], "");
  assert.equal(await token.documentVersionCount(name), 3n);
  const v0 = await token.getDocumentVersion(name, 0);
  assert.deepEqual([v0.uri, v0.documentHash, v0.removed], ["ipfs://memo-1", h1, false]);
  const v2 = await token.getDocumentVersion(name, 2);
  assert.deepEqual([v2.uri, v2.removed], ["ipfs://memo-2", true]);

  // Not the role: refused, and the document stays removed.
  await assert.rejects(docs.connect(w.bob).setDocument(name, "ipfs://x", h1), (err) => {
    const data = err.data ?? err.info?.error?.data ?? err.error?.data;
    assert.equal(token.interface.parseError(data).name, "AccessControlUnauthorizedAccount");
    return true;
  });
  assert.equal(await token.documentVersionCount(name), 3n);
});

test("ERC-1644: controllerTransfer moves a holder's shares with no approval of the holder", async () => {
  assert.equal(await controller.isControllable(), true);
  assert.equal(await token.allowance(w.alice.address, w.agent.address), 0n);
  const docHash = ethers.id("court order 17");
  const reason = ethers.hexlify(ethers.toUtf8Bytes("court order 17"));
  const receipt = await send(controller.connect(s.agent).controllerTransfer(w.alice.address, w.bob.address, 250, docHash, reason));
  const events = parsed(controller, receipt);
  assert.deepEqual(events.map((e) => e.name), ["Transfer", "ControllerTransfer"]);
  const ct = events[1];
  assert.deepEqual(
    [ct.args._controller, ct.args._from, ct.args._to, ct.args._value, ct.args._data, ct.args._operatorData],
    [w.agent.address, w.alice.address, w.bob.address, 250n, docHash, reason],
  );
  assert.equal(await token.balanceOf(w.alice.address), 750n);
  assert.equal(await token.balanceOf(w.bob.address), 250n);

  const redeemed = await send(controller.connect(s.agent).controllerRedeem(w.bob.address, 50, docHash, reason));
  const red = parsed(controller, redeemed);
  assert.deepEqual(red.map((e) => e.name), ["Transfer", "ControllerRedemption"]);
  assert.equal(red[1].args._tokenHolder, w.bob.address);
  assert.equal(await token.totalSupply(), 950n);

  // The holder itself is not the controller.
  await assert.rejects(controller.connect(w.alice).controllerTransfer(w.bob.address, w.alice.address, 1, docHash, reason));
  assert.equal(await token.balanceOf(w.bob.address), 200n);
});
