import { expect } from 'chai';
import fc from 'fast-check';
import { DUST_LIMIT, estimateTxSize, InsufficientFundsError, selectCoins } from '../../wallet/coin-selection.js';
import { COIN } from '../../src/consensus/subsidy.js';

const coin = (value: bigint, id = String(value)) => ({ id, value });

describe('coin selection', () => {
  it('makes change when the coins pay more than the amount, fee and dust', () => {
    const s = selectCoins([coin(50n * COIN)], 10n * COIN, 2n);
    expect(s.inputs.map((c) => c.id)).to.deep.equal([String(50n * COIN)]);
    expect(s.fee).to.equal(BigInt(estimateTxSize(1, 2)) * 2n);
    expect(s.change).to.equal(40n * COIN - s.fee);
  });
  it('prefers one coin that pays without change', () => {
    const exact = 10n * COIN + BigInt(estimateTxSize(1, 1)) * 2n;
    const s = selectCoins([coin(50n * COIN), coin(exact), coin(3n * COIN)], 10n * COIN, 2n);
    expect(s.inputs.map((c) => c.value)).to.deep.equal([exact]);
    expect(s.change).to.equal(0n);
    expect(s.fee).to.equal(exact - 10n * COIN);
  });
  it('gives change below the dust limit to the fee instead of making an output', () => {
    const amount = 1n * COIN;
    const value = amount + BigInt(estimateTxSize(1, 2)) * 2n + DUST_LIMIT - 1n;
    const s = selectCoins([coin(value)], amount, 2n);
    expect(s.change).to.equal(0n);
    expect(s.fee).to.equal(value - amount);
  });
  it('adds coins largest first until they pay', () => {
    const s = selectCoins([coin(1n * COIN), coin(3n * COIN), coin(2n * COIN)], 4n * COIN, 1n);
    expect(s.inputs.map((c) => c.value)).to.deep.equal([3n * COIN, 2n * COIN]);
    expect(s.change).to.equal(1n * COIN - BigInt(estimateTxSize(2, 2)));
  });
  it('refuses with InsufficientFundsError when all coins are not enough, saying needed and available', () => {
    expect(() => selectCoins([coin(1n * COIN), coin(2n * COIN)], 3n * COIN, 1n))
      .to.throw(InsufficientFundsError, /insufficient funds: sending 3\.00000000 coins needs 3\.00000\d{3} with the fee, but only 3\.00000000 coins are spendable/);
    expect(() => selectCoins([], 1n, 1n)).to.throw(InsufficientFundsError, /only 0\.00000000 coins/);
  });
  it('refuses a zero amount', () => {
    expect(() => selectCoins([coin(COIN)], 0n, 1n)).to.throw(RangeError);
  });
  it('always pays amount + fee + change = inputs, with a fee at least the rate times the size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 100n * COIN }), { minLength: 1, maxLength: 20 }),
        fc.bigInt({ min: 1n, max: 50n * COIN }),
        fc.bigInt({ min: 0n, max: 50n }),
        (values, amount, rate) => {
          try {
            const s = selectCoins(values.map((v, i) => coin(v, String(i))), amount, rate);
            const total = s.inputs.reduce((sum, c) => sum + c.value, 0n);
            expect(amount + s.fee + s.change).to.equal(total);
            expect(s.fee >= BigInt(estimateTxSize(s.inputs.length, s.change > 0n ? 2 : 1)) * rate).to.equal(true);
            expect(s.change === 0n || s.change >= DUST_LIMIT).to.equal(true);
          } catch (e) {
            expect(e).to.be.instanceOf(InsufficientFundsError);
            expect(values.reduce((a, b) => a + b, 0n) < amount + BigInt(estimateTxSize(values.length, 1)) * rate).to.equal(true);
          }
        },
      ),
    );
  });
});
