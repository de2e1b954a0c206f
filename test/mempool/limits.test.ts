import { expect } from 'chai';
import { encodeTx, txid } from '../../src/consensus/tx.js';
import type { MempoolEntry, RemovalReason } from '../../src/mempool/mempool-entry.js';
import { ROLLING_FEE_HALFLIFE_SECONDS } from '../../src/mempool/rolling-fee.js';
import { KEYS, mineBlock } from '../helpers/blocks.js';
import { outputOf, poolWith, snapshot, spend, type TestCoin } from './fixture.js';
import { hash32 } from '../../src/consensus/bytes.js';

/** Size of a one-input, one-output transaction. */
const SIZE_1_1 = 151;

/** A coin no chain has: a transaction that reaches the input lookup fails bad-txns-inputs-missingorspent. */
function unknownCoin(seed: number): TestCoin {
  return { outpoint: { txHash: hash32(new Uint8Array(32).fill(seed)), index: 0 }, value: 50_000n, key: KEYS[0]! };
}

function removals(mempool: { on(e: 'removed', l: (entry: MempoolEntry, reason: RemovalReason) => void): unknown }): [string, RemovalReason][] {
  const out: [string, RemovalReason][] = [];
  mempool.on('removed', (entry, reason) => out.push([entry.txid, reason]));
  return out;
}

describe('mempool standard limits and the rolling minimum fee', () => {
  it('refuses more inputs than maxTxInputs before looking any of them up (tx-too-many-inputs)', async () => {
    const { mempool } = await poolWith(3, { policy: { maxTxInputs: 2 } });
    const tx = spend([unknownCoin(1), unknownCoin(2), unknownCoin(3)], 1000n);
    expect(await mempool.accept(tx)).to.deep.include({ ok: false, reason: 'tx-too-many-inputs' });
    // At the limit the lookup runs (and finds nothing).
    expect(await mempool.accept(spend([unknownCoin(1), unknownCoin(2)], 1000n))).to.deep.include({ ok: false, reason: 'bad-txns-inputs-missingorspent' });
  });

  it('refuses a transaction one byte above maxTxSize before looking up its inputs, and takes one at it (tx-size)', async () => {
    const probe = spend([unknownCoin(1)], 1000n, { outputs: 4 });
    const size = encodeTx(probe).length;
    const small = await poolWith(3, { policy: { maxTxSize: size - 1 } });
    expect(await small.mempool.accept(probe)).to.deep.include({ ok: false, reason: 'tx-size' });
    const { mempool, coinbases } = await poolWith(3, { policy: { maxTxSize: size } });
    const tx = spend([coinbases[0]!], 1000n, { outputs: 4 });
    expect(encodeTx(tx).length).to.equal(size);
    expect((await mempool.accept(tx)).ok).to.equal(true);
  });

  it('has Core-sized defaults: 100,000 bytes and 500 inputs', async () => {
    const { mempool } = await poolWith(1);
    expect(mempool.policy).to.deep.include({ maxTxSize: 100_000, maxTxInputs: 500 });
  });

  it('after evicting, refuses what pays less than the evicted rate + the incremental fee (mempool min fee not met)', async () => {
    const { mempool, coinbases } = await poolWith(7, { policy: { maxBytes: 2 * SIZE_1_1 } });
    for (const c of coinbases.slice(0, 2)) expect((await mempool.accept(spend([c], BigInt(SIZE_1_1 * 10)))).ok).to.equal(true);
    const removed = removals(mempool);
    expect((await mempool.accept(spend([coinbases[2]!], BigInt(SIZE_1_1 * 20)))).ok).to.equal(true);
    expect(removed.map(([, r]) => r)).to.deep.equal(['evicted']);
    expect(mempool.info().minFeeRate).to.equal(11);
    const before = snapshot(mempool);
    // 10.5/byte would have evicted the remaining 10/byte transaction without the rolling minimum.
    const under = spend([coinbases[3]!], BigInt(Math.round(SIZE_1_1 * 10.5)));
    expect(await mempool.accept(under)).to.deep.include({ ok: false, reason: 'mempool min fee not met' });
    expect(snapshot(mempool)).to.deep.equal(before);
    expect((await mempool.accept(spend([coinbases[4]!], BigInt(SIZE_1_1 * 12)))).ok).to.equal(true);
  });

  it('lets the rolling minimum decay with its 12-hour half-life only once a block has arrived', async () => {
    let now = 1_000_000;
    const { chain, mempool, coinbases, blocks } = await poolWith(7, { clock: () => now, policy: { maxBytes: 2 * SIZE_1_1 } });
    for (const [i, rate] of [10, 10, 20].entries()) expect((await mempool.accept(spend([coinbases[i]!], BigInt(SIZE_1_1 * rate)))).ok).to.equal(true);
    const raised = mempool.info().minFeeRate;
    expect(raised).to.equal(11);
    now += ROLLING_FEE_HALFLIFE_SECONDS;
    expect(mempool.info().minFeeRate).to.equal(raised);
    expect((await chain.processBlock(mineBlock(chain.params, blocks.at(-1)!).block)).status).to.equal('connected');
    await mempool.idle();
    now += ROLLING_FEE_HALFLIFE_SECONDS;
    // Measured from the raise, as Core does: two half-lives (the pool is still full, so no faster decay).
    expect(mempool.info().minFeeRate).to.be.closeTo(raised / 4, 1e-9);
  });

  it('puts back what it evicted for a newcomer that is evicted in the end (mempool full, nothing changed)', async () => {
    const { mempool, coinbases } = await poolWith(7, { policy: { maxBytes: 3 * SIZE_1_1 } });
    const cheap = spend([coinbases[0]!], BigInt(SIZE_1_1)); // 1/byte: evicted first
    const parent = spend([coinbases[1]!], BigInt(SIZE_1_1 * 3));
    const rich = spend([coinbases[2]!], BigInt(SIZE_1_1 * 10));
    for (const tx of [cheap, parent, rich]) expect((await mempool.accept(tx)).ok).to.equal(true);
    const before = snapshot(mempool);
    const removed = removals(mempool);
    // A big child of `parent` at 2/byte: evicting `cheap` is not room enough, and then its own family is the lowest.
    const childSize = encodeTx(spend([outputOf(parent)], 0n, { outputs: 4 })).length;
    const paying = spend([outputOf(parent)], BigInt(childSize * 2), { outputs: 4 });
    expect(await mempool.accept(paying)).to.deep.include({ ok: false, reason: 'mempool full' });
    expect(snapshot(mempool)).to.deep.equal(before);
    expect(removed).to.deep.equal([]);
    expect(mempool.has(txid(cheap))).to.equal(true);
    // And the restored pool still evicts correctly.
    expect((await mempool.accept(spend([coinbases[3]!], BigInt(SIZE_1_1 * 5))))).to.deep.include({ ok: true });
    expect(removed).to.deep.equal([[txid(cheap), 'evicted']]);
  });
});
