#!/usr/bin/env node
/** The `toychain-wallet` command: not built yet (it arrives with the transactions issue). */
console.error('toychain-wallet: not built yet. This checkout has the consensus core, the chain and the store; see README.md "Status".');
process.exit(2);
