/**
 * Retarget: the bits a block must carry, computed from the bits and times of earlier
 * headers. Exactly Bitcoin Core's GetNextWorkRequired / CalculateNextWorkRequired
 * (src/pow.cpp), with the interval and timespan taken from the network parameters.
 */
import type { PowParams } from './params.js';
import { retargetInterval } from './params.js';
import { compactToTarget, targetToCompact } from './pow.js';

const TWO_256 = 1n << 256n;

/** What the retarget arithmetic needs from the chain: the last block's bits and time, and the first block's time. */
export interface RetargetInput {
  /** bits of the last block of the interval (the new block's parent) */
  lastBits: number;
  /** time of the last block of the interval, Unix seconds */
  lastTime: number;
  /** time of the first block of the interval, Unix seconds */
  firstTime: number;
}

/** The parent of the block whose bits are being computed. */
export interface PrevHeader {
  height: number;
  bits: number;
  time: number;
}

/**
 * calculateNextWorkRequired ensures difficulty follows the hash rate: it scales the
 * last target by how long the interval actually took against how long it should have
 * taken, limits that ratio to [1/4, 4] and never returns a target easier than powLimit.
 * Networks with `noRetargeting` keep the last bits.
 * @see Core CalculateNextWorkRequired. Rejects: nothing (a pure computation). Needs: the
 * last block's bits and time and the interval's first block time.
 */
export function calculateNextWorkRequired(input: RetargetInput, params: PowParams): number {
  const { lastBits, lastTime, firstTime } = input;
  if (!Number.isSafeInteger(lastTime) || !Number.isSafeInteger(firstTime)) {
    throw new RangeError('calculateNextWorkRequired: lastTime and firstTime must be integers');
  }
  // Bitcoin: regtest's fPowNoRetargeting keeps the difficulty fixed.
  if (params.noRetargeting) return lastBits;

  // Limit adjustment step: the actual timespan is clamped to [timespan/4, timespan*4].
  // Bitcoin: Core divides int64 timespans with integer division, so Math.floor here.
  const minTimespan = Math.floor(params.targetTimespan / 4);
  const maxTimespan = params.targetTimespan * 4;
  let actualTimespan = lastTime - firstTime;
  if (actualTimespan < minTimespan) actualTimespan = minTimespan;
  if (actualTimespan > maxTimespan) actualTimespan = maxTimespan;

  // Retarget: bnNew.SetCompact(last bits); bnNew *= actual; bnNew /= targetTimespan.
  // Bitcoin: SetCompact ignores the negative and overflow flags here, and arith_uint256
  // multiplies first and keeps only the low 256 bits of the product before dividing.
  const { target } = compactToTarget(lastBits);
  let next = ((target * BigInt(actualTimespan)) % TWO_256) / BigInt(params.targetTimespan);

  // Never easier than the network's proof-of-work limit.
  if (next > params.powLimit) next = params.powLimit;
  return targetToCompact(next);
}

/**
 * getNextWorkRequired ensures a block carries the bits the retarget schedule requires:
 * the parent's bits inside an interval, a recomputed target at each interval boundary.
 * `ancestorTime(height)` returns the time of the parent's ancestor at that height.
 * Differs from Bitcoin: no testnet minimum-difficulty rule (fPowAllowMinDifficultyBlocks);
 * with `firstWindowStartHeight` 1 the first window leaves genesis' time out.
 * @see Core GetNextWorkRequired. Rejects: nothing (the caller compares with the header's
 * bits and rejects bad-diffbits). Needs: the parent header and one ancestor's time.
 */
export function getNextWorkRequired(
  prev: PrevHeader,
  ancestorTime: (height: number) => number,
  params: PowParams,
): number {
  if (!Number.isSafeInteger(prev.height) || prev.height < 0) {
    throw new RangeError(`getNextWorkRequired: prev.height is not a non-negative integer: ${prev.height}`);
  }
  const interval = retargetInterval(params);
  // Only change once per difficulty adjustment interval.
  if ((prev.height + 1) % interval !== 0) return prev.bits;

  // Go back by what we want to be the timespan's worth of blocks.
  // Bitcoin: Core goes back interval - 1 blocks, not interval, so each retarget measures
  // only interval - 1 block gaps (the original off-by-one, kept: it is consensus).
  const firstHeight = prev.height - (interval - 1);
  const start = params.firstWindowStartHeight ?? 0;
  if (firstHeight >= start || prev.height <= start) {
    return calculateNextWorkRequired({ lastBits: prev.bits, lastTime: prev.time, firstTime: ancestorTime(firstHeight) }, params);
  }
  // Differs from Bitcoin: the first window starts at `start` (block 1), not at genesis,
  // whose time is a fixed date long before mining began. It measures fewer gaps, so its
  // timespan is scaled to interval - 1 gaps, as a full window measures.
  const gaps = prev.height - start;
  const measured = prev.time - ancestorTime(start);
  const scaled = Math.floor((measured * (interval - 1)) / gaps);
  return calculateNextWorkRequired({ lastBits: prev.bits, lastTime: prev.time, firstTime: prev.time - scaled }, params);
}
