/**
 * The p2p wire format: one binary WebSocket frame per message, a typed envelope and a
 * strict codec. Bitcoin's message header, with a one-byte command:
 *
 *   offset  size  field
 *   0       4     magic      u32 LE, the network's (NetworkParams.magic)
 *   4       1     command    one byte, COMMANDS below
 *   5       4     length     u32 LE, payload bytes
 *   9       4     checksum   first 4 bytes of sha256d(payload)
 *   13      n     payload
 *
 * Differs from Bitcoin: the command is one byte, not a 12-byte ASCII name (WebSocket
 * already frames messages; the length is kept so every frame checks itself).
 *
 * Payloads (hashes in internal byte order, counts as CompactSize):
 *   version     protocolVersion u32 | magic u32 | genesis 32 | bestHeight u32 |
 *               chainwork 32 (u256 LE) | userAgent varBytes ≤ 256 printable ASCII |
 *               nonce 8 | listenPort u32 (0: not listening) |
 *               [apiUrl varBytes 1..255 printable ASCII: an http(s) origin]
 *               (optional and last: present only when the node was started with
 *               --announce-api, so a watcher can find its REST API; a peer that
 *               does not send it sends the version as before)
 *   verack      empty
 *   ping, pong  nonce 8
 *   inv, getdata, notfound   count ≤ MAX_INV_ITEMS × (type u8: 1 tx, 2 block | hash 32)
 *   block       the block's canonical bytes (consensus/block.ts)
 *   tx          the transaction's canonical bytes (consensus/tx.ts)
 *   getheaders  count ≤ MAX_LOCATOR_HASHES × hash 32 | stop hash 32 (zero: no stop)
 *   headers     count ≤ MAX_HEADERS × header 80
 *   addr        count ≤ MAX_ADDRESSES × (time u32 | host varBytes ≤ 255 printable ASCII | port u32)
 *   sendblocks  empty: "send me your new tip blocks themselves, not an inv of them" (BIP152's
 *               high-bandwidth mode, with whole blocks in place of compact ones; BIP130's
 *               sendheaders asks for the same without the body). Sent once after the handshake.
 *   sendheaders empty: "announce new blocks to me by their headers, not by inv" (BIP130).
 *               Sent once after the handshake.
 *   blockahead  a block's canonical bytes, as `block`, sent on to a `sendblocks` peer before
 *               its sender connected it (BIP152's high-bandwidth relay, where a cmpctblock
 *               may come before validation): a failure at its connect is not the sender's
 *               fault. A `block` is one the sender connected (or was asked for), so a block
 *               that fails under our rules is still its sender's fault: the rule that bans a
 *               peer running other rules.
 *
 * Decoding is strict and throws only DecodeError (a MessageError naming the fault for
 * envelope faults and malformed payloads): the size is checked before anything is
 * parsed, counts before anything is allocated, and trailing bytes are refused.
 */
import { decodeBlock, MAX_BLOCK_DECODE_SIZE, type Block } from '../consensus/block.js';
import { blockBytes, rememberBlockBytes } from '../storage/block-bytes.js';
import { ByteReader, DecodeError } from '../consensus/byte-reader.js';
import { ByteWriter } from '../consensus/byte-writer.js';
import { bigIntToBytesLE, bytesToBigIntLE, equalBytes, type Hash32 } from '../consensus/bytes.js';
import { encodeBlockHeader, HEADER_SIZE, readBlockHeader, type BlockHeader } from '../consensus/header.js';
import { decodeTx, encodeTx, type Tx } from '../consensus/tx.js';
import { wireSha256d } from './wire-hash.js';

export const PROTOCOL_VERSION = 1;
/** peers below this protocol version are refused */
export const MIN_PROTOCOL_VERSION = 1;

export const ENVELOPE_SIZE = 13;
/** Largest frame: the envelope around the largest block the decoder looks at. */
export const MAX_MESSAGE_SIZE = ENVELOPE_SIZE + MAX_BLOCK_DECODE_SIZE;
/** Bitcoin: MAX_INV_SZ. */
export const MAX_INV_ITEMS = 50_000;
/** Bitcoin: MAX_LOCATOR_SZ. */
export const MAX_LOCATOR_HASHES = 101;
/** Bitcoin: MAX_HEADERS_RESULTS. */
export const MAX_HEADERS = 2000;
/** Bitcoin: MAX_ADDR_TO_SEND. */
export const MAX_ADDRESSES = 1000;
export const MAX_USER_AGENT = 256;
export const MAX_HOST_LENGTH = 255;

