/**
 * The ChainStore over any abstract-level database: classic-level (LevelDB) on disk for
 * nodes, memory-level for unit tests. Keys and values are raw bytes (`view` encoding);
 * every key is built in layout.ts and every value is a canonical encoding.
 *
 * Atomicity is LevelDB's: a StoreBatch only stages operations in memory, and `write()`
 * hands them all to ONE `db.batch([...])`, which LevelDB applies completely or not at
 * all (its write-ahead log records the whole batch as one entry). This is what lets a
 * node killed at any instant restart onto a consistent chain.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbstractLevel } from 'abstract-level';
import { ClassicLevel } from 'classic-level';
import { decodeBlock, type Block } from '../consensus/block.js';
import { blockBytes, rememberBlockBytes } from './block-bytes.js';
import { bytesToHex, toDisplayHex, hash32, type Hash32 } from '../consensus/bytes.js';
import { decodeCoin, encodeCoin, type Coin, type SpentCoin } from '../consensus/coin.js';
import { outpointKey, type Outpoint } from '../consensus/tx.js';
import { StoreCorruptError, StoreLockedError, StoreOpenError } from './errors.js';
import {
  blockKey,
  coinKey,
  parseCoinKey,
  parseHashKey,
  Prefix,
  prefixRange,
  addressCoinKey,
  addressTxKey,
  parseAddressCoinKey,
  parseAddressTxKey,
  pubkeyRange,
  txBlockKey,
  recordKey,
  STORE_VERSION,
  tipKey,
  undoKey,
  versionKey,
} from './layout.js';
import { decodeBlockRecord, decodeUndo, encodeBlockRecord, encodeUndo } from './records.js';
import type { BlockRecord, ChainStore, StoreBatch } from './store.js';

/** Any abstract-level database with byte keys and values. */
type ByteDb = AbstractLevel<string | Buffer | Uint8Array, Uint8Array, Uint8Array>;

type Op = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** Name of the LevelDB folder inside a data directory, which also holds other files (api.cookie, …). */
export const CHAIN_DB_FOLDER = 'chain';

/**
 * openLevelStore opens (creating if needed) the LevelDB store of a data directory.
 * Throws StoreLockedError if another process, or another open in this process, holds
 * it, and StoreOpenError for anything else (including another store format version).
 */
export async function openLevelStore(dir: string): Promise<ChainStore> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('openLevelStore: dir must be a non-empty path');
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new StoreOpenError(dir, 'cannot create the directory', { cause });
  }
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, CHAIN_DB_FOLDER), { keyEncoding: 'view', valueEncoding: 'view' });
  try {
    await db.open();
  } catch (cause) {
    if (isLockedError(cause)) throw new StoreLockedError(dir, { cause });
    throw new StoreOpenError(dir, 'LevelDB failed to open', { cause });
  }
  return LevelStore.open(db, dir);
}

/** openMemoryStore opens an empty store in memory: the same code as on disk, minus the disk. */
export async function openMemoryStore(): Promise<ChainStore> {
  // Imported here: a node on disk never loads memory-level.
  const { MemoryLevel } = await import('memory-level');
  const db = new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view', storeEncoding: 'view' });
  await db.open();
  return LevelStore.open(db, '(memory)');
}

/**
 * LevelDB refuses a second open with LEVEL_LOCKED; abstract-level reports it as
 * LEVEL_DATABASE_NOT_OPEN with the LEVEL_LOCKED error as its cause (classic-level 3).
 * Accept both shapes so a minor version change does not turn the clear message vague.
 */
function isLockedError(e: unknown): boolean {
  const code = (x: unknown): unknown => (typeof x === 'object' && x !== null ? (x as { code?: unknown }).code : undefined);
  if (code(e) === 'LEVEL_LOCKED') return true;
  return code(e) === 'LEVEL_DATABASE_NOT_OPEN' && code((e as { cause?: unknown }).cause) === 'LEVEL_LOCKED';
}

/** The ChainStore over an open abstract-level database. Build it with openLevelStore or openMemoryStore. */
export class LevelStore implements ChainStore {
  private constructor(private readonly db: ByteDb) {}

  /**
   * open checks the store format version of an open database, writing it into a fresh
   * one, and closes the database again if the check fails.
   */
  static async open(db: ByteDb, dir: string): Promise<LevelStore> {
    try {
      await checkVersion(db, dir);
    } catch (e) {
      await db.close();
      if (e instanceof StoreOpenError) throw e;
      throw new StoreOpenError(dir, 'cannot read the store format version', { cause: e });
    }
    return new LevelStore(db);
  }

