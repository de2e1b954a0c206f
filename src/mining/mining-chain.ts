/**
 * What mining needs from the chain and the mempool, as two small interfaces, so the
 * miner can be tested against a stand-in and the real chain plugs in through
 * miningChainOf() below: it reads through ChainView and writes only by submitting blocks.
 */
import type { BlockOutcome } from '../chain/chain.js';
import type { ChainView } from '../chain/chain-view.js';
import type { Block } from '../consensus/block.js';
import type { BlockHeader } from '../consensus/header.js';
import type { Tx } from '../consensus/tx.js';
import { type Hash32 } from '../consensus/bytes.js';

/** The active tip as mining sees it. */
export interface MiningTip {
  hash: Hash32;
  height: number;
  header: BlockHeader;
}

/** The outcome of handing a mined block to the chain. */
export interface SubmitResult {
  accepted: boolean;
  /** the reject reason (Core's strings, e.g. `high-hash`) or why it was not connected */
  reason?: string;
}

export interface MiningChain {
  /** the active tip, on which the next block builds */
  tip(): MiningTip;
  /** the bits a block on the current tip must carry */
  nextBits(): number;
  /** the median time past of the current tip: a new block's time must exceed it */
  medianTimePast(): number;
  /** hands a block to the chain; accepted means it is on the active chain now */
  submitBlock(block: Block): Promise<SubmitResult>;
  /** calls `listener` whenever the active tip changes; returns the unsubscribe function */
  onTipChanged(listener: (tip: MiningTip) => void): () => void;
}

/** A transaction offered for a block, with the fee it pays. */
export interface MempoolCandidate {
  tx: Tx;
  fee: bigint;
}

export interface MempoolSource {
  /**
   * selectTransactions returns transactions for a block, highest fee rate first, whose
   * encodings total at most maxBytes. Each transaction's unconfirmed parents come before it.
   */
  selectTransactions(maxBytes: number): MempoolCandidate[];
}

/** The mempool of a node that has none yet: blocks carry only the coinbase. */
export const EMPTY_MEMPOOL: MempoolSource = { selectTransactions: () => [] };

/**
 * miningChainOf adapts the real chain: reads through its ChainView, and blocks go to
 * `processBlock` (Chain.processBlock), whose outcome `connected` counts as accepted; a
 * block stored on a side branch, an orphan, a duplicate or a rejection do not.
 */
export function miningChainOf(chain: ChainView, processBlock: (block: Block) => Promise<BlockOutcome>): MiningChain {
  return {
    tip: () => chain.tip,
    nextBits: () => chain.nextBits(),
    medianTimePast: () => chain.medianTimePast(),
    submitBlock: async (block) => {
      const outcome = await processBlock(block);
      if (outcome.status === 'connected') return { accepted: true };
      if (outcome.status === 'rejected') return { accepted: false, reason: outcome.reason };
      return { accepted: false, reason: outcome.status };
    },
    onTipChanged: (listener) => {
      const onTip = (entry: MiningTip): void => listener(entry);
      chain.on('tip', onTip);
      return () => {
        chain.off('tip', onTip);
      };
    },
  };
}
