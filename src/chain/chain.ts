/**
 * The chain: a thin coordinator over the block index, fork choice, the orphan pool
 * and the store. It takes blocks in, runs the consensus checks in Core's order, stores
 * what passes, and keeps the active chain on the valid branch with the most work:
 * disconnect to the fork point, then connect the new branch block by block, each step
 * one atomic store batch. A block that fails while connecting is marked invalid with
 * its descendants, and the chain returns to the best valid branch.
 * The parts live beside it: header checks in header-intake.ts, the active chain and
 * its activation in active-chain.ts, the connect checks and writes in block-connect.ts
 * and run-connect.ts; this class serialises the calls and owns the shared state.
 */
import { EventEmitter } from 'node:events';
import type { Block } from '../consensus/block.js';
import { blockSize } from '../storage/block-bytes.js';
import { checkBlock, checkBlockContext } from '../consensus/block-check.js';
import { toDisplayHex, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import type { BlockHeader } from '../consensus/header.js';
import { hashOfHeader } from './remembered-hashes.js';
import type { NetworkParams } from '../consensus/params.js';
import { blockWork } from '../consensus/pow.js';
import { isFinalForBlock, type RejectReason, type Verdict } from '../consensus/reasons.js';
import { BlockStatus, type BlockRecord, type ChainStore } from '../storage/store.js';
import { ActiveChain } from './active-chain.js';
import { BlockIndex, findFork, hasData, isFailed, type ChainEntry } from './block-index.js';
import { reorgOf, type BlockOutcome, type Reorg } from './block-outcome.js';
import { toRecord, type SignatureContext } from './block-connect.js';
import { chainTips, type ChainTip } from './chain-tips.js';
import { ChainMismatchError, CorruptStoreError } from './errors.js';
import { FailureRecords } from './failure-records.js';
import { hasMoreWork, type ForkChoiceRule } from './fork-choice.js';
import { genesisRecord } from './genesis-record.js';
import { expectedBits, medianTimeOf } from './header-context.js';
import { HeaderIntake, type HeadersResult } from './header-intake.js';
import { DEFAULT_ORPHAN_LIMITS, OrphanPool, type OrphanLimits } from './orphans.js';
import { stageRun } from './run-connect.js';
import { InProcessSignatureVerifier, type SignatureVerifier } from './signature-verifier.js';
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

export interface ChainEvents {
  blockConnected: [entry: ChainEntry, block: Block];
  blockDisconnected: [entry: ChainEntry, block: Block];
  reorg: [reorg: Reorg];
  tip: [entry: ChainEntry];
  invalid: [entry: ChainEntry, reason: RejectReason];
}

export class Chain extends EventEmitter<ChainEvents> {
  private readonly index = new BlockIndex();
  private readonly active: ActiveChain;
  private readonly orphans: OrphanPool;
  private readonly failures = new FailureRecords();
  private readonly clock: () => number;
  private readonly better: ForkChoiceRule;
  /** runs signature checks; shared with the mempool so both use the same threads */
  readonly signatureVerifier: SignatureVerifier;
  /** transactions whose signatures are known good: connecting a block skips them */
  readonly verifiedTxs: VerifiedTxCache;
  private readonly signatures: SignatureContext;
  private nextSequence = 0;
  private readonly headers: HeaderIntake;
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
    this.signatures = { verifier: this.signatureVerifier, verifiedTxs: this.verifiedTxs };
    this.active = new ActiveChain(store, params, this.signatures, this.better, {
      connected: (entry, block) => this.emit('blockConnected', entry, block),
      disconnected: (entry, block) => this.emit('blockDisconnected', entry, block),
      invalid: (entry, reason, debug) => this.recordInvalid(entry, reason, debug),
    });
    this.headers = new HeaderIntake({
      index: this.index,
      store,
      params,
      clock: this.clock,
      expectedBits: (parent) => this.expectedBits(parent),
      nextSequence: () => this.nextSequence++,
      recordInvalid: (record, reason, debug) => this.recordInvalid(record, reason, debug),
    });
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
    this.active.start(tip);
    for (const entry of this.index.entries()) {
      if (hasData(entry) && !isFailed(entry) && this.better(entry, tip)) this.active.addCandidate(entry);
    }
    await this.activateBestChain(new Map());
  }

  // ---- reading -------------------------------------------------------------

  get tip(): ChainEntry {
    return this.active.tip;
  }

  get height(): number {
    return this.active.height;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  isActive(entry: ChainEntry): boolean {
    return this.active.isActive(entry);
  }

  /** getEntryByHash is getEntry for a hash in internal byte order: headers, messages and the store carry those. */
  getEntryByHash(hash: Hash32): ChainEntry | undefined {
    return this.index.getByHash(hash);
  }

  getEntry(id: DisplayHex): ChainEntry | undefined {
    return this.index.get(id);
  }

  getEntryAtHeight(height: number): ChainEntry | undefined {
    return this.active.at(height);
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
    return medianTimeOf(this.tip);
  }

  /**
   * checkBlockForRelay runs, without storing or recording anything, the checks a new
   * block must pass before it may be relayed ahead of its connect (BIP152's
   * high-bandwidth relay: "after the header and proof of work and the block's own
   * checks pass"): its header (proof of work, `bits`, time, a known valid parent) and
   * the block's context-free checks and height commitment. What is left for the
   * connect is the UTXO set: inputs, amounts and signatures. A block that passes is not
   * checked again when the same object goes through processBlock on the same parent.
   * Its transaction hashes are those remembered for it (remembered-hashes.ts: the p2p layer
   * hashes them natively), else hashed here.
   */
  checkBlockForRelay(block: Block): Verdict<{ parent: ChainEntry }> {
    const v = this.headers.checkForRelay(block);
    if (v.ok) this.prechecked.set(block, v.parent);
    return v;
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
      const entry = this.index.getByHash(hashOfHeader(block.header));
      const parent = run.at(-1)?.entry ?? this.tip;
      if (entry === undefined || entry.parent !== parent || hasData(entry) || isFailed(entry)) break;
      run.push({ entry, block });
    }
    if (run.length < 2) return []; // one block: processBlock's path writes once too
    const { batch, done } = await stageRun(run, this.store, this.params, this.signatures);
    if (done.length === 0) return [];
    await batch.setTip(done.at(-1)!.entry.hash).write();
    // The cached state changes only once the batch is written.
    for (const { entry, block } of done) {
      entry.status |= BlockStatus.HAVE_DATA | BlockStatus.VALID;
      this.active.extend(entry);
      this.emit('blockConnected', entry, block);
    }
    this.emit('tip', this.tip);
    // Blocks stored ahead of the run (they came early) may connect now, and orphans waiting for a run block follow it.
    if (this.active.hasCandidates) await this.activateBestChain(new Map());
    for (const { entry } of done) await this.processOrphans(entry.id);
    return done.map((d) => d.entry);
  }

  /**
   * processHeader records a header whose block has not arrived yet (headers-first
   * sync), after the header checks. Its branch shows as headers-only until the blocks come.
   */
  async processHeader(header: BlockHeader): Promise<Verdict<{ blockId: DisplayHex }>> {
    const { blockIds, failure } = await this.processHeaders([header]);
    return failure === undefined ? { ok: true, blockId: blockIds[0]! } : { ok: false, reason: failure.reason, ...(failure.debug === undefined ? {} : { debug: failure.debug }) };
  }

  /**
   * processHeaders records a run of headers (a `headers` message, each building on the
   * one before) as processHeader does one by one, but writes every new record in one
   * batch: headers-first sync then costs one store write per message, not per header
   * (`npm run bench -- network`, initial sync). It stops at the first header that fails
   * and names it; the headers before it are kept.
   */
  processHeaders(headers: readonly BlockHeader[]): Promise<HeadersResult> {
    return this.exclusive(() => this.headers.recordHeaders(headers));
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

  private async acceptAndActivate(block: Block): Promise<BlockOutcome> {
    const hash = hashOfHeader(block.header);
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
      const header = await this.headers.checkHeader(block.header, hash);
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
    this.active.addCandidate(entry);
    if (extendsTip) this.active.holdUnstored(entry, block);

    let reorg: Reorg | undefined;
    try {
      reorg = await this.activateBestChain(new Map([[id, block]]));
    } finally {
      await this.active.storeUnstored(entry); // not connected (or it failed): store it on its own
    }
    if (isFailed(entry)) return { status: 'rejected', blockId: id, ...this.failures.of(entry), permanent: true, stage: 'connect' };
    if (!this.isActive(entry)) return { status: 'accepted', blockId: id };
    return reorg === undefined ? { status: 'connected', blockId: id } : { status: 'connected', blockId: id, reorg };
  }

  // ---- fork choice and reorganisation ---------------------------------------

  /**
   * activateBestChain moves the active chain to the best valid branch (ActiveChain.activate)
   * and tells the chain's listeners where the tip went, and which reorganisation that was.
   */
  private async activateBestChain(cache: Map<string, Block>): Promise<Reorg | undefined> {
    const oldTip = this.tip;
    await this.active.activate(cache);
    if (this.tip === oldTip) return undefined;
    this.emit('tip', this.tip);
    const fork = findFork(oldTip, this.tip);
    if (fork === oldTip) return undefined;
    const reorg = reorgOf(oldTip, this.tip, fork);
    this.emit('reorg', reorg);
    return reorg;
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
      this.active.dropCandidate(d);
    }
    await batch.write();
    this.active.dropCandidate(entry);
    this.failures.record(id, reason, debug);
    this.emit('invalid', entry, reason);
  }

  /** expectedBits: the bits a child of `parent` must carry, read off the active array when it is on it. */
  private expectedBits(parent: ChainEntry): number {
    return expectedBits(parent, this.params, this.isActive(parent) ? (height: number) => this.active.at(height)! : undefined);
  }
}
