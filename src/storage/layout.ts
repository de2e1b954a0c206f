/**
 * Database layout: every key the store writes, in one table (bcoin lib/blockchain/layout.js).
 *
 *   key                          value                                    written by
 *   V                            store format version, u32 LE             open (once)
 *   R                            tip hash, 32 bytes (internal order)      every connect/disconnect
 *   b[hash 32]                   block, canonical encoding (block.ts)     putBlock
 *   e[hash 32]                   block record (records.ts)                putRecord
 *   u[hash 32]                   undo data: spent coins (records.ts)      putUndo / deleteUndo
 *   c[txid 32][index u32 BE]     coin, canonical encoding (coin.ts)       putCoin / deleteCoin
 *
 * Every key starts with one ASCII prefix byte, so each kind of entry is one contiguous
 * key range that can be iterated alone (`prefixRange`). The coin index is big-endian,
 * unlike the little-endian wire encodings, because LevelDB sorts keys bytewise: with a
 * big-endian index the coins of one transaction sit together in output order.
 * Hashes are in internal byte order, as they are hashed, not as they are displayed.
 */
import type { Outpoint } from '../consensus/tx.js';

/** Format of the keys and values below. Bump it when either changes; open refuses other versions. */
export const STORE_VERSION = 1;

export const Prefix = {
  version: 0x56, // 'V'
  tip: 0x52, // 'R'
  block: 0x62, // 'b'
  record: 0x65, // 'e'
  undo: 0x75, // 'u'
  coin: 0x63, // 'c'
} as const;

const HASH_SIZE = 32;
/** prefix + txid + index */
export const COIN_KEY_SIZE = 1 + HASH_SIZE + 4;
/** prefix + hash */
export const HASH_KEY_SIZE = 1 + HASH_SIZE;

function checkHash(hash: Uint8Array, label: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new TypeError(`${label}: expected a 32-byte hash`);
  }
}

function hashKey(prefix: number, hash: Uint8Array, label: string): Uint8Array {
  checkHash(hash, label);
  const key = new Uint8Array(HASH_KEY_SIZE);
  key[0] = prefix;
  key.set(hash, 1);
  return key;
}

export const versionKey = (): Uint8Array => Uint8Array.of(Prefix.version);
export const tipKey = (): Uint8Array => Uint8Array.of(Prefix.tip);
export const blockKey = (hash: Uint8Array): Uint8Array => hashKey(Prefix.block, hash, 'blockKey');
export const recordKey = (hash: Uint8Array): Uint8Array => hashKey(Prefix.record, hash, 'recordKey');
export const undoKey = (hash: Uint8Array): Uint8Array => hashKey(Prefix.undo, hash, 'undoKey');

/** coinKey builds `c` + txid + index (u32 big-endian, so one transaction's coins sort together in order). */
export function coinKey(outpoint: Outpoint): Uint8Array {
  checkHash(outpoint.txid, 'coinKey txid');
  const { index } = outpoint;
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError(`coinKey: index out of range: ${index}`);
  const key = new Uint8Array(COIN_KEY_SIZE);
  key[0] = Prefix.coin;
  key.set(outpoint.txid, 1);
  new DataView(key.buffer).setUint32(1 + HASH_SIZE, index, false);
  return key;
}

/**
 * parseCoinKey reads the outpoint back out of a coin key. A key of the wrong shape
 * means the database is corrupt (not bad peer input), so it throws a plain Error.
 */
export function parseCoinKey(key: Uint8Array): Outpoint {
  if (key.length !== COIN_KEY_SIZE || key[0] !== Prefix.coin) throw new Error(`corrupt coin key of ${key.length} bytes`);
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return { txid: Uint8Array.from(key.subarray(1, 1 + HASH_SIZE)), index: view.getUint32(1 + HASH_SIZE, false) };
}

/** parseHashKey reads the hash out of a `b`, `e` or `u` key; a wrong shape means corruption. */
export function parseHashKey(key: Uint8Array, prefix: number): Uint8Array {
  if (key.length !== HASH_KEY_SIZE || key[0] !== prefix) throw new Error(`corrupt key of ${key.length} bytes under prefix ${prefix}`);
  // Uint8Array.from copies into a plain Uint8Array even when the key is a Node Buffer.
  return Uint8Array.from(key.subarray(1));
}

/** prefixRange is the iterator range holding exactly the keys that start with `prefix`. */
export function prefixRange(prefix: number): { gte: Uint8Array; lt: Uint8Array } {
  return { gte: Uint8Array.of(prefix), lt: Uint8Array.of(prefix + 1) };
}
