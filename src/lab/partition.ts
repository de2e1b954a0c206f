/**
 * `toychain lab partition`: safety against liveness when the network splits. Two sides,
 * the minority with share m of the hash power (and of the voters), cut off from each
 * other for a while, then healed.
 *
 * Nakamoto consensus (real Chains, one per side): both sides stay live and mine their
 * own histories. At the heal each side receives the other's blocks and its Chain keeps
 * the branch with more work: the other side's blocks are orphaned (the Chain's reorg
 * reports how deep) and the payments in them are reversed. Of those, the share that had
 * a conflicting spend on the winning side (PAYMENTS_DOUBLE_SPENT) is dropped as a double
 * spend; the rest go back to the mempool and are mined again. Payments are counted, not
 * built: each block carries PAYMENTS_PER_BLOCK of them in this model, so the blocks are
 * real and the payment numbers are arithmetic on the orphaned block count.
 *
 * Majority-quorum commit (Raft or Paxos; modelled, no Chain): an entry commits only when
 * more than half of the voters have it. The minority side can propose (the same find
 * times as its miners) but commits nothing, so it is not live; the majority commits at
 * its pace; at the heal nothing committed is ever reversed.
 */
import { regtest, type NetworkParams } from '../consensus/params.js';
import { BlockBuilder, type LabBlock } from './block-builder.js';
import { BlockFinds } from './block-finds.js';
import type { RunCounts } from './double-spend.js';
import type { Reorg } from '../chain/block-outcome.js';
import { LabClock } from './lab-clock.js';
import { LabNode } from './lab-node.js';
import { streamFor } from './seeds.js';

export const PAYMENTS_PER_BLOCK = 10;
export const PAYMENTS_DOUBLE_SPENT = 0.1;

export interface PartitionOptions {
  minority: number;
  durationMs: number;
  intervalMs: number;
  seed: number;
  params?: NetworkParams;
}

export interface SideCount {
  /** blocks (or entries) made during the partition */
  made: number;
  /** of those, on the final history */
  committed: number;
  /** of those, reversed at the heal */
  reversed: number;
}

export interface PartitionResult {
  minority: number;
  durationMs: number;
  intervalMs: number;
  nakamoto: {
    majority: SideCount;
    minority: SideCount;
    /** the deepest reorg a side's Chain made at the heal */
    reorgDepth: number;
    payments: { reversed: number; minedAgain: number; droppedAsDoubleSpends: number };
  };
  quorum: { majority: SideCount; minority: SideCount };
}

export async function partition(opts: PartitionOptions, counts: RunCounts = { blocks: 0 }): Promise<PartitionResult> {
  if (!(opts.minority > 0 && opts.minority < 0.5)) throw new RangeError(`the minority's share must be between 0 and 0.5, got ${opts.minority}`);
  if (!(opts.durationMs > 0) || !(opts.intervalMs > 0)) throw new RangeError('the duration and the interval must be > 0');
  if (opts.durationMs / opts.intervalMs > 100_000) throw new RangeError('the partition would last more than 100,000 block intervals');
  const params = opts.params ?? regtest;
  const builder = new BlockBuilder(params);
  const clock = new LabClock(params.genesis.time);
  const base = clock.exact;
  const finds = new BlockFinds(streamFor(opts.seed, `partition m=${opts.minority} d=${opts.durationMs} T=${opts.intervalMs}`), [1 - opts.minority, opts.minority], opts.intervalMs / 1000);
  const sides = [await LabNode.open(builder, clock), await LabNode.open(builder, clock)];
  try {
    const made: LabBlock[][] = [[], []];
    for (let step = 0; step < 1_000_000; step++) {
      const find = finds.take();
      if (find.time * 1000 > opts.durationMs) break;
      clock.advanceTo(base + find.time);
      const side = sides[find.miner]!;
      const block = builder.buildOn(side.tip, { now: clock.now(), miner: find.miner });
      await side.submit(block);
      made[find.miner]!.push(block);
    }
    // Heal: each side receives the other's blocks, oldest first.
    let reorgDepth = 0;
    for (const [to, from] of [[0, 1], [1, 0]] as const) {
      const watch = (r: Reorg): void => void (reorgDepth = Math.max(reorgDepth, r.depth));
      sides[to]!.chain.on('reorg', watch);
      for (const block of made[from]!) await sides[to]!.submit(block);
      sides[to]!.chain.off('reorg', watch);
    }
    const count = (side: 0 | 1): SideCount => {
      const committed = made[side]!.filter((b) => sides[0]!.isActive(b.id)).length;
      return { made: made[side]!.length, committed, reversed: made[side]!.length - committed };
    };
    const majority = count(0);
    const minority = count(1);
    const reversedPayments = (majority.reversed + minority.reversed) * PAYMENTS_PER_BLOCK;
    const dropped = Math.round(reversedPayments * PAYMENTS_DOUBLE_SPENT);
    return {
      minority: opts.minority,
      durationMs: opts.durationMs,
      intervalMs: opts.intervalMs,
      nakamoto: { majority, minority, reorgDepth, payments: { reversed: reversedPayments, minedAgain: reversedPayments - dropped, droppedAsDoubleSpends: dropped } },
      quorum: {
        majority: { made: made[0]!.length, committed: made[0]!.length, reversed: 0 },
        minority: { made: made[1]!.length, committed: 0, reversed: 0 },
      },
    };
  } finally {
    for (const side of sides) {
      counts.blocks += side.submitted;
      await side.close();
    }
  }
}