  async getBlock(hash: Hash32): Promise<Block | undefined> {
    const value = await this.db.get(blockKey(hash));
    return value === undefined ? undefined : decodeStored(`block ${toDisplayHex(hash)}`, value, (bytes) => rememberBlockBytes(decodeBlock(bytes), bytes));
  }

  async getBlocks(hashes: readonly Hash32[]): Promise<(Block | undefined)[]> {
    if (hashes.length === 0) return [];
    const values = await this.db.getMany(hashes.map(blockKey));
    return values.map((value, i) => (value === undefined ? undefined : decodeStored(`block ${toDisplayHex(hashes[i]!)}`, value, (bytes) => rememberBlockBytes(decodeBlock(bytes), bytes))));
  }

  async getUndo(hash: Hash32): Promise<SpentCoin[] | undefined> {
    const value = await this.db.get(undoKey(hash));
    return value === undefined ? undefined : decodeStored(`undo of ${toDisplayHex(hash)}`, value, decodeUndo);
  }

  async getCoin(outpoint: Outpoint): Promise<Coin | undefined> {
    const value = await this.db.get(coinKey(outpoint));
    return value === undefined ? undefined : decodeStored(`coin ${outpointKey(outpoint)}`, value, decodeCoin);
  }

  async getCoins(outpoints: readonly Outpoint[]): Promise<(Coin | undefined)[]> {
    if (outpoints.length === 0) return [];
    const values = await this.db.getMany(outpoints.map(coinKey));
    return values.map((value, i) => (value === undefined ? undefined : decodeStored(`coin ${outpointKey(outpoints[i]!)}`, value, decodeCoin)));
  }

  async getTip(): Promise<Hash32 | undefined> {
    const value = await this.db.get(tipKey());
    if (value === undefined) return undefined;
    if (value.length !== 32) throw new StoreCorruptError(`tip hash of ${value.length} bytes`);
    // Uint8Array.from copies into a plain Uint8Array (classic-level hands out Buffers).
    return hash32(Uint8Array.from(value));
  }

  async loadRecords(): Promise<BlockRecord[]> {
    const records: BlockRecord[] = [];
    for await (const [key, value] of this.db.iterator(prefixRange(Prefix.record))) {
      const hash = parseHashKey(key, Prefix.record);
      records.push(decodeStored(`record ${toDisplayHex(hash)}`, value, (bytes) => decodeBlockRecord(hash, bytes)));
    }
    return records;
  }

  /** Iterates the coin key range; breaking out of the loop closes the LevelDB iterator. */
  async *allCoins(): AsyncGenerator<SpentCoin> {
    for await (const [key, value] of this.db.iterator(prefixRange(Prefix.coin))) {
      const outpoint = parseCoinKey(key);
      yield { outpoint, coin: decodeStored(`coin ${outpointKey(outpoint)}`, value, decodeCoin) };
    }
  }

  async addressCoins(pubkey: Uint8Array): Promise<SpentCoin[]> {
    const out: SpentCoin[] = [];
    for await (const coin of this.eachAddressCoin(pubkey)) out.push(coin);
    return out;
  }

  async *eachAddressCoin(pubkey: Uint8Array): AsyncIterable<SpentCoin> {
    for await (const key of this.db.keys(pubkeyRange(Prefix.addressCoin, pubkey))) {
      const outpoint = parseAddressCoinKey(key);
      const coin = await this.getCoin(outpoint);
      if (coin === undefined) throw new StoreCorruptError(`address index names coin ${outpointKey(outpoint)}, which is not in the UTXO set`);
      yield { outpoint, coin };
    }
  }

  async addressHistory(pubkey: Uint8Array): Promise<{ height: number; txHash: Hash32 }[]> {
    const out: { height: number; txHash: Hash32 }[] = [];
    for await (const key of this.db.keys(pubkeyRange(Prefix.addressTx, pubkey))) out.push(parseAddressTxKey(key));
    return out;
  }

  async getTxBlock(txHash: Hash32): Promise<Hash32 | undefined> {
    const value = await this.db.get(txBlockKey(txHash));
    if (value === undefined) return undefined;
    if (value.length !== 32) throw new StoreCorruptError(`transaction index entry of ${value.length} bytes`);
    return hash32(Uint8Array.from(value));
  }

