import { expect } from 'chai';
import { layoutTree, type LayoutBlock, type TreeLayout } from '../../src/devnet/tree-layout.js';

const hex = (n: bigint): string => n.toString(16).padStart(64, '0');

/** A small block store: chains grow from a named parent with a given work per block. */
class Blocks {
  readonly list: LayoutBlock[] = [];
  private readonly byName = new Map<string, LayoutBlock>();

  constructor() {
    const g = { hash: 'g', height: 0, prevHash: null, chainwork: hex(1n), seenBy: { 0: 0 } };
    this.list.push(g);
    this.byName.set('g', g);
  }

  /** grow adds `n` blocks named prefix1..prefixN on top of `from`, each with `work`; returns the last name. */
  grow(from: string, prefix: string, n: number, work = 10n, seenAt = 0): string {
    let parent = this.byName.get(from)!;
    for (let i = 1; i <= n; i++) {
      const b = { hash: `${prefix}${i}`, height: parent.height + 1, prevHash: parent.hash, chainwork: hex(BigInt(`0x${parent.chainwork}`) + work), seenBy: { 0: seenAt + i } };
      this.list.push(b);
      this.byName.set(b.hash, b);
      parent = b;
    }
    return parent.hash;
  }
}

const statusOf = (layout: TreeLayout, hash: string) => layout.blocks.find((b) => b.hash === hash)?.status;
const rowOf = (layout: TreeLayout, hash: string) => layout.blocks.find((b) => b.hash === hash)?.row;

