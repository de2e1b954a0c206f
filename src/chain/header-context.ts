/**
 * The header rules that need the header's parent (Core's ContextualCheckBlockHeader):
 * the `bits` it must carry, the median time it must exceed, the clock's two-hour limit
 * and the timewarp rule. They read only a branch's ancestors, so they live apart from
 * the chain's state: the chain, its relay precheck and its header intake all ask them.
 */
import { checkBlockHeaderContext } from '../consensus/block-check.js';
import type { BlockHeader } from '../consensus/header.js';
import { MEDIAN_TIME_SPAN, medianTimePast } from '../consensus/median-time.js';
import type { NetworkParams } from '../consensus/params.js';
import type { Verdict } from '../consensus/reasons.js';
import { getNextWorkRequired } from '../consensus/retarget.js';
import { checkTimewarp } from '../consensus/timewarp.js';
import { ancestor, type ChainEntry } from './block-index.js';

/**
 * expectedBits is the `bits` a child of `parent` must carry. `activeAt` is the active
 * chain's entry at a height, when `parent` is on it (an array read instead of a walk back).
 */
export function expectedBits(parent: ChainEntry, params: NetworkParams, activeAt?: (height: number) => ChainEntry): number {
  return getNextWorkRequired(
    { height: parent.height, bits: parent.header.bits, time: parent.header.time },
    (height) => (activeAt === undefined ? ancestor(parent, height)! : activeAt(height)).header.time,
    params,
  );
}

/** medianTimeOf is the median time past of `entry` and its ancestors: a child's time must exceed it. */
export function medianTimeOf(entry: ChainEntry): number {
  const times: number[] = [];
  for (let e: ChainEntry | undefined = entry; e !== undefined && times.length < MEDIAN_TIME_SPAN; e = e.parent) times.push(e.header.time);
  return medianTimePast(times);
}

/** checkHeaderOnParent runs the contextual header rules (bits, time, timewarp) for `header` on `parent`. */
export function checkHeaderOnParent(header: BlockHeader, parent: ChainEntry, bits: number, now: number, params: NetworkParams): Verdict {
  const ctx = checkBlockHeaderContext(header, { expectedBits: bits, medianTimePast: medianTimeOf(parent), now }, params);
  return ctx.ok ? checkTimewarp(header.time, parent.height + 1, parent.header.time, params) : ctx;
}
