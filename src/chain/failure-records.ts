/**
 * Why each block the chain marked invalid failed. The block index keeps only the
 * failed bits; a peer (or the API) that sends the block again, or a descendant of it,
 * is told the reason it first failed for, or which ancestor failed.
 */
import type { RejectReason } from '../consensus/reasons.js';
import type { ChainEntry } from './block-index.js';

export interface Failure {
  reason: RejectReason;
  debug?: string;
}

export class FailureRecords {
  private readonly failures = new Map<string, Failure>();

  /** record keeps why the block `id` failed its own checks. */
  record(id: string, reason: RejectReason, debug?: string): void {
    this.failures.set(id, debug === undefined ? { reason } : { reason, debug });
  }

  /** of names why a failed entry failed: its own reason, or the ancestor that failed. */
  of(entry: ChainEntry): Failure {
    const own = this.failures.get(entry.id);
    if (own !== undefined) return own;
    for (let e = entry.parent; e !== undefined; e = e.parent) {
      const failure = this.failures.get(e.id);
      if (failure !== undefined) return { reason: 'bad-prevblk', debug: `ancestor ${e.id} is invalid: ${failure.reason}` };
    }
    return { reason: 'bad-prevblk', debug: 'an ancestor is invalid' };
  }
}
