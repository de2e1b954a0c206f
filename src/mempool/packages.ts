/**
 * The mempool's transaction graph and the package arithmetic over it: ancestor and
 * descendant sets, ancestor-package fee rates for block selection (a child paying a
 * high fee pulls its low-fee parent in: CPFP) and descendant scores for eviction.
 * Both use ordered indexes (binary heaps), so a template costs O(n·a·log n) and an
 * eviction O(a·log n), a being the ancestor limit (25), instead of rescanning the pool;
 * bench/mempool.ts measures both against the plain loops they replaced.
 * @see Core src/node/miner.cpp (BlockAssembler::addPackageTxs), CTxMemPool::TrimToSize.
 * Fee rates here are policy, not consensus: they are compared as floating-point
 * units per byte (a fee of at most MAX_MONEY is exact in a double).
 */
import TinyQueue from 'tinyqueue';
import type { Tx } from '../consensus/tx.js';
import { type DisplayHex, type Hash32 } from '../consensus/bytes.js';

/** One mempool transaction and its links to the in-pool transactions it spends and that spend it. */
export interface PoolTx {
  readonly tx: Tx;
  readonly txHash: Hash32;
  readonly txid: DisplayHex;
  readonly fee: bigint;
  /** serialized size in bytes */
  readonly size: number;
  /** Unix seconds it entered the pool */
  readonly time: number;
  /** arrival order, to break ties (first seen first) */
  readonly sequence: number;
  readonly parents: Set<PoolTx>;
  readonly children: Set<PoolTx>;
  /** fee and size of this transaction with all its in-pool descendants, kept by DescendantIndex (Core: nModFeesWithDescendants, nSizeWithDescendants) */
  descendantFee: bigint;
  descendantSize: number;
}

/** ancestorsOf collects every in-pool ancestor of the given parents (the parents included). */
export function ancestorsOf(parents: Iterable<PoolTx>): Set<PoolTx> {
  const out = new Set<PoolTx>();
  const stack = [...parents];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (out.has(p)) continue;
    out.add(p);
    stack.push(...p.parents);
  }
  return out;
}

/** descendantsOf collects a transaction and every in-pool transaction that spends from it, parents first. */
export function descendantsOf(root: PoolTx): PoolTx[] {
  const seen = new Set<PoolTx>([root]);
  const out: PoolTx[] = [root];
  for (let i = 0; i < out.length; i++) {
    for (const c of out[i]!.children) {
      if (!seen.has(c)) {
        seen.add(c);
        out.push(c);
      }
    }
  }
  return out;
}

/** feeRate is fee per byte. */
export function feeRate(fee: bigint, size: number): number {
  return Number(fee) / size;
}

/** A heap entry; stale once its node's version moved on (lazy deletion instead of a decrease-key). */
interface Ranked {
  tx: PoolTx;
  rate: number;
  version: number;
}

/**
 * selectPackages picks transactions for a block of at most maxBytes: repeatedly the
 * one whose ancestor package (itself plus its not yet chosen ancestors) has the highest
 * fee rate (ties: first seen), with that package, parents before children. A package
 * that does not fit is skipped (its descendants' packages contain it, so they are
 * larger still). Packages sit in a max-heap; choosing a package lowers the packages of
 * its members' descendants, which are pushed again with their new rate.
 * @see Core BlockAssembler::addPackageTxs (its modified-entry set plays the same part).
 */
export function selectPackages(pool: Iterable<PoolTx>, maxBytes: number): PoolTx[] {
  const state = new Map<PoolTx, { ancestors: Set<PoolTx>; fee: bigint; size: number; version: number }>();
  const initial: Ranked[] = [];
  for (const t of pool) {
    const ancestors = ancestorsOf(t.parents);
    let fee = t.fee;
    let size = t.size;
    for (const a of ancestors) {
      fee += a.fee;
      size += a.size;
    }
    state.set(t, { ancestors, fee, size, version: 0 });
    initial.push({ tx: t, rate: feeRate(fee, size), version: 0 });
  }
  const heap = new TinyQueue<Ranked>(initial, (a, b) => b.rate - a.rate || a.tx.sequence - b.tx.sequence);
  const chosen = new Set<PoolTx>();
  const skipped = new Set<PoolTx>();
  const out: PoolTx[] = [];
  let bytes = 0;
  while (heap.length > 0) {
    const top = heap.pop()!;
    const s = state.get(top.tx)!;
    if (top.version !== s.version || chosen.has(top.tx) || skipped.has(top.tx)) continue;
    if (bytes + s.size > maxBytes) {
      skipped.add(top.tx);
      continue;
    }
    // Ancestors first: an ancestor has strictly fewer in-pool ancestors than its descendant.
    const members = [...s.ancestors].filter((a) => !chosen.has(a));
    members.push(top.tx);
    members.sort((a, b) => state.get(a)!.ancestors.size - state.get(b)!.ancestors.size || a.sequence - b.sequence);
    const touched = new Set<PoolTx>();
    for (const m of members) {
      chosen.add(m);
      out.push(m);
      bytes += m.size;
    }
    // A chosen member leaves the package of every descendant not chosen yet.
    for (const m of members) {
      for (const d of descendantsOf(m)) {
        if (chosen.has(d)) continue;
        const ds = state.get(d)!;
        ds.fee -= m.fee;
        ds.size -= m.size;
        touched.add(d);
      }
    }
    for (const d of touched) {
      const ds = state.get(d)!;
      ds.version++;
      if (!skipped.has(d)) heap.push({ tx: d, rate: feeRate(ds.fee, ds.size), version: ds.version });
    }
  }
  return out;
}

