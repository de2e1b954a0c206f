/**
 * `toychain lab time-warp`: why BIP94 exists. A miner with a majority share stamps every
 * block with the lowest time the Chain allows (median time past + 1), except the last
 * block of each retarget period, stamped as far ahead as allowed (its clock +
 * maxFutureDrift). The retarget then measures each period from a frozen start to a
 * real end: every period looks slow, so the difficulty falls by 4x per period, and the
 * miner's blocks come faster and faster. The rest of the hash power stamps honest times.
 *
 * Run on the `demo` rules (20-block periods, maxFutureDrift of 12 spacings, BIP94's
 * maxTimewarp of one spacing) with and without BIP94's rule, on real Chains, with every
 * time scaled down ten times (1 s blocks, 20 s periods, 12 s drift, 1 s maxTimewarp) and
 * a hashable difficulty: genesis at one hash in 2^12, powLimit 2^249. The scaling keeps
 * every ratio of demo's rules; it is needed because the retarget multiplies target by
 * timespan in 256 bits (as Core does), which overflows above 2^256 / (4 · timespan): at
 * demo's 200 s that bound (2^246) would leave no room between a hashable genesis and the
 * limit. The drop is therefore capped at 32x here (powLimit / genesis target).
 *
 * With the rule, the lab also hands the Chain one warped block that ignores it, and
 * reports the Chain's refusal (time-timewarp-attack).
 */
import { toDisplayHex } from '../consensus/bytes.js';
import { genesisBlock } from '../consensus/genesis.js';
import { headerHash } from '../consensus/header.js';
import { demo, retargetInterval, type NetworkParams } from '../consensus/params.js';
import { checkProofOfWork, compactToTarget } from '../consensus/pow.js';
import { timewarpFloor } from '../consensus/timewarp.js';
import { BlockBuilder, type LabBlock } from './block-builder.js';
import type { RunCounts } from './double-spend.js';
import { LabClock } from './lab-clock.js';
import { LabBlockRejectedError, LabNode } from './lab-node.js';
import type { Random } from './prng.js';
import { streamFor } from './seeds.js';

/** the genesis bits of the lab's demo: target 0x0fffff·2^224, about one hash in 2^12 */
const LAB_DEMO_BITS = 0x1f0fffff;
/** demo's times divided by this (see above) */
const TIME_SCALE = 10;

export interface TimeWarpOptions {
  /** the warping miner's share of the hash power (a majority: above 0.5) */
  share: number;
  periods: number;
  seed: number;
}

export interface TimeWarpRun {
  rule: 'without BIP94' | 'with BIP94';
  blocks: number;
  /** simulated seconds the run took */
  seconds: number;
  /** seconds per block in the last period (the target: 1) */
  lastPeriodSpacing: number;
  /** how many times easier the last block's target is than genesis' */
  difficultyDrop: number;
  /** the Chain's answer to a warped block that ignores the rule (with BIP94 only) */
  refused?: string;
}

export interface TimeWarpResult {
  share: number;
  periods: number;
  runs: TimeWarpRun[];
}

/** labDemo is demo's rules with a hashable powLimit and genesis; maxTimewarp as demo's or switched off. */
export function labDemo(withRule: boolean): NetworkParams {
  const base: NetworkParams = {
    ...demo,
    name: withRule ? 'lab-demo' : 'lab-demo-no-bip94',
    targetSpacing: demo.targetSpacing / TIME_SCALE,
    targetTimespan: demo.targetTimespan / TIME_SCALE,
    maxFutureDrift: demo.maxFutureDrift / TIME_SCALE,
    maxTimewarp: (demo.maxTimewarp ?? demo.targetSpacing) / TIME_SCALE,
    powLimit: 0x7fffffn << 226n,
    genesis: { ...demo.genesis, bits: LAB_DEMO_BITS, nonce: 0, hash: '' },
  };
  if (!withRule) delete (base as { maxTimewarp?: number }).maxTimewarp;
  for (let nonce = 0; nonce < 10_000_000; nonce++) {
    const header = genesisBlock({ ...base, genesis: { ...base.genesis, nonce } }).header;
    const hash = headerHash(header);
    if (checkProofOfWork(hash, header.bits, base).ok) return { ...base, genesis: { ...base.genesis, nonce, hash: toDisplayHex(hash) } };
  }
  throw new Error('labDemo: no genesis nonce found');
}

