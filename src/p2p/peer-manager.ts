/**
 * PeerManager: the node's peer-to-peer layer, as a thin coordinator. It listens for
 * inbound peers and implements what the outer layers may do (PeerControl,
 * NetworkPolicyControl); the concerns live in their own modules:
 * - dialer.ts: outbound sockets, persistent peers and their backoff;
 * - peer-policy.ts: bans, the deny list and the inbound slots;
 * - dispatch.ts: what each message means (sync, relay, tx relay, addresses);
 * - peer.ts: one connection (handshake, buffers, rate limit, keepalive).
 *
 * The node stays up whatever a peer sends: bad frames are offences, every handler is
 * wrapped, and a peer that reaches BAN_SCORE is dropped and its address banned.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Chain } from '../chain/chain.js';
import { fromDisplayHex, type Hash32 } from '../consensus/bytes.js';
import type { Block } from '../consensus/block.js';
import type { NetworkParams } from '../consensus/params.js';
import { normaliseHost, parsePeerAddress } from './address.js';
import type { Ban } from './ban-list.js';
import { Dialer } from './dialer.js';
import { AddressBook, Dispatch } from './dispatch.js';
import { AlreadyConnectedError, HandshakeError, NetworkInactiveError, PortInUseError, TooManyPeersError } from './errors.js';
import { LinkShaping, type LinkShape } from './link-shaping.js';
import { PROTOCOL_VERSION, type AddrEntry, type VersionMessage } from './messages.js';
import { PeerDeniedError, type NetworkPolicyControl } from './network-policy.js';
import { resolveSettings, type P2pSettings } from './p2p-options.js';
import { CLOSE_LIMIT, CLOSE_MISBEHAVING, CLOSE_REFUSED, Peer, type PeerContext } from './peer.js';
import type { PeerControl, PeerEvents, PeerInfo } from './peer-control.js';
import { PeerPolicy } from './peer-policy.js';
import { Relay } from './relay.js';
import { BlockSync } from './sync.js';
import { TxRelay, type TxPool } from './tx-relay.js';

/** What the node gives the p2p layer, plus any tunable it sets. */
export interface PeerManagerOptions extends Partial<P2pSettings> {
  chain: Chain;
  params: NetworkParams;
  /** address to listen on (default 127.0.0.1) */
  host?: string;
  /** port to listen on; 0 picks a free one */
  port: number;
  /** where the ban list lives */
  datadir: string;
  logger: Logger;
  userAgent: string;
  /** this node's REST API origin, told to peers in the version message (--announce-api) */
  announceApi?: string;
  /** Unix milliseconds (tests inject one) */
  clock?: () => number;
  /** the mempool that relayed transactions go to and are served from; without one, transactions are decoded and dropped */
  txPool?: TxPool;
}

