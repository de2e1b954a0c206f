/**
 * Difficulty as people read it: the expected number of hashes for one block, and
 * Bitcoin's "difficulty", how many times harder the target is than the easiest one.
 */
import { blockWork, compactToTarget, targetToCompact } from '../consensus/pow.js';

export interface DifficultyView {
  /** compact bits as 8 hex digits, as Core prints them */
  bits: string;
  /** floor(2^256 / (target + 1)), a decimal string: the hashes one block takes on average */
  expectedHashes: string;
  /** target of powLimit / target: 1 at the easiest target */
  relative: number;
}

/**
 * difficultyOf describes `bits`. Bitcoin: GetDifficulty divides the diff-1 target
 * (mainnet's powLimit in compact form, 0x1d00ffff) by the target; we divide this
 * network's powLimit, in compact form too, so its easiest blocks have difficulty 1.
 */
export function difficultyOf(bits: number, powLimit: bigint): DifficultyView {
  const { target } = compactToTarget(bits);
  const limit = compactToTarget(targetToCompact(powLimit)).target;
  const relative = target === 0n ? 0 : Number((limit << 64n) / target) / 2 ** 64;
  return { bits: bits.toString(16).padStart(8, '0'), expectedHashes: blockWork(bits).toString(), relative };
}

/** chainworkHex writes chainwork as 64 hex digits, as Core's getblockchaininfo does. */
export function chainworkHex(chainwork: bigint): string {
  return chainwork.toString(16).padStart(64, '0');
}
