/**
 * `toychain lab fork-rate`: nodes that hear each other's blocks after a delay d, each
 * mining on its own Chain's tip with an equal share. A block found before the last one
 * reached its miner starts a fork; the Chains settle it by work, and the losing block
 * is stale. The measured stale rate sits beside 1 − e^(−d/T), the chance that another
 * block is found within d of one (T the block interval), and its per-miner refinement
 * Σ sᵢ(1 − e^(−(1−sᵢ)d/T)): a miner never races its own block.
 *
 * What goes through the Chain: every block, into every node's Chain (the finder's at
 * once, the others' after the delay). The stale count is read off node 0's active chain
 * at the end, after every block has arrived everywhere.
 */
import { regtest, type NetworkParams } from '../consensus/params.js';
import { BlockBuilder, type LabBlock } from './block-builder.js';
import { BlockFinds } from './block-finds.js';
import type { RunCounts } from './double-spend.js';
import { LabClock } from './lab-clock.js';
import { LabNode } from './lab-node.js';
import { streamFor } from './seeds.js';
import { wilsonInterval } from './statistics.js';

export interface ForkRateOptions {
  delayMs: number;
  intervalMs: number;
  nodes: number;
  blocks: number;
  seed: number;
  params?: NetworkParams;
}

export interface ForkRateResult {
  delayMs: number;
  intervalMs: number;
  nodes: number;
  blocks: number;
  /** blocks found that are not on the final active chain, per block found */
  staleRate: number;
  /** Wilson interval, each block counted as one trial (forks are short and rare) */
  ci95: [number, number];
  /** 1 − e^(−d/T) */
  model: number;
  /** Σ sᵢ(1 − e^(−(1−sᵢ)d/T)) over the miners' shares */
  modelPerMiner: number;
}

export async function forkRate(opts: ForkRateOptions, counts: RunCounts = { blocks: 0 }): Promise<ForkRateResult> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 2) throw new RangeError(`fork-rate needs at least 2 nodes, got ${opts.nodes}`);
  if (!Number.isInteger(opts.blocks) || opts.blocks < 1) throw new RangeError(`blocks must be a whole number ≥ 1, got ${opts.blocks}`);
  if (!(opts.delayMs >= 0) || !(opts.intervalMs > 0)) throw new RangeError('the delay must be ≥ 0 and the interval > 0');
  const params = opts.params ?? regtest;
  const builder = new BlockBuilder(params);
  const clock = new LabClock(params.genesis.time);
  const base = clock.exact;
  const random = streamFor(opts.seed, `fork-rate d=${opts.delayMs} T=${opts.intervalMs} n=${opts.nodes}`);
  const shares = Array.from({ length: opts.nodes }, () => 1 / opts.nodes);
  const finds = new BlockFinds(random, shares, opts.intervalMs / 1000);
  const delay = opts.delayMs / 1000;
  const nodes: LabNode[] = [];
  try {
    for (let i = 0; i < opts.nodes; i++) nodes.push(await LabNode.open(builder, clock));
    // Deliveries in the order they fall due: the delay is the same for all, so first in, first out.
    const deliveries: { at: number; to: number; block: LabBlock }[] = [];
    let head = 0;
    const deliverUntil = async (t: number): Promise<void> => {
      while (head < deliveries.length && deliveries[head]!.at <= t) {
        const d = deliveries[head++]!;
        clock.advanceTo(Math.max(clock.exact, base + d.at));
        if (!nodes[d.to]!.has(d.block.id)) await nodes[d.to]!.submit(d.block);
      }
    };
    for (let found = 0; found < opts.blocks; found++) {
      const find = finds.take();
      await deliverUntil(find.time);
      clock.advanceTo(base + find.time);
      const node = nodes[find.miner]!;
      const block = builder.buildOn(node.tip, { now: clock.now(), miner: find.miner });
      await node.submit(block);
      for (let to = 0; to < nodes.length; to++) if (to !== find.miner) deliveries.push({ at: find.time + delay, to, block });
    }
    await deliverUntil(Infinity);
    const onChain = nodes[0]!.chain.height;
    const stale = opts.blocks - onChain;
    const dOverT = opts.delayMs / opts.intervalMs;
    return {
      delayMs: opts.delayMs,
      intervalMs: opts.intervalMs,
      nodes: opts.nodes,
      blocks: opts.blocks,
      staleRate: stale / opts.blocks,
      ci95: wilsonInterval(stale, opts.blocks),
      model: 1 - Math.exp(-dOverT),
      modelPerMiner: shares.reduce((sum, s) => sum + s * (1 - Math.exp(-(1 - s) * dOverT)), 0),
    };
  } finally {
    for (const node of nodes) {
      counts.blocks += node.submitted;
      await node.close();
    }
  }
}
