import { expect } from 'chai';
import type { ChainEntry } from '../../src/chain/block-index.js';
import { encodeBlock } from '../../src/consensus/block.js';
import { bytesToHex } from '../../src/consensus/bytes.js';
import { regtest } from '../../src/consensus/params.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { BlockBuilder } from '../../src/lab/block-builder.js';
import { doubleSpend } from '../../src/lab/double-spend.js';
import { exactProbability, rosenfeldProbability } from '../../src/lab/double-spend-math.js';
import { LabClock } from '../../src/lab/lab-clock.js';
import { LabBlockRejectedError, LabNode } from '../../src/lab/lab-node.js';
import { within } from '../../src/lab/statistics.js';

/** Equal work goes to the block seen last: the opposite of toychain's (and Core's) tie rule. */
const lastSeenWins = (a: ChainEntry, b: ChainEntry): boolean => (a.chainwork !== b.chainwork ? a.chainwork > b.chainwork : a.sequence > b.sequence);

describe('lab blocks on the real chain', () => {
  it('sends real blocks that the Chain checks, stores and makes its tip', async () => {
    const builder = new BlockBuilder(regtest);
    const clock = new LabClock(regtest.genesis.time);
    const node = await LabNode.open(builder, clock);
    try {
      clock.advanceTo(regtest.genesis.time + 600);
      const block = builder.buildOn(node.tip, { now: clock.now(), miner: 0 });
      expect(checkProofOfWork(block.hash, block.header.bits, regtest).ok).to.equal(true);
      const outcome = await node.submit(block);
      expect(outcome).to.deep.equal({ status: 'connected', blockId: block.id });
      expect(node.chain.tip.id).to.equal(block.id);
      const stored = await node.chain.getBlock(block.id);
      expect(bytesToHex(encodeBlock(stored!))).to.equal(bytesToHex(encodeBlock(block.block)));
    } finally {
      await node.close();
    }
  });

  it('fails loudly when the Chain rejects a lab block (time-too-new), instead of counting it', async () => {
    const builder = new BlockBuilder(regtest);
    const clock = new LabClock(regtest.genesis.time);
    const node = await LabNode.open(builder, clock);
    try {
      const block = builder.buildOn(node.tip, { now: clock.now(), miner: 0, time: clock.now() + regtest.maxFutureDrift + 1 });
      const error = await node.submit(block).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(LabBlockRejectedError);
      expect((error as LabBlockRejectedError).reason).to.equal('time-too-new');
      expect(node.chain.height).to.equal(0);
    } finally {
      await node.close();
    }
  });

  it("decides the double-spend race by the Chain's fork choice: a last-seen tie rule turns the answer into the tie-counting one", async function () {
    this.timeout(600_000);
    // q = 0.1, z = 1: the attacker needs a block more than the honest branch under first-seen
    // (exact 0.0311) but only a tie under last-seen (Rosenfeld's 0.2): far apart at 1,000 trials.
    const firstSeen = await doubleSpend({ q: 0.1, z: 1, trials: 1000, seed: 13 });
    const lastSeen = await doubleSpend({ q: 0.1, z: 1, trials: 1000, seed: 13, forkChoice: lastSeenWins });
    expect(within(exactProbability(0.1, 1), firstSeen.ci95), JSON.stringify(firstSeen)).to.equal(true);
    expect(within(rosenfeldProbability(0.1, 1), firstSeen.ci95)).to.equal(false);
    expect(within(rosenfeldProbability(0.1, 1), lastSeen.ci95), JSON.stringify(lastSeen)).to.equal(true);
    expect(within(exactProbability(0.1, 1), lastSeen.ci95)).to.equal(false);
  });
});
