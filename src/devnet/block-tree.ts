/**
 * The block tree as all the devnet's nodes see it together: every block any node
 * connected, with its parent, its chainwork and when each node first had it. From it
 * come the figures the dashboard shows: which blocks went stale, the stale rate over
 * recent heights, and how long a block took to reach every node.
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
}

export interface PropagationFigures {
  /** blocks measured (on the best chain, connected by every node) */
  blocks: number;
  /** mean and worst milliseconds from the first node connecting a block to the last */
  meanMs: number | null;
  maxMs: number | null;
}

export interface StaleFigures {
  /** blocks counted: heights (best - window, best - 1], excluding the tip's height which may still be contested */
  blocks: number;
  stale: number;
  /** stale / blocks, null when there is nothing to count */
  rate: number | null;
}

/** How many heights below the best tip are kept in memory. */
export const KEEP_HEIGHTS = 500;

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
  add(block: Omit<TreeBlock, 'seenBy'>, node: number | undefined, atMs: number): boolean {
    const known = this.blocks.get(block.hash);
    if (known !== undefined) {
      if (known.prevHash === null && block.prevHash !== null) known.prevHash = block.prevHash;
      if (node !== undefined) this.seen(block.hash, node, atMs);
      return false;
    }
    this.blocks.set(block.hash, { ...block, seenBy: node === undefined ? {} : { [node]: atMs } });
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
    if (tip === undefined) return { blocks: 0, stale: 0, rate: null };
    const main = this.chainOf(bestTip);
    let blocks = 0;
    let stale = 0;
    for (const b of this.blocks.values()) {
      if (b.height >= tip.height || b.height <= tip.height - window - 1 || b.height === 0) continue;
      blocks++;
      if (!main.has(b.hash)) stale++;
    }
    return { blocks, stale, rate: blocks === 0 ? null : stale / blocks };
  }

  /** propagation measures, over best-chain blocks every one of `nodes` connected, first-seen to seen-by-all. */
  propagation(bestTip: string, nodes: number[], window: number): PropagationFigures {
    const main = this.chainOf(bestTip);
    const spans: number[] = [];
    const tipHeight = this.blocks.get(bestTip)?.height ?? 0;
    for (const hash of main) {
      const b = this.blocks.get(hash)!;
      if (b.height <= tipHeight - window) continue;
      const times = nodes.map((n) => b.seenBy[n]);
      if (nodes.length < 2 || times.some((t) => t === undefined)) continue;
      const ts = times as number[];
      spans.push(Math.max(...ts) - Math.min(...ts));
    }
    if (spans.length === 0) return { blocks: 0, meanMs: null, maxMs: null };
    return { blocks: spans.length, meanMs: Math.round(spans.reduce((a, b) => a + b, 0) / spans.length), maxMs: Math.max(...spans) };
  }

  private prune(): void {
    if (this.blocks.size <= KEEP_HEIGHTS * 2) return;
    const floor = this.maxHeight() - KEEP_HEIGHTS;
    for (const [hash, b] of this.blocks) if (b.height < floor) this.blocks.delete(hash);
  }
}

/** modelForkProbability is P(fork) ≈ 1 − e^(−delay/interval): a rival block found while ours is still travelling. */
export function modelForkProbability(delayMs: number, blockIntervalMs: number): number {
  if (!(blockIntervalMs > 0)) throw new RangeError('modelForkProbability: blockIntervalMs must be positive');
  return 1 - Math.exp(-Math.max(0, delayMs) / blockIntervalMs);
}