export const COMMANDS = {
  version: 0x01,
  verack: 0x02,
  ping: 0x03,
  pong: 0x04,
  inv: 0x05,
  getdata: 0x06,
  notfound: 0x07,
  block: 0x08,
  tx: 0x09,
  getheaders: 0x0a,
  headers: 0x0b,
  addr: 0x0c,
  sendblocks: 0x0d,
  sendheaders: 0x0e,
  blockahead: 0x0f,
} as const;

export type Command = keyof typeof COMMANDS;
const COMMAND_BY_CODE = new Map<number, Command>(Object.entries(COMMANDS).map(([name, code]) => [code, name as Command]));

export type InvType = 'tx' | 'block';
const INV_TYPE_CODES: Record<InvType, number> = { tx: 1, block: 2 };

export interface InvItem {
  type: InvType;
  hash: Hash32;
}

export interface AddrEntry {
  /** Unix seconds the address was last seen */
  time: number;
  host: string;
  port: number;
}

export interface VersionMessage {
  type: 'version';
  protocolVersion: number;
  magic: number;
  /** genesis hash */
  genesis: Hash32;
  bestHeight: number;
  chainwork: bigint;
  userAgent: string;
  /** 8 random bytes per node: a version carrying our own nonce is a self-connection */
  nonce: Uint8Array;
  listenPort: number;
  /** the sender's REST API origin (http(s)://HOST:PORT), when it announces one */
  apiUrl?: string;
}

export type Message =
  | VersionMessage
  | { type: 'verack' }
  | { type: 'ping'; nonce: Uint8Array }
  | { type: 'pong'; nonce: Uint8Array }
  | { type: 'inv'; items: InvItem[] }
  | { type: 'getdata'; items: InvItem[] }
  | { type: 'notfound'; items: InvItem[] }
  | { type: 'block'; block: Block }
  | { type: 'tx'; tx: Tx }
  | { type: 'getheaders'; locator: Hash32[]; stop: Hash32 }
  | { type: 'headers'; headers: BlockHeader[] }
  | { type: 'addr'; addresses: AddrEntry[] }
  | { type: 'sendblocks' }
  | { type: 'sendheaders' }
  | { type: 'blockahead'; block: Block };

/** What is wrong with a frame; misbehaviour.ts gives each a score. */
export type FrameFault = 'oversize' | 'bad-magic' | 'bad-checksum' | 'unknown-command' | 'malformed';

