import { expect } from 'chai';
import { ByteWriter } from '../../src/consensus/byte-writer.js';
import { bytesToHex, concatBytes, equalBytes, hash32 } from '../../src/consensus/bytes.js';
import { sha256, taggedHash } from '../../src/consensus/hash.js';
import { SIGHASH_TAG, sighashCache, signatureHash, type SpentOutput } from '../../src/consensus/sighash.js';
import type { Tx } from '../../src/consensus/tx.js';

/** 32 bytes of `b`: deterministic stand-ins for txids and keys (the hash never checks keys). */
function fill(b: number): Uint8Array {
  return new Uint8Array(32).fill(b);
}

/** A two-input, two-output spend and the two outputs it spends. */
function fixture(): { tx: Tx; spent: SpentOutput[] } {
  const tx: Tx = {
    version: 1,
    inputs: [
      { prevout: { txHash: hash32(fill(0x11)), index: 0 }, witness: new Uint8Array(64).fill(0xaa) },
      { prevout: { txHash: hash32(fill(0x22)), index: 3 }, witness: new Uint8Array(64).fill(0xbb) },
    ],
    outputs: [
      { value: 70_000n, pubkey: fill(0x33) },
      { value: 29_000n, pubkey: fill(0x44) },
    ],
    lockTime: 0,
  };
  const spent = [
    { value: 50_000n, pubkey: fill(0x55) },
    { value: 50_000n, pubkey: fill(0x66) },
  ];
  return { tx, spent };
}

/** The digest of both inputs of the fixture after `mutate` changes it. */
function digestsAfter(mutate: (f: { tx: Tx; spent: SpentOutput[] }) => void): Uint8Array[] {
  const f = fixture();
  mutate(f);
  return [signatureHash(f.tx, 0, f.spent), signatureHash(f.tx, 1, f.spent)];
}

describe('signature hash', () => {
  const base = digestsAfter(() => {});

  it('is a deterministic 32-byte digest', () => {
    expect(base[0]).to.have.length(32);
    expect(bytesToHex(digestsAfter(() => {})[0]!)).to.equal(bytesToHex(base[0]!));
  });

  it('hashes exactly the documented 140-byte layout under the toychain/sighash tag', () => {
    const { tx, spent } = fixture();
    const prevouts = concatBytes(fill(0x11), new Uint8Array([0, 0, 0, 0]), fill(0x22), new Uint8Array([3, 0, 0, 0]));
    const amounts = new ByteWriter().i64(50_000n).i64(50_000n).finish();
    const pubkeys = concatBytes(fill(0x55), fill(0x66));
    const outputs = new ByteWriter().i64(70_000n).bytes(fill(0x33)).i64(29_000n).bytes(fill(0x44)).finish();
    const msg = concatBytes(
      new Uint8Array([1, 0, 0, 0]),
      sha256(prevouts),
      sha256(amounts),
      sha256(pubkeys),
      sha256(outputs),
      new Uint8Array([0, 0, 0, 0]),
      new Uint8Array([1, 0, 0, 0]),
    );
    expect(msg).to.have.length(140);
    expect(bytesToHex(signatureHash(tx, 1, spent))).to.equal(bytesToHex(taggedHash(SIGHASH_TAG, msg)));
  });

  it('gives each input of a transaction its own digest', () => {
    expect(equalBytes(base[0]!, base[1]!)).to.equal(false);
  });

  const committed: Array<[string, (f: { tx: Tx; spent: SpentOutput[] }) => void]> = [
    ['the version changes', (f) => (f.tx.version = 2)],
    ['the lock time changes', (f) => (f.tx.lockTime = 1)],
    ['the first prevout txHash changes', (f) => (f.tx.inputs[0]!.prevout.txHash = hash32(fill(0x12)))],
    ['the second prevout index changes', (f) => (f.tx.inputs[1]!.prevout.index = 4)],
    ['the inputs are reordered', (f) => f.tx.inputs.reverse()],
    ['an output value changes', (f) => (f.tx.outputs[1]!.value -= 1n)],
    ['an output key changes', (f) => (f.tx.outputs[0]!.pubkey = fill(0x34))],
    ['an output is added', (f) => f.tx.outputs.push({ value: 0n, pubkey: fill(0x35) })],
    ['an output is removed', (f) => f.tx.outputs.pop()],
    ['a spent coin\'s amount changes (BIP341: a signer cannot be lied to about the fee)', (f) => (f.spent[1]!.value += 1n)],
    ['a spent coin\'s key changes', (f) => (f.spent[0]!.pubkey = fill(0x56))],
  ];
  for (const [field, mutate] of committed) {
    it(`changes for every input when ${field}`, () => {
      const after = digestsAfter(mutate);
      expect(equalBytes(after[0]!, base[0]!), 'input 0').to.equal(false);
      expect(equalBytes(after[1]!, base[1]!), 'input 1').to.equal(false);
    });
  }

  it('does not change when a witness changes (witnesses hold the signatures)', () => {
    const after = digestsAfter((f) => {
      f.tx.inputs[0]!.witness = new Uint8Array(64).fill(0xcc);
      f.tx.inputs[1]!.witness = new Uint8Array(0);
    });
    expect(bytesToHex(after[0]!)).to.equal(bytesToHex(base[0]!));
    expect(bytesToHex(after[1]!)).to.equal(bytesToHex(base[1]!));
  });

  it('gives the same digest with a precomputed cache as without', () => {
    const { tx, spent } = fixture();
    const cache = sighashCache(tx, spent);
    expect(bytesToHex(signatureHash(tx, 1, spent, cache))).to.equal(bytesToHex(base[1]!));
  });

  it('throws RangeError for an input index out of range (a caller bug)', () => {
    const { tx, spent } = fixture();
    expect(() => signatureHash(tx, 2, spent)).to.throw(RangeError);
    expect(() => signatureHash(tx, -1, spent)).to.throw(RangeError);
  });

  it('throws RangeError when the spent outputs do not match the inputs one to one', () => {
    const { tx, spent } = fixture();
    expect(() => signatureHash(tx, 0, spent.slice(0, 1))).to.throw(RangeError);
  });
});
