/**
 * ChainView: what the outer layers (the mempool, mining, the API) read of
 * the chain, as one narrow interface: the active chain and its tips, blocks, coins, the
 * transaction and address indexes, and the chain's events. They never reach the store
 * behind it, so the store can change without them, and a reader cannot write.
 */
import type { Block } from '../consensus/block.js';
import type { DisplayHex, Hash32 } from '../consensus/bytes.js';
import type { Coin, SpentCoin } from '../consensus/coin.js';
import type { Outpoint } from '../consensus/tx.js';
import type { ChainEntry } from './block-index.js';
import type { Chain, ChainEvents } from './chain.js';
import type { ChainTip } from './chain-tips.js';

export interface ChainView {
  readonly tip: ChainEntry;
  readonly height: number;
  readonly orphanCount: number;
  isActive(entry: ChainEntry): boolean;
  getEntry(id: DisplayHex): ChainEntry | undefined;
  getEntryAtHeight(height: number): ChainEntry | undefined;
  getBlock(id: DisplayHex): Promise<Block | undefined>;
  getChainTips(): ChainTip[];
  /** compact bits the next block on the tip must carry */
  nextBits(): number;
  medianTimePast(): number;
  /** an unspent coin of the active chain */
  getCoin(outpoint: Outpoint): Promise<Coin | undefined>;
  /** the spent coins of a block's inputs, in block order (its undo data) */
  getUndo(blockHash: Hash32): Promise<SpentCoin[] | undefined>;
  /** the hash of the active-chain block holding the transaction `txHash` (both internal byte order) */
  getTxBlock(txHash: Hash32): Promise<Hash32 | undefined>;
  /** the unspent coins paying `pubkey`, one at a time */
  eachAddressCoin(pubkey: Uint8Array): AsyncIterable<SpentCoin>;
  /** the active-chain transactions touching `pubkey`, by height */
  addressHistory(pubkey: Uint8Array): Promise<{ height: number; txHash: Hash32 }[]>;
  on<K extends keyof ChainEvents>(event: K, listener: (...args: ChainEvents[K]) => void): unknown;
  off<K extends keyof ChainEvents>(event: K, listener: (...args: ChainEvents[K]) => void): unknown;
}

/** viewOf is the read-only view of `chain`: its own reads, and the store's behind them. */
export function viewOf(chain: Chain): ChainView {
  const store = chain.store;
  return {
    get tip() {
      return chain.tip;
    },
    get height() {
      return chain.height;
    },
    get orphanCount() {
      return chain.orphanCount;
    },
    isActive: (entry) => chain.isActive(entry),
    getEntry: (id) => chain.getEntry(id),
    getEntryAtHeight: (height) => chain.getEntryAtHeight(height),
    getBlock: (id) => chain.getBlock(id),
    getChainTips: () => chain.getChainTips(),
    nextBits: () => chain.nextBits(),
    medianTimePast: () => chain.medianTimePast(),
    getCoin: (outpoint) => store.getCoin(outpoint),
    getUndo: (hash) => store.getUndo(hash),
    getTxBlock: (txHash) => store.getTxBlock(txHash),
    eachAddressCoin: (pubkey) => store.eachAddressCoin(pubkey),
    addressHistory: (pubkey) => store.addressHistory(pubkey),
    // The same events, re-typed: EventEmitter's own listener type is conditional on the key.
    on: (event, listener) => chain.on(event, listener as never),
    off: (event, listener) => chain.off(event, listener as never),
  };
}
