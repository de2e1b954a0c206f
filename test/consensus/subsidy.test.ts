import { expect } from 'chai';
import fc from 'fast-check';
import { demo, regtest } from '../../src/consensus/params.js';
import { blockSubsidy, COIN, MAX_MONEY, moneyRange, type SubsidyParams } from '../../src/consensus/subsidy.js';

/** Bitcoin mainnet's schedule: 50 BTC halving every 210,000 blocks. */
const bitcoin: SubsidyParams = { initialSubsidy: 50n * COIN, subsidyHalvingInterval: 210_000 };

describe('block subsidy', () => {
  it('pays the initial subsidy from genesis up to the block before the first halving', () => {
    expect(blockSubsidy(0, bitcoin)).to.equal(50n * COIN);
    expect(blockSubsidy(209_999, bitcoin)).to.equal(50n * COIN);
  });

  it('halves at each halving interval (Bitcoin: 25 at 210000, 12.5 at 420000, 3.125 at 840000)', () => {
    expect(blockSubsidy(210_000, bitcoin)).to.equal(25n * COIN);
    expect(blockSubsidy(420_000, bitcoin)).to.equal(1_250_000_000n);
    expect(blockSubsidy(840_000, bitcoin)).to.equal(312_500_000n);
  });

  it('rounds down: the subsidy is a right shift of base units', () => {
    // 5_000_000_000 >> 10 = 4_882_812 (not 4_882_812.5)
    expect(blockSubsidy(10 * 210_000, bitcoin)).to.equal(4_882_812n);
  });

  it('reaches zero once the shift empties it (33 halvings for 50 coins)', () => {
    expect(blockSubsidy(32 * 210_000, bitcoin)).to.equal(1n);
    expect(blockSubsidy(33 * 210_000, bitcoin)).to.equal(0n);
  });

  it('is zero from the 64th halving on, even for a subsidy that would survive the shift', () => {
    const huge: SubsidyParams = { initialSubsidy: (1n << 70n) - 1n, subsidyHalvingInterval: 1 };
    expect(blockSubsidy(63, huge)).to.equal(((1n << 70n) - 1n) >> 63n);
    expect(blockSubsidy(64, huge)).to.equal(0n);
    expect(blockSubsidy(1_000_000, huge)).to.equal(0n);
  });

  it('sums to 20,999,999.9769 BTC over all of Bitcoin (Core subsidy_limit_test), under MAX_MONEY', () => {
    let sum = 0n;
    for (let halving = 0; halving < 64; halving++) {
      sum += blockSubsidy(halving * 210_000, bitcoin) * 210_000n;
    }
    expect(sum).to.equal(2_099_999_997_690_000n);
    expect(moneyRange(sum)).to.equal(true);
  });

  it('follows each network schedule (regtest halves every 150 blocks)', () => {
    expect(blockSubsidy(149, regtest)).to.equal(50n * COIN);
    expect(blockSubsidy(150, regtest)).to.equal(25n * COIN);
    expect(blockSubsidy(0, demo)).to.equal(50n * COIN);
  });

  it('never increases with height', () => {
    fc.assert(
      fc.property(fc.nat(20_000_000), fc.nat(1_000_000), (height, step) => {
        expect(blockSubsidy(height + step, bitcoin) <= blockSubsidy(height, bitcoin)).to.equal(true);
      }),
    );
  });

  it('throws a RangeError for a negative or fractional height', () => {
    expect(() => blockSubsidy(-1, bitcoin)).to.throw(RangeError);
    expect(() => blockSubsidy(0.5, bitcoin)).to.throw(RangeError);
  });
});

describe('money range', () => {
  it('is 21 million coins of 10^8 base units', () => {
    expect(COIN).to.equal(100_000_000n);
    expect(MAX_MONEY).to.equal(2_100_000_000_000_000n);
  });

  it('includes 0 and MAX_MONEY and excludes -1 and MAX_MONEY + 1', () => {
    expect(moneyRange(0n)).to.equal(true);
    expect(moneyRange(MAX_MONEY)).to.equal(true);
    expect(moneyRange(-1n)).to.equal(false);
    expect(moneyRange(MAX_MONEY + 1n)).to.equal(false);
  });
});
