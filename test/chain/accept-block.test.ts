import { expect } from 'chai';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { COIN } from '../../src/consensus/subsidy.js';
import { coinbaseOutpoint, genesisOf, KEYS, mineBlock, mineChain, spendTx, type MinedBlock } from '../helpers/blocks.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import type { Chain } from '../../src/chain/chain.js';

const params: NetworkParams = { ...regtest, name: 'regtest-quick', coinbaseMaturity: 2 };

async function chainWith(blocks: number, options = {}): Promise<{ chain: Chain; blocks: MinedBlock[] }> {
  const chain = await memoryChain(params, options);
  const mined = mineChain(params, genesisOf(params), blocks);
  for (const b of mined) expect((await chain.processBlock(b.block)).status).to.equal('connected');
  return { chain, blocks: mined };
}

function spendCoinbase(of: MinedBlock, value = 49n * COIN) {
  const coin = { value: of.block.txs[0]!.outputs[0]!.value, pubkey: KEYS[0]!.pubkey };
  return spendTx([{ outpoint: coinbaseOutpoint(of), coin, privateKey: KEYS[0]!.privateKey }], [{ value, pubkey: KEYS[1]!.pubkey }]);
}

describe('block acceptance', () => {
  it('connects a valid block on the tip', async () => {
    const { chain, blocks } = await chainWith(2);
    expect(chain.height).to.equal(2);
    expect(chain.tip.id).to.equal(blocks[1]!.id);
  });

  it('reports a block it already has as a duplicate and changes nothing', async () => {
    const { chain, blocks } = await chainWith(2);
    expect(await chain.processBlock(blocks[0]!.block)).to.deep.equal({ status: 'duplicate', blockId: blocks[0]!.id });
    expect(chain.tip.id).to.equal(blocks[1]!.id);
  });

  it('rejects a header above its target without storing it (high-hash)', async () => {
    const { chain, blocks } = await chainWith(1);
    const bad = mineBlock(params, blocks[0]!, { unmined: true });
    expect(await chain.processBlock(bad.block)).to.deep.include({ status: 'rejected', reason: 'high-hash' });
    expect(chain.getEntry(bad.id)).to.equal(undefined);
  });

  it('rejects bits other than the retarget result (bad-diffbits)', async () => {
    const { chain, blocks } = await chainWith(1);
    const bad = mineBlock(params, blocks[0]!, { bits: 0x2007ffff });
    expect(await chain.processBlock(bad.block)).to.deep.include({ status: 'rejected', reason: 'bad-diffbits', permanent: true });
    expect(chain.height).to.equal(1);
  });

  it('rejects a time equal to the median of the last 11 blocks (time-too-old)', async () => {
    const { chain, blocks } = await chainWith(3);
    const bad = mineBlock(params, blocks[2]!, { time: blocks[1]!.block.header.time });
    expect(chain.medianTimePast()).to.equal(blocks[1]!.block.header.time);
    expect(await chain.processBlock(bad.block)).to.deep.include({ status: 'rejected', reason: 'time-too-old' });
  });

  it('rejects a block too far ahead of the clock without marking it invalid (time-too-new)', async () => {
    let now = 0;
    const chain = await memoryChain(params, { clock: () => now });
    const genesis = genesisOf(params);
    const block = mineBlock(params, genesis, { time: genesis.block.header.time + 10_000 });
    now = block.block.header.time - params.maxFutureDrift - 1;
    expect(await chain.processBlock(block.block)).to.deep.include({ status: 'rejected', reason: 'time-too-new', permanent: false });
    now += 1;
    expect(await chain.processBlock(block.block)).to.deep.equal({ status: 'connected', blockId: block.id });
  });

  it('rejects a body that does not match the merkle root without marking the hash invalid (bad-txnmrklroot)', async () => {
    const { chain, blocks } = await chainWith(1);
    const good = mineBlock(params, blocks[0]!);
    const mutated = { header: good.block.header, txs: [mineBlock(params, blocks[0]!, { extraNonce: 3 }).block.txs[0]!] };
    expect(await chain.processBlock(mutated)).to.deep.include({ status: 'rejected', reason: 'bad-txnmrklroot', permanent: false });
    expect(await chain.processBlock(good.block)).to.deep.equal({ status: 'connected', blockId: good.id });
  });

  it('rejects a coinbase that commits to another height and remembers the block as invalid (bad-cb-height)', async () => {
    const { chain, blocks } = await chainWith(1);
    const bad = mineBlock(params, blocks[0]!, { coinbaseHeight: 7 });
    expect(await chain.processBlock(bad.block)).to.deep.include({ status: 'rejected', reason: 'bad-cb-height', permanent: true });
    expect(await chain.processBlock(bad.block)).to.deep.include({ status: 'rejected', reason: 'duplicate' });
    const child = mineBlock(params, bad);
    expect(await chain.processBlock(child.block)).to.deep.include({ status: 'rejected', reason: 'bad-prevblk' });
  });

  it('rejects a coinbase paying more than subsidy + fees (bad-cb-amount)', async () => {
    const { chain, blocks } = await chainWith(1);
    const bad = mineBlock(params, blocks[0]!, { coinbaseValue: 50n * COIN + 1n });
    expect(await chain.processBlock(bad.block)).to.deep.include({ status: 'rejected', reason: 'bad-cb-amount' });
    expect(chain.height).to.equal(1);
  });

  it('accepts a coinbase paying exactly subsidy + fees', async () => {
    const { chain, blocks } = await chainWith(3);
    const tx = spendCoinbase(blocks[0]!, 48n * COIN);
    const block = mineBlock(params, blocks[2]!, { txs: [tx], fees: 2n * COIN });
    expect(await chain.processBlock(block.block)).to.deep.equal({ status: 'connected', blockId: block.id });
  });

  it('rejects spending a coinbase one block before maturity (bad-txns-premature-spend-of-coinbase)', async () => {
    const { chain, blocks } = await chainWith(2);
    // The coin is from height 2; at height 3 it has 1 confirmation on top, maturity is 2.
    const bad = mineBlock(params, blocks[1]!, { txs: [spendCoinbase(blocks[1]!)], fees: 1n * COIN });
    expect(await chain.processBlock(bad.block)).to.deep.include({ status: 'rejected', reason: 'bad-txns-premature-spend-of-coinbase' });
  });

  it('accepts spending a coinbase exactly at maturity', async () => {
    const { chain, blocks } = await chainWith(2);
    const ok = mineBlock(params, blocks[1]!, { txs: [spendCoinbase(blocks[0]!)], fees: 1n * COIN });
    expect((await chain.processBlock(ok.block)).status).to.equal('connected');
  });

  it('rejects spending a coin that was already spent (bad-txns-inputs-missingorspent)', async () => {
    const { chain, blocks } = await chainWith(2);
    const first = mineBlock(params, blocks[1]!, { txs: [spendCoinbase(blocks[0]!)], fees: 1n * COIN });
    expect((await chain.processBlock(first.block)).status).to.equal('connected');
    const again = mineBlock(params, first, { txs: [spendCoinbase(blocks[0]!, 48n * COIN)], fees: 2n * COIN });
    expect(await chain.processBlock(again.block)).to.deep.include({ status: 'rejected', reason: 'bad-txns-inputs-missingorspent' });
    expect(chain.tip.id).to.equal(first.id);
  });

  it('keeps a block whose parent is unknown as an orphan and connects it when the parent arrives', async () => {
    const chain = await memoryChain(params);
    const [b1, b2, b3] = mineChain(params, genesisOf(params), 3);
    expect(await chain.processBlock(b3!.block)).to.deep.equal({ status: 'orphan', blockId: b3!.id });
    expect(await chain.processBlock(b2!.block)).to.deep.equal({ status: 'orphan', blockId: b2!.id });
    expect(chain.missingParents()).to.deep.equal([b1!.id]);
    expect(await chain.processBlock(b1!.block)).to.deep.equal({ status: 'connected', blockId: b1!.id });
    expect(chain.tip.id).to.equal(b3!.id);
    expect(chain.orphanCount).to.equal(0);
  });

  it('bounds the orphan pool, dropping the oldest orphan first', async () => {
    const chain = await memoryChain(params, { orphanLimits: { maxOrphans: 3, maxOrphanBytes: 1_000_000 } });
    const blocks = mineChain(params, genesisOf(params), 6);
    for (const b of blocks.slice(1)) expect((await chain.processBlock(b.block)).status).to.equal('orphan');
    expect(chain.orphanCount).to.equal(3);
    await chain.processBlock(blocks[0]!.block);
    // blocks 2 and 3 were evicted, so 4..6 still wait for block 2.
    expect(chain.height).to.equal(1);
    expect(chain.missingParents()).to.deep.equal([blocks[2]!.id]);
  });

  it('reports every branch tip with its status', async () => {
    const { chain, blocks } = await chainWith(3);
    const side = mineBlock(params, blocks[0]!, { extraNonce: 4 });
    await chain.processBlock(side.block);
    const headerOnly = mineBlock(params, blocks[1]!, { extraNonce: 5 });
    expect(await chain.processHeader(headerOnly.block.header)).to.deep.equal({ ok: true, blockId: headerOnly.id });
    const invalid = mineBlock(params, blocks[0]!, { extraNonce: 6, coinbaseValue: 51n * COIN });
    const invalidChild = mineBlock(params, invalid, { extraNonce: 6 });
    const invalidGrandchild = mineBlock(params, invalidChild, { extraNonce: 6 });
    for (const b of [invalid, invalidChild, invalidGrandchild]) await chain.processBlock(b.block);

    const tips = chain.getChainTips();
    expect(tips).to.deep.include({ hash: blocks[2]!.id, height: 3, branchLength: 0, status: 'active' });
    expect(tips).to.deep.include({ hash: side.id, height: 2, branchLength: 1, status: 'valid-headers' });
    expect(tips).to.deep.include({ hash: headerOnly.id, height: 3, branchLength: 1, status: 'headers-only' });
    expect(tips).to.deep.include({ hash: invalidGrandchild.id, height: 4, branchLength: 3, status: 'invalid' });
    expect(tips).to.have.length(4);
  });

  it('reports a branch it was on and left as valid-fork', async () => {
    const { chain, blocks } = await chainWith(2);
    const other = mineChain(params, blocks[0]!, 2, () => ({ extraNonce: 8 }));
    for (const b of other) await chain.processBlock(b.block);
    const longer = mineBlock(params, other[1]!, { extraNonce: 8 });
    await chain.processBlock(longer.block);
    expect(chain.getChainTips()).to.deep.include({ hash: blocks[1]!.id, height: 2, branchLength: 1, status: 'valid-fork' });
  });
});

