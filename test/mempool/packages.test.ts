import { expect } from 'chai';
import fc from 'fast-check';
import type { Tx } from '../../src/consensus/tx.js';
import { DescendantIndex, descendantsOf, selectPackages, type PoolTx } from '../../src/mempool/packages.js';
import { referencePlanEviction, referenceSelectPackages } from '../helpers/reference-packages.js';
import { ZERO_HASH, type DisplayHex } from '../../src/consensus/bytes.js';

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
      const node: PoolTx = { tx: DUMMY_TX, txHash: ZERO_HASH, txid: `tx${i}` as DisplayHex, fee: s.fee, size: s.size, time: 0, sequence: i, parents: new Set(), children: new Set(), descendantFee: 0n, descendantSize: 0 };
      if (i > 0) for (const p of s.parents) node.parents.add(nodes[p % i]!);
      for (const p of node.parents) p.children.add(node);
      nodes.push(node);
    });
    return nodes;
  });

function pool(specs: [fee: bigint, size: number, parents: number[]][]): PoolTx[] {
  const nodes: PoolTx[] = [];
  specs.forEach(([fee, size, parents], i) => {
    const node: PoolTx = { tx: DUMMY_TX, txHash: ZERO_HASH, txid: `tx${i}` as DisplayHex, fee, size, time: 0, sequence: i, parents: new Set(parents.map((p) => nodes[p]!)), children: new Set(), descendantFee: 0n, descendantSize: 0 };
    for (const p of node.parents) p.children.add(node);
    nodes.push(node);
  });
  return nodes;
}

/** clonePool copies a pool's graph, so a run that unlinks nodes leaves the original alone (txids name the same transactions). */
function clonePool(nodes: PoolTx[]): PoolTx[] {
  const copies = new Map<PoolTx, PoolTx>();
  for (const n of nodes) copies.set(n, { ...n, parents: new Set(), children: new Set() });
  for (const n of nodes) {
    const c = copies.get(n)!;
    for (const p of n.parents) c.parents.add(copies.get(p)!);
    for (const ch of n.children) c.children.add(copies.get(ch)!);
  }
  return nodes.map((n) => copies.get(n)!);
}

/** link puts a node into the graph under its linked parents, and above the linked nodes it is a parent of. */
function link(node: PoolTx, parentsOf: Map<PoolTx, Set<PoolTx>>, linked: Set<PoolTx>): void {
  node.parents.clear();
  node.children.clear();
  for (const p of parentsOf.get(node)!) if (linked.has(p)) node.parents.add(p);
  for (const p of node.parents) p.children.add(node);
  for (const other of linked) {
    if (parentsOf.get(other)!.has(node)) {
      other.parents.add(node);
      node.children.add(other);
    }
  }
  linked.add(node);
}

function unlinkNode(node: PoolTx, linked: Set<PoolTx>): void {
  for (const p of node.parents) p.children.delete(node);
  for (const c of node.children) c.parents.delete(node);
  node.children.clear();
  linked.delete(node);
}

/** evictWithIndex trims a pool the way the mempool does: the index's lowest, with its descendants, until it fits. */
function evictWithIndex(original: PoolTx[], total: number, maxBytes: number): Set<string> {
  const nodes = clonePool(original);
  const index = new DescendantIndex();
  const linked = new Set<PoolTx>();
  for (const n of nodes) n.children.clear();
  for (const n of nodes) {
    for (const p of n.parents) p.children.add(n);
    linked.add(n);
    index.attach(n);
  }
  const victims = new Set<string>();
  let bytes = total;
  while (bytes > maxBytes) {
    const worst = index.lowest();
    if (worst === undefined) break;
    const family = descendantsOf(worst);
    for (let i = family.length - 1; i >= 0; i--) {
      const v = family[i]!;
      const after = index.detach(v);
      unlinkNode(v, linked);
      after();
      victims.add(v.txid);
      bytes -= v.size;
    }
  }
  return victims;
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

    it('selects exactly what the plain O(n²) greedy loop selects, in the same order (property)', () => {
      fc.assert(
        fc.property(poolArb, fc.integer({ min: 0, max: 20_000 }), (nodes, maxBytes) => {
          expect(selectPackages(nodes, maxBytes).map((t) => t.txid)).to.deep.equal(referenceSelectPackages(nodes, maxBytes).map((t) => t.txid));
        }),
        { numRuns: 300 },
      );
    });

    it('evicts whole descendant sets until the pool fits, the same victims as the plain loop (property)', () => {
      fc.assert(
        fc.property(poolArb, fc.integer({ min: 0, max: 20_000 }), (nodes, maxBytes) => {
          const total = nodes.reduce((s, t) => s + t.size, 0);
          const expected = referencePlanEviction(nodes, total, maxBytes);
          const victims = evictWithIndex(nodes, total, maxBytes);
          expect([...victims].sort()).to.deep.equal([...expected].map((t) => t.txid).sort());
          for (const v of nodes.filter((t) => victims.has(t.txid))) for (const d of descendantsOf(v)) expect(victims.has(d.txid)).to.equal(true);
          const left = nodes.filter((t) => !victims.has(t.txid)).reduce((s, t) => s + t.size, 0);
          expect(left).to.be.at.most(maxBytes);
          if (total <= maxBytes) expect(victims.size).to.equal(0);
        }),
        { numRuns: 300 },
      );
    });

    it('keeps every descendant fee and size equal to a fresh sum while nodes come and go in any order (property)', () => {
      fc.assert(
        fc.property(poolArb, fc.array(fc.nat(), { maxLength: 40 }), fc.nat(), (nodes, removals, seed) => {
          const index = new DescendantIndex();
          const linked = new Set<PoolTx>();
          // Insert in a scrambled order, so some nodes arrive under children already linked (a reorg's way).
          const order = [...nodes].sort((a, b) => ((a.sequence * 7919 + seed) % 31) - ((b.sequence * 7919 + seed) % 31));
          const parentsOf = new Map(nodes.map((n) => [n, new Set(n.parents)]));
          for (const n of order) {
            link(n, parentsOf, linked);
            index.attach(n);
          }
          for (const r of removals) {
            const live = [...linked];
            if (live.length === 0) break;
            const victim = live[r % live.length]!;
            const after = index.detach(victim);
            unlinkNode(victim, linked);
            after();
          }
          for (const n of linked) {
            const family = descendantsOf(n);
            expect(n.descendantFee).to.equal(family.reduce((s, d) => s + d.fee, 0n));
            expect(n.descendantSize).to.equal(family.reduce((s, d) => s + d.size, 0));
          }
          expect(index.size).to.equal(linked.size);
        }),
        { numRuns: 200 },
      );
    });

    it('keeps a low-fee parent whose child pays for it and evicts a richer lone transaction instead', () => {
      // parent 1/byte, child 9/byte (package 5/byte), lone 4/byte: the lone one has the lowest descendant score.
      const [parent, child, lone] = pool([
        [100n, 100, []],
        [900n, 100, [0]],
        [400n, 100, []],
      ]);
      expect([...evictWithIndex([parent!, child!, lone!], 300, 250)]).to.deep.equal([lone!.txid]);
    });
  });
});