/**
 * descendantScore is what eviction orders by: the higher of a transaction's own fee rate
 * and that of it with its descendants, so a parent paid for by its child is kept.
 * @see Core CompareTxMemPoolEntryByDescendantScore.
 */
export function descendantScore(t: PoolTx): number {
  return Math.max(feeRate(t.fee, t.size), feeRate(t.descendantFee, t.descendantSize));
}

/**
 * DescendantIndex keeps every pool transaction's descendant fee and size current and
 * orders the pool by descendant score (lowest first, ties: latest arrival first), so the
 * next eviction victim is found in O(log n) instead of by a scan. The mempool calls
 * attach once a node is linked into the graph and detach just before it is unlinked.
 * A leaf (the usual case: a new transaction, or eviction from the bottom of a family)
 * updates its ancestors incrementally; a node with children (a disconnected block's
 * transaction coming back under its spenders, or a confirmed parent) recomputes them.
 */
export class DescendantIndex {
  private heap = new TinyQueue<Ranked>([], byLowestScore);
  private readonly versions = new Map<PoolTx, number>();

  get size(): number {
    return this.versions.size;
  }

  /** attach indexes a node just linked into the graph (its parents' children include it). */
  attach(node: PoolTx): void {
    const ancestors = ancestorsOf(node.parents);
    if (node.children.size === 0) {
      node.descendantFee = node.fee;
      node.descendantSize = node.size;
      for (const a of ancestors) {
        a.descendantFee += node.fee;
        a.descendantSize += node.size;
        this.rank(a);
      }
    } else {
      recompute(node);
      for (const a of ancestors) this.rank(recompute(a));
    }
    this.rank(node);
  }

  /**
   * detach takes a node out of the index; call it before unlinking the node. It returns
   * what to call after unlinking (the ancestors' recompute when the node has children).
   */
  detach(node: PoolTx): () => void {
    this.versions.delete(node);
    const ancestors = ancestorsOf(node.parents);
    if (node.children.size === 0) {
      for (const a of ancestors) {
        a.descendantFee -= node.fee;
        a.descendantSize -= node.size;
        this.rank(a);
      }
      return () => undefined;
    }
    return () => {
      for (const a of ancestors) if (this.versions.has(a)) this.rank(recompute(a));
    };
  }

  /** lowest is the transaction eviction takes next, or undefined for an empty pool. */
  lowest(): PoolTx | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined) return undefined;
      if (this.versions.get(top.tx) === top.version) return top.tx;
      this.heap.pop();
    }
  }

  private rank(node: PoolTx): void {
    const version = (this.versions.get(node) ?? 0) + 1;
    this.versions.set(node, version);
    this.heap.push({ tx: node, rate: descendantScore(node), version });
    // Stale entries pile up under lazy deletion: rebuild once they outnumber the live ones.
    if (this.heap.length > 2 * this.versions.size + 64) {
      const live = this.heap.data.filter((r) => this.versions.get(r.tx) === r.version);
      this.heap = new TinyQueue<Ranked>(live, byLowestScore);
    }
  }
}

function byLowestScore(a: Ranked, b: Ranked): number {
  return a.rate - b.rate || b.tx.sequence - a.tx.sequence;
}

/** recompute sets a node's descendant fee and size from its descendant set. */
function recompute(node: PoolTx): PoolTx {
  let fee = 0n;
  let size = 0;
  for (const d of descendantsOf(node)) {
    fee += d.fee;
    size += d.size;
  }
  node.descendantFee = fee;
  node.descendantSize = size;
  return node;
}
