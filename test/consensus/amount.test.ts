import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_MONEY } from '../../src/consensus/subsidy.js';
import { AmountError, formatCoins, parseCoins } from '../../src/consensus/amount.js';

describe('amounts', () => {
  it('round-trips every amount up to MAX_MONEY through formatCoins and parseCoins', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: MAX_MONEY }), (v) => parseCoins(formatCoins(v)) === v));
  });
  it('writes exactly 8 decimals', () => {
    expect(formatCoins(150_000_000n)).to.equal('1.50000000');
    expect(formatCoins(1n)).to.equal('0.00000001');
    expect(formatCoins(0n)).to.equal('0.00000000');
  });
  it('reads plain decimals', () => {
    expect(parseCoins('21')).to.equal(2_100_000_000n);
    expect(parseCoins('0.5')).to.equal(50_000_000n);
    expect(parseCoins('.25')).to.equal(25_000_000n);
    expect(parseCoins('1.')).to.equal(100_000_000n);
    expect(parseCoins('0.00000001')).to.equal(1n);
    expect(parseCoins(' 3 ')).to.equal(300_000_000n);
  });
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['0.000000001', /9 decimals/],
    ['-1', /negative/],
    ['+1', /sign/],
    ['1e-6', /exponent/],
    ['1E5', /exponent/],
    ['1,000', /thousands separators/],
    ['abc', /not a number of coins/],
    ['1.2.3', /not a number of coins/],
    ['.', /not a number of coins/],
    ['0x10', /not a number of coins/],
    ['NaN', /not a number of coins/],
    ['Infinity', /not a number of coins/],
    ['21000000.00000001', /21000000 coins/],
  ];
  for (const [text, message] of bad) {
    it(`rejects "${text}" with a message that says why`, () => {
      expect(() => parseCoins(text)).to.throw(AmountError, message);
    });
  }
  it('rejects any string with more than 8 decimals', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.stringMatching(/^[0-9]{9,12}$/), (whole, fraction) => {
        expect(() => parseCoins(`${whole}.${fraction}`)).to.throw(AmountError);
      }),
    );
  });
});
