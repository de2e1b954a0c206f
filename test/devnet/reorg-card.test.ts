import { expect } from 'chai';
import { buildReorgCard, REORG_RULE, type BranchSource } from '../../src/devnet/reorg-card.js';
import { blockWork } from '../../src/consensus/pow.js';

const hex = (n: bigint): string => n.toString(16).padStart(64, '0');
const coinbase = (id: string) => ({ txid: `cb-${id}`, coinbase: true, inputs: [{}] });
const REGTEST_BITS = 0x207fffff;
const HARDER_BITS = 0x1d00ffff;

const fork = { hash: 'fork', height: 10, chainwork: hex(1_000_000n) };

/** A branch on the fork point, one block per entry of `bits`, chainwork adding up each block's work. */
function branch(name: string, bits: number[], txs: BranchSource['txs'][] = []): BranchSource[] {
  let cw = BigInt(`0x${fork.chainwork}`);
  return bits.map((b, i) => {
    cw += blockWork(b);
    return { hash: `${name}${i + 1}`, height: fork.height + i + 1, prevHash: i === 0 ? 'fork' : `${name}${i}`, chainwork: hex(cw), bits: b.toString(16), miner: 0, txs: [coinbase(`${name}${i}`), ...(txs[i] ?? [])] };
  });
}

describe('devnet: reorg card', () => {
  it('sums each branch from the fork point and gives the exact difference, however close the totals', () => {
    const hard = blockWork(HARDER_BITS);
    // 2 hard blocks against 2 hard blocks and an easy one: both sums read "8.6 G" when rounded.
    const card = buildReorgCard(1, 0, 2, fork, branch('o', [HARDER_BITS, HARDER_BITS]), branch('n', [HARDER_BITS, HARDER_BITS, REGTEST_BITS]));
    expect(card.old.work).to.equal((2n * hard).toString());
    expect(card.new.work).to.equal((2n * hard + 2n).toString());
    expect(card.difference).to.equal('2');
    expect(card.new.blocks.map((b) => b.work)).to.deep.equal([hard.toString(), hard.toString(), '2']);
    expect(card).to.include({ disconnected: 2, connected: 3, node: 2, rule: REORG_RULE });
    expect(card.fork).to.deep.equal({ hash: 'fork', height: 10 });
  });

  it('says "one block more, at the same difficulty" when that is why', () => {
    const card = buildReorgCard(1, 0, 0, fork, branch('o', [REGTEST_BITS]), branch('n', [REGTEST_BITS, REGTEST_BITS]));
    expect(card.because).to.equal('one block more, at the same difficulty');
    expect(card.difference).to.equal('2');
  });

  it('says "fewer blocks but more work" when the shorter branch wins', () => {
    const card = buildReorgCard(1, 0, 0, fork, branch('o', [REGTEST_BITS, REGTEST_BITS, REGTEST_BITS]), branch('n', [HARDER_BITS]));
    expect(card.because).to.equal('fewer blocks but more work: its blocks are harder');
    expect(BigInt(card.difference) > 0n).to.equal(true);
  });

  it('keeps the sum and the counts exact when a long branch is listed only from its tip', () => {
    const long = branch('n', [REGTEST_BITS, REGTEST_BITS, REGTEST_BITS, REGTEST_BITS, REGTEST_BITS]);
    const card = buildReorgCard(1, 0, 0, fork, branch('o', [REGTEST_BITS]), long.slice(3));
    expect(card.new).to.include({ omitted: 3, work: '10' });
    expect(card.new.blocks).to.have.length(2);
    expect(card).to.include({ connected: 5, difference: '8', because: '4 blocks more, at the same difficulty' });
  });

  it('sends the old branch\'s transactions back to the mempool, and drops the ones the new branch double-spent with their children', () => {
    const pay = { txid: 'pay', coinbase: false, inputs: [{ prevout: { txid: 'coin', index: 0 } }] };
    const child = { txid: 'child', coinbase: false, inputs: [{ prevout: { txid: 'pay', index: 1 } }] };
    const innocent = { txid: 'innocent', coinbase: false, inputs: [{ prevout: { txid: 'other', index: 0 } }] };
    const both = { txid: 'both', coinbase: false, inputs: [{ prevout: { txid: 'third', index: 0 } }] };
    const rival = { txid: 'rival', coinbase: false, inputs: [{ prevout: { txid: 'coin', index: 0 } }] };
    const old = branch('o', [REGTEST_BITS, REGTEST_BITS], [[pay, innocent, both], [child]]);
    const win = branch('n', [REGTEST_BITS, REGTEST_BITS, REGTEST_BITS], [[rival, both]]);
    const card = buildReorgCard(1, 0, 2, fork, old, win);
    expect(card.backToMempool).to.deep.equal(['innocent']);
    expect(card.dropped).to.deep.equal([
      { txid: 'pay', conflictsWith: 'rival' },
      { txid: 'child', conflictsWith: null },
    ]);
  });
});
