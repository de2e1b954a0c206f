/**
 * `toychain devnet`: start the supervisor and its nodes, serve the dashboard, print its
 * URL, and on SIGINT / SIGTERM / SIGHUP stop every node cleanly before exiting. The dashboard's
 * port is taken first, so a busy port fails in a second, before any node starts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './usage-error.js';
import { createLogger } from '../node/log.js';
import { createControlApi } from '../devnet/control-api.js';
import type { DevnetConfig } from '../devnet/devnet-config.js';
import { Devnet } from '../devnet/devnet.js';
import { readDevnetFile, removeDevnetFile, writeDevnetFile } from '../devnet/devnet-file.js';
import { devnetNetwork } from '../devnet/devnet-network.js';

export async function runDevnet(config: DevnetConfig): Promise<void> {
  const running = await readDevnetFile(config.datadir);
  if (running !== undefined) {
    throw new UsageError(`a devnet is already running in ${config.datadir} (pid ${running.pid}): its dashboard is ${running.dashboardUrl}`, 'stop it with: toychain devnet stop, or pass another --datadir');
  }
  await mkdir(config.datadir, { recursive: true, mode: 0o700 });
  if (config.fresh) {
    for (const entry of await readdir(config.datadir)) if (/^node-\d+$/.test(entry)) await rm(join(config.datadir, entry), { recursive: true, force: true });
  }
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true, name: 'devnet' });

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler !== undefined) return handler(req, res);
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'starting', message: 'the devnet is starting' } }));
  });
  const port = await listen(server, config.dashboardPort);

  let devnet: Devnet | undefined;
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the devnet: every node');
    server.closeAllConnections();
    server.close();
    await devnet?.stop();
    await removeDevnetFile(config.datadir, process.pid);
    logger.info('devnet stopped');
    logger.flush();
    process.exit(0);
  };
  // SIGTERM is what `timeout`, a process manager and `docker stop` send (`npm start` execs
  // us, so npm's forwarded SIGTERM lands here); SIGHUP is a closed terminal. All stop the nodes.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
  // Last resort (a crash): no node process outlives the supervisor.
  process.on('exit', () => {
    for (const n of devnet?.nodes ?? []) if (n.pid !== undefined && n.alive) process.kill(n.pid, 'SIGTERM');
  });

  // A network that retargets gets the devnet's own, paced from its first block; the networks made for tests
  // (regtest, regtest-retarget: blocks on demand, a settable clock) stay as they are.
  let params = config.params;
  let networkFile: string | undefined;
  if (!config.params.noRetargeting && config.params.mockableChain !== true) {
    const own = await devnetNetwork(config.datadir, { nodes: config.nodes, miners: config.miners, workers: config.workers, blockTimeSec: config.blockTimeSec, fresh: config.fresh }, (line) => console.log(line));
    params = own.params;
    networkFile = own.file;
    if (stopping) return;
  }
  console.log(`Starting a ${config.nodes}-node ${params.name} devnet in ${config.datadir} …`);
  try {
    devnet = await Devnet.start({ nodes: config.nodes, datadir: config.datadir, params, ...(networkFile === undefined ? {} : { networkFile }), blockTimeSec: config.blockTimeSec, workers: config.workers, mine: config.mine, miners: config.miners, link: config.link, nodeLogLevel: config.nodeLogLevel, logger });
  } catch (e) {
    server.close();
    throw new UsageError(`the devnet could not start: ${(e as Error).message}`, 'each node writes its log to DEVNET_FOLDER/node-N/node.log');
  }
  if (stopping) return;
  handler = createControlApi(devnet, logger);
  const dashboardUrl = `http://127.0.0.1:${port}/`;
  await writeDevnetFile(config.datadir, { pid: process.pid, network: params.name, nodes: config.nodes, controlUrl: `http://127.0.0.1:${port}/api/v1`, dashboardUrl, startedAt: Date.now() });
  console.log(`\n  Dashboard: ${dashboardUrl}\n`);
  // The nodes' own APIs, for the wallet (toychain-wallet --devnet N finds them itself) and curl.
  for (const n of devnet.nodes) console.log(`  node ${n.index} API: ${n.endpoints?.apiUrl ?? '(not running)'}`);
  console.log(`  wallets: each node mines to its own; toychain-wallet --devnet N balance opens node N's (add --devnet-dir ${config.datadir} if not the default)\n`);
  console.log(`  ${config.nodes} nodes ${config.mine ? 'mining' : 'ready (blocks on demand)'}; control them from the page or with: toychain devnet status | split 0,1 2 | heal`);
  console.log('  Ctrl-C stops every node.\n');
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new UsageError(`the dashboard port ${port} is already in use`, 'pass another --dashboard-port (0 picks a free one)') : e);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
