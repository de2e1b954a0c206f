/**
 * Transactions between their cheap checks and their insertion into the mempool, while
 * their signatures are verified off the pool's queue. A later transaction that spends
 * one of their outputs, spends one of the same outpoints, or is the same transaction
 * waits for them to finish, so a burst gets the outcome serial processing in arrival
 * order would give: a child after its parent, first seen wins a double spend.
 */
import { toDisplayHex } from '../consensus/bytes.js';
import { outpointKey, type Tx } from '../consensus/tx.js';

export class InFlightTxs {
  /** txid (display hex) → resolves when that transaction has finished, accepted or not */
  private readonly byTxid = new Map<string, Promise<void>>();
  /** outpoint key → the same, for the in-flight transaction spending it */
  private readonly bySpend = new Map<string, Promise<void>>();

  /** blocker returns what `tx` must wait for before its checks mean anything, if anything. */
  blocker(tx: Tx, txid: string): Promise<void> | undefined {
    const same = this.byTxid.get(txid);
    if (same !== undefined) return same;
    for (const input of tx.inputs) {
      const blocker = this.bySpend.get(outpointKey(input.prevout)) ?? this.byTxid.get(toDisplayHex(input.prevout.txHash));
      if (blocker !== undefined) return blocker;
    }
    return undefined;
  }

  /** start registers a checked transaction as in flight; call the returned function when it has finished. */
  start(tx: Tx, txid: string): () => void {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const keys = tx.inputs.map((input) => outpointKey(input.prevout));
    this.byTxid.set(txid, done);
    for (const key of keys) this.bySpend.set(key, done);
    return () => {
      this.byTxid.delete(txid);
      for (const key of keys) this.bySpend.delete(key);
      resolve();
    };
  }
}
