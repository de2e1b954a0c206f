import { expect } from 'chai';
import { exactProbability, minConfirmations, nakamotoProbability, rosenfeldProbability, successFromState } from '../../src/lab/double-spend-math.js';
import { wilsonInterval } from '../../src/lab/statistics.js';

/** Nakamoto 2008, §11, as printed (7 decimals). */
const NAKAMOTO_Q01 = [1.0, 0.2045873, 0.0509779, 0.0131722, 0.0034552, 0.0009137, 0.0002428, 0.0000647, 0.0000173, 0.0000046, 0.0000012];
const NAKAMOTO_Q03: Record<number, number> = { 0: 1.0, 5: 0.1773523, 10: 0.0416605, 15: 0.0101008, 20: 0.0024804, 25: 0.0006132, 30: 0.0001522, 35: 0.0000379, 40: 0.0000095, 45: 0.0000024, 50: 0.0000006 };
const NAKAMOTO_Z_FOR_01_PERCENT: Record<string, number> = { '0.1': 5, '0.15': 8, '0.2': 11, '0.25': 15, '0.3': 24, '0.35': 41, '0.4': 89, '0.45': 340 };
/** Rosenfeld 2012's confirmations for P < 0.1 % (also Grunspan & Pérez-Marco 2017's table). */
const ROSENFELD_Z_FOR_01_PERCENT: Record<string, number> = { '0.1': 6, '0.15': 9, '0.2': 13, '0.25': 20, '0.3': 32, '0.35': 58, '0.4': 133, '0.45': 539 };

/**
 * raceByDynamicProgramming computes the same race a second way: V(h, a) over honest
 * count h < z and attacker count a, stepping one find at a time, with the gambler's-ruin
 * value at h = z. It shares no code with the closed forms.
 */
function raceByDynamicProgramming(q: number, z: number, tieWins: boolean): number {
  const p = 1 - q;
  const need = tieWins ? 0 : 1;
  const atZ = (a: number): number => Math.min(1, (q / p) ** Math.max(0, z - a + need));
  const cap = z + need; // at a ≥ cap the attacker is sure to be ahead enough when h reaches z
  let next = Array.from({ length: cap + 1 }, (_, a) => atZ(a)); // row h = z
  for (let h = z - 1; h >= 0; h--) {
    const row = new Array<number>(cap + 1);
    row[cap] = 1;
    for (let a = cap - 1; a >= 0; a--) row[a] = p * next[a]! + q * row[a + 1]!;
    next = row;
  }
  return next[0]!;
}

describe('double-spend race in closed form', () => {
  it("matches Nakamoto's printed table for q = 0.1, z = 0..10", () => {
    NAKAMOTO_Q01.forEach((printed, z) => expect(nakamotoProbability(0.1, z), `z=${z}`).to.be.closeTo(printed, 5e-8));
  });

  it("matches Nakamoto's printed table for q = 0.3, z = 0..50 step 5", () => {
    for (const [z, printed] of Object.entries(NAKAMOTO_Q03)) expect(nakamotoProbability(0.3, Number(z)), `z=${z}`).to.be.closeTo(printed, 5e-8);
  });

  it("gives Nakamoto's z for P < 0.1 % at q = 0.10 … 0.45", () => {
    for (const [q, z] of Object.entries(NAKAMOTO_Z_FOR_01_PERCENT)) expect(minConfirmations(nakamotoProbability, Number(q), 0.001), `q=${q}`).to.equal(z);
  });

  it("gives Rosenfeld's value 0.0005914 at q = 0.1, z = 6 and his z for P < 0.1 %", () => {
    expect(rosenfeldProbability(0.1, 6)).to.be.closeTo(0.0005914, 5e-8);
    for (const [q, z] of Object.entries(ROSENFELD_Z_FOR_01_PERCENT)) expect(minConfirmations(rosenfeldProbability, Number(q), 0.001), `q=${q}`).to.equal(z);
  });

  it('agrees with a step-by-step computation of the race, for ties counted and not', () => {
    for (const q of [0.05, 0.1, 0.25, 0.3, 0.45]) {
      for (const z of [0, 1, 2, 6, 20]) {
        expect(exactProbability(q, z), `exact q=${q} z=${z}`).to.be.closeTo(raceByDynamicProgramming(q, z, false), 1e-12);
        expect(rosenfeldProbability(q, z), `rosenfeld q=${q} z=${z}`).to.be.closeTo(raceByDynamicProgramming(q, z, true), 1e-12);
      }
    }
  });

  it('needs one block more than a tie: the exact value at z is below the tie-counting one', () => {
    for (const z of [0, 1, 5, 10]) expect(exactProbability(0.2, z)).to.be.below(rosenfeldProbability(0.2, z));
    expect(exactProbability(0.1, 0)).to.be.closeTo(0.1 / 0.9, 1e-15);
  });

  it('continues a race from any state as the race from the start does', () => {
    expect(successFromState(0.3, 6, 0, 0)).to.be.closeTo(exactProbability(0.3, 6), 1e-12);
    // at z confirmations with the attacker level, one block of lead is missing: q/p; one block ahead has won
    expect(successFromState(0.3, 6, 6, 6)).to.be.closeTo(0.3 / 0.7, 1e-12);
    expect(successFromState(0.3, 6, 6, 7)).to.equal(1);
  });

  it('keeps its digits deep in the chain: the ratio of successive depths tends to 4pq, not to 0/0', () => {
    // Grunspan & Pérez-Marco 2017: r(q, z) = I_{4pq}(z, 1/2), whose ratio r(z+1)/r(z) → 4pq.
    // Written as 1 − Σ, the value rounded to exactly 0 from depth ~30 at q = 0.1.
    for (const q of [0.1, 0.3]) {
      const ratio = rosenfeldProbability(q, 201) / rosenfeldProbability(q, 200);
      expect(ratio).to.be.closeTo(4 * q * (1 - q), 4 * q * (1 - q) * 0.01);
      const deep = exactProbability(q, 200);
      expect(deep).to.be.above(0);
      expect(exactProbability(q, 201)).to.be.below(deep);
    }
  });

  it('refuses an attacker share outside (0, 0.5) and a negative z', () => {
    expect(() => exactProbability(0.5, 1)).to.throw(RangeError, /between 0 and 0.5/);
    expect(() => nakamotoProbability(0, 1)).to.throw(RangeError, /between 0 and 0.5/);
    expect(() => exactProbability(0.1, -1)).to.throw(RangeError, /whole number/);
  });
});

describe('Wilson interval', () => {
  it('gives the textbook interval for 0 of 10 and 5 of 10', () => {
    // Wilson 1927 / Newcombe 1998, method 3: 0/10 → [0, 0.2775], 5/10 → [0.2366, 0.7634]
    const [lo0, hi0] = wilsonInterval(0, 10);
    expect(lo0).to.equal(0);
    expect(hi0).to.be.closeTo(0.2775, 1e-4);
    const [lo5, hi5] = wilsonInterval(5, 10);
    expect(lo5).to.be.closeTo(0.2366, 1e-4);
    expect(hi5).to.be.closeTo(0.7634, 1e-4);
  });
});