/** MessageError is the DecodeError of the p2p codec: it names the fault. */
export class MessageError extends DecodeError {
  readonly fault: FrameFault;
  /** the magic a bad-magic frame carries, to tell another network from garbage */
  readonly magic: number | undefined;
  constructor(fault: FrameFault, field: string, offset: number, message: string, options?: { cause?: unknown; magic?: number }) {
    super(field, offset, message);
    this.name = 'MessageError';
    this.fault = fault;
    this.magic = options?.magic;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * checksum is the first 4 bytes of sha256d(payload), as Bitcoin's message header, by
 * node:crypto (wire-hash.ts): the same bytes as consensus sha256d (messages.test.ts),
 * about 20x faster than noble while a fresh node's code is cold (two frames per block per hop).
 */
export function checksum(payload: Uint8Array): Uint8Array {
  return Uint8Array.from(wireSha256d(payload).subarray(0, 4)); // native: wire-hash.ts
}

// ---- encoding -----------------------------------------------------------------

/** encodeMessage builds one frame. Throws RangeError for a message peers would refuse. */
export function encodeMessage(magic: number, msg: Message): Uint8Array {
  const payload = encodePayload(msg);
  if (ENVELOPE_SIZE + payload.length > MAX_MESSAGE_SIZE) throw new RangeError(`${msg.type} message of ${payload.length} bytes is above the limit`);
  return new ByteWriter(ENVELOPE_SIZE + payload.length)
    .u32(magic)
    .u8(COMMANDS[msg.type])
    .u32(payload.length)
    .bytes(checksum(payload))
    .bytes(payload)
    .finish();
}

function encodePayload(msg: Message): Uint8Array {
  const w = new ByteWriter();
  switch (msg.type) {
    case 'version':
      bounded('userAgent', msg.userAgent.length, MAX_USER_AGENT);
      if (!isPrintable(msg.userAgent, 0x20)) throw new RangeError('version.userAgent: printable ASCII only');
      fixed('version.genesis', msg.genesis, 32);
      fixed('version.nonce', msg.nonce, 8);
      w.u32(msg.protocolVersion).u32(msg.magic).bytes(msg.genesis).u32(msg.bestHeight).bytes(bigIntToBytesLE(msg.chainwork, 32));
      w.varBytes(asciiBytes(msg.userAgent)).bytes(msg.nonce).u32(msg.listenPort);
      if (msg.apiUrl !== undefined) {
        if (!isApiOrigin(msg.apiUrl)) throw new RangeError('version.apiUrl: an http(s) origin of at most 255 printable characters');
        w.varBytes(asciiBytes(msg.apiUrl));
      }
      break;
    case 'verack':
    case 'sendblocks':
    case 'sendheaders':
      break;
    case 'ping':
    case 'pong':
      fixed(`${msg.type}.nonce`, msg.nonce, 8);
      w.bytes(msg.nonce);
      break;
    case 'inv':
    case 'getdata':
    case 'notfound':
      bounded(`${msg.type}.items`, msg.items.length, MAX_INV_ITEMS);
      w.varint(msg.items.length);
      for (const item of msg.items) w.u8(INV_TYPE_CODES[item.type]).bytes(fixed('inv.hash', item.hash, 32));
      break;
    case 'block':
    case 'blockahead':
      return blockBytes(msg.block);
    case 'tx':
      return encodeTx(msg.tx);
    case 'getheaders':
      bounded('getheaders.locator', msg.locator.length, MAX_LOCATOR_HASHES);
      w.varint(msg.locator.length);
      for (const h of msg.locator) w.bytes(fixed('getheaders.locator', h, 32));
      w.bytes(fixed('getheaders.stop', msg.stop, 32));
      break;
    case 'headers':
      bounded('headers', msg.headers.length, MAX_HEADERS);
      w.varint(msg.headers.length);
      for (const h of msg.headers) w.bytes(encodeBlockHeader(h));
      break;
    case 'addr':
      bounded('addr', msg.addresses.length, MAX_ADDRESSES);
      w.varint(msg.addresses.length);
      for (const a of msg.addresses) {
        bounded('addr.host', a.host.length, MAX_HOST_LENGTH);
        if (!isPrintable(a.host, 0x21)) throw new RangeError('addr.host: printable ASCII only');
        if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new RangeError('addr.port out of range');
        w.u32(a.time).varBytes(asciiBytes(a.host)).u32(a.port);
      }
      break;
  }
  return w.finish();
}

function bounded(field: string, n: number, max: number): void {
  if (n > max) throw new RangeError(`${field}: ${n} is above the maximum ${max}`);
}

function fixed(field: string, bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length !== length) throw new RangeError(`${field}: expected ${length} bytes, got ${bytes.length}`);
  return bytes;
}

function isPrintable(s: string, lowest: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < lowest || c > 0x7e) return false;
  }
  return true;
}

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// ---- decoding -----------------------------------------------------------------

/**
 * decodeMessage checks a frame's size, magic, length and checksum, then decodes its
 * payload strictly. Throws MessageError (a DecodeError), never anything else for bad input.
 */
