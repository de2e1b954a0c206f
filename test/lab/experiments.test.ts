import { expect } from 'chai';
import { eyalSirerRevenue, selfish, selfishThreshold } from '../../src/lab/selfish.js';
import { forkRate } from '../../src/lab/fork-rate.js';
import { partition } from '../../src/lab/partition.js';
import { timeWarp } from '../../src/lab/time-warp.js';
import { within } from '../../src/lab/statistics.js';

describe('lab experiments', function () {
  this.timeout(180_000);

  it("gives Eyal & Sirer's closed form: α = 1/3 earns 1/3 at γ = 0 (the threshold), and the threshold is 1/4 at γ = 1/2", () => {
    expect(selfishThreshold(0)).to.be.closeTo(1 / 3, 1e-15);
    expect(selfishThreshold(0.5)).to.be.closeTo(0.25, 1e-15);
    expect(eyalSirerRevenue(1 / 3, 0)).to.be.closeTo(1 / 3, 1e-12);
    expect(eyalSirerRevenue(0.25, 0.5)).to.be.closeTo(0.25, 1e-12);
  });

  it("measures a selfish pool's revenue whose interval holds Eyal & Sirer's value (α = 0.35, γ = 0.5, seed 2)", async () => {
    const r = await selfish({ alpha: 0.35, gamma: 0.5, blocks: 3000, seed: 2 });
    expect(within(r.eyalSirer, r.ci95), JSON.stringify(r)).to.equal(true);
    expect(r.relativeRevenue).to.be.above(0.35); // above its share: selfish mining pays here
  });

  it('measures more stale blocks with a longer delay, near the per-miner model', async () => {
    const short = await forkRate({ delayMs: 500, intervalMs: 10_000, nodes: 3, blocks: 800, seed: 1 });
    const long = await forkRate({ delayMs: 4000, intervalMs: 10_000, nodes: 3, blocks: 800, seed: 1 });
    expect(long.staleRate).to.be.above(short.staleRate);
    expect(within(long.modelPerMiner, [long.ci95[0] - 0.03, long.ci95[1] + 0.03]), JSON.stringify(long)).to.equal(true);
  });

  it('orphans every minority block at the heal through a real reorg, while the quorum rule commits nothing on the minority side', async () => {
    const r = await partition({ minority: 0.3, durationMs: 300_000, intervalMs: 10_000, seed: 4 });
    expect(r.nakamoto.minority.made).to.be.above(0);
    expect(r.nakamoto.minority.committed).to.equal(0);
    expect(r.nakamoto.majority.reversed).to.equal(0);
    expect(r.nakamoto.reorgDepth).to.equal(r.nakamoto.minority.made);
    expect(r.quorum.minority.committed).to.equal(0);
    expect(r.quorum.majority.committed).to.equal(r.quorum.majority.made);
  });

  it('collapses the difficulty by time warp without BIP94, and the Chain refuses the warp with it (time-timewarp-attack)', async () => {
    const r = await timeWarp({ share: 1, periods: 5, seed: 1 });
    const [without, withRule] = r.runs;
    expect(without!.rule).to.equal('without BIP94');
    expect(without!.difficultyDrop).to.be.above(8);
    expect(withRule!.difficultyDrop).to.be.below(2);
    expect(withRule!.refused).to.equal('time-timewarp-attack');
  });
});
