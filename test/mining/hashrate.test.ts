import { expect } from 'chai';
import { pino } from 'pino';
import { encodeAddress } from '../../src/consensus/address.js';
import { demo } from '../../src/consensus/params.js';
import { HashrateMeter } from '../../src/mining/hashrate.js';
import { NoncePool } from '../../src/mining/nonce-pool.js';
import { MiningService } from '../../src/node/mining-service.js';
import { memoryChain } from '../helpers/chain-fixture.js';

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

describe('hashrate of a share-limited or stopped miner', function () {
  this.timeout(30_000);

  it('reports a share-limited pool\'s average between its slices, never 0 while it mines', async () => {
    // A window shorter than one slice plus its rest: a slice counted only while it hashes would read 0 in the rests.
    const pool = new NoncePool({ workers: 1, sliceNonces: 1 << 13, hashrateWindowMs: 400 });
    try {
      await pool.ready();
      pool.setDuty(0.01);
      const search = pool.search({ header: new Uint8Array(80), target: 0n });
      let first = false;
      for (let i = 0; i < 500 && !first; i++) {
        first = pool.hashrate().total > 0;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(first, 'a first slice completed').to.equal(true);
      const readings: number[] = [];
      for (let i = 0; i < 80; i++) {
        readings.push(pool.hashrate().total);
        await new Promise((r) => setTimeout(r, 25));
      }
      await pool.stop();
      await search;
      expect(readings.filter((r) => r === 0)).to.deep.equal([]);
    } finally {
      await pool.destroy();
    }
  });

  it('reports 0 for a miner that was stopped, not the tail of its average', async () => {
    // demo's genesis bits take millions of hashes: the miner is still searching when stopped.
    const mining = new MiningService({ chain: await memoryChain(demo), params: demo, workers: 1, defaultAddress: encodeAddress(new Uint8Array(32).fill(3), demo), logger: pino({ level: 'silent' }) });
    try {
      await mining.start();
      for (let i = 0; i < 1_000 && mining.status().hashrate === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(mining.status()).to.include({ active: true });
      expect(mining.status().hashrate).to.be.above(0);
      await mining.stop();
      expect(mining.status()).to.deep.equal({ active: false, hashrate: 0, workers: 1 });
    } finally {
      await mining.close();
    }
  });
});
