import { expect } from 'chai';
import { encodeBlock, type Block } from '../../src/consensus/block.js';
import { checkBlock, checkBlockContext, checkBlockHeader, checkBlockHeaderContext, coinbaseHeight } from '../../src/consensus/block-check.js';
import { ZERO_HASH, hash32, type Hash32 } from '../../src/consensus/bytes.js';
import { headerHash, type BlockHeader } from '../../src/consensus/header.js';
import { merkleRoot } from '../../src/consensus/merkle.js';
import { regtest } from '../../src/consensus/params.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { blockSubsidy } from '../../src/consensus/subsidy.js';
import { NULL_INDEX, txHash, type Outpoint, type Tx } from '../../src/consensus/tx.js';
import { coinbaseTx, genesisOf, KEYS, mineBlock } from '../helpers/blocks.js';

const SIG = new Uint8Array(64).fill(0x5a); // placeholder witness: checkBlock checks no signatures

/** Output `index` of a made-up transaction whose txid is 32 bytes of `b`. */
function outpoint(b: number, index = 0): Outpoint {
  return { txHash: hash32(new Uint8Array(32).fill(b)), index };
}

/** A spend of a made-up outpoint paying `value` to KEYS[1] (placeholder signature). */
function spend(prevout: Outpoint, value = 1000n): Tx {
  return { version: 1, inputs: [{ prevout, witness: SIG }], outputs: [{ value, pubkey: KEYS[1]!.pubkey }], lockTime: 0 };
}

/** The coinbase a block at height 1 on regtest genesis would have. */
function coinbase(extraNonce = 0): Tx {
  return coinbaseTx(1, KEYS[0]!.pubkey, blockSubsidy(1, regtest), extraNonce);
}

/** A header on regtest genesis committing to `txs`, mined so it passes high-hash. */
function minedBlock(txs: Tx[], root: Hash32 = merkleRoot(txs.map(txHash)).root): Block {
  const genesis = genesisOf(regtest);
  const header: BlockHeader = {
    version: 1,
    prevHash: genesis.hash,
    merkleRoot: root,
    time: genesis.block.header.time + regtest.targetSpacing,
    bits: genesis.block.header.bits,
    nonce: 0,
  };
  while (!checkProofOfWork(headerHash(header), header.bits, regtest).ok) header.nonce++;
  return { header, txs };
}

