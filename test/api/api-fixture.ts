/**
 * Test fixture for the REST API: a real Chain on memory-level, real HTTP on
 * 127.0.0.1 (port 0), and fakes for the peers and the miner, written here because
 * they are below the unit under test. Every server it starts, `close()` stops.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import type { Chain } from '../../src/chain/chain.js';
import { viewOf } from '../../src/chain/chain-view.js';
import { createApi } from '../../src/api/server.js';
import type { ApiAccess, MiningControl, MiningShareControl } from '../../src/api/services.js';
import type { MiningStatus } from '../../src/api/contract/responses.js';
import type { PeerControl, PeerEvents, PeerInfo } from '../../src/p2p/peer-control.js';
import type { NetworkPolicyControl } from '../../src/p2p/network-policy.js';
import { NO_SHAPING, type LinkShape } from '../../src/p2p/link-shaping.js';
import { PeerConnectError } from '../../src/p2p/errors.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { NodeClock } from '../../src/node/node-clock.js';

export const TOKEN = 'test-token-0123456789abcdef';

export function peerInfo(id: number, address = `ws://127.0.0.1:${9000 + id}`): PeerInfo {
  return { id, address, direction: 'outbound', userAgent: '/toychain:test/', bestHeight: 0, chainwork: '0'.repeat(64), banScore: 0, connectedAt: 1_700_000_000_000 };
}

export class FakePeers extends EventEmitter<PeerEvents> implements PeerControl, NetworkPolicyControl {
  list: PeerInfo[] = [];
  networkActive = true;
  banned = 0;
  calls: string[] = [];
  /** addresses connect() refuses, with the refusal's message */
  refuse = new Map<string, string>();

  peers(): PeerInfo[] {
    return [...this.list];
  }

  async connect(address: string): Promise<PeerInfo> {
    this.calls.push(`connect ${address}`);
    const refusal = this.refuse.get(address);
    // What the real PeerManager throws when the socket cannot be opened.
    if (refusal !== undefined) throw new PeerConnectError(address, { cause: new Error(refusal) });
    const peer = peerInfo(this.list.length + 1, address);
    this.list.push(peer);
    return peer;
  }

  disconnect(id: number): boolean {
    this.calls.push(`disconnect ${id}`);
    const before = this.list.length;
    this.list = this.list.filter((p) => p.id !== id);
    return this.list.length < before;
  }

  setNetworkActive(active: boolean): void {
    this.calls.push(`network ${active}`);
    this.networkActive = active;
  }

  bannedCount(): number {
    return this.banned;
  }

  denied: string[] = [];
  shape: LinkShape = NO_SHAPING;

  deniedPeers(): string[] {
    return [...this.denied];
  }

  setDeniedPeers(addresses: string[]): number {
    this.calls.push(`deny ${addresses.join(' ')}`);
    this.denied = [...addresses];
    const before = this.list.length;
    this.list = this.list.filter((p) => !addresses.includes(p.address));
    return before - this.list.length;
  }

  linkShape(): LinkShape {
    return this.shape;
  }

  setLinkShape(shape: LinkShape): void {
    this.calls.push(`link ${shape.delayMs} ${shape.jitterMs} ${shape.dropRate}`);
    this.shape = shape;
  }
}

export class FakeMining implements MiningControl, MiningShareControl {
  state: MiningStatus = { active: false, hashrate: 0, workers: 2 };
  calls: string[] = [];
  /** thrown by the next call, to check how the API maps a service's errors */
  failWith: unknown;

  status(): MiningStatus {
    return { ...this.state };
  }

  async start(address?: string): Promise<void> {
    this.check();
    this.calls.push(`start ${address ?? '-'}`);
    this.state = { ...this.state, active: true, hashrate: 1234 };
  }

  async stop(): Promise<void> {
    this.check();
    this.calls.push('stop');
    this.state = { ...this.state, active: false, hashrate: 0 };
  }

  async generate(blocks: number, address?: string): Promise<string[]> {
    this.check();
    this.calls.push(`generate ${blocks} ${address ?? '-'}`);
    return Array.from({ length: blocks }, (_, i) => i.toString(16).padStart(64, '0'));
  }

  shareValue = 1;

  share(): number {
    return this.shareValue;
  }

  setShare(share: number): void {
    this.calls.push(`share ${share}`);
    this.shareValue = share;
  }

  private check(): void {
    if (this.failWith !== undefined) throw this.failWith;
  }
}

export interface TestApi {
  url: string;
  chain: Chain;
  params: NetworkParams;
  peers: FakePeers;
  mining: FakeMining;
  /** a real mempool on the chain */
  mempool: Mempool;
  app: ReturnType<typeof createApi>;
  /** fetch under /api/v1 */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** GET under /api/v1, expecting 200, parsed */
  getJson(path: string): Promise<any>;
  /** a request with a JSON body (a string is sent as is) and the token unless `token` says otherwise */
  send(method: string, path: string, body?: unknown, token?: string | null): Promise<Response>;
  close(): Promise<void>;
}

export async function startApi(options: { heartbeatMs?: number; params?: NetworkParams; access?: ApiAccess; maxEventStreams?: number } = {}): Promise<TestApi> {
  const params = options.params ?? regtest;
  const chain = await memoryChain(params);
  const peers = new FakePeers();
  const mining = new FakeMining();
  const mempool = new Mempool({ chain: viewOf(chain), params, signatureVerifier: chain.signatureVerifier, verifiedTxs: chain.verifiedTxs, clock: () => 1_700_000_000 });
  const app = createApi({
    chain: viewOf(chain),
    params,
    peers,
    policy: peers,
    mining,
    miningShare: mining,
    clock: new NodeClock(params),
    mempool,
    authToken: TOKEN,
    logger: pino({ level: 'silent' }),
    version: '0.0.0-test',
    checkResponses: true,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.access === undefined ? {} : { access: options.access }),
    ...(options.maxEventStreams === undefined ? {} : { maxEventStreams: options.maxEventStreams }),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/api/v1`;
  return {
    url,
    chain,
    params,
    peers,
    mining,
    mempool,
    app,
    get: (path, headers = {}) => fetch(url + path, { headers }),
    getJson: async (path) => {
      const res = await fetch(url + path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    send: (method, path, body, token = TOKEN) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      return fetch(url + path, init);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      mempool.close();
      await chain.store.close();
    },
  };
}

/** until polls a condition until it holds, failing after `timeoutMs` (never a fixed sleep). */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** expectError reads an error response, checks its shape and returns it. */
export async function errorOf(res: Response): Promise<{ status: number; code: string; message: string; raw: string }> {
  const raw = await res.text();
  const body = JSON.parse(raw) as ErrorBody;
  if (Object.keys(body).join() !== 'error' || Object.keys(body.error).sort().join() !== 'code,message') {
    throw new Error(`not an error body: ${raw}`);
  }
  return { status: res.status, code: body.error.code, message: body.error.message, raw };
}

/**
 * servedRoutes lists the routes express actually serves, walking its router stacks,
 * as "get /blocks/{hashOrHeight}": lower-case method, path under /api/v1 in OpenAPI form.
 * The API puts its routes on the router on the first request (server.ts): one GET first.
 */
export async function servedRoutes(api: TestApi): Promise<string[]> {
  const app = api.app;
  await (await api.get('/status')).text();
  const out: string[] = [];
  const walk = (stack: any[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as any).router.stack, '');
  return out.map((r) => r.replace(' /api/v1/', ' /').replace(/:(\w+)/g, '{$1}'));
}
