/**
 * The set of transactions whose signatures this node has already verified, so a block
 * made of transactions the mempool accepted is not verified twice (Core keeps a
 * signature cache and a script execution cache for the same reason).
 *
 * Keyed by txid: in toychain the txid is sha256d of the whole encoding, witnesses (the
 * signatures) included (see src/consensus/tx.ts), so two transactions with one txid
 * carry the same signatures. What a signature signs besides the transaction is the
 * value and key of each spent coin, and those are fixed by the outpoint, because an
 * outpoint's txid commits to the outputs it names. So "verified once" stays true.
 * Bitcoin: a txid excludes the witness, so Core keys its script cache by wtxid.
 */
import type { DisplayHex } from '../consensus/bytes.js';

/** Default bound: 100,000 txids (~10 MB), several full blocks' worth. */
export const DEFAULT_VERIFIED_TX_LIMIT = 100_000;

export class VerifiedTxCache {
  /** insertion order is age order: the first key is the oldest */
  private readonly txids = new Map<string, true>();

  constructor(readonly limit: number = DEFAULT_VERIFIED_TX_LIMIT) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`VerifiedTxCache: limit must be a non-negative integer, got ${limit}`);
  }

  get size(): number {
    return this.txids.size;
  }

  /** has says whether the signatures of the transaction with this txid (display hex) were verified. */
  has(txid: DisplayHex): boolean {
    return this.txids.has(txid);
  }

  /** add records a verified transaction, forgetting the oldest entry when full. */
  add(txid: DisplayHex): void {
    this.txids.delete(txid);
    this.txids.set(txid, true);
    while (this.txids.size > this.limit) this.txids.delete(this.txids.keys().next().value!);
  }
}
