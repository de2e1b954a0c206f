/**
 * Mempool policy: the node's own limits on what it keeps, as opposed to consensus
 * rules. A transaction refused by policy may still be valid in a block.
 * @see Core src/policy/policy.h, src/kernel/mempool_options.h.
 */

export interface MempoolPolicy {
  /** smallest fee rate accepted, in base units per byte (Core: -minrelaytxfee, per kvB) */
  minFeeRate: bigint;
  /** largest total of serialized transaction bytes kept (Core: -maxmempool, 300 MB) */
  maxBytes: number;
  /** most transactions in one unconfirmed chain: a transaction plus its in-pool ancestors (Core: -limitancestorcount, 25) */
  maxAncestors: number;
  /** seconds an entry may stay before expire() removes it (Core: -mempoolexpiry, 336 hours) */
  expirySeconds: number;
  /** units per byte the rolling minimum fee rises above an evicted package (Core: -incrementalrelayfee) */
  incrementalFeeRate: number;
  /**
   * largest standard transaction in bytes, checked before its inputs are looked up
   * (Core: MAX_STANDARD_TX_WEIGHT, 400,000 weight = 100,000 vbytes; reason tx-size)
   */
  maxTxSize: number;
  /**
   * most inputs in a standard transaction, checked before any is looked up: each one is
   * a store read on the pool's serial queue. Differs from Bitcoin: Core bounds inputs
   * only through the weight limit (reason tx-too-many-inputs, toychain's).
   */
  maxTxInputs: number;
}

export const DEFAULT_POLICY: MempoolPolicy = {
  minFeeRate: 1n,
  maxBytes: 50_000_000,
  maxAncestors: 25,
  expirySeconds: 14 * 24 * 60 * 60,
  incrementalFeeRate: 1,
  maxTxSize: 100_000,
  maxTxInputs: 500,
};

/** Lower bounds (units per byte) of the fee-rate buckets info() counts entries in. */
export const FEE_RATE_BUCKETS: readonly number[] = [0, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000];
