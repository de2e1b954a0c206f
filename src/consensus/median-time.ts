/**
 * Block time rules: the median time past of the last 11 blocks, which a new block's
 * time must exceed, and the bound on how far ahead of the node's clock it may be.
 */
import { reject, type Verdict } from './reasons.js';

/** How many previous blocks the median time past looks at, as Bitcoin's nMedianTimeSpan. */
export const MEDIAN_TIME_SPAN = 11;

/**
 * medianTimePast is the median of the last (up to) 11 block times. `times` are block
 * times in chain order, oldest first, ending with the block whose median time past is
 * wanted (the new block's parent); only the last MEDIAN_TIME_SPAN count. Near genesis,
 * fewer times are used. The times are sorted, and element [n/2] is taken, as Core does.
 * Throws a RangeError for an empty list: every block but genesis has a parent.
 * @see Core CBlockIndex::GetMedianTimePast. Needs: the previous 11 headers.
 */
export function medianTimePast(times: readonly number[]): number {
  if (times.length === 0) throw new RangeError('medianTimePast: needs at least one block time');
  const window = times.slice(-MEDIAN_TIME_SPAN).sort((a, b) => a - b);
  return window[Math.floor(window.length / 2)]!;
}

/** What checkBlockTime needs from the network parameters. */
export interface BlockTimeParams {
  /** seconds a block's time may be ahead of the node's clock (Bitcoin: 2 hours) */
  maxFutureDrift: number;
}

/**
 * checkBlockTime ensures a header's time is above the median time past of its parent
 * and at most `maxFutureDrift` seconds ahead of the node's clock `now` (injected, Unix
 * seconds). The median rule stops a miner from dragging the chain's clock backwards
 * (which would ease the retarget); the future bound stops one from pushing it forwards.
 * time-too-new is not permanent: the same header may be valid later.
 * @see Core ContextualCheckBlockHeader. Rejects: time-too-old, time-too-new.
 * Needs: the previous 11 headers (as their median) and the clock.
 */
export function checkBlockTime(time: number, medianTime: number, now: number, params: BlockTimeParams): Verdict {
  // A block's time must be strictly greater than the median time past.
  if (time <= medianTime) {
    return reject('time-too-old', `block time ${time} is not above median time past ${medianTime}`);
  }
  // A block's time may be at most maxFutureDrift ahead of the node's adjusted time.
  if (time > now + params.maxFutureDrift) {
    return reject('time-too-new', `block time ${time} is more than ${params.maxFutureDrift}s after now ${now}`);
  }
  return { ok: true };
}
