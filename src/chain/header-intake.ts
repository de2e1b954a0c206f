/**
 * Taking headers in (Core's AcceptBlockHeader): the header rules that need no block
 * body, run before a block is stored, before a header is recorded (headers-first
 * sync), and before a block is relayed ahead of its connect. A header that breaks a
 * rule for good is recorded invalid, so it is refused at once if it comes again. Apart
 * from the Chain because these checks read only the block index and the header
 * context; what they need of the chain's state is passed in as HeaderIntakeDeps.
 */
import type { Block } from '../consensus/block.js';
import { checkBlock, checkBlockContext } from '../consensus/block-check.js';
import { toDisplayHex, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import type { BlockHeader } from '../consensus/header.js';
import type { NetworkParams } from '../consensus/params.js';
import { blockWork, checkProofOfWork } from '../consensus/pow.js';
import { isFinalForBlock, type RejectReason, type Verdict } from '../consensus/reasons.js';
import { blockSize } from '../storage/block-bytes.js';
import { BlockStatus, type BlockRecord, type ChainStore } from '../storage/store.js';
import { isFailed, type BlockIndex, type ChainEntry } from './block-index.js';
import { checkHeaderOnParent } from './header-context.js';
import { hashOfHeader, txHashesOf } from './remembered-hashes.js';

export interface HeaderIntakeDeps {
  index: BlockIndex;
  store: ChainStore;
  params: NetworkParams;
  /** the node's clock in Unix seconds */
  clock: () => number;
  /** the bits a child of `parent` must carry */
  expectedBits: (parent: ChainEntry) => number;
  /** the next record's sequence number (first-seen order among equal work) */
  nextSequence: () => number;
  /** marks a block failed with its descendants, in one batch, and says so */
  recordInvalid: (record: BlockRecord, reason: RejectReason, debug?: string) => Promise<void>;
}

/** A header run's result: the ids taken, and the first header that failed, if one did. */
export interface HeadersResult {
  blockIds: DisplayHex[];
  failure?: { index: number; reason: RejectReason; debug?: string };
}

export class HeaderIntake {
  constructor(private readonly deps: HeaderIntakeDeps) {}

  /**
   * checkForRelay runs, without storing or recording anything, the header rules (proof
   * of work, `bits`, time, a known valid parent) and the block's context-free checks
   * and height commitment: what a block must pass to be relayed ahead of its connect.
   */
  checkForRelay(block: Block): Verdict<{ parent: ChainEntry }> {
    const { index, params } = this.deps;
    const hash = hashOfHeader(block.header);
    const pow = checkProofOfWork(hash, block.header.bits, params);
    if (!pow.ok) return pow;
    const parent = index.getByHash(block.header.prevHash);
    if (parent === undefined) return { ok: false, reason: 'prev-blk-not-found' };
    if (isFailed(parent)) return { ok: false, reason: 'bad-prevblk', debug: `parent ${parent.id} is invalid` };
    const header = this.headerContext(block.header, parent);
    if (!header.ok) return header;
    const body = checkBlock(block, params, blockSize(block), hash, txHashesOf(block));
    const context = body.ok ? checkBlockContext(block, parent.height + 1) : body;
    if (!context.ok) return context;
    return { ok: true, parent };
  }

  /**
   * checkHeader runs the header rules that need no block body, Core's AcceptBlockHeader.
   * `beforeRecordInvalid` runs before a failing header is recorded (a header run
   * writes the records it builds on first).
   */
  async checkHeader(
    header: BlockHeader,
    hash: Hash32,
    beforeRecordInvalid: () => Promise<void> = async () => undefined,
  ): Promise<{ ok: true; parent: ChainEntry } | { ok: false; reason: RejectReason; debug?: string; permanent?: boolean }> {
    const pow = checkProofOfWork(hash, header.bits, this.deps.params); // checkBlockHeader, with the hash the caller has
    if (!pow.ok) return pow;
    const parent = this.deps.index.getByHash(header.prevHash);
    if (parent === undefined) return { ok: false, reason: 'prev-blk-not-found' };
    const record = (status: number): BlockRecord => ({ hash, header, height: parent.height + 1, chainwork: parent.chainwork + blockWork(header.bits), status, sequence: this.deps.nextSequence() });
    if (isFailed(parent)) {
      await beforeRecordInvalid();
      await this.deps.recordInvalid(record(BlockStatus.FAILED_PARENT), 'bad-prevblk', `parent ${parent.id} is invalid`);
      return { ok: false, reason: 'bad-prevblk', debug: `parent ${parent.id} is invalid` };
    }
    const ctx = this.headerContext(header, parent);
    if (!ctx.ok) {
      if (isFinalForBlock(ctx.reason)) {
        await beforeRecordInvalid();
        await this.deps.recordInvalid(record(BlockStatus.FAILED), ctx.reason, ctx.debug);
      }
      return ctx;
    }
    return { ok: true, parent };
  }

  /**
   * recordHeaders records a run of headers (each building on the one before) after the
   * header checks, every new record in one batch. It stops at the first header that
   * fails and names it; the headers before it are kept.
   */
  async recordHeaders(headers: readonly BlockHeader[]): Promise<HeadersResult> {
    const { index, store } = this.deps;
    const blockIds: DisplayHex[] = [];
    const batch = store.batch();
    let pending = 0;
    // A failing header is recorded in its own write: the records it builds on go first.
    const flush = async (): Promise<void> => {
      if (pending > 0) await batch.write();
      pending = 0;
    };
    for (const [i, header] of headers.entries()) {
      const hash = hashOfHeader(header);
      const id = toDisplayHex(hash);
      const known = index.get(id);
      if (known !== undefined && isFailed(known)) {
        await flush();
        return { blockIds, failure: { index: i, reason: 'duplicate', debug: 'known invalid' } };
      }
      if (known === undefined) {
        const v = await this.checkHeader(header, hash, flush);
        if (!v.ok) {
          await flush();
          return { blockIds, failure: { index: i, reason: v.reason, ...(v.debug === undefined ? {} : { debug: v.debug }) } };
        }
        const record: BlockRecord = { hash, header, height: v.parent.height + 1, chainwork: v.parent.chainwork + blockWork(header.bits), status: 0, sequence: this.deps.nextSequence() };
        batch.putRecord(record);
        pending++;
        index.add(record);
      }
      blockIds.push(id);
    }
    await flush();
    return { blockIds };
  }

  /** headerContext: the header rules that need its parent (bits, time, timewarp), Core's ContextualCheckBlockHeader. */
  private headerContext(header: BlockHeader, parent: ChainEntry): Verdict {
    return checkHeaderOnParent(header, parent, this.deps.expectedBits(parent), this.deps.clock(), this.deps.params);
  }
}
