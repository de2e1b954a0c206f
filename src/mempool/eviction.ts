/**
 * Keeping the pool under its byte limit (Core TrimToSize). Its own module because the
 * rule has a subtle undo: a newcomer that would be evicted itself is refused and the pool
 * is put back exactly as it was, which is easier to see apart from acceptance.
 */
import { entryOf, type MempoolEntry } from './mempool-entry.js';
import { descendantScore, descendantsOf, type PoolTx } from './packages.js';
import type { PoolGraph } from './pool-graph.js';
import type { RollingMinimumFee } from './rolling-fee.js';

/**
 * trimToSize evicts to the byte limit: the lowest descendant score first, with its
 * descendants (Core TrimToSize), each raising the rolling minimum fee. If the newcomer
 * would go too, it is taken out and every family evicted for it is put back (a
 * rejection changes nothing, the rolling minimum included: differs from Core, which
 * keeps both the evictions and the raise), and 'full' is returned. Runs on the queue.
 */
export function trimToSize(graph: PoolGraph, newcomer: PoolTx, maxBytes: number, rollingFee: RollingMinimumFee, now: number): MempoolEntry[] | 'full' {
  const families: PoolTx[][] = [];
  const entries: MempoolEntry[] = [];
  const scores: number[] = [];
  while (graph.bytes > maxBytes) {
    const worst = graph.lowestScore();
    if (worst === undefined) break;
    const family = descendantsOf(worst);
    if (family.includes(newcomer)) {
      // Only the newcomer: a disconnected block's transaction may have spenders here, which restoreDisconnected settles.
      graph.unlink(newcomer);
      for (const f of families.reverse()) for (const member of f) graph.insert(member);
      return 'full';
    }
    entries.push(...family.map((n) => entryOf(n)));
    scores.push(descendantScore(worst));
    graph.unlinkFamily(family);
    families.push(family);
  }
  // Raised only by evictions that stay: a refused newcomer changes nothing, the minimum included.
  for (const score of scores) rollingFee.evicted(score, now);
  return entries;
}
