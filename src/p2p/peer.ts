/**
 * One peer connection over a WebSocket: the version handshake, keepalive pings, the
 * per-peer message rate limit, a bounded receive queue handled one message at a time,
 * and a bounded send buffer (peer-buffers.ts). What a message means is the manager's business
 * (ctx.handle); a peer only turns bad frames into offences and refuses peers that
 * cannot be ours (another network or genesis, an old protocol, ourselves, a banned address).
 *
 * Handshake (Bitcoin's): the outbound side sends version; the inbound side checks it,
 * answers version and verack; the outbound side checks that and answers verack. A peer
 * is ready once it has a valid version from the other side and has received verack.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { equalBytes } from '../consensus/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { decodeMessage, encodeMessage, MessageError, type Message, type VersionMessage } from './messages.js';
import { frameOffence, type Offence } from './misbehaviour.js';
import type { P2pSettings } from './p2p-options.js';
import type { PeerInfo } from './peer-control.js';
import { TokenBucket } from './token-bucket.js';
import { ReceiveBuffer, SendBuffer } from './peer-buffers.js';
import { ShapedLink, type LinkShaping } from './link-shaping.js';
import { isVersionFrame, versionRefusal, wrongNetwork } from './version-check.js';

/** What a peer needs from its manager. */
export interface PeerContext {
  params: NetworkParams;
  /** our version nonce: a version carrying it is ourselves */
  nonce: Uint8Array;
  logger: Logger;
  limits: P2pSettings;
  /** Unix milliseconds */
  clock: () => number;
  localVersion(): VersionMessage;
  /** an inbound peer whose version is valid asks for a slot: a refusal reason, or undefined when admitted */
  admitInbound(peer: Peer): string | undefined;
  /** whether the deny list names this peer (checked once its version is known) */
  isDenied(peer: Peer): boolean;
  /** whether a message answers a request we made to this peer (not rate limited) */
  solicited(peer: Peer, msg: Message): boolean;
  /** handles a message of a ready peer; messages of one peer are handled in order */
  handle(peer: Peer, msg: Message): Promise<void>;
  /** delay / jitter / drop for what we send (a devnet's slow network); absent: send at once */
  shaping?: LinkShaping;
}

interface PeerLocalEvents {
  ready: [];
  offence: [offence: Offence, detail: string];
  close: [reason: string];
}

/** Close codes in the private range, so the other side can log why. */
export const CLOSE_REFUSED = 4001;
export const CLOSE_MISBEHAVING = 4003;
export const CLOSE_LIMIT = 4004;

/** How many block hashes a peer is remembered to know (Bitcoin: m_recently_announced_invs). */
const MAX_KNOWN_BLOCKS = 5000;
/** txids a peer is known to have (sent us, or we announced), so none is announced twice */
const MAX_KNOWN_TXS = 50_000;
const FLOOD_SCORE_INTERVAL_MS = 1000;
/**
 * Requests are not rate limited: a syncing peer sends getdata as fast as blocks arrive.
 * What they cost us is bounded elsewhere: one message is handled at a time, a getdata
 * is served up to MAX_BLOCKS_PER_GETDATA blocks, and a peer that does not read what we
 * send is dropped at maxSendBufferBytes. (Bitcoin Core rate-limits neither.)
 */
const RATE_EXEMPT: ReadonlySet<Message['type']> = new Set(['getdata', 'getheaders']);
const CLOSE_GRACE_MS = 2000;

/** A set that forgets its oldest members beyond a size. */
export class KnownSet {
  private readonly items = new Set<string>();
  constructor(private readonly max: number) {}
  has(id: string): boolean {
    return this.items.has(id);
  }
  add(id: string): void {
    this.items.delete(id);
    this.items.add(id);
    if (this.items.size > this.max) this.items.delete(this.items.values().next().value!);
  }
}

