import { expect } from 'chai';
import { buildReorgCard, REORG_RULE, type BranchSource } from '../../src/devnet/reorg-card.js';

const hex = (n: bigint): string => n.toString(16).padStart(64, '0');
const coinbase = (id: string) => ({ txid: `cb-${id}`, coinbase: true, inputs: [{}] });

/** A branch of `works.length` blocks on a fork point with chainwork `base`, each with its work and transactions. */
function branch(name: string, base: bigint, forkHeight: number, works: bigint[], txs: BranchSource['txs'][] = [], bits = '207fffff'): BranchSource[] {
  let cw = base;
  return works.map((w, i) => {
    cw += w;
    return { hash: `${name}${i + 1}`, height: forkHeight + i + 1, prevHash: i === 0 ? 'fork' : `${name}${i}`, chainwork: hex(cw), bits, miner: 0, txs: [coinbase(`${name}${i}`), ...(txs[i] ?? [])] };
  });
}

const fork = { hash: 'fork', height: 10, chainwork: hex(4_500_000_000n) };

describe('devnet: reorg card', () => {
  it('sums each branch from the fork point and gives the exact difference, however close the totals', () => {
    // Cumulative totals 9 000 000 002 vs 9 000 000 003 would both round to "9.0 G".
    const old = branch('o', 4_500_000_000n, 10, [2_250_000_001n, 2_250_000_001n]);
    const win = branch('n', 4_500_000_000n, 10, [1_500_000_001n, 1_500_000_001n, 1_500_000_001n]);
    const card = buildReorgCard(1, 0, 2, fork, old, win);
    expect(card.old.work).to.equal('4500000002');
    expect(card.new.work).to.equal('4500000003');
    expect(card.difference).to.equal('1');
    expect(card.new.blocks.map((b) => b.work)).to.deep.equal(['1500000001', '1500000001', '1500000001']);
    expect(card).to.include({ disconnected: 2, connected: 3, node: 2, rule: REORG_RULE });
    expect(card.fork).to.deep.equal({ hash: 'fork', height: 10 });
  });

  it('says "one block more, at the same difficulty" when that is why', () => {
    const card = buildReorgCard(1, 0, 0, fork, branch('o', 4_500_000_000n, 10, [2n]), branch('n', 4_500_000_000n, 10, [2n, 2n]));
    expect(card.because).to.equal('one block more, at the same difficulty');
    expect(card.difference).to.equal('2');
  });

  it('says "fewer blocks but more work" when the shorter branch wins', () => {
    const card = buildReorgCard(1, 0, 0, fork, branch('o', 0n, 10, [2n, 2n, 2n]), branch('n', 0n, 10, [10n], [], '1f00ffff'));
    expect(card.because).to.equal('fewer blocks but more work: its blocks are harder');
  });

  it('sends the old branch\'s transactions back to the mempool, and drops the ones the new branch double-spent with their children', () => {
    const pay = { txid: 'pay', coinbase: false, inputs: [{ prevout: { txid: 'coin', index: 0 } }] };
    const child = { txid: 'child', coinbase: false, inputs: [{ prevout: { txid: 'pay', index: 1 } }] };
    const innocent = { txid: 'innocent', coinbase: false, inputs: [{ prevout: { txid: 'other', index: 0 } }] };
    const both = { txid: 'both', coinbase: false, inputs: [{ prevout: { txid: 'third', index: 0 } }] };
    const rival = { txid: 'rival', coinbase: false, inputs: [{ prevout: { txid: 'coin', index: 0 } }] };
    const old = branch('o', 0n, 10, [2n, 2n], [[pay, innocent, both], [child]]);
    const win = branch('n', 0n, 10, [2n, 2n, 2n], [[rival, both]]);
    const card = buildReorgCard(1, 0, 2, fork, old, win);
    expect(card.backToMempool).to.deep.equal(['innocent']);
    expect(card.dropped).to.deep.equal([
      { txid: 'pay', conflictsWith: 'rival' },
      { txid: 'child', conflictsWith: null },
    ]);
  });
});
