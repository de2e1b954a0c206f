/**
 * Pace bench: does a devnet make blocks at the asked pace from the first one?
 *
 * A 3-node `toychain devnet --block-time 5s` (its own network: measured hash rate,
 * genesis made at start), mining until node 0's chain reaches height BLOCKS. The
 * intervals are block times (whole seconds) of consecutive blocks 1..BLOCKS on node 0's
 * active chain; the baseline is the asked block time. Block 1's own interval (from the
 * genesis, made before the nodes started) is printed apart. A retarget comes at height
 * 20 and 40 (interval 20), so the second half shows the correction.
 *
 * Every process is stopped in a finally; the wait has a timeout.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { DevnetProcess } from '../test/helpers/devnet-process.js';
import { waitFor } from '../test/helpers/node-process.js';
import type { BenchSection } from './run.js';
import { expectedHashesOf } from '../src/node/network-create.js';
import { median } from './stats.js';

const NODES = 3;
const BLOCK_TIME_SEC = 5;
const BLOCKS = 40;
const TIMEOUT_MS = 20 * 60_000;

interface BlockView {
  height: number;
  time: number;
  bits: string;
}

async function blocksOf(apiUrl: string): Promise<BlockView[]> {
  const res = await fetch(`${apiUrl}/blocks?from=0&limit=${BLOCKS + 1}&order=asc`);
  return ((await res.json()) as { blocks: BlockView[] }).blocks.sort((a, b) => a.height - b.height);
}

async function run(): Promise<void> {
  const devnet = new DevnetProcess(NODES);
  try {
    const loadAtStart = loadavg()[0]!;
    const started = Date.now();
    await devnet.start(['--network', 'demo', '--block-time', `${BLOCK_TIME_SEC}s`, '--fresh']);
    const madeIn = (Date.now() - started) / 1000;
    const apiUrl = (JSON.parse(readFileSync(join(devnet.datadir, 'node-0', 'node.json'), 'utf8')) as { apiUrl: string }).apiUrl;
    const blocks = await waitFor(`node 0 to reach height ${BLOCKS}`, async () => {
      const b = await blocksOf(apiUrl);
      return b.length > BLOCKS ? b : undefined;
    }, TIMEOUT_MS, 1_000);
    const gaps = blocks.slice(2, BLOCKS + 1).map((b, i) => b.time - blocks[i + 1]!.time);
    const half = (from: number, to: number) => gaps.slice(from, to);
    const row = (label: string, xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      console.log(`| ${label} | ${xs.length} | ${mean.toFixed(2)} s | ${median(xs).toFixed(1)} s | ${BLOCK_TIME_SEC} s | ${(mean / BLOCK_TIME_SEC).toFixed(2)} | ${(median(xs) / BLOCK_TIME_SEC).toFixed(2)} |`);
    };
    console.log(`> 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at height ${BLOCKS}, on ${availableParallelism()} cores (other programs share the cores the miners were measured on)`);
    const out = devnet.output.split('\n').filter((l) => l.startsWith('measured') || l.startsWith('making'));
    for (const line of out) console.log(`> ${line}`);
    console.log(`\ndevnet up (measure + genesis + nodes) in ${madeIn.toFixed(1)} s; block 1 came ${blocks[1]!.time - blocks[0]!.time} s after the genesis time\n`);
    // Proof of work's waiting times are exponential: at the asked pace the mean is the asked time and the median ln 2 ≈ 0.69 of it.
    console.log('| blocks | intervals | mean | median | asked (baseline) | mean / asked | median / asked (0.69 at pace) |');
    console.log('|---|---|---|---|---|---|---|');
    row(`1–${BLOCKS}`, gaps);
    row('1–20 (starting difficulty)', half(0, 19));
    row(`20–${BLOCKS} (after the first retarget)`, half(19, gaps.length));
    // Where the pace went: the work a block asked for at each retarget, and what the miners reported doing.
    for (const h of [1, 20, 40]) console.log(`> block ${h}: bits ${blocks[h]!.bits}, ${Math.round(expectedHashesOf(parseInt(blocks[h]!.bits, 16))).toLocaleString('en')} hashes expected`);
    const rates = await Promise.all(((await devnet.view()).nodes as { apiUrl: string }[]).map(async ({ apiUrl: url }) => ((await (await fetch(`${url}/status`)).json()) as { mining: { hashrate: number } }).mining.hashrate));
    console.log(`> the nodes report ${rates.map((r) => `${(r / 1e6).toFixed(2)} MH/s`).join(', ')} (sum ${(rates.reduce((a, b) => a + b, 0) / 1e6).toFixed(2)} MH/s) at height ${BLOCKS}`);
  } finally {
    await devnet.cleanup();
  }
}

export const paceBench: BenchSection = { name: 'pace', run };
