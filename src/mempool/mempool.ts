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
import type { Coin } from '../consensus/coin.js';
import type { NetworkParams } from '../consensus/params.js';
import { reject, type RejectReason, type Rejection, type Verdict } from '../consensus/reasons.js';
import { checkTransaction, checkTxInputs } from '../consensus/tx-check.js';
import { encodeTx, isCoinbase, outpointKey, txHash, txid as txidOf, type Outpoint, type Tx } from '../consensus/tx.js';
import { InFlightTxs } from './in-flight.js';
import { ancestorsOf, DescendantIndex, descendantScore, descendantsOf, feeRate, selectPackages, type PoolTx } from './packages.js';
import { DEFAULT_POLICY, FEE_RATE_BUCKETS, type MempoolPolicy } from './policy.js';
import { RollingMinimumFee } from './rolling-fee.js';

/** A mempool transaction as readers see it. */
export interface MempoolEntry {
  tx: Tx;
  /** the id inside the node: relay, the chain's indexes */
  txHash: Hash32;
  /** the same id as the API and logs show it, and the key of the pool's maps */
  txid: DisplayHex;
  fee: bigint;
  /** serialized size in bytes */
  size: number;
  /** fee per byte */
  feeRate: number;
  /** Unix seconds it entered the pool */
  time: number;
  /** how many in-pool transactions it depends on, directly or not */
  ancestors: number;
}

/** Why an entry left the pool (Core's MemPoolRemovalReason). */
export type RemovalReason =
  /** it is in a connected block (Core: BLOCK) */
  | 'confirmed'
  /** a connected block spends one of its inputs, or it spends a transaction that left for that reason (Core: CONFLICT) */
  | 'conflict'
  /** trimmed, with its descendants, to keep the pool under its byte limit (Core: SIZELIMIT) */
  | 'evicted'
  /** older than the policy's expiry (Core: EXPIRY) */
  | 'expired'
  /** a reorg took away or un-matured a coin it spends (Core: REORG) */
  | 'reorg';

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

/** What the cheap checks found: enough to verify signatures and to insert. */
interface Checked {
  ok: true;
  fee: bigint;
  size: number;
  spent: Coin[];
  parents: Set<PoolTx>;
}

export class Mempool extends EventEmitter<MempoolEvents> {
  readonly policy: MempoolPolicy;
  private readonly chain: ChainView;
  private readonly params: NetworkParams;
  private readonly clock: () => number;
  private readonly verifier: SignatureVerifier;
  private readonly verifiedTxs: VerifiedTxCache;
  private readonly byTxid = new Map<string, PoolTx>();
  /** outpoint key → the pool transaction spending it */
  private readonly spenders = new Map<string, PoolTx>();
  /** transactions whose signatures are being verified, between their checks and their insertion */
  private readonly inFlight = new InFlightTxs();
  /** every pool transaction by descendant score: the next eviction victim at the top */
  private readonly evictionOrder = new DescendantIndex();
  private readonly rollingFee: RollingMinimumFee;
  private totalBytes = 0;
  private nextSequence = 0;
  /** transactions of disconnected blocks waiting to come back, in chain order */
  private disconnected: Tx[] = [];
  /** outpoint key → txid of the block transaction that spent it, since the last restore (to name lost races) */
  private blockSpends = new Map<string, DisplayHex>();
  /** set when a block was disconnected, so the next tip change re-checks the pool even if that block had no transactions */
  private reorged = false;
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
    this.chainListeners = {
      blockConnected: (_entry, block) => void this.exclusive(async () => this.blockConnected(block)),
      blockDisconnected: (_entry, block) => void this.exclusive(async () => this.blockDisconnected(block)),
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
        const v = await this.check(tx, id, false);
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
    const checked = await this.check(tx, id, fromBlock);
    if (!checked.ok) return checked;
    if (!this.verifiedTxs.has(id)) {
      const sig = await this.verifier.verify([{ tx, spent: checked.spent }]);
      if (!sig.ok) return sig.debug === undefined ? reject(sig.reason) : reject(sig.reason, sig.debug);
      this.verifiedTxs.add(id);
    }
    const node: PoolTx = { tx, txHash: hash, txid: id, fee: checked.fee, size: checked.size, time: this.clock(), sequence: this.nextSequence++, parents: checked.parents, children: new Set(), descendantFee: checked.fee, descendantSize: checked.size };
    this.insert(node);
    const evicted = this.trimToSize(node);
    if (evicted === 'full') {
      return reject('mempool full', `${this.totalBytes + node.size} bytes above the limit ${this.policy.maxBytes}, and this pays the least`);
    }
    const entry = this.entryOf(node);
    this.emit('added', entry);
    for (const e of evicted) this.emit('removed', e, 'evicted');
    return { ok: true, entry };
  }

