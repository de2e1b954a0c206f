/**
 * Reject reasons: the stable machine strings a failed consensus rule returns.
 * Bitcoin Core's strings verbatim where Core has the rule (src/validation.cpp,
 * src/consensus/tx_check.cpp, src/consensus/tx_verify.cpp); `toychain-only` marks the
 * ones we coined in the same shape. † marks a verdict that is not permanent: the block
 * hash must never be recorded as invalid for it (the same hash may be valid later or
 * the body was mutated in transit).
 */
export type RejectReason =
  /** header hash is above the target its own bits encode (CheckBlockHeader) */
  | 'high-hash'
  /** bits is not what the retarget rule requires at this height (ContextualCheckBlockHeader) */
  | 'bad-diffbits'
  /** time is not above the median of the previous 11 blocks */
  | 'time-too-old'
  /** the first block of a retarget period is too far before its parent (BIP94, ContextualCheckBlockHeader) */
  | 'time-timewarp-attack'
  /** † time is beyond now + maxFutureDrift */
  | 'time-too-new'
  /** † parent unknown: an orphan, not an offence */
  | 'prev-blk-not-found'
  /** parent or an ancestor is known invalid */
  | 'bad-prevblk'
  /** block already seen */
  | 'duplicate'
  /** † merkleRoot does not match the transactions */
  | 'bad-txnmrklroot'
  /** † repeated transactions that keep the same merkle root (CVE-2012-2459) */
  | 'bad-txns-duplicate'
  /** no transactions, too many, or block over the size limit */
  | 'bad-blk-length'
  /** first transaction is not a coinbase */
  | 'bad-cb-missing'
  /** a later transaction is also a coinbase */
  | 'bad-cb-multiple'
  /** coinbase does not commit to this block's height (BIP34) */
  | 'bad-cb-height'
  /** a transaction would overwrite an unspent output with the same txid (BIP30) */
  | 'bad-txns-BIP30'
  /** sum of fees in the block is out of money range */
  | 'bad-txns-accumulated-fee-outofrange'
  /** coinbase pays more than subsidy + fees */
  | 'bad-cb-amount'
  /** transaction has no inputs */
  | 'bad-txns-vin-empty'
  /** transaction has no outputs */
  | 'bad-txns-vout-empty'
  /** serialized transaction is over the block size limit */
  | 'bad-txns-oversize'
  /** an output value is negative */
  | 'bad-txns-vout-negative'
  /** an output value is above MAX_MONEY */
  | 'bad-txns-vout-toolarge'
  /** outputs sum to more than MAX_MONEY (CVE-2010-5139) */
  | 'bad-txns-txouttotal-toolarge'
  /** one transaction spends the same outpoint twice (CVE-2018-17144) */
  | 'bad-txns-inputs-duplicate'
  /** a non-coinbase input has a null prevout */
  | 'bad-txns-prevout-null'
  /** coinbase input data is outside 2–100 bytes */
  | 'bad-cb-length'
  /** an input's coin does not exist or is already spent */
  | 'bad-txns-inputs-missingorspent'
  /** spends a coinbase before coinbaseMaturity blocks */
  | 'bad-txns-premature-spend-of-coinbase'
  /** an input value, or the input sum, is out of range */
  | 'bad-txns-inputvalues-outofrange'
  /** inputs sum to less than outputs */
  | 'bad-txns-in-belowout'
  /** the fee is out of range */
  | 'bad-txns-fee-outofrange'
  /** toychain-only: a BIP340 signature does not verify (Core: mandatory-script-verify-flag-failed) */
  | 'bad-txns-sig'
  /** toychain-only: a non-coinbase input's witness is not one 64-byte signature */
  | 'bad-txns-sig-size'
  /** toychain-only: the block's bytes do not decode (malformed encoding) */
  | 'bad-blk-encoding'
  /** toychain-only: the transaction's bytes do not decode (malformed encoding) */
  | 'bad-txns-encoding'
  /** policy: a coinbase sent as a loose transaction (MemPoolAccept) */
  | 'coinbase'
  /** policy: the transaction is already in the mempool (MemPoolAccept) */
  | 'txn-already-in-mempool'
  /** policy: spends an outpoint a mempool transaction already spends; first seen wins (MemPoolAccept) */
  | 'txn-mempool-conflict'
  /** policy: the fee rate is below the mempool's minimum (MemPoolAccept) */
  | 'min relay fee not met'
  /** policy: the mempool is at its byte limit and this transaction pays the least (MemPoolAccept) */
  | 'mempool full'
  /** policy: below the rolling minimum fee rate the pool raised after evicting (CheckFeeRate) */
  | 'mempool min fee not met'
  /** policy: larger than a standard transaction may be (IsStandardTx) */
  | 'tx-size'
  /** policy: more inputs than a standard transaction may have (toychain-only) */
  | 'tx-too-many-inputs'
  /** policy: too many unconfirmed ancestors in the mempool (MemPoolAccept) */
  | 'too-long-mempool-chain';

