import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { hexToBytes } from '../../src/consensus/bytes.js';
import { decodeBlockHeader, type BlockHeader } from '../../src/consensus/header.js';
import { bitcoinMainnetPow, demo, regtest, retargetInterval, type PowParams } from '../../src/consensus/params.js';
import { compactToTarget, targetToCompact } from '../../src/consensus/pow.js';
import { calculateNextWorkRequired, getNextWorkRequired } from '../../src/consensus/retarget.js';

interface RetargetCase {
  name: string;
  description: string;
  lastHeight: number;
  lastTime: number;
  lastBits: string;
  firstTime: number;
  expected: string;
}
interface HeaderVectors {
  headers: { height: number; hex: string }[];
  retargets: { first: number; last: number; next: number }[];
}

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../test/vectors/${name}`, import.meta.url), 'utf8')) as T;
const coreCases = load<{ cases: RetargetCase[] }>('pow-retarget.json').cases;
const headerVectors = load<HeaderVectors>('bitcoin-headers.json');
const headers = new Map<number, BlockHeader>(
  headerVectors.headers.map((v) => [v.height, decodeBlockHeader(hexToBytes(v.hex))]),
);

/** ancestorTime over a fixed table, failing loudly if the rule asks for a height it should not. */
function timesAt(table: Record<number, number>): (height: number) => number {
  return (height) => {
    const time = table[height];
    if (time === undefined) throw new Error(`unexpected ancestor height ${height}`);
    return time;
  };
}

const noAncestors = (height: number): number => {
  throw new Error(`no ancestor expected, asked for ${height}`);
};

describe('retarget: Bitcoin Core pow_tests vectors', () => {
  for (const c of coreCases) {
    it(`${c.name}: ${c.description} gives ${c.expected}`, () => {
      const bits = calculateNextWorkRequired(
        { lastBits: Number(c.lastBits), lastTime: c.lastTime, firstTime: c.firstTime },
        bitcoinMainnetPow,
      );
      expect(bits).to.equal(Number(c.expected));
    });

    it(`${c.name}: getNextWorkRequired asks for the ancestor at lastHeight - 2015 and agrees`, () => {
      const firstHeight = c.lastHeight - 2015;
      const prev = { height: c.lastHeight, bits: Number(c.lastBits), time: c.lastTime };
      const bits = getNextWorkRequired(prev, timesAt({ [firstHeight]: c.firstTime }), bitcoinMainnetPow);
      expect(bits).to.equal(Number(c.expected));
    });
  }
});

describe('retarget: real Bitcoin headers', () => {
  for (const r of headerVectors.retargets) {
    it(`computes block ${r.next}'s bits from blocks ${r.first} and ${r.last}, as the network did`, () => {
      const first = headers.get(r.first)!;
      const last = headers.get(r.last)!;
      const next = headers.get(r.next)!;
      const prev = { height: r.last, bits: last.bits, time: last.time };
      expect(getNextWorkRequired(prev, timesAt({ [r.first]: first.time }), bitcoinMainnetPow)).to.equal(next.bits);
      expect(next.bits).to.not.equal(last.bits);
    });
  }

  it('keeps the parent bits between retargets (block 2 after block 1)', () => {
    const one = headers.get(1)!;
    expect(getNextWorkRequired({ height: 1, bits: one.bits, time: one.time }, noAncestors, bitcoinMainnetPow)).to.equal(
      headers.get(2)!.bits,
    );
  });
});

describe('retarget: schedule', () => {
  it('keeps prev.bits for every height that is not an interval boundary, without reading ancestors', () => {
    const interval = retargetInterval(bitcoinMainnetPow);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 0xffffffff }), (height, bits) => {
        fc.pre((height + 1) % interval !== 0);
        expect(getNextWorkRequired({ height, bits, time: 0 }, noAncestors, bitcoinMainnetPow)).to.equal(bits);
      }),
    );
  });

  it('goes back interval - 1 blocks for the first time (Bitcoin off-by-one)', () => {
    const asked: number[] = [];
    getNextWorkRequired({ height: 4031, bits: 0x1d00ffff, time: 2_000_000 }, (h) => {
      asked.push(h);
      return 2_000_000 - 1_209_600;
    }, bitcoinMainnetPow);
    expect(asked).to.deep.equal([2016]);
  });

  it('throws a RangeError for a negative or fractional prev.height', () => {
    expect(() => getNextWorkRequired({ height: -1, bits: 0x1d00ffff, time: 0 }, noAncestors, demo)).to.throw(RangeError);
    expect(() => getNextWorkRequired({ height: 1.5, bits: 0x1d00ffff, time: 0 }, noAncestors, demo)).to.throw(RangeError);
  });
});

describe('retarget: regtest', () => {
  it('never retargets, even at an interval boundary after a very slow interval', () => {
    const interval = retargetInterval(regtest);
    const prev = { height: interval - 1, bits: 0x207fffff, time: 10_000_000 };
    expect(getNextWorkRequired(prev, timesAt({ 0: 0 }), regtest)).to.equal(0x207fffff);
    expect(calculateNextWorkRequired({ lastBits: 0x1d00ffff, lastTime: 1, firstTime: 0 }, regtest)).to.equal(0x1d00ffff);
  });

  it('keeps the same bits for any times and heights', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(2 ** 31), fc.nat(2 ** 31), (height, time, firstTime) => {
        const ancestor = (): number => firstTime;
        expect(getNextWorkRequired({ height, bits: 0x207fffff, time }, ancestor, regtest)).to.equal(0x207fffff);
      }),
    );
  });
});

