/**
 * The bench's statistics, one definition for every section.
 */

/** median of xs (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * pairedRatio: the median over rounds of each round's own ratio, for two figures measured
 * one right after the other in every round. A change of the machine's load that lasts
 * longer than a round hits both figures of that round and cancels in its ratio, and a
 * burst that hits one figure of one round moves one ratio of many, which the median
 * discards. The ratio of the two medians can pair a fast moment of one figure with a slow
 * moment of the other; on a shared 2-vCPU machine the two estimates were seen 0.15 apart
 * on the same five rounds.
 */
export function pairedRatio(rounds: readonly { x: number; base: number }[]): number {
  return median(rounds.map((r) => r.x / r.base));
}
