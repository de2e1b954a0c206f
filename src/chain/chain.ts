/**
 * The chain: a thin coordinator over the block index, fork choice, the orphan pool
 * and the store. It takes blocks in, runs the consensus checks in Core's order, stores
 * what passes, and keeps the active chain on the valid branch with the most work:
 * disconnect to the fork point, then connect the new branch block by block, each step
 * one atomic store batch. A block that fails while connecting is marked invalid with
 * its descendants, and the chain returns to the best valid branch.
 */
import { EventEmitter } from 'node:events';
import type { Block } from '../consensus/block.js';
import { blockSize } from '../storage/block-bytes.js';
import { checkBlock, checkBlockContext, checkBlockHeaderContext } from '../consensus/block-check.js';
import { toDisplayHex, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import type { BlockHeader } from '../consensus/header.js';
import { headerHash } from '../consensus/header.js';
import { MEDIAN_TIME_SPAN, medianTimePast } from '../consensus/median-time.js';
import type { NetworkParams } from '../consensus/params.js';
import { blockWork, checkProofOfWork } from '../consensus/pow.js';
import { isFinalForBlock, type RejectReason, type Verdict } from '../consensus/reasons.js';
import { getNextWorkRequired } from '../consensus/retarget.js';
import { checkTimewarp } from '../consensus/timewarp.js';
import { BlockStatus, type BlockRecord, type ChainStore } from '../storage/store.js';
import { ancestor, BlockIndex, findFork, hasData, isFailed, type ChainEntry } from './block-index.js';
import { chainTips, type ChainTip } from './chain-tips.js';
import { loadBlockView, loadRunView } from './coin-loader.js';
import { ChainMismatchError, CorruptStoreError } from './errors.js';
import { bestCandidate, hasMoreWork, type ForkChoiceRule } from './fork-choice.js';
import { genesisRecord } from './genesis-record.js';
import { applyCoinChanges, indexBlock, unindexBlock } from './block-indexes.js';
import { DEFAULT_ORPHAN_LIMITS, OrphanPool, type OrphanLimits } from './orphans.js';
import { txHash } from '../consensus/tx.js';
import { connectBlock, disconnectBlock, type SignatureCheck } from '../consensus/utxo.js';
import { InProcessSignatureVerifier, type SignatureVerdict, type SignatureVerifier } from './signature-verifier.js';
import { VerifiedTxCache } from './verified-tx-cache.js';

export interface ChainOptions {
  /** the node's clock in Unix seconds (tests inject a fixed one) */
  clock?: () => number;
  orphanLimits?: OrphanLimits;
  /** runs connectBlock's signature checks (default: in-process; a node passes a WorkerSignatureVerifier) */
  signatureVerifier?: SignatureVerifier;
  /** transactions whose signatures were already verified (shared with the mempool) */
  verifiedTxs?: VerifiedTxCache;
  /** how branch tips are ranked (default hasMoreWork: most work, then first seen); only the lab changes it */
  forkChoice?: ForkChoiceRule;
}

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

export interface ChainEvents {
  blockConnected: [entry: ChainEntry, block: Block];
  blockDisconnected: [entry: ChainEntry, block: Block];
  reorg: [reorg: Reorg];
  tip: [entry: ChainEntry];
  invalid: [entry: ChainEntry, reason: RejectReason];
}

/** More candidate switches than this in one activation means a bug, not a fork. */
const MAX_ACTIVATION_STEPS = 10_000;

export class Chain extends EventEmitter<ChainEvents> {
  private readonly index = new BlockIndex();
  private readonly active: ChainEntry[] = [];
  private readonly candidates = new Set<ChainEntry>();
  private readonly orphans: OrphanPool;
  private readonly failures = new Map<string, { reason: RejectReason; debug?: string }>();
  private readonly clock: () => number;
  private readonly better: ForkChoiceRule;
  /** runs signature checks; shared with the mempool so both use the same threads */
  readonly signatureVerifier: SignatureVerifier;
  /** transactions whose signatures are known good: connecting a block skips them */
  readonly verifiedTxs: VerifiedTxCache;
  private nextSequence = 0;
  /** a block on the tip whose data waits to be written with its connect batch (acceptAndActivate) */
  private unstored: { entry: ChainEntry; block: Block } | undefined;
  /** blocks checkBlockForRelay passed, with the parent they were checked on: processBlock does not check them again */
  private readonly prechecked = new WeakMap<Block, ChainEntry>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly store: ChainStore,
    readonly params: NetworkParams,
    options: ChainOptions,
  ) {
    super();
    this.clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    this.better = options.forkChoice ?? hasMoreWork;
    this.orphans = new OrphanPool(options.orphanLimits ?? DEFAULT_ORPHAN_LIMITS);
    this.signatureVerifier = options.signatureVerifier ?? new InProcessSignatureVerifier();
    this.verifiedTxs = options.verifiedTxs ?? new VerifiedTxCache();
  }

  /**
   * open loads the block index and tip from the store (writing the genesis block into
   * an empty one) without re-validating stored blocks, then finishes any reorganisation
   * a crash interrupted.
   */
  static async open(store: ChainStore, params: NetworkParams, options: ChainOptions = {}): Promise<Chain> {
    const chain = new Chain(store, params, options);
    await chain.load();
    return chain;
  }

  private async load(): Promise<void> {
    let records = await this.store.loadRecords();
    if (records.length === 0) {
      const { record, block } = genesisRecord(this.params);
      await this.store.batch().putBlock(record.hash, block).putRecord(record).setTip(record.hash).write();
      records = [record];
    }
    records.sort((a, b) => a.height - b.height || a.sequence - b.sequence);
    const genesis = records[0]!;
    if (genesis.height !== 0 || toDisplayHex(genesis.hash) !== this.params.genesis.hash) {
      throw new ChainMismatchError(this.params.name, toDisplayHex(genesis.hash));
    }
    for (const record of records) {
      this.index.add(record);
      this.nextSequence = Math.max(this.nextSequence, record.sequence + 1);
    }
    const tipHash = await this.store.getTip();
    const tip = tipHash === undefined ? undefined : this.index.getByHash(tipHash);
    if (tip === undefined) throw new CorruptStoreError('the stored tip is not in the block index');
    for (let e: ChainEntry | undefined = tip; e !== undefined; e = e.parent) this.active[e.height] = e;
    for (const entry of this.index.entries()) {
      if (hasData(entry) && !isFailed(entry) && this.better(entry, tip)) this.candidates.add(entry);
    }
    await this.activateBestChain(new Map());
  }

  // ---- reading -------------------------------------------------------------

  get tip(): ChainEntry {
    return this.active[this.active.length - 1]!;
  }

  get height(): number {
    return this.active.length - 1;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  isActive(entry: ChainEntry): boolean {
    return this.active[entry.height] === entry;
  }

  /** getEntryByHash is getEntry for a hash in internal byte order: headers, messages and the store carry those. */
  getEntryByHash(hash: Hash32): ChainEntry | undefined {
    return this.index.getByHash(hash);
  }

  getEntry(id: DisplayHex): ChainEntry | undefined {
    return this.index.get(id);
  }

  getEntryAtHeight(height: number): ChainEntry | undefined {
    return this.active[height];
  }

  async getBlock(id: DisplayHex): Promise<Block | undefined> {
    const entry = this.index.get(id);
    if (entry === undefined || !hasData(entry)) return undefined;
    return this.store.getBlock(entry.hash);
  }

  getChainTips(): ChainTip[] {
    return chainTips(this.index, this.tip, (e) => this.isActive(e));
  }

  /** the parents orphan blocks wait for, to ask peers for */
  missingParents(): string[] {
    return this.orphans.missingParents();
  }

  /** nextBits is the bits a block on the current tip must carry. */
  nextBits(): number {
    return this.expectedBits(this.tip);
  }

  /** medianTimePast of the current tip: a new block's time must exceed it. */
  medianTimePast(): number {
    return this.medianTimeOf(this.tip);
  }

  /**
   * checkBlockForRelay runs, without storing or recording anything, the checks a new
   * block must pass before it may be relayed ahead of its connect (BIP152's
   * high-bandwidth relay: "after the header and proof of work and the block's own
   * checks pass"): its header (proof of work, `bits`, time, a known valid parent) and
   * the block's context-free checks and height commitment. What is left for the
   * connect is the UTXO set: inputs, amounts and signatures. A block that passes is not
   * checked again when the same object goes through processBlock on the same parent.
   */
  checkBlockForRelay(block: Block): Verdict<{ parent: ChainEntry }> {
    const hash = headerHash(block.header);
    const pow = checkProofOfWork(hash, block.header.bits, this.params);
    if (!pow.ok) return pow;
    const parent = this.index.getByHash(block.header.prevHash);
    if (parent === undefined) return { ok: false, reason: 'prev-blk-not-found' };
    if (isFailed(parent)) return { ok: false, reason: 'bad-prevblk', debug: `parent ${parent.id} is invalid` };
    const header = this.headerContext(block.header, parent);
    if (!header.ok) return header;
    const body = checkBlock(block, this.params, blockSize(block), hash);
    const context = body.ok ? checkBlockContext(block, parent.height + 1) : body;
    if (!context.ok) return context;
    this.prechecked.set(block, parent);
    return { ok: true, parent };
  }

  // ---- taking blocks in ----------------------------------------------------

  /**
   * processBlock validates a block and, if it passes, stores it and moves the active
   * chain to the branch with the most work. Orphans waiting for it follow. Calls are
   * serialised: one block is processed at a time.
   */
  processBlock(block: Block): Promise<BlockOutcome> {
    return this.exclusive(async () => {
      const outcome = await this.acceptAndActivate(block);
      if (outcome.status === 'connected' || outcome.status === 'accepted') await this.processOrphans(outcome.blockId);
      return outcome;
    });
  }

  /**
   * processBlocks takes blocks as processBlock takes each, in the order given, and
   * returns each one's outcome. A run of them that extends the active tip block by
   * block, with headers already in the index (headers-first sync), is checked block
   * after block against the UTXO set as the blocks before it leave it, and written in
   * ONE store batch (blocks, undo data, coins, indexes, records and the tip): one write
   * for the run instead of one per block (`npm run bench -- network`, initial sync).
   * The batch is atomic, so a node killed mid-run restarts on the tip before the run.
   * The first block the run cannot take (a rule fails, or it does not build on the one
   * before) ends it; it and those after it take processBlock's path, which records what fails.
   */
  processBlocks(blocks: readonly Block[]): Promise<BlockOutcome[]> {
    return this.exclusive(async () => {
      const connected = await this.connectRun(blocks);
      const outcomes: BlockOutcome[] = connected.map((e) => ({ status: 'connected', blockId: e.id }));
      for (const block of blocks.slice(connected.length)) {
        const outcome = await this.acceptAndActivate(block);
        if (outcome.status === 'connected' || outcome.status === 'accepted') await this.processOrphans(outcome.blockId);
        outcomes.push(outcome);
      }
      return outcomes;
    });
  }

  /** connectRun connects the longest prefix of `blocks` it can in one batch (processBlocks) and returns its entries. */
  private async connectRun(blocks: readonly Block[]): Promise<ChainEntry[]> {
    const run: { entry: ChainEntry; block: Block }[] = [];
    for (const block of blocks) {
      const entry = this.index.getByHash(headerHash(block.header));
      const parent = run.at(-1)?.entry ?? this.tip;
      if (entry === undefined || entry.parent !== parent || hasData(entry) || isFailed(entry)) break;
      run.push({ entry, block });
    }
    if (run.length < 2) return []; // one block: processBlock's path writes once too
    const view = await loadRunView(this.store, run.map((r) => r.block));
    const batch = this.store.batch();
    const done: { entry: ChainEntry; block: Block }[] = [];
    for (const { entry, block } of run) {
      const body = checkBlock(block, this.params, blockSize(block), entry.hash);
      const context = body.ok ? checkBlockContext(block, entry.height) : body;
      if (!context.ok) break;
      const connected = connectBlock(block, entry.height, view, this.params, { deferSignatures: true });
      const v = connected.ok ? await this.withSignatures(connected, connected.signatureChecks ?? []) : connected;
      if (!v.ok) break; // left for processBlock's path, which records why
      view.apply(v.changes);
      const indexed = { block, txHashes: v.txHashes };
      batch.putBlock(entry.hash, block);
      applyCoinChanges(batch, indexed, v.undo, v.changes);
      indexBlock(batch, indexed, entry.hash, entry.height, v.undo);
      batch.putUndo(entry.hash, v.undo).putRecord({ ...toRecord(entry), status: entry.status | BlockStatus.HAVE_DATA | BlockStatus.VALID });
      done.push({ entry, block });
    }
    if (done.length === 0) return [];
    await batch.setTip(done.at(-1)!.entry.hash).write();
    // The cached state changes only once the batch is written.
    for (const { entry, block } of done) {
      entry.status |= BlockStatus.HAVE_DATA | BlockStatus.VALID;
      this.active[entry.height] = entry;
      this.emit('blockConnected', entry, block);
    }
    this.emit('tip', this.tip);
    // Blocks stored ahead of the run (they came early) may connect now, and orphans waiting for a run block follow it.
    if (this.candidates.size > 0) await this.activateBestChain(new Map());
    for (const { entry } of done) await this.processOrphans(entry.id);
    return done.map((d) => d.entry);
  }

  /**
   * processHeader records a header whose block has not arrived yet (headers-first
   * sync), after the header checks. Its branch shows as headers-only until the blocks come.
   */
  processHeader(header: BlockHeader): Promise<Verdict<{ blockId: DisplayHex }>> {
    return this.exclusive(async () => {
      const hash = headerHash(header);
      const id = toDisplayHex(hash);
      const known = this.index.get(id);
      if (known !== undefined) return isFailed(known) ? { ok: false, reason: 'duplicate', debug: 'known invalid' } : { ok: true, blockId: id };
      const v = await this.checkHeader(header, hash, id);
      if (!v.ok) return v;
      const parent = v.parent;
      const record: BlockRecord = { hash, header, height: parent.height + 1, chainwork: parent.chainwork + blockWork(header.bits), status: 0, sequence: this.nextSequence++ };
      await this.store.batch().putRecord(record).write();
      this.index.add(record);
      return { ok: true, blockId: id };
    });
  }

  /**
   * processHeaders records a run of headers (a `headers` message, each building on the
   * one before) as processHeader does one by one, but writes every new record in one
   * batch: headers-first sync then costs one store write per message, not per header
   * (`npm run bench -- network`, initial sync). It stops at the first header that fails
   * and names it; the headers before it are kept.
   */
  processHeaders(headers: readonly BlockHeader[]): Promise<{ blockIds: DisplayHex[]; failure?: { index: number; reason: RejectReason; debug?: string } }> {
    return this.exclusive(async () => {
      const blockIds: DisplayHex[] = [];
      const batch = this.store.batch();
      let pending = 0;
      // A failing header is recorded in its own write: the records it builds on go first.
      const flush = async (): Promise<void> => {
        if (pending > 0) await batch.write();
        pending = 0;
      };
      for (const [index, header] of headers.entries()) {
        const hash = headerHash(header);
        const id = toDisplayHex(hash);
        const known = this.index.get(id);
        if (known !== undefined && isFailed(known)) {
          await flush();
          return { blockIds, failure: { index, reason: 'duplicate', debug: 'known invalid' } };
        }
        if (known === undefined) {
          const v = await this.checkHeader(header, hash, id, flush);
          if (!v.ok) {
            await flush();
            return { blockIds, failure: { index, reason: v.reason, ...(v.debug === undefined ? {} : { debug: v.debug }) } };
          }
          const record: BlockRecord = { hash, header, height: v.parent.height + 1, chainwork: v.parent.chainwork + blockWork(header.bits), status: 0, sequence: this.nextSequence++ };
          batch.putRecord(record);
          pending++;
          this.index.add(record);
        }
        blockIds.push(id);
      }
      await flush();
      return { blockIds };
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async processOrphans(parentId: DisplayHex): Promise<void> {
    const queue = [parentId];
    while (queue.length > 0) {
      for (const child of this.orphans.takeChildren(queue.shift()!)) {
        const outcome = await this.acceptAndActivate(child);
        if (outcome.status === 'connected' || outcome.status === 'accepted') queue.push(outcome.blockId);
      }
    }
  }

  /** checkHeader runs the header rules that need no block body, Core's AcceptBlockHeader. */
  private async checkHeader(
    header: BlockHeader,
    hash: Hash32,
    id: DisplayHex,
    beforeRecordInvalid: () => Promise<void> = async () => undefined,
  ): Promise<{ ok: true; parent: ChainEntry } | { ok: false; reason: RejectReason; debug?: string; permanent?: boolean }> {
    const pow = checkProofOfWork(hash, header.bits, this.params); // checkBlockHeader, with the hash the caller has
    if (!pow.ok) return pow;
    const parent = this.index.getByHash(header.prevHash);
    if (parent === undefined) return { ok: false, reason: 'prev-blk-not-found' };
    const record = (status: number): BlockRecord => ({ hash, header, height: parent.height + 1, chainwork: parent.chainwork + blockWork(header.bits), status, sequence: this.nextSequence++ });
    if (isFailed(parent)) {
      await beforeRecordInvalid();
      await this.recordInvalid(record(BlockStatus.FAILED_PARENT), 'bad-prevblk', `parent ${parent.id} is invalid`);
      return { ok: false, reason: 'bad-prevblk', debug: `parent ${parent.id} is invalid` };
    }
    const ctx = this.headerContext(header, parent);
    if (!ctx.ok) {
      if (isFinalForBlock(ctx.reason)) {
        await beforeRecordInvalid();
        await this.recordInvalid(record(BlockStatus.FAILED), ctx.reason, ctx.debug);
      }
      return ctx;
    }
    void id;
    return { ok: true, parent };
  }

  /** headerContext: the header rules that need its parent (bits, time, timewarp), Core's ContextualCheckBlockHeader. */
  private headerContext(header: BlockHeader, parent: ChainEntry): Verdict {
    const ctx = checkBlockHeaderContext(header, { expectedBits: this.expectedBits(parent), medianTimePast: this.medianTimeOf(parent), now: this.clock() }, this.params);
    return ctx.ok ? checkTimewarp(header.time, parent.height + 1, parent.header.time, this.params) : ctx;
  }

  private async acceptAndActivate(block: Block): Promise<BlockOutcome> {
    const hash = headerHash(block.header);
    const id = toDisplayHex(hash);
    const known = this.index.get(id);
    if (known !== undefined && isFailed(known)) return { status: 'rejected', blockId: id, reason: 'duplicate', debug: 'block is known invalid', permanent: true, stage: 'header' };
    if ((known !== undefined && hasData(known)) || this.orphans.has(id)) return { status: 'duplicate', blockId: id };

    // Checked already for relay (checkBlockForRelay) on this very parent: not again.
    const checkedOn = this.prechecked.get(block);
    this.prechecked.delete(block);
    let parent: ChainEntry;
    if (known !== undefined) {
      parent = known.parent!;
    } else if (checkedOn !== undefined && checkedOn === this.index.getByHash(block.header.prevHash) && !isFailed(checkedOn)) {
      parent = checkedOn;
    } else {
      const header = await this.checkHeader(block.header, hash, id);
      if (!header.ok) {
        if (header.reason === 'prev-blk-not-found') {
          this.orphans.add(id, block, blockSize(block));
          return { status: 'orphan', blockId: id };
        }
        return { status: 'rejected', blockId: id, reason: header.reason, debug: header.debug, permanent: isFinalForBlock(header.reason), stage: 'header' };
      }
      parent = header.parent;
    }

    // The block's work, computed once for every record below.
    const chainwork = known?.chainwork ?? parent.chainwork + blockWork(block.header.bits);
    const body = checkedOn === parent ? ({ ok: true } as const) : checkBlock(block, this.params, blockSize(block), hash);
    const context = !body.ok || checkedOn === parent ? body : checkBlockContext(block, parent.height + 1);
    if (!context.ok) {
      const permanent = isFinalForBlock(context.reason);
      if (permanent) {
        const record: BlockRecord = known ?? { hash, header: block.header, height: parent.height + 1, chainwork, status: 0, sequence: this.nextSequence++ };
        await this.recordInvalid({ ...record, status: record.status | BlockStatus.FAILED }, context.reason, context.debug);
      }
      return { status: 'rejected', blockId: id, reason: context.reason, debug: context.debug, permanent, stage: 'block' };
    }

    const record: BlockRecord = known
      ? { ...toRecord(known), status: known.status | BlockStatus.HAVE_DATA }
      : { hash, header: block.header, height: parent.height + 1, chainwork, status: BlockStatus.HAVE_DATA, sequence: this.nextSequence++ };
    // A block on our tip is written with its connect, in one batch (one store write per
    // block on the common path, `npm run bench -- network`); any other is written now.
    const extendsTip = parent === this.tip;
    if (!extendsTip) await this.store.batch().putBlock(hash, block).putRecord(record).write();
    const entry = known ?? this.index.add(record);
    entry.status = record.status;
    this.candidates.add(entry);
    if (extendsTip) this.unstored = { entry, block };

    let reorg: Reorg | undefined;
    try {
      reorg = await this.activateBestChain(new Map([[id, block]]));
    } finally {
      await this.storeUnstored(entry); // not connected (or it failed): store it on its own
    }
    if (isFailed(entry)) return { status: 'rejected', blockId: id, ...this.failureOf(entry), permanent: true, stage: 'connect' };
    if (!this.isActive(entry)) return { status: 'accepted', blockId: id };
    return reorg === undefined ? { status: 'connected', blockId: id } : { status: 'connected', blockId: id, reorg };
  }

  // ---- fork choice and reorganisation ---------------------------------------

  /**
   * activateBestChain moves the active chain to the connectable candidate with the most
   * work, reorganising through the fork point. A block that fails to connect is marked
   * invalid and the search starts again, so the chain ends on the best valid branch.
   * @see Core ActivateBestChain.
   */
  private async activateBestChain(cache: Map<string, Block>): Promise<Reorg | undefined> {
    const oldTip = this.tip;
    for (let step = 0; step < MAX_ACTIVATION_STEPS; step++) {
      const best = bestCandidate(this.candidates, (e) => this.isActive(e), this.better);
      if (best === undefined || best === this.tip || !this.better(best, this.tip)) break;
      const fork = findFork(this.tip, best);
      while (this.tip !== fork) await this.disconnectTip();
      const path: ChainEntry[] = [];
      for (let e: ChainEntry = best; e !== fork; e = e.parent!) path.unshift(e);
      for (const entry of path) {
        if (!(await this.connectTip(entry, cache))) break;
      }
    }
    for (const c of this.candidates) {
      if (this.isActive(c) || isFailed(c) || this.better(this.tip, c)) this.candidates.delete(c);
    }
    if (this.tip === oldTip) return undefined;
    this.emit('tip', this.tip);
    const fork = findFork(oldTip, this.tip);
    if (fork === oldTip) return undefined;
    const reorg: Reorg = {
      oldTip: oldTip.id,
      newTip: this.tip.id,
      fork: fork.id,
      depth: oldTip.height - fork.height,
      connected: this.tip.height - fork.height,
      oldChainwork: oldTip.chainwork,
      newChainwork: this.tip.chainwork,
    };
    this.emit('reorg', reorg);
    return reorg;
  }

  /** connectTip validates a block against the UTXO set and, if it passes, makes it the tip in one batch. */
  private async connectTip(entry: ChainEntry, cache: Map<string, Block>): Promise<boolean> {
    const block = cache.get(entry.id) ?? (await this.store.getBlock(entry.hash));
    if (block === undefined) throw new CorruptStoreError(`block ${entry.id} is indexed as stored but missing`);
    const view = await loadBlockView(this.store, block);
    const connected = connectBlock(block, entry.height, view, this.params, { deferSignatures: true });
    const v = connected.ok ? await this.withSignatures(connected, connected.signatureChecks ?? []) : connected;
    if (!v.ok) {
      await this.storeUnstored(entry);
      await this.recordInvalid(entry, v.reason, v.debug);
      return false;
    }
    const status = entry.status | BlockStatus.VALID;
    const batch = this.store.batch();
    if (this.unstored?.entry === entry) batch.putBlock(entry.hash, block);
    const indexed = { block, txHashes: v.txHashes };
    applyCoinChanges(batch, indexed, v.undo, v.changes);
    indexBlock(batch, indexed, entry.hash, entry.height, v.undo);
    await batch.putUndo(entry.hash, v.undo).putRecord({ ...toRecord(entry), status }).setTip(entry.hash).write();
    if (this.unstored?.entry === entry) this.unstored = undefined;
    entry.status = status;
    this.active[entry.height] = entry;
    this.active.length = entry.height + 1;
    this.emit('blockConnected', entry, block);
    return true;
  }

  /**
   * withSignatures runs a connected block's deferred signature checks through the
   * verifier, skipping transactions already verified (by the mempool, or in a block
   * since disconnected), and passes the connect result on only if all pass.
   */
  private async withSignatures<T extends object>(result: T, checks: readonly SignatureCheck[]): Promise<(T & { ok: true }) | (SignatureVerdict & { ok: false })> {
    const ids = checks.map((c) => toDisplayHex(c.txHash));
    const todo = checks.filter((_, i) => !this.verifiedTxs.has(ids[i]!));
    const sig = await this.signatureVerifier.verify(todo);
    if (!sig.ok) return { ...sig, debug: `tx ${todo[sig.check]!.index}: ${sig.debug ?? sig.reason}` };
    for (const id of ids) this.verifiedTxs.add(id);
    return { ...result, ok: true };
  }

  /** storeUnstored writes the block held back for its connect batch, if it is `entry`'s. */
  private async storeUnstored(entry: ChainEntry): Promise<void> {
    const held = this.unstored;
    if (held?.entry !== entry) return;
    this.unstored = undefined;
    await this.store.batch().putBlock(entry.hash, held.block).putRecord(toRecord(entry)).write();
  }

  /** disconnectTip takes the tip off with its undo data, in one batch; it stays a candidate. */
  private async disconnectTip(): Promise<void> {
    const entry = this.tip;
    if (entry.parent === undefined) throw new Error('cannot disconnect the genesis block');
    const [block, undo] = await Promise.all([this.store.getBlock(entry.hash), this.store.getUndo(entry.hash)]);
    if (block === undefined || undo === undefined) throw new CorruptStoreError(`block or undo data of active block ${entry.id} is missing`);
    const batch = this.store.batch();
    const indexed = { block, txHashes: block.txs.map((tx) => txHash(tx)) };
    applyCoinChanges(batch, indexed, undo, disconnectBlock(block, undo));
    unindexBlock(batch, indexed, entry.height, undo);
    await batch.deleteUndo(entry.hash).setTip(entry.parent.hash).write();
    this.active.length = entry.height;
    this.candidates.add(entry);
    this.emit('blockDisconnected', entry, block);
  }

  /** recordInvalid marks a block failed and every descendant failed-parent, in one batch. */
  private async recordInvalid(record: BlockRecord | ChainEntry, reason: RejectReason, debug?: string): Promise<void> {
    const id = toDisplayHex(record.hash);
    const entry = this.index.get(id) ?? this.index.add(record);
    entry.status |= record.status & BlockStatus.FAILED_PARENT ? BlockStatus.FAILED_PARENT : BlockStatus.FAILED;
    const batch = this.store.batch().putRecord(toRecord(entry));
    for (const d of this.index.descendants(entry)) {
      d.status |= BlockStatus.FAILED_PARENT;
      batch.putRecord(toRecord(d));
      this.candidates.delete(d);
    }
    await batch.write();
    this.candidates.delete(entry);
    this.failures.set(id, debug === undefined ? { reason } : { reason, debug });
    this.emit('invalid', entry, reason);
  }

  /** failureOf names why a failed entry failed: its own reason, or the ancestor that failed. */
  private failureOf(entry: ChainEntry): { reason: RejectReason; debug?: string } {
    const own = this.failures.get(entry.id);
    if (own !== undefined) return own;
    for (let e = entry.parent; e !== undefined; e = e.parent) {
      const failure = this.failures.get(e.id);
      if (failure !== undefined) return { reason: 'bad-prevblk', debug: `ancestor ${e.id} is invalid: ${failure.reason}` };
    }
    return { reason: 'bad-prevblk', debug: 'an ancestor is invalid' };
  }

  // ---- header context --------------------------------------------------------

  private expectedBits(parent: ChainEntry): number {
    const onActive = this.isActive(parent);
    return getNextWorkRequired(
      { height: parent.height, bits: parent.header.bits, time: parent.header.time },
      (height) => (onActive ? this.active[height]! : ancestor(parent, height)!).header.time,
      this.params,
    );
  }

  private medianTimeOf(entry: ChainEntry): number {
    const times: number[] = [];
    for (let e: ChainEntry | undefined = entry; e !== undefined && times.length < MEDIAN_TIME_SPAN; e = e.parent) times.push(e.header.time);
    return medianTimePast(times);
  }
}

function toRecord(entry: BlockRecord): BlockRecord {
  return { hash: entry.hash, header: entry.header, height: entry.height, chainwork: entry.chainwork, status: entry.status, sequence: entry.sequence };
}
