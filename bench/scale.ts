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
 * Not measured here (printed as such): the stale rate at a set link delay beside
 * 1 − e^(−d/T), which needs continuous paced mining (the devnet page shows it live).
 */
import { readFileSync } from 'node:fs';
import { DevnetProcess } from '../test/helpers/devnet-process.js';
import { waitFor } from '../test/helpers/node-process.js';
import type { BenchSection } from './run.js';

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

export const scaleBench: BenchSection = {
  name: 'scale',
  async run() {
    const sizes = (process.env.TOYCHAIN_SCALE_NODES ?? '10,25,50').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const rows: Row[] = [];
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
    console.log('  stale rate at a set link delay vs 1 − e^(−d/T): not measured by this section');
  },
};
