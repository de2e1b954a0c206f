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

/** toDisplayHex turns a hash in internal (serialised) byte order into Bitcoin's display hex. */
export function toDisplayHex(hash: Uint8Array): string {
  return bytesToHex(reverseBytes(hash));
}

/**
 * fromDisplayHex parses a 64-character display hex hash into internal byte order.
 * Throws a labelled TypeError for anything that is not exactly 32 bytes of hex.
 */
export function fromDisplayHex(hex: string, label = 'hash'): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new TypeError(`${label}: expected 64 hex characters`);
  }
  return reverseBytes(hexToBytes(hex));
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

export const ZERO_HASH: Uint8Array = new Uint8Array(32);
