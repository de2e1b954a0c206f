/**
 * Header presync: which headers a peer may make us store (Bitcoin Core's headers
 * presync, simplified).
 *
 * Headers cost nothing to make on regtest and little on demo, and every stored header
 * stays on disk and in the block index for good. So a header chain from a peer is kept
 * in memory, per peer and bounded, and stored only once its cumulative work reaches the
 * anti-DoS threshold: our tip's work minus a small allowance of `NEAR_TIP_BLOCKS`
 * blocks at the tip's difficulty (Core's GetAntiDoSWorkThreshold uses 144 blocks; a
 * teaching chain wants a competing branch a few blocks behind kept, not a day's worth).
 * Each header's proof of work is checked on arrival, so the work counted is real.
 *
 * Headers come in two ways only: in answer to our own getheaders, or unasked as an
 * announcement of a few new blocks (at most MAX_ANNOUNCED_HEADERS, Core's
 * MAX_BLOCKS_TO_ANNOUNCE) that connects to a header we have. Anything else unasked is
 * `unrequested-headers`, and nothing of it is kept.
 */
import type { ChainEntry } from '../chain/block-index.js';
import { equalBytes, type Hash32 } from '../consensus/bytes.js';
import { checkBlockHeader } from '../consensus/block-check.js';
import type { BlockHeader } from '../consensus/header.js';
import type { NetworkParams } from '../consensus/params.js';
import { blockWork } from '../consensus/pow.js';
import type { RejectReason } from '../consensus/reasons.js';

/** The most headers a peer may send unasked, as an announcement of new blocks. Core: MAX_BLOCKS_TO_ANNOUNCE = 8. */
export const MAX_ANNOUNCED_HEADERS = 8;

/** How many blocks' work below our tip a header chain may end and still be stored (Core: 144). */
export const NEAR_TIP_BLOCKS = 6;

/**
 * The most headers kept in memory for one peer while their work is below the threshold
 * (four full headers messages): a longer low-work chain is dropped, not stored.
 */
export const MAX_PRESYNC_HEADERS = 8_000;

/**
 * workThreshold is the chainwork a header chain must exceed to be stored: the tip's,
 * less NEAR_TIP_BLOCKS blocks of the tip's work. @see Core GetAntiDoSWorkThreshold.
 */
export function workThreshold(tip: ChainEntry): bigint {
  const allowance = blockWork(tip.header.bits) * BigInt(NEAR_TIP_BLOCKS);
  return tip.chainwork > allowance ? tip.chainwork - allowance : 0n;
}

/** What a headers message leads to, for sync.ts to act on. */
export type PresyncStep =
  /** enough work: store these headers (the ones held in memory first) */
  | { kind: 'store'; headers: BlockHeader[] }
  /** below the threshold: held in memory; `last` is the newest held header's hash, to ask on from */
  | { kind: 'hold'; held: number; work: bigint; last: Hash32 }
  /** more low-work headers than MAX_PRESYNC_HEADERS: dropped */
  | { kind: 'drop'; held: number }
  /** a header whose hash does not meet its own target */
  | { kind: 'bad-pow'; header: BlockHeader; reason: RejectReason; debug: string | undefined };

/**
 * One peer's header chain not yet stored: the stored entry it forks from and the
 * headers after it, in order.
 */
export class HeaderPresync {
  private base: ChainEntry | undefined;
  private held: BlockHeader[] = [];
  private heldHashes: Hash32[] = [];
  private work = 0n;

  constructor(private readonly params: NetworkParams) {}

  /** extends says whether a header's parent is the newest header held (the next batch of a held chain). */
  extends(prevHash: Hash32): boolean {
    const last = this.heldHashes.at(-1);
    return last !== undefined && equalBytes(last, prevHash);
  }

  /** base is the stored entry the held chain forks from (undefined when nothing is held). */
  get baseEntry(): ChainEntry | undefined {
    return this.base;
  }

  /**
   * add takes a continuous run of headers (`hashes` are theirs) that builds either on
   * the stored `parent` (a new chain: anything held is forgotten) or, with parent
   * undefined, on the newest held header, and says what to do with the chain.
   */
  add(headers: readonly BlockHeader[], hashes: readonly Hash32[], parent: ChainEntry | undefined, tip: ChainEntry): PresyncStep {
    for (const header of headers) {
      const pow = checkBlockHeader(header, this.params);
      if (!pow.ok) return { kind: 'bad-pow', header, reason: pow.reason, debug: pow.debug };
    }
    if (parent !== undefined) this.reset(parent);
    for (const header of headers) this.work += blockWork(header.bits);
    this.held.push(...headers);
    this.heldHashes.push(...hashes);
    const chainwork = this.base!.chainwork + this.work;
    if (chainwork > workThreshold(tip)) {
      const all = this.held;
      this.reset(undefined);
      return { kind: 'store', headers: all };
    }
    if (this.held.length > MAX_PRESYNC_HEADERS) {
      const held = this.held.length;
      this.reset(undefined);
      return { kind: 'drop', held };
    }
    return { kind: 'hold', held: this.held.length, work: chainwork, last: this.heldHashes.at(-1)! };
  }

  /** reset forgets the held headers (a new chain starts at `base`, or nothing is held). */
  reset(base: ChainEntry | undefined): void {
    this.base = base;
    this.held = [];
    this.heldHashes = [];
    this.work = 0n;
  }
}
