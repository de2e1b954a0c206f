import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { concatBytes, fromDisplayHex, toDisplayHex, ZERO_HASH } from '../../src/consensus/bytes.js';
import { sha256d } from '../../src/consensus/hash.js';
import { blockId } from '../../src/consensus/header.js';
import { merkleRoot } from '../../src/consensus/merkle.js';

interface MerkleVector {
  hash: string;
  header: { version: number; prevHash: string; merkleRoot: string; time: number; bits: string; nonce: number };
  txids: string[];
  merkleRoot: string;
  mutation: { txids: string[]; duplicatedTxids: string[]; root: string };
}

const block100000 = JSON.parse(
  readFileSync(new URL('../../../test/vectors/merkle-block-100000.json', import.meta.url), 'utf8'),
) as MerkleVector;

const ids = (hexes: string[]): Uint8Array[] => hexes.map((h) => fromDisplayHex(h));

describe('merkle root', () => {
  it("reproduces Bitcoin block 100000's merkle root from its four txids", () => {
    const { root, mutated } = merkleRoot(ids(block100000.txids));
    expect(toDisplayHex(root)).to.equal(block100000.merkleRoot);
    expect(mutated).to.equal(false);
  });

  it("gives block 100000's header, with that root, its real block hash", () => {
    const h = block100000.header;
    const header = {
      version: h.version,
      prevHash: fromDisplayHex(h.prevHash),
      merkleRoot: merkleRoot(ids(block100000.txids)).root,
      time: h.time,
      bits: Number(h.bits),
      nonce: h.nonce,
    };
    expect(blockId(header)).to.equal(block100000.hash);
  });

  it('is the txid itself for a single transaction (a coinbase-only block)', () => {
    const only = fromDisplayHex(block100000.txids[0]!);
    expect(merkleRoot([only])).to.deep.equal({ root: only, mutated: false });
  });

  it('is the zero hash for no transactions', () => {
    expect(merkleRoot([])).to.deep.equal({ root: ZERO_HASH, mutated: false });
  });

  it('pairs with sha256d(left || right), txids in internal byte order', () => {
    const [a, b] = ids(block100000.txids);
    expect(merkleRoot([a!, b!]).root).to.deep.equal(sha256d(concatBytes(a!, b!)));
  });

  it('gives [a,b,c] and [a,b,c,c] the same root and flags the second as mutated (CVE-2012-2459)', () => {
    const plain = merkleRoot(ids(block100000.mutation.txids));
    const duplicated = merkleRoot(ids(block100000.mutation.duplicatedTxids));
    expect(toDisplayHex(plain.root)).to.equal(block100000.mutation.root);
    expect(toDisplayHex(duplicated.root)).to.equal(block100000.mutation.root);
    expect(plain.mutated).to.equal(false);
    expect(duplicated.mutated).to.equal(true);
  });

  it('flags a duplicated subtree higher up as mutated ([a,b,a,b])', () => {
    const [a, b] = ids(block100000.txids);
    const result = merkleRoot([a!, b!, a!, b!]);
    expect(result.mutated).to.equal(true);
    expect(merkleRoot([a!, b!]).mutated).to.equal(false);
  });

  it('does not change or alias its input', () => {
    const input = ids(block100000.txids.slice(0, 3));
    const copy = input.map((t) => t.slice());
    const { root } = merkleRoot(input);
    expect(input).to.deep.equal(copy);
    root.fill(0);
    expect(merkleRoot(input).root).to.not.deep.equal(root);
  });

  it('changes whenever any txid changes (distinct lists without duplicates give distinct roots)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
          minLength: 1,
          maxLength: 9,
          selector: (t) => toDisplayHex(t),
        }),
        fc.nat(),
        (txids, pick) => {
          const i = pick % txids.length;
          const changed = txids.map((t) => t.slice());
          const target = changed[i]!;
          target[0] = target[0]! ^ 1;
          fc.pre(!txids.some((t) => toDisplayHex(t) === toDisplayHex(target)));
          expect(merkleRoot(changed).root).to.not.deep.equal(merkleRoot(txids).root);
        },
      ),
      { numRuns: 50 },
    );
  });
});
