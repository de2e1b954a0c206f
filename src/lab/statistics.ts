/**
 * The statistics the lab reports a measurement with: the Wilson score interval for a
 * proportion (Wilson 1927), which stays inside [0, 1] and keeps its coverage when the
 * count of successes is 0 or small, unlike the normal approximation p ± 1.96·√(p(1−p)/n).
 */

/** The normal quantile for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** wilsonInterval is the 95 % Wilson score interval of `successes` out of `trials`. */
export function wilsonInterval(successes: number, trials: number): [number, number] {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`wilsonInterval: trials must be a whole number ≥ 1, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) throw new RangeError(`wilsonInterval: successes must be in 0..${trials}, got ${successes}`);
  const n = trials;
  const p = successes / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 (or all) successes the bound is exactly 0 (or 1); rounding would leave a hair off it.
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === trials ? 1 : Math.min(1, centre + half)];
}

/** within says whether `x` lies in the closed interval. */
export function within(x: number, [lo, hi]: readonly [number, number]): boolean {
  return x >= lo && x <= hi;
}
