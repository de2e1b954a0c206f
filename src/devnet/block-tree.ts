/**
 * The block tree as all the devnet's nodes see it together: every block any node
 * connected, with its parent, its chainwork and when each node first had it. From it
 * come the figures the dashboard shows: which blocks went stale, the stale rate over
 * recent heights, and how long a block took to reach every node.
 *
 * Honest figures: each block remembers which nodes could hear its first node when it
 * appeared (its group, if the network was split). Propagation is measured only over
 * those; a block that reached the other side at the heal was "held by the split", not
 * slow. A stale block mined during a split is the split's cost, not the network's
 * stale rate.
 */

export interface TreeBlock {
  hash: string;
  height: number;
  /** null for the oldest block we loaded, whose parent we never fetched */
  prevHash: string | null;
  /** hex */
  chainwork: string;
  /** header time, Unix seconds */
  time: number;
  /** Unix milliseconds each node first connected it, by node index */
  seenBy: Record<number, number>;
  /** transactions in the block, when known */
  txCount?: number;
  /** the devnet node whose key its coinbase pays; null: a key from outside the devnet; absent: not known */
  miner?: number | null;
  /** the nodes that could hear the first node to have it, at that moment (itself included) */
  reachable?: number[];
  /** first seen while the network was split */
  duringSplit?: boolean;
}

/** What the devnet knew about the network when a node first had a block. */
export interface SeenContext {
  reachable: number[];
  duringSplit: boolean;
}

export interface PropagationFigures {
  /** blocks measured: best-chain blocks every node that could hear their first node has */
  blocks: number;
  /** median and 90th percentile milliseconds from the first node having a block to the last of those that could hear it */
  medianMs: number | null;
  p90Ms: number | null;
  /** mean and worst of the same spans (kept for scripts that read them) */
  meanMs: number | null;
  maxMs: number | null;
  /** best-chain blocks that reached some node only later, across a split: not counted as propagation */
  heldBySplit: number;
}

export interface StaleFigures {
  /** blocks counted: heights (best - window, best - 1] first seen while not split, excluding the tip's height which may still be contested */
  blocks: number;
  stale: number;
  /** stale / blocks, null when there is nothing to count */
  rate: number | null;
  /** the cost of splits, counted apart: stale blocks over the same heights that were mined while split */
  splitStale: number;
}

/** How many heights below the best tip are kept in memory. */
export const KEEP_HEIGHTS = 500;
/** How many heights below the best tip the views' stale and propagation figures count. */
export const STALE_WINDOW = 50;

export class BlockTree {
  private readonly blocks = new Map<string, TreeBlock>();

  get size(): number {
    return this.blocks.size;
  }

  get(hash: string): TreeBlock | undefined {
    return this.blocks.get(hash);
  }

  has(hash: string): boolean {
    return this.blocks.has(hash);
  }

  /** add records a block; returns false if it was known (its seenBy is still updated). */
  add(block: Omit<TreeBlock, 'seenBy' | 'reachable' | 'duringSplit'>, node: number | undefined, atMs: number, context?: SeenContext): boolean {
    const known = this.blocks.get(block.hash);
    if (known !== undefined) {
      if (known.prevHash === null && block.prevHash !== null) known.prevHash = block.prevHash;
      if (node !== undefined) this.seen(block.hash, node, atMs);
      return false;
    }
    const entry: TreeBlock = { ...block, seenBy: node === undefined ? {} : { [node]: atMs } };
    if (context !== undefined && node !== undefined) {
      entry.reachable = [...context.reachable];
      entry.duringSplit = context.duringSplit;
    }
    this.blocks.set(block.hash, entry);
    this.prune();
    return true;
  }

  /** seen records the first time a node connected a block. */
  seen(hash: string, node: number, atMs: number): void {
    const b = this.blocks.get(hash);
    if (b !== undefined && b.seenBy[node] === undefined) b.seenBy[node] = atMs;
  }

