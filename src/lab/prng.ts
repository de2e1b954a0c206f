/**
 * The lab's seeded random numbers: xoshiro128** 1.1 (Blackman & Vigna 2018,
 * https://prng.di.unimi.it/xoshiro128starstar.c), a small, well-studied generator with
 * 128 bits of state, seeded through splitmix64 as its authors recommend. It is written
 * out here (40 lines) rather than taken from a package so that the same seed gives the
 * same numbers on every machine and every future version: the lab's JSON is compared
 * byte for byte. test/lab/prng.test.ts pins its output to the C reference code's.
 */

const MASK64 = (1n << 64n) - 1n;

/** splitmix64 turns a 64-bit seed into well-mixed 64-bit words (Vigna, splitmix64.c). */
function splitmix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A seeded xoshiro128** stream: uniform u32s, uniform doubles in [0, 1), exponential draws. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** seed: a whole number from 0 to 2^53 − 1 (the `--seed` of every lab command). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`Random: seed must be a whole number from 0 to 2^53 − 1, got ${seed}`);
    const state = { x: BigInt(seed) };
    const a = splitmix64(state);
    const b = splitmix64(state);
    this.s0 = Number(a & 0xffffffffn);
    this.s1 = Number(a >> 32n);
    this.s2 = Number(b & 0xffffffffn);
    this.s3 = Number(b >> 32n);
  }

  /** nextU32 is the generator's next output, as xoshiro128**'s next(). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** uniform is a double in [0, 1) with 53 random bits (two outputs: 27 + 26 bits). */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** exponential draws the waiting time of a Poisson process of `rate` events per unit: −ln(1 − U) / rate. */
  exponential(rate: number): number {
    if (!(rate > 0)) throw new RangeError(`Random.exponential: rate must be > 0, got ${rate}`);
    return -Math.log1p(-this.uniform()) / rate;
  }
}
