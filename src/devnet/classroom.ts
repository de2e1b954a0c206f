/**
 * `toychain classroom`: the teacher's machine runs the class's first node, a watcher
 * over it and every student node that joins (the devnet's page; its lessons panel needs a devnet and stays hidden), and
 * serves the class network file; students join with one printed command.
 *
 * How the pieces find each other, without a registry:
 * - the class network is DIR/class.json (made once, kept across restarts: the students'
 *   chains start from its genesis), served at GET /class.json on the page's port, so a
 *   student's `--network-file` can be that URL;
 * - a student's node dials the teacher's node (--peer) and announces its API in the
 *   handshake (--announce-api http://0.0.0.0:PORT: "at the address you see me from");
 * - the watcher reads the teacher node's peers, watches each announced API, and shows
 *   a ban the teacher's node makes on the banned student's card (watched-peers.ts).
 *
 * The teacher's node's own API stays on 127.0.0.1: only this machine's watcher uses it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NetworkParams } from '../consensus/params.js';
import { UsageError } from '../node/config.js';
import { createNetwork, defaultAddressPrefix } from '../node/network-create.js';
import { encodeNetworkFile, NetworkFileError, parseNetworkFile } from '../node/network-file.js';
import { ChildNode } from './child-node.js';
import { Watcher } from './watcher.js';
import { apiBase } from './watched-node-api.js';

export const CLASS_NETWORK_NAME = 'class';
export const CLASS_FILE = 'class.json';
/** The port a student's node's API listens on in the printed command (the custom networks' default). */
export const STUDENT_API_PORT = 28443;

export interface ClassroomOptions {
  dir: string;
  blockTimeSec: number;
  /** the class's hash rate (hashes a second) the starting difficulty is set for; default this machine's */
  hashrate: number | undefined;
  /** make a new class network even if DIR/class.json exists (the teacher's chain starts over) */
  fresh: boolean;
  p2pHost: string;
  p2pPort: number;
  /** the address students are told to reach this machine at; default the listen host, or the first LAN address */
  joinHost: string | undefined;
  /** does the teacher's node mine too */
  mine: boolean;
  workers: number;
  nodeLogLevel: string;
  logger: Logger;
}

/** What the page and a student's script can read: GET /api/v1/classroom. */
export interface ClassroomInfo {
  network: string;
  genesis: string;
  targetSpacingSec: number;
  networkFileUrl: string;
  peer: string;
  joinCommand: string;
}

export class Classroom {
  private constructor(
    readonly params: NetworkParams,
    readonly networkFileText: string,
    readonly node: ChildNode,
    readonly watcher: Watcher,
    private readonly options: ClassroomOptions,
  ) {}

  /** start makes or reads the class network, starts the teacher's node and the watcher over it. */
  static async start(options: ClassroomOptions, log: (line: string) => void): Promise<Classroom> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const { params, text, made } = await classNetwork(options, log);
    const datadir = join(options.dir, 'teacher');
    // A new class network is a new genesis: the old chain in the teacher's folder is not on it.
    if (made) await rm(datadir, { recursive: true, force: true });
    await checkPortFree(options.p2pHost, options.p2pPort);
    const node = new ChildNode({
      index: 0,
      datadir,
      params,
      networkFile: join(options.dir, CLASS_FILE),
      ports: { p2p: options.p2pPort, api: 0 },
      extraArgs: ['--p2p-host', options.p2pHost, ...(options.mine ? ['--mine'] : [])],
      workers: options.workers,
      logLevel: options.nodeLogLevel,
    });
    try {
      await node.start();
    } catch (e) {
      throw new UsageError(`the class's node could not start: ${(e as Error).message}`, `its log is ${join(datadir, 'node.log')}`);
    }
    const teacherApi = apiBase(node.endpoints!.apiUrl);
    const watcher = new Watcher({ nodes: [], token: undefined, tokens: new Map([[teacherApi, node.token]]), discover: true, foundLabel: 'student', params, logger: options.logger });
    watcher.add(teacherApi, 'teacher');
    await watcher.start();
    return new Classroom(params, text, node, watcher, options);
  }

  /** p2pPort is the port the teacher's node listens on for students' nodes. */
  get p2pPort(): number {
    return Number(new URL(this.node.endpoints!.p2pUrl).port);
  }

  /** info says how to join: the network file's URL on the page's port, the peer address and the one command. */
  info(pagePort: number, pageReachable: boolean): ClassroomInfo {
    const host = urlHost(joinHostOf(this.options));
    const networkFileUrl = pageReachable ? `http://${host}:${pagePort}/${CLASS_FILE}` : CLASS_FILE;
    const peer = `ws://${host}:${this.p2pPort}`;
    const joinCommand = [
      // --no: run the toychain of the checkout it is typed in, never a package of that name fetched from the npm registry.
      'npx --no toychain node',
      `--network-file ${networkFileUrl}`,
      `--peer ${peer}`,
      `--api-host 0.0.0.0 --api-port ${STUDENT_API_PORT}`,
      `--announce-api http://0.0.0.0:${STUDENT_API_PORT}`,
      '--mine',
    ].join(' ');
    return { network: this.params.name, genesis: this.params.genesis.hash, targetSpacingSec: this.params.targetSpacing, networkFileUrl, peer, joinCommand };
  }

  async stop(): Promise<void> {
    this.watcher.stop();
    await this.node.stop();
  }
}

