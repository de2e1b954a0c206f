import { expect } from 'chai';
import { coinbaseHeight } from '../../src/consensus/block-check.js';
import { equalBytes, hash32 } from '../../src/consensus/bytes.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { headerHash } from '../../src/consensus/header.js';
import { merkleRoot } from '../../src/consensus/merkle.js';
import { regtest } from '../../src/consensus/params.js';
import { compactToTarget } from '../../src/consensus/pow.js';
import { blockSubsidy } from '../../src/consensus/subsidy.js';
import { isCoinbase, txHash, type Tx } from '../../src/consensus/tx.js';
import type { MempoolSource, MiningChain } from '../../src/mining/mining-chain.js';
import { EMPTY_MEMPOOL } from '../../src/mining/mining-chain.js';
import { blockFromTemplate, buildTemplate, withExtraNonce, withTime } from '../../src/mining/template.js';

const MINER = new Uint8Array(32).fill(9);
const genesis = genesisBlock(regtest);

/** A chain stand-in whose tip is regtest's genesis, at a chosen height. */
function stubChain(height: number, medianTime = regtest.genesis.time): MiningChain {
  return {
    tip: () => ({ hash: headerHash(genesis.header), height, header: genesis.header }),
    nextBits: () => regtest.genesis.bits,
    medianTimePast: () => medianTime,
    submitBlock: async () => ({ accepted: false, reason: 'stub' }),
    onTipChanged: () => () => undefined,
  };
}

function spend(seed: number): Tx {
  return {
    version: 1,
    inputs: [{ prevout: { txHash: hash32(new Uint8Array(32).fill(seed)), index: 0 }, witness: new Uint8Array(64).fill(seed) }],
    outputs: [{ value: 1000n, pubkey: new Uint8Array(32).fill(seed) }],
    lockTime: 0,
  };
}

