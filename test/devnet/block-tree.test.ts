import { expect } from 'chai';
import { BlockTree, modelForkProbability } from '../../src/devnet/block-tree.js';
import { baseEdges, checkGroups, groupEdges, MIN_DEGREE } from '../../src/devnet/topology.js';

const hash = (name: string): string => name.padStart(64, '0');
const work = (n: number): string => n.toString(16).padStart(64, '0');

/** A chain genesis g ← a1 ← a2 ← a3 and a side branch a1 ← b2, as seen by nodes 0..2. */
function forkedTree(): BlockTree {
  const tree = new BlockTree();
  tree.add({ hash: hash('g'), height: 0, prevHash: null, chainwork: work(1), time: 0 }, undefined, 0);
  tree.add({ hash: hash('a1'), height: 1, prevHash: hash('g'), chainwork: work(2), time: 1 }, 0, 1000);
  tree.add({ hash: hash('a2'), height: 2, prevHash: hash('a1'), chainwork: work(3), time: 2 }, 0, 2000);
  tree.add({ hash: hash('b2'), height: 2, prevHash: hash('a1'), chainwork: work(3), time: 2 }, 2, 2100);
  tree.add({ hash: hash('a3'), height: 3, prevHash: hash('a2'), chainwork: work(4), time: 3 }, 0, 3000);
  for (const [name, node, at] of [['a1', 1, 1040], ['a1', 2, 1100], ['a2', 1, 2010], ['a2', 2, 3050]] as const) tree.seen(hash(name), node, at);
  return tree;
}

describe('devnet: block tree figures', () => {
  it('counts blocks off the best chain as stale, below the contested tip height', () => {
    expect(forkedTree().staleFigures(hash('a3'), 50)).to.deep.equal({ blocks: 3, stale: 1, rate: 1 / 3 });
  });

  it('measures propagation from the first node to the last, over best-chain blocks every node has', () => {
    // a1: 1000 → 1100 (100 ms); a2: 2000 → 3050 (1050 ms); a3 only node 0 has.
    expect(forkedTree().propagation(hash('a3'), [0, 1, 2], 50)).to.deep.equal({ blocks: 2, meanMs: 575, maxMs: 1050 });
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
