import { expect } from 'chai';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { blockWork } from '../../src/consensus/pow.js';
import type { Chain } from '../../src/chain/chain.js';
import { getNextWorkRequired } from '../../src/consensus/retarget.js';
import { txHash } from '../../src/consensus/tx.js';
import { describeCoins, genesisOf, testNetwork, KEYS, mineBlock, mineChain, replayUtxo, spendTx, coinbaseOutpoint, type MinedBlock } from '../helpers/blocks.js';
import { indexDifferences, memoryChain, storeCoins } from '../helpers/chain-fixture.js';

/**
 * A network that retargets every 4 two-second blocks: a branch mined fast gets a
 * harder target after the retarget, so it carries more work in fewer blocks. Its
 * powLimit is about 2^251 because Core's arithmetic keeps 256 bits of target × timespan:
 * regtest's 2^255 would overflow, one reason Core's regtest never retargets.
 */
const retargeting: NetworkParams = testNetwork(
  regtest,
  { name: 'retarget-test', noRetargeting: false, targetTimespan: 8, targetSpacing: 2, powLimit: 0x07ffffn << 232n },
  0x2007ffff,
);
/** regtest with coinbases spendable after 2 blocks, to keep spend tests short. */
const quickMaturity: NetworkParams = { ...regtest, name: 'regtest-quick', coinbaseMaturity: 2 };

async function submitAll(chain: Chain, blocks: readonly MinedBlock[]): Promise<void> {
  for (const b of blocks) {
    const outcome = await chain.processBlock(b.block);
    expect(outcome.status, `block ${b.height}: ${outcome.status === 'rejected' ? outcome.reason : ''}`).to.be.oneOf(['connected', 'accepted']);
  }
}

async function expectUtxoIsReplayOf(chain: Chain, params: NetworkParams, blocks: readonly MinedBlock[]): Promise<void> {
  const expected = replayUtxo(params, blocks.map((b) => b.block));
  expect(describeCoins(await storeCoins(chain.store))).to.deep.equal(describeCoins(expected));
  // The address and transaction indexes follow the UTXO set through every reorg.
  expect(await indexDifferences(chain.store, blocks)).to.deep.equal([]);
}