/**
 * classNetwork reads DIR/class.json, or makes it (a fresh magic and genesis, the asked
 * spacing, a starting difficulty for the class's hash rate) when there is none or --new.
 */
async function classNetwork(options: ClassroomOptions, log: (line: string) => void): Promise<{ params: NetworkParams; text: string; made: boolean }> {
  const file = join(options.dir, CLASS_FILE);
  if (existsSync(file) && !options.fresh) {
    const text = await readFile(file, 'utf8');
    let params: NetworkParams;
    try {
      params = parseNetworkFile(text, file);
    } catch (e) {
      if (e instanceof NetworkFileError) throw new UsageError(`${e.message}`, `pass --new to make a new class network in ${options.dir}, or another --dir`);
      throw e;
    }
    if (params.targetSpacing !== options.blockTimeSec) {
      throw new UsageError(`${file} is a class network with a block every ${params.targetSpacing} s, not ${options.blockTimeSec} s`, `pass --block-time ${params.targetSpacing}s to go on with it, or --new to make a new one (students then join again)`);
    }
    log(`using the class network in ${file} (genesis ${params.genesis.hash})`);
    return { params, text, made: false };
  }
  const params = await createNetwork(
    { name: CLASS_NETWORK_NAME, targetSpacing: options.blockTimeSec, retargetInterval: 20, coinbaseMaturity: 10, addressPrefix: defaultAddressPrefix(CLASS_NETWORK_NAME) },
    options.hashrate,
    log,
  );
  const text = encodeNetworkFile(params);
  parseNetworkFile(text, file); // what we write must read back
  await writeFile(file, text);
  log(`wrote the class network ${file} (genesis ${params.genesis.hash})`);
  return { params, text, made: true };
}

/** joinHostOf: --join-host, else the listen host when it is one address, else this machine's first LAN address. */
export function joinHostOf(options: Pick<ClassroomOptions, 'joinHost' | 'p2pHost'>): string {
  if (options.joinHost !== undefined) return options.joinHost;
  if (options.p2pHost !== '0.0.0.0' && options.p2pHost !== '::') return options.p2pHost;
  return lanAddresses()[0] ?? '127.0.0.1';
}

/** lanAddresses lists this machine's IPv4 addresses other than loopback: where students may reach it. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** checkPortFree fails with what to do when the class's p2p port is taken (before a node is started on it). */
async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new UsageError(`the peer port ${port} is already in use on ${host}`, 'pass another --p2p-port (students are told the one used), or stop what listens there') : e);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** classroomUrlCheck: a --join-host must be a host name or an IP address students can type. */
export function checkJoinHost(value: string): string {
  if (!/^([a-z0-9.-]{1,253}|\[?[0-9a-f:.]{2,45}\]?)$/i.test(value)) {
    throw new UsageError(`--join-host: '${value}' is not a host name or an IP address`, 'give the address students reach this machine at, e.g. --join-host 192.168.1.10');
  }
  return value.replace(/^\[(.*)\]$/, '$1');
}
