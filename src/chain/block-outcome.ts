/**
 * What the chain answers for a block it is given (BlockOutcome) and the reorganisation
 * a block may cause (Reorg). Apart from the Chain class because its readers (relay and
 * sync, mining, the API's events, the lab) need these shapes, not the chain itself.
 */
import type { DisplayHex } from '../consensus/bytes.js';
import type { RejectReason } from '../consensus/reasons.js';
import type { ChainEntry } from './block-index.js';

/** A reorganisation: the active tip moved off a branch it had been on. */
export interface Reorg {
  oldTip: string;
  newTip: string;
  fork: string;
  /** blocks disconnected from the old branch */
  depth: number;
  /** blocks connected from the new branch */
  connected: number;
  oldChainwork: bigint;
  newChainwork: bigint;
}

export type BlockOutcome =
  /** the block is on the active chain now */
  | { status: 'connected'; blockId: DisplayHex; reorg?: Reorg }
  /** the block is stored on a side branch with less work */
  | { status: 'accepted'; blockId: DisplayHex }
  /** the parent is unknown: it waits in the orphan pool */
  | { status: 'orphan'; blockId: DisplayHex }
  /** already have it */
  | { status: 'duplicate'; blockId: DisplayHex }
  /**
   * it broke a rule; `permanent` is false for reasons that say nothing final about the hash.
   * `stage` says which checks it failed: its header (proof of work, bits, time, parent),
   * the block's own checks (context-free, and its height commitment), or connecting it to
   * the UTXO set (inputs, amounts, signatures). A block relayed before its connect
   * (BIP152's high-bandwidth mode) can fail only at 'connect' through no fault of its sender.
   */
  | { status: 'rejected'; blockId: DisplayHex; reason: RejectReason; debug?: string; permanent: boolean; stage: RejectStage };

/** Which checks a rejected block failed (BlockOutcome). */
export type RejectStage = 'header' | 'block' | 'connect';

/** reorgOf describes the move of the active tip from `oldTip` to `newTip` through their fork point `fork`. */
export function reorgOf(oldTip: ChainEntry, newTip: ChainEntry, fork: ChainEntry): Reorg {
  return {
    oldTip: oldTip.id,
    newTip: newTip.id,
    fork: fork.id,
    depth: oldTip.height - fork.height,
    connected: newTip.height - fork.height,
    oldChainwork: oldTip.chainwork,
    newChainwork: newTip.chainwork,
  };
}
