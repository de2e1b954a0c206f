/**
 * Mining bench (issue 4): nonces per second of double SHA-256 header search, from the
 * naive @noble/hashes loop to the worker pool, plus the pool's stop latency.
 *
 *   (a) sha256(sha256(header)) with @noble/hashes, fresh hasher per nonce (baseline)
 *   (b) @noble midstate: public clone(), and one reused hasher via _cloneInto/digestInto
 *   (c) the kernel (workers/sha256-kernel.ts) on this thread
 *   (d) the nonce pool with 1 worker and with all workers
 *
 * Each figure is the median of RUNS runs of RUN_MS after a warm-up, in this process, in
 * the order above: (c) runs before any pool exists so nothing else touches this isolate.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { availableParallelism } from 'node:os';
import { NoncePool } from '../src/mining/nonce-pool.js';
import { NonceJob, prepareKernel, searchNonces } from '../workers/sha256-kernel.js';
import type { BenchSection } from './run.js';

/** One thread of C with SHA-NI, 2 nonces interleaved: docs/mining-kernel.md. */
const C_LIMIT = 16.6e6;
const RUNS = 3;
const RUN_MS = 1_000;
const WARMUP_MS = 300;
const STOPS = 25;

function benchHeader(): Uint8Array {
  const header = new Uint8Array(80);
  for (let i = 0; i < 80; i++) header[i] = (i * 29 + 5) & 0xff;
  return header;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** rate runs `step(batch)` (which hashes `batch` nonces) for about `ms` and returns nonces/s. */
function rate(step: (batch: number) => void, batch: number, ms: number): number {
  const start = performance.now();
  let done = 0;
  let now = start;
  while (now - start < ms) {
    step(batch);
    done += batch;
    now = performance.now();
  }
  return (done * 1000) / (now - start);
}

/** measure warms up, then returns the median rate of RUNS runs. */
function measure(step: (batch: number) => void, batch: number): number {
  rate(step, batch, WARMUP_MS);
  return median(Array.from({ length: RUNS }, () => rate(step, batch, RUN_MS)));
}

function naiveNoble(): number {
  const header = benchHeader();
  const view = new DataView(header.buffer);
  let nonce = 0;
  let sink = 0;
  const r = measure((batch) => {
    for (let i = 0; i < batch; i++) {
      view.setUint32(76, nonce++, true);
      sink ^= sha256(sha256(header))[31]!;
    }
  }, 256);
  if (sink === 256) console.log('');
  return r;
}

function nobleClone(): number {
  const header = benchHeader();
  const mid = sha256.create().update(header.subarray(0, 64));
  const tail = header.slice(64);
  const tailView = new DataView(tail.buffer);
  let nonce = 0;
  let sink = 0;
  const r = measure((batch) => {
    for (let i = 0; i < batch; i++) {
      tailView.setUint32(12, nonce++, true);
      const first = mid.clone().update(tail).digest();
      sink ^= sha256(first)[31]!;
    }
  }, 256);
  if (sink === 256) console.log('');
  return r;
}

function nobleReused(): number {
  const header = benchHeader();
  const mid = sha256.create().update(header.subarray(0, 64));
  const fresh = sha256.create();
  const work = sha256.create();
  const tail = header.slice(64);
  const tailView = new DataView(tail.buffer);
  const first = new Uint8Array(32);
  const second = new Uint8Array(32);
  let nonce = 0;
  let sink = 0;
  const r = measure((batch) => {
    for (let i = 0; i < batch; i++) {
      tailView.setUint32(12, nonce++, true);
      mid._cloneInto(work);
      work.update(tail).digestInto(first);
      fresh._cloneInto(work);
      work.update(first).digestInto(second);
      sink ^= second[31]!;
    }
  }, 256);
  if (sink === 256) console.log('');
  return r;
}

function kernel(): number {
  prepareKernel();
  // Target 0: no nonce meets it, so every call hashes its whole range.
  const job = new NonceJob(benchHeader(), 0n);
  let nonce = 0;
  return measure((batch) => {
    searchNonces(job, nonce, nonce + batch, null);
    nonce = (nonce + batch) % 2 ** 31;
  }, 1 << 16);
}

/** poolRate: nonces/s of a pool searching a range sized for about RUN_MS, median of RUNS. */
async function poolRate(workers: number, perThread: number): Promise<number> {
  const pool = new NoncePool({ workers });
  try {
    await pool.ready();
    const header = benchHeader();
    const span = Math.min(2 ** 32, Math.round((perThread * workers * RUN_MS) / 1000));
    await pool.search({ header, target: 0n, startNonce: 0, endNonce: Math.min(span, 1 << 20) });
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await pool.search({ header, target: 0n, startNonce: 0, endNonce: span });
      rates.push((r.hashesDone * 1000) / r.elapsedMs);
    }
    return median(rates);
  } finally {
    await pool.destroy();
  }
}

