/**
 * Seeds per part of an experiment: each row of a table (each q and z of the double-spend
 * race, say) gets its own random stream derived from the user's `--seed` and the row's
 * parameters, so a row gives the same numbers whether it runs alone or inside a range.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Random } from './prng.js';

/** streamFor derives a Random from the seed and a label naming the row (e.g. "double-spend q=0.1 z=6"). */
export function streamFor(seed: number, label: string): Random {
  const digest = sha256(new TextEncoder().encode(`toychain lab seed ${seed}: ${label}`));
  // 53 bits of the digest: the largest seed Random takes.
  let x = 0;
  for (let i = 0; i < 7; i++) x = x * 256 + digest[i]!;
  return new Random(Math.floor(x / 8));
}
