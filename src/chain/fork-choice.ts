/**
 * Fork choice: the active chain is the valid branch with the most cumulative work.
 * Never the longest: a shorter branch of harder blocks carries more work. On equal
 * work the block seen first wins, so a node does not flip between equal branches.
 */
import { hasData, isFailed, type ChainEntry } from './block-index.js';

/**
 * hasMoreWork orders candidates as Core's CBlockIndexWorkComparator: more chainwork
 * first, then the earlier-seen block (lower sequence).
 */
export function hasMoreWork(a: ChainEntry, b: ChainEntry): boolean {
  if (a.chainwork !== b.chainwork) return a.chainwork > b.chainwork;
  return a.sequence < b.sequence;
}

/**
 * isConnectable says whether a branch tip could become active: no failed block on it
 * and every block's data present, back to an ancestor on the active chain.
 */
export function isConnectable(entry: ChainEntry, isActive: (e: ChainEntry) => boolean): boolean {
  let cur: ChainEntry | undefined = entry;
  while (cur !== undefined && !isActive(cur)) {
    if (isFailed(cur) || !hasData(cur)) return false;
    cur = cur.parent;
  }
  return cur !== undefined;
}

/**
 * The order fork choice ranks branch tips by: `better(a, b)` says a should be active
 * rather than b. The chain uses hasMoreWork; the lab swaps in another rule to show what
 * a different rule would change (a tie going to the last seen block, say).
 */
export type ForkChoiceRule = (a: ChainEntry, b: ChainEntry) => boolean;

/** bestCandidate picks the connectable candidate with the most work (ties: first seen). */
export function bestCandidate(
  candidates: Iterable<ChainEntry>,
  isActive: (e: ChainEntry) => boolean,
  better: ForkChoiceRule = hasMoreWork,
): ChainEntry | undefined {
  let best: ChainEntry | undefined;
  for (const entry of candidates) {
    if (best !== undefined && !better(entry, best)) continue;
    if (isConnectable(entry, isActive)) best = entry;
  }
  return best;
}