export function decodeMessage(frame: Uint8Array, magic: number, maxSize: number = MAX_MESSAGE_SIZE): Message {
  // The size comes first: nothing of an oversized frame is looked at.
  if (frame.length > maxSize) throw new MessageError('oversize', 'frame', 0, `${frame.length} bytes is above the ${maxSize}-byte limit`);
  if (frame.length < ENVELOPE_SIZE) throw new MessageError('malformed', 'envelope', 0, `${frame.length} bytes is shorter than the ${ENVELOPE_SIZE}-byte envelope (truncated)`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const frameMagic = view.getUint32(0, true);
  if (frameMagic !== magic) {
    throw new MessageError('bad-magic', 'envelope.magic', 0, `magic 0x${hex32(frameMagic)} is not this network's 0x${hex32(magic)}`, { magic: frameMagic });
  }
  const code = view.getUint8(4);
  const length = view.getUint32(5, true);
  if (length !== frame.length - ENVELOPE_SIZE) {
    throw new MessageError('malformed', 'envelope.length', 5, `declares ${length} payload bytes, frame carries ${frame.length - ENVELOPE_SIZE}`);
  }
  const payload = frame.subarray(ENVELOPE_SIZE);
  if (!equalBytes(frame.subarray(9, 13), checksum(payload))) throw new MessageError('bad-checksum', 'envelope.checksum', 9, 'checksum does not match the payload');
  const command = COMMAND_BY_CODE.get(code);
  if (command === undefined) throw new MessageError('unknown-command', 'envelope.command', 4, `unknown command 0x${code.toString(16).padStart(2, '0')}`);
  try {
    return decodePayload(command, payload);
  } catch (e) {
    if (e instanceof MessageError) throw e;
    if (e instanceof DecodeError) {
      throw new MessageError('malformed', `${command}.${e.field}`, ENVELOPE_SIZE + e.offset, `${command}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

function decodePayload(command: Command, payload: Uint8Array): Message {
  switch (command) {
    case 'block':
    case 'blockahead':
      // Kept with the block so it is not encoded again (its own copy: a view would pin the whole frame).
      return { type: command, block: rememberBlockBytes(decodeBlock(payload), payload.slice()) };
    case 'tx':
      return { type: 'tx', tx: decodeTx(payload) };
    default: {
      const r = new ByteReader(payload);
      const msg = readPayload(command, r);
      r.end(command);
      return msg;
    }
  }
}

function readPayload(command: Exclude<Command, 'block' | 'blockahead' | 'tx'>, r: ByteReader): Message {
  switch (command) {
    case 'version': {
      const version: VersionMessage = {
        type: 'version',
        protocolVersion: r.u32('protocolVersion'),
        magic: r.u32('magic'),
        genesis: r.bytes(32, 'genesis') as Hash32,
        bestHeight: r.u32('bestHeight'),
        chainwork: bytesToBigIntLE(r.bytes(32, 'chainwork')),
        userAgent: readAscii(r, 'userAgent', MAX_USER_AGENT, 0x20),
        nonce: r.bytes(8, 'nonce'),
        listenPort: readPort(r, 'listenPort'),
      };
      if (r.remaining > 0) version.apiUrl = readApiUrl(r);
      return version;
    }
    case 'verack':
      return { type: 'verack' };
    case 'sendblocks':
      return { type: 'sendblocks' };
    case 'sendheaders':
      return { type: 'sendheaders' };
    case 'ping':
    case 'pong':
      return { type: command, nonce: r.bytes(8, 'nonce') };
    case 'inv':
    case 'getdata':
    case 'notfound':
      return { type: command, items: readInvItems(r) };
    case 'getheaders': {
      const n = r.count('locator', MAX_LOCATOR_HASHES, 32);
      const locator: Hash32[] = [];
      for (let i = 0; i < n; i++) locator.push(r.bytes(32, `locator[${i}]`) as Hash32);
      return { type: 'getheaders', locator, stop: r.bytes(32, 'stop') as Hash32 };
    }
    case 'headers': {
      const n = r.count('headers', MAX_HEADERS, HEADER_SIZE);
      const headers: BlockHeader[] = [];
      for (let i = 0; i < n; i++) headers.push(readBlockHeader(r));
      return { type: 'headers', headers };
    }
    case 'addr': {
      const n = r.count('addresses', MAX_ADDRESSES, 4 + 1 + 4);
      const addresses: AddrEntry[] = [];
      for (let i = 0; i < n; i++) {
        addresses.push({ time: r.u32(`addresses[${i}].time`), host: readAscii(r, `addresses[${i}].host`, MAX_HOST_LENGTH, 0x21), port: readPort(r, `addresses[${i}].port`) });
      }
      return { type: 'addr', addresses };
    }
  }
}

function readInvItems(r: ByteReader): InvItem[] {
  const n = r.count('items', MAX_INV_ITEMS, 33);
  const items: InvItem[] = [];
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    const code = r.u8(`items[${i}].type`);
    const type: InvType | undefined = code === 1 ? 'tx' : code === 2 ? 'block' : undefined;
    if (type === undefined) throw new DecodeError(`items[${i}].type`, at, `unknown inventory type ${code}`);
    items.push({ type, hash: r.bytes(32, `items[${i}].hash`) as Hash32 });
  }
  return items;
}

function readAscii(r: ByteReader, field: string, max: number, lowest: number): string {
  const at = r.offset;
  const bytes = r.varBytes(field, max);
  let s = '';
  for (const b of bytes) {
    if (b < lowest || b > 0x7e) throw new DecodeError(field, at, `byte 0x${b.toString(16)} is not printable ASCII`);
    s += String.fromCharCode(b);
  }
  return s;
}

export const MAX_API_URL = 255;

/** isApiOrigin: http(s)://HOST[:PORT] exactly as URL.origin writes it, 1..255 printable characters. */
function isApiOrigin(value: string): boolean {
  if (value.length === 0 || value.length > MAX_API_URL || !isPrintable(value, 0x21)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

function readApiUrl(r: ByteReader): string {
  const at = r.offset;
  const value = readAscii(r, 'apiUrl', MAX_API_URL, 0x21);
  if (!isApiOrigin(value)) throw new DecodeError('apiUrl', at, 'not an http(s) origin (http://HOST:PORT)');
  return value;
}

function readPort(r: ByteReader, field: string): number {
  const at = r.offset;
  const port = r.u32(field);
  if (port > 65535) throw new DecodeError(field, at, `port ${port} out of range`);
  return port;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
