/**
 * The mempool: valid unconfirmed transactions waiting for a block. A transaction enters
 * only if it is valid against the active chain's UTXO set plus the outputs of its
 * unconfirmed parents already here, pays the minimum fee rate, and spends nothing a
 * pool transaction spends (first seen wins). Blocks take transactions from here by
 * ancestor-package fee rate. The pool follows the chain: a connected block takes its
 * transactions and their conflicts out; a disconnected block's transactions come back
 * unless they are now invalid.
 *
 * Every change to the pool runs on one serial queue (accept, chain updates, expiry), so
 * each sees a pool no other change is half-way through. Signatures, the expensive part,
 * are verified outside the queue (on the chain's SignatureVerifier, worker threads in a
 * node), so a burst of transactions is verified in parallel: accept checks everything
 * cheap on the queue, verifies, then re-checks on the queue and inserts. While one is
 * in flight, a transaction that spends its outputs or the same outpoints waits for it,
 * so the outcome is the one serial processing in arrival order would give.
 *
 * Chain events are synchronous and the updates they cause are queued; the transactions
 * of disconnected blocks are re-added once the chain reports its new tip, in block
 * order, so a child never comes back before its parent.
 * @see Core MemPoolAccept (src/validation.cpp), CTxMemPool (src/txmempool.cpp),
 * MaybeUpdateMempoolForReorg.
 */
