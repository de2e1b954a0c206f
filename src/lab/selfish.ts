/**
 * `toychain lab selfish`: Eyal & Sirer 2014's selfish mining (Algorithm 1) against
 * honest miners, on real Chains. The pool (share α) keeps its blocks private and
 * publishes them only to win or to tie a race; γ is the share of honest hash power that
 * mines on the pool's block during a tie.
 *
 * γ comes from the Chains' own first-seen rule: there are two honest nodes, and in a tie
 * one of them (whose miners hold γ of the honest power) has received the pool's block
 * first, the other the honest block. Each honest miner builds on its node's tip; every
 * block goes through both nodes' Chains. At the end the pool publishes what it still
 * holds, and the relative revenue is the pool's share of the blocks on the active chain.
 *
 * The interval: the run is cut into RUNS independent runs (each its own Chains), and the
 * 95 % interval is the t-interval of their revenues.
 */
import { regtest, type NetworkParams } from '../consensus/params.js';
import { BlockBuilder, type LabBlock } from './block-builder.js';
import { BlockFinds } from './block-finds.js';
import type { RunCounts } from './double-spend.js';
import { LabClock } from './lab-clock.js';
import { LabNode } from './lab-node.js';
import { streamFor } from './seeds.js';
import type { Random } from './prng.js';

/** Independent runs the blocks are split into, for the interval. */
export const RUNS = 10;
/** Student's t quantile, 97.5 %, RUNS − 1 = 9 degrees of freedom. */
const T_975_9 = 2.2621571627409915;

const POOL = 0;
/** honest miners who follow the node that saw the pool's block first in a tie (share γ of honest); miner 2 is the rest */
const HONEST_POOL_SIDE = 1;

export interface SelfishOptions {
  alpha: number;
  gamma: number;
  blocks: number;
  seed: number;
  params?: NetworkParams;
}

export interface SelfishResult {
  alpha: number;
  gamma: number;
  blocks: number;
  relativeRevenue: number;
  ci95: [number, number];
  /** Eyal & Sirer 2014, eq. (8): the pool's relative revenue in closed form */
  eyalSirer: number;
  /** (1 − γ)/(3 − 2γ): above this share selfish mining pays more than honest mining */
  threshold: number;
}

/** eyalSirerRevenue is eq. (8): [α(1−α)²(4α + γ(1−2α)) − α³] / [1 − α(1 + (2−α)α)]. */
export function eyalSirerRevenue(alpha: number, gamma: number): number {
  return (alpha * (1 - alpha) ** 2 * (4 * alpha + gamma * (1 - 2 * alpha)) - alpha ** 3) / (1 - alpha * (1 + (2 - alpha) * alpha));
}

export function selfishThreshold(gamma: number): number {
  return (1 - gamma) / (3 - 2 * gamma);
}

export async function selfish(opts: SelfishOptions, counts: RunCounts = { blocks: 0 }): Promise<SelfishResult> {
  if (!(opts.alpha > 0 && opts.alpha < 0.5)) throw new RangeError(`alpha must be between 0 and 0.5, got ${opts.alpha}`);
  if (!(opts.gamma >= 0 && opts.gamma <= 1)) throw new RangeError(`gamma must be between 0 and 1, got ${opts.gamma}`);
  if (!Number.isInteger(opts.blocks) || opts.blocks < RUNS * 10) throw new RangeError(`blocks must be a whole number ≥ ${RUNS * 10}, got ${opts.blocks}`);
  const random = streamFor(opts.seed, `selfish alpha=${opts.alpha} gamma=${opts.gamma}`);
  const revenues: number[] = [];
  let pool = 0;
  let total = 0;
  for (let run = 0; run < RUNS; run++) {
    const perRun = Math.floor(opts.blocks / RUNS) + (run < opts.blocks % RUNS ? 1 : 0);
    const r = await selfishRun(opts, perRun, random, opts.params ?? regtest, counts);
    revenues.push(r.pool / r.total);
    pool += r.pool;
    total += r.total;
  }
  const mean = revenues.reduce((a, b) => a + b, 0) / RUNS;
  const sd = Math.sqrt(revenues.reduce((a, b) => a + (b - mean) ** 2, 0) / (RUNS - 1));
  const half = (T_975_9 * sd) / Math.sqrt(RUNS);
  return {
    alpha: opts.alpha,
    gamma: opts.gamma,
    blocks: opts.blocks,
    relativeRevenue: pool / total,
    ci95: [Math.max(0, mean - half), Math.min(1, mean + half)],
    eyalSirer: eyalSirerRevenue(opts.alpha, opts.gamma),
    threshold: selfishThreshold(opts.gamma),
  };
}

