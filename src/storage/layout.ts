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
 *   o[pubkey 32][txid 32][index u32 BE]   empty: the coin c[…] pays pubkey  putCoin / deleteCoin (same batch)
 *   a[pubkey 32][height u32 BE][txid 32]  empty: the tx touches pubkey      putAddressTx / deleteAddressTx
 *   t[txid 32]                   hash of the active block holding the tx  putTxBlock / deleteTxBlock
 *
 * Every key starts with one ASCII prefix byte, so each kind of entry is one contiguous
 * key range that can be iterated alone (`prefixRange`). The coin index is big-endian,
 * unlike the little-endian wire encodings, because LevelDB sorts keys bytewise: with a
 * big-endian index the coins of one transaction sit together in output order.
 * The `o` and `a` entries are the address index: an address is its x-only key, so
 * scanning `o`+key finds its unspent coins and `a`+key its history in height order.
 * The `t` entries are the transaction index of the active chain (Core's -txindex).
 * All three are written in the same batch as the block they come from.
 * Hashes are in internal byte order, as they are hashed, not as they are displayed.
 */
import type { Outpoint } from '../consensus/tx.js';
import { hash32, type Hash32 } from '../consensus/bytes.js';

/** Format of the keys and values below. Bump it when either changes; open refuses other versions. */
export const STORE_VERSION = 2;

export const Prefix = {
  version: 0x56, // 'V'
  tip: 0x52, // 'R'
  block: 0x62, // 'b'
  record: 0x65, // 'e'
  undo: 0x75, // 'u'
  coin: 0x63, // 'c'
  addressCoin: 0x6f, // 'o'
  addressTx: 0x61, // 'a'
  txBlock: 0x74, // 't'
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
export const txBlockKey = (txid: Uint8Array): Uint8Array => hashKey(Prefix.txBlock, txid, 'txBlockKey');

/** coinKey builds `c` + txHash + index (u32 big-endian, so one transaction's coins sort together in order). */
export function coinKey(outpoint: Outpoint): Uint8Array {
  checkHash(outpoint.txHash, 'coinKey txHash');
  const { index } = outpoint;
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError(`coinKey: index out of range: ${index}`);
  const key = new Uint8Array(COIN_KEY_SIZE);
  key[0] = Prefix.coin;
  key.set(outpoint.txHash, 1);
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
  return { txHash: hash32(Uint8Array.from(key.subarray(1, 1 + HASH_SIZE))), index: view.getUint32(1 + HASH_SIZE, false) };
}

/** parseHashKey reads the hash out of a `b`, `e` or `u` key; a wrong shape means corruption. */
export function parseHashKey(key: Uint8Array, prefix: number): Hash32 {
  if (key.length !== HASH_KEY_SIZE || key[0] !== prefix) throw new Error(`corrupt key of ${key.length} bytes under prefix ${prefix}`);
  // Uint8Array.from copies into a plain Uint8Array even when the key is a Node Buffer.
  return hash32(Uint8Array.from(key.subarray(1)));
}

/** prefixRange is the iterator range holding exactly the keys that start with `prefix`. */
export function prefixRange(prefix: number): { gte: Uint8Array; lt: Uint8Array } {
  return { gte: Uint8Array.of(prefix), lt: Uint8Array.of(prefix + 1) };
}

/** addressCoinKey builds `o` + pubkey + txid + index: one unspent coin of an address. */
export function addressCoinKey(pubkey: Uint8Array, outpoint: Outpoint): Uint8Array {
  checkHash(pubkey, 'addressCoinKey pubkey');
  const coin = coinKey(outpoint);
  const key = new Uint8Array(1 + HASH_SIZE + COIN_KEY_SIZE - 1);
  key[0] = Prefix.addressCoin;
  key.set(pubkey, 1);
  key.set(coin.subarray(1), 1 + HASH_SIZE);
  return key;
}

/** parseAddressCoinKey reads the outpoint out of an `o` key. */
export function parseAddressCoinKey(key: Uint8Array): Outpoint {
  if (key.length !== HASH_SIZE + COIN_KEY_SIZE || key[0] !== Prefix.addressCoin) throw new Error(`corrupt address coin key of ${key.length} bytes`);
  const coin = new Uint8Array(COIN_KEY_SIZE);
  coin[0] = Prefix.coin;
  coin.set(key.subarray(1 + HASH_SIZE), 1);
  return parseCoinKey(coin);
}

/** addressTxKey builds `a` + pubkey + height (big-endian, so history sorts by height) + txid. */
export function addressTxKey(pubkey: Uint8Array, height: number, txid: Uint8Array): Uint8Array {
  checkHash(pubkey, 'addressTxKey pubkey');
  checkHash(txid, 'addressTxKey txid');
  const key = new Uint8Array(1 + HASH_SIZE + 4 + HASH_SIZE);
  key[0] = Prefix.addressTx;
  key.set(pubkey, 1);
  new DataView(key.buffer).setUint32(1 + HASH_SIZE, height, false);
  key.set(txid, 1 + HASH_SIZE + 4);
  return key;
}

/** parseAddressTxKey reads height and txHash out of an `a` key. */
export function parseAddressTxKey(key: Uint8Array): { height: number; txHash: Hash32 } {
  if (key.length !== 1 + HASH_SIZE + 4 + HASH_SIZE || key[0] !== Prefix.addressTx) throw new Error(`corrupt address history key of ${key.length} bytes`);
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return { height: view.getUint32(1 + HASH_SIZE, false), txHash: hash32(Uint8Array.from(key.subarray(1 + HASH_SIZE + 4))) };
}

/** pubkeyRange is the iterator range of one address's entries under `prefix`. */
export function pubkeyRange(prefix: number, pubkey: Uint8Array): { gte: Uint8Array; lt: Uint8Array } {
  checkHash(pubkey, 'pubkeyRange pubkey');
  const gte = new Uint8Array(1 + HASH_SIZE);
  gte[0] = prefix;
  gte.set(pubkey, 1);
  // Every key of this address is prefix + pubkey + at most 36 more bytes: all sort below this bound.
  const lt = new Uint8Array(1 + HASH_SIZE + 37).fill(0xff);
  lt.set(gte);
  return { gte, lt };
}