  batch(): StoreBatch {
    return new LevelBatch(this.db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * Stages puts and deletes, encoding each value when it is staged (so a later change
 * to the caller's objects cannot change what is written), and commits them in one
 * atomic db.batch. A batch that is never written changes nothing, like bcoin's drop().
 */
class LevelBatch implements StoreBatch {
  private readonly ops: Op[] = [];
  private written = false;

  constructor(private readonly db: ByteDb) {}

  putBlock(hash: Hash32, block: Block): this {
    return this.put(blockKey(hash), blockBytes(block));
  }

  putRecord(record: BlockRecord): this {
    return this.put(recordKey(record.hash), encodeBlockRecord(record));
  }

  putUndo(hash: Hash32, undo: readonly SpentCoin[]): this {
    return this.put(undoKey(hash), encodeUndo(undo));
  }

  deleteUndo(hash: Hash32): this {
    return this.del(undoKey(hash));
  }

  putCoin(outpoint: Outpoint, coin: Coin): this {
    if (coin.pubkey.length !== 32) throw new TypeError('putCoin: coin pubkey must be 32 bytes');
    // The address index entry goes in the same batch, so it can never disagree with the coin.
    this.put(addressCoinKey(coin.pubkey, outpoint), new Uint8Array(0));
    return this.put(coinKey(outpoint), encodeCoin(coin));
  }

  deleteCoin(outpoint: Outpoint, pubkey: Uint8Array): this {
    this.del(addressCoinKey(pubkey, outpoint));
    return this.del(coinKey(outpoint));
  }

  putAddressTx(pubkey: Uint8Array, height: number, txHash: Hash32): this {
    return this.put(addressTxKey(pubkey, height, txHash), new Uint8Array(0));
  }

  deleteAddressTx(pubkey: Uint8Array, height: number, txHash: Hash32): this {
    return this.del(addressTxKey(pubkey, height, txHash));
  }

  putTxBlock(txHash: Hash32, blockHash: Hash32): this {
    if (blockHash.length !== 32) throw new TypeError('putTxBlock: expected a 32-byte block hash');
    return this.put(txBlockKey(txHash), Uint8Array.from(blockHash));
  }

  deleteTxBlock(txHash: Hash32): this {
    return this.del(txBlockKey(txHash));
  }

  setTip(hash: Hash32): this {
    if (hash.length !== 32) throw new TypeError('setTip: expected a 32-byte hash');
    return this.put(tipKey(), Uint8Array.from(hash));
  }

  async write(): Promise<void> {
    // Marked before the await: a failed write is not retried with the same batch either;
    // the caller rebuilds it from state it has not yet changed.
    this.checkOpen();
    this.written = true;
    if (this.ops.length > 0) await this.db.batch(this.ops);
  }

  private put(key: Uint8Array, value: Uint8Array): this {
    this.checkOpen();
    this.ops.push({ type: 'put', key, value });
    return this;
  }

  private del(key: Uint8Array): this {
    this.checkOpen();
    this.ops.push({ type: 'del', key });
    return this;
  }

  private checkOpen(): void {
    if (this.written) throw new Error('StoreBatch: this batch was already written; start a new one');
  }
}

/** checkVersion writes the format version into a fresh store and refuses any other version. */
async function checkVersion(db: ByteDb, dir: string): Promise<void> {
  const stored = await db.get(versionKey());
  if (stored === undefined) {
    // No version key: the store must be empty, or it is something we did not write.
    for await (const key of db.keys({ limit: 1 })) {
      throw new StoreOpenError(dir, `not a toychain store (found key ${bytesToHex(Uint8Array.from(key))} but no format version)`);
    }
    await db.put(versionKey(), encodeVersion(STORE_VERSION));
    return;
  }
  const version = stored.length === 4 ? new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0, true) : undefined;
  if (version !== STORE_VERSION) {
    throw new StoreOpenError(dir, `store format version ${version ?? 'unreadable'}, this toychain reads version ${STORE_VERSION}`);
  }
}

function encodeVersion(version: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, version, true);
  return bytes;
}

/**
 * plainView sees a value classic-level handed out as a Node Buffer through a plain
 * Uint8Array, without copying. ByteReader copies fields with Uint8Array's slice, which
 * keeps the receiver's species: from a Buffer it would return Buffers, which differ
 * from Uint8Arrays under deep equality and in their slice (a view, not a copy).
 */
function plainView(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** decodeStored turns a DecodeError from stored bytes into a StoreCorruptError: our disk, not a peer, is at fault. */
function decodeStored<T>(what: string, value: Uint8Array, decode: (bytes: Uint8Array) => T): T {
  try {
    return decode(plainView(value));
  } catch (cause) {
    throw new StoreCorruptError(`${what} does not decode`, { cause });
  }
}