/** stopLatencies: from setting the flag (pool.stop()) to every worker idle, STOPS times. */
async function stopLatencies(workers: number): Promise<number[]> {
  const pool = new NoncePool({ workers });
  try {
    await pool.ready();
    const header = benchHeader();
    const out: number[] = [];
    for (let i = 0; i < STOPS + 2; i++) {
      const search = pool.search({ header, target: 0n });
      // Let every worker get well into its task before stopping it.
      await new Promise((resolve) => setTimeout(resolve, 30 + (i % 5) * 7));
      const t0 = performance.now();
      await pool.stop();
      const latency = performance.now() - t0;
      await search;
      if (i >= 2) out.push(latency); // the first two are warm-up
    }
    return out;
  } finally {
    await pool.destroy();
  }
}

const fmtRate = (r: number): string => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(0)} k/s`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export const miningBench: BenchSection = {
  name: 'mining',
  async run() {
    const all = availableParallelism();
    const a = naiveNoble();
    const bClone = nobleClone();
    const bReused = nobleReused();
    const b = Math.max(bClone, bReused);
    const c = kernel();
    const pool1 = await poolRate(1, c);
    const poolAll = await poolRate(all, c);
    const stops = await stopLatencies(all);

    const rows = [
      ['approach', 'nonces/s', 'vs (a)', 'share of C limit'],
      ['(a) @noble sha256(sha256(header)), fresh hasher per nonce', fmtRate(a), '1.00x', pct(a)],
      [`(b) @noble midstate, public clone()${bClone >= bReused ? ' (best)' : ''}`, fmtRate(bClone), ratio(bClone, a), pct(bClone)],
      [`(b) @noble midstate, reused hasher _cloneInto/digestInto${bReused > bClone ? ' (best)' : ''}`, fmtRate(bReused), ratio(bReused, a), pct(bReused)],
      ['(c) kernel, one thread', fmtRate(c), ratio(c, a), pct(c)],
      ['(d) pool, 1 worker', fmtRate(pool1), ratio(pool1, a), pct(pool1)],
      [`(d) pool, ${all} workers`, fmtRate(poolAll), ratio(poolAll, a), pct(poolAll)],
    ];
    console.log(table(rows));
    console.log('');
    console.log(table([
      ['ratio', 'measured', 'issue 4 target'],
      ['c / a (kernel vs naive @noble)', ratio(c, a), '>= 9x'],
      ['c / b (kernel vs best @noble midstate)', ratio(c, b), ''],
      [`c / C limit (${C_LIMIT / 1e6} M/s, from the notes)`, `${((c / C_LIMIT) * 100).toFixed(1)} %`, ''],
      [`pool ${all} / pool 1`, ratio(poolAll, pool1), all >= 2 ? `>= ${(all * 0.95).toFixed(2)}x` : ''],
      [`stop latency, ${stops.length} stops, ${all} workers: median`, `${median(stops).toFixed(2)} ms`, '<= 2 ms'],
      ['stop latency: max', `${Math.max(...stops).toFixed(2)} ms`, ''],
    ]));
  },
};

function ratio(x: number, base: number): string {
  return `${(x / base).toFixed(2)}x`;
}

function pct(x: number): string {
  return `${((x / C_LIMIT) * 100).toFixed(1)} %`;
}
