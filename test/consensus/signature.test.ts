import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes, hash32 } from '../../src/consensus/bytes.js';
import type { SpentOutput } from '../../src/consensus/sighash.js';
import {
  checkInputSignature,
  signDigest,
  signInput,
  verifySignature,
  xOnlyPublicKey,
} from '../../src/consensus/signature.js';
import type { Tx } from '../../src/consensus/tx.js';
import { checkTxSignatures } from '../../src/consensus/tx-check.js';
import { SCHNORR_BACKENDS, schnorrVerify } from '../../workers/schnorr-backends.js';

interface Bip340Vector {
  index: string;
  secretKey: string;
  publicKey: string;
  auxRand: string;
  message: string;
  signature: string;
  valid: boolean;
  comment: string;
}

/** The BIP340 CSV (test/vectors/README.md names its source). */
function bip340Vectors(): Bip340Vector[] {
  const text = readFileSync(new URL('../../../test/vectors/bip340-test-vectors.csv', import.meta.url), 'utf8');
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  return lines.slice(1).map((line) => {
    const [index, secretKey, publicKey, auxRand, message, signature, result, ...comment] = line.split(',');
    return {
      index: index!,
      secretKey: secretKey!,
      publicKey: publicKey!,
      auxRand: auxRand!,
      message: message!,
      signature: signature!,
      valid: result === 'TRUE',
      comment: comment.join(','),
    };
  });
}

/** Deterministic 32-byte private keys and auxRand: 32 bytes of `b`. */
function fill(b: number): Uint8Array {
  return new Uint8Array(32).fill(b);
}

const ALICE = fill(0x01);
const BOB = fill(0x02);
const AUX = fill(0x00);

/** A two-input spend of two coins locked to Alice, signed by Alice unless told otherwise. */
function signedSpend(): { tx: Tx; spent: SpentOutput[] } {
  const alice = xOnlyPublicKey(ALICE);
  const spent = [
    { value: 40_000n, pubkey: alice },
    { value: 60_000n, pubkey: alice },
  ];
  const tx: Tx = {
    version: 1,
    inputs: [
      { prevout: { txHash: hash32(fill(0x11)), index: 0 }, witness: new Uint8Array(0) },
      { prevout: { txHash: hash32(fill(0x22)), index: 1 }, witness: new Uint8Array(0) },
    ],
    outputs: [{ value: 99_000n, pubkey: xOnlyPublicKey(BOB) }],
    lockTime: 0,
  };
  tx.inputs[0]!.witness = signInput(tx, 0, spent, ALICE, AUX);
  tx.inputs[1]!.witness = signInput(tx, 1, spent, ALICE, AUX);
  return { tx, spent };
}

describe('BIP340 test vectors', () => {
  const vectors = bip340Vectors();

  it('reads all 15 vectors of the CSV', () => {
    expect(vectors).to.have.length(15);
  });

  for (const v of vectors) {
    const what = v.comment === '' ? '' : ` (${v.comment})`;
    it(`vector ${v.index}: verification gives ${v.valid ? 'valid' : 'invalid'}${what}`, () => {
      expect(verifySignature(hexToBytes(v.signature), hexToBytes(v.message), hexToBytes(v.publicKey))).to.equal(v.valid);
    });
    // The node's default verifier (libsecp256k1) must agree with the reference on every vector.
    for (const backend of SCHNORR_BACKENDS) {
      it(`vector ${v.index}: the ${backend} verifier gives ${v.valid ? 'valid' : 'invalid'} too`, () => {
        expect(schnorrVerify(backend)(hexToBytes(v.signature), hexToBytes(v.message), hexToBytes(v.publicKey))).to.equal(v.valid);
      });
    }
    if (v.secretKey !== '') {
      it(`vector ${v.index}: the secret key gives the public key, and signing gives the signature`, () => {
        const sk = hexToBytes(v.secretKey);
        expect(bytesToHex(xOnlyPublicKey(sk))).to.equal(v.publicKey.toLowerCase());
        expect(bytesToHex(signDigest(hexToBytes(v.message), sk, hexToBytes(v.auxRand)))).to.equal(v.signature.toLowerCase());
      });
    }
  }
});

