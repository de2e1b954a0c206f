#!/usr/bin/env node
/**
 * The `toychain` command. Today it only reports what exists: the node, the devnet and
 * the lab arrive with their own issues, and saying so beats pretending.
 */
const USAGE = `usage: toychain <command> [options]

commands:
  node      run a node                         (not built yet)
  devnet    run a local network of nodes       (not built yet)
  lab       classroom experiments              (not built yet)

What works today is the consensus library (import 'toychain/consensus') and the
chain and store it drives; see README.md.`;

const [command] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command === 'node' || command === 'devnet' || command === 'lab') {
  console.error(`toychain ${command}: not built yet. This checkout has the consensus core, the chain and the store; see README.md "Status".`);
  process.exit(2);
}
console.error(`toychain: unknown command '${command}'\n\n${USAGE}`);
process.exit(2);
