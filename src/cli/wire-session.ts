/**
 * What the wire conformance checks (wire-conformance.ts, wire-frame-checks.ts) share: the
 * session (options and what was learnt from the node), the two ways a check ends without
 * passing, and the handshake every connection starts with.
 */
import { randomBytes } from 'node:crypto';
import { fromDisplayHex } from '../consensus/bytes.js';
import type { BlockHeader } from '../consensus/header.js';
import type { NetworkParams } from '../consensus/params.js';
import { PROTOCOL_VERSION, type Message, type VersionMessage } from '../p2p/messages.js';
import { WireClient } from './wire-client.js';

export interface WireOptions {
  /** ws://HOST:PORT, as parsePeerAddress normalises it */
  url: string;
  params: NetworkParams;
  /** how long to wait for each answer */
  timeoutMs?: number;
  /** send the frame that ends each bad-frame check in a ban (default true) */
  ban?: boolean;
}

/** CheckFailed: the node answered, and the answer is not what the document says. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** Skipped: the check cannot be run against this node as it is (no blocks yet, --no-ban). */
export class Skipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Skipped';
  }
}

/** What the checks learn from the node and share. */
export interface Session {
  options: Required<WireOptions>;
  /** the node's version, once the handshake passed */
  version?: VersionMessage;
  /** the node's headers after genesis (up to MAX_HEADERS), once read */
  headers?: BlockHeader[];
  /** every connection opened, to list frames that did not decode and to close them all */
  clients: WireClient[];
}

/** ourVersion: a version as a peer that does not listen sends it. */
export function ourVersion(params: NetworkParams, overrides: Partial<VersionMessage> = {}): VersionMessage {
  return {
    type: 'version',
    protocolVersion: PROTOCOL_VERSION,
    magic: params.magic,
    genesis: fromDisplayHex(params.genesis.hash),
    bestHeight: 0,
    chainwork: 0n,
    userAgent: '/toychain-conformance:0.1.0/',
    nonce: new Uint8Array(randomBytes(8)),
    listenPort: 0,
    ...overrides,
  };
}

/**
 * handshake opens a connection and plays the outbound side (docs/p2p.md §4): our version;
 * the node's version then verack, nothing before them; our verack. `before` sends what
 * should go ahead of our version. Returns the node's version and what came before it.
 */
export async function handshake(session: Session, overrides: Partial<VersionMessage> = {}, before?: (c: WireClient) => void): Promise<{ client: WireClient; version: VersionMessage; early: Message[] }> {
  const { url, params, timeoutMs } = session.options;
  const client = await WireClient.connect(url, params.magic, timeoutMs);
  session.clients.push(client);
  before?.(client);
  client.send(ourVersion(params, overrides));
  const early: Message[] = [];
  const version = await client.next('the handshake', 'version', () => true, early);
  const between: Message[] = [];
  await client.next('the handshake (verack after the version)', 'verack', () => true, between);
  if (between.length > 0) throw new CheckFailed(`the node sent ${names(between)} between its version and its verack`);
  client.send({ type: 'verack' });
  return { client, version, early };
}

export function names(messages: Message[]): string {
  return messages.map((m) => m.type).join(', ');
}

export function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