describe('input signatures', () => {
  it('accepts inputs signed by the key of the coins they spend', () => {
    const { tx, spent } = signedSpend();
    expect(checkInputSignature(tx, 0, spent)).to.deep.equal({ ok: true });
    expect(checkInputSignature(tx, 1, spent)).to.deep.equal({ ok: true });
  });

  it('signs deterministically for a given auxRand, and validly for another', () => {
    const { tx, spent } = signedSpend();
    expect(bytesToHex(signInput(tx, 0, spent, ALICE, AUX))).to.equal(bytesToHex(tx.inputs[0]!.witness));
    tx.inputs[0]!.witness = signInput(tx, 0, spent, ALICE, fill(0x07));
    expect(bytesToHex(tx.inputs[0]!.witness)).to.not.equal(bytesToHex(signInput(tx, 0, spent, ALICE, AUX)));
    expect(checkInputSignature(tx, 0, spent)).to.deep.equal({ ok: true });
  });

  for (const size of [0, 63, 65]) {
    it(`rejects a ${size}-byte witness (bad-txns-sig-size)`, () => {
      const { tx, spent } = signedSpend();
      tx.inputs[1]!.witness = new Uint8Array(size);
      const verdict = checkInputSignature(tx, 1, spent);
      expect(verdict).to.include({ ok: false, reason: 'bad-txns-sig-size' });
    });
  }

  it('rejects a signature with one bit flipped (bad-txns-sig)', () => {
    const { tx, spent } = signedSpend();
    tx.inputs[0]!.witness[63]! ^= 0x01;
    expect(checkInputSignature(tx, 0, spent)).to.include({ ok: false, reason: 'bad-txns-sig' });
  });

  it('rejects a signature by a key other than the coin\'s (bad-txns-sig)', () => {
    const { tx, spent } = signedSpend();
    tx.inputs[0]!.witness = signInput(tx, 0, spent, BOB, AUX);
    expect(checkInputSignature(tx, 0, spent)).to.include({ ok: false, reason: 'bad-txns-sig' });
  });

  it('rejects one input\'s signature replayed on another input with the same key (bad-txns-sig)', () => {
    const { tx, spent } = signedSpend();
    tx.inputs[1]!.witness = tx.inputs[0]!.witness;
    expect(checkInputSignature(tx, 1, spent)).to.include({ ok: false, reason: 'bad-txns-sig' });
  });

  it('rejects a signature made when the signer was told a wrong spent amount (bad-txns-sig)', () => {
    const { tx, spent } = signedSpend();
    const lie = spent.map((coin) => ({ ...coin }));
    lie[1]!.value = 1_000n;
    tx.inputs[0]!.witness = signInput(tx, 0, lie, ALICE, AUX);
    expect(checkInputSignature(tx, 0, spent)).to.include({ ok: false, reason: 'bad-txns-sig' });
  });

  it('rejects a signature once an output is changed after signing (bad-txns-sig)', () => {
    const { tx, spent } = signedSpend();
    tx.outputs[0]!.value = 90_000n;
    expect(checkInputSignature(tx, 1, spent)).to.include({ ok: false, reason: 'bad-txns-sig' });
  });

  it('rejects, without throwing, a coin key that is not a valid x coordinate (bad-txns-sig)', () => {
    const { tx, spent } = signedSpend();
    // BIP340 vector 14: x ≥ p; vector 5: no point with this x.
    for (const hex of ['fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30', 'eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34']) {
      spent[0]!.pubkey = hexToBytes(hex);
      expect(checkInputSignature(tx, 0, spent)).to.include({ ok: false, reason: 'bad-txns-sig' });
    }
  });

  it('names the failing input in the debug text', () => {
    const { tx, spent } = signedSpend();
    tx.inputs[1]!.witness = new Uint8Array(1);
    const verdict = checkInputSignature(tx, 1, spent);
    expect(verdict.ok).to.equal(false);
    if (!verdict.ok) expect(verdict.debug).to.match(/^input 1:/);
  });

  it('verifySignature returns false rather than throwing for wrongly sized arguments', () => {
    expect(verifySignature(new Uint8Array(63), fill(0), xOnlyPublicKey(ALICE))).to.equal(false);
    expect(verifySignature(new Uint8Array(64), fill(0), new Uint8Array(33))).to.equal(false);
  });

  for (const backend of SCHNORR_BACKENDS) {
    it(`gives the same verdicts with the ${backend} verifier: valid, flipped bit, key off the curve, wrong sizes`, () => {
      const verify = schnorrVerify(backend);
      const { tx, spent } = signedSpend();
      expect(checkTxSignatures(tx, spent, verify)).to.deep.equal({ ok: true });
      const flipped = signedSpend();
      flipped.tx.inputs[0]!.witness[5]! ^= 1;
      expect(checkTxSignatures(flipped.tx, flipped.spent, verify)).to.include({ ok: false, reason: 'bad-txns-sig' });
      const offCurve = signedSpend();
      offCurve.spent[0]!.pubkey = hexToBytes('eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34');
      expect(checkTxSignatures(offCurve.tx, offCurve.spent, verify)).to.include({ ok: false, reason: 'bad-txns-sig' });
      expect(verify(new Uint8Array(63), fill(0), xOnlyPublicKey(ALICE))).to.equal(false);
      expect(verify(new Uint8Array(64), fill(0), new Uint8Array(33))).to.equal(false);
      expect(verify(new Uint8Array(64), new Uint8Array(31), xOnlyPublicKey(ALICE))).to.equal(false);
    });
  }

  it('refuses an auxRand that is not 32 bytes (RangeError)', () => {
    expect(() => signDigest(fill(0), ALICE, new Uint8Array(31))).to.throw(RangeError);
  });
});