describe('retarget: demo', () => {
  const interval = retargetInterval(demo);
  const start = 1_793_491_200;
  const harder = 0x1d00ffff; // well below demo's powLimit, so neither clamp is hidden by the cap

  it(`retargets every ${interval} blocks (at heights ${interval}, ${2 * interval}, …)`, () => {
    expect(interval).to.equal(20);
    const onTime = (h: number) => start + h * demo.targetSpacing;
    // Last block of the first interval: the new block is at height 20.
    const prev = { height: interval - 1, bits: harder, time: onTime(interval - 1) };
    // interval - 1 gaps of targetSpacing: slightly faster than targetTimespan, so slightly harder.
    const bits = getNextWorkRequired(prev, onTime, demo);
    const expected = targetToCompact(
      (compactToTarget(harder).target * BigInt((interval - 1) * demo.targetSpacing)) / BigInt(demo.targetTimespan),
    );
    expect(bits).to.equal(expected);
    expect(getNextWorkRequired({ ...prev, height: interval }, noAncestors, demo)).to.equal(harder);
  });

  it("leaves genesis' age out of the first window: a genesis 30 days older than block 1 does not ease it", () => {
    const blockOne = start + 30 * 24 * 60 * 60;
    // Blocks 1..19 come twice as fast as asked (5 s), and genesis is 30 days older than block 1.
    const times = (h: number) => (h === 0 ? start : blockOne + (h - 1) * 5);
    const prev = { height: interval - 1, bits: harder, time: times(interval - 1) };
    const bits = getNextWorkRequired(prev, timesAt({ 1: times(1) }), demo);
    // 18 gaps of 5 s, scaled to 19 gaps: 95 s against 200 s, so about twice as hard.
    const expected = targetToCompact((compactToTarget(harder).target * 95n) / BigInt(demo.targetTimespan));
    expect(bits).to.equal(expected);
    expect(compactToTarget(bits).target < compactToTarget(harder).target).to.equal(true);
    // Bitcoin's rule (window from genesis) would have eased it 4× on the same chain.
    const fromGenesis = getNextWorkRequired(prev, timesAt({ 0: start }), { ...demo, firstWindowStartHeight: 0 });
    expect(fromGenesis).to.equal(0x1d03fffc);
  });

  it('measures the second window from its own first block, as Bitcoin does', () => {
    const onTime = (h: number) => start + h * demo.targetSpacing;
    const prev = { height: 2 * interval - 1, bits: harder, time: onTime(2 * interval - 1) };
    expect(getNextWorkRequired(prev, timesAt({ [interval]: onTime(interval) }), demo)).to.equal(
      targetToCompact((compactToTarget(harder).target * BigInt((interval - 1) * demo.targetSpacing)) / BigInt(demo.targetTimespan)),
    );
  });

  it('eases by at most ×4 however slow the interval was', () => {
    const slow = calculateNextWorkRequired({ lastBits: harder, lastTime: start + 1_000_000, firstTime: start }, demo);
    expect(slow).to.equal(0x1d03fffc);
    const exactlyFour = calculateNextWorkRequired(
      { lastBits: harder, lastTime: start + demo.targetTimespan * 4, firstTime: start },
      demo,
    );
    expect(exactlyFour).to.equal(0x1d03fffc);
  });

  it('hardens by at most ÷4 however fast the interval was (even with time running backwards)', () => {
    expect(calculateNextWorkRequired({ lastBits: harder, lastTime: start, firstTime: start }, demo)).to.equal(0x1c3fffc0);
    expect(calculateNextWorkRequired({ lastBits: harder, lastTime: start - 500, firstTime: start }, demo)).to.equal(
      0x1c3fffc0,
    );
  });

  it('never eases past powLimit', () => {
    const atLimit = targetToCompact(demo.powLimit);
    expect(calculateNextWorkRequired({ lastBits: atLimit, lastTime: start + 10_000, firstTime: start }, demo)).to.equal(
      atLimit,
    );
  });

  it('keeps the bits for an interval that took exactly targetTimespan', () => {
    expect(
      calculateNextWorkRequired({ lastBits: harder, lastTime: start + demo.targetTimespan, firstTime: start }, demo),
    ).to.equal(harder);
  });
});

describe('retarget: Core arithmetic', () => {
  it('clamps to timespan / 4 with integer division (timespan 202 → 50, not 50.5)', () => {
    const params: PowParams = { powLimit: demo.powLimit, targetTimespan: 202, targetSpacing: 2, noRetargeting: false };
    const bits = calculateNextWorkRequired({ lastBits: 0x1d00ffff, lastTime: 0, firstTime: 0 }, params);
    expect(bits).to.equal(0x1c3f5d88); // target * 50 / 202
    expect(calculateNextWorkRequired({ lastBits: 0x1d00ffff, lastTime: 51, firstTime: 0 }, params)).to.equal(0x1c40a1f7);
  });

  it('multiplies before dividing and keeps only 256 bits of the product, as arith_uint256 does', () => {
    // A target near 2^256 times 4 overflows 256 bits; Core wraps instead of capping.
    const params: PowParams = { powLimit: (1n << 256n) - 1n, targetTimespan: 4, targetSpacing: 1, noRetargeting: false };
    const bits = calculateNextWorkRequired({ lastBits: 0x2100ffff, lastTime: 16, firstTime: 0 }, params);
    expect(bits).to.equal(0x203ffc00);
    expect(bits).to.not.equal(targetToCompact(params.powLimit));
  });

  it('throws a RangeError for non-integer times', () => {
    expect(() =>
      calculateNextWorkRequired({ lastBits: 0x1d00ffff, lastTime: Number.NaN, firstTime: 0 }, bitcoinMainnetPow),
    ).to.throw(RangeError);
  });
});
