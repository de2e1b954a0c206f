/**
 * One node of a devnet: a real `toychain node` child process with its own data folder,
 * started on free ports (port 0). The node writes DATADIR/node.json (its endpoints) and
 * DATADIR/api.cookie (the bearer token) once it listens; we wait for both, bounded.
 * Its output goes to DATADIR/node.log, so a dead node can be diagnosed. Its blocks pay
 * its own wallet, DATADIR/wallet/ (node-wallet.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetworkParams } from '../consensus/params.js';
import type { AddressKey } from '../../wallet/wallet.js';
import { loadOrCreateNodeWallet, NodeWalletReader, type NodeWallet } from './node-wallet.js';

// The bundled command (scripts/build-node.mjs: an idle node ~8 MB smaller); the same
// path from dist/src/devnet/ and from the bundle's own dist/src/bin/.
const CLI = fileURLToPath(new URL('../bin/toychain.js', import.meta.url));
/** A node opens LevelDB and starts its worker threads first: generous, but bounded. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 50;

export interface ChildEndpoints {
  pid: number;
  apiUrl: string;
  p2pUrl: string;
}

export interface ChildNodeOptions {
  index: number;
  datadir: string;
  params: NetworkParams;
  /** the network file the node runs (a devnet's own network); default: params.name, a built-in network */
  networkFile?: string;
  /** the ports of the first start (default 0 both: free ones); a classroom's node keeps a p2p port students can be told */
  ports?: { p2p: number; api: number };
  /** extra `toychain node` arguments (regtest's mining pace) */
  extraArgs?: string[];
  workers: number;
  logLevel: string;
}

export type ChildState = 'starting' | 'running' | 'stopping' | 'stopped' | 'dead';

export class ChildNode {
  private child: ChildProcess | undefined;
  state: ChildState = 'stopped';
  endpoints: ChildEndpoints | undefined;
  token = '';
  exitInfo: string | undefined;
  wallet: NodeWallet | undefined;
  private walletReader: NodeWalletReader | undefined;
  /** called when the process ends without being asked to */
  onDeath: (child: ChildNode, why: string) => void = () => undefined;

  constructor(readonly options: ChildNodeOptions) {}

  get index(): number {
    return this.options.index;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.state === 'running';
  }

  /**
   * start spawns the node and resolves once it has written its endpoints and token. A
   * restarted node asks for the ports it had, so its API address (a wallet's --node) stays;
   * if one was taken meanwhile, it starts again on free ports.
   */
  async start(): Promise<void> {
    const ports = this.lastPorts;
    if (ports === undefined) return this.spawnNode(String(this.options.ports?.p2p ?? 0), String(this.options.ports?.api ?? 0));
    try {
      await this.spawnNode(String(ports.p2p), String(ports.api));
    } catch (e) {
      if (this.state !== 'dead') throw e;
      await this.spawnNode('0', '0');
    }
  }

  /** the ports of the last run, for a restart */
  private lastPorts: { p2p: number; api: number } | undefined;

  private async spawnNode(p2pPort: string, apiPort: string): Promise<void> {
    if (this.state === 'starting' || this.state === 'running') throw new Error(`node ${this.index} is already running`);
    const { datadir, params, workers, logLevel } = this.options;
    await mkdir(datadir, { recursive: true, mode: 0o700 });
    this.wallet = await loadOrCreateNodeWallet(datadir, params);
    this.walletReader = new NodeWalletReader(this.wallet, params);
    // A stale node.json (from a killed run) must not be read as this run's.
    await rm(join(datadir, 'node.json'), { force: true });
    const network = this.options.networkFile === undefined ? ['--network', params.name] : ['--network-file', this.options.networkFile];
    const args = [CLI, 'node', ...network, '--datadir', datadir, '--p2p-port', p2pPort, '--api-port', apiPort, ...(this.options.extraArgs ?? [])];
    args.push('--workers', String(workers), '--miner-address', this.wallet.address, '--log-level', logLevel);
    const log = createWriteStream(join(datadir, 'node.log'), { flags: 'a' });
    // Its own process group: Ctrl-C in the terminal reaches only the supervisor, which
    // stops every node in order (a node stopping on its own would look like a death).
    // The IPC channel carries no messages: the node exits when it closes, i.e. when this
    // supervisor is gone, even killed by SIGKILL (see src/cli/run-node.ts).
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
    child.channel?.unref();
    child.on('error', (e) => log.write(`spawn failed: ${e.message}\n`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    this.state = 'starting';
    this.exitInfo = undefined;
    this.endpoints = undefined;
    child.once('exit', (code, signal) => {
      const why = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
      this.exitInfo = why;
      const expected = this.state === 'stopping';
      this.state = expected ? 'stopped' : 'dead';
      if (!expected) this.onDeath(this, why);
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if ((this.state as ChildState) === 'dead') throw new Error(`node ${this.index} ${this.exitInfo} while starting: see ${join(datadir, 'node.log')}`);
      const endpoints = await readEndpoints(datadir);
      if (endpoints !== undefined && endpoints.pid === child.pid) {
        this.endpoints = endpoints;
        this.lastPorts = { p2p: Number(new URL(endpoints.p2pUrl).port), api: Number(new URL(endpoints.apiUrl).port) };
        this.token = (await readFile(join(datadir, 'api.cookie'), 'utf8')).trim();
        this.state = 'running';
        return;
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`node ${this.index} did not start within ${START_TIMEOUT_MS} ms: see ${join(datadir, 'node.log')}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** walletKeys lists the addresses (and keys) the node's wallet has issued: its mining address first. */
  async walletKeys(): Promise<AddressKey[]> {
    if (this.walletReader === undefined) throw new NodeUnavailableError(this.index, 'not started yet: it has no wallet');
    return this.walletReader.keys();
  }

  /** stop sends SIGTERM (a clean stop: store flushed) and SIGKILL after a bound. */
  stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      if (this.state !== 'dead') this.state = 'stopped';
      return Promise.resolve();
    }
    this.state = 'stopping';
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** api calls the node's REST API; calls that change it carry the bearer token. */
  async api<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<T> {
    if (this.endpoints === undefined || !this.alive) throw new NodeUnavailableError(this.index, this.exitInfo ?? this.state);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.endpoints.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new NodeApiError(this.index, res.status, error?.code ?? 'error', error?.message ?? text);
    }
    return parsed as T;
  }
}

/** A call to a node that is not running. */
export class NodeUnavailableError extends Error {
  constructor(
    readonly index: number,
    state: string,
  ) {
    super(`node ${index} is not running (${state})`);
    this.name = 'NodeUnavailableError';
  }
}

/** A node answered with an error: its code and message, passed on as they are. */
export class NodeApiError extends Error {
  constructor(
    readonly index: number,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`node ${index}: ${message}`);
    this.name = 'NodeApiError';
  }
}

async function readEndpoints(datadir: string): Promise<ChildEndpoints | undefined> {
  const file = join(datadir, 'node.json');
  if (!existsSync(file) || !existsSync(join(datadir, 'api.cookie'))) return undefined;
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as Partial<ChildEndpoints>;
    if (typeof json.pid !== 'number' || typeof json.apiUrl !== 'string' || typeof json.p2pUrl !== 'string') return undefined;
    return { pid: json.pid, apiUrl: json.apiUrl, p2pUrl: json.p2pUrl };
  } catch {
    return undefined; // written but not yet complete: read again on the next poll
  }
}
