/**
 * Scale bench (`npm run bench -- scale`): regtest devnets of N = 10, 25, 50 node
 * processes on this machine (TOYCHAIN_SCALE_NODES="10,25" to choose), each measured the
 * same way, with N = 10 as the baseline the others are compared to:
 * - RSS per node: VmRSS of every node process (/proc), median and max, after blocks flowed;
 * - a block's time to reach every node: for BLOCKS blocks made one at a time on a
 *   random node, the last node's arrival minus the first's (the devnet's block tree),
 *   median and p90;
 * - convergence after a split and heal: two halves each make a branch (the second one
 *   block longer), then heal; the time until every node reports the longer branch's tip.
 * Then the stale rate at a set link delay, beside 1 − e^(−d/T): a regtest devnet of
 * STALE_NODES nodes that all mine continuously at a pace of one block every T seconds
 * (exponential waits: block finds are a Poisson process), every link delayed by d, run
 * until the best chain is STALE_WINDOW + 2 blocks high; the devnet's own count of blocks
 * off the best chain over its last STALE_WINDOW heights, with a 95% Wilson interval
 * (the count is small: the interval says how far to trust it). Beside it the model with
 * d the link delay, and with d the measured median time a block took to reach every
 * node (a block crosses a link three times: inv, getdata, block, and some paths take
 * two links), which is the delay that matters. TOYCHAIN_SCALE_STALE="off" skips it;
 * TOYCHAIN_SCALE_STALE="NODES,DELAY_MS,T_SEC" sets it (default 10,250,2).
 */
import { readFileSync } from 'node:fs';
import { DevnetProcess } from '../test/helpers/devnet-process.js';
import { waitFor } from '../test/helpers/node-process.js';
import type { BenchSection } from './run.js';
import { STALE_WINDOW } from '../src/devnet/block-tree.js';

const BLOCKS = 10;

function rssMB(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb === null ? Number.NaN : Number(kb[1]) / 1024;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

interface Row {
  nodes: number;
  rssMedianMB: number;
  rssMaxMB: number;
  spreadMedianMs: number;
  spreadP90Ms: number;
  convergeMs: number;
}

async function measure(nodes: number): Promise<Row> {
  const devnet = new DevnetProcess(nodes);
  try {
    await devnet.start(['--miners', '0']);
    await waitFor(`${nodes} nodes reachable`, async () => (await devnet.view()).nodes.every((n: any) => n.alive && !n.unreachable), 180_000, 250);
    const spreads: number[] = [];
    for (let i = 0; i < BLOCKS; i++) {
      const from = Math.floor(Math.random() * nodes);
      const [hash] = (await devnet.control('POST', `/devnet/nodes/${from}/generate`, { blocks: 1 })).body.hashes as string[];
      const block = await waitFor('the block on every node', async () => {
        const blocks = (await devnet.control('GET', '/devnet/tree?heights=3')).body.blocks as { hash: string; seenBy: Record<string, number> }[];
        const b = blocks.find((x) => x.hash === hash);
        return b !== undefined && Object.keys(b.seenBy).length === nodes ? b : undefined;
      }, 60_000, 50);
      const times = Object.values(block.seenBy);
      spreads.push(Math.max(...times) - Math.min(...times));
    }
    const view = await devnet.view();
    const rss = (view.nodes as { pid: number }[]).map((n) => rssMB(n.pid));
    const half = Math.floor(nodes / 2);
    const groups = [[...Array(half).keys()], [...Array(nodes - half).keys()].map((i) => i + half)];
    await devnet.control('POST', '/devnet/split', { groups });
    await waitFor('the halves apart', async () => (await devnet.view()).nodes.every((n: any) => n.group === (n.index < half ? 0 : 1)), 60_000, 100);
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 1 });
    const winning = (await devnet.control('POST', `/devnet/nodes/${half}/generate`, { blocks: 2 })).body.hashes as string[];
    const t0 = performance.now();
    await devnet.control('POST', '/devnet/heal', {});
    await waitFor('every node on the longer branch', async () => (await devnet.view()).nodes.every((n: any) => n.status?.tip === winning[1]), 120_000, 50);
    const convergeMs = performance.now() - t0;
    return { nodes, rssMedianMB: quantile(rss, 0.5), rssMaxMB: Math.max(...rss), spreadMedianMs: quantile(spreads, 0.5), spreadP90Ms: quantile(spreads, 0.9), convergeMs };
  } finally {
    await devnet.cleanup();
  }
}

interface StaleRow {
  nodes: number;
  delayMs: number;
  spacingSec: number;
  blocks: number;
  stale: number;
  /** mean time between block finds, all blocks (stale ones included), first-seen times */
  foundEverySec: number;
  propagationMedianMs: number | null;
  /** mean over blocks of the mean time from a block's first node to each other node */
  reachMeanMs: number;
}

/** wilson is the 95% Wilson score interval of k successes in n trials. */
function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN];
  const z = 1.96;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

