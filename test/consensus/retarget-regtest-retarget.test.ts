import { expect } from 'chai';
import { regtestRetarget, retargetInterval } from '../../src/consensus/params.js';
import { blockWork, compactToTarget } from '../../src/consensus/pow.js';
import { getNextWorkRequired } from '../../src/consensus/retarget.js';
import { genesisOf, mineBlock, type MinedBlock } from '../helpers/blocks.js';
import { memoryChain } from '../helpers/chain-fixture.js';

// The numbers below are worked by hand from Core's CalculateNextWorkRequired, not read back from the code:
// genesis bits 0x1f00ffff encode the target 0xffff · 256^(0x1f − 3) = 0xffff · 2^224, and a block's work is
// floor(2^256 / (target + 1)). Since 2^32 = 0xffff · 0x10001 + 1, the genesis work is 0x10001 = 65 537.
const G = regtestRetarget.genesis.time;
const GENESIS_BITS = 0x1f00ffff;
/** 0xffff · 4 = 0x3fffc: three bytes, so 28 + 3 = 31 = 0x1f bytes in all. */
const EASED_4X = 0x1f03fffc;
/** 0xffff · 2^224 / 4 = 0x3fffc0 · 2^216: three bytes, 27 + 3 = 30 = 0x1e. */
const HARDENED_4X = 0x1e3fffc0;

describe('retarget: regtest-retarget', () => {
  const times = (table: Record<number, number>) => (h: number) => table[h] ?? Number.NaN;

  it('retargets every 4 blocks, against a 40 s timespan', () => {
    expect([retargetInterval(regtestRetarget), regtestRetarget.targetTimespan, regtestRetarget.noRetargeting]).to.deep.equal([4, 40, false]);
    expect(compactToTarget(GENESIS_BITS).target).to.equal(0xffffn << 224n);
    expect(compactToTarget(GENESIS_BITS).target < regtestRetarget.powLimit, 'genesis is harder than powLimit, so the difficulty can fall').to.equal(true);
  });

  it('eases 4× after a window that took 160 s (3 gaps: 10 + 10 + 140), a quarter of the work per block', () => {
    // Blocks 0..3 at G, G+10, G+20, G+160: block 4 measures time(3) − time(0) = 160 s = 4 × 40 s, the upper clamp.
    const bits = getNextWorkRequired({ height: 3, bits: GENESIS_BITS, time: G + 160 }, times({ 0: G }), regtestRetarget);
    expect(bits.toString(16)).to.equal(EASED_4X.toString(16));
    expect(blockWork(GENESIS_BITS)).to.equal(65_537n);
    // 2^256 / (4 · 0xffff · 2^224) = 2^30 / 0xffff = 16 384.25…, so floor 16 384.
    expect(blockWork(EASED_4X)).to.equal(16_384n);
  });

  it('keeps the bits after a window that took exactly 40 s (10 + 10 + 20)', () => {
    expect(getNextWorkRequired({ height: 3, bits: GENESIS_BITS, time: G + 40 }, times({ 0: G }), regtestRetarget)).to.equal(GENESIS_BITS);
  });

  it('hardens 4× after a window made in 3 s (clamped to 10 s), four times the work per block', () => {
    const bits = getNextWorkRequired({ height: 3, bits: GENESIS_BITS, time: G + 3 }, times({ 0: G }), regtestRetarget);
    expect(bits.toString(16)).to.equal(HARDENED_4X.toString(16));
    // 2^256 / (0xffff · 2^222) = 2^34 / 0xffff = 262 148.0…
    expect(blockWork(HARDENED_4X)).to.equal(262_148n);
  });

  it("takes the eased bits on the real chain after a slow window and refuses the old ones there (bad-diffbits)", async () => {
    const chain = await memoryChain(regtestRetarget);
    let tip: MinedBlock = genesisOf(regtestRetarget);
    for (const time of [G + 10, G + 20, G + 160]) {
      tip = mineBlock(regtestRetarget, tip, { time });
      expect((await chain.processBlock(tip.block)).status).to.equal('connected');
    }
    const stale = mineBlock(regtestRetarget, tip, { time: G + 170, bits: GENESIS_BITS });
    expect(await chain.processBlock(stale.block)).to.deep.include({ status: 'rejected', reason: 'bad-diffbits' });
    const cheap = mineBlock(regtestRetarget, tip, { time: G + 170, bits: EASED_4X });
    expect((await chain.processBlock(cheap.block)).status).to.equal('connected');
    // Four blocks at 65 537 and one at 16 384 (genesis' work counts too, as chainwork does).
    expect(chain.tip.chainwork).to.equal(4n * 65_537n + 16_384n);
  });
});