describe('fork choice', () => {
  it('switches to the branch with more work, not more blocks', async () => {
    const params = retargeting;
    const chain = await memoryChain(params);
    const genesis = genesisOf(params);
    const start = genesis.block.header.time;
    // Branch A: 7 blocks at a slow pace, so the retarget keeps its target at powLimit.
    const branchA = mineChain(params, genesis, 7, (i) => ({ time: start + (i + 1) * 1000 }));
    // Branch B: 3 blocks as fast as median time allows; at height 4 the retarget
    // demands a target four times harder (the clamp), so each later block carries four
    // times the work.
    const fast = mineChain(params, genesis, 3, (i) => ({ time: start + Math.min(i + 1, 2), extraNonce: 1 }));
    await submitAll(chain, branchA);
    await submitAll(chain, fast);
    expect(chain.tip.id).to.equal(branchA[6]!.id);

    const hardBits = retargetBits(chain, fast[2]!);
    expect(Number(blockWork(hardBits)) / Number(blockWork(params.genesis.bits))).to.be.closeTo(4, 0.05);
    const hard1 = mineBlock(params, fast[2]!, { time: start + 3, bits: hardBits, extraNonce: 1 });
    const hard2 = mineBlock(params, hard1, { time: start + 4, bits: hardBits, extraNonce: 1 });
    await chain.processBlock(hard1.block);
    const outcome = await chain.processBlock(hard2.block);

    expect(chain.tip.id).to.equal(hard2.id);
    expect(chain.height).to.equal(5);
    expect(chain.tip.chainwork > chain.getEntry(branchA[6]!.id)!.chainwork).to.equal(true);
    expect(outcome).to.deep.include({ status: 'connected', blockId: hard2.id });
    expect(outcome.status === 'connected' && outcome.reorg?.depth).to.equal(7);
  });

  it('keeps the first-seen branch when two branches have equal work', async () => {
    const chain = await memoryChain(regtest);
    const genesis = genesisOf(regtest);
    const first = mineChain(regtest, genesis, 3);
    const second = mineChain(regtest, genesis, 3, () => ({ extraNonce: 7 }));
    await submitAll(chain, first);
    await submitAll(chain, second);
    expect(chain.tip.id).to.equal(first[2]!.id);
    expect(chain.getEntry(second[2]!.id)!.chainwork).to.equal(chain.tip.chainwork);
  });

  it('moves to the other branch once it gains more work', async () => {
    const chain = await memoryChain(regtest);
    const genesis = genesisOf(regtest);
    const first = mineChain(regtest, genesis, 3);
    const second = mineChain(regtest, genesis, 4, () => ({ extraNonce: 7 }));
    const reorgs: number[] = [];
    chain.on('reorg', (r) => reorgs.push(r.depth));
    await submitAll(chain, first);
    await submitAll(chain, second);
    expect(chain.tip.id).to.equal(second[3]!.id);
    expect(reorgs).to.deep.equal([3]);
  });

  it('restores spent outputs and removes created ones exactly in a reorg across several blocks', async () => {
    const params = quickMaturity;
    const chain = await memoryChain(params);
    const genesis = genesisOf(params);
    const base = mineChain(params, genesis, 3);
    const coin = { value: base[0]!.block.txs[0]!.outputs[0]!.value, pubkey: KEYS[0]!.pubkey };
    // Branch A spends block 1's coinbase twice over (a chain of two spends in two blocks).
    const pay = spendTx([{ outpoint: coinbaseOutpoint(base[0]!), coin, privateKey: KEYS[0]!.privateKey }], [
      { value: 30n * 100_000_000n, pubkey: KEYS[1]!.pubkey },
      { value: 19n * 100_000_000n, pubkey: KEYS[0]!.pubkey },
    ]);
    const a1 = mineBlock(params, base[2]!, { txs: [pay], fees: 1n * 100_000_000n });
    const payOn = spendTx([{ outpoint: { txHash: txHash(pay), index: 0 }, coin: { value: 30n * 100_000_000n, pubkey: KEYS[1]!.pubkey }, privateKey: KEYS[1]!.privateKey }], [{ value: 29n * 100_000_000n, pubkey: KEYS[2]!.pubkey }]);
    const a2 = mineBlock(params, a1, { txs: [payOn], fees: 1n * 100_000_000n });
    const branchA = [...base, a1, a2];
    await submitAll(chain, branchA);
    await expectUtxoIsReplayOf(chain, params, branchA);
    const aCoins = await storeCoins(chain.store);

    // Branch B from block 3: three empty blocks, more work; block 1's coinbase is unspent again.
    const branchB = mineChain(params, base[2]!, 3, () => ({ extraNonce: 9 }));
    await submitAll(chain, branchB);
    expect(chain.tip.id).to.equal(branchB[2]!.id);
    await expectUtxoIsReplayOf(chain, params, [...base, ...branchB]);
    const bCoins = await storeCoins(chain.store);
    expect(bCoins.size).to.equal(6);
    expect([...aCoins.keys()].filter((k) => !bCoins.has(k))).to.have.length(4);
  });

  it('stays on the best valid branch when a heavier branch has an invalid block deep inside', async () => {
    const params = quickMaturity;
    const chain = await memoryChain(params);
    const genesis = genesisOf(params);
    const base = mineChain(params, genesis, 3);
    const branchA = mineChain(params, base[2]!, 2);
    await submitAll(chain, [...base, ...branchA]);

    // B2 spends block 1's coinbase with a signature by the wrong key: well-formed, so
    // it is stored, but connecting it fails; B3..B5 build on it and carry more work.
    const coin = { value: base[0]!.block.txs[0]!.outputs[0]!.value, pubkey: KEYS[0]!.pubkey };
    const forged = spendTx([{ outpoint: coinbaseOutpoint(base[0]!), coin, privateKey: KEYS[3]!.privateKey }], [{ value: coin.value, pubkey: KEYS[3]!.pubkey }]);
    const b1 = mineBlock(params, base[2]!, { extraNonce: 5 });
    const b2 = mineBlock(params, b1, { txs: [forged], extraNonce: 5 });
    const rest = mineChain(params, b2, 3, () => ({ extraNonce: 5 }));
    const invalid: [string, string][] = [];
    chain.on('invalid', (entry, reason) => invalid.push([entry.id, reason]));
    const outcomes = [];
    for (const b of [b1, b2, ...rest]) outcomes.push(await chain.processBlock(b.block));

    expect(chain.tip.id).to.equal(branchA[1]!.id);
    expect(invalid[0]).to.deep.equal([b2.id, 'bad-txns-sig']);
    // B3 is the block whose work triggered the attempt; it fails through its parent.
    expect(outcomes[2]).to.deep.include({ status: 'rejected', blockId: rest[0]!.id, reason: 'bad-prevblk', permanent: true });
    expect(outcomes[4]).to.deep.include({ status: 'rejected', blockId: rest[2]!.id, reason: 'bad-prevblk' });
    await expectUtxoIsReplayOf(chain, params, [...base, ...branchA]);
    const tips = chain.getChainTips();
    expect(tips.find((t) => t.hash === rest[2]!.id)).to.deep.include({ status: 'invalid', branchLength: 5 });
    expect(tips.find((t) => t.hash === branchA[1]!.id)).to.deep.include({ status: 'active', branchLength: 0 });
  });
});

/** retargetBits is the bits the retarget rule requires on top of `parent`. */
function retargetBits(chain: Chain, parent: MinedBlock): number {
  const entry = chain.getEntry(parent.id)!;
  const timeAt = (height: number): number => {
    let e = entry;
    while (e.height > height) e = e.parent!;
    return e.header.time;
  };
  return getNextWorkRequired({ height: entry.height, bits: entry.header.bits, time: entry.header.time }, timeAt, retargeting);
}