describe('devnet: block tree layout', () => {
  it('puts a new block with the most work on the main row even before any node reports it as its tip', () => {
    const t = new Blocks();
    t.grow('g', 'a', 5);
    t.grow('a5', 'n', 1); // node 1 just mined n1; the others still report a5
    const layout = layoutTree(t.list, { 0: 'a5', 1: 'a5', 2: 'a5' }, { windowHeights: 500 });
    expect(layout.bestTip).to.equal('n1');
    expect(rowOf(layout, 'n1')).to.equal(0);
    expect(statusOf(layout, 'n1')).to.equal('active');
  });

  it('makes the branch with more work the main row, not the one with more blocks', () => {
    const t = new Blocks();
    t.grow('g', 'a', 2);
    t.grow('a2', 'long', 4, 10n); // 40 work
    t.grow('a2', 'heavy', 2, 25n); // 50 work
    const layout = layoutTree(t.list, { 0: 'long4', 1: 'heavy2' }, { windowHeights: 500 });
    expect(layout.bestTip).to.equal('heavy2');
    expect(rowOf(layout, 'heavy2')).to.equal(0);
    expect(rowOf(layout, 'long4')).to.equal(1);
    // node 0 still follows the long branch: a fork, not yet stale
    expect(statusOf(layout, 'long4')).to.equal('fork');
  });

  it('greys a branch only once no node follows it and a heavier branch exists', () => {
    const t = new Blocks();
    t.grow('g', 'a', 3);
    t.grow('a1', 'b', 1);
    expect(statusOf(layoutTree(t.list, { 0: 'a3', 1: 'b1' }, { windowHeights: 500 }), 'b1')).to.equal('fork');
    expect(statusOf(layoutTree(t.list, { 0: 'a3', 1: 'a3' }, { windowHeights: 500 }), 'b1')).to.equal('stale');
  });

  it('keeps a branch of equal work that no node follows as a fork: nothing heavier has beaten it', () => {
    const t = new Blocks();
    t.grow('g', 'a', 2);
    t.grow('a1', 'b', 1);
    const layout = layoutTree(t.list, { 0: 'a2' }, { windowHeights: 500 });
    expect(statusOf(layout, 'a2')).to.equal('active');
    expect(statusOf(layout, 'b1')).to.equal('fork');
  });

  it('draws a branch whole from its fork point even when the fork point is older than the window', () => {
    const t = new Blocks();
    t.grow('g', 'a', 100);
    t.grow('a40', 'b', 60); // node 2's branch, forked at height 40, tip at height 100
    t.grow('a100', 'c', 1); // one block more on the main chain
    const layout = layoutTree(t.list, { 0: 'c1', 1: 'c1', 2: 'b60' }, { windowHeights: 10 });
    expect(rowOf(layout, 'a40'), 'fork point').to.equal(0);
    expect(rowOf(layout, 'b1'), 'first block of the branch').to.equal(1);
    expect(layout.segments.find((s) => s.row === 1)).to.include({ fromHeight: 42, toHeight: 99, count: 58 });
    expect(layout.blocks.find((b) => b.hash === 'b60')?.tipOf).to.deep.equal([2]);
    // everything below the fork point's height is out of the window
    expect(layout.columns[0]!.fromHeight).to.equal(40);
  });

  it('collapses a long fork-free run into one segment and draws it block by block when expanded', () => {
    const t = new Blocks();
    t.grow('g', 'a', 50);
    const collapsed = layoutTree(t.list, { 0: 'a50' }, { windowHeights: 500 });
    const seg = collapsed.segments.find((s) => s.row === 0)!;
    expect(seg).to.include({ fromHeight: 1, toHeight: 49, count: 49, status: 'active' });
    expect(collapsed.columns.map((c) => c.kind)).to.deep.equal(['height', 'segment', 'height']);
    const expanded = layoutTree(t.list, { 0: 'a50' }, { windowHeights: 500, expanded: [[20, 22]] });
    expect(expanded.blocks.map((b) => b.height)).to.include.members([20, 21, 22]);
    expect(expanded.segments.map((s) => [s.fromHeight, s.toHeight])).to.deep.equal([
      [1, 19],
      [23, 49],
    ]);
  });

  it('shows an old 2-block fork, a 15-block and a 25-block split branch in few columns, the heavier branch on the main row', () => {
    const t = new Blocks();
    t.grow('g', 'm', 101);
    t.grow('m101', 'old', 2); // the old fork, lost
    t.grow('m101', 'p', 30);
    const minority = t.grow('p30', 'min', 15);
    const majority = t.grow('p30', 'maj', 25);
    const layout = layoutTree(t.list, { 0: majority, 1: majority, 2: minority }, { windowHeights: 500 });
    expect(layout.bestTip).to.equal(majority);
    expect(rowOf(layout, majority)).to.equal(0);
    expect(statusOf(layout, majority)).to.equal('active');
    expect(statusOf(layout, minority)).to.equal('fork');
    expect(statusOf(layout, 'old2')).to.equal('stale');
    // genesis, a run, the old fork (3 heights), a run, the split (2 heights), a run, the minority tip, a run, the majority tip
    expect(layout.columns.length).to.be.at.most(13);
    expect(layout.rows).to.equal(2); // the old fork and the minority branch share row 1: they do not overlap
    expect(layout.branches.find((b) => b.tip === minority)).to.deep.equal({ row: 1, tip: minority, fork: 'p30', length: 15, work: 150n });
    expect(layout.branches.find((b) => b.tip === 'old2')).to.deep.include({ fork: 'm101', length: 2, work: 20n });
    // after the heal every node follows the majority: the minority branch stays drawn, grey
    const healed = layoutTree(t.list, { 0: majority, 1: majority, 2: majority }, { windowHeights: 500 });
    expect(statusOf(healed, minority)).to.equal('stale');
    expect(healed.blocks.find((b) => b.hash === majority)?.tipOf).to.deep.equal([0, 1, 2]);
  });

  it('gives confirmations to main-row blocks and its own work to every block with a known parent', () => {
    const t = new Blocks();
    t.grow('g', 'a', 3, 7n);
    const layout = layoutTree(t.list, { 0: 'a3' }, { windowHeights: 500, collapseMin: 99 });
    const a1 = layout.blocks.find((b) => b.hash === 'a1')!;
    expect(a1.confirmations).to.equal(3);
    expect(a1.work).to.equal(7n);
    expect(layout.blocks.find((b) => b.hash === 'g')!.work).to.equal(null);
  });

  it('draws nothing for no blocks', () => {
    expect(layoutTree([], {}, { windowHeights: 500 })).to.deep.include({ bestTip: null, rows: 0, blocks: [] });
  });
});
