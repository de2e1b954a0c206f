import { expect } from 'chai';
import { COIN, MAX_MONEY } from '../../src/consensus/subsidy.js';
import { encodeTx, txid, type Tx } from '../../src/consensus/tx.js';
import type { MempoolEntry, RemovalReason } from '../../src/mempool/mempool-entry.js';
import type { MempoolSource } from '../../src/mining/mining-chain.js';
import { coinbaseTx, KEYS, mineBlock } from '../helpers/blocks.js';
import { outputOf, params, poolWith, snapshot, spend, type TestCoin } from './fixture.js';
import { hash32 } from '../../src/consensus/bytes.js';

/** Size of a one-input, one-output transaction: fees below are chosen per byte from it. */
const SIZE_1_1 = 151;

function removals(mempool: { on(e: 'removed', l: (entry: MempoolEntry, reason: RemovalReason) => void): unknown }): [string, RemovalReason][] {
  const out: [string, RemovalReason][] = [];
  mempool.on('removed', (entry, reason) => out.push([entry.txid, reason]));
  return out;
}

describe('mempool', () => {
  describe('accepting', () => {
    it('accepts a valid spend of a mature coin and reports its entry', async () => {
      const { mempool, coinbases } = await poolWith(4);
      const tx = spend([coinbases[0]!], 1000n);
      const added: string[] = [];
      mempool.on('added', (e) => added.push(e.txid));
      const v = await mempool.accept(tx);
      expect(v.ok).to.equal(true);
      if (!v.ok) return;
      expect(encodeTx(tx).length).to.equal(SIZE_1_1);
      expect(v.entry).to.deep.include({ txid: txid(tx), fee: 1000n, size: SIZE_1_1, time: 1_000_000, ancestors: 0 });
      expect(v.entry.feeRate).to.be.closeTo(1000 / SIZE_1_1, 1e-9);
      expect(mempool.has(txid(tx))).to.equal(true);
      expect(mempool.get(txid(tx))?.fee).to.equal(1000n);
      expect(added).to.deep.equal([txid(tx)]);
      expect(mempool.info()).to.deep.include({ count: 1, bytes: SIZE_1_1, minFeeRate: 1 });
    });

    it('accepts a chain of 3 unconfirmed transactions, each spending its parent', async () => {
      const { mempool, coinbases } = await poolWith(4);
      const a = spend([coinbases[0]!], 1000n);
      const b = spend([outputOf(a)], 1000n, { to: KEYS[2]! });
      const c = spend([outputOf(b, 0, KEYS[2]!)], 1000n);
      for (const tx of [a, b, c]) expect((await mempool.accept(tx)).ok).to.equal(true);
      expect([a, b, c].map((tx) => mempool.get(txid(tx))!.ancestors)).to.deep.equal([0, 1, 2]);
      expect(mempool.selectTransactions(1_000_000).map((t) => txid(t.tx))).to.deep.equal([a, b, c].map((tx) => txid(tx)));
    });

    it('names the pool transaction spending a confirmed or an unconfirmed outpoint', async () => {
      const { mempool, coinbases } = await poolWith(4);
      const a = spend([coinbases[0]!], 1000n);
      const b = spend([outputOf(a)], 1000n);
      await mempool.accept(a);
      await mempool.accept(b);
      expect(mempool.spender(coinbases[0]!.outpoint)).to.equal(txid(a));
      expect(mempool.spender(outputOf(a).outpoint)).to.equal(txid(b));
      expect(mempool.spender(coinbases[1]!.outpoint)).to.equal(undefined);
    });

    it('rejects a spend of an outpoint a pool transaction spends and leaves the pool unchanged (txn-mempool-conflict)', async () => {
      const { mempool, coinbases } = await poolWith(4);
      const first = spend([coinbases[0]!], 1000n);
      const second = spend([coinbases[0]!], 5000n, { to: KEYS[2]! });
      await mempool.accept(first);
      const before = snapshot(mempool);
      expect(await mempool.accept(second)).to.deep.include({ ok: false, reason: 'txn-mempool-conflict' });
      expect(snapshot(mempool)).to.deep.equal(before);
      expect(mempool.has(txid(first))).to.equal(true);
    });

    it('rejects the same transaction twice (txn-already-in-mempool)', async () => {
      const { mempool, coinbases } = await poolWith(4);
      const tx = spend([coinbases[0]!], 1000n);
      await mempool.accept(tx);
      expect(await mempool.accept(tx)).to.deep.include({ ok: false, reason: 'txn-already-in-mempool' });
      expect(mempool.count).to.equal(1);
    });
  });

  describe('rejecting bad transactions', () => {
    async function expectRejected(tx: Tx, reason: string, blocks = 4): Promise<void> {
      const { mempool, coinbases } = await poolWith(blocks);
      // Something already in the pool, so "unchanged" means more than "still empty".
      await mempool.accept(spend([coinbases[1]!], 1000n));
      const before = snapshot(mempool);
      const events: string[] = [];
      mempool.on('added', () => events.push('added')).on('removed', () => events.push('removed'));
      const v = await mempool.accept(tx);
      expect(v).to.deep.include({ ok: false, reason });
      expect(snapshot(mempool)).to.deep.equal(before);
      expect(events).to.deep.equal([]);
    }

    it('rejects a signature that does not verify (bad-txns-sig)', async () => {
      const { coinbases } = await poolWith(4);
      const tx = spend([coinbases[0]!], 1000n);
      tx.inputs[0]!.witness = tx.inputs[0]!.witness.slice();
      tx.inputs[0]!.witness[10]! ^= 1;
      await expectRejected(tx, 'bad-txns-sig');
    });

    it('rejects a signature by the wrong key (bad-txns-sig)', async () => {
      const { coinbases } = await poolWith(4);
      await expectRejected(spend([{ ...coinbases[0]!, key: KEYS[3]! }], 1000n), 'bad-txns-sig');
    });

    it('rejects a spend of a coinbase one block before maturity (bad-txns-premature-spend-of-coinbase)', async () => {
      const { coinbases } = await poolWith(4);
      // Tip height 4, the spend counts as height 5: block 4's coinbase is at depth 1, maturity is 2.
      await expectRejected(spend([coinbases[3]!], 1000n), 'bad-txns-premature-spend-of-coinbase');
    });

    it('accepts a spend of a coinbase exactly at maturity', async () => {
      const { mempool, coinbases } = await poolWith(4);
      // Block 3's coinbase at spend height 5: depth 2 = coinbaseMaturity.
      expect((await mempool.accept(spend([coinbases[2]!], 1000n))).ok).to.equal(true);
    });

    it('rejects a transaction spending one outpoint twice (bad-txns-inputs-duplicate)', async () => {
      const { coinbases } = await poolWith(4);
      await expectRejected(spend([coinbases[0]!, coinbases[0]!], 1000n), 'bad-txns-inputs-duplicate');
    });

    it('rejects an output above MAX_MONEY (bad-txns-vout-toolarge)', async () => {
      const { coinbases } = await poolWith(4);
      const tx = spend([coinbases[0]!], 1000n);
      tx.outputs[0]!.value = MAX_MONEY + 1n;
      await expectRejected(tx, 'bad-txns-vout-toolarge');
    });

    it('rejects a negative output (bad-txns-vout-negative)', async () => {
      const { coinbases } = await poolWith(4);
      const tx = spend([coinbases[0]!], 1000n);
      tx.outputs[0]!.value = -1n;
      await expectRejected(tx, 'bad-txns-vout-negative');
    });

    it('rejects outputs paying more than the inputs (bad-txns-in-belowout)', async () => {
      const { coinbases } = await poolWith(4);
      await expectRejected(spend([coinbases[0]!], -1n), 'bad-txns-in-belowout');
    });

    it('rejects a spend of an outpoint that does not exist (bad-txns-inputs-missingorspent)', async () => {
      const missing: TestCoin = { outpoint: { txHash: hash32(new Uint8Array(32).fill(7)), index: 0 }, value: COIN, key: KEYS[0]! };
      await expectRejected(spend([missing], 1000n), 'bad-txns-inputs-missingorspent');
    });

    it('rejects a loose coinbase (coinbase)', async () => {
      await expectRejected(coinbaseTx(5, KEYS[0]!.pubkey, COIN), 'coinbase');
    });

    it('rejects a fee below the minimum fee rate (min relay fee not met)', async () => {
      const { coinbases } = await poolWith(4);
      // The minimum is 1 unit per byte: one unit short of the size.
      await expectRejected(spend([coinbases[0]!], BigInt(SIZE_1_1 - 1)), 'min relay fee not met');
    });

    it('accepts a fee of exactly the minimum fee rate', async () => {
      const { mempool, coinbases } = await poolWith(4);
      expect((await mempool.accept(spend([coinbases[0]!], BigInt(SIZE_1_1)))).ok).to.equal(true);
    });

    it('rejects a transaction with too many unconfirmed ancestors (too-long-mempool-chain)', async () => {
      const { mempool, coinbases } = await poolWith(4, { policy: { maxAncestors: 3 } });
      let coin = coinbases[0]!;
      for (let i = 0; i < 3; i++) {
        const tx = spend([coin], 1000n, { to: KEYS[0]! });
        expect((await mempool.accept(tx)).ok).to.equal(true);
        coin = outputOf(tx, 0, KEYS[0]!);
      }
      const before = snapshot(mempool);
      expect(await mempool.accept(spend([coin], 1000n))).to.deep.include({ ok: false, reason: 'too-long-mempool-chain' });
      expect(snapshot(mempool)).to.deep.equal(before);
    });
  });

  describe('ordering, limits and expiry', () => {
    it('selects a low-fee parent ahead of a richer single transaction when its child pays for it', async () => {
      const { mempool, coinbases } = await poolWith(5);
      const parent = spend([coinbases[0]!], BigInt(SIZE_1_1)); // 1 unit/byte
      const single = spend([coinbases[1]!], BigInt(SIZE_1_1 * 20)); // 20 units/byte
      const child = spend([outputOf(parent)], BigInt(SIZE_1_1 * 100)); // package: ~50 units/byte
      for (const tx of [parent, single, child]) expect((await mempool.accept(tx)).ok).to.equal(true);
      const source: MempoolSource = mempool;
      expect(source.selectTransactions(1_000_000).map((t) => txid(t.tx))).to.deep.equal([parent, child, single].map((tx) => txid(tx)));
      expect(source.selectTransactions(1_000_000).map((t) => t.fee)).to.deep.equal([BigInt(SIZE_1_1), BigInt(SIZE_1_1 * 100), BigInt(SIZE_1_1 * 20)]);
      // Room for two: the parent's package (parent and child) goes in ahead of the richer single transaction.
      expect(mempool.selectTransactions(2 * SIZE_1_1).map((t) => txid(t.tx))).to.deep.equal([parent, child].map((tx) => txid(tx)));
    });

    it('keeps selected transactions within maxBytes', async () => {
      const { mempool, coinbases } = await poolWith(5);
      for (const c of coinbases.slice(0, 3)) await mempool.accept(spend([c], 1000n));
      expect(mempool.selectTransactions(2 * SIZE_1_1 + 10)).to.have.length(2);
      expect(mempool.selectTransactions(SIZE_1_1 - 1)).to.have.length(0);
    });

    it('evicts the lowest package fee rate with its descendants when full', async () => {
      const { mempool, coinbases } = await poolWith(6, { policy: { maxBytes: Math.floor(3.5 * SIZE_1_1) } });
      const low = spend([coinbases[0]!], BigInt(SIZE_1_1)); // 1/byte
      const lowChild = spend([outputOf(low)], BigInt(SIZE_1_1 * 3)); // package 2/byte
      const high = spend([coinbases[1]!], BigInt(SIZE_1_1 * 10));
      for (const tx of [low, lowChild, high]) expect((await mempool.accept(tx)).ok).to.equal(true);
      const removed = removals(mempool);
      const mid = spend([coinbases[2]!], BigInt(SIZE_1_1 * 5));
      expect((await mempool.accept(mid)).ok).to.equal(true);
      expect(removed).to.deep.equal([
        [txid(low), 'evicted'],
        [txid(lowChild), 'evicted'],
      ]);
      expect(mempool.entries().map((e) => e.txid)).to.deep.equal([high, mid].map((tx) => txid(tx)));
      expect(mempool.bytes).to.equal(2 * SIZE_1_1);
    });

    it('rejects a transaction that would be the first evicted when full (mempool full)', async () => {
      const { mempool, coinbases } = await poolWith(6, { policy: { maxBytes: 2 * SIZE_1_1 } });
      for (const c of coinbases.slice(0, 2)) await mempool.accept(spend([c], BigInt(SIZE_1_1 * 10)));
      const before = snapshot(mempool);
      expect(await mempool.accept(spend([coinbases[2]!], BigInt(SIZE_1_1 * 2)))).to.deep.include({ ok: false, reason: 'mempool full' });
      expect(snapshot(mempool)).to.deep.equal(before);
    });

    it('expires entries older than the expiry with their descendants, and keeps one exactly at it', async () => {
      let now = 1_000_000;
      const { mempool, coinbases } = await poolWith(5, { clock: () => now, policy: { expirySeconds: 100 } });
      const old = spend([coinbases[0]!], 1000n);
      await mempool.accept(old);
      now += 50;
      const child = spend([outputOf(old)], 1000n);
      const other = spend([coinbases[1]!], 1000n);
      await mempool.accept(child);
      await mempool.accept(other);
      const removed = removals(mempool);
      expect(await mempool.expire(1_000_100)).to.equal(0);
      expect(await mempool.expire(1_000_101)).to.equal(2);
      expect(removed).to.deep.equal([
        [txid(old), 'expired'],
        [txid(child), 'expired'],
      ]);
      expect(mempool.entries().map((e) => e.txid)).to.deep.equal([txid(other)]);
    });

    it('counts entries in fee-rate buckets', async () => {
      const { mempool, coinbases } = await poolWith(5);
      await mempool.accept(spend([coinbases[0]!], BigInt(SIZE_1_1))); // 1/byte
      await mempool.accept(spend([coinbases[1]!], BigInt(SIZE_1_1 * 12))); // 12/byte
      await mempool.accept(spend([coinbases[2]!], BigInt(SIZE_1_1 * 14))); // 14/byte
      const nonEmpty = mempool.info().histogram.filter((b) => b.count > 0);
      expect(nonEmpty).to.deep.equal([
        { feeRate: 1, count: 1, bytes: SIZE_1_1 },
        { feeRate: 10, count: 2, bytes: 2 * SIZE_1_1 },
      ]);
    });
  });

  describe('following the chain', () => {
    it('removes transactions a connected block confirms, keeping their children', async () => {
      const { chain, mempool, blocks, coinbases } = await poolWith(4);
      const parent = spend([coinbases[0]!], 1000n);
      const child = spend([outputOf(parent)], 1000n);
      await mempool.accept(parent);
      await mempool.accept(child);
      const removed = removals(mempool);
      const next = mineBlock(params, blocks[3]!, { txs: [parent] });
      expect((await chain.processBlock(next.block)).status).to.equal('connected');
      await mempool.idle();
      expect(removed).to.deep.equal([[txid(parent), 'confirmed']]);
      expect(mempool.get(txid(child))?.ancestors).to.equal(0);
    });

    it('removes a pool transaction that a connected block double-spends, with its descendants (conflict)', async () => {
      const { chain, mempool, blocks, coinbases } = await poolWith(4);
      const pooled = spend([coinbases[0]!], 1000n);
      const child = spend([outputOf(pooled)], 1000n);
      const kept = spend([coinbases[1]!], 1000n);
      for (const tx of [pooled, child, kept]) await mempool.accept(tx);
      const removed = removals(mempool);
      const rival = spend([coinbases[0]!], 2000n, { to: KEYS[2]! });
      expect((await chain.processBlock(mineBlock(params, blocks[3]!, { txs: [rival] }).block)).status).to.equal('connected');
      await mempool.idle();
      expect(removed).to.deep.equal([
        [txid(pooled), 'conflict'],
        [txid(child), 'conflict'],
      ]);
      expect(mempool.entries().map((e) => e.txid)).to.deep.equal([txid(kept)]);
    });

    it('returns a disconnected block\'s transactions on a reorg and drops the one the winning branch double-spends', async () => {
      const { chain, mempool, blocks, coinbases } = await poolWith(4);
      const survivor = spend([coinbases[0]!], 1000n);
      const survivorChild = spend([outputOf(survivor)], 1000n);
      const loser = spend([coinbases[1]!], 1000n);
      const a5 = mineBlock(params, blocks[3]!, { txs: [survivor, survivorChild, loser] });
      expect((await chain.processBlock(a5.block)).status).to.equal('connected');
      await mempool.idle();
      expect(mempool.count).to.equal(0);

      const added: string[] = [];
      const dropped: unknown[] = [];
      mempool.on('added', (e) => added.push(e.txid));
      mempool.on('dropped', (d) => dropped.push({ txid: d.txid, reason: d.reason, rejection: d.rejection, conflictsWith: d.conflictsWith }));
      const winner = spend([coinbases[1]!], 3000n, { to: KEYS[2]! });
      const b5 = mineBlock(params, blocks[3]!, { txs: [winner], extraNonce: 1 });
      const b6 = mineBlock(params, b5);
      expect((await chain.processBlock(b5.block)).status).to.equal('accepted');
      const outcome = await chain.processBlock(b6.block);
      expect(outcome).to.deep.include({ status: 'connected' });
      await mempool.idle();

      expect(added).to.deep.equal([txid(survivor), txid(survivorChild)]);
      expect(mempool.get(txid(survivorChild))?.ancestors).to.equal(1);
      expect(dropped).to.deep.equal([{ txid: txid(loser), reason: 'conflict', rejection: 'bad-txns-inputs-missingorspent', conflictsWith: txid(winner) }]);
      expect(mempool.has(txid(winner))).to.equal(false);
    });

    it('removes a pool transaction spending a coinbase that a reorg takes away (reorg)', async () => {
      const { chain, mempool, blocks } = await poolWith(4);
      // A longer branch from block 1 takes block 2, and with it the coinbase the pool transaction spends.
      const b2 = mineBlock(params, blocks[0]!, { extraNonce: 9 });
      const b3 = mineBlock(params, b2);
      const b4 = mineBlock(params, b3);
      const b5 = mineBlock(params, b4);
      const spendsOld = spend([{ ...outputOf(blocks[1]!.block.txs[0]!), key: KEYS[0]! }], 1000n);
      expect((await mempool.accept(spendsOld)).ok).to.equal(true);
      const removed = removals(mempool);
      for (const b of [b2, b3, b4]) await chain.processBlock(b.block);
      expect((await chain.processBlock(b5.block)).status).to.equal('connected');
      await mempool.idle();
      expect(removed).to.deep.equal([[txid(spendsOld), 'reorg']]);
    });
  });
});
