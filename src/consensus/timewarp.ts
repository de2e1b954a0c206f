/**
 * The time-warp rule (BIP94). The retarget measures a period from its first block's time
 * to its last's. Without this rule a majority miner stamps every block with the median
 * time past + 1 (time frozen), stamps only each period's last block with the real time,
 * and then starts the next period back at the frozen time: every period then looks four
 * times too slow and the difficulty falls by 4x per period, down to powLimit. Requiring
 * the first block of a period to be no earlier than the previous block minus a small
 * allowance stops the jump back, so the frozen clock cannot be reused.
 */
import type { PowParams } from './params.js';
import { retargetInterval } from './params.js';
import { reject, type Verdict } from './reasons.js';

/**
 * checkTimewarp ensures the first block of each retarget period (height a multiple of
 * the interval, genesis excepted) is not earlier than its parent's time minus
 * `maxTimewarp` seconds. Networks without `maxTimewarp` (or that never retarget) skip it.
 * @see BIP94; Core ContextualCheckBlockHeader (enforce_BIP94). Rejects: time-timewarp-attack.
 * Needs: the block's height and its parent's time.
 */
export function checkTimewarp(time: number, height: number, prevTime: number, params: PowParams): Verdict {
  const floor = timewarpFloor(height, prevTime, params);
  if (floor !== undefined && time < floor) {
    return reject('time-timewarp-attack', `block time ${time} at retarget height ${height} is more than ${params.maxTimewarp}s before its parent's ${prevTime}`);
  }
  return { ok: true };
}

/**
 * timewarpFloor is the earliest time checkTimewarp lets a block at `height` carry, or
 * undefined when the rule does not apply there; a miner takes it into its minimum time.
 * Bitcoin: Core's getblocktemplate `mintime` accounts for BIP94 the same way.
 * @see BIP94. Rejects: nothing (a computation). Needs: the height and the parent's time.
 */
export function timewarpFloor(height: number, prevTime: number, params: PowParams): number | undefined {
  if (params.maxTimewarp === undefined || params.noRetargeting || height === 0) return undefined;
  if (height % retargetInterval(params) !== 0) return undefined;
  return prevTime - params.maxTimewarp;
}