async function measureStale(nodes: number, delayMs: number, spacingSec: number): Promise<StaleRow> {
  const devnet = new DevnetProcess(nodes);
  try {
    await devnet.start(['--mine', '--block-time', `${spacingSec}s`, '--delay', `${delayMs}ms`]);
    const target = STALE_WINDOW + 2;
    // Bounded: at T = 2 s the chain needs about 2 minutes; a loaded machine gets ten times that.
    const view = await waitFor(`the best chain at height ${target}`, async () => {
      const v = await devnet.view();
      const best = Math.max(...(v.nodes as any[]).map((n) => n.status?.height ?? 0));
      return best >= target ? v : undefined;
    }, target * spacingSec * 10_000, 500);
    await devnet.control('POST', '/devnet/mining', { active: false });
    const tree = (await devnet.control('GET', `/devnet/tree?heights=${STALE_WINDOW + 5}`)).body.blocks as { height: number; seenBy: Record<string, number> }[];
    const firstSeen = tree.filter((b) => b.height > 0).map((b) => Math.min(...Object.values(b.seenBy))).sort((a, b) => a - b);
    const foundEverySec = firstSeen.length < 2 ? Number.NaN : (firstSeen.at(-1)! - firstSeen[0]!) / 1000 / (firstSeen.length - 1);
    // A rival block is found by some other miner before it hears this one: what counts is the time to each other node, on average.
    const reach = tree.filter((b) => b.height > 0 && Object.keys(b.seenBy).length === nodes).map((b) => {
      const times = Object.values(b.seenBy);
      const first = Math.min(...times);
      return times.reduce((sum, t) => sum + (t - first), 0) / (times.length - 1);
    });
    const reachMeanMs = reach.length === 0 ? Number.NaN : reach.reduce((a, b) => a + b, 0) / reach.length;
    return { nodes, delayMs, spacingSec, blocks: view.stale.blocks, stale: view.stale.stale, foundEverySec, propagationMedianMs: view.propagation.medianMs, reachMeanMs };
  } finally {
    await devnet.cleanup();
  }
}

function printStale(r: StaleRow): void {
  const model = (dMs: number): string => (1 - Math.exp(-dMs / (r.spacingSec * 1000))).toFixed(3);
  const [lo, hi] = wilson(r.stale, r.blocks);
  console.log(`  stale rate: regtest devnet of ${r.nodes} nodes all mining, a block every T = ${r.spacingSec} s (found every ${r.foundEverySec.toFixed(2)} s), link delay d = ${r.delayMs} ms`);
  const rate = r.blocks === 0 ? Number.NaN : r.stale / r.blocks;
  console.log('  | blocks | stale | measured stale rate | 95% interval | model 1 − e^(−d/T), d = link delay | d = mean time to the other nodes | as a share of all blocks, p/(1+p) | d = median time to every node | d the measured rate implies |');
  console.log('  |---|---|---|---|---|---|---|---|---|');
  const prop = r.propagationMedianMs === null ? 'n/a' : `${model(r.propagationMedianMs)} (${r.propagationMedianMs} ms)`;
  const reach = Number.isFinite(r.reachMeanMs) ? `${model(r.reachMeanMs)} (${r.reachMeanMs.toFixed(0)} ms)` : 'n/a';
  // p is per block on the best chain; a fork leaves one stale block per rival, so of all blocks the stale share is p/(1+p).
  const p = 1 - Math.exp(-r.reachMeanMs / (r.spacingSec * 1000));
  const share = Number.isFinite(p) ? (p / (1 + p)).toFixed(3) : 'n/a';
  const implied = rate > 0 && rate < 1 ? `${(-Math.log(1 - rate) * r.spacingSec * 1000).toFixed(0)} ms` : 'n/a';
  console.log(`  | ${r.blocks} | ${r.stale} | ${Number.isFinite(rate) ? rate.toFixed(3) : 'n/a'} | ${lo.toFixed(3)}–${hi.toFixed(3)} | ${model(r.delayMs)} | ${reach} | ${share} | ${prop} | ${implied} |`);
}

export const scaleBench: BenchSection = {
  name: 'scale',
  async run() {
    const sizes = (process.env.TOYCHAIN_SCALE_NODES ?? '10,25,50').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const rows: Row[] = [];
    const staleSpec = process.env.TOYCHAIN_SCALE_STALE ?? '10,250,2';
    if (staleSpec !== 'off') {
      const [n, d, t] = staleSpec.split(',').map(Number);
      if (![n, d, t].every((x) => Number.isInteger(x) && x! > 0)) throw new RangeError(`TOYCHAIN_SCALE_STALE: '${staleSpec}' is not NODES,DELAY_MS,T_SEC (e.g. 10,250,2) or off`);
      printStale(await measureStale(n!, d!, t!));
    }
    if (sizes.length === 0) return;
    for (const n of sizes) {
      rows.push(await measure(n));
      const r = rows[rows.length - 1]!;
      console.log(`  measured N=${n}`);
      void r;
    }
    const base = rows[0]!;
    const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
    const ratio = (x: number, b: number): string => (b > 0 ? `${(x / b).toFixed(2)}x` : 'n/a');
    console.log(`  regtest devnet, ${BLOCKS} blocks each from a random node; baseline N=${base.nodes}`);
    console.log('  | N | RSS/node median MB | max MB | block to all nodes median ms | p90 ms | converge after split+heal ms | spread median vs baseline |');
    console.log('  |---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`  | ${r.nodes} | ${f(r.rssMedianMB)} | ${f(r.rssMaxMB)} | ${f(r.spreadMedianMs)} | ${f(r.spreadP90Ms)} | ${f(r.convergeMs)} | ${ratio(r.spreadMedianMs, base.spreadMedianMs)} |`);
  },
};
