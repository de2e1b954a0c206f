/**
 * The dialer: opening outbound sockets, and the persistent peers (`--peer`) it keeps
 * dialling whenever their connection drops or fails, after 1 s, 2 s, 4 s… capped at
 * reconnectMaxMs (exponential backoff), until stopped or the network is switched off.
 */
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { parsePeerAddress } from './address.js';
import { PeerConnectError } from './errors.js';
import type { P2pSettings } from './p2p-options.js';

interface Persistent {
  attempts: number;
  timer: NodeJS.Timeout | undefined;
}

export interface DialerOptions {
  settings: P2pSettings;
  logger: Logger;
  /** connects (socket and handshake) to a persistent peer's url; the manager's connect */
  connect: (url: string) => Promise<unknown>;
  /** whether dialling is allowed now (started, not stopped, network active) */
  canDial: () => boolean;
}

export class Dialer {
  private readonly dialing = new Map<string, WebSocket>();
  private readonly persistent = new Map<string, Persistent>();

  constructor(private readonly opts: DialerOptions) {}

  /** count of sockets being opened (they take outbound slots) */
  get pending(): number {
    return this.dialing.size;
  }

  isDialing(url: string): boolean {
    return this.dialing.has(url);
  }

  /** open opens a socket to url; rejects with PeerConnectError. */
  async open(url: string): Promise<WebSocket> {
    const { maxMessageSize, handshakeTimeoutMs } = this.opts.settings;
    const ws = new WebSocket(url, { maxPayload: maxMessageSize, perMessageDeflate: false, handshakeTimeout: handshakeTimeoutMs });
    this.dialing.set(url, ws);
    try {
      await opened(ws);
      return ws;
    } catch (e) {
      ws.terminate();
      throw new PeerConnectError(url, { cause: e });
    } finally {
      this.dialing.delete(url);
    }
  }

  // ---- persistent peers ----------------------------------------------------------------

  isPersistent(url: string): boolean {
    return this.persistent.has(url);
  }

  /** addPersistent remembers an address and dials it now if allowed. Throws InvalidPeerAddressError. */
  addPersistent(address: string): void {
    const { url } = parsePeerAddress(address);
    if (this.persistent.has(url)) return;
    this.persistent.set(url, { attempts: 0, timer: undefined });
    if (this.opts.canDial()) void this.dial(url);
  }

  removePersistent(address: string): void {
    const { url } = parsePeerAddress(address);
    clearTimeout(this.persistent.get(url)?.timer);
    this.persistent.delete(url);
  }

  /** dialAll dials every persistent peer now (start, or the network switched back on), backoff reset. */
  dialAll(): void {
    for (const [url, p] of this.persistent) {
      p.attempts = 0;
      if (p.timer === undefined && this.opts.canDial()) void this.dial(url);
    }
  }

  /** pause cancels every pending reconnect and open socket (network off, or stop). */
  pause(): void {
    for (const p of this.persistent.values()) {
      clearTimeout(p.timer);
      p.timer = undefined;
    }
    for (const ws of this.dialing.values()) ws.terminate();
  }

  /** closed is told an outbound connection ended: a persistent peer is dialled again after the backoff. */
  closed(url: string): void {
    if (this.persistent.has(url)) this.scheduleReconnect(url);
  }

  private async dial(url: string): Promise<void> {
    const entry = this.persistent.get(url);
    if (entry === undefined || !this.opts.canDial()) return;
    entry.timer = undefined;
    try {
      await this.opts.connect(url);
      entry.attempts = 0;
    } catch (e) {
      this.opts.logger.info({ address: url, reason: (e as Error).message, attempt: entry.attempts + 1 }, 'persistent peer unreachable: will retry');
      this.scheduleReconnect(url);
    }
  }

  private scheduleReconnect(url: string): void {
    const entry = this.persistent.get(url);
    if (entry === undefined || !this.opts.canDial() || entry.timer !== undefined) return;
    const { reconnectBaseMs, reconnectMaxMs } = this.opts.settings;
    const delay = Math.min(reconnectBaseMs * 2 ** entry.attempts, reconnectMaxMs);
    entry.attempts = Math.min(entry.attempts + 1, 30);
    entry.timer = setTimeout(() => void this.dial(url), delay);
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
