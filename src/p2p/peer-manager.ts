/**
 * PeerManager: the node's peer-to-peer layer. It listens for inbound peers, dials
 * outbound and persistent ones (reconnecting with capped exponential backoff), keeps the
 * inbound and outbound limits, scores misbehaviour and bans, and hands messages of ready
 * peers to sync (headers-first download) and relay (announcements, serving data).
 *
 * The node stays up whatever a peer sends: bad frames are offences, every handler is
 * wrapped, and a peer that reaches BAN_SCORE is dropped and its address banned.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { Chain } from '../chain/chain.js';
import { fromDisplayHex } from '../consensus/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { banKey, normaliseHost, parsePeerAddress } from './address.js';
import { BanList } from './ban-list.js';
import { AlreadyConnectedError, HandshakeError, NetworkInactiveError, PeerBannedError, PeerConnectError, PortInUseError, TooManyPeersError } from './errors.js';
import { MAX_ADDRESSES, MAX_MESSAGE_SIZE, PROTOCOL_VERSION, type AddrEntry, type Message, type VersionMessage } from './messages.js';
import { BAN_SCORE, OFFENCE_SCORES, type Offence } from './misbehaviour.js';
import { CLOSE_LIMIT, CLOSE_MISBEHAVING, CLOSE_REFUSED, Peer, type PeerContext, type PeerLimits } from './peer.js';
import type { PeerControl, PeerEvents, PeerInfo } from './peer-control.js';
import { Relay } from './relay.js';
import { LinkShaping, type LinkShape } from './link-shaping.js';
import { PeerDeniedError, type NetworkPolicyControl } from './network-policy.js';
import { TxRelay, type TxPool } from './tx-relay.js';
import { BlockSync } from './sync.js';
import type { RateLimit } from './token-bucket.js';

export interface PeerManagerOptions {
  chain: Chain;
  params: NetworkParams;
  /** address to listen on (default 127.0.0.1) */
  host?: string;
  /** port to listen on; 0 picks a free one */
  port: number;
  /** where banlist.json lives */
  datadir: string;
  logger: Logger;
  userAgent: string;
  /** this node's REST API origin, told to peers in the version message (--announce-api) */
  announceApi?: string;
  maxInbound?: number;
  maxOutbound?: number;
  /** how long a ban lasts (default 24 h, as Core's -bantime) */
  banTimeSec?: number;
  /** rate limit on messages a peer sends unasked */
  messageRate?: RateLimit;
  maxMessageSize?: number;
  handshakeTimeoutMs?: number;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  maxBlocksInFlight?: number;
  blockTimeoutMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Unix milliseconds (tests inject one) */
  clock?: () => number;
  /** the mempool that relayed transactions go to and are served from; without one, transactions are decoded and dropped */
  txPool?: TxPool;
}

export const P2P_DEFAULTS = {
  maxInbound: 64,
  maxOutbound: 16,
  banTimeSec: 24 * 60 * 60,
  messageRate: { capacity: 1000, perSecond: 200 },
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 90_000,
  maxBlocksInFlight: 16,
  blockTimeoutMs: 30_000,
  reconnectBaseMs: 1_000,
  reconnectMaxMs: 60_000,
  maxSendBufferBytes: 64 * 1024 * 1024,
  maxInbox: 200,
} as const;

interface Persistent {
  attempts: number;
  timer: NodeJS.Timeout | undefined;
}

export class PeerManager extends EventEmitter<PeerEvents> implements PeerControl, NetworkPolicyControl {
  private readonly chain: Chain;
  private readonly params: NetworkParams;
  private readonly logger: Logger;
  private readonly host: string;
  private readonly clock: () => number;
  private readonly limits: PeerLimits;
  private readonly maxInbound: number;
  private readonly maxOutbound: number;
  private readonly banTimeSec: number;
  private readonly reconnectBaseMs: number;
  private readonly reconnectMaxMs: number;
  private readonly nonce = new Uint8Array(randomBytes(8));
  private readonly ctx: PeerContext;
  private readonly peersById = new Map<number, Peer>();
  private readonly dialing = new Map<string, WebSocket>();
  private readonly persistent = new Map<string, Persistent>();
  private readonly addresses = new Map<string, AddrEntry>();
  private readonly sync: BlockSync;
  private readonly relay: Relay;
  /** ban keys (address.ts banKey) of peers a split keeps apart, with the address given */
  private readonly denied = new Map<string, string>();
  private readonly shaping = new LinkShaping();
  private readonly txRelay: TxRelay | undefined;
  private server: WebSocketServer | undefined;
  private banList: BanList | undefined;
  private maintenance: NodeJS.Timeout | undefined;
  private listenPort = 0;
  private nextId = 1;
  private active = true;
  private started = false;
  private stopped = false;