  /**
   * trimToSize evicts to the byte limit: the lowest descendant score first, with its
   * descendants (Core TrimToSize), each raising the rolling minimum fee. If the newcomer
   * would go too, it is taken out and every family evicted for it is put back (a
   * rejection changes nothing, the rolling minimum included: differs from Core, which
   * keeps both the evictions and the raise), and 'full' is returned. Runs on the queue.
   */
  private trimToSize(newcomer: PoolTx): MempoolEntry[] | 'full' {
    const families: PoolTx[][] = [];
    const entries: MempoolEntry[] = [];
    const scores: number[] = [];
    const now = this.clock();
    while (this.totalBytes > this.policy.maxBytes) {
      const worst = this.evictionOrder.lowest();
      if (worst === undefined) break;
      const family = descendantsOf(worst);
      if (family.includes(newcomer)) {
        // Only the newcomer: a disconnected block's transaction may have spenders here, which restoreDisconnected settles.
        this.unlink(newcomer);
        for (const f of families.reverse()) for (const member of f) this.insert(member);
        return 'full';
      }
      entries.push(...family.map((n) => this.entryOf(n)));
      scores.push(descendantScore(worst));
      this.unlinkFamily(family);
      families.push(family);
    }
    // Raised only by evictions that stay: a refused newcomer changes nothing, the minimum included.
    for (const score of scores) this.rollingFee.evicted(score, now);
    return entries;
  }

  /** check runs every rule but the signatures, in Core's order, against the chain and the pool as they are now. */
  private async check(tx: Tx, id: DisplayHex, fromBlock: boolean): Promise<Checked | Rejection> {
    const sane = checkTransaction(tx, this.params);
    if (!sane.ok) return sane;
    // A coinbase is only valid as the first transaction of a block.
    if (isCoinbase(tx)) return reject('coinbase');
    // Standard size before any input is looked up: each lookup is a store read on this queue.
    if (tx.inputs.length > this.policy.maxTxInputs) {
      return reject('tx-too-many-inputs', `${tx.inputs.length} inputs, a standard transaction has at most ${this.policy.maxTxInputs}`);
    }
    const size = encodeTx(tx).length;
    if (size > this.policy.maxTxSize) return reject('tx-size', `${size} bytes, a standard transaction has at most ${this.policy.maxTxSize}`);
    if (this.byTxid.has(id)) return reject('txn-already-in-mempool', id);
    // First seen wins: no replacement of a pool transaction's spend (no RBF).
    for (const [i, input] of tx.inputs.entries()) {
      const spender = this.spenders.get(outpointKey(input.prevout));
      if (spender !== undefined) {
        return reject('txn-mempool-conflict', `input ${i} spends ${outpointKey(input.prevout)}, already spent by ${spender.txid}`);
      }
    }
    // A mempool transaction is checked as if it were in the next block.
    const spendHeight = this.chain.height + 1;
    const { coins, parents } = await this.loadInputs(tx, spendHeight);
    const inputs = checkTxInputs(tx, { getCoin: (o) => coins.get(outpointKey(o)) }, spendHeight, this.params);
    if (!inputs.ok) return inputs;
    // Core checks the pool's rolling minimum before the static one, and lets the transactions of disconnected blocks back in below the minimum fee (bypass_limits).
    const rolling = this.rollingFee.current(this.clock(), this.totalBytes, this.policy.maxBytes);
    if (!fromBlock && rolling > 0 && Number(inputs.fee) < rolling * size) {
      return reject('mempool min fee not met', `fee ${inputs.fee} < ${Math.ceil(rolling * size)} (${size} bytes at the rolling minimum ${rolling.toFixed(3)}/byte, raised by evictions)`);
    }
    const minFee = this.policy.minFeeRate * BigInt(size);
    if (!fromBlock && inputs.fee < minFee) {
      return reject('min relay fee not met', `fee ${inputs.fee} < ${minFee} (${size} bytes at ${this.policy.minFeeRate}/byte)`);
    }
    const ancestors = ancestorsOf(parents).size;
    if (ancestors + 1 > this.policy.maxAncestors) {
      return reject('too-long-mempool-chain', `${ancestors} unconfirmed ancestors, limit ${this.policy.maxAncestors - 1}`);
    }
    return { ok: true, fee: inputs.fee, size, spent: inputs.spent, parents };
  }

