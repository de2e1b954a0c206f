import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { hexToBytes } from '../../src/consensus/bytes.js';
import { decodeBlockHeader } from '../../src/consensus/header.js';
import { checkBlockTime, MEDIAN_TIME_SPAN, medianTimePast } from '../../src/consensus/median-time.js';
import { demo, regtest } from '../../src/consensus/params.js';

const headerVectors = JSON.parse(
  readFileSync(new URL('../../../test/vectors/bitcoin-headers.json', import.meta.url), 'utf8'),
) as { headers: { height: number; hex: string }[] };

/** Times of Bitcoin blocks 0..9, in chain order. */
const earlyTimes = headerVectors.headers
  .filter((v) => v.height <= 9)
  .sort((a, b) => a.height - b.height)
  .map((v) => decodeBlockHeader(hexToBytes(v.hex)).time);

describe('median time past', () => {
  it('spans 11 blocks', () => {
    expect(MEDIAN_TIME_SPAN).to.equal(11);
  });

  it('is element [n/2] of the sorted times near genesis (Bitcoin blocks 0..9 give block 5)', () => {
    expect(earlyTimes).to.have.length(10);
    expect(medianTimePast(earlyTimes)).to.equal(earlyTimes[5]);
    expect(medianTimePast(earlyTimes.slice(0, 1))).to.equal(1231006505);
  });

  it('takes the upper middle of an even count, as Core does', () => {
    expect(medianTimePast([10, 20])).to.equal(20);
    expect(medianTimePast([10, 20, 30, 40])).to.equal(30);
  });

  it('sorts: out-of-order times give the same median', () => {
    expect(medianTimePast([5, 1, 4, 2, 3])).to.equal(3);
  });

  it('uses only the last 11 times', () => {
    const times = [1000, 1000, 1000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(medianTimePast(times)).to.equal(6);
  });

  it('equals the median of the last 11 for any list', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(2 ** 32 - 1), { minLength: 1, maxLength: 30 }), (times) => {
        const window = times.slice(-11).sort((a, b) => a - b);
        const median = medianTimePast(times);
        expect(median).to.equal(window[Math.floor(window.length / 2)]);
        // At least half of the window is <= the median and at least half >= it.
        expect(window.filter((t) => t <= median).length * 2).to.be.at.least(window.length);
        expect(window.filter((t) => t >= median).length * 2).to.be.at.least(window.length);
      }),
    );
  });

  it('does not reorder the caller array', () => {
    const times = [3, 1, 2];
    medianTimePast(times);
    expect(times).to.deep.equal([3, 1, 2]);
  });

  it('throws a RangeError for no times', () => {
    expect(() => medianTimePast([])).to.throw(RangeError);
  });
});

describe('block time', () => {
  const mtp = 1_000_000;
  const now = 2_000_000;

  it('rejects a time equal to the median time past (time-too-old)', () => {
    expect(checkBlockTime(mtp, mtp, now, demo)).to.deep.include({ ok: false, reason: 'time-too-old' });
  });

  it('rejects a time below the median time past (time-too-old)', () => {
    expect(checkBlockTime(mtp - 1, mtp, now, demo)).to.deep.include({ ok: false, reason: 'time-too-old' });
  });

  it('accepts a time one second above the median time past', () => {
    expect(checkBlockTime(mtp + 1, mtp, now, demo)).to.deep.equal({ ok: true });
  });

  it('accepts a time exactly now + maxFutureDrift', () => {
    expect(checkBlockTime(now + demo.maxFutureDrift, mtp, now, demo)).to.deep.equal({ ok: true });
    expect(checkBlockTime(now + regtest.maxFutureDrift, mtp, now, regtest)).to.deep.equal({ ok: true });
  });

  it('rejects a time one second past now + maxFutureDrift (time-too-new)', () => {
    expect(checkBlockTime(now + demo.maxFutureDrift + 1, mtp, now, demo)).to.deep.include({
      ok: false,
      reason: 'time-too-new',
    });
  });

  it('checks time-too-old first, as Core does, when both rules fail', () => {
    expect(checkBlockTime(10, 20, 0, { maxFutureDrift: 5 })).to.deep.include({ ok: false, reason: 'time-too-old' });
  });

  it('uses the injected clock, not the machine clock', () => {
    const farFuture = 4_000_000_000;
    expect(checkBlockTime(farFuture, mtp, farFuture, demo)).to.deep.equal({ ok: true });
    expect(checkBlockTime(farFuture, mtp, 0, demo)).to.deep.include({ ok: false, reason: 'time-too-new' });
  });

  it('accepts exactly the times in (mtp, now + drift]', () => {
    fc.assert(
      fc.property(fc.nat(1_000), fc.nat(1_000), fc.nat(1_000), fc.nat(300), (time, median, clock, drift) => {
        const verdict = checkBlockTime(time, median, clock, { maxFutureDrift: drift });
        const expected = time <= median ? 'time-too-old' : time > clock + drift ? 'time-too-new' : 'ok';
        expect(verdict.ok ? 'ok' : verdict.reason).to.equal(expected);
      }),
    );
  });
});