  constructor(private readonly options: PeerManagerOptions) {
    super();
    this.chain = options.chain;
    this.params = options.params;
    this.logger = options.logger;
    this.host = options.host ?? '127.0.0.1';
    this.clock = options.clock ?? Date.now;
    this.maxInbound = options.maxInbound ?? P2P_DEFAULTS.maxInbound;
    this.maxOutbound = options.maxOutbound ?? P2P_DEFAULTS.maxOutbound;
    this.banTimeSec = options.banTimeSec ?? P2P_DEFAULTS.banTimeSec;
    this.reconnectBaseMs = options.reconnectBaseMs ?? P2P_DEFAULTS.reconnectBaseMs;
    this.reconnectMaxMs = options.reconnectMaxMs ?? P2P_DEFAULTS.reconnectMaxMs;
    this.limits = {
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? P2P_DEFAULTS.handshakeTimeoutMs,
      pingIntervalMs: options.pingIntervalMs ?? P2P_DEFAULTS.pingIntervalMs,
      pingTimeoutMs: options.pingTimeoutMs ?? P2P_DEFAULTS.pingTimeoutMs,
      maxMessageSize: options.maxMessageSize ?? MAX_MESSAGE_SIZE,
      messageRate: options.messageRate ?? P2P_DEFAULTS.messageRate,
      maxSendBufferBytes: P2P_DEFAULTS.maxSendBufferBytes,
      maxInbox: P2P_DEFAULTS.maxInbox,
    };
    this.sync = new BlockSync({
      chain: this.chain,
      logger: this.logger,
      clock: this.clock,
      maxBlocksInFlight: options.maxBlocksInFlight ?? P2P_DEFAULTS.maxBlocksInFlight,
      blockTimeoutMs: options.blockTimeoutMs ?? P2P_DEFAULTS.blockTimeoutMs,
      punish: (peer, offence, detail) => this.punish(peer, offence, detail),
    });
    this.relay = new Relay({ chain: this.chain, logger: this.logger, peers: () => this.peersById.values(), isSyncing: () => this.sync.isSyncing() });
    if (options.txPool !== undefined) {
      this.txRelay = new TxRelay({
        pool: options.txPool,
        logger: this.logger,
        peers: () => this.peersById.values(),
        punish: (peer, offence, detail) => this.punish(peer, offence, detail),
        clock: this.clock,
      });
    }
    this.ctx = {
      params: this.params,
      nonce: this.nonce,
      logger: this.logger,
      limits: this.limits,
      clock: this.clock,
      localVersion: () => this.localVersion(),
      isBanned: (key) => this.denied.has(key) || (this.banList?.isBanned(key) ?? false),
      solicited: (peer, msg) => this.sync.expects(peer, msg),
      handle: (peer, msg) => this.handle(peer, msg),
      shaping: this.shaping,
    };
  }

  // ---- lifecycle -------------------------------------------------------------------

