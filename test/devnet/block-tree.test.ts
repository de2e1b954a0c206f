import { expect } from 'chai';
import { BlockTree, modelForkProbability, quantile } from '../../src/devnet/block-tree.js';
import { baseEdges, checkGroups, groupEdges, MIN_DEGREE } from '../../src/devnet/topology.js';

const hash = (name: string): string => name.padStart(64, '0');
const work = (n: number): string => n.toString(16).padStart(64, '0');

/** A chain genesis g ← a1 ← a2 ← a3 and a side branch a1 ← b2, as seen by nodes 0..2. */
const together = { reachable: [0, 1, 2], duringSplit: false };

function forkedTree(): BlockTree {
  const tree = new BlockTree();
  tree.add({ hash: hash('g'), height: 0, prevHash: null, chainwork: work(1), time: 0 }, undefined, 0);
  tree.add({ hash: hash('a1'), height: 1, prevHash: hash('g'), chainwork: work(2), time: 1 }, 0, 1000, together);
  tree.add({ hash: hash('a2'), height: 2, prevHash: hash('a1'), chainwork: work(3), time: 2 }, 0, 2000, together);
  tree.add({ hash: hash('b2'), height: 2, prevHash: hash('a1'), chainwork: work(3), time: 2 }, 2, 2100, together);
  tree.add({ hash: hash('a3'), height: 3, prevHash: hash('a2'), chainwork: work(4), time: 3 }, 0, 3000, together);
  for (const [name, node, at] of [['a1', 1, 1040], ['a1', 2, 1100], ['a2', 1, 2010], ['a2', 2, 3050]] as const) tree.seen(hash(name), node, at);
  return tree;
}

describe('devnet: block tree figures', () => {
  it('counts blocks off the best chain as stale, below the contested tip height', () => {
    expect(forkedTree().staleFigures(hash('a3'), 50)).to.deep.equal({ blocks: 3, stale: 1, rate: 1 / 3, splitStale: 0 });
  });

  it('measures propagation from the first node to the last, over best-chain blocks every node has', () => {
    // a1: 1000 → 1100 (100 ms); a2: 2000 → 3050 (1050 ms); a3 only node 0 has.
    expect(forkedTree().propagation(hash('a3'), 50)).to.deep.equal({ blocks: 2, medianMs: 100, p90Ms: 1050, meanMs: 575, maxMs: 1050, heldBySplit: 0 });
  });

  it('does not count a block held back by a split as propagation: only the nodes that could hear its miner count', () => {
    const tree = forkedTree();
    // Split {0,1} | {2}: node 0 mines a4; node 1 has it 30 ms later, node 2 only at the heal, 90 s later.
    tree.add({ hash: hash('a4'), height: 4, prevHash: hash('a3'), chainwork: work(5), time: 4 }, 0, 10_000, { reachable: [0, 1], duringSplit: true });
    tree.seen(hash('a4'), 1, 10_030);
    tree.seen(hash('a4'), 2, 100_000);
    for (const n of [1, 2]) tree.seen(hash('a3'), n, 3_020);
    const figures = tree.propagation(hash('a4'), 50);
    expect(figures.heldBySplit).to.equal(1);
    expect(figures.p90Ms).to.be.below(90_000);
    // a1 100 ms, a2 1050 ms, a3 20 ms, a4 30 ms
    expect(figures).to.deep.equal({ blocks: 4, medianMs: 30, p90Ms: 1050, meanMs: 300, maxMs: 1050, heldBySplit: 1 });
  });

  it('counts a branch orphaned by a split as the split\'s cost, not in the stale rate', () => {
    const tree = forkedTree();
    tree.add({ hash: hash('c3'), height: 3, prevHash: hash('b2'), chainwork: work(4), time: 3 }, 2, 3100, { reachable: [2], duringSplit: true });
    tree.add({ hash: hash('a4'), height: 4, prevHash: hash('a3'), chainwork: work(5), time: 4 }, 0, 4000, together);
    // heights 1..3 outside the split: a1, a2, b2, a3 (b2 stale); c3 was mined while split
    expect(tree.staleFigures(hash('a4'), 50)).to.deep.equal({ blocks: 4, stale: 1, rate: 1 / 4, splitStale: 1 });
  });

  it('takes the nearest-rank median and 90th percentile', () => {
    expect(quantile([10], 0.9)).to.equal(10);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).to.equal(5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).to.equal(9);
    expect(() => quantile([], 0.5)).to.throw(RangeError);
  });

  it('keeps the first time a node connected a block', () => {
    const tree = forkedTree();
    tree.seen(hash('a1'), 1, 99_999);
    expect(tree.get(hash('a1'))!.seenBy).to.deep.equal({ 0: 1000, 1: 1040, 2: 1100 });
  });

  it('models P(fork) as 1 − e^(−delay/interval)', () => {
    expect(modelForkProbability(0, 10_000)).to.equal(0);
    expect(modelForkProbability(10_000, 10_000)).to.be.closeTo(1 - Math.exp(-1), 1e-12);
  });
});

describe('devnet: topology', () => {
  it('is a full mesh for three nodes', () => {
    expect(baseEdges(3)).to.deep.equal([[0, 1], [0, 2], [1, 2]]);
  });

  it('gives every node at least three neighbours in a larger network, and stays connected', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const edges = baseEdges(12, random);
    for (let v = 0; v < 12; v++) expect(edges.filter(([a, b]) => a === v || b === v).length, `node ${v}`).to.be.at.least(MIN_DEGREE);
    const reached = new Set([0]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [a, b] of edges) if (reached.has(a) !== reached.has(b)) (reached.add(a), reached.add(b), (changed = true));
    }
    expect(reached.size).to.equal(12);
  });

  it('keeps only the edges inside each group, chaining a group that would fall apart', () => {
    const ring: [number, number][] = [[0, 1], [1, 2], [2, 3], [0, 3]];
    expect(groupEdges(ring, [[0, 2], [1, 3]])).to.deep.equal([[0, 2], [1, 3]]);
    expect(groupEdges(ring, [[0, 1], [2, 3]])).to.deep.equal([[0, 1], [2, 3]]);
  });

  it('names what is wrong with a split', () => {
    expect(checkGroups([[0, 1], [2]], 3)).to.equal(undefined);
    expect(checkGroups([[0, 1], [1, 2]], 3)).to.equal('node 1 is in two groups');
    expect(checkGroups([[0, 1]], 3)).to.equal('a split needs at least two groups');
    expect(checkGroups([[0], [1]], 3)).to.equal('every node must be in a group: missing 2');
    expect(checkGroups([[0], [5]], 3)).to.equal('node 5 does not exist: the nodes are 0 to 2');
  });
});
