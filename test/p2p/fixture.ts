/**
 * Test fixture for the p2p tests: nodes (a memory Chain and a PeerManager on 127.0.0.1
 * with a temp data directory and a log capture), raw ws clients, and bounded condition
 * polls. Everything it opens is closed by `Fixture.close()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { WebSocket } from 'ws';
import type { Chain } from '../../src/chain/chain.js';
import type { NetworkParams } from '../../src/consensus/params.js';
import { decodeMessage, encodeMessage, type Message, type VersionMessage } from '../../src/p2p/messages.js';
import { ourVersion } from '../../src/cli/wire-session.js';
import { PeerManager, type PeerManagerOptions } from '../../src/p2p/peer-manager.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { mineBlock } from '../helpers/blocks.js';

export interface LogCapture {
  logger: Logger;
  lines: { level: number; msg: string; [k: string]: unknown }[];
  has(pattern: RegExp): boolean;
}

export function captureLogs(): LogCapture {
  const lines: LogCapture['lines'] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogCapture['lines'][number]) });
  return { logger, lines, has: (pattern) => lines.some((l) => pattern.test(l.msg) || pattern.test(JSON.stringify(l))) };
}

export interface TestNode {
  chain: Chain;
  manager: PeerManager;
  port: number;
  url: string;
  datadir: string;
  logs: LogCapture;
}

/** waitFor polls `cond` every 10 ms until true, failing after `timeoutMs` with `what`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export class Fixture {
  private readonly closers: (() => Promise<unknown>)[] = [];

  /** node starts a PeerManager over a fresh memory chain (or the given one) on a free port. */
  async node(params: NetworkParams, options: Partial<PeerManagerOptions> & { chain?: Chain; datadir?: string } = {}): Promise<TestNode> {
    const chain = options.chain ?? (await memoryChain(params));
    let datadir = options.datadir;
    if (datadir === undefined) {
      const dir = await mkdtemp(join(tmpdir(), 'toychain-p2p-'));
      this.closers.push(() => rm(dir, { recursive: true, force: true }));
      datadir = dir;
    }
    const logs = captureLogs();
    const manager = new PeerManager({ params, port: 0, userAgent: '/toychain-test/', logger: logs.logger, ...options, chain, datadir });
    this.closers.push(() => manager.stop());
    const { port } = await manager.start();
    return { chain, manager, port, url: `ws://127.0.0.1:${port}`, datadir, logs };
  }

  async tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'toychain-p2p-'));
    this.closers.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  /** raw opens a plain ws client to a node, for sending hand-made frames. */
  async raw(url: string): Promise<RawClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client = new RawClient(ws);
    this.closers.push(async () => client.close());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  onClose(fn: () => Promise<unknown>): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    this.closers.length = 0;
  }
}

/** A raw ws client: sends frames as given, records what comes back and how it closed. */
export class RawClient {
  readonly received: Uint8Array[] = [];
  closed: { code: number; reason: string } | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.received.push(new Uint8Array(data)));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    ws.on('error', () => undefined);
  }

  /** messages decodes every frame received so far. */
  messages(params: NetworkParams): Message[] {
    return this.received.map((f) => decodeMessage(f, params.magic));
  }

  sendBytes(bytes: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  send(params: NetworkParams, msg: Message): void {
    this.sendBytes(encodeMessage(params.magic, msg));
  }

  /** handshake plays the outbound side: version, then verack once the node answers. */
  async handshake(params: NetworkParams, overrides: Partial<VersionMessage> = {}): Promise<void> {
    this.send(params, versionOf(params, overrides));
    await waitFor('the node to answer version and verack', () => this.received.length >= 2 || this.closed !== undefined);
    if (this.closed !== undefined) throw new Error(`closed during the handshake: ${this.closed.reason}`);
    this.send(params, { type: 'verack' });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** versionOf: the version a raw test client sends (the conformance checker's, under its own user agent). */
export function versionOf(params: NetworkParams, overrides: Partial<VersionMessage> = {}): VersionMessage {
  return ourVersion(params, { userAgent: '/raw-test/', ...overrides });
}

/** relaysTo mines a block on `from`'s tip, processes it there and waits until `to` has it. */
export async function relaysTo(params: NetworkParams, from: TestNode, to: TestNode): Promise<void> {
  const tip = from.chain.tip;
  const block = await from.chain.getBlock(tip.id);
  if (block === undefined) throw new Error('tip block missing');
  const next = mineBlock(params, { block, hash: tip.hash, id: tip.id, height: tip.height }, { extraNonce: Math.floor(Math.random() * 1e9) });
  const outcome = await from.chain.processBlock(next.block);
  if (outcome.status !== 'connected') throw new Error(`block not connected: ${outcome.status}`);
  await waitFor(`block ${next.height} to reach the honest peer`, () => to.chain.tip.id === next.id);
}
