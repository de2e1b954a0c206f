import { expect } from 'chai';
import { NoncePool } from '../../src/mining/nonce-pool.js';

describe('nonce pool: duty (a share of the hash power)', () => {
  let pool: NoncePool;
  before(async () => {
    pool = new NoncePool({ workers: 1, sliceNonces: 1 << 12 });
    await pool.ready();
  });
  after(async () => {
    await pool.destroy();
  });

  it('rests after each slice and ends the rest at once on stop', async function () {
    // A duty of 1/100000 rests ~100000 times the slice's time after the first slice:
    // far beyond this test's timeout, so only stop() can end the search in time.
    this.timeout(10_000);
    pool.setDuty(1e-5);
    try {
      const search = pool.search({ header: new Uint8Array(80), target: 0n });
      await new Promise<void>((resolve) => {
        const check = (): void => (pool.hashrate().total > 0 ? resolve() : void setTimeout(check, 5));
        check();
      });
      await pool.stop();
      const r = await search;
      expect(r).to.include({ nonce: null, stopped: true, hashesDone: 1 << 12 });
    } finally {
      pool.setDuty(1);
    }
  });

  it('refuses a duty outside (0, 1] and keeps the old one', () => {
    pool.setDuty(0.5);
    for (const bad of [0, -0.1, 1.01, Number.NaN]) expect(() => pool.setDuty(bad)).to.throw(RangeError, /duty/);
    expect(pool.duty).to.equal(0.5);
    pool.setDuty(1);
  });
});
