/**
 * Server-sent events: the chain's and the peers' events, typed, to every client of
 * GET /events. One EventStream listens to the chain and the peers only while it has
 * clients (one listener per event however many clients), and forgets a client the
 * moment its connection closes, so nothing leaks when dashboards come and go.
 *
 *   event: one of the contract's NODE_EVENTS (contract/events.ts)
 *   data:  one JSON object, that event's schema
 */
import type { Request, Response } from 'express';
import type { ChainEntry } from '../chain/block-index.js';
import type { Reorg } from '../chain/block-outcome.js';
import type { ChainView } from '../chain/chain-view.js';
import type { Block } from '../consensus/block.js';
import type { PeerControl, PeerInfo } from '../p2p/peer-control.js';
import { formatCoins } from '../consensus/amount.js';
import type { MempoolEntryView, MempoolView } from './services.js';
import { chainworkHex } from './difficulty.js';
import { ApiError } from './errors.js';
import type { NodeEventData, NodeEventName } from './contract/events.js';
import { NODE_EVENTS } from './contract/event-names.js';

export interface EventStreamOptions {
  /** milliseconds between heartbeat comments, which keep proxies from closing an idle stream */
  heartbeatMs?: number;
  /** a client whose unsent output grows past this many bytes is too slow and is dropped */
  maxBufferedBytes?: number;
  /** streams served at once; one more is refused with 503 too-many-streams */
  maxClients?: number;
}

/** The node serves as many streams as it allows: 503, and the client may try again later. */
export class TooManyStreamsError extends ApiError {
  constructor(limit: number) {
    super(503, 'too-many-streams', `this node already serves ${limit} event streams: close one or try again later`);
  }
}

const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** 500 streams were held in the attacks on live nodes; a classroom needs far fewer dashboards. */
const DEFAULT_MAX_CLIENTS = 256;
/** How long a browser's EventSource waits before reconnecting. */
const RETRY_MS = 3000;

export class EventStream {
  private readonly clients = new Set<Response>();
  private readonly subscriptions: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;
  private readonly maxClients: number;

  constructor(
    private readonly chain: ChainView,
    private readonly peers: PeerControl,
    private readonly mempool: MempoolView,
    options: EventStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
    if (!(this.heartbeatMs > 0)) throw new RangeError('EventStream: heartbeatMs must be positive');
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** attach turns a response into an event stream until the client goes; past maxClients it throws TooManyStreamsError. */
  attach(req: Request, res: Response): void {
    if (this.clients.size >= this.maxClients) throw new TooManyStreamsError(this.maxClients);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    req.socket.setNoDelay(true);
    res.on('close', () => this.detach(res));
    res.on('error', () => this.detach(res));
    this.clients.add(res);
    if (this.clients.size === 1) this.subscribe();
    // Sent after subscribing: a client that has read this will see every later event.
    res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
  }

  private detach(res: Response): void {
    if (!this.clients.delete(res)) return;
    if (this.clients.size === 0) this.unsubscribe();
  }

  private send<K extends NodeEventName>(event: K, data: NodeEventData<K>): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > this.maxBufferedBytes) {
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  private subscribe(): void {
    const { chain, peers, mempool } = this;
    const connected = (entry: ChainEntry, block: Block): void => this.send(NODE_EVENTS.blockConnected, blockEvent(entry, block));
    const disconnected = (entry: ChainEntry, block: Block): void => this.send(NODE_EVENTS.blockDisconnected, blockEvent(entry, block));
    const reorg = (r: Reorg): void => this.send(NODE_EVENTS.reorg, reorgEvent(r));
    const tip = (entry: ChainEntry): void => this.send(NODE_EVENTS.tip, { hash: entry.id, height: entry.height, chainwork: chainworkHex(entry.chainwork) });
    const joined = (peer: PeerInfo): void => this.send(NODE_EVENTS.peerJoined, peer);
    const left = (peer: PeerInfo, reason: string): void => this.send(NODE_EVENTS.peerLeft, { ...peer, reason });
    const banned = (address: string, reason: string): void => this.send(NODE_EVENTS.ban, { address, reason });
    const txAdded = (entry: MempoolEntryView): void => this.send(NODE_EVENTS.tx, { txid: entry.txid, fee: formatCoins(entry.fee), size: entry.size, feeRate: entry.feeRate });
    const txRemoved = (entry: MempoolEntryView, reason: string): void => this.send(NODE_EVENTS.txRemoved, { txid: entry.txid, reason });
    chain.on('blockConnected', connected);
    chain.on('blockDisconnected', disconnected);
    chain.on('reorg', reorg);
    chain.on('tip', tip);
    peers.on('peerJoined', joined);
    peers.on('peerLeft', left);
    peers.on('banned', banned);
    mempool.on('added', txAdded);
    mempool.on('removed', txRemoved);
    this.subscriptions.push(
      () => chain.off('blockConnected', connected),
      () => chain.off('blockDisconnected', disconnected),
      () => chain.off('reorg', reorg),
      () => chain.off('tip', tip),
      () => peers.off('peerJoined', joined),
      () => peers.off('peerLeft', left),
      () => peers.off('banned', banned),
      () => mempool.off('added', txAdded),
      () => mempool.off('removed', txRemoved),
    );
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.heartbeatMs);
    this.heartbeat.unref();
  }

  private unsubscribe(): void {
    for (const off of this.subscriptions.splice(0)) off();
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

function blockEvent(entry: ChainEntry, block: Block): NodeEventData<'block-connected'> {
  return { hash: entry.id, height: entry.height, time: entry.header.time, chainwork: chainworkHex(entry.chainwork), txCount: block.txs.length };
}

/** reorgEvent is a Reorg with its chainwork as hex (JSON has no bigint). */
export function reorgEvent(r: Reorg): NodeEventData<'reorg'> {
  return {
    oldTip: r.oldTip,
    newTip: r.newTip,
    fork: r.fork,
    depth: r.depth,
    connected: r.connected,
    oldChainwork: chainworkHex(r.oldChainwork),
    newChainwork: chainworkHex(r.newChainwork),
  };
}
