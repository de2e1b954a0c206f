/**
 * `toychain classroom --block-time 10s`: the teacher's node, the watcher's page (with
 * the explorer and reorg cards) over it and every student node that joins, and the class network file at
 * GET /class.json; prints the one command a student runs. Ctrl-C stops the teacher's
 * node; the students' nodes go on on their own laptops.
 *
 * It listens beyond 127.0.0.1 by default (a class is a LAN): the peer port and the page
 * are then reachable by anyone on that network, and it says so when it starts.
 */
import { createServer, type Server } from 'node:http';
import { availableParallelism, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../node/config.js';
import { createLogger } from '../node/log.js';
import { isLoopbackHost } from '../api/access.js';
import { blockTimeSeconds } from '../devnet/devnet-config.js';
import { checkJoinHost, Classroom, CLASS_FILE, lanAddresses } from '../devnet/classroom.js';
import { createWatchApi } from '../devnet/watch-api.js';
import { hashrateOf } from './network-command.js';

interface ClassroomOptionsText {
  blockTime: string;
  dir?: string;
  p2pHost: string;
  p2pPort: string;
  apiHost: string;
  port: string;
  joinHost?: string;
  hashrate?: string;
  new?: boolean;
  mine?: boolean;
  workers?: string;
  logLevel: string;
}

export function registerClassroomCommand(program: Command): void {
  program
    .command('classroom')
    .description("a class on a LAN: the teacher's node, the page over every student's node, the class network file, and the one command students run to join")
    .option('--block-time <time>', 'how often a block should come, e.g. 10s or 1m', '10s')
    .option('--dir <dir>', 'where the class network file and the teacher\'s node are kept (default ~/.toychain/classroom)')
    .option('--p2p-host <host>', "address the teacher's node listens on for students' nodes (127.0.0.1: this machine only)", '0.0.0.0')
    .option('--p2p-port <n>', "port of the teacher's node for students' nodes (0: any free port)", '28444')
    .option('--api-host <host>', 'address the page and /class.json listen on (127.0.0.1: this machine only)', '0.0.0.0')
    .option('--port <n>', 'port of the page and /class.json (0: any free port)', '8080')
    .option('--join-host <host>', "the address students reach this machine at, printed in their command (default: this machine's first LAN address)")
    .option('--hashrate <rate>', "the whole class's hash rate the starting difficulty is set for, e.g. 20M (default: this machine's, measured now); the retarget adjusts it", undefined)
    .option('--new', 'make a new class network even if DIR/class.json exists (a new genesis: students join again)')
    .option('--mine', "the teacher's node mines too (from the start)")
    .option('--workers <n>', "mining threads of the teacher's node (default: the number of cores)")
    .option('--log-level <level>', "the classroom's and the teacher node's log level", 'info')
    .action(async (options: ClassroomOptionsText) => {
      await runClassroom(options);
    });
}

async function runClassroom(o: ClassroomOptionsText): Promise<void> {
  const blockTimeSec = blockTimeSeconds('--block-time', o.blockTime);
  const p2pPort = port('--p2p-port', o.p2pPort);
  const pagePort = port('--port', o.port);
  const workers = o.workers === undefined ? availableParallelism() : count('--workers', o.workers);
  const hashrate = o.hashrate === undefined ? undefined : hashrateOf(o.hashrate);
  const joinHost = o.joinHost === undefined ? undefined : checkJoinHost(o.joinHost);
  for (const [option, host] of [['--p2p-host', o.p2pHost], ['--api-host', o.apiHost]] as const) {
    if (!/^([a-z0-9.-]{1,253}|[0-9a-f:.]{2,45})$/i.test(host)) throw new UsageError(`${option}: '${host}' is not an address to listen on`, 'for example 0.0.0.0 (every network of this machine) or 127.0.0.1 (this machine only)');
  }
  const dir = resolve(o.dir ?? join(homedir(), '.toychain', 'classroom'));
  const logger = createLogger({ level: o.logLevel, pretty: process.stdout.isTTY === true, name: 'classroom' });

  // The page's port first: a busy port fails in a second, before a genesis is mined or a node started.
  let handler: Parameters<typeof createServer>[1] | undefined;
  const server = createServer((req, res) => {
    if (handler !== undefined) return handler(req, res);
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'starting', message: 'the classroom is starting' } }));
  });
  const boundPage = await listen(server, o.apiHost, pagePort);

  let classroom: Classroom | undefined;
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    server.close();
    await classroom?.stop();
    logger.flush();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown());
  process.on('exit', () => {
    const pid = classroom?.node.pid;
    if (pid !== undefined && classroom?.node.alive === true) process.kill(pid, 'SIGTERM');
  });

  try {
    classroom = await Classroom.start({ dir, blockTimeSec, hashrate, fresh: o.new === true, p2pHost: o.p2pHost, p2pPort, joinHost, mine: o.mine === true, workers, nodeLogLevel: o.logLevel, logger }, (line) => console.log(line));
  } catch (e) {
    server.close();
    throw e;
  }
  if (stopping) return;
  const pageExposed = !isLoopbackHost(o.apiHost);
  const p2pExposed = !isLoopbackHost(o.p2pHost);
  const info = classroom.info(boundPage, pageExposed || !p2pExposed);
  const current = classroom;
  handler = createWatchApi(current.watcher, { exposed: pageExposed, token: undefined }, logger, (app, api) => {
    app.get(`/${CLASS_FILE}`, (_req, res) => {
      res.type('application/json').set('cache-control', 'no-cache').send(current.networkFileText);
    });
    api.get('/classroom', (_req, res) => {
      res.json(info);
    });
  });

  const local = `http://127.0.0.1:${boundPage}/`;
  console.log(`\n  Class network: ${info.network}, a block every ${info.targetSpacingSec} s, genesis ${info.genesis}`);
  console.log(`  The class's page (blocks, forks, reorg cards, the explorer, every student's node): ${local}`);
  console.log(`  Teacher's node: takes students' nodes on ${o.p2pHost}:${current.p2pPort}; its API ${current.node.endpoints!.apiUrl} is for this machine only`);
  console.log('\n  Students join with this one command (on their own laptop, in a toychain checkout or where toychain is installed):\n');
  console.log(`    ${info.joinCommand}\n`);
  if (!pageExposed && p2pExposed) console.log(`  The page listens on ${o.apiHost} only, so students cannot fetch ${CLASS_FILE}: give them the file ${join(dir, CLASS_FILE)} and run the command beside it.`);
  for (const line of exposureWarnings(o.p2pHost, current.p2pPort, o.apiHost, boundPage)) console.log(`  warning: ${line}`);
  if (p2pExposed && o.joinHost === undefined) {
    const lan = lanAddresses();
    if (lan.length === 0) console.log('  warning: this machine has no LAN address: students cannot reach it (connect to the class network, or pass --join-host)');
    else if (lan.length > 1) console.log(`  this machine has several addresses (${lan.join(', ')}): if students cannot reach ${lan[0]}, pass --join-host with the one on the class's network`);
  }
  console.log('  Ctrl-C stops the teacher\'s node and the page (students\' nodes go on).\n');
}