describe('checkBlock', () => {
  it('accepts a mined block with a coinbase and spends', () => {
    const { block } = mineBlock(regtest, genesisOf(regtest), { txs: [spend(outpoint(1)), spend(outpoint(2))] });
    expect(checkBlock(block, regtest)).to.deep.equal({ ok: true });
  });

  it('rejects a header whose hash is above its target (high-hash)', () => {
    const { block } = mineBlock(regtest, genesisOf(regtest), { unmined: true });
    expect(checkBlock(block, regtest)).to.include({ ok: false, reason: 'high-hash' });
    expect(checkBlockHeader(block.header, regtest)).to.include({ ok: false, reason: 'high-hash' });
  });

  it('rejects a body swapped under a mined header (bad-txnmrklroot)', () => {
    const { block } = mineBlock(regtest, genesisOf(regtest), { txs: [spend(outpoint(1))] });
    const swapped = { header: block.header, txs: [block.txs[0]!, spend(outpoint(1), 999n)] };
    expect(checkBlock(swapped, regtest)).to.include({ ok: false, reason: 'bad-txnmrklroot' });
  });

  it('rejects a repeated last transaction that keeps the merkle root (bad-txns-duplicate, CVE-2012-2459)', () => {
    const a = spend(outpoint(1));
    const b = spend(outpoint(2));
    const honest = minedBlock([coinbase(), a, b]);
    const mutated = { header: honest.header, txs: [coinbase(), a, b, b] };
    expect(merkleRoot(mutated.txs.map(txHash)).root).to.deep.equal(honest.header.merkleRoot);
    expect(checkBlock(honest, regtest)).to.deep.equal({ ok: true });
    expect(checkBlock(mutated, regtest)).to.include({ ok: false, reason: 'bad-txns-duplicate' });
  });

  it('rejects a block without transactions (bad-blk-length)', () => {
    const block = minedBlock([], hash32(ZERO_HASH.slice()));
    expect(checkBlock(block, regtest)).to.include({ ok: false, reason: 'bad-blk-length' });
  });

  it('accepts a block of exactly maxBlockSize bytes', () => {
    const block = minedBlock([coinbase(), spend(outpoint(1))]);
    const params = { ...regtest, maxBlockSize: encodeBlock(block).length };
    expect(checkBlock(block, params)).to.deep.equal({ ok: true });
  });

  it('rejects a block one byte over maxBlockSize (bad-blk-length)', () => {
    const block = minedBlock([coinbase(), spend(outpoint(1))]);
    const params = { ...regtest, maxBlockSize: encodeBlock(block).length - 1 };
    expect(checkBlock(block, params)).to.include({ ok: false, reason: 'bad-blk-length' });
  });

  it('rejects a block whose first transaction is not a coinbase (bad-cb-missing)', () => {
    const block = minedBlock([spend(outpoint(1)), coinbase()]);
    expect(checkBlock(block, regtest)).to.include({ ok: false, reason: 'bad-cb-missing' });
  });

  it('rejects a second coinbase after the first (bad-cb-multiple)', () => {
    const block = minedBlock([coinbase(0), spend(outpoint(1)), coinbase(1)]);
    expect(checkBlock(block, regtest)).to.deep.equal({ ok: false, reason: 'bad-cb-multiple', debug: 'transaction 2 is a second coinbase' });
  });

  it('surfaces a checkTransaction reason and names the transaction (bad-txns-vout-empty)', () => {
    const noOutputs: Tx = { ...spend(outpoint(2)), outputs: [] };
    const block = minedBlock([coinbase(), spend(outpoint(1)), noOutputs]);
    const verdict = checkBlock(block, regtest);
    expect(verdict).to.include({ ok: false, reason: 'bad-txns-vout-empty' });
    expect(verdict.ok === false && verdict.debug).to.match(/^tx 2: /);
  });

  it('checks the coinbase itself too (bad-cb-length)', () => {
    const shortData: Tx = { ...coinbase(), inputs: [{ prevout: { txHash: hash32(ZERO_HASH.slice()), index: NULL_INDEX }, witness: new Uint8Array(1) }] };
    const verdict = checkBlock(minedBlock([shortData]), regtest);
    expect(verdict).to.include({ ok: false, reason: 'bad-cb-length' });
    expect(verdict.ok === false && verdict.debug).to.match(/^tx 0: /);
  });

  it('reports proof of work before the merkle root, in Core\'s order (high-hash)', () => {
    const { block } = mineBlock(regtest, genesisOf(regtest), { unmined: true, txs: [spend(outpoint(1))] });
    const swapped = { header: block.header, txs: [block.txs[0]!, spend(outpoint(3))] };
    expect(checkBlock(swapped, regtest)).to.include({ ok: false, reason: 'high-hash' });
  });

  it('reports the merkle root before the size limit, in Core\'s order (bad-txnmrklroot)', () => {
    const { block } = mineBlock(regtest, genesisOf(regtest));
    expect(checkBlock({ header: block.header, txs: [] }, regtest)).to.include({ ok: false, reason: 'bad-txnmrklroot' });
  });

  it('reports the size limit before a missing coinbase, in Core\'s order (bad-blk-length)', () => {
    const block = minedBlock([spend(outpoint(1))]);
    const params = { ...regtest, maxBlockSize: encodeBlock(block).length - 1 };
    expect(checkBlock(block, params)).to.include({ ok: false, reason: 'bad-blk-length' });
  });
});

