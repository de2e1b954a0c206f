/**
 * WireClient: one connection to a node's p2p port, played as a peer would, for the wire
 * conformance check (wire-conformance.ts). Every frame the node sends is decoded with the
 * one codec (src/p2p/messages.ts) as it arrives; a frame that does not decode is kept
 * with its fault, so the check can say which bytes broke the documented format.
 *
 * Waiting is always for something the node must send (a reply, a pong, a close), each
 * with a deadline; "the node sent nothing in answer" is read at a pong barrier: the node
 * handles one peer's messages in order (docs/p2p.md §6), so whatever it answers to a
 * message comes before its pong to a ping sent after it.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { equalBytes } from '../consensus/bytes.js';
import { decodeMessage, encodeMessage, MAX_MESSAGE_SIZE, MessageError, type Message } from '../p2p/messages.js';

/** One frame from the node: what it decoded to, or why it did not. */
export type Received = { frame: Uint8Array; message: Message } | { frame: Uint8Array; fault: string };

export interface Closed {
  code: number;
  reason: string;
}

/** WireError: the node did not send what a check waits for (no answer in time, or it closed). */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export class WireClient {
  /** frames the node sent that do not decode, over the connection's life */
  readonly undecodable: { command: number; fault: string }[] = [];
  closed: Closed | undefined;
  private readonly frames: Received[] = [];
  private wake: (() => void) | undefined;

  private constructor(
    private readonly ws: WebSocket,
    private readonly magic: number,
    private readonly timeoutMs: number,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = toBytes(data);
      if (!isBinary) this.undecodable.push({ command: -1, fault: 'a text frame (the protocol sends binary frames only)' });
      else {
        const received = this.decode(frame);
        // A peer answers the node's keepalive, or it is dropped after 90 s (docs/p2p.md §4).
        if ('message' in received && received.message.type === 'ping') this.send({ type: 'pong', nonce: received.message.nonce });
        this.frames.push(received);
      }
      this.wake?.();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.wake?.();
    });
  }

  /** connect opens the WebSocket; a node that is not there is a WireError naming the address. */
  static connect(url: string, magic: number, timeoutMs: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 2 * MAX_MESSAGE_SIZE, handshakeTimeout: timeoutMs });
      const fail = (e: Error): void => reject(new WireError(`cannot connect to ${url}: ${e.message}`));
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        ws.on('error', () => undefined); // the close that follows says what happened
        resolve(new WireClient(ws, magic, timeoutMs));
      });
    });
  }

  send(msg: Message, magic = this.magic): void {
    this.sendBytes(encodeMessage(magic, msg));
  }

  sendBytes(bytes: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, { binary: true });
  }

  sendText(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text, { binary: false });
  }

  /**
   * next returns the node's next message that `accept` takes, skipping and keeping the
   * others (`skipped`), within the deadline. A frame that does not decode stops it.
   */
  async next<T extends Message['type']>(what: string, type: T, accept: (m: Extract<Message, { type: T }>) => boolean = () => true, skipped: Message[] = []): Promise<Extract<Message, { type: T }>> {
    const found = await this.waitFor(what, () => {
      while (this.frames.length > 0) {
        const r = this.frames.shift()!;
        if ('fault' in r) throw new WireError(`${what}: the node sent a frame that does not decode: ${r.fault}`);
        if (r.message.type === type && accept(r.message as Extract<Message, { type: T }>)) return r.message as Extract<Message, { type: T }>;
        skipped.push(r.message);
      }
      return undefined;
    });
    return found;
  }

  /**
   * barrier sends a ping and returns every message the node sent before its pong: the
   * node's whole answer to what was sent before the ping. A pong with another nonce fails.
   */
  async barrier(what: string): Promise<Message[]> {
    const nonce = new Uint8Array(randomBytes(8));
    this.send({ type: 'ping', nonce });
    const before: Message[] = [];
    const pong = await this.next(`${what} (waiting for the pong to our ping)`, 'pong', () => true, before);
    if (!equalBytes(pong.nonce, nonce)) throw new WireError(`${what}: the pong carries nonce ${hex(pong.nonce)}, the ping's was ${hex(nonce)}`);
    return before;
  }

  /** whenClosed waits for the node to close the connection and returns its close code and reason. */
  whenClosed(what: string): Promise<Closed> {
    return this.waitFor(what, () => {
      this.frames.length = 0; // what it sends before closing is not the point here
      return this.closed;
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private decode(frame: Uint8Array): Received {
    try {
      return { frame, message: decodeMessage(frame, this.magic) };
    } catch (e) {
      if (!(e instanceof MessageError)) throw e;
      const fault = `${e.fault}: ${e.message}`;
      this.undecodable.push({ command: frame.length > 4 ? frame[4]! : -1, fault });
      return { frame, fault };
    }
  }

  /** waitFor polls `found` on every frame or close until it returns a value, or the deadline passes. */
  private waitFor<T>(what: string, found: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new WireError(`${what}: no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      const finish = (result: Error | { value: T }): void => {
        clearTimeout(timer);
        this.wake = undefined;
        if (result instanceof Error) reject(result);
        else resolve(result.value);
      };
      const look = (): void => {
        try {
          const value = found();
          if (value !== undefined) return finish({ value });
          if (this.closed !== undefined) finish(new WireError(`${what}: the node closed the connection (${this.closed.code}${this.closed.reason === '' ? '' : `: ${this.closed.reason}`})`));
        } catch (e) {
          finish(e instanceof Error ? e : new Error(String(e)));
        }
      };
      this.wake = look;
      look();
    });
  }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