export class PeerManager extends EventEmitter<PeerEvents> implements PeerControl, NetworkPolicyControl {
  private readonly chain: Chain;
  private readonly params: NetworkParams;
  private readonly logger: Logger;
  private readonly host: string;
  private readonly clock: () => number;
  private readonly settings: P2pSettings;
  private readonly nonce = new Uint8Array(randomBytes(8));
  private readonly ctx: PeerContext;
  private readonly peersById = new Map<number, Peer>();
  private readonly sync: BlockSync;
  private readonly relay: Relay;
  private readonly txRelay: TxRelay | undefined;
  private readonly policy: PeerPolicy;
  private readonly dialer: Dialer;
  private readonly dispatch: Dispatch;
  private readonly addresses = new AddressBook();
  private readonly shaping = new LinkShaping();
  private server: WebSocketServer | undefined;
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
    this.settings = resolveSettings(options);
    const punish = (peer: Peer, offence: Parameters<PeerPolicy['punish']>[1], detail: string): void => this.policy.punish(peer, offence, detail);
    this.policy = new PeerPolicy({ settings: this.settings, logger: this.logger, clock: this.clock, datadir: options.datadir, onBan: (key, reason) => this.emit('banned', key, reason) });
    this.dialer = new Dialer({ settings: this.settings, logger: this.logger, connect: (url) => this.connect(url), canDial: () => this.started && !this.stopped && this.active });
    this.sync = new BlockSync({
      chain: this.chain,
      logger: this.logger,
      clock: this.clock,
      maxBlocksInFlight: this.settings.maxBlocksInFlight,
      blockTimeoutMs: this.settings.blockTimeoutMs,
      punish,
      relayAhead: (block, id) => this.relay.relayAhead(block, id),
    });
    this.relay = new Relay({ chain: this.chain, logger: this.logger, peers: () => this.peersById.values(), isSyncing: () => this.sync.isSyncing(), punish, clock: this.clock });
    if (options.txPool !== undefined) {
      this.txRelay = new TxRelay({ pool: options.txPool, logger: this.logger, peers: () => this.peersById.values(), punish, clock: this.clock });
    }
    this.dispatch = new Dispatch({ sync: this.sync, relay: this.relay, txRelay: this.txRelay, addresses: this.addresses, logger: this.logger });
    this.ctx = {
      params: this.params,
      nonce: this.nonce,
      logger: this.logger,
      limits: this.settings,
      clock: this.clock,
      localVersion: () => this.localVersion(),
      isDenied: (peer) => this.policy.isPeerDenied(peer),
      admitInbound: (peer) => this.makeInboundRoom(peer),
      solicited: (peer, msg) => this.sync.expects(peer, msg) || this.txRelay?.expects(peer, msg) === true,
      handle: (peer, msg) => this.dispatch.handle(peer, msg),
      shaping: this.shaping,
    };
  }

  // ---- lifecycle -------------------------------------------------------------------

  /** start loads the ban list and listens; a busy port rejects with PortInUseError. */
  async start(): Promise<{ port: number }> {
    if (this.started) throw new Error('PeerManager: already started');
    this.started = true;
    await this.policy.open();
    const server = new WebSocketServer({
      host: this.host,
      port: this.options.port,
      maxPayload: this.settings.maxMessageSize,
      perMessageDeflate: false,
      verifyClient: (info, done) => this.verifyUpgrade(info.req, done),
    });
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
    this.logger.info({ host: this.host, port: this.listenPort, bans: this.policy.bannedCount() }, 'p2p listening');
    this.dialer.dialAll();
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
    this.dialer.pause();
    const peers = [...this.peersById.values()];
    for (const peer of peers) peer.terminate('shutting down');
    const server = this.server;
    if (server !== undefined) {
      for (const ws of server.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await Promise.all(peers.map((p) => p.idle()));
    await this.sync.close(); // blocks still being connected finish before the store closes
    await this.policy.flush();
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
    return this.policy.bannedCount();
  }

  /**
   * connect dials ws://HOST:PORT and resolves once the handshake completes. The operator
   * asked for this address, so a ban does not refuse it (Core: manual connections ignore
   * bans); the deny list does.
   */
  async connect(address: string): Promise<PeerInfo> {
    const target = parsePeerAddress(address);
    const url = target.url;
    if (!this.started || this.stopped) throw new NetworkInactiveError('the p2p layer is not running');
    if (!this.active) throw new NetworkInactiveError();
    if (this.policy.isDenied(target.host, target.port)) throw new PeerDeniedError(url);
    if (this.dialer.isDialing(url) || [...this.peersById.values()].some((p) => p.direction === 'outbound' && p.address === url)) throw new AlreadyConnectedError(url);
    if (this.count('outbound') + this.dialer.pending >= this.settings.maxOutbound) throw new TooManyPeersError('outbound', this.settings.maxOutbound);

    const ws = await this.dialer.open(url);
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

  /** addPersistentPeer connects to an address (`--peer`) and reconnects with backoff whenever it drops (dialer.ts). */
  addPersistentPeer(address: string): void {
    this.dialer.addPersistent(address);
  }

  removePersistentPeer(address: string): void {
    this.dialer.removePersistent(address);
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
      this.dialer.pause();
      for (const peer of [...this.peersById.values()]) peer.close('network inactive');
      return;
    }
    this.dialer.dialAll();
  }

  // ---- NetworkPolicyControl -----------------------------------------------------------

  deniedPeers(): string[] {
    return this.policy.deniedPeers();
  }

  setDeniedPeers(addresses: string[]): number {
    const dropped = this.policy.setDeniedPeers(addresses, this.peersById.values()).length;
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
  bans(): Ban[] {
    return this.policy.bans();
  }

  /** knownAddresses lists addresses peers told us about (addr), newest last. */
  knownAddresses(): AddrEntry[] {
    return this.addresses.list();
  }

  // ---- connections -------------------------------------------------------------------

  /**
   * verifyUpgrade refuses a WebSocket upgrade that carries an Origin header: browsers
   * always send one and node clients never do, so a web page the operator visits
   * cannot make their browser a peer of this node (a cross-site WebSocket).
   */
  private verifyUpgrade(req: IncomingMessage, done: (ok: boolean, code?: number, message?: string) => void): void {
    const origin = req.headers.origin ?? req.headers['sec-websocket-origin'];
    if (origin === undefined) return done(true);
    this.logger.info({ address: `${normaliseHost(req.socket.remoteAddress ?? 'unknown')}:${req.socket.remotePort ?? 0}`, origin }, 'WebSocket upgrade with an Origin header refused: a web page cannot be a peer');
    done(false, 403, 'Forbidden: an upgrade with an Origin header (a web page) cannot be a peer');
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    ws.on('error', () => undefined);
    const host = normaliseHost(req.socket.remoteAddress ?? 'unknown');
    const port = req.socket.remotePort ?? 0;
    if (this.stopped || !this.active) return ws.close(CLOSE_REFUSED, 'network inactive');
    if (this.policy.isBanned(host, port)) {
      this.logger.info({ address: `${host}:${port}` }, 'inbound connection from a banned address refused');
      return ws.close(CLOSE_MISBEHAVING, 'banned');
    }
    // Sockets still in the handshake have their own cap (and deadline), so idle sockets
    // cannot hold the peer slots; when it is full the oldest pending socket makes room.
    const pending = [...this.peersById.values()].filter((p) => p.direction === 'inbound' && p.state === 'handshake');
    if (pending.length >= this.settings.maxPendingInbound) {
      const oldest = pending.reduce((x, y) => (y.connectedAt < x.connectedAt || (y.connectedAt === x.connectedAt && y.id < x.id) ? y : x));
      this.logger.info({ address: oldest.address, limit: this.settings.maxPendingInbound }, 'inbound handshakes at their limit: dropping the oldest pending socket');
      oldest.close('evicted: too many inbound handshakes pending', CLOSE_LIMIT);
    }
    this.attach(new Peer(this.nextId++, ws, 'inbound', `${host}:${port}`, host, port, this.ctx));
  }

  private attach(peer: Peer): void {
    this.peersById.set(peer.id, peer);
    let joined = false;
    peer.on('offence', (offence, detail) => this.policy.punish(peer, offence, detail));
    peer.once('ready', () => {
      joined = true;
      this.logger.info({ peer: peer.id, address: peer.address, direction: peer.direction, userAgent: peer.remote?.userAgent, bestHeight: peer.bestHeight }, 'peer connected');
      peer.knownBlocks.add(this.params.genesis.hash); // the handshake checked it has our genesis
      this.sync.addPeer(peer);
      peer.send({ type: 'sendheaders' }); // announce new tips to us by headers (BIP130), not inv
      peer.send({ type: 'sendblocks' }); // push new tips to us: one message per hop, not inv, getdata, block
      this.emit('peerJoined', peer.info());
    });
    peer.once('close', (reason) => {
      this.peersById.delete(peer.id);
      this.sync.removePeer(peer);
      if (joined) {
        this.logger.info({ peer: peer.id, address: peer.address, reason }, 'peer disconnected');
        this.emit('peerLeft', peer.info(), reason);
      }
      if (peer.direction === 'outbound') this.dialer.closed(peer.address);
    });
  }

  /**
   * makeInboundRoom: a peer that completed its handshake takes an inbound slot; when they
   * are full, an unprotected one is evicted (peer-policy.ts), or else the newcomer is refused.
   */
  private makeInboundRoom(peer: Peer): string | undefined {
    const inbound = [...this.peersById.values()].filter((p) => p !== peer && p.direction === 'inbound' && p.admitted && p.state !== 'closed');
    if (inbound.length < this.settings.maxInbound) return undefined;
    const victim = this.policy.evictionCandidate(inbound);
    if (victim === undefined) {
      this.logger.info({ address: peer.address, limit: this.settings.maxInbound }, 'inbound connection refused: at the inbound limit');
      return 'too many inbound peers';
    }
    this.logger.info({ evicted: victim.address, for: peer.address, limit: this.settings.maxInbound }, 'inbound slots full: evicted a peer that relayed nothing recently');
    victim.close('evicted: inbound slots full', CLOSE_LIMIT);
    return undefined;
  }

  private count(direction: 'inbound' | 'outbound'): number {
    let n = 0;
    for (const p of this.peersById.values()) if (p.direction === direction) n++;
    return n;
  }

  // ---- messages ---------------------------------------------------------------------------

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

  /** relayOwnBlock sends a block this node mined on before its connect (Relay.relayOwnBlock); call it right before Chain.processBlock. */
  relayOwnBlock(block: Block): void {
    this.relay.relayOwnBlock(block);
  }

  /** announceTx relays a transaction the mempool accepted (by its txHash, internal byte order) to every peer that does not know it. */
  announceTx(txHash: Hash32): void {
    this.txRelay?.announce(txHash);
  }

  /** A new tip: transactions refused on the old one may be valid now, so they may be fetched again. */
  private readonly onTip = (): void => this.txRelay?.forgetRejects();
}