describe('checkBlockHeaderContext', () => {
  /** A mined header at height 1 with the context that accepts it. */
  function setup(opts: { bits?: number } = {}) {
    const { block } = mineBlock(regtest, genesisOf(regtest), opts);
    const time = block.header.time;
    return { header: block.header, ctx: { expectedBits: regtest.genesis.bits, medianTimePast: time - 1, now: time } };
  }

  it('accepts a header with the expected bits and a time between the median and now + drift', () => {
    const { header, ctx } = setup();
    expect(checkBlockHeaderContext(header, ctx, regtest)).to.deep.equal({ ok: true });
  });

  it('rejects bits harder than the retarget rule requires, even though the hash meets them (bad-diffbits)', () => {
    const { header, ctx } = setup({ bits: 0x1f7fffff });
    expect(checkBlockHeader(header, regtest)).to.deep.equal({ ok: true });
    expect(checkBlockHeaderContext(header, ctx, regtest)).to.deep.equal({ ok: false, reason: 'bad-diffbits', debug: 'bits 0x1f7fffff, expected 0x207fffff' });
  });

  it('rejects a time equal to the median time past (time-too-old)', () => {
    const { header, ctx } = setup();
    expect(checkBlockHeaderContext(header, { ...ctx, medianTimePast: header.time }, regtest)).to.include({ ok: false, reason: 'time-too-old' });
  });

  it('accepts a time one second above the median time past', () => {
    const { header, ctx } = setup();
    expect(checkBlockHeaderContext(header, { ...ctx, medianTimePast: header.time - 1 }, regtest)).to.deep.equal({ ok: true });
  });

  it('rejects a time one second beyond now + maxFutureDrift (time-too-new)', () => {
    const { header, ctx } = setup();
    const now = header.time - regtest.maxFutureDrift - 1;
    expect(checkBlockHeaderContext(header, { ...ctx, now }, regtest)).to.include({ ok: false, reason: 'time-too-new' });
  });

  it('accepts a time of exactly now + maxFutureDrift', () => {
    const { header, ctx } = setup();
    const now = header.time - regtest.maxFutureDrift;
    expect(checkBlockHeaderContext(header, { ...ctx, now }, regtest)).to.deep.equal({ ok: true });
  });

  it('reports bits before time, in Core\'s order (bad-diffbits)', () => {
    const { header, ctx } = setup({ bits: 0x1f7fffff });
    expect(checkBlockHeaderContext(header, { ...ctx, medianTimePast: header.time }, regtest)).to.include({ ok: false, reason: 'bad-diffbits' });
  });
});

describe('checkBlockContext', () => {
  it('accepts a coinbase committing to the block\'s height', () => {
    const mined = mineBlock(regtest, genesisOf(regtest));
    expect(checkBlockContext(mined.block, mined.height)).to.deep.equal({ ok: true });
  });

  it('rejects a coinbase committing to another height (bad-cb-height)', () => {
    const mined = mineBlock(regtest, genesisOf(regtest), { coinbaseHeight: 2 });
    expect(checkBlock(mined.block, regtest)).to.deep.equal({ ok: true });
    expect(checkBlockContext(mined.block, mined.height)).to.deep.equal({ ok: false, reason: 'bad-cb-height', debug: 'coinbase commits to height 2, block is at 1' });
  });

  it('rejects a coinbase whose data is shorter than 4 bytes, even if its bytes read as the height (bad-cb-height)', () => {
    const cb = coinbase();
    const threeBytes: Tx = { ...cb, inputs: [{ prevout: cb.inputs[0]!.prevout, witness: new Uint8Array([1, 0, 0]) }] };
    const block = minedBlock([threeBytes]);
    expect(checkBlock(block, regtest)).to.deep.equal({ ok: true });
    expect(checkBlockContext(block, 1)).to.include({ ok: false, reason: 'bad-cb-height' });
  });
});

describe('coinbaseHeight', () => {
  it('reads the first 4 bytes as u32 little-endian and ignores the rest', () => {
    expect(coinbaseHeight(new Uint8Array([0x01, 0x02, 0x03, 0x04, 0xff]))).to.equal(0x04030201);
  });

  it('reads from a view into a larger buffer at its own offset', () => {
    const buffer = new Uint8Array([0xaa, 0xbb, 0x07, 0x00, 0x00, 0x00]);
    expect(coinbaseHeight(buffer.subarray(2))).to.equal(7);
  });

  it('returns undefined for fewer than 4 bytes', () => {
    expect(coinbaseHeight(new Uint8Array(3))).to.equal(undefined);
  });
});
