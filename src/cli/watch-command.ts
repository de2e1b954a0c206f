/**
 * `toychain watch --node URL …`: the dashboard over nodes this process did not start.
 * Prints the page's URL; Ctrl-C stops watching (the nodes go on).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';
import { createLogger } from '../node/log.js';
import { isLoopbackHost } from '../api/access.js';
import { Watcher } from '../devnet/watcher.js';
import { apiBase } from '../devnet/watched-node-api.js';
import { createWatchApi } from '../devnet/watch-api.js';

interface WatchOptionsText {
  node: string[];
  port: string;
  host: string;
  tokenFile?: string;
  discover?: boolean;
  logLevel: string;
}

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description("the dashboard over nodes anywhere (the devnet's page): live blocks, forks, splits, who lags")
    .option('--node <url>', "a node's API URL, http://HOST:PORT (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--port <n>', 'port of the dashboard (0: any free port)', '8080')
    .option('--host <host>', 'address the dashboard listens on (beyond 127.0.0.1 it only reads unless --token-file is given)', '127.0.0.1')
    .option('--token-file <file>', "the nodes' API token (e.g. a shared --api-token-file): lets the page switch mining and generate blocks")
    .option('--discover', 'also watch the nodes that watched nodes\' peers announce (toychain node --announce-api)')
    .option('--log-level <level>', "the watcher's log level", 'info')
    .action(async (options: WatchOptionsText) => {
      await runWatch(options);
    });
}

async function runWatch(options: WatchOptionsText): Promise<void> {
  if (options.node.length === 0) throw new UsageError('watch needs at least one --node URL', 'for example: toychain watch --node http://127.0.0.1:28443');
  for (const url of options.node) {
    try {
      apiBase(url);
    } catch (e) {
      throw new UsageError(`--node: ${(e as Error).message}`, 'for example: --node http://127.0.0.1:28443');
    }
  }
  const port = Number(options.port);
  if (!/^\d+$/.test(options.port) || port > 65535) throw new UsageError(`--port: '${options.port}' is not a port number`, 'use a number from 0 to 65535 (0 picks a free one)');
  let token: string | undefined;
  if (options.tokenFile !== undefined) {
    try {
      token = readFileSync(options.tokenFile, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`--token-file: cannot read ${options.tokenFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'give the file the nodes read with --api-token-file, or a node\'s DATADIR/api.cookie');
    }
    if (token.length === 0) throw new UsageError(`--token-file: ${options.tokenFile} is empty`, 'it must hold the nodes\' API token');
  }
  const logger = createLogger({ level: options.logLevel, pretty: process.stdout.isTTY === true, name: 'watch' });
  const watcher = new Watcher({ nodes: options.node, token, discover: options.discover === true, logger });
  const app = createWatchApi(watcher, { exposed: !isLoopbackHost(options.host), token }, logger);
  const server = createServer(app);
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new UsageError(`the port ${port} is already in use`, 'pass another --port (0 picks a free one)') : e));
    server.listen(port, options.host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : port);
    });
  });
  await watcher.start();
  const shown = isLoopbackHost(options.host) ? options.host : '127.0.0.1';
  console.log(`\n  Watching ${options.node.length} node${options.node.length === 1 ? '' : 's'}${options.discover === true ? ' (and the ones they announce)' : ''}`);
  console.log(`  Dashboard: http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}/\n`);
  const stop = (): void => {
    watcher.stop();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
