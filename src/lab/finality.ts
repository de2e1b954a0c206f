/**
 * `toychain lab finality`: probabilistic finality as a table. A block at depth d (d
 * confirmations: the block and d − 1 on top) is reversed by an attacker with share q
 * with the exact probability of the double-spend race at z = d; Nakamoto's figure
 * beside it. The dashboard's finality meter reads this table.
 */
import { checkAttackerShare, exactProbability, nakamotoProbability } from './double-spend-math.js';

export interface FinalityDepth {
  depth: number;
  /** P(reversal) by the exact model (first-seen ties, negative-binomial attacker) */
  probability: number;
  nakamoto: number;
}

export interface FinalityTable {
  q: number;
  depths: FinalityDepth[];
}

export function finalityTable(q: number, maxDepth: number): FinalityTable {
  checkAttackerShare(q);
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new RangeError(`maxDepth must be a whole number ≥ 0, got ${maxDepth}`);
  const depths: FinalityDepth[] = [];
  for (let depth = 0; depth <= maxDepth; depth++) depths.push({ depth, probability: exactProbability(q, depth), nakamoto: nakamotoProbability(q, depth) });
  return { q, depths };
}