  /** recent lists the blocks of the last `heights` heights, lowest first. */
  recent(heights: number): TreeBlock[] {
    const top = this.maxHeight();
    return [...this.blocks.values()].filter((b) => b.height > top - heights).sort((a, b) => a.height - b.height || a.hash.localeCompare(b.hash));
  }

  maxHeight(): number {
    let top = -1;
    for (const b of this.blocks.values()) top = Math.max(top, b.height);
    return top;
  }

  /** chainOf is the set of hashes from `tip` back through known parents. */
  chainOf(tip: string): Set<string> {
    const out = new Set<string>();
    for (let b = this.blocks.get(tip); b !== undefined && !out.has(b.hash); b = b.prevHash === null ? undefined : this.blocks.get(b.prevHash)) out.add(b.hash);
    return out;
  }

  /**
   * staleFigures counts blocks off the best chain (the branch of `bestTip`) over the
   * last `window` heights below the best tip's height.
   */
  staleFigures(bestTip: string, window: number): StaleFigures {
    const tip = this.blocks.get(bestTip);
    if (tip === undefined) return { blocks: 0, stale: 0, rate: null, splitStale: 0 };
    const main = this.chainOf(bestTip);
    let blocks = 0;
    let stale = 0;
    let splitStale = 0;
    for (const b of this.blocks.values()) {
      if (b.height >= tip.height || b.height <= tip.height - window - 1 || b.height === 0) continue;
      if (b.duringSplit === true) {
        if (!main.has(b.hash)) splitStale++;
        continue;
      }
      blocks++;
      if (!main.has(b.hash)) stale++;
    }
    return { blocks, stale, rate: blocks === 0 ? null : stale / blocks, splitStale };
  }

  /**
   * propagation measures, over the best chain's last `window` blocks, the time from the
   * first node having a block to the last of the nodes that could hear it then. A block
   * some node outside those received (at a heal) counts as held by the split.
   */
  propagation(bestTip: string, window: number): PropagationFigures {
    const main = this.chainOf(bestTip);
    const spans: number[] = [];
    let heldBySplit = 0;
    const tipHeight = this.blocks.get(bestTip)?.height ?? 0;
    for (const hash of main) {
      const b = this.blocks.get(hash)!;
      if (b.height <= tipHeight - window || b.reachable === undefined) continue;
      const first = Math.min(...Object.values(b.seenBy));
      if (Object.keys(b.seenBy).some((n) => !b.reachable!.includes(Number(n)))) heldBySplit++;
      // Every node that could hear it must have it (a node that died since leaves it unmeasured).
      const times = b.reachable.map((n) => b.seenBy[n]);
      if (b.reachable.length < 2 || times.some((t) => t === undefined)) continue;
      spans.push(Math.max(...(times as number[])) - first);
    }
    if (spans.length === 0) return { blocks: 0, medianMs: null, p90Ms: null, meanMs: null, maxMs: null, heldBySplit };
    const sorted = spans.sort((x, y) => x - y);
    const meanMs = Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length);
    return { blocks: sorted.length, medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), meanMs, maxMs: sorted.at(-1)!, heldBySplit };
  }

  private prune(): void {
    if (this.blocks.size <= KEEP_HEIGHTS * 2) return;
    const floor = this.maxHeight() - KEEP_HEIGHTS;
    for (const [hash, b] of this.blocks) if (b.height < floor) this.blocks.delete(hash);
  }
}

/** quantile of sorted values, nearest rank (the value at or above the q-th fraction), as a whole number of ms. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile: no values');
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return Math.round(sorted[rank - 1]!);
}

/** modelForkProbability is P(fork) ≈ 1 − e^(−delay/interval): a rival block found while ours is still travelling. */
export function modelForkProbability(delayMs: number, blockIntervalMs: number): number {
  if (!(blockIntervalMs > 0)) throw new RangeError('modelForkProbability: blockIntervalMs must be positive');
  return 1 - Math.exp(-Math.max(0, delayMs) / blockIntervalMs);
}