  /** loadInputs finds the coins a transaction spends: outputs of pool parents, else the chain's UTXO set. */
  private async loadInputs(tx: Tx, spendHeight: number): Promise<{ coins: Map<string, Coin>; parents: Set<PoolTx> }> {
    const coins = new Map<string, Coin>();
    const parents = new Set<PoolTx>();
    const fromChain: Outpoint[] = [];
    for (const input of tx.inputs) {
      const parent = this.byTxid.get(toDisplayHex(input.prevout.txHash));
      if (parent === undefined) {
        fromChain.push(input.prevout);
        continue;
      }
      parents.add(parent);
      // An unconfirmed output counts as created in the next block (it is not a coinbase's).
      const output = parent.tx.outputs[input.prevout.index];
      if (output !== undefined) coins.set(outpointKey(input.prevout), { value: output.value, pubkey: output.pubkey, height: spendHeight, coinbase: false });
    }
    const found = await Promise.all(fromChain.map((o) => this.chain.getCoin(o)));
    found.forEach((coin, i) => {
      if (coin !== undefined) coins.set(outpointKey(fromChain[i]!), coin);
    });
    return { coins, parents };
  }

  // ---- the pool's graph ------------------------------------------------------

  private insert(node: PoolTx): void {
    this.byTxid.set(node.txid, node);
    for (const input of node.tx.inputs) this.spenders.set(outpointKey(input.prevout), node);
    for (const p of node.parents) p.children.add(node);
    // A transaction of a disconnected block may come back after pool transactions that spend it.
    const hash = txHash(node.tx);
    node.tx.outputs.forEach((_, index) => {
      const child = this.spenders.get(outpointKey({ txHash: hash, index }));
      if (child !== undefined) {
        node.children.add(child);
        child.parents.add(node);
      }
    });
    this.totalBytes += node.size;
    this.evictionOrder.attach(node);
  }

  /** unlink takes a node out of the graph; it keeps its parents (so it can be inserted again) and forgets its children. */
  private unlink(node: PoolTx): void {
    const afterUnlink = this.evictionOrder.detach(node);
    this.byTxid.delete(node.txid);
    for (const input of node.tx.inputs) this.spenders.delete(outpointKey(input.prevout));
    for (const p of node.parents) p.children.delete(node);
    for (const c of node.children) c.parents.delete(node);
    node.children.clear();
    this.totalBytes -= node.size;
    afterUnlink();
  }

  /** unlinkFamily unlinks a descendant set (root first, as descendantsOf lists it) leaves first, so each index update is incremental. */
  private unlinkFamily(family: readonly PoolTx[]): void {
    for (let i = family.length - 1; i >= 0; i--) if (this.byTxid.has(family[i]!.txid)) this.unlink(family[i]!);
  }

  /** remove takes one transaction out; its children stay (when confirmed, their parent is in the chain now). */
  private remove(node: PoolTx, reason: RemovalReason): void {
    if (!this.byTxid.has(node.txid)) return;
    const entry = this.entryOf(node);
    this.unlink(node);
    this.emit('removed', entry, reason);
  }

  private removeWithDescendants(node: PoolTx, reason: RemovalReason): number {
    const family = descendantsOf(node);
    const entries = family.map((n) => this.entryOf(n));
    this.unlinkFamily(family);
    for (const e of entries) this.emit('removed', e, reason);
    return family.length;
  }

  // ---- following the chain ---------------------------------------------------

  /** A connected block's transactions leave as confirmed; pool transactions spending what it spends leave as conflicts. */
  private blockConnected(block: Block): void {
    this.rollingFee.blockConnected();
    const txs = block.txs.filter((tx) => !isCoinbase(tx));
    const confirmed = new Set(txs.map((tx) => txidOf(tx)));
    this.disconnected = this.disconnected.filter((tx) => !confirmed.has(txidOf(tx)));
    for (const id of confirmed) {
      const node = this.byTxid.get(id);
      if (node !== undefined) this.remove(node, 'confirmed');
    }
    for (const tx of txs) {
      const id = txidOf(tx);
      for (const input of tx.inputs) {
        const key = outpointKey(input.prevout);
        this.blockSpends.set(key, id);
        const spender = this.spenders.get(key);
        if (spender !== undefined) this.removeWithDescendants(spender, 'conflict');
      }
    }
  }

  /** A disconnected block's transactions wait to come back; blocks disconnect tip first, so they go in front. */
  private blockDisconnected(block: Block): void {
    this.disconnected = [...block.txs.filter((tx) => !isCoinbase(tx)), ...this.disconnected];
    this.reorged = true;
  }

