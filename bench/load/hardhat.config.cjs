// Hardhat's in-process EVM for the reference side of the load run (bench/load/run.mjs).
// Zero base fee and zero gas price, like stoa; a failed transaction is mined with status 0 and
// its hash returned (as on a real chain) instead of an error from eth_sendRawTransaction.
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: "cancun",
      initialBaseFeePerGas: 0,
      gasPrice: 0,
      blockGasLimit: 30_000_000,
      throwOnTransactionFailures: false,
      throwOnCallFailures: false,
      allowUnlimitedContractSize: false,
      loggingEnabled: false,
      mining: { auto: true, interval: 0 },
    },
  },
};
