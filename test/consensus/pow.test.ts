import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { bigIntToBytesLE, toDisplayHex } from '../../src/consensus/bytes.js';
import { bitcoinMainnetPow, demo, regtest } from '../../src/consensus/params.js';
import { blockWork, checkProofOfWork, compactToTarget, targetToCompact } from '../../src/consensus/pow.js';

interface CompactCase {
  bits: string;
  target: string | null;
  compact: string | null;
  negative: boolean;
  overflow: boolean;
}
interface CompactVectors {
  setCompact: CompactCase[];
  getCompact: { description: string; target: string; compact: string }[];
}

const compactVectors = JSON.parse(
  readFileSync(new URL('../../../test/vectors/compact.json', import.meta.url), 'utf8'),
) as CompactVectors;

/** Core's GetCompact(fNegative): sets the sign bit again when the mantissa is non-zero. */
function getCompact(target: bigint, negative: boolean): number {
  const compact = targetToCompact(target);
  return negative && (compact & 0x007fffff) !== 0 ? (compact | 0x00800000) >>> 0 : compact;
}

/** A hash in internal byte order whose little-endian value is `value`. */
function hashOf(value: bigint): Uint8Array {
  return bigIntToBytesLE(value, 32);
}

const mainnetPowLimit = bitcoinMainnetPow.powLimit;

describe('compact bits (SetCompact / GetCompact)', () => {
  for (const c of compactVectors.setCompact) {
    it(`decodes ${c.bits} as Core does${c.negative ? ' (negative)' : ''}${c.overflow ? ' (overflow)' : ''}`, () => {
      const decoded = compactToTarget(Number(c.bits));
      expect(decoded.negative).to.equal(c.negative);
      expect(decoded.overflow).to.equal(c.overflow);
      if (c.target !== null) {
        expect(decoded.target.toString(16).padStart(64, '0')).to.equal(c.target);
        expect(getCompact(decoded.target, decoded.negative)).to.equal(Number(c.compact));
      }
    });
  }

  for (const c of compactVectors.getCompact) {
    it(`encodes 0x${BigInt('0x' + c.target).toString(16)} as ${c.compact} (${c.description})`, () => {
      expect(targetToCompact(BigInt('0x' + c.target))).to.equal(Number(c.compact));
    });
  }

  it('round-trips every target through its compact form to the target rounded to 3 mantissa bytes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (target) => {
        const decoded = compactToTarget(targetToCompact(target));
        expect(decoded.negative).to.equal(false);
        expect(decoded.overflow).to.equal(false);
        expect(decoded.target <= target).to.equal(true);
        // Re-encoding the rounded target is stable.
        expect(targetToCompact(decoded.target)).to.equal(targetToCompact(target));
      }),
    );
  });

  it('never produces compact bits with the sign bit set', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (target) => {
        expect(targetToCompact(target) & 0x00800000).to.equal(0);
      }),
    );
  });

  it('refuses bits that are not a u32 with a RangeError', () => {
    expect(() => compactToTarget(-1)).to.throw(RangeError);
    expect(() => compactToTarget(2 ** 32)).to.throw(RangeError);
    expect(() => compactToTarget(1.5)).to.throw(RangeError);
  });
});

