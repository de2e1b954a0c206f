import { expect } from 'chai';
import fc from 'fast-check';
import type { Tx } from '../../src/consensus/tx.js';
import { descendantsOf, planEviction, selectPackages, type PoolTx } from '../../src/mempool/packages.js';

const DUMMY_TX: Tx = { version: 1, inputs: [], outputs: [], lockTime: 0 };

/** A random pool: each transaction may spend any earlier ones (a DAG), with its own fee and size. */
const poolArb = fc
  .array(
    fc.record({ fee: fc.bigInt({ min: 0n, max: 100_000n }), size: fc.integer({ min: 60, max: 1_000 }), parents: fc.array(fc.nat(), { maxLength: 3 }) }),
    { maxLength: 30 },
  )
  .map((specs) => {
    const nodes: PoolTx[] = [];
    specs.forEach((s, i) => {
      const node: PoolTx = { tx: DUMMY_TX, txid: `tx${i}`, fee: s.fee, size: s.size, time: 0, sequence: i, parents: new Set(), children: new Set() };
      if (i > 0) for (const p of s.parents) node.parents.add(nodes[p % i]!);
      for (const p of node.parents) p.children.add(node);
      nodes.push(node);
    });
    return nodes;
  });

function pool(specs: [fee: bigint, size: number, parents: number[]][]): PoolTx[] {
  const nodes: PoolTx[] = [];
  specs.forEach(([fee, size, parents], i) => {
    const node: PoolTx = { tx: DUMMY_TX, txid: `tx${i}`, fee, size, time: 0, sequence: i, parents: new Set(parents.map((p) => nodes[p]!)), children: new Set() };
    for (const p of node.parents) p.children.add(node);
    nodes.push(node);
  });
  return nodes;
}

describe('mempool', () => {
  describe('packages', () => {
    it('selects every transaction after its in-pool parents, once, within maxBytes (property)', () => {
      fc.assert(
        fc.property(poolArb, fc.integer({ min: 0, max: 20_000 }), (nodes, maxBytes) => {
          const chosen = selectPackages(nodes, maxBytes);
          const position = new Map(chosen.map((t, i) => [t, i]));
          expect(position.size).to.equal(chosen.length);
          expect(chosen.reduce((s, t) => s + t.size, 0)).to.be.at.most(maxBytes);
          for (const t of chosen) for (const p of t.parents) expect(position.get(p)).to.be.lessThan(position.get(t)!);
        }),
      );
    });

    it('selects the whole pool when it fits (property)', () => {
      fc.assert(
        fc.property(poolArb, (nodes) => {
          expect(selectPackages(nodes, Number.MAX_SAFE_INTEGER)).to.have.length(nodes.length);
        }),
      );
    });

    it('evicts whole descendant sets until the pool fits (property)', () => {
      fc.assert(
        fc.property(poolArb, fc.integer({ min: 0, max: 20_000 }), (nodes, maxBytes) => {
          const total = nodes.reduce((s, t) => s + t.size, 0);
          const victims = planEviction(nodes, total, maxBytes);
          for (const v of victims) for (const d of descendantsOf(v)) expect(victims.has(d)).to.equal(true);
          const left = nodes.filter((t) => !victims.has(t)).reduce((s, t) => s + t.size, 0);
          expect(left).to.be.at.most(maxBytes);
          if (total <= maxBytes) expect(victims.size).to.equal(0);
        }),
      );
    });

    it('keeps a low-fee parent whose child pays for it and evicts a richer lone transaction instead', () => {
      // parent 1/byte, child 9/byte (package 5/byte), lone 4/byte: the lone one has the lowest descendant score.
      const [parent, child, lone] = pool([
        [100n, 100, []],
        [900n, 100, [0]],
        [400n, 100, []],
      ]);
      expect([...planEviction([parent!, child!, lone!], 300, 250)]).to.deep.equal([lone]);
    });
  });
});
