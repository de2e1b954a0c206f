#!/usr/bin/env node
/**
 * The `toychain` command: `node` runs one node, `devnet` a local network of nodes with
 * its dashboard; `lab` runs the classroom experiments (src/lab/). Usage errors print the message and a hint and exit with 2,
 * never a stack trace.
 */
import './hold-young-generation.js'; // first: before the other modules load (an idle node's memory)
import type { NodeOptions } from '../node/config.js';
// The rest is imported after the hold is on, not statically: an ES module's whole static
// graph (zod and the contract among it) loads before its first line runs, and that
// loading alone grew the young generation past the hold (an idle node 4-6 MB bigger).
const { Command, CommanderError } = await import('commander');
const { resolveNodeConfig } = await import('../node/config.js');
const { UsageError } = await import('./usage-error.js');
const { loadNetworkFile, registerNetworkCommand } = await import('./network-command.js');
const { VERSION } = await import('../node/version.js');

const program = new Command();
program
  .name('toychain')
  .description('A small, honest proof-of-work blockchain: watch Nakamoto consensus work.')
  .version(VERSION)
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

program
  .command('node')
  .description('run a node: chain, peer-to-peer gossip, mining and the REST API')
  .option('--network <name>', 'demo (default, ~10 s blocks), regtest (blocks on demand) or regtest-retarget (blocks on demand, retarget every 4 blocks)')
  .option('--network-file <file-or-url>', 'run a custom network from its JSON file or an http(s) URL serving it (made by: toychain network create, served by toychain classroom)')
  .option('--datadir <dir>', 'where the chain is kept (default ~/.toychain/NETWORK)')
  .option('--p2p-port <n>', 'peer-to-peer port (0: any free port; default 28444 demo, 18444 regtest)')
  .option('--p2p-host <host>', 'address to listen on for peers', '127.0.0.1')
  .option('--api-port <n>', 'REST API port (0: any free port; default 28443 demo, 18443 regtest)')
  .option('--api-host <host>', 'address the REST API listens on (beyond 127.0.0.1, every change needs the token)', '127.0.0.1')
  .option('--api-allow-host <name>', 'a host name the API answers to besides localhost, e.g. behind a proxy (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--api-token-file <file>', 'use the token in this file (e.g. a mounted secret) instead of a new one per start; still written to DATADIR/api.cookie')
  .option('--announce-api <url>', 'tell peers this node\'s API URL in the handshake (for watchers), e.g. http://192.0.2.10:28443')
  .option('--peer <ws://HOST:PORT>', 'connect to this peer and keep reconnecting (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--mine', "mine from the start, paying --miner-address (or, without it, the node's own key in DATADIR/miner.key)")
  .option('--miner-address <address>', 'address the block rewards are paid to')
  .option('--workers <n>', 'mining threads (default: the number of cores)')
  .option('--block-time <time>', "regtest: continuous mining's mean time between blocks, e.g. 10s (default: the network's target spacing, 600 s)")
  .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
  .action(async (options: NodeOptions) => {
    if (options.network !== undefined && options.networkFile !== undefined) resolveNodeConfig(options); // refuses the pair before reading the file
    const fileParams = options.networkFile === undefined ? undefined : await loadNetworkFile(options.networkFile);
    // Loaded here, not at the top: the node's modules load under the young-generation hold (hold-young-generation.ts).
    const { runNode } = await import('./run-node.js');
    await runNode(resolveNodeConfig(options, fileParams));
  });

// `toychain node` loads none of the other commands' modules: each costs an idle node
// memory (`npm run bench -- memory`). Every other command line registers them all.
const others = process.argv[2] === 'node' ? undefined : await Promise.all([
  import('./devnet-command.js'), import('./watch-command.js'), import('./classroom-command.js'),
  import('./lab-command.js'), import('./conformance-command.js'), import('./scenario-command.js'),
]);
if (others !== undefined) {
  const [devnet, watch, classroom] = others;
  devnet.registerDevnetCommand(program);
  watch.registerWatchCommand(program);
  classroom.registerClassroomCommand(program);
}
registerNetworkCommand(program);

if (others !== undefined) {
  const [, , , lab, conformance, scenario] = others;
  lab.registerLabCommand(program);
  conformance.registerConformanceCommand(program);
  scenario.registerScenarioCommand(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here with code 0; a usage mistake with 2.
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  if (e instanceof UsageError) {
    console.error(`toychain: ${e.message}`);
    if (e.hint !== undefined) console.error(`hint: ${e.hint}`);
    process.exit(2);
  }
  throw e;
}