  /** start loads the ban list and listens; a busy port rejects with PortInUseError. */
  async start(): Promise<{ port: number }> {
    if (this.started) throw new Error('PeerManager: already started');
    this.started = true;
    this.banList = await BanList.open(this.options.datadir, this.logger, this.clock);
    const server = new WebSocketServer({ host: this.host, port: this.options.port, maxPayload: this.limits.maxMessageSize, perMessageDeflate: false });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
    } catch (e) {
      server.close();
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(this.options.port, this.host, { cause: e });
      throw e;
    }
    server.on('error', (e) => this.logger.error({ err: e }, 'p2p server error'));
    server.on('connection', (ws, req) => this.accept(ws, req));
    this.server = server;
    this.listenPort = (server.address() as AddressInfo).port;
    this.relay.start();
    this.chain.on('tip', this.onTip);
    this.maintenance = setInterval(() => this.sync.tick(), 1000);
    this.logger.info({ host: this.host, port: this.listenPort, bans: this.banList.count() }, 'p2p listening');
    for (const url of this.persistent.keys()) void this.dialPersistent(url);
    return { port: this.listenPort };
  }

  /** stop closes every peer and the server, and waits for handlers and the ban list. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.maintenance);
    this.relay.stop();
    this.txRelay?.stop();
    this.chain.off('tip', this.onTip);
    for (const p of this.persistent.values()) clearTimeout(p.timer);
    for (const ws of this.dialing.values()) ws.terminate();
    const peers = [...this.peersById.values()];
    for (const peer of peers) peer.terminate('shutting down');
    const server = this.server;
    if (server !== undefined) {
      for (const ws of server.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await Promise.all(peers.map((p) => p.idle()));
    await this.banList?.flush();
    this.logger.info('p2p stopped');
  }

  get port(): number {
    return this.listenPort;
  }

  // ---- PeerControl -------------------------------------------------------------------

  peers(): PeerInfo[] {
    return [...this.peersById.values()].filter((p) => p.ready).map((p) => p.info());
  }

  get networkActive(): boolean {
    return this.active;
  }

  bannedCount(): number {
    return this.banList?.count() ?? 0;
  }

  /** connect dials ws://HOST:PORT and resolves once the handshake completes. */
  async connect(address: string): Promise<PeerInfo> {
    const target = parsePeerAddress(address);
    const url = target.url;
    if (!this.started || this.stopped) throw new NetworkInactiveError('the p2p layer is not running');
    if (!this.active) throw new NetworkInactiveError();
    if (this.denied.has(banKey(target.host, target.port))) throw new PeerDeniedError(url);
    if (this.isBanned(target.host, target.port)) throw new PeerBannedError(url);
    if (this.dialing.has(url) || [...this.peersById.values()].some((p) => p.direction === 'outbound' && p.address === url)) throw new AlreadyConnectedError(url);
    if (this.count('outbound') + this.dialing.size >= this.maxOutbound) throw new TooManyPeersError('outbound', this.maxOutbound);

    const ws = new WebSocket(url, { maxPayload: this.limits.maxMessageSize, perMessageDeflate: false, handshakeTimeout: this.limits.handshakeTimeoutMs });
    this.dialing.set(url, ws);
    try {
      await opened(ws);
    } catch (e) {
      ws.terminate();
      throw new PeerConnectError(url, { cause: e });
    } finally {
      this.dialing.delete(url);
    }
    if (this.stopped || !this.active) {
      ws.terminate();
      throw new NetworkInactiveError();
    }
    const peer = new Peer(this.nextId++, ws, 'outbound', url, target.host, target.port, this.ctx);
    const handshake = new Promise<void>((resolve, reject) => {
      peer.once('ready', resolve);
      peer.once('close', (reason) => reject(new HandshakeError(url, reason)));
    });
    this.attach(peer);
    await handshake;
    return peer.info();
  }

  /**
   * addPersistentPeer connects to an address (`--peer`) and reconnects whenever the
   * connection drops or fails, after 1 s, 2 s, 4 s… capped at reconnectMaxMs, until stop.
   */
  addPersistentPeer(address: string): void {
    const { url } = parsePeerAddress(address);
    if (this.persistent.has(url)) return;
    this.persistent.set(url, { attempts: 0, timer: undefined });
    if (this.started && !this.stopped && this.active) void this.dialPersistent(url);
  }

  removePersistentPeer(address: string): void {
    const { url } = parsePeerAddress(address);
    clearTimeout(this.persistent.get(url)?.timer);
    this.persistent.delete(url);
  }

  /** disconnect drops a peer (a persistent peer is dialled again after the backoff). */
  disconnect(id: number): boolean {
    const peer = this.peersById.get(id);
    if (peer === undefined) return false;
    peer.close('disconnected by request');
    return true;
  }

  /** setNetworkActive(false) drops every peer, stops reconnecting and refuses inbound; true dials persistent peers again. */
  setNetworkActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.logger.info({ active }, active ? 'network activity resumed' : 'network activity stopped: dropping every peer');
    if (!active) {
      for (const p of this.persistent.values()) {
        clearTimeout(p.timer);
        p.timer = undefined;
      }
      for (const ws of this.dialing.values()) ws.terminate();
      for (const peer of [...this.peersById.values()]) peer.close('network inactive');
      return;
    }
    for (const [url, p] of this.persistent) {
      p.attempts = 0;
      if (this.started && !this.stopped) void this.dialPersistent(url);
    }
  }

  // ---- NetworkPolicyControl -----------------------------------------------------------

  deniedPeers(): string[] {
    return [...this.denied.values()];
  }

  setDeniedPeers(addresses: string[]): number {
    // Parse all first, so a bad address changes nothing.
    const parsed = addresses.map((a) => parsePeerAddress(a));
    this.denied.clear();
    for (const { url, host, port } of parsed) this.denied.set(banKey(host, port), url);
    let dropped = 0;
    for (const peer of [...this.peersById.values()]) {
      // An inbound peer is matched by the listen port its version announced (banKey).
      if (this.denied.has(peer.banKey)) {
        peer.close('denied: the network is split', CLOSE_REFUSED);
        dropped++;
      }
    }
    this.logger.info({ denied: this.deniedPeers(), dropped }, 'deny list set');
    return dropped;
  }

  linkShape(): LinkShape {
    return this.shaping.shape;
  }

  setLinkShape(shape: LinkShape): void {
    this.shaping.set(shape);
    this.logger.info(shape, 'link shaping set');
  }

  /** bans lists the banned addresses with until (Unix ms) and reason. */
  bans(): { address: string; until: number; reason: string }[] {
    return this.banList?.list() ?? [];
  }

  /** knownAddresses lists addresses peers told us about (addr), newest last. */
  knownAddresses(): AddrEntry[] {
    return [...this.addresses.values()];
  }

  // ---- connections -------------------------------------------------------------------

  private accept(ws: WebSocket, req: IncomingMessage): void {
    ws.on('error', () => undefined);
    const host = normaliseHost(req.socket.remoteAddress ?? 'unknown');
    const port = req.socket.remotePort ?? 0;
    if (this.stopped || !this.active) return ws.close(CLOSE_REFUSED, 'network inactive');
    if (this.isBanned(host, port)) {
      this.logger.info({ address: `${host}:${port}` }, 'inbound connection from a banned address refused');
      return ws.close(CLOSE_MISBEHAVING, 'banned');
    }
    if (this.count('inbound') >= this.maxInbound) {
      this.logger.info({ address: `${host}:${port}`, limit: this.maxInbound }, 'inbound connection refused: at the inbound limit');
      return ws.close(CLOSE_LIMIT, 'too many inbound peers');
    }
    this.attach(new Peer(this.nextId++, ws, 'inbound', `${host}:${port}`, host, port, this.ctx));
  }

  private attach(peer: Peer): void {
    this.peersById.set(peer.id, peer);
    let joined = false;
    peer.on('offence', (offence, detail) => this.punish(peer, offence, detail));
    peer.once('ready', () => {
      joined = true;
      this.logger.info({ peer: peer.id, address: peer.address, direction: peer.direction, userAgent: peer.remote?.userAgent, bestHeight: peer.bestHeight }, 'peer connected');
      this.sync.addPeer(peer);
      this.emit('peerJoined', peer.info());
    });
    peer.once('close', (reason) => {
      this.peersById.delete(peer.id);
      this.sync.removePeer(peer);
      if (joined) {
        this.logger.info({ peer: peer.id, address: peer.address, reason }, 'peer disconnected');
        this.emit('peerLeft', peer.info(), reason);
      }
      if (peer.direction === 'outbound' && this.persistent.has(peer.address)) this.scheduleReconnect(peer.address);
    });
  }

  private isBanned(host: string, port: number): boolean {
    if (this.denied.has(banKey(host, port))) return true;
    const list = this.banList;
    return list !== undefined && (list.isBanned(normaliseHost(host)) || list.isBanned(banKey(host, port)));
  }

  private count(direction: 'inbound' | 'outbound'): number {
    let n = 0;
    for (const p of this.peersById.values()) if (p.direction === direction) n++;
    return n;
  }

  private async dialPersistent(url: string): Promise<void> {
    const entry = this.persistent.get(url);
    if (entry === undefined || this.stopped || !this.active) return;
    entry.timer = undefined;
    try {
      await this.connect(url);
      entry.attempts = 0;
    } catch (e) {
      this.logger.info({ address: url, reason: (e as Error).message, attempt: entry.attempts + 1 }, 'persistent peer unreachable: will retry');
      this.scheduleReconnect(url);
    }
  }

  private scheduleReconnect(url: string): void {
    const entry = this.persistent.get(url);
    if (entry === undefined || this.stopped || !this.active || entry.timer !== undefined) return;
    const delay = Math.min(this.reconnectBaseMs * 2 ** entry.attempts, this.reconnectMaxMs);
    entry.attempts = Math.min(entry.attempts + 1, 30);
    entry.timer = setTimeout(() => void this.dialPersistent(url), delay);
  }

  // ---- messages and misbehaviour ---------------------------------------------------------

  private localVersion(): VersionMessage {
    const tip = this.chain.tip;
    return {
      type: 'version',
      protocolVersion: PROTOCOL_VERSION,
      magic: this.params.magic,
      genesis: fromDisplayHex(this.params.genesis.hash),
      bestHeight: tip.height,
      chainwork: tip.chainwork,
      userAgent: this.options.userAgent,
      nonce: this.nonce,
      listenPort: this.listenPort,
      ...(this.options.announceApi === undefined ? {} : { apiUrl: this.options.announceApi }),
    };
  }

  private async handle(peer: Peer, msg: Message): Promise<void> {
    switch (msg.type) {
      case 'inv':
        this.txRelay?.onInv(peer, msg.items);
        return this.sync.onInv(peer, msg.items);
      case 'getdata': {
        const rest = await this.relay.serveGetData(peer, msg.items);
        const notFound = this.txRelay === undefined ? rest : this.txRelay.serve(peer, rest.filter((i) => i.type === 'tx')).concat(rest.filter((i) => i.type !== 'tx'));
        if (notFound.length > 0 && peer.ready) peer.send({ type: 'notfound', items: notFound });
        return;
      }
      case 'notfound':
        return this.sync.onNotFound(peer, msg.items);
      case 'block':
        return this.sync.onBlock(peer, msg.block);
      case 'getheaders':
        return this.relay.serveGetHeaders(peer, msg.locator, msg.stop);
      case 'headers':
        return this.sync.onHeaders(peer, msg.headers);
      case 'addr':
        return this.remember(msg.addresses);
      case 'tx':
        // Without a mempool (a bare PeerManager in tests) transactions are decoded, so malformed ones are scored, and dropped.
        return this.txRelay?.onTx(peer, msg.tx);
      default:
        return; // version, verack, ping and pong are the peer's own
    }
  }

  /** announceTx relays a transaction the mempool accepted to every peer that does not know it. */
  announceTx(txid: string, hash: Uint8Array): void {
    this.txRelay?.announce(txid, hash);
  }

  /** A new tip: transactions refused on the old one may be valid now, so they may be fetched again. */
  private readonly onTip = (): void => this.txRelay?.forgetRejects();

  private remember(addresses: AddrEntry[]): void {
    for (const a of addresses) {
      const key = `${a.host}:${a.port}`;
      this.addresses.delete(key);
      this.addresses.set(key, a);
      if (this.addresses.size > MAX_ADDRESSES) this.addresses.delete(this.addresses.keys().next().value!);
    }
  }

  /** punish adds an offence's score; at BAN_SCORE the peer is dropped and its address banned. */
  private punish(peer: Peer, offence: Offence, detail: string): void {
    const score = OFFENCE_SCORES[offence];
    peer.banScore += score;
    this.logger.warn({ peer: peer.id, address: peer.address, offence, score, banScore: peer.banScore, detail }, `peer misbehaved: ${offence} (+${score})`);
    if (peer.banScore < BAN_SCORE || peer.closeReason?.startsWith('banned') === true) return;
    const key = peer.banKey;
    const reason = `${offence}: ${detail}`;
    this.banList?.ban(key, this.banTimeSec * 1000, reason).catch(() => undefined);
    this.logger.warn({ peer: peer.id, address: key, banTimeSec: this.banTimeSec, reason }, `banned ${key}`);
    peer.close(`banned: ${offence}`, CLOSE_MISBEHAVING);
    this.emit('banned', key, reason);
  }
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onOpen = (): void => {
      ws.off('error', onError);
      resolve();
    };
    const onError = (e: Error): void => {
      ws.off('open', onOpen);
      reject(e);
    };
    ws.once('open', onOpen);
    ws.once('error', onError);
  });
}
