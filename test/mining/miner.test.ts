import { expect } from 'chai';
import { coinbaseHeight } from '../../src/consensus/block-check.js';
import { bytesToHex, equalBytes } from '../../src/consensus/bytes.js';
import { headerHash } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import { Miner, type MinedBlock } from '../../src/mining/miner.js';
import type { Block } from '../../src/consensus/block.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { EMPTY_MEMPOOL, miningChainOf, type MiningChain } from '../../src/mining/mining-chain.js';
import { NoncePool } from '../../src/mining/nonce-pool.js';
import { blockFromTemplate, buildTemplate, type BlockTemplate } from '../../src/mining/template.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { viewOf } from '../../src/chain/chain-view.js';

const MINER = new Uint8Array(32).fill(0x11);
const PEER = new Uint8Array(32).fill(0x22);
/** A target of 1: no header meets it, so a search only ends by stop or exhaustion. */
const IMPOSSIBLE_BITS = 0x03000001;
const clock = (): number => regtest.genesis.time + 3600;

/** The chain, but asking for an impossible target while `hard()` says so. */
function withHardBits(chain: MiningChain, hard: () => boolean): MiningChain {
  return {
    tip: () => chain.tip(),
    nextBits: () => (hard() ? IMPOSSIBLE_BITS : chain.nextBits()),
    medianTimePast: () => chain.medianTimePast(),
    submitBlock: (block) => chain.submitBlock(block),
    onTipChanged: (listener) => chain.onTipChanged(listener),
  };
}

/** A real regtest chain (src/chain over a memory store) seen through the mining interface. */
async function regtestChain(): Promise<MiningChain> {
  const chain = await memoryChain(regtest);
  return miningChainOf(viewOf(chain), (block) => chain.processBlock(block));
}

/** A peer's block on the chain's tip, mined in this thread with the reference hash. */
function peerBlock(chain: MiningChain): Block {
  const template = buildTemplate(chain, EMPTY_MEMPOOL, { params: regtest, minerPubkey: PEER, now: clock(), extraNonce: 7n });
  for (let nonce = 0; ; nonce++) {
    const block = blockFromTemplate(template, nonce);
    if (checkProofOfWork(headerHash(block.header), block.header.bits, regtest).ok) return block;
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('miner', () => {
  let pool: NoncePool;

  before(async () => {
    pool = new NoncePool({ workers: 2, sliceNonces: 1 << 16 });
    await pool.ready();
  });

  after(async () => {
    await pool.destroy();
  });

  it('the pool mines real regtest blocks that the chain accepts; a new tip mid-search stops every worker and the next block builds on the new tip', async () => {
    const chain = await regtestChain();
    const miner = new Miner({ chain, pool, params: regtest, minerPubkey: MINER, clock });
    const mined = await miner.generate(3);
    expect(mined.map((m) => m.accepted)).to.deep.equal([true, true, true]);
    expect(chain.tip().height).to.equal(3);
    mined.forEach((m, i) => {
      expect(m.height).to.equal(i + 1);
      expect(coinbaseHeight(m.block.txs[0]!.inputs[0]!.witness)).to.equal(i + 1);
      expect(equalBytes(m.block.txs[0]!.outputs[0]!.pubkey, MINER)).to.equal(true);
    });

    // The next search cannot succeed until a peer's block moves the tip.
    let hard = true;
    const slowMiner = new Miner({ chain: withHardBits(chain, () => hard), pool, params: regtest, minerPubkey: MINER, clock });
    const newTips: number[] = [];
    slowMiner.on('newTip', (height) => newTips.push(height));
    const next = slowMiner.generate(1);
    await until(() => pool.searching);
    await new Promise((resolve) => setTimeout(resolve, 50));
    hard = false;
    const peer = peerBlock(chain);
    expect(await chain.submitBlock(peer)).to.deep.equal({ accepted: true });

    const [block] = await next;
    expect(newTips).to.deep.equal([4]);
    expect(block!.accepted).to.equal(true);
    expect(block!.height).to.equal(5);
    expect(bytesToHex(block!.block.header.prevHash)).to.equal(bytesToHex(headerHash(peer.header)));
    expect(chain.tip().height).to.equal(5);
    expect(pool.searching).to.equal(false);
  });

  it('rolls the extra nonce, and so the merkle root, each time a tiny forced nonce range is exhausted', async () => {
    const chain = await regtestChain();
    const miner = new Miner({ chain: withHardBits(chain, () => true), pool, params: regtest, minerPubkey: MINER, clock, nonceRange: { start: 0, end: 64 } });
    const rolled: BlockTemplate[] = [];
    miner.on('extraNonce', (t) => rolled.push(t));
    const generating = miner.generate(1);
    await until(() => rolled.length >= 3);
    await miner.stop();
    expect(await generating).to.deep.equal([]);
    const roots = rolled.map((t) => bytesToHex(t.header.merkleRoot));
    expect(new Set(roots).size).to.equal(roots.length);
    const extraNonces = rolled.map((t) => t.extraNonce);
    expect(extraNonces).to.deep.equal([...extraNonces].sort((a, b) => (a < b ? -1 : 1)));
    for (const t of rolled) {
      expect(t.height).to.equal(1);
      expect(coinbaseHeight(t.txs[0]!.inputs[0]!.witness)).to.equal(1);
    }
    expect(pool.searching).to.equal(false);
  });

  it('mines continuously until stopped, then leaves every worker idle', async () => {
    const chain = await regtestChain();
    const miner = new Miner({ chain, pool, params: regtest, minerPubkey: MINER, clock });
    const found: MinedBlock[] = [];
    miner.on('block', (m) => found.push(m));
    miner.start();
    expect(miner.mining).to.equal(true);
    await until(() => found.length >= 3);
    await miner.stop();
    expect(miner.mining).to.equal(false);
    expect(pool.searching).to.equal(false);
    expect(found.every((m) => m.accepted)).to.equal(true);
    expect(chain.tip().height).to.equal(found.length);
  });

  it('paces continuous mining: mines nothing while its exponential wait runs, and draws a new wait on each new tip', async () => {
    const chain = await regtestChain();
    const draws: number[] = [];
    // u = 0.5 of a one-hour mean: a wait of ln 2 hours, far longer than this test.
    const miner = new Miner({ chain, pool, params: regtest, minerPubkey: MINER, clock, paceMs: 3_600_000, random: () => (draws.push(0.5), 0.5) });
    const found: MinedBlock[] = [];
    miner.on('block', (m) => found.push(m));
    miner.start();
    await until(() => draws.length === 1);
    expect((await chain.submitBlock(peerBlock(chain))).accepted).to.equal(true);
    await until(() => draws.length === 2);
    expect(found).to.deep.equal([]);
    expect(pool.searching).to.equal(false);
    await miner.stop();
    expect(miner.mining).to.equal(false);
    expect(chain.tip().height).to.equal(1);
  });

  it('mines once its pace wait is over (a draw of 0 waits nothing)', async () => {
    const chain = await regtestChain();
    const miner = new Miner({ chain, pool, params: regtest, minerPubkey: MINER, clock, paceMs: 3_600_000, random: () => 0 });
    const found: MinedBlock[] = [];
    miner.on('block', (m) => found.push(m));
    miner.start();
    await until(() => found.length >= 2);
    await miner.stop();
    expect(found.every((m) => m.accepted)).to.equal(true);
  });
});
