/**
 * Proof of work: the compact `bits` encoding of a target, the target test, and the
 * work a target represents. Exactly Bitcoin Core's arith_uint256 SetCompact /
 * GetCompact, CheckProofOfWork and GetBlockProof, on bigints.
 */
import { bytesToBigIntLE, fromDisplayHex } from './bytes.js';
import { reject, type Verdict } from './reasons.js';

/** The decoded form of compact bits, with Core's negative and overflow flags. */
export interface CompactTarget {
  target: bigint;
  negative: boolean;
  overflow: boolean;
}

/** The proof-of-work bound every network sets: no target may be easier than powLimit. */
export interface PowLimit {
  powLimit: bigint;
}

const TWO_256 = 1n << 256n;

/**
 * compactToTarget decodes compact bits (a base-256 float: 1 size byte, 3 mantissa bytes
 * with a sign bit) into a target, flagging the negative and overflow encodings that
 * consensus rejects. @see Core arith_uint256::SetCompact.
 */
export function compactToTarget(bits: number): CompactTarget {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new RangeError(`bits: not a u32: ${bits}`);
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = BigInt(word) << BigInt(8 * (size - 3));
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  // Core keeps only 256 bits of an overflowing value; the flag is what callers must check.
  return { target: target % TWO_256, negative, overflow };
}

/**
 * targetToCompact encodes a non-negative target as compact bits, rounding down to the
 * 3-byte mantissa exactly as Core does. @see Core arith_uint256::GetCompact.
 */
export function targetToCompact(target: bigint): number {
  if (target < 0n || target >= TWO_256) throw new RangeError('target must be in [0, 2^256)');
  let size = byteLength(target);
  let compact: number;
  if (size <= 3) {
    compact = Number(target) * 2 ** (8 * (3 - size));
  } else {
    compact = Number(target >> BigInt(8 * (size - 3)));
  }
  // The 0x00800000 bit is the sign: if the mantissa would set it, shift one byte into the size.
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return ((compact | (size << 24)) >>> 0);
}

function byteLength(n: bigint): number {
  let size = 0;
  while (n > 0n) {
    n >>= 8n;
    size++;
  }
  return size;
}

/**
 * blockWork is the expected number of hashes to meet the target that `bits` encodes:
 * floor(2^256 / (target + 1)). Chainwork is its sum; chains are compared by work,
 * never by length. Invalid bits (negative, overflow, zero) count as no work.
 * @see Core GetBlockProof.
 */
export function blockWork(bits: number): bigint {
  const { target, negative, overflow } = compactToTarget(bits);
  if (negative || overflow || target === 0n) return 0n;
  return TWO_256 / (target + 1n);
}

/**
 * checkProofOfWork ensures `bits` decodes to a valid target no easier than powLimit
 * and that the block hash, read as a little-endian 256-bit number, is at most that
 * target. `hash` is the header hash in internal byte order, or as display hex.
 * @see Core CheckProofOfWork, CheckBlockHeader. Rejects: high-hash. Context-free.
 */
export function checkProofOfWork(hash: Uint8Array | string, bits: number, params: PowLimit): Verdict {
  const hashBytes = typeof hash === 'string' ? fromDisplayHex(hash) : hash;
  const { target, negative, overflow } = compactToTarget(bits);
  // Bitcoin: an unusable target fails as high-hash too ("proof of work failed").
  if (negative || overflow || target === 0n || target > params.powLimit) {
    return reject('high-hash', `bits 0x${bits.toString(16)} is not a valid target within powLimit`);
  }
  const value = bytesToBigIntLE(hashBytes);
  if (value > target) {
    return reject('high-hash', `hash ${value.toString(16).padStart(64, '0')} above target ${target.toString(16).padStart(64, '0')}`);
  }
  return { ok: true };
}