export class Peer extends EventEmitter<PeerLocalEvents> {
  state: 'handshake' | 'ready' | 'closed' = 'handshake';
  remote: VersionMessage | undefined;
  banScore = 0;
  bestHeight = 0;
  chainwork = 0n;
  closeReason: string | undefined;
  readonly connectedAt: number;
  readonly knownBlocks = new KnownSet(MAX_KNOWN_BLOCKS);
  readonly knownTxs = new KnownSet(MAX_KNOWN_TXS);
  /** the peer sent sendblocks: our new tip blocks go to it whole, not as inv */
  wantsBlocks = false;
  /** the peer sent sendheaders (BIP130): new tips it cannot take whole are announced to it by headers, not inv */
  wantsHeaders = false;
  /** Unix ms this peer last gave us a new block / a new transaction (0: never); eviction protects recent ones */
  lastBlockAt = 0;
  lastTxAt = 0;
  /** an inbound peer given a slot (its version was valid and there was room) */
  admitted = false;
  private gotVerack = false;
  private readonly bucket: TokenBucket;
  private lastFloodScoreAt = -Infinity;
  private readonly inbox: ReceiveBuffer;
  private readonly outbox: SendBuffer;
  private draining: Promise<void> | undefined;
  private pingNonce: Uint8Array | undefined;
  private pingSentAt = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    readonly direction: 'inbound' | 'outbound',
    /** ws://HOST:PORT dialed, or HOST:PORT of an inbound socket */
    readonly address: string,
    readonly host: string,
    /** the dialed port, or the inbound socket's remote port */
    readonly port: number,
    private readonly ctx: PeerContext,
  ) {
    super();
    this.connectedAt = ctx.clock();
    this.bucket = new TokenBucket(ctx.limits.messageRate, ctx.clock);
    this.inbox = new ReceiveBuffer(ws, ctx.limits.maxReceiveBufferBytes, ctx.logger, id);
    const link = ctx.shaping === undefined ? undefined : new ShapedLink(ctx.shaping);
    this.outbox = new SendBuffer(ws, { maxBytes: ctx.limits.maxSendBufferBytes, hardBytes: ctx.limits.maxSendBufferHardBytes }, link);
    ws.on('message', (data, isBinary) => this.guard(() => this.onFrame(data, isBinary)));
    ws.on('close', (code, reason) => this.onSocketClose(code, reason.toString('utf8')));
    ws.on('error', (e) => this.guard(() => this.onSocketError(e)));
    this.handshakeTimer = setTimeout(() => this.close('handshake timed out'), ctx.limits.handshakeTimeoutMs);
    if (direction === 'outbound') this.send(ctx.localVersion());
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  info(): PeerInfo {
    return {
      id: this.id,
      address: this.address,
      direction: this.direction,
      userAgent: this.remote?.userAgent ?? '',
      bestHeight: this.bestHeight,
      chainwork: this.chainwork.toString(16),
      banScore: this.banScore,
      connectedAt: this.connectedAt,
      ...(this.remote?.apiUrl === undefined ? {} : { apiUrl: this.remote.apiUrl }),
    };
  }

  /** send encodes a message and sends it at once (sendFrame); false if the peer is closed. */
  send(msg: Message): boolean {
    return this.sendFrame(encodeMessage(this.ctx.params.magic, msg));
  }

  /**
   * sendFrame sends a frame encoded already (encodeMessage with our magic), so one
   * encoding of a block goes to every peer; false if the peer is closed. A peer whose
   * unsent bytes pass maxSendBufferHardBytes does not read: dropped.
   */
  sendFrame(frame: Uint8Array): boolean {
    if (this.state === 'closed' || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.outbox.overfull) {
      this.close('send buffer full: the peer is not reading');
      return false;
    }
    this.outbox.write(frame);
    return true;
  }

  /** sendable: unsent bytes are below maxSendBufferBytes (Core: fPauseSend is clear). */
  get sendable(): boolean {
    return this.outbox.sendable;
  }

  /** unsent bytes (socket buffer plus shaped queue) */
  get sendBufferBytes(): number {
    return this.outbox.bytes;
  }

  /**
   * whenSendable resolves once unsent bytes are below maxSendBufferBytes (or the peer is
   * closed): serving data waits on it rather than queueing without end.
   */
  whenSendable(): Promise<void> {
    return this.outbox.whenSendable();
  }

  /** close ends the connection with a reason the other side sees in the close frame. */
  close(reason: string, code = 1000): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    this.clearTimers();
    try {
      this.ws.close(code, truncateReason(reason));
    } catch {
      this.ws.terminate();
    }
    this.closeTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.emit('close', reason);
  }

  /** terminate closes at once, without waiting for the other side (shutdown). */
  terminate(reason: string): void {
    this.close(reason);
    clearTimeout(this.closeTimer);
    this.ws.terminate();
  }

  /** offend reports an offence to the manager (which scores it and may ban). */
  offend(offence: Offence, detail: string): void {
    if (this.state !== 'closed') this.emit('offence', offence, detail);
  }

  // ---- receiving -------------------------------------------------------------

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx.logger.error({ err: e, peer: this.id }, 'internal error handling a peer frame');
      this.close('internal error');
    }
  }

  /**
   * onFrame admits a frame to the receive buffer, undecoded (peer-buffers.ts: past
   * maxReceiveBufferBytes we stop reading the socket until the frames waiting are
   * handled). @see Core -maxreceivebuffer, fPauseRecv.
   */
  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (!isBinary) return this.offend('malformed', 'text frame');
    this.inbox.push(toBytes(data));
    this.draining ??= this.drain();
  }

  /** idle resolves when the frames waiting (if any) are handled. */
  idle(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // so `draining` is set before the loop can end
    while (this.inbox.length > 0 && this.state !== 'closed') {
      const frame = this.inbox.shift()!;
      let msg: Message | undefined;
      try {
        msg = this.admit(frame);
        if (msg !== undefined) await this.ctx.handle(this, msg);
      } catch (e) {
        this.ctx.logger.error({ err: e, peer: this.id, message: msg?.type }, 'internal error handling a peer message');
        if (msg === undefined) this.close('internal error');
      }
    }
    this.draining = undefined;
  }

  /** admit decodes a frame and answers what is the peer's own; returns a message for the manager, if any. */
  private admit(frame: Uint8Array): Message | undefined {
    let msg: Message;
    try {
      msg = decodeMessage(frame, this.ctx.params.magic, this.ctx.limits.maxMessageSize);
    } catch (e) {
      if (!(e instanceof MessageError)) throw e;
      if (e.fault === 'bad-magic' && this.remote === undefined && e.magic !== undefined && isVersionFrame(frame, e.magic)) {
        const refusal = wrongNetwork(e.magic, this.ctx.params.magic);
        this.refuse(refusal.reason, refusal.code);
        return undefined;
      }
      this.offend(frameOffence(e.fault), e.message);
      return undefined;
    }
    if (msg.type === 'version') return void this.onVersion(msg);
    if (msg.type === 'verack') return void this.onVerack();
    if (this.state !== 'ready') return void this.offend('unexpected-handshake', `${msg.type} before the handshake`);
    if (!RATE_EXEMPT.has(msg.type) && !this.ctx.solicited(this, msg) && !this.bucket.take()) return void this.onFlood(msg.type);
    if (msg.type === 'ping') return void this.send({ type: 'pong', nonce: msg.nonce });
    if (msg.type === 'pong') {
      if (this.pingNonce !== undefined && equalBytes(msg.nonce, this.pingNonce)) this.pingNonce = undefined;
      return undefined;
    }
    return msg;
  }

  private onFlood(type: string): void {
    // Messages over the limit are dropped; the peer is scored at most once a second.
    const now = this.ctx.clock();
    if (now - this.lastFloodScoreAt < FLOOD_SCORE_INTERVAL_MS) return;
    this.lastFloodScoreAt = now;
    const { capacity, perSecond } = this.ctx.limits.messageRate;
    this.offend('flood', `${type}: over ${perSecond} messages/s (burst ${capacity})`);
  }

  // ---- handshake --------------------------------------------------------------

  private onVersion(v: VersionMessage): void {
    if (this.remote !== undefined) return this.offend('unexpected-handshake', 'second version message');
    const refusal = versionRefusal(v, this.ctx.params, this.ctx.nonce);
    if (refusal !== undefined) return this.refuse(refusal.reason, refusal.code);
    this.remote = v;
    if (this.ctx.isDenied(this)) return this.refuse('denied: the network is split');
    if (this.direction === 'inbound') {
      const refusal = this.ctx.admitInbound(this);
      if (refusal !== undefined) return this.close(refusal, CLOSE_LIMIT);
      this.admitted = true;
    }
    this.bestHeight = v.bestHeight;
    this.chainwork = v.chainwork;
    if (this.direction === 'inbound') this.send(this.ctx.localVersion());
    this.send({ type: 'verack' });
    this.maybeReady();
  }

  private onVerack(): void {
    if (this.gotVerack || this.remote === undefined) return this.offend('unexpected-handshake', 'verack out of order');
    this.gotVerack = true;
    this.maybeReady();
  }

  private maybeReady(): void {
    if (this.state !== 'handshake' || this.remote === undefined || !this.gotVerack) return;
    this.state = 'ready';
    clearTimeout(this.handshakeTimer);
    this.pingTimer = setInterval(() => this.keepalive(), this.ctx.limits.pingIntervalMs);
    this.emit('ready');
  }

  /** refuse closes with CLOSE_REFUSED; a `code` (wrong-network, wrong-genesis) leads the close reason, which is cut at 123 bytes. */
  private refuse(reason: string, code?: string): void {
    this.ctx.logger.warn({ peer: this.id, address: this.address, reason, code }, `peer refused: ${reason}`);
    this.close(`refused: ${code === undefined ? '' : `${code}: `}${reason}`, CLOSE_REFUSED);
  }

  private keepalive(): void {
    const now = this.ctx.clock();
    if (this.pingNonce !== undefined) {
      if (now - this.pingSentAt > this.ctx.limits.pingTimeoutMs) this.close('ping timed out');
      return;
    }
    this.pingNonce = new Uint8Array(randomBytes(8));
    this.pingSentAt = now;
    this.send({ type: 'ping', nonce: this.pingNonce });
  }

  // ---- socket events -------------------------------------------------------------

  private onSocketError(e: Error & { code?: string }): void {
    if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.offend('oversize', e.message);
    else if (typeof e.code === 'string' && e.code.startsWith('WS_ERR_')) this.offend('malformed', e.message);
    else this.ctx.logger.debug({ peer: this.id, err: e }, 'peer socket error');
    this.close(`socket error: ${e.message}`);
  }

  private onSocketClose(code: number, reason: string): void {
    clearTimeout(this.closeTimer);
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearTimers();
    this.closeReason = `closed by the peer (${code}${reason === '' ? '' : `: ${reason}`})`;
    this.emit('close', this.closeReason);
  }

  private clearTimers(): void {
    clearTimeout(this.handshakeTimer);
    clearInterval(this.pingTimer);
    this.inbox.clear();
    this.outbox.close();
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A close reason is at most 123 bytes (RFC 6455). */
function truncateReason(reason: string): string {
  const ascii = reason.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 123 ? ascii : `${ascii.slice(0, 120)}...`;
}
