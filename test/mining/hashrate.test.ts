import { expect } from 'chai';
import { HashrateMeter } from '../../src/mining/hashrate.js';

describe('hashrate meter', () => {
  it('averages each worker over the window and sums the total', () => {
    const meter = new HashrateMeter(1_000);
    meter.record(1, 500, 0, 500);
    meter.record(1, 500, 500, 1_000);
    meter.record(2, 2_000, 0, 1_000);
    expect(meter.rates(1_000)).to.deep.equal({ total: 3_000, workers: [{ threadId: 1, hashrate: 1_000 }, { threadId: 2, hashrate: 2_000 }] });
  });

  it('counts only the part of a task inside the window, and falls to zero when idle', () => {
    const meter = new HashrateMeter(1_000);
    meter.record(1, 2_000, 0, 2_000);
    expect(meter.rates(2_000).total).to.equal(1_000);
    expect(meter.rates(2_500).total).to.equal(500);
    expect(meter.rates(3_000).total).to.equal(0);
  });

  it('averages over the time since the first task before a full window has passed', () => {
    const meter = new HashrateMeter(5_000);
    meter.record(7, 1_000, 100, 600);
    expect(meter.rates(600).total).to.equal(2_000);
  });
});
