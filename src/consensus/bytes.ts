/**
 * Byte helpers shared by the consensus encodings: hex in both byte orders,
 * comparison and concatenation. Nothing here knows about blocks or transactions.
 */
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes, hexToBytes };

/** reverseBytes returns a reversed copy: Bitcoin shows 256-bit hashes byte-reversed. */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

declare const hash32Brand: unique symbol;
declare const displayHexBrand: unique symbol;

/*
 * Ids: the one scheme (docs/design.md, "Ids"). A block hash or txid has two encodings,
 * and its type and name say which:
 *   Hash32      bytes, internal order; names end in `Hash` (txHash, blockHash, prevHash),
 *               a record's own id may be `hash`. Inside: encodings, store, wire, rules.
 *   DisplayHex  byte-reversed hex; names `txid`, `blockId`, a record's own `id`. At the
 *               edges (API, logs, CLI, dashboard) and as the key of in-memory maps of ids.
 * This module is the one place that converts between them (toDisplayHex, fromDisplayHex)
 * or takes a value as one without converting (hash32, displayHex).
 */

/**
 * Hash32: a block hash or txid as the 32 bytes sha256d gives, in internal (serialised)
 * byte order: what the encodings, the store and the wire carry. Made by headerHash,
 * txHash, fromDisplayHex, and hash32 for bytes that already are one.
 */
export type Hash32 = Uint8Array & { readonly [hash32Brand]: true };

/**
 * DisplayHex: the same id as Bitcoin shows it, 64 lower-case hex digits byte-reversed:
 * what the API, logs, the CLI and the dashboard show. Made by toDisplayHex (and so
 * txid, blockId), and displayHex for text that already is one.
 */
export type DisplayHex = string & { readonly [displayHexBrand]: true };

/** toDisplayHex turns a hash in internal (serialised) byte order into Bitcoin's display hex. */
export function toDisplayHex(hash: Uint8Array): DisplayHex {
  return bytesToHex(reverseBytes(hash)) as DisplayHex;
}

/**
 * fromDisplayHex parses a 64-character display hex hash into internal byte order.
 * Throws a labelled TypeError for anything that is not exactly 32 bytes of hex.
 */
export function fromDisplayHex(hex: string, label = 'hash'): Hash32 {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new TypeError(`${label}: expected 64 hex characters`);
  }
  return reverseBytes(hexToBytes(hex)) as Hash32;
}

/**
 * displayHex takes a string that already is an id in display hex (64 hex digits, as a
 * user or the API writes it) as a DisplayHex, lower-cased as toDisplayHex writes it; it
 * converts no byte order. Throws a labelled TypeError for anything else.
 */
export function displayHex(hex: string, label = 'hash'): DisplayHex {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) throw new TypeError(`${label}: expected 64 hex characters`);
  return hex.toLowerCase() as DisplayHex;
}

/**
 * hash32 takes 32 bytes that already are a hash in internal byte order (read from an
 * encoding, the store or a test vector) as a Hash32; it converts nothing. Throws a
 * labelled TypeError for any other length.
 */
export function hash32(bytes: Uint8Array, label = 'hash'): Hash32 {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new TypeError(`${label}: expected 32 bytes`);
  return bytes as Hash32;
}

/** equalBytes compares two byte arrays for equality of length and content. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** bytesToBigIntLE reads an unsigned little-endian integer, as Bitcoin reads a hash as a uint256. */
export function bytesToBigIntLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** bigIntToBytesLE writes an unsigned integer into `length` little-endian bytes. */
export function bigIntToBytesLE(n: bigint, length: number): Uint8Array {
  if (n < 0n || n >= 1n << BigInt(8 * length)) throw new RangeError(`value does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** The all-zero hash: genesis's prevHash and the null outpoint's txHash (Bitcoin's uint256()). */
export const ZERO_HASH: Hash32 = new Uint8Array(32) as Hash32;
