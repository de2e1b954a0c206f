/**
 * Memory bench: the resident set (RSS) of an idle `toychain node --network regtest`, a
 * separate process started the way a user starts one (plus the test helper's free ports,
 * temp datadir and one mining worker), beside its floor: a bare `node` process that does
 * nothing, measured the same way in the same run, so the figure that matters is what the
 * node adds to what any Node.js process costs on this machine.
 *
 * Each RSS is read from /proc/PID/status after the process is up and has sat idle for
 * SETTLE_MS, the median of SAMPLES reads a little apart. Floor and fresh node are
 * measured ROUNDS times in turn (the machine is shared; V8's young generation lands at a
 * slightly different size from one start to the next) and the medians are reported.
 * Beside them, the last node after it has answered GET /status and GET /metrics (what
 * is loaded on first use shows there), and again after it mined BLOCKS blocks (the nonce
 * pool has run and been shrunk) and sat idle. Linux only (/proc): elsewhere the figures
 * are null and the section says so.
 *
 * Beside the fresh node, the same node started from tsc's unbundled output
 * (dist/src/cli/toychain.js, one file per module) in the same rounds: what bundling the
 * command (scripts/build-node.mjs) saves (3.3 MB: 55.4 MB against 58.7 MB, with the API's
 * routes loaded on the first request).
 *
 * The holds of src/node/start-up-memory.ts matter here too: without the young-generation
 * hold the fresh node measured 83.5 MB against 77.0 MB with it, and without the compiler
 * hold 70.0 MB against 63.3 MB (unbundled; floor 39.5 MB, same load each time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { NodeCluster, type NodeProcess } from '../test/helpers/node-process.js';
import type { BenchSection, BenchSummary } from './run.js';
import { median } from './stats.js';

const SETTLE_MS = 3_000;
const SAMPLES = 5;
const SAMPLE_GAP_MS = 200;
const ROUNDS = 3;
const BLOCKS = 5;
/** idle after mining: longer than the pools' idle timeout, so shrunk pools show */
const AFTER_MINING_SETTLE_MS = 12_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** rssMB reads VmRSS of `pid` from /proc, in MB (2^20 bytes). */
function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (kb === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) / 1024;
}

async function settledRss(pid: number | undefined, settleMs: number): Promise<number> {
  if (pid === undefined) throw new Error('process has no pid');
  await sleep(settleMs);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(rssMB(pid));
    await sleep(SAMPLE_GAP_MS);
  }
  return median(samples);
}

/** floorRss is the settled RSS of a bare node process (the same binary, no modules, an idle timer). */
async function floorRss(): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    return await settledRss(child.pid, SETTLE_MS);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

export const memoryBench: BenchSection = {
  name: 'memory',
  async run(): Promise<Partial<BenchSummary>> {
    if (!existsSync('/proc/self/status')) {
      console.log('no /proc on this system: RSS not measured (idleNodeRssMB null)');
      return {};
    }
    const cluster = new NodeCluster();
    try {
      const floors: number[] = [];
      const fresh: number[] = [];
      const unbundled: number[] = [];
      let node: NodeProcess | undefined;
      for (let round = 0; round < ROUNDS; round++) {
        floors.push(await floorRss());
        if (node !== undefined) await cluster.stopAll();
        node = await cluster.start(`idle-unbundled-${round}`, { unbundled: true });
        unbundled.push(await settledRss(node.child.pid, SETTLE_MS));
        await cluster.stopAll();
        node = await cluster.start(`idle-${round}`);
        fresh.push(await settledRss(node.child.pid, SETTLE_MS));
      }
      const floor = median(floors);
      const idle = median(fresh);
      const idleUnbundled = median(unbundled);
      const loadIdle = load();
      // What an idle node served by a dashboard or a scraper holds: the first /status and /metrics load what they need.
      await node!.status();
      const metrics = await fetch(`${node!.apiUrl}/metrics`);
      if (metrics.status !== 200) throw new Error(`metrics: HTTP ${metrics.status}`);
      await metrics.text();
      const served = await settledRss(node!.child.pid, SETTLE_MS);
      await node!.generate(BLOCKS);
      const afterMining = await settledRss(node!.child.pid, AFTER_MINING_SETTLE_MS);
      const row = (what: string, mb: number, target = ''): string[] => [what, `${mb.toFixed(1)} MB`, `${(mb / floor).toFixed(2)}x`, `${(mb - floor).toFixed(1)} MB`, target];
      const rows = [
        ['idle regtest node (separate process)', 'RSS', 'x floor', 'above floor', 'target'],
        row(`floor: bare node -e, ${SETTLE_MS / 1000} s idle (median of ${ROUNDS}: ${floors.map((f) => f.toFixed(1)).join(', ')})`, floor),
        row(`fresh node, ${SETTLE_MS / 1000} s idle (median of ${ROUNDS}: ${fresh.map((f) => f.toFixed(1)).join(', ')})`, idle, '<= 60 MB'),
        row(`fresh node from tsc's unbundled output (median of ${ROUNDS}: ${unbundled.map((f) => f.toFixed(1)).join(', ')})`, idleUnbundled),
        row(`after GET /status and GET /metrics, ${SETTLE_MS / 1000} s idle`, served),
        row(`after generating ${BLOCKS} blocks, ${AFTER_MINING_SETTLE_MS / 1000} s idle`, afterMining),
        row('this bench process, for scale', process.memoryUsage.rss() / 2 ** 20),
      ];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
      const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
      console.log([line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n'));
      console.log(`load average (1, 5, 15 min) when the fresh nodes were read: ${loadIdle}; at the end: ${load()}`);
      console.log(`the bundle saves ${(idleUnbundled - idle).toFixed(1)} MB of an idle node (${(idle / idleUnbundled).toFixed(2)}x the unbundled one)`);
      return { idleNodeRssMB: idle, idleNodeFloorMB: floor, servedNodeRssMB: served, idleNodeUnbundledRssMB: idleUnbundled };
    } finally {
      await cluster.cleanup();
    }
  },
};
