import { expect } from 'chai';
import { Random } from '../../src/lab/prng.js';

/**
 * Outputs of the C reference code (prng.di.unimi.it/xoshiro128starstar.c, seeded with
 * two outputs of splitmix64.c as s[0..3] = lo(a), hi(a), lo(b), hi(b)), compiled with gcc.
 */
const REFERENCE: Record<number, number[]> = {
  0: [3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774],
  1: [1695105466, 1423115009, 634581793, 1068227753, 716759206, 4186505319],
  42: [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222],
  9007199254740991: [1233166643, 1287031142, 661813442, 2960669951, 2601079046, 1036114921],
};

describe('lab random numbers (xoshiro128**)', () => {
  for (const [seed, outputs] of Object.entries(REFERENCE)) {
    it(`gives the C reference outputs for seed ${seed}`, () => {
      const random = new Random(Number(seed));
      expect(outputs.map(() => random.nextU32())).to.deep.equal(outputs);
    });
  }

  it('draws exponential waiting times with mean 1 / rate', () => {
    const random = new Random(7);
    const n = 200_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += random.exponential(0.25);
    // mean 4, standard deviation of the mean 4/√n ≈ 0.009: 0.05 is more than five of them.
    expect(sum / n).to.be.closeTo(4, 0.05);
  });

  it('keeps uniform draws in [0, 1)', () => {
    const random = new Random(3);
    for (let i = 0; i < 10_000; i++) {
      const u = random.uniform();
      expect(u >= 0 && u < 1, String(u)).to.equal(true);
    }
  });

  it('refuses a seed that is not a whole number from 0 to 2^53 − 1', () => {
    expect(() => new Random(-1)).to.throw(RangeError, /seed/);
    expect(() => new Random(1.5)).to.throw(RangeError, /seed/);
    expect(() => new Random(2 ** 53)).to.throw(RangeError, /seed/);
  });
});
