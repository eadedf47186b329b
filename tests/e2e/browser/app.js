// The page's script in tests/e2e/browser.test.js, bundled with viem by esbuild: what a browser
// dapp does against a stoa node on another origin. It reads a balance and sends a transaction
// signed in the page (a local account; the node never sees the key), then waits for the receipt.
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";

const FACTORY = "0x5704000000000000000000000000000000000001";
const createSecurityAbi = [{
  type: "function", name: "createSecurity", stateMutability: "nonpayable",
  inputs: [
    { name: "name", type: "string" }, { name: "symbol", type: "string" },
    { name: "decimals", type: "uint8" }, { name: "preset", type: "uint8" },
    { name: "issuer", type: "address" }, { name: "complianceOfficer", type: "address" },
  ],
  outputs: [{ name: "token", type: "address" }],
}];

window.stoaDemo = async (nodeUrl, mnemonic) => {
  const chain = defineChain({
    id: 1337, name: "stoa dev", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [nodeUrl] } },
  });
  const transport = http(nodeUrl, { retryCount: 0 });
  const pub = createPublicClient({ chain, transport, pollingInterval: 50 });
  const operator = mnemonicToAccount(mnemonic, { addressIndex: 0 });
  const issuer = mnemonicToAccount(mnemonic, { addressIndex: 1 });
  const officer = mnemonicToAccount(mnemonic, { addressIndex: 2 });
  const balance = await pub.getBalance({ address: operator.address });
  const wallet = createWalletClient({ chain, transport, account: operator });
  const hash = await wallet.writeContract({
    address: FACTORY, abi: createSecurityAbi, functionName: "createSecurity",
    args: ["Browser Widgets", "BRWS", 0, 1, issuer.address, officer.address],
  });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  return {
    origin: window.location.origin,
    balance: balance.toString(),
    hash,
    status: receipt.status,
    from: receipt.from,
    blockNumber: receipt.blockNumber.toString(),
  };
};
window.stoaReady = true;
