/**
 * Test and bench reference: toychain's first block selection and eviction, the plain
 * O(n²) greedy loops, kept verbatim so the indexed versions in src/mempool/packages.ts
 * can be checked to choose exactly the same transactions (property tests) and measured
 * against them in the same run (bench/mempool.ts).
 */
import { ancestorsOf, descendantsOf, feeRate, type PoolTx } from '../../src/mempool/packages.js';

function sum(txs: Iterable<PoolTx>): { fee: bigint; size: number } {
  let fee = 0n;
  let size = 0;
  for (const t of txs) {
    fee += t.fee;
    size += t.size;
  }
  return { fee, size };
}

/** earlier says whether `a` arrived before `b` (ties in score go to the first seen). */
function earlier(a: PoolTx, b: PoolTx): boolean {
  return a.sequence < b.sequence;
}

/**
 * selectPackages picks transactions for a block of at most maxBytes: repeatedly the
 * one whose ancestor package (itself plus its not yet chosen ancestors) has the highest
 * fee rate, with that package, parents before children. A package that does not fit is
 * skipped (its descendants' packages contain it, so they are larger still).
 */
export function referenceSelectPackages(pool: Iterable<PoolTx>, maxBytes: number): PoolTx[] {
  const remaining = new Set(pool);
  const chosen = new Set<PoolTx>();
  const packages = new Map<PoolTx, { members: PoolTx[]; fee: bigint; size: number; rate: number }>();
  const packageOf = (t: PoolTx) => {
    let p = packages.get(t);
    if (p === undefined) {
      const members = [...ancestorsOf(t.parents)].filter((a) => !chosen.has(a));
      members.push(t);
      const { fee, size } = sum(members);
      p = { members, fee, size, rate: feeRate(fee, size) };
      packages.set(t, p);
    }
    return p;
  };
  const out: PoolTx[] = [];
  let bytes = 0;
  for (;;) {
    let best: PoolTx | undefined;
    let bestRate = -1;
    for (const t of remaining) {
      const rate = packageOf(t).rate;
      if (best === undefined || rate > bestRate || (rate === bestRate && earlier(t, best))) {
        best = t;
        bestRate = rate;
      }
    }
    if (best === undefined) break;
    const pkg = packageOf(best);
    remaining.delete(best);
    if (bytes + pkg.size > maxBytes) continue;
    // Ancestors first: an ancestor has strictly fewer in-pool ancestors than its descendant.
    const depth = new Map(pkg.members.map((m) => [m, ancestorsOf(m.parents).size]));
    pkg.members.sort((a, b) => depth.get(a)! - depth.get(b)! || a.sequence - b.sequence);
    for (const m of pkg.members) {
      chosen.add(m);
      remaining.delete(m);
      out.push(m);
      bytes += m.size;
      for (const d of descendantsOf(m)) packages.delete(d);
    }
  }
  return out;
}

/**
 * planEviction names what trimming the pool to maxBytes removes: repeatedly the
 * transaction with the lowest descendant score (the higher of its own fee rate and that
 * of it with its descendants, so a parent paid for by its child is kept), with its
 * descendants. Ties go against the latest arrival. Nothing is removed here.
 */
export function referencePlanEviction(pool: Iterable<PoolTx>, totalBytes: number, maxBytes: number): Set<PoolTx> {
  const victims = new Set<PoolTx>();
  const all = [...pool];
  let bytes = totalBytes;
  while (bytes > maxBytes) {
    let worst: PoolTx | undefined;
    let worstScore = Infinity;
    for (const t of all) {
      if (victims.has(t)) continue;
      const family = sum(descendantsOf(t).filter((d) => !victims.has(d)));
      const score = Math.max(feeRate(t.fee, t.size), feeRate(family.fee, family.size));
      if (worst === undefined || score < worstScore || (score === worstScore && earlier(worst, t))) {
        worst = t;
        worstScore = score;
      }
    }
    if (worst === undefined) break;
    for (const d of descendantsOf(worst)) {
      if (!victims.has(d)) {
        victims.add(d);
        bytes -= d.size;
      }
    }
  }
  return victims;
}
