/**
 * Memory bench: the resident set (RSS) of an idle `toychain node --network regtest`, a
 * separate process started the way a user starts one (plus the test helper's free ports,
 * temp datadir and one mining worker): read from /proc/PID/status after the node is up
 * and has sat idle for SETTLE_MS, the median of SAMPLES reads a little apart. Beside it,
 * the same node after it mined BLOCKS blocks (the nonce pool has run) and sat idle again.
 * Linux only (/proc): elsewhere the figures are null and the section says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { NodeCluster, type NodeProcess } from '../test/helpers/node-process.js';
import type { BenchSection, BenchSummary } from './run.js';

const SETTLE_MS = 3_000;
const SAMPLES = 5;
const SAMPLE_GAP_MS = 200;
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

async function settledRss(node: NodeProcess, settleMs: number): Promise<number> {
  await sleep(settleMs);
  const pid = node.child.pid;
  if (pid === undefined) throw new Error('node has no pid');
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(rssMB(pid));
    await sleep(SAMPLE_GAP_MS);
  }
  return samples.sort((a, b) => a - b)[Math.floor(SAMPLES / 2)]!;
}

export const memoryBench: BenchSection = {
  name: 'memory',
  async run(): Promise<Partial<BenchSummary>> {
    if (!existsSync('/proc/self/status')) {
      console.log('no /proc on this system: RSS not measured (idleNodeRssMB null)');
      return {};
    }
    const cluster = new NodeCluster();
    try {
      const node = await cluster.start('idle');
      const idle = await settledRss(node, SETTLE_MS);
      await node.generate(BLOCKS);
      const afterMining = await settledRss(node, AFTER_MINING_SETTLE_MS);
      const rows = [
        ['idle regtest node (separate process)', 'RSS', 'target'],
        [`fresh, ${SETTLE_MS / 1000} s idle`, `${idle.toFixed(1)} MB`, '<= 60 MB'],
        [`after generating ${BLOCKS} blocks, ${AFTER_MINING_SETTLE_MS / 1000} s idle`, `${afterMining.toFixed(1)} MB`, ''],
        ['this bench process, for scale', `${(process.memoryUsage.rss() / 2 ** 20).toFixed(1)} MB`, ''],
      ];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
      const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
      console.log([line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n'));
      return { idleNodeRssMB: idle };
    } finally {
      await cluster.cleanup();
    }
  },
};
