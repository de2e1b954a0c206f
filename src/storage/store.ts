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
  putBlock(blockHash: Hash32, block: Block): this;
  putRecord(record: BlockRecord): this;
  putUndo(blockHash: Hash32, undo: readonly SpentCoin[]): this;
  deleteUndo(blockHash: Hash32): this;
  /** puts a coin and its address index entry */
  putCoin(outpoint: Outpoint, coin: Coin): this;
  /** deletes a coin and its address index entry (the pubkey names the entry) */
  deleteCoin(outpoint: Outpoint, pubkey: Uint8Array): this;
  /** records that a transaction at `height` pays or spends `pubkey` (address history) */
  putAddressTx(pubkey: Uint8Array, height: number, txHash: Hash32): this;
  deleteAddressTx(pubkey: Uint8Array, height: number, txHash: Hash32): this;
  /** records that the active block `hash` holds the transaction `txid` (the transaction index) */
  putTxBlock(txHash: Hash32, blockHash: Hash32): this;
  deleteTxBlock(txHash: Hash32): this;
  /** the hash of the active chain's tip */
  setTip(blockHash: Hash32): this;
  /** commits everything staged as one atomic write; a batch can be written once */
  write(): Promise<void>;
}

export interface ChainStore {
  getBlock(blockHash: Hash32): Promise<Block | undefined>;
  /**
   * the blocks of many hashes in one read, in order (one trip to LevelDB's thread: a get
   * apiece cost ~70 µs of CPU each in thread hand-offs while serving a sync, measured
   * with `node --cpu-prof` on the source node of `npm run bench -- network`, (b))
   */
  getBlocks(blockHashes: readonly Hash32[]): Promise<(Block | undefined)[]>;
  getUndo(blockHash: Hash32): Promise<SpentCoin[] | undefined>;
  getCoin(outpoint: Outpoint): Promise<Coin | undefined>;
  /** the coins of many outpoints in one read (one trip to LevelDB's thread, not one per coin), in order */
  getCoins(outpoints: readonly Outpoint[]): Promise<(Coin | undefined)[]>;
  getTip(): Promise<Hash32 | undefined>;
  /** every block record, in no particular order (the chain sorts them) */
  loadRecords(): Promise<BlockRecord[]>;
  /** every coin of the UTXO set (for checks and tests; not a hot path) */
  allCoins(): AsyncIterable<SpentCoin>;
  /** the unspent coins paying `pubkey` (the address index) */
  addressCoins(pubkey: Uint8Array): Promise<SpentCoin[]>;
  /** the same coins one at a time, in key order, so a reader holds only what it keeps (GET /address pages them) */
  eachAddressCoin(pubkey: Uint8Array): AsyncIterable<SpentCoin>;
  /** the transactions of the active chain touching `pubkey`, by height */
  addressHistory(pubkey: Uint8Array): Promise<{ height: number; txHash: Hash32 }[]>;
  /** the hash of the active-chain block holding `txid` (internal order), if any */
  getTxBlock(txHash: Hash32): Promise<Hash32 | undefined>;
  batch(): StoreBatch;
  close(): Promise<void>;
}
