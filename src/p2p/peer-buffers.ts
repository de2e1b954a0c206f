/**
 * A peer's two buffers (peer.ts): what we received and have not handled yet, and what
 * we sent and the socket has not written yet. Both are bounded, as Core's are
 * (-maxreceivebuffer / fPauseRecv, -maxsendbuffer / fPauseSend).
 *
 * Neither waits for a later turn of the event loop: a frame given to SendBuffer.write
 * goes to the socket at once (ws sets TCP_NODELAY, so no Nagle batching either) unless
 * a devnet's link shaping holds it back; that is the relay path of a new block.
 */
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { ShapedLink } from './link-shaping.js';

/**
 * Frames waiting beyond which we stop reading, whatever their bytes: each waiting frame
 * costs a little bookkeeping even when tiny.
 */
export const MAX_INBOX_FRAMES = 5000;

/**
 * ReceiveBuffer holds frames received and not yet decoded: decoding happens only once a
 * frame's turn comes, so a peer streaming big frames costs us at most the buffer plus
 * the one frame being decoded. Past maxBytes (or MAX_INBOX_FRAMES) it stops reading the
 * socket (backpressure: TCP then holds the sender back) until half of it is handled.
 */
export class ReceiveBuffer {
  private readonly frames: Uint8Array[] = [];
  private bytes = 0;
  /** reading from the socket is paused: the buffer is full */
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly maxBytes: number,
    private readonly logger: Logger,
    private readonly peerId: number,
  ) {}

  get length(): number {
    return this.frames.length;
  }

  push(frame: Uint8Array): void {
    this.frames.push(frame);
    this.bytes += frame.length;
    if (!this.paused && (this.bytes > this.maxBytes || this.frames.length > MAX_INBOX_FRAMES)) {
      this.paused = true;
      this.ws.pause();
      this.logger.info({ peer: this.peerId, bytes: this.bytes, frames: this.frames.length, limit: this.maxBytes }, 'receive buffer full: reading from the peer paused');
    }
  }

  /** shift takes the oldest frame, and reads from the socket again once the buffer is half empty. */
  shift(): Uint8Array | undefined {
    const frame = this.frames.shift();
    if (frame === undefined) return undefined;
    this.bytes -= frame.length;
    if (this.paused && this.bytes <= this.maxBytes / 2 && this.frames.length <= MAX_INBOX_FRAMES / 2) {
      this.paused = false;
      this.ws.resume();
      this.logger.info({ peer: this.peerId, bytes: this.bytes }, 'receive buffer drained: reading from the peer resumed');
    }
    return frame;
  }

  clear(): void {
    this.frames.length = 0;
    this.bytes = 0;
  }
}

/**
 * SendBuffer counts bytes as unsent from write until the socket has written them,
 * shaped-link queue included, so a slow link cannot hide them. Serving data waits on
 * whenSendable below maxBytes; past hardBytes the peer does not read (peer.ts drops it).
 */
export class SendBuffer {
  private unsent = 0;
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: { maxBytes: number; hardBytes: number },
    private readonly link: ShapedLink | undefined,
  ) {}

  /** unsent bytes (socket buffer plus shaped queue) */
  get bytes(): number {
    return this.unsent;
  }

  /** sendable: unsent bytes are below maxBytes (Core: fPauseSend is clear). */
  get sendable(): boolean {
    return this.unsent < this.limits.maxBytes;
  }

  /** overfull: unsent bytes are past hardBytes, so the peer is not reading. */
  get overfull(): boolean {
    return this.unsent > this.limits.hardBytes;
  }

  /**
   * write hands an encoded frame to the socket now (or to the shaped link). The frame is
   * not copied, so one encoding of a block can go to every peer (relay.ts): ws masks a
   * client frame into a copy, as it takes a typed array for read-only.
   */
  write(frame: Uint8Array): void {
    this.unsent += frame.length;
    const written = (): void => this.written(frame.length);    const deliver = (): void => {
      // A shaped link sends later: the socket may have closed by then.
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame, written);
      else written();
    };
    if (this.link === undefined) deliver();
    else if (!this.link.send(deliver)) written(); // dropped by the link shaping
  }

  /** whenSendable resolves once unsent bytes are below maxBytes, or the buffer is closed. */
  whenSendable(): Promise<void> {
    if (this.sendable || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** close releases every waiter and forgets what a shaped link still holds (the connection is gone). */
  close(): void {
    this.closed = true;
    for (const resolve of this.waiters.splice(0)) resolve();
    this.link?.close();
  }

  private written(bytes: number): void {
    this.unsent -= bytes;
    if (this.waiters.length > 0 && this.sendable) for (const resolve of this.waiters.splice(0)) resolve();
  }
}
