import { expect } from 'chai';
import { blockWork } from '../../src/consensus/pow.js';
import { devnetHashrate, deriveDevnetSpec, measuringThreads, median, type DevnetPace } from '../../src/devnet/devnet-network.js';
import { networkFromSpec } from '../../src/node/network-create.js';

describe("devnet's own network", () => {
  const pace: DevnetPace = { measuredHashrate: 2_000_000, measuredThreads: 2, nodes: 3, workers: 1, cores: 2, blockTimeSec: 5 };

  it('has the asked block time and starts at the difficulty the measured rate finds in one block time', () => {
    const spec = deriveDevnetSpec(pace, 1_796_000_000, 0x01020304);
    const params = networkFromSpec(spec);
    expect(params.targetSpacing).to.equal(5);
    expect(params.genesis.time).to.equal(1_796_000_000);
    expect(params.genesis.bits).to.equal(spec.bits);
    // 1 M hashes a second per thread, 3 threads on 2 cores: 2 M/s together, 10 M hashes a block of 5 s.
    expect(devnetHashrate(pace)).to.equal(2_000_000);
    expect(Number(blockWork(spec.bits))).to.be.within(10_000_000 * 0.999, 10_000_000 * 1.001);
  });

  it('scales the starting difficulty with the block time and with the threads that can run at once', () => {
    const work = (p: DevnetPace) => Number(blockWork(deriveDevnetSpec(p, 0, 1).bits));
    expect(work({ ...pace, blockTimeSec: 30 }) / work(pace)).to.be.within(5.99, 6.01);
    // 8 cores: all 3 nodes' threads run, 3 M/s.
    expect(devnetHashrate({ ...pace, cores: 8 })).to.equal(3_000_000);
    expect(work({ ...pace, cores: 8 }) / work(pace)).to.be.within(1.49, 1.51);
  });

  it('takes a measurement made with the miners\' own threads (3 on 2 cores) as what they do together', () => {
    expect(measuringThreads(3, 1)).to.equal(3);
    expect(devnetHashrate({ ...pace, measuredHashrate: 1_800_000, measuredThreads: 3 })).to.equal(1_800_000);
    // --miners 1: one thread keeps one core busy, half of what two cores do.
    expect(devnetHashrate({ ...pace, measuredHashrate: 1_800_000, measuredThreads: 3, nodes: 1 })).to.equal(900_000);
    expect(measuringThreads(64, 1)).to.equal(16);
  });

  it('sets the difficulty from the median sample, so one sample taken while the cores were busy elsewhere does not', () => {
    expect(median([5.6e6, 2.7e6, 5.5e6, 5.4e6, 1.4e6])).to.equal(5.4e6);
    expect(median([2, 1, 4, 3])).to.equal(2.5);
  });

  it('names the network by its block time and leaves genesis out of the first retarget window', () => {
    const params = networkFromSpec(deriveDevnetSpec({ ...pace, blockTimeSec: 30 }, 0, 1));
    expect([params.name, params.addressPrefix, params.firstWindowStartHeight]).to.deep.equal(['devnet-30s', 'tcdev', 1]);
  });
});
