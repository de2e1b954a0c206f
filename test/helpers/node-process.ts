/**
 * Test helper: real `toychain node` processes on 127.0.0.1 with free ports (port 0),
 * each with its own temporary data directory. Every process a cluster starts is
 * stopped by `stopAll()` (call it in afterEach/after), and killed at exit as a last
 * resort, so no node outlives a failing test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeAddress } from '../../src/consensus/address.js';
import { sha256 } from '../../src/consensus/hash.js';
import { regtest } from '../../src/consensus/params.js';
import { xOnlyPublicKey } from '../../src/consensus/signature.js';
import { readServerSentEvents } from '../../src/devnet/server-sent-events.js';

/**
 * The regtest address a test node mines to, its own per node name: two miners paying
 * the same address on the same parent in the same second would build identical blocks.
 */
export function minerAddress(name: string): string {
  return encodeAddress(xOnlyPublicKey(sha256(new TextEncoder().encode(`toychain test miner ${name}`))), regtest);
}

const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** waitFor polls `check` until it returns a value other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** sameTip waits until every node reports the same tip hash, and returns it. */
export async function sameTip(nodes: readonly NodeProcess[], what: string, timeoutMs = 30_000): Promise<string> {
  return waitFor(what, async () => {
    const tips = await Promise.all(nodes.map(async (n) => (await n.status()).tip));
    return tips.every((t) => t === tips[0]) ? tips[0] : undefined;
  }, timeoutMs);
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export class NodeProcess {
  readonly token: string;
  readonly apiUrl: string;
  readonly p2pUrl: string;
  readonly p2pPort: number;
  output = '';

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly datadir: string,
    endpoints: { apiUrl: string; p2pUrl: string; p2pPort: number },
  ) {
    this.apiUrl = endpoints.apiUrl;
    this.p2pUrl = endpoints.p2pUrl;
    this.p2pPort = endpoints.p2pPort;
    this.token = readFileSync(join(datadir, 'api.cookie'), 'utf8').trim();
  }

  /** api calls the node's REST API; mutating calls carry the cookie's bearer token unless `auth` is false. */
  async api<T = any>(method: string, path: string, body?: unknown, auth = true): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth && method !== 'GET') headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
  }

  async status(): Promise<{ height: number; tip: string; chainwork: string; peers: number; bannedPeers: number }> {
    const res = await this.api('GET', '/status');
    if (res.status !== 200) throw new Error(`status: HTTP ${res.status}`);
    return res.body;
  }

  async generate(blocks: number, address?: string): Promise<string[]> {
    const res = await this.api<{ hashes: string[] }>('POST', '/mining/generate', address === undefined ? { blocks } : { blocks, address });
    if (res.status !== 200) throw new Error(`generate: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.hashes;
  }

  /** stop sends SIGTERM and waits for a clean exit (SIGKILL after timeoutMs); resolves to the exit code. */
  stop(timeoutMs = 10_000): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve(this.child.exitCode);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      this.child.kill('SIGTERM');
    });
  }
}

export interface StartOptions {
  network?: string;
  /** run the network of this file (--network-file) instead of --network */
  networkFile?: string;
  peers?: string[];
  args?: string[];
  /** reuse a data directory (a restart); default: a new temporary one */
  datadir?: string;
  /** false: start a regtest node without --miner-address */
  minerAddress?: false;
  /** node's own flags, before the script (e.g. --import FILE) */
  nodeFlags?: string[];
}

export class NodeCluster {
  readonly nodes: NodeProcess[] = [];
  private readonly dirs: string[] = [];

  async start(name: string, options: StartOptions = {}): Promise<NodeProcess> {
    const datadir = options.datadir ?? this.tempDir(name);
    const network = options.networkFile === undefined ? ['--network', options.network ?? 'regtest'] : ['--network-file', options.networkFile];
    const args = [CLI, 'node', ...network, '--datadir', datadir, '--p2p-port', '0', '--api-port', '0', '--workers', '1', '--log-level', 'info'];
    if (options.networkFile === undefined && (options.network ?? 'regtest') === 'regtest' && options.minerAddress !== false) args.push('--miner-address', minerAddress(name));
    for (const peer of options.peers ?? []) args.push('--peer', peer);
    args.push(...(options.args ?? []));
    rmSync(join(datadir, 'node.json'), { force: true });
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.on('exit', () => live.delete(child));
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const endpoints = await waitFor(`${name} to write node.json`, () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output}`);
      const file = join(datadir, 'node.json');
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { apiUrl: string; p2pUrl: string; p2pPort: number }) : undefined;
    });
    const node = new NodeProcess(name, child, datadir, endpoints);
    child.stdout!.on('data', (d: Buffer) => (node.output += d.toString()));
    node.output = output;
    this.nodes.push(node);
    return node;
  }

  tempDir(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), `toychain-e2e-${name}-`));
    this.dirs.push(dir);
    return dir;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    this.nodes.length = 0;
  }

  async cleanup(): Promise<void> {
    await this.stopAll();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.length = 0;
  }
}

/** An SSE subscription: collects events until closed. */
export class EventStream {
  readonly events: { event: string; data: any; receivedAt: number }[] = [];
  private readonly abort = new AbortController();
  readonly done: Promise<void>;
  /** resolves once the server has answered, so no event after this is missed */
  readonly ready: Promise<void>;
  private opened!: () => void;

  constructor(url: string) {
    this.ready = new Promise((resolve) => (this.opened = resolve));
    this.done = this.read(url).catch(() => undefined);
  }

  private async read(url: string): Promise<void> {
    const res = await fetch(url, { signal: this.abort.signal, headers: { accept: 'text/event-stream' } });
    if (res.status !== 200) throw new Error(`events: HTTP ${res.status}`);
    this.opened();
    for await (const { event, data, receivedAt } of readServerSentEvents(res.body!)) this.events.push({ event, data: JSON.parse(data), receivedAt });
  }

  of(event: string): any[] {
    return this.events.filter((e) => e.event === event).map((e) => e.data);
  }

  /** arrivalOf is performance.now() when the first block-connected event for `hash` arrived. */
  arrivalOf(hash: string): number | undefined {
    return this.events.find((e) => e.event === 'block-connected' && e.data.hash === hash)?.receivedAt;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