describe('block template', () => {
  it('commits the height in the coinbase and pays the miner the subsidy', () => {
    const t = buildTemplate(stubChain(0), EMPTY_MEMPOOL, { params: regtest, minerPubkey: MINER, now: regtest.genesis.time + 10 });
    expect(t.height).to.equal(1);
    const coinbase = t.txs[0]!;
    expect(isCoinbase(coinbase)).to.equal(true);
    expect(coinbaseHeight(coinbase.inputs[0]!.witness)).to.equal(1);
    const witnessLength = coinbase.inputs[0]!.witness.length;
    expect(witnessLength).to.be.within(2, 100);
    expect(coinbase.outputs).to.have.length(1);
    expect(coinbase.outputs[0]!.value).to.equal(blockSubsidy(1, regtest));
    expect(equalBytes(coinbase.outputs[0]!.pubkey, MINER)).to.equal(true);
  });

  it('pays subsidy + fees after a halving and includes the mempool transactions in order', () => {
    const txs = [spend(1), spend(2)];
    const mempool: MempoolSource = { selectTransactions: () => [{ tx: txs[0]!, fee: 300n }, { tx: txs[1]!, fee: 200n }] };
    const height = regtest.subsidyHalvingInterval; // the block at this height is the first halved one
    const t = buildTemplate(stubChain(height - 1), mempool, { params: regtest, minerPubkey: MINER, now: 0 });
    expect(t.fees).to.equal(500n);
    expect(t.subsidy).to.equal(regtest.initialSubsidy / 2n);
    expect(t.txs[0]!.outputs[0]!.value).to.equal(regtest.initialSubsidy / 2n + 500n);
    expect(t.txs.slice(1)).to.deep.equal(txs);
    expect(coinbaseHeight(t.txs[0]!.inputs[0]!.witness)).to.equal(height);
  });

  it('asks the mempool for no more than the block can hold', () => {
    let asked = -1;
    const mempool: MempoolSource = {
      selectTransactions: (maxBytes) => {
        asked = maxBytes;
        return [];
      },
    };
    buildTemplate(stubChain(0), mempool, { params: regtest, minerPubkey: MINER, now: 0 });
    expect(asked).to.be.greaterThan(0).and.lessThan(regtest.maxBlockSize - 80);
  });

  it('has a merkle root over the coinbase and the transactions, and builds on the tip', () => {
    const mempool: MempoolSource = { selectTransactions: () => [{ tx: spend(3), fee: 1n }] };
    const t = buildTemplate(stubChain(0), mempool, { params: regtest, minerPubkey: MINER, now: 0 });
    expect(equalBytes(t.header.merkleRoot, merkleRoot(t.txs.map(txHash)).root)).to.equal(true);
    expect(equalBytes(t.header.prevHash, headerHash(genesis.header))).to.equal(true);
    expect(t.header.bits).to.equal(regtest.genesis.bits);
    expect(t.target).to.equal(compactToTarget(regtest.genesis.bits).target);
  });

  it('sets the time to max(now, median time past + 1)', () => {
    const mtp = 1_800_000_000;
    const opts = { params: regtest, minerPubkey: MINER };
    expect(buildTemplate(stubChain(5, mtp), EMPTY_MEMPOOL, { ...opts, now: mtp + 100 }).header.time).to.equal(mtp + 100);
    expect(buildTemplate(stubChain(5, mtp), EMPTY_MEMPOOL, { ...opts, now: mtp }).header.time).to.equal(mtp + 1);
    expect(buildTemplate(stubChain(5, mtp), EMPTY_MEMPOOL, { ...opts, now: mtp - 50 }).header.time).to.equal(mtp + 1);
    const t = buildTemplate(stubChain(5, mtp), EMPTY_MEMPOOL, { ...opts, now: mtp });
    expect(withTime(t, mtp + 30).header.time).to.equal(mtp + 30);
    expect(withTime(t, mtp - 30).header.time).to.equal(mtp + 1);
  });

  it('keeps the first block of a retarget period within BIP94 of a parent stamped ahead of the clock', () => {
    const params = { ...regtest, noRetargeting: false, targetTimespan: 200, targetSpacing: 10, maxTimewarp: 10 };
    const parentTime = genesis.header.time; // stubChain's tip
    const opts = { params, minerPubkey: MINER, now: parentTime - 100 };
    // height 20 starts a period: at least the parent's time - 10, although the clock is behind
    expect(buildTemplate(stubChain(19, parentTime - 500), EMPTY_MEMPOOL, opts).header.time).to.equal(parentTime - 10);
    // height 21 does not: the median time past + 1 is the only floor
    expect(buildTemplate(stubChain(20, parentTime - 500), EMPTY_MEMPOOL, opts).header.time).to.equal(parentTime - 100);
  });

  it('rolling the extra nonce changes the coinbase and the merkle root, not the height or the payout', () => {
    const t = buildTemplate(stubChain(3), { selectTransactions: () => [{ tx: spend(4), fee: 5n }] }, { params: regtest, minerPubkey: MINER, now: 0 });
    const rolled = withExtraNonce(t, 1n);
    expect(rolled.extraNonce).to.equal(1n);
    expect(equalBytes(rolled.header.merkleRoot, t.header.merkleRoot)).to.equal(false);
    expect(equalBytes(rolled.header.merkleRoot, merkleRoot(rolled.txs.map(txHash)).root)).to.equal(true);
    expect(coinbaseHeight(rolled.txs[0]!.inputs[0]!.witness)).to.equal(4);
    expect(rolled.txs[0]!.outputs).to.deep.equal(t.txs[0]!.outputs);
    expect(rolled.txs.slice(1)).to.deep.equal(t.txs.slice(1));
  });

  it('puts the found nonce into the block', () => {
    const t = buildTemplate(stubChain(0), EMPTY_MEMPOOL, { params: regtest, minerPubkey: MINER, now: 0 });
    const block = blockFromTemplate(t, 12345);
    expect(block.header.nonce).to.equal(12345);
    expect(t.header.nonce).to.equal(0);
    expect(block.txs).to.equal(t.txs);
  });
});
