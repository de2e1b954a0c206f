import { expect } from 'chai';
import { labReplay } from '../../src/lab/replay.js';
import { forkAndHealLog, GENESIS, h } from '../helpers/scenario-log.js';

describe('lab replay', () => {
  it("re-runs a log's block finds on real lab Chains and ends on the same tips with the same reorg", async () => {
    const r = await labReplay(forkAndHealLog());
    expect(r.blocks).to.equal(3);
    expect(r.tips.map((t) => t.lab)).to.deep.equal([h('a2'), h('a2'), h('a2')]);
    expect(r.sameTips).to.equal(true);
    expect(r.reorgs.lab).to.deep.equal([{ node: 2, depth: 1, newTip: h('a2') }]);
    expect(r.sameReorgs).to.equal(true);
    expect(r.otherParent).to.deep.equal([]);
  });

  it('says so when the log ends where the fork choice would not (a node staying on the lighter branch)', async () => {
    const r = await labReplay(forkAndHealLog({ nodeTwoStays: true }));
    expect(r.tips[2]).to.deep.equal({ node: 2, log: h('b1'), lab: h('a2'), same: false });
    expect(r.sameTips).to.equal(false);
    expect(r.sameReorgs).to.equal(false);
  });

  it("names a find the lab's network could not have made: a block on a parent the other side of the split had", async () => {
    const r = await labReplay(forkAndHealLog({ nodeTwoBuildsOnA1: true }));
    expect(r.otherParent).to.deep.equal([{ hash: h('b1'), node: 2, logParent: h('a1'), labParent: GENESIS }]);
  });

  it('replays a log of a devnet that already had history: the snapshot tip stands for the blocks before the log', async () => {
    // The same fork and heal, started at height 5 on a chain the log does not hold.
    const shifted = JSON.parse(JSON.stringify(forkAndHealLog()).replaceAll(GENESIS, h('pre'))) as ReturnType<typeof forkAndHealLog>;
    for (const e of shifted) if ('height' in e) (e as { height: number }).height += 5;
    // Node 0 was a block behind when the scenario started (a live devnet's nodes seldom agree to the block).
    for (const e of shifted) if (e.kind === 'snapshot') Object.assign(e.tips, { '0': { hash: h('pre4'), height: 4 }, '1': { hash: h('pre'), height: 5 }, '2': { hash: h('pre'), height: 5 } });
    const r = await labReplay(shifted);
    expect(r.unplaced).to.deep.equal([]);
    expect(r.blocks).to.equal(3);
    expect(r.sameTips).to.equal(true);
    expect(r.reorgs.lab).to.deep.equal([{ node: 2, depth: 1, newTip: h('a2') }]);
  });
});