describe('block acceptance: BIP94 time-warp rule', () => {
  const bip94: NetworkParams = { ...regtest, name: 'regtest-bip94', noRetargeting: false, targetTimespan: 200, targetSpacing: 10, maxTimewarp: 10 };

  async function periodOf(): Promise<{ chain: Chain; last: MinedBlock; bits: number }> {
    const chain = await memoryChain(bip94);
    const mined = mineChain(bip94, genesisOf(bip94), 19);
    for (const b of mined) expect((await chain.processBlock(b.block)).status).to.equal('connected');
    return { chain, last: mined[18]!, bits: chain.nextBits() };
  }

  it('rejects the first block of a period stamped more than maxTimewarp before its parent (time-timewarp-attack)', async () => {
    const { chain, last, bits } = await periodOf();
    const warped = mineBlock(bip94, last, { bits, time: last.block.header.time - 11 });
    expect(await chain.processBlock(warped.block)).to.deep.include({ status: 'rejected', reason: 'time-timewarp-attack', permanent: true });
    expect(chain.height).to.equal(19);
  });

  it('connects the first block of a period stamped exactly maxTimewarp before its parent', async () => {
    const { chain, last, bits } = await periodOf();
    const block = mineBlock(bip94, last, { bits, time: last.block.header.time - 10 });
    expect((await chain.processBlock(block.block)).status).to.equal('connected');
  });
});
