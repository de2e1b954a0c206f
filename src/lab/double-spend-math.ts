/**
 * The double-spend race in closed form, beside which the lab prints what it measures.
 *
 * The race: honest miners hold share p = 1 − q of the hash power, the attacker q. The
 * merchant waits until the honest branch has z blocks from the fork point (the payment's
 * block included). The attacker mined k blocks meanwhile; from then on the lead moves by
 * one block per find, towards the attacker with probability q: a gambler's-ruin walk, and
 * the chance of ever gaining m blocks on the honest branch is (q/p)^m (q < p).
 *
 * - nakamotoProbability: Nakamoto 2008 §11. k is taken as Poisson with mean z·q/p (the
 *   honest blocks assumed to take exactly their expected time), and reaching a tie counts
 *   as success: m = z − k.
 * - rosenfeldProbability: Rosenfeld 2012 ("Analysis of hashrate-based double spending"):
 *   k is negative binomial, the number of attacker finds before the z-th honest find,
 *   P(k) = C(k + z − 1, k) p^z q^k; a tie still counts: m = z − k. Equal to
 *   Grunspan & Pérez-Marco 2017's I_{4pq}(z, 1/2).
 * - exactProbability: the model the lab simulates. The same negative binomial, but toychain's
 *   fork choice keeps the first-seen branch on equal work, so the attacker must get one
 *   block ahead: m = z − k + 1.
 */

/** The attacker's share must be in (0, 0.5): at q ≥ p the attacker catches up with certainty. */
export function checkAttackerShare(q: number): void {
  if (!(q > 0 && q < 0.5)) throw new RangeError(`the attacker's share q must be between 0 and 0.5 (exclusive), got ${q}`);
}

function checkConfirmations(z: number): void {
  if (!Number.isInteger(z) || z < 0) throw new RangeError(`z must be a whole number of confirmations ≥ 0, got ${z}`);
}

/**
 * nakamotoProbability is §11's AttackerSuccessProbability(q, z):
 * 1 − Σ_{k=0..z} Poisson(k; λ = z·q/p) · (1 − (q/p)^(z−k)).
 */
export function nakamotoProbability(q: number, z: number): number {
  checkAttackerShare(q);
  checkConfirmations(z);
  const p = 1 - q;
  const lambda = (z * q) / p;
  // Poisson terms in logs, so z in the hundreds (λ beyond 745) does not underflow e^−λ.
  return sumWithTail((k, previous) => (k === 0 ? -lambda : previous + Math.log(lambda) - Math.log(k)), z, q / p, 0);
}

/**
 * sumWithTail evaluates 1 − Σ_{k=0..z} P(k)·(1 − r^(z−k+extra)) for a distribution P given
 * by its log terms, rewritten as Σ_{k=0..z} P(k)·r^(z−k+extra) + Σ_{k>z} P(k): every term
 * is positive, so a probability of 1e-40 keeps its digits instead of being 1 minus a sum
 * that rounds to 1 (which made deep blocks read exactly 0). The tail is summed until its
 * terms no longer change the total, within a fixed bound.
 */
function sumWithTail(logTerm: (k: number, previous: number) => number, z: number, r: number, extra: number): number {
  let head = 0;
  let log = 0;
  for (let k = 0; k <= z; k++) {
    log = logTerm(k, log);
    head += Math.exp(log + (z - k + extra) * Math.log(r));
  }
  let tail = 0;
  let previousTerm = Infinity;
  for (let k = z + 1; k <= z + 1 + MAX_TAIL_TERMS; k++) {
    log = logTerm(k, log);
    const term = Math.exp(log);
    tail += term;
    // Past the mode the terms only fall; stop once they are below the last digit kept.
    if (term <= previousTerm && term <= (head + tail) * Number.EPSILON * 1e-3) break;
    previousTerm = term;
  }
  return clampProbability(head + tail);
}

/** Terms of a tail summed at most: the terms fall geometrically past the mode (ratio ≤ q·(k+z)/(k+1) → q), far sooner. */
const MAX_TAIL_TERMS = 1_000_000;

/** raceProbability: 1 − Σ_{k=0..z} NB(k; z, p) · (1 − (q/p)^(z − k + extra)). */
function raceProbability(q: number, z: number, extra: number): number {
  checkAttackerShare(q);
  checkConfirmations(z);
  const p = 1 - q;
  if (z === 0) return Math.min(1, (q / p) ** extra);
  // NB(k) = C(k + z − 1, k) p^z q^k, built up term by term in logs.
  return sumWithTail((k, previous) => (k === 0 ? z * Math.log(p) : previous + Math.log(k + z - 1) - Math.log(k) + Math.log(q)), z, q / p, extra);
}

/** rosenfeldProbability is Rosenfeld 2012's r(q, z): negative-binomial attacker, a tie counts as caught up. */
export function rosenfeldProbability(q: number, z: number): number {
  return raceProbability(q, z, 0);
}

/** exactProbability is the exact value of the lab's race: negative-binomial attacker, a tie is not enough (first seen stays). */
export function exactProbability(q: number, z: number): number {
  return raceProbability(q, z, 1);
}

/**
 * successFromState is the attacker's chance, by the lab's exact model, from a race in
 * progress: the honest branch has `honest` blocks of the z it needs, the attacker has
 * `attacker`. The lab's attacker gives up when this falls below its cut-off.
 */
export function successFromState(q: number, z: number, honest: number, attacker: number): number {
  const p = 1 - q;
  if (honest >= z) {
    const behind = honest - attacker + 1;
    return behind <= 0 ? 1 : (q / p) ** behind;
  }
  // r more honest blocks to come; the attacker adds k meanwhile with NB(k; r, p).
  const r = z - honest;
  let logTerm = r * Math.log(p);
  let sum = 1;
  for (let k = 0; k <= z - attacker; k++) {
    if (k > 0) logTerm += Math.log(k + r - 1) - Math.log(k) + Math.log(q);
    sum -= Math.exp(logTerm) * (1 - (q / p) ** (z - attacker - k + 1));
  }
  return clampProbability(sum);
}

/** minConfirmations is the smallest z whose probability is below `target` (Nakamoto's "solving for P less than 0.1%"). */
export function minConfirmations(probability: (q: number, z: number) => number, q: number, target: number, maxZ = 10_000): number {
  for (let z = 0; z <= maxZ; z++) if (probability(q, z) < target) return z;
  throw new RangeError(`no z up to ${maxZ} brings the probability below ${target} at q = ${q}`);
}

/** Sums of many terms can land a hair outside [0, 1]; a probability cannot. */
function clampProbability(x: number): number {
  return Math.min(1, Math.max(0, x));
}