/** The verdict of a rule: success (possibly carrying what the caller needs) or a named reason. */
export type Verdict<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; reason: RejectReason; debug?: string };

/** A failed verdict, for helpers that only ever fail. */
export type Rejection = { ok: false; reason: RejectReason; debug?: string };

/** reject builds a failed verdict. */
export function reject(reason: RejectReason, debug?: string): Rejection {
  return debug === undefined ? { ok: false, reason } : { ok: false, reason, debug };
}

/**
 * How long a rejection holds, which decides both what the chain records and whether the
 * sender is punished (p2p/misbehaviour.ts):
 * - `permanent`: the object breaks a rule whatever the chain looks like (bad proof of
 *   work, a bad signature, amounts out of range). A block so rejected is recorded
 *   invalid; its sender is punished.
 * - `contextual`: the verdict depends on the view it was checked against (missing or
 *   spent inputs, an immature coinbase, the mempool's policy). A block's view is fixed
 *   by its ancestors, so for a block this is as final as `permanent`; a loose
 *   transaction may be valid on another tip, so its sender is not punished.
 * - `transient` (the † above): says nothing final about the hash: an orphan, a time
 *   still in the future, a body mutated in transit. Never recorded, never punished as invalid.
 */
export type ReasonKind = 'permanent' | 'contextual' | 'transient';

/**
 * REASON_KINDS is the one table that classifies every reject reason.
 * @see Core's BlockValidationResult / TxValidationResult categories (BLOCK_MUTATED and
 * BLOCK_MISSING_PREV and BLOCK_TIME_FUTURE are not cached as invalid; TX_MISSING_INPUTS,
 * TX_PREMATURE_SPEND, TX_CONFLICT and TX_MEMPOOL_POLICY are not punished). Context-free.
 */
export const REASON_KINDS: Readonly<Record<RejectReason, ReasonKind>> = {
  'high-hash': 'permanent',
  'bad-diffbits': 'permanent',
  'time-too-old': 'permanent',
  'time-too-new': 'transient',
  'time-timewarp-attack': 'permanent',
  'prev-blk-not-found': 'transient',
  'bad-prevblk': 'permanent',
  duplicate: 'permanent',
  'bad-txnmrklroot': 'transient',
  'bad-txns-duplicate': 'transient',
  'bad-blk-length': 'permanent',
  'bad-cb-missing': 'permanent',
  'bad-cb-multiple': 'permanent',
  'bad-cb-height': 'permanent',
  'bad-txns-BIP30': 'contextual',
  'bad-txns-accumulated-fee-outofrange': 'permanent',
  'bad-cb-amount': 'permanent',
  'bad-txns-vin-empty': 'permanent',
  'bad-txns-vout-empty': 'permanent',
  'bad-txns-oversize': 'permanent',
  'bad-txns-vout-negative': 'permanent',
  'bad-txns-vout-toolarge': 'permanent',
  'bad-txns-txouttotal-toolarge': 'permanent',
  'bad-txns-inputs-duplicate': 'permanent',
  'bad-txns-prevout-null': 'permanent',
  'bad-cb-length': 'permanent',
  'bad-txns-inputs-missingorspent': 'contextual',
  'bad-txns-premature-spend-of-coinbase': 'contextual',
  'bad-txns-inputvalues-outofrange': 'permanent',
  'bad-txns-in-belowout': 'permanent',
  'bad-txns-fee-outofrange': 'permanent',
  'bad-txns-sig': 'permanent',
  'bad-txns-sig-size': 'permanent',
  'bad-blk-encoding': 'permanent',
  'bad-txns-encoding': 'permanent',
  coinbase: 'permanent',
  'txn-already-in-mempool': 'contextual',
  'txn-mempool-conflict': 'contextual',
  'min relay fee not met': 'contextual',
  'mempool full': 'contextual',
  'too-long-mempool-chain': 'contextual',
  // Policy, not consensus (Core's TX_NOT_STANDARD / TX_MEMPOOL_POLICY): another node's
  // policy may differ, so the sender is not punished.
  'mempool min fee not met': 'contextual',
  'tx-size': 'contextual',
  'tx-too-many-inputs': 'contextual',
};

/**
 * isFinalForBlock says whether a block rejected for this reason may be recorded as
 * invalid: every reason but a transient one (a block's context is fixed by its parent).
 * @see REASON_KINDS. Context-free.
 */
export function isFinalForBlock(reason: RejectReason): boolean {
  return REASON_KINDS[reason] !== 'transient';
}