describe('checkProofOfWork', () => {
  const target = compactToTarget(0x1d00ffff).target;

  it('passes a hash exactly equal to the target (hash <= target)', () => {
    expect(checkProofOfWork(hashOf(target), 0x1d00ffff, bitcoinMainnetPow)).to.deep.equal({ ok: true });
  });

  it('rejects a hash one above the target (high-hash)', () => {
    const verdict = checkProofOfWork(hashOf(target + 1n), 0x1d00ffff, bitcoinMainnetPow);
    expect(verdict.ok).to.equal(false);
    if (!verdict.ok) expect(verdict.reason).to.equal('high-hash');
  });

  it('reads the hash as a little-endian number: a hash with a high first byte passes', () => {
    const hash = new Uint8Array(32);
    hash[0] = 0xff; // lowest byte of the number
    expect(checkProofOfWork(hash, 0x1d00ffff, bitcoinMainnetPow)).to.deep.equal({ ok: true });
    const reversed = hash.slice().reverse();
    const verdict = checkProofOfWork(reversed, 0x1d00ffff, bitcoinMainnetPow);
    expect(verdict.ok ? 'ok' : verdict.reason).to.equal('high-hash');
  });

  it('accepts the hash as display hex too (byte-reversed)', () => {
    const display = toDisplayHex(hashOf(target));
    expect(checkProofOfWork(display, 0x1d00ffff, bitcoinMainnetPow)).to.deep.equal({ ok: true });
    expect(checkProofOfWork(toDisplayHex(hashOf(target + 1n)), 0x1d00ffff, bitcoinMainnetPow)).to.deep.include({
      ok: false,
      reason: 'high-hash',
    });
  });

  it('passes bits exactly at powLimit (0x1d00ffff on Bitcoin mainnet)', () => {
    expect(targetToCompact(mainnetPowLimit)).to.equal(0x1d00ffff);
    expect(checkProofOfWork(hashOf(1n), 0x1d00ffff, bitcoinMainnetPow)).to.deep.equal({ ok: true });
  });

  // The next four follow Core's pow_tests.cpp CheckProofOfWork_test_* cases, with hash = 1.
  it('rejects bits easier than powLimit even for a tiny hash (high-hash; Core: too_easy_target)', () => {
    const tooEasy = targetToCompact(mainnetPowLimit * 2n);
    expect(tooEasy).to.equal(0x1d01ffff);
    expect(checkProofOfWork(hashOf(1n), tooEasy, bitcoinMainnetPow)).to.deep.include({ ok: false, reason: 'high-hash' });
  });

  it('rejects negative bits (high-hash; Core: negative_target)', () => {
    const negative = getCompact(mainnetPowLimit, true);
    expect(negative).to.equal(0x1d80ffff);
    expect(compactToTarget(negative).negative).to.equal(true);
    expect(checkProofOfWork(hashOf(1n), negative, bitcoinMainnetPow)).to.deep.include({ ok: false, reason: 'high-hash' });
  });

  it('rejects overflowing bits (high-hash; Core: overflow_target, bits = ~0x00800000)', () => {
    const overflow = ~0x00800000 >>> 0;
    expect(compactToTarget(overflow).overflow).to.equal(true);
    expect(checkProofOfWork(hashOf(1n), overflow, bitcoinMainnetPow)).to.deep.include({ ok: false, reason: 'high-hash' });
  });

  it('rejects a zero target (high-hash; Core: zero_target)', () => {
    expect(checkProofOfWork(hashOf(0n), 0, bitcoinMainnetPow)).to.deep.include({ ok: false, reason: 'high-hash' });
    expect(checkProofOfWork(hashOf(0n), 0x01003456, bitcoinMainnetPow)).to.deep.include({ ok: false, reason: 'high-hash' });
  });

  it('rejects bits above each network powLimit (high-hash)', () => {
    for (const params of [regtest, demo]) {
      const easier = targetToCompact(params.powLimit * 2n);
      expect(checkProofOfWork(hashOf(0n), easier, params)).to.deep.include({ ok: false, reason: 'high-hash' });
      expect(checkProofOfWork(hashOf(0n), targetToCompact(params.powLimit), params)).to.deep.equal({ ok: true });
    }
  });

  it('agrees with a plain comparison for any hash against any valid target', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), fc.bigInt({ min: 1n, max: mainnetPowLimit }), (h, t) => {
        const bits = targetToCompact(t);
        const rounded = compactToTarget(bits).target;
        fc.pre(rounded > 0n);
        const verdict = checkProofOfWork(hashOf(h), bits, bitcoinMainnetPow);
        expect(verdict.ok).to.equal(h <= rounded);
        if (!verdict.ok) expect(verdict.reason).to.equal('high-hash');
      }),
    );
  });
});

describe('block work', () => {
  it('is 0x100010001 for bits 0x1d00ffff (difficulty 1)', () => {
    expect(blockWork(0x1d00ffff)).to.equal(0x100010001n);
  });

  it('is floor(2^256 / (target + 1))', () => {
    const target = compactToTarget(0x1b04864c).target;
    expect(blockWork(0x1b04864c)).to.equal((1n << 256n) / (target + 1n));
  });

  it('is 2 for regtest bits 0x207fffff (about one hash in two meets the target)', () => {
    expect(blockWork(0x207fffff)).to.equal(2n);
  });

  it('counts negative, overflowing and zero bits as no work', () => {
    expect(blockWork(0x1d80ffff)).to.equal(0n);
    expect(blockWork(0xff123456)).to.equal(0n);
    expect(blockWork(0)).to.equal(0n);
  });

  it('grows as the target shrinks (harder bits are more work)', () => {
    expect(blockWork(0x1d00d86a) > blockWork(0x1d00ffff)).to.equal(true);
  });
});
