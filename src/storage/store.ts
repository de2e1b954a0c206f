/**
 * The store: everything a node keeps on disk. One interface, two backends behind it
 * (classic-level on disk, memory-level for unit tests), both in level-store.ts.
 *
 * Writes go through a StoreBatch: stage every put and delete, then `write()` commits
 * them as one atomic LevelDB batch. Connecting or disconnecting a block is exactly one
 * batch (coins, undo data, block record status and tip together), so a process killed
 * at any instant restarts onto a consistent chain. Key prefixes: layout.ts.
 */
import type { Block } from '../consensus/block.js';
import type { Coin, SpentCoin } from '../consensus/coin.js';
import type { BlockHeader } from '../consensus/header.js';
import type { Outpoint } from '../consensus/tx.js';
import { type Hash32 } from '../consensus/bytes.js';

/** Status bits of a block record. */
export const BlockStatus = {
  /** the block's transactions are stored (not headers-only) */
  HAVE_DATA: 1,
  /** the block passed every rule when connected (it was on the active chain at least once) */
  VALID: 2,
  /** the block broke a consensus rule */
  FAILED: 4,
  /** an ancestor broke a consensus rule */
  FAILED_PARENT: 8,
} as const;

/** What the store keeps about each block header it knows: the block index entry on disk. */
export interface BlockRecord {
  /** the block's own id: its header hash, internal byte order */
  hash: Hash32;
  header: BlockHeader;
  height: number;
  /** cumulative work of the chain ending at this block */
  chainwork: bigint;
  /** BlockStatus bit flags */
  status: number;
  /** order in which the node first saw the block: ties in chainwork keep the first seen */
  sequence: number;
}

export interface StoreBatch {
  putBlock(hash: Uint8Array, block: Block): this;
  putRecord(record: BlockRecord): this;
  putUndo(hash: Uint8Array, undo: readonly SpentCoin[]): this;
  deleteUndo(hash: Uint8Array): this;
  /** puts a coin and its address index entry */
  putCoin(outpoint: Outpoint, coin: Coin): this;
  /** deletes a coin and its address index entry (the pubkey names the entry) */
  deleteCoin(outpoint: Outpoint, pubkey: Uint8Array): this;
  /** records that a transaction at `height` pays or spends `pubkey` (address history) */
  putAddressTx(pubkey: Uint8Array, height: number, txid: Uint8Array): this;
  deleteAddressTx(pubkey: Uint8Array, height: number, txid: Uint8Array): this;
  /** records that the active block `hash` holds the transaction `txid` (the transaction index) */
  putTxBlock(txid: Uint8Array, hash: Uint8Array): this;
  deleteTxBlock(txid: Uint8Array): this;
  /** the hash of the active chain's tip */
  setTip(hash: Uint8Array): this;
  /** commits everything staged as one atomic write; a batch can be written once */
  write(): Promise<void>;
}

export interface ChainStore {
  getBlock(hash: Uint8Array): Promise<Block | undefined>;
  getUndo(hash: Uint8Array): Promise<SpentCoin[] | undefined>;
  getCoin(outpoint: Outpoint): Promise<Coin | undefined>;
  /** the coins of many outpoints in one read (one trip to LevelDB's thread, not one per coin), in order */
  getCoins(outpoints: readonly Outpoint[]): Promise<(Coin | undefined)[]>;
  getTip(): Promise<Uint8Array | undefined>;
  /** every block record, in no particular order (the chain sorts them) */
  loadRecords(): Promise<BlockRecord[]>;
  /** every coin of the UTXO set (for checks and tests; not a hot path) */
  allCoins(): AsyncIterable<SpentCoin>;
  /** the unspent coins paying `pubkey` (the address index) */
  addressCoins(pubkey: Uint8Array): Promise<SpentCoin[]>;
  /** the same coins one at a time, in key order, so a reader holds only what it keeps (GET /address pages them) */
  eachAddressCoin(pubkey: Uint8Array): AsyncIterable<SpentCoin>;
  /** the transactions of the active chain touching `pubkey`, by height */
  addressHistory(pubkey: Uint8Array): Promise<{ height: number; txid: Uint8Array }[]>;
  /** the hash of the active-chain block holding `txid` (internal order), if any */
  getTxBlock(txid: Uint8Array): Promise<Uint8Array | undefined>;
  batch(): StoreBatch;
  close(): Promise<void>;
}