/** One run: `blocks` finds, then the pool publishes the rest; counts the active chain's blocks by finder. */
async function selfishRun(opts: SelfishOptions, blocks: number, random: Random, params: NetworkParams, counts: RunCounts): Promise<{ pool: number; total: number }> {
  const builder = new BlockBuilder(params);
  const clock = new LabClock(params.genesis.time);
  const base = clock.exact;
  const honest = 1 - opts.alpha;
  const finds = new BlockFinds(random, [opts.alpha, honest * opts.gamma, honest * (1 - opts.gamma)], params.targetSpacing);
  // poolSide saw the pool's block first in a tie; ownSide the honest one.
  const poolSide = await LabNode.open(builder, clock);
  const ownSide = await LabNode.open(builder, clock);
  const both = async (first: LabBlock[], second: LabBlock[] = []): Promise<void> => {
    for (const node of [poolSide, ownSide]) {
      for (const b of node === poolSide ? [...first, ...second] : [...second, ...first]) if (!node.has(b.id)) await node.submit(b);
    }
  };
  try {
    let privateTip = poolSide.tip;
    let secret: LabBlock[] = []; // the pool's blocks not yet published, oldest first
    let privateLength = 0; // Algorithm 1's privateBranchLen: the pool's blocks since the fork
    for (let found = 0; found < blocks; found++) {
      const find = finds.take();
      clock.advanceTo(base + find.time);
      // Δprev: the pool's lead over the public chain before this block.
      const publicTip = ownSide.tip;
      const lead = privateTip.height - publicTip.height;
      if (find.miner === POOL) {
        privateTip = builder.buildOn(privateTip, { now: clock.now(), miner: POOL });
        secret.push(privateTip);
        privateLength++;
        if (lead === 0 && privateLength === 2) {
          // It was a tie and the pool found the next block: publish, the pool's branch wins.
          await both(secret);
          secret = [];
          privateLength = 0;
        }
        continue;
      }
      const node = find.miner === HONEST_POOL_SIDE ? poolSide : ownSide;
      const block = builder.buildOn(node.tip, { now: clock.now(), miner: find.miner });
      if (lead <= 0) {
        // Nothing private ahead (or a tie just settled by this block): the pool adopts the public chain.
        await both([], [block]);
        privateTip = ownSide.tip;
        secret = [];
        privateLength = 0;
      } else if (lead === 1) {
        // The honest block ties the pool's lead: the pool publishes at once, and the side
        // holding γ of the honest power receives the pool's block first.
        await both(secret, [block]);
        secret = [];
      } else if (lead === 2) {
        // The pool publishes everything and wins by one block.
        await both([], [block]);
        await both(secret);
        secret = [];
        privateLength = 0;
      } else {
        // Still far ahead: publish the oldest private block, matching the honest chain's length.
        await both([], [block]);
        await both([secret.shift()!]);
      }
    }
    await both(secret);
    let pool = 0;
    let total = 0;
    for (let b: LabBlock | undefined = ownSide.tip; b !== undefined && b.parent !== undefined; b = b.parent) {
      total++;
      if (b.miner === POOL) pool++;
    }
    return { pool, total };
  } finally {
    counts.blocks += poolSide.submitted + ownSide.submitted;
    await poolSide.close();
    await ownSide.close();
  }
}