  /**
   * restoreDisconnected re-adds the waiting transactions in chain order. One that is
   * invalid now (the new branch spent its inputs) is dropped and reported, and pool
   * transactions that spend its outputs leave with it as conflicts. Then pool
   * transactions whose confirmed coins the reorg took away or un-matured leave too.
   */
  private async restoreDisconnected(): Promise<void> {
    const txs = this.disconnected;
    const blockSpends = this.blockSpends;
    this.disconnected = [];
    this.blockSpends = new Map();
    if (txs.length === 0 && !this.reorged) return;
    this.reorged = false;
    for (const tx of txs) {
      const hash = txHash(tx);
      const id = toDisplayHex(hash);
      const v = await this.admit(tx, hash, id, true);
      if (v.ok || v.reason === 'txn-already-in-mempool') continue;
      const winner = tx.inputs.map((input) => blockSpends.get(outpointKey(input.prevout))).find((w) => w !== undefined && w !== id);
      const dropped: DroppedTx = { tx, txid: id, reason: winner === undefined ? 'invalid' : 'conflict', rejection: v.reason };
      if (v.debug !== undefined) dropped.debug = v.debug;
      if (winner !== undefined) dropped.conflictsWith = winner;
      this.emit('dropped', dropped);
      tx.outputs.forEach((_, index) => {
        const child = this.spenders.get(outpointKey({ txHash: hash, index }));
        if (child !== undefined) this.removeWithDescendants(child, 'conflict');
      });
    }
    await this.removeForReorg();
  }

  /**
   * removeForReorg takes out pool transactions that spend a confirmed coin that is gone
   * (a disconnected block's coinbase output) or is an immature coinbase output at the new
   * height, with their descendants. @see Core CTxMemPool::removeForReorg.
   */
  private async removeForReorg(): Promise<void> {
    const spendHeight = this.chain.height + 1;
    const nodes = [...this.byTxid.values()].sort((a, b) => a.sequence - b.sequence);
    for (const node of nodes) {
      if (!this.byTxid.has(node.txid)) continue;
      for (const input of node.tx.inputs) {
        if (this.byTxid.has(toDisplayHex(input.prevout.txHash))) continue;
        const coin = await this.chain.getCoin(input.prevout);
        if (coin === undefined || (coin.coinbase && spendHeight - coin.height < this.params.coinbaseMaturity)) {
          this.removeWithDescendants(node, 'reorg');
          break;
        }
      }
    }
  }

  /** expire removes entries that entered more than expirySeconds before `now`, with their descendants; resolves to how many left. */
  expire(now: number): Promise<number> {
    return this.exclusive(async () => {
      let removed = 0;
      for (const node of [...this.byTxid.values()]) {
        if (this.byTxid.has(node.txid) && node.time < now - this.policy.expirySeconds) removed += this.removeWithDescendants(node, 'expired');
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
    return selectPackages(this.byTxid.values(), maxBytes).map((t) => ({ tx: t.tx, fee: t.fee }));
  }

  get count(): number {
    return this.byTxid.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(txid: DisplayHex): boolean {
    return this.byTxid.has(txid);
  }

  get(txid: DisplayHex): MempoolEntry | undefined {
    const node = this.byTxid.get(txid);
    return node === undefined ? undefined : this.entryOf(node);
  }

  /** spender names the pool transaction spending an outpoint (confirmed or of a pool transaction), if any. */
  spender(outpoint: Outpoint): DisplayHex | undefined {
    return this.spenders.get(outpointKey(outpoint))?.txid;
  }

  /** entries pages through the pool, highest fee rate first (ties: first seen first). */
  entries({ offset = 0, limit = Infinity }: { offset?: number; limit?: number } = {}): MempoolEntry[] {
    return [...this.byTxid.values()]
      .sort((a, b) => feeRate(b.fee, b.size) - feeRate(a.fee, a.size) || a.sequence - b.sequence)
      .slice(offset, offset + limit)
      .map((node) => this.entryOf(node));
  }

  info(): MempoolInfo {
    const histogram = FEE_RATE_BUCKETS.map((lower) => ({ feeRate: lower, count: 0, bytes: 0 }));
    for (const node of this.byTxid.values()) {
      const rate = feeRate(node.fee, node.size);
      let i = histogram.length - 1;
      while (i > 0 && rate < histogram[i]!.feeRate) i--;
      histogram[i]!.count++;
      histogram[i]!.bytes += node.size;
    }
    const rolling = this.rollingFee.current(this.clock(), this.totalBytes, this.policy.maxBytes);
    return { count: this.byTxid.size, bytes: this.totalBytes, minFeeRate: Math.max(Number(this.policy.minFeeRate), rolling), histogram };
  }

  private entryOf(node: PoolTx): MempoolEntry {
    return {
      tx: node.tx,
      txHash: node.txHash,
      txid: node.txid,
      fee: node.fee,
      size: node.size,
      feeRate: feeRate(node.fee, node.size),
      time: node.time,
      ancestors: ancestorsOf(node.parents).size,
    };
  }
}