import { EventEmitter } from 'node:events';
import type { ChainView } from '../chain/chain-view.js';
import type { ChainEntry } from '../chain/block-index.js';
import type { SignatureVerifier } from '../chain/signature-verifier.js';
import type { VerifiedTxCache } from '../chain/verified-tx-cache.js';
import type { Block } from '../consensus/block.js';
import { toDisplayHex, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { reject, type RejectReason, type Rejection, type Verdict } from '../consensus/reasons.js';
import { isCoinbase, txHash, txid as txidOf, type Outpoint, type Tx } from '../consensus/tx.js';
import { checkAcceptance, type AcceptanceContext, type Checked } from './acceptance.js';
import { trimToSize } from './eviction.js';
import { InFlightTxs } from './in-flight.js';
import { entryOf, type MempoolEntry, type RemovalReason } from './mempool-entry.js';
import { descendantsOf, feeRate, selectPackages, type PoolTx } from './packages.js';
import { DEFAULT_POLICY, FEE_RATE_BUCKETS, type MempoolPolicy } from './policy.js';
import { PoolGraph } from './pool-graph.js';
import { conflictWinner, DisconnectedBlockTransactions, removeForReorg } from './reorg.js';
import { RollingMinimumFee } from './rolling-fee.js';

/**
 * A transaction of a disconnected block that could not come back. `reason` is
 * 'conflict' when a block of the new branch spends one of its inputs (a double spend
 * that lost the race; `conflictsWith` names the winner), else 'invalid'.
 */
export interface DroppedTx {
  tx: Tx;
  txid: DisplayHex;
  reason: 'conflict' | 'invalid';
  /** the rule it failed when it tried to come back */
  rejection: RejectReason;
  debug?: string;
  /** the confirmed transaction that spends one of its inputs */
  conflictsWith?: DisplayHex;
}

export interface MempoolEvents {
  added: [entry: MempoolEntry];
  removed: [entry: MempoolEntry, reason: RemovalReason];
  dropped: [dropped: DroppedTx];
}

export interface MempoolOptions {
  /** what the pool reads of the chain: its height, its coins and its events, never the store behind it */
  chain: ChainView;
  params: NetworkParams;
  policy?: Partial<MempoolPolicy>;
  /** the node's clock in Unix seconds */
  clock?: () => number;
  /** the node's, shared with the chain so both use the same threads */
  signatureVerifier: SignatureVerifier;
  /** the node's, shared with the chain, so a block of accepted transactions is not verified again */
  verifiedTxs: VerifiedTxCache;
}

export interface MempoolInfo {
  count: number;
  bytes: number;
  /** units per byte */
  minFeeRate: number;
  /** entries per fee-rate bucket: `feeRate` is the bucket's lower bound, up to the next bucket's */
  histogram: { feeRate: number; count: number; bytes: number }[];
}

/** A transaction offered for a block (the mining layer's MempoolCandidate, structurally). */
export interface BlockCandidate {
  tx: Tx;
  fee: bigint;
}

export class Mempool extends EventEmitter<MempoolEvents> {
  readonly policy: MempoolPolicy;
  private readonly chain: ChainView;
  private readonly params: NetworkParams;
  private readonly clock: () => number;
  private readonly verifier: SignatureVerifier;
  private readonly verifiedTxs: VerifiedTxCache;
  private readonly graph = new PoolGraph();
  /** transactions whose signatures are being verified, between their checks and their insertion */
  private readonly inFlight = new InFlightTxs();
  private readonly rollingFee: RollingMinimumFee;
  private readonly acceptance: AcceptanceContext;
  private nextSequence = 0;
  private readonly disconnected = new DisconnectedBlockTransactions();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly chainListeners: {
    blockConnected: (entry: ChainEntry, block: Block) => void;
    blockDisconnected: (entry: ChainEntry, block: Block) => void;
    tip: (entry: ChainEntry) => void;
  };

  constructor(options: MempoolOptions) {
    super();
    this.chain = options.chain;
    this.params = options.params;
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    this.verifier = options.signatureVerifier;
    this.verifiedTxs = options.verifiedTxs;
    this.rollingFee = new RollingMinimumFee(this.policy.incrementalFeeRate);
    this.acceptance = { graph: this.graph, chain: this.chain, params: this.params, policy: this.policy, rollingFee: this.rollingFee, clock: this.clock };
    this.chainListeners = {
      blockConnected: (_entry, block) => void this.exclusive(async () => this.blockConnected(block)),
      blockDisconnected: (_entry, block) => void this.exclusive(async () => this.disconnected.blockDisconnected(block)),
      tip: () => void this.exclusive(() => this.restoreDisconnected()),
    };
    this.chain.on('blockConnected', this.chainListeners.blockConnected);
    this.chain.on('blockDisconnected', this.chainListeners.blockDisconnected);
    this.chain.on('tip', this.chainListeners.tip);
  }

  /** close stops following the chain. */
  close(): void {
    this.chain.off('blockConnected', this.chainListeners.blockConnected);
    this.chain.off('blockDisconnected', this.chainListeners.blockDisconnected);
    this.chain.off('tip', this.chainListeners.tip);
  }

  /** idle resolves once every change queued so far (chain updates included) has run. */
  idle(): Promise<void> {
    return this.exclusive(async () => undefined);
  }

  // ---- accepting -------------------------------------------------------------

  /**
   * accept validates a transaction against the chain and the pool and, if it passes,
   * adds it. On any rejection nothing changes. Checks run in Core's order, signatures
   * last. Rejects: the consensus transaction reasons (checkTransaction, checkTxInputs,
   * bad-txns-sig, bad-txns-sig-size), coinbase, tx-too-many-inputs, tx-size,
   * txn-already-in-mempool, txn-mempool-conflict, mempool min fee not met,
   * min relay fee not met, too-long-mempool-chain, mempool full.
   * Differs from Core: no orphan pool; a child whose parent is unknown is rejected
   * bad-txns-inputs-missingorspent.
   */
  async accept(tx: Tx): Promise<Verdict<{ entry: MempoolEntry }>> {
    const hash = txHash(tx);
    const id = toDisplayHex(hash);
    // Cheap checks on the queue; wait for any in-flight transaction this one depends on or conflicts with.
    let checked: Checked | Rejection;
    let finish: (() => void) | undefined;
    for (;;) {
      const step = await this.exclusive(async () => {
        const blocker = this.inFlight.blocker(tx, id);
        if (blocker !== undefined) return { wait: blocker };
        const v = await checkAcceptance(tx, id, false, this.acceptance);
        if (v.ok) finish = this.inFlight.start(tx, id);
        return { v };
      });
      if ('wait' in step) {
        await step.wait;
        continue;
      }
      checked = step.v;
      break;
    }
    if (!checked.ok) return checked;
    try {
      // Signatures off the queue, so other transactions are checked meanwhile.
      if (!this.verifiedTxs.has(id)) {
        const sig = await this.verifier.verify([{ tx, spent: checked.spent }]);
        if (!sig.ok) return sig.debug === undefined ? reject(sig.reason) : reject(sig.reason, sig.debug);
        this.verifiedTxs.add(id);
      }
      // The pool and chain may have moved meanwhile: check again, then insert.
      return await this.exclusive(() => this.admit(tx, hash, id, false));
    } finally {
      finish?.();
    }
  }

  /**
   * admit runs the checks (and signatures, unless already verified), then inserts and
   * trims the pool to its byte limit. Runs on the queue.
   */
  private async admit(tx: Tx, hash: Hash32, id: DisplayHex, fromBlock: boolean): Promise<Verdict<{ entry: MempoolEntry }>> {
    const checked = await checkAcceptance(tx, id, fromBlock, this.acceptance);
    if (!checked.ok) return checked;
    if (!this.verifiedTxs.has(id)) {
      const sig = await this.verifier.verify([{ tx, spent: checked.spent }]);
      if (!sig.ok) return sig.debug === undefined ? reject(sig.reason) : reject(sig.reason, sig.debug);
      this.verifiedTxs.add(id);
    }
    const node: PoolTx = { tx, txHash: hash, txid: id, fee: checked.fee, size: checked.size, time: this.clock(), sequence: this.nextSequence++, parents: checked.parents, children: new Set(), descendantFee: checked.fee, descendantSize: checked.size };
    this.graph.insert(node);
    const evicted = trimToSize(this.graph, node, this.policy.maxBytes, this.rollingFee, this.clock());
    if (evicted === 'full') {
      return reject('mempool full', `${this.graph.bytes + node.size} bytes above the limit ${this.policy.maxBytes}, and this pays the least`);
    }
    const entry = entryOf(node);
    this.emit('added', entry);
    for (const e of evicted) this.emit('removed', e, 'evicted');
    return { ok: true, entry };
  }

  // ---- removing --------------------------------------------------------------

  /** remove takes one transaction out; its children stay (when confirmed, their parent is in the chain now). */
  private remove(node: PoolTx, reason: RemovalReason): void {
    if (!this.graph.has(node.txid)) return;
    const entry = entryOf(node);
    this.graph.unlink(node);
    this.emit('removed', entry, reason);
  }

  private removeWithDescendants(node: PoolTx, reason: RemovalReason): number {
    const family = descendantsOf(node);
    const entries = family.map((n) => entryOf(n));
    this.graph.unlinkFamily(family);
    for (const e of entries) this.emit('removed', e, reason);
    return family.length;
  }

  // ---- following the chain ---------------------------------------------------

  /** A connected block's transactions leave as confirmed; pool transactions spending what it spends leave as conflicts. */
  private blockConnected(block: Block): void {
    this.rollingFee.blockConnected();
    const txs = block.txs.filter((tx) => !isCoinbase(tx));
    this.disconnected.blockConnected(txs);
    for (const tx of txs) {
      const node = this.graph.get(txidOf(tx));
      if (node !== undefined) this.remove(node, 'confirmed');
    }
    for (const tx of txs) {
      for (const input of tx.inputs) {
        const spender = this.graph.spenderOf(input.prevout);
        if (spender !== undefined) this.removeWithDescendants(spender, 'conflict');
      }
    }
  }

  /**
   * restoreDisconnected re-adds the waiting transactions in chain order. One that is
   * invalid now (the new branch spent its inputs) is dropped and reported, and pool
   * transactions that spend its outputs leave with it as conflicts. Then pool
   * transactions whose confirmed coins the reorg took away or un-matured leave too.
   */
  private async restoreDisconnected(): Promise<void> {
    const batch = this.disconnected.take();
    if (batch === undefined) return;
    for (const tx of batch.txs) {
      const hash = txHash(tx);
      const id = toDisplayHex(hash);
      const v = await this.admit(tx, hash, id, true);
      if (v.ok || v.reason === 'txn-already-in-mempool') continue;
      const winner = conflictWinner(tx, id, batch.blockSpends);
      const dropped: DroppedTx = { tx, txid: id, reason: winner === undefined ? 'invalid' : 'conflict', rejection: v.reason };
      if (v.debug !== undefined) dropped.debug = v.debug;
      if (winner !== undefined) dropped.conflictsWith = winner;
      this.emit('dropped', dropped);
      tx.outputs.forEach((_, index) => {
        const child = this.graph.spenderOf({ txHash: hash, index });
        if (child !== undefined) this.removeWithDescendants(child, 'conflict');
      });
    }
    await removeForReorg(this.graph, this.chain, this.params.coinbaseMaturity, (node) => this.removeWithDescendants(node, 'reorg'));
  }

  /** expire removes entries that entered more than expirySeconds before `now`, with their descendants; resolves to how many left. */
  expire(now: number): Promise<number> {
    return this.exclusive(async () => {
      let removed = 0;
      for (const node of [...this.graph.nodes()]) {
        if (this.graph.has(node.txid) && node.time < now - this.policy.expirySeconds) removed += this.removeWithDescendants(node, 'expired');
      }
      return removed;
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- reading ---------------------------------------------------------------

  /**
   * selectTransactions returns transactions for a block whose encodings total at most
   * maxBytes, highest ancestor-package fee rate first, parents before children (the
   * mining layer's MempoolSource).
   */
  selectTransactions(maxBytes: number): BlockCandidate[] {
    return selectPackages(this.graph.nodes(), maxBytes).map((t) => ({ tx: t.tx, fee: t.fee }));
  }

  get count(): number {
    return this.graph.count;
  }

  get bytes(): number {
    return this.graph.bytes;
  }

  has(txid: DisplayHex): boolean {
    return this.graph.has(txid);
  }

  get(txid: DisplayHex): MempoolEntry | undefined {
    const node = this.graph.get(txid);
    return node === undefined ? undefined : entryOf(node);
  }

  /** spender names the pool transaction spending an outpoint (confirmed or of a pool transaction), if any. */
  spender(outpoint: Outpoint): DisplayHex | undefined {
    return this.graph.spenderOf(outpoint)?.txid;
  }

  /** entries pages through the pool, highest fee rate first (ties: first seen first). */
  entries({ offset = 0, limit = Infinity }: { offset?: number; limit?: number } = {}): MempoolEntry[] {
    return [...this.graph.nodes()]
      .sort((a, b) => feeRate(b.fee, b.size) - feeRate(a.fee, a.size) || a.sequence - b.sequence)
      .slice(offset, offset + limit)
      .map((node) => entryOf(node));
  }

  info(): MempoolInfo {
    const histogram = FEE_RATE_BUCKETS.map((lower) => ({ feeRate: lower, count: 0, bytes: 0 }));
    for (const node of this.graph.nodes()) {
      const rate = feeRate(node.fee, node.size);
      let i = histogram.length - 1;
      while (i > 0 && rate < histogram[i]!.feeRate) i--;
      histogram[i]!.count++;
      histogram[i]!.bytes += node.size;
    }
    const rolling = this.rollingFee.current(this.clock(), this.graph.bytes, this.policy.maxBytes);
    return { count: this.graph.count, bytes: this.graph.bytes, minFeeRate: Math.max(Number(this.policy.minFeeRate), rolling), histogram };
  }
}