/** exposureWarnings names what listens beyond this machine, and who can then reach it. */
function exposureWarnings(p2pHost: string, p2pPort: number, pageHost: string, pagePort: number): string[] {
  const out: string[] = [];
  if (!isLoopbackHost(p2pHost)) out.push(`the teacher's node takes peers on ${p2pHost}:${p2pPort}: anyone on this network can connect a node to it (one that misbehaves is banned, and shown so on the page)`);
  if (!isLoopbackHost(pageHost)) out.push(`the page and ${CLASS_FILE} are served on ${pageHost}:${pagePort}: anyone on this network can read them; only this machine can change anything from the page`);
  out.push("students' nodes answer reads on their API port (28443) to anyone on their network, so this page can show them; changes there need each student's own token");
  return out;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') return reject(new UsageError(`the page's port ${port} is already in use`, 'pass another --port (0 picks a free one)'));
      if (e.code === 'EADDRNOTAVAIL') return reject(new UsageError(`--api-host: ${host} is not an address of this machine`, 'use 0.0.0.0 (every network of this machine), 127.0.0.1, or one of its addresses'));
      reject(e);
    });
    server.listen(port, host, () => {
      const a = server.address();
      resolvePort(typeof a === 'object' && a !== null ? a.port : port);
    });
  });
}

function port(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`${option}: '${value}' is not a port number`, 'use a number from 0 to 65535 (0 picks a free one)');
  return n;
}

function count(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) throw new UsageError(`${option}: '${value}' is not a thread count`, 'use a whole number from 1 to 256');
  return n;
}
