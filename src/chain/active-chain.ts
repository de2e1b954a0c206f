/**
 * The active chain and the branches that could replace it. It owns the entries from
 * genesis to the tip, the candidate tips with more work, and the one block held back to
 * be written with its connect batch; it moves the tip to the best candidate by
 * disconnecting to the fork point and connecting the new branch block by block, each
 * step one atomic store batch. Apart from the Chain so that the chain's intake (headers,
 * blocks, orphans) and the activation, which changes this state, each read on their own.
 */
import type { Block } from '../consensus/block.js';
import type { NetworkParams } from '../consensus/params.js';
import type { RejectReason } from '../consensus/reasons.js';
import { BlockStatus, type ChainStore } from '../storage/store.js';
import { findFork, isFailed, type ChainEntry } from './block-index.js';
import { checkConnect, stageConnect, stageDisconnect, toRecord, type SignatureContext } from './block-connect.js';
import { loadBlockView } from './coin-loader.js';
import { CorruptStoreError } from './errors.js';
import { bestCandidate, type ForkChoiceRule } from './fork-choice.js';

/** What the activation tells its owner: blocks joining and leaving the active chain, and blocks failing to connect. */
export interface ActivationListener {
  connected(entry: ChainEntry, block: Block): void;
  disconnected(entry: ChainEntry, block: Block): void;
  /** a block failed to connect: record it invalid (with its descendants) and drop it as a candidate */
  invalid(entry: ChainEntry, reason: RejectReason, debug?: string): Promise<void>;
}

/** More candidate switches than this in one activation means a bug, not a fork. */
const MAX_ACTIVATION_STEPS = 10_000;

export class ActiveChain {
  private readonly entries: ChainEntry[] = [];
  private readonly candidates = new Set<ChainEntry>();
  /** a block on the tip whose data waits to be written with its connect batch */
  private unstored: { entry: ChainEntry; block: Block } | undefined;

  constructor(
    private readonly store: ChainStore,
    private readonly params: NetworkParams,
    private readonly signatures: SignatureContext,
    private readonly better: ForkChoiceRule,
    private readonly listener: ActivationListener,
  ) {}

  get tip(): ChainEntry {
    return this.entries[this.entries.length - 1]!;
  }

  get height(): number {
    return this.entries.length - 1;
  }

  isActive(entry: ChainEntry): boolean {
    return this.entries[entry.height] === entry;
  }

  at(height: number): ChainEntry | undefined {
    return this.entries[height];
  }

  /** start makes `tip` and its ancestors the active chain, as loaded from the store. */
  start(tip: ChainEntry): void {
    for (let e: ChainEntry | undefined = tip; e !== undefined; e = e.parent) this.entries[e.height] = e;
  }

  /** extend puts an entry connected outside activate (a run written in one batch) on the active chain. */
  extend(entry: ChainEntry): void {
    this.entries[entry.height] = entry;
  }

  addCandidate(entry: ChainEntry): void {
    this.candidates.add(entry);
  }

  dropCandidate(entry: ChainEntry): void {
    this.candidates.delete(entry);
  }

  get hasCandidates(): boolean {
    return this.candidates.size > 0;
  }

  /** holdUnstored keeps a block on the tip back, to be written with its connect batch. */
  holdUnstored(entry: ChainEntry, block: Block): void {
    this.unstored = { entry, block };
  }

  /** storeUnstored writes the block held back for its connect batch, if it is `entry`'s. */
  async storeUnstored(entry: ChainEntry): Promise<void> {
    const held = this.unstored;
    if (held?.entry !== entry) return;
    this.unstored = undefined;
    await this.store.batch().putBlock(entry.hash, held.block).putRecord(toRecord(entry)).write();
  }

  /**
   * activate moves the active chain to the connectable candidate with the most work,
   * reorganising through the fork point. A block that fails to connect is marked
   * invalid and the search starts again, so the chain ends on the best valid branch.
   * @see Core ActivateBestChain.
   */
  async activate(cache: Map<string, Block>): Promise<void> {
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
  }

  /** connectTip validates a block against the UTXO set and, if it passes, makes it the tip in one batch. */
  private async connectTip(entry: ChainEntry, cache: Map<string, Block>): Promise<boolean> {
    const block = cache.get(entry.id) ?? (await this.store.getBlock(entry.hash));
    if (block === undefined) throw new CorruptStoreError(`block ${entry.id} is indexed as stored but missing`);
    const v = await checkConnect(block, entry.height, await loadBlockView(this.store, block), this.params, this.signatures);
    if (!v.ok) {
      await this.storeUnstored(entry);
      await this.listener.invalid(entry, v.reason, v.debug);
      return false;
    }
    const status = entry.status | BlockStatus.VALID;
    const batch = this.store.batch();
    if (this.unstored?.entry === entry) batch.putBlock(entry.hash, block);
    await stageConnect(batch, entry, block, v, status).setTip(entry.hash).write();
    if (this.unstored?.entry === entry) this.unstored = undefined;
    entry.status = status;
    this.entries[entry.height] = entry;
    this.entries.length = entry.height + 1;
    this.listener.connected(entry, block);
    return true;
  }

  /** disconnectTip takes the tip off with its undo data, in one batch; it stays a candidate. */
  private async disconnectTip(): Promise<void> {
    const entry = this.tip;
    const { batch, block } = await stageDisconnect(this.store, entry);
    await batch.write();
    this.entries.length = entry.height;
    this.candidates.add(entry);
    this.listener.disconnected(entry, block);
  }
}