export async function timeWarp(opts: TimeWarpOptions, counts: RunCounts = { blocks: 0 }): Promise<TimeWarpResult> {
  if (!(opts.share > 0.5 && opts.share <= 1)) throw new RangeError(`the warping miner's share must be above 0.5 and at most 1, got ${opts.share}`);
  if (!Number.isInteger(opts.periods) || opts.periods < 2 || opts.periods > 50) throw new RangeError(`periods must be a whole number from 2 to 50, got ${opts.periods}`);
  const runs: TimeWarpRun[] = [];
  for (const withRule of [false, true]) runs.push(await warpRun(labDemo(withRule), withRule, opts, streamFor(opts.seed, `time-warp share=${opts.share} rule=${withRule}`), counts));
  return { share: opts.share, periods: opts.periods, runs };
}

async function warpRun(params: NetworkParams, withRule: boolean, opts: TimeWarpOptions, random: Random, counts: RunCounts): Promise<TimeWarpRun> {
  const builder = new BlockBuilder(params);
  const clock = new LabClock(params.genesis.time);
  const node = await LabNode.open(builder, clock);
  const interval = retargetInterval(params);
  const genesisTarget = compactToTarget(params.genesis.bits).target;
  let refused: string | undefined;
  let lastPeriodStart = clock.exact;
  const total = opts.periods * interval;
  try {
    for (let height = 1; height <= total; height++) {
      const tip = node.tip;
      const bits = builder.nextBits(tip);
      // Blocks come at the whole network's rate, faster as the target grows (easier).
      const easier = Number(compactToTarget(bits).target) / Number(genesisTarget);
      clock.advanceTo(clock.exact + random.exponential(easier / params.targetSpacing));
      if (height === total - interval) lastPeriodStart = clock.exact;
      const warper = random.uniform() < opts.share;
      const now = clock.now();
      let time: number | undefined;
      if (warper) {
        const lowest = builder.medianTimeOf(tip) + 1;
        const floor = timewarpFloor(height, tip.header.time, params);
        time = height % interval === interval - 1 ? now + params.maxFutureDrift : Math.max(lowest, floor ?? lowest);
        if (withRule && refused === undefined && floor !== undefined && lowest < floor) {
          // Show the Chain the block the attack needs here, the rule ignored.
          refused = await refusal(node, builder.buildOn(tip, { now, miner: 0, time: lowest }));
        }
      }
      await node.submit(builder.buildOn(tip, time === undefined ? { now, miner: warper ? 0 : 1 } : { now, miner: 0, time }));
    }
    const last: LabBlock = node.tip;
    const result: TimeWarpRun = {
      rule: withRule ? 'with BIP94' : 'without BIP94',
      blocks: last.height,
      seconds: clock.exact - params.genesis.time,
      lastPeriodSpacing: (clock.exact - lastPeriodStart) / interval,
      difficultyDrop: Number(compactToTarget(last.header.bits).target) / Number(genesisTarget),
    };
    if (refused !== undefined) result.refused = refused;
    return result;
  } finally {
    counts.blocks += node.submitted;
    await node.close();
  }
}

async function refusal(node: LabNode, block: LabBlock): Promise<string> {
  try {
    await node.submit(block);
    return 'accepted (the rule did not hold)';
  } catch (e) {
    if (e instanceof LabBlockRejectedError) return e.reason;
    throw e;
  }
}
