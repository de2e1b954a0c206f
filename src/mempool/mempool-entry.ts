/**
 * What a reader of the mempool sees of one transaction, and why one leaves. Its own
 * module because the pool's graph, its eviction and the API all speak in entries, while
 * the pool's internal node (PoolTx) stays inside the mempool.
 */
import type { DisplayHex, Hash32 } from '../consensus/bytes.js';
import type { Tx } from '../consensus/tx.js';
import { ancestorsOf, feeRate, type PoolTx } from './packages.js';

/** A mempool transaction as readers see it. */
export interface MempoolEntry {
  tx: Tx;
  /** the id inside the node: relay, the chain's indexes */
  txHash: Hash32;
  /** the same id as the API and logs show it, and the key of the pool's maps */
  txid: DisplayHex;
  fee: bigint;
  /** serialized size in bytes */
  size: number;
  /** fee per byte */
  feeRate: number;
  /** Unix seconds it entered the pool */
  time: number;
  /** how many in-pool transactions it depends on, directly or not */
  ancestors: number;
}

/** Why an entry left the pool (Core's MemPoolRemovalReason). */
export type RemovalReason =
  /** it is in a connected block (Core: BLOCK) */
  | 'confirmed'
  /** a connected block spends one of its inputs, or it spends a transaction that left for that reason (Core: CONFLICT) */
  | 'conflict'
  /** trimmed, with its descendants, to keep the pool under its byte limit (Core: SIZELIMIT) */
  | 'evicted'
  /** older than the policy's expiry (Core: EXPIRY) */
  | 'expired'
  /** a reorg took away or un-matured a coin it spends (Core: REORG) */
  | 'reorg';

/** entryOf is the reader's copy of a pool node, its ancestor count as of now. */
export function entryOf(node: PoolTx): MempoolEntry {
  return {
    tx: node.tx,
    txHash: node.txHash,
    txid: node.txid,
    fee: node.fee,
    size: node.size,
    feeRate: feeRate(node.fee, node.size),
    time: node.time,
    ancestors: ancestorsOf(node.parents).size,
  };
}
